//! The simulated Tencent Cloud TRTC AI conversation API: `POST /`, dispatched on
//! `X-TC-Action`, version `2019-07-22`.
//!
//! Every answer is HTTP 200 with `Content-Type: application/json` exactly, success or error
//! (the official Python SDK reads `Response.Error` only then), in the documented envelopes:
//! `{"Response": {..., "RequestId"}}` and `{"Response": {"Error": {"Code", "Message"},
//! "RequestId"}}`. A request is checked in this order:
//!
//! 1. common headers present (`X-TC-Action`, `X-TC-Version`, `X-TC-Timestamp`):
//!    `MissingParameter`; `Authorization` present and well formed:
//!    `AuthFailure.InvalidAuthorization`;
//! 2. timestamp within 5 minutes: `AuthFailure.SignatureExpire`; SecretId known:
//!    `AuthFailure.SecretIdNotFound`; TC3 signature over the exact body and signed headers,
//!    verified with the client crate's signer and the simulator's credentials:
//!    `AuthFailure.SignatureFailure` (a body changed after signing fails here);
//! 3. version: `NoSuchVersion`; action: `InvalidAction`; region present and listed for the
//!    action: `MissingParameter` / `UnsupportedRegion`; JSON content type;
//! 4. the action's documented rate (or [`SimConfig::trtc_rate_limit`]), when
//!    [`SimConfig::enforce_trtc_rate_limits`] is on:
//!    `RequestLimitExceeded` (a token bucket holding one second's requests, refilled at the
//!    documented rate, so a client spacing requests `1/rate` s apart never trips it);
//! 5. the body against the action's request type: `MissingParameter`, `InvalidParameter`,
//!    `UnknownParameter`; documented values: `InvalidParameterValue`, `InvalidParameter.TaskId`.
//!
//! Tasks live per region. StartAIConversation creates a TaskId shaped like the seed's
//! (`SV1FR+XTtvz…VH0.`: 115 characters of `A-Za-z0-9+-` and a final `.`), `Preparing` for a
//! moment, then `InProgress`; a second start with the `SessionId` of a live task answers
//! `FailedOperation.TaskExist`, and one with the same room and robot `UserId` interrupts
//! (stops) the earlier task, as the AgentConfig docs say. Describe finds a task by `TaskId`
//! or `SessionId`. Update and Control need a live task; `ServerPushText` with
//! `StopAfterPlay` stops it. Stop turns a live task `Stopped` ("stopped, resources being
//! cleaned up"): Describe reports `Stopped` for a retention period (60 s by default), after
//! which the task is gone. Any action on a missing task, and Update, Control or Stop on a
//! stopped one, answers `FailedOperation.TaskNotExist`, the SDK's "does not exist or is
//! stopped". `X-TC-Token` is accepted and ignored (the simulator has no temporary
//! credentials).

mod auth;
mod params;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use aithreads_tencent_trtc::{
    ACTIONS, ActionSpec, ControlAiConversationRequest, ControlAiConversationResponse,
    ControlCommand, DescribeAiConversationRequest, DescribeAiConversationResponse,
    StartAiConversationRequest, StartAiConversationResponse, StopAiConversationRequest,
    StopAiConversationResponse, TaskStatus, UpdateAiConversationRequest,
    UpdateAiConversationResponse,
};
use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State as Shared};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::post;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub use auth::MAX_CLOCK_SKEW;

use crate::{Sim, SimConfig};

/// How long a started task stays `Preparing` by default.
pub const PREPARE_TIME: Duration = Duration::from_millis(200);
/// How long a stopped task is still described as `Stopped` by default.
pub const STOPPED_RETENTION: Duration = Duration::from_secs(60);
/// Largest request body accepted: the documented limit of a TC3 POST.
pub const MAX_BODY_BYTES: usize = 10 * 1024 * 1024;

/// An error answer: `Error.Code` and `Error.Message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    code: String,
    message: String,
}

impl Failure {
    fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
        }
    }

    fn task_not_exist() -> Self {
        Self::new("FailedOperation.TaskNotExist", "The task does not exist.")
    }
}

/// One AI conversation task.
#[derive(Debug)]
struct Task {
    sdk_app_id: u64,
    room_id: String,
    robot_user_id: String,
    session_id: Option<String>,
    start_time: String,
    status: TaskStatus,
    /// When the status moves on by itself (`Preparing` to `InProgress`, `Stopped` to gone);
    /// `None` when it stays.
    next_change: Option<Instant>,
}

