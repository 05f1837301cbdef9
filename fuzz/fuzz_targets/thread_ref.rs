//! `ThreadRef` parsing: never panics, and whatever parses prints back identically.
#![no_main]

use aithreads_core::ThreadRef;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(parsed) = text.parse::<ThreadRef>() {
        assert_eq!(parsed.to_string(), text);
        let again: ThreadRef = parsed.to_string().parse().expect("printed form parses");
        assert_eq!(again, parsed);
    }
});
