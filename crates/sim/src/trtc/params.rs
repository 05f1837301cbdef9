//! Reading an action's JSON body into its generated request type, answering what Tencent
//! answers for a body that does not fit: `MissingParameter` for an absent required member,
//! `InvalidParameter` for a wrong type, `UnknownParameter` for a member the action lacks.
//!
//! What the action knows is what the spec describes (the same file the client's models are
//! generated from, brought up to the official SDK's models): the typed requests carry any
//! other member in `extra_members`, so they cannot tell.

use std::sync::OnceLock;

use aithreads_core::{Error, ProviderKind};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::Failure;

/// The TRTC spec, read once.
fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        serde_json::from_str(include_str!(
            "../../../../specs/tencent-trtc/trtc-ai-conversation.schema.json"
        ))
        .unwrap_or(Value::Null)
    })
}

/// The request of `action`, or the error Tencent would answer.
pub(super) fn parse<T: DeserializeOwned>(action: &str, body: &[u8]) -> Result<T, Failure> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        Failure::new(
            "InvalidParameter",
            format!("The request body is not valid JSON: {e}."),
        )
    })?;
    if !value.is_object() {
        return Err(Failure::new(
            "InvalidParameter",
            "The request body must be a JSON object.",
        ));
    }
    let request: T = aithreads_core::transport::decode_json(ProviderKind::TencentTrtc, body, None)
        .map_err(type_failure)?;
    let schema = schema_ref(&format!("#/$defs/{action}Request"));
    if let Some(path) = first_unknown(&value, schema, "") {
        return Err(Failure::new(
            "UnknownParameter",
            format!("The parameter `{path}` is not recognized."),
        ));
    }
    Ok(request)
}

fn type_failure(error: Error) -> Failure {
    let Error::Decode { path, message, .. } = error else {
        return Failure::new("InvalidParameter", error.to_string());
    };
    let path = path.unwrap_or_default();
    if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next())
    {
        let name = if path.is_empty() {
            field.to_owned()
        } else {
            format!("{path}.{field}")
        };
        return Failure::new(
            "MissingParameter",
            format!("The request is missing a required parameter `{name}`."),
        );
    }
    Failure::new(
        "InvalidParameter",
        format!("The parameter `{path}` has the wrong type: {message}."),
    )
}

/// The schema a `$ref` (`#/$defs/Name`) names; `Null` (anything goes) when there is none.
fn schema_ref(reference: &str) -> &'static Value {
    static NOTHING: Value = Value::Null;
    reference
        .strip_prefix('#')
        .and_then(|pointer| spec().pointer(pointer))
        .unwrap_or(&NOTHING)
}

/// The path of the first member of `sent` (not `null`) that `schema` does not describe.
fn first_unknown(sent: &Value, schema: &Value, prefix: &str) -> Option<String> {
    let schema = match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => schema_ref(reference),
        None => schema,
    };
    match sent {
        Value::Object(members) => {
            let known = schema.get("properties")?;
            members.iter().find_map(|(key, value)| {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                match known.get(key) {
                    _ if value.is_null() => None,
                    None => Some(path),
                    Some(inner) => first_unknown(value, inner, &path),
                }
            })
        }
        Value::Array(items) => {
            let inner = schema.get("items")?;
            items
                .iter()
                .enumerate()
                .find_map(|(i, item)| first_unknown(item, inner, &format!("{prefix}.{i}")))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aithreads_tencent_trtc::{
        ControlAiConversationRequest, StartAiConversationRequest, StopAiConversationRequest,
    };

    /// The answer to `body` as the request type of `T`'s action.
    fn code<T: DeserializeOwned>(body: &str) -> String {
        let action = std::any::type_name::<T>()
            .rsplit("::")
            .next()
            .unwrap_or_default()
            .trim_end_matches("Request")
            .replace("Ai", "AI");
        match parse::<T>(&action, body.as_bytes()) {
            Ok(_) => "ok".into(),
            Err(failure) => format!("{}: {}", failure.code, failure.message),
        }
    }

    #[test]
    fn bodies_are_judged_as_tencent_documents() {
        assert_eq!(code::<StopAiConversationRequest>(r#"{"TaskId":"t"}"#), "ok");
        assert!(code::<StopAiConversationRequest>("{}").starts_with("MissingParameter"));
        assert!(
            code::<StopAiConversationRequest>(r#"{"TaskId":1}"#).starts_with("InvalidParameter:")
        );
        assert!(code::<StopAiConversationRequest>("[1]").starts_with("InvalidParameter:"));
        assert!(code::<StopAiConversationRequest>("{").starts_with("InvalidParameter:"));
        let unknown = code::<StopAiConversationRequest>(r#"{"TaskId":"t","Force":true}"#);
        assert!(
            unknown.starts_with("UnknownParameter") && unknown.contains("`Force`"),
            "{unknown}"
        );
    }

    #[test]
    fn nested_members_are_named_by_their_path() {
        let missing = code::<StartAiConversationRequest>(
            r#"{"SdkAppId":1,"RoomId":"1","AgentConfig":{"UserId":"a","UserSig":"s"}}"#,
        );
        assert!(missing.contains("`AgentConfig.TargetUserId`"), "{missing}");
        let unknown = code::<StartAiConversationRequest>(
            r#"{"SdkAppId":1,"RoomId":"1","AgentConfig":{"UserId":"a","UserSig":"s","TargetUserId":"b","Mood":"x"}}"#,
        );
        assert!(unknown.contains("`AgentConfig.Mood`"), "{unknown}");
        // Members of the official SDK's models are known, also when the docs lack them.
        let sdk_only = code::<StartAiConversationRequest>(
            r#"{"SdkAppId":1,"RoomId":"1","AgentConfig":{"UserId":"a","UserSig":"s","TargetUserId":"b"},
                "AvatarConfig":"{}","STTConfig":{"HotWordList":"ASR|11"}}"#,
        );
        assert_eq!(sdk_only, "ok");
        let transparent = code::<ControlAiConversationRequest>(
            r#"{"TaskId":"t","Command":"TransparentData","TransparentData":{"Data":"x"}}"#,
        );
        assert_eq!(transparent, "ok");
        let unknown = code::<ControlAiConversationRequest>(
            r#"{"TaskId":"t","Command":"InvokeLLM","InvokeLLM":{"Content":"c","Temperature":1}}"#,
        );
        assert!(unknown.contains("`InvokeLLM.Temperature`"), "{unknown}");
        let wrong = code::<StartAiConversationRequest>(
            r#"{"SdkAppId":-1,"RoomId":"1","AgentConfig":{"UserId":"a","UserSig":"s","TargetUserId":"b"}}"#,
        );
        assert!(
            wrong.starts_with("InvalidParameter:") && wrong.contains("SdkAppId"),
            "{wrong}"
        );
    }
}
