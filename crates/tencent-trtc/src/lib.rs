//! Work in progress.
#![deny(missing_docs)]

pub use aithreads_core as core;

mod generated;
pub mod sign;
pub use generated::*;
