//! Fuzz target: see [`aithreads_fuzz::tc3`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| aithreads_fuzz::tc3::check(data));
