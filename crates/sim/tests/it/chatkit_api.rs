//! The simulated ChatKit API seen from plain HTTP: every answer checked against OpenAI's
//! published schema, the auth and beta-header checks, errors, cursors and seeding.

use std::collections::BTreeSet;
use std::path::PathBuf;

use aithreads_sim::{SimConfig, Simulator};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const BETA: (&str, &str) = ("openai-beta", "chatkit_beta=v1");

async fn start(threads: usize) -> Simulator {
    Simulator::start(SimConfig::default().with_threads(threads).with_seed(3))
        .await
        .unwrap()
}

fn key(sim: &Simulator) -> String {
    sim.sim().config.credentials.openai_api_key.clone()
}

struct Answer {
    status: StatusCode,
    request_id: Option<String>,
    body: Value,
}

async fn send(
    sim: &Simulator,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> Answer {
    let mut request = reqwest::Client::new().request(method, format!("{}{path}", sim.base_url()));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let request_id = response
        .headers()
        .get("x-request-id")
        .map(|v| v.to_str().unwrap().to_owned());
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"));
    Answer {
        status,
        request_id,
        body,
    }
}

/// An authorised request with the beta header.
async fn call(sim: &Simulator, method: Method, path: &str, body: Option<Value>) -> Answer {
    let auth = format!("Bearer {}", key(sim));
    send(sim, method, path, &[("authorization", &auth), BETA], body).await
}

fn spec() -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../specs/openai-chatkit/chatkit.openapi.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn assert_schema(spec: &Value, name: &str, instance: &Value) {
    let schema =
        json!({"$ref": format!("#/components/schemas/{name}"), "components": spec["components"]});
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "not a {name}: {errors:#?}\n{instance:#}");
}

#[tokio::test]
async fn every_answer_follows_the_published_schema() {
    let sim = start(25).await;
    let spec = spec();
    let list = call(&sim, Method::GET, "/v1/chatkit/threads?limit=100", None).await;
    assert_eq!(list.status, StatusCode::OK);
    assert_schema(&spec, "ThreadListResource", &list.body);
    let mut statuses = BTreeSet::new();
    let mut item_types = BTreeSet::new();
    for thread in list.body["data"].as_array().unwrap() {
        let id = thread["id"].as_str().unwrap();
        let one = call(
            &sim,
            Method::GET,
            &format!("/v1/chatkit/threads/{id}"),
            None,
        )
        .await;
        assert_schema(&spec, "ThreadResource", &one.body);
        assert_eq!(&one.body, thread);
        statuses.insert(thread["status"]["type"].as_str().unwrap().to_owned());
        let items = call(
            &sim,
            Method::GET,
            &format!("/v1/chatkit/threads/{id}/items?limit=100"),
            None,
        )
        .await;
        assert_schema(&spec, "ThreadItemListResource", &items.body);
        for item in items.body["data"].as_array().unwrap() {
            assert_eq!(item["thread_id"], thread["id"]);
            item_types.insert(item["type"].as_str().unwrap().to_owned());
        }
    }
    assert_eq!(
        statuses,
        ["active", "closed", "locked"].map(String::from).into()
    );
    assert_eq!(
        item_types,
        [
            "chatkit.assistant_message",
            "chatkit.client_tool_call",
            "chatkit.task",
            "chatkit.task_group",
            "chatkit.user_message",
            "chatkit.widget"
        ]
        .map(String::from)
        .into()
    );

    let id = list.body["data"][0]["id"].as_str().unwrap().to_owned();
    let deleted = call(
        &sim,
        Method::DELETE,
        &format!("/v1/chatkit/threads/{id}"),
        None,
    )
    .await;
    assert_schema(&spec, "DeletedThreadResource", &deleted.body);
    assert_eq!(
        deleted.body,
        json!({"id": id, "object": "chatkit.thread.deleted", "deleted": true})
    );
    let gone = call(
        &sim,
        Method::GET,
        &format!("/v1/chatkit/threads/{id}"),
        None,
    )
    .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert_schema(&spec, "ErrorResponse", &gone.body);

    let session = call(
        &sim,
        Method::POST,
        "/v1/chatkit/sessions",
        Some(json!({"workflow": {"id": "wf_1"}, "user": "user_alice"})),
    )
    .await;
    assert_eq!(session.status, StatusCode::OK);
    assert_schema(&spec, "ChatSessionResource", &session.body);
    let sid = session.body["id"].as_str().unwrap();
    let cancelled = call(
        &sim,
        Method::POST,
        &format!("/v1/chatkit/sessions/{sid}/cancel"),
        None,
    )
    .await;
    assert_schema(&spec, "ChatSessionResource", &cancelled.body);
    assert_eq!(cancelled.body["status"], "cancelled");
}

