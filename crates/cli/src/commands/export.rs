//! `aithreads export`: NDJSON, streamed, with progress on a terminal.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::time::Duration;

use aithreads::{Client, ProviderKind};
use futures::StreamExt;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::Failure;
use crate::args::ExportArgs;

pub async fn run(client: &Client, args: ExportArgs) -> Result<(), Failure> {
    let kind = ProviderKind::from(args.provider);
    let query = super::query(kind, &args.selection)?;
    let sink: Box<dyn Write> = match &args.out {
        Some(path) => Box::new(
            File::create(path)
                .map_err(|e| Failure::Usage(format!("cannot create {}: {e}", path.display())))?,
        ),
        None => Box::new(io::stdout().lock()),
    };
    let mut sink = BufWriter::new(sink);
    let progress = progress_bar(args.out.is_some());
    let mut threads = if args.transcripts {
        client.export_transcripts(kind, query)
    } else {
        client.export(kind, query)
    };
    let mut count = 0u64;
    while let Some(thread) = threads.next().await {
        let thread = match thread {
            Ok(thread) => thread,
            Err(error) => {
                progress.abandon_with_message(format!("stopped after {count} threads"));
                sink.flush()?;
                return Err(Failure::from(error));
            }
        };
        serde_json::to_writer(&mut sink, &thread).map_err(io::Error::from)?;
        sink.write_all(b"\n")?;
        count += 1;
        progress.inc(1);
    }
    sink.flush()?;
    progress.finish_and_clear();
    eprintln!("exported {count} {kind} threads");
    Ok(())
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
