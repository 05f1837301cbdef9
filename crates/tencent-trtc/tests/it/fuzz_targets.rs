//! The `trtc_response` and `tc3_sign` fuzz targets as bounded property tests: TRTC's
//! response decoders on random answers, and the TC3 canonicaliser, signer and
//! `Authorization` parser on random requests. The checks live in `fuzz/src/trtc.rs` and
//! `fuzz/src/tc3.rs`, shared with the fuzzer.

#[path = "../../../../fuzz/src/tc3.rs"]
mod tc3;
#[path = "../../../../fuzz/src/trtc.rs"]
mod trtc;

use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1_000))]

    #[test]
    fn decoders_survive_any_answer(data in proptest::collection::vec(any::<u8>(), 0..4_096)) {
        trtc::check(&data);
    }

    #[test]
    fn canonical_requests_have_the_documented_layout(
        data in proptest::collection::vec(any::<u8>(), 0..1_024),
    ) {
        tc3::check(&data);
    }
}
