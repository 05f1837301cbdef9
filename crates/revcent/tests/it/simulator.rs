//! The client against the simulator: every operation and error, end to end.

use std::sync::Arc;
use std::time::Duration;

use aithreads_revcent::core::transport::{RetryPolicy, TransportConfig};
use aithreads_revcent::core::{
    CancelOutcome, Error, ListQuery, Order, ProviderKind, Status, ThreadProvider,
};
use aithreads_revcent::{
    AiThreadListParams, AiThreadStatus, CancelResponse, RevCentClient, RevCentConfig, StatusFilter,
    ThreadFilters,
};
use aithreads_sim::revcent::NewThread;
use aithreads_sim::{Fault, FaultRule, SimConfig, Simulator};
use futures::StreamExt;
use time::OffsetDateTime;

const NOW: i64 = 1_760_000_000;
const DAY: i64 = 86_400;

async fn simulator(threads: usize) -> Simulator {
    Simulator::start(
        SimConfig::default()
            .with_threads(threads)
            .with_seed(21)
            .with_now(NOW),
    )
    .await
    .unwrap()
}

fn transport() -> TransportConfig {
    TransportConfig::default()
        .with_retry(
            RetryPolicy::default()
                .with_backoff(Duration::from_millis(5), Duration::from_millis(20)),
        )
        .with_timeouts(Duration::from_secs(2), Duration::from_secs(5))
}

/// A client configured the way users do: from the environment the simulator prints.
fn client(sim: &Simulator) -> RevCentClient {
    let config = RevCentConfig::from_vars(|name: &str| sim.client_var(name))
        .unwrap()
        .with_transport(transport());
    RevCentClient::new(config).unwrap()
}

fn at(unix: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(unix).unwrap()
}

fn month() -> std::ops::RangeInclusive<OffsetDateTime> {
    at(NOW - 30 * DAY)..=at(NOW)
}

#[tokio::test]
async fn threads_yields_every_seeded_thread_once_in_listing_order() {
    let sim = simulator(700).await;
    let client = client(&sim);
    let expected = sim.sim().revcent().ids_created_between(NOW - 30 * DAY, NOW);
    assert_eq!(expected.len(), 700);
    let ids: Vec<String> = client
        .ai_threads(month(), ThreadFilters::new())
        .map(|t| t.unwrap().id.unwrap())
        .collect()
        .await;
    assert_eq!(ids, expected);

    // Smaller pages, the same threads.
    let ids: Vec<String> = client
        .ai_threads(month(), ThreadFilters::new().with_limit(7))
        .map(|t| t.unwrap().id.unwrap())
        .collect()
        .await;
    assert_eq!(ids, expected);
}

#[tokio::test]
async fn the_trait_lists_by_cursor_and_filters_cancelled_client_side() {
    let sim = simulator(300).await;
    let provider: Arc<dyn ThreadProvider> = Arc::new(client(&sim));
    let expected = sim.sim().revcent().ids_created_between(NOW - 30 * DAY, NOW);
    let (since, until) = month().into_inner();

    for order in [Order::Asc, Order::Desc] {
        let mut query = ListQuery::new()
            .with_range(since, until)
            .with_limit(20)
            .with_order(order);
        let mut ids = Vec::new();
        loop {
            let page = provider.list_threads(&query).await.unwrap();
            ids.extend(page.items.into_iter().map(|t| t.id));
            match page.next {
                Some(next) => query = query.with_cursor(next),
                None => break,
            }
        }
        if order == Order::Desc {
            ids.reverse();
        }
        assert_eq!(ids, expected, "{order:?}");
    }

    let cancelled: Vec<_> = provider
        .clone()
        .threads(
            ListQuery::new()
                .with_range(since, until)
                .with_statuses([Status::Cancelled]),
        )
        .map(|t| t.unwrap())
        .collect()
        .await;
    assert!(!cancelled.is_empty());
    assert!(cancelled.iter().all(|t| t.status == Status::Cancelled));
    let all: Vec<_> = provider
        .clone()
        .threads(ListQuery::new().with_range(since, until))
        .map(|t| t.unwrap())
        .collect()
        .await;
    let expected_cancelled = all.iter().filter(|t| t.status == Status::Cancelled).count();
    assert_eq!(cancelled.len(), expected_cancelled);

    let active: Vec<_> = provider
        .threads(
            ListQuery::new()
                .with_range(since, until)
                .with_statuses([Status::Running, Status::Pending]),
        )
        .map(|t| t.unwrap())
        .collect()
        .await;
    assert!(active.iter().any(|t| t.status == Status::Running));
    assert!(active.iter().any(|t| t.status == Status::Pending));
    assert!(active.iter().all(|t| t.status.is_active()));
}

