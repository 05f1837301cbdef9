//! The fault matrix: every operation of every provider client against every fault the
//! simulator injects, once (a retry must succeed when the operation may be repeated) and
//! persistently (the right typed error), within the configured deadline, with no panic and
//! no hang; calls that must not be repeated are sent exactly once after a fault that may
//! have landed. Then bulk operations under a 20 % random fault rate, which must lose no item.
//!
//! Expected outcome of each fault:
//!
//! | fault | retried | error when it persists |
//! |---|---|---|
//! | 429 with `Retry-After: 1` | yes, after the wait asked; also for calls that must not be repeated (nothing landed) | `RateLimited { retry_after: 1 s }` |
//! | 500, 502, 503 | calls that may be repeated | `Provider { transient: true }` with that status |
//! | connection reset | calls that may be repeated | `Transport { not_sent: false }` |
//! | timeout (handled, never answered) | calls that may be repeated | `Timeout` |
//! | truncated body (handled, connection broken mid-body) | calls that may be repeated | `Transport { not_sent: false }` |
//! | invalid JSON | no | `Decode` with the 2xx status |
//! | wrong content type (HTML) | no | `Decode` naming the content type |
//! | oversized body | no | `ResponseTooLarge` with the configured limit |
//! | redirect (307) to another origin | no, and not followed | `Config` naming the provider and where it pointed |
//! | 404 without the provider's envelope | no | `Config` naming the provider's base-URL variable |
//!
//! A retried cancel or stop whose first attempt landed (timeout, truncation) succeeds as
//! `AlreadyEnded` (RevCent confirms the refusal with one more request, a GetAIThread); a
//! retried ChatKit delete answered 404 succeeds.

use crate::common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use aithreads::providers::chatkit::{
    ChatKitClient, ChatKitConfig, CreateChatSessionBody, ListItemsParams, ListThreadsParams,
};
use aithreads::providers::revcent::{AiThreadListParams, AiThreadStatus, MAX_RANGE_SECS};
use aithreads::providers::trtc::{
    AgentConfig, ControlAiConversationRequest, ControlCommand, DescribeAiConversationRequest,
    InvokeLlm, StartAiConversationRequest, StopAiConversationRequest, TaskStatus,
    UpdateAiConversationRequest,
};
use aithreads::transport::{RetryPolicy, TransportConfig};
use aithreads::{CancelOutcome, Client, Error, ProviderKind, ThreadRef};
use aithreads_sim::revcent::NewThread;
use aithreads_sim::{Fault, FaultRule, SimConfig, Simulator};
use common::{Clients, REGION};
use tokio::sync::Semaphore;

/// Attempts per call in the matrix.
const ATTEMPTS: u32 = 3;
/// Per-attempt timeout: what a `timeout` fault costs. Two seconds, not one: a healthy
/// attempt (the retry after a one-off fault) must finish within it even on a busy machine.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(2);
/// Time budget of a whole call, retries included.
const BUDGET: Duration = Duration::from_secs(8);
/// Slack on the budget for the test's own scheduling.
const SLACK: Duration = Duration::from_secs(2);
/// The response size limit; the `oversized` fault sends 48 MiB.
const MAX_BODY: usize = 1 << 20;
/// Seconds the 429 fault asks to wait.
const RETRY_AFTER: u64 = 1;
/// Matrix cases run at once.
const CASES_AT_ONCE: usize = 8;

/// One HTTP client for every fixture: building one loads the TLS roots, which took most of
/// a fixture's set-up time and loaded the machine the matrix's timeouts are measured on.
/// Each case's simulator has its own port, so the shared pool keeps cases apart.
static HTTP: std::sync::LazyLock<reqwest::Client> = std::sync::LazyLock::new(|| {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(2))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
});

