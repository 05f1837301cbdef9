//! A server that lies about paging or answers with an empty success: every walk ends, with a
//! typed error naming the window, no thread is yielded twice, and nothing that is not the
//! documented success counts as one (loopback httpmock servers misbehaving exactly so).

use crate::common;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use aithreads_revcent::ThreadFilters;
use aithreads_revcent::core::transport::RetryPolicy;
use common::*;
use futures::StreamExt;
use httpmock::prelude::*;
use serde_json::json;
use time::OffsetDateTime;

const S: i64 = 1_759_000_000;

fn one_window() -> std::ops::RangeInclusive<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp(S).unwrap()
        ..=OffsetDateTime::from_unix_timestamp(S + 86_400).unwrap()
}

fn page_body(ids: std::ops::Range<usize>, total_count: i64, total_pages: i64) -> String {
    let results: Vec<_> = ids
        .map(|n| json!({"id": format!("h{n:0>19}"), "created_date_unix": S + n as i64, "status": "Running"}))
        .collect();
    json!({
        "api_call_id": "Lq3mT2vLp9Rk4sNw8ZbD", "api_call_unix": S, "code": 1,
        "current_count": results.len(), "current_page": 1, "results": results,
        "total_count": total_count, "total_pages": total_pages,
    })
    .to_string()
}

/// Walks the window to its end, within a time bound; returns the threads and the error.
async fn walk(server: &MockServer) -> (Vec<String>, aithreads_revcent::Error) {
    let client = client_with(server, transport().with_retry(RetryPolicy::never()));
    let started = Instant::now();
    let items: Vec<_> = tokio::time::timeout(
        Duration::from_secs(10),
        client
            .ai_threads(one_window(), ThreadFilters::new())
            .collect::<Vec<_>>(),
    )
    .await
    .expect("the walk ended");
    assert!(started.elapsed() < Duration::from_secs(5));
    let (ok, errors): (Vec<_>, Vec<_>) = items.into_iter().partition(Result::is_ok);
    let ids: Vec<String> = ok.into_iter().map(|t| t.unwrap().id.unwrap()).collect();
    let unique: HashSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "a thread was yielded twice");
    assert_eq!(errors.len(), 1, "the stream ends after its one error");
    (ids, errors.into_iter().next().unwrap().unwrap_err())
}

#[tokio::test]
async fn endless_pages_of_the_same_results_end_with_an_error_naming_the_page() {
    let server = MockServer::start_async().await;
    let same = server
        .mock_async(|when, then| {
            when.method(GET).path("/v2/ai_threads");
            then.status(200)
                .header("content-type", "application/json")
                .body(page_body(0..25, 100, 2_147_483_648));
        })
        .await;
    let (ids, err) = walk(&server).await;
    assert_eq!(ids.len(), 25, "the first page, once: {ids:?}");
    assert!(err.is_provider_error(), "{err:?}");
    let text = err.to_string();
    assert!(text.starts_with("revcent: "), "{text}");
    assert!(
        text.contains("page 2 of window date_start=1758999999"),
        "{text}"
    );
    // Bounded by what the server reported: 100 threads are 4 pages (and page 0, to learn
    // the page base), never 2^31.
    assert!(same.calls_async().await <= 5);
}

#[tokio::test]
async fn a_window_claiming_billions_of_threads_is_refused_after_one_request() {
    let server = MockServer::start_async().await;
    let huge = server
        .mock_async(|when, then| {
            when.method(GET).path("/v2/ai_threads");
            then.status(200)
                .header("content-type", "application/json")
                .body(page_body(0..25, 25 * 2_147_483_648, 2_147_483_648));
        })
        .await;
    let (_, err) = walk(&server).await;
    assert!(err.to_string().contains("more than the 100000"), "{err}");
    assert_eq!(huge.calls_async().await, 1);
}

/// Page 2 empty, or overlapping page 1 (as pages shift while threads are cancelled): either
/// way the window is walked twice, then ends with both counts.
#[tokio::test]
async fn a_window_that_never_adds_up_ends_with_both_counts() {
    for second_page in [0..0, 20..25] {
        a_window_that_never_adds_up(second_page).await;
    }
}

