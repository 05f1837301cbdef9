//! The integration tests of `aithreads-revcent` as one binary, a module per area
//! (rust-analyzer's rule: each file directly under `tests/` links a binary of its own).

mod common;
// The fuzz targets' shared input shaping, at the crate root where they expect it.
#[path = "../../../../fuzz/src/shaping.rs"]
mod shaping;

mod cancel_thread;
mod conformance;
mod fuzz_targets;
mod get_thread;
mod hostile;
mod list_threads;
mod readings;
mod simulator;
mod threads;
mod trigger;
