//! The exact requests the client sends for each action (httpmock), and how it reads the
//! answers, using the seed's and the documentation's examples as fixtures.

use crate::common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use aithreads_tencent_trtc::core::transport::{RetryPolicy, TransportConfig};
use aithreads_tencent_trtc::core::{CancelOutcome, Error, ThreadProvider};
use aithreads_tencent_trtc::{
    AgentConfig, ControlAiConversationRequest, ControlCommand, DescribeAiConversationRequest,
    DescribeAiConversationResponse, Language, ServerPushText, StartAiConversationRequest,
    StopAiConversationRequest, SttConfig, TaskStatus, TransparentData, TrtcClient, TrtcConfig,
    TtsConfig, UpdateAiConversationRequest,
};
use common::{SECRET_KEY, SEED_TASK_ID, check_signature, client, config, fast_retries};
use httpmock::prelude::*;
use httpmock::{HttpMockRequest, When};
use serde_json::{Value, json};

fn header_of(req: &HttpMockRequest) -> impl Fn(&str) -> Option<String> + '_ {
    move |name| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }
}

/// The common headers of every call, the exact body, and a valid signature over both.
fn expect_call(when: When, port: u16, action: &str, body: &str) -> When {
    let host = format!("127.0.0.1:{port}");
    when.method(POST)
        .path("/")
        .header("host", host)
        .header("x-tc-action", action)
        .header("x-tc-version", "2019-07-22")
        .header("x-tc-region", "ap-singapore")
        .header_exists("x-tc-timestamp")
        .header_missing("x-tc-token")
        .header_missing("x-tc-language")
        .body(body)
        .is_true(|req| {
            // Exactly one Content-Type, exactly `application/json`, as the SDKs send it, and
            // exactly one Host (ours, not a second one added by the HTTP client).
            let headers = req.headers();
            let types: Vec<_> = headers.get_all("content-type").iter().collect();
            types.len() == 1
                && types[0] == "application/json"
                && headers.get_all("host").iter().count() == 1
        })
        .is_true(|req| check_signature(header_of(req), req.body_ref(), SECRET_KEY).is_ok())
}

fn answer(body: Value) -> String {
    json!({ "Response": body }).to_string()
}

#[tokio::test]
async fn stop_sends_the_seed_request_exactly() {
    let server = MockServer::start_async().await;
    let body = format!(r#"{{"TaskId":"{SEED_TASK_ID}"}}"#);
    let mock = server
        .mock_async(|when, then| {
            expect_call(when, server.port(), "StopAIConversation", &body);
            // Seed 003's output example.
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"Response": {"RequestId": "abc"}}"#);
        })
        .await;
    let stopped = client(&server.base_url())
        .stop_ai_conversation(&StopAiConversationRequest::new(SEED_TASK_ID))
        .await
        .unwrap();
    assert_eq!(stopped.outcome, CancelOutcome::Cancelled);
    assert_eq!(stopped.request_id.as_deref(), Some("abc"));
    mock.assert_async().await;
}

/// StartAIConversation's example in the documentation (tccli `examples.json`).
const START_EXAMPLE: &str = r#"{
    "SdkAppId": 12345678,
    "RoomId": "room_987654321",
    "RoomIdType": 1,
    "AgentConfig": {
        "UserId": "user_12345",
        "UserSig": "user_signature_example",
        "MaxIdleTime": 120,
        "TargetUserId": "target_user_54321"
    },
    "SessionId": "session_1234567890abcdef",
    "STTConfig": {
        "Language": "zh"
    },
    "LLMConfig": "{\"LLMType\": \"openai\", \"Model\": \"gpt-3.5-turbo\", \"APIKey\": \"xxx\", \"APIUrl\": \"http://xxxx-api.xxxx.com/v1/chat/completions\", \"Streaming\": true}",
    "TTSConfig": "{\"TTSType\": \"tencent\", \"AppId\": 130000000, \"SecretId\": \"AKIDxxxxx\", \"SecretKey\": \"HlDxxxxxx\", \"VoiceType\": 1008, \"Speed\": 1}"
}"#;

