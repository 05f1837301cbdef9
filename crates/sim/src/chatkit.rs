//! The simulated OpenAI ChatKit API (`/v1/chatkit`).
//!
//! | route | answer |
//! |---|---|
//! | `GET /chatkit/threads` | `ThreadListResource`; `after`, `before`, `limit` (0–100, default 20), `order` (default `desc`), `user` (1–512 chars) |
//! | `GET /chatkit/threads/{thread_id}` | `ThreadResource` |
//! | `DELETE /chatkit/threads/{thread_id}` | `DeletedThreadResource`; the thread and its items are gone (404 after) |
//! | `GET /chatkit/threads/{thread_id}/items` | `ThreadItemListResource`, same cursor rules |
//! | `POST /chatkit/sessions` | `ChatSessionResource` (`active`, `expires_at` from `expires_after`) |
//! | `POST /chatkit/sessions/{session_id}/cancel` | the session, now `cancelled` (an expired one stays `expired`) |
//!
//! Every route needs `Authorization: Bearer <key>` with the accepted key (otherwise 401, as
//! OpenAI answers a missing or wrong key) and `OpenAI-Beta: chatkit_beta=v1` (otherwise 400
//! `invalid_beta`). Every answer, errors included, carries an `x-request-id`; errors use
//! OpenAI's envelope ([`Failure`]); unknown paths and methods answer OpenAI's 404 `Invalid URL`.
//!
//! Listings order entries by `(created_at, id)`, newest first unless `order=asc`, so ties have a
//! stable order. `after=X` lists what follows `X`; `before=X` the page just preceding `X`; both,
//! what lies between. `has_more` says whether more follow in that direction, `first_id` /
//! `last_id` name the page's ends. A cursor naming a thread deleted meanwhile keeps its place;
//! one that never existed is a 400 naming `after` or `before`.
//!
//! The hostile listing faults bend the listings here: [`Fault::RepeatCursor`] answers the
//! first page whatever the cursor, [`Fault::CycleCursors`] the first page again after the
//! second (cursors A → B → A), both saying there is more; [`Fault::EndlessPages`] answers
//! item listings with fresh items for ever.

mod failure;
mod listing;
mod seed;
mod sessions;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use aithreads_openai_chatkit::generated::{
    ActiveStatus, UserMessageContent, UserMessageInputText, UserMessageItem,
};
use aithreads_openai_chatkit::{
    BETA_HEADER, ChatSessionResource, ChatSessionStatus, DeletedThreadResource, ThreadItem,
    ThreadItemListResource, ThreadListResource, ThreadResource, ThreadStatus,
};
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{FromRequestParts, Path, Query, State as AxumState};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, middleware};

pub use failure::Failure;
pub use seed::USERS;

use crate::{Fault, Sim, SimConfig};
use listing::{Key, Query as ListQuery};

/// What a stored thread's items are.
#[derive(Debug, Clone)]
enum Items {
    /// Generated on demand from this seed (seeded and created threads).
    Seeded(u64),
    /// Given by the caller, oldest first.
    Given(Vec<ThreadItem>),
}

#[derive(Debug, Clone)]
struct Stored {
    thread: ThreadResource,
    items: Items,
}

impl Stored {
    fn items(&self) -> Vec<ThreadItem> {
        match &self.items {
            Items::Seeded(seed) => seed::items(&self.thread, *seed),
            Items::Given(items) => items.clone(),
        }
    }
}

/// OpenAI ChatKit's state: threads (with their items) and sessions.
#[derive(Debug, Default)]
pub struct State {
    seed: u64,
    now: i64,
    /// Live threads in listing position.
    threads: BTreeMap<Key, Stored>,
    /// Live thread id → creation time, to find a thread's position.
    index: HashMap<String, i64>,
    /// Deleted thread id → creation time, so a cursor naming one still has a position.
    deleted: HashMap<String, i64>,
    sessions: HashMap<String, ChatSessionResource>,
    /// Ids handed out after seeding (created threads, sessions).
    minted: u64,
}

