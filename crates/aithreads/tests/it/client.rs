//! The facade against the simulator: configuration from the environment, routing by
//! reference, and bulk operations that report every input exactly once.

use aithreads::export::OnThreadError;
use aithreads::time::{self, OffsetDateTime};
use aithreads::{Client, Error, ListQuery, ProviderKind, Status, ThreadRef};
use aithreads_sim::{FaultRule, SimConfig, Simulator};
use futures::StreamExt;

async fn setup(threads: usize) -> (Simulator, Client) {
    let sim = Simulator::start(SimConfig::default().with_threads(threads))
        .await
        .unwrap();
    let client = Client::from_vars(|name: &str| sim.client_var(name)).unwrap();
    (sim, client)
}

fn month() -> ListQuery {
    let now = OffsetDateTime::now_utc();
    ListQuery::new().with_range(now - time::Duration::days(31), now)
}

async fn refs(client: &Client, kind: ProviderKind, query: ListQuery, n: usize) -> Vec<ThreadRef> {
    client
        .export(kind, query)
        .take(n)
        .map(|t| ThreadRef::of(&t.unwrap()).unwrap())
        .collect()
        .await
}

#[tokio::test]
async fn from_vars_configures_only_the_providers_whose_credentials_are_set() {
    let client =
        Client::from_vars(|name| (name == "OPENAI_API_KEY").then(|| "sk-x".to_owned())).unwrap();
    assert_eq!(client.configured(), vec![ProviderKind::OpenAiChatKit]);
    let err = client
        .provider(ProviderKind::RevCent)
        .err()
        .expect("revcent is not configured");
    assert!(matches!(err, Error::Config { .. }));
    assert!(err.to_string().contains("REVCENT_API_KEY"), "{err}");
    let none = Client::from_vars(|_| None).unwrap();
    assert!(none.configured().is_empty());
}

#[tokio::test]
async fn every_provider_is_reachable_through_its_references() {
    let (_sim, client) = setup(20).await;
    assert_eq!(client.configured().len(), 3);
    let revcent = refs(&client, ProviderKind::RevCent, month(), 1)
        .await
        .remove(0);
    let chatkit = refs(&client, ProviderKind::OpenAiChatKit, ListQuery::new(), 1)
        .await
        .remove(0);
    assert_eq!(client.get(&revcent).await.unwrap().id, revcent.id());
    assert_eq!(client.get(&chatkit).await.unwrap().id, chatkit.id());
    // A region in the reference selects that region's TRTC client.
    let missing: ThreadRef = "trtc:ap-tokyo/no-such-task".parse().unwrap();
    assert!(client.get(&missing).await.unwrap_err().is_not_found());
    // A region the server does not serve: its refusal, not the client's.
    let unserved: ThreadRef = "trtc:eu-frankfurt/task".parse().unwrap();
    assert_eq!(
        client.get(&unserved).await.unwrap_err().code(),
        Some("UnsupportedRegion")
    );
}

#[tokio::test]
async fn get_many_returns_one_result_per_input_in_order() {
    let (sim, client) = setup(40).await;
    let mut input = refs(&client, ProviderKind::RevCent, month(), 3).await;
    input.insert(1, "chatkit:cthr_missing".parse().unwrap());
    input.push(
        refs(&client, ProviderKind::OpenAiChatKit, ListQuery::new(), 1)
            .await
            .remove(0),
    );
    input.push("revcent:AAAAAAAAAAAAAAAAAAAA".parse().unwrap());
    let before = sim.requests_seen();
    let results = client.get_many(&input).await;
    assert_eq!(
        results.iter().map(|r| r.thread.clone()).collect::<Vec<_>>(),
        input
    );
    let failed: Vec<bool> = results.iter().map(|r| r.result.is_err()).collect();
    assert_eq!(failed, [false, true, false, false, false, true]);
    assert!(sim.requests_seen() > before);
    assert_eq!(aithreads::summarize(&results), (4, 2));
}

#[tokio::test]
async fn bulk_cancel_under_random_faults_loses_no_item() {
    let (sim, client) = setup(200).await;
    let running = month().with_statuses([Status::Running, Status::Pending]);
    let input = refs(&client, ProviderKind::RevCent, running, 30).await;
    assert_eq!(input.len(), 30);
    sim.faults()
        .set(vec!["revcent:503@0.2".parse::<FaultRule>().unwrap()]);
    let results = client.clone().with_concurrency(8).cancel_many(&input).await;
    sim.faults().clear();
    assert_eq!(results.len(), input.len());
    for (item, thread) in results.iter().zip(&input) {
        assert_eq!(&item.thread, thread);
        item.result
            .as_ref()
            .unwrap_or_else(|e| panic!("{thread} failed despite retries: {e}"));
        let now = client.get(thread).await.unwrap();
        assert_eq!(now.status, Status::Cancelled, "{thread}");
    }
}

