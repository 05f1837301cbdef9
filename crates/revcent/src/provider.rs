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
use crate::windows::Position;

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
    start: Position,
    filters: ThreadFilters,
    /// Unified statuses to keep when RevCent cannot filter them all (`Cancelled` has no
    /// `status_filter` value).
    keep: Option<Vec<Status>>,
}

impl Plan {
    /// Refuses what RevCent cannot do (a user filter, newest-first order, a bad limit), and
    /// fills in the range: `until` defaults to now, `since` to 60 days before `until`.
    fn new(query: &ListQuery) -> Result<Self> {
        if query.user.is_some() {
            return Err(Error::invalid_input(
                "RevCent cannot list threads by user; leave the user filter unset",
            ));
        }
        if query.order == Some(Order::Desc) {
            return Err(Error::invalid_input(
                "RevCent lists threads oldest window first; order desc is not supported",
            ));
        }
        let limit = i64::from(query.limit.unwrap_or(MAX_LIMIT as u32));
        aithreads_core::validate::in_range("limit", limit, 1, MAX_LIMIT)?;
        let start = match &query.cursor {
            Some(cursor) => Position::parse_cursor(cursor)?,
            None => {
                let until = query.until.unwrap_or_else(OffsetDateTime::now_utc);
                let since = query.since.unwrap_or(until - RETENTION);
                Position::first(since.unix_timestamp(), until.unix_timestamp())?
            }
        };
        let server: Option<Vec<StatusFilter>> =
            query.statuses.iter().map(|s| status_filter(*s)).collect();
        let (statuses, keep) = match server {
            Some(statuses) => (statuses, None),
            None => (Vec::new(), Some(query.statuses.clone())),
        };
        Ok(Self {
            start,
            filters: ThreadFilters::new()
                .with_statuses(statuses)
                .with_limit(limit),
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
/// - `list_threads`: one page of GetAIThreads. The range is `[since, until]` (default: the
///   60 days up to now), walked in 2-day windows oldest first; the cursor names the window,
///   the page and the end of the range (a query with a cursor is not re-read for its range),
///   and windows without threads are skipped within one call. `limit` is 1 to 25
///   (default 25). Statuses RevCent can filter (running, pending, completed, failed) are
///   filtered by RevCent; a set that includes any other status (cancelled) is filtered here
///   instead, so such pages may hold fewer items. `user` and `order: desc` are refused.
///   [`Page::total`] is not known across windows and is `None`.
/// - `cancel_thread`: CancelAIThread; see [`RevCentClient::cancel_ai_thread`].
/// - `delete_thread`: RevCent cannot delete threads: the trait's default,
///   [`Error::Unsupported`].
/// - `threads`: the concurrent window walk of [`RevCentClient::ai_threads`].
/// - `pages`: the same walk page by page, each page's `next` naming the page after it
///   (which may be in a later window), so a walk restarted from it goes on where it stopped.
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
                    .with_order(Order::Asc),
            )
            .with_cancel()
    }

    async fn get_thread(&self, id: &str) -> Result<Thread> {
        self.get_ai_thread(id).await.map(AiThread::into_thread)
    }

    async fn list_threads(&self, query: &ListQuery) -> Result<Page<Thread>> {
        let plan = Plan::new(query)?;
        let mut position = plan.start;
        loop {
            let list = self.get_ai_threads(&position.params(&plan.filters)).await?;
            let next = position.next(list.total_pages.unwrap_or(0));
            let results = list.results.unwrap_or_default();
            match next {
                Some(next) if results.is_empty() => position = next,
                _ => {
                    let items = results
                        .into_iter()
                        .map(AiThread::into_thread)
                        .filter(|t| plan.keeps(t))
                        .collect();
                    return Ok(Page::new(items, next.map(|n| n.cursor()), None));
                }
            }
        }
    }

    async fn cancel_thread(&self, id: &str) -> Result<CancelOutcome> {
        self.cancel_ai_thread(id)
            .await
            .map(|response| response.outcome())
    }

    fn threads(self: Arc<Self>, query: ListQuery) -> BoxStream<'static, Result<Thread>> {
        let plan = match Plan::new(&query) {
            Ok(plan) => Arc::new(plan),
            Err(error) => return futures::stream::iter([Err(error)]).boxed(),
        };
        self.walk(plan.start, plan.filters.clone())
            .map(|thread| thread.map(AiThread::into_thread))
            .filter(move |thread| {
                let keep = thread.as_ref().map_or(true, |t| plan.keeps(t));
                futures::future::ready(keep)
            })
            .boxed()
    }

    fn pages(self: Arc<Self>, query: ListQuery) -> BoxStream<'static, Result<Page<Thread>>> {
        let plan = match Plan::new(&query) {
            Ok(plan) => plan,
            Err(error) => return futures::stream::iter([Err(error)]).boxed(),
        };
        self.walk_pages(plan.start, plan.filters.clone())
            .map(move |page| {
                let (position, list) = page?;
                let next = position.next(list.total_pages.unwrap_or(0));
                let items = list
                    .results
                    .unwrap_or_default()
                    .into_iter()
                    .map(AiThread::into_thread)
                    .filter(|t| plan.keeps(t))
                    .collect();
                Ok(Page::new(items, next.map(|n| n.cursor()), None))
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
        let now = OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
        let plan = Plan::new(
            &ListQuery::new()
                .with_range(now - Duration::days(3), now)
                .with_statuses([Status::Running, Status::Pending])
                .with_limit(5),
        )
        .unwrap();
        assert_eq!(plan.start.window_start, 1_700_000_000 - 3 * 86_400);
        assert_eq!(plan.start.range_end, 1_700_000_000);
        assert_eq!(
            plan.filters.statuses,
            vec![StatusFilter::Running, StatusFilter::Timer]
        );
        assert_eq!(plan.filters.limit, Some(5));
        assert!(plan.keep.is_none());

        let mut query = ListQuery::new().with_statuses([Status::Cancelled, Status::Failed]);
        query.until = Some(now);
        let plan = Plan::new(&query).unwrap();
        assert_eq!(plan.start.window_start, 1_700_000_000 - 60 * 86_400);
        assert!(plan.filters.statuses.is_empty());
        assert_eq!(plan.keep, Some(vec![Status::Cancelled, Status::Failed]));

        for bad in [
            ListQuery::new().with_user("u"),
            ListQuery::new().with_order(Order::Desc),
            ListQuery::new().with_limit(0),
            ListQuery::new().with_limit(26),
            ListQuery::new().with_cursor("nope"),
            ListQuery::new().with_range(now, now - Duration::SECOND),
        ] {
            assert!(Plan::new(&bad).err().unwrap().is_invalid_input(), "{bad:?}");
        }
    }
}