impl State {
    /// `config.threads` threads from `config.seed`, created in the 30 days before
    /// `config.now`; every tenth shares its predecessor's creation second, so ties occur.
    pub fn seeded(config: &SimConfig) -> Self {
        let mut state = Self {
            seed: config.seed,
            now: config.now,
            ..Self::default()
        };
        let mut previous: Option<i64> = None;
        for index in 0..config.threads as u64 {
            let mut thread = seed::thread(config.seed, config.now, index);
            if index % 10 == 9
                && let Some(time) = previous
            {
                thread.created_at = time;
            }
            previous = Some(thread.created_at);
            let items = Items::Seeded(seed::mix(config.seed ^ 0x17EA, index));
            state.store(thread, items);
        }
        state
    }

    fn store(&mut self, thread: ThreadResource, items: Items) {
        self.remove(&thread.id);
        self.deleted.remove(&thread.id);
        self.index.insert(thread.id.clone(), thread.created_at);
        self.threads.insert(
            (thread.created_at, thread.id.clone()),
            Stored { thread, items },
        );
    }

    fn remove(&mut self, id: &str) -> Option<Stored> {
        let created_at = self.index.remove(id)?;
        self.threads.remove(&(created_at, id.to_owned()))
    }

    fn stored(&self, id: &str) -> Option<&Stored> {
        let created_at = self.index.get(id)?;
        self.threads.get(&(*created_at, id.to_owned()))
    }

    fn next_number(&mut self) -> u64 {
        self.minted += 1;
        // Far above any seeded index, so minted ids never collide with seeded ones.
        (1 << 48) + self.minted
    }

    /// How many threads exist.
    pub fn len(&self) -> usize {
        self.threads.len()
    }

    /// Whether no thread exists.
    pub fn is_empty(&self) -> bool {
        self.threads.is_empty()
    }

    /// A thread, if it exists.
    pub fn thread(&self, id: &str) -> Option<&ThreadResource> {
        self.stored(id).map(|s| &s.thread)
    }

    /// A thread's items, oldest first, if the thread exists.
    pub fn items(&self, id: &str) -> Option<Vec<ThreadItem>> {
        self.stored(id).map(Stored::items)
    }

    /// The ids of `user`'s threads, newest first (the API's default order).
    pub fn thread_ids_of(&self, user: &str) -> Vec<String> {
        self.threads
            .values()
            .rev()
            .filter(|s| s.thread.user == user)
            .map(|s| s.thread.id.clone())
            .collect()
    }

    /// Every user that owns a thread, sorted.
    pub fn users(&self) -> Vec<String> {
        let mut users: Vec<String> = self
            .threads
            .values()
            .map(|s| s.thread.user.clone())
            .collect();
        users.sort();
        users.dedup();
        users
    }

    /// Adds (or replaces) a thread with exactly these items.
    pub fn insert_thread(&mut self, thread: ThreadResource, mut items: Vec<ThreadItem>) {
        items.sort_by_key(item_key);
        self.store(thread, Items::Given(items));
    }

    /// Creates a thread of `user` in `status`, created at the simulator's "now", with a
    /// generated conversation; returns it.
    pub fn create_thread(&mut self, user: &str, status: ThreadStatus) -> ThreadResource {
        let number = self.next_number();
        let thread = ThreadResource::new(
            seed::id("cthr_", self.seed, number),
            "chatkit.thread",
            self.now,
            status,
            user,
        );
        let items = Items::Seeded(seed::mix(self.seed ^ 0x17EA, number));
        self.store(thread.clone(), items);
        thread
    }

    /// Creates an active thread of `user`; see [`create_thread`](Self::create_thread).
    pub fn create_active_thread(&mut self, user: &str) -> ThreadResource {
        self.create_thread(user, ThreadStatus::Active(ActiveStatus::default()))
    }

    /// Deletes a thread and its items; false when it did not exist.
    pub fn delete_thread(&mut self, id: &str) -> bool {
        match self.remove(id) {
            Some(stored) => {
                self.deleted.insert(id.to_owned(), stored.thread.created_at);
                true
            }
            None => false,
        }
    }

