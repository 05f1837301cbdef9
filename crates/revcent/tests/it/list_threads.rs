//! GetAIThreads on the wire: `GET {base}/ai_threads` with the documented query.

use crate::common;

use aithreads_revcent::core::{ListQuery, Status, ThreadProvider};
use aithreads_revcent::{AiThreadListParams, AiThreadStatus, StatusFilter, TriggerSource};
use common::*;
use httpmock::prelude::*;

const START: i64 = 1_759_900_000;

#[tokio::test]
async fn sends_the_exact_query_with_repeated_filters() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v2/ai_threads")
                .header("x-api-key", KEY)
                .header("accept", "application/json")
                .is_true(|req| {
                    req.uri().query()
                        == Some(
                            "date_start=1759900000&date_end=1760072800&limit=10&page=2\
                             &ai_assistant_filter=As5sI7sT8aN9tI0dA1bC&ai_assistant_filter=Hn4bV6cX8zL1kJ3hG5fD\
                             &status_filter=running&status_filter=timer",
                        )
                        && req.body().is_empty()
                });
            then.status(200)
                .header("content-type", "application/json")
                .body(fixture("list_threads.json"));
        })
        .await;
    let params = AiThreadListParams::new(START, START + 172_800)
        .with_page(2)
        .with_limit(10)
        .with_ai_assistants(["As5sI7sT8aN9tI0dA1bC", "Hn4bV6cX8zL1kJ3hG5fD"])
        .with_statuses([StatusFilter::Running, StatusFilter::Timer]);
    let list = client(&server).get_ai_threads(&params).await.unwrap();
    mock.assert_calls_async(1).await;

    assert_eq!(list.api_call_id.as_deref(), Some("Lq3mT2vLp9Rk4sNw8ZbD"));
    assert_eq!(list.api_call_unix, Some(1_760_000_000));
    assert_eq!(list.code, Some(1));
    assert_eq!(
        (
            list.current_count,
            list.current_page,
            list.total_count,
            list.total_pages
        ),
        (Some(2), Some(1), Some(27), Some(14))
    );
    let results = list.results.unwrap();
    assert_eq!(results[0].status, Some(AiThreadStatus::Timer));
    assert_eq!(results[0].time_delay_expires, Some(1_760_003_600));
    let trigger = results[0].trigger.as_ref().unwrap();
    assert_eq!(trigger.source, Some(TriggerSource::AccountEvent));
    assert_eq!(
        trigger.notation.as_deref(),
        Some("subscription.renewal.failed")
    );
    assert!(results[0].messages.is_none());
    assert_eq!(results[1].id.as_deref(), Some("Yb38eMr1QaS8nOt5UcWb"));
    assert_eq!(results[1].status, Some(AiThreadStatus::Complete));
    assert_eq!(
        results[1].trigger.as_ref().unwrap().source,
        Some(TriggerSource::WebApp)
    );
}

#[test]
fn every_status_filter_value_is_known() {
    let values: Vec<&str> = StatusFilter::KNOWN
        .iter()
        .map(StatusFilter::as_str)
        .collect();
    assert_eq!(values, ["running", "timer", "complete", "error"]);
}

#[tokio::test]
async fn invalid_queries_are_refused_without_a_request() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200);
        })
        .await;
    let client = client(&server);
    let ok = AiThreadListParams::new(START, START + 172_800);
    for bad in [
        AiThreadListParams::new(START, START - 1),
        AiThreadListParams::new(START, START + 172_801),
        ok.clone().with_limit(0),
        ok.clone().with_limit(26),
        ok.clone().with_page(-1),
        ok.clone().with_ai_assistants(["As5sI7sT8aN9tI0dA1b"]),
        ok.clone().with_ai_assistants(["As5sI7sT8aN9t/0dA1bC"]),
        ok.clone()
            .with_statuses([StatusFilter::Unknown("cancelled".into())]),
    ] {
        let err = client.get_ai_threads(&bad).await.unwrap_err();
        assert!(err.is_invalid_input(), "{bad:?}: {err}");
    }
    let provider: &dyn ThreadProvider = &client;
    for query in [
        ListQuery::new().with_user("jmartinez"),
        ListQuery::new().with_limit(30),
        ListQuery::new().with_cursor("page-2"),
        ListQuery::new().with_cursor("a:1759900000:1759910000:1"),
    ] {
        let err = provider.list_threads(&query).await.unwrap_err();
        assert!(err.is_invalid_input(), "{query:?}: {err}");
    }
    assert_eq!(any.calls_async().await, 0);
}

