//! Secret audit: the library runs at trace level (its own spans and events, and the `log`
//! records of reqwest and hyper) into a buffer, through every provider client's success and
//! error paths, against the simulator, with wrong keys, and against a server that echoes the
//! credentials back in every place an answer can carry text. The known fake keys must appear
//! in no log line, no error (`Display`, `Debug`, source chain), no `Debug` of a config or
//! client, and no panic message of an `unwrap`/`expect_err` style assertion.

use crate::common;

use std::fmt::Debug;
use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use aithreads::providers::chatkit::{
    ChatKitClient, ChatKitConfig, CreateChatSessionBody, ListItemsParams, ListThreadsParams,
};
use aithreads::providers::revcent::{
    AiThreadListParams, AiThreadStatus, MAX_RANGE_SECS, RevCentClient, RevCentConfig,
};
use aithreads::providers::trtc::sign::SigningParams;
use aithreads::providers::trtc::{
    AgentConfig, ControlAiConversationRequest, ControlCommand, DescribeAiConversationRequest,
    InvokeLlm, LlmConfig, StartAiConversationRequest, StopAiConversationRequest, TrtcClient,
    TrtcConfig, UpdateAiConversationRequest,
};
use aithreads::transport::{RetryPolicy, TransportConfig};
use aithreads::{Client, Error, ListQuery, ProviderKind, ThreadProvider, ThreadRef};
use aithreads_sim::revcent::NewThread;
use aithreads_sim::{Credentials, Fault, FaultRule, SimConfig, Simulator};
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use common::{Clients, REGION};
use futures::StreamExt;

const REVCENT_KEY: &str = "rc-FAKE-KEY-5a8e1f0c93";
const TENCENT_SECRET_KEY: &str = "tc-FAKE-SECRETKEY-77d2b0";
/// Not a secret strictly, but it names the account's key: scrubbed like one.
const TENCENT_SECRET_ID: &str = "AKIDsecretaudit000000000000000000";
const TENCENT_TOKEN: &str = "tc-FAKE-TOKEN-0f3a9c";
const OPENAI_KEY: &str = "sk-FAKE-openai-3c6d1e";
const WRONG_REVCENT_KEY: &str = "rc-WRONG-KEY-91b7c2";
const WRONG_TENCENT_SECRET_KEY: &str = "tc-WRONG-SECRETKEY-4e0a";
const WRONG_OPENAI_KEY: &str = "sk-WRONG-openai-8f2d";
/// A third party's key inside TRTC's `LLMConfig`.
const LLM_KEY: &str = "sk-FAKE-llm-key-2b9e";

const SECRETS: [&str; 9] = [
    REVCENT_KEY,
    TENCENT_SECRET_ID,
    TENCENT_SECRET_KEY,
    TENCENT_TOKEN,
    OPENAI_KEY,
    WRONG_REVCENT_KEY,
    WRONG_TENCENT_SECRET_KEY,
    WRONG_OPENAI_KEY,
    LLM_KEY,
];

/// Everything logged, at every level, by every test of this file.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<u8>>>);

impl Write for Log {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Log {
    type Writer = Log;

    fn make_writer(&'a self) -> Log {
        self.clone()
    }
}

/// The process-wide trace subscriber (also receiving `log` records), installed once.
fn log() -> &'static Log {
    static LOG: OnceLock<Log> = OnceLock::new();
    LOG.get_or_init(|| {
        let log = Log::default();
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
            .with_ansi(false)
            .with_writer(log.clone())
            .try_init()
            .expect("the only subscriber of this test binary");
        log
    })
}

fn logged() -> String {
    String::from_utf8_lossy(&log().0.lock().unwrap()).into_owned()
}

/// Text a test collects and checks: errors, Debug output, panic messages.
#[derive(Default)]
struct Shown(Vec<String>, Recording);

/// Which results [`Shown::result`] keeps.
#[derive(Default, PartialEq)]
enum Recording {
    #[default]
    Everything,
    /// Errors only: a success carries what the server sent, which a server echoing keys
    /// fills with them.
    Errors,
}

impl Shown {
    /// An error's `Display`, `Debug` and source chain, and the panic message of unwrapping it.
    fn error(&mut self, what: &str, error: Error) {
        let mut text = format!("{what}: {error} | {error:?}");
        let mut source = std::error::Error::source(&error);
        while let Some(cause) = source {
            text.push_str(&format!(" | {cause} | {cause:?}"));
            source = cause.source();
        }
        self.0.push(text);
        let result: Result<(), Error> = Err(error);
        // The point is the panic message a test's `expect` prints.
        #[allow(clippy::unnecessary_literal_unwrap)]
        self.panic(what, move || result.expect("the call succeeds"));
    }

