//! `aithreads get`, `cancel` and `delete`: one result per reference, failures reported.

use std::io::{self, BufRead, IsTerminal, Write};

use aithreads::{CancelOutcome, Client};
use futures::StreamExt;
use serde_json::Value;

use super::{report_failure, report_failures};
use crate::Failure;
use crate::args::{DeleteArgs, RefsArgs};
use crate::output::Output;
use crate::refs::parse_refs;

/// Prints each thread as soon as it and those before it are in, so memory stays flat
/// however many references come in.
pub async fn get(client: &Client, output: &Output, args: &RefsArgs) -> Result<(), Failure> {
    let refs = parse_refs(&args.refs, io::stdin().lock())?;
    crate::config::check_refs(client, &refs)?;
    let mut writer = output.details(io::BufWriter::new(io::stdout().lock()));
    let mut results = client.get_each(&refs);
    let mut failed = false;
    while let Some(item) = results.next().await {
        writer.write(&item)?;
        failed |= report_failure(&item);
    }
    writer.finish()?;
    if failed {
        Err(Failure::SomeItemsFailed)
    } else {
        Ok(())
    }
}

pub async fn cancel(client: &Client, output: &Output, args: &RefsArgs) -> Result<(), Failure> {
    let refs = parse_refs(&args.refs, io::stdin().lock())?;
    crate::config::check_refs(client, &refs)?;
    let results = client.cancel_many(&refs).await;
    output.results(&results, |outcome| {
        Value::from(match outcome {
            CancelOutcome::Cancelled => "cancelled",
            CancelOutcome::AlreadyEnded => "already ended",
            _ => "done",
        })
    })?;
    report_failures(&results)
}

pub async fn delete(client: &Client, output: &Output, args: &DeleteArgs) -> Result<(), Failure> {
    let from_stdin = args.refs.refs.iter().any(|r| r == "-");
    let refs = parse_refs(&args.refs.refs, io::stdin().lock())?;
    crate::config::check_refs(client, &refs)?;
    if args.dry_run {
        let mut out = io::stdout().lock();
        for thread in &refs {
            writeln!(out, "would delete {thread}")?;
        }
        return Ok(());
    }
    let interactive = io::stdin().is_terminal() && io::stderr().is_terminal();
    if !args.yes && interactive && !from_stdin && !confirm(refs.len())? {
        return Err(Failure::Usage("nothing deleted".into()));
    }
    let results = client.delete_many(&refs).await;
    output.results(&results, |()| Value::from("deleted"))?;
    report_failures(&results)
}

/// Asks on the terminal; only an explicit yes counts.
fn confirm(count: usize) -> io::Result<bool> {
    let mut err = io::stderr().lock();
    write!(
        err,
        "delete {count} thread(s) and their items for good? [y/N] "
    )?;
    err.flush()?;
    let mut answer = String::new();
    io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes"))
}