#[tokio::test]
async fn server_side_filters_are_applied() {
    let sim = simulator(300).await;
    let client = client(&sim);
    let all: Vec<_> = client
        .ai_threads(month(), ThreadFilters::new())
        .map(|t| t.unwrap())
        .collect()
        .await;
    let assistant = all[0].ai_assistant.as_ref().unwrap().id.clone().unwrap();
    let mine: Vec<_> = client
        .ai_threads(
            month(),
            ThreadFilters::new()
                .with_ai_assistants([assistant.clone()])
                .with_statuses([StatusFilter::Complete, StatusFilter::Error]),
        )
        .map(|t| t.unwrap())
        .collect()
        .await;
    let expected = all
        .iter()
        .filter(|t| t.ai_assistant.as_ref().unwrap().id.as_ref() == Some(&assistant))
        .filter(|t| {
            matches!(
                t.status,
                Some(AiThreadStatus::Complete | AiThreadStatus::Error)
            )
        })
        .count();
    assert_eq!(mine.len(), expected);
    assert!(expected > 0);
}

#[tokio::test]
async fn get_list_and_cancel_round_trip() {
    let sim = simulator(50).await;
    let client = client(&sim);
    let id = sim
        .sim()
        .revcent()
        .insert(NewThread::new(NOW - 60, AiThreadStatus::Timer));

    let list = client
        .get_ai_threads(
            &AiThreadListParams::new(NOW - 120, NOW).with_statuses([StatusFilter::Timer]),
        )
        .await
        .unwrap();
    assert_eq!(list.total_count, Some(1));
    assert_eq!(
        list.results.as_ref().unwrap()[0].id.as_deref(),
        Some(id.as_str())
    );

    let thread = client.get_ai_thread(&id).await.unwrap();
    assert_eq!(thread.status, Some(AiThreadStatus::Timer));
    assert!(thread.time_delay_expires.unwrap() > NOW);
    assert_eq!(
        thread.message_count,
        Some(thread.messages.as_ref().unwrap().len() as i64)
    );

    let response = client.cancel_ai_thread(&id).await.unwrap();
    let CancelResponse::Cancelled(result) = response else {
        panic!("{response:?}")
    };
    assert_eq!(result.ai_thread_id.as_deref(), Some(id.as_str()));
    assert_eq!(
        client.get_ai_thread(&id).await.unwrap().status,
        Some(AiThreadStatus::Cancelled)
    );

    // A second cancel is refused, and one GetAIThread confirms the thread has ended.
    let before = sim.sim().provider_requests_seen(ProviderKind::RevCent);
    let response = client.cancel_ai_thread(&id).await.unwrap();
    let CancelResponse::AlreadyEnded { status, refusal } = response else {
        panic!("{response:?}")
    };
    assert_eq!(status, AiThreadStatus::Cancelled);
    assert_eq!(refusal.code.as_deref(), Some("invalid_status"));
    assert_eq!(refusal.status, Some(400));
    assert_eq!(refusal.request_id.as_ref().map(String::len), Some(20));
    assert_eq!(
        sim.sim().provider_requests_seen(ProviderKind::RevCent) - before,
        2
    );
}