#[tokio::test]
async fn delete_many_removes_chatkit_threads_and_reports_missing_ones() {
    let (_sim, client) = setup(10).await;
    let mut input = refs(&client, ProviderKind::OpenAiChatKit, ListQuery::new(), 3).await;
    input.push("chatkit:cthr_gone".parse().unwrap());
    let results = client.delete_many(&input).await;
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 3);
    assert!(results[3].result.as_ref().unwrap_err().is_not_found());
    for thread in &input[..3] {
        assert!(client.get(thread).await.unwrap_err().is_not_found());
    }
    // RevCent has no delete: the answer says so instead of failing silently.
    let revcent = refs(&client, ProviderKind::RevCent, month(), 1).await;
    let results = client.delete_many(&revcent).await;
    assert!(results[0].result.as_ref().unwrap_err().is_unsupported());
}

#[tokio::test]
async fn export_streams_every_thread_and_transcripts_add_messages() {
    let (_sim, client) = setup(120).await;
    let listed: Vec<_> = client
        .export(ProviderKind::RevCent, month())
        .collect()
        .await;
    assert_eq!(listed.len(), 120);
    assert!(
        listed
            .iter()
            .all(|t| t.as_ref().unwrap().messages.is_empty())
    );
    let full: Vec<_> = client
        .export_transcripts(
            ProviderKind::OpenAiChatKit,
            ListQuery::new().with_limit(5),
            OnThreadError::Stop,
        )
        .take(7)
        .collect()
        .await;
    assert_eq!(full.len(), 7);
    assert!(full.iter().all(|t| {
        let item = t.as_ref().unwrap();
        item.thread.id() == item.result.as_ref().unwrap().id
            && !item.result.as_ref().unwrap().messages.is_empty()
    }));
    // TRTC cannot list: the stream says so in its one item.
    let trtc: Vec<_> = client
        .export(ProviderKind::TencentTrtc, ListQuery::new())
        .collect()
        .await;
    assert_eq!(trtc.len(), 1);
    assert!(trtc[0].as_ref().unwrap_err().is_unsupported());
}

/// Cancelling twice succeeds twice: the second cancel is refused by the provider, and one
/// GET confirming an ended status turns that into `AlreadyEnded`. A thread that does not
/// exist stays an error.
#[tokio::test]
async fn a_second_cancel_is_already_ended_and_a_missing_thread_still_fails() {
    let (sim, client) = setup(60).await;
    let running = month().with_statuses([Status::Running]);
    let thread = refs(&client, ProviderKind::RevCent, running, 1)
        .await
        .remove(0);
    assert_eq!(
        client.cancel(&thread).await.unwrap(),
        aithreads::CancelOutcome::Cancelled
    );
    let before = sim.requests_seen();
    assert_eq!(
        client.cancel(&thread).await.unwrap(),
        aithreads::CancelOutcome::AlreadyEnded
    );
    assert_eq!(
        sim.requests_seen() - before,
        2,
        "the refused cancel and one GET"
    );
    let missing: ThreadRef = "revcent:AAAAAAAAAAAAAAAAAAAA".parse().unwrap();
    assert!(client.cancel(&missing).await.unwrap_err().is_not_found());

    // TRTC: stopping a stopped task answers TaskNotExist; Describe still shows it Stopped.
    let task = client
        .trtc()
        .unwrap()
        .start_ai_conversation(
            &aithreads::providers::trtc::StartAiConversationRequest::new(
                1_400_000_001,
                "room-1",
                aithreads::providers::trtc::AgentConfig::new("bot", "sig", "alice"),
            )
            .with_room_id_type(1),
        )
        .await
        .unwrap()
        .task_id
        .unwrap();
    let task: ThreadRef = format!("trtc:{task}").parse().unwrap();
    assert_eq!(
        client.cancel(&task).await.unwrap(),
        aithreads::CancelOutcome::Cancelled
    );
    assert_eq!(
        client.cancel(&task).await.unwrap(),
        aithreads::CancelOutcome::AlreadyEnded
    );
}

/// Results stream from a lazily read source of references, in input order.
#[tokio::test]
async fn bulk_streams_take_references_from_a_stream() {
    let (_sim, client) = setup(10).await;
    let input = refs(&client, ProviderKind::OpenAiChatKit, ListQuery::new(), 4).await;
    let got: Vec<_> = client
        .get_stream(futures::stream::iter(input.clone()))
        .map(|item| item.thread)
        .collect()
        .await;
    assert_eq!(got, input);
}
