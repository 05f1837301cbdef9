//! `POST /chatkit/sessions`: the body checked against the spec's `CreateChatSessionBody`, field
//! by field, with OpenAI's error wording; and the session it resolves to, defaults applied as
//! the spec's descriptions state them.

use aithreads_openai_chatkit::generated::{
    ChatSessionAutomaticThreadTitling, ChatSessionChatkitConfiguration, ChatSessionFileUpload,
    ChatSessionHistory, ChatSessionRateLimits, ChatSessionResource, ChatSessionStatus,
    ChatkitWorkflow, ChatkitWorkflowTracing, CreateChatSessionBody,
};
use serde_json::{Map, Value};

use super::failure::Failure;

/// Session lifetime when `expires_after` is omitted ("Defaults to 10 minutes").
pub const DEFAULT_SECONDS: i64 = 600;
/// Per-minute request limit when `rate_limits` is omitted ("defaults to 10").
pub const DEFAULT_REQUESTS_PER_MINUTE: i64 = 10;
/// Upload limits reported when not overridden ("max_files 10, max_file_size 512 MB").
const DEFAULT_MAX_FILES: i64 = 10;
const DEFAULT_MAX_FILE_SIZE_MB: i64 = 512;

/// Parses and checks a create-session body.
pub fn parse(body: &[u8]) -> Result<CreateChatSessionBody, Failure> {
    let value: Value = serde_json::from_slice(body).map_err(|_| Failure::unparsable_body())?;
    let root = object("", &value)?;
    only(
        root,
        "",
        &[
            "workflow",
            "user",
            "expires_after",
            "rate_limits",
            "chatkit_configuration",
        ],
    )?;

    let workflow = object("workflow", required(root, "", "workflow")?)?;
    only(
        workflow,
        "workflow.",
        &["id", "version", "state_variables", "tracing"],
    )?;
    string(
        "workflow.id",
        required(workflow, "workflow.", "id")?,
        1,
        usize::MAX,
    )?;
    optional(workflow, "version", |v| {
        string("workflow.version", v, 0, usize::MAX).map(drop)
    })?;
    optional(workflow, "state_variables", state_variables)?;
    optional(workflow, "tracing", |v| {
        let tracing = object("workflow.tracing", v)?;
        only(tracing, "workflow.tracing.", &["enabled"])?;
        optional(tracing, "enabled", |v| {
            boolean("workflow.tracing.enabled", v)
        })
    })?;

    string("user", required(root, "", "user")?, 1, usize::MAX)?;
    optional(root, "expires_after", |v| {
        let expires = object("expires_after", v)?;
        only(expires, "expires_after.", &["anchor", "seconds"])?;
        let anchor = string(
            "expires_after.anchor",
            required(expires, "expires_after.", "anchor")?,
            0,
            usize::MAX,
        )?;
        if anchor != "created_at" {
            return Err(Failure::invalid_value(
                "expires_after.anchor",
                anchor,
                &["created_at"],
            ));
        }
        integer(
            "expires_after.seconds",
            required(expires, "expires_after.", "seconds")?,
            1,
            Some(600),
        )
    })?;
    optional(root, "rate_limits", |v| {
        let limits = object("rate_limits", v)?;
        only(limits, "rate_limits.", &["max_requests_per_1_minute"])?;
        optional(limits, "max_requests_per_1_minute", |v| {
            integer("rate_limits.max_requests_per_1_minute", v, 1, None)
        })
    })?;
    optional(root, "chatkit_configuration", chatkit_configuration)?;

    serde_json::from_value(value).map_err(|e| Failure::invalid_request(e.to_string()))
}

fn chatkit_configuration(value: &Value) -> Result<(), Failure> {
    let config = object("chatkit_configuration", value)?;
    only(
        config,
        "chatkit_configuration.",
        &["automatic_thread_titling", "file_upload", "history"],
    )?;
    optional(config, "automatic_thread_titling", |v| {
        let path = "chatkit_configuration.automatic_thread_titling";
        let titling = object(path, v)?;
        only(titling, &format!("{path}."), &["enabled"])?;
        optional(titling, "enabled", |v| {
            boolean(&format!("{path}.enabled"), v)
        })
    })?;
    optional(config, "file_upload", |v| {
        let path = "chatkit_configuration.file_upload";
        let upload = object(path, v)?;
        only(
            upload,
            &format!("{path}."),
            &["enabled", "max_file_size", "max_files"],
        )?;
        optional(upload, "enabled", |v| {
            boolean(&format!("{path}.enabled"), v)
        })?;
        optional(upload, "max_file_size", |v| {
            integer(&format!("{path}.max_file_size"), v, 1, Some(512))
        })?;
        optional(upload, "max_files", |v| {
            integer(&format!("{path}.max_files"), v, 1, None)
        })
    })?;
    optional(config, "history", |v| {
        let path = "chatkit_configuration.history";
        let history = object(path, v)?;
        only(history, &format!("{path}."), &["enabled", "recent_threads"])?;
        optional(history, "enabled", |v| {
            boolean(&format!("{path}.enabled"), v)
        })?;
        optional(history, "recent_threads", |v| {
            integer(&format!("{path}.recent_threads"), v, 1, None)
        })
    })
}

