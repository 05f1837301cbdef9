//! The integration tests of `aithreads-sim` as one binary, a module per area
//! (rust-analyzer's rule: each file directly under `tests/` links a binary of its own).

mod common;

mod chatkit_api;
mod clock;
mod faults;
mod revcent_routes;
mod revcent_schema;
mod trtc_protocol;
