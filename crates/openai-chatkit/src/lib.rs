//! Work in progress.
#![deny(missing_docs)]

mod generated;
pub use generated::*;
