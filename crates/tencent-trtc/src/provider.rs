//! [`ThreadProvider`] for TRTC: a thread is an AI conversation task, named by its TaskId.
//!
//! | trait method | TRTC action |
//! |---|---|
//! | `get_thread` | `DescribeAIConversation` by `TaskId` |
//! | `cancel_thread` | `StopAIConversation` |
//! | `list_threads`, `delete_thread` | none: the API has no listing and no deletion, so the trait's default, `Unsupported` |

use async_trait::async_trait;
use time::format_description::well_known::Rfc3339;
use time::macros::{format_description, offset};
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

use aithreads_core::{
    CancelOutcome, Capabilities, ProviderKind, RawStatus, Result, Status, Thread, ThreadProvider,
};

use crate::client::TrtcClient;
use crate::error::PROVIDER;
use crate::generated::{
    DescribeAiConversationRequest, DescribeAiConversationResponse, StopAiConversationRequest,
    TaskStatus,
};
use crate::input;

impl TaskStatus {
    /// The unified status (the table on [`Status`]): `InProgress` → running, `Idle` and
    /// `Preparing` → pending, `Stopped` → completed, anything else → unknown.
    pub fn unified(&self) -> Status {
        match self {
            Self::InProgress => Status::Running,
            Self::Idle | Self::Preparing => Status::Pending,
            Self::Stopped => Status::Completed,
            Self::Unknown(_) => Status::Unknown,
        }
    }
}

/// The offset assumed for a `StartTime` written `YYYY-MM-DD HH:MM:SS`, which names none:
/// UTC+8, China Standard Time.
///
/// Why: the DescribeAIConversation pages document StartTime only as "task start time" (their
/// example says `"abc"`). Tencent Cloud APIs write such times in Beijing time: TRTC's own
/// models (tencentcloud-sdk-python-trtc 3.1.177, `trtc/v20190722/models.py`) use
/// `YYYY-MM-DD HH:mm:ss` for times and name 东八区 (UTC+8) as the default time zone where
/// one is stated (`WaterMarkTimestamp.TimeZone`). A time with an offset (RFC 3339) is read
/// as written; the raw text always stays in the record.
pub const START_TIME_OFFSET: UtcOffset = offset!(+8);

/// Reads a `StartTime`: RFC 3339 (`2025-02-24T08:00:00Z`, `…+08:00`), or Tencent's usual
/// `YYYY-MM-DD HH:MM:SS` at [`START_TIME_OFFSET`]; the result is in UTC, like every time of
/// the unified model. `None` for anything else (the documentation's example is `"abc"`): an
/// unreadable time never fails a call.
pub fn parse_start_time(text: &str) -> Option<OffsetDateTime> {
    let text = text.trim();
    let time = OffsetDateTime::parse(text, &Rfc3339).ok().or_else(|| {
        PrimitiveDateTime::parse(
            text,
            format_description!("[year]-[month]-[day] [hour]:[minute]:[second]"),
        )
        .ok()
        .map(|local| local.assume_offset(START_TIME_OFFSET))
    })?;
    Some(time.to_offset(UtcOffset::UTC))
}

impl DescribeAiConversationResponse {
    /// When the task started, read from `StartTime` by [`parse_start_time`]; `None` when
    /// absent or unreadable (the text stays in `start_time`).
    pub fn started_at(&self) -> Option<OffsetDateTime> {
        self.start_time.as_deref().and_then(parse_start_time)
    }

    /// This answer as a [`Thread`], kept whole as the record
    /// (`thread.record::<DescribeAiConversationResponse>()`); the thread's `created_at` is
    /// [`started_at`](Self::started_at).
    ///
    /// The thread's id is the answer's `TaskId`, or `task_id` (the one asked about) when the
    /// answer leaves it out.
    pub fn into_thread(self, task_id: &str) -> Thread {
        let (status, raw) = match &self.status {
            Some(status) => (status.unified(), RawStatus::new(status.as_str())),
            None => (Status::Unknown, RawStatus::new("")),
        };
        let created = self.started_at();
        let id = self.task_id.clone().unwrap_or_else(|| task_id.to_owned());
        let mut thread = Thread::new(PROVIDER, id, status, raw, self);
        thread.created_at = created;
        thread
    }
}

