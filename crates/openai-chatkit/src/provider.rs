//! [`ThreadProvider`] for [`ChatKitClient`]: ChatKit threads in the unified model.

use async_trait::async_trait;
use futures::TryStreamExt;
use serde::{Deserialize, Serialize};

use aithreads_core::{
    ApiError, Capabilities, Error, ListQuery, Order, Page, ProviderKind, QueryFields, RawStatus,
    Result, Status, Thread, ThreadProvider,
};

use crate::client::{ChatKitClient, next_cursor};
use crate::error::PROVIDER;
use crate::generated::{ThreadItem, ThreadResource, ThreadStatus};
use crate::input::{ListItemsParams, ListThreadsParams, MAX_LIMIT};
use crate::transcript;

/// The provider record of every [`Thread`] this crate returns: the thread as the API sent it
/// and, from `get_thread`, all its items.
///
/// ```
/// # use aithreads_core::Thread;
/// # use aithreads_openai_chatkit::ThreadRecord;
/// # fn show(thread: &Thread) {
/// if let Some(record) = thread.record::<ThreadRecord>() {
///     println!("{} has {:?} items", record.thread.id, record.items.as_ref().map(Vec::len));
/// }
/// # }
/// ```
///
/// Serialises as the thread's own fields plus `items` when they were fetched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThreadRecord {
    /// The thread.
    #[serde(flatten)]
    pub thread: ThreadResource,
    /// Every item, oldest first, when the call fetched them (`get_thread`); `None` in listings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<ThreadItem>>,
}

impl ThreadStatus {
    /// The unified status: `active` → [`Status::Running`], `locked` → [`Status::Locked`],
    /// `closed` → [`Status::Completed`], anything else → [`Status::Unknown`].
    pub fn unified(&self) -> Status {
        match self {
            Self::Active(_) => Status::Running,
            Self::Locked(_) => Status::Locked,
            Self::Closed(_) => Status::Completed,
            Self::Unknown(_) => Status::Unknown,
        }
    }
}

/// The status's exact words: its type and, when it has one, its reason.
fn raw_status(status: &ThreadStatus) -> RawStatus {
    let reason = match status {
        ThreadStatus::Active(_) => None,
        ThreadStatus::Locked(locked) => locked.reason.clone(),
        ThreadStatus::Closed(closed) => closed.reason.clone(),
        ThreadStatus::Unknown(value) => value
            .get("reason")
            .and_then(|r| r.as_str())
            .map(str::to_owned),
    };
    RawStatus {
        value: status.tag().to_owned(),
        reason,
    }
}

impl From<ThreadResource> for ThreadRecord {
    /// A thread without its items, as a listing returns it.
    fn from(thread: ThreadResource) -> Self {
        Self {
            thread,
            items: None,
        }
    }
}

impl ThreadRecord {
    /// This thread in the unified model, with this record kept as [`Thread::record`]; the
    /// items, when fetched, become [`Thread::messages`] (see [`item_message`](crate::item_message)).
    pub fn into_thread(self) -> Thread {
        let status = self.thread.status.unified();
        let raw_status = raw_status(&self.thread.status);
        let messages = self
            .items
            .as_deref()
            .map(transcript::messages)
            .unwrap_or_default();
        let thread = &self.thread;
        let (id, created_at, title, user) = (
            thread.id.clone(),
            thread.created_at,
            thread.title.clone(),
            thread.user.clone(),
        );
        Thread::new(PROVIDER, id, status, raw_status, self)
            .with_created_unix(Some(created_at))
            .with_title(title)
            .with_user(Some(user))
            .with_messages(messages)
    }
}

/// ChatKit in the unified model: get (with the transcript), list, delete; no cancel.
///
/// | trait | ChatKit |
/// |---|---|
/// | `get_thread` | GetThreadMethod, then every ListThreadItemsMethod page (oldest first, 100 a page) into [`Thread::messages`] |
/// | `list_threads` | one ListThreadsMethod page; `cursor` is `after`, `user`, `limit`, `order` pass through |
/// | `cancel_thread` | [`Error::Unsupported`]: ChatKit threads have no cancel (sessions do: [`ChatKitClient::cancel_chatkit_session`]) |
/// | `delete_thread` | DeleteThreadMethod |
///
/// The API cannot filter by time or status, so [`ListQuery::since`], [`ListQuery::until`] and
/// [`ListQuery::statuses`] are applied to each page here. A page may then hold fewer threads
/// than `limit`, even none, while [`Page::next`] still points further; the walk ends early as
/// soon as the listing order has passed the time range (newest first: a thread older than
/// `since`; oldest first: one newer than `until`).
///
/// Statuses map as [`ThreadStatus::unified`] says; [`Thread::raw_status`] keeps the type and
/// the reason, and [`Thread::record`] is the [`ThreadRecord`]
/// ([`ThreadRecord::into_thread`]).
#[async_trait]
impl ThreadProvider for ChatKitClient {
    fn kind(&self) -> ProviderKind {
        PROVIDER
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities::NONE
            .with_get()
            .with_messages()
            .with_list(
                QueryFields::NONE
                    .with_time_range()
                    .with_status()
                    .with_user()
                    .with_order(Order::Asc)
                    .with_order(Order::Desc),
            )
            .with_delete()
    }

    async fn get_thread(&self, id: &str) -> Result<Thread> {
        let thread = self.retrieve_chatkit_thread(id).await?;
        let items: Vec<ThreadItem> = self
            .chatkit_thread_items(
                id,
                ListItemsParams::new()
                    .with_order(Order::Asc)
                    .with_limit(MAX_LIMIT),
            )
            .try_collect()
            .await?;
        Ok(ThreadRecord {
            thread,
            items: Some(items),
        }
        .into_thread())
    }