#[tokio::test]
async fn start_sends_the_documented_example_exactly() {
    let example: Value = serde_json::from_str(START_EXAMPLE).unwrap();
    let mut request = StartAiConversationRequest::new(
        12345678,
        "room_987654321",
        AgentConfig::new("user_12345", "user_signature_example", "target_user_54321")
            .with_max_idle_time(120),
    )
    .with_room_id_type(1)
    .with_session_id("session_1234567890abcdef")
    .with_stt_config(SttConfig::default().with_language("zh"));
    request.llm_config = example["LLMConfig"].as_str().map(str::to_owned);
    request.tts_config = example["TTSConfig"].as_str().map(str::to_owned);
    // The bytes on the wire: compact JSON in the spec's member order.
    let body = serde_json::to_string(&request).unwrap();
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap(), example);
    assert!(body.starts_with(
        r#"{"SdkAppId":12345678,"RoomId":"room_987654321","AgentConfig":{"UserId":"user_12345""#
    ));
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            expect_call(when, server.port(), "StartAIConversation", &body);
            then.status(200).header("content-type", "application/json").body(
                r#"{"Response": {"TaskId": "v2_20250224_udqgoOzzpAFOoiXR_sHbeVCwys3hy0PLs1uRLvS7wY9mjZMEIQuDPhT", "RequestId": "df81f274-c1b8-4342-b0a1-e552072cc48e"}}"#,
            );
        })
        .await;
    let started = client(&server.base_url())
        .start_ai_conversation(&request)
        .await
        .unwrap();
    assert_eq!(
        started.task_id.as_deref(),
        Some("v2_20250224_udqgoOzzpAFOoiXR_sHbeVCwys3hy0PLs1uRLvS7wY9mjZMEIQuDPhT")
    );
    assert_eq!(started.request_id, "df81f274-c1b8-4342-b0a1-e552072cc48e");
    mock.assert_async().await;
}

#[tokio::test]
async fn describe_sends_the_documented_example_and_reads_its_answer() {
    let task_id = "SV1FR+XTtvzAjRxZZ+aof1DfJF00VSBBNE0zR9W-PEpgCPBmt402BbnqMCdom79LtZO-VbLyV1nhVY1pFauWgrW12BevPvJ5Zn010RnD6vj3hgfbV0.";
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            expect_call(
                when,
                server.port(),
                "DescribeAIConversation",
                &format!(r#"{{"TaskId":"{task_id}"}}"#),
            );
            then.status(200)
                .header("content-type", "application/json")
                .body(answer(json!({
                    "StartTime": "2025-02-24T08:00:00Z", "Status": "InProgress",
                    "TaskId": task_id, "RequestId": "r-1"
                })));
        })
        .await;
    let client = client(&server.base_url());
    let described = client
        .describe_ai_conversation(&DescribeAiConversationRequest::default().with_task_id(task_id))
        .await
        .unwrap();
    assert_eq!(described.status, Some(TaskStatus::InProgress));
    // The trait's get_thread is the same call.
    let thread = client.get_thread(task_id).await.unwrap();
    assert_eq!(thread.id, task_id);
    assert_eq!(thread.status, aithreads_tencent_trtc::core::Status::Running);
    assert_eq!(
        thread
            .record::<DescribeAiConversationResponse>()
            .map(|r| r.request_id.as_str()),
        Some("r-1")
    );
    mock.assert_calls_async(2).await;
}

#[tokio::test]
async fn update_sends_typed_tts_config_as_json_text() {
    // The doc example's TTSConfig is a placeholder ("your-tts-config-json"); a real one is
    // JSON text, here from the typed builder.
    let tts = TtsConfig::flow("v-female-R2s4N9qJ")
        .with_speed(1.0)
        .with_language("en")
        .to_json_string()
        .unwrap();
    let body = r#"{"TaskId":"your-taskid","TTSConfig":"{\"TTSType\":\"flow\",\"VoiceId\":\"v-female-R2s4N9qJ\",\"Model\":\"flow_01_turbo\",\"Speed\":1.0,\"Language\":\"en\"}"}"#;
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            expect_call(when, server.port(), "UpdateAIConversation", body);
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"Response": {"RequestId": "xxx"}}"#);
        })
        .await;
    let updated = client(&server.base_url())
        .update_ai_conversation(
            &UpdateAiConversationRequest::new("your-taskid").with_tts_config(tts),
        )
        .await
        .unwrap();
    assert_eq!(updated.request_id, "xxx");
    mock.assert_async().await;
}

