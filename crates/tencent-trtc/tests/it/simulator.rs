//! The client against the simulator: every action, the task lifecycle, the errors a real
//! account meets, stops whose answer was lost, and bulk stops under the rate limit.

use crate::common;

use std::time::{Duration, Instant};

use aithreads_sim::credentials::Credentials;
use aithreads_sim::{Fault, FaultRule, SimConfig, Simulator};
use aithreads_tencent_trtc::core::transport::{RetryPolicy, TransportConfig};
use aithreads_tencent_trtc::core::{
    CancelOutcome, Error, ProviderKind, Status, ThreadProvider, ThreadRef,
};
use aithreads_tencent_trtc::{
    AgentConfig, ControlAiConversationRequest, ControlCommand, DescribeAiConversationRequest,
    InvokeLlm, LlmConfig, ServerPushText, Site, StartAiConversationRequest,
    StopAiConversationRequest, TaskStatus, TrtcClient, TrtcConfig, TtsConfig,
    UpdateAiConversationRequest,
};
use common::{SEED_TASK_ID, fast_retries};

const REGION: &str = "ap-singapore";

async fn simulator(rate_limits: bool) -> Simulator {
    Simulator::start(
        SimConfig::default()
            .with_threads(0)
            .with_credentials(Credentials::demo())
            .with_trtc_rate_limits(rate_limits),
    )
    .await
    .unwrap()
}

/// A client configured the way users configure it: from the environment the simulator
/// prints.
fn config_for(sim: &Simulator) -> TrtcConfig {
    TrtcConfig::from_vars(|name: &str| sim.client_var(name))
        .unwrap()
        .with_transport(fast_retries(3))
}

fn client_for(sim: &Simulator) -> TrtcClient {
    TrtcClient::new(config_for(sim)).unwrap()
}

fn start_request(room: u32, session: Option<&str>) -> StartAiConversationRequest {
    let mut request = StartAiConversationRequest::new(
        1_400_000_001,
        room.to_string(),
        AgentConfig::new("robot_1", "robot_sig", "user_1").with_welcome_message("Hello!"),
    )
    .with_llm_config(
        LlmConfig::openai(
            "gpt-4o",
            "sk-test",
            "https://api.openai.com/v1/chat/completions",
        )
        .with_streaming(true)
        .to_json_string()
        .unwrap(),
    )
    .with_tts_config(
        TtsConfig::flow("v-female-R2s4N9qJ")
            .to_json_string()
            .unwrap(),
    );
    request.session_id = session.map(str::to_owned);
    request
}

fn stop(task_id: &str) -> StopAiConversationRequest {
    StopAiConversationRequest::new(task_id)
}

async fn status_of(client: &TrtcClient, task_id: &str) -> Result<TaskStatus, Error> {
    let described = client
        .describe_ai_conversation(&DescribeAiConversationRequest::default().with_task_id(task_id))
        .await?;
    Ok(described.status.unwrap())
}

