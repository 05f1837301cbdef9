//! The simulated RevCent v2 AI thread API, under `/v2`:
//!
//! | route | operation |
//! |---|---|
//! | `GET /v2/ai_threads` | GetAIThreads |
//! | `GET /v2/ai_threads/{ai_thread_id}` | GetAIThread |
//! | `POST /v2/ai_threads/{ai_thread_id}/cancel` | CancelAIThread |
//! | `POST /v2/ai_assistants/{ai_assistant_id}/trigger` | TriggerAIAssistant |
//!
//! Behaviour, following seeds 000–002 and, where they are silent, the assumptions documented
//! in `aithreads-revcent`:
//!
//! - Every request needs `x-api-key` equal to the configured RevCent key, else HTTP 401
//!   `unauthorized`.
//! - Errors are the `APIStandardErrors` body (`code: 0`, `error_code`, `message`, `result`,
//!   `api_call_id`, `api_call_unix`) with HTTP 400 `invalid_parameter` (a bad id, query or
//!   body), 404 `not_found` (no such thread) or 400 `invalid_status` (cancel of a thread that is
//!   not `Running` or `Timer`). These codes and statuses are the simulator's own
//!   ([`error_codes`]): RevCent publishes none, and the client does not rely on them.
//! - GetAIThreads requires `date_start`, `date_end`, `limit` (1–25) and `page` (from the
//!   first page of the [`Reading`]: 1 by default, else 0; a lower page is refused),
//!   `date_start <= date_end <= date_start + 172800`, 20-character `ai_assistant_filter`
//!   values and `status_filter` values among `running`, `timer`, `complete`, `error`
//!   (repeated keys, `style: form, explode: true`); unknown parameters are refused. It lists
//!   the threads created from `date_start` to `date_end` (both inclusive by default; either
//!   exclusive under [`Bound::Exclusive`], see [`Reading`]) ordered by `created_date_unix`, then by creation order,
//!   without messages, with `current_count`, `current_page`, `total_count` and
//!   `total_pages`.
//! - GetAIThread answers the thread with its messages, `api_call_id`, `api_call_unix` and
//!   `code: 1` in one object.
//! - CancelAIThread takes no body or the JSON body `{}` and moves a `Running` or `Timer`
//!   thread to `Cancelled`.
//! - TriggerAIAssistant starts a `Running` thread, created now and triggered through the
//!   API, for one of the seeded [`ASSISTANTS`] whose trigger setting is `on_demand` (404
//!   `not_found` for an unknown assistant, 400 `invalid_trigger` for one that is not on
//!   demand), and answers its `ai_thread_id` and `ai_assistant_id`. The JSON body's
//!   documented members are checked (`source_type` `item`, `item_type` among the ten
//!   documented, 20-character `item_id` and `previous_ai_thread.ai_thread_id`, `messages` of
//!   `role`/`content`, not both `previous_ai_thread` and `messages`); other members are
//!   accepted, as RevCent's stored schema is incomplete.
//!
//! Seeding: `config.threads` threads from `config.seed`, created over the 30 days before
//! `config.now`, in every status, with several assistants (one of them not `on_demand`), triggers of every source,
//! third-party integrations, handoffs from previous threads, and multi-turn transcripts with
//! tool calls. The state keeps 32 bytes per thread and derives the rest on demand
//! from the seed and the thread's key, so a million threads seed in well under a second.

mod content;
mod ids;

use std::collections::HashMap;
use std::sync::Arc;

use aithreads_revcent::{
    AiThread, AiThreadList, AiThreadStatus, ApiStandardError, CancelAiThreadResult, StatusFilter,
};
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State as AxumState};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::{Sim, SimConfig, unix_now};
pub use content::{ASSISTANTS, Assistant};
use content::{CANCELLED, Record, Seeding, TIMER};
use ids::{ID_LEN, thread_id, thread_key, token};

/// The longest `date_end - date_start` accepted: two days (GetAIThreads).
pub const MAX_RANGE_SECS: i64 = 172_800;