    /// A call's result: its error as above, or its value's `Debug` and the panic message of
    /// expecting an error from it.
    fn result<T: Debug + Send + 'static>(&mut self, what: &str, result: Result<T, Error>) {
        match result {
            Err(error) => self.error(what, error),
            Ok(_) if self.1 == Recording::Errors => {}
            Ok(value) => {
                self.0.push(format!("{what}: {value:?}"));
                let result: Result<T, ()> = Ok(value);
                #[allow(clippy::unnecessary_literal_unwrap)]
                self.panic(what, move || {
                    result.expect_err("the call fails");
                });
            }
        }
    }

    /// A value's `Debug`. The SecretId is only kept out of errors and logs: `Debug` of a
    /// configuration shows it on purpose, to tell which account a client uses.
    fn debug(&mut self, what: &str, value: &dyn Debug) {
        let text = format!("{what}: {value:?} | {value:#?}");
        self.0
            .push(text.replace(TENCENT_SECRET_ID, "(the SecretId)"));
    }

    fn panic(&mut self, what: &str, f: impl FnOnce()) {
        let payload = catch_unwind(AssertUnwindSafe(f)).expect_err("it panics");
        let message = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        assert!(!message.is_empty(), "{what}: no panic message");
        self.0.push(format!("{what} panicked: {message}"));
    }

    /// Fails naming the first text that shows a key, after checking the log too.
    fn assert_no_secret(&self) {
        for text in &self.0 {
            for secret in SECRETS {
                assert!(!text.contains(secret), "a key shows in: {text}");
            }
        }
        let logged = logged();
        for secret in SECRETS {
            if let Some(at) = logged.find(secret) {
                let line_start = logged[..at].rfind('\n').map_or(0, |i| i + 1);
                let line_end = logged[at..].find('\n').map_or(logged.len(), |i| at + i);
                panic!("a key shows in the log: {}", &logged[line_start..line_end]);
            }
        }
    }
}

fn credentials() -> Credentials {
    Credentials {
        revcent_api_key: REVCENT_KEY.into(),
        tencent_secret_id: TENCENT_SECRET_ID.into(),
        tencent_secret_key: TENCENT_SECRET_KEY.into(),
        openai_api_key: OPENAI_KEY.into(),
    }
}

fn transport() -> TransportConfig {
    TransportConfig::default()
        .with_timeouts(Duration::from_secs(2), Duration::from_millis(300))
        .with_retry(
            RetryPolicy::default()
                .with_max_attempts(2)
                .with_backoff(Duration::from_millis(5), Duration::from_millis(10))
                .with_max_server_delay(Duration::from_millis(100)),
        )
        .with_max_response_bytes(1 << 20)
}

/// Clients of `base` (an `http://127.0.0.1:port`) holding these keys and the token.
fn clients_of(base: &str, revcent_key: &str, tencent_key: &str, openai_key: &str) -> Clients {
    Clients {
        revcent: RevCentClient::new(
            RevCentConfig::default()
                .with_api_key(revcent_key)
                .with_base_url(format!("{base}/v2"))
                .with_transport(transport()),
        )
        .unwrap(),
        trtc: TrtcClient::new(
            TrtcConfig::new()
                .with_credentials(credentials().tencent_secret_id, tencent_key)
                .with_token(TENCENT_TOKEN)
                .with_region(REGION)
                .with_endpoint(base)
                .with_transport(transport()),
        )
        .unwrap(),
        chatkit: ChatKitClient::new(
            ChatKitConfig::default()
                .with_api_key(openai_key)
                .with_base_url(format!("{base}/v1"))
                .with_organization("org-audit")
                .with_transport(transport()),
        )
        .unwrap(),
    }
}

fn start_request() -> StartAiConversationRequest {
    StartAiConversationRequest::new(
        1_400_000_001,
        "1234",
        AgentConfig::new("robot_1", "robot_sig", "user_1"),
    )
    .with_llm_config(
        LlmConfig::openai(
            "gpt-4o",
            LLM_KEY,
            "https://api.openai.com/v1/chat/completions",
        )
        .to_json_string()
        .unwrap(),
    )
}

