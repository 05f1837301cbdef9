//! The unified thread model shared by every provider.

use std::any::Any;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};
use time::OffsetDateTime;

use crate::provider_kind::ProviderKind;
use crate::unknown_name::UnknownName;

/// The state of a thread, the same words for every provider.
///
/// | unified | RevCent | TRTC (Describe) | ChatKit |
/// |---|---|---|---|
/// | `Running` | `Running` | `InProgress` | `active` |
/// | `Pending` | `Timer` | `Idle`, `Preparing` | — |
/// | `Locked` | — | — | `locked` (reason) |
/// | `Completed` | `Complete` | `Stopped` | `closed` (reason) |
/// | `Cancelled` | `Cancelled` | — | — |
/// | `Failed` | `Error` | — | — |
///
/// A value a provider adds later maps to `Unknown`; [`Thread::raw_status`] always keeps the
/// provider's exact words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Status {
    /// Working now.
    Running,
    /// Waiting to run (a RevCent timer, a TRTC task being prepared).
    Pending,
    /// Exists but accepts no new input (ChatKit `locked`).
    Locked,
    /// Finished normally.
    Completed,
    /// Stopped by a cancel request.
    Cancelled,
    /// Ended with an error.
    Failed,
    /// A status this version of aithreads does not know.
    Unknown,
}

impl Status {
    /// Every status a thread can be asked for by (all but `Unknown`).
    pub const ALL: [Status; 6] = [
        Self::Running,
        Self::Pending,
        Self::Locked,
        Self::Completed,
        Self::Cancelled,
        Self::Failed,
    ];

    /// The snake_case name used in JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Pending => "pending",
            Self::Locked => "locked",
            Self::Completed => "completed",
            Self::Cancelled => "cancelled",
            Self::Failed => "failed",
            Self::Unknown => "unknown",
        }
    }

    /// Whether the thread can still do work (and so can be cancelled).
    pub fn is_active(self) -> bool {
        matches!(self, Self::Running | Self::Pending)
    }

    /// Whether the thread is over for good: completed, cancelled or failed. (`Locked` and
    /// `Unknown` are neither active nor ended.)
    pub fn has_ended(self) -> bool {
        matches!(self, Self::Completed | Self::Cancelled | Self::Failed)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Status {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, UnknownName> {
        match s {
            "running" => Ok(Self::Running),
            "pending" => Ok(Self::Pending),
            "locked" => Ok(Self::Locked),
            "completed" => Ok(Self::Completed),
            "cancelled" => Ok(Self::Cancelled),
            "failed" => Ok(Self::Failed),
            other => Err(UnknownName::new(
                "status",
                other,
                "running, pending, locked, completed, cancelled or failed",
            )),
        }
    }
}

/// The provider's own status words, exactly as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawStatus {
    /// The status value (`Timer`, `InProgress`, `locked`, ...).
    pub value: String,
    /// The reason the provider gave, if any (ChatKit `locked`/`closed` reasons).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl RawStatus {
    /// A raw status without a reason.
    pub fn new(value: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            reason: None,
        }
    }
}

/// Who wrote a message.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Role {
    /// The end user.
    User,
    /// The AI assistant.
    Assistant,
    /// System instructions.
    System,
    /// A tool call or its result.
    Tool,
    /// A role this version does not know; the provider's word is kept.
    Other(String),
}

/// One message of a thread's transcript, in a provider-independent form.
///
/// Tool use keeps its structure: an assistant message asking for tools lists them in
/// [`tool_calls`](Self::tool_calls), and a tool's answer has role [`Role::Tool`] with the
/// id of the call it answers in [`tool_call_id`](Self::tool_call_id). Build one with
/// [`Message::new`] and the `with_*` setters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Message {
    /// The provider's message or item id, where it has one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub id: Option<String>,
    /// Who wrote it.
    pub role: Role,
    /// The text, with non-text parts summarised.
    pub text: String,
    /// When it was written.
    #[serde(
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub created_at: Option<OffsetDateTime>,
    /// For a tool's answer ([`Role::Tool`]): the id of the call it answers.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub tool_call_id: Option<String>,
    /// The tools this message calls, in order (empty for most messages).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub tool_calls: Vec<ToolCall>,
}

impl Message {
    /// A message with a role and text; set the rest with the `with_*` methods.
    pub fn new(role: Role, text: impl Into<String>) -> Self {
        Self {
            id: None,
            role,
            text: text.into(),
            created_at: None,
            tool_call_id: None,
            tool_calls: Vec::new(),
        }
    }