    /// Whether a thread existed and was deleted.
    pub fn is_deleted(&self, id: &str) -> bool {
        self.deleted.contains_key(id)
    }

    /// A session as the API reports it now (`expired` once past `expires_at`).
    pub fn session(&self, id: &str) -> Option<ChatSessionResource> {
        self.sessions
            .get(id)
            .map(|s| with_current_status(s.clone()))
    }

    fn list_threads(&self, query: &ListQuery) -> Result<ThreadListResource, Failure> {
        let cursor = |param: &str, id: &Option<String>| -> Result<Option<Key>, Failure> {
            id.as_ref()
                .map(|id| {
                    self.index
                        .get(id)
                        .or_else(|| self.deleted.get(id))
                        .map(|created_at| (*created_at, id.clone()))
                        .ok_or_else(|| unknown_cursor(param, id, "thread"))
                })
                .transpose()
        };
        let after = cursor("after", &query.after)?;
        let before = cursor("before", &query.before)?;
        let page = listing::page(
            &self.threads,
            query.order,
            after.as_ref(),
            before.as_ref(),
            query.limit,
            |s| query.user.as_ref().is_none_or(|u| &s.thread.user == u),
        );
        let data: Vec<ThreadResource> = page.data.into_iter().map(|s| s.thread.clone()).collect();
        let (first_id, last_id) = (
            data.first().map(|t| t.id.clone()),
            data.last().map(|t| t.id.clone()),
        );
        let mut list = ThreadListResource::new("list", data, page.has_more);
        list.first_id = first_id;
        list.last_id = last_id;
        Ok(list)
    }

    fn list_items(&self, id: &str, query: &ListQuery) -> Result<ThreadItemListResource, Failure> {
        let stored = self.stored(id).ok_or_else(|| Failure::no_thread(id))?;
        let items: BTreeMap<Key, ThreadItem> = stored
            .items()
            .into_iter()
            .map(|item| (item_key(&item), item))
            .collect();
        let cursor = |param: &str, id: &Option<String>| -> Result<Option<Key>, Failure> {
            id.as_ref()
                .map(|id| {
                    items
                        .keys()
                        .find(|(_, item_id)| item_id == id)
                        .cloned()
                        .ok_or_else(|| unknown_cursor(param, id, "thread item"))
                })
                .transpose()
        };
        let after = cursor("after", &query.after)?;
        let before = cursor("before", &query.before)?;
        let page = listing::page(
            &items,
            query.order,
            after.as_ref(),
            before.as_ref(),
            query.limit,
            |_| true,
        );
        let data: Vec<ThreadItem> = page.data.into_iter().cloned().collect();
        let key = |item: Option<&ThreadItem>| item.map(|i| item_key(i).1);
        let (first_id, last_id) = (key(data.first()), key(data.last()));
        let mut list = ThreadItemListResource::new("list", data, page.has_more);
        list.first_id = first_id;
        list.last_id = last_id;
        Ok(list)
    }

    fn create_session(&mut self, body: &[u8]) -> Result<ChatSessionResource, Failure> {
        let body = sessions::parse(body)?;
        let number = self.next_number();
        let session = sessions::resource(
            body,
            seed::id("cksess_", self.seed, number),
            seed::id("ek_", self.seed ^ 0xC11E, number),
            crate::unix_now(),
        );
        self.sessions.insert(session.id.clone(), session.clone());
        Ok(session)
    }

    fn cancel_session(&mut self, id: &str) -> Result<ChatSessionResource, Failure> {
        let session = self
            .sessions
            .get_mut(id)
            .ok_or_else(|| Failure::no_session(id))?;
        *session = with_current_status(session.clone());
        if session.status == ChatSessionStatus::Active {
            session.status = ChatSessionStatus::Cancelled;
        }
        Ok(session.clone())
    }
}

fn with_current_status(mut session: ChatSessionResource) -> ChatSessionResource {
    if session.status == ChatSessionStatus::Active && crate::unix_now() >= session.expires_at {
        session.status = ChatSessionStatus::Expired;
    }
    session
}

fn unknown_cursor(param: &str, id: &str, what: &str) -> Failure {
    Failure::invalid_request(format!(
        "Invalid '{param}': no {what} found with id '{id}'."
    ))
    .param(param)
}

