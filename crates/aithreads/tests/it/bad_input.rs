//! Bad input: malformed and path-injecting ids, bad regions, limits, page sizes, users, date
//! ranges and action parameters, for every operation of every provider client. Each is
//! refused with `Error::InvalidInput` before any request: the simulator's request counter
//! does not move.
//!
//! Ids that go into a URL path (RevCent thread and assistant ids, ChatKit thread and session
//! ids) refuse every character that would change the URL. TRTC TaskIds and ChatKit cursors
//! travel in a JSON body or an encoded query string, so path characters (`/ ? # % .`) are
//! legal there (TaskIds are base64-like: `SV1FR+XTtvz…/…`); they must arrive intact and be
//! judged by the server, which the last tests check.

use crate::common;

use aithreads::providers::chatkit::{
    CreateChatSessionBody, ExpiresAfterParam, ListItemsParams, ListThreadsParams, RateLimitsParam,
    StateVariableValue,
};
use aithreads::providers::revcent::{AiThreadListParams, StatusFilter, ThreadFilters};
use aithreads::providers::trtc::{
    AgentConfig, ControlAiConversationRequest, ControlCommand, DescribeAiConversationRequest,
    InvokeLlm, ServerPushText, StartAiConversationRequest, StopAiConversationRequest, SttConfig,
    TrtcClient, TrtcConfig, UpdateAiConversationRequest,
};
use aithreads::time::{Duration, OffsetDateTime};
use aithreads::transport::TransportConfig;
use aithreads::{Error, ListQuery, ProviderKind, ThreadProvider, ThreadRef, check_ref};
use aithreads_sim::{SimConfig, Simulator};
use common::Clients;
use futures::{Stream, StreamExt};

/// Asserts that `$call` (a future) fails with `InvalidInput` and sends nothing.
macro_rules! refused {
    ($sim:expr, $what:expr, $call:expr) => {{
        let before = $sim.requests_seen();
        let result = $call.await;
        match &result {
            Err(error) if error.is_invalid_input() => {}
            other => panic!(
                "{}: expected InvalidInput before any request, got {other:?}",
                $what
            ),
        }
        assert_eq!(
            $sim.requests_seen(),
            before,
            "{}: a request was sent",
            $what
        );
    }};
}

async fn setup() -> (Simulator, Clients) {
    let sim = Simulator::start(SimConfig::default().with_threads(3))
        .await
        .unwrap();
    let clients = Clients::new(&sim, TransportConfig::default());
    (sim, clients)
}

/// A stream's only item: what a stream answers for input refused before any request.
async fn only<T>(stream: impl Stream<Item = aithreads::Result<T>>) -> aithreads::Result<T> {
    let mut stream = Box::pin(stream);
    let first = stream.next().await.expect("one item");
    assert!(
        stream.next().await.is_none(),
        "the stream goes on after its error"
    );
    first
}

/// Characters that change a URL, whitespace, control and non-ASCII characters.
const BAD_CHARACTERS: [&str; 20] = [
    "../x",
    "a/b",
    "a?b",
    "%2F",
    "a%2Fb",
    "a#b",
    "a\\b",
    "a b",
    " a",
    "a\t",
    "a\nb",
    "a\r\nx-injected: 1",
    "a\u{0}b",
    "a\u{7f}b",
    "a\u{1b}[31mb",
    "é",
    "タスク",
    "a\u{200b}b",
    "a\u{a0}b",
    "a\u{feff}",
];

/// Every malformed id: the bad characters, empty, relative segments, and too long.
fn bad_path_ids() -> Vec<String> {
    let mut ids: Vec<String> = BAD_CHARACTERS.iter().map(|s| s.to_string()).collect();
    ids.extend([String::new(), ".".into(), "..".into(), "x".repeat(2_000)]);
    ids
}

/// RevCent ids are 20 characters: the bad ids, the bad characters padded to 20 so that the
/// length check cannot hide the character check, and wrong lengths.
fn bad_revcent_ids() -> Vec<String> {
    let mut ids = bad_path_ids();
    ids.extend(BAD_CHARACTERS.iter().map(|s| {
        let pad = 20usize.saturating_sub(s.chars().count());
        format!("{s}{}", "a".repeat(pad))
    }));
    ids.extend(["short".into(), "a".repeat(19), "a".repeat(21)]);
    ids
}

