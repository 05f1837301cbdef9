//! RevCent's response decoders (GetAIThread, GetAIThreads, CancelAIThread, and the
//! TriggerAIAssistant, and the `APIStandardErrors` envelope each of them reads) on any answer: never a panic; an error
//! names RevCent and keeps a short excerpt; a success comes only from a 2xx answer with
//! `code: 1` and what the operation promises (the thread asked for, a list with its counts
//! and ids, a cancel naming the thread asked for when it names one).

use crate::shaping::{Vocabulary, check_error, response};
use aithreads_core::ProviderKind;
use aithreads_revcent::AiThread;
use aithreads_revcent::decoders::{decode_cancel, decode_list, decode_thread, decode_trigger};
use arbitrary::Unstructured;

const VOCABULARY: Vocabulary = Vocabulary {
    examples: &[
        include_str!("../../crates/revcent/tests/fixtures/get_thread.json"),
        include_str!("../../crates/revcent/tests/fixtures/list_threads.json"),
        include_str!("../../crates/revcent/tests/fixtures/cancel_thread.json"),
        include_str!("../../crates/revcent/tests/fixtures/error.json"),
    ],
    keys: &[
        "ai_assistant",
        "ai_assistant_id",
        "ai_thread_id",
        "api_account",
        "api_call",
        "api_call_id",
        "api_call_unix",
        "code",
        "content",
        "created_date_unix",
        "current_count",
        "current_page",
        "error_code",
        "first_name",
        "function_args",
        "function_name",
        "id",
        "last_name",
        "message",
        "message_count",
        "messages",
        "name",
        "notation",
        "page",
        "previous_ai_thread",
        "result",
        "results",
        "role",
        "source",
        "status",
        "third_party",
        "third_party_integration",
        "third_party_model",
        "third_party_name",
        "time_delay_expires",
        "tool_call_id",
        "tool_calls",
        "total_count",
        "total_pages",
        "total_time_ms",
        "total_tokens",
        "trigger",
        "type",
        "updated_date_unix",
        "username",
        "web_user",
    ],
    strings: &[
        "Running",
        "Timer",
        "Complete",
        "Cancelled",
        "Error",
        "user",
        "assistant",
        "system",
        "tool",
        "api",
        "web_app",
        "account_event",
        "function",
        "unauthorized",
        "not_found",
        "invalid_parameter",
        "invalid_status",
        THREAD_ID,
        ASSISTANT_ID,
    ],
};

/// The thread the decoded answers are for (the fixtures' thread).
const THREAD_ID: &str = "Xk29dLq0PzR7mNs4TbVa";

/// The assistant a decoded trigger answer is for (the fixtures' assistant).
const ASSISTANT_ID: &str = "As5sI7sT8aN9tI0dA1bC";

/// Runs the target on one input; panics on a finding.
pub fn check(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let Ok(which) = u.int_in_range(0..=3u8) else {
        return;
    };
    let Ok(response) = response(&mut u, &VOCABULARY) else {
        return;
    };
    let status = response.status;
    let check = |error: &aithreads_core::Error| check_error(error, ProviderKind::RevCent);
    match which {
        0 => match decode_thread(response, THREAD_ID) {
            Ok(thread) => {
                assert!(status.is_success());
                assert_eq!(thread.id.as_deref(), Some(THREAD_ID));
                let _ = thread.into_thread();
            }
            Err(error) => check(&error),
        },
        1 => match decode_list(response) {
            Ok(list) => {
                assert!(status.is_success());
                assert_eq!(list.code, Some(1));
                assert!(list.total_count.is_some() && list.total_pages.is_some());
                list.results
                    .into_iter()
                    .flatten()
                    .for_each(|t: AiThread| drop(t.into_thread()));
            }
            Err(error) => check(&error),
        },
        2 => match decode_cancel(response, THREAD_ID) {
            Ok(result) => {
                assert!(status.is_success());
                assert_eq!(result.code, Some(1));
                assert!(
                    result
                        .ai_thread_id
                        .as_deref()
                        .is_none_or(|id| id == THREAD_ID)
                );
            }
            Err(error) => check(&error),
        },
        _ => match decode_trigger(response, ASSISTANT_ID) {
            Ok(result) => {
                assert!(status.is_success());
                assert_eq!(result.ai_thread_id.map(|id| id.len()), Some(20));
                assert!(
                    result
                        .ai_assistant_id
                        .as_deref()
                        .is_none_or(|id| id == ASSISTANT_ID)
                );
            }
            Err(error) => check(&error),
        },
    }
}