fn transport(attempts: u32, budget: Duration) -> TransportConfig {
    TransportConfig::default()
        .with_http_client(HTTP.clone())
        .with_timeouts(Duration::from_secs(2), REQUEST_TIMEOUT)
        .with_retry(
            RetryPolicy::default()
                .with_max_attempts(attempts)
                .with_backoff(Duration::from_millis(10), Duration::from_millis(50))
                .with_max_server_delay(Duration::from_secs(2))
                .with_max_elapsed(budget),
        )
        .with_max_response_bytes(MAX_BODY)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    RevCentGet,
    RevCentList,
    RevCentCancel,
    TrtcStart,
    TrtcDescribe,
    TrtcUpdate,
    TrtcControl,
    TrtcStop,
    ChatKitGet,
    ChatKitList,
    ChatKitDelete,
    ChatKitItems,
    ChatKitCreateSession,
    ChatKitCancelSession,
}

impl Op {
    const ALL: [Op; 14] = [
        Op::RevCentGet,
        Op::RevCentList,
        Op::RevCentCancel,
        Op::TrtcStart,
        Op::TrtcDescribe,
        Op::TrtcUpdate,
        Op::TrtcControl,
        Op::TrtcStop,
        Op::ChatKitGet,
        Op::ChatKitList,
        Op::ChatKitDelete,
        Op::ChatKitItems,
        Op::ChatKitCreateSession,
        Op::ChatKitCancelSession,
    ];

    fn provider(self) -> ProviderKind {
        match self {
            Op::RevCentGet | Op::RevCentList | Op::RevCentCancel => ProviderKind::RevCent,
            Op::TrtcStart | Op::TrtcDescribe | Op::TrtcUpdate | Op::TrtcControl | Op::TrtcStop => {
                ProviderKind::TencentTrtc
            }
            _ => ProviderKind::OpenAiChatKit,
        }
    }

    /// Whether repeating the call is harmless. Starting a task, pushing a command and
    /// creating a session are not.
    fn repeatable(self) -> bool {
        !matches!(
            self,
            Op::TrtcStart | Op::TrtcControl | Op::ChatKitCreateSession
        )
    }

    /// Whether the call ends something, so a retry after a landed attempt finds it ended.
    fn cancels(self) -> bool {
        matches!(self, Op::RevCentCancel | Op::TrtcStop)
    }
}

const FAULTS: [Fault; 12] = [
    Fault::RateLimited {
        retry_after: RETRY_AFTER,
    },
    Fault::Status(500),
    Fault::Status(502),
    Fault::Status(503),
    Fault::Reset,
    Fault::Timeout,
    Fault::Truncate,
    Fault::InvalidJson,
    Fault::WrongContentType,
    Fault::Oversized,
    // Port 9 (discard): nothing is ever sent there.
    Fault::Redirect {
        status: 307,
        port: 9,
    },
    Fault::PlainNotFound,
];

/// Whether the transport retries after this fault (when the call may be repeated).
fn retryable(fault: Fault) -> bool {
    !matches!(
        fault,
        Fault::InvalidJson
            | Fault::WrongContentType
            | Fault::Oversized
            | Fault::Redirect { .. }
            | Fault::PlainNotFound
    )
}

/// Whether the error is the one this fault must produce.
fn right_error(fault: Fault, error: &Error) -> bool {
    match fault {
        Fault::RateLimited { retry_after } => matches!(
            error,
            Error::RateLimited { retry_after: Some(wait), .. }
                if *wait == Duration::from_secs(retry_after)
        ),
        Fault::Status(code) => {
            error.is_provider_error() && error.is_retryable() && error.status() == Some(code)
        }
        Fault::Reset | Fault::Truncate => matches!(
            error,
            Error::Transport {
                not_sent: false,
                ..
            }
        ),
        Fault::Timeout => matches!(error, Error::Timeout { .. }),
        Fault::InvalidJson => matches!(
            error,
            Error::Decode {
                status: Some(200..=299),
                ..
            }
        ),
        Fault::WrongContentType => {
            matches!(error, Error::Decode { message, .. } if message.contains("content type"))
        }
        Fault::Oversized => matches!(
            error,
            Error::ResponseTooLarge {
                limit: MAX_BODY,
                ..
            }
        ),
        Fault::Redirect { port, .. } => {
            error.is_config() && error.to_string().contains(&format!("127.0.0.1:{port}/"))
        }
        Fault::PlainNotFound => {
            error.is_config() && error.to_string().contains("base URL looks wrong")
        }
        Fault::Latency(_) | Fault::RepeatCursor | Fault::CycleCursors | Fault::EndlessPages => {
            false
        }
    }
}

