//! The simulated TRTC API seen from raw HTTP: signature checks, common parameters, body
//! validation, answer shapes and the per-action rate limit.

use aithreads_sim::credentials::Credentials;
use aithreads_sim::{SimConfig, Simulator, unix_now};
use aithreads_tencent_trtc::TaskStatus;
use aithreads_tencent_trtc::sign::{self, SignableRequest, SigningParams};
use serde_json::Value;

const REGION: &str = "ap-singapore";

/// One raw request; every field can be spoiled on purpose.
struct Raw {
    action: &'static str,
    version: &'static str,
    region: Option<&'static str>,
    timestamp: i64,
    secret_id: String,
    secret_key: String,
    content_type: &'static str,
    body: Vec<u8>,
    /// The body the signature covers, when it differs from the one sent.
    signed_body: Option<Vec<u8>>,
    /// Sign `x-tc-action` too, as the newer docs show.
    sign_action: bool,
    authorization: Option<String>,
}

impl Raw {
    fn new(action: &'static str, body: &str) -> Self {
        let demo = Credentials::demo();
        Self {
            action,
            version: "2019-07-22",
            region: Some(REGION),
            timestamp: unix_now(),
            secret_id: demo.tencent_secret_id,
            secret_key: demo.tencent_secret_key,
            content_type: "application/json",
            body: body.as_bytes().to_vec(),
            signed_body: None,
            sign_action: false,
            authorization: None,
        }
    }

    /// Sends it; answers the `Response` object after checking the envelope every answer
    /// shares.
    async fn send(self, sim: &Simulator) -> Value {
        let host = sim.addr().to_string();
        let mut signed = vec![("content-type", self.content_type), ("host", host.as_str())];
        if self.sign_action {
            signed.push(("x-tc-action", self.action));
        }
        let signed_body = self.signed_body.as_deref().unwrap_or(&self.body);
        let authorization = self.authorization.clone().unwrap_or_else(|| {
            sign::sign(
                &SignableRequest::post(&signed, signed_body),
                &SigningParams {
                    secret_id: &self.secret_id,
                    secret_key: &self.secret_key,
                    service: "trtc",
                    timestamp: self.timestamp,
                },
            )
            .unwrap()
            .authorization
        });
        let mut request = http()
            .post(sim.base_url())
            .header("content-type", self.content_type)
            .header("x-tc-action", self.action)
            .header("x-tc-version", self.version)
            .header("x-tc-timestamp", self.timestamp.to_string())
            .body(self.body.clone());
        if !authorization.is_empty() {
            request = request.header("authorization", authorization);
        }
        if let Some(region) = self.region {
            request = request.header("x-tc-region", region);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 200, "every answer is HTTP 200");
        assert_eq!(
            response.headers()["content-type"],
            "application/json",
            "exactly application/json, as the Python SDK needs"
        );
        let body: Value = response.json().await.unwrap();
        let answer = body["Response"].clone();
        let request_id = answer["RequestId"].as_str().unwrap_or_default();
        assert_eq!(request_id.len(), 36, "{body}");
        answer
    }
}

/// One HTTP client for every request, so bursts are not slowed by client setup.
fn http() -> &'static reqwest::Client {
    static CLIENT: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();
    CLIENT.get_or_init(reqwest::Client::new)
}

/// A change that spoils a [`Raw`] request on purpose.
type Spoil = Box<dyn Fn(&mut Raw)>;

fn code(answer: &Value) -> &str {
    answer["Error"]["Code"].as_str().unwrap_or("success")
}

async fn simulator() -> Simulator {
    Simulator::start(
        SimConfig::default()
            .with_threads(0)
            .with_credentials(Credentials::demo()),
    )
    .await
    .unwrap()
}

fn stop_body(task_id: &str) -> String {
    serde_json::json!({ "TaskId": task_id }).to_string()
}

#[tokio::test]
async fn a_body_changed_after_signing_is_rejected() {
    let sim = simulator().await;
    let victim = sim.sim().trtc().start_task(REGION);
    let other = sim.sim().trtc().start_task(REGION);
    let mut raw = Raw::new("StopAIConversation", &stop_body(&victim));
    raw.signed_body = Some(stop_body(&other).into_bytes());
    let answer = raw.send(&sim).await;
    assert_eq!(code(&answer), "AuthFailure.SignatureFailure", "{answer}");
    for task in [&victim, &other] {
        assert_eq!(
            sim.sim().trtc().task_status(REGION, task),
            Some(TaskStatus::InProgress)
        );
    }
    // The same request, untouched, goes through.
    let answer = Raw::new("StopAIConversation", &stop_body(&victim))
        .send(&sim)
        .await;
    assert_eq!(code(&answer), "success", "{answer}");
    assert_eq!(
        sim.sim().trtc().task_status(REGION, &victim),
        Some(TaskStatus::Stopped)
    );
}