    /// Sets the provider's message or item id.
    pub fn with_id(mut self, id: Option<String>) -> Self {
        self.id = id;
        self
    }

    /// Sets when it was written.
    pub fn with_created_at(mut self, created_at: Option<OffsetDateTime>) -> Self {
        self.created_at = created_at;
        self
    }

    /// Sets the id of the tool call this message answers.
    pub fn with_tool_call_id(mut self, tool_call_id: Option<String>) -> Self {
        self.tool_call_id = tool_call_id;
        self
    }

    /// Sets the tools this message calls.
    pub fn with_tool_calls(mut self, tool_calls: Vec<ToolCall>) -> Self {
        self.tool_calls = tool_calls;
        self
    }
}

/// A tool (function) call requested in a [`Message`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ToolCall {
    /// The call's id, which the tool's answer names in [`Message::tool_call_id`].
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub id: Option<String>,
    /// The tool's (function's) name.
    pub name: String,
    /// The arguments exactly as the provider sent them (usually JSON text).
    pub arguments: String,
}

impl ToolCall {
    /// A call of `name` with `arguments`.
    pub fn new(id: Option<String>, name: impl Into<String>, arguments: impl Into<String>) -> Self {
        Self {
            id,
            name: name.into(),
            arguments: arguments.into(),
        }
    }
}

impl Role {
    /// The role's name: `user`, `assistant`, `system`, `tool`, or the provider's own word.
    pub fn as_str(&self) -> &str {
        match self {
            Self::User => "user",
            Self::Assistant => "assistant",
            Self::System => "system",
            Self::Tool => "tool",
            Self::Other(word) => word,
        }
    }
}

/// The provider's complete, typed record of a thread, kept inside a [`Thread`].
///
/// Downcast with [`Thread::record`] to the provider crate's type.
pub trait ProviderRecord: erased_serde::Serialize + fmt::Debug + Send + Sync + 'static {
    /// The record as [`Any`], for downcasting.
    fn as_any(&self) -> &dyn Any;
}

impl<T> ProviderRecord for T
where
    T: Serialize + fmt::Debug + Send + Sync + 'static,
{
    fn as_any(&self) -> &dyn Any {
        self
    }
}

erased_serde::serialize_trait_object!(ProviderRecord);

/// A thread at any provider, in one shape.
///
/// Serialises to one JSON object per thread (the export format): first `ref`, the
/// [`ThreadRef`](crate::ThreadRef) text that names it (`revcent:<id>`, `chatkit:<id>`), so
/// every record can be piped back into a command that takes references; then the fields
/// below in order, times as RFC 3339, `messages` only when fetched, and the provider's full
/// record under `record`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Thread {
    /// Where the thread lives.
    pub provider: ProviderKind,
    /// The provider's id (RevCent thread id, TRTC TaskId, ChatKit thread id).
    pub id: String,
    /// The unified status.
    pub status: Status,
    /// The provider's exact status and reason.
    pub raw_status: RawStatus,
    /// When the thread was created.
    pub created_at: Option<OffsetDateTime>,
    /// When the thread last changed.
    pub updated_at: Option<OffsetDateTime>,
    /// The title, where the provider has one.
    pub title: Option<String>,
    /// The end user, where the provider names one.
    pub user: Option<String>,
    /// The assistant or agent running the thread, where known.
    pub assistant: Option<String>,
    /// The transcript, when the call that produced this thread fetched it.
    pub messages: Vec<Message>,
    /// The provider's full typed record.
    pub record: Arc<dyn ProviderRecord>,
}

impl Thread {
    /// A thread with the required facts; set the rest with the `with_*` methods.
    pub fn new(
        provider: ProviderKind,
        id: impl Into<String>,
        status: Status,
        raw_status: RawStatus,
        record: impl ProviderRecord,
    ) -> Self {
        Self {
            provider,
            id: id.into(),
            status,
            raw_status,
            created_at: None,
            updated_at: None,
            title: None,
            user: None,
            assistant: None,
            messages: Vec::new(),
            record: Arc::new(record),
        }
    }