/// A simulator with one of everything each operation acts on, made before any fault.
struct Fixture {
    sim: Simulator,
    clients: Clients,
    revcent_thread: String,
    trtc_task: String,
    chatkit_thread: String,
    chatkit_session: String,
}

impl Fixture {
    async fn new(transport: TransportConfig) -> Self {
        let sim = Simulator::start(SimConfig::default().with_threads(3))
            .await
            .unwrap();
        let clients = Clients::new(&sim, transport);
        let state = sim.sim();
        let revcent_thread = state.revcent().insert(NewThread::new(
            state.config.now - 3_600,
            AiThreadStatus::Running,
        ));
        let trtc_task = state.trtc().start_task(REGION);
        let chatkit_thread = state.chatkit().create_active_thread("user_matrix").id;
        // Set-up goes through a client with the default, generous timeouts: only the
        // operation under test runs with the tight one, so a busy machine cannot fail a
        // healthy set-up call (it did: this call once hit the one-second timeout).
        let setup = ChatKitClient::new(
            ChatKitConfig::from_vars(|name| sim.client_var(name))
                .unwrap()
                .with_transport(TransportConfig::default().with_http_client(HTTP.clone())),
        )
        .unwrap();
        let chatkit_session = setup
            .create_chatkit_session(&session_body())
            .await
            .unwrap()
            .id;
        Self {
            sim,
            clients,
            revcent_thread,
            trtc_task,
            chatkit_thread,
            chatkit_session,
        }
    }

    /// Runs one operation; a cancel or stop answers its outcome.
    async fn run(&self, op: Op) -> Result<Option<CancelOutcome>, Error> {
        let c = &self.clients;
        let now = self.sim.sim().config.now;
        match op {
            Op::RevCentGet => c
                .revcent
                .get_ai_thread(&self.revcent_thread)
                .await
                .map(none),
            Op::RevCentList => c
                .revcent
                .get_ai_threads(&AiThreadListParams::new(now - MAX_RANGE_SECS, now))
                .await
                .map(none),
            Op::RevCentCancel => c
                .revcent
                .cancel_ai_thread(&self.revcent_thread)
                .await
                .map(|r| Some(r.outcome())),
            Op::TrtcStart => c
                .trtc
                .start_ai_conversation(&start_request())
                .await
                .map(none),
            Op::TrtcDescribe => c
                .trtc
                .describe_ai_conversation(
                    &DescribeAiConversationRequest::default().with_task_id(self.trtc_task.clone()),
                )
                .await
                .map(none),
            Op::TrtcUpdate => c
                .trtc
                .update_ai_conversation(
                    &UpdateAiConversationRequest::new(self.trtc_task.clone())
                        .with_welcome_message("Hello again"),
                )
                .await
                .map(none),
            Op::TrtcControl => c
                .trtc
                .control_ai_conversation(
                    &ControlAiConversationRequest::new(
                        self.trtc_task.clone(),
                        ControlCommand::InvokeLlm,
                    )
                    .with_invoke_llm(
                        InvokeLlm::default()
                            .with_content("Summarise the call")
                            .with_interrupt(false),
                    ),
                )
                .await
                .map(none),
            Op::TrtcStop => c
                .trtc
                .stop_ai_conversation(&StopAiConversationRequest::new(self.trtc_task.clone()))
                .await
                .map(|s| Some(s.outcome)),
            Op::ChatKitGet => c
                .chatkit
                .retrieve_chatkit_thread(&self.chatkit_thread)
                .await
                .map(none),
            Op::ChatKitList => c
                .chatkit
                .list_chatkit_threads(&ListThreadsParams::new().with_limit(5))
                .await
                .map(none),
            Op::ChatKitDelete => c
                .chatkit
                .delete_chatkit_thread(&self.chatkit_thread)
                .await
                .map(none),
            Op::ChatKitItems => c
                .chatkit
                .list_chatkit_thread_items(&self.chatkit_thread, &ListItemsParams::new())
                .await
                .map(none),
            Op::ChatKitCreateSession => c
                .chatkit
                .create_chatkit_session(&session_body())
                .await
                .map(none),
            Op::ChatKitCancelSession => c
                .chatkit
                .cancel_chatkit_session(&self.chatkit_session)
                .await
                .map(none),
        }
    }
}

