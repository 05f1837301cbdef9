//! The integration tests of `aithreads-cli` as one binary, a module per area
//! (rust-analyzer's rule: each file directly under `tests/` links a binary of its own).

mod act;
mod bulk;
mod cli;
mod common;
mod config;
mod doctor;
mod export;
mod hostile;
mod object_store;
mod output;
mod pipelines;
mod revcent;
mod trtc;
mod watch;
