//! `aithreads revcent trigger`: the RevCent call with no place in the common commands.

use aithreads::providers::revcent::TriggerAiAssistantRequest;
use aithreads::{Client, ProviderKind, ThreadRef};
use serde_json::Value;

use crate::Failure;
use crate::args::{OutputFormat, RevcentCommand, RevcentTriggerArgs};
use crate::output::Output;

pub async fn run(client: &Client, output: &Output, command: RevcentCommand) -> Result<(), Failure> {
    match command {
        RevcentCommand::Trigger(args) => trigger(client, output, args).await,
    }
}

/// Triggers the assistant and prints the new thread's reference: alone on a line in a
/// table, as `ref` next to RevCent's answer in JSON.
async fn trigger(
    client: &Client,
    output: &Output,
    args: RevcentTriggerArgs,
) -> Result<(), Failure> {
    let request = match &args.body {
        Some(body) => read_body(body)?,
        None => TriggerAiAssistantRequest::new(),
    };
    let answer = client
        .revcent()?
        .trigger_ai_assistant(&args.assistant, &request)
        .await?;
    let id = answer.ai_thread_id.clone().unwrap_or_default();
    let thread = ThreadRef::new(ProviderKind::RevCent, None, id)?;
    if output.format() == OutputFormat::Table {
        println!("{thread}");
        return Ok(());
    }
    let mut record = serde_json::Map::new();
    record.insert("ref".into(), Value::String(thread.to_string()));
    if let Ok(Value::Object(fields)) = serde_json::to_value(&answer) {
        record.extend(fields);
    }
    Ok(output.value(&record)?)
}

/// The body from `--body`: JSON text, or `@FILE`.
fn read_body(body: &str) -> Result<TriggerAiAssistantRequest, Failure> {
    let text = match body.strip_prefix('@') {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| Failure::Usage(format!("cannot read --body file {path}: {e}")))?,
        None => body.to_owned(),
    };
    serde_json::from_str(&text).map_err(|e| {
        Failure::Usage(format!(
            "--body is not a TriggerAIAssistant body (a JSON object with source_type, item_type, item_id, previous_ai_thread, messages, or other members): {e}"
        ))
    })
}
