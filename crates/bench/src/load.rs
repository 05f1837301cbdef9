//! Load test of the CLI's bulk paths: `aithreads get -` and `aithreads cancel -` reading
//! 10,000 references from stdin, 64 requests in flight, against the simulator.
//!
//! The simulator runs in this process; the CLI is the release binary, configured through the
//! environment the simulator prints, its output piped and counted. Its peak RSS comes from
//! the kernel when it is reaped. `get` is timed against the library call it wraps
//! (`Client::get_many` at the same concurrency, in this process) in alternating rounds;
//! `cancel` changes the state, so it runs once, on the `Running` and `Timer` threads of a
//! simulator seeded with four times as many threads (a quarter of seeded threads are
//! cancellable).

use std::cell::{Cell, RefCell};
use std::path::Path;
use std::time::{Duration, Instant};

use aithreads::providers::revcent::{AiThreadStatus, RevCentClient, RevCentConfig};
use aithreads::{Client, ProviderKind, ThreadRef};
use aithreads_sim::{Credentials, SimConfig, Simulator};
use anyhow::{Context, Result, ensure};

use crate::Plan;
use crate::measure::{alternate, rate};
use crate::process::{Finished, run_measured};
use crate::report::{Better, Row};

/// Requests in flight, for the CLI and the library alike.
const CONCURRENCY: usize = 64;
/// The peak RSS the CLI must stay under.
const RSS_LIMIT_MIB: f64 = 128.0;

/// One CLI run, as the simulator and the kernel saw it.
struct CliRun {
    requests: u64,
    elapsed: Duration,
    failed: usize,
    peak_rss_mib: f64,
}

pub async fn run(plan: &Plan, exe: &Path, cli: &Path) -> Result<Vec<Row>> {
    // Quick runs keep the full count: the CLI's start-up and output weigh more on fewer
    // references, which would move the ratio compared with the committed one.
    let count = 10_000;
    let pairs = plan.pick(3, 1);
    let mut rows = Vec::new();

    // get: every seeded thread, with its transcript.
    let sim = start(count).await?;
    let refs = sim.sim().revcent().ids_created_between(i64::MIN, i64::MAX);
    ensure!(refs.len() == count, "expected {count} threads");
    let library = library_client(&sim)?;
    let parsed: Vec<ThreadRef> = refs
        .iter()
        .map(|id| format!("revcent:{id}").parse())
        .collect::<aithreads::Result<_>>()?;
    // What the CLI rounds saw besides their rate.
    let failed = Cell::new(0);
    let peak_mib = Cell::new(0.0_f64);
    let failure = RefCell::new(None);
    let figures = {
        let (sim, refs, parsed, library) = (&sim, &refs, &parsed, &library);
        let (failed, peak_mib, failure) = (&failed, &peak_mib, &failure);
        alternate(
            pairs,
            move || async move {
                match run_cli(exe, cli, sim, "get", refs).await {
                    Ok(run) => {
                        failed.set(failed.get() + run.failed);
                        peak_mib.set(peak_mib.get().max(run.peak_rss_mib));
                        rate(run.requests as usize, run.elapsed)
                    }
                    Err(error) => {
                        failure.replace(Some(error));
                        0.0
                    }
                }
            },
            move || async move {
                let started = Instant::now();
                let results = library.get_many(parsed).await;
                let ok = results.iter().filter(|r| r.is_ok()).count();
                rate(ok, started.elapsed())
            },
        )
        .await
    };
    if let Some(error) = failure.into_inner() {
        return Err(error);
    }
    drop(sim);
    rows.push(
        Row::ratio(
            "load.get",
            format!("load: CLI get - ({}, c={CONCURRENCY})", thousands(count)),
            "req/s",
            figures,
            Better::Higher,
            0.0,
        )
        .reported()
        .note(format!(
            "aithreads --output ndjson get - vs Client::get_many in process; \
             the median pair of {pairs} alternating pairs"
        )),
    );
    let (get_failed, get_peak) = (failed.get(), peak_mib.get());

    // cancel: the cancellable threads of a simulator seeded with four times as many.
    let sim = start(4 * count).await?;
    let cancellable: Vec<String> = {
        let state = sim.sim().revcent();
        state
            .ids_created_between(i64::MIN, i64::MAX)
            .into_iter()
            .filter(|id| {
                matches!(
                    state.status(id),
                    Some(AiThreadStatus::Running | AiThreadStatus::Timer)
                )
            })
            .take(count)
            .collect()
    };
    ensure!(
        cancellable.len() == count,
        "only {} cancellable threads",
        cancellable.len()
    );
    let cancel = run_cli(exe, cli, &sim, "cancel", &cancellable).await?;
    let still_running = {
        let state = sim.sim().revcent();
        cancellable
            .iter()
            .filter(|id| state.status(id) != Some(AiThreadStatus::Cancelled))
            .count()
    };
    rows.push(
        Row::absolute(
            "load.cancel",
            format!("load: CLI cancel - ({}, c={CONCURRENCY})", thousands(count)),
            "req/s",
            rate(cancel.requests as usize, cancel.elapsed),
        )
        .note(format!(
            "aithreads --output ndjson cancel -; {} requests in {:.2} s",
            cancel.requests,
            cancel.elapsed.as_secs_f64()
        )),
    );
    let errors = get_failed + cancel.failed + still_running;
    rows.push(
        Row::absolute(
            "load.errors",
            "load: failed items (get + cancel)",
            "",
            errors as f64,
        )
        .target("0", errors == 0)
        .invariant()
        .note(format!(
            "get: {get_failed}, cancel: {}, threads not cancelled afterwards: {still_running}",
            cancel.failed
        )),
    );
    for (id, name, mib) in [
        ("load.rss_get", "get", get_peak),
        ("load.rss_cancel", "cancel", cancel.peak_rss_mib),
    ] {
        rows.push(
            Row::absolute(
                id,
                format!("load: CLI peak RSS, {name} - ({})", thousands(count)),
                "MiB",
                mib,
            )
            .target(format!("< {RSS_LIMIT_MIB} MiB"), mib < RSS_LIMIT_MIB)
            .note("ru_maxrss of the CLI process, from wait4"),
        );
    }
    Ok(rows)
}

