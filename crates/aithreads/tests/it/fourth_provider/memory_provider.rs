//! A provider that keeps its threads in memory, written the way a fourth provider would be:
//! only against `aithreads_core`'s public API, outside every provider crate, implementing
//! the operations it has (get, list, cancel) and leaving the rest (delete) to the trait's
//! default `Unsupported` answer.
//!
//! [`ProviderKind`] is a closed enum (a real fourth provider adds a variant), so this test
//! double reports whichever existing kind it is given and is plugged into the facade with
//! `ClientBuilder::with_provider`, replacing that kind's client.

use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use aithreads_core::validate;
use aithreads_core::{
    ApiError, CancelOutcome, Capabilities, Error, ListQuery, Order, Page, ProviderKind,
    QueryFields, RawStatus, Result, Status, Thread, ThreadProvider,
};
use async_trait::async_trait;

/// Page size when the query sets none.
pub const DEFAULT_LIMIT: u32 = 10;
/// The largest page size.
pub const MAX_LIMIT: u32 = 100;

/// Threads in memory, listed oldest first (ids are handed out in creation order).
#[derive(Debug)]
pub struct MemoryProvider {
    kind: ProviderKind,
    threads: Mutex<BTreeMap<String, Stored>>,
    /// Calls that got past input checks: the "requests" a real provider would send.
    requests: AtomicU64,
}

#[derive(Debug, Clone)]
struct Stored {
    status: Status,
    user: String,
}

impl MemoryProvider {
    /// An empty store reporting `kind`.
    pub fn new(kind: ProviderKind) -> Self {
        Self {
            kind,
            threads: Mutex::new(BTreeMap::new()),
            requests: AtomicU64::new(0),
        }
    }

    /// Adds a thread and returns its id (`mem_0000`, `mem_0001`, ...).
    pub fn insert(&self, status: Status, user: &str) -> String {
        let mut threads = self.threads.lock().unwrap();
        let id = format!("mem_{:04}", threads.len());
        let stored = Stored {
            status,
            user: user.to_owned(),
        };
        threads.insert(id.clone(), stored);
        id
    }

    /// How many calls reached the store.
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::SeqCst)
    }

    /// Counts a call that passed its input checks.
    fn request(&self) {
        self.requests.fetch_add(1, Ordering::SeqCst);
    }

    fn thread(&self, id: &str, stored: &Stored) -> Thread {
        let word = stored.status.as_str();
        Thread::new(
            self.kind,
            id,
            stored.status,
            RawStatus::new(word),
            serde_json::json!({ "status": word }),
        )
        .with_user(Some(stored.user.clone()))
    }

    fn not_found(&self, id: &str) -> Error {
        Error::not_found(
            self.kind,
            ApiError::new(format!("no thread {id}")).with_code("not_found"),
        )
    }
}

/// Ids and cursors are single URL path segments, as if they went into a URL.
fn check_id(id: &str) -> Result<()> {
    validate::path_segment("memory thread id", id)
}

#[async_trait]
impl ThreadProvider for MemoryProvider {
    fn kind(&self) -> ProviderKind {
        self.kind
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities::NONE
            .with_get()
            .with_list(QueryFields::NONE.with_status().with_order(Order::Asc))
            .with_cancel()
    }

    async fn get_thread(&self, id: &str) -> Result<Thread> {
        check_id(id)?;
        self.request();
        let threads = self.threads.lock().unwrap();
        let stored = threads.get(id).ok_or_else(|| self.not_found(id))?;
        Ok(self.thread(id, stored))
    }

    /// Pages in id order; the cursor is the last id of the previous page.
    async fn list_threads(&self, query: &ListQuery) -> Result<Page<Thread>> {
        self.capabilities().query.check(self.kind, query)?;
        let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
        validate::in_range("limit", limit, 1, MAX_LIMIT)?;
        if let Some(cursor) = &query.cursor {
            check_id(cursor)?;
        }
        self.request();
        let threads = self.threads.lock().unwrap();
        let after = match &query.cursor {
            Some(cursor) => Bound::Excluded(cursor.clone()),
            None => Bound::Unbounded,
        };
        let mut matching = threads
            .range((after, Bound::Unbounded))
            .filter(|(_, t)| query.statuses.is_empty() || query.statuses.contains(&t.status));
        let items: Vec<Thread> = matching
            .by_ref()
            .take(limit as usize)
            .map(|(id, stored)| self.thread(id, stored))
            .collect();
        let next = match (matching.next(), items.last()) {
            (Some(_), Some(last)) => Some(last.id.clone()),
            _ => None,
        };
        Ok(Page::new(items, next, None))
    }

    async fn cancel_thread(&self, id: &str) -> Result<CancelOutcome> {
        check_id(id)?;
        self.request();
        let mut threads = self.threads.lock().unwrap();
        let stored = threads.get_mut(id).ok_or_else(|| self.not_found(id))?;
        if !stored.status.is_active() {
            return Ok(CancelOutcome::AlreadyEnded);
        }
        stored.status = Status::Cancelled;
        Ok(CancelOutcome::Cancelled)
    }

    // No delete_thread: the trait's default answers Unsupported.
}
