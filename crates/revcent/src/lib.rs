//! RevCent v2 AI threads for [aithreads](https://crates.io/crates/aithreads): get, list and
//! cancel the threads RevCent AI assistants run, typed exactly as RevCent's OpenAPI
//! operations describe them, and as an [`aithreads_core::ThreadProvider`].
//!
//! # Quick start
//!
//! ```no_run
//! use aithreads_revcent::{RevCentClient, ThreadFilters};
//! use futures::StreamExt;
//! use time::{Duration, OffsetDateTime};
//!
//! # async fn run() -> aithreads_revcent::Result<()> {
//! // REVCENT_API_KEY, and REVCENT_BASE_URL to point elsewhere (the simulator, a proxy).
//! let client = RevCentClient::from_env()?;
//!
//! // Every thread of the last 9 days: 2-day windows and pages are walked for you.
//! let now = OffsetDateTime::now_utc();
//! let mut threads = client.ai_threads(now - Duration::days(9)..=now, ThreadFilters::new());
//! while let Some(thread) = threads.next().await {
//!     let thread = thread?;
//!     println!("{:?} {:?}", thread.id, thread.status);
//! }
//!
//! // One thread with its messages, then cancel it.
//! let thread = client.get_ai_thread("Xk29dLq0PzR7mNs4TbVa").await?;
//! println!("{} messages", thread.messages.iter().flatten().count());
//! let outcome = client.cancel_ai_thread("Xk29dLq0PzR7mNs4TbVa").await?.outcome();
//! println!("{outcome:?}");
//! # Ok(())
//! # }
//! ```
//!
//! # Operations
//!
//! Each method is named after the RevCent operation it calls; the
//! [`ThreadProvider`](core::ThreadProvider) methods (`get_thread`, `list_threads`, …) keep
//! the trait's names and answer in the unified model.
//!
//! | method | RevCent operation | request |
//! |---|---|---|
//! | [`RevCentClient::get_ai_thread`] | GetAIThread | `GET {base}/ai_threads/{id}` |
//! | [`RevCentClient::get_ai_threads`] | GetAIThreads | `GET {base}/ai_threads?date_start&date_end&limit&page[&ai_assistant_filter…][&status_filter…]` |
//! | [`RevCentClient::cancel_ai_thread`] | CancelAIThread | `POST {base}/ai_threads/{id}/cancel`, body `{}` |
//! | [`RevCentClient::ai_threads`] | GetAIThreads, repeated | every window and page of a range |
//!
//! `base` is `https://api.revcent.com/v2` unless `REVCENT_BASE_URL` or
//! [`RevCentConfig::with_base_url`] says otherwise. Every request sends `x-api-key`.
//! Input is checked before anything is sent: thread and assistant ids are exactly 20
//! URL-safe ASCII characters, a raw list call covers at most 2 days (`date_start <=
//! date_end`), `limit` is 1 to 25 and `page` starts at 1.
//!
//! # Errors
//!
//! RevCent documents one error body, `APIStandardErrors` (`code: 0`, `error_code`,
//! `message`, `result`, `api_call_id`), and no HTTP status usage, so a `code: 0` body is an
//! error whatever the status. It becomes [`core::Error::Provider`] with `error_code` as
//! [`code()`](core::Error::code), `message`, and `api_call_id` as
//! [`request_id()`](core::Error::request_id); HTTP 401/403 and the code `unauthorized` become
//! [`core::Error::Authentication`], HTTP 404 and the code `not_found` become
//! [`core::Error::NotFound`]. The codes are an assumption ([`error_codes`]): RevCent publishes
//! no list. A 404 without the envelope did not come from the API (a base URL missing `/v2`):
//! it is [`core::Error::Config`] naming `REVCENT_BASE_URL`, and so is any redirect, which is
//! never followed (the `x-api-key` goes nowhere else).
//!
//! # Decisions where RevCent's documentation is silent
//!
//! - **Page numbers start at 1** ([`FIRST_PAGE`]): not stated anywhere that was found.
//! - **`date_start` and `date_end` are both inclusive**; [`RevCentClient::ai_threads`] uses
//!   windows `[s, s + 172_799]` so that no second is listed twice.
//! - **Threads within a window** are yielded in the order RevCent returns them (the simulator
//!   lists oldest first, then by creation order).
//! - **Cancel is retried** after a lost answer; a retry refused because the thread already
//!   ended succeeds as [`CancelResponse::AlreadyEnded`].
//! - **Retention**: RevCent keeps threads 60 days; older ranges are accepted and yield nothing.
//! - **`Cancelled` cannot be filtered by RevCent** (`status_filter` has no such value): the
//!   trait's [`ListQuery`](core::ListQuery) statuses are sent as `status_filter` when they all
//!   have a value, and filtered here otherwise. A user filter and `order: desc` are refused.
//! - **Error codes and HTTP statuses** are undocumented; the mapping above and the simulator
//!   use [`error_codes`] with 400, 401 and 404.
//!
//! # Unified model
//!
//! As a [`ThreadProvider`](core::ThreadProvider) (see the impl on [`RevCentClient`]): statuses
//! map `Running` → running, `Timer` → pending, `Complete` → completed, `Cancelled` →
//! cancelled, `Error` → failed (others → unknown, the raw value kept), and
//! [`Thread::record`](core::Thread::record) is the typed [`AiThread`]
//! ([`AiThread::into_thread`]).
//!
//! # Wire models
//!
//! Every model of RevCent's spec is in [`generated`]. Re-exported here: the list query
//! ([`AiThreadListParams`]), each operation's answer, and the enums.
#![deny(missing_docs)]

mod client;
mod config;
mod error;
pub mod generated;
mod input;
mod provider;
mod windows;

pub use aithreads_core as core;
pub use aithreads_core::{Error, Result};
pub use client::{CancelResponse, RevCentClient};
pub use config::{API_KEY_VAR, BASE_URL_VAR, DEFAULT_BASE_URL, DEFAULT_CONCURRENCY, RevCentConfig};
pub use error::error_codes;
pub use generated::{
    AiThread, AiThreadList, AiThreadListParams, AiThreadStatus, ApiStandardError,
    CancelAiThreadResult, MessageRole, StatusFilter, TriggerSource,
};
pub use input::{FIRST_PAGE, ID_LEN, MAX_LIMIT, MAX_RANGE_SECS, ThreadFilters, check_thread_id};
pub use provider::RETENTION;

/// The decoders [`RevCentClient`] runs on every answer (status, headers and body in, typed
/// value or [`Error`] out), for the fuzz targets and property tests (cargo feature
/// `fuzzing`). Not a stable API.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod decoders {
    pub use crate::client::{decode_cancel, decode_list, decode_thread};
}