/// Opaque ids (TRTC TaskIds, ChatKit cursors): whitespace, control and non-ASCII
/// characters, empty, too long.
fn bad_opaque_ids() -> Vec<String> {
    let mut ids: Vec<String> = BAD_CHARACTERS
        .iter()
        .filter(|s| s.chars().any(|c| !c.is_ascii_graphic()))
        .map(|s| s.to_string())
        .collect();
    ids.extend([String::new(), "x".repeat(2_000)]);
    ids
}

#[tokio::test]
async fn revcent_refuses_bad_ids_in_every_operation() {
    let (sim, c) = setup().await;
    let trait_client = c.revcent.clone();
    for id in bad_revcent_ids() {
        let what = |op: &str| format!("RevCent {op} {id:?}");
        refused!(sim, what("get_ai_thread"), c.revcent.get_ai_thread(&id));
        refused!(
            sim,
            what("cancel_ai_thread"),
            c.revcent.cancel_ai_thread(&id)
        );
        refused!(
            sim,
            what("list ai_assistant_filter"),
            c.revcent
                .get_ai_threads(&AiThreadListParams::new(0, 60).with_ai_assistants([id.as_str()]))
        );
        let now = OffsetDateTime::now_utc();
        refused!(
            sim,
            what("ai_threads ai_assistants"),
            only(c.revcent.ai_threads(
                now - Duration::days(1)..=now,
                ThreadFilters::new().with_ai_assistants([id.as_str()])
            ))
        );
        refused!(
            sim,
            what("trait get_thread"),
            ThreadProvider::get_thread(&trait_client, &id)
        );
        refused!(
            sim,
            what("trait cancel_thread"),
            ThreadProvider::cancel_thread(&trait_client, &id)
        );
        assert!(
            ThreadRef::new(ProviderKind::RevCent, None, id.clone())
                .and_then(|r| check_ref(&r))
                .unwrap_err()
                .is_invalid_input()
        );
    }
    assert_eq!(sim.requests_seen(), 0);
}

#[tokio::test]
async fn chatkit_refuses_bad_ids_in_every_operation() {
    let (sim, c) = setup().await;
    let k = &c.chatkit;
    for id in bad_path_ids() {
        let what = |op: &str| format!("ChatKit {op} {id:?}");
        refused!(
            sim,
            what("retrieve_chatkit_thread"),
            k.retrieve_chatkit_thread(&id)
        );
        refused!(
            sim,
            what("delete_chatkit_thread"),
            k.delete_chatkit_thread(&id)
        );
        refused!(
            sim,
            what("list_chatkit_thread_items"),
            k.list_chatkit_thread_items(&id, &ListItemsParams::new())
        );
        refused!(
            sim,
            what("chatkit_thread_items"),
            only(k.chatkit_thread_items(&id, ListItemsParams::new()))
        );
        refused!(
            sim,
            what("cancel_chatkit_session"),
            k.cancel_chatkit_session(&id)
        );
        refused!(
            sim,
            what("trait get_thread"),
            ThreadProvider::get_thread(k, &id)
        );
        refused!(
            sim,
            what("trait delete_thread"),
            ThreadProvider::delete_thread(k, &id)
        );
        assert!(
            ThreadRef::new(ProviderKind::OpenAiChatKit, None, id.clone())
                .and_then(|r| check_ref(&r))
                .unwrap_err()
                .is_invalid_input()
        );
    }
    for cursor in bad_opaque_ids() {
        let what = |op: &str| format!("ChatKit {op} {cursor:?}");
        refused!(
            sim,
            what("list after"),
            k.list_chatkit_threads(&ListThreadsParams::new().with_after(cursor.as_str()))
        );
        refused!(
            sim,
            what("list before"),
            k.list_chatkit_threads(&ListThreadsParams::new().with_before(cursor.as_str()))
        );
        refused!(
            sim,
            what("chatkit_threads after"),
            only(k.chatkit_threads(ListThreadsParams::new().with_after(cursor.as_str())))
        );
        refused!(
            sim,
            what("items before"),
            k.list_chatkit_thread_items(
                "cthr_abc123",
                &ListItemsParams::new().with_before(cursor.as_str())
            )
        );
        refused!(
            sim,
            what("trait list cursor"),
            ThreadProvider::list_threads(k, &ListQuery::new().with_cursor(cursor.as_str()))
        );
    }
    assert_eq!(sim.requests_seen(), 0);
}

