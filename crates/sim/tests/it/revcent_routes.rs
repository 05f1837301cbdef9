//! The simulated RevCent routes on the wire: keys, validation, listing order, pagination,
//! filters and cancel state, seen from a plain HTTP client.

use aithreads_revcent::AiThreadStatus;
use aithreads_sim::SimConfig;
use aithreads_sim::revcent::State;
use serde_json::Value;

use crate::common;

use common::{Api, DAY, NOW};

fn ids(body: &Value) -> Vec<String> {
    body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect()
}

fn assert_refused(status: u16, body: &Value, http: u16, code: &str) {
    assert_eq!(status, http, "{body}");
    assert_eq!(body["code"], 0, "{body}");
    assert_eq!(body["error_code"], code, "{body}");
    assert_eq!(body["api_call_id"].as_str().unwrap().len(), 20);
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
}

#[tokio::test]
async fn a_missing_or_wrong_key_is_unauthorized() {
    let api = Api::start(3, 5).await;
    for key in [None, Some("wrong-key")] {
        let mut request = api
            .http
            .get(api.url("/ai_threads?date_start=0&date_end=1&limit=1&page=1"));
        if let Some(key) = key {
            request = request.header("x-api-key", key);
        }
        let (status, body) = api.send(request).await;
        assert_refused(status, &body, 401, "unauthorized");
    }
}

#[tokio::test]
async fn list_pages_are_ordered_inclusive_and_counted() {
    let api = Api::start(0, 5).await;
    let start = NOW - 2 * DAY;
    // Two threads in the same second keep insertion order; both bounds are inclusive.
    let first = api.insert(start, AiThreadStatus::Complete);
    let tied = api.insert(start, AiThreadStatus::Running);
    let middle = api.insert(start + 100, AiThreadStatus::Timer);
    let last = api.insert(start + 2 * DAY, AiThreadStatus::Error);
    let earlier = api.insert(start - 50, AiThreadStatus::Error);
    let _outside = api.insert(start + 2 * DAY + 1, AiThreadStatus::Complete);

    let page = api.list(start, start + 2 * DAY, 3, 1, "").await;
    assert_eq!(ids(&page), [first.clone(), tied.clone(), middle.clone()]);
    assert_eq!(page["current_count"], 3);
    assert_eq!(page["current_page"], 1);
    assert_eq!(page["total_count"], 4);
    assert_eq!(page["total_pages"], 2);
    assert_eq!(page["code"], 1);
    assert!(
        page["results"][0].get("messages").is_none(),
        "lists carry no messages"
    );
    let page = api.list(start, start + 2 * DAY, 3, 2, "").await;
    assert_eq!(ids(&page), [last]);
    assert_eq!(page["current_count"], 1);
    let page = api.list(start, start + 2 * DAY, 3, 3, "").await;
    assert_eq!(page["current_count"], 0);
    assert_eq!(page["current_page"], 3);

    let page = api.list(start - 50, start - 50, 25, 1, "").await;
    assert_eq!(ids(&page), [earlier]);
    let empty = api.list(0, 10, 25, 1, "").await;
    assert_eq!(
        (empty["total_count"].clone(), empty["total_pages"].clone()),
        (0.into(), 0.into())
    );

    let filtered = api
        .list(
            start,
            start + 2 * DAY,
            25,
            1,
            "&status_filter=running&status_filter=timer",
        )
        .await;
    assert_eq!(ids(&filtered), [tied, middle]);
    assert_eq!(filtered["total_count"], 2);
}