#[tokio::test]
async fn errors_carry_the_providers_details() {
    let sim = simulator(5).await;
    let client = client(&sim);
    let err = client
        .get_ai_thread("AAAAAAAAAAAAAAAAAAAA")
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    assert_eq!(err.code(), Some("not_found"));
    assert_eq!(err.status(), Some(404));
    assert_eq!(err.provider(), Some(ProviderKind::RevCent));
    let err = client
        .cancel_ai_thread("AAAAAAAAAAAAAAAAAAAA")
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err:?}");

    let wrong = RevCentClient::new(
        RevCentConfig::default()
            .with_api_key("not-the-key")
            .with_base_url(sim.revcent_base_url()),
    )
    .unwrap();
    let err = wrong
        .get_ai_threads(&AiThreadListParams::new(NOW - 10, NOW))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Authentication { .. }), "{err:?}");
    assert_eq!(err.code(), Some("unauthorized"));
    assert!(!format!("{err:?}").contains("not-the-key"));

    let before = sim.requests_seen();
    for id in ["short", "AAAAAAAAA/AAAAAAAAAA", "AAAAAAAAAAAAAAAAAAA\u{e9}"] {
        assert!(
            client
                .get_ai_thread(id)
                .await
                .unwrap_err()
                .is_invalid_input()
        );
        assert!(
            client
                .cancel_ai_thread(id)
                .await
                .unwrap_err()
                .is_invalid_input()
        );
    }
    assert!(
        client
            .get_ai_threads(&AiThreadListParams::new(NOW - 3 * DAY, NOW))
            .await
            .unwrap_err()
            .is_invalid_input()
    );
    assert_eq!(sim.requests_seen(), before);
}

/// Runs a cancel whose first answer is lost to `fault` (the handler runs, so the thread is
/// cancelled), and returns what the client said and how many requests it made.
async fn cancel_with_lost_answer(
    fault: Fault,
    transport: TransportConfig,
) -> (CancelResponse, u64) {
    let sim = simulator(0).await;
    let id = sim
        .sim()
        .revcent()
        .insert(NewThread::new(NOW - 5, AiThreadStatus::Running));
    let client = RevCentClient::new(
        RevCentConfig::default()
            .with_api_key(sim.sim().config.credentials.revcent_api_key.clone())
            .with_base_url(sim.revcent_base_url())
            .with_transport(transport),
    )
    .unwrap();
    sim.faults()
        .set(vec![FaultRule::next(Some(ProviderKind::RevCent), fault, 1)]);
    let response = client.cancel_ai_thread(&id).await.unwrap();
    assert_eq!(
        sim.sim().revcent().status(&id),
        Some(AiThreadStatus::Cancelled)
    );
    (
        response,
        sim.sim().provider_requests_seen(ProviderKind::RevCent),
    )
}

#[tokio::test]
async fn a_cancel_whose_answer_was_truncated_is_already_ended_on_retry() {
    let (response, requests) = cancel_with_lost_answer(Fault::Truncate, transport()).await;
    assert_eq!(response.outcome(), CancelOutcome::AlreadyEnded);
    let CancelResponse::AlreadyEnded { status, refusal } = response else {
        unreachable!()
    };
    assert_eq!(status, AiThreadStatus::Cancelled);
    assert_eq!(refusal.code.as_deref(), Some("invalid_status"));
    assert_eq!(requests, 3, "the cancel, its retry, the confirming get");
}

#[tokio::test]
async fn a_cancel_whose_answer_timed_out_is_already_ended_on_retry() {
    let transport = transport().with_timeouts(Duration::from_secs(2), Duration::from_millis(300));
    let (response, requests) = cancel_with_lost_answer(Fault::Timeout, transport).await;
    assert_eq!(response.outcome(), CancelOutcome::AlreadyEnded);
    assert_eq!(requests, 3);
}

#[tokio::test]
async fn transient_faults_are_retried() {
    let sim = simulator(40).await;
    let client = client(&sim);
    sim.faults().set(vec![
        FaultRule::next(Some(ProviderKind::RevCent), Fault::Status(503), 1),
        FaultRule::next(
            Some(ProviderKind::RevCent),
            Fault::RateLimited { retry_after: 0 },
            1,
        ),
        FaultRule::next(Some(ProviderKind::RevCent), Fault::Reset, 1),
    ]);
    let ids: Vec<_> = client
        .ai_threads(month(), ThreadFilters::new())
        .map(|t| t.unwrap())
        .collect()
        .await;
    assert_eq!(ids.len(), 40);
}

#[tokio::test]
async fn a_ten_thousand_message_thread_decodes() {
    let sim = simulator(0).await;
    let id = sim
        .sim()
        .revcent()
        .insert(NewThread::new(NOW - 100, AiThreadStatus::Complete).with_messages(10_000));
    let provider: &dyn ThreadProvider = &client(&sim);
    let thread = provider.get_thread(&id).await.unwrap();
    assert_eq!(thread.messages.len(), 10_000);
    assert_eq!(thread.status, Status::Completed);
    assert_eq!(
        thread
            .record::<aithreads_revcent::AiThread>()
            .unwrap()
            .message_count,
        Some(10_000)
    );
}