/// A thread item's listing position.
fn item_key(item: &ThreadItem) -> Key {
    let value = serde_json::to_value(item).unwrap_or_default();
    (
        value["created_at"].as_i64().unwrap_or_default(),
        value["id"].as_str().unwrap_or_default().to_owned(),
    )
}

/// The routes, relative to the provider's base path (`/v1`).
pub(crate) fn router() -> Router<Arc<Sim>> {
    Router::new()
        .route("/chatkit/threads", get(list_threads))
        .route(
            "/chatkit/threads/{thread_id}",
            get(get_thread).delete(delete_thread),
        )
        .route("/chatkit/threads/{thread_id}/items", get(list_items))
        .route("/chatkit/sessions", post(create_session))
        .route(
            "/chatkit/sessions/{session_id}/cancel",
            post(cancel_session),
        )
        .fallback(invalid_url)
        .method_not_allowed_fallback(invalid_url)
        .layer(middleware::map_response(with_request_id))
}

/// Proof that a request carries the accepted key and the ChatKit beta header.
struct Authorized;

impl FromRequestParts<Arc<Sim>> for Authorized {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, sim: &Arc<Sim>) -> Result<Self, Failure> {
        let key = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .ok_or_else(Failure::missing_key)?;
        if key != sim.config.credentials.openai_api_key {
            return Err(Failure::wrong_key(key));
        }
        // The header may list several betas, comma-separated.
        let beta = parts
            .headers
            .get_all("openai-beta")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|b| b.trim() == BETA_HEADER);
        if !beta {
            return Err(Failure::missing_beta());
        }
        Ok(Authorized)
    }
}

type Answer<T> = Result<Json<T>, Failure>;

