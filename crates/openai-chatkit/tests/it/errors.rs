//! OpenAI's error answers mapped to aithreads errors, and which of them are retried.

use crate::common;

use std::time::Duration;

use aithreads_core::Error;
use aithreads_openai_chatkit::{CreateChatSessionBody, ListThreadsParams};
use common::{KEY, client};
use httpmock::prelude::*;
use serde_json::json;

fn envelope(
    message: &str,
    kind: &str,
    param: Option<&str>,
    code: Option<&str>,
) -> serde_json::Value {
    json!({"error": {"message": message, "type": kind, "param": param, "code": code}})
}

/// A server answering every `GET /v1/chatkit/threads/cthr_1` with `status`, `body` and headers.
async fn answering(status: u16, body: &str, headers: &[(&str, &str)]) -> MockServer {
    let server = MockServer::start_async().await;
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let body = body.to_owned();
    server
        .mock_async(move |when, then| {
            when.path_prefix("/v1/chatkit/");
            let mut then = then.status(status).body(body);
            for (k, v) in headers {
                then = then.header(k, v);
            }
        })
        .await;
    server
}

async fn get(server: &MockServer) -> Error {
    client(&server.url("/v1"))
        .retrieve_chatkit_thread("cthr_1")
        .await
        .unwrap_err()
}

const JSON: (&str, &str) = ("content-type", "application/json");

#[tokio::test]
async fn unauthorized_keeps_all_four_fields_and_the_request_id() {
    let body = envelope(
        &format!(
            "Incorrect API key provided: {KEY}. You can find your API key at https://platform.openai.com/account/api-keys."
        ),
        "invalid_request_error",
        None,
        Some("invalid_api_key"),
    );
    let server = answering(401, &body.to_string(), &[JSON, ("x-request-id", "req_abc")]).await;
    let err = get(&server).await;
    let Error::Authentication { details, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(details.status, Some(401));
    assert_eq!(details.code.as_deref(), Some("invalid_api_key"));
    assert_eq!(details.error_type.as_deref(), Some("invalid_request_error"));
    assert_eq!(details.param, None);
    assert!(details.message.starts_with("Incorrect API key provided"));
    assert_eq!(err.request_id(), Some("req_abc"));
    // The key the server echoed is scrubbed from everything the error shows.
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains(KEY), "{text}");
    }
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn forbidden_is_an_authentication_error() {
    let body = envelope(
        "You have insufficient permissions for this operation.",
        "invalid_request_error",
        None,
        None,
    );
    let server = answering(403, &body.to_string(), &[JSON]).await;
    assert!(matches!(get(&server).await, Error::Authentication { .. }));
}

#[tokio::test]
async fn not_found_keeps_the_message_and_request_id() {
    let body = envelope(
        "No thread found with id 'cthr_1'.",
        "invalid_request_error",
        None,
        None,
    );
    let server = answering(404, &body.to_string(), &[JSON, ("x-request-id", "req_404")]).await;
    let err = get(&server).await;
    assert!(err.is_not_found(), "{err:?}");
    assert_eq!(err.status(), Some(404));
    assert_eq!(err.request_id(), Some("req_404"));
    assert_eq!(
        err.api_error().unwrap().message,
        "No thread found with id 'cthr_1'."
    );
}

#[tokio::test]
async fn bad_requests_keep_param_and_code_and_are_not_retried() {
    let body = envelope(
        "Invalid 'limit': integer above maximum value. Expected a value <= 100, but got 101 instead.",
        "invalid_request_error",
        Some("limit"),
        Some("integer_above_max_value"),
    );
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.path("/v1/chatkit/threads");
            then.status(400)
                .header("content-type", "application/json")
                .json_body(body);
        })
        .await;
    let err = client(&server.url("/v1"))
        .list_chatkit_threads(&ListThreadsParams::new())
        .await
        .unwrap_err();
    let Error::Provider {
        details, transient, ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert!(!transient);
    assert_eq!(details.param.as_deref(), Some("limit"));
    assert_eq!(err.code(), Some("integer_above_max_value"));
    assert_eq!(mock.calls_async().await, 1);
}

#[tokio::test]
async fn server_errors_with_html_bodies_are_transient_and_retried() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.path("/v1/chatkit/threads/cthr_1");
            then.status(502)
                .header("content-type", "text/html")
                .body("<html><body><h1>502 Bad Gateway</h1></body></html>");
        })
        .await;
    let err = get(&server).await;
    let Error::Provider {
        details, transient, ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert!(transient);
    assert!(
        details.message.contains("502 Bad Gateway"),
        "{}",
        details.message
    );
    assert_eq!(
        mock.calls_async().await,
        3,
        "every attempt of the policy was made"
    );
}

