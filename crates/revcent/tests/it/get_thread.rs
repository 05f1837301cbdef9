//! GetAIThread on the wire: `GET {base}/ai_threads/{id}`.

use crate::common;

use aithreads_revcent::core::{Error, ThreadProvider};
use aithreads_revcent::{AiThread, AiThreadStatus, MessageRole, TriggerSource};
use common::*;
use httpmock::prelude::*;

#[tokio::test]
async fn sends_the_exact_request_and_decodes_every_field() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/v2/ai_threads/{THREAD_ID}"))
                .header("x-api-key", KEY)
                .header("accept", "application/json")
                .is_true(|req| req.uri().query().is_none() && req.body().is_empty());
            then.status(200)
                .header("content-type", "application/json")
                .body(fixture("get_thread.json"));
        })
        .await;
    let thread = client(&server).get_ai_thread(THREAD_ID).await.unwrap();
    mock.assert_calls_async(1).await;

    assert_eq!(thread.id.as_deref(), Some(THREAD_ID));
    assert_eq!(thread.status, Some(AiThreadStatus::Running));
    assert_eq!(thread.created_date_unix, Some(1_759_990_000));
    assert_eq!(thread.updated_date_unix, Some(1_759_990_006));
    assert_eq!(thread.time_delay_expires, Some(1_760_003_600));
    assert_eq!(
        (
            thread.message_count,
            thread.total_tokens,
            thread.total_time_ms
        ),
        (Some(4), Some(1834), Some(6250))
    );
    let messages = thread.messages.as_ref().unwrap();
    let roles: Vec<_> = messages.iter().map(|m| m.role.clone().unwrap()).collect();
    assert_eq!(
        roles,
        [
            MessageRole::System,
            MessageRole::User,
            MessageRole::Assistant,
            MessageRole::User
        ]
    );
    let handed = messages[1].previous_ai_thread.as_ref().unwrap();
    assert_eq!(handed.id.as_deref(), Some("Pv8nR3kLm2Qs7Tx1Wy5Z"));
    assert_eq!(handed.created_date_unix, Some(1_759_980_000));
    let call = &messages[2].tool_calls.as_ref().unwrap()[0];
    assert_eq!(call.id.as_deref(), Some("call_8fK2mQ"));
    assert_eq!(call.r#type.as_deref(), Some("function"));
    assert_eq!(call.function_name.as_deref(), Some("get_sale"));
    assert_eq!(
        call.function_args.as_deref(),
        Some(r#"{"sale_id":"Sa7eQ2wErT5yUi8oPa1S"}"#)
    );
    assert_eq!(messages[2].third_party_name.as_deref(), Some("OpenAI"));
    assert_eq!(messages[2].third_party_model.as_deref(), Some("gpt-4o"));
    assert_eq!(messages[3].tool_call_id.as_deref(), Some("call_8fK2mQ"));
    assert_eq!(messages[3].created_date_unix, Some(1_759_990_006));

    let previous = thread.previous_ai_thread.as_ref().unwrap();
    assert_eq!(previous.id.as_deref(), Some("Pv8nR3kLm2Qs7Tx1Wy5Z"));
    assert_eq!(
        previous.ai_assistant.as_ref().unwrap().name.as_deref(),
        Some("Intake Assistant")
    );
    let trigger = thread.trigger.as_ref().unwrap();
    assert_eq!(trigger.source, Some(TriggerSource::Api));
    assert_eq!(trigger.notation.as_deref(), Some("sale.created"));
    let api_call = trigger.api_call.as_ref().unwrap();
    assert_eq!(api_call.id.as_deref(), Some("Ap1cA2lL3iD4aB5cD6eF"));
    let account = api_call.api_account.as_ref().unwrap();
    assert_eq!(
        (account.id.as_deref(), account.name.as_deref()),
        (Some("Ac0uN7tI9dE8fG6hI4jK"), Some("Storefront Backend"))
    );
    assert_eq!(
        api_call.ai_assistant.as_ref().unwrap().id.as_deref(),
        Some("Hn4bV6cX8zL1kJ3hG5fD")
    );
    let user = trigger.web_user.as_ref().unwrap();
    assert_eq!(
        (
            user.id.as_deref(),
            user.username.as_deref(),
            user.first_name.as_deref(),
            user.last_name.as_deref()
        ),
        (
            Some("Wu5eR1iD2aB3cD4eF6gH"),
            Some("jmartinez"),
            Some("Julia"),
            Some("Martinez")
        )
    );
    let assistant = thread.ai_assistant.as_ref().unwrap();
    assert_eq!(assistant.id.as_deref(), Some("As5sI7sT8aN9tI0dA1bC"));
    assert_eq!(assistant.name.as_deref(), Some("Order Support Agent"));
    let integration = thread.third_party_integration.as_ref().unwrap();
    assert_eq!(integration.id.as_deref(), Some("Tp1iN2tE3gR4aT5iO6nX"));
    assert_eq!(integration.name.as_deref(), Some("OpenAI Production"));
    let site = integration.third_party.as_ref().unwrap();
    assert_eq!(
        (site.id.as_deref(), site.name.as_deref()),
        (Some("Si7tE8tH9iR0dP1aR2tY"), Some("OpenAI"))
    );

    // Re-encoding gives the thread's fields back exactly (the envelope fields are not part
    // of the thread).
    let mut original: serde_json::Value =
        serde_json::from_str(&fixture("get_thread.json")).unwrap();
    for key in ["api_call_id", "api_call_unix", "code"] {
        original.as_object_mut().unwrap().remove(key);
    }
    assert_eq!(serde_json::to_value(&thread).unwrap(), original);
}

#[test]
fn every_enum_value_decodes_and_unknown_ones_are_kept() {
    for status in [
        "Running",
        "Complete",
        "Timer",
        "Cancelled",
        "Error",
        "Paused",
    ] {
        let thread: AiThread =
            serde_json::from_str(&format!(r#"{{"status":"{status}"}}"#)).unwrap();
        let status_value = thread.status.unwrap();
        assert_eq!(status_value.as_str(), status);
        assert_eq!(
            matches!(status_value, AiThreadStatus::Unknown(_)),
            status == "Paused"
        );
    }
    for role in ["user", "assistant", "system", "tool"] {
        let m: aithreads_revcent::generated::Message =
            serde_json::from_str(&format!(r#"{{"role":"{role}"}}"#)).unwrap();
        assert_eq!(m.role.as_ref().unwrap().as_str(), role);
        assert_eq!(
            matches!(m.role, Some(MessageRole::Unknown(_))),
            role == "tool"
        );
    }
    for source in ["api", "web_app", "account_event", "schedule"] {
        let t: aithreads_revcent::generated::Trigger =
            serde_json::from_str(&format!(r#"{{"source":"{source}"}}"#)).unwrap();
        assert_eq!(t.source.as_ref().unwrap().as_str(), source);
        assert_eq!(
            matches!(t.source, Some(TriggerSource::Unknown(_))),
            source == "schedule"
        );
    }
    assert_eq!(AiThreadStatus::KNOWN.len(), 5);
    assert_eq!(MessageRole::KNOWN.len(), 3);
    assert_eq!(TriggerSource::KNOWN.len(), 3);
}

#[tokio::test]
async fn the_trait_returns_the_unified_thread_with_the_typed_record() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(format!("/v2/ai_threads/{THREAD_ID}"));
            then.status(200)
                .header("content-type", "application/json")
                .body(fixture("get_thread.json"));
        })
        .await;
    let provider: &dyn ThreadProvider = &client(&server);
    let thread = provider.get_thread(THREAD_ID).await.unwrap();
    assert_eq!(thread.id, THREAD_ID);
    assert_eq!(thread.status, aithreads_revcent::core::Status::Running);
    assert_eq!(thread.raw_status.value, "Running");
    assert_eq!(thread.assistant.as_deref(), Some("Order Support Agent"));
    assert_eq!(thread.user.as_deref(), Some("jmartinez"));
    assert_eq!(thread.messages.len(), 4);
    assert_eq!(thread.created_at.unwrap().unix_timestamp(), 1_759_990_000);
    let record = thread.record::<AiThread>().unwrap();
    assert_eq!(record.message_count, Some(4));
}

type Check = fn(&Error) -> bool;

#[tokio::test]
async fn error_envelopes_map_whatever_the_status() {
    let server = MockServer::start_async().await;
    let cases: [(u16, &str, Check); 5] = [
        (200, "not_found", Error::is_not_found),
        (404, "anything", Error::is_not_found),
        (200, "unauthorized", |e| {
            matches!(e, Error::Authentication { .. })
        }),
        (401, "anything", |e| {
            matches!(e, Error::Authentication { .. })
        }),
        (200, "invalid_parameter", |e| {
            e.is_provider_error() && !e.is_retryable()
        }),
    ];
    for (status, code, check) in cases {
        let mock = server
            .mock_async(|when, then| {
                when.method(GET).path(format!("/v2/ai_threads/{THREAD_ID}"));
                then.status(status)
                    .header("content-type", "application/json")
                    .body(error_body(code));
            })
            .await;
        let err = client(&server).get_ai_thread(THREAD_ID).await.unwrap_err();
        assert!(check(&err), "{status} {code}: {err:?}");
        assert_eq!(err.code(), Some(code));
        assert_eq!(err.request_id(), Some("Er7mT2vLp9Rk4sNw8ZbF"));
        assert_eq!(err.api_error().unwrap().message, format!("refused: {code}"));
        assert_eq!(
            err.provider(),
            Some(aithreads_revcent::core::ProviderKind::RevCent)
        );
        mock.assert_calls_async(1).await;
        mock.delete_async().await;
    }
}

#[tokio::test]
async fn server_errors_are_retried_and_decode_errors_name_the_path() {
    let server = MockServer::start_async().await;
    let failing = server
        .mock_async(|when, then| {
            when.method(GET).path(format!("/v2/ai_threads/{THREAD_ID}"));
            then.status(503).body("<html>unavailable</html>");
        })
        .await;
    let err = client(&server).get_ai_thread(THREAD_ID).await.unwrap_err();
    assert!(err.is_retryable(), "{err:?}");
    assert_eq!(err.status(), Some(503));
    failing.assert_calls_async(4).await;

    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(format!("/v2/ai_threads/{THREAD_ID}"));
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"code":1,"id":"Xk29dLq0PzR7mNs4TbVa","messages":[{"role":"user"},{"created_date_unix":"soon"}]}"#);
        })
        .await;
    match client(&server).get_ai_thread(THREAD_ID).await.unwrap_err() {
        Error::Decode { path, .. } => {
            assert_eq!(path.as_deref(), Some("messages[1].created_date_unix"))
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn invalid_ids_are_refused_without_a_request() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200);
        })
        .await;
    let client = client(&server);
    for id in INVALID_IDS {
        let err = client.get_ai_thread(id).await.unwrap_err();
        assert!(err.is_invalid_input(), "{id:?}: {err}");
    }
    assert_eq!(any.calls_async().await, 0);
}

#[test]
fn a_missing_key_names_the_variable_and_secrets_stay_out_of_debug() {
    let err = aithreads_revcent::RevCentClient::new(aithreads_revcent::RevCentConfig::default())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "configuration error: missing REVCENT_API_KEY: set it or call with_api_key"
    );
    let client = aithreads_revcent::RevCentClient::new(
        aithreads_revcent::RevCentConfig::default().with_api_key(KEY),
    )
    .unwrap();
    assert_eq!(client.base_url().as_str(), "https://api.revcent.com/v2");
    assert!(!format!("{client:?}").contains(KEY));
    let err = aithreads_revcent::RevCentClient::new(
        aithreads_revcent::RevCentConfig::default()
            .with_api_key(KEY)
            .with_base_url("http://api.revcent.com/v2"),
    )
    .unwrap_err();
    assert!(matches!(err, Error::Config { .. }), "{err}");
    let blank = aithreads_revcent::RevCentClient::new(
        aithreads_revcent::RevCentConfig::default().with_api_key(" \t "),
    )
    .unwrap_err();
    assert_eq!(
        blank.to_string(),
        "configuration error: REVCENT_API_KEY is blank: set it or call with_api_key"
    );
}