/// The `error_code` values the simulator answers with. RevCent publishes no list of codes:
/// these are invented here, and the client classifies errors without relying on them.
pub mod error_codes {
    /// The `x-api-key` header is missing or not the configured key (HTTP 401).
    pub const UNAUTHORIZED: &str = "unauthorized";
    /// No AI thread or AI assistant has this id (HTTP 404).
    pub const NOT_FOUND: &str = "not_found";
    /// A parameter is missing or invalid (HTTP 400).
    pub const INVALID_PARAMETER: &str = "invalid_parameter";
    /// A cancel of a thread that is not `Running` or `Timer` (HTTP 400).
    pub const INVALID_STATUS: &str = "invalid_status";
    /// A trigger of an AI assistant whose trigger setting is not `on_demand` (HTTP 400).
    pub const INVALID_TRIGGER: &str = "invalid_trigger";
}

/// Which reading of what RevCent's documents leave open the simulator serves, so the
/// client's tests run under each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Reading {
    /// The number of the first page: 1 (the default) or 0.
    pub first_page: i64,
    /// Whether `date_start` lists the threads created in that second.
    pub date_start: Bound,
    /// Whether `date_end` lists the threads created in that second.
    pub date_end: Bound,
}

impl Default for Reading {
    fn default() -> Self {
        Self {
            first_page: 1,
            date_start: Bound::Inclusive,
            date_end: Bound::Inclusive,
        }
    }
}

impl Reading {
    /// Pages from `first_page` (0 or 1), `date_end` read as `date_end` says, `date_start`
    /// inclusive.
    pub fn new(first_page: i64, date_end: Bound) -> Self {
        Self {
            first_page,
            date_start: Bound::Inclusive,
            date_end,
        }
    }

    /// `date_start` read as `date_start` says.
    pub fn with_date_start(mut self, date_start: Bound) -> Self {
        self.date_start = date_start;
        self
    }

    /// Every reading the simulator serves (eight), for tests that must pass under each.
    pub fn all() -> impl Iterator<Item = Self> {
        let bounds = [Bound::Inclusive, Bound::Exclusive];
        [1, 0].into_iter().flat_map(move |first_page| {
            bounds.into_iter().flat_map(move |date_start| {
                bounds.into_iter().map(move |date_end| {
                    Self::new(first_page, date_end).with_date_start(date_start)
                })
            })
        })
    }
}

/// How GetAIThreads reads `date_start` or `date_end`: whether it lists the threads created
/// in that very second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Bound {
    /// Threads created in that second are listed (the default).
    #[default]
    Inclusive,
    /// Only threads created after `date_start`, or before `date_end`, are listed.
    Exclusive,
}

/// A thread to add to the state (for tests and the demo).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NewThread {
    /// `created_date_unix`.
    pub created: i64,
    /// The status; one outside the documented five is stored as `Error`.
    pub status: AiThreadStatus,
    /// How many messages it has (default: a few, like seeded threads).
    pub messages: Option<u32>,
}

impl NewThread {
    /// A thread created at `created` (unix seconds) in `status`.
    pub fn new(created: i64, status: AiThreadStatus) -> Self {
        Self {
            created,
            status,
            messages: None,
        }
    }

    /// Gives it exactly `count` messages (at least 1).
    pub fn with_messages(mut self, count: u32) -> Self {
        self.messages = Some(count.max(1));
        self
    }
}

/// RevCent's state: which threads exist, in which status, in listing order.
#[derive(Debug)]
pub struct State {
    seeding: Seeding,
    /// Every thread, ordered by (created, key): the listing order.
    records: Vec<Record>,
    /// Created times of inserted threads (keys from `seeding.count` on); seeded threads
    /// derive theirs.
    inserted: HashMap<u32, i64>,
    api_calls: u64,
    reading: Reading,
}

impl State {
    /// The state seeded from `config`.
    pub fn seeded(config: &SimConfig) -> Self {
        let count = u32::try_from(config.threads).unwrap_or(u32::MAX);
        let seeding = Seeding {
            seed: config.seed,
            now: config.now,
            count,
        };
        Self {
            records: (0..count).map(|key| seeding.record(key)).collect(),
            seeding,
            inserted: HashMap::new(),
            api_calls: 0,
            reading: config.revcent_reading,
        }
    }

    /// How many threads exist.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether no thread exists.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Adds a thread and returns its id.
    pub fn insert(&mut self, thread: NewThread) -> String {
        self.add(thread, None)
    }

    /// Starts a `Running` thread created now for `ASSISTANTS[assistant]`, as
    /// TriggerAIAssistant does, and returns its id.
    pub fn trigger(&mut self, assistant: u8) -> String {
        self.add(
            NewThread::new(unix_now(), AiThreadStatus::Running),
            Some(assistant),
        )
    }

