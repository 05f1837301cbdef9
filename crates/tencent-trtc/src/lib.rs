//! Tencent Cloud TRTC AI conversations for [aithreads](https://crates.io/crates/aithreads):
//! start, describe, update, control and stop AI conversation tasks (API 3.0, version
//! `2019-07-22`), with a standalone TC3-HMAC-SHA256 signer.
//!
//! - [`TrtcClient`]: the five actions, fully typed ([`StartAiConversationRequest`] and
//!   siblings, generated from the spec and the official SDK's models), each signed afresh per
//!   attempt and held to its documented requests per second on the client side (shared by
//!   clones, per [`Site`]), so bulk stops never trip `RequestLimitExceeded`. Any well-formed
//!   region is sent: the server decides (see [Regions and sites](#regions-and-sites)).
//! - Every request struct takes members the spec does not know yet (`extra_members`,
//!   `with_extra_member`), sent next to the typed ones.
//! - [`ThreadProvider`](aithreads_core::ThreadProvider): `get_thread` describes a task,
//!   `cancel_thread` stops it; TRTC has no listing or deletion, so those answer
//!   `Unsupported`.
//! - [`LlmConfig`] and [`TtsConfig`]: typed builders for the members the API takes as JSON
//!   text.
//! - [`sign`]: TC3-HMAC-SHA256 as pure functions, checked against Tencent's published
//!   vectors.
//! - Credentials as the official SDKs find them ([`TrtcConfig::from_env`]): the environment,
//!   then Tencent's credentials file ([`CredentialsFile`]); never the CVM instance role,
//!   which would ask a cloud metadata address.
//! - Errors: Tencent answers errors inside HTTP 200; each `Error.Code` becomes an
//!   [`Error`], keeping code, message and `RequestId` (see [Errors](#errors)).
//!
//! # Quick start
//!
//! ```no_run
//! use aithreads_tencent_trtc::{StopAiConversationRequest, TrtcClient};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> aithreads_tencent_trtc::Result<()> {
//! // TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY, else ~/.tencentcloud/credentials;
//! // TENCENTCLOUD_REGION (e.g. ap-singapore)
//! let client = TrtcClient::from_env()?;
//! let stopped = client
//!     .stop_ai_conversation(&StopAiConversationRequest::new(
//!         "SV1FR+XTtvzAjRxZZ+aof1DfJF00VSBBNE0zR9W-PEpgCPBmt402.",
//!     ))
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
//! # async fn main() -> aithreads_tencent_trtc::Result<()> {
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
//!
//! # Operations
//!
//! Each method is named after the TRTC action it calls; the
//! [`ThreadProvider`](core::ThreadProvider) methods keep the trait's names and answer in the
//! unified model.
//!
//! | method | TRTC action (`POST /`, `X-TC-Action`) |
//! |---|---|
//! | [`TrtcClient::start_ai_conversation`] | StartAIConversation |
//! | [`TrtcClient::describe_ai_conversation`] | DescribeAIConversation |
//! | [`TrtcClient::update_ai_conversation`] | UpdateAIConversation |
//! | [`TrtcClient::control_ai_conversation`] | ControlAIConversation |
//! | [`TrtcClient::stop_ai_conversation`] | StopAIConversation |
//!
//! # Errors
//!
//! Tencent answers API errors inside an HTTP 200:
//! `{"Response": {"Error": {"Code", "Message"}, "RequestId"}}`; any other status comes from
//! a gateway or proxy, not the API: `Provider` with that status, transient for 408 and 5xx,
//! except a 429, which is `RateLimited` with the gateway's `Retry-After`, and a 404 or a
//! redirect (never followed), which are `Config` naming `TENCENTCLOUD_TRTC_ENDPOINT`: the
//! endpoint is not Tencent's API.
//!
//! | `Error.Code` | [`Error`] |
//! |---|---|
//! | `FailedOperation.TaskNotExist`, `ResourceNotFound*` | `NotFound` |
//! | `AuthFailure.*`, `UnauthorizedOperation*` | `Authentication` |
//! | `RequestLimitExceeded*` | `RateLimited` (retried) |
//! | `InternalError*`, `ServiceUnavailable*`, `ResourceInsufficient*`, bare `FailedOperation` | `Provider`, transient (retried) |
//! | anything else (`InvalidParameter.TaskId`, `MissingParameter`, `UnsupportedRegion`, ...) | `Provider`, not retried |
//!
//! Every variant keeps the code, the message and the `RequestId`.
//!
//! # Unified model
//!
//! As a [`ThreadProvider`](core::ThreadProvider) (see the impl on [`TrtcClient`]): a thread
//! is a task; statuses map `InProgress` → running, `Idle` and `Preparing` → pending,
//! `Stopped` → completed (others → unknown, the raw value kept), and
//! [`Thread::record`](core::Thread::record) is the typed [`DescribeAiConversationResponse`]
//! ([`DescribeAiConversationResponse::into_thread`]).
//!
//! # Regions and sites
//!
//! Tencent Cloud has two sites: international accounts call `trtc.intl.tencentcloudapi.com`
//! (the default, [`DEFAULT_ENDPOINT`]), China-site accounts `trtc.tencentcloudapi.com` (set
//! `TENCENTCLOUD_TRTC_ENDPOINT` to it; a bare host means https). The [`Site`] comes from the
//! endpoint's host, or [`TrtcConfig::with_site`] for a proxy, and sets the client-side request
//! limits: StartAIConversation 50/s international, 20/s China.
//!
//! Which regions an action runs in is the server's decision. The pages disagree (Start and
//! Control list na-ashburn, Describe, Update and Stop do not; only the China page lists
//! ap-beijing and ap-shanghai) and the official SDKs check nothing, so the client checks only
//! a region's syntax. When the server refuses one (`UnsupportedRegion`,
//! `InvalidParameterValue.Region`, ...), the error keeps Tencent's code, message and
//! `RequestId` and adds the regions the action's documentation lists for the site, with the
//! page ([`ActionSpec::on`]).
//!
//! # Members the spec does not know yet
//!
//! The models follow the official SDK (tencentcloud-sdk-python-trtc 3.1.177). A member added
//! since goes in `extra_members`, next to the typed ones, at any level:
//!
//! ```
//! use aithreads_tencent_trtc::{AgentConfig, StartAiConversationRequest};
//!
//! let request = StartAiConversationRequest::new(
//!     1_400_000_001,
//!     "8801",
//!     AgentConfig::new("bot-1", "user-sig", "alice").with_extra_member("NewAgentSwitch", true),
//! )
//! .with_extra_member("NewTopLevel", serde_json::json!({"Mode": 2}));
//! let body = serde_json::to_value(&request).unwrap();
//! assert_eq!(body["AgentConfig"]["NewAgentSwitch"], true);
//! assert_eq!(body["NewTopLevel"]["Mode"], 2);
//! // Debug never shows the UserSig.
//! assert!(!format!("{request:?}").contains("user-sig"));
//! ```
//!
//! # Secrets of a request
//!
//! `AgentConfig.UserSig` and the keys inside `LLMConfig` / `TTSConfig` (`APIKey`,
//! `SecretKey`, ...) are secrets too. The models' `Debug` prints `[redacted]` for every member
//! whose name marks it secret ([`is_secret_member`]), also inside JSON text, and the client
//! removes their values, the SecretKey, the token and the SecretId from any error a server's
//! answer produces, before anything logs it.
//!
//! # Assumptions
//!
//! - `StartTime` (Describe) is undocumented: RFC 3339 is read as written, Tencent's usual
//!   `YYYY-MM-DD HH:MM:SS` as Beijing time, UTC+8 ([`START_TIME_OFFSET`] says why); the raw
//!   text stays in the record and an unreadable time leaves `created_at` empty.
//! - Answers are JSON whether served as `application/json` or `text/plain`, as the official
//!   Python SDK reads them.
//!
//! # Wire models
//!
//! Every model of the TRTC spec is in [`generated`]. Re-exported here: each action's request
//! and every type it is built from, each action's response, and the enums.
#![deny(missing_docs)]

