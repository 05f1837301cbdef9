//! The exact request of every operation (method, path, query, headers, body), against httpmock.

use crate::common;

use aithreads_core::Order;
use aithreads_openai_chatkit::{
    ChatKitClient, ChatKitConfig, CreateChatSessionBody, ExpiresAfterParam, ListItemsParams,
    ListThreadsParams, ThreadItem, ThreadStatus,
};
use common::{KEY, client, fast_transport, fixture, schema_example, seed_examples};
use httpmock::prelude::*;
use httpmock::{HttpMockRequest, Then, When};
use serde_json::{Value, json};

/// The headers every ChatKit request carries.
fn documented(when: When) -> When {
    when.header("authorization", format!("Bearer {KEY}"))
        .header("openai-beta", "chatkit_beta=v1")
        .header("accept", "application/json")
        .header_missing("openai-organization")
        .header_missing("openai-project")
}

/// Matches the query exactly: these pairs, in this order, and nothing else.
fn exact_query(
    expected: &[(&str, &str)],
) -> impl Fn(&HttpMockRequest) -> bool + Send + Sync + 'static {
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |req| req.query_params() == expected
}

fn json(then: Then, body: Value) -> Then {
    then.status(200)
        .header("content-type", "application/json")
        .header("x-request-id", "req_123")
        .json_body(body)
}

fn base(server: &MockServer) -> String {
    server.url("/v1")
}

fn session_example() -> Value {
    let mut session = schema_example("ChatSessionResource");
    session["workflow"]["state_variables"] = Value::Null;
    session["workflow"]["tracing"] = json!({"enabled": true});
    session
}

#[tokio::test]
async fn get_thread_sends_the_documented_request() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            documented(when.method(GET).path("/v1/chatkit/threads/cthr_def456"))
                .is_true(exact_query(&[]))
                .is_true(|req| req.body_ref().is_empty());
            json(then, seed_examples()[1].clone());
        })
        .await;
    let thread = client(&base(&server))
        .retrieve_chatkit_thread("cthr_def456")
        .await
        .unwrap();
    assert_eq!(thread.id, "cthr_def456");
    assert!(matches!(thread.status, ThreadStatus::Active(_)));
    mock.assert_async().await;
}

#[tokio::test]
async fn delete_thread_sends_a_delete() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            documented(when.method(DELETE).path("/v1/chatkit/threads/cthr_abc123"))
                .is_true(exact_query(&[]))
                .body("");
            json(
                then,
                json!({"id": "cthr_abc123", "object": "chatkit.thread.deleted", "deleted": true}),
            );
        })
        .await;
    let deleted = client(&base(&server))
        .delete_chatkit_thread("cthr_abc123")
        .await
        .unwrap();
    assert_eq!(deleted.id, "cthr_abc123");
    assert!(deleted.deleted);
    mock.assert_async().await;
}

#[tokio::test]
async fn list_threads_sends_every_parameter_in_the_sdk_order() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            documented(when.method(GET).path("/v1/chatkit/threads"))
                .is_true(exact_query(&[
                    ("after", "cthr_a"),
                    ("before", "cthr_b"),
                    ("limit", "100"),
                    ("order", "asc"),
                    ("user", "user 1&role=admin"),
                ]))
                // Reserved characters of the user filter are encoded, not interpreted.
                .query_param_count("user", ".*", 1);
            json(then, fixture("thread_list.json"));
        })
        .await;
    let params = ListThreadsParams::new()
        .with_after("cthr_a")
        .with_before("cthr_b")
        .with_limit(100)
        .with_order(Order::Asc)
        .with_user("user 1&role=admin");
    let page = client(&base(&server))
        .list_chatkit_threads(&params)
        .await
        .unwrap();
    assert_eq!(page.data.len(), 5);
    mock.assert_async().await;
}

#[tokio::test]
async fn list_threads_without_parameters_sends_no_query() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            documented(when.method(GET).path("/v1/chatkit/threads"))
                .is_true(|req| req.uri().query().is_none());
            json(then, fixture("thread_list.json"));
        })
        .await;
    client(&base(&server))
        .list_chatkit_threads(&ListThreadsParams::new())
        .await
        .unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn list_items_sends_the_thread_path_and_cursor_parameters() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            documented(
                when.method(GET)
                    .path("/v1/chatkit/threads/cthr_abc123/items"),
            )
            .is_true(exact_query(&[
                ("after", "cthi_user_001"),
                ("limit", "3"),
                ("order", "desc"),
            ]));
            json(then, fixture("thread_items.json"));
        })
        .await;
    let params = ListItemsParams::new()
        .with_after("cthi_user_001")
        .with_limit(3)
        .with_order(Order::Desc);
    let page = client(&base(&server))
        .list_chatkit_thread_items("cthr_abc123", &params)
        .await
        .unwrap();
    assert!(matches!(page.data[0], ThreadItem::UserMessage(_)));
    mock.assert_async().await;
}

