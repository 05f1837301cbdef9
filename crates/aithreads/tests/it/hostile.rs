//! Issue 16 against a simulator that lies rather than fails: every walk ends, a thread's
//! transcript stays bounded, credentials never leave the configured origin, and a wrong base
//! URL is reported as one. Each test asserts the bound: requests made, time taken, what
//! reached another origin. (Peak memory: `tests/memory.rs`, which needs a process of its own.)

use crate::common;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use aithreads::providers::chatkit::{ChatKitClient, ChatKitConfig, CreateChatSessionBody};
use aithreads::providers::chatkit::{ListItemsParams, ListThreadsParams};
use aithreads::providers::revcent::{AiThreadStatus, RevCentClient, RevCentConfig};
use aithreads::providers::trtc::{DescribeAiConversationRequest, StopAiConversationRequest};
use aithreads::transport::{RetryPolicy, TransportConfig};
use aithreads::{Client, Error, ListQuery, ProviderKind, Status, Thread, ThreadProvider};
use aithreads_sim::revcent::NewThread;
use aithreads_sim::{SimConfig, Simulator};
use common::{Clients, REGION};
use futures::StreamExt;

/// What any of these calls may take: a hostile server gets no more than this.
const BOUND: Duration = Duration::from_secs(10);

fn transport() -> TransportConfig {
    TransportConfig::default()
        .with_timeouts(Duration::from_secs(5), Duration::from_secs(5))
        .with_retry(
            RetryPolicy::default()
                .with_max_attempts(3)
                .with_backoff(Duration::from_millis(5), Duration::from_millis(20)),
        )
}

async fn sim(threads: usize, faults: &str) -> Simulator {
    let sim = Simulator::start(SimConfig::default().with_threads(threads))
        .await
        .unwrap();
    let plan = aithreads_sim::FaultPlan::parse(faults, 0).unwrap();
    sim.faults().set(plan.rules());
    sim
}

fn facade(clients: &Clients) -> Client {
    Client::builder()
        .with_revcent(clients.revcent.clone())
        .with_trtc(clients.trtc.clone())
        .with_chatkit(clients.chatkit.clone())
        .build()
}

/// What a walk yielded: its items, then the error that ended it, with the requests it made
/// and the time it took.
struct Walked {
    ids: Vec<String>,
    error: Option<Error>,
    requests: u64,
    elapsed: Duration,
}

/// Runs the walk `start` begins (a stream starts fetching as soon as it is made).
async fn walk<T>(
    sim: &Simulator,
    start: impl FnOnce() -> futures::stream::BoxStream<'static, aithreads::Result<T>>,
    id: impl Fn(&T) -> String,
) -> Walked {
    let before = sim
        .sim()
        .provider_requests_seen(ProviderKind::OpenAiChatKit);
    let started = Instant::now();
    let results: Vec<_> = tokio::time::timeout(BOUND, start().collect())
        .await
        .expect("the walk never ended");
    let elapsed = started.elapsed();
    let mut walked = Walked {
        ids: Vec::new(),
        error: None,
        requests: sim
            .sim()
            .provider_requests_seen(ProviderKind::OpenAiChatKit)
            - before,
        elapsed,
    };
    for result in results {
        assert!(walked.error.is_none(), "an item after the error");
        match result {
            Ok(item) => walked.ids.push(id(&item)),
            Err(error) => walked.error = Some(error),
        }
    }
    walked
}

impl Walked {
    /// The walk made `requests` requests, yielded no id twice and ended with a pagination
    /// error naming ChatKit and a cursor.
    fn assert_ended_by_the_loop(&self, what: &str, requests: u64) {
        let unique: HashSet<&String> = self.ids.iter().collect();
        assert_eq!(
            unique.len(),
            self.ids.len(),
            "{what}: a duplicate was yielded"
        );
        assert_eq!(
            self.requests, requests,
            "{what}: requests ({:?})",
            self.error
        );
        assert!(self.elapsed < BOUND, "{what}: took {:?}", self.elapsed);
        match &self.error {
            Some(
                error @ Error::Pagination {
                    provider: ProviderKind::OpenAiChatKit,
                    position,
                    ..
                },
            ) => {
                assert!(position.starts_with("cursor cthr_"), "{what}: {position}");
                assert!(error.to_string().contains(position.as_str()), "{error}");
            }
            other => panic!("{what}: ended with {other:?}"),
        }
    }
}

