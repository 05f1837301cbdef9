//! The `chatkit_response` fuzz target as a bounded property test: ChatKit's response
//! decoders, unified model and transcript on random answers (documented examples mutated,
//! JSON built from ChatKit's field names, raw bytes). The checks live in
//! `fuzz/src/chatkit.rs`, shared with the fuzzer.

#[path = "../../../../fuzz/src/chatkit.rs"]
mod target;

use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1_000))]

    #[test]
    fn decoders_survive_any_answer(data in proptest::collection::vec(any::<u8>(), 0..4_096)) {
        target::check(&data);
    }
}