/// The outcome of an operation that cancels nothing.
fn none<T>(_: T) -> Option<CancelOutcome> {
    None
}

fn session_body() -> CreateChatSessionBody {
    CreateChatSessionBody::new("wf_matrix", "user_matrix")
}

fn start_request() -> StartAiConversationRequest {
    StartAiConversationRequest::new(
        1_400_000_001,
        "1234",
        AgentConfig::new("robot_1", "robot_sig", "user_1"),
    )
}

#[derive(Debug, Clone, Copy)]
struct Case {
    op: Op,
    fault: Fault,
    persistent: bool,
}

/// What one case did.
struct Observed {
    result: Result<Option<CancelOutcome>, Error>,
    requests: u64,
    elapsed: Duration,
}

async fn observe(case: Case) -> Observed {
    let fixture = Fixture::new(transport(ATTEMPTS, BUDGET)).await;
    let provider = case.op.provider();
    let rule = if case.persistent {
        FaultRule::always(Some(provider), case.fault)
    } else {
        FaultRule::next(Some(provider), case.fault, 1)
    };
    fixture.sim.faults().set(vec![rule]);
    let before = fixture.sim.sim().provider_requests_seen(provider);
    let started = Instant::now();
    let result = fixture.run(case.op).await;
    let elapsed = started.elapsed();
    Observed {
        result,
        requests: fixture.sim.sim().provider_requests_seen(provider) - before,
        elapsed,
    }
}