#[tokio::test]
async fn control_sends_the_documented_push_text() {
    let body = r#"{"TaskId":"your-taskid","Command":"ServerPushText","ServerPushText":{"Text":"Hello, happy to serve you.","Interrupt":true}}"#;
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            expect_call(when, server.port(), "ControlAIConversation", body);
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"Response": {"RequestId": "xxx-xxx"}}"#);
        })
        .await;
    client(&server.base_url())
        .control_ai_conversation(
            &ControlAiConversationRequest::new("your-taskid", ControlCommand::ServerPushText)
                .with_server_push_text(
                    ServerPushText::default()
                        .with_text("Hello, happy to serve you.")
                        .with_interrupt(true),
                ),
        )
        .await
        .unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn token_and_language_are_sent_but_not_signed() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .header("x-tc-token", "session-token-123")
                .header("x-tc-language", "en-US")
                .is_true(|req| check_signature(header_of(req), req.body_ref(), SECRET_KEY).is_ok());
            then.status(200)
                .header("content-type", "application/json")
                .body(answer(json!({"RequestId": "r"})));
        })
        .await;
    let client = TrtcClient::new(
        config(&server.base_url())
            .with_token("session-token-123")
            .with_language(Language::EnUs),
    )
    .unwrap();
    assert!(!format!("{client:?}").contains("session-token-123"));
    client.cancel_thread("task-1").await.unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn every_retry_is_signed_again_at_its_own_time() {
    let server = MockServer::start_async().await;
    let seen: Arc<Mutex<Vec<Result<i64, String>>>> = Arc::default();
    let record = seen.clone();
    let mock = server
        .mock_async(move |when, then| {
            when.method(POST).is_true(move |req| {
                let checked = check_signature(header_of(req), req.body_ref(), SECRET_KEY);
                let mut seen = record.lock().unwrap();
                if !seen.contains(&checked) {
                    seen.push(checked);
                }
                true
            });
            then.status(200)
                .header("content-type", "application/json")
                .body(answer(json!({"Error": {"Code": "InternalError", "Message": "try again"}, "RequestId": "r"})));
        })
        .await;
    // Attempts at least 1.05 s apart (1.4 s minus at most 25 % jitter): new second, new
    // timestamp, new signature.
    let transport = TransportConfig::default().with_retry(
        RetryPolicy::default()
            .with_max_attempts(2)
            .with_backoff(Duration::from_millis(1400), Duration::from_millis(1400)),
    );
    let client = TrtcClient::new(config(&server.base_url()).with_transport(transport)).unwrap();
    let err = client.get_thread("task-1").await.unwrap_err();
    assert_eq!(err.code(), Some("InternalError"));
    mock.assert_calls_async(2).await;
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert!(seen.iter().all(Result::is_ok), "{seen:?}");
    assert!(
        seen[1].as_ref().unwrap() > seen[0].as_ref().unwrap(),
        "{seen:?}"
    );
}

/// Sends one stop to a server that always answers `body` with `status`; answers the
/// error and the number of attempts.
async fn stop_against(status: u16, content_type: &str, body: &str) -> (Error, usize) {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST);
            then.status(status)
                .header("content-type", content_type)
                .body(body);
        })
        .await;
    let err = client(&server.base_url())
        .stop_ai_conversation(&StopAiConversationRequest::new("task-1"))
        .await
        .unwrap_err();
    (err, mock.calls_async().await)
}

fn tencent_error(code: &str) -> String {
    answer(json!({
        "Error": {"Code": code, "Message": format!("message of {code}")},
        "RequestId": "ed93f3cb-f35e-473f-b9f3-0d451b8b79c6"
    }))
}

