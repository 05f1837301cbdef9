//! The core conformance suite, for ChatKit against the simulator.

use std::sync::Arc;

use aithreads_core::conformance::{Harness, run};
use aithreads_core::{ListQuery, ThreadProvider};
use aithreads_openai_chatkit::{ChatKitClient, ChatKitConfig};
use aithreads_sim::{SimConfig, Simulator};
use async_trait::async_trait;

struct ChatKitHarness {
    sim: Simulator,
    client: Arc<ChatKitClient>,
}

#[async_trait]
impl Harness for ChatKitHarness {
    fn provider(&self) -> Arc<dyn ThreadProvider> {
        self.client.clone()
    }

    fn list_query(&self) -> ListQuery {
        ListQuery::new().with_limit(10)
    }

    async fn active_thread(&self) -> String {
        self.sim
            .sim()
            .chatkit()
            .create_active_thread("user_conformance")
            .id
    }

    fn missing_id(&self) -> String {
        format!("cthr_{}", "0".repeat(32))
    }

    fn invalid_ids(&self) -> Vec<String> {
        ["a/b", "a?b", "a#b", "a%2Fb", "..", ".", "cthr_é", "a\\b"]
            .map(String::from)
            .to_vec()
    }

    fn requests_seen(&self) -> u64 {
        self.sim.requests_seen()
    }
}

#[tokio::test]
async fn chatkit_keeps_the_thread_provider_contract() {
    let sim = Simulator::start(SimConfig::default().with_threads(40).with_seed(4))
        .await
        .unwrap();
    let config = ChatKitConfig::from_vars(|name: &str| sim.client_var(name)).unwrap();
    let client = Arc::new(ChatKitClient::new(config).unwrap());
    run(&ChatKitHarness { sim, client }).await;
}