#[tokio::test]
async fn authentication_failures_use_the_documented_codes() {
    let sim = simulator().await;
    let body = stop_body("t");
    let cases: Vec<(&str, Spoil)> = vec![
        (
            "AuthFailure.SignatureFailure",
            Box::new(|r| r.secret_key = "wrong".into()),
        ),
        (
            "AuthFailure.SecretIdNotFound",
            Box::new(|r| r.secret_id = "AKIDnobody".into()),
        ),
        (
            "AuthFailure.SignatureExpire",
            Box::new(|r| r.timestamp -= 301),
        ),
        (
            "AuthFailure.SignatureExpire",
            Box::new(|r| r.timestamp += 301),
        ),
        (
            "AuthFailure.InvalidAuthorization",
            Box::new(|r| r.authorization = Some(String::new())),
        ),
        (
            "AuthFailure.InvalidAuthorization",
            Box::new(|r| r.authorization = Some("HMAC-SHA1 Signature=abc".into())),
        ),
        // A scope date that is not the timestamp's UTC date.
        (
            "AuthFailure.SignatureFailure",
            Box::new(|r| {
                let date = sign::scope_date(r.timestamp).unwrap();
                r.authorization = Some(sign::authorization(
                    &r.secret_id,
                    &sign::credential_scope("2019-02-25", "trtc"),
                    "content-type;host",
                    &"0".repeat(64),
                ));
                assert_ne!(date, "2019-02-25");
            }),
        ),
    ];
    for (expected, spoil) in cases {
        let mut raw = Raw::new("StopAIConversation", &body);
        spoil(&mut raw);
        let answer = raw.send(&sim).await;
        assert_eq!(code(&answer), expected, "{answer}");
        assert!(
            answer["Error"]["Message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
    // Within five minutes either way is fine.
    for skew in [-299, 299] {
        let mut raw = Raw::new("StopAIConversation", &body);
        raw.timestamp += skew;
        assert_eq!(code(&raw.send(&sim).await), "FailedOperation.TaskNotExist");
    }
}

#[tokio::test]
async fn common_parameters_are_checked() {
    let sim = simulator().await;
    let body = stop_body("t");
    let cases: Vec<(&str, Spoil)> = vec![
        ("MissingParameter", Box::new(|r| r.action = "")),
        ("MissingParameter", Box::new(|r| r.region = None)),
        ("NoSuchVersion", Box::new(|r| r.version = "2017-03-12")),
        (
            "InvalidAction",
            Box::new(|r| r.action = "DescribeInstances"),
        ),
        (
            "UnsupportedRegion",
            Box::new(|r| r.region = Some("eu-frankfurt")),
        ),
        // Served although Stop's page does not list it: past the region check, the task is
        // looked up.
        (
            "FailedOperation.TaskNotExist",
            Box::new(|r| r.region = Some("na-ashburn")),
        ),
        (
            "InvalidParameter",
            Box::new(|r| r.content_type = "text/plain"),
        ),
    ];
    for (expected, spoil) in cases {
        let mut raw = Raw::new("StopAIConversation", &body);
        spoil(&mut raw);
        let answer = raw.send(&sim).await;
        assert_eq!(code(&answer), expected, "{answer}");
    }
    // ap-beijing (the China site's page): past the region check, the body is judged.
    let mut raw = Raw::new("StartAIConversation", "{}");
    raw.region = Some("ap-beijing");
    assert_eq!(code(&raw.send(&sim).await), "MissingParameter");
}

#[tokio::test]
async fn bodies_are_validated_per_action() {
    let sim = simulator().await;
    let task = sim.sim().trtc().start_task(REGION);
    let cases = [
        ("StopAIConversation", "{}".to_owned(), "MissingParameter"),
        (
            "StopAIConversation",
            r#"{"TaskId": 7}"#.to_owned(),
            "InvalidParameter",
        ),
        (
            "StopAIConversation",
            r#"{"TaskId": ""}"#.to_owned(),
            "InvalidParameter.TaskId",
        ),
        (
            "StopAIConversation",
            r#"{"TaskId": "a b"}"#.to_owned(),
            "InvalidParameter.TaskId",
        ),
        (
            "StopAIConversation",
            format!(r#"{{"TaskId":"{task}","Force":true}}"#),
            "UnknownParameter",
        ),
        (
            "StopAIConversation",
            "not json".to_owned(),
            "InvalidParameter",
        ),
        (
            "DescribeAIConversation",
            "{}".to_owned(),
            "MissingParameter",
        ),
        (
            "DescribeAIConversation",
            r#"{"SessionId":"nobody"}"#.to_owned(),
            "FailedOperation.TaskNotExist",
        ),
        (
            "ControlAIConversation",
            format!(r#"{{"TaskId":"{task}","Command":"Dance"}}"#),
            "InvalidParameterValue",
        ),
        (
            "ControlAIConversation",
            format!(r#"{{"TaskId":"{task}","Command":"ServerPushText"}}"#),
            "MissingParameter",
        ),
        (
            "UpdateAIConversation",
            format!(r#"{{"TaskId":"{task}","LLMConfig":"gpt-4o"}}"#),
            "InvalidParameterValue",
        ),
        (
            "StartAIConversation",
            r#"{"SdkAppId":1,"RoomId":"1","AgentConfig":{"UserId":"a","UserSig":"s"}}"#.to_owned(),
            "MissingParameter",
        ),
    ];
    for (action, body, expected) in cases {
        let answer = Raw::new(action, &body).send(&sim).await;
        assert_eq!(code(&answer), expected, "{action} {body}: {answer}");
    }
    assert_eq!(
        sim.sim().trtc().task_status(REGION, &task),
        Some(TaskStatus::InProgress),
        "no refused request changed the task"
    );
}

#[tokio::test]
async fn official_sdk_style_requests_are_accepted() {
    let sim = simulator().await;
    let task = sim.sim().trtc().start_task(REGION);
    // Python's json.dumps: ", " separators and non-ASCII as \u escapes; x-tc-action signed as
    // the newer docs show.
    let body = format!(r#"{{"TaskId": "{task}"}}"#);
    let mut raw = Raw::new("DescribeAIConversation", &body);
    raw.sign_action = true;
    let answer = raw.send(&sim).await;
    assert_eq!(answer["Status"], "InProgress", "{answer}");
    assert_eq!(answer["TaskId"], task.as_str());
    let answer = Raw::new(
        "StartAIConversation",
        r#"{"SdkAppId": 1400000001, "RoomId": "r\u00e9", "RoomIdType": 1, "AgentConfig": {"UserId": "bot", "UserSig": "s", "TargetUserId": "\u672a\u547d\u540d"}}"#,
    )
    .send(&sim)
    .await;
    assert!(
        answer["TaskId"].as_str().is_some_and(|t| t.ends_with('.')),
        "{answer}"
    );
}

#[tokio::test]
async fn each_action_is_held_to_its_documented_rate() {
    let sim = simulator().await;
    // StopAIConversation allows 20 a second: of a burst of 60, the 20 the bucket holds pass,
    // plus those refilled while the burst lasts; the rest are refused.
    let answers = futures::future::join_all(
        (0..60).map(|_| Raw::new("StopAIConversation", &stop_body("t")).send(&sim)),
    )
    .await;
    let limited = answers
        .iter()
        .filter(|a| code(a) == "RequestLimitExceeded")
        .count();
    assert!((1..=40).contains(&limited), "{limited} refused");
    assert_eq!(sim.sim().trtc().rate_limited_answers(), limited as u64);
    // Another action has its own budget.
    let answer = Raw::new("DescribeAIConversation", r#"{"TaskId":"t"}"#)
        .send(&sim)
        .await;
    assert_eq!(code(&answer), "FailedOperation.TaskNotExist");
}

#[tokio::test]
async fn the_rate_limit_can_be_turned_off() {
    let sim = Simulator::start(
        SimConfig::default()
            .with_threads(0)
            .with_credentials(Credentials::demo())
            .with_trtc_rate_limits(false),
    )
    .await
    .unwrap();
    let answers = futures::future::join_all(
        (0..30).map(|_| Raw::new("StopAIConversation", &stop_body("t")).send(&sim)),
    )
    .await;
    assert!(
        answers
            .iter()
            .all(|a| code(a) == "FailedOperation.TaskNotExist")
    );
    assert_eq!(sim.sim().trtc().rate_limited_answers(), 0);
}