#[tokio::test]
async fn an_error_envelope_in_a_200_is_an_error() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v2/ai_threads");
            then.status(200)
                .header("content-type", "application/json")
                .body(error_body("invalid_parameter"));
        })
        .await;
    let err = client(&server)
        .get_ai_threads(&AiThreadListParams::new(START, START + 10))
        .await
        .unwrap_err();
    assert!(err.is_provider_error() && !err.is_retryable(), "{err:?}");
    assert_eq!(err.code(), Some("invalid_parameter"));
    assert_eq!(err.status(), Some(200));
}

/// Serves the fixture's two threads as the whole window, to a request with exactly `query`
/// (page 0 is refused, as by a RevCent counting pages from 1).
async fn whole_window<'a>(server: &'a MockServer, query: &'static str) -> httpmock::Mock<'a> {
    let mut body: serde_json::Value = serde_json::from_str(&fixture("list_threads.json")).unwrap();
    body["total_count"] = 2.into();
    body["total_pages"] = 1.into();
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v2/ai_threads")
                .is_true(move |req| req.uri().query() == Some(query));
            then.status(200)
                .header("content-type", "application/json")
                .body(body.to_string());
        })
        .await;
    refuse_page_zero(server).await;
    mock
}

/// Page 0 refused in RevCent's error envelope, as a RevCent counting pages from 1 answers the
/// walk's page-base question (which page the first one is).
async fn refuse_page_zero(server: &MockServer) {
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v2/ai_threads")
                .query_param("page", "0");
            then.status(200)
                .header("content-type", "application/json")
                .body(
                    r#"{"api_call_id":"AbCdEfGhIjKlMnOpQrSt","api_call_unix":1700000000,"code":0,"error_code":"invalid_parameter","message":"page starts at 1.","result":"The API call failed."}"#,
                );
        })
        .await;
}

#[tokio::test]
async fn the_trait_lists_a_window_of_unified_threads_with_a_cursor() {
    const SINCE: i64 = 1_759_980_000;
    let server = MockServer::start_async().await;
    let mock = whole_window(
        &server,
        "date_start=1759979999&date_end=1759990001&limit=2&page=1&status_filter=timer",
    )
    .await;
    let provider: &dyn ThreadProvider = &client(&server);
    let since = time::OffsetDateTime::from_unix_timestamp(SINCE).unwrap();
    let query = ListQuery::new()
        .with_range(since, since + time::Duration::seconds(10_000))
        .with_statuses([Status::Pending])
        .with_limit(2)
        .with_order(aithreads_revcent::core::Order::Asc);
    let page = provider.list_threads(&query).await.unwrap();
    mock.assert_calls_async(1).await;
    assert_eq!(
        page.items.len(),
        1,
        "the thread created after the range is not listed"
    );
    assert_eq!(page.items[0].status, Status::Pending);
    assert_eq!(page.items[0].id, "Xk29dLq0PzR7mNs4TbVa");
    assert_eq!(page.total, None);
    assert_eq!(page.next, None, "one window, all of it on this page");
}

#[tokio::test]
async fn the_trait_filters_by_assistant_with_ai_assistant_filter() {
    let server = MockServer::start_async().await;
    let mock = whole_window(
        &server,
        "date_start=1759899999&date_end=1759910001&limit=25&page=1&ai_assistant_filter=As5sI7sT8aN9tI0dA1bC",
    )
    .await;
    let provider: &dyn ThreadProvider = &client(&server);
    assert!(provider.capabilities().query.assistant);
    let since = time::OffsetDateTime::from_unix_timestamp(START).unwrap();
    let query = ListQuery::new()
        .with_range(since, since + time::Duration::seconds(10_000))
        .with_assistant("As5sI7sT8aN9tI0dA1bC");
    provider.list_threads(&query).await.unwrap();
    mock.assert_calls_async(1).await;
    // A malformed assistant id is refused before any request.
    let bad = ListQuery::new()
        .with_range(since, since + time::Duration::seconds(10_000))
        .with_assistant("short");
    assert!(
        provider
            .list_threads(&bad)
            .await
            .unwrap_err()
            .is_invalid_input()
    );
    mock.assert_calls_async(1).await;
}