#[tokio::test]
async fn create_session_posts_the_json_body() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            documented(when.method(POST).path("/v1/chatkit/sessions"))
                .is_true(exact_query(&[]))
                .header("content-type", "application/json")
                .json_body(json!({
                    "workflow": {"id": "workflow_alpha", "version": "2024-10-01"},
                    "user": "user_789",
                    "expires_after": {"anchor": "created_at", "seconds": 120}
                }));
            json(then, session_example());
        })
        .await;
    let mut body = CreateChatSessionBody::new("workflow_alpha", "user_789");
    body.workflow.version = Some("2024-10-01".into());
    body.expires_after = Some(ExpiresAfterParam::after_creation(120));
    let session = client(&base(&server))
        .create_chatkit_session(&body)
        .await
        .unwrap();
    assert_eq!(session.id, "cksess_123");
    assert_eq!(session.client_secret, "ek_token_123");
    mock.assert_async().await;
}

#[tokio::test]
async fn cancel_session_posts_without_a_body() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            documented(
                when.method(POST)
                    .path("/v1/chatkit/sessions/cksess_123/cancel"),
            )
            .is_true(exact_query(&[]))
            .header_missing("content-type")
            .body("");
            json(then, session_example());
        })
        .await;
    let session = client(&base(&server))
        .cancel_chatkit_session("cksess_123")
        .await
        .unwrap();
    assert_eq!(session.id, "cksess_123");
    mock.assert_async().await;
}

#[tokio::test]
async fn organization_and_project_headers_are_sent_when_configured() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1/chatkit/threads/cthr_def456")
                .header("authorization", format!("Bearer {KEY}"))
                .header("openai-beta", "chatkit_beta=v1")
                .header("openai-organization", "org-123")
                .header("openai-project", "proj_456");
            json(then, seed_examples()[1].clone());
        })
        .await;
    let client = ChatKitClient::new(
        ChatKitConfig::default()
            .with_api_key(KEY)
            .with_base_url(base(&server))
            .with_organization("org-123")
            .with_project("proj_456")
            .with_transport(fast_transport()),
    )
    .unwrap();
    client.retrieve_chatkit_thread("cthr_def456").await.unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn from_vars_configuration_reaches_the_wire() {
    let server = MockServer::start_async().await;
    let url = base(&server);
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1/chatkit/threads")
                .header("authorization", "Bearer sk-from-env")
                .header("openai-project", "proj_env");
            json(then, fixture("thread_list.json"));
        })
        .await;
    let config = ChatKitConfig::from_vars(|name| match name {
        "OPENAI_API_KEY" => Some("sk-from-env".into()),
        "OPENAI_PROJECT_ID" => Some("proj_env".into()),
        "OPENAI_BASE_URL" => Some(url.clone()),
        _ => None,
    })
    .unwrap();
    ChatKitClient::new(config)
        .unwrap()
        .list_chatkit_threads(&ListThreadsParams::new())
        .await
        .unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn invalid_input_is_refused_before_any_request() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(500);
        })
        .await;
    let client = client(&base(&server));
    for id in [
        "",
        "a/b",
        "a?b",
        "a#b",
        "a%2Fb",
        "a b",
        "..",
        "cthr_\u{0}",
        "é",
    ] {
        assert!(
            client
                .retrieve_chatkit_thread(id)
                .await
                .unwrap_err()
                .is_invalid_input(),
            "{id:?}"
        );
        assert!(
            client
                .delete_chatkit_thread(id)
                .await
                .unwrap_err()
                .is_invalid_input(),
            "{id:?}"
        );
        assert!(
            client
                .list_chatkit_thread_items(id, &ListItemsParams::new())
                .await
                .unwrap_err()
                .is_invalid_input()
        );
        assert!(
            client
                .cancel_chatkit_session(id)
                .await
                .unwrap_err()
                .is_invalid_input()
        );
    }
    let bad_lists = [
        ListThreadsParams::new().with_limit(101),
        ListThreadsParams::new().with_user(""),
        ListThreadsParams::new().with_user("u".repeat(513)),
        ListThreadsParams::new().with_after("cthr a"),
    ];
    for params in bad_lists {
        assert!(
            client
                .list_chatkit_threads(&params)
                .await
                .unwrap_err()
                .is_invalid_input()
        );
    }
    let mut body = CreateChatSessionBody::new("wf", "u");
    body.expires_after = Some(ExpiresAfterParam::after_creation(601));
    assert!(
        client
            .create_chatkit_session(&body)
            .await
            .unwrap_err()
            .is_invalid_input()
    );
    assert_eq!(any.calls_async().await, 0);
}