#[tokio::test]
async fn trtc_refuses_bad_task_and_session_ids_in_every_operation() {
    let (sim, c) = setup().await;
    let t = &c.trtc;
    for id in bad_opaque_ids() {
        let what = |op: &str| format!("TRTC {op} {id:?}");
        refused!(
            sim,
            what("describe TaskId"),
            t.describe_ai_conversation(
                &DescribeAiConversationRequest::default().with_task_id(id.clone())
            )
        );
        refused!(
            sim,
            what("describe SessionId"),
            t.describe_ai_conversation(
                &DescribeAiConversationRequest::default().with_session_id(id.clone())
            )
        );
        refused!(
            sim,
            what("update"),
            t.update_ai_conversation(&UpdateAiConversationRequest::new(id.clone()))
        );
        refused!(
            sim,
            what("control"),
            t.control_ai_conversation(&control(&id, ControlCommand::InvokeLlm))
        );
        refused!(
            sim,
            what("stop"),
            t.stop_ai_conversation(&StopAiConversationRequest::new(id.clone()))
        );
        let mut start = start_request();
        start.session_id = Some(id.clone());
        refused!(
            sim,
            what("start SessionId"),
            t.start_ai_conversation(&start)
        );
        refused!(
            sim,
            what("trait get_thread"),
            ThreadProvider::get_thread(t, &id)
        );
        refused!(
            sim,
            what("trait cancel_thread"),
            ThreadProvider::cancel_thread(t, &id)
        );
        assert!(
            ThreadRef::new(ProviderKind::TencentTrtc, None, id.clone())
                .and_then(|r| check_ref(&r))
                .unwrap_err()
                .is_invalid_input()
        );
    }
    assert_eq!(sim.requests_seen(), 0);
}

#[tokio::test]
async fn malformed_references_are_refused_by_the_parser_or_their_provider() {
    for text in [
        "revcent:../xaaaaaaaaaaaaaaaa",
        "revcent:short",
        "chatkit:../x",
        "chatkit:a/b",
        "chatkit:a?b",
        "chatkit:%2F",
        "chatkit:",
        "chatkit:a b",
        "chatkit:é",
        "trtc:",
        "trtc:a b",
        "trtc:ap-tokyo/",
        "trtc:タスク",
        "slack:x",
        "x",
    ] {
        let error = text
            .parse::<ThreadRef>()
            .and_then(|r| check_ref(&r))
            .unwrap_err();
        assert!(error.is_invalid_input(), "{text:?}: {error:?}");
    }
    let long = format!("chatkit:{}", "x".repeat(2_000));
    let error = long.parse::<ThreadRef>().unwrap_err();
    assert!(
        error.to_string().len() < 300,
        "the message echoes the input: {error}"
    );
}

#[tokio::test]
async fn trtc_refuses_malformed_regions_before_sending_and_sends_the_rest() {
    let (sim, c) = setup().await;
    for region in [
        "Singapore",
        "AP-SINGAPORE",
        "ap_singapore",
        "ap-",
        "",
        "ap-singapore/x",
        "ap-singapore ",
        "ap-sing\napore",
    ] {
        let error = c.trtc.with_region(region).unwrap_err();
        assert!(error.is_invalid_input(), "{region:?}: {error:?}");
        let error = TrtcConfig::from_vars(|name| {
            (name == "TENCENTCLOUD_REGION").then(|| region.to_owned())
        })
        .map(drop)
        .err();
        // An empty variable counts as unset; anything else is a configuration error.
        assert_eq!(error.is_some(), !region.is_empty(), "{region:?}: {error:?}");
        assert!(error.is_none_or(|e| matches!(e, Error::Config { .. })));
    }
    // No region at all.
    let regionless = TrtcClient::new(
        TrtcConfig::from_vars(|name| {
            (name != "TENCENTCLOUD_REGION")
                .then(|| sim.client_var(name))
                .flatten()
        })
        .unwrap(),
    )
    .unwrap();
    assert_eq!(regionless.region(), None);
    check_every_action_refused(&sim, &regionless, "no region").await;
    assert_eq!(sim.requests_seen(), 0);
    // Well formed: the server decides, even where no page lists the region. Through a
    // reference, the facade routes to the named region and the refusal comes back.
    let client = aithreads::Client::builder()
        .with_trtc(c.trtc.clone())
        .build();
    let reference: ThreadRef = "trtc:eu-frankfurt/task".parse().unwrap();
    for error in [
        client.get(&reference).await.unwrap_err(),
        client.cancel(&reference).await.unwrap_err(),
    ] {
        assert_eq!(error.code(), Some("UnsupportedRegion"), "{error:?}");
    }
    // The get, the stop, and the one get the facade confirms a refused cancel with.
    assert_eq!(sim.requests_seen(), 3);
}

