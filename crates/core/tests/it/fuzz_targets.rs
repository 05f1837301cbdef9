//! The `thread_ref` fuzz target as a bounded property test: `ThreadRef` parsing on random
//! text, mostly shaped like references. The check lives in `fuzz/src/thread_ref.rs`, shared
//! with the fuzzer.

#[path = "../../../../fuzz/src/thread_ref.rs"]
mod target;

use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn parsing_never_panics_and_round_trips(
        text in "(revcent|trtc|chatkit|slack|)[:]?((ap|na|eu)-[a-z0-9]{0,12}/)?[ -~\\PC]{0,40}",
    ) {
        target::check(text.as_bytes());
    }

    #[test]
    fn parsing_any_bytes_never_panics(data in proptest::collection::vec(any::<u8>(), 0..128)) {
        target::check(&data);
    }
}