impl Task {
    fn is_live(&self) -> bool {
        self.status != TaskStatus::Stopped
    }
}

/// A request budget: `rate` requests at once, refilled at `rate` per second.
#[derive(Debug)]
struct Bucket {
    rate: u32,
    tokens: f64,
    capacity: f64,
    last: Instant,
}

impl Bucket {
    fn new(rate: u32) -> Self {
        Self {
            rate,
            tokens: f64::from(rate),
            capacity: f64::from(rate),
            last: Instant::now(),
        }
    }

    fn take(&mut self, now: Instant) -> bool {
        let refill = now.saturating_duration_since(self.last).as_secs_f64() * self.capacity;
        self.tokens = (self.tokens + refill).min(self.capacity);
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// Tencent TRTC's state: the tasks of every region, the request budgets, and counts of the
/// errors answered.
#[derive(Debug)]
pub struct State {
    /// Tasks by (region, TaskId).
    tasks: HashMap<(String, String), Task>,
    buckets: HashMap<&'static str, Bucket>,
    errors: HashMap<String, u64>,
    rng: StdRng,
    prepare_time: Duration,
    stopped_retention: Duration,
}

impl State {
    /// An empty state; TRTC has no listing, so tasks are created through the API or
    /// [`start_task`](Self::start_task).
    pub fn seeded(config: &SimConfig) -> Self {
        Self {
            tasks: HashMap::new(),
            buckets: ACTIONS
                .iter()
                .map(|a| {
                    let rate = config.trtc_rate_limit.unwrap_or(a.rate_limit_per_second);
                    (a.name, Bucket::new(rate))
                })
                .collect(),
            errors: HashMap::new(),
            rng: StdRng::seed_from_u64(config.seed ^ 0x7472_7463),
            prepare_time: PREPARE_TIME,
            stopped_retention: STOPPED_RETENTION,
        }
    }

    /// Sets how long new tasks stay `Preparing` and stopped ones stay visible.
    pub fn set_timings(&mut self, prepare: Duration, stopped_retention: Duration) {
        self.prepare_time = prepare;
        self.stopped_retention = stopped_retention;
    }

    /// Creates a running (`InProgress`) task in `region` directly, as if started through
    /// the API; answers its TaskId.
    pub fn start_task(&mut self, region: &str) -> String {
        let task_id = self.new_task_id();
        let task = Task {
            sdk_app_id: 1_400_000_000,
            room_id: self.rng.random_range(1..4_294_967_294u64).to_string(),
            robot_user_id: format!("robot_{}", self.tasks.len()),
            session_id: None,
            start_time: now_rfc3339(),
            status: TaskStatus::InProgress,
            next_change: None,
        };
        self.tasks
            .insert((region.to_owned(), task_id.clone()), task);
        task_id
    }

    /// A task's status now, or `None` when it does not exist (any more).
    pub fn task_status(&mut self, region: &str, task_id: &str) -> Option<TaskStatus> {
        self.task(region, task_id).map(|t| t.status.clone())
    }

    /// Pins a task's status (it no longer changes by itself); false when there is no such
    /// task.
    pub fn set_task_status(&mut self, region: &str, task_id: &str, status: TaskStatus) -> bool {
        match self.task(region, task_id) {
            Some(task) => {
                task.status = status;
                task.next_change = None;
                true
            }
            None => false,
        }
    }

    /// How many answers carried this `Error.Code`.
    pub fn error_answers(&self, code: &str) -> u64 {
        self.errors.get(code).copied().unwrap_or(0)
    }

    /// How many answers were `RequestLimitExceeded`.
    pub fn rate_limited_answers(&self) -> u64 {
        self.error_answers("RequestLimitExceeded")
    }

    fn new_task_id(&mut self) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-";
        let mut id: String = (0..115)
            .map(|_| ALPHABET[self.rng.random_range(0..ALPHABET.len())] as char)
            .collect();
        id.push('.');
        id
    }

    fn request_id(&mut self) -> String {
        let bytes: [u8; 16] = self.rng.random();
        let hex = hex_string(&bytes);
        // A version 4 UUID: version nibble 4, variant bits 10.
        format!(
            "{}-{}-4{}-{:x}{}-{}",
            &hex[..8],
            &hex[8..12],
            &hex[13..16],
            8 | (bytes[8] & 3),
            &hex[17..20],
            &hex[20..]
        )
    }

    /// The task, with its status moved on to now; a stopped task past its retention is
    /// removed.
    fn task(&mut self, region: &str, task_id: &str) -> Option<&mut Task> {
        let key = (region.to_owned(), task_id.to_owned());
        let now = Instant::now();
        let task = self.tasks.get_mut(&key)?;
        if task.next_change.is_some_and(|at| now >= at) {
            if task.status == TaskStatus::Stopped {
                self.tasks.remove(&key);
                return None;
            }
            task.status = TaskStatus::InProgress;
            task.next_change = None;
        }
        self.tasks.get_mut(&key)
    }

    fn live_task(&mut self, region: &str, task_id: &str) -> Result<&mut Task, Failure> {
        self.task(region, task_id)
            .filter(|t| t.is_live())
            .ok_or_else(Failure::task_not_exist)
    }

    fn stop(&mut self, region: &str, task_id: &str) {
        let retention = self.stopped_retention;
        if let Some(task) = self.task(region, task_id) {
            task.status = TaskStatus::Stopped;
            task.next_change = Some(Instant::now() + retention);
        }
    }

    /// The TaskId of the task started with `session_id` in `region`.
    fn task_of_session(&mut self, region: &str, session_id: &str) -> Option<String> {
        let ids: Vec<String> = self
            .tasks
            .iter()
            .filter(|((r, _), t)| r == region && t.session_id.as_deref() == Some(session_id))
            .map(|((_, id), _)| id.clone())
            .collect();
        // Prefer a live task over stopped ones kept for their retention.
        let mut found = None;
        for id in ids {
            match self.task(region, &id) {
                Some(task) if task.is_live() => return Some(id),
                Some(_) => found = Some(id),
                None => {}
            }
        }
        found
    }

    /// Takes a request from the action's budget; `Err` with the limit when it is spent.
    fn take_token(&mut self, action: &ActionSpec) -> Result<(), u32> {
        let Some(bucket) = self.buckets.get_mut(action.name) else {
            return Ok(());
        };
        if bucket.take(Instant::now()) {
            Ok(())
        } else {
            Err(bucket.rate)
        }
    }

    fn start(
        &mut self,
        region: &str,
        request: StartAiConversationRequest,
        request_id: String,
    ) -> Result<Value, Failure> {
        for (name, text) in [
            ("LLMConfig", &request.llm_config),
            ("TTSConfig", &request.tts_config),
        ] {
            if let Some(text) = text {
                json_object_text(name, text)?;
            }
        }
        if let Some(session_id) = &request.session_id
            && let Some(existing) = self.task_of_session(region, session_id)
            && self.task(region, &existing).is_some_and(|t| t.is_live())
        {
            return Err(Failure::new(
                "FailedOperation.TaskExist",
                format!("A task with SessionId `{session_id}` already exists."),
            ));
        }
        // The robot's UserId must be unique in its room: a second task interrupts the first.
        let interrupted: Vec<String> = self
            .tasks
            .iter()
            .filter(|((r, _), t)| {
                r == region
                    && t.is_live()
                    && t.sdk_app_id == request.sdk_app_id
                    && t.room_id == request.room_id
                    && t.robot_user_id == request.agent_config.user_id
            })
            .map(|((_, id), _)| id.clone())
            .collect();
        for id in interrupted {
            self.stop(region, &id);
        }
        let task_id = self.new_task_id();
        let task = Task {
            sdk_app_id: request.sdk_app_id,
            room_id: request.room_id,
            robot_user_id: request.agent_config.user_id,
            session_id: request.session_id,
            start_time: now_rfc3339(),
            status: TaskStatus::Preparing,
            next_change: Some(Instant::now() + self.prepare_time),
        };
        self.tasks
            .insert((region.to_owned(), task_id.clone()), task);
        to_value(StartAiConversationResponse::new(request_id).with_task_id(task_id))
    }

    fn describe(
        &mut self,
        region: &str,
        request: DescribeAiConversationRequest,
        request_id: String,
    ) -> Result<Value, Failure> {
        let task_id = match (&request.task_id, &request.session_id) {
            (Some(task_id), _) => {
                check_task_id(task_id)?;
                task_id.clone()
            }
            (None, Some(session_id)) => self
                .task_of_session(region, session_id)
                .ok_or_else(Failure::task_not_exist)?,
            (None, None) => {
                return Err(Failure::new(
                    "MissingParameter",
                    "The request is missing a required parameter `TaskId` or `SessionId`.",
                ));
            }
        };
        let task = self
            .task(region, &task_id)
            .filter(|t| request.sdk_app_id.is_none_or(|app| app == t.sdk_app_id))
            .ok_or_else(Failure::task_not_exist)?;
        let mut response = DescribeAiConversationResponse::new(request_id)
            .with_start_time(task.start_time.clone())
            .with_status(task.status.clone())
            .with_task_id(task_id);
        response.session_id = task.session_id.clone();
        to_value(response)
    }

    fn update(
        &mut self,
        region: &str,
        request: UpdateAiConversationRequest,
        request_id: String,
    ) -> Result<Value, Failure> {
        if request.task_id.trim().is_empty() {
            return Err(Failure::new(
                "InvalidParameterValue",
                "The value of parameter `TaskId` is empty.",
            ));
        }
        for (name, text) in [
            ("LLMConfig", &request.llm_config),
            ("TTSConfig", &request.tts_config),
        ] {
            if let Some(text) = text {
                json_object_text(name, text)?;
            }
        }
        if let Some(mode) = request.interrupt_mode
            && mode > 1
        {
            return Err(Failure::new(
                "InvalidParameterValue",
                "The value of parameter `InterruptMode` must be 0 or 1.",
            ));
        }
        self.live_task(region, &request.task_id)?;
        to_value(UpdateAiConversationResponse::new(request_id))
    }

    fn control(
        &mut self,
        region: &str,
        request: ControlAiConversationRequest,
        request_id: String,
    ) -> Result<Value, Failure> {
        check_task_id(&request.task_id)?;
        let stop_after_play = match &request.command {
            ControlCommand::ServerPushText => {
                let push = request.server_push_text.as_ref().ok_or_else(|| {
                    Failure::new(
                        "MissingParameter",
                        "The request is missing a required parameter `ServerPushText`.",
                    )
                })?;
                push.stop_after_play == Some(true)
            }
            ControlCommand::InvokeLlm => {
                request.invoke_llm.as_ref().ok_or_else(|| {
                    Failure::new(
                        "MissingParameter",
                        "The request is missing a required parameter `InvokeLLM`.",
                    )
                })?;
                false
            }
            // A value this simulator does not know (`Unknown`, or one a newer spec adds).
            other => {
                return Err(Failure::new(
                    "InvalidParameterValue",
                    format!(
                        "The value of parameter `Command` is not supported: `{other}` (ServerPushText or InvokeLLM)."
                    ),
                ));
            }
        };
        self.live_task(region, &request.task_id)?;
        if stop_after_play {
            self.stop(region, &request.task_id);
        }
        to_value(ControlAiConversationResponse::new(request_id))
    }

    fn stop_action(
        &mut self,
        region: &str,
        request: StopAiConversationRequest,
        request_id: String,
    ) -> Result<Value, Failure> {
        check_task_id(&request.task_id)?;
        self.live_task(region, &request.task_id)?;
        self.stop(region, &request.task_id);
        to_value(StopAiConversationResponse::new(request_id))
    }

    /// Runs one authenticated, rate-checked request.
    fn dispatch(
        &mut self,
        action: &ActionSpec,
        region: &str,
        body: &[u8],
        request_id: String,
    ) -> Result<Value, Failure> {
        match action.name {
            "StartAIConversation" => self.start(region, params::parse(body)?, request_id),
            "DescribeAIConversation" => self.describe(region, params::parse(body)?, request_id),
            "UpdateAIConversation" => self.update(region, params::parse(body)?, request_id),
            "ControlAIConversation" => self.control(region, params::parse(body)?, request_id),
            "StopAIConversation" => self.stop_action(region, params::parse(body)?, request_id),
            other => Err(Failure::new(
                "InvalidAction",
                format!("The action `{other}` does not exist."),
            )),
        }
    }
}

/// The routes: `POST /`.
pub(crate) fn router() -> Router<Arc<Sim>> {
    Router::new().route("/", post(handle))
}

async fn handle(Shared(sim): Shared<Arc<Sim>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, MAX_BODY_BYTES).await;
    let mut state = sim.trtc();
    let request_id = state.request_id();
    let result = match body {
        Ok(body) => serve(
            &sim.config,
            &mut state,
            &parts.headers,
            &body,
            request_id.clone(),
        ),
        Err(_) => Err(Failure::new(
            "RequestSizeLimitExceeded",
            format!("The request body exceeds {MAX_BODY_BYTES} bytes."),
        )),
    };
    let envelope = match result {
        Ok(answer) => answer,
        Err(failure) => {
            *state.errors.entry(failure.code.clone()).or_default() += 1;
            json!({
                "Error": {"Code": failure.code, "Message": failure.message},
                "RequestId": request_id,
            })
        }
    };
    json_response(&json!({ "Response": envelope }))
}

