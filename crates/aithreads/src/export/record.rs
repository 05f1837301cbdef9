//! The export schema: one [`ExportRecord`] per thread, the same for every provider and
//! every format (NDJSON lines, Parquet rows).

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::{Message, Thread};

/// The JSON Schema every NDJSON export line follows (this crate's
/// `schemas/export.schema.json`).
pub const EXPORT_JSON_SCHEMA: &str = include_str!("../../schemas/export.schema.json");

/// One exported thread.
///
/// | field | type | notes |
/// |---|---|---|
/// | `ref` | string | the thread's reference (`revcent:<id>`, `chatkit:<id>`, …) |
/// | `provider` | string | `revcent`, `trtc` or `chatkit` |
/// | `id` | string | the provider's id |
/// | `status` | string | the unified status (`running`, `completed`, …) |
/// | `raw_status` | string | the provider's own status word |
/// | `status_reason` | string or null | the reason the provider gave, if any |
/// | `created_at`, `updated_at` | UTC timestamp or null | RFC 3339 in NDJSON |
/// | `title`, `user`, `assistant` | string or null | where the provider knows them |
/// | `messages` | list of messages | empty unless the export fetched transcripts |
/// | `record` | the provider's record, or null | only when asked for (`raw`): a JSON object in NDJSON, JSON text in Parquet |
///
/// A message has `id`, `role` (`user`, `assistant`, `system`, `tool` or the provider's
/// word), `text`, `created_at`, `tool_call_id` (for a tool's answer) and `tool_calls`
/// (a list of `id`, `name`, `arguments`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ExportRecord {
    /// The thread's reference.
    #[serde(rename = "ref")]
    pub reference: String,
    /// The provider's short name.
    pub provider: String,
    /// The provider's id.
    pub id: String,
    /// The unified status.
    pub status: String,
    /// The provider's status word.
    pub raw_status: String,
    /// The provider's reason for the status.
    pub status_reason: Option<String>,
    /// When the thread was created.
    #[serde(with = "time::serde::rfc3339::option")]
    pub created_at: Option<OffsetDateTime>,
    /// When the thread last changed.
    #[serde(with = "time::serde::rfc3339::option")]
    pub updated_at: Option<OffsetDateTime>,
    /// The title.
    pub title: Option<String>,
    /// The end user.
    pub user: Option<String>,
    /// The assistant.
    pub assistant: Option<String>,
    /// The transcript.
    pub messages: Vec<ExportMessage>,
    /// The provider's record, when exported with `raw`.
    pub record: Option<serde_json::Value>,
}

/// One message of an [`ExportRecord`].
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ExportMessage {
    /// The provider's message or item id.
    pub id: Option<String>,
    /// Who wrote it.
    pub role: String,
    /// The text.
    pub text: String,
    /// When it was written.
    #[serde(with = "time::serde::rfc3339::option")]
    pub created_at: Option<OffsetDateTime>,
    /// For a tool's answer: the call it answers.
    pub tool_call_id: Option<String>,
    /// The tools this message calls.
    pub tool_calls: Vec<ExportToolCall>,
}

/// One tool call of an [`ExportMessage`].
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ExportToolCall {
    /// The call's id.
    pub id: Option<String>,
    /// The tool's name.
    pub name: String,
    /// The arguments as sent (usually JSON text).
    pub arguments: String,
}

impl ExportRecord {
    /// The record of `thread`; its provider record is kept only when `raw` is set.
    pub fn new(thread: &Thread, raw: bool) -> serde_json::Result<Self> {
        let record = if raw {
            Some(serde_json::to_value(&thread.record)?)
        } else {
            None
        };
        Ok(Self {
            reference: format!("{}:{}", thread.provider, thread.id),
            provider: thread.provider.as_str().to_owned(),
            id: thread.id.clone(),
            status: thread.status.as_str().to_owned(),
            raw_status: thread.raw_status.value.clone(),
            status_reason: thread.raw_status.reason.clone(),
            created_at: thread.created_at,
            updated_at: thread.updated_at,
            title: thread.title.clone(),
            user: thread.user.clone(),
            assistant: thread.assistant.clone(),
            messages: thread.messages.iter().map(ExportMessage::new).collect(),
            record,
        })
    }

    /// The UTC day the thread was created (`YYYY-MM-DD`), the partition it goes to;
    /// `unknown` when the provider gave no time.
    pub fn date(&self) -> String {
        self.created_at.map_or_else(
            || "unknown".to_owned(),
            |t| t.to_offset(time::UtcOffset::UTC).date().to_string(),
        )
    }
}

impl ExportMessage {
    fn new(message: &Message) -> Self {
        Self {
            id: message.id.clone(),
            role: message.role.as_str().to_owned(),
            text: message.text.clone(),
            created_at: message.created_at,
            tool_call_id: message.tool_call_id.clone(),
            tool_calls: message
                .tool_calls
                .iter()
                .map(|call| ExportToolCall {
                    id: call.id.clone(),
                    name: call.name.clone(),
                    arguments: call.arguments.clone(),
                })
                .collect(),
        }
    }
}