    fn add(&mut self, thread: NewThread, triggered: Option<u8>) -> String {
        let key = self.seeding.count + self.inserted.len() as u32;
        let record = Record {
            key,
            created: thread.created,
            updated: thread.created,
            status: content::code_of(&thread.status),
            messages: thread.messages,
            triggered,
        };
        let at = self
            .records
            .partition_point(|r| (r.created, r.key) < (record.created, key));
        self.records.insert(at, record);
        self.inserted.insert(key, record.created);
        thread_id(self.seeding.seed, key)
    }

    /// The thread as GetAIThread shows it (messages included), if it exists.
    pub fn thread(&self, id: &str) -> Option<AiThread> {
        self.record(id).map(|r| self.seeding.thread(&r, true))
    }

    /// The status of a thread, if it exists.
    pub fn status(&self, id: &str) -> Option<AiThreadStatus> {
        self.record(id).map(|r| content::status_of(r.status))
    }

    /// The first thread in listing order with `status`.
    pub fn find(&self, status: &AiThreadStatus) -> Option<String> {
        let code = content::code_of(status);
        self.records
            .iter()
            .find(|r| r.status == code)
            .map(|r| thread_id(self.seeding.seed, r.key))
    }

    /// The ids of the threads created in `[start, end]`, in listing order.
    pub fn ids_created_between(&self, start: i64, end: i64) -> Vec<String> {
        self.between(start, end)
            .iter()
            .map(|r| thread_id(self.seeding.seed, r.key))
            .collect()
    }

    /// Cancels a `Running` or `Timer` thread; otherwise returns its status unchanged.
    pub fn cancel(&mut self, id: &str) -> Option<Result<(), AiThreadStatus>> {
        let at = self.position(id)?;
        let record = &mut self.records[at];
        if record.status != content::RUNNING && record.status != TIMER {
            return Some(Err(content::status_of(record.status)));
        }
        record.status = CANCELLED;
        record.updated = unix_now().max(record.created);
        Some(Ok(()))
    }

    fn record(&self, id: &str) -> Option<Record> {
        self.position(id).map(|at| self.records[at])
    }

    fn position(&self, id: &str) -> Option<usize> {
        let key = thread_key(self.seeding.seed, id)?;
        let created = if key < self.seeding.count {
            self.seeding.created(key)
        } else {
            *self.inserted.get(&key)?
        };
        self.records
            .binary_search_by(|r| (r.created, r.key).cmp(&(created, key)))
            .ok()
    }

    fn between(&self, start: i64, end: i64) -> &[Record] {
        let from = self.records.partition_point(|r| r.created < start);
        let to = self.records.partition_point(|r| r.created <= end);
        &self.records[from..to.max(from)]
    }

    /// One page of a listing, and how many threads match in all.
    fn page(&self, query: &ListParams) -> (Vec<Record>, usize) {
        let first = match self.reading.date_start {
            Bound::Inclusive => query.date_start,
            Bound::Exclusive => query.date_start + 1,
        };
        let last = match self.reading.date_end {
            Bound::Inclusive => query.date_end,
            Bound::Exclusive => query.date_end - 1,
        };
        let window = self.between(first, last);
        let skip = (query.page - self.reading.first_page).saturating_mul(query.limit) as usize;
        let take = query.limit as usize;
        if query.assistants.is_empty() && query.statuses.is_empty() {
            let page = window.iter().skip(skip).take(take).copied().collect();
            return (page, window.len());
        }
        let statuses: Vec<u8> = query.statuses.iter().map(filter_code).collect();
        let matches = |r: &&Record| {
            (statuses.is_empty() || statuses.contains(&r.status))
                && (query.assistants.is_empty()
                    || query
                        .assistants
                        .iter()
                        .any(|a| a == self.seeding.assistant_of(r).id))
        };
        let page = window
            .iter()
            .filter(matches)
            .skip(skip)
            .take(take)
            .copied()
            .collect();
        (page, window.iter().filter(matches).count())
    }

    fn next_api_call_id(&mut self) -> String {
        self.api_calls += 1;
        token(self.seeding.seed ^ 0xA9_1CA1 ^ self.api_calls, ID_LEN)
    }
}