/// `list --all`, `export` and `list --status X` as the CLI walks them, and the typed stream.
async fn every_walk(sim: &Simulator, clients: &Clients) -> Vec<(&'static str, Walked)> {
    let client = facade(clients);
    let thread_id = |t: &Thread| t.id.clone();
    vec![
        (
            "typed stream",
            walk(
                sim,
                || {
                    clients
                        .chatkit
                        .chatkit_threads(ListThreadsParams::new().with_limit(10))
                },
                |t: &aithreads::providers::chatkit::ThreadResource| t.id.clone(),
            )
            .await,
        ),
        (
            "export",
            walk(
                sim,
                || client.export(ProviderKind::OpenAiChatKit, ListQuery::new()),
                thread_id,
            )
            .await,
        ),
        (
            "list --status locked",
            walk(
                sim,
                || {
                    client.export(
                        ProviderKind::OpenAiChatKit,
                        ListQuery::new().with_statuses([Status::Locked]),
                    )
                },
                thread_id,
            )
            .await,
        ),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_cursor_again_ends_every_walk_after_two_requests() {
    let sim = sim(60, "chatkit:repeat-cursor").await;
    let clients = Clients::new(&sim, transport());
    for (what, walked) in every_walk(&sim, &clients).await {
        walked.assert_ended_by_the_loop(what, 2);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cycling_cursors_end_every_walk_after_three_requests_without_a_duplicate() {
    let sim = sim(60, "chatkit:cycle-cursors").await;
    let clients = Clients::new(&sim, transport());
    let walks = every_walk(&sim, &clients).await;
    for (what, walked) in &walks {
        walked.assert_ended_by_the_loop(what, 3);
    }
    // The two honest pages, each thread once: 10 a page for the typed stream, 20 (OpenAI's
    // default page) for export.
    assert_eq!(walks[0].1.ids.len(), 20);
    assert_eq!(walks[1].1.ids.len(), 40);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn item_pages_that_never_end_stop_at_the_transcript_limit() {
    let sim = sim(0, "chatkit:endless-pages").await;
    let clients = Clients::new(&sim, transport());
    let thread = sim.sim().chatkit().create_active_thread("user_endless").id;
    let requests = || {
        sim.sim()
            .provider_requests_seen(ProviderKind::OpenAiChatKit)
    };

    // By items: ten full pages fit, the eleventh passes 1,000.
    let client = clients.chatkit.with_max_transcript_items(1_000);
    let (before, started) = (requests(), Instant::now());
    let error = client.get_thread(&thread).await.unwrap_err();
    assert!(
        matches!(&error, Error::TranscriptTooLarge { limit, thread_id, .. }
            if limit == "1000 items" && *thread_id == thread),
        "{error:?}"
    );
    assert_eq!(
        requests() - before,
        1 + 11,
        "the thread, then eleven item pages"
    );
    assert!(started.elapsed() < BOUND);

    // The item stream yields what fits, then the same error.
    let walked = walk(
        &sim,
        || client.chatkit_thread_items(&thread, ListItemsParams::new().with_limit(100)),
        |_| String::new(),
    )
    .await;
    assert_eq!(walked.ids.len(), 1_000);
    assert_eq!(walked.requests, 11);
    assert!(matches!(
        walked.error,
        Some(Error::TranscriptTooLarge { .. })
    ));

    // By bytes: each page of 100 items of about a kilobyte is over 100 KB, so the third
    // passes 256 KiB.
    let client = clients.chatkit.with_max_transcript_bytes(256 * 1024);
    let before = requests();
    let error = client.get_thread(&thread).await.unwrap_err();
    assert!(
        matches!(&error, Error::TranscriptTooLarge { limit, .. } if limit == "262144 bytes"),
        "{error:?}"
    );
    assert_eq!(requests() - before, 1 + 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thread_within_the_limits_is_fetched_whole() {
    let sim = sim(3, "").await;
    let clients = Clients::new(&sim, transport());
    let thread = sim.sim().chatkit().create_active_thread("user_small").id;
    let items = sim.sim().chatkit().items(&thread).unwrap().len();
    assert!(items > 1);
    let exact = clients.chatkit.with_max_transcript_items(items);
    let fetched = exact.get_thread(&thread).await.unwrap();
    assert_eq!(fetched.messages.len(), items);
    let one_short = clients.chatkit.with_max_transcript_items(items - 1);
    let error = one_short.get_thread(&thread).await.unwrap_err();
    assert!(
        matches!(error, Error::TranscriptTooLarge { .. }),
        "{error:?}"
    );
}

/// Every redirect status, to another origin (a second simulator), for reads, cancels,
/// stops, deletes and creates of all three providers: a configuration error naming where
/// it pointed and the base-URL variable, one request each, nothing at the other origin.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirects_to_another_origin_are_reported_and_never_followed() {
    let other = Simulator::start(SimConfig::default().with_threads(0))
        .await
        .unwrap();
    let sim = sim(3, "").await;
    let clients = Clients::new(&sim, transport());
    let state = sim.sim();
    let revcent_thread = state.revcent().insert(NewThread::new(
        state.config.now - 60,
        AiThreadStatus::Running,
    ));
    let trtc_task = state.trtc().start_task(REGION);
    let chatkit_thread = state.chatkit().create_active_thread("user_redirect").id;
    let port = other.addr().port();
    for status in [301, 302, 303, 307, 308] {
        let rule = format!("redirect={status}:{port}");
        sim.faults().set(vec![rule.parse().unwrap()]);
        let before = sim.requests_seen();
        let c = &clients;
        let calls: Vec<(ProviderKind, &str, Result<(), Error>)> = vec![
            (
                ProviderKind::RevCent,
                "REVCENT_BASE_URL",
                c.revcent.get_ai_thread(&revcent_thread).await.map(drop),
            ),
            (
                ProviderKind::RevCent,
                "REVCENT_BASE_URL",
                c.revcent.cancel_ai_thread(&revcent_thread).await.map(drop),
            ),
            (
                ProviderKind::TencentTrtc,
                "TENCENTCLOUD_TRTC_ENDPOINT",
                c.trtc
                    .describe_ai_conversation(
                        &DescribeAiConversationRequest::default().with_task_id(trtc_task.clone()),
                    )
                    .await
                    .map(drop),
            ),
            (
                ProviderKind::TencentTrtc,
                "TENCENTCLOUD_TRTC_ENDPOINT",
                c.trtc
                    .stop_ai_conversation(&StopAiConversationRequest::new(trtc_task.clone()))
                    .await
                    .map(drop),
            ),
            (
                ProviderKind::OpenAiChatKit,
                "OPENAI_BASE_URL",
                c.chatkit
                    .delete_chatkit_thread(&chatkit_thread)
                    .await
                    .map(drop),
            ),
            (
                ProviderKind::OpenAiChatKit,
                "OPENAI_BASE_URL",
                c.chatkit
                    .create_chatkit_session(&CreateChatSessionBody::new("wf_1", "user_1"))
                    .await
                    .map(drop),
            ),
        ];
        sim.faults().clear();
        assert_eq!(
            sim.requests_seen() - before,
            calls.len() as u64,
            "{status}: one request per call, none repeated"
        );
        for (provider, var, result) in calls {
            let error = result.unwrap_err();
            assert!(error.is_config(), "{status} {provider}: {error:?}");
            assert_eq!(error.provider(), Some(provider));
            let text = error.to_string();
            assert!(
                text.contains(&format!("HTTP {status}"))
                    && text.contains(&format!("127.0.0.1:{port}/"))
                    && text.contains(var),
                "{text}"
            );
        }
    }
    assert_eq!(
        other.requests_seen(),
        0,
        "a request reached the other origin"
    );
    // Nothing the redirects answered happened.
    assert_eq!(
        state.revcent().status(&revcent_thread),
        Some(AiThreadStatus::Running)
    );
    assert!(!state.chatkit().is_deleted(&chatkit_thread));
}

/// A 404 that is not the provider's envelope, from a fault or from a base URL missing its
/// path: a configuration error naming the variable, never "not found" (and never a delete
/// that "succeeded").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_foreign_404_says_the_base_url_looks_wrong() {
    let sim = sim(3, "plain-404").await;
    let clients = Clients::new(&sim, transport());
    let chatkit_thread = sim.sim().chatkit().create_active_thread("user_404").id;
    let checks: Vec<(&str, Error)> = vec![
        (
            "REVCENT_BASE_URL",
            clients
                .revcent
                .get_ai_thread("AbCdEfGhIjKlMnOpQrSt")
                .await
                .unwrap_err(),
        ),
        (
            "TENCENTCLOUD_TRTC_ENDPOINT",
            clients
                .trtc
                .describe_ai_conversation(
                    &DescribeAiConversationRequest::default().with_task_id("task-1"),
                )
                .await
                .unwrap_err(),
        ),
        (
            "OPENAI_BASE_URL",
            clients
                .chatkit
                .get_thread(&chatkit_thread)
                .await
                .unwrap_err(),
        ),
        (
            "OPENAI_BASE_URL",
            clients
                .chatkit
                .delete_thread(&chatkit_thread)
                .await
                .unwrap_err(),
        ),
    ];
    for (var, error) in checks {
        assert!(error.is_config() && !error.is_not_found(), "{error:?}");
        let text = error.to_string();
        assert!(
            text.contains("base URL looks wrong") && text.contains(var),
            "{text}"
        );
    }
    sim.faults().clear();

    // The real mistake: a base URL without its path (`/v2`, `/v1`).
    let revcent = RevCentClient::new(
        RevCentConfig::from_vars(|name| sim.client_var(name))
            .unwrap()
            .with_base_url(sim.base_url())
            .with_transport(transport()),
    )
    .unwrap();
    let error = revcent
        .get_thread("AbCdEfGhIjKlMnOpQrSt")
        .await
        .unwrap_err();
    assert!(error.is_config(), "{error:?}");
    assert!(error.to_string().contains("REVCENT_BASE_URL"), "{error}");
    for base in [sim.base_url(), format!("{}/v1/v1", sim.base_url())] {
        let chatkit = ChatKitClient::new(
            ChatKitConfig::from_vars(|name| sim.client_var(name))
                .unwrap()
                .with_base_url(base.clone())
                .with_transport(transport()),
        )
        .unwrap();
        let error = chatkit.get_thread(&chatkit_thread).await.unwrap_err();
        assert!(error.is_config(), "{base}: {error:?}");
        assert!(error.to_string().contains("OPENAI_BASE_URL"), "{error}");
    }
    // A thread that is really missing is still "not found".
    let missing = clients
        .chatkit
        .get_thread("cthr_missing")
        .await
        .unwrap_err();
    assert!(missing.is_not_found(), "{missing:?}");
}