#[tokio::test]
async fn error_envelopes_become_errors_with_code_message_and_request_id() {
    type Check = fn(&Error) -> bool;
    let cases: [(&str, Check, usize); 6] = [
        ("FailedOperation.TaskNotExist", Error::is_not_found, 1),
        (
            "InvalidParameter.TaskId",
            |e| e.is_provider_error() && !e.is_retryable(),
            1,
        ),
        (
            "AuthFailure.SignatureFailure",
            |e| matches!(e, Error::Authentication { .. }),
            1,
        ),
        ("RequestLimitExceeded", Error::is_rate_limited, 3),
        (
            "InternalError",
            |e| e.is_provider_error() && e.is_retryable(),
            3,
        ),
        (
            "UnsupportedRegion",
            |e| e.is_provider_error() && !e.is_retryable(),
            1,
        ),
    ];
    for (code, is_expected, attempts) in cases {
        let (err, hits) = stop_against(200, "application/json", &tencent_error(code)).await;
        assert!(is_expected(&err), "{code}: {err:?}");
        assert_eq!(err.code(), Some(code));
        assert_eq!(
            err.request_id(),
            Some("ed93f3cb-f35e-473f-b9f3-0d451b8b79c6")
        );
        assert!(
            err.to_string().contains(&format!("message of {code}")),
            "{err}"
        );
        assert_eq!(hits, attempts, "{code}: attempts");
    }
}

#[tokio::test]
async fn a_status_other_than_200_is_a_transport_level_failure() {
    let (err, hits) = stop_against(502, "text/html", "<html>Bad Gateway</html>").await;
    assert!(err.is_provider_error() && err.is_retryable(), "{err:?}");
    assert_eq!(err.status(), Some(502));
    assert!(err.to_string().contains("Bad Gateway"), "{err}");
    assert_eq!(hits, 3);
    // A JSON error envelope with a non-200 status is still the gateway's answer.
    let (err, hits) =
        stop_against(400, "application/json", &tencent_error("InvalidParameter")).await;
    assert!(err.is_provider_error() && !err.is_retryable(), "{err:?}");
    assert_eq!((err.status(), err.code(), hits), (Some(400), None, 1));
}

#[tokio::test]
async fn malformed_answers_are_decode_errors() {
    for (content_type, body) in [
        ("application/json", r#"{"Response": {"RequestId": 5}}"#),
        ("application/json", r#"{"RequestId": "no envelope"}"#),
        ("text/html", "<html></html>"),
    ] {
        let (err, _) = stop_against(200, content_type, body).await;
        assert!(matches!(err, Error::Decode { .. }), "{body}: {err:?}");
    }
}

#[tokio::test]
async fn start_is_retried_only_when_it_surely_did_not_land() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST);
            then.status(200)
                .header("content-type", "application/json")
                .body(tencent_error("InternalError"));
        })
        .await;
    let client = client(&server.base_url());
    let request: StartAiConversationRequest = serde_json::from_str(START_EXAMPLE).unwrap();
    let err = client.start_ai_conversation(&request).await.unwrap_err();
    assert!(err.is_retryable(), "{err:?}");
    mock.assert_calls_async(1).await;
    mock.delete_async().await;
    let limited = server
        .mock_async(|when, then| {
            when.method(POST);
            then.status(200)
                .header("content-type", "application/json")
                .body(tencent_error("RequestLimitExceeded"));
        })
        .await;
    client.start_ai_conversation(&request).await.unwrap_err();
    limited.assert_calls_async(3).await;
}

