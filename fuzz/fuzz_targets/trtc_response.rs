//! Fuzz target: see [`aithreads_fuzz::trtc`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| aithreads_fuzz::trtc::check(data));
