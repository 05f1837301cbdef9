//! The fault layer, seen from a real HTTP client.

use std::time::{Duration, Instant};

use aithreads_sim::{Fault, FaultRule, SimConfig, Simulator};

async fn sim_with(fault: Fault) -> Simulator {
    let sim = Simulator::start(SimConfig::default().with_threads(1))
        .await
        .unwrap();
    sim.faults().set(vec![FaultRule::always(None, fault)]);
    sim
}

async fn get(sim: &Simulator) -> reqwest::Result<reqwest::Response> {
    reqwest::Client::new()
        .get(format!("{}/healthz", sim.base_url()))
        .timeout(Duration::from_secs(5))
        .send()
        .await
}

#[tokio::test]
async fn rate_limit_faults_carry_retry_after() {
    let sim = sim_with(Fault::RateLimited { retry_after: 3 }).await;
    let response = get(&sim).await.unwrap();
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "3");
    assert_eq!(response.headers()["retry-after-ms"], "3000");
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(body["error"]["message"].is_string(), "{body}");
}

#[tokio::test]
async fn status_faults_answer_with_that_status() {
    let sim = sim_with(Fault::Status(502)).await;
    assert_eq!(get(&sim).await.unwrap().status(), 502);
}

#[tokio::test]
async fn next_n_faults_fire_then_stop() {
    let sim = Simulator::start(SimConfig::default().with_threads(1))
        .await
        .unwrap();
    sim.faults()
        .set(vec![FaultRule::next(None, Fault::Status(500), 2)]);
    let statuses: Vec<u16> = futures::future::join_all(
        (0..3).map(|_| async { get(&sim).await.unwrap().status().as_u16() }),
    )
    .await;
    let mut sorted = statuses.clone();
    sorted.sort();
    assert_eq!(sorted, vec![200, 500, 500]);
    assert_eq!(sim.requests_seen(), 3);
}

#[tokio::test]
async fn reset_drops_the_connection() {
    let sim = sim_with(Fault::Reset).await;
    let outcome = match get(&sim).await {
        Err(error) => Err(error),
        Ok(response) => response.bytes().await.map(drop),
    };
    assert!(
        outcome.is_err(),
        "a reset fault produced a complete response"
    );
}

#[tokio::test]
async fn truncate_cuts_the_body() {
    let sim = sim_with(Fault::Truncate).await;
    let response = get(&sim).await.unwrap();
    assert!(
        response.bytes().await.is_err(),
        "a truncated body was read whole"
    );
}

#[tokio::test]
async fn invalid_json_is_served_as_json() {
    let sim = sim_with(Fault::InvalidJson).await;
    let response = get(&sim).await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("json")
    );
    let body = response.bytes().await.unwrap();
    assert!(serde_json::from_slice::<serde_json::Value>(&body).is_err());
}

#[tokio::test]
async fn wrong_content_type_serves_html() {
    let sim = sim_with(Fault::WrongContentType).await;
    let response = get(&sim).await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
}

#[tokio::test]
async fn oversized_sends_more_than_any_client_limit() {
    let sim = sim_with(Fault::Oversized).await;
    let body = get(&sim).await.unwrap().bytes().await.unwrap();
    assert_eq!(body.len(), aithreads_sim::faults::OVERSIZED_BYTES);
}

#[tokio::test]
async fn latency_delays_the_answer() {
    let sim = sim_with(Fault::Latency(Duration::from_millis(150))).await;
    let started = Instant::now();
    assert_eq!(get(&sim).await.unwrap().status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(150));
}

#[tokio::test]
async fn timeout_never_answers() {
    let sim = sim_with(Fault::Timeout).await;
    let error = reqwest::Client::new()
        .get(format!("{}/healthz", sim.base_url()))
        .timeout(Duration::from_millis(300))
        .send()
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error}");
}

