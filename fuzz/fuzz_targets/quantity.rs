//! The unit parser on arbitrary strings: a quantity or an error, never a panic; a
//! parsed quantity converts to its own unit without loss.
#![no_main]

use libfuzzer_sys::fuzz_target;
use spasm::units::Quantity;

fuzz_target!(|text: &str| {
    if let Ok(q) = Quantity::parse(text) {
        let _ = q.to("s");
        let _ = q.to("mg");
        let _ = q.to("%MVC");
    }
});
