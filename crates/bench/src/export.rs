//! Exporting RevCent threads through the streaming API: throughput against a sequential
//! page-by-page loop, and the exporting process's peak memory as the count grows.
//!
//! The simulator runs in this process, seeded with the threads; each export runs in a child
//! process (this binary's hidden `export-child` command) that walks the range, counts the
//! threads and reports its own peak RSS (`VmHWM` in `/proc/self/status`), so nothing but the
//! export is measured. The simulator delays every RevCent answer by [`RTT`]: a loopback
//! server answers in microseconds, which no real API does, and what concurrency buys is
//! overlapping those waits.
//!
//! - ours: `Client::export` (the facade's stream over `RevCentClient::ai_threads`: 2-day windows
//!   and their pages fetched [`CONCURRENCY`] at a time);
//! - baseline: GetAIThreads in a loop (`RevCentClient::get_ai_threads`), each 2-day window
//!   one page after the other: the loop a caller writes against the API, with the same
//!   conversion into `Thread`s.

use std::cell::Cell;
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use aithreads::providers::revcent::{
    AiThread, AiThreadListParams, MAX_RANGE_SECS, RevCentClient, RevCentConfig, WINDOW_SECS,
};
use aithreads::{Client, ListQuery, Order, ProviderKind, Thread};
use aithreads_sim::{Credentials, Fault, FaultRule, SimConfig, Simulator};
use anyhow::{Context, Result, bail, ensure};
use clap::{Args, ValueEnum};
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::Plan;
use crate::measure::{alternate, rate};
use crate::report::{Better, Figures, Row};

/// The round trip the simulator adds to every RevCent answer.
pub const RTT: Duration = Duration::from_millis(5);
/// Pages the stream fetches at once (`RevCentConfig::with_concurrency`).
pub const CONCURRENCY: usize = 16;
/// Seeded threads are created over the 30 days before "now"; the export covers them all.
pub(crate) const RANGE_SECS: i64 = 30 * 86_400 + 3_600;
/// The stream and the page loop are compared on this many seeded threads (in quick runs too:
/// over fewer pages the ratio measures process start-up, not the walk)…
const RATIO_THREADS: usize = 100_000;
/// …over this many days of them.
const RATIO_DAYS: i64 = 4;
/// The peak RSS the 1M export must stay under.
const RSS_LIMIT_MIB: f64 = 64.0;

/// How the child walks the range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize, Deserialize)]
pub enum Mode {
    /// `Client::export`.
    Stream,
    /// GetAIThreads page after page.
    Pages,
}

/// The hidden `export-child` command: one export, reported as one JSON line.
#[derive(Debug, Args)]
pub struct ChildArgs {
    /// How to walk.
    #[arg(long, value_enum)]
    mode: Mode,
    /// First second of the range (unix).
    #[arg(long, allow_hyphen_values = true)]
    since: i64,
    /// Last second of the range (unix).
    #[arg(long, allow_hyphen_values = true)]
    until: i64,
}

/// What a child reports.
#[derive(Debug, Serialize, Deserialize)]
struct ChildReport {
    threads: usize,
    seconds: f64,
    peak_rss_kib: u64,
}

/// One export in a child, and what the simulator served for it.
#[derive(Debug)]
struct Export {
    threads: usize,
    pages: u64,
    seconds: f64,
    peak_rss_mib: f64,
}

impl Export {
    fn rate(&self) -> f64 {
        rate(self.threads, Duration::from_secs_f64(self.seconds))
    }
}

pub async fn run(plan: &Plan, exe: &Path) -> Result<Vec<Row>> {
    let (small, large) = plan.pick((RATIO_THREADS, 1_000_000), (10_000, RATIO_THREADS));
    let pairs = plan.pick(3, 1);
    let mut ratio_row = None;
    let mut exports = Vec::new();
    for threads in [small, large] {
        let sim = start(threads).await?;
        if threads == RATIO_THREADS {
            ratio_row = Some(compare(exe, &sim, pairs).await?);
        }
        let until = sim.sim().config.now;
        let export = export(exe, &sim, Mode::Stream, until - RANGE_SECS, until).await?;
        ensure!(
            export.threads == threads,
            "the export yielded {} threads, not {threads}",
            export.threads
        );
        exports.push(export);
    }
    let [small_export, large_export] =
        <[Export; 2]>::try_from(exports).map_err(|_| anyhow::anyhow!("two exports expected"))?;
    // The range's RANGE_SECS + 1 seconds in the client's windows.
    let windows = (RANGE_SECS + WINDOW_SECS) / WINDOW_SECS;
    let rss = (large_export.peak_rss_mib, small_export.peak_rss_mib);
    let flat = rss.0 / rss.1 <= 1.25;
    let rss_row = Row::ratio(
        "export.rss",
        format!(
            "export peak RSS, {} threads ({windows} windows, {} pages)",
            thousands(large),
            thousands(large_export.pages as usize)
        ),
        "MiB",
        Figures::new(rss.0, rss.1),
        Better::Lower,
        1.25,
    )
    .target(
        format!("< {RSS_LIMIT_MIB} MiB, ≤ 1.25× at {}", thousands(small)),
        rss.0 < RSS_LIMIT_MIB && flat,
    )
    .note(format!(
        "VmHWM of the exporting child; baseline: the same export of {} threads",
        thousands(small)
    ));
    let rate_row = Row::ratio(
        "export.rate",
        format!("export throughput, {} threads", thousands(large)),
        "threads/s",
        Figures::new(large_export.rate(), small_export.rate()),
        Better::Higher,
        0.8,
    )
    .note(format!(
        "whole export in {:.1} s; baseline: the {} export; RTT {} ms",
        large_export.seconds,
        thousands(small),
        RTT.as_millis()
    ));
    Ok(ratio_row.into_iter().chain([rate_row, rss_row]).collect())
}

