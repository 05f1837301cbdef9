//! Every answer the simulated RevCent API gives validates against the seed schemas
//! (`specs/revcent/*.json`, the seeds byte for byte), over many seeded threads.

use std::path::Path;

use aithreads_revcent::AiThreadStatus;
use aithreads_sim::revcent::NewThread;
use jsonschema::Validator;
use serde_json::{Value, json};

use crate::common;

use common::{Api, DAY, NOW};

fn spec(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../specs/revcent")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn validator(schema: &Value) -> Validator {
    jsonschema::draft202012::new(schema).unwrap()
}

/// GetAIThread's 200 schema is allOf of two objects that each forbid additional properties;
/// read literally no document satisfies both. Its intent is one object with both parts'
/// properties, so validate against that merge (additionalProperties: false kept).
fn merged_all_of(schema: &Value) -> Value {
    let mut properties = serde_json::Map::new();
    for part in schema["allOf"].as_array().unwrap() {
        assert_eq!(part["additionalProperties"], false);
        properties.extend(part["properties"].as_object().unwrap().clone());
    }
    json!({"type": "object", "additionalProperties": false, "properties": properties})
}

struct Schemas {
    thread: Validator,
    list: Validator,
    cancel: Validator,
    error: Validator,
}

impl Schemas {
    fn load() -> Self {
        let get = spec("GetAIThread.json");
        let list = spec("GetAIThreads.json");
        let cancel = spec("CancelAIThread.json");
        let ok = "/responses/200/content/application~1json/schema";
        let error = "/responses/default/content/application~1json/schema";
        // The three operations declare the same error schema.
        assert_eq!(get.pointer(error), cancel.pointer(error));
        assert_eq!(list.pointer(error), cancel.pointer(error));
        Self {
            thread: validator(&merged_all_of(get.pointer(ok).unwrap())),
            list: validator(list.pointer(ok).unwrap()),
            cancel: validator(cancel.pointer(ok).unwrap()),
            error: validator(cancel.pointer(error).unwrap()),
        }
    }
}

fn check(validator: &Validator, body: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(body)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} does not match the seed schema: {errors:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_list_get_and_cancel_answer_matches_the_seed_schemas() {
    let schemas = Schemas::load();
    let api = Api::start(400, 11).await;
    let big = api
        .sim
        .sim()
        .revcent()
        .insert(NewThread::new(NOW - 3_600, AiThreadStatus::Running).with_messages(2_000));

    // Every page of every 2-day window of the seeded month.
    let mut ids = Vec::new();
    let mut start = NOW - 31 * DAY;
    while start < NOW {
        let end = start + 2 * DAY - 1;
        let mut page = 1;
        loop {
            let (status, body) = api
                .get(&format!(
                    "/ai_threads?date_start={start}&date_end={end}&limit=25&page={page}"
                ))
                .await;
            assert_eq!(status, 200, "{body}");
            check(&schemas.list, &body, "a GetAIThreads page");
            for thread in body["results"].as_array().unwrap() {
                ids.push(thread["id"].as_str().unwrap().to_owned());
            }
            if page >= body["total_pages"].as_i64().unwrap() {
                break;
            }
            page += 1;
        }
        start = end + 1;
    }
    assert_eq!(ids.len(), 401, "every thread is listed once");
    assert!(ids.contains(&big));

    // Every thread, with its transcript.
    let mut statuses = std::collections::BTreeSet::new();
    for id in &ids {
        let (status, body) = api.get(&format!("/ai_threads/{id}")).await;
        assert_eq!(status, 200, "{body}");
        check(&schemas.thread, &body, "a GetAIThread answer");
        assert_eq!(
            body["message_count"].as_u64().unwrap() as usize,
            body["messages"].as_array().unwrap().len()
        );
        statuses.insert(body["status"].as_str().unwrap().to_owned());
    }
    assert_eq!(statuses.len(), 5, "{statuses:?}");

    // A cancel, then the refusal of a second one.
    let running = api
        .sim
        .sim()
        .revcent()
        .find(&AiThreadStatus::Running)
        .unwrap();
    let (status, body) = api.cancel(&running).await;
    assert_eq!(status, 200, "{body}");
    check(&schemas.cancel, &body, "a CancelAIThread answer");
    let (status, body) = api.cancel(&running).await;
    assert_eq!(status, 400);
    check(&schemas.error, &body, "an invalid_status error");

    // Every kind of refusal.
    for path in [
        "/ai_threads/AAAAAAAAAAAAAAAAAAAA".to_owned(),
        "/ai_threads/short".to_owned(),
        "/ai_threads?date_start=0&date_end=1&limit=26&page=1".to_owned(),
        "/ai_threads?date_start=0&date_end=1&limit=5".to_owned(),
        format!(
            "/ai_threads?date_start=0&date_end={}&limit=5&page=1",
            3 * DAY
        ),
        "/ai_threads?date_start=0&date_end=1&limit=5&page=1&status_filter=cancelled".to_owned(),
    ] {
        let (status, body) = api.get(&path).await;
        assert!(status >= 400, "{path}");
        check(&schemas.error, &body, &path);
    }
    let url = format!("{}/ai_threads/{running}", api.sim.revcent_base_url());
    let (status, body) = api.send(api.http.get(url)).await;
    assert_eq!(status, 401);
    check(&schemas.error, &body, "a missing key error");
}

#[test]
fn the_validators_can_fail() {
    let schemas = Schemas::load();
    for (validator, body) in [
        (&schemas.thread, json!({"id": "x", "bogus": 1})),
        (&schemas.thread, json!({"status": "Paused"})),
        (&schemas.list, json!({"code": 0})),
        (&schemas.cancel, json!({"ai_thread_id": "short"})),
        (&schemas.error, json!({"code": 1})),
    ] {
        assert!(!validator.is_valid(&body), "{body}");
    }
    assert!(schemas.thread.is_valid(
        &json!({"api_call_id": "AbCdEfGhIjKlMnOpQrSt", "code": 1, "id": "AbCdEfGhIjKlMnOpQrSt"})
    ));
}

/// The fixtures the client's tests decode are seed-shaped too.
#[test]
fn the_client_fixtures_match_the_seed_schemas() {
    let schemas = Schemas::load();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../revcent/tests/fixtures");
    for (file, validator) in [
        ("get_thread.json", &schemas.thread),
        ("list_threads.json", &schemas.list),
        ("cancel_thread.json", &schemas.cancel),
        ("error.json", &schemas.error),
    ] {
        let body: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join(file)).unwrap()).unwrap();
        check(validator, &body, file);
    }
}

