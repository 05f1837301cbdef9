//! `ThreadRef` parsing: never panics, and whatever parses prints back identically.

use aithreads_core::ThreadRef;

/// Runs the target on one input; panics on a finding.
pub fn check(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(parsed) = text.parse::<ThreadRef>() {
        assert_eq!(parsed.to_string(), text);
        let again: ThreadRef = parsed.to_string().parse().expect("printed form parses");
        assert_eq!(again, parsed);
    }
}
