//! ChatKit's response decoders (thread, thread list, item list, session, delete, and OpenAI's
//! error envelope) on any answer, then the unified model and transcript built from what
//! decoded: never a panic; an error names ChatKit and keeps a short excerpt; a success comes
//! from a 2xx answer, except a retried delete answered 404.

use crate::shaping::{Vocabulary, check_error, response};
use aithreads_core::ProviderKind;
use aithreads_openai_chatkit::ThreadRecord;
use aithreads_openai_chatkit::decoders::{
    decode_delete, decode_item_list, decode_session, decode_thread, decode_thread_list,
};
use arbitrary::Unstructured;

const THREAD: &str = r#"{"id": "cthr_def456", "object": "chatkit.thread", "created_at": 1712345600, "title": "Demo feedback", "status": {"type": "active"}, "user": "user_456"}"#;

const VOCABULARY: Vocabulary = Vocabulary {
    examples: &[
        THREAD,
        include_str!("../../crates/openai-chatkit/tests/fixtures/thread_list.json"),
        include_str!("../../crates/openai-chatkit/tests/fixtures/thread_items.json"),
        r#"{"id": "cksess_123", "object": "chatkit.session", "client_secret": "ek_token_123", "expires_at": 1712349876, "workflow": {"id": "workflow_alpha", "version": "2024-10-01"}, "user": "user_789", "rate_limits": {"max_requests_per_1_minute": 60}, "max_requests_per_1_minute": 60, "status": "cancelled", "chatkit_configuration": {"automatic_thread_titling": {"enabled": true}, "file_upload": {"enabled": true, "max_file_size": 16, "max_files": 20}, "history": {"enabled": true, "recent_threads": 10}}}"#,
        r#"{"id": "cthr_abc123", "object": "chatkit.thread.deleted", "deleted": true}"#,
        r#"{"error": {"message": "Invalid 'limit'", "type": "invalid_request_error", "param": "limit", "code": "integer_above_max_value"}}"#,
    ],
    keys: &[
        "anchor",
        "annotations",
        "arguments",
        "attachments",
        "automatic_thread_titling",
        "call_id",
        "chatkit_configuration",
        "client_secret",
        "code",
        "content",
        "created_at",
        "data",
        "deleted",
        "enabled",
        "error",
        "expires_after",
        "expires_at",
        "file_upload",
        "filename",
        "first_id",
        "has_more",
        "heading",
        "history",
        "id",
        "inference_options",
        "last_id",
        "max_file_size",
        "max_files",
        "max_requests_per_1_minute",
        "message",
        "mime_type",
        "model",
        "name",
        "object",
        "output",
        "param",
        "preview_url",
        "rate_limits",
        "reason",
        "recent_threads",
        "seconds",
        "source",
        "state_variables",
        "status",
        "summary",
        "task_type",
        "tasks",
        "text",
        "thread_id",
        "title",
        "tool_choice",
        "tracing",
        "type",
        "url",
        "user",
        "version",
        "widget",
        "workflow",
    ],
    strings: &[
        "active",
        "locked",
        "closed",
        "chatkit.thread",
        "chatkit.thread_item",
        "chatkit.user_message",
        "chatkit.assistant_message",
        "chatkit.widget",
        "chatkit.client_tool_call",
        "chatkit.task",
        "chatkit.task_group",
        "input_text",
        "quoted_text",
        "output_text",
        "image",
        "file",
        "url",
        "custom",
        "thought",
        "in_progress",
        "completed",
        "cancelled",
        "expired",
        "list",
        "chatkit.session",
        "chatkit.thread.deleted",
        "created_at",
        "server_error",
    ],
};

/// Runs the target on one input; panics on a finding.
pub fn check(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let Ok(which) = u.int_in_range(0..=4u8) else {
        return;
    };
    let Ok(response) = response(&mut u, &VOCABULARY) else {
        return;
    };
    let (status, attempt) = (response.status, response.attempt);
    let ok = match which {
        0 => decode_thread(response).map(|thread| drop(ThreadRecord::from(thread).into_thread())),
        1 => decode_thread_list(response).map(|list| {
            list.data
                .into_iter()
                .for_each(|t| drop(ThreadRecord::from(t).into_thread()));
        }),
        2 => decode_item_list(response).map(|items| {
            let thread = serde_json::from_str(THREAD).expect("the example thread decodes");
            let record = ThreadRecord {
                thread,
                items: Some(items.data),
            };
            drop(record.into_thread());
        }),
        3 => decode_session(response).map(drop),
        _ => decode_delete("cthr_abc123", response).map(drop),
    };
    match ok {
        Ok(()) => assert!(
            status.is_success() || (which == 4 && attempt > 1 && status.as_u16() == 404),
            "{status} accepted"
        ),
        Err(error) => check_error(&error, ProviderKind::OpenAiChatKit),
    }
}