/// TriggerAIAssistant: the bodies the simulator accepts validate against the request schema
/// as far as RevCent's stored copy goes, and its answers against the answer schema.
#[tokio::test]
async fn trigger_requests_and_answers_match_the_trigger_schema() {
    let spec = spec("TriggerAIAssistant.json");
    let request = validator(
        spec.pointer("/requestBody/content/application~1json/schema")
            .unwrap(),
    );
    let answer = validator(
        spec.pointer("/responses/200/content/application~1json/schema")
            .unwrap(),
    );
    let error = validator(
        spec.pointer("/responses/default/content/application~1json/schema")
            .unwrap(),
    );
    let api = Api::start(5, 3).await;
    let trigger = |id: &str, body: Value| {
        api.send(
            api.http
                .post(api.url(&format!("/ai_assistants/{id}/trigger")))
                .header("x-api-key", &api.key)
                .json(&body),
        )
    };
    let assistants = &aithreads_sim::revcent::ASSISTANTS;
    let on_demand = assistants.iter().find(|a| a.on_demand).unwrap().id;
    for body in [
        json!({}),
        json!({"source_type": "item", "item_type": "sale", "item_id": "Sa7eQ2wErT5yUi8oPa1S"}),
        json!({"messages": [{"role": "user", "content": "Summarise yesterday's refunds"}]}),
        json!({"previous_ai_thread": {"ai_thread_id": "Xk29dLq0PzR7mNs4TbVa"}}),
    ] {
        check(&request, &body, "a trigger body");
        let (status, answered) = trigger(on_demand, body.clone()).await;
        assert_eq!(status, 200, "{body}: {answered}");
        check(&answer, &answered, "a TriggerAIAssistant answer");
        assert_eq!(answered["ai_assistant_id"], on_demand);
    }
    let not_on_demand = assistants.iter().find(|a| !a.on_demand).unwrap().id;
    for (id, body, status) in [
        (not_on_demand, json!({}), 400),
        ("AAAAAAAAAAAAAAAAAAAA", json!({}), 404),
        ("short", json!({}), 400),
        (on_demand, json!({"item_type": "invoice"}), 400),
        (on_demand, json!({"item_id": "short"}), 400),
        (
            on_demand,
            json!({"previous_ai_thread": {"ai_thread_id": "Xk29dLq0PzR7mNs4TbVa"}, "messages": []}),
            400,
        ),
        (on_demand, json!({"messages": [{"role": "tool"}]}), 400),
    ] {
        let (answered_status, answered) = trigger(id, body.clone()).await;
        assert_eq!(answered_status, status, "{id} {body}: {answered}");
        check(&error, &answered, "a trigger refusal");
    }
}
