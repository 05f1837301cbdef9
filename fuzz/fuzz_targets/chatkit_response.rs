//! Fuzz target: see [`aithreads_fuzz::chatkit`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| aithreads_fuzz::chatkit::check(data));
