//! The integration tests of `aithreads` as one binary, a module per area
//! (rust-analyzer's rule: each file directly under `tests/` links a binary of its own).

mod common;

mod bad_input;
mod client;
mod export;
mod fault_matrix;
mod fourth_provider;
mod hostile;
mod revcent_readings;
mod secrets;
