//! `threads()`: a long range walked as 2-day windows of pages, each thread once, in order,
//! with the exact requests asserted.

use crate::common;

use std::sync::Arc;

use aithreads_revcent::core::transport::RetryPolicy;
use aithreads_revcent::core::{ListQuery, Order, ThreadProvider};
use aithreads_revcent::{RevCentClient, ThreadFilters};
use common::*;
use futures::StreamExt;
use httpmock::prelude::*;
use serde_json::json;
use time::OffsetDateTime;

const S: i64 = 1_759_000_000;
const DAY: i64 = 86_400;

/// A window's seconds: 172,799, so that the second asked before it fits the 2-day limit.
const W: i64 = 2 * DAY - 1;

/// The 9-day range `[S, S + 9 days]` as the client must cut it (`[start, stop)`), with how
/// many threads each window holds: windows of 172,799 s, each asked from the second before
/// it (`date_start = start - 1`) up to the first second of the next (`date_end = stop`),
/// the last one longer and asked up to the second after the range.
const WINDOWS: [(i64, i64, usize); 5] = [
    (S, S + W, 60),
    (S + W, S + 2 * W, 0),
    (S + 2 * W, S + 3 * W, 25),
    (S + 3 * W, S + 4 * W, 30),
    (S + 4 * W, S + 9 * DAY + 1, 1),
];

fn thread_id(window: usize, n: usize) -> String {
    format!("w{window}n{n:0>17}")
}

/// Mocks every page of every window (exact query), plus a catch-all that must stay unused.
async fn mock_windows(server: &MockServer) -> (Vec<httpmock::Mock<'_>>, httpmock::Mock<'_>) {
    let mut pages = Vec::new();
    for (w, &(start, end, count)) in WINDOWS.iter().enumerate() {
        let total_pages = count.div_ceil(25);
        for page in 1..=total_pages.max(1) {
            let first = (page - 1) * 25;
            let results: Vec<_> = (first..count.min(first + 25))
                .map(|n| json!({"id": thread_id(w, n), "created_date_unix": start + n as i64, "status": "Complete"}))
                .collect();
            let body = json!({
                "api_call_id": "Lq3mT2vLp9Rk4sNw8ZbD", "api_call_unix": S, "code": 1,
                "current_count": results.len(), "current_page": page, "results": results,
                "total_count": count, "total_pages": total_pages,
            });
            let query = format!(
                "date_start={}&date_end={end}&limit=25&page={page}",
                start - 1
            );
            pages.push(
                server
                    .mock_async(move |when, then| {
                        when.method(GET)
                            .path("/v2/ai_threads")
                            .header("x-api-key", KEY)
                            .is_true(move |req| req.uri().query() == Some(query.as_str()));
                        then.status(200)
                            .header("content-type", "application/json")
                            .body(body.to_string());
                    })
                    .await,
            );
        }
    }
    // RevCent refuses page 0 (pages count from 1); asked once per client, on the first
    // window with threads.
    pages.push(
        server
            .mock_async(|when, then| {
                when.method(GET)
                    .path("/v2/ai_threads")
                    .query_param("page", "0");
                then.status(400)
                    .header("content-type", "application/json")
                    .body(error_body("invalid_parameter"));
            })
            .await,
    );
    let other = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(500).body("unexpected request");
        })
        .await;
    (pages, other)
}

fn expected_ids() -> Vec<String> {
    WINDOWS
        .iter()
        .enumerate()
        .flat_map(|(w, &(_, _, count))| (0..count).map(move |n| thread_id(w, n)))
        .collect()
}

/// Newest window first, each window's threads newest first.
fn expected_ids_newest_first() -> Vec<String> {
    let mut ids = expected_ids();
    ids.reverse();
    ids
}

fn range() -> std::ops::RangeInclusive<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp(S).unwrap()
        ..=OffsetDateTime::from_unix_timestamp(S + 9 * DAY).unwrap()
}

#[tokio::test]
async fn a_nine_day_range_hits_every_window_and_page_once() {
    let server = MockServer::start_async().await;
    let (pages, other) = mock_windows(&server).await;
    let ids: Vec<String> = client(&server)
        .ai_threads(range(), ThreadFilters::new())
        .map(|thread| thread.unwrap().id.unwrap())
        .collect()
        .await;
    assert_eq!(ids, expected_ids());
    assert_eq!(pages.len(), 9, "8 pages of 5 windows, and page 0");
    for page in &pages {
        page.assert_calls_async(1).await;
    }
    assert_eq!(other.calls_async().await, 0);
}

