//! `cargo xtask codegen [--check]`: the providers' serde wire models, generated from `specs/`.
//!
//! Each target names its spec files, the schemas to generate (with their Rust names), and
//! names for inline objects that would otherwise get long derived names. The output goes to
//! `crates/<provider>/src/generated.rs`, formatted by rustfmt.

mod markdown;
mod model;
mod names;
mod render;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};
use serde_json::Value;

use model::Reader;

struct Target {
    /// Crate folder, relative to the workspace root.
    crate_dir: &'static str,
    /// Spec folder, relative to the workspace root.
    spec_dir: &'static str,
    /// Spec files (in `spec_dir`) and, per file, the schemas to generate: (JSON pointer, name).
    /// A pointer ending in `/*` generates every schema in that object under its own name.
    roots: &'static [(&'static str, &'static [(&'static str, &'static str)])],
    /// Rust names for inline objects, by their path (`AiThread.messages[]`, with the parent's
    /// Rust name).
    renames: &'static [(&'static str, &'static str)],
    /// Types whose `new` is written by hand in the provider crate (it sets more than the
    /// required fields), so codegen writes none.
    own_new: &'static [&'static str],
    /// What the models are for, for the file's header.
    about: &'static str,
    /// Give every struct a request reaches (`*Request` and the objects inside) an
    /// `extra_members` map, flattened into the JSON, so a member the spec does not know yet
    /// can still be sent.
    open_requests: bool,
    /// Instead of deriving `Debug`, format every struct with this function
    /// (`fn(&impl Serialize, &str, &mut Formatter) -> fmt::Result`), which hides secrets.
    redacted_debug: Option<&'static str>,
}

const RESPONSE_200: &str = "/responses/200/content/application~1json/schema";
const RESPONSE_ERROR: &str = "/responses/default/content/application~1json/schema";

const TARGETS: &[Target] = &[
    Target {
        crate_dir: "crates/revcent",
        spec_dir: "specs/revcent",
        about: "RevCent v2 AI thread operations (CancelAIThread, GetAIThread, GetAIThreads, TriggerAIAssistant)",
        // Page 1 of 25, as `query.rs` documents.
        own_new: &["AiThreadListParams"],
        open_requests: false,
        redacted_debug: None,
        roots: &[
            (
                "GetAIThread.json",
                &[
                    (
                        "/responses/200/content/application~1json/schema/allOf/0",
                        "ApiCallResponseInfo",
                    ),
                    (
                        "/responses/200/content/application~1json/schema/allOf/1",
                        "AiThread",
                    ),
                ],
            ),
            (
                "GetAIThreads.json",
                &[
                    (RESPONSE_200, "AiThreadList"),
                    ("/parameters", "AiThreadListParams"),
                ],
            ),
            (
                "CancelAIThread.json",
                &[
                    (RESPONSE_200, "CancelAiThreadResult"),
                    (RESPONSE_ERROR, "ApiStandardError"),
                ],
            ),
            (
                "TriggerAIAssistant.json",
                &[
                    (
                        "/requestBody/content/application~1json/schema",
                        "TriggerAiAssistantBody",
                    ),
                    (RESPONSE_200, "TriggerAiAssistantResult"),
                ],
            ),
        ],
        renames: &[
            ("AiThreadList.results[]", "AiThread"),
            ("AiThread.messages[]", "Message"),
            ("Message.role", "MessageRole"),
            ("Message.tool_calls[]", "ToolCall"),
            ("Message.previous_ai_thread", "MessagePreviousThread"),
            ("AiThread.status", "AiThreadStatus"),
            ("AiThread.previous_ai_thread", "PreviousThread"),
            ("PreviousThread.ai_assistant", "AiAssistantRef"),
            ("AiThread.trigger", "Trigger"),
            ("Trigger.source", "TriggerSource"),
            ("Trigger.api_call", "TriggerApiCall"),
            ("TriggerApiCall.api_account", "ApiAccountRef"),
            ("TriggerApiCall.ai_assistant", "AiAssistantRef"),
            ("Trigger.web_user", "WebUser"),
            ("AiThread.ai_assistant", "AiAssistantRef"),
            ("AiThread.third_party_integration", "ThirdPartyIntegration"),
            ("ThirdPartyIntegration.third_party", "ThirdParty"),
            ("AiThreadListParams.status_filter[]", "StatusFilter"),
            ("TriggerAiAssistantBody.source_type", "TriggerSourceType"),
            ("TriggerAiAssistantBody.item_type", "TriggerItemType"),
            (
                "TriggerAiAssistantBody.previous_ai_thread",
                "TriggerPreviousThread",
            ),
            ("TriggerAiAssistantBody.messages[]", "TriggerMessage"),
            ("TriggerMessage.role", "MessageRole"),
        ],
    },
    Target {
        crate_dir: "crates/tencent-trtc",
        spec_dir: "specs/tencent-trtc",
        about: "Tencent Cloud TRTC AI conversation actions (API 3.0, version 2019-07-22)",
        own_new: &[],
        open_requests: true,
        // UserSig, and the LLM and TTS API keys inside LLMConfig / TTSConfig.
        redacted_debug: Some("crate::redact::debug"),
        roots: &[("trtc-ai-conversation.schema.json", &[("/$defs/*", "")])],
        renames: &[
            ("DescribeAiConversationResponse.Status", "TaskStatus"),
            ("ControlAiConversationRequest.Command", "ControlCommand"),
            ("TurnDetection.SemanticEagerness", "SemanticEagerness"),
        ],
    },
    Target {
        crate_dir: "crates/openai-chatkit",
        spec_dir: "specs/openai-chatkit",
        about: "OpenAI ChatKit threads, thread items and sessions",
        // A workflow id instead of a whole `WorkflowParam`, as `params.rs` documents.
        own_new: &["CreateChatSessionBody"],
        open_requests: false,
        redacted_debug: None,
        roots: &[("chatkit.openapi.json", &[("/components/schemas/*", "")])],
        renames: &[
            ("ThreadResource.status", "ThreadStatus"),
            ("UserMessageItem.content[]", "UserMessageContent"),
            ("ResponseOutputText.annotations[]", "Annotation"),
            ("ChatkitWorkflow.state_variables{}", "StateVariableValue"),
            ("WorkflowParam.state_variables{}", "StateVariableValue"),
        ],
    },
];

