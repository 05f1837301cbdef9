//! `aithreads watch` and `list --watch`: poll threads and print each status change as it
//! happens, until every thread has ended or the user presses Ctrl-C.
//!
//! Each round gets every thread still followed (`get` per reference, with the client's
//! bounded concurrency); rounds start at most once per `--interval`. The providers' clients
//! hold each action to its documented rate (TRTC DescribeAIConversation: 20/s, shared by all
//! regions), so following many TRTC tasks slows a round down instead of tripping
//! `RequestLimitExceeded`.

use std::io::{self, Write};
use std::pin::pin;
use std::time::Duration;

use aithreads::{Client, Error, Status, Thread, ThreadRef};
use futures::StreamExt;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::time::Instant;

use crate::Failure;
use crate::args::{OutputFormat, WatchArgs};
use crate::output::{Output, csv_line, when};
use crate::refs::{BadRef, RefArgs, RefItem};
use crate::terminal;

/// What was last seen of a thread.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Seen {
    /// Its unified status and the provider's own word for it.
    Status { status: Status, raw: String },
    /// Not found any more after it was seen: TRTC forgets stopped tasks after a while,
    /// ChatKit threads get deleted.
    Gone,
}

impl Seen {
    fn of(thread: &Thread) -> Self {
        Self::Status {
            status: thread.status,
            raw: thread.raw_status.value.clone(),
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Self::Status { status, .. } => status.as_str(),
            Self::Gone => "gone",
        }
    }

    /// Whether the thread will not change any more.
    fn has_ended(&self) -> bool {
        match self {
            Self::Status { status, .. } => {
                matches!(
                    status,
                    Status::Completed | Status::Cancelled | Status::Failed
                )
            }
            Self::Gone => true,
        }
    }
}

/// One thread being followed.
struct Watched {
    thread: ThreadRef,
    last: Option<Seen>,
}

/// `aithreads watch REF…`.
pub async fn run(client: &Client, output: &Output, args: &WatchArgs) -> Result<(), Failure> {
    // Every thread is polled each round, so all references are read first.
    let refs: Vec<RefItem> = RefArgs::parse(&args.refs.refs)?
        .into_stream()
        .collect()
        .await;
    let refs = refs
        .into_iter()
        .collect::<Result<Vec<ThreadRef>, BadRef>>()
        .map_err(|bad| Failure::Usage(bad.to_string()))?;
    crate::config::check_refs(client, &refs)?;
    let watched = refs
        .into_iter()
        .map(|thread| Watched { thread, last: None })
        .collect();
    watch(client, output, watched, args.interval).await
}

/// `list --watch`: follows listed threads from the status the listing showed.
pub async fn listed(
    client: &Client,
    output: &Output,
    threads: &[Thread],
    interval: Duration,
) -> Result<(), Failure> {
    let watched = threads
        .iter()
        .map(|thread| {
            Ok(Watched {
                thread: ThreadRef::of(thread)?,
                last: Some(Seen::of(thread)),
            })
        })
        .collect::<Result<_, Error>>()?;
    watch(client, output, watched, interval).await
}

async fn watch(
    client: &Client,
    output: &Output,
    mut watched: Vec<Watched>,
    interval: Duration,
) -> Result<(), Failure> {
    let mut failed = 0;
    let mut interrupted = pin!(tokio::signal::ctrl_c());
    loop {
        watched.retain(|w| !w.last.as_ref().is_some_and(Seen::has_ended));
        if watched.is_empty() {
            break;
        }
        let round = Instant::now();
        let refs: Vec<ThreadRef> = watched.iter().map(|w| w.thread.clone()).collect();
        let mut results = client.get_each(&refs).enumerate();
        let mut dropped = Vec::new();
        loop {
            let next = tokio::select! {
                next = results.next() => next,
                _ = &mut interrupted => return Err(stopped(watched.len())),
            };
            let Some((index, item)) = next else { break };
            let entry = &mut watched[index];
            let seen = match item.result {
                Ok(thread) => Seen::of(&thread),
                // Seen before and now gone: it ended and was cleaned up.
                Err(error) if error.is_not_found() && entry.last.is_some() => Seen::Gone,
                // A passing failure (throttling, a timeout) is tried again next round.
                Err(error) if error.is_retryable() => {
                    eprintln!("aithreads: {}: {error} (trying again)", entry.thread);
                    continue;
                }
                Err(error) => {
                    eprintln!("aithreads: {}: {error}", entry.thread);
                    dropped.push(index);
                    continue;
                }
            };
            if entry.last.as_ref() != Some(&seen) {
                print_change(output, &entry.thread, entry.last.as_ref(), &seen)?;
                entry.last = Some(seen);
            }
        }
        drop(results);
        failed += dropped.len();
        for index in dropped.into_iter().rev() {
            watched.remove(index);
        }
        if watched
            .iter()
            .all(|w| w.last.as_ref().is_some_and(Seen::has_ended))
        {
            continue;
        }
        tokio::select! {
            _ = tokio::time::sleep_until(round + interval) => {}
            _ = &mut interrupted => return Err(stopped(watched.len())),
        }
    }
    if failed > 0 {
        Err(Failure::SomeItemsFailed)
    } else {
        Ok(())
    }
}

