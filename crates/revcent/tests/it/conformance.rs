//! The core conformance suite for RevCent, against the simulator under every reading of its
//! page base, `date_start` and `date_end`.

use std::sync::Arc;

use aithreads_revcent::core::conformance::{self, Harness};
use aithreads_revcent::core::{ListQuery, ProviderKind, ThreadProvider};
use aithreads_revcent::{AiThreadStatus, RevCentClient, RevCentConfig};
use aithreads_sim::revcent::{NewThread, Reading};
use aithreads_sim::{SimConfig, Simulator};
use async_trait::async_trait;
use time::{Duration, OffsetDateTime};

const NOW: i64 = 1_760_000_000;

struct RevCentHarness {
    sim: Simulator,
    client: Arc<RevCentClient>,
}

#[async_trait]
impl Harness for RevCentHarness {
    fn provider(&self) -> Arc<dyn ThreadProvider> {
        self.client.clone()
    }

    fn list_query(&self) -> ListQuery {
        let now = OffsetDateTime::from_unix_timestamp(NOW).unwrap();
        ListQuery::new().with_range(now - Duration::days(30), now)
    }

    async fn active_thread(&self) -> String {
        self.sim
            .sim()
            .revcent()
            .insert(NewThread::new(NOW - 30, AiThreadStatus::Running))
    }

    fn missing_id(&self) -> String {
        "AAAAAAAAAAAAAAAAAAAA".into()
    }

    fn invalid_ids(&self) -> Vec<String> {
        [
            "short",
            "AAAAAAAAAAAAAAAAAAAAA",
            "AAAAAAAAA/AAAAAAAAAA",
            "AAAAAAAAA?AAAAAAAAAA",
            "AAAAAAAAA#AAAAAAAAAA",
            "AAAAAAAA%2FAAAAAAAAA",
            "AAAAAAAAAAAAAAAAAAA\u{e9}",
        ]
        .map(String::from)
        .to_vec()
    }

    fn requests_seen(&self) -> u64 {
        self.sim.sim().provider_requests_seen(ProviderKind::RevCent)
    }
}

#[tokio::test]
async fn revcent_keeps_the_thread_provider_contract_under_every_reading() {
    for reading in Reading::all() {
        let sim = Simulator::start(
            SimConfig::default()
                .with_threads(200)
                .with_seed(4)
                .with_now(NOW)
                .with_revcent_reading(reading),
        )
        .await
        .unwrap();
        let client = RevCentClient::new(
            RevCentConfig::default()
                .with_api_key(sim.sim().config.credentials.revcent_api_key.clone())
                .with_base_url(sim.revcent_base_url()),
        )
        .unwrap();
        let harness = RevCentHarness {
            sim,
            client: Arc::new(client),
        };
        conformance::run(&harness).await;
    }
}