    /// Sets the creation time from unix seconds; out-of-range values are dropped.
    pub fn with_created_unix(mut self, seconds: Option<i64>) -> Self {
        self.created_at = seconds.and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok());
        self
    }

    /// Sets the update time from unix seconds; out-of-range values are dropped.
    pub fn with_updated_unix(mut self, seconds: Option<i64>) -> Self {
        self.updated_at = seconds.and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok());
        self
    }

    /// Sets the title.
    pub fn with_title(mut self, title: Option<String>) -> Self {
        self.title = title;
        self
    }

    /// Sets the end user.
    pub fn with_user(mut self, user: Option<String>) -> Self {
        self.user = user;
        self
    }

    /// Sets the assistant.
    pub fn with_assistant(mut self, assistant: Option<String>) -> Self {
        self.assistant = assistant;
        self
    }

    /// Sets the transcript.
    pub fn with_messages(mut self, messages: Vec<Message>) -> Self {
        self.messages = messages;
        self
    }

    /// The provider's record as its concrete type, e.g. `thread.record::<AiThread>()`.
    pub fn record<T: 'static>(&self) -> Option<&T> {
        // Through the trait object: `Arc<dyn ProviderRecord>` is itself a `ProviderRecord`
        // (serde's `rc` feature makes it `Serialize`), and its own `as_any` would hide the record.
        (*self.record).as_any().downcast_ref::<T>()
    }
}

impl Serialize for Thread {
    /// Written by hand so that `ref` comes first and is derived from `provider` and `id`
    /// here, the one place every command and export serialises a thread.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let reference = format_args!("{}:{}", self.provider, self.id);
        self.serialize_with_ref(&reference).serialize(serializer)
    }
}

impl Thread {
    /// The thread serialised as usual but with `reference` as its `ref`: the reference it
    /// was asked for by, say, which may name a TRTC region (`trtc:ap-tokyo/<TaskId>`).
    pub fn serialize_with_ref<'a>(
        &'a self,
        reference: &'a dyn fmt::Display,
    ) -> impl Serialize + 'a {
        WithRef {
            thread: self,
            reference,
        }
    }
}

/// [`Thread::serialize_with_ref`].
struct WithRef<'a> {
    thread: &'a Thread,
    reference: &'a dyn fmt::Display,
}

impl Serialize for WithRef<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let thread = self.thread;
        let mut out = serializer.serialize_struct("Thread", 12)?;
        out.serialize_field("ref", &DisplayStr(self.reference))?;
        out.serialize_field("provider", &thread.provider)?;
        out.serialize_field("id", &thread.id)?;
        out.serialize_field("status", &thread.status)?;
        out.serialize_field("raw_status", &thread.raw_status)?;
        out.serialize_field("created_at", &Rfc3339(thread.created_at))?;
        out.serialize_field("updated_at", &Rfc3339(thread.updated_at))?;
        out.serialize_field("title", &thread.title)?;
        out.serialize_field("user", &thread.user)?;
        out.serialize_field("assistant", &thread.assistant)?;
        if thread.messages.is_empty() {
            out.skip_field("messages")?;
        } else {
            out.serialize_field("messages", &thread.messages)?;
        }
        out.serialize_field("record", &thread.record)?;
        out.end()
    }
}

/// Serialises as a string through `Display`, without an intermediate `String`.
struct DisplayStr<T>(T);

impl<T: fmt::Display> Serialize for DisplayStr<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

/// An optional time as RFC 3339, or `null`.
struct Rfc3339(Option<OffsetDateTime>);

impl Serialize for Rfc3339 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        time::serde::rfc3339::option::serialize(&self.0, serializer)
    }
}

/// The operations of the [`ThreadProvider`](crate::ThreadProvider) trait.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    /// `get_thread`.
    Get,
    /// `list_threads`.
    List,
    /// `cancel_thread`.
    Cancel,
    /// `delete_thread`.
    Delete,
}

impl Operation {
    /// The trait method's name.
    pub fn method_name(self) -> &'static str {
        match self {
            Self::Get => "get_thread",
            Self::List => "list_threads",
            Self::Cancel => "cancel_thread",
            Self::Delete => "delete_thread",
        }
    }
}

impl fmt::Display for Operation {
    /// The trait method's name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.method_name())
    }
}

/// Sort order of a listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Order {
    /// Oldest first.
    Asc,
    /// Newest first (ChatKit's default).
    #[default]
    Desc,
}

/// What to list. Every field is optional; providers use what they support and refuse what
/// contradicts their API with [`Error::InvalidInput`](crate::Error::InvalidInput).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListQuery {
    /// Only threads created at or after this time (RevCent `date_start`).
    pub since: Option<OffsetDateTime>,
    /// Only threads created at or before this time (RevCent `date_end`).
    pub until: Option<OffsetDateTime>,
    /// Only threads in one of these statuses (empty: all).
    pub statuses: Vec<Status>,
    /// Only threads of this end user (ChatKit `user`).
    pub user: Option<String>,
    /// Only threads run by this assistant (RevCent `ai_assistant_filter`).
    pub assistant: Option<String>,
    /// Page size; each provider documents its own bounds and default.
    pub limit: Option<u32>,
    /// Sort order, where the provider lets you choose (ChatKit).
    pub order: Option<Order>,
    /// Where to continue: the [`Page::next`] of the previous page.
    pub cursor: Option<String>,
}