#[tokio::test]
async fn any_well_formed_region_is_sent_and_a_refusal_names_the_documented_ones() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST).header("x-tc-region", "eu-frankfurt");
            then.status(200)
                .header("content-type", "application/json")
                .body(answer(json!({
                    "Error": {"Code": "UnsupportedRegion", "Message": "The API does not support the region `eu-frankfurt`."},
                    "RequestId": "r-region"
                })));
        })
        .await;
    let stop = StopAiConversationRequest::new("t");
    let unset = TrtcClient::new(
        TrtcConfig::new()
            .with_credentials("AKID", "key")
            .with_endpoint(server.base_url()),
    )
    .unwrap();
    // No region at all, or a malformed one: refused before sending.
    let err = unset.stop_ai_conversation(&stop).await.unwrap_err();
    assert!(err.is_invalid_input(), "{err:?}");
    assert!(err.to_string().contains("TENCENTCLOUD_REGION"), "{err}");
    assert!(unset.with_region("Tokyo").is_err());
    mock.assert_calls_async(0).await;
    // A well-formed region no page lists is the server's to judge.
    let frankfurt = unset.with_region("eu-frankfurt").unwrap();
    let err = frankfurt.stop_ai_conversation(&stop).await.unwrap_err();
    mock.assert_calls_async(1).await;
    assert_eq!(err.code(), Some("UnsupportedRegion"));
    assert_eq!(err.request_id(), Some("r-region"));
    let text = err.to_string();
    assert!(
        text.contains("StopAIConversation is not served in region eu-frankfurt")
            && text.contains("ap-guangzhou, ap-singapore, ap-tokyo, na-siliconvalley")
            && text.contains("https://www.tencentcloud.com/document/api/647/65296"),
        "{text}"
    );
}

#[tokio::test]
async fn a_json_answer_served_as_text_plain_decodes() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST);
            then.status(200)
                .header("content-type", "text/plain; charset=utf-8")
                .body(answer(json!({
                    "StartTime": "2025-02-24 16:00:00",
                    "Status": "InProgress",
                    "TaskId": "t-1",
                    "RequestId": "r-1"
                })));
        })
        .await;
    let thread = client(&server.base_url()).get_thread("t-1").await.unwrap();
    assert_eq!(
        thread.created_at.map(|t| t.unix_timestamp()),
        Some(1_740_384_000),
        "16:00 Beijing time"
    );
}

