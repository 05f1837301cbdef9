//! `aithreads list --all`: speed against the official openai-python client's auto-paginating
//! loop, and the CLI's peak memory as the listing grows.
//!
//! The simulator runs in this process, seeded with ChatKit threads; both contenders are whole
//! processes (start-up included), spawned through the `peak-rss` launcher with the
//! environment the simulator prints:
//!
//! - ours: `aithreads list --provider chatkit --all --output ndjson`, its output piped and
//!   counted;
//! - baseline: `for thread in client.beta.chatkit.threads.list(limit=100)` with openai-python
//!   (installed with pip when missing), the loop its README shows.
//!
//! Memory: the same command over [`RSS_SMALL`] and [`RSS_LARGE`] threads; the rows stream,
//! so the peak must not grow with the count. Likewise for a bulk command reading
//! [`RSS_LARGE`] references from stdin: `delete - --ignore-not-found --yes` on threads that
//! do not exist (a nightly delete run again), results streamed in input order.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use aithreads_sim::{Credentials, SimConfig, Simulator};
use anyhow::{Context, Result, bail, ensure};

use crate::Plan;
use crate::measure::{alternate, rate};
use crate::process::{Finished, run_measured};
use crate::report::{Better, Figures, Row};

/// Threads listed in the speed comparison (quick runs too: the ratio depends on the size).
const SPEED_THREADS: usize = 20_000;
/// The listing must be at least this much faster than openai-python's loop.
const SPEED_TARGET: f64 = 5.0;
/// The peak RSS the largest listing must stay under.
const RSS_LIMIT_MIB: f64 = 64.0;
/// The listing sizes whose peaks are compared (full runs).
const RSS_SMALL: usize = 10_000;
const RSS_LARGE: usize = 1_000_000;

/// openai-python's auto-paginating loop over every ChatKit thread; prints the count and
/// fails unless it is `expected`.
fn openai_loop(expected: usize) -> String {
    format!(
        "\
import os, sys
from openai import OpenAI
client = OpenAI(base_url=os.environ['OPENAI_BASE_URL'], api_key=os.environ['OPENAI_API_KEY'])
count = 0
for thread in client.beta.chatkit.threads.list(limit=100):
    count += 1
print(count)
sys.exit(0 if count == {expected} else 3)
"
    )
}

pub async fn run(plan: &Plan, exe: &Path, cli: &Path) -> Result<Vec<Row>> {
    let mut rows = vec![speed(plan, exe, cli).await?];
    rows.push(memory(plan, exe, cli).await?);
    rows.push(bulk_memory(plan, exe, cli).await?);
    Ok(rows)
}

/// The CLI against openai-python over [`SPEED_THREADS`] threads, in alternating rounds.
async fn speed(plan: &Plan, exe: &Path, cli: &Path) -> Result<Row> {
    let id = "list.vs_openai_python";
    let metric = format!("list --all: CLI vs openai-python, {SPEED_THREADS} ChatKit threads");
    let python = match openai_python() {
        Ok(python) => python,
        Err(error) => {
            return Ok(Row::absolute(id, metric, "threads/s", 0.0)
                .target(format!("≥ {SPEED_TARGET}×"), false)
                .note(format!("openai-python unavailable: {error:#}")));
        }
    };
    let sim = start(SPEED_THREADS).await?;
    let pairs = plan.pick(5, 1);
    let cli_run = list_args();
    let figures = {
        let (sim, python, cli_run) = (&sim, &python, &cli_run);
        alternate(
            pairs,
            move || async move {
                timed(exe, cli, cli_run, sim, SPEED_THREADS, |out| {
                    out.stdout_lines
                })
                .await
            },
            move || async move {
                let args = vec!["-c".to_owned(), openai_loop(SPEED_THREADS)];
                // The loop checks its own count (exit 3 when short).
                timed(exe, python, &args, sim, SPEED_THREADS, |_| SPEED_THREADS).await
            },
        )
        .await
    };
    ensure!(
        figures.ours > 0.0 && figures.baseline > 0.0,
        "a listing round failed"
    );
    Ok(Row::ratio(
        id,
        metric,
        "threads/s",
        figures,
        Better::Higher,
        SPEED_TARGET,
    )
    .note(format!(
        "aithreads list -p chatkit --all --output ndjson vs openai-python's \
         `for t in client.beta.chatkit.threads.list(limit=100)`, whole processes with \
         start-up, same simulator; the median pair of {pairs} alternating pairs"
    )))
}

/// The CLI's peak RSS listing [`RSS_LARGE`] threads, against [`RSS_SMALL`].
async fn memory(plan: &Plan, exe: &Path, cli: &Path) -> Result<Row> {
    let (small, large) = plan.pick((RSS_SMALL, RSS_LARGE), (RSS_SMALL, 100_000));
    let mut peaks = Vec::new();
    for threads in [small, large] {
        let sim = start(threads).await?;
        let out = measured(exe, cli, &list_args(), &sim).await?;
        ensure!(
            out.code == Some(0) && out.stdout_lines == threads,
            "list --all printed {} of {threads} threads (exit {:?}): {}",
            out.stdout_lines,
            out.code,
            out.stderr
        );
        peaks.push(out.peak_rss_kib as f64 / 1024.0);
    }
    let (small_mib, large_mib) = (peaks[0], peaks[1]);
    let flat = large_mib / small_mib <= 1.25;
    Ok(Row::ratio(
        "list.rss",
        format!("list --all peak RSS, {} ChatKit threads", thousands(large)),
        "MiB",
        Figures::new(large_mib, small_mib),
        Better::Lower,
        1.25,
    )
    .target(
        format!("< {RSS_LIMIT_MIB} MiB, ≤ 1.25× at {}", thousands(small)),
        large_mib < RSS_LIMIT_MIB && flat,
    )
    .note(format!(
        "ru_maxrss of aithreads list -p chatkit --all --output ndjson; baseline: the same \
         listing of {} threads",
        thousands(small)
    )))
}