#[tokio::test]
async fn an_empty_error_body_still_says_what_happened() {
    let server = answering(503, "", &[]).await;
    let err = get(&server).await;
    assert_eq!(err.status(), Some(503));
    assert_eq!(err.api_error().unwrap().message, "Service Unavailable");
}

#[tokio::test]
async fn x_should_retry_overrides_the_status_rule() {
    let server = MockServer::start_async().await;
    let retried = server
        .mock_async(|when, then| {
            when.path("/v1/chatkit/threads/cthr_retry");
            then.status(400)
                .header("x-should-retry", "true")
                .json_body(envelope("try again", "invalid_request_error", None, None));
        })
        .await;
    let not_retried = server
        .mock_async(|when, then| {
            when.path("/v1/chatkit/threads/cthr_final");
            then.status(503)
                .header("x-should-retry", "false")
                .json_body(envelope("overloaded", "server_error", None, None));
        })
        .await;
    let client = client(&server.url("/v1"));
    let err = client
        .retrieve_chatkit_thread("cthr_retry")
        .await
        .unwrap_err();
    assert!(err.is_retryable(), "{err:?}");
    assert_eq!(retried.calls_async().await, 3);
    let err = client
        .retrieve_chatkit_thread("cthr_final")
        .await
        .unwrap_err();
    assert!(!err.is_retryable(), "{err:?}");
    assert_eq!(not_retried.calls_async().await, 1);
}

#[tokio::test]
async fn rate_limits_are_retried_after_the_server_delay_then_reported() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.path("/v1/chatkit/threads/cthr_1");
            then.status(429)
                .header("retry-after-ms", "20")
                .header("retry-after", "1")
                .header("x-request-id", "req_429")
                .json_body(envelope(
                    "Rate limit reached for requests",
                    "requests",
                    None,
                    Some("rate_limit_exceeded"),
                ));
        })
        .await;
    let err = get(&server).await;
    assert!(err.is_rate_limited(), "{err:?}");
    assert_eq!(err.retry_after(), Some(Duration::from_millis(20)));
    assert_eq!(err.code(), Some("rate_limit_exceeded"));
    assert_eq!(err.request_id(), Some("req_429"));
    assert_eq!(mock.calls_async().await, 3);
}

#[tokio::test]
async fn creating_a_session_is_not_repeated_after_a_server_error() {
    let server = MockServer::start_async().await;
    let failing = server
        .mock_async(|when, then| {
            when.method(POST).path("/v1/chatkit/sessions");
            then.status(500).json_body(envelope(
                "The server had an error",
                "server_error",
                None,
                None,
            ));
        })
        .await;
    let err = client(&server.url("/v1"))
        .create_chatkit_session(&CreateChatSessionBody::new("wf", "u"))
        .await
        .unwrap_err();
    assert!(
        err.is_retryable(),
        "transient, but the caller decides: {err:?}"
    );
    assert_eq!(failing.calls_async().await, 1);
}

#[tokio::test]
async fn creating_a_session_is_repeated_after_a_rate_limit() {
    let server = MockServer::start_async().await;
    let limited = server
        .mock_async(|when, then| {
            when.method(POST).path("/v1/chatkit/sessions");
            then.status(429)
                .header("retry-after-ms", "5")
                .json_body(envelope(
                    "slow down",
                    "requests",
                    None,
                    Some("rate_limit_exceeded"),
                ));
        })
        .await;
    let err = client(&server.url("/v1"))
        .create_chatkit_session(&CreateChatSessionBody::new("wf", "u"))
        .await
        .unwrap_err();
    assert!(err.is_rate_limited());
    assert_eq!(
        limited.calls_async().await,
        3,
        "a 429 proves nothing was created"
    );
}

#[tokio::test]
async fn malformed_success_bodies_are_decode_errors_with_the_path() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/v1/chatkit/threads/cthr_1");
            then.status(200)
                .header("content-type", "application/json")
                .json_body(json!({
                "id": "cthr_1", "object": "chatkit.thread", "created_at": "yesterday",
                "title": null, "status": {"type": "active"}, "user": "u"}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.path("/v1/chatkit/threads/cthr_2");
            then.status(200)
                .header("content-type", "text/html")
                .body("<html>login</html>");
        })
        .await;
    let client = client(&server.url("/v1"));
    let err = client.retrieve_chatkit_thread("cthr_1").await.unwrap_err();
    let Error::Decode { path, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(path.as_deref(), Some("created_at"));
    let err = client.retrieve_chatkit_thread("cthr_2").await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
}