/// Regenerates every provider's models; with `check`, fails instead of writing when a file
/// is stale.
pub fn run(root: &Path, check: bool) -> Result<()> {
    let mut stale = Vec::new();
    for target in TARGETS {
        let source = generate(root, target)?;
        let path = root.join(target.crate_dir).join("src/generated.rs");
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current.replace("\r\n", "\n") == source {
            continue;
        }
        if check {
            stale.push(path.display().to_string());
        } else {
            std::fs::write(&path, source).with_context(|| format!("writing {}", path.display()))?;
            println!("updated {}", path.display());
        }
    }
    if !stale.is_empty() {
        bail!(
            "generated code is stale: {}\nrun `cargo xtask codegen` and commit the result",
            stale.join(", ")
        );
    }
    Ok(())
}

fn generate(root: &Path, target: &Target) -> Result<String> {
    // One document holding every spec file under its file name, so pointers and `$ref`s of
    // different files never collide.
    let mut document = serde_json::Map::new();
    for (file, _) in target.roots {
        let path = root.join(target.spec_dir).join(file);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let spec: Value =
            serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
        document.insert(file.to_string(), spec);
    }
    let document = Value::Object(document);
    let renames: BTreeMap<String, String> = target
        .renames
        .iter()
        .map(|(path, name)| (path.to_string(), name.to_string()))
        .collect();
    let prefixed = |file: &str, pointer: &str| {
        format!("/{}{pointer}", file.replace('~', "~0").replace('/', "~1"))
    };
    let mut reader = Reader::new(&document, &renames);
    let mut actions = None;
    for (file, roots) in target.roots {
        // `$ref`s inside a file are relative to that file.
        reader.base = prefixed(file, "");
        for (pointer, name) in *roots {
            if let Some(parent) = pointer.strip_suffix("/*") {
                let schemas = document
                    .pointer(&prefixed(file, parent))
                    .and_then(Value::as_object)
                    .with_context(|| format!("no schemas at {parent} in {file}"))?;
                for schema_name in schemas.keys() {
                    reader.root(
                        &prefixed(file, &format!("{parent}/{schema_name}")),
                        schema_name,
                    )?;
                }
            } else if pointer.ends_with("/parameters") {
                reader.parameters(&prefixed(file, pointer), name)?;
            } else {
                reader.root(&prefixed(file, pointer), name)?;
            }
        }
        actions = actions.or_else(|| document.pointer(&prefixed(file, "/x-actions")).cloned());
    }
    let items: Vec<_> = reader
        .order
        .iter()
        .filter_map(|name| reader.items.get(name))
        .collect();
    let files: Vec<String> = target
        .roots
        .iter()
        .map(|(f, _)| format!("{}/{f}", target.spec_dir))
        .collect();
    let header = format!(
        "Wire models of the {}.\n\nGenerated by `cargo xtask codegen` from {}; do not edit by hand.",
        target.about,
        files
            .iter()
            .map(|f| format!("`{f}`"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    rustfmt(&render::render(
        &header,
        &items,
        actions.as_ref(),
        &render::Options {
            own_new: target.own_new,
            open_requests: target.open_requests,
            redacted_debug: target.redacted_debug,
        },
    )?)
}

fn rustfmt(source: &str) -> Result<String> {
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("running rustfmt (install it with `rustup component add rustfmt`)")?;
    child
        .stdin
        .take()
        .context("rustfmt stdin")?
        .write_all(source.as_bytes())?;
    let output = child.wait_with_output()?;
    if !output.status.success() {
        bail!(
            "rustfmt rejected the generated code:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(String::from_utf8(output.stdout)?)
}

#[cfg(test)]
mod tests {
    /// Plain `cargo test` (xtask is a default workspace member) fails when the checked-in
    /// models no longer match the specs, as `cargo xtask codegen --check` in CI does.
    #[test]
    fn generated_code_is_fresh() {
        super::run(&crate::workspace_root(), true).unwrap();
    }
}