#[tokio::test]
async fn assistant_filters_keep_only_that_assistants_threads() {
    let api = Api::start(300, 5).await;
    let all = api.list(NOW - 2 * DAY, NOW, 25, 1, "").await;
    let assistant = all["results"][0]["ai_assistant"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let filtered = api
        .list(
            NOW - 2 * DAY,
            NOW,
            25,
            1,
            &format!("&ai_assistant_filter={assistant}"),
        )
        .await;
    let results = filtered["results"].as_array().unwrap();
    assert!(!results.is_empty());
    assert!(
        results
            .iter()
            .all(|t| t["ai_assistant"]["id"] == assistant.as_str())
    );
    assert!(filtered["total_count"].as_i64() < all["total_count"].as_i64());
}

#[tokio::test]
async fn invalid_list_queries_are_refused() {
    let api = Api::start(3, 5).await;
    let ok = "date_start=0&date_end=172800&limit=25&page=1";
    for query in [
        "date_end=1&limit=1&page=1".to_owned(),
        "date_start=0&limit=1&page=1".to_owned(),
        "date_start=0&date_end=1&page=1".to_owned(),
        "date_start=0&date_end=1&limit=1".to_owned(),
        "date_start=0&date_end=172801&limit=25&page=1".to_owned(),
        "date_start=10&date_end=9&limit=25&page=1".to_owned(),
        "date_start=x&date_end=1&limit=25&page=1".to_owned(),
        "date_start=0&date_end=1&limit=0&page=1".to_owned(),
        "date_start=0&date_end=1&limit=26&page=1".to_owned(),
        "date_start=0&date_end=1&limit=25&page=0".to_owned(),
        "date_start=0&date_end=1&limit=25&page=2147483648".to_owned(),
        format!("{ok}&page=2"),
        format!("{ok}&status_filter=cancelled"),
        format!("{ok}&status_filter=Running"),
        format!("{ok}&ai_assistant_filter=short"),
        format!("{ok}&sort=asc"),
    ] {
        let (status, body) = api.get(&format!("/ai_threads?{query}")).await;
        assert_refused(status, &body, 400, "invalid_parameter");
    }
    let (status, _) = api.get(&format!("/ai_threads?{ok}")).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn get_answers_one_object_or_not_found() {
    let api = Api::start(20, 5).await;
    let id = api
        .sim
        .sim()
        .revcent()
        .find(&AiThreadStatus::Complete)
        .unwrap();
    let (status, body) = api.get(&format!("/ai_threads/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(body["id"], id.as_str());
    assert_eq!(body["code"], 1);
    assert_eq!(body["api_call_id"].as_str().unwrap().len(), 20);
    assert!(body["messages"].as_array().is_some_and(|m| m.len() >= 3));

    let (status, body) = api.get("/ai_threads/AAAAAAAAAAAAAAAAAAAA").await;
    assert_refused(status, &body, 404, "not_found");
    for bad in ["short", "AAAAAAAAAAAAAAAAAAAAA"] {
        let (status, body) = api.get(&format!("/ai_threads/{bad}")).await;
        assert_refused(status, &body, 400, "invalid_parameter");
    }
}

#[tokio::test]
async fn cancel_moves_running_and_timer_threads_only() {
    let api = Api::start(0, 5).await;
    let running = api.insert(NOW - 10, AiThreadStatus::Running);
    let timer = api.insert(NOW - 9, AiThreadStatus::Timer);
    let complete = api.insert(NOW - 8, AiThreadStatus::Complete);
    let cancel = |id: &str, content_type: Option<&str>, body: &'static str| {
        let mut request = api
            .http
            .post(api.url(&format!("/ai_threads/{id}/cancel")))
            .header("x-api-key", &api.key)
            .body(body);
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        api.send(request)
    };

    for (content_type, body) in [
        (Some("text/plain"), "{}"),
        (Some("application/json"), r#"{"reason":"x"}"#),
        (Some("application/json"), "[]"),
        (Some("application/json"), "{"),
    ] {
        let (status, answer) = cancel(&running, content_type, body).await;
        assert_refused(status, &answer, 400, "invalid_parameter");
    }
    assert_eq!(
        api.sim.sim().revcent().status(&running),
        Some(AiThreadStatus::Running)
    );

    let (status, answer) = cancel(&running, Some("application/json"), "{}").await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["ai_thread_id"], running.as_str());
    assert_eq!(answer["code"], 1);
    assert_eq!(
        api.sim.sim().revcent().status(&running),
        Some(AiThreadStatus::Cancelled)
    );
    // The request body is optional in the spec.
    let (status, _) = cancel(&timer, None, "").await;
    assert_eq!(status, 200);
    assert_eq!(
        api.sim.sim().revcent().status(&timer),
        Some(AiThreadStatus::Cancelled)
    );

    for id in [&running, &complete] {
        let (status, answer) = cancel(id, Some("application/json"), "{}").await;
        assert_refused(status, &answer, 400, "invalid_status");
    }
    assert_eq!(
        api.sim.sim().revcent().status(&complete),
        Some(AiThreadStatus::Complete)
    );
    let (status, answer) = cancel("AAAAAAAAAAAAAAAAAAAA", Some("application/json"), "{}").await;
    assert_refused(status, &answer, 404, "not_found");
    let (status, answer) = api.get(&format!("/ai_threads/{running}")).await;
    assert_eq!(status, 200);
    assert_eq!(answer["status"], "Cancelled");
}

#[test]
fn a_million_threads_seed_compactly_and_stay_addressable() {
    let config = SimConfig::default()
        .with_threads(1_000_000)
        .with_seed(9)
        .with_now(NOW);
    let started = std::time::Instant::now();
    let state = State::seeded(&config);
    eprintln!("seeded 1,000,000 threads in {:?}", started.elapsed());
    assert_eq!(state.len(), 1_000_000);
    // About 30 days of threads: roughly 1/30 of them per day, in order.
    let day = state.ids_created_between(NOW - DAY, NOW - 1);
    assert!((25_000..42_000).contains(&day.len()), "{}", day.len());
    let last = day.last().unwrap();
    let thread = state.thread(last).unwrap();
    assert_eq!(thread.id.as_deref(), Some(last.as_str()));
    assert!(thread.created_date_unix.unwrap() >= NOW - DAY);
    assert!(state.find(&AiThreadStatus::Timer).is_some());
}