/// Checks a case against the table in the module docs; `Err` says what was wrong.
fn check(case: Case, observed: &Observed) -> Result<(), String> {
    let Case {
        op,
        fault,
        persistent,
    } = case;
    let retried =
        retryable(fault) && (op.repeatable() || matches!(fault, Fault::RateLimited { .. }));
    // RevCent confirms a refused retry with a GetAIThread.
    let confirmed = op == Op::RevCentCancel && retried && !persistent && !fault.short_circuits();
    let expected_requests = match (retried, persistent) {
        (false, _) => 1,
        (true, false) => 2 + u64::from(confirmed),
        (true, true) => u64::from(ATTEMPTS),
    };
    if observed.requests != expected_requests {
        return Err(format!(
            "{} requests, expected {expected_requests} ({:?})",
            observed.requests,
            observed.result.as_ref().err()
        ));
    }
    if observed.elapsed > BUDGET + SLACK {
        return Err(format!("took {:?}, over the budget", observed.elapsed));
    }
    if let Fault::RateLimited { retry_after } = fault {
        let waited = Duration::from_secs(retry_after) * (expected_requests as u32 - 1);
        if observed.elapsed < waited {
            return Err(format!(
                "took {:?}: the Retry-After wait was not honoured",
                observed.elapsed
            ));
        }
    }
    match &observed.result {
        Ok(outcome) if retried && !persistent => {
            let landed = !fault.short_circuits();
            let expected = op.cancels().then_some(if landed {
                CancelOutcome::AlreadyEnded
            } else {
                CancelOutcome::Cancelled
            });
            if *outcome != expected {
                return Err(format!("outcome {outcome:?}, expected {expected:?}"));
            }
            Ok(())
        }
        Ok(outcome) => Err(format!("succeeded ({outcome:?}) but must fail")),
        Err(error) if retried && !persistent => Err(format!("failed after a retry: {error:?}")),
        Err(error) if error.provider() != Some(op.provider()) => {
            Err(format!("the error names another provider: {error:?}"))
        }
        Err(error) if !right_error(fault, error) => Err(format!("wrong error: {error:?}")),
        Err(_) => Ok(()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_survives_every_fault_or_fails_with_the_right_error() {
    let cases: Vec<Case> = Op::ALL
        .into_iter()
        .flat_map(|op| {
            FAULTS.into_iter().flat_map(move |fault| {
                [false, true].map(|persistent| Case {
                    op,
                    fault,
                    persistent,
                })
            })
        })
        .collect();
    assert_eq!(cases.len(), 14 * FAULTS.len() * 2);
    // Eight cases at once, each on its own simulator: parallel enough to take seconds, few
    // enough that the test's own load leaves every healthy request far from the timeout on
    // a machine other work keeps busy.
    let permits = Arc::new(Semaphore::new(CASES_AT_ONCE));
    let started = Instant::now();
    let tasks: Vec<_> = cases
        .iter()
        .map(|&case| {
            let permits = permits.clone();
            tokio::spawn(async move {
                let _permit = permits.acquire_owned().await.unwrap();
                tokio::time::timeout(BUDGET + 2 * SLACK, observe(case)).await
            })
        })
        .collect();
    let mut failures = Vec::new();
    for (case, task) in cases.iter().zip(tasks) {
        let verdict = match task.await {
            Err(panic) => Err(format!("panicked: {panic}")),
            Ok(Err(_)) => Err("hung".to_owned()),
            Ok(Ok(observed)) => check(*case, &observed),
        };
        if let Err(why) = verdict {
            failures.push(format!(
                "{:?} {} {}: {why}",
                case.op,
                if case.persistent {
                    "persistent"
                } else {
                    "once"
                },
                case.fault
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    // The whole matrix is a matter of seconds, not minutes.
    assert!(
        started.elapsed() < Duration::from_secs(120),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_time_budget_ends_a_call_whatever_the_attempts_left() {
    // Ten attempts of two seconds each would take twenty; the 2.5 s budget ends the call.
    let budget = Duration::from_millis(2_500);
    let fixture = Fixture::new(transport(10, budget)).await;
    fixture
        .sim
        .faults()
        .set(vec![FaultRule::always(None, Fault::Timeout)]);
    for op in [Op::RevCentGet, Op::TrtcDescribe, Op::ChatKitGet] {
        let started = Instant::now();
        let error = fixture.run(op).await.unwrap_err();
        let elapsed = started.elapsed();
        assert!(matches!(error, Error::Timeout { .. }), "{op:?}: {error:?}");
        assert!(elapsed <= budget + SLACK, "{op:?} took {elapsed:?}");
        assert!(
            elapsed >= budget - Duration::from_millis(600),
            "{op:?} gave up early: {elapsed:?}"
        );
    }
}

/// Bulk operations of the facade under a 20 % fault rate (every retryable fault, equally
/// likely): every input gets exactly one result, in order, and each is a success, as the
/// simulator's state confirms.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_operations_under_random_faults_lose_no_item() {
    const PER_PROVIDER: usize = 24;
    let sim = Simulator::start(SimConfig::default().with_threads(0).with_seed(8))
        .await
        .unwrap();
    // Eight attempts: an item fails only if all eight draw a fault (0.2^8, about 3 in a
    // million).
    let clients = Clients::new(&sim, transport(8, Duration::from_secs(30)));
    let client = Client::builder()
        .with_revcent(clients.revcent.clone())
        .with_trtc(clients.trtc.clone())
        .with_chatkit(clients.chatkit.clone())
        .with_concurrency(8)
        .build();
    let state = sim.sim();
    let now = state.config.now;
    let revcent: Vec<ThreadRef> = (0..PER_PROVIDER)
        .map(|i| {
            let id = state
                .revcent()
                .insert(NewThread::new(now - 60 * i as i64, AiThreadStatus::Running));
            format!("revcent:{id}").parse().unwrap()
        })
        .collect();
    let trtc: Vec<ThreadRef> = (0..PER_PROVIDER)
        .map(|_| {
            let id = state.trtc().start_task(REGION);
            ThreadRef::new(ProviderKind::TencentTrtc, Some(REGION.into()), id).unwrap()
        })
        .collect();
    let chatkit: Vec<ThreadRef> = (0..PER_PROVIDER)
        .map(|_| {
            let id = state.chatkit().create_active_thread("user_bulk").id;
            format!("chatkit:{id}").parse().unwrap()
        })
        .collect();

    // 1 - (1 - r)^7 = 0.2 for seven faults.
    let rate = 1.0 - 0.8f64.powf(1.0 / 7.0);
    let faults = [
        Fault::RateLimited { retry_after: 0 },
        Fault::Status(500),
        Fault::Status(502),
        Fault::Status(503),
        Fault::Reset,
        Fault::Timeout,
        Fault::Truncate,
    ];
    sim.faults().set(
        faults
            .into_iter()
            .map(|fault| FaultRule::rate(None, fault, rate))
            .collect(),
    );

    let everything: Vec<ThreadRef> = [&revcent[..], &trtc[..], &chatkit[..]].concat();
    let before = sim.requests_seen();
    let got = client.get_many(&everything).await;
    assert_every_input_once(&everything, &got);
    for (item, input) in got.iter().zip(&everything) {
        let thread = item.result.as_ref().unwrap();
        assert_eq!(thread.id, input.id());
    }
    let requests = sim.requests_seen() - before;
    assert!(
        requests > everything.len() as u64,
        "no fault fired ({requests} requests): the test proves nothing"
    );

    let ended: Vec<ThreadRef> = [&revcent[..], &trtc[..]].concat();
    let before = sim.requests_seen();
    let cancelled = client.cancel_many(&ended).await;
    assert_every_input_once(&ended, &cancelled);
    assert!(sim.requests_seen() - before > ended.len() as u64);
    for thread in &revcent {
        assert_eq!(
            state.revcent().status(thread.id()),
            Some(AiThreadStatus::Cancelled),
            "{thread}"
        );
    }
    for thread in &trtc {
        let status = state.trtc().task_status(REGION, thread.id());
        assert!(
            matches!(status, None | Some(TaskStatus::Stopped)),
            "{thread}: {status:?}"
        );
    }

    let before = sim.requests_seen();
    let deleted = client.delete_many(&chatkit).await;
    assert_every_input_once(&chatkit, &deleted);
    assert!(sim.requests_seen() - before > chatkit.len() as u64);
    for thread in &chatkit {
        assert!(state.chatkit().is_deleted(thread.id()), "{thread}");
    }
    sim.faults().clear();
}

/// One result per input, in input order, every one a success.
fn assert_every_input_once<T: std::fmt::Debug>(
    inputs: &[ThreadRef],
    results: &[aithreads::ItemResult<T>],
) {
    assert_eq!(results.len(), inputs.len());
    for (item, input) in results.iter().zip(inputs) {
        assert_eq!(&item.thread, input);
        if let Err(error) = &item.result {
            panic!("{input} failed despite retries: {error:?}");
        }
    }
}
