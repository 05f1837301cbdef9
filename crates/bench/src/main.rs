//! `aithreads-bench`: the harness behind `cargo xtask bench`.
//!
//! It runs every scenario, each figure against a baseline measured in the same run, prints
//! one table (metric, ours, baseline, ratio, target, met?) and writes it as JSON. With
//! `--quick` it runs each scenario briefly, at small sizes (except where a ratio depends on
//! the size: the export comparison and the CLI load), and fails when a ratio is more than 2×
//! worse than in the committed summary (`--baseline`) or a correctness figure is not met.
//!
//! | scenario | ours | baseline |
//! |---|---|---|
//! | [`signing`] | `sign::sign` | the bare 2×SHA-256 + 4×HMAC-SHA256 chain |
//! | [`decoding`] | `Response::json` into the generated models | serde_json into plain structs |
//! | [`overhead`] | each client's one-request read | raw reqwest + serde_json, same request |
//! | [`export`] | `Client::export` streaming 100k and 1M threads | a sequential page loop |
//! | [`file_export`] | `Client::export_to` Parquet, to S3, resumed after SIGKILL | NDJSON, a local file, a clean run |
//! | [`bulk_stop`] | 1,000 TRTC stops under the client limiter | the configured rate |
//! | [`load`] | the CLI's `get -` / `cancel -` with 10,000 refs | `Client::get_many` |
//! | [`listing`] | the CLI's `list --all`: 20,000 ChatKit threads; peak RSS at 1M | openai-python's auto-paginating loop; the 10,000 listing |
//!
//! Build it in release mode (`cargo xtask bench` does): debug figures mean nothing.
#![deny(missing_docs)]

mod bulk_stop;
mod decoding;
mod export;
mod file_export;
mod listing;
mod load;
mod measure;
mod overhead;
mod process;
mod report;
mod signing;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand, ValueEnum};

use report::{Row, Summary};

/// Benchmarks of aithreads against baselines measured alongside.
#[derive(Debug, Parser)]
#[command(name = "aithreads-bench")]
struct Args {
    /// Each scenario briefly, at small sizes (for CI).
    #[arg(long)]
    quick: bool,
    /// Where to write the summary JSON.
    /// (The same table in Markdown goes next to it, as `.md`.)
    #[arg(long, default_value = "target/bench/summary.json")]
    summary: PathBuf,
    /// A committed summary to compare with: fail when a ratio is more than 2× worse.
    #[arg(long)]
    baseline: Option<PathBuf>,
    /// The `aithreads` CLI binary [default: next to this one].
    #[arg(long)]
    cli: Option<PathBuf>,
    /// Run only these scenarios.
    #[arg(long, value_enum, value_delimiter = ',')]
    only: Vec<Scenario>,
    #[command(subcommand)]
    child: Option<Child>,
}

#[derive(Debug, Subcommand)]
enum Child {
    /// One export, for the export scenario (internal).
    #[command(hide = true, name = "export-child")]
    Export(export::ChildArgs),
    /// One export to a file or URL, for the file export scenario (internal).
    #[command(hide = true, name = "file-export-child")]
    FileExport(file_export::ChildArgs),
    /// Runs a program and reports its peak RSS on stderr (internal).
    #[command(hide = true)]
    PeakRss {
        /// The program.
        program: OsString,
        /// Its arguments.
        #[arg(last = true)]
        args: Vec<OsString>,
    },
}

/// The scenarios, in the order they run: the in-memory ones first, while this process's
/// allocator has seen nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Scenario {
    Signing,
    Decoding,
    Overhead,
    Export,
    FileExport,
    BulkStop,
    Load,
    Listing,
}

/// Full or quick sizes.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    quick: bool,
}

impl Plan {
    /// `full` in a full run, `quick` in a quick one.
    pub fn pick<T>(&self, full: T, quick: T) -> T {
        if self.quick { quick } else { full }
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    let result = match &args.child {
        Some(Child::Export(child)) => export::child(child).map(|()| true),
        Some(Child::FileExport(child)) => file_export::child(child).map(|()| true),
        Some(Child::PeakRss { program, args }) => {
            return process::launch(program, args).unwrap_or_else(|error| {
                eprintln!("aithreads-bench: {error:#}");
                ExitCode::FAILURE
            });
        }
        None => run(&args),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("aithreads-bench: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Runs the scenarios; `Ok(false)` when a quick run found regressions.
fn run(args: &Args) -> Result<bool> {
    let plan = Plan { quick: args.quick };
    let exe = std::env::current_exe().context("locating this binary")?;
    let cli = match &args.cli {
        Some(cli) => cli.clone(),
        None => exe.with_file_name(format!("aithreads{}", std::env::consts::EXE_SUFFIX)),
    };
    let wanted = |s: Scenario| args.only.is_empty() || args.only.contains(&s);
    if (wanted(Scenario::Load) || wanted(Scenario::Listing)) && !cli.is_file() {
        bail!(
            "no CLI binary at {}: build it (cargo build --release -p aithreads-cli) or pass --cli",
            cli.display()
        );
    }
    let committed = args.baseline.as_deref().map(Summary::read).transpose()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let started = Instant::now();
    let mut rows: Vec<Row> = Vec::new();
    for scenario in Scenario::value_variants()
        .iter()
        .copied()
        .filter(|s| wanted(*s))
    {
        let name = format!("{scenario:?}");
        eprintln!("running {name} ...");
        let scenario_started = Instant::now();
        let found = runtime
            .block_on(run_scenario(scenario, &plan, &exe, &cli))
            .with_context(|| format!("scenario {name}"))?;
        eprintln!(
            "  {name}: {:.1} s",
            scenario_started.elapsed().as_secs_f64()
        );
        rows.extend(found);
    }
    let summary = Summary {
        mode: if args.quick { "quick" } else { "full" }.into(),
        unix_time: aithreads_sim::unix_now(),
        cpus: std::thread::available_parallelism().map_or(1, usize::from),
        seconds: started.elapsed().as_secs_f64(),
        rows,
    };
    println!("{}", summary.table());
    summary.write(&args.summary)?;
    let markdown = args.summary.with_extension("md");
    std::fs::write(&markdown, summary.markdown())
        .with_context(|| format!("writing {}", markdown.display()))?;
    println!(
        "{} run in {:.0} s on {} CPUs; summary written to {}",
        summary.mode,
        summary.seconds,
        summary.cpus,
        args.summary.display()
    );
    let Some(committed) = committed else {
        return Ok(true);
    };
    let regressions = summary.regressions(&committed);
    if regressions.is_empty() {
        println!("no regression against the committed summary");
        return Ok(true);
    }
    for regression in &regressions {
        println!("REGRESSION {regression}");
    }
    Ok(false)
}

async fn run_scenario(scenario: Scenario, plan: &Plan, exe: &Path, cli: &Path) -> Result<Vec<Row>> {
    match scenario {
        Scenario::Overhead => overhead::run(plan).await,
        Scenario::Signing => signing::run(plan),
        Scenario::Decoding => decoding::run(plan).await,
        Scenario::Export => export::run(plan, exe).await,
        Scenario::FileExport => file_export::run(plan, exe).await,
        Scenario::BulkStop => bulk_stop::run(plan).await,
        Scenario::Load => load::run(plan, exe, cli).await,
        Scenario::Listing => listing::run(plan, exe, cli).await,
    }
}