fn stopped(left: usize) -> Failure {
    Failure::Failed(format!("interrupted: {left} thread(s) had not ended yet"))
}

/// One status change: a table line, or a JSON event on a line of its own.
fn print_change(
    output: &Output,
    thread: &ThreadRef,
    from: Option<&Seen>,
    to: &Seen,
) -> io::Result<()> {
    let now = OffsetDateTime::now_utc();
    let mut out = io::stdout().lock();
    match output.format() {
        OutputFormat::Table => {
            let provider_status = match to {
                Seen::Status { raw, .. } => format!(" ({})", terminal::safe(raw, 64)),
                Seen::Gone => String::new(),
            };
            writeln!(
                out,
                "{} {}  {thread}  {} -> {}{provider_status}",
                when(Some(now), output.zone()),
                output.zone().label(),
                from.map_or("-", Seen::name),
                to.name()
            )?;
        }
        OutputFormat::Json | OutputFormat::Ndjson => {
            serde_json::to_writer(&mut out, &event(thread, from, to, now))?;
            writeln!(out)?;
        }
        // One line per change: at,ref,from,to,provider_status.
        OutputFormat::Csv => {
            let event = event(thread, from, to, now);
            let cells = ["at", "ref", "from", "to", "provider_status"]
                .into_iter()
                .map(|key| match &event[key] {
                    Value::String(text) => text.clone(),
                    Value::Null => String::new(),
                    other => other.to_string(),
                });
            writeln!(out, "{}", csv_line(cells))?;
        }
        // The thread whose status changed.
        OutputFormat::Refs => writeln!(out, "{thread}")?,
    }
    out.flush()
}

/// `{"ref", "from", "to", "provider_status", "at"}`.
fn event(thread: &ThreadRef, from: Option<&Seen>, to: &Seen, at: OffsetDateTime) -> Value {
    let provider_status = match to {
        Seen::Status { raw, .. } => Value::from(raw.as_str()),
        Seen::Gone => Value::Null,
    };
    json!({
        "ref": thread.to_string(),
        "from": from.map(Seen::name),
        "to": to.name(),
        "provider_status": provider_status,
        "at": at.format(&Rfc3339).unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(status: Status, raw: &str) -> Seen {
        Seen::Status {
            status,
            raw: raw.into(),
        }
    }

    #[test]
    fn only_final_states_end_a_watch() {
        for (seen, ended) in [
            (status(Status::Running, "InProgress"), false),
            (status(Status::Pending, "Preparing"), false),
            (status(Status::Locked, "locked"), false),
            (status(Status::Unknown, "Paused"), false),
            (status(Status::Completed, "Stopped"), true),
            (status(Status::Cancelled, "Cancelled"), true),
            (status(Status::Failed, "Error"), true),
            (Seen::Gone, true),
        ] {
            assert_eq!(seen.has_ended(), ended, "{seen:?}");
        }
    }

    #[test]
    fn events_name_both_states() {
        let thread: ThreadRef = "trtc:ap-singapore/task-1".parse().unwrap();
        let at = OffsetDateTime::from_unix_timestamp(1_740_384_000).unwrap();
        let running = status(Status::Running, "InProgress");
        assert_eq!(
            event(&thread, None, &running, at),
            json!({"ref": "trtc:ap-singapore/task-1", "from": null, "to": "running",
                   "provider_status": "InProgress", "at": "2025-02-24T08:00:00Z"})
        );
        assert_eq!(
            event(&thread, Some(&running), &Seen::Gone, at),
            json!({"ref": "trtc:ap-singapore/task-1", "from": "running", "to": "gone",
                   "provider_status": null, "at": "2025-02-24T08:00:00Z"})
        );
    }
}