async fn check_every_action_refused(sim: &Simulator, t: &TrtcClient, what: &str) {
    refused!(
        sim,
        format!("start {what}"),
        t.start_ai_conversation(&start_request())
    );
    refused!(
        sim,
        format!("describe {what}"),
        t.describe_ai_conversation(&DescribeAiConversationRequest::default().with_task_id("task"))
    );
    refused!(
        sim,
        format!("update {what}"),
        t.update_ai_conversation(&UpdateAiConversationRequest::new("task"))
    );
    refused!(
        sim,
        format!("control {what}"),
        t.control_ai_conversation(&control("task", ControlCommand::InvokeLlm))
    );
    refused!(
        sim,
        format!("stop {what}"),
        t.stop_ai_conversation(&StopAiConversationRequest::new("task"))
    );
    refused!(
        sim,
        format!("trait get {what}"),
        ThreadProvider::get_thread(t, "task")
    );
}

#[tokio::test]
async fn revcent_refuses_bad_ranges_limits_pages_and_filters() {
    let (sim, c) = setup().await;
    let ok = AiThreadListParams::new(1_700_000_000, 1_700_000_000 + 86_400);
    let cases = [
        ("end before start", AiThreadListParams::new(100, 99)),
        ("negative start", AiThreadListParams::new(-1, 100)),
        (
            "range over two days",
            AiThreadListParams::new(0, 2 * 86_400 + 1),
        ),
        ("limit 0", ok.clone().with_limit(0)),
        ("limit -1", ok.clone().with_limit(-1)),
        ("limit 26", ok.clone().with_limit(26)),
        ("page -1", ok.clone().with_page(-1)),
        ("page -3", ok.clone().with_page(-3)),
        (
            "page past i32",
            ok.clone().with_page(i64::from(i32::MAX) + 1),
        ),
        (
            "unknown status",
            ok.clone()
                .with_statuses([StatusFilter::Unknown("cancelled".into())]),
        ),
    ];
    for (what, params) in cases {
        refused!(sim, what, c.revcent.get_ai_threads(&params));
    }
    let now = OffsetDateTime::now_utc();
    for (what, filters) in [
        ("threads limit 0", ThreadFilters::new().with_limit(0)),
        ("threads limit 26", ThreadFilters::new().with_limit(26)),
        (
            "threads unknown status",
            ThreadFilters::new().with_statuses([StatusFilter::Unknown("x".into())]),
        ),
    ] {
        refused!(
            sim,
            what,
            only(c.revcent.ai_threads(now - Duration::days(3)..=now, filters))
        );
    }
    refused!(
        sim,
        "threads reversed range",
        only(
            c.revcent
                .ai_threads(now..=now - Duration::SECOND, ThreadFilters::new())
        )
    );
    refused!(
        sim,
        "threads before 1970",
        only(c.revcent.ai_threads(
            OffsetDateTime::UNIX_EPOCH - Duration::days(1)..=now,
            ThreadFilters::new()
        ))
    );
    let provider = &c.revcent;
    for (what, query) in trait_queries(now) {
        refused!(
            sim,
            format!("RevCent trait list {what}"),
            ThreadProvider::list_threads(provider, &query)
        );
    }
    for (what, query) in [
        ("user filter", ListQuery::new().with_user("u")),
        (
            "a range of 100 days",
            ListQuery::new().with_range(now - Duration::days(100), now),
        ),
        ("limit 26", ListQuery::new().with_limit(26)),
        ("foreign cursor", ListQuery::new().with_cursor("cthr_abc")),
    ] {
        refused!(
            sim,
            format!("RevCent trait list {what}"),
            ThreadProvider::list_threads(provider, &query)
        );
    }
    let facade = aithreads::Client::builder()
        .with_revcent(c.revcent.clone())
        .build();
    refused!(
        sim,
        "export with a reversed range",
        only(facade.export(
            ProviderKind::RevCent,
            ListQuery::new().with_range(now, now - Duration::days(1))
        ))
    );
    assert_eq!(sim.requests_seen(), 0);
}

