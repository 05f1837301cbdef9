//! Fuzz target: see [`aithreads_fuzz::thread_ref`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| aithreads_fuzz::thread_ref::check(data));
