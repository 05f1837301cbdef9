//! [`ThreadProvider`] for [`RevCentClient`]: RevCent threads in the unified model.

use std::sync::Arc;

use aithreads_core::{
    CancelOutcome, Capabilities, Error, ListQuery, Message, Order, Page, ProviderKind, QueryFields,
    RawStatus, Result, Role, Status, Thread, ThreadProvider, ToolCall,
};
use async_trait::async_trait;
use futures::stream::{BoxStream, StreamExt};
use time::{Duration, OffsetDateTime};

use crate::client::RevCentClient;
use crate::error::PROVIDER;
use crate::generated::{self, AiThread, AiThreadStatus, MessageRole, StatusFilter};
use crate::input::{MAX_LIMIT, ThreadFilters};
use crate::windows::Cursor;

/// How long RevCent keeps AI threads: "stored for a maximum of 60 days since creation"
/// (GetAIThreads). A [`ListQuery`] without `since` starts this long before its end.
pub const RETENTION: Duration = Duration::days(60);

impl AiThreadStatus {
    /// The unified status: `Running` → running, `Timer` → pending, `Complete` → completed,
    /// `Cancelled` → cancelled, `Error` → failed, anything else → unknown.
    pub fn unified(&self) -> Status {
        match self {
            Self::Running => Status::Running,
            Self::Timer => Status::Pending,
            Self::Complete => Status::Completed,
            Self::Cancelled => Status::Cancelled,
            Self::Error => Status::Failed,
            Self::Unknown(_) => Status::Unknown,
        }
    }
}

impl AiThread {
    /// This thread in the unified model, with this record kept as [`Thread::record`].
    ///
    /// `user` is the web user's username for threads triggered from the web app;
    /// `assistant` is the AI assistant's name (or id); messages become [`Message`]s whose
    /// tool calls and tool results keep their structure (see [`Message::tool_calls`] and
    /// [`Message::tool_call_id`]).
    pub fn into_thread(self) -> Thread {
        let status = self
            .status
            .as_ref()
            .map_or(Status::Unknown, AiThreadStatus::unified);
        let raw = RawStatus::new(self.status.as_ref().map_or("", AiThreadStatus::as_str));
        let user = self
            .trigger
            .as_ref()
            .and_then(|t| t.web_user.as_ref())
            .and_then(|u| u.username.clone());
        let assistant = self
            .ai_assistant
            .as_ref()
            .and_then(|a| a.name.clone().or_else(|| a.id.clone()));
        let messages = self
            .messages
            .iter()
            .flatten()
            .map(unified_message)
            .collect();
        let (created, updated) = (self.created_date_unix, self.updated_date_unix);
        let id = self.id.clone().unwrap_or_default();
        Thread::new(PROVIDER, id, status, raw, self)
            .with_created_unix(created)
            .with_updated_unix(updated)
            .with_user(user)
            .with_assistant(assistant)
            .with_messages(messages)
    }
}

/// One RevCent message in the unified model. A message answering a tool call (it carries
/// `tool_call_id`; RevCent sends it with role `user`) becomes [`Role::Tool`] with that call
/// id; the tool calls an assistant message requests become [`ToolCall`]s (name and
/// arguments as sent).
fn unified_message(message: &generated::Message) -> Message {
    let role = match (&message.tool_call_id, &message.role) {
        (Some(_), _) => Role::Tool,
        (None, Some(MessageRole::User)) => Role::User,
        (None, Some(MessageRole::Assistant)) => Role::Assistant,
        (None, Some(MessageRole::System)) => Role::System,
        (None, Some(MessageRole::Unknown(other))) => Role::Other(other.clone()),
        (None, None) => Role::Other(String::new()),
    };
    let tool_calls = message
        .tool_calls
        .iter()
        .flatten()
        .map(|call| {
            ToolCall::new(
                call.id.clone(),
                call.function_name.clone().unwrap_or_default(),
                call.function_args.clone().unwrap_or_default(),
            )
        })
        .collect();
    Message::new(role, message.content.clone().unwrap_or_default())
        .with_created_at(
            message
                .created_date_unix
                .and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok()),
        )
        .with_tool_call_id(message.tool_call_id.clone())
        .with_tool_calls(tool_calls)
}

