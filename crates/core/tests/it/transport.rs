//! The shared transport against a real HTTP server (httpmock on loopback).

use std::time::{Duration, Instant};

use aithreads_core::transport::{Call, Request, Response, RetryPolicy, Transport, TransportConfig};
use aithreads_core::{ApiError, Error, ProviderKind, SecretString};
use httpmock::prelude::*;
use serde_json::{Value, json};
use url::Url;

const SECRET: &str = "sk-test-9f8e7d6c5b4a";
const P: ProviderKind = ProviderKind::OpenAiChatKit;

fn config() -> TransportConfig {
    TransportConfig::default()
        .with_retry(
            RetryPolicy::default()
                .with_backoff(Duration::from_millis(10), Duration::from_millis(40)),
        )
        .with_timeouts(Duration::from_secs(2), Duration::from_secs(5))
}

fn transport(config: TransportConfig) -> Transport {
    Transport::new(P, config, vec![SecretString::from(SECRET)]).unwrap()
}

/// Decodes a JSON success or turns any other status into the matching error, with the body
/// text as the provider's message.
fn decode(response: Response) -> Result<Value, Error> {
    if response.status.is_success() {
        response.json(P)
    } else {
        let message = String::from_utf8_lossy(&response.body).into_owned();
        Err(response.status_error(P, ApiError::new(message)))
    }
}

async fn send(
    transport: &Transport,
    server: &MockServer,
    method: http::Method,
) -> Result<Value, Error> {
    let url = Url::parse(&server.url("/thing")).unwrap();
    let call = if method == http::Method::GET {
        Call::idempotent("GetThing")
    } else {
        Call::non_idempotent("CreateThing")
    };
    transport
        .send(
            call,
            || {
                Request::new(method.clone(), url.clone())
                    .secret_header("authorization", &format!("Bearer {SECRET}"))
            },
            decode,
        )
        .await
}

/// Waits until `mock` has been hit `n` times (bounded to 5 s).
async fn wait_for_hits(mock: &httpmock::Mock<'_>, n: usize) {
    let start = Instant::now();
    while mock.calls_async().await < n {
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "mock never reached {n} hits"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test]
async fn rate_limited_request_waits_for_retry_after_then_succeeds() {
    let server = MockServer::start_async().await;
    let limited = server
        .mock_async(|when, then| {
            when.method(GET).path("/thing");
            then.status(429)
                .header("retry-after-ms", "300")
                .json_body(json!({"error": {"message": "slow down"}}));
        })
        .await;
    let transport = transport(config());
    let started = Instant::now();
    let call = tokio::spawn({
        let transport = transport.clone();
        let url = server.url("/thing");
        async move {
            transport
                .send(
                    Call::idempotent("GetThing"),
                    || Ok(Request::new(http::Method::GET, Url::parse(&url).unwrap())),
                    decode,
                )
                .await
        }
    });
    wait_for_hits(&limited, 1).await;
    limited.delete_async().await;
    let ok = server
        .mock_async(|when, then| {
            when.method(GET).path("/thing");
            then.status(200).json_body(json!({"ok": true}));
        })
        .await;
    let value = call.await.unwrap().unwrap();
    assert_eq!(value, json!({"ok": true}));
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "did not wait: {:?}",
        started.elapsed()
    );
    assert_eq!(ok.calls_async().await, 1);
}

#[tokio::test]
async fn server_errors_are_retried() {
    let server = MockServer::start_async().await;
    let failing = server
        .mock_async(|when, then| {
            when.method(GET).path("/thing");
            then.status(500).body("<html>oops</html>");
        })
        .await;
    let transport = transport(config());
    let call = tokio::spawn({
        let server_url = server.url("/thing");
        async move {
            transport
                .send(
                    Call::idempotent("GetThing"),
                    || {
                        Ok(Request::new(
                            http::Method::GET,
                            Url::parse(&server_url).unwrap(),
                        ))
                    },
                    decode,
                )
                .await
        }
    });
    wait_for_hits(&failing, 1).await;
    failing.delete_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/thing");
            then.status(200).json_body(json!({"n": 1}));
        })
        .await;
    assert_eq!(call.await.unwrap().unwrap(), json!({"n": 1}));
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let server = MockServer::start_async().await;
    let bad = server
        .mock_async(|when, then| {
            when.method(GET).path("/thing");
            then.status(400).json_body(json!({"error": "bad"}));
        })
        .await;
    let err = send(&transport(config()), &server, http::Method::GET)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert!(!err.is_retryable());
    assert_eq!(bad.calls_async().await, 1);
}

#[tokio::test]
async fn attempts_are_bounded() {
    let server = MockServer::start_async().await;
    let down = server
        .mock_async(|when, then| {
            when.method(GET).path("/thing");
            then.status(503);
        })
        .await;
    let config = config().with_retry(
        RetryPolicy::default()
            .with_max_attempts(3)
            .with_backoff(Duration::from_millis(5), Duration::from_millis(5)),
    );
    let err = send(&transport(config), &server, http::Method::GET)
        .await
        .unwrap_err();
    assert!(err.is_provider_error() && err.is_retryable(), "{err:?}");
    assert_eq!(down.calls_async().await, 3);
}

