//! Printing results: tables for people, JSON or NDJSON for programs.

use std::io::{self, IsTerminal, Write};

use aithreads::{Error, ItemResult, Role, Thread, ThreadRef};
use comfy_table::{ContentArrangement, Table, presets};
use serde::Serialize;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::macros::format_description;

use crate::args::OutputFormat;

/// Where and how results go.
pub struct Output {
    format: OutputFormat,
}

impl Output {
    /// `format`, or table on a terminal and JSON otherwise.
    pub fn new(format: Option<OutputFormat>) -> Self {
        let format = format.unwrap_or(if io::stdout().is_terminal() {
            OutputFormat::Table
        } else {
            OutputFormat::Json
        });
        Self { format }
    }

    /// The format in use.
    pub fn format(&self) -> OutputFormat {
        self.format
    }

    /// A list of threads, one row or object each.
    pub fn threads(&self, threads: &[Thread]) -> io::Result<()> {
        match self.format {
            OutputFormat::Table => {
                let mut table = table(&["REF", "STATUS", "PROVIDER STATUS", "CREATED", "ABOUT"]);
                for thread in threads {
                    table.add_row(vec![
                        reference(thread),
                        thread.status.to_string(),
                        raw_status(thread),
                        when(thread.created_at),
                        about(thread),
                    ]);
                }
                print_table(table, threads.len(), "thread")
            }
            _ => self.values(
                threads
                    .iter()
                    .map(|t| serde_json::to_value(t).unwrap_or(Value::Null)),
            ),
        }
    }

    /// Full threads with their transcripts (`get`), with failures in place.
    pub fn thread_details(&self, results: &[ItemResult<Thread>]) -> io::Result<()> {
        let mut writer = self.details(io::stdout().lock());
        for item in results {
            writer.write(item)?;
        }
        writer.finish()
    }

    /// A writer of `get` results one at a time, so they need not all be held.
    pub fn details<W: Write>(&self, out: W) -> DetailWriter<W> {
        DetailWriter {
            format: self.format,
            out,
            written: 0,
        }
    }

    /// Per-item results of a bulk command (`cancel`, `delete`): one row or object per input.
    pub fn results<T>(
        &self,
        results: &[ItemResult<T>],
        value: impl Fn(&T) -> Value,
    ) -> io::Result<()> {
        match self.format {
            OutputFormat::Table => {
                let mut table = table(&["REF", "RESULT"]);
                for item in results {
                    let outcome = match &item.result {
                        Ok(ok) => match value(ok) {
                            Value::String(text) => text,
                            Value::Null => "ok".to_owned(),
                            other => other.to_string(),
                        },
                        Err(error) => format!("FAILED: {error}"),
                    };
                    table.add_row(vec![item.thread.to_string(), outcome]);
                }
                let (ok, failed) = aithreads::summarize(results);
                let mut out = io::stdout().lock();
                writeln!(out, "{table}")?;
                writeln!(out, "{ok} succeeded, {failed} failed")
            }
            _ => self.values(
                results
                    .iter()
                    .map(|item| result_json(&item.thread, &item.result, &value)),
            ),
        }
    }

    /// Any serialisable values, as a JSON array, NDJSON lines, or (for tables) pretty JSON.
    pub fn values(&self, values: impl Iterator<Item = Value>) -> io::Result<()> {
        let mut out = io::stdout().lock();
        match self.format {
            OutputFormat::Ndjson => {
                for value in values {
                    serde_json::to_writer(&mut out, &value)?;
                    writeln!(out)?;
                }
                Ok(())
            }
            _ => {
                let all: Vec<Value> = values.collect();
                serde_json::to_writer_pretty(&mut out, &all)?;
                writeln!(out)
            }
        }
    }

    /// One serialisable value.
    pub fn value(&self, value: &impl Serialize) -> io::Result<()> {
        let mut out = io::stdout().lock();
        let value = serde_json::to_value(value).unwrap_or(Value::Null);
        match self.format {
            OutputFormat::Ndjson => serde_json::to_writer(&mut out, &value)?,
            _ => serde_json::to_writer_pretty(&mut out, &value)?,
        }
        writeln!(out)
    }
}

/// Writes `get` results as they arrive: detail blocks, a JSON array, or NDJSON lines.
pub struct DetailWriter<W: Write> {
    format: OutputFormat,
    out: W,
    written: usize,
}

impl<W: Write> DetailWriter<W> {
    /// Writes one result.
    pub fn write(&mut self, item: &ItemResult<Thread>) -> io::Result<()> {
        let first = self.written == 0;
        self.written += 1;
        let out = &mut self.out;
        match self.format {
            OutputFormat::Table => {
                if !first {
                    writeln!(out)?;
                }
                match &item.result {
                    Err(error) => writeln!(out, "{}  FAILED: {error}", item.thread),
                    Ok(thread) => write_thread(out, thread),
                }
            }
            OutputFormat::Json => {
                out.write_all(if first { b"[\n" } else { b",\n" })?;
                serde_json::to_writer_pretty(
                    &mut *out,
                    &result_json(&item.thread, &item.result, thread_json),
                )?;
                Ok(())
            }
            OutputFormat::Ndjson => {
                serde_json::to_writer(
                    &mut *out,
                    &result_json(&item.thread, &item.result, thread_json),
                )?;
                writeln!(out)
            }
        }
    }

