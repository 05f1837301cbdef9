//! A fourth provider is a local change: an in-memory provider written outside the provider
//! crates, implementing only get, list and cancel, passes the core conformance suite and
//! serves the facade's routed operations once plugged in with `with_provider`.

mod memory_provider;

use std::sync::Arc;

use aithreads::{
    Client, ListQuery, Operation, Order, ProviderKind, Status, ThreadProvider, ThreadRef,
};
use aithreads_core::conformance::{self, Harness};
use async_trait::async_trait;
use futures::StreamExt;

use memory_provider::MemoryProvider;

/// The kind the test double reports; any would do.
const KIND: ProviderKind = ProviderKind::OpenAiChatKit;

struct MemoryHarness {
    provider: Arc<MemoryProvider>,
}

#[async_trait]
impl Harness for MemoryHarness {
    fn provider(&self) -> Arc<dyn ThreadProvider> {
        self.provider.clone()
    }

    fn list_query(&self) -> ListQuery {
        ListQuery::new()
    }

    async fn active_thread(&self) -> String {
        self.provider.insert(Status::Running, "u_conformance")
    }

    fn missing_id(&self) -> String {
        "mem_missing".to_owned()
    }

    fn invalid_ids(&self) -> Vec<String> {
        vec!["a/b".to_owned(), "..".to_owned(), "a?b".to_owned()]
    }

    fn requests_seen(&self) -> u64 {
        self.provider.requests()
    }
}

/// A store with `n` threads, every third one completed and the rest running.
fn seeded(n: usize) -> Arc<MemoryProvider> {
    let provider = Arc::new(MemoryProvider::new(KIND));
    for i in 0..n {
        let status = if i % 3 == 0 {
            Status::Completed
        } else {
            Status::Running
        };
        provider.insert(status, &format!("u_{i}"));
    }
    provider
}

fn reference(id: &str) -> ThreadRef {
    ThreadRef::new(KIND, None, id).unwrap()
}

#[tokio::test]
async fn the_memory_provider_keeps_the_thread_provider_contract() {
    conformance::run(&MemoryHarness {
        provider: seeded(5),
    })
    .await;
}

#[tokio::test]
async fn the_facade_routes_every_operation_to_a_plugged_in_provider() {
    let memory = seeded(25);
    let client = Client::builder().with_provider(memory.clone()).build();
    assert_eq!(client.configured(), [KIND]);

    let thread = client.get(&reference("mem_0001")).await.unwrap();
    assert_eq!(
        (thread.id.as_str(), thread.status),
        ("mem_0001", Status::Running)
    );

    // Bulk get: one result per input, in order, the missing one included.
    let refs = [
        reference("mem_0002"),
        reference("mem_none"),
        reference("mem_0003"),
    ];
    let results = client.get_many(&refs).await;
    let ids: Vec<_> = results.iter().map(|r| r.thread.id().to_owned()).collect();
    assert_eq!(ids, ["mem_0002", "mem_none", "mem_0003"]);
    assert!(results[1].result.as_ref().unwrap_err().is_not_found());
    assert_eq!(
        results[2].result.as_ref().unwrap().status,
        Status::Completed
    );

    // Cancel changes what get then says; a second cancel finds it ended.
    let running = reference("mem_0004");
    assert_eq!(
        client.cancel(&running).await.unwrap(),
        aithreads::CancelOutcome::Cancelled
    );
    assert_eq!(
        client.get(&running).await.unwrap().status,
        Status::Cancelled
    );
    let again = client.cancel_many(std::slice::from_ref(&running)).await;
    assert_eq!(
        *again[0].result.as_ref().unwrap(),
        aithreads::CancelOutcome::AlreadyEnded
    );

    // Delete is the trait's default: unsupported, and nothing reaches the store.
    let before = memory.requests();
    let err = client.delete(&running).await.unwrap_err();
    assert!(
        matches!(
            err,
            aithreads::Error::Unsupported {
                provider: KIND,
                operation: Operation::Delete,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(client.delete_many(&[running]).await[0].result.is_err());
    assert_eq!(memory.requests(), before);
}

#[tokio::test]
async fn export_walks_every_page_of_a_plugged_in_provider_and_checks_its_query_fields() {
    let memory = seeded(25);
    let client = Client::builder().with_provider(memory.clone()).build();

    // 16 running threads, 10 a page: the trait's default threads() follows the cursors.
    let running: Vec<_> = client
        .export(KIND, ListQuery::new().with_statuses([Status::Running]))
        .map(|t| t.unwrap())
        .collect()
        .await;
    assert_eq!(running.len(), 16);
    assert!(running.iter().all(|t| t.status == Status::Running));
    assert!(
        running.windows(2).all(|w| w[0].id < w[1].id),
        "oldest first"
    );

    let full: Vec<_> = client
        .export_transcripts(
            KIND,
            ListQuery::new().with_order(Order::Asc),
            aithreads::export::OnThreadError::Stop,
        )
        .map(|t| t.unwrap().result.unwrap().id)
        .collect()
        .await;
    assert_eq!(full.len(), 25);

    // Fields the provider does not claim are refused before anything reaches it.
    let before = memory.requests();
    for query in [
        ListQuery::new().with_user("u_1"),
        ListQuery::new().with_order(Order::Desc),
    ] {
        let first = client.export(KIND, query.clone()).next().await.unwrap();
        assert!(first.unwrap_err().is_invalid_input(), "{query:?}");
    }
    assert_eq!(memory.requests(), before);
}

#[cfg(feature = "openai-chatkit")]
#[tokio::test]
async fn a_plugged_in_provider_replaces_the_typed_client_of_its_kind() {
    use aithreads::providers::chatkit::{ChatKitClient, ChatKitConfig};

    // Nothing listens there: reaching the ChatKit client would fail.
    let chatkit = ChatKitClient::new(
        ChatKitConfig::default()
            .with_api_key("sk-unused")
            .with_base_url("http://127.0.0.1:9/v1"),
    )
    .unwrap();
    let memory = seeded(3);
    let client = Client::builder()
        .with_chatkit(chatkit)
        .with_provider(memory.clone())
        .build();
    assert_eq!(
        client.get(&reference("mem_0002")).await.unwrap().id,
        "mem_0002"
    );
    let err = client.chatkit().unwrap_err();
    assert!(
        err.is_config() && err.message().contains("with_provider"),
        "{err}"
    );
}
