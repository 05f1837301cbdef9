//! Every operation and its errors against the simulator, through the real client.

use crate::common;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use aithreads_core::transport::{RetryPolicy, TransportConfig};
use aithreads_core::{Error, ListQuery, Order, ProviderKind, Role, Status, ThreadProvider};
use aithreads_openai_chatkit::{
    ChatKitClient, ChatKitConfig, ChatSessionStatus, CreateChatSessionBody, ExpiresAfterParam,
    ListItemsParams, ListThreadsParams, RateLimitsParam, ThreadItem, ThreadRecord, ThreadStatus,
};
use aithreads_sim::{Fault, FaultRule, SimConfig, Simulator};
use futures::TryStreamExt;

async fn sim(threads: usize) -> Simulator {
    Simulator::start(SimConfig::default().with_threads(threads).with_seed(11))
        .await
        .unwrap()
}

fn config(sim: &Simulator) -> ChatKitConfig {
    ChatKitConfig::from_vars(|name: &str| sim.client_var(name))
        .unwrap()
        .with_transport(common::fast_transport())
}

fn client(sim: &Simulator) -> ChatKitClient {
    ChatKitClient::new(config(sim)).unwrap()
}

fn item_id(item: &ThreadItem) -> String {
    serde_json::to_value(item).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn threads_walks_every_seeded_thread_once_in_both_orders() {
    let sim = sim(57).await;
    let client = client(&sim);
    let walk = |order| {
        client
            .chatkit_threads(ListThreadsParams::new().with_limit(7).with_order(order))
            .map_ok(|t| t.id)
            .try_collect::<Vec<String>>()
    };
    let before = sim.requests_seen();
    let desc = walk(Order::Desc).await.unwrap();
    assert_eq!(sim.requests_seen() - before, 9, "57 threads in pages of 7");
    let mut asc = walk(Order::Asc).await.unwrap();
    assert_eq!(desc.len(), 57);
    assert_eq!(
        desc.iter().collect::<HashSet<_>>().len(),
        57,
        "no duplicates"
    );
    asc.reverse();
    assert_eq!(asc, desc, "ascending is the exact reverse, ties included");

    let expected: Vec<(String, Vec<String>)> = {
        let state = sim.sim().chatkit();
        state
            .users()
            .into_iter()
            .map(|user| {
                let ids = state.thread_ids_of(&user);
                (user, ids)
            })
            .collect()
    };
    assert!(expected.len() > 1, "several users are seeded");
    for (user, ids) in expected {
        let mine: Vec<String> = client
            .chatkit_threads(ListThreadsParams::new().with_user(&user).with_limit(3))
            .map_ok(|t| t.id)
            .try_collect()
            .await
            .unwrap();
        assert_eq!(mine, ids, "{user}");
    }
}

#[tokio::test]
async fn pages_carry_the_cursor_fields_and_before_goes_back() {
    let sim = sim(12).await;
    let client = client(&sim);
    let first = client
        .list_chatkit_threads(&ListThreadsParams::new().with_limit(5))
        .await
        .unwrap();
    assert_eq!(first.object, "list");
    assert!(first.has_more);
    assert_eq!(first.first_id.as_deref(), Some(first.data[0].id.as_str()));
    assert_eq!(first.last_id.as_deref(), Some(first.data[4].id.as_str()));
    let second = client
        .list_chatkit_threads(
            &ListThreadsParams::new()
                .with_limit(5)
                .with_after(first.last_id.clone().unwrap()),
        )
        .await
        .unwrap();
    let back = client
        .list_chatkit_threads(
            &ListThreadsParams::new()
                .with_limit(5)
                .with_before(second.first_id.clone().unwrap()),
        )
        .await
        .unwrap();
    assert_eq!(
        back.data, first.data,
        "before the second page is the first page"
    );
    assert!(!back.has_more);
}

#[tokio::test]
async fn get_thread_and_items_match_the_simulator_state() {
    let sim = sim(6).await;
    let client = client(&sim);
    let (thread, items) = {
        let state = sim.sim().chatkit();
        let id = state.thread_ids_of(&state.users()[0])[0].clone();
        (
            state.thread(&id).unwrap().clone(),
            state.items(&id).unwrap(),
        )
    };
    assert_eq!(
        client.retrieve_chatkit_thread(&thread.id).await.unwrap(),
        thread
    );
    let walked: Vec<ThreadItem> = client
        .chatkit_thread_items(
            &thread.id,
            ListItemsParams::new().with_order(Order::Asc).with_limit(2),
        )
        .try_collect()
        .await
        .unwrap();
    assert_eq!(walked, items);
    let newest = client
        .list_chatkit_thread_items(&thread.id, &ListItemsParams::new().with_limit(1))
        .await
        .unwrap();
    assert_eq!(
        newest.data[0],
        *items.last().unwrap(),
        "items default to newest first"
    );
}

#[tokio::test]
async fn the_trait_returns_the_transcript_and_the_typed_record() {
    let sim = sim(3).await;
    let client = client(&sim);
    let listed = client.list_threads(&ListQuery::new()).await.unwrap().items;
    let mut statuses = Vec::new();
    for thread in listed {
        let full = client.get_thread(&thread.id).await.unwrap();
        let record = full.record::<ThreadRecord>().unwrap();
        let items = record.items.clone().unwrap();
        assert_eq!(full.messages.len(), items.len());
        assert_eq!(full.messages[0].role, Role::User);
        assert!(full.messages.iter().any(|m| m.role == Role::Tool));
        assert!(full.messages.iter().any(|m| m.text == "[widget]"));
        assert_eq!(full.raw_status.value, record.thread.status.tag());
        let expected = sim.sim().chatkit().items(&thread.id);
        assert_eq!(Some(items), expected);
        statuses.push((full.status, full.raw_status.value.clone()));
    }
    statuses.sort_by_key(|(_, raw)| raw.clone());
    assert_eq!(
        statuses,
        [
            (Status::Running, "active".to_owned()),
            (Status::Completed, "closed".to_owned()),
            (Status::Locked, "locked".to_owned())
        ]
    );
}

#[tokio::test]
async fn deleting_removes_the_thread_and_its_items() {
    let sim = sim(4).await;
    let client = client(&sim);
    let id = sim.sim().chatkit().create_active_thread("user_gone").id;
    let deleted = client.delete_chatkit_thread(&id).await.unwrap();
    assert!(deleted.deleted);
    assert_eq!(deleted.object, "chatkit.thread.deleted");
    for err in [
        client
            .retrieve_chatkit_thread(&id)
            .await
            .map(drop)
            .unwrap_err(),
        client
            .list_chatkit_thread_items(&id, &ListItemsParams::new())
            .await
            .map(drop)
            .unwrap_err(),
        client
            .delete_chatkit_thread(&id)
            .await
            .map(drop)
            .unwrap_err(),
    ] {
        assert!(err.is_not_found(), "{err:?}");
        assert_eq!(err.provider(), Some(ProviderKind::OpenAiChatKit));
        assert!(err.request_id().is_some_and(|id| id.starts_with("req_")));
    }
    let remaining = client
        .list_chatkit_threads(&ListThreadsParams::new().with_user("user_gone"))
        .await
        .unwrap();
    assert!(remaining.data.is_empty());
}

#[tokio::test]
async fn a_delete_whose_answer_was_lost_succeeds_on_the_retry() {
    let sim = sim(2).await;
    let id = sim.sim().chatkit().create_active_thread("user_retry").id;
    // The first attempt deletes, then its answer never comes; the retry finds nothing.
    sim.faults().set(vec![FaultRule::next(
        Some(ProviderKind::OpenAiChatKit),
        Fault::Timeout,
        1,
    )]);
    let transport = TransportConfig::default()
        .with_timeouts(Duration::from_secs(1), Duration::from_millis(300))
        .with_retry(
            RetryPolicy::default()
                .with_backoff(Duration::from_millis(5), Duration::from_millis(10)),
        );
    let client = ChatKitClient::new(config(&sim).with_transport(transport)).unwrap();
    let deleted = client.delete_chatkit_thread(&id).await.unwrap();
    assert_eq!((deleted.id.as_str(), deleted.deleted), (id.as_str(), true));
    assert!(sim.sim().chatkit().is_deleted(&id));
}

#[tokio::test]
async fn rate_limits_and_server_errors_are_retried_through() {
    let sim = sim(2).await;
    let client = client(&sim);
    let id = sim.sim().chatkit().create_active_thread("user_retry").id;
    sim.faults().set(vec![
        FaultRule::next(
            Some(ProviderKind::OpenAiChatKit),
            Fault::RateLimited { retry_after: 0 },
            1,
        ),
        FaultRule::next(Some(ProviderKind::OpenAiChatKit), Fault::Status(503), 1),
    ]);
    let before = sim.requests_seen();
    client.retrieve_chatkit_thread(&id).await.unwrap();
    assert_eq!(sim.requests_seen() - before, 3);
}

#[tokio::test]
async fn a_wrong_key_is_an_authentication_error_with_openai_details() {
    let sim = sim(1).await;
    let client = ChatKitClient::new(config(&sim).with_api_key("sk-wrong-key-0000000000")).unwrap();
    let err = client
        .list_chatkit_threads(&ListThreadsParams::new())
        .await
        .unwrap_err();
    let Error::Authentication { details, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(details.status, Some(401));
    assert_eq!(details.code.as_deref(), Some("invalid_api_key"));
    assert_eq!(details.error_type.as_deref(), Some("invalid_request_error"));
    assert!(details.message.starts_with("Incorrect API key provided"));
    assert!(!details.message.contains("sk-wrong-key-0000000000"));
}

#[tokio::test]
async fn unknown_cursors_are_refused_by_the_server_with_the_param_named() {
    let sim = sim(3).await;
    let err = client(&sim)
        .list_chatkit_threads(&ListThreadsParams::new().with_after("cthr_nope"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.api_error().unwrap().param.as_deref(), Some("after"));
}

#[tokio::test]
async fn sessions_are_created_and_cancelled() {
    let sim = sim(0).await;
    let client = client(&sim);
    let mut body = CreateChatSessionBody::new("wf_onboarding", "user_alice");
    body.expires_after = Some(ExpiresAfterParam::after_creation(120));
    body.rate_limits = Some(RateLimitsParam::default().with_max_requests_per_1_minute(30));
    let session = client.create_chatkit_session(&body).await.unwrap();
    assert!(session.id.starts_with("cksess_"), "{}", session.id);
    assert_eq!(session.object, "chatkit.session");
    assert_eq!(session.status, ChatSessionStatus::Active);
    assert_eq!(session.user, "user_alice");
    assert_eq!(session.workflow.id, "wf_onboarding");
    assert_eq!(session.max_requests_per_1_minute, 30);
    let now = aithreads_sim::unix_now();
    assert!(
        (now + 118..=now + 121).contains(&session.expires_at),
        "{}",
        session.expires_at
    );

    let cancelled = client.cancel_chatkit_session(&session.id).await.unwrap();
    assert_eq!(cancelled.status, ChatSessionStatus::Cancelled);
    assert_eq!(cancelled.client_secret, session.client_secret);
    let again = client.cancel_chatkit_session(&session.id).await.unwrap();
    assert_eq!(again.status, ChatSessionStatus::Cancelled);

    let missing = client
        .cancel_chatkit_session("cksess_missing")
        .await
        .unwrap_err();
    assert!(missing.is_not_found(), "{missing:?}");
}

#[tokio::test]
async fn statuses_of_inserted_threads_reach_the_client_unchanged() {
    let sim = sim(0).await;
    let client = Arc::new(client(&sim));
    let unknown: ThreadStatus =
        serde_json::from_value(serde_json::json!({"type": "archived", "reason": "retention"}))
            .unwrap();
    let thread = {
        let mut state = sim.sim().chatkit();
        let mut thread = state.create_active_thread("user_x");
        thread.status = unknown;
        state.insert_thread(thread.clone(), Vec::new());
        thread
    };
    let unified = client.get_thread(&thread.id).await.unwrap();
    assert_eq!(unified.status, Status::Unknown);
    assert_eq!(unified.raw_status.value, "archived");
    assert_eq!(unified.raw_status.reason.as_deref(), Some("retention"));
    assert!(unified.messages.is_empty());
    assert_eq!(item_id_count(&client, &thread.id).await, 0);
}

async fn item_id_count(client: &ChatKitClient, id: &str) -> usize {
    client
        .chatkit_thread_items(id, ListItemsParams::new())
        .map_ok(|i| item_id(&i))
        .try_collect::<Vec<_>>()
        .await
        .unwrap()
        .len()
}