fn filter_code(filter: &StatusFilter) -> u8 {
    match filter {
        StatusFilter::Running => content::RUNNING,
        StatusFilter::Timer => TIMER,
        StatusFilter::Complete => content::COMPLETE,
        _ => content::ERROR,
    }
}

/// The routes, relative to `/v2`.
pub(crate) fn router() -> Router<Arc<Sim>> {
    Router::new()
        .route("/ai_threads", get(list_threads))
        .route("/ai_threads/{ai_thread_id}", get(get_thread))
        .route("/ai_threads/{ai_thread_id}/cancel", post(cancel_thread))
        .route(
            "/ai_assistants/{ai_assistant_id}/trigger",
            post(trigger_assistant),
        )
}

/// A refusal: the status and the `APIStandardErrors` fields that vary.
struct Refusal {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl Refusal {
    fn invalid(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            code: error_codes::INVALID_PARAMETER,
            message: message.into(),
        }
    }

    fn not_found(id: &str) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            code: error_codes::NOT_FOUND,
            message: format!("AI Thread {id} not found."),
        }
    }
}

type Answer = Result<serde_json::Value, Refusal>;

/// Runs a handler after the key check, and renders its answer or refusal with a fresh
/// `api_call_id`.
fn respond(sim: &Sim, headers: &HeaderMap, handle: impl FnOnce() -> Answer) -> Response {
    let key = headers.get("x-api-key").and_then(|v| v.to_str().ok());
    let answer = if key == Some(sim.config.credentials.revcent_api_key.as_str()) {
        handle()
    } else {
        Err(Refusal {
            status: StatusCode::UNAUTHORIZED,
            code: error_codes::UNAUTHORIZED,
            message: match key {
                None => "The x-api-key header is missing.".into(),
                Some(_) => "The API key is invalid.".into(),
            },
        })
    };
    let api_call_id = sim.revcent().next_api_call_id();
    let api_call_unix = unix_now();
    let (status, body) = match answer {
        Ok(mut body) => {
            if let Some(fields) = body.as_object_mut() {
                fields.insert("api_call_id".into(), api_call_id.into());
                fields.insert("api_call_unix".into(), api_call_unix.into());
                fields.insert("code".into(), 1.into());
            }
            (StatusCode::OK, body)
        }
        Err(refusal) => {
            let envelope = ApiStandardError::default()
                .with_api_call_id(api_call_id)
                .with_api_call_unix(api_call_unix)
                .with_code(0)
                .with_error_code(refusal.code)
                .with_message(refusal.message)
                .with_result("The API call failed.");
            (refusal.status, to_json(&envelope))
        }
    };
    (status, axum::Json(body)).into_response()
}

fn to_json(value: &impl serde::Serialize) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or_default()
}

fn check_id(id: &str) -> Result<(), Refusal> {
    if id.chars().count() == ID_LEN {
        Ok(())
    } else {
        Err(Refusal::invalid(format!(
            "ai_thread_id must be a 20 character AI Thread ID, got {} characters.",
            id.chars().count()
        )))
    }
}

fn path_id(path: Result<Path<String>, PathRejection>) -> Result<String, Refusal> {
    let Path(id) = path.map_err(|e| Refusal::invalid(format!("Invalid path: {e}")))?;
    check_id(&id)?;
    Ok(id)
}

async fn get_thread(
    AxumState(sim): AxumState<Arc<Sim>>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    respond(&sim, &headers, || {
        let id = path_id(path)?;
        let (record, seeding) = {
            let state = sim.revcent();
            (state.record(&id), state.seeding)
        };
        let record = record.ok_or_else(|| Refusal::not_found(&id))?;
        // Transcripts are generated outside the lock. GetAIThread's 200 body is
        // allOf[APICallResponseInfo, thread]: one object.
        let thread = seeding.thread(&record, true);
        Ok(to_json(&thread))
    })
}