#[tokio::test]
async fn a_task_runs_through_every_action() {
    let sim = simulator(true).await;
    sim.sim()
        .trtc()
        .set_timings(Duration::from_millis(800), Duration::from_secs(60));
    let client = client_for(&sim);

    let started = client
        .start_ai_conversation(&start_request(1234, Some("session-1")))
        .await
        .unwrap();
    let task_id = started.task_id.unwrap();
    assert_eq!(task_id.len(), 116, "{task_id}");
    assert_eq!(
        status_of(&client, &task_id).await.unwrap(),
        TaskStatus::Preparing
    );
    assert_eq!(
        client.get_thread(&task_id).await.unwrap().status,
        Status::Pending
    );

    let deadline = Instant::now() + Duration::from_secs(5);
    while status_of(&client, &task_id).await.unwrap() != TaskStatus::InProgress {
        assert!(Instant::now() < deadline, "never left Preparing");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let thread = client.get_thread(&task_id).await.unwrap();
    assert_eq!(
        (thread.status, thread.raw_status.value.as_str()),
        (Status::Running, "InProgress")
    );
    assert!(thread.created_at.is_some(), "StartTime is RFC 3339");

    let by_session = client
        .describe_ai_conversation(
            &DescribeAiConversationRequest::default().with_session_id("session-1"),
        )
        .await
        .unwrap();
    assert_eq!(by_session.task_id.as_deref(), Some(task_id.as_str()));
    assert_eq!(by_session.session_id.as_deref(), Some("session-1"));

    client
        .update_ai_conversation(
            &UpdateAiConversationRequest::new(task_id.clone())
                .with_welcome_message("Welcome back")
                .with_interrupt_mode(1),
        )
        .await
        .unwrap();
    client
        .control_ai_conversation(
            &ControlAiConversationRequest::new(task_id.clone(), ControlCommand::InvokeLlm)
                .with_invoke_llm(
                    InvokeLlm::default()
                        .with_content("Summarise the call")
                        .with_interrupt(false),
                ),
        )
        .await
        .unwrap();

    let stopped = client.stop_ai_conversation(&stop(&task_id)).await.unwrap();
    assert_eq!(stopped.outcome, CancelOutcome::Cancelled);
    assert!(stopped.request_id.is_some());
    assert_eq!(
        status_of(&client, &task_id).await.unwrap(),
        TaskStatus::Stopped
    );
    assert_eq!(
        client.get_thread(&task_id).await.unwrap().status,
        Status::Completed
    );

    // A stopped task takes no more commands: "does not exist or is stopped".
    let again = client
        .stop_ai_conversation(&stop(&task_id))
        .await
        .unwrap_err();
    assert!(again.is_not_found(), "{again:?}");
    assert_eq!(again.code(), Some("FailedOperation.TaskNotExist"));
    assert!(again.request_id().is_some());
    let update = client
        .update_ai_conversation(
            &UpdateAiConversationRequest::new(task_id.clone()).with_welcome_message("x"),
        )
        .await
        .unwrap_err();
    assert!(update.is_not_found(), "{update:?}");
}

#[tokio::test]
async fn push_text_with_stop_after_play_ends_the_task() {
    let sim = simulator(true).await;
    let client = client_for(&sim);
    let task_id = sim.sim().trtc().start_task(REGION);
    client
        .control_ai_conversation(
            &ControlAiConversationRequest::new(task_id.clone(), ControlCommand::ServerPushText)
                .with_server_push_text(
                    ServerPushText::default()
                        .with_text("Goodbye")
                        .with_stop_after_play(true),
                ),
        )
        .await
        .unwrap();
    assert_eq!(
        status_of(&client, &task_id).await.unwrap(),
        TaskStatus::Stopped
    );
}

#[tokio::test]
async fn stopped_tasks_disappear_after_their_retention() {
    let sim = simulator(true).await;
    sim.sim().trtc().set_timings(Duration::ZERO, Duration::ZERO);
    let client = client_for(&sim);
    let task_id = sim.sim().trtc().start_task(REGION);
    client.cancel_thread(&task_id).await.unwrap();
    let err = client.get_thread(&task_id).await.unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
}

#[tokio::test]
async fn a_session_id_starts_one_live_task() {
    let sim = simulator(true).await;
    let client = client_for(&sim);
    let first = client
        .start_ai_conversation(&start_request(1, Some("dedup")))
        .await
        .unwrap()
        .task_id
        .unwrap();
    let err = client
        .start_ai_conversation(&start_request(2, Some("dedup")))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("FailedOperation.TaskExist"));
    assert!(!err.is_retryable());
    client.cancel_thread(&first).await.unwrap();
    client
        .start_ai_conversation(&start_request(2, Some("dedup")))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_second_task_with_the_same_robot_in_a_room_interrupts_the_first() {
    let sim = simulator(true).await;
    let client = client_for(&sim);
    let request = start_request(77, None);
    let first = client
        .start_ai_conversation(&request)
        .await
        .unwrap()
        .task_id
        .unwrap();
    let second = client
        .start_ai_conversation(&request)
        .await
        .unwrap()
        .task_id
        .unwrap();
    assert_eq!(
        status_of(&client, &first).await.unwrap(),
        TaskStatus::Stopped
    );
    assert_ne!(
        status_of(&client, &second).await.unwrap(),
        TaskStatus::Stopped
    );
}

#[tokio::test]
async fn tasks_are_regional_and_refs_name_the_region() {
    let sim = simulator(true).await;
    let client = client_for(&sim);
    let task_id = sim.sim().trtc().start_task("ap-tokyo");
    assert!(
        client
            .get_thread(&task_id)
            .await
            .unwrap_err()
            .is_not_found()
    );
    let reference: ThreadRef = format!("trtc:ap-tokyo/{task_id}").parse().unwrap();
    let tokyo = client.with_region(reference.region().unwrap()).unwrap();
    let thread = tokyo.get_thread(reference.id()).await.unwrap();
    assert_eq!(thread.status, Status::Running);
    assert_eq!(ThreadRef::of(&thread).unwrap().id(), task_id);
    assert_eq!(
        tokyo.cancel_thread(&task_id).await.unwrap(),
        CancelOutcome::Cancelled
    );
}

#[tokio::test]
async fn regions_the_docs_disagree_on_are_sent_and_the_server_decides() {
    let sim = simulator(true).await;
    let client = client_for(&sim);
    // na-ashburn: Start's page lists it, Stop's and Describe's do not; ap-beijing: only the
    // China site's page lists it. The client sends them all; the simulator serves both.
    for region in ["na-ashburn", "ap-beijing"] {
        let regional = client.with_region(region).unwrap();
        let task_id = regional
            .start_ai_conversation(&start_request(7, None))
            .await
            .unwrap()
            .task_id
            .unwrap();
        let thread = regional.get_thread(&task_id).await.unwrap();
        assert_eq!(thread.id, task_id);
        assert_eq!(
            regional.cancel_thread(&task_id).await.unwrap(),
            CancelOutcome::Cancelled
        );
        let seen = |action: &str| sim.sim().trtc().requests(action, region);
        assert_eq!(
            [
                seen("StartAIConversation"),
                seen("DescribeAIConversation"),
                seen("StopAIConversation")
            ],
            [1, 1, 1],
            "{region}"
        );
    }
    // A region nobody serves: sent once, and the refusal lists the documented regions.
    let err = client
        .with_region("eu-frankfurt")
        .unwrap()
        .get_thread(SEED_TASK_ID)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("UnsupportedRegion"));
    assert!(
        err.to_string()
            .contains("DescribeAIConversation is not served in region eu-frankfurt; the international site's documentation lists ap-guangzhou, ap-singapore, ap-tokyo, na-siliconvalley"),
        "{err}"
    );
    assert_eq!(
        sim.sim()
            .trtc()
            .requests("DescribeAIConversation", "eu-frankfurt"),
        1
    );
}

