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
//! | [`RevCentClient::trigger_ai_assistant`] | TriggerAIAssistant | `POST {base}/ai_assistants/{ai_assistant_id}/trigger`, body [`TriggerAiAssistantRequest`] |
//! | [`RevCentClient::ai_threads`] | GetAIThreads, repeated | every window and page of a range |
//!
//! `base` is `https://api.revcent.com/v2` unless `REVCENT_BASE_URL` or
//! [`RevCentConfig::with_base_url`] says otherwise. Every request sends `x-api-key`.
//! Input is checked before anything is sent: thread and assistant ids are exactly 20
//! URL-safe ASCII characters, a raw list call covers at most 2 days (`date_start <=
//! date_end`), `limit` is 1 to 25 and `page` is 0 or more.
//!
//! # Errors, and what counts as a success
//!
//! RevCent documents one error body, `APIStandardErrors` (`code: 0`, `error_code`,
//! `message`, `result`, `api_call_id`), one success marker (`code: 1`), and neither its HTTP
//! statuses nor its error codes. So:
//!
//! - A 404 without the envelope did not come from the API (a base URL missing `/v2`): it is
//!   [`core::Error::Config`] naming `REVCENT_BASE_URL`, and so is any redirect, which is never
//!   followed (the `x-api-key` goes nowhere else).
//! - A success needs a 2xx answer with `code: 1` **and** what the operation promises:
//!   GetAIThread the thread's `id`, equal to the id asked for; GetAIThreads `results`,
//!   `total_count` and `total_pages`, every result with an `id`; CancelAIThread an
//!   `ai_thread_id` naming the thread asked for, when it sends one. `{}`, `{"ok": true}` or a
//!   bare `{"code": 1}` are [`core::Error::Decode`], never a success that did not happen.
//! - An error is a non-2xx answer or a `code: 0` envelope, whatever the status. It becomes
//!   [`core::Error::Provider`] with `error_code` as [`code()`](core::Error::code) (an unknown
//!   code keeps its text), `message`, and `api_call_id` as
//!   [`request_id()`](core::Error::request_id). The HTTP status classifies it first (401/403
//!   [`core::Error::Authentication`], 404 [`core::Error::NotFound`], 429
//!   [`core::Error::RateLimited`], 408/409/5xx transient); for other statuses the words of
//!   `error_code` and `message` do (`unauthorized`, `api_key`, `forbidden`, … →
//!   authentication; `not_found`, "does not exist" → not found; `rate_limit`,
//!   `too_many_requests` → rate limited). The simulator's codes are not relied on.
//! - A refused cancel, whatever its code, is confirmed with one GetAIThread: a thread in an
//!   ended status (`Complete`, `Cancelled`, `Error`) makes it
//!   [`CancelResponse::AlreadyEnded`]; anything else keeps the refusal as the error.
//!
//! # What RevCent's documents leave open, and what this crate does about it
//!
//! - **Page numbers** may start at 0 or at 1: no RevCent source says. On the first window
//!   with threads a walk fetches page 0 next to page 1 and reads which base holds
//!   ([`PageBase::read`], [`RevCentClient::page_base`]), remembered for the client's lifetime
//!   (1-based: one extra request per client; 0-based: none). Every window is reconciled with
//!   the `total_count` its pages report. [`RevCentClient::probe_page_base`] asks directly
//!   (`aithreads doctor`).
//! - **`date_start` and `date_end`** may each be inclusive or exclusive. Windows are
//!   `[s, s + 172_799)`, asked a second wider on each side (`date_start = s - 1`, within the
//!   2-day limit); a thread is kept by the window its creation second falls in, so it
//!   appears once under all four readings. [`RevCentClient::probe_date_ends`] asks which
//!   reading holds (`aithreads doctor`).
//! - **Inconsistent pages** (a server repeating a page, counts that never add up, a window
//!   of billions) end the walk with an error naming the window and page; pages are bounded
//!   by `total_count / limit`, never by `total_pages` alone, and threads are de-duplicated.
//! - **Order within a window** is RevCent's; newest first sorts each window by
//!   `created_date_unix`.
//! - **Ranges** are clamped to now and refused beyond
//!   [`RevCentConfig::with_max_windows`] windows (default 31, 62 days; RevCent keeps threads
//!   60 days), before any request ([`RevCentClient::plan_range`]).
//! - **Error codes and statuses** are undocumented: classified as above.
//! - **`Cancelled` cannot be filtered by RevCent** (`status_filter` has no such value): the
//!   trait's [`ListQuery`](core::ListQuery) statuses are sent as `status_filter` when they all
//!   have a value, and filtered here otherwise. A user filter is refused.
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
mod date_ends;
mod error;
pub mod generated;
mod input;
mod page_base;
mod provider;
mod walk;
mod windows;

pub use aithreads_core as core;
pub use aithreads_core::{Error, Result};
pub use client::{CancelResponse, RevCentClient};
pub use config::{
    API_KEY_VAR, BASE_URL_VAR, DEFAULT_BASE_URL, DEFAULT_CONCURRENCY, DEFAULT_MAX_WINDOW_THREADS,
    RevCentConfig,
};
pub use date_ends::{DateBound, DateEndsProbe};
pub use generated::{
    AiThread, AiThreadList, AiThreadListParams, AiThreadStatus, ApiStandardError,
    CancelAiThreadResult, MessageRole, StatusFilter, TriggerAiAssistantBody,
    TriggerAiAssistantResult, TriggerSource,
};
pub use input::{
    ID_LEN, MAX_LIMIT, MAX_RANGE_SECS, ThreadFilters, TriggerAiAssistantRequest,
    check_ai_assistant_id, check_thread_id,
};
pub use page_base::{PageBase, PageBaseProbe, ProbedPage};
pub use provider::RETENTION;
pub use windows::{DEFAULT_MAX_WINDOWS, RangePlan, WINDOW_SECS};

/// The decoders [`RevCentClient`] runs on every answer (status, headers and body in, typed
/// value or [`Error`] out), for the fuzz targets and property tests (cargo feature
/// `fuzzing`). Not a stable API.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod decoders {
    pub use crate::client::{decode_cancel, decode_list, decode_thread, decode_trigger};
}
