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

#[tokio::test]
async fn a_first_refusal_is_an_error_with_the_envelope() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("/v2/ai_threads/{THREAD_ID}/cancel"));
            then.status(200)
                .header("content-type", "application/json")
                .body(fixture("error.json"));
        })
        .await;
    let err = client(&server)
        .cancel_ai_thread(THREAD_ID)
        .await
        .unwrap_err();
    mock.assert_calls_async(1).await;
    assert!(
        matches!(
            err,
            Error::Provider {
                transient: false,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.code(), Some("invalid_status"));
    assert_eq!(err.request_id(), Some("Er7mT2vLp9Rk4sNw8ZbF"));
    assert!(err.to_string().contains("only Running or Timer"), "{err}");
}

/// The first attempt may have landed (a gateway timeout, no answer); the retry's answer
/// decides.
async fn cancel_after_a_lost_answer(
    status: u16,
    body: String,
) -> (Result<CancelResponse, Error>, [usize; 2]) {
    let server = MockServer::start_async().await;
    let path = format!("/v2/ai_threads/{THREAD_ID}/cancel");
    let lost = server
        .mock_async(|when, then| {
            when.method(POST).path(path.clone());
            then.status(504).body("gateway timeout").up_to_n_times(1);
        })
        .await;
    let retried = server
        .mock_async(|when, then| {
            when.method(POST).path(path.clone()).body("{}");
            then.status(status)
                .header("content-type", "application/json")
                .body(body);
        })
        .await;
    let result = client(&server).cancel_ai_thread(THREAD_ID).await;
    (
        result,
        [lost.calls_async().await, retried.calls_async().await],
    )
}

#[tokio::test]
async fn a_refused_retry_after_a_lost_answer_is_already_ended() {
    let (result, calls) = cancel_after_a_lost_answer(400, fixture("error.json")).await;
    assert_eq!(calls, [1, 1]);
    let response = result.unwrap();
    assert_eq!(response.outcome(), CancelOutcome::AlreadyEnded);
    let CancelResponse::AlreadyEnded(envelope) = response else {
        unreachable!()
    };
    assert_eq!(envelope.error_code.as_deref(), Some("invalid_status"));
    assert_eq!(
        envelope.api_call_id.as_deref(),
        Some("Er7mT2vLp9Rk4sNw8ZbF")
    );

    // The same refusal in an HTTP 200 counts too: the body decides.
    let (result, _) = cancel_after_a_lost_answer(200, fixture("error.json")).await;
    assert_eq!(result.unwrap().outcome(), CancelOutcome::AlreadyEnded);
}

#[tokio::test]
async fn a_retry_keeps_the_meaning_of_other_answers() {
    let (result, calls) = cancel_after_a_lost_answer(200, fixture("cancel_thread.json")).await;
    assert_eq!(calls, [1, 1]);
    assert_eq!(result.unwrap().outcome(), CancelOutcome::Cancelled);

    let (result, _) = cancel_after_a_lost_answer(404, error_body("not_found")).await;
    assert!(result.unwrap_err().is_not_found());
    let (result, _) = cancel_after_a_lost_answer(401, error_body("unauthorized")).await;
    assert!(matches!(result.unwrap_err(), Error::Authentication { .. }));
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
