//! The integration tests of `aithreads-openai-chatkit` as one binary, a module per area
//! (rust-analyzer's rule: each file directly under `tests/` links a binary of its own).

mod common;
// The fuzz targets' shared input shaping, at the crate root where they expect it.
#[path = "../../../../fuzz/src/shaping.rs"]
mod shaping;

mod conformance;
mod errors;
mod fuzz_targets;
mod models;
mod pagination;
mod requests;
mod simulator;