mod client;
mod config;
mod engines;
mod error;
pub mod generated;
mod input;
mod profile;
mod provider;
mod redact;
pub mod sign;
mod site;

pub use aithreads_core as core;
pub use aithreads_core::{Error, Result};
pub use client::{ACTIONS, StopOutcome, TrtcClient};
pub use config::{
    API_VERSION, DEFAULT_ENDPOINT, ENDPOINT_VAR, Language, REGION_VAR, SECRET_ID_VAR,
    SECRET_KEY_VAR, SECURITY_TOKEN_VAR, SERVICE, TOKEN_VAR, TrtcConfig,
};
pub use engines::{FLOW_TTS_MODEL, LlmConfig, TtsConfig};
pub use generated::{
    ActionSpec, AgentConfig, AmbientSound, ControlAiConversationRequest,
    ControlAiConversationResponse, ControlCommand, DescribeAiConversationRequest,
    DescribeAiConversationResponse, InvokeLlm, SemanticEagerness, ServerPushText, SiteSpec,
    StartAiConversationRequest, StartAiConversationResponse, StopAiConversationRequest,
    StopAiConversationResponse, SttConfig, TaskStatus, TransparentData, TurnDetection,
    UpdateAiConversationRequest, UpdateAiConversationResponse, VoicePrint,
};
pub use input::check_thread_id;
pub use profile::{CREDENTIALS_FILE_VAR, CredentialsFile, SYSTEM_CREDENTIALS_FILE};
pub use provider::{START_TIME_OFFSET, parse_start_time};
pub use redact::{is_secret_member, redact_json, secret_values};
pub use site::Site;

/// The decoders [`TrtcClient`] runs on every answer (status, headers and body in, typed value
/// or [`Error`] out), for the fuzz targets and property tests (cargo feature `fuzzing`). Not a
/// stable API.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod decoders {
    use crate::core::Result;
    use crate::core::transport::Response;
    use crate::generated::{
        ControlAiConversationResponse, DescribeAiConversationResponse, StartAiConversationResponse,
        UpdateAiConversationResponse,
    };

    pub use crate::client::decode_stop;

    /// StartAIConversation's answer.
    pub fn decode_start(response: Response) -> Result<StartAiConversationResponse> {
        crate::error::decode(&response)
    }

    /// DescribeAIConversation's answer.
    pub fn decode_describe(response: Response) -> Result<DescribeAiConversationResponse> {
        crate::error::decode(&response)
    }

    /// UpdateAIConversation's answer.
    pub fn decode_update(response: Response) -> Result<UpdateAiConversationResponse> {
        crate::error::decode(&response)
    }

    /// ControlAIConversation's answer.
    pub fn decode_control(response: Response) -> Result<ControlAiConversationResponse> {
        crate::error::decode(&response)
    }
}
