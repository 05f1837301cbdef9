//! Decoding: the seed's and the spec's examples, every status and item variant, and variants
//! this crate does not know yet. Every fixture is first checked against the spec's schema, so
//! none is shaped to fit the code.

use crate::common;

use aithreads_core::{Error, ProviderKind};
use aithreads_openai_chatkit::core::transport::decode_json;
use aithreads_openai_chatkit::generated::ErrorResponse;
use aithreads_openai_chatkit::{
    Annotation, AttachmentType, ChatSessionResource, ChatSessionStatus, ClientToolCallStatus,
    DeletedThreadResource, TaskType, ThreadItem, ThreadItemListResource, ThreadListResource,
    ThreadResource, ThreadStatus, UserMessageContent,
};
use common::{assert_schema, fixture, schema_errors, schema_example, seed_examples, spec_example};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

fn decode<T: DeserializeOwned>(value: &Value) -> Result<T, Error> {
    decode_json(
        ProviderKind::OpenAiChatKit,
        value.to_string().as_bytes(),
        Some(200),
    )
}

/// Decodes, re-encodes and compares: nothing lost, nothing renamed.
fn round_trip<T: DeserializeOwned + serde::Serialize>(value: &Value) -> T {
    let typed: T = decode(value).unwrap();
    assert_eq!(&serde_json::to_value(&typed).unwrap(), value);
    typed
}

#[test]
fn seed_004_examples_decode_exactly() {
    let examples = seed_examples();
    assert_eq!(examples.len(), 2, "{examples:?}");

    let deleted = &examples[0];
    assert_schema("DeletedThreadResource", deleted);
    let deleted: DeletedThreadResource = round_trip(deleted);
    assert_eq!(
        deleted,
        DeletedThreadResource::new("string", "chatkit.thread.deleted", false)
    );

    let thread = &examples[1];
    assert_schema("ThreadResource", thread);
    let thread: ThreadResource = round_trip(thread);
    assert_eq!(thread.id, "cthr_def456");
    assert_eq!(thread.object, "chatkit.thread");
    assert_eq!(thread.created_at, 1712345600);
    assert_eq!(thread.title.as_deref(), Some("Demo feedback"));
    assert_eq!(thread.user, "user_456");
    assert!(matches!(thread.status, ThreadStatus::Active(_)));
    // The schema's own example is the same document.
    assert_eq!(schema_example("ThreadResource"), examples[1]);
}

#[test]
fn every_thread_status_decodes_with_its_reason() {
    let list = fixture("thread_list.json");
    assert_schema("ThreadListResource", &list);
    let list: ThreadListResource = round_trip(&list);
    let statuses: Vec<(&str, Option<&str>)> = list
        .data
        .iter()
        .map(|t| match &t.status {
            ThreadStatus::Active(_) => ("active", None),
            ThreadStatus::Locked(s) => ("locked", s.reason.as_deref()),
            ThreadStatus::Closed(s) => ("closed", s.reason.as_deref()),
            _ => ("unknown", None),
        })
        .collect();
    assert_eq!(
        statuses,
        [
            ("active", None),
            ("locked", Some("Escalated to a human agent")),
            ("locked", None),
            ("closed", Some("Resolved")),
            ("closed", None)
        ]
    );
    assert_eq!(list.data[2].title, None);
    assert_eq!(list.first_id.as_deref(), Some("cthr_def456"));
    assert_eq!(list.last_id.as_deref(), Some("cthr_abc120"));
    assert!(list.has_more);
}

