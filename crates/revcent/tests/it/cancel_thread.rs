//! CancelAIThread on the wire: `POST {base}/ai_threads/{id}/cancel` with the body `{}`.

use crate::common;

use aithreads_revcent::CancelResponse;
use aithreads_revcent::core::transport::RetryPolicy;
use aithreads_revcent::core::{CancelOutcome, Error, ThreadProvider};
use common::*;
use httpmock::prelude::*;

#[tokio::test]
async fn sends_an_empty_json_object_and_decodes_the_result() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("/v2/ai_threads/{THREAD_ID}/cancel"))
                .header("x-api-key", KEY)
                .header("content-type", "application/json")
                .header("accept", "application/json")
                .body("{}")
                .is_true(|req| req.uri().query().is_none());
            then.status(200)
                .header("content-type", "application/json")
                .body(fixture("cancel_thread.json"));
        })
        .await;
    let response = client(&server).cancel_ai_thread(THREAD_ID).await.unwrap();
    mock.assert_calls_async(1).await;
    let CancelResponse::Cancelled(result) = &response else {
        panic!("{response:?}");
    };
    assert_eq!(result.ai_thread_id.as_deref(), Some(THREAD_ID));
    assert_eq!(result.result.as_deref(), Some("AI Thread cancelled."));
    assert_eq!(result.api_call_id.as_deref(), Some("Cn1mT2vLp9Rk4sNw8ZbE"));
    assert_eq!(result.api_call_unix, Some(1_760_000_000));
    assert_eq!(result.code, Some(1));
    assert_eq!(response.outcome(), CancelOutcome::Cancelled);
}

/// Mocks a cancel answered `status`/`body`, and a GetAIThread answered with a thread in
/// `thread_status` (or, when `None`, with an error envelope in HTTP 400).
async fn refused_cancel<'a>(
    server: &'a MockServer,
    status: u16,
    body: String,
    thread_status: Option<&str>,
) -> [httpmock::Mock<'a>; 2] {
    let cancel = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("/v2/ai_threads/{THREAD_ID}/cancel"));
            then.status(status)
                .header("content-type", "application/json")
                .body(body);
        })
        .await;
    let get_body = match thread_status {
        Some(thread_status) => format!(
            r#"{{"api_call_id":"Gt1mT2vLp9Rk4sNw8ZbE","api_call_unix":1760000000,"code":1,"id":"{THREAD_ID}","status":"{thread_status}"}}"#
        ),
        None => error_body("account_suspended"),
    };
    let get = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/v2/ai_threads/{THREAD_ID}"))
                .header("x-api-key", KEY);
            then.status(if thread_status.is_some() { 200 } else { 400 })
                .header("content-type", "application/json")
                .body(get_body);
        })
        .await;
    [cancel, get]
}

#[tokio::test]
async fn a_refusal_is_confirmed_with_one_get_whatever_its_code() {
    for (status, body) in [
        (400, fixture("error.json")),
        (200, fixture("error.json")),
        (422, error_body("E4711")),
        (400, error_body("thread_not_cancellable")),
    ] {
        for ended in ["Complete", "Cancelled", "Error"] {
            let server = MockServer::start_async().await;
            let [cancel, get] = refused_cancel(&server, status, body.clone(), Some(ended)).await;
            let response = client(&server).cancel_ai_thread(THREAD_ID).await.unwrap();
            assert_eq!(response.outcome(), CancelOutcome::AlreadyEnded);
            let CancelResponse::AlreadyEnded {
                status: seen,
                refusal,
            } = response
            else {
                unreachable!()
            };
            assert_eq!(seen.as_str(), ended);
            assert_eq!(refusal.status, Some(status));
            assert!(refusal.code.is_some());
            cancel.assert_calls_async(1).await;
            get.assert_calls_async(1).await;
        }
    }
}

#[tokio::test]
async fn a_refusal_for_a_thread_still_running_or_unreadable_stays_an_error() {
    for thread_status in [Some("Running"), Some("Timer"), Some("Paused"), None] {
        let server = MockServer::start_async().await;
        let [cancel, get] =
            refused_cancel(&server, 400, fixture("error.json"), thread_status).await;
        let err = client(&server)
            .cancel_ai_thread(THREAD_ID)
            .await
            .unwrap_err();
        assert!(
            err.is_provider_error() && !err.is_retryable(),
            "{thread_status:?}: {err:?}"
        );
        assert_eq!(
            err.code(),
            Some("invalid_status"),
            "the cancel's refusal is kept"
        );
        assert_eq!(err.request_id(), Some("Er7mT2vLp9Rk4sNw8ZbF"));
        assert!(err.to_string().contains("only Running or Timer"), "{err}");
        cancel.assert_calls_async(1).await;
        get.assert_calls_async(1).await;
    }
}