#[tokio::test]
async fn provider_rules_leave_other_providers_alone() {
    let sim = Simulator::start(SimConfig::default().with_threads(1))
        .await
        .unwrap();
    sim.faults().set(vec!["chatkit:500".parse().unwrap()]);
    assert_eq!(get(&sim).await.unwrap().status(), 200);
}

/// A ChatKit GET with the simulator's key, as JSON.
async fn chatkit_get(sim: &Simulator, path_and_query: &str) -> serde_json::Value {
    let key = sim.client_var("OPENAI_API_KEY").unwrap();
    reqwest::Client::new()
        .get(format!("{}{path_and_query}", sim.chatkit_base_url()))
        .bearer_auth(key)
        .header("openai-beta", "chatkit_beta=v1")
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn chatkit_sim(threads: usize, fault: &str) -> Simulator {
    let sim = Simulator::start(SimConfig::default().with_threads(threads))
        .await
        .unwrap();
    sim.faults().set(vec![fault.parse().unwrap()]);
    sim
}

#[tokio::test]
async fn repeat_cursor_answers_the_first_page_whatever_the_cursor() {
    let sim = chatkit_sim(10, "chatkit:repeat-cursor").await;
    let first = chatkit_get(&sim, "/chatkit/threads?limit=3").await;
    assert_eq!(first["has_more"], true);
    let last = first["last_id"].as_str().unwrap();
    let again = chatkit_get(&sim, &format!("/chatkit/threads?limit=3&after={last}")).await;
    assert_eq!(again, first);
}

#[tokio::test]
async fn cycle_cursors_go_a_b_a() {
    let sim = chatkit_sim(10, "chatkit:cycle-cursors").await;
    let page = |after: Option<String>| {
        let sim = &sim;
        async move {
            let after = after.map(|a| format!("&after={a}")).unwrap_or_default();
            chatkit_get(sim, &format!("/chatkit/threads?limit=3{after}")).await
        }
    };
    let one = page(None).await;
    let a = one["last_id"].as_str().unwrap().to_owned();
    let two = page(Some(a.clone())).await;
    let b = two["last_id"].as_str().unwrap().to_owned();
    assert_ne!(a, b);
    assert_eq!(two["has_more"], true);
    let three = page(Some(b)).await;
    assert_eq!(three, one, "the page after B is the first again");
}

#[tokio::test]
async fn endless_pages_bring_fresh_items_for_ever() {
    let sim = chatkit_sim(1, "chatkit:endless-pages").await;
    let thread = sim.sim().chatkit().create_active_thread("user_endless").id;
    let mut after = String::new();
    let mut seen = std::collections::HashSet::new();
    for _ in 0..5 {
        let page = chatkit_get(
            &sim,
            &format!("/chatkit/threads/{thread}/items?limit=100{after}"),
        )
        .await;
        assert_eq!(page["has_more"], true);
        let data = page["data"].as_array().unwrap();
        assert_eq!(data.len(), 100);
        for item in data {
            assert!(seen.insert(item["id"].as_str().unwrap().to_owned()));
        }
        after = format!("&after={}", page["last_id"].as_str().unwrap());
    }
    // Thread listings are not bent.
    let threads = chatkit_get(&sim, "/chatkit/threads").await;
    assert_eq!(threads["has_more"], false);
}

#[tokio::test]
async fn redirects_point_to_the_same_path_on_another_port() {
    let sim = sim_with("redirect=308:9".parse().unwrap()).await;
    let response = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{}/v2/ai_threads/x/cancel?a=1", sim.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 308);
    assert_eq!(
        response.headers()["location"],
        "http://127.0.0.1:9/v2/ai_threads/x/cancel?a=1"
    );
}

#[tokio::test]
async fn plain_404_is_not_the_provider_envelope() {
    let sim = sim_with(Fault::PlainNotFound).await;
    let response = get(&sim).await.unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(response.text().await.unwrap(), "404 page not found\n");
}
