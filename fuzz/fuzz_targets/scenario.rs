//! The scenario reader on arbitrary bytes: it must return a scenario or an error,
//! never panic, hang or allocate without bound; and an error must carry a position
//! inside the text. `spasm check`'s reader (every error) must agree with it on the
//! first error.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let first = spasm::scenario::parse_scenario(text, "fuzz.toml");
    let checked = spasm::scenario::check_scenario(text, "fuzz.toml");
    match first {
        Ok(_) => assert!(checked.errors.is_empty(), "check found errors parse did not"),
        Err(e) => {
            assert!(e.span.end <= text.len(), "span outside the text: {e}");
            let _ = e.to_string();
            assert_eq!(
                checked.errors.first().map(ToString::to_string),
                Some(e.to_string()),
                "check's first error differs"
            );
            for c in &checked.errors {
                assert!(c.span.end <= text.len(), "span outside the text: {c}");
            }
        }
    }
});