#[test]
fn every_item_type_decodes_fully_typed() {
    let list = fixture("thread_items.json");
    assert_schema("ThreadItemListResource", &list);
    let list: ThreadItemListResource = round_trip(&list);
    let tags: Vec<&str> = list.data.iter().map(ThreadItem::tag).collect();
    assert_eq!(
        tags,
        [
            "chatkit.user_message",
            "chatkit.task",
            "chatkit.client_tool_call",
            "chatkit.task_group",
            "chatkit.assistant_message",
            "chatkit.widget",
            "chatkit.client_tool_call",
            "chatkit.user_message",
            "chatkit.task"
        ]
    );
    let ThreadItem::UserMessage(user) = &list.data[0] else {
        panic!("{:?}", list.data[0])
    };
    assert!(
        matches!(&user.content[0], UserMessageContent::InputText(t) if t.text.starts_with("I need help"))
    );
    assert!(
        matches!(&user.content[1], UserMessageContent::QuotedText(q) if q.text.contains("'plan'"))
    );
    assert_eq!(user.attachments[0].r#type, AttachmentType::Image);
    assert_eq!(user.attachments[1].r#type, AttachmentType::File);
    assert_eq!(user.attachments[1].preview_url, None);
    let options = user.inference_options.as_ref().unwrap();
    assert_eq!(options.model.as_deref(), Some("gpt-5"));
    assert_eq!(
        options.tool_choice.as_ref().unwrap().id,
        "get_workflow_runs"
    );

    let ThreadItem::Task(task) = &list.data[1] else {
        panic!()
    };
    assert_eq!(task.task_type, TaskType::Thought);
    let ThreadItem::ClientToolCall(call) = &list.data[2] else {
        panic!()
    };
    assert_eq!(call.status, ClientToolCallStatus::Completed);
    assert!(call.output.as_deref().unwrap().contains("run_91"));
    let ThreadItem::TaskGroup(group) = &list.data[3] else {
        panic!()
    };
    assert_eq!(group.tasks[0].r#type, TaskType::Custom);
    assert_eq!(group.tasks[1].heading, None);
    let ThreadItem::AssistantMessage(answer) = &list.data[4] else {
        panic!()
    };
    assert!(
        matches!(&answer.content[0].annotations[0], Annotation::File(f) if f.source.filename == "release-notes.pdf")
    );
    assert!(
        matches!(&answer.content[0].annotations[1], Annotation::Url(u) if u.source.url.ends_with("chatkit"))
    );
    let ThreadItem::Widget(widget) = &list.data[5] else {
        panic!()
    };
    assert!(widget.widget.contains("Card"));
    let ThreadItem::ClientToolCall(running) = &list.data[6] else {
        panic!()
    };
    assert_eq!(running.status, ClientToolCallStatus::InProgress);
    assert_eq!(running.output, None);
    let ThreadItem::UserMessage(plain) = &list.data[7] else {
        panic!()
    };
    assert!(plain.attachments.is_empty() && plain.inference_options.is_none());
}

#[test]
fn unknown_statuses_items_parts_and_enum_values_are_kept_not_refused() {
    let thread = json!({"id": "cthr_1", "object": "chatkit.thread", "created_at": 1,
        "title": null, "status": {"type": "archived", "reason": "retention", "until": 9}, "user": "u"});
    let decoded: ThreadResource = round_trip(&thread);
    assert_eq!(decoded.status.tag(), "archived");
    assert!(matches!(&decoded.status, ThreadStatus::Unknown(v) if v["until"] == 9));

    let item = json!({"id": "cthi_1", "object": "chatkit.thread_item", "created_at": 1,
        "thread_id": "cthr_1", "type": "chatkit.audio_clip", "seconds": 12});
    let decoded: ThreadItem = round_trip(&item);
    assert!(matches!(&decoded, ThreadItem::Unknown(v) if v == &item));

    let user = json!({"id": "cthi_2", "object": "chatkit.thread_item", "created_at": 1,
        "thread_id": "cthr_1", "type": "chatkit.user_message",
        "content": [{"type": "input_image", "image_url": "https://example.com/a.png"}],
        "attachments": [{"type": "audio", "id": "a", "name": "n", "mime_type": "audio/mpeg", "preview_url": null}],
        "inference_options": null});
    let ThreadItem::UserMessage(decoded) = round_trip::<ThreadItem>(&user) else {
        panic!()
    };
    assert_eq!(decoded.content[0].tag(), "input_image");
    assert_eq!(
        decoded.attachments[0].r#type,
        AttachmentType::Unknown("audio".into())
    );

    let call = json!({"id": "cthi_3", "object": "chatkit.thread_item", "created_at": 1,
        "thread_id": "cthr_1", "type": "chatkit.client_tool_call", "status": "failed",
        "call_id": "c", "name": "n", "arguments": "{}", "output": null});
    let ThreadItem::ClientToolCall(decoded) = round_trip::<ThreadItem>(&call) else {
        panic!()
    };
    assert_eq!(
        decoded.status,
        ClientToolCallStatus::Unknown("failed".into())
    );
}

#[test]
fn extra_fields_are_ignored() {
    let thread = json!({"id": "cthr_1", "object": "chatkit.thread", "created_at": 1,
        "title": "t", "status": {"type": "active"}, "user": "u", "metadata": {"k": "v"}});
    let decoded: ThreadResource = decode(&thread).unwrap();
    assert_eq!(decoded.id, "cthr_1");
}

#[test]
fn the_spec_items_example_decodes_its_pre_release_item_types_as_unknown() {
    // The example predates the schema: `type: "user_message"` instead of
    // `chatkit.user_message`, and no `created_at` / `thread_id`. It is kept, not refused.
    let example = spec_example("/chatkit/threads/{thread_id}/items", "get").unwrap();
    let list: ThreadItemListResource = decode(&example).unwrap();
    assert_eq!(list.data.len(), 2);
    assert!(
        list.data
            .iter()
            .all(|i| matches!(i, ThreadItem::Unknown(_)))
    );
    assert_eq!(list.data[0].tag(), "user_message");
    assert_eq!(list.first_id, None);
    assert!(!list.has_more);
}

#[test]
fn spec_examples_that_contradict_the_schema_fail_with_the_path_named() {
    // These x-oaiMeta examples omit fields the schema requires (and the official SDKs type as
    // required), so they fail the spec's own schema too; decoding names what is missing.
    let cases = [
        (
            spec_example("/chatkit/threads/{thread_id}", "get").unwrap(),
            "ThreadResource",
            "created_at",
        ),
        (
            spec_example("/chatkit/threads", "get").unwrap(),
            "ThreadListResource",
            "data[0]",
        ),
        (
            spec_example("/chatkit/sessions", "post").unwrap(),
            "ChatSessionResource",
            "workflow",
        ),
        (
            spec_example("/chatkit/sessions/{session_id}/cancel", "post").unwrap(),
            "ChatSessionResource",
            "workflow",
        ),
        (
            schema_example("ChatSessionResource"),
            "ChatSessionResource",
            "workflow",
        ),
    ];
    for (example, schema, needle) in cases {
        assert!(
            !schema_errors(schema, &example).is_empty(),
            "{schema} example unexpectedly valid"
        );
        let err = match schema {
            "ThreadResource" => decode::<ThreadResource>(&example).map(drop),
            "ThreadListResource" => decode::<ThreadListResource>(&example).map(drop),
            _ => decode::<ChatSessionResource>(&example).map(drop),
        }
        .unwrap_err();
        let Error::Decode { path, message, .. } = &err else {
            panic!("{err:?}")
        };
        let text = format!("{path:?} {message}");
        assert!(text.contains(needle), "{schema}: {text}");
    }
}

#[test]
fn a_session_with_every_field_decodes() {
    // The schema example, completed with the two fields it omits (`state_variables`,
    // `tracing`), is valid and decodes field for field. (No integer state variable: the
    // spec's `oneOf` of integer and number makes every integer match twice, so invalid.)
    let mut session = schema_example("ChatSessionResource");
    session["workflow"]["state_variables"] = json!({"plan": "pro", "trial": false, "ratio": 0.5});
    session["workflow"]["tracing"] = json!({"enabled": true});
    assert_schema("ChatSessionResource", &session);
    let decoded: ChatSessionResource = round_trip(&session);
    assert_eq!(decoded.id, "cksess_123");
    assert_eq!(decoded.status, ChatSessionStatus::Cancelled);
    assert_eq!(
        decoded.chatkit_configuration.file_upload.max_files,
        Some(20)
    );
    assert_eq!(
        decoded.chatkit_configuration.history.recent_threads,
        Some(10)
    );
    assert_eq!(decoded.workflow.state_variables.as_ref().unwrap().len(), 3);
}

#[test]
fn the_error_envelope_decodes_with_nulls() {
    let body = json!({"error": {"message": "No thread found with id 'cthr_x'.",
        "type": "invalid_request_error", "param": null, "code": null}});
    assert_schema("ErrorResponse", &body);
    let decoded: ErrorResponse = round_trip(&body);
    assert_eq!(decoded.error.r#type, "invalid_request_error");
    assert_eq!(decoded.error.code, None);
}
