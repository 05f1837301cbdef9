//! TRTC's response decoders (the `{"Response": …}` envelope of each of the five actions, and
//! its `Error` member) on any answer: never a panic; an error names TRTC and keeps a short
//! excerpt; a success comes only from an HTTP 200 without `Response.Error`.

use crate::shaping::{Vocabulary, check_error, response};
use aithreads_core::{CancelOutcome, ProviderKind};
use aithreads_tencent_trtc::decoders::{
    decode_control, decode_describe, decode_start, decode_stop, decode_update,
};
use arbitrary::Unstructured;

const VOCABULARY: Vocabulary = Vocabulary {
    examples: &[
        // StartAIConversation, DescribeAIConversation, Stop/Update/Control, and an error
        // (the documented examples).
        r#"{"Response": {"TaskId": "v2_20250224_udqgoOzzpAFOoiXR_sHbeVCwys3hy0PLs1uRLvS7wY9mjZMEIQuDPhT", "RequestId": "df81f274-c1b8-4342-b0a1-e552072cc48e"}}"#,
        r#"{"Response": {"StartTime": "2025-02-24T08:00:00Z", "Status": "InProgress", "TaskId": "SV1FR+XTtvzAjRxZZ+aof1DfJF00VSBBNE0zR9W-PEpgCPBmt402.", "SessionId": "session_1", "RequestId": "abc"}}"#,
        r#"{"Response": {"RequestId": "ed93f3cb-f35e-473f-b9f3-0d451b8b79c6"}}"#,
        r#"{"Response": {"Error": {"Code": "FailedOperation.TaskNotExist", "Message": "The task does not exist."}, "RequestId": "ed93f3cb-f35e-473f-b9f3-0d451b8b79c6"}}"#,
    ],
    keys: &[
        "Response",
        "Error",
        "Code",
        "Message",
        "RequestId",
        "TaskId",
        "SessionId",
        "StartTime",
        "Status",
    ],
    strings: &[
        "InProgress",
        "Idle",
        "Preparing",
        "Stopped",
        "FailedOperation.TaskNotExist",
        "FailedOperation",
        "InternalError",
        "RequestLimitExceeded",
        "AuthFailure.SignatureFailure",
        "ResourceNotFound",
        "InvalidParameter.TaskId",
        "2025-02-24T08:00:00Z",
        "abc",
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
    let (status, attempt) = (response.status.as_u16(), response.attempt);
    let check = |error: &aithreads_core::Error| check_error(error, ProviderKind::TencentTrtc);
    let ok = match which {
        0 => decode_start(response).map(drop),
        1 => decode_describe(response).map(|answer| drop(answer.into_thread("t"))),
        2 => decode_update(response).map(drop),
        3 => decode_control(response).map(drop),
        _ => decode_stop(response).map(|stopped| {
            if stopped.outcome == CancelOutcome::AlreadyEnded {
                assert!(attempt > 1);
            }
        }),
    };
    match ok {
        Ok(()) => assert_eq!(status, 200),
        Err(error) => check(&error),
    }
}