    /// Closes the output (the JSON array's bracket).
    pub fn finish(mut self) -> io::Result<()> {
        if self.format == OutputFormat::Json {
            self.out
                .write_all(if self.written == 0 { b"[]\n" } else { b"\n]\n" })?;
        }
        self.out.flush()
    }
}

fn thread_json(thread: &Thread) -> Value {
    serde_json::to_value(thread).unwrap_or(Value::Null)
}

/// The JSON of one bulk result: `{"ref", "ok", "result"}` or `{"ref", "ok": false, "error"}`.
pub fn result_json<T>(
    thread: &ThreadRef,
    result: &Result<T, Error>,
    value: impl Fn(&T) -> Value,
) -> Value {
    match result {
        Ok(ok) => json!({"ref": thread.to_string(), "ok": true, "result": value(ok)}),
        Err(error) => json!({"ref": thread.to_string(), "ok": false, "error": error_json(error)}),
    }
}

/// The JSON of an error: its kind, message and the provider's facts.
pub fn error_json(error: &Error) -> Value {
    json!({
        "kind": error.kind(),
        "message": error.to_string(),
        "code": error.code(),
        "status": error.status(),
        "request_id": error.request_id(),
    })
}

/// A borderless table with aligned columns, like `kubectl get`.
pub fn table(header: &[&str]) -> Table {
    let mut table = Table::new();
    table
        .load_style(presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header.to_vec());
    table
}

fn print_table(table: Table, count: usize, noun: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    if count == 0 {
        return writeln!(out, "no {noun}s");
    }
    writeln!(out, "{table}")
}

fn reference(thread: &Thread) -> String {
    ThreadRef::of(thread)
        .map(|r| r.to_string())
        .unwrap_or_else(|_| format!("{}:{}", thread.provider, thread.id))
}

fn raw_status(thread: &Thread) -> String {
    match &thread.raw_status.reason {
        Some(reason) => format!("{} ({reason})", thread.raw_status.value),
        None => thread.raw_status.value.clone(),
    }
}

/// A time as `2026-11-23 12:00:00` (UTC), or `-`.
pub fn when(time: Option<OffsetDateTime>) -> String {
    let format = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    time.and_then(|t| t.format(&format).ok())
        .unwrap_or_else(|| "-".into())
}

fn about(thread: &Thread) -> String {
    [
        thread.title.as_deref(),
        thread.assistant.as_deref(),
        thread.user.as_deref(),
    ]
    .into_iter()
    .flatten()
    .next()
    .unwrap_or("")
    .to_owned()
}

fn write_thread(out: &mut impl Write, thread: &Thread) -> io::Result<()> {
    writeln!(
        out,
        "{}  {} ({})",
        reference(thread),
        thread.status,
        raw_status(thread)
    )?;
    writeln!(out, "  created    {}", when(thread.created_at))?;
    if thread.updated_at.is_some() {
        writeln!(out, "  updated    {}", when(thread.updated_at))?;
    }
    for (label, value) in [
        ("title", &thread.title),
        ("assistant", &thread.assistant),
        ("user", &thread.user),
    ] {
        if let Some(value) = value {
            writeln!(out, "  {label:<10} {value}")?;
        }
    }
    if thread.messages.is_empty() {
        return Ok(());
    }
    writeln!(out, "  messages   {}", thread.messages.len())?;
    for message in &thread.messages {
        let role = match &message.role {
            Role::User => "user",
            Role::Assistant => "assistant",
            Role::System => "system",
            Role::Tool => "tool",
            Role::Other(other) => other.as_str(),
            _ => "other",
        };
        // Tool calls are structured now; show them after the text, as `name(arguments)`.
        let calls = message
            .tool_calls
            .iter()
            .map(|call| format!("{}({})", call.name, call.arguments));
        let text: String = std::iter::once(message.text.clone())
            .chain(calls)
            .collect::<Vec<_>>()
            .join(" ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        writeln!(
            out,
            "    {:<11} {}",
            format!("[{role}]"),
            shorten(&text, 100)
        )?;
    }
    Ok(())
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max - 1).collect();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_json_keeps_the_provider_facts() {
        let error = Error::not_found(
            aithreads::ProviderKind::OpenAiChatKit,
            aithreads::ApiError::new("No thread found")
                .with_status(404)
                .with_code("not_found")
                .with_request_id("req_1"),
        );
        let value = error_json(&error);
        assert_eq!(value["kind"], "not_found");
        assert_eq!(value["code"], "not_found");
        assert_eq!(value["status"], 404);
        assert_eq!(value["request_id"], "req_1");
    }

    #[test]
    fn shorten_cuts_on_characters() {
        assert_eq!(shorten("héllo wörld", 5), "héll…");
        assert_eq!(shorten("short", 10), "short");
    }
}