/// Every operation of every provider client, each result recorded.
async fn run_everything(shown: &mut Shown, clients: &Clients, ids: &Ids) {
    let (r, t, k) = (&clients.revcent, &clients.trtc, &clients.chatkit);
    shown.result("revcent get", r.get_ai_thread(&ids.revcent).await);
    shown.result(
        "revcent list",
        r.get_ai_threads(&AiThreadListParams::new(ids.now - MAX_RANGE_SECS, ids.now))
            .await,
    );
    shown.result("revcent cancel", r.cancel_ai_thread(&ids.revcent).await);
    shown.result(
        "revcent trait get",
        ThreadProvider::get_thread(r, &ids.revcent).await,
    );
    shown.result(
        "revcent trait list",
        ThreadProvider::list_threads(r, &ListQuery::new().with_limit(2)).await,
    );
    shown.result(
        "trtc start",
        t.start_ai_conversation(&start_request()).await,
    );
    shown.result(
        "trtc describe",
        t.describe_ai_conversation(
            &DescribeAiConversationRequest::default().with_task_id(ids.trtc.clone()),
        )
        .await,
    );
    shown.result(
        "trtc update",
        t.update_ai_conversation(
            &UpdateAiConversationRequest::new(ids.trtc.clone())
                .with_llm_config(start_request().llm_config.unwrap_or_default()),
        )
        .await,
    );
    shown.result(
        "trtc control",
        t.control_ai_conversation(
            &ControlAiConversationRequest::new(ids.trtc.clone(), ControlCommand::InvokeLlm)
                .with_invoke_llm(InvokeLlm::default().with_content("hi")),
        )
        .await,
    );
    shown.result(
        "trtc stop",
        t.stop_ai_conversation(&StopAiConversationRequest::new(ids.trtc.clone()))
            .await,
    );
    shown.result(
        "trtc trait get",
        ThreadProvider::get_thread(t, &ids.trtc).await,
    );
    shown.result("chatkit get", k.retrieve_chatkit_thread(&ids.chatkit).await);
    shown.result(
        "chatkit list",
        k.list_chatkit_threads(&ListThreadsParams::new().with_limit(3))
            .await,
    );
    shown.result(
        "chatkit items",
        k.list_chatkit_thread_items(&ids.chatkit, &ListItemsParams::new())
            .await,
    );
    shown.result(
        "chatkit trait get",
        ThreadProvider::get_thread(k, &ids.chatkit).await,
    );
    let session = k
        .create_chatkit_session(&CreateChatSessionBody::new("wf_audit", "user_audit"))
        .await;
    let session_id = session
        .as_ref()
        .map_or("cksess_x".to_owned(), |s| s.id.clone());
    shown.result("chatkit create session", session);
    shown.result(
        "chatkit cancel session",
        k.cancel_chatkit_session(&session_id).await,
    );
    shown.result(
        "chatkit delete",
        k.delete_chatkit_thread(&ids.chatkit).await,
    );
}

/// What the operations act on.
struct Ids {
    now: i64,
    revcent: String,
    trtc: String,
    chatkit: String,
}

impl Ids {
    fn in_simulator(sim: &Simulator) -> Self {
        let state = sim.sim();
        let now = state.config.now;
        Self {
            now,
            revcent: state
                .revcent()
                .insert(NewThread::new(now - 60, AiThreadStatus::Running)),
            trtc: state.trtc().start_task(REGION),
            chatkit: state.chatkit().create_active_thread("user_audit").id,
        }
    }