#[tokio::test]
async fn extra_members_reach_the_wire() {
    let server = MockServer::start_async().await;
    // The whole body, byte for byte: typed members in spec order, then the extra ones, at
    // the top level and inside AgentConfig and STTConfig.
    let body = concat!(
        r#"{"SdkAppId":1400000001,"RoomId":"123","AgentConfig":{"UserId":"robot","UserSig":"sig","#,
        r#""TargetUserId":"alice","FutureAgentSwitch":true},"STTConfig":{"HotWordList":"ASR|11","#,
        r#""FutureSttMode":2},"AvatarConfig":"{\"AvatarId\":\"a-1\"}","FutureTopLevel":{"Nested":[1,"x"]}}"#
    );
    let mock = server
        .mock_async(|when, then| {
            expect_call(when, server.port(), "StartAIConversation", body);
            then.status(200)
                .header("content-type", "application/json")
                .body(answer(json!({"TaskId": "t-1", "RequestId": "r-1"})));
        })
        .await;
    let request = StartAiConversationRequest::new(
        1_400_000_001,
        "123",
        AgentConfig::new("robot", "sig", "alice").with_extra_member("FutureAgentSwitch", true),
    )
    .with_stt_config(
        SttConfig::default()
            .with_hot_word_list("ASR|11")
            .with_extra_member("FutureSttMode", 2),
    )
    .with_avatar_config(r#"{"AvatarId":"a-1"}"#)
    .with_extra_member("FutureTopLevel", json!({"Nested": [1, "x"]}));
    let started = client(&server.base_url())
        .start_ai_conversation(&request)
        .await
        .unwrap();
    assert_eq!(started.task_id.as_deref(), Some("t-1"));
    mock.assert_async().await;
    // A typed member sent again as an extra one is refused before sending.
    let twice = request.with_extra_member("RoomId", "456");
    let err = client(&server.base_url())
        .start_ai_conversation(&twice)
        .await
        .unwrap_err();
    assert!(err.is_invalid_input(), "{err:?}");
    assert!(err.to_string().contains("`RoomId` is set twice"), "{err}");
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn transparent_data_is_a_control_command() {
    let server = MockServer::start_async().await;
    let body = r#"{"TaskId":"t-1","Command":"TransparentData","TransparentData":{"Data":"{\"scene\":2}"}}"#;
    let mock = server
        .mock_async(|when, then| {
            expect_call(when, server.port(), "ControlAIConversation", body);
            then.status(200)
                .header("content-type", "application/json")
                .body(answer(json!({"RequestId": "r-1"})));
        })
        .await;
    let request = ControlAiConversationRequest::new("t-1", ControlCommand::TransparentData)
        .with_transparent_data(TransparentData::default().with_data(r#"{"scene":2}"#));
    client(&server.base_url())
        .control_ai_conversation(&request)
        .await
        .unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn secrets_of_the_request_never_show_in_errors_or_debug() {
    let server = MockServer::start_async().await;
    // A server that echoes the request's secrets in its error message.
    server
        .mock_async(|when, then| {
            when.method(POST);
            then.status(200)
                .header("content-type", "application/json")
                .body(answer(json!({
                    "Error": {
                        "Code": "InvalidParameter.UserSig",
                        "Message": "UserSig robot-SIG-SECRET expired; LLM key sk-LLM-SECRET; id AKIDtest00000000000000000000000000000"
                    },
                    "RequestId": "r-1"
                })));
        })
        .await;
    let request = StartAiConversationRequest::new(
        1_400_000_001,
        "123",
        AgentConfig::new("robot", "robot-SIG-SECRET", "alice"),
    )
    .with_llm_config(
        r#"{"LLMType":"openai","Model":"m","APIKey":"sk-LLM-SECRET","APIUrl":"https://x"}"#,
    );
    let client = client(&server.base_url());
    let err = client.start_ai_conversation(&request).await.unwrap_err();
    for shown in [
        err.to_string(),
        format!("{err:?}"),
        format!("{request:?}"),
        format!("{client:?}"),
    ] {
        for secret in [
            "robot-SIG-SECRET",
            "sk-LLM-SECRET",
            common::SECRET_ID,
            SECRET_KEY,
        ] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
    }
    assert!(err.to_string().contains("[redacted]"), "{err}");
}

#[tokio::test]
async fn invalid_input_never_reaches_the_server() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST);
            then.status(200).body("{}");
        })
        .await;
    let client = client(&server.base_url());
    for id in ["", "a b", "a\nb"] {
        assert!(
            client
                .cancel_thread(id)
                .await
                .unwrap_err()
                .is_invalid_input()
        );
        assert!(client.get_thread(id).await.unwrap_err().is_invalid_input());
    }
    let err = client
        .describe_ai_conversation(&DescribeAiConversationRequest::default())
        .await
        .unwrap_err();
    assert!(err.is_invalid_input());
    mock.assert_calls_async(0).await;
}

#[test]
fn missing_credentials_name_the_variable() {
    let err = TrtcClient::new(TrtcConfig::from_vars(|_| None).unwrap()).unwrap_err();
    assert!(matches!(err, Error::Config { .. }));
    assert!(err.to_string().contains("TENCENTCLOUD_SECRET_ID"), "{err}");
    let err = TrtcClient::new(
        TrtcConfig::from_vars(|name| (name == "TENCENTCLOUD_SECRET_ID").then(|| "AKID".to_owned()))
            .unwrap(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("TENCENTCLOUD_SECRET_KEY"), "{err}");
}

#[test]
fn plain_http_is_refused_off_loopback() {
    let err = TrtcClient::new(config("http://trtc.tencentcloudapi.com")).unwrap_err();
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
    TrtcClient::new(config("trtc.tencentcloudapi.com").with_transport(fast_retries(1))).unwrap();
}

#[test]
fn debug_shows_no_secret() {
    let client = client("https://trtc.intl.tencentcloudapi.com");
    let text = format!("{client:?}");
    assert!(!text.contains(SECRET_KEY), "{text}");
    assert!(text.contains("ap-singapore"), "{text}");
}
