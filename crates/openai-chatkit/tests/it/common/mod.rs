//! Shared test helpers: the vendored spec and seed, schema validation, and clients.

use std::path::PathBuf;
use std::time::Duration;

use aithreads_core::transport::{RetryPolicy, TransportConfig};
use aithreads_openai_chatkit::{ChatKitClient, ChatKitConfig};
use serde_json::{Value, json};

/// The key the mocked tests send.
pub const KEY: &str = "sk-test-chatkit-0123456789";

fn spec_file(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../specs/openai-chatkit")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// OpenAI's OpenAPI description of ChatKit, as vendored.
pub fn spec() -> Value {
    serde_json::from_str(&spec_file("chatkit.openapi.json")).unwrap()
}

/// Seed 004 (`GET`/`DELETE /chatkit/threads/{thread_id}`), as vendored.
pub fn seed_text() -> String {
    spec_file("chatkit-threads-thread_id.seed.txt")
}

/// The JSON examples of seed 004, in order: DELETE's `DeletedThreadResource`, then GET's
/// `ThreadResource`.
pub fn seed_examples() -> Vec<Value> {
    let text = seed_text();
    text.match_indices("Example:")
        .map(|(at, _)| {
            let start = at + text[at..].find('{').unwrap();
            let end = start + json_object_len(&text[start..]);
            serde_json::from_str(&text[start..end]).unwrap()
        })
        .collect()
}

/// Length of the JSON object at the start of `text` (braces counted outside strings).
fn json_object_len(text: &str) -> usize {
    let (mut depth, mut in_string, mut escaped) = (0, false, false);
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '{' if !in_string => depth += 1,
            '}' if !in_string => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
    }
    panic!("unterminated JSON object in the seed");
}

/// The response example (`x-oaiMeta.examples.response`) of an operation, parsed; `None` when
/// the spec gives none (DELETE's is empty).
pub fn spec_example(path: &str, method: &str) -> Option<Value> {
    let spec = spec();
    let text = spec["paths"][path][method]["x-oaiMeta"]["examples"]["response"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    (!text.trim().is_empty()).then(|| serde_json::from_str(&text).unwrap())
}

/// The schema `example` of a component.
pub fn schema_example(name: &str) -> Value {
    spec()["components"]["schemas"][name]["example"].clone()
}

/// The spec's validation errors of `instance` against component `name` (empty when valid).
pub fn schema_errors(name: &str, instance: &Value) -> Vec<String> {
    let spec = spec();
    let schema = json!({
        "$ref": format!("#/components/schemas/{name}"),
        "components": spec["components"],
    });
    let validator = jsonschema::validator_for(&schema).unwrap();
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// Panics unless `instance` is valid against component `name`.
pub fn assert_schema(name: &str, instance: &Value) {
    let errors = schema_errors(name, instance);
    assert!(
        errors.is_empty(),
        "not a valid {name}: {errors:#?}\n{instance:#}"
    );
}

/// A fixture file of `tests/fixtures`, parsed.
pub fn fixture(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Transport settings for tests: quick retries, short timeouts.
pub fn fast_transport() -> TransportConfig {
    TransportConfig::default()
        .with_retry(
            RetryPolicy::default()
                .with_max_attempts(3)
                .with_backoff(Duration::from_millis(5), Duration::from_millis(20))
                .with_max_elapsed(Duration::from_secs(10)),
        )
        .with_timeouts(Duration::from_secs(2), Duration::from_secs(5))
}

/// A client of the server at `base_url` (`…/v1`) with [`KEY`].
pub fn client(base_url: &str) -> ChatKitClient {
    ChatKitClient::new(
        ChatKitConfig::default()
            .with_api_key(KEY)
            .with_base_url(base_url)
            .with_transport(fast_transport()),
    )
    .unwrap()
}