/// The CLI's peak RSS deleting [`RSS_LARGE`] references read from stdin, against
/// [`RSS_SMALL`].
async fn bulk_memory(plan: &Plan, exe: &Path, cli: &Path) -> Result<Row> {
    let (small, large) = plan.pick((RSS_SMALL, RSS_LARGE), (RSS_SMALL, 100_000));
    let sim = start(0).await?;
    let args: Vec<String> = [
        "--output",
        "ndjson",
        "delete",
        "-",
        "--yes",
        "--ignore-not-found",
    ]
    .map(String::from)
    .to_vec();
    let mut peaks = Vec::new();
    for count in [small, large] {
        let stdin: String = (0..count)
            .map(|i| format!("chatkit:cthr_gone{i}\n"))
            .collect();
        let (exe, cli, args, env) = (
            exe.to_owned(),
            cli.to_owned(),
            args.clone(),
            sim.client_env(),
        );
        let out = tokio::task::spawn_blocking(move || {
            run_measured(&exe, &cli, &args, &env, stdin.into_bytes())
        })
        .await
        .context("the runner panicked")??;
        ensure!(
            out.code == Some(0) && out.stdout_lines == count,
            "delete - printed {} of {count} results (exit {:?}): {:.500}",
            out.stdout_lines,
            out.code,
            out.stderr
        );
        peaks.push(out.peak_rss_kib as f64 / 1024.0);
    }
    let (small_mib, large_mib) = (peaks[0], peaks[1]);
    Ok(Row::ratio(
        "bulk.rss",
        format!(
            "delete - peak RSS, {} references on stdin",
            thousands(large)
        ),
        "MiB",
        Figures::new(large_mib, small_mib),
        Better::Lower,
        1.25,
    )
    .target(
        format!("< {RSS_LIMIT_MIB} MiB, ≤ 1.25× at {}", thousands(small)),
        large_mib < RSS_LIMIT_MIB && large_mib / small_mib <= 1.25,
    )
    .note(format!(
        "ru_maxrss of aithreads delete - --yes --ignore-not-found on missing ChatKit threads, \
         references read lazily, results streamed; baseline: {} references",
        thousands(small)
    )))
}

fn list_args() -> Vec<String> {
    [
        "list",
        "--provider",
        "chatkit",
        "--all",
        "--output",
        "ndjson",
    ]
    .map(String::from)
    .to_vec()
}

/// A simulator with `threads` ChatKit threads.
async fn start(threads: usize) -> Result<Simulator> {
    Ok(Simulator::start(
        SimConfig::default()
            .with_threads(threads)
            .with_credentials(Credentials::demo()),
    )
    .await?)
}

/// Runs `program args` against `sim` through the launcher.
async fn measured(
    exe: &Path,
    program: &Path,
    args: &[String],
    sim: &Simulator,
) -> Result<Finished> {
    let (exe, program, args, env) = (
        exe.to_owned(),
        program.to_owned(),
        args.to_vec(),
        sim.client_env(),
    );
    tokio::task::spawn_blocking(move || run_measured(&exe, &program, &args, &env, Vec::new()))
        .await
        .context("the runner panicked")?
}

/// One round: threads per second of wall time, or 0 when the run failed or listed
/// fewer than `expected` threads (what `listed` reads from its output).
async fn timed(
    exe: &Path,
    program: &Path,
    args: &[String],
    sim: &Simulator,
    expected: usize,
    listed: impl Fn(&Finished) -> usize,
) -> f64 {
    match measured(exe, program, args, sim).await {
        Ok(out) if out.code == Some(0) && listed(&out) == expected => {
            rate(expected, out.elapsed.max(Duration::from_micros(1)))
        }
        Ok(out) => {
            eprintln!(
                "{} exited with {:?} after {} lines: {}",
                program.display(),
                out.code,
                out.stdout_lines,
                out.stderr
            );
            0.0
        }
        Err(error) => {
            eprintln!("{} failed: {error:#}", program.display());
            0.0
        }
    }
}

/// The Python interpreter that has openai-python, installing it with pip if missing.
fn openai_python() -> Result<PathBuf> {
    let has_openai = |python: &str| {
        Command::new(python)
            .args(["-c", "import openai, sys; print(sys.executable)"])
            .output()
            .ok()
            .filter(|out| out.status.success())
            .map(|out| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
    };
    if let Some(python) = has_openai("python3") {
        return Ok(python);
    }
    eprintln!("  installing openai-python with pip (python3 -m pip install --quiet openai)");
    let installed = Command::new("python3")
        .args(["-m", "pip", "install", "--quiet", "openai"])
        .status()
        .context("running python3 -m pip (is Python 3 installed?)")?;
    if !installed.success() {
        bail!("python3 -m pip install openai failed ({installed})");
    }
    has_openai("python3").context("openai-python still does not import after pip install")
}

fn thousands(n: usize) -> String {
    crate::report::quantity(n as f64, "")
}