fn serve(
    config: &SimConfig,
    state: &mut State,
    headers: &axum::http::HeaderMap,
    body: &[u8],
    request_id: String,
) -> Result<Value, Failure> {
    let now = crate::unix_now() + config.clock_skew;
    let call = auth::check(&config.credentials, now, headers, body)?;
    if config.enforce_trtc_rate_limits
        && let Err(limit) = state.take_token(call.action)
    {
        return Err(Failure::new(
            "RequestLimitExceeded",
            format!(
                "The request frequency exceeds the limit of {limit} requests per second for {}. Please reduce the frequency of calls.",
                call.action.name
            ),
        ));
    }
    state.dispatch(call.action, &call.region, body, request_id)
}

/// HTTP 200 with `Content-Type: application/json` exactly, errors included.
fn json_response(body: &Value) -> Response {
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = StatusCode::OK;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

fn to_value(answer: impl Serialize) -> Result<Value, Failure> {
    serde_json::to_value(answer)
        .map_err(|e| Failure::new("InternalError", format!("could not encode the answer: {e}")))
}

/// `InvalidParameter.TaskId` for a TaskId no task could have (empty, whitespace, control).
fn check_task_id(task_id: &str) -> Result<(), Failure> {
    if task_id.is_empty() || task_id.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Failure::new(
            "InvalidParameter.TaskId",
            "TaskId parameter error.",
        ));
    }
    Ok(())
}

