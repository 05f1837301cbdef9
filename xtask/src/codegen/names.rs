//! The one casing rule for every provider: Rust names are derived from the spec's names by
//! heck, following the Rust API guidelines (C-CASE), where an acronym counts as one word
//! (`STTConfig` → `SttConfig`, `InvokeLLM` → `InvokeLlm`, `SdkAppId` → `sdk_app_id`).

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

/// Strict keywords (editions 2015 and 2018): <https://doc.rust-lang.org/reference/keywords.html>.
const STRICT: [&str; 38] = [
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while",
];

/// Keywords reserved for future use, including `gen` (reserved in edition 2024).
const RESERVED: [&str; 14] = [
    "abstract", "become", "box", "do", "final", "gen", "macro", "override", "priv", "try",
    "typeof", "unsized", "virtual", "yield",
];

/// Keywords that are not allowed as raw identifiers either (`r#self` does not compile).
const NOT_RAW: [&str; 4] = ["self", "Self", "super", "crate"];

/// A type name: `web_app` → `WebApp`, `DescribeAIConversationResponse` →
/// `DescribeAiConversationResponse`.
pub fn type_name(spec: &str) -> String {
    identifier(spec.to_upper_camel_case())
}

/// An enum variant for a wire value: `in_progress` → `InProgress`, `InvokeLLM` → `InvokeLlm`.
pub fn variant_name(wire: &str) -> String {
    identifier(wire.to_upper_camel_case())
}

/// A field (or method) name for a wire name: `SdkAppId` → `sdk_app_id`, `type` → `r#type`.
pub fn field_name(wire: &str) -> String {
    identifier(wire.to_snake_case())
}

/// A constant name: `StartAIConversation` → `START_AI_CONVERSATION`.
pub fn const_name(spec: &str) -> String {
    identifier(spec.to_shouty_snake_case())
}

/// `messages` → `message`, `entries` → `entry`: the name of one item of a list field.
pub fn singular(word: &str) -> String {
    word.strip_suffix("ies")
        .map(|w| format!("{w}y"))
        .or_else(|| word.strip_suffix('s').map(str::to_owned))
        .unwrap_or_else(|| word.to_owned())
}

/// Makes a cased name a valid identifier: keywords become raw identifiers (or get a trailing
/// `_` where Rust allows no raw form), and a leading digit gets a leading `_`.
fn identifier(name: String) -> String {
    if NOT_RAW.contains(&name.as_str()) {
        format!("{name}_")
    } else if STRICT.contains(&name.as_str()) || RESERVED.contains(&name.as_str()) {
        format!("r#{name}")
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{name}")
    } else {
        name
    }
}

/// The name without a raw-identifier prefix, for building other names from it.
pub fn unraw(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acronyms_count_as_one_word_in_every_provider() {
        // TRTC spells acronyms in capitals, RevCent and ChatKit in snake case: one rule for all.
        assert_eq!(type_name("STTConfig"), "SttConfig");
        assert_eq!(
            type_name("StartAIConversationRequest"),
            "StartAiConversationRequest"
        );
        assert_eq!(type_name("AiThread"), "AiThread");
        assert_eq!(type_name("chatkit.user_message"), "ChatkitUserMessage");
        assert_eq!(variant_name("InvokeLLM"), "InvokeLlm");
        assert_eq!(variant_name("in_progress"), "InProgress");
        assert_eq!(variant_name("InProgress"), "InProgress");
        assert_eq!(field_name("SdkAppId"), "sdk_app_id");
        assert_eq!(field_name("STTConfig"), "stt_config");
        assert_eq!(field_name("api_call_id"), "api_call_id");
        assert_eq!(
            field_name("max_requests_per_1_minute"),
            "max_requests_per_1_minute"
        );
        assert_eq!(const_name("StartAIConversation"), "START_AI_CONVERSATION");
    }

    #[test]
    fn names_are_idempotent() {
        for name in ["SttConfig", "AiThreadListParams", "InvokeLlm"] {
            assert_eq!(type_name(&type_name(name)), type_name(name));
        }
    }

    #[test]
    fn keywords_become_valid_identifiers() {
        assert_eq!(field_name("type"), "r#type");
        assert_eq!(field_name("gen"), "r#gen");
        assert_eq!(field_name("try"), "r#try");
        assert_eq!(field_name("abstract"), "r#abstract");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("super"), "super_");
        assert_eq!(type_name("self"), "Self_");
        assert_eq!(variant_name("1080p"), "_1080p");
        assert_eq!(unraw("r#type"), "type");
        assert_eq!(unraw("id"), "id");
    }

    #[test]
    fn list_items_are_singular() {
        assert_eq!(singular("messages"), "message");
        assert_eq!(singular("tool_calls"), "tool_call");
        assert_eq!(singular("entries"), "entry");
    }
}
