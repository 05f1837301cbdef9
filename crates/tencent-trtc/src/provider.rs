//! [`ThreadProvider`] for TRTC: a thread is an AI conversation task, named by its TaskId.
//!
//! | trait method | TRTC action |
//! |---|---|
//! | `get_thread` | `DescribeAIConversation` by `TaskId` |
//! | `cancel_thread` | `StopAIConversation` |
//! | `list_threads`, `delete_thread` | none: the API has no listing and no deletion, so the trait's default, `Unsupported` |

use async_trait::async_trait;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use aithreads_core::{
    CancelOutcome, Capabilities, ProviderKind, RawStatus, Result, Status, Thread, ThreadProvider,
};

use crate::client::TrtcClient;
use crate::generated::{
    DescribeAIConversationRequest, DescribeAIConversationResponse, StopAIConversationRequest,
    TaskStatus,
};
use crate::input;

/// The unified status of a Describe `Status` (the table on [`Status`]).
pub fn unified_status(status: &TaskStatus) -> Status {
    match status {
        TaskStatus::InProgress => Status::Running,
        TaskStatus::Idle | TaskStatus::Preparing => Status::Pending,
        TaskStatus::Stopped => Status::Completed,
        TaskStatus::Unknown(_) => Status::Unknown,
    }
}

/// A [`Thread`] from a Describe answer; the answer is kept whole as the record
/// (`thread.record::<DescribeAIConversationResponse>()`).
pub fn thread_from_describe(task_id: &str, answer: DescribeAIConversationResponse) -> Thread {
    let (status, raw) = match &answer.status {
        Some(status) => (unified_status(status), RawStatus::new(status.as_str())),
        None => (Status::Unknown, RawStatus::new("")),
    };
    // StartTime's format is not documented (the doc example says "abc"): RFC 3339 is read,
    // anything else stays only in the record.
    let created = answer
        .start_time
        .as_deref()
        .and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok());
    let id = answer.task_id.clone().unwrap_or_else(|| task_id.to_owned());
    let mut thread = Thread::new(ProviderKind::TencentTrtc, id, status, raw, answer);
    thread.created_at = created;
    thread
}

#[async_trait]
impl ThreadProvider for TrtcClient {
    fn kind(&self) -> ProviderKind {
        ProviderKind::TencentTrtc
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities::NONE.with_get().with_cancel()
    }

    async fn get_thread(&self, id: &str) -> Result<Thread> {
        input::task_id(id)?;
        let answer = self
            .describe_ai_conversation(&DescribeAIConversationRequest {
                task_id: Some(id.to_owned()),
                ..DescribeAIConversationRequest::default()
            })
            .await?;
        Ok(thread_from_describe(id, answer))
    }

    async fn cancel_thread(&self, id: &str) -> Result<CancelOutcome> {
        input::task_id(id)?;
        let stopped = self
            .stop_ai_conversation(&StopAIConversationRequest {
                task_id: id.to_owned(),
            })
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
            let answer: DescribeAIConversationResponse = serde_json::from_value(
                serde_json::json!({"Status": raw, "StartTime": "2025-02-24T08:00:00Z", "RequestId": "r"}),
            )
            .unwrap();
            let thread = thread_from_describe("t-1", answer);
            assert_eq!(thread.status, unified, "{raw}");
            assert_eq!(thread.raw_status.value, raw);
            assert_eq!(thread.id, "t-1");
            assert_eq!(
                thread.created_at.map(|t| t.unix_timestamp()),
                Some(1_740_384_000)
            );
            assert_eq!(
                thread
                    .record::<DescribeAIConversationResponse>()
                    .and_then(|r| r.status.as_ref())
                    .map(|s| s.as_str()),
                Some(raw)
            );
        }
    }

    #[test]
    fn the_documented_placeholder_answer_still_makes_a_thread() {
        // DescribeAIConversation's example output in the docs.
        let answer: DescribeAIConversationResponse =
            serde_json::from_str(r#"{"StartTime": "abc", "Status": "abc", "RequestId": "abc"}"#)
                .unwrap();
        let thread = thread_from_describe("t-2", answer);
        assert_eq!(thread.status, Status::Unknown);
        assert_eq!(thread.raw_status.value, "abc");
        assert_eq!(thread.created_at, None);
    }
}
