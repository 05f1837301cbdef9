//! OpenAI ChatKit threads for [aithreads](https://crates.io/crates/aithreads): a typed client
//! of the ChatKit API (beta) that also implements [`ThreadProvider`](core::ThreadProvider).
//!
//! # Quick start
//!
//! ```no_run
//! use aithreads_openai_chatkit::{ChatKitClient, ListThreadsParams, ThreadStatus};
//! use futures::TryStreamExt;
//!
//! # async fn run() -> aithreads_openai_chatkit::Result<()> {
//! // OPENAI_API_KEY, and OPENAI_BASE_URL to point elsewhere (the simulator, a proxy).
//! let client = ChatKitClient::from_env()?;
//!
//! // Every thread of one end user, newest first, across all pages.
//! let threads: Vec<_> = client
//!     .chatkit_threads(ListThreadsParams::new().with_user("user_123"))
//!     .try_collect()
//!     .await?;
//! for thread in &threads {
//!     let locked = matches!(thread.status, ThreadStatus::Locked(_));
//!     println!("{} {:?} locked={locked}", thread.id, thread.title);
//! }
//!
//! // Retention request: delete them.
//! for thread in threads {
//!     client.delete_chatkit_thread(&thread.id).await?;
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Through the provider-independent trait, `get_thread` also fetches the items as a
//! transcript (see the `ThreadProvider` impl on [`ChatKitClient`]):
//!
//! ```no_run
//! use aithreads_openai_chatkit::core::ThreadProvider;
//! use aithreads_openai_chatkit::{ChatKitClient, ThreadRecord};
//!
//! # async fn run() -> aithreads_openai_chatkit::Result<()> {
//! let client = ChatKitClient::from_env()?;
//! let thread = client.get_thread("cthr_abc123").await?;
//! for message in &thread.messages {
//!     println!("{:?}: {}", message.role, message.text);
//! }
//! let record = thread.record::<ThreadRecord>().expect("a ChatKit record");
//! println!("{} items", record.items.as_ref().map_or(0, Vec::len));
//! # Ok(())
//! # }
//! ```
//!
//! # Operations
//!
//! Each method is named after the API operation it calls; the
//! [`ThreadProvider`](core::ThreadProvider) methods (`get_thread`, `list_threads`, …) keep
//! the trait's names and answer in the unified model.
//!
//! | method | OpenAI operation | request |
//! |---|---|---|
//! | [`ChatKitClient::retrieve_chatkit_thread`] → [`ThreadResource`] | GetThreadMethod | `GET {base}/chatkit/threads/{thread_id}` |
//! | [`ChatKitClient::delete_chatkit_thread`] → [`DeletedThreadResource`] | DeleteThreadMethod | `DELETE {base}/chatkit/threads/{thread_id}` |
//! | [`ChatKitClient::list_chatkit_threads`] → [`ThreadListResource`] | ListThreadsMethod | `GET {base}/chatkit/threads[?after&before&limit&order&user]` |
//! | [`ChatKitClient::chatkit_threads`] → [`ThreadResource`]s | ListThreadsMethod, repeated | every page |
//! | [`ChatKitClient::list_chatkit_thread_items`] → [`ThreadItemListResource`] | ListThreadItemsMethod | `GET {base}/chatkit/threads/{thread_id}/items[?after&before&limit&order]` |
//! | [`ChatKitClient::chatkit_thread_items`] → [`ThreadItem`]s | ListThreadItemsMethod, repeated | every page |
//! | [`ChatKitClient::create_chatkit_session`] → [`ChatSessionResource`] | CreateChatSessionMethod | `POST {base}/chatkit/sessions` |
//! | [`ChatKitClient::cancel_chatkit_session`] → [`ChatSessionResource`] | CancelChatSessionMethod | `POST {base}/chatkit/sessions/{session_id}/cancel` |
//!
//! `base` is `https://api.openai.com/v1` unless `OPENAI_BASE_URL` or
//! [`ChatKitConfig::with_base_url`] says otherwise. Configuration comes from the variables the
//! official OpenAI SDKs read: `OPENAI_API_KEY` (required; a missing key is reported when the
//! client is built), `OPENAI_ORG_ID`, `OPENAI_PROJECT_ID`, `OPENAI_BASE_URL`, or from
//! [`ChatKitConfig`]'s builder. Every request carries `Authorization: Bearer …` and
//! `OpenAI-Beta: chatkit_beta=v1`. Inputs are checked before anything is sent (ids, `limit`
//! 0–100, `user` 1–512 characters, session bodies), and reads, deletes and cancels are retried
//! on 408/409/429/5xx honouring `retry-after-ms` / `retry-after`.
//!
//! # Errors
//!
//! OpenAI reports failures with an HTTP status and the envelope
//! `{"error": {"message", "type", "param", "code"}}`, plus an `x-request-id` header; all are
//! kept in the [`Error`]. 401/403 are [`Error::Authentication`], 404 [`Error::NotFound`], 429
//! [`Error::RateLimited`], everything else [`Error::Provider`], transient for 408, 409 and
//! 5xx (an `x-should-retry` header overrides that, as in the official SDKs). A body that is
//! not the envelope (a proxy's HTML page) keeps a short, redacted excerpt.
//!
//! A wrong base URL is reported as one: a 404 without the envelope, or OpenAI's own
//! `Invalid URL (…)`, and any redirect (never followed, so the key goes nowhere else) are
//! [`Error::Config`] naming `OPENAI_BASE_URL`. A blank key, or credentials inside the base URL,
//! are [`Error::Config`] before any request.
//!
//! # Bounds a server cannot break
//!
//! - Every walk ends: a listing that sends a cursor again (`has_more: true` with the same
//!   `last_id`, or cursors cycling) ends with [`Error::Pagination`] naming the cursor, and no
//!   thread or item is yielded twice.
//! - A thread's items are fetched up to [`DEFAULT_MAX_TRANSCRIPT_ITEMS`] items and
//!   [`DEFAULT_MAX_TRANSCRIPT_BYTES`] of item pages ([`ChatKitConfig::with_max_transcript_items`],
//!   [`ChatKitConfig::with_max_transcript_bytes`]); a larger one is
//!   [`Error::TranscriptTooLarge`], so `get_thread` holds at most that much, and `n` of them
//!   in flight at most `n` times that.
//!
//! # Unified model
//!
//! As a [`ThreadProvider`](core::ThreadProvider) (see the impl on [`ChatKitClient`]): statuses
//! map `active` → running, `locked` → locked, `closed` → completed (others → unknown, the raw
//! type and reason kept), and [`Thread::record`](core::Thread::record) is the typed
//! [`ThreadRecord`] ([`ThreadRecord::into_thread`]); items become messages as
//! [`item_message`] describes.
//!
//! # Wire models
//!
//! Every model of OpenAI's published OpenAPI description
//! (`specs/openai-chatkit/chatkit.openapi.json`) is in [`generated`]. Re-exported here: the
//! session body and every type it is built from, each operation's answer, and the enums
//! (except the unused `OrderEnum`: the list queries take [`core::Order`]). Thread statuses and items are open unions: a status or item type OpenAI adds later
//! decodes as `Unknown` with its JSON kept, never as an error. The wire error body is
//! [`generated::Error`], not re-exported: [`Error`] here is aithreads' error type.
#![deny(missing_docs)]