#[tokio::test]
async fn a_bare_host_endpoint_works() {
    let sim = simulator(true).await;
    // `TENCENTCLOUD_TRTC_ENDPOINT=127.0.0.1:PORT`: a bare loopback host means plain http.
    let bare = sim.addr().to_string();
    let config = TrtcConfig::from_vars(|name: &str| match name {
        "TENCENTCLOUD_TRTC_ENDPOINT" => Some(bare.clone()),
        "TENCENTCLOUD_REGION" => Some("ap-beijing".into()),
        other => sim.client_var(other),
    })
    .unwrap()
    .with_transport(fast_retries(3));
    let client = TrtcClient::new(config).unwrap();
    assert_eq!(client.endpoint().as_str(), format!("{}/", sim.base_url()));
    let task_id = client
        .start_ai_conversation(&start_request(8, None))
        .await
        .unwrap()
        .task_id
        .unwrap();
    assert_eq!(client.get_thread(&task_id).await.unwrap().id, task_id);
}

#[tokio::test]
async fn the_china_site_host_is_detected_and_served() {
    let sim = simulator(true).await;
    // trtc.tencentcloudapi.com, resolved to the simulator (never the real host): the China
    // site, detected from the host the client signs and sends.
    let http = reqwest::Client::builder()
        .resolve("trtc.tencentcloudapi.com", sim.addr())
        .build()
        .unwrap();
    let config = config_for(&sim)
        .with_endpoint(format!(
            "http://trtc.tencentcloudapi.com:{}",
            sim.addr().port()
        ))
        .with_region("ap-beijing")
        .with_transport(fast_retries(3).with_allow_http(true).with_http_client(http));
    let client = TrtcClient::new(config).unwrap();
    assert_eq!(client.site(), Site::China);
    let task_id = client
        .start_ai_conversation(&start_request(9, None))
        .await
        .unwrap()
        .task_id
        .unwrap();
    assert_eq!(
        client.cancel_thread(&task_id).await.unwrap(),
        CancelOutcome::Cancelled
    );
    assert_eq!(
        sim.sim()
            .trtc()
            .requests("StartAIConversation", "ap-beijing"),
        1
    );
}

