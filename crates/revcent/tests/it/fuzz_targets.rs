//! The `revcent_response` fuzz target as a bounded property test: RevCent's response
//! decoders on random answers (documented examples mutated, JSON built from RevCent's field
//! names, raw bytes). The checks live in `fuzz/src/revcent.rs`, shared with the fuzzer.

#[path = "../../../../fuzz/src/revcent.rs"]
mod target;

use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1_000))]

    #[test]
    fn decoders_survive_any_answer(data in proptest::collection::vec(any::<u8>(), 0..4_096)) {
        target::check(&data);
    }
}