fn state_variables(value: &Value) -> Result<(), Failure> {
    let path = "workflow.state_variables";
    let variables = object(path, value)?;
    if variables.len() > 64 {
        return Err(Failure::invalid_request(format!(
            "Invalid '{path}': too many properties. Expected an object with at most 64 \
             properties, but got an object with {} properties instead.",
            variables.len()
        ))
        .param(path)
        .code("object_above_max_properties"));
    }
    for (key, value) in variables {
        let item = format!("{path}.{key}");
        if key.chars().count() > 64 {
            return Err(Failure::bad_length(&item, key.chars().count(), 1, 64));
        }
        match value {
            Value::String(_) => {
                string(&item, value, 0, 10_485_760)?;
            }
            Value::Number(_) | Value::Bool(_) => {}
            other => {
                return Err(Failure::invalid_type(
                    &item,
                    "a string, an integer, a boolean or a number",
                    describe(other),
                ));
            }
        }
    }
    Ok(())
}

/// The session a checked body creates.
pub fn resource(
    body: CreateChatSessionBody,
    id: String,
    client_secret: String,
    now: i64,
) -> ChatSessionResource {
    let seconds = body
        .expires_after
        .as_ref()
        .map_or(DEFAULT_SECONDS, |e| e.seconds);
    let per_minute = body
        .rate_limits
        .as_ref()
        .and_then(|r| r.max_requests_per_1_minute)
        .unwrap_or(DEFAULT_REQUESTS_PER_MINUTE);
    let config = body.chatkit_configuration.unwrap_or_default();
    let upload = config.file_upload.unwrap_or_default();
    let history = config.history.unwrap_or_default();
    let mut workflow = ChatkitWorkflow::new(
        body.workflow.id,
        ChatkitWorkflowTracing::new(
            body.workflow
                .tracing
                .and_then(|t| t.enabled)
                .unwrap_or(true),
        ),
    );
    workflow.version = body.workflow.version;
    workflow.state_variables = body.workflow.state_variables;
    let titling = ChatSessionAutomaticThreadTitling::new(
        config
            .automatic_thread_titling
            .and_then(|t| t.enabled)
            .unwrap_or(true),
    );
    let file_upload = ChatSessionFileUpload::new(upload.enabled.unwrap_or(false))
        .with_max_file_size(upload.max_file_size.unwrap_or(DEFAULT_MAX_FILE_SIZE_MB))
        .with_max_files(upload.max_files.unwrap_or(DEFAULT_MAX_FILES));
    let mut history_config = ChatSessionHistory::new(history.enabled.unwrap_or(true));
    history_config.recent_threads = history.recent_threads;
    ChatSessionResource::new(
        id,
        "chatkit.session",
        now + seconds,
        client_secret,
        workflow,
        body.user,
        ChatSessionRateLimits::new(per_minute),
        per_minute,
        ChatSessionStatus::Active,
        ChatSessionChatkitConfiguration::new(titling, file_upload, history_config),
    )
}

fn required<'a>(
    object: &'a Map<String, Value>,
    prefix: &str,
    key: &str,
) -> Result<&'a Value, Failure> {
    object
        .get(key)
        .ok_or_else(|| Failure::missing_parameter(&format!("{prefix}{key}")))
}

fn optional(
    object: &Map<String, Value>,
    key: &str,
    check: impl FnOnce(&Value) -> Result<(), Failure>,
) -> Result<(), Failure> {
    object.get(key).map_or(Ok(()), check)
}

fn only(object: &Map<String, Value>, prefix: &str, known: &[&str]) -> Result<(), Failure> {
    match object.keys().find(|k| !known.contains(&k.as_str())) {
        Some(unknown) => Err(Failure::unknown_parameter(&format!("{prefix}{unknown}"))),
        None => Ok(()),
    }
}

fn object<'a>(path: &str, value: &'a Value) -> Result<&'a Map<String, Value>, Failure> {
    value
        .as_object()
        .ok_or_else(|| Failure::invalid_type(body_path(path), "an object", describe(value)))
}

fn string<'a>(path: &str, value: &'a Value, min: usize, max: usize) -> Result<&'a str, Failure> {
    let text = value
        .as_str()
        .ok_or_else(|| Failure::invalid_type(path, "a string", describe(value)))?;
    let length = text.chars().count();
    if length < min || length > max {
        return Err(Failure::bad_length(path, length, min, max));
    }
    Ok(text)
}

fn integer(path: &str, value: &Value, min: i64, max: Option<i64>) -> Result<(), Failure> {
    let n = value
        .as_i64()
        .ok_or_else(|| Failure::invalid_type(path, "an integer", describe(value)))?;
    if n < min || max.is_some_and(|max| n > max) {
        return Err(Failure::out_of_range(path, n, min, max));
    }
    Ok(())
}

