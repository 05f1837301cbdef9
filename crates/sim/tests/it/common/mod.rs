//! Helpers shared by the simulator's RevCent tests.

use aithreads_revcent::AiThreadStatus;
use aithreads_sim::revcent::NewThread;
use aithreads_sim::{SimConfig, Simulator};
use serde_json::Value;

/// The simulator's "now" in these tests: seeded threads fall in the 30 days before it.
pub const NOW: i64 = 1_760_000_000;
pub const DAY: i64 = 86_400;

/// The simulated RevCent API over plain HTTP, with the key it accepts.
pub struct Api {
    pub sim: Simulator,
    pub http: reqwest::Client,
    pub key: String,
}

impl Api {
    /// A simulator seeded with `threads` RevCent threads from `seed`.
    pub async fn start(threads: usize, seed: u64) -> Self {
        let sim = Simulator::start(
            SimConfig::default()
                .with_threads(threads)
                .with_seed(seed)
                .with_now(NOW),
        )
        .await
        .unwrap();
        let key = sim.sim().config.credentials.revcent_api_key.clone();
        Self {
            sim,
            http: reqwest::Client::new(),
            key,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sim.revcent_base_url())
    }

    /// Sends `request`; every RevCent answer, error or not, is JSON.
    pub async fn send(&self, request: reqwest::RequestBuilder) -> (u16, Value) {
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        assert_eq!(response.headers()["content-type"], "application/json");
        (status, response.json().await.unwrap())
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.send(self.http.get(self.url(path)).header("x-api-key", &self.key))
            .await
    }

    pub async fn cancel(&self, id: &str) -> (u16, Value) {
        self.send(
            self.http
                .post(self.url(&format!("/ai_threads/{id}/cancel")))
                .header("x-api-key", &self.key)
                .header("content-type", "application/json")
                .body("{}"),
        )
        .await
    }

    /// One list page, which must succeed.
    pub async fn list(&self, start: i64, end: i64, limit: i64, page: i64, extra: &str) -> Value {
        let (status, body) = self
            .get(&format!(
                "/ai_threads?date_start={start}&date_end={end}&limit={limit}&page={page}{extra}"
            ))
            .await;
        assert_eq!(status, 200, "{body}");
        body
    }

    pub fn insert(&self, created: i64, status: AiThreadStatus) -> String {
        self.sim
            .sim()
            .revcent()
            .insert(NewThread::new(created, status))
    }
}