#[tokio::test]
async fn the_trait_stream_walks_the_same_windows_newest_first_by_default() {
    let server = MockServer::start_async().await;
    let (pages, other) = mock_windows(&server).await;
    let provider: Arc<dyn ThreadProvider> = Arc::new(client(&server));
    let (since, until) = range().into_inner();
    let threads: Vec<_> = provider
        .clone()
        .threads(ListQuery::new().with_range(since, until))
        .map(|thread| thread.unwrap())
        .collect()
        .await;
    let ids: Vec<String> = threads.iter().map(|t| t.id.clone()).collect();
    assert_eq!(ids, expected_ids_newest_first());
    for page in &pages {
        page.assert_calls_async(1).await;
    }
    let (pages, page_zero) = pages.split_at(pages.len() - 1);
    let ids: Vec<String> = provider
        .threads(
            ListQuery::new()
                .with_range(since, until)
                .with_order(Order::Asc),
        )
        .map(|thread| thread.unwrap().id)
        .collect()
        .await;
    assert_eq!(ids, expected_ids());
    for page in pages {
        page.assert_calls_async(2).await;
    }
    page_zero[0].assert_calls_async(1).await;
    assert_eq!(other.calls_async().await, 0);
}

#[tokio::test]
async fn the_trait_pages_are_windows_that_follow_cursors() {
    let server = MockServer::start_async().await;
    let (_, other) = mock_windows(&server).await;
    let provider: &dyn ThreadProvider = &client(&server);
    let (since, until) = range().into_inner();
    for (order, expected, sizes) in [
        (Order::Asc, expected_ids(), [60, 25, 30, 1]),
        (Order::Desc, expected_ids_newest_first(), [1, 30, 25, 60]),
    ] {
        let mut query = ListQuery::new().with_range(since, until).with_order(order);
        let mut ids = Vec::new();
        let mut seen_sizes = Vec::new();
        loop {
            let page = provider.list_threads(&query).await.unwrap();
            seen_sizes.push(page.items.len());
            ids.extend(page.items.into_iter().map(|t| t.id));
            match page.next {
                Some(next) => query = query.with_cursor(next),
                None => break,
            }
        }
        assert_eq!(ids, expected, "{order:?}");
        // A page is a window; the empty window is skipped inside the call that reaches it.
        assert_eq!(seen_sizes, sizes, "{order:?}");
    }
    assert_eq!(other.calls_async().await, 0);
}

#[tokio::test]
async fn the_stream_ends_after_the_first_error() {
    let server = MockServer::start_async().await;
    let broken = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v2/ai_threads")
                .query_param("date_start", (S + 2 * W - 1).to_string());
            then.status(500).body("boom");
        })
        .await;
    let (_pages, _) = mock_windows(&server).await;
    let client = client_with(&server, transport().with_retry(RetryPolicy::never()));
    let items: Vec<_> = client
        .ai_threads(range(), ThreadFilters::new())
        .collect()
        .await;
    assert_eq!(
        items.len(),
        61,
        "60 threads of the first window, then the error"
    );
    assert!(items[..60].iter().all(Result::is_ok));
    let err = items[60].as_ref().unwrap_err();
    assert_eq!(err.status(), Some(500));
    broken.assert_calls_async(1).await;
}

#[tokio::test]
async fn bad_ranges_and_filters_fail_first_without_a_request() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200);
        })
        .await;
    let client: RevCentClient = client(&server);
    let (start, end) = range().into_inner();
    for (range, filters) in [
        (end..=start, ThreadFilters::new()),
        (start..=end, ThreadFilters::new().with_limit(0)),
        (
            start..=end,
            ThreadFilters::new().with_ai_assistants(["nope"]),
        ),
    ] {
        let items: Vec<_> = client.ai_threads(range, filters).collect().await;
        assert_eq!(items.len(), 1);
        assert!(items[0].as_ref().unwrap_err().is_invalid_input());
    }
    assert_eq!(any.calls_async().await, 0);
}