async fn cancel_thread(
    AxumState(sim): AxumState<Arc<Sim>>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Response {
    respond(&sim, &headers, || {
        let id = path_id(path)?;
        check_cancel_body(&headers, &body)?;
        match sim.revcent().cancel(&id) {
            None => Err(Refusal::not_found(&id)),
            Some(Err(status)) => Err(Refusal {
                status: StatusCode::BAD_REQUEST,
                code: error_codes::INVALID_STATUS,
                message: format!(
                    "AI Thread {id} has status {status}; only Running or Timer threads can be cancelled."
                ),
            }),
            Some(Ok(())) => Ok(to_json(
                &CancelAiThreadResult::default()
                    .with_ai_thread_id(id)
                    .with_result("AI Thread cancelled."),
            )),
        }
    })
}

async fn trigger_assistant(
    AxumState(sim): AxumState<Arc<Sim>>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Response {
    respond(&sim, &headers, || {
        let Path(id) = path.map_err(|e| Refusal::invalid(format!("Invalid path: {e}")))?;
        if id.chars().count() != ID_LEN {
            return Err(Refusal::invalid(
                "ai_assistant_id must be a 20 character AI Assistant ID.",
            ));
        }
        check_trigger_body(&headers, &body)?;
        let index = ASSISTANTS
            .iter()
            .position(|a| a.id == id)
            .ok_or_else(|| Refusal {
                status: StatusCode::NOT_FOUND,
                code: error_codes::NOT_FOUND,
                message: format!("AI Assistant {id} not found."),
            })?;
        if !ASSISTANTS[index].on_demand {
            return Err(Refusal {
                status: StatusCode::BAD_REQUEST,
                code: error_codes::INVALID_TRIGGER,
                message: format!(
                    "AI Assistant {id} does not have a trigger setting of 'on_demand' and cannot be triggered using the API."
                ),
            });
        }
        let thread = sim.revcent().trigger(index as u8);
        Ok(serde_json::json!({"ai_thread_id": thread, "ai_assistant_id": id}))
    })
}

/// TriggerAIAssistant's body: a JSON object (or nothing) whose documented members are
/// well formed; members the stored schema does not list are accepted.
fn check_trigger_body(headers: &HeaderMap, body: &[u8]) -> Result<(), Refusal> {
    if body.is_empty() {
        return Ok(());
    }
    check_json_content_type(headers)?;
    let Ok(serde_json::Value::Object(fields)) = serde_json::from_slice(body) else {
        return Err(Refusal::invalid("The request body must be a JSON object."));
    };
    // `Some(None)`: present but not a string.
    let text = |name: &str| fields.get(name).map(serde_json::Value::as_str);
    let id_like = |value: Option<&serde_json::Value>, name: &str| match value {
        None => Ok(()),
        Some(v) if v.as_str().is_some_and(|s| s.chars().count() == ID_LEN) => Ok(()),
        Some(_) => Err(Refusal::invalid(format!(
            "{name} must be a 20 character ID."
        ))),
    };
    match text("source_type") {
        None | Some(Some("item")) => {}
        _ => return Err(Refusal::invalid("source_type must be `item`.")),
    }
    const ITEM_TYPES: [&str; 10] = [
        "sale",
        "customer",
        "product_sale",
        "shipping",
        "subscription",
        "subscription_renewal",
        "salvage_transaction",
        "transaction",
        "chargeback",
        "fraud_detection",
    ];
    match text("item_type") {
        None => {}
        Some(Some(item_type)) if ITEM_TYPES.contains(&item_type) => {}
        _ => {
            return Err(Refusal::invalid(format!(
                "item_type must be one of {}.",
                ITEM_TYPES.join(", ")
            )));
        }
    }
    id_like(fields.get("item_id"), "item_id")?;
    if let Some(previous) = fields.get("previous_ai_thread") {
        id_like(
            Some(
                previous
                    .get("ai_thread_id")
                    .unwrap_or(&serde_json::Value::Null),
            ),
            "previous_ai_thread.ai_thread_id",
        )?;
    }
    if let Some(messages) = fields.get("messages") {
        let well_formed = messages.as_array().is_some_and(|messages| {
            messages.iter().all(|m| {
                m.get("role")
                    .and_then(|r| r.as_str())
                    .is_some_and(|r| ["user", "assistant", "system"].contains(&r))
                    && m.get("content").is_none_or(serde_json::Value::is_string)
            })
        });
        if !well_formed {
            return Err(Refusal::invalid(
                "messages must be an array of {role: user|assistant|system, content: string}.",
            ));
        }
        if fields.contains_key("previous_ai_thread") {
            return Err(Refusal::invalid(
                "If you are providing a previous_ai_thread do not provide the messages array.",
            ));
        }
    }
    Ok(())
}

fn check_json_content_type(headers: &HeaderMap) -> Result<(), Refusal> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    if essence.eq_ignore_ascii_case("application/json") {
        Ok(())
    } else {
        Err(Refusal::invalid(format!(
            "The request body must be application/json, got `{content_type}`."
        )))
    }
}

/// The request body is optional (no `required: true`); when sent it is
/// `application/json` and an object without properties (`additionalProperties: false`).
fn check_cancel_body(headers: &HeaderMap, body: &[u8]) -> Result<(), Refusal> {
    if body.is_empty() {
        return Ok(());
    }
    check_json_content_type(headers)?;
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(fields)) if fields.is_empty() => Ok(()),
        Ok(serde_json::Value::Object(_)) => Err(Refusal::invalid(
            "The request body must be an empty object: no properties are allowed.",
        )),
        _ => Err(Refusal::invalid("The request body must be a JSON object.")),
    }
}