    async fn list_threads(&self, query: &ListQuery) -> Result<Page<Thread>> {
        let window = Window::new(query)?;
        let mut params = ListThreadsParams::new();
        params.after = query.cursor.clone();
        params.limit = query.limit;
        params.order = query.order;
        params.user = query.user.clone();
        let page = self.list_chatkit_threads(&params).await?;
        let mut next = next_cursor(page.has_more, page.last_id, page.data.is_empty());
        let order = query.order.unwrap_or_default();
        let mut threads = Vec::with_capacity(page.data.len());
        for thread in page.data {
            if window.passed(&thread, order) {
                next = None;
            } else if window.keeps(&thread) {
                threads.push(ThreadRecord::from(thread).into_thread());
            }
        }
        Ok(Page::new(threads, next, None))
    }

    async fn delete_thread(&self, id: &str) -> Result<()> {
        let answer = self.delete_chatkit_thread(id).await?;
        if answer.deleted {
            Ok(())
        } else {
            Err(Error::provider_error(
                PROVIDER,
                ApiError::new(format!(
                    "OpenAI answered `deleted: false` for thread {}",
                    answer.id
                )),
                false,
            ))
        }
    }
}

/// The client-side part of a [`ListQuery`]: time range and statuses.
struct Window<'a> {
    since: Option<i64>,
    until: Option<i64>,
    statuses: &'a [Status],
}

impl<'a> Window<'a> {
    fn new(query: &'a ListQuery) -> Result<Self> {
        let since = query.since.map(|t| t.unix_timestamp());
        let until = query.until.map(|t| t.unix_timestamp());
        if let (Some(since), Some(until)) = (since, until)
            && since > until
        {
            return Err(Error::invalid_input(
                "the time range ends before it starts: `since` must not be after `until`",
            ));
        }
        Ok(Self {
            since,
            until,
            statuses: &query.statuses,
        })
    }

    /// Whether the listing, sorted by creation time in `order`, has left the range for good.
    fn passed(&self, thread: &ThreadResource, order: Order) -> bool {
        match order {
            Order::Desc => self.since.is_some_and(|since| thread.created_at < since),
            Order::Asc => self.until.is_some_and(|until| thread.created_at > until),
        }
    }

    fn keeps(&self, thread: &ThreadResource) -> bool {
        self.since.is_none_or(|since| thread.created_at >= since)
            && self.until.is_none_or(|until| thread.created_at <= until)
            && (self.statuses.is_empty() || self.statuses.contains(&thread.status.unified()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::datetime;

    fn thread(created_at: i64, status: serde_json::Value) -> ThreadResource {
        serde_json::from_value(json!({"id": "cthr_1", "object": "chatkit.thread",
            "created_at": created_at, "title": null, "status": status, "user": "u"}))
        .unwrap()
    }

    #[test]
    fn every_status_maps_with_its_reason() {
        let cases = [
            (json!({"type": "active"}), Status::Running, "active", None),
            (
                json!({"type": "locked", "reason": "moderation"}),
                Status::Locked,
                "locked",
                Some("moderation"),
            ),
            (
                json!({"type": "locked", "reason": null}),
                Status::Locked,
                "locked",
                None,
            ),
            (
                json!({"type": "closed", "reason": "resolved"}),
                Status::Completed,
                "closed",
                Some("resolved"),
            ),
            (
                json!({"type": "archived", "reason": "old"}),
                Status::Unknown,
                "archived",
                Some("old"),
            ),
        ];
        for (wire, unified, value, reason) in cases {
            let status = thread(1, wire).status;
            let raw = raw_status(&status);
            assert_eq!(status.unified(), unified);
            assert_eq!(raw.value, value);
            assert_eq!(raw.reason.as_deref(), reason);
        }
    }

    #[test]
    fn the_thread_carries_the_typed_record() {
        let t = ThreadRecord::from(thread(
            1712345600,
            json!({"type": "closed", "reason": null}),
        ))
        .into_thread();
        assert_eq!(t.id, "cthr_1");
        assert_eq!(t.user.as_deref(), Some("u"));
        assert_eq!(t.created_at.unwrap().unix_timestamp(), 1712345600);
        let record = t.record::<ThreadRecord>().unwrap();
        assert_eq!(record.items, None);
        let json = serde_json::to_value(&t).unwrap();
        assert_eq!(json["record"]["object"], "chatkit.thread");
        assert!(json["record"].get("items").is_none());
    }

    #[test]
    fn the_window_filters_and_knows_when_the_listing_has_passed_it() {
        let query = ListQuery::new()
            .with_range(
                datetime!(2024-04-01 0:00 UTC),
                datetime!(2024-04-02 0:00 UTC),
            )
            .with_statuses([Status::Locked]);
        let window = Window::new(&query).unwrap();
        let start = datetime!(2024-04-01 0:00 UTC).unix_timestamp();
        let end = datetime!(2024-04-02 0:00 UTC).unix_timestamp();
        let locked = json!({"type": "locked", "reason": null});
        assert!(window.keeps(&thread(start, locked.clone())));
        assert!(window.keeps(&thread(end, locked.clone())));
        assert!(!window.keeps(&thread(start, json!({"type": "active"}))));
        assert!(!window.keeps(&thread(end + 1, locked.clone())));
        assert!(window.passed(&thread(start - 1, locked.clone()), Order::Desc));
        assert!(!window.passed(&thread(start - 1, locked.clone()), Order::Asc));
        assert!(window.passed(&thread(end + 1, locked.clone()), Order::Asc));
        let backwards = ListQuery::new().with_range(
            datetime!(2024-04-02 0:00 UTC),
            datetime!(2024-04-01 0:00 UTC),
        );
        assert!(Window::new(&backwards).is_err_and(|e| e.is_invalid_input()));
    }
}