/// The first attempt may have landed (a gateway timeout, no answer); what the retry and the
/// confirming GetAIThread answer decides.
async fn cancel_after_a_lost_answer(
    status: u16,
    body: String,
    thread_status: Option<&str>,
) -> (Result<CancelResponse, Error>, [usize; 3]) {
    let server = MockServer::start_async().await;
    let path = format!("/v2/ai_threads/{THREAD_ID}/cancel");
    let lost = server
        .mock_async(|when, then| {
            when.method(POST).path(path.clone());
            then.status(504).body("gateway timeout").up_to_n_times(1);
        })
        .await;
    let [retried, get] = refused_cancel(&server, status, body, thread_status).await;
    let result = client(&server).cancel_ai_thread(THREAD_ID).await;
    (
        result,
        [
            lost.calls_async().await,
            retried.calls_async().await,
            get.calls_async().await,
        ],
    )
}

#[tokio::test]
async fn a_refused_retry_is_already_ended_only_when_the_thread_ended() {
    let (result, calls) =
        cancel_after_a_lost_answer(400, fixture("error.json"), Some("Cancelled")).await;
    assert_eq!(calls, [1, 1, 1]);
    assert_eq!(result.unwrap().outcome(), CancelOutcome::AlreadyEnded);

    // After a 503 or a reset, a later refusal about something else is an error: the GET
    // does not show an ended thread.
    let (result, calls) =
        cancel_after_a_lost_answer(400, error_body("account_suspended"), None).await;
    assert_eq!(calls, [1, 1, 1]);
    let err = result.unwrap_err();
    assert_eq!(err.code(), Some("account_suspended"), "{err:?}");
    let (result, _) =
        cancel_after_a_lost_answer(400, error_body("account_suspended"), Some("Running")).await;
    assert_eq!(result.unwrap_err().code(), Some("account_suspended"));
}

#[tokio::test]
async fn a_retry_keeps_the_meaning_of_other_answers() {
    let (result, calls) =
        cancel_after_a_lost_answer(200, fixture("cancel_thread.json"), Some("Cancelled")).await;
    assert_eq!(calls, [1, 1, 0]);
    assert_eq!(result.unwrap().outcome(), CancelOutcome::Cancelled);

    let (result, calls) =
        cancel_after_a_lost_answer(404, error_body("not_found"), Some("Cancelled")).await;
    assert!(result.unwrap_err().is_not_found());
    assert_eq!(calls[2], 0, "not found is not a refusal to confirm");
    let (result, calls) =
        cancel_after_a_lost_answer(401, error_body("unauthorized"), Some("Cancelled")).await;
    assert!(matches!(result.unwrap_err(), Error::Authentication { .. }));
    assert_eq!(calls[2], 0);
}

#[tokio::test]
async fn only_the_documented_success_counts_as_cancelled() {
    for (body, cancelled) in [
        ("{}", false),
        (r#"{"ok":true}"#, false),
        (r#"{"code":"1"}"#, false),
        (r#"{"code":1,"ai_thread_id":"Zz99dLq0PzR7mNs4TbVa"}"#, false),
        (r#"{"code":1}"#, true),
        (r#"{"code":1,"ai_thread_id":"Xk29dLq0PzR7mNs4TbVa"}"#, true),
    ] {
        let server = MockServer::start_async().await;
        server
            .mock_async(|when, then| {
                when.method(POST)
                    .path(format!("/v2/ai_threads/{THREAD_ID}/cancel"));
                then.status(200)
                    .header("content-type", "application/json")
                    .body(body);
            })
            .await;
        let client = client_with(&server, transport().with_retry(RetryPolicy::never()));
        let result = client.cancel_ai_thread(THREAD_ID).await;
        if cancelled {
            assert_eq!(
                result.unwrap().outcome(),
                CancelOutcome::Cancelled,
                "{body}"
            );
        } else {
            let err = result.unwrap_err();
            assert!(err.is_decode(), "{body}: {err:?}");
        }
    }
}

#[tokio::test]
async fn the_trait_reports_the_outcome_and_delete_is_unsupported() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("/v2/ai_threads/{THREAD_ID}/cancel"));
            then.status(200)
                .header("content-type", "application/json")
                .body(fixture("cancel_thread.json"));
        })
        .await;
    let provider: &dyn ThreadProvider = &client(&server);
    assert_eq!(
        provider.cancel_thread(THREAD_ID).await.unwrap(),
        CancelOutcome::Cancelled
    );
    let err = provider.delete_thread(THREAD_ID).await.unwrap_err();
    assert!(err.is_unsupported(), "{err}");
    assert!(!provider.capabilities().delete);
}

#[tokio::test]
async fn invalid_ids_are_refused_without_a_request() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200);
        })
        .await;
    let client = client_with(&server, transport().with_retry(RetryPolicy::never()));
    for id in INVALID_IDS {
        let err = client.cancel_ai_thread(id).await.unwrap_err();
        assert!(err.is_invalid_input(), "{id:?}: {err}");
    }
    assert_eq!(any.calls_async().await, 0);
}
