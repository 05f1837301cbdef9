//! Tencent Cloud TRTC AI conversations for [aithreads](https://crates.io/crates/aithreads):
//! start, describe, update, control and stop AI conversation tasks (API 3.0, version
//! `2019-07-22`), with a standalone TC3-HMAC-SHA256 signer.
//!
//! - [`TrtcClient`]: the five actions, fully typed ([`StartAIConversationRequest`] and
//!   siblings, generated from the spec), each signed afresh per attempt, refused before
//!   sending in a region its documentation does not list, and held to its documented
//!   requests per second on the client side (shared by clones), so bulk stops never trip
//!   `RequestLimitExceeded`.
//! - [`ThreadProvider`](aithreads_core::ThreadProvider): `get_thread` describes a task,
//!   `cancel_thread` stops it; TRTC has no listing or deletion, so those answer
//!   `Unsupported`.
//! - [`LlmConfig`] and [`TtsConfig`]: typed builders for the members the API takes as JSON
//!   text.
//! - [`sign`]: TC3-HMAC-SHA256 as pure functions, checked against Tencent's published
//!   vectors.
//! - Errors: Tencent answers errors inside HTTP 200; [`error`] maps each `Error.Code` into
//!   [`core::Error`], keeping code, message and `RequestId`.
//!
//! # Quick start
//!
//! ```no_run
//! use aithreads_tencent_trtc::{StopAIConversationRequest, TrtcClient};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> aithreads_tencent_trtc::core::Result<()> {
//! // TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY, TENCENTCLOUD_REGION (e.g. ap-singapore)
//! let client = TrtcClient::from_env()?;
//! let stopped = client
//!     .stop_ai_conversation(&StopAIConversationRequest {
//!         task_id: "SV1FR+XTtvzAjRxZZ+aof1DfJF00VSBBNE0zR9W-PEpgCPBmt402.".into(),
//!     })
//!     .await?;
//! println!("{:?} (request {:?})", stopped.outcome, stopped.request_id);
//! # Ok(())
//! # }
//! ```
//!
//! Through the provider-independent trait, with the region of a `trtc:<region>/<TaskId>`
//! reference:
//!
//! ```no_run
//! use aithreads_tencent_trtc::core::{ThreadProvider, ThreadRef};
//! use aithreads_tencent_trtc::{TrtcClient, TrtcConfig};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> aithreads_tencent_trtc::core::Result<()> {
//! let client = TrtcClient::new(
//!     TrtcConfig::from_env()?.with_credentials("AKID...", "secret-key"),
//! )?;
//! let r: ThreadRef = "trtc:ap-tokyo/SV1FR+XTtvzAjRxZZ".parse()?;
//! let client = match r.region() {
//!     Some(region) => client.with_region(region)?,
//!     None => client,
//! };
//! let thread = client.get_thread(r.id()).await?;
//! println!("{} is {} ({})", thread.id, thread.status, thread.raw_status.value);
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]

pub use aithreads_core as core;

mod client;
mod config;
mod engines;
pub mod error;
mod generated;
mod input;
mod provider;
pub mod sign;

pub use client::{ACTIONS, StopOutcome, TrtcClient};
pub use config::{API_VERSION, DEFAULT_ENDPOINT, Language, SERVICE, TrtcConfig};
pub use engines::{FLOW_TTS_MODEL, LlmConfig, TtsConfig};
pub use generated::*;
pub use input::task_id as check_thread_id;
pub use provider::{thread_from_describe, unified_status};

/// The decoders [`TrtcClient`] runs on every answer (status, headers and body in, typed value
/// or [`core::Error`] out), exposed for the fuzz targets and property tests. Not a stable API.
#[doc(hidden)]
pub mod decoders {
    use crate::core::Result;
    use crate::core::transport::Response;
    use crate::generated::{
        ControlAIConversationResponse, DescribeAIConversationResponse, StartAIConversationResponse,
        UpdateAIConversationResponse,
    };

    pub use crate::client::decode_stop;

    /// StartAIConversation's answer.
    pub fn decode_start(response: Response) -> Result<StartAIConversationResponse> {
        crate::error::decode(&response)
    }

    /// DescribeAIConversation's answer.
    pub fn decode_describe(response: Response) -> Result<DescribeAIConversationResponse> {
        crate::error::decode(&response)
    }

    /// UpdateAIConversation's answer.
    pub fn decode_update(response: Response) -> Result<UpdateAIConversationResponse> {
        crate::error::decode(&response)
    }

    /// ControlAIConversation's answer.
    pub fn decode_control(response: Response) -> Result<ControlAIConversationResponse> {
        crate::error::decode(&response)
    }
}