/// The stream against the page loop over [`RATIO_DAYS`] of `sim`'s threads, in alternating
/// child processes.
async fn compare(exe: &Path, sim: &Simulator, pairs: usize) -> Result<Row> {
    let until = sim.sim().config.now;
    let since = until - RATIO_DAYS * 86_400 + 1;
    // Pages and threads of the range, as the streaming rounds saw them.
    let seen = Cell::new((0, 0));
    let figures = {
        let seen = &seen;
        let round = move |mode| async move {
            match export(exe, sim, mode, since, until).await {
                Ok(e) => {
                    seen.set((e.pages, e.threads));
                    e.rate()
                }
                Err(error) => {
                    eprintln!("export round failed: {error:#}");
                    0.0
                }
            }
        };
        alternate(
            pairs,
            move || round(Mode::Stream),
            move || round(Mode::Pages),
        )
        .await
    };
    let (pages, threads) = seen.get();
    ensure!(threads > 0, "the exports failed");
    Ok(Row::ratio(
        "export.vs_sequential",
        format!(
            "export: stream vs page loop, {} threads / {pages} pages",
            thousands(threads)
        ),
        "threads/s",
        figures,
        Better::Higher,
        5.0,
    )
    .note(format!(
        "Client::export (RevCent concurrency {CONCURRENCY}) vs GetAIThreads page by page over \
         the same {RATIO_DAYS} days of {} threads; simulator RTT {} ms; the median \
         pair of {pairs} alternating pairs",
        thousands(RATIO_THREADS),
        RTT.as_millis()
    )))
}

/// A simulator with `threads` RevCent threads, answering after [`RTT`].
pub(crate) async fn start(threads: usize) -> Result<Simulator> {
    let sim = Simulator::start(
        SimConfig::default()
            .with_threads(threads)
            .with_credentials(Credentials::demo()),
    )
    .await?;
    sim.faults().set(vec![FaultRule::always(
        Some(ProviderKind::RevCent),
        Fault::Latency(RTT),
    )]);
    Ok(sim)
}

/// Runs one export in a child process.
async fn export(exe: &Path, sim: &Simulator, mode: Mode, since: i64, until: i64) -> Result<Export> {
    let before = sim.sim().provider_requests_seen(ProviderKind::RevCent);
    let mode_name = format!("{mode:?}").to_lowercase();
    let output = tokio::process::Command::new(exe)
        .args(["export-child", "--mode", &mode_name])
        .arg(format!("--since={since}"))
        .arg(format!("--until={until}"))
        .env_clear()
        .envs(sim.client_env())
        .kill_on_drop(true)
        .output()
        .await
        .with_context(|| format!("running {}", exe.display()))?;
    if !output.status.success() {
        bail!(
            "export child failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let report: ChildReport =
        serde_json::from_slice(&output.stdout).context("reading the export child's report")?;
    Ok(Export {
        threads: report.threads,
        pages: sim.sim().provider_requests_seen(ProviderKind::RevCent) - before,
        seconds: report.seconds,
        peak_rss_mib: report.peak_rss_kib as f64 / 1024.0,
    })
}

/// The child: exports `[since, until]` from the RevCent configured in the environment and
/// prints a [`ChildReport`].
pub fn child(args: &ChildArgs) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let started = Instant::now();
    let threads = runtime.block_on(walk(args))?;
    let report = ChildReport {
        threads,
        seconds: started.elapsed().as_secs_f64(),
        peak_rss_kib: crate::process::own_peak_rss_kib()?,
    };
    println!("{}", serde_json::to_string(&report)?);
    Ok(())
}

async fn walk(args: &ChildArgs) -> Result<usize> {
    let client = RevCentClient::new(RevCentConfig::from_env()?.with_concurrency(CONCURRENCY))?;
    // Oldest first: the order that streams (newest first holds a window at a time).
    let query = ListQuery::new()
        .with_range(
            OffsetDateTime::from_unix_timestamp(args.since)?,
            OffsetDateTime::from_unix_timestamp(args.until)?,
        )
        .with_order(Order::Asc);
    let mut threads = 0;
    match args.mode {
        Mode::Stream => {
            let facade = Client::builder().with_revcent(client).build();
            let mut stream = facade.export(ProviderKind::RevCent, query);
            while let Some(thread) = stream.next().await {
                black_box(thread?);
                threads += 1;
            }
        }
        Mode::Pages => {
            // The loop a caller writes against GetAIThreads: each 2-day window, one page
            // after the other, every thread converted as the stream converts it.
            let mut window = args.since;
            while window <= args.until {
                let stop = (window + MAX_RANGE_SECS).min(args.until + 1);
                let mut page = 1;
                loop {
                    let params = AiThreadListParams::new(window, stop).with_page(page);
                    let list = client.get_ai_threads(&params).await?;
                    let total_pages = list.total_pages.unwrap_or(0);
                    let listed: Vec<Thread> = list
                        .results
                        .unwrap_or_default()
                        .into_iter()
                        .map(AiThread::into_thread)
                        .collect();
                    threads += listed.len();
                    black_box(listed);
                    if page >= total_pages {
                        break;
                    }
                    page += 1;
                }
                window = stop;
            }
        }
    }
    Ok(threads)
}

/// `1,000,000`.
fn thousands(n: usize) -> String {
    crate::report::quantity(n as f64, "")
}
