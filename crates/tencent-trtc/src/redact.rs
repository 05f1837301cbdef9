//! Keeping the secrets a request carries out of everything printed.
//!
//! TRTC requests hold secrets of their own besides the API credentials: `AgentConfig.UserSig`
//! (the robot's room password) and the LLM and TTS keys inside the JSON text of `LLMConfig`,
//! `TTSConfig` (`APIKey`, `SecretKey`, ...). A member is secret by its name, at any depth,
//! also inside a string member that holds JSON text. Debug output of every model shows them
//! as `[redacted]`, and [`secret_values`] lists them so the client can scrub an error that
//! echoes one.

use std::fmt;

use serde::Serialize;
use serde_json::Value;

use aithreads_core::Error;
pub use aithreads_core::transport::is_secret_member;

/// Replaces the value of every secret member in `value` by `[redacted]`, at any depth and
/// inside strings that hold a JSON object or array.
pub fn redact_json(value: &mut Value) {
    match value {
        Value::Object(members) => {
            for (name, member) in members.iter_mut() {
                if is_secret_member(name) && !member.is_null() {
                    *member = Value::from(Error::REDACTED);
                } else {
                    redact_json(member);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_json),
        Value::String(text) => {
            if let Some(mut inner) = json_text(text) {
                redact_json(&mut inner);
                *text = inner.to_string();
            }
        }
        _ => {}
    }
}

/// The text of every secret member in `value` (strings, and numbers as written), at any
/// depth and inside strings that hold JSON text.
pub fn secret_values(value: &Value) -> Vec<String> {
    let mut found = Vec::new();
    collect_secrets(value, false, &mut found);
    found
}

fn collect_secrets(value: &Value, secret: bool, found: &mut Vec<String>) {
    match value {
        Value::Object(members) => {
            for (name, member) in members {
                collect_secrets(member, secret || is_secret_member(name), found);
            }
        }
        Value::Array(items) => items
            .iter()
            .for_each(|item| collect_secrets(item, secret, found)),
        Value::String(text) if secret => found.push(text.clone()),
        Value::String(text) => {
            if let Some(inner) = json_text(text) {
                collect_secrets(&inner, false, found);
            }
        }
        Value::Number(number) if secret => found.push(number.to_string()),
        _ => {}
    }
}

/// A string member's value as JSON, when it is the text of an object or array.
fn json_text(text: &str) -> Option<Value> {
    let trimmed = text.trim_start();
    if !trimmed.starts_with(['{', '[']) {
        return None;
    }
    serde_json::from_str(text).ok()
}

/// `Debug` for the generated models: the type name and its members as JSON, secrets
/// redacted.
pub(crate) fn debug(value: &impl Serialize, name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match serde_json::to_value(value) {
        Ok(mut json) => {
            redact_json(&mut json);
            write!(f, "{name} {json}")
        }
        Err(_) => write!(f, "{name} {{ .. }}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generated::{AgentConfig, StartAiConversationRequest};
    use serde_json::json;

    fn request() -> StartAiConversationRequest {
        StartAiConversationRequest::new(
            1_400_000_001,
            "room",
            AgentConfig::new("bot", "eJyrVkosSS-SECRET-SIG", "alice"),
        )
        .with_llm_config(r#"{"LLMType":"openai","APIKey":"sk-LLM-SECRET","Model":"gpt-4o"}"#)
        .with_tts_config(r#"{"TTSType":"tencent","SecretId":"AKIDtts","SecretKey":"tts-SECRET"}"#)
        .with_extra_member("AvatarToken", "avatar-SECRET")
    }

    #[test]
    fn debug_hides_every_secret_member_and_shows_the_rest() {
        let text = format!("{:?}", request());
        for secret in ["SECRET", "AKIDtts"] {
            assert!(!text.contains(secret), "{text}");
        }
        for shown in [
            "StartAiConversationRequest",
            "gpt-4o",
            "alice",
            "[redacted]",
        ] {
            assert!(text.contains(shown), "{shown} missing from {text}");
        }
    }

    #[test]
    fn secret_values_are_found_inside_json_text_too() {
        let value = serde_json::to_value(request()).unwrap();
        let mut found = secret_values(&value);
        found.sort();
        assert_eq!(
            found,
            [
                "AKIDtts",
                "avatar-SECRET",
                "eJyrVkosSS-SECRET-SIG",
                "sk-LLM-SECRET",
                "tts-SECRET"
            ]
        );
    }

    #[test]
    fn names_decide_what_is_secret() {
        for name in [
            "UserSig",
            "APIKey",
            "ApiKey",
            "SecretKey",
            "SecretId",
            "Token",
        ] {
            assert!(is_secret_member(name), "{name}");
        }
        for name in [
            "UserId",
            "TargetUserId",
            "Model",
            "APIUrl",
            "VoiceId",
            "Text",
        ] {
            assert!(!is_secret_member(name), "{name}");
        }
        let mut value =
            json!({"a": [{"Password": 1234}], "b": "{\"token\": \"t\"}", "c": "[not json"});
        redact_json(&mut value);
        assert_eq!(
            value,
            json!({"a": [{"Password": "[redacted]"}], "b": "{\"token\":\"[redacted]\"}", "c": "[not json"})
        );
    }
}