async fn a_window_that_never_adds_up(second_page: std::ops::Range<usize>) {
    let server = MockServer::start_async().await;
    let first = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v2/ai_threads")
                .query_param("page", "1");
            then.status(200)
                .header("content-type", "application/json")
                .body(page_body(0..25, 30, 2));
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v2/ai_threads")
                .query_param("page", "2");
            then.status(200)
                .header("content-type", "application/json")
                .body(page_body(second_page.clone(), 30, 2));
        })
        .await;
    let zero = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v2/ai_threads")
                .query_param("page", "0");
            then.status(400)
                .header("content-type", "application/json")
                .body(error_body("bad_page"));
        })
        .await;
    let (ids, err) = walk(&server).await;
    assert_eq!(ids.len(), 25, "what was listed, once, then the error");
    let text = err.to_string();
    assert!(text.contains("listed 25 distinct threads"), "{text}");
    assert!(text.contains("report 30"), "{text}");
    assert!(
        text.contains("window date_start=1758999999 date_end=1759086401"),
        "{text}"
    );
    // The first pass, page 0 once, the second pass: never more.
    assert_eq!(first.calls_async().await, 2);
    assert_eq!(second.calls_async().await, 2);
    assert_eq!(zero.calls_async().await, 1);
}

#[tokio::test]
async fn an_empty_success_is_never_a_listing() {
    for body in [
        "{}",
        r#"{"ok":true}"#,
        r#"{"code":1}"#,
        r#"{"code":1,"results":[]}"#,
    ] {
        let server = MockServer::start_async().await;
        server
            .mock_async(|when, then| {
                when.method(GET).path("/v2/ai_threads");
                then.status(200)
                    .header("content-type", "application/json")
                    .body(body);
            })
            .await;
        let (ids, err) = walk(&server).await;
        assert!(ids.is_empty());
        assert!(err.is_decode(), "{body}: {err:?}");
    }
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v2/ai_threads");
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"code":1,"results":[{"status":"Running"}],"total_count":1,"total_pages":1}"#);
        })
        .await;
    let (_, err) = walk(&server).await;
    assert!(err.to_string().contains("results[0] has no `id`"), "{err}");
}

#[tokio::test]
async fn an_empty_or_foreign_thread_is_never_a_get() {
    for (body, says) in [
        ("{}", "no `code`"),
        (r#"{"ok":true}"#, "no `code`"),
        (r#"{"code":1}"#, "no thread `id`"),
        (
            r#"{"code":1,"id":"Zz99dLq0PzR7mNs4TbVa","status":"Running"}"#,
            "RevCent answered thread Zz99dLq0PzR7mNs4TbVa",
        ),
    ] {
        let server = MockServer::start_async().await;
        server
            .mock_async(|when, then| {
                when.method(GET).path(format!("/v2/ai_threads/{THREAD_ID}"));
                then.status(200)
                    .header("content-type", "application/json")
                    .body(body);
            })
            .await;
        let client = client_with(&server, transport().with_retry(RetryPolicy::never()));
        let err = client.get_ai_thread(THREAD_ID).await.unwrap_err();
        assert!(err.is_decode(), "{body}: {err:?}");
        assert!(err.to_string().contains(says), "{body}: {err}");
    }
}

#[tokio::test]
async fn a_server_ignoring_the_range_still_yields_each_thread_once_from_its_own_window() {
    let server = MockServer::start_async().await;
    let thread = |id: &str, created: Option<i64>| {
        let mut thread = json!({"id": id, "status": "Complete"});
        if let Some(created) = created {
            thread["created_date_unix"] = json!(created);
        }
        thread
    };
    let results = [
        thread("Un1datedThread000000", None),
        thread("FirstWindowThread000", Some(S + 10)),
        thread("SecondWindowThread00", Some(S + 2 * 86_400 + 10)),
        thread("BeforeTheRange000000", Some(S - 100)),
    ];
    // Every window, every page: the same four threads, whatever was asked.
    let every = server
        .mock_async(|when, then| {
            when.method(GET).path("/v2/ai_threads");
            then.status(200)
                .header("content-type", "application/json")
                .json_body(json!({
                    "api_call_id": "Lq3mT2vLp9Rk4sNw8ZbD", "api_call_unix": S, "code": 1,
                    "current_count": 4, "current_page": 1, "results": results,
                    "total_count": 4, "total_pages": 1,
                }));
        })
        .await;
    let client = client_with(&server, transport().with_retry(RetryPolicy::never()));
    let range = OffsetDateTime::from_unix_timestamp(S).unwrap()
        ..=OffsetDateTime::from_unix_timestamp(S + 3 * 86_400).unwrap();
    let ids: Vec<String> = client
        .ai_threads(range, ThreadFilters::new())
        .map(|t| t.unwrap().id.unwrap())
        .collect()
        .await;
    assert_eq!(
        ids,
        [
            "Un1datedThread000000",
            "FirstWindowThread000",
            "SecondWindowThread00"
        ],
        "each thread from the window its creation second belongs to, the undated one once, none from before the range"
    );
    // Two windows, one page each, and page 0 once to learn the page base.
    assert_eq!(every.calls_async().await, 3);
}
