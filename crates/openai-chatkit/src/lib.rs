//! OpenAI ChatKit threads for [aithreads](https://crates.io/crates/aithreads): a typed client
//! of the ChatKit API (beta) that also implements [`ThreadProvider`](core::ThreadProvider).
//!
//! | operation | method |
//! |---|---|
//! | `GET /chatkit/threads/{thread_id}` | [`ChatKitClient::get_thread`] → [`ThreadResource`] |
//! | `DELETE /chatkit/threads/{thread_id}` | [`ChatKitClient::delete_thread`] → [`DeletedThreadResource`] |
//! | `GET /chatkit/threads` | [`ChatKitClient::list_threads`] (one page), [`ChatKitClient::threads`] (a stream of all) |
//! | `GET /chatkit/threads/{thread_id}/items` | [`ChatKitClient::list_items`], [`ChatKitClient::items`] → [`ThreadItem`] |
//! | `POST /chatkit/sessions` | [`ChatKitClient::create_session`] → [`ChatSessionResource`] |
//! | `POST /chatkit/sessions/{session_id}/cancel` | [`ChatKitClient::cancel_session`] |
//!
//! Configuration comes from the variables the official OpenAI SDKs read: `OPENAI_API_KEY`
//! (required), `OPENAI_ORG_ID`, `OPENAI_PROJECT_ID`, `OPENAI_BASE_URL` (default
//! `https://api.openai.com/v1`), or from [`ChatKitConfig`]'s builder. Every request carries
//! `Authorization: Bearer …` and `OpenAI-Beta: chatkit_beta=v1`. Inputs are checked before
//! anything is sent (ids, `limit` 0–100, `user` 1–512 characters, session bodies), errors keep
//! OpenAI's `message`, `type`, `param`, `code` and `x-request-id`, and reads, deletes and
//! cancels are retried on 408/409/429/5xx honouring `retry-after-ms` / `retry-after`.
//!
//! The wire models are generated from OpenAI's published OpenAPI description
//! (`specs/openai-chatkit/chatkit.openapi.json`) into [`generated`] and re-exported here. Thread
//! statuses and items are open unions: a status or item type OpenAI adds later decodes as
//! `Unknown` with its JSON kept, never as an error. The wire error body is
//! [`generated::Error`]; [`Error`] here is aithreads' error type.
//!
//! # Quick start
//!
//! ```no_run
//! use aithreads_openai_chatkit::{ChatKitClient, ListThreadsParams, ThreadStatus};
//! use futures::TryStreamExt;
//!
//! # async fn run() -> aithreads_openai_chatkit::Result<()> {
//! let client = ChatKitClient::from_env()?;
//!
//! // Every thread of one end user, newest first, across all pages.
//! let threads: Vec<_> = client
//!     .threads(ListThreadsParams::new().with_user("user_123"))
//!     .try_collect()
//!     .await?;
//! for thread in &threads {
//!     let locked = matches!(thread.status, ThreadStatus::Locked(_));
//!     println!("{} {:?} locked={locked}", thread.id, thread.title);
//! }
//!
//! // Retention request: delete them.
//! for thread in threads {
//!     client.delete_thread(&thread.id).await?;
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Through the provider-independent trait, `get_thread` also fetches the items as a
//! transcript (see [`ThreadProvider` for ChatKit](provider)):
//!
//! ```no_run
//! use aithreads_openai_chatkit::core::ThreadProvider;
//! use aithreads_openai_chatkit::{ChatKitClient, ThreadRecord};
//!
//! # async fn run() -> aithreads_openai_chatkit::Result<()> {
//! let client = ChatKitClient::from_env()?;
//! let thread = ThreadProvider::get_thread(&client, "cthr_abc123").await?;
//! for message in &thread.messages {
//!     println!("{:?}: {}", message.role, message.text);
//! }
//! let record = thread.record::<ThreadRecord>().expect("a ChatKit record");
//! println!("{} items", record.items.as_ref().map_or(0, Vec::len));
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]

mod client;
mod config;
mod error;
pub mod generated;
mod params;
pub mod provider;
mod transcript;
pub use transcript::message as item_message;

pub use aithreads_core as core;
pub use aithreads_core::{Error, Result};
pub use client::{BETA_HEADER, ChatKitClient, check_thread_id};
pub use config::{ChatKitConfig, DEFAULT_BASE_URL};
pub use generated::*;
pub use params::{
    ListItemsParams, ListThreadsParams, MAX_FILE_SIZE_MB, MAX_LIMIT, MAX_SESSION_SECONDS,
    MAX_STATE_VARIABLE_KEY_CHARS, MAX_STATE_VARIABLE_STRING_CHARS, MAX_STATE_VARIABLES,
    MAX_USER_CHARS,
};
pub use provider::ThreadRecord;

/// The decoders [`ChatKitClient`] runs on every answer (status, headers and body in, typed
/// value or [`Error`] out), exposed for the fuzz targets and property tests. Not a stable API.
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