/// A checked GetAIThreads query.
#[derive(Debug, Default)]
struct ListParams {
    date_start: i64,
    date_end: i64,
    limit: i64,
    page: i64,
    assistants: Vec<String>,
    statuses: Vec<StatusFilter>,
}

impl ListParams {
    fn parse(pairs: &[(String, String)], first_page: i64) -> Result<Self, Refusal> {
        let mut numbers: [Option<i64>; 4] = [None; 4];
        const NAMES: [&str; 4] = ["date_start", "date_end", "limit", "page"];
        let mut query = Self::default();
        for (name, value) in pairs {
            if let Some(i) = NAMES.iter().position(|n| n == name) {
                if numbers[i].is_some() {
                    return Err(Refusal::invalid(format!("{name} is given more than once.")));
                }
                numbers[i] = Some(value.parse().map_err(|_| {
                    Refusal::invalid(format!("{name} must be an integer, got `{value}`."))
                })?);
                continue;
            }
            match name.as_str() {
                "ai_assistant_filter" if value.chars().count() == ID_LEN => {
                    query.assistants.push(value.clone())
                }
                "ai_assistant_filter" => {
                    return Err(Refusal::invalid(
                        "ai_assistant_filter values must be 20 character AI Assistant IDs.",
                    ));
                }
                "status_filter" => match StatusFilter::from(value.as_str()) {
                    StatusFilter::Unknown(_) => {
                        return Err(Refusal::invalid(format!(
                            "status_filter `{value}` must be one of running, timer, complete, error."
                        )));
                    }
                    status => query.statuses.push(status),
                },
                other => {
                    return Err(Refusal::invalid(format!("Unknown parameter `{other}`.")));
                }
            }
        }
        let [Some(date_start), Some(date_end), Some(limit), Some(page)] = numbers else {
            return Err(Refusal::invalid(
                "The date_start, date_end, page and limit URL parameters are required.",
            ));
        };
        if date_end < date_start {
            return Err(Refusal::invalid("date_end must not be before date_start."));
        }
        if date_end - date_start > MAX_RANGE_SECS {
            return Err(Refusal::invalid(
                "The difference between date_start and date_end cannot exceed a two (2) day period.",
            ));
        }
        if !(1..=25).contains(&limit) {
            return Err(Refusal::invalid("Limit can range between 1 and 25."));
        }
        if !(first_page..=i64::from(i32::MAX)).contains(&page) {
            return Err(Refusal::invalid(format!("page starts at {first_page}.")));
        }
        Ok(Self {
            date_start,
            date_end,
            limit,
            page,
            ..query
        })
    }
}

async fn list_threads(
    AxumState(sim): AxumState<Arc<Sim>>,
    headers: HeaderMap,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    respond(&sim, &headers, || {
        let Query(pairs) = query.map_err(|e| Refusal::invalid(format!("Invalid query: {e}")))?;
        let first_page = sim.config.revcent_reading.first_page;
        let query = ListParams::parse(&pairs, first_page)?;
        let (records, total, seeding) = {
            let state = sim.revcent();
            let (records, total) = state.page(&query);
            (records, total, state.seeding)
        };
        let results: Vec<AiThread> = records.iter().map(|r| seeding.thread(r, false)).collect();
        let total = total as i64;
        Ok(to_json(
            &AiThreadList::default()
                .with_current_count(results.len() as i64)
                .with_current_page(query.page)
                .with_results(results)
                .with_total_count(total)
                .with_total_pages((total + query.limit - 1) / query.limit),
        ))
    })
}
