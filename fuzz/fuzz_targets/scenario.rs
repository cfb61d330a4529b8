//! The scenario reader on arbitrary bytes: it must return a scenario or an error,
//! never panic, hang or allocate without bound; and an error must carry a position
//! inside the text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(e) = spasm::scenario::parse_scenario(text, "fuzz.toml") {
        assert!(e.span.end <= text.len(), "span outside the text: {e}");
        let _ = e.to_string();
    }
});
