//! The fuzz targets' checks, one module per target, each a `check(data)` that must never
//! panic on any input.
//!
//! The `fuzz_targets/` binaries hand libFuzzer's inputs to these functions. The crates that
//! own the code under test run the same functions on random inputs as bounded property
//! tests (`tests/it/fuzz_targets.rs`, which include these files by path), so every target also
//! runs, and keeps compiling, in the normal test suite.

pub mod chatkit;
pub mod revcent;
pub mod shaping;
pub mod tc3;
pub mod thread_ref;
pub mod trtc;