    fn made_up() -> Self {
        Self {
            now: 1_700_000_000,
            revcent: "Xk29dLq0PzR7mNs4TbVa".into(),
            trtc: "SV1FR+XTtvzAjRxZZ".into(),
            chatkit: "cthr_abc123".into(),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_simulator_runs_show_no_key() {
    log();
    let sim = Simulator::start(
        SimConfig::default()
            .with_threads(10)
            .with_credentials(credentials()),
    )
    .await
    .unwrap();
    let base = sim.base_url();
    let mut shown = Shown::default();

    // Success paths, then the same calls again: cancelled, stopped, deleted (errors).
    let right = clients_of(&base, REVCENT_KEY, TENCENT_SECRET_KEY, OPENAI_KEY);
    let ids = Ids::in_simulator(&sim);
    run_everything(&mut shown, &right, &ids).await;
    run_everything(&mut shown, &right, &ids).await;

    // Wrong keys: every provider refuses them.
    let wrong = clients_of(
        &base,
        WRONG_REVCENT_KEY,
        WRONG_TENCENT_SECRET_KEY,
        WRONG_OPENAI_KEY,
    );
    run_everything(&mut shown, &wrong, &Ids::in_simulator(&sim)).await;

    // Every fault, with retries.
    for fault in [
        Fault::RateLimited { retry_after: 0 },
        Fault::Status(503),
        Fault::Reset,
        Fault::Timeout,
        Fault::Truncate,
        Fault::InvalidJson,
        Fault::WrongContentType,
        Fault::Oversized,
    ] {
        sim.faults().set(vec![FaultRule::always(None, fault)]);
        run_everything(&mut shown, &right, &Ids::in_simulator(&sim)).await;
    }
    sim.faults().clear();

    // The facade, its bulk operations and its export.
    let client = Client::builder()
        .with_revcent(right.revcent.clone())
        .with_trtc(right.trtc.clone())
        .with_chatkit(right.chatkit.clone())
        .build();
    let ids = Ids::in_simulator(&sim);
    let refs: Vec<ThreadRef> = [
        format!("revcent:{}", ids.revcent),
        format!("trtc:{}", ids.trtc),
        format!("chatkit:{}", ids.chatkit),
        "chatkit:cthr_missing".into(),
    ]
    .iter()
    .map(|r| r.parse().unwrap())
    .collect();
    for item in client.get_many(&refs).await {
        shown.result("facade get_many", item.result);
    }
    for item in client.cancel_many(&refs).await {
        shown.result("facade cancel_many", item.result);
    }
    for item in client.delete_many(&refs).await {
        shown.result("facade delete_many", item.result);
    }
    let exported: Vec<_> = client
        .export(ProviderKind::OpenAiChatKit, ListQuery::new().with_limit(5))
        .take(3)
        .collect()
        .await;
    for thread in exported {
        shown.result("facade export", thread);
    }
    let from_env = Client::from_vars(|name: &str| sim.client_var(name));
    shown.result("facade from_vars", from_env);

    // Input refused before sending.
    shown.result("bad id", right.chatkit.retrieve_chatkit_thread("a/b").await);
    shown.result("bad region", right.trtc.with_region("Nowhere"));

    assert!(
        shown.0.len() > 150,
        "only {} results recorded",
        shown.0.len()
    );
    shown.assert_no_secret();
    // The log really is at trace level and holds the library's spans and events.
    let logged = logged();
    for expected in ["aithreads.request", "attempt failed", "retrying", "TRACE"] {
        assert!(logged.contains(expected), "the log has no {expected:?}");
    }
}

/// A server that answers every request with the client's credentials in every place an
/// answer carries text.
#[derive(Clone)]
struct Echo {
    mode: Arc<AtomicUsize>,
}

/// The ways the echo server answers, one per test round.
const MODES: usize = 7;

async fn echo(State(echo): State<Echo>, uri: Uri, headers: HeaderMap) -> Response {
    let path = uri.path();
    // What the client sent (the RevCent key, `Bearer` and the OpenAI key, the Tencent
    // token), and for TRTC the SecretKey too, as a server that knew it could.
    let mut leak: Vec<String> = ["x-api-key", "authorization", "x-tc-token"]
        .iter()
        .filter_map(|name| headers.get(*name)?.to_str().ok().map(str::to_owned))
        .collect();
    if path == "/" {
        leak.push(TENCENT_SECRET_KEY.into());
    }
    let leak = leak.join(" ");
    let json = |status: u16, body: serde_json::Value| {
        let mut response = (
            axum::http::StatusCode::from_u16(status).unwrap(),
            [("content-type", "application/json")],
            body.to_string(),
        )
            .into_response();
        let headers = response.headers_mut();
        headers.insert("retry-after", "0".parse().unwrap());
        headers.insert("x-request-id", leak.parse().unwrap());
        response
    };
    let text = |status: u16, content_type: &'static str, body: String| {
        (
            axum::http::StatusCode::from_u16(status).unwrap(),
            [("content-type", content_type)],
            body,
        )
            .into_response()
    };
    match echo.mode.load(Ordering::SeqCst) {
        // The provider's own error envelope, every field a leak.
        0 if path.starts_with("/v2") => json(
            400,
            serde_json::json!({"code": 0, "error_code": leak, "message": leak,
                "api_call_id": leak, "result": leak}),
        ),
        0 if path.starts_with("/v1") => json(
            400,
            serde_json::json!({"error": {"message": leak, "type": leak, "param": leak,
                "code": leak}}),
        ),
        0 => json(
            200,
            serde_json::json!({"Response": {"Error": {"Code": leak, "Message": leak},
                "RequestId": leak}}),
        ),
        // Broken JSON.
        1 => text(
            200,
            "application/json",
            format!("{{\"api_key\": \"{leak}\", "),
        ),
        // Valid JSON where a number or an object is due: serde quotes the string.
        2 if path == "/" => json(200, serde_json::json!({"Response": {"Error": leak}})),
        2 => json(
            200,
            serde_json::json!({"id": leak, "code": leak, "object": leak, "created_at": leak,
                "status": leak, "data": leak, "results": leak}),
        ),
        // A proxy's page.
        3 => text(
            502,
            "text/html",
            format!("<html><body>{leak}</body></html>"),
        ),
        // Throttled.
        4 => text(429, "text/plain", leak),
        // Refused credentials.
        5 => text(
            401,
            "application/json",
            format!("{{\"detail\": \"{leak}\"}}"),
        ),
        // Secret-looking keys holding the secrets.
        _ => json(
            403,
            serde_json::json!({"secret_key": leak, "token": leak, "Authorization": leak}),
        ),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_echoing_the_keys_never_gets_them_shown() {
    log();
    let echo_state = Echo {
        mode: Arc::default(),
    };
    let app = axum::Router::new()
        .fallback(echo)
        .with_state(echo_state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let clients = clients_of(&base, REVCENT_KEY, TENCENT_SECRET_KEY, OPENAI_KEY);
    let mut shown = Shown(Vec::new(), Recording::Errors);
    for mode in 0..MODES {
        echo_state.mode.store(mode, Ordering::SeqCst);
        run_everything(&mut shown, &clients, &Ids::made_up()).await;
    }
    // Two texts per error (the error, the panic of unwrapping it); most calls fail.
    assert!(
        shown.0.len() >= 2 * MODES * 12,
        "only {} texts",
        shown.0.len()
    );
    shown.assert_no_secret();
}

#[test]
fn debug_of_every_config_client_and_signer_hides_the_keys() {
    let mut shown = Shown::default();
    let revcent = RevCentConfig::from_vars(|name| match name {
        "REVCENT_API_KEY" => Some(REVCENT_KEY.into()),
        _ => None,
    })
    .unwrap();
    shown.debug("RevCentConfig", &revcent);
    shown.debug("RevCentClient", &RevCentClient::new(revcent).unwrap());
    let trtc = TrtcConfig::new()
        .with_credentials("AKIDx", TENCENT_SECRET_KEY)
        .with_token(TENCENT_TOKEN)
        .with_region(REGION);
    shown.debug("TrtcConfig", &trtc);
    let trtc = TrtcClient::new(trtc).unwrap();
    shown.debug("TrtcClient", &trtc);
    let chatkit = ChatKitConfig::default().with_api_key(OPENAI_KEY);
    shown.debug("ChatKitConfig", &chatkit);
    let chatkit = ChatKitClient::new(chatkit).unwrap();
    shown.debug("ChatKitClient", &chatkit);
    let builder = Client::builder().with_trtc(trtc).with_chatkit(chatkit);
    shown.debug("ClientBuilder", &builder);
    shown.debug("Client", &builder.build());
    shown.debug("Credentials", &credentials());
    shown.debug(
        "SigningParams",
        &SigningParams {
            secret_id: "AKIDx",
            secret_key: TENCENT_SECRET_KEY,
            service: "trtc",
            timestamp: 1_700_000_000,
        },
    );
    shown.debug(
        "LlmConfig",
        &LlmConfig::openai("gpt-4o", LLM_KEY, "https://api.openai.com/v1"),
    );
    // Keys the HTTP stack cannot carry are configuration errors, and do not show either.
    for key in [format!("{OPENAI_KEY}\n"), format!("x\r\n{OPENAI_KEY}")] {
        shown.result(
            "ChatKitClient::new",
            ChatKitClient::new(ChatKitConfig::default().with_api_key(key)),
        );
    }
    {
        let key = format!("{REVCENT_KEY}\n");
        let client = RevCentClient::new(RevCentConfig::default().with_api_key(key)).unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        shown.result(
            "RevCent with a bad key",
            runtime.block_on(client.get_ai_thread("Xk29dLq0PzR7mNs4TbVa")),
        );
    }
    shown.assert_no_secret();
}