mod client;
mod config;
mod error;
pub mod generated;
mod input;
mod provider;
mod transcript;

pub use aithreads_core as core;
pub use aithreads_core::{Error, Result};
pub use client::{BETA_HEADER, ChatKitClient};
pub use config::{
    API_KEY_VAR, BASE_URL_VAR, ChatKitConfig, DEFAULT_BASE_URL, DEFAULT_MAX_TRANSCRIPT_BYTES,
    DEFAULT_MAX_TRANSCRIPT_ITEMS, ORG_ID_VAR, PROJECT_ID_VAR,
};
pub use generated::{
    Annotation, AttachmentType, AutomaticThreadTitlingParam, ChatSessionResource,
    ChatSessionStatus, ChatkitConfigurationParam, ClientToolCallStatus, CreateChatSessionBody,
    DeletedThreadResource, ExpiresAfterParam, FileUploadParam, HistoryParam, RateLimitsParam,
    StateVariableValue, TaskType, ThreadItem, ThreadItemListResource, ThreadListResource,
    ThreadResource, ThreadStatus, UserMessageContent, WorkflowParam, WorkflowTracingParam,
};
pub use input::{
    ListItemsParams, ListThreadsParams, MAX_FILE_SIZE_MB, MAX_LIMIT, MAX_SESSION_SECONDS,
    MAX_STATE_VARIABLE_KEY_CHARS, MAX_STATE_VARIABLE_STRING_CHARS, MAX_STATE_VARIABLES,
    MAX_USER_CHARS, check_thread_id,
};
pub use provider::ThreadRecord;
pub use transcript::message as item_message;

/// The decoders [`ChatKitClient`] runs on every answer (status, headers and body in, typed
/// value or [`Error`] out), for the fuzz targets and property tests (cargo feature `fuzzing`).
/// Not a stable API.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod decoders {
    use crate::core::transport::Response;
    use crate::generated::{
        ChatSessionResource, ThreadItemListResource, ThreadListResource, ThreadResource,
    };
    use crate::{Result, error};

    pub use crate::client::decode_delete;

    /// GetThreadMethod's answer.
    pub fn decode_thread(response: Response) -> Result<ThreadResource> {
        error::decode(response)
    }

    /// ListThreadsMethod's answer.
    pub fn decode_thread_list(response: Response) -> Result<ThreadListResource> {
        error::decode(response)
    }

    /// ListThreadItemsMethod's answer.
    pub fn decode_item_list(response: Response) -> Result<ThreadItemListResource> {
        error::decode(response)
    }

    /// CreateChatSessionMethod's and CancelChatSessionMethod's answer.
    pub fn decode_session(response: Response) -> Result<ChatSessionResource> {
        error::decode(response)
    }
}