#[tokio::test]
async fn wrong_credentials_are_authentication_errors() {
    let sim = simulator(true).await;
    let demo = Credentials::demo();
    for (id, key, code) in [
        (
            demo.tencent_secret_id.as_str(),
            "not-the-key",
            "AuthFailure.SignatureFailure",
        ),
        (
            "AKIDunknown",
            demo.tencent_secret_key.as_str(),
            "AuthFailure.SecretIdNotFound",
        ),
    ] {
        let client = TrtcClient::new(config_for(&sim).with_credentials(id, key)).unwrap();
        let before = sim.requests_seen();
        let err = client.get_thread(SEED_TASK_ID).await.unwrap_err();
        assert!(matches!(err, Error::Authentication { .. }), "{err:?}");
        assert_eq!(err.code(), Some(code));
        assert_eq!(err.provider(), Some(ProviderKind::TencentTrtc));
        assert!(!err.to_string().contains("not-the-key"), "{err}");
        assert_eq!(
            sim.requests_seen() - before,
            1,
            "authentication errors are not retried"
        );
    }
    let with_token = TrtcClient::new(config_for(&sim).with_token("sts-token")).unwrap();
    let err = with_token.get_thread(SEED_TASK_ID).await.unwrap_err();
    assert!(err.is_not_found(), "a token is accepted: {err:?}");
}

/// Starts a task, makes the first stop attempt land but lose its answer, and returns what
/// the stop reported.
async fn stop_after_a_lost_answer(fault: Fault) -> (CancelOutcome, TaskStatus, u64) {
    let sim = simulator(true).await;
    let transport = TransportConfig::default()
        .with_timeouts(Duration::from_secs(2), Duration::from_millis(400))
        .with_retry(
            RetryPolicy::default()
                .with_max_attempts(3)
                .with_backoff(Duration::from_millis(10), Duration::from_millis(20)),
        );
    let client = TrtcClient::new(config_for(&sim).with_transport(transport)).unwrap();
    let task_id = sim.sim().trtc().start_task(REGION);
    sim.faults().set(vec![FaultRule::next(
        Some(ProviderKind::TencentTrtc),
        fault,
        1,
    )]);
    let before = sim.requests_seen();
    let outcome = client.cancel_thread(&task_id).await.unwrap();
    let status = sim.sim().trtc().task_status(REGION, &task_id).unwrap();
    (outcome, status, sim.requests_seen() - before)
}

#[tokio::test]
async fn a_stop_whose_answer_was_cut_off_is_already_ended_on_retry() {
    let (outcome, status, requests) = stop_after_a_lost_answer(Fault::Truncate).await;
    assert_eq!(outcome, CancelOutcome::AlreadyEnded);
    assert_eq!(status, TaskStatus::Stopped);
    assert_eq!(requests, 2);
}

#[tokio::test]
async fn a_stop_whose_answer_never_came_is_already_ended_on_retry() {
    let (outcome, status, requests) = stop_after_a_lost_answer(Fault::Timeout).await;
    assert_eq!(outcome, CancelOutcome::AlreadyEnded);
    assert_eq!(status, TaskStatus::Stopped);
    assert_eq!(requests, 2);
}

#[tokio::test]
async fn a_stop_refused_before_handling_stops_on_retry() {
    // A 503 from the gateway: the first attempt never reached the task.
    let (outcome, status, requests) = stop_after_a_lost_answer(Fault::Status(503)).await;
    assert_eq!(outcome, CancelOutcome::Cancelled);
    assert_eq!(status, TaskStatus::Stopped);
    assert_eq!(requests, 2);
}

/// Stops 100 running tasks at once; answers how many stops succeeded and how many
/// `RequestLimitExceeded` the server answered.
async fn burst_of_stops(client_limits: bool) -> (usize, u64) {
    let sim = simulator(true).await;
    let transport = TransportConfig::default().with_retry(
        RetryPolicy::default()
            .with_max_attempts(2)
            .with_backoff(Duration::from_millis(10), Duration::from_millis(20)),
    );
    let client = TrtcClient::new(
        config_for(&sim)
            .with_rate_limits(client_limits)
            .with_transport(transport),
    )
    .unwrap();
    let tasks: Vec<String> = (0..100)
        .map(|_| sim.sim().trtc().start_task(REGION))
        .collect();
    let results = futures::future::join_all(tasks.iter().map(|id| client.cancel_thread(id))).await;
    let stopped = results.iter().filter(|r| r.is_ok()).count();
    let limited = sim.sim().trtc().rate_limited_answers();
    (stopped, limited)
}

#[tokio::test]
async fn a_burst_of_stops_never_trips_the_server_limit_with_the_client_limiter() {
    let (stopped, limited) = burst_of_stops(true).await;
    assert_eq!(limited, 0);
    assert_eq!(stopped, 100);
}

#[tokio::test]
async fn a_burst_of_stops_trips_the_server_limit_without_it() {
    let (_, limited) = burst_of_stops(false).await;
    assert!(
        limited > 0,
        "no RequestLimitExceeded without the client limiter"
    );
}