#[tokio::test]
async fn the_total_deadline_is_respected() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/thing");
            then.status(200)
                .delay(Duration::from_secs(3))
                .json_body(json!({}));
        })
        .await;
    let config =
        config().with_retry(RetryPolicy::default().with_max_elapsed(Duration::from_millis(400)));
    let started = Instant::now();
    let err = send(&transport(config), &server, http::Method::GET)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_request_that_may_have_landed_is_not_repeated_unless_idempotent() {
    let server = MockServer::start_async().await;
    let failing = server
        .mock_async(|when, then| {
            when.method(POST).path("/thing");
            then.status(502);
        })
        .await;
    let err = send(&transport(config()), &server, http::Method::POST)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(502));
    assert_eq!(failing.calls_async().await, 1);
}

#[tokio::test]
async fn a_refused_connection_is_retried_even_when_not_idempotent() {
    // Bind then drop a listener: connecting to its port is refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = Url::parse(&format!("http://127.0.0.1:{port}/thing")).unwrap();
    let attempts = std::sync::atomic::AtomicU32::new(0);
    let config = config().with_retry(
        RetryPolicy::default()
            .with_max_attempts(3)
            .with_backoff(Duration::from_millis(5), Duration::from_millis(5)),
    );
    let err = transport(config)
        .send(
            Call::non_idempotent("CreateThing"),
            || {
                attempts.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                Ok(Request::new(http::Method::POST, url.clone()))
            },
            decode,
        )
        .await
        .unwrap_err();
    assert!(err.request_not_processed(), "{err:?}");
    assert_eq!(attempts.load(std::sync::atomic::Ordering::SeqCst), 3);
}

#[tokio::test]
async fn oversized_responses_are_refused() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/thing");
            then.status(200).body(format!("\"{}\"", "x".repeat(4096)));
        })
        .await;
    let err = send(
        &transport(config().with_max_response_bytes(1024)),
        &server,
        http::Method::GET,
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, Error::ResponseTooLarge { limit: 1024, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn non_json_success_is_a_decode_error_with_an_excerpt() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/thing");
            then.status(200)
                .header("content-type", "text/html")
                .body("<html>maintenance</html>");
        })
        .await;
    let err = send(&transport(config()), &server, http::Method::GET)
        .await
        .unwrap_err();
    match err {
        Error::Decode {
            excerpt, message, ..
        } => {
            assert!(excerpt.contains("maintenance"));
            assert!(message.contains("text/html"), "{message}");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_secret_echoed_by_the_server_never_reaches_the_error() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/thing");
            then.status(401)
                .body(format!("Incorrect API key provided: {SECRET}"));
        })
        .await;
    let transport = transport(config());
    let err = send(&transport, &server, http::Method::GET)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Authentication { .. }), "{err:?}");
    for text in [
        err.to_string(),
        format!("{err:?}"),
        format!("{transport:?}"),
    ] {
        assert!(!text.contains(SECRET), "secret leaked: {text}");
    }
    assert!(err.to_string().contains("[redacted]"));
}

#[test]
fn a_secret_string_never_prints_itself() {
    let secret = SecretString::from(SECRET);
    assert!(!format!("{secret:?}").contains(SECRET));
}

#[tokio::test]
async fn a_timeout_reports_the_time_actually_waited() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/thing");
            then.status(200)
                .delay(Duration::from_secs(2))
                .json_body(json!({}));
        })
        .await;
    // The caller's own client gives up after 100 ms, long before the 5 s request timeout.
    let http = reqwest::Client::builder()
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let config = config()
        .with_retry(RetryPolicy::never())
        .with_http_client(http);
    let err = send(&transport(config), &server, http::Method::GET)
        .await
        .unwrap_err();
    let Error::Timeout { elapsed, .. } = err else {
        panic!("{err:?}")
    };
    assert!(
        elapsed >= Duration::from_millis(100) && elapsed < Duration::from_secs(1),
        "{elapsed:?}"
    );
}

/// Every redirect status, to another origin (another port): the answer is a configuration
/// error naming where it pointed, nothing reaches the other origin (so no credential goes
/// there), and a POST is sent once.
#[tokio::test]
async fn redirects_are_never_followed_and_name_where_they_pointed() {
    let other = MockServer::start_async().await;
    let elsewhere = other
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).json_body(json!({"stolen": true}));
        })
        .await;
    for status in [301, 302, 303, 307, 308] {
        for method in [http::Method::GET, http::Method::POST] {
            let server = MockServer::start_async().await;
            let target = other.url("/steal?token=abc");
            let redirect = server
                .mock_async(|when, then| {
                    when.path("/thing");
                    then.status(status).header("location", &target);
                })
                .await;
            let error = send(&transport(config()), &server, method.clone())
                .await
                .unwrap_err();
            assert!(error.is_config(), "{status} {method}: {error:?}");
            let text = error.to_string();
            assert!(
                text.contains(&format!("HTTP {status}"))
                    && text.contains(&format!("{}/steal?…", other.base_url())),
                "{text}"
            );
            assert!(!text.contains("token=abc"), "{text}");
            assert_eq!(
                redirect.calls_async().await,
                1,
                "{status} {method}: sent again"
            );
        }
    }
    assert_eq!(
        elsewhere.calls_async().await,
        0,
        "a request reached the other origin"
    );
}