fn query(
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Vec<(String, String)>, Failure> {
    query
        .map(|Query(pairs)| pairs)
        .map_err(|e| Failure::invalid_request(format!("Invalid query string: {}", e.body_text())))
}

fn path(path: Result<Path<String>, PathRejection>) -> Result<String, Failure> {
    path.map(|Path(id)| id)
        .map_err(|e| Failure::invalid_request(e.body_text()))
}

async fn list_threads(
    AxumState(sim): AxumState<Arc<Sim>>,
    _: Authorized,
    fault: Option<Extension<Fault>>,
    pairs: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Answer<ThreadListResource> {
    let query = ListQuery::parse(&query(pairs)?, true)?;
    let state = sim.chatkit();
    bend(fault, &query, |q| state.list_threads(q)).map(Json)
}

async fn get_thread(
    AxumState(sim): AxumState<Arc<Sim>>,
    _: Authorized,
    id: Result<Path<String>, PathRejection>,
) -> Answer<ThreadResource> {
    let id = path(id)?;
    let state = sim.chatkit();
    state
        .thread(&id)
        .cloned()
        .map(Json)
        .ok_or_else(|| Failure::no_thread(&id))
}

async fn delete_thread(
    AxumState(sim): AxumState<Arc<Sim>>,
    _: Authorized,
    id: Result<Path<String>, PathRejection>,
) -> Answer<DeletedThreadResource> {
    let id = path(id)?;
    if !sim.chatkit().delete_thread(&id) {
        return Err(Failure::no_thread(&id));
    }
    Ok(Json(DeletedThreadResource::new(
        id,
        "chatkit.thread.deleted",
        true,
    )))
}

async fn list_items(
    AxumState(sim): AxumState<Arc<Sim>>,
    _: Authorized,
    fault: Option<Extension<Fault>>,
    id: Result<Path<String>, PathRejection>,
    pairs: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Answer<ThreadItemListResource> {
    let id = path(id)?;
    let query = ListQuery::parse(&query(pairs)?, false)?;
    let state = sim.chatkit();
    if let Some(Extension(Fault::EndlessPages)) = fault {
        state.stored(&id).ok_or_else(|| Failure::no_thread(&id))?;
        return Ok(Json(endless_items(&id, &query)));
    }
    bend(fault, &query, |q| state.list_items(&id, q)).map(Json)
}

/// The two list answers, as [`bend`] needs them.
trait Listed {
    fn last_id(&self) -> Option<&str>;
    fn say_more(&mut self);
}

impl Listed for ThreadListResource {
    fn last_id(&self) -> Option<&str> {
        self.last_id.as_deref()
    }
    fn say_more(&mut self) {
        self.has_more = true;
    }
}

impl Listed for ThreadItemListResource {
    fn last_id(&self) -> Option<&str> {
        self.last_id.as_deref()
    }
    fn say_more(&mut self) {
        self.has_more = true;
    }
}

/// A listing's answer to `query` as a hostile server gives it under `fault`, from the honest
/// `list`:
/// - [`Fault::RepeatCursor`]: the first page whatever the cursor, saying there is more, so
///   `last_id` comes back the same;
/// - [`Fault::CycleCursors`]: the honest page after the first page's `last_id` (A), and the
///   first page for any other cursor (after B), always saying there is more: A → B → A.
fn bend<L: Listed>(
    fault: Option<Extension<Fault>>,
    query: &ListQuery,
    list: impl Fn(&ListQuery) -> Result<L, Failure>,
) -> Result<L, Failure> {
    let first = || {
        list(&ListQuery {
            after: None,
            before: None,
            ..query.clone()
        })
    };
    let mut page = match fault {
        Some(Extension(Fault::RepeatCursor)) => first()?,
        Some(Extension(Fault::CycleCursors)) => {
            let first = first()?;
            match &query.after {
                Some(after) if first.last_id() == Some(after) => list(query)?,
                _ => first,
            }
        }
        _ => return list(query),
    };
    page.say_more();
    Ok(page)
}

/// Words in each item of [`endless_items`]: about a kilobyte of text, like a real message.
const ENDLESS_ITEM_WORDS: usize = 170;

/// A page of fresh user messages that says there is more, whatever the cursor: items
/// `cthi_endless_<n>`, numbered on from the cursor.
fn endless_items(thread_id: &str, query: &ListQuery) -> ThreadItemListResource {
    let start = query
        .after
        .as_deref()
        .and_then(|after| after.strip_prefix("cthi_endless_")?.parse::<u64>().ok())
        .map_or(0, |n| n + 1);
    let text = "lorem ".repeat(ENDLESS_ITEM_WORDS);
    let data: Vec<ThreadItem> = (start..start + query.limit as u64)
        .map(|n| {
            let content = vec![UserMessageContent::InputText(UserMessageInputText::new(
                text.clone(),
            ))];
            ThreadItem::UserMessage(UserMessageItem::new(
                format!("cthi_endless_{n}"),
                "chatkit.thread_item",
                1_700_000_000 + n as i64,
                thread_id,
                content,
                Vec::new(),
            ))
        })
        .collect();
    let key = |item: Option<&ThreadItem>| item.map(|i| item_key(i).1);
    let (first_id, last_id) = (key(data.first()), key(data.last()));
    let mut list = ThreadItemListResource::new("list", data, true);
    list.first_id = first_id;
    list.last_id = last_id;
    list
}

async fn create_session(
    AxumState(sim): AxumState<Arc<Sim>>,
    _: Authorized,
    body: Bytes,
) -> Answer<ChatSessionResource> {
    sim.chatkit().create_session(&body).map(Json)
}

async fn cancel_session(
    AxumState(sim): AxumState<Arc<Sim>>,
    _: Authorized,
    id: Result<Path<String>, PathRejection>,
) -> Answer<ChatSessionResource> {
    let id = path(id)?;
    sim.chatkit().cancel_session(&id).map(Json)
}

async fn invalid_url(method: Method, uri: Uri) -> Failure {
    // Nesting strips the `/v1` prefix this router is mounted under; OpenAI names the full path.
    Failure::invalid_url(method.as_str(), &format!("/v1{}", uri.path()))
}

/// Adds the `x-request-id` every OpenAI answer carries.
async fn with_request_id(mut response: Response) -> Response {
    let id = format!("req_{:032x}", rand::random::<u128>());
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response.into_response()
}