/// A [`ListQuery`] read for RevCent.
struct Plan {
    /// Where a page-by-page listing starts (or continues): the range, order and position.
    cursor: Cursor,
    filters: ThreadFilters,
    /// Unified statuses to keep when RevCent cannot filter them all (`Cancelled` has no
    /// `status_filter` value).
    keep: Option<Vec<Status>>,
}

impl Plan {
    /// Refuses what RevCent cannot do (a user filter, a bad limit, a range of too many
    /// windows), and fills in the range: `until` defaults to now (and is clamped to it),
    /// `since` to 60 days before `until`; the order defaults to newest first.
    fn new(client: &RevCentClient, query: &ListQuery) -> Result<Self> {
        if query.user.is_some() {
            return Err(Error::invalid_input(
                "RevCent cannot list threads by user; leave the user filter unset",
            ));
        }
        let limit = i64::from(query.limit.unwrap_or(MAX_LIMIT as u32));
        aithreads_core::validate::in_range("limit", limit, 1, MAX_LIMIT)?;
        let server: Option<Vec<StatusFilter>> =
            query.statuses.iter().map(|s| status_filter(*s)).collect();
        let (statuses, keep) = match server {
            Some(statuses) => (statuses, None),
            None => (Vec::new(), Some(query.statuses.clone())),
        };
        let order = query.order.unwrap_or_default();
        let filters = ThreadFilters::new()
            .with_ai_assistants(query.assistant.iter().cloned())
            .with_statuses(statuses)
            .with_limit(limit)
            .with_order(order);
        let cursor = match &query.cursor {
            Some(cursor) => Cursor::parse(cursor)?,
            None => {
                let until = query.until.unwrap_or_else(OffsetDateTime::now_utc);
                let since = query.since.unwrap_or(until - RETENTION);
                Cursor {
                    range: client.check_walk(&(since..=until), &filters)?,
                    newest_first: order == Order::Desc,
                    done: 0,
                }
            }
        };
        Ok(Self {
            cursor,
            filters,
            keep,
        })
    }

    fn keeps(&self, thread: &Thread) -> bool {
        self.keep
            .as_ref()
            .is_none_or(|keep| keep.contains(&thread.status))
    }
}

/// The `status_filter` value for a unified status, when RevCent has one.
fn status_filter(status: Status) -> Option<StatusFilter> {
    match status {
        Status::Running => Some(StatusFilter::Running),
        Status::Pending => Some(StatusFilter::Timer),
        Status::Completed => Some(StatusFilter::Complete),
        Status::Failed => Some(StatusFilter::Error),
        _ => None,
    }
}

