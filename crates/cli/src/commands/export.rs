//! `aithreads export`: NDJSON or Parquet, to stdout or a file that is only in place once
//! finished, with an error report, a checkpoint to resume from, and progress on a terminal.

use std::io::{self, IsTerminal};
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use aithreads::export::{
    ExportEnd, ExportOptions, ExportReport, ExportTarget, Format, OnThreadError, Partition,
};
use aithreads::{Client, ProviderKind};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::Failure;
use crate::args::{ExportArgs, ExportFormat, PartitionArg};

pub async fn run(client: &Client, args: ExportArgs) -> Result<(), Failure> {
    let kind = ProviderKind::from(args.provider);
    let query = super::query(kind, &args.selection)?;
    let format = match (args.format, &args.out) {
        (Some(ExportFormat::Ndjson), _) => Format::Ndjson,
        (Some(ExportFormat::Parquet), _) => Format::Parquet,
        (None, Some(path)) => Format::for_name(&path.to_string_lossy()),
        (None, None) => Format::Ndjson,
    };
    if format == Format::Parquet && args.out.is_none() && io::stdout().is_terminal() {
        return Err(Failure::Usage(
            "Parquet is binary: write it to a file with -o, or pipe stdout elsewhere".into(),
        ));
    }
    let progress = Arc::new(AtomicU64::new(0));
    let options = ExportOptions::new()
        .with_format(format)
        .with_transcripts(args.transcripts)
        .with_raw(args.raw)
        .with_resume(args.resume)
        .with_on_error(if args.fail_fast {
            OnThreadError::Stop
        } else {
            OnThreadError::Continue
        })
        .with_partition(args.partition.map(|p| match p {
            PartitionArg::Date => Partition::Date,
        }))
        .with_progress(progress.clone());
    let target = match &args.out {
        Some(path) if path.to_string_lossy().contains("://") => {
            ExportTarget::Url(path.to_string_lossy().into_owned())
        }
        Some(path) => ExportTarget::Path(path.clone()),
        None => ExportTarget::Writer {
            data: Box::new(io::stdout()),
            errors: Box::new(io::stderr()),
        },
    };
    if let ExportTarget::Path(path) = &target
        && !args.resume
        && checkpoint_beside(path).exists()
    {
        eprintln!(
            "aithreads: starting {} over; to continue the interrupted export instead, add --resume",
            path.display()
        );
    }
    let bar = progress_bar(args.out.is_some());
    let ticker = tokio::spawn({
        let bar = bar.clone();
        async move {
            loop {
                bar.set_position(progress.load(std::sync::atomic::Ordering::Relaxed));
                tokio::time::sleep(Duration::from_millis(120)).await;
            }
        }
    });
    let report = client
        .export_to(kind, query, target, &options, interrupted())
        .await;
    ticker.abort();
    bar.finish_and_clear();
    let report = report.map_err(|error| {
        let message = error.to_string();
        if error.is_usage() {
            Failure::Usage(message)
        } else {
            Failure::Failed(message)
        }
    })?;
    summarize(kind, &report)
}

/// Tells what happened on stderr, and how to continue when it did not finish.
fn summarize(kind: ProviderKind, report: &ExportReport) -> Result<(), Failure> {
    let failed = match &report.error_report {
        Some(path) => format!("; {} failed, listed in {path}", report.failed),
        None if report.failed > 0 => format!("; {} failed", report.failed),
        None => String::new(),
    };
    let resume = if report.resumable() {
        format!(
            "; the partial output is {}: run the same command with --resume to continue",
            report.location
        )
    } else {
        String::new()
    };
    match &report.end {
        ExportEnd::Finished => {
            let to = if report.location == "-" {
                String::new()
            } else {
                format!(" to {}", report.location)
            };
            eprintln!("exported {} {kind} threads{to}{failed}", report.exported);
            if report.failed > 0 {
                Err(Failure::SomeItemsFailed)
            } else {
                Ok(())
            }
        }
        ExportEnd::Stopped => Err(Failure::Failed(format!(
            "export interrupted after {} threads{failed}{resume}",
            report.exported
        ))),
        // Refused before anything was fetched (a range of too many RevCent windows, say): a
        // usage error, exit 2.
        ExportEnd::Failed(error)
            if report.exported == 0 && report.failed == 0 && error.is_usage() =>
        {
            Err(Failure::Usage(crate::config::cli_wording(
                &error.to_string(),
            )))
        }
        ExportEnd::Failed(error) => Err(Failure::Failed(format!(
            "export stopped after {} threads: {error}{failed}{resume}",
            report.exported
        ))),
        _ => Err(Failure::Failed("export ended unexpectedly".into())),
    }
}

/// Where a local export keeps its checkpoint.
fn checkpoint_beside(path: &std::path::Path) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".checkpoint.json");
    name.into()
}

/// Completes on SIGINT or SIGTERM (Ctrl-C elsewhere).
async fn interrupted() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) {
            (Ok(mut int), Ok(mut term)) => {
                tokio::select! {
                    _ = int.recv() => {}
                    _ = term.recv() => {}
                }
            }
            _ => std::future::pending().await,
        }
    }
    #[cfg(not(unix))]
    {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// A spinner with count and rate on stderr when it is a terminal and the data does not go to
/// the same terminal; hidden otherwise.
fn progress_bar(to_file: bool) -> ProgressBar {
    let visible = io::stderr().is_terminal() && (to_file || !io::stdout().is_terminal());
    if !visible {
        return ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {pos} threads exported  {per_sec}  {elapsed_precise} {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}
