//! The core of [aithreads](https://crates.io/crates/aithreads): one trait, one thread model and
//! one error type for AI conversation threads at RevCent, Tencent Cloud TRTC and OpenAI ChatKit,
//! plus the HTTP transport every provider crate shares.
//!
//! You rarely depend on this crate alone: take a provider crate (`aithreads-revcent`,
//! `aithreads-tencent-trtc`, `aithreads-openai-chatkit`) or the `aithreads` facade, which
//! re-export what is here.
//!
//! - [`ThreadProvider`]: get, list, cancel, delete and stream threads, object safe.
//! - [`Thread`], [`Status`] (the mapping table is on [`Status`]), [`ListQuery`], [`Page`],
//!   [`CancelOutcome`], [`Capabilities`] (with the [`QueryFields`] a listing honours).
//! - [`ThreadRef`]: `revcent:<id>`, `trtc:[<region>/]<TaskId>`, `chatkit:<id>`.
//! - [`Error`]: flat, `#[non_exhaustive]`, with the provider's code, message, HTTP status and
//!   request id, and predicates such as [`Error::is_retryable`].
//! - [`transport`]: retries with jittered backoff honouring `Retry-After`, timeouts, rate
//!   limits, response size limits, tracing spans, and `http://` refused except to loopback.
//! - [`pagination`]: cursor and page-number listings as bounded-prefetch streams.
//!
//! ```
//! use std::sync::Arc;
//! use aithreads_core::{Error, ListQuery, ThreadProvider, ThreadRef};
//! use futures::StreamExt;
//!
//! /// Counts the threads a provider holds, whichever provider it is.
//! async fn count(provider: Arc<dyn ThreadProvider>) -> Result<usize, Error> {
//!     if !provider.capabilities().list {
//!         return Ok(0);
//!     }
//!     let mut threads = provider.threads(ListQuery::new());
//!     let mut n = 0;
//!     while let Some(thread) = threads.next().await {
//!         thread?;
//!         n += 1;
//!     }
//!     Ok(n)
//! }
//!
//! let r: ThreadRef = "chatkit:cthr_def456".parse()?;
//! assert_eq!(r.to_string(), "chatkit:cthr_def456");
//! # Ok::<(), Error>(())
//! ```
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod capabilities;
#[cfg(feature = "conformance")]
pub mod conformance;
mod error;
mod model;
pub mod pagination;
mod provider;
mod provider_kind;
pub mod secret_file;
mod thread_ref;
pub mod transport;
mod unknown_name;
pub mod validate;
pub mod vars;
pub mod wire;

pub use capabilities::{Capabilities, QueryFields};
pub use error::{ApiError, Error, ErrorKind, Result};
pub use model::{
    CancelOutcome, ListQuery, Message, Operation, Order, Page, ProviderRecord, RawStatus, Role,
    Status, Thread, ToolCall,
};
pub use provider::{DEFAULT_PREFETCH_PAGES, ThreadProvider};
pub use provider_kind::ProviderKind;
pub use secrecy::{ExposeSecret, SecretString};
pub use thread_ref::ThreadRef;
/// The `time` crate, whose `OffsetDateTime` the model uses for every timestamp.
pub use time;
pub use unknown_name::UnknownName;
