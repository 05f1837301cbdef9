//! Reading an action's JSON body into its generated request type, answering what Tencent
//! answers for a body that does not fit: `MissingParameter` for an absent required member,
//! `InvalidParameter` for a wrong type, `UnknownParameter` for a member the action lacks.

use aithreads_core::{Error, ProviderKind};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::Failure;

/// The request, or the error Tencent would answer.
pub(super) fn parse<T: DeserializeOwned + Serialize>(body: &[u8]) -> Result<T, Failure> {
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
    // What the type keeps is what the action knows: anything else in the body is unknown.
    let known = serde_json::to_value(&request).unwrap_or(Value::Null);
    if let Some(path) = first_unknown(&value, &known, "") {
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

/// The path of the first member of `sent` (not `null`) that `known` lacks.
fn first_unknown(sent: &Value, known: &Value, prefix: &str) -> Option<String> {
    match (sent, known) {
        (Value::Object(sent), Value::Object(known)) => sent.iter().find_map(|(key, value)| {
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
        }),
        (Value::Array(sent), Value::Array(known)) => sent
            .iter()
            .zip(known)
            .enumerate()
            .find_map(|(i, (s, k))| first_unknown(s, k, &format!("{prefix}.{i}"))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aithreads_tencent_trtc::{StartAiConversationRequest, StopAiConversationRequest};

    fn code<T: DeserializeOwned + Serialize>(body: &str) -> String {
        match parse::<T>(body.as_bytes()) {
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
        let wrong = code::<StartAiConversationRequest>(
            r#"{"SdkAppId":-1,"RoomId":"1","AgentConfig":{"UserId":"a","UserSig":"s","TargetUserId":"b"}}"#,
        );
        assert!(
            wrong.starts_with("InvalidParameter:") && wrong.contains("SdkAppId"),
            "{wrong}"
        );
    }
}