/// RevCent in the unified model.
///
/// - `get_thread`: GetAIThread, messages included.
/// - `list_threads`: **one 2-day window per page**, complete: every GetAIThreads page of
///   the window is fetched and reconciled as in [`RevCentClient::ai_threads`], so a page
///   holds up to [`RevCentConfig::with_max_window_threads`](crate::RevCentConfig::with_max_window_threads)
///   threads, and `limit` (1 to 25, default 25) is the GetAIThreads page size used to fetch
///   it. The range is `[since, until]` (default: the 60 days up to now; an `until` in the
///   future is clamped to now; more windows than
///   [`RevCentConfig::with_max_windows`](crate::RevCentConfig::with_max_windows) allows are
///   refused). `order` desc (the default) lists the newest window first, its threads newest
///   first; asc the oldest window first, its threads in RevCent's order. Windows without
///   threads are skipped within one call. The cursor names the range, the order and the
///   windows done (a query with a cursor is not re-read for its range or order). Statuses
///   RevCent can filter (running, pending, completed, failed) are filtered by RevCent; a set
///   that includes any other status (cancelled) is filtered here instead. `assistant` is
///   RevCent's `ai_assistant_filter` (a 20-character AI assistant id). `user` is refused. [`Page::total`] is not known across windows and is `None`.
/// - `cancel_thread`: CancelAIThread; see [`RevCentClient::cancel_ai_thread`].
/// - `delete_thread`: RevCent cannot delete threads: the trait's default,
///   [`Error::Unsupported`].
/// - `threads`: the window walk of [`RevCentClient::ai_threads`] over the same range and
///   order (newest first by default).
/// - `pages`: the trait's default over `list_threads`: one window per page, each page's
///   `next` naming the window after it, so a walk restarted from it goes on where it stopped.
#[async_trait]
impl ThreadProvider for RevCentClient {
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
                    .with_assistant()
                    .with_order(Order::Asc)
                    .with_order(Order::Desc),
            )
            .with_cancel()
    }

    async fn get_thread(&self, id: &str) -> Result<Thread> {
        self.get_ai_thread(id).await.map(AiThread::into_thread)
    }

    async fn list_threads(&self, query: &ListQuery) -> Result<Page<Thread>> {
        let plan = Plan::new(self, query)?;
        let walker = self.walker(plan.filters.clone());
        let mut cursor = plan.cursor;
        loop {
            let window = cursor.window().ok_or_else(|| {
                Error::invalid_input("the RevCent list cursor is past the end of its range")
            })?;
            let items: Vec<Thread> = walker
                .window(window, cursor.newest_first)
                .await?
                .into_iter()
                .map(AiThread::into_thread)
                .filter(|t| plan.keeps(t))
                .collect();
            let next = cursor.next();
            match next {
                Some(next) if items.is_empty() => cursor = next,
                _ => return Ok(Page::new(items, next.map(|n| n.text()), None)),
            }
        }
    }

    async fn cancel_thread(&self, id: &str) -> Result<CancelOutcome> {
        self.cancel_ai_thread(id)
            .await
            .map(|response| response.outcome())
    }

    /// Every window is a unit a walk continues after (its cursor); oldest window first, its
    /// pages come as they arrive ([`Page::part`]), so memory stays bounded by a few pages
    /// whatever a window holds. Newest window first, a window is held to be sorted and comes
    /// as one page. (The trait's `threads` flattens these pages.)
    fn pages(self: Arc<Self>, query: ListQuery) -> BoxStream<'static, Result<Page<Thread>>> {
        let plan = match Plan::new(&self, &query) {
            Ok(plan) => plan,
            Err(error) => return futures::stream::iter([Err(error)]).boxed(),
        };
        let mut at = plan.cursor;
        self.walker(plan.filters.clone())
            .batches(plan.cursor)
            .map(move |batch| {
                let batch = batch?;
                let items: Vec<Thread> = batch
                    .threads
                    .into_iter()
                    .map(AiThread::into_thread)
                    .filter(|t| plan.keeps(t))
                    .collect();
                if !batch.window_done {
                    return Ok(Page::part(items));
                }
                let next = at.next();
                if let Some(next) = next {
                    at = next;
                }
                Ok(Page::new(items, next.map(|c| c.text()), None))
            })
            .boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generated::{ToolCall as WireToolCall, Trigger, WebUser};

    #[test]
    fn every_status_maps_as_designed() {
        for (raw, unified) in [
            ("Running", Status::Running),
            ("Timer", Status::Pending),
            ("Complete", Status::Completed),
            ("Cancelled", Status::Cancelled),
            ("Error", Status::Failed),
            ("Paused", Status::Unknown),
        ] {
            let thread = AiThread {
                id: Some("t".repeat(20)),
                status: Some(AiThreadStatus::from(raw)),
                ..AiThread::default()
            }
            .into_thread();
            assert_eq!(thread.status, unified, "{raw}");
            assert_eq!(thread.raw_status.value, raw);
        }
    }

    #[test]
    fn tool_calls_and_results_keep_their_structure() {
        let thread = AiThread {
            id: Some("t".repeat(20)),
            trigger: Some(Trigger {
                web_user: Some(WebUser {
                    username: Some("jdoe".into()),
                    ..WebUser::default()
                }),
                ..Trigger::default()
            }),
            messages: Some(vec![
                generated::Message {
                    role: Some(MessageRole::Assistant),
                    content: Some(String::new()),
                    tool_calls: Some(vec![WireToolCall {
                        id: Some("call_1".into()),
                        r#type: Some("function".into()),
                        function_name: Some("get_sale".into()),
                        function_args: Some(r#"{"sale_id":"x"}"#.into()),
                    }]),
                    created_date_unix: Some(1_700_000_000),
                    ..generated::Message::default()
                },
                generated::Message {
                    role: Some(MessageRole::User),
                    content: Some("{\"amount\":10}".into()),
                    tool_call_id: Some("call_1".into()),
                    ..generated::Message::default()
                },
            ]),
            ..AiThread::default()
        }
        .into_thread();
        assert_eq!(thread.user.as_deref(), Some("jdoe"));
        let call = &thread.messages[0];
        assert_eq!(call.role, Role::Assistant);
        assert_eq!(call.text, "");
        assert_eq!(
            call.tool_calls,
            vec![ToolCall::new(
                Some("call_1".into()),
                "get_sale",
                r#"{"sale_id":"x"}"#
            )]
        );
        assert_eq!(call.created_at.unwrap().unix_timestamp(), 1_700_000_000);
        let result = &thread.messages[1];
        assert_eq!(result.role, Role::Tool);
        assert_eq!(result.tool_call_id.as_deref(), Some("call_1"));
        assert_eq!(result.text, "{\"amount\":10}");
        assert!(result.tool_calls.is_empty());
        assert!(thread.record::<AiThread>().is_some());
    }

    #[test]
    fn queries_are_planned_or_refused() {
        let client = RevCentClient::new(
            crate::RevCentConfig::new()
                .with_api_key("k")
                .with_base_url("http://127.0.0.1:9/v2"),
        )
        .unwrap();
        let now = OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
        let plan = Plan::new(
            &client,
            &ListQuery::new()
                .with_range(now - Duration::days(3), now)
                .with_statuses([Status::Running, Status::Pending])
                .with_limit(5),
        )
        .unwrap();
        assert_eq!(plan.cursor.range.start, 1_700_000_000 - 3 * 86_400);
        assert_eq!(plan.cursor.range.end, 1_700_000_000);
        assert!(plan.cursor.newest_first, "newest first by default");
        assert_eq!(
            plan.filters.statuses,
            vec![StatusFilter::Running, StatusFilter::Timer]
        );
        assert_eq!(plan.filters.limit, Some(5));
        assert!(plan.keep.is_none());

        let mut query = ListQuery::new()
            .with_statuses([Status::Cancelled, Status::Failed])
            .with_order(Order::Asc);
        query.until = Some(now);
        let plan = Plan::new(&client, &query).unwrap();
        assert_eq!(plan.cursor.range.start, 1_700_000_000 - 60 * 86_400);
        assert!(!plan.cursor.newest_first);
        assert!(plan.filters.statuses.is_empty());
        assert_eq!(plan.keep, Some(vec![Status::Cancelled, Status::Failed]));

        for bad in [
            ListQuery::new().with_user("u"),
            ListQuery::new().with_limit(0),
            ListQuery::new().with_limit(26),
            ListQuery::new().with_cursor("nope"),
            ListQuery::new().with_range(now, now - Duration::SECOND),
            ListQuery::new().with_range(now - Duration::days(90), now),
        ] {
            let err = Plan::new(&client, &bad).err().unwrap();
            assert!(err.is_invalid_input(), "{bad:?}: {err}");
        }
    }
}
