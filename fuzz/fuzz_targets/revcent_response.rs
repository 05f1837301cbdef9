//! Fuzz target: see [`aithreads_fuzz::revcent`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| aithreads_fuzz::revcent::check(data));