/// Queries every listing provider refuses.
fn trait_queries(now: OffsetDateTime) -> Vec<(&'static str, ListQuery)> {
    vec![
        (
            "reversed range",
            ListQuery::new().with_range(now, now - Duration::SECOND),
        ),
        ("limit 101", ListQuery::new().with_limit(101)),
        ("limit u32::MAX", ListQuery::new().with_limit(u32::MAX)),
    ]
}

#[tokio::test]
async fn chatkit_refuses_bad_limits_users_ranges_and_sessions() {
    let (sim, c) = setup().await;
    let k = &c.chatkit;
    for limit in [101, 1_000, u32::MAX] {
        refused!(
            sim,
            format!("list limit {limit}"),
            k.list_chatkit_threads(&ListThreadsParams::new().with_limit(limit))
        );
        refused!(
            sim,
            format!("items limit {limit}"),
            k.list_chatkit_thread_items("cthr_abc123", &ListItemsParams::new().with_limit(limit))
        );
    }
    for user in [String::new(), "u".repeat(513)] {
        refused!(
            sim,
            format!("user of {} characters", user.len()),
            k.list_chatkit_threads(&ListThreadsParams::new().with_user(user.as_str()))
        );
        refused!(
            sim,
            "trait list user",
            ThreadProvider::list_threads(k, &ListQuery::new().with_user(user.as_str()))
        );
    }
    let now = OffsetDateTime::now_utc();
    for (what, query) in trait_queries(now) {
        refused!(
            sim,
            format!("ChatKit trait list {what}"),
            ThreadProvider::list_threads(k, &query)
        );
    }

    let session = |edit: fn(&mut CreateChatSessionBody)| {
        let mut body = CreateChatSessionBody::new("wf_1", "user_1");
        edit(&mut body);
        body
    };
    let bodies: Vec<(&str, CreateChatSessionBody)> = vec![
        ("empty workflow", CreateChatSessionBody::new("", "user_1")),
        ("empty user", CreateChatSessionBody::new("wf_1", "")),
        (
            "expires after 0 s",
            session(|b| b.expires_after = Some(ExpiresAfterParam::after_creation(0))),
        ),
        (
            "expires after 601 s",
            session(|b| b.expires_after = Some(ExpiresAfterParam::after_creation(601))),
        ),
        (
            "another anchor",
            session(|b| b.expires_after = Some(ExpiresAfterParam::new("now", 10))),
        ),
        (
            "zero requests per minute",
            session(|b| {
                b.rate_limits = Some(RateLimitsParam::default().with_max_requests_per_1_minute(0))
            }),
        ),
        (
            "65 state variables",
            session(|b| {
                b.workflow.state_variables = Some(
                    (0..65)
                        .map(|i| (format!("k{i}"), StateVariableValue::Boolean(true)))
                        .collect(),
                )
            }),
        ),
        (
            "an infinite state variable",
            session(|b| {
                b.workflow.state_variables = Some(
                    [("x".to_owned(), StateVariableValue::Number(f64::INFINITY))]
                        .into_iter()
                        .collect(),
                )
            }),
        ),
    ];
    for (what, body) in bodies {
        refused!(
            sim,
            format!("session {what}"),
            k.create_chatkit_session(&body)
        );
    }
    assert_eq!(sim.requests_seen(), 0);
}

