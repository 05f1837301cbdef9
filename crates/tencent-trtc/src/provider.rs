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

impl DescribeAiConversationResponse {
    /// This answer as a [`Thread`], kept whole as the record
    /// (`thread.record::<DescribeAiConversationResponse>()`).
    ///
    /// The thread's id is the answer's `TaskId`, or `task_id` (the one asked about) when the
    /// answer leaves it out.
    pub fn into_thread(self, task_id: &str) -> Thread {
        let (status, raw) = match &self.status {
            Some(status) => (status.unified(), RawStatus::new(status.as_str())),
            None => (Status::Unknown, RawStatus::new("")),
        };
        // StartTime's format is not documented (the doc example says "abc"): RFC 3339 is
        // read, anything else stays only in the record.
        let created = self
            .start_time
            .as_deref()
            .and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok());
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
            .stop_ai_conversation(&StopAiConversationRequest {
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
