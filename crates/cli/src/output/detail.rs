//! `get` for people: one block per thread with its transcript.

use std::io::{self, Write};

use aithreads::{Role, Thread, ThreadRef};

use super::cells::{Zone, when};
use crate::terminal;

/// How much of each message a block shows.
const MESSAGE_CHARS: usize = 100;
/// How much of any other value a block shows.
const VALUE_CHARS: usize = 200;

/// Writes one thread, named by `reference`, with its facts and messages; everything the
/// provider said is escaped.
pub fn write_thread(
    out: &mut impl Write,
    reference: &ThreadRef,
    thread: &Thread,
    zone: Zone,
) -> io::Result<()> {
    let safe = |text: &str| terminal::safe(text, VALUE_CHARS).into_owned();
    writeln!(
        out,
        "{}  {} ({})",
        reference,
        thread.status,
        safe(&raw_status(thread))
    )?;
    let label = zone.label();
    writeln!(
        out,
        "  created    {} {label}",
        when(thread.created_at, zone)
    )?;
    if thread.updated_at.is_some() {
        writeln!(
            out,
            "  updated    {} {label}",
            when(thread.updated_at, zone)
        )?;
    }
    for (name, value) in [
        ("title", &thread.title),
        ("assistant", &thread.assistant),
        ("user", &thread.user),
    ] {
        if let Some(value) = value {
            writeln!(out, "  {name:<10} {}", safe(value))?;
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
        // Tool calls are structured; show them after the text, as `name(arguments)`.
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
            format!("[{}]", terminal::safe(role, 20)),
            terminal::safe(&text, MESSAGE_CHARS)
        )?;
    }
    Ok(())
}

fn raw_status(thread: &Thread) -> String {
    match &thread.raw_status.reason {
        Some(reason) => format!("{} ({reason})", thread.raw_status.value),
        None => thread.raw_status.value.clone(),
    }
}