#[tokio::test]
async fn trtc_refuses_parameters_its_documentation_rules_out() {
    let (sim, c) = setup().await;
    let t = &c.trtc;
    type Spoil = fn(&mut StartAiConversationRequest);
    let starts: Vec<(&str, Spoil)> = vec![
        ("SdkAppId 0", |r| r.sdk_app_id = 0),
        ("RoomIdType 2", |r| r.room_id_type = Some(2)),
        ("empty RoomId", |r| r.room_id = String::new()),
        ("RoomId not a number", |r| r.room_id = "room".into()),
        ("blank UserSig", |r| r.agent_config.user_sig = " ".into()),
        ("robot is the user", |r| {
            r.agent_config.target_user_id = r.agent_config.user_id.clone()
        }),
        ("InterruptMode 2", |r| {
            r.agent_config.interrupt_mode = Some(2)
        }),
        ("FilterBracketsContent 9", |r| {
            r.agent_config.filter_brackets_content = Some(9)
        }),
        ("VadSilenceTime 100", |r| {
            r.stt_config = Some(SttConfig::default().with_vad_silence_time(100))
        }),
        ("LLMConfig not an object", |r| {
            r.llm_config = Some("gpt-4o".into())
        }),
        ("TTSConfig an array", |r| r.tts_config = Some("[1]".into())),
    ];
    for (what, spoil) in starts {
        let mut request = start_request();
        spoil(&mut request);
        refused!(
            sim,
            format!("start {what}"),
            t.start_ai_conversation(&request)
        );
    }
    refused!(
        sim,
        "describe without TaskId or SessionId",
        t.describe_ai_conversation(&DescribeAiConversationRequest::default())
    );
    for (what, request) in [
        (
            "InterruptMode 2",
            UpdateAiConversationRequest::new("task").with_interrupt_mode(2),
        ),
        (
            "LLMConfig not JSON",
            UpdateAiConversationRequest::new("task").with_llm_config("{"),
        ),
    ] {
        refused!(
            sim,
            format!("update {what}"),
            t.update_ai_conversation(&request)
        );
    }
    let mut no_member = control("task", ControlCommand::ServerPushText);
    no_member.server_push_text = None;
    let mut nothing_to_say = control("task", ControlCommand::ServerPushText);
    nothing_to_say.server_push_text = Some(ServerPushText::default());
    let mut drop_mode = control("task", ControlCommand::ServerPushText);
    drop_mode.server_push_text = Some(ServerPushText::default().with_text("hi").with_drop_mode(2));
    let mut no_content = control("task", ControlCommand::InvokeLlm);
    no_content.invoke_llm = Some(InvokeLlm::default());
    let empty_command = control("task", ControlCommand::Unknown(" ".into()));
    for (what, request) in [
        ("ServerPushText without its member", no_member),
        ("ServerPushText without text or audio", nothing_to_say),
        ("DropMode 2", drop_mode),
        ("InvokeLLM without content", no_content),
        ("a blank command", empty_command),
    ] {
        refused!(
            sim,
            format!("control {what}"),
            t.control_ai_conversation(&request)
        );
    }
    assert_eq!(sim.requests_seen(), 0);
}

#[tokio::test]
async fn trtc_task_ids_with_path_characters_are_sent_intact_in_the_body() {
    let (sim, c) = setup().await;
    for id in ["../x", "a/b", "a?b", "%2F", "a#b", "a\\b", ".", ".."] {
        let before = sim.requests_seen();
        let error = c
            .trtc
            .stop_ai_conversation(&StopAiConversationRequest::new(id))
            .await
            .unwrap_err();
        // One POST / reached the TRTC route, which looked the TaskId up and found none.
        assert_eq!(sim.requests_seen(), before + 1, "{id:?}");
        assert!(error.is_not_found(), "{id:?}: {error:?}");
        assert_eq!(error.code(), Some("FailedOperation.TaskNotExist"));
    }
}

#[tokio::test]
async fn chatkit_cursors_with_path_characters_stay_in_the_query() {
    let (sim, c) = setup().await;
    for cursor in ["../x", "a/b", "a?b=c&d", "%2F", "a#b"] {
        let before = sim.requests_seen();
        // The simulator finds no such thread and lists nothing after it: the cursor arrived
        // as one query value, not as part of the path.
        let page = c
            .chatkit
            .list_chatkit_threads(&ListThreadsParams::new().with_after(cursor))
            .await;
        assert_eq!(sim.requests_seen(), before + 1, "{cursor:?}");
        match page {
            Ok(page) => assert!(page.data.is_empty(), "{cursor:?}"),
            Err(error) => assert!(
                error.is_provider_error() || error.is_not_found(),
                "{cursor:?}: {error:?}"
            ),
        }
    }
}

fn start_request() -> StartAiConversationRequest {
    StartAiConversationRequest::new(
        1_400_000_001,
        "1234",
        AgentConfig::new("robot_1", "robot_sig", "user_1"),
    )
}

fn control(task_id: &str, command: ControlCommand) -> ControlAiConversationRequest {
    ControlAiConversationRequest::new(task_id, command)
        .with_invoke_llm(InvokeLlm::default().with_content("hello"))
}