#[tokio::test]
async fn keys_and_the_beta_header_are_checked_like_openai() {
    let sim = start(1).await;
    let path = "/v1/chatkit/threads";
    let missing = send(&sim, Method::GET, path, &[BETA], None).await;
    assert_eq!(missing.status, StatusCode::UNAUTHORIZED);
    assert!(
        missing.body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("You didn't provide an API key")
    );
    assert_eq!(missing.body["error"]["code"], Value::Null);

    let wrong = send(
        &sim,
        Method::GET,
        path,
        &[("authorization", "Bearer sk-nope-123456789"), BETA],
        None,
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.body["error"]["code"], "invalid_api_key");
    assert_eq!(wrong.body["error"]["type"], "invalid_request_error");
    assert!(!wrong.body.to_string().contains("sk-nope-123456789"));

    let auth = format!("Bearer {}", key(&sim));
    let no_beta = send(&sim, Method::GET, path, &[("authorization", &auth)], None).await;
    assert_eq!(no_beta.status, StatusCode::BAD_REQUEST);
    assert_eq!(no_beta.body["error"]["code"], "invalid_beta");
    assert!(
        no_beta.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("'OpenAI-Beta'")
    );

    let other_beta = send(
        &sim,
        Method::GET,
        path,
        &[("authorization", &auth), ("openai-beta", "assistants=v2")],
        None,
    )
    .await;
    assert_eq!(other_beta.status, StatusCode::BAD_REQUEST);
    let several = send(
        &sim,
        Method::GET,
        path,
        &[
            ("authorization", &auth),
            ("openai-beta", "assistants=v2, chatkit_beta=v1"),
        ],
        None,
    )
    .await;
    assert_eq!(several.status, StatusCode::OK);
    for answer in [missing, wrong, no_beta, several] {
        assert!(
            answer
                .request_id
                .is_some_and(|id| id.starts_with("req_") && id.len() == 36)
        );
    }
}

#[tokio::test]
async fn bad_queries_bodies_and_urls_get_openai_errors() {
    let sim = start(3).await;
    let cases = [
        (
            Method::GET,
            "/v1/chatkit/threads?limit=101",
            None,
            400,
            Some("integer_above_max_value"),
            Some("limit"),
        ),
        (
            Method::GET,
            "/v1/chatkit/threads?order=newest",
            None,
            400,
            Some("invalid_value"),
            Some("order"),
        ),
        (
            Method::GET,
            "/v1/chatkit/threads?user=",
            None,
            400,
            Some("string_below_min_length"),
            Some("user"),
        ),
        (
            Method::GET,
            "/v1/chatkit/threads?after=cthr_unknown",
            None,
            400,
            None,
            Some("after"),
        ),
        (
            Method::GET,
            "/v1/chatkit/threads/cthr_unknown/items",
            None,
            404,
            None,
            None,
        ),
        (
            Method::POST,
            "/v1/chatkit/sessions",
            Some(json!({"workflow": {"id": "wf"}})),
            400,
            Some("missing_required_parameter"),
            Some("user"),
        ),
        (
            Method::POST,
            "/v1/chatkit/sessions",
            Some(json!({"workflow": {"id": "wf"}, "user": "u",
            "expires_after": {"anchor": "created_at", "seconds": 0}})),
            400,
            Some("integer_below_min_value"),
            Some("expires_after.seconds"),
        ),
        (
            Method::POST,
            "/v1/chatkit/sessions/cksess_unknown/cancel",
            None,
            404,
            None,
            None,
        ),
        (Method::PUT, "/v1/chatkit/threads", None, 404, None, None),
        (Method::GET, "/v1/chatkit/nothing", None, 404, None, None),
    ];
    let spec = spec();
    for (method, path, body, status, code, param) in cases {
        let answer = call(&sim, method.clone(), path, body).await;
        assert_eq!(
            answer.status.as_u16(),
            status,
            "{method} {path}: {}",
            answer.body
        );
        assert_schema(&spec, "ErrorResponse", &answer.body);
        assert_eq!(answer.body["error"]["code"].as_str(), code, "{path}");
        assert_eq!(answer.body["error"]["param"].as_str(), param, "{path}");
        assert!(answer.request_id.is_some());
    }
    let invalid = call(&sim, Method::PUT, "/v1/chatkit/threads", None).await;
    assert_eq!(
        invalid.body["error"]["message"],
        "Invalid URL (PUT /v1/chatkit/threads)"
    );
}

#[tokio::test]
async fn a_cursor_naming_a_deleted_thread_keeps_its_place() {
    let sim = start(10).await;
    let first = call(&sim, Method::GET, "/v1/chatkit/threads?limit=4", None).await;
    let last = first.body["last_id"].as_str().unwrap().to_owned();
    let expected = call(
        &sim,
        Method::GET,
        &format!("/v1/chatkit/threads?limit=4&after={last}"),
        None,
    )
    .await;
    call(
        &sim,
        Method::DELETE,
        &format!("/v1/chatkit/threads/{last}"),
        None,
    )
    .await;
    let after_delete = call(
        &sim,
        Method::GET,
        &format!("/v1/chatkit/threads?limit=4&after={last}"),
        None,
    )
    .await;
    assert_eq!(after_delete.status, StatusCode::OK);
    assert_eq!(after_delete.body, expected.body);
}

#[tokio::test]
async fn seeding_is_deterministic() {
    let listing = |seed: u64| async move {
        let sim = Simulator::start(
            SimConfig::default()
                .with_threads(15)
                .with_seed(seed)
                .with_now(1_712_345_600),
        )
        .await
        .unwrap();
        let list = call(&sim, Method::GET, "/v1/chatkit/threads?limit=100", None)
            .await
            .body;
        let id = list["data"][0]["id"].as_str().unwrap().to_owned();
        let items = call(
            &sim,
            Method::GET,
            &format!("/v1/chatkit/threads/{id}/items"),
            None,
        )
        .await
        .body;
        (list, items)
    };
    let a = listing(5).await;
    assert_eq!(a, listing(5).await);
    assert_ne!(a.0, listing(6).await.0);
    assert!(
        a.0["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["created_at"].as_i64().unwrap() < 1_712_345_600)
    );
}