impl ListQuery {
    /// An empty query: the provider's defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Threads created in `[since, until]`.
    pub fn with_range(mut self, since: OffsetDateTime, until: OffsetDateTime) -> Self {
        self.since = Some(since);
        self.until = Some(until);
        self
    }

    /// Only threads in these statuses.
    pub fn with_statuses(mut self, statuses: impl IntoIterator<Item = Status>) -> Self {
        self.statuses = statuses.into_iter().collect();
        self
    }

    /// Only threads of this end user.
    pub fn with_user(mut self, user: impl Into<String>) -> Self {
        self.user = Some(user.into());
        self
    }

    /// Only threads run by this assistant.
    pub fn with_assistant(mut self, assistant: impl Into<String>) -> Self {
        self.assistant = Some(assistant.into());
        self
    }

    /// Page size.
    pub fn with_limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Sort order.
    pub fn with_order(mut self, order: Order) -> Self {
        self.order = Some(order);
        self
    }

    /// Continue after a previous page.
    pub fn with_cursor(mut self, cursor: impl Into<String>) -> Self {
        self.cursor = Some(cursor.into());
        self
    }
}

/// One page of a listing.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// The cursor for the next page, `None` on the last page.
    pub next: Option<String>,
    /// The total number of items across all pages, when the provider says.
    pub total: Option<u64>,
    /// Whether the listing can be continued from [`next`](Self::next) (a place a resumable
    /// export may checkpoint). False for a part of a larger unit that is listed again whole
    /// when resumed, such as one GetAIThreads page of a RevCent window, whose reconciliation
    /// needs the whole window: such a part has no `next`, and the unit's last page does.
    pub resumable: bool,
}

impl<T> Page<T> {
    /// A page of items, continued from `next`.
    pub fn new(items: Vec<T>, next: Option<String>, total: Option<u64>) -> Self {
        Self {
            items,
            next,
            total,
            resumable: true,
        }
    }

    /// A part of a unit that a listing can only be continued after (see
    /// [`resumable`](Self::resumable)): its items can be used at once, without holding the
    /// whole unit.
    pub fn part(items: Vec<T>) -> Self {
        Self {
            items,
            next: None,
            total: None,
            resumable: false,
        }
    }
}

/// What a cancel (RevCent) or stop (TRTC) request achieved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CancelOutcome {
    /// This request cancelled the thread.
    Cancelled,
    /// The thread had already ended by the time the request was answered, for example when a
    /// retry follows an attempt that landed but whose answer was lost.
    AlreadyEnded,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Serialize)]
    struct Record {
        n: u32,
    }

    #[test]
    fn a_thread_serialises_with_its_ref_first() {
        let thread = Thread::new(
            ProviderKind::OpenAiChatKit,
            "cthr_1",
            Status::Running,
            RawStatus::new("active"),
            Record { n: 7 },
        )
        .with_created_unix(Some(1_700_000_000));
        let text = serde_json::to_string(&thread).unwrap();
        assert!(text.starts_with(r#"{"ref":"chatkit:cthr_1","provider":"chatkit","id":"cthr_1""#));
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["created_at"], "2023-11-14T22:13:20Z");
        assert_eq!(value["updated_at"], serde_json::Value::Null);
        assert_eq!(value["record"]["n"], 7);
        assert!(
            value.get("messages").is_none(),
            "no transcript fetched: {value}"
        );
        let with_messages = thread
            .clone()
            .with_messages(vec![Message::new(Role::User, "hi")]);
        let value = serde_json::to_value(&with_messages).unwrap();
        assert_eq!(value["messages"][0]["text"], "hi");
        let regional =
            serde_json::to_string(&thread.serialize_with_ref(&"trtc:ap-tokyo/t")).unwrap();
        assert!(regional.starts_with(r#"{"ref":"trtc:ap-tokyo/t","provider":"chatkit""#));
    }

    #[test]
    fn the_record_downcasts_to_its_type() {
        let thread = Thread::new(
            ProviderKind::TencentTrtc,
            "t",
            Status::Running,
            RawStatus::new("InProgress"),
            Record { n: 7 },
        );
        assert_eq!(thread.record::<Record>().map(|r| r.n), Some(7));
        assert!(thread.record::<String>().is_none());
    }
}
