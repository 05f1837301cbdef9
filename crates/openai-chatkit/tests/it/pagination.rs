//! Cursor pagination against httpmock: every page fetched exactly once, in both orders,
//! forward and backward, and the trait's listing on top of it.

use crate::common;

use std::sync::Arc;

use aithreads_core::{ListQuery, Order, Status, ThreadProvider};
use aithreads_openai_chatkit::{ListItemsParams, ListThreadsParams, ThreadItem};
use common::client;
use futures::{StreamExt, TryStreamExt};
use httpmock::prelude::*;
use httpmock::{HttpMockRequest, Mock};
use serde_json::{Value, json};

fn thread(id: &str, created_at: i64, status: &str) -> Value {
    json!({"id": id, "object": "chatkit.thread", "created_at": created_at, "title": null,
           "status": {"type": status, "reason": null}, "user": "user_1"})
}

fn item(id: &str, created_at: i64) -> Value {
    json!({"id": id, "object": "chatkit.thread_item", "created_at": created_at,
           "thread_id": "cthr_1", "type": "chatkit.widget", "widget": "{}"})
}

fn list(data: Vec<Value>, has_more: bool) -> Value {
    let first = data.first().map(|v| v["id"].clone()).unwrap_or(Value::Null);
    let last = data.last().map(|v| v["id"].clone()).unwrap_or(Value::Null);
    json!({"object": "list", "data": data, "first_id": first, "last_id": last, "has_more": has_more})
}

/// Matches exactly these query pairs in this order.
fn query_is(
    expected: Vec<(&str, &str)>,
) -> impl Fn(&HttpMockRequest) -> bool + Send + Sync + 'static {
    let expected: Vec<(String, String)> = expected
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    move |req| req.query_params() == expected
}

/// Mocks `path` answering `body` to exactly the query `query`.
async fn page<'a>(
    server: &'a MockServer,
    path: &str,
    query: Vec<(&str, &str)>,
    body: Value,
) -> Mock<'a> {
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path(path.to_owned())
                .header("openai-beta", "chatkit_beta=v1")
                .is_true(query_is(query));
            then.status(200)
                .header("content-type", "application/json")
                .json_body(body);
        })
        .await
}