/// TRTC in the unified model.
///
/// | trait method | TRTC action |
/// |---|---|
/// | `get_thread` | DescribeAIConversation by `TaskId` ([`DescribeAiConversationResponse::into_thread`]) |
/// | `cancel_thread` | StopAIConversation; see [`TrtcClient::stop_ai_conversation`] |
/// | `list_threads`, `delete_thread` | none: the API has no listing and no deletion, so [`Error::Unsupported`](aithreads_core::Error::Unsupported) |
#[async_trait]
impl ThreadProvider for TrtcClient {
    fn kind(&self) -> ProviderKind {
        PROVIDER
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities::NONE.with_get().with_cancel()
    }

    async fn get_thread(&self, id: &str) -> Result<Thread> {
        input::check_thread_id(id)?;
        let answer = self
            .describe_ai_conversation(&DescribeAiConversationRequest {
                task_id: Some(id.to_owned()),
                ..DescribeAiConversationRequest::default()
            })
            .await?;
        Ok(answer.into_thread(id))
    }

    async fn cancel_thread(&self, id: &str) -> Result<CancelOutcome> {
        input::check_thread_id(id)?;
        let stopped = self
            .stop_ai_conversation(&StopAiConversationRequest::new(id))
            .await?;
        Ok(stopped.outcome)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_as_the_core_table_says() {
        for (raw, unified) in [
            ("InProgress", Status::Running),
            ("Idle", Status::Pending),
            ("Preparing", Status::Pending),
            ("Stopped", Status::Completed),
            ("Paused", Status::Unknown),
        ] {
            let answer: DescribeAiConversationResponse = serde_json::from_value(
                serde_json::json!({"Status": raw, "StartTime": "2025-02-24T08:00:00Z", "RequestId": "r"}),
            )
            .unwrap();
            let thread = answer.into_thread("t-1");
            assert_eq!(thread.status, unified, "{raw}");
            assert_eq!(thread.raw_status.value, raw);
            assert_eq!(thread.id, "t-1");
            assert_eq!(
                thread.created_at.map(|t| t.unix_timestamp()),
                Some(1_740_384_000)
            );
            assert_eq!(
                thread
                    .record::<DescribeAiConversationResponse>()
                    .and_then(|r| r.status.as_ref())
                    .map(|s| s.as_str()),
                Some(raw)
            );
        }
    }

    #[test]
    fn start_times_are_read_in_both_forms_and_kept_raw() {
        for (text, unix) in [
            ("2025-02-24T08:00:00Z", Some(1_740_384_000)),
            ("2025-02-24T16:00:00+08:00", Some(1_740_384_000)),
            // Beijing time: 16:00 at UTC+8 is 08:00 UTC.
            ("2025-02-24 16:00:00", Some(1_740_384_000)),
            (" 2025-02-24 16:00:00 ", Some(1_740_384_000)),
            ("2025-02-24", None),
            ("1740384000", None),
            ("abc", None),
            ("", None),
        ] {
            assert_eq!(
                parse_start_time(text).map(|t| t.unix_timestamp()),
                unix,
                "{text:?}"
            );
            assert!(parse_start_time(text).is_none_or(|t| t.offset() == UtcOffset::UTC));
            let answer: DescribeAiConversationResponse = serde_json::from_value(
                serde_json::json!({"StartTime": text, "Status": "InProgress", "RequestId": "r"}),
            )
            .unwrap();
            let thread = answer.into_thread("t");
            assert_eq!(thread.created_at.map(|t| t.unix_timestamp()), unix);
            let record = thread.record::<DescribeAiConversationResponse>().unwrap();
            assert_eq!(
                record.start_time.as_deref(),
                Some(text),
                "the raw text stays"
            );
        }
    }

    #[test]
    fn the_documented_placeholder_answer_still_makes_a_thread() {
        // DescribeAIConversation's example output in the docs.
        let answer: DescribeAiConversationResponse =
            serde_json::from_str(r#"{"StartTime": "abc", "Status": "abc", "RequestId": "abc"}"#)
                .unwrap();
        let thread = answer.into_thread("t-2");
        assert_eq!(thread.status, Status::Unknown);
        assert_eq!(thread.raw_status.value, "abc");
        assert_eq!(thread.created_at, None);
    }
}
