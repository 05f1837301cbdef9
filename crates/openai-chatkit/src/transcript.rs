//! Thread items as a provider-independent transcript ([`Message`]s); the rules are on
//! [`message`].

use aithreads_core::{Message, Role, ToolCall};
use time::OffsetDateTime;

use crate::generated::{
    Annotation, AssistantMessageItem, TaskType, ThreadItem, UserMessageContent, UserMessageItem,
};

/// The transcript of `items`, in their order.
pub(crate) fn messages(items: &[ThreadItem]) -> Vec<Message> {
    items.iter().map(message).collect()
}

/// The id of an item of any type (an unknown type's `id` member, when it has one).
pub(crate) fn item_id(item: &ThreadItem) -> Option<&str> {
    match item {
        ThreadItem::UserMessage(m) => Some(&m.id),
        ThreadItem::AssistantMessage(m) => Some(&m.id),
        ThreadItem::Widget(w) => Some(&w.id),
        ThreadItem::ClientToolCall(c) => Some(&c.id),
        ThreadItem::Task(t) => Some(&t.id),
        ThreadItem::TaskGroup(g) => Some(&g.id),
        ThreadItem::Unknown(value) => value.get("id").and_then(|v| v.as_str()),
    }
}

/// One item as a transcript [`Message`].
///
/// User and assistant messages keep their text; everything else is summarised in brackets, one
/// line per fact, so an export reads as a conversation:
///
/// | item | role | text |
/// |---|---|---|
/// | `chatkit.user_message` | user | input text; quoted text as `> ` lines; `[image: name]` / `[file: name]` per attachment |
/// | `chatkit.assistant_message` | assistant | output text; `[source: filename or url]` per annotation |
/// | `chatkit.widget` | assistant | `[widget]` |
/// | `chatkit.client_tool_call` | tool | the output (empty while the call runs); the call as [`Message::tool_calls`] (call id, name, arguments) and its id as [`Message::tool_call_id`] |
/// | `chatkit.task` | assistant | `[thought: heading - summary]` / `[task: …]` |
/// | `chatkit.task_group` | assistant | one task line per task |
/// | unknown | other (its type) | `[type]` |
pub fn message(item: &ThreadItem) -> Message {
    let (id, created_at, role, text) = match item {
        ThreadItem::UserMessage(m) => (&m.id, m.created_at, Role::User, user_text(m)),
        ThreadItem::AssistantMessage(m) => {
            (&m.id, m.created_at, Role::Assistant, assistant_text(m))
        }
        ThreadItem::Widget(w) => (&w.id, w.created_at, Role::Assistant, "[widget]".to_owned()),
        ThreadItem::ClientToolCall(c) => {
            let call = ToolCall::new(Some(c.call_id.clone()), &c.name, &c.arguments);
            return Message::new(Role::Tool, c.output.clone().unwrap_or_default())
                .with_id(Some(c.id.clone()))
                .with_created_at(OffsetDateTime::from_unix_timestamp(c.created_at).ok())
                .with_tool_call_id(Some(c.call_id.clone()))
                .with_tool_calls(vec![call]);
        }
        ThreadItem::Task(t) => (
            &t.id,
            t.created_at,
            Role::Assistant,
            task_text(&t.task_type, t.heading.as_deref(), t.summary.as_deref()),
        ),
        ThreadItem::TaskGroup(g) => (
            &g.id,
            g.created_at,
            Role::Assistant,
            g.tasks
                .iter()
                .map(|t| task_text(&t.r#type, t.heading.as_deref(), t.summary.as_deref()))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        ThreadItem::Unknown(value) => {
            let tag = item.tag().to_owned();
            return Message::new(Role::Other(tag.clone()), format!("[{tag}]"))
                .with_id(item_id(item).map(str::to_owned))
                .with_created_at(
                    value
                        .get("created_at")
                        .and_then(|v| v.as_i64())
                        .and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok()),
                );
        }
    };
    Message::new(role, text)
        .with_id(Some(id.clone()))
        .with_created_at(OffsetDateTime::from_unix_timestamp(created_at).ok())
}

fn user_text(m: &UserMessageItem) -> String {
    let parts = m.content.iter().map(|part| match part {
        UserMessageContent::InputText(t) => t.text.clone(),
        UserMessageContent::QuotedText(q) => q
            .text
            .lines()
            .map(|line| format!("> {line}"))
            .collect::<Vec<_>>()
            .join("\n"),
        UserMessageContent::Unknown(_) => format!("[{}]", part.tag()),
    });
    let attachments = m
        .attachments
        .iter()
        .map(|a| format!("[{}: {}]", a.r#type, a.name));
    parts.chain(attachments).collect::<Vec<_>>().join("\n")
}

fn assistant_text(m: &AssistantMessageItem) -> String {
    let mut lines = Vec::new();
    for part in &m.content {
        lines.push(part.text.clone());
        lines.extend(part.annotations.iter().map(|a| match a {
            Annotation::File(f) => format!("[source: {}]", f.source.filename),
            Annotation::Url(u) => format!("[source: {}]", u.source.url),
            Annotation::Unknown(_) => format!("[source: {}]", a.tag()),
        }));
    }
    lines.join("\n")
}

fn task_text(kind: &TaskType, heading: Option<&str>, summary: Option<&str>) -> String {
    let kind = match kind {
        TaskType::Thought => "thought",
        _ => "task",
    };
    match (heading, summary) {
        (Some(h), Some(s)) => format!("[{kind}: {h} - {s}]"),
        (Some(text), None) | (None, Some(text)) => format!("[{kind}: {text}]"),
        (None, None) => format!("[{kind}]"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn item(value: serde_json::Value) -> ThreadItem {
        serde_json::from_value(value).unwrap()
    }

    fn base(kind: &str) -> serde_json::Value {
        json!({"id": "cthi_1", "object": "chatkit.thread_item", "created_at": 1712345600,
               "thread_id": "cthr_1", "type": kind})
    }

    fn with(kind: &str, extra: serde_json::Value) -> ThreadItem {
        let mut value = base(kind);
        value
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        item(value)
    }

    #[test]
    fn user_messages_keep_text_quotes_and_attachments() {
        let m = message(&with(
            "chatkit.user_message",
            json!({
                "content": [{"type": "quoted_text", "text": "line one\nline two"},
                            {"type": "input_text", "text": "What does this mean?"}],
                "attachments": [{"type": "image", "id": "att_1", "name": "screen.png",
                                 "mime_type": "image/png", "preview_url": null}],
                "inference_options": null
            }),
        ));
        assert_eq!(m.role, Role::User);
        assert_eq!(
            m.text,
            "> line one\n> line two\nWhat does this mean?\n[image: screen.png]"
        );
        assert_eq!(m.id.as_deref(), Some("cthi_1"));
        assert_eq!(m.created_at.unwrap().unix_timestamp(), 1712345600);
    }

    #[test]
    fn assistant_messages_list_their_sources() {
        let m = message(&with(
            "chatkit.assistant_message",
            json!({"content": [{"type": "output_text", "text": "See the policy.", "annotations": [
                {"type": "file", "source": {"type": "file", "filename": "policy.pdf"}},
                {"type": "url", "source": {"type": "url", "url": "https://example.com/p"}}]}]}),
        ));
        assert_eq!(m.role, Role::Assistant);
        assert_eq!(
            m.text,
            "See the policy.\n[source: policy.pdf]\n[source: https://example.com/p]"
        );
    }

    #[test]
    fn tool_calls_keep_their_structure_and_widgets_and_tasks_are_summarised() {
        let running = message(&with(
            "chatkit.client_tool_call",
            json!({"status": "in_progress", "call_id": "call_1", "name": "lookup_order",
                   "arguments": "{\"id\":1}", "output": null}),
        ));
        assert_eq!(running.role, Role::Tool);
        assert_eq!(running.text, "");
        assert_eq!(running.tool_call_id.as_deref(), Some("call_1"));
        assert_eq!(
            running.tool_calls,
            vec![ToolCall::new(
                Some("call_1".into()),
                "lookup_order",
                "{\"id\":1}"
            )]
        );
        let done = message(&with(
            "chatkit.client_tool_call",
            json!({"status": "completed", "call_id": "call_1", "name": "f",
                   "arguments": "{}", "output": "{\"ok\":true}"}),
        ));
        assert_eq!(done.text, "{\"ok\":true}");
        assert_eq!(done.tool_calls[0].name, "f");
        let widget = message(&with(
            "chatkit.widget",
            json!({"widget": "{\"type\":\"Card\"}"}),
        ));
        assert_eq!(
            (widget.role, widget.text.as_str()),
            (Role::Assistant, "[widget]")
        );
        let task = message(&with(
            "chatkit.task",
            json!({"task_type": "thought", "heading": "Checking", "summary": null}),
        ));
        assert_eq!(task.text, "[thought: Checking]");
        let group = message(&with(
            "chatkit.task_group",
            json!({"tasks": [{"type": "custom", "heading": "Search", "summary": "3 hits"},
                             {"type": "thought", "heading": null, "summary": null}]}),
        ));
        assert_eq!(group.text, "[task: Search - 3 hits]\n[thought]");
    }

    #[test]
    fn unknown_items_keep_their_type_id_and_time() {
        let m = message(&with("chatkit.audio_clip", json!({"seconds": 3})));
        assert_eq!(m.role, Role::Other("chatkit.audio_clip".into()));
        assert_eq!(m.text, "[chatkit.audio_clip]");
        assert_eq!(m.id.as_deref(), Some("cthi_1"));
        assert!(m.created_at.is_some());
    }
}
