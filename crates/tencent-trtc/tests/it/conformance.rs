//! The core conformance suite against the simulator.

use crate::common;

use std::sync::Arc;

use aithreads_sim::credentials::Credentials;
use aithreads_sim::{SimConfig, Simulator};
use aithreads_tencent_trtc::core::conformance::{self, Harness};
use aithreads_tencent_trtc::core::{ListQuery, ThreadProvider};
use aithreads_tencent_trtc::{AgentConfig, StartAiConversationRequest, TrtcClient, TrtcConfig};
use async_trait::async_trait;
use common::{SEED_TASK_ID, fast_retries};

struct Trtc {
    sim: Simulator,
    client: TrtcClient,
}

#[async_trait]
impl Harness for Trtc {
    fn provider(&self) -> Arc<dyn ThreadProvider> {
        Arc::new(self.client.clone())
    }

    fn list_query(&self) -> ListQuery {
        ListQuery::new()
    }

    /// TRTC cannot list, so a task is started through the API.
    async fn active_thread(&self) -> String {
        let started = self
            .client
            .start_ai_conversation(&StartAiConversationRequest::new(
                1_400_000_001,
                "2024",
                AgentConfig::new(
                    format!("robot_{}", self.sim.requests_seen()),
                    "sig",
                    "user_1",
                ),
            ))
            .await
            .unwrap();
        started.task_id.unwrap()
    }

    fn missing_id(&self) -> String {
        SEED_TASK_ID.into()
    }

    fn invalid_ids(&self) -> Vec<String> {
        // Unicode whitespace counts too: a TaskId never has any.
        vec!["task\u{2028}id".into(), "\u{a0}".into()]
    }

    fn requests_seen(&self) -> u64 {
        self.sim.requests_seen()
    }
}

#[tokio::test]
async fn trtc_keeps_the_thread_provider_contract() {
    let sim = Simulator::start(
        SimConfig::default()
            .with_threads(0)
            .with_credentials(Credentials::demo()),
    )
    .await
    .unwrap();
    let config = TrtcConfig::from_vars(|name: &str| sim.client_var(name))
        .unwrap()
        .with_transport(fast_retries(3));
    let client = TrtcClient::new(config).unwrap();
    conformance::run(&Trtc { sim, client }).await;
}