/// `LLMConfig` and `TTSConfig` are JSON object text.
fn json_object_text(name: &str, text: &str) -> Result<(), Failure> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(_)) => Ok(()),
        _ => Err(Failure::new(
            "InvalidParameterValue",
            format!("The value of parameter `{name}` must be a JSON object string."),
        )),
    }
}

fn now_rfc3339() -> String {
    OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

fn hex_string(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_ids_look_like_the_seed() {
        let mut state = State::seeded(&SimConfig::default());
        let id = state.start_task("ap-singapore");
        assert_eq!(id.len(), 116);
        assert!(id.ends_with('.'));
        assert!(
            id[..115]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'-')
        );
        assert_ne!(state.start_task("ap-singapore"), id);
    }

    #[test]
    fn request_ids_are_uuid_shaped() {
        let mut state = State::seeded(&SimConfig::default());
        let id = state.request_id();
        let groups: Vec<&str> = id.split('-').collect();
        assert_eq!(
            groups.iter().map(|g| g.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12],
            "{id}"
        );
        assert!(groups[2].starts_with('4'), "{id}");
        assert!(groups[3].starts_with(['8', '9', 'a', 'b']), "{id}");
    }

    #[test]
    fn stopped_tasks_are_described_until_their_retention_ends() {
        let mut state = State::seeded(&SimConfig::default());
        let id = state.start_task("ap-tokyo");
        assert_eq!(
            state.task_status("ap-singapore", &id),
            None,
            "tasks are regional"
        );
        state.stop("ap-tokyo", &id);
        assert_eq!(
            state.task_status("ap-tokyo", &id),
            Some(TaskStatus::Stopped)
        );
        state.set_timings(PREPARE_TIME, Duration::ZERO);
        state.stop("ap-tokyo", &id);
        assert_eq!(state.task_status("ap-tokyo", &id), None);
    }

    #[test]
    fn a_configured_limit_replaces_the_documented_ones() {
        let stop = ACTIONS
            .iter()
            .find(|a| a.name == "StopAIConversation")
            .unwrap();
        let mut documented = State::seeded(&SimConfig::default());
        assert_eq!(
            (0..30)
                .filter(|_| documented.take_token(stop).is_ok())
                .count(),
            20
        );
        let mut state = State::seeded(&SimConfig::default().with_trtc_rate_limit(5));
        assert_eq!((0..8).filter(|_| state.take_token(stop).is_ok()).count(), 5);
        assert_eq!(state.take_token(stop), Err(5));
    }

    #[test]
    fn buckets_hold_one_seconds_worth() {
        let mut bucket = Bucket::new(20);
        let now = Instant::now();
        assert_eq!((0..25).filter(|_| bucket.take(now)).count(), 20);
        assert!(bucket.take(now + Duration::from_millis(50)));
        assert!(!bucket.take(now + Duration::from_millis(50)));
    }
}