fn boolean(path: &str, value: &Value) -> Result<(), Failure> {
    match value {
        Value::Bool(_) => Ok(()),
        other => Err(Failure::invalid_type(path, "a boolean", describe(other))),
    }
}

fn body_path(path: &str) -> &str {
    if path.is_empty() { "body" } else { path }
}

/// How OpenAI names a JSON value's type in errors.
fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Value::Number(_) => "a decimal",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(body: Value) -> Result<CreateChatSessionBody, Failure> {
        parse(body.to_string().as_bytes())
    }

    #[test]
    fn the_sdk_example_body_is_accepted_with_defaults_resolved() {
        let body = check(json!({"user": "user", "workflow": {"id": "id"}})).unwrap();
        let session = resource(body, "cksess_1".into(), "ek_1".into(), 1000);
        assert_eq!(session.expires_at, 1600);
        assert_eq!(session.max_requests_per_1_minute, 10);
        assert_eq!(session.status, ChatSessionStatus::Active);
        let json = serde_json::to_value(&session).unwrap();
        assert_eq!(
            json["workflow"],
            json!({"id": "id", "version": null,
            "state_variables": null, "tracing": {"enabled": true}})
        );
        assert_eq!(
            json["chatkit_configuration"],
            json!({
            "automatic_thread_titling": {"enabled": true},
            "file_upload": {"enabled": false, "max_file_size": 512, "max_files": 10},
            "history": {"enabled": true, "recent_threads": null}})
        );
    }

    #[test]
    fn overrides_are_kept() {
        let body = check(json!({
            "user": "u", "workflow": {"id": "wf", "version": "3", "state_variables": {"plan": "pro", "seats": 4},
                                      "tracing": {"enabled": false}},
            "expires_after": {"anchor": "created_at", "seconds": 60},
            "rate_limits": {"max_requests_per_1_minute": 30},
            "chatkit_configuration": {"history": {"recent_threads": 5}, "file_upload": {"enabled": true, "max_files": 2}}
        }))
        .unwrap();
        let session = resource(body, "cksess_1".into(), "ek_1".into(), 0);
        assert_eq!(session.expires_at, 60);
        assert_eq!(session.rate_limits.max_requests_per_1_minute, 30);
        assert!(!session.workflow.tracing.enabled);
        assert_eq!(session.workflow.version.as_deref(), Some("3"));
        assert_eq!(
            session.chatkit_configuration.history.recent_threads,
            Some(5)
        );
        assert_eq!(session.chatkit_configuration.file_upload.max_files, Some(2));
    }

    #[test]
    fn invalid_bodies_get_openai_errors() {
        let cases = [
            (
                json!({"user": "u"}),
                "missing_required_parameter",
                "workflow",
            ),
            (
                json!({"workflow": {"id": "w"}}),
                "missing_required_parameter",
                "user",
            ),
            (
                json!({"workflow": "w", "user": "u"}),
                "invalid_type",
                "workflow",
            ),
            (
                json!({"workflow": {}, "user": "u"}),
                "missing_required_parameter",
                "workflow.id",
            ),
            (
                json!({"workflow": {"id": "w"}, "user": ""}),
                "string_below_min_length",
                "user",
            ),
            (
                json!({"workflow": {"id": "w"}, "user": "u", "expires_after": 1800}),
                "invalid_type",
                "expires_after",
            ),
            (
                json!({"workflow": {"id": "w"}, "user": "u", "expires_after": {"anchor": "created_at", "seconds": 601}}),
                "integer_above_max_value",
                "expires_after.seconds",
            ),
            (
                json!({"workflow": {"id": "w"}, "user": "u", "expires_after": {"anchor": "now", "seconds": 5}}),
                "invalid_value",
                "expires_after.anchor",
            ),
            (
                json!({"workflow": {"id": "w"}, "user": "u", "rate_limits": {"max_requests_per_1_minute": 0}}),
                "integer_below_min_value",
                "rate_limits.max_requests_per_1_minute",
            ),
            (
                json!({"workflow": {"id": "w"}, "user": "u", "scope": {"project": "alpha"}}),
                "unknown_parameter",
                "scope",
            ),
            (
                json!({"workflow": {"id": "w", "state_variables": {"a": [1]}}, "user": "u"}),
                "invalid_type",
                "workflow.state_variables.a",
            ),
        ];
        for (body, code, param) in cases {
            let failure = check(body.clone()).unwrap_err();
            assert_eq!(failure.code, Some(code), "{body}: {failure:?}");
            assert_eq!(failure.param.as_deref(), Some(param), "{body}");
        }
        let not_json = parse(b"{\"user\":").unwrap_err();
        assert!(
            not_json
                .message
                .starts_with("We could not parse the JSON body")
        );
    }
}
