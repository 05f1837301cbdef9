//! The integration tests of `aithreads-cli` as one binary, a module per area
//! (rust-analyzer's rule: each file directly under `tests/` links a binary of its own).

mod cli;
mod config;
mod doctor;
mod hostile;