async fn start(threads: usize) -> Result<Simulator> {
    Ok(Simulator::start(
        SimConfig::default()
            .with_threads(threads)
            .with_credentials(Credentials::demo()),
    )
    .await?)
}

/// The facade over a RevCent client pointed at `sim`, with the CLI's concurrency.
fn library_client(sim: &Simulator) -> Result<Client> {
    let var = |name: &str| sim.client_var(name);
    Ok(Client::builder()
        .with_revcent(RevCentClient::new(RevCentConfig::from_vars(var)?)?)
        .with_concurrency(CONCURRENCY)
        .build())
}

/// Runs `aithreads --output ndjson --concurrency 64 <command> -` on `ids`, through the
/// launcher `exe` that measures its peak RSS.
async fn run_cli(
    exe: &Path,
    cli: &Path,
    sim: &Simulator,
    command: &str,
    ids: &[String],
) -> Result<CliRun> {
    let stdin: String = ids.iter().map(|id| format!("revcent:{id}\n")).collect();
    let args: Vec<String> = [
        "--output",
        "ndjson",
        "--concurrency",
        &CONCURRENCY.to_string(),
        command,
        "-",
    ]
    .map(String::from)
    .to_vec();
    let (exe, cli, env) = (exe.to_owned(), cli.to_owned(), sim.client_env());
    let before = sim.sim().provider_requests_seen(ProviderKind::RevCent);
    let finished: Finished = tokio::task::spawn_blocking(move || {
        run_measured(&exe, &cli, &args, &env, stdin.into_bytes())
    })
    .await
    .context("the CLI runner panicked")??;
    let requests = sim.sim().provider_requests_seen(ProviderKind::RevCent) - before;
    // One output line per reference; each failure is also one `aithreads: <ref>: …` line
    // on stderr, and makes the exit code 1.
    let reported = finished
        .stderr
        .lines()
        .filter(|line| line.starts_with("aithreads: "))
        .count();
    let missing = ids.len().saturating_sub(finished.stdout_lines);
    ensure!(
        finished.code.is_some_and(|code| code <= 1),
        "aithreads {command} exited with {:?}: {}",
        finished.code,
        finished.stderr
    );
    Ok(CliRun {
        requests,
        elapsed: finished.elapsed,
        failed: reported.max(missing),
        peak_rss_mib: finished.peak_rss_kib as f64 / 1024.0,
    })
}

fn thousands(n: usize) -> String {
    format!("{} refs", crate::report::quantity(n as f64, ""))
}