async fn assert_each_hit_once(mocks: &[Mock<'_>]) {
    for mock in mocks {
        assert_eq!(mock.calls_async().await, 1);
    }
}

#[tokio::test]
async fn threads_walks_every_page_once_newest_first() {
    let server = MockServer::start_async().await;
    let path = "/v1/chatkit/threads";
    let mocks = [
        page(
            &server,
            path,
            vec![("limit", "2"), ("order", "desc")],
            list(
                vec![
                    thread("cthr_5", 50, "active"),
                    thread("cthr_4", 40, "active"),
                ],
                true,
            ),
        )
        .await,
        page(
            &server,
            path,
            vec![("after", "cthr_4"), ("limit", "2"), ("order", "desc")],
            list(
                vec![
                    thread("cthr_3", 30, "locked"),
                    thread("cthr_2", 20, "closed"),
                ],
                true,
            ),
        )
        .await,
        page(
            &server,
            path,
            vec![("after", "cthr_2"), ("limit", "2"), ("order", "desc")],
            list(vec![thread("cthr_1", 10, "active")], false),
        )
        .await,
    ];
    let ids: Vec<String> = client(&server.url("/v1"))
        .chatkit_threads(
            ListThreadsParams::new()
                .with_limit(2)
                .with_order(Order::Desc),
        )
        .map_ok(|t| t.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["cthr_5", "cthr_4", "cthr_3", "cthr_2", "cthr_1"]);
    assert_each_hit_once(&mocks).await;
}

#[tokio::test]
async fn threads_walks_every_page_once_oldest_first_keeping_the_user_filter() {
    let server = MockServer::start_async().await;
    let path = "/v1/chatkit/threads";
    let mocks = [
        page(
            &server,
            path,
            vec![("limit", "2"), ("order", "asc"), ("user", "user_1")],
            list(
                vec![
                    thread("cthr_1", 10, "active"),
                    thread("cthr_2", 20, "active"),
                ],
                true,
            ),
        )
        .await,
        page(
            &server,
            path,
            vec![
                ("after", "cthr_2"),
                ("limit", "2"),
                ("order", "asc"),
                ("user", "user_1"),
            ],
            list(
                vec![
                    thread("cthr_3", 30, "active"),
                    thread("cthr_4", 40, "active"),
                ],
                true,
            ),
        )
        .await,
        page(
            &server,
            path,
            vec![
                ("after", "cthr_4"),
                ("limit", "2"),
                ("order", "asc"),
                ("user", "user_1"),
            ],
            list(vec![thread("cthr_5", 50, "active")], false),
        )
        .await,
    ];
    let ids: Vec<String> = client(&server.url("/v1"))
        .chatkit_threads(
            ListThreadsParams::new()
                .with_limit(2)
                .with_order(Order::Asc)
                .with_user("user_1"),
        )
        .map_ok(|t| t.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["cthr_1", "cthr_2", "cthr_3", "cthr_4", "cthr_5"]);
    assert_each_hit_once(&mocks).await;
}

#[tokio::test]
async fn items_walk_every_page_once_in_both_orders() {
    let server = MockServer::start_async().await;
    let path = "/v1/chatkit/threads/cthr_1/items";
    let mocks = [
        page(
            &server,
            path,
            vec![("order", "asc")],
            list(vec![item("cthi_1", 1), item("cthi_2", 2)], true),
        )
        .await,
        page(
            &server,
            path,
            vec![("after", "cthi_2"), ("order", "asc")],
            list(vec![item("cthi_3", 3)], false),
        )
        .await,
        page(
            &server,
            path,
            vec![("order", "desc")],
            list(vec![item("cthi_3", 3), item("cthi_2", 2)], true),
        )
        .await,
        page(
            &server,
            path,
            vec![("after", "cthi_2"), ("order", "desc")],
            list(vec![item("cthi_1", 1)], false),
        )
        .await,
    ];
    let client = client(&server.url("/v1"));
    for (order, expected) in [
        (Order::Asc, ["cthi_1", "cthi_2", "cthi_3"]),
        (Order::Desc, ["cthi_3", "cthi_2", "cthi_1"]),
    ] {
        let items: Vec<ThreadItem> = client
            .chatkit_thread_items("cthr_1", ListItemsParams::new().with_order(order))
            .try_collect()
            .await
            .unwrap();
        let ids: Vec<String> = items
            .iter()
            .map(|i| {
                serde_json::to_value(i).unwrap()["id"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert_eq!(ids, expected);
    }
    assert_each_hit_once(&mocks).await;
}

#[tokio::test]
async fn before_alone_walks_backward_away_from_the_cursor() {
    let server = MockServer::start_async().await;
    let path = "/v1/chatkit/threads";
    // Newest first, before cthr_2: the page closest to it is [cthr_4, cthr_3], then further
    // away [cthr_6, cthr_5].
    let mocks = [
        page(
            &server,
            path,
            vec![("before", "cthr_2"), ("limit", "2")],
            list(
                vec![
                    thread("cthr_4", 40, "active"),
                    thread("cthr_3", 30, "active"),
                ],
                true,
            ),
        )
        .await,
        page(
            &server,
            path,
            vec![("before", "cthr_4"), ("limit", "2")],
            list(
                vec![
                    thread("cthr_6", 60, "active"),
                    thread("cthr_5", 50, "active"),
                ],
                false,
            ),
        )
        .await,
    ];
    let ids: Vec<String> = client(&server.url("/v1"))
        .chatkit_threads(ListThreadsParams::new().with_before("cthr_2").with_limit(2))
        .map_ok(|t| t.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["cthr_3", "cthr_4", "cthr_5", "cthr_6"]);
    assert_each_hit_once(&mocks).await;
}

#[tokio::test]
async fn an_empty_page_ends_the_walk_even_if_more_is_announced() {
    let server = MockServer::start_async().await;
    let only = page(
        &server,
        "/v1/chatkit/threads",
        vec![("limit", "0")],
        list(vec![], true),
    )
    .await;
    let all: Vec<_> = client(&server.url("/v1"))
        .chatkit_threads(ListThreadsParams::new().with_limit(0))
        .collect()
        .await;
    assert!(all.is_empty());
    assert_eq!(only.calls_async().await, 1);
}

#[tokio::test]
async fn invalid_parameters_yield_one_error_and_send_nothing() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(500);
        })
        .await;
    let client = client(&server.url("/v1"));
    let threads: Vec<_> = client
        .chatkit_threads(ListThreadsParams::new().with_limit(500))
        .collect()
        .await;
    assert_eq!(threads.len(), 1);
    assert!(threads[0].as_ref().unwrap_err().is_invalid_input());
    let items: Vec<_> = client
        .chatkit_thread_items("a/b", ListItemsParams::new())
        .collect()
        .await;
    assert_eq!(items.len(), 1);
    assert!(items[0].as_ref().unwrap_err().is_invalid_input());
    assert_eq!(any.calls_async().await, 0);
}

#[tokio::test]
async fn the_trait_stream_follows_after_cursors_and_maps_statuses() {
    let server = MockServer::start_async().await;
    let path = "/v1/chatkit/threads";
    let mocks = [
        page(
            &server,
            path,
            vec![("limit", "2"), ("user", "user_1")],
            list(
                vec![
                    thread("cthr_3", 30, "active"),
                    thread("cthr_2", 20, "locked"),
                ],
                true,
            ),
        )
        .await,
        page(
            &server,
            path,
            vec![("after", "cthr_2"), ("limit", "2"), ("user", "user_1")],
            list(vec![thread("cthr_1", 10, "closed")], false),
        )
        .await,
    ];
    let provider: Arc<dyn ThreadProvider> = Arc::new(client(&server.url("/v1")));
    let threads: Vec<_> = provider
        .threads(ListQuery::new().with_user("user_1").with_limit(2))
        .try_collect()
        .await
        .unwrap();
    let got: Vec<(&str, Status)> = threads.iter().map(|t| (t.id.as_str(), t.status)).collect();
    assert_eq!(
        got,
        [
            ("cthr_3", Status::Running),
            ("cthr_2", Status::Locked),
            ("cthr_1", Status::Completed)
        ]
    );
    assert!(
        threads.iter().all(|t| t.messages.is_empty()),
        "listings carry no items"
    );
    assert_each_hit_once(&mocks).await;
}

#[tokio::test]
async fn the_trait_filters_time_and_status_and_stops_once_past_the_range() {
    use time::OffsetDateTime;
    let at = |s| OffsetDateTime::from_unix_timestamp(s).unwrap();
    let server = MockServer::start_async().await;
    let path = "/v1/chatkit/threads";
    // Newest first; the range is [20, 45]. The first page holds one thread too new; the
    // second reaches one older than 20, so no third page is asked for even though
    // `has_more` says there is one.
    let mocks = [
        page(
            &server,
            path,
            vec![("limit", "3")],
            list(
                vec![
                    thread("cthr_5", 50, "active"),
                    thread("cthr_4", 40, "active"),
                    thread("cthr_3", 30, "locked"),
                ],
                true,
            ),
        )
        .await,
        page(
            &server,
            path,
            vec![("after", "cthr_3"), ("limit", "3")],
            list(
                vec![
                    thread("cthr_2", 20, "active"),
                    thread("cthr_1", 10, "active"),
                    thread("cthr_0", 5, "active"),
                ],
                true,
            ),
        )
        .await,
    ];
    let provider: Arc<dyn ThreadProvider> = Arc::new(client(&server.url("/v1")));
    let query = ListQuery::new().with_range(at(20), at(45)).with_limit(3);
    let ids: Vec<String> = provider
        .clone()
        .threads(query.clone())
        .map_ok(|t| t.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["cthr_4", "cthr_3", "cthr_2"]);
    assert_each_hit_once(&mocks).await;

    let first = provider
        .list_threads(&query.clone().with_statuses([Status::Locked]))
        .await
        .unwrap();
    let ids: Vec<&str> = first.items.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["cthr_3"]);
    assert_eq!(first.next.as_deref(), Some("cthr_3"));
}
