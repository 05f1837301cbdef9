//! TriggerAIAssistant on the wire (`POST {base}/ai_assistants/{id}/trigger` with a JSON
//! body, extra members included) and against the simulator (only `on_demand` assistants).

use crate::common;

use aithreads_revcent::core::ProviderKind;
use aithreads_revcent::core::transport::RetryPolicy;
use aithreads_revcent::generated::{TriggerItemType, TriggerPreviousThread};
use aithreads_revcent::{
    AiThreadStatus, RevCentClient, RevCentConfig, TriggerAiAssistantBody,
    TriggerAiAssistantRequest, TriggerSource,
};
use aithreads_sim::revcent::ASSISTANTS;
use aithreads_sim::{SimConfig, Simulator};
use common::*;
use httpmock::prelude::*;
use serde_json::json;

const ASSISTANT: &str = "As5sI7sT8aN9tI0dA1bC";

fn answer(thread: &str, assistant: &str) -> String {
    json!({
        "api_call_id": "Tr1mT2vLp9Rk4sNw8ZbE", "api_call_unix": 1_760_000_000, "code": 1,
        "ai_thread_id": thread, "ai_assistant_id": assistant,
    })
    .to_string()
}

#[tokio::test]
async fn sends_the_documented_members_and_the_extra_ones() {
    let server = MockServer::start_async().await;
    let expected = json!({
        "source_type": "item", "item_type": "chargeback", "item_id": "Ch4rGeB4cK0000000001",
        "priority": "high", "tags": ["vip"],
    });
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("/v2/ai_assistants/{ASSISTANT}/trigger"))
                .header("x-api-key", KEY)
                .header("content-type", "application/json")
                .header("accept", "application/json")
                .json_body(expected.clone());
            then.status(200)
                .header("content-type", "application/json")
                .body(answer(THREAD_ID, ASSISTANT));
        })
        .await;
    let request = TriggerAiAssistantRequest::new()
        .with_body(
            TriggerAiAssistantBody::default()
                .with_source_type("item")
                .with_item_type(TriggerItemType::Chargeback)
                .with_item_id("Ch4rGeB4cK0000000001"),
        )
        .with_extra("priority", json!("high"))
        .with_extra("tags", json!(["vip"]));
    let result = client(&server)
        .trigger_ai_assistant(ASSISTANT, &request)
        .await
        .unwrap();
    mock.assert_calls_async(1).await;
    assert_eq!(result.ai_thread_id.as_deref(), Some(THREAD_ID));
    assert_eq!(result.ai_assistant_id.as_deref(), Some(ASSISTANT));
    assert_eq!(result.api_call_id.as_deref(), Some("Tr1mT2vLp9Rk4sNw8ZbE"));
}

#[tokio::test]
async fn a_trigger_is_sent_once_and_only_a_real_answer_counts() {
    for (status, body, check) in [
        (503, "unavailable".to_owned(), "503"),
        (200, "{}".to_owned(), "no `code`"),
        (200, r#"{"code":1}"#.to_owned(), "no `ai_thread_id`"),
        (
            200,
            answer("short", ASSISTANT),
            "not a 20-character thread id",
        ),
        (
            200,
            answer(THREAD_ID, "Zz5sI7sT8aN9tI0dA1bC"),
            "answered for assistant",
        ),
        (400, error_body("not_on_demand"), "refused: not_on_demand"),
    ] {
        let server = MockServer::start_async().await;
        let mock = server
            .mock_async(|when, then| {
                when.method(POST)
                    .path(format!("/v2/ai_assistants/{ASSISTANT}/trigger"));
                then.status(status)
                    .header("content-type", "application/json")
                    .body(body.clone());
            })
            .await;
        let err = client(&server)
            .trigger_ai_assistant(ASSISTANT, &TriggerAiAssistantRequest::new())
            .await
            .unwrap_err();
        assert!(err.to_string().contains(check), "{body}: {err}");
        mock.assert_calls_async(1).await;
    }
}

#[tokio::test]
async fn bad_triggers_are_refused_without_a_request() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200);
        })
        .await;
    let client = client_with(&server, transport().with_retry(RetryPolicy::never()));
    let both = TriggerAiAssistantRequest::new().with_body(
        TriggerAiAssistantBody::default()
            .with_previous_ai_thread(TriggerPreviousThread::default().with_ai_thread_id(THREAD_ID))
            .with_messages(Vec::new()),
    );
    for (id, request) in [
        ("short", TriggerAiAssistantRequest::new()),
        ("As5sI7sT8aN9tI0d/1bC", TriggerAiAssistantRequest::new()),
        (ASSISTANT, both),
    ] {
        let err = client.trigger_ai_assistant(id, &request).await.unwrap_err();
        assert!(err.is_invalid_input(), "{id}: {err}");
    }
    assert_eq!(any.calls_async().await, 0);
}

#[tokio::test]
async fn the_simulator_starts_threads_for_on_demand_assistants_only() {
    let sim = Simulator::start(SimConfig::default().with_threads(10))
        .await
        .unwrap();
    let client =
        RevCentClient::new(RevCentConfig::from_vars(|name: &str| sim.client_var(name)).unwrap())
            .unwrap();
    let on_demand = ASSISTANTS.iter().find(|a| a.on_demand).unwrap();
    let result = client
        .trigger_ai_assistant(on_demand.id, &TriggerAiAssistantRequest::new())
        .await
        .unwrap();
    let id = result.ai_thread_id.unwrap();
    assert_eq!(result.ai_assistant_id.as_deref(), Some(on_demand.id));
    let thread = client.get_ai_thread(&id).await.unwrap();
    assert_eq!(thread.status, Some(AiThreadStatus::Running));
    assert_eq!(
        thread.ai_assistant.unwrap().id.as_deref(),
        Some(on_demand.id)
    );
    assert_eq!(thread.trigger.unwrap().source, Some(TriggerSource::Api));

    let not_on_demand = ASSISTANTS.iter().find(|a| !a.on_demand).unwrap();
    let before = sim.sim().revcent().len();
    let err = client
        .trigger_ai_assistant(not_on_demand.id, &TriggerAiAssistantRequest::new())
        .await
        .unwrap_err();
    assert!(err.is_provider_error(), "{err:?}");
    assert_eq!(err.status(), Some(400));
    assert!(err.to_string().contains("on_demand"), "{err}");
    let err = client
        .trigger_ai_assistant("AAAAAAAAAAAAAAAAAAAA", &TriggerAiAssistantRequest::new())
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    assert_eq!(sim.sim().revcent().len(), before, "no thread started");
    assert_eq!(sim.sim().provider_requests_seen(ProviderKind::RevCent), 4);
}
