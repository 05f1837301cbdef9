//! The `aithreads` binary against a simulator that lies (issue 16): every command ends, in
//! bounded time, with one clear line on stderr, the right exit code, nothing written twice
//! and nothing sent to another origin.

use std::collections::HashSet;
use std::process::Output;
use std::time::{Duration, Instant};

use aithreads_sim::{SimConfig, Simulator};
use assert_cmd::Command;

/// What any command may take against a hostile server.
const BOUND: Duration = Duration::from_secs(30);

struct Env {
    sim: Simulator,
    runtime: tokio::runtime::Runtime,
}

impl Env {
    fn start(threads: usize, faults: &str) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let sim = runtime
            .block_on(Simulator::start(SimConfig::default().with_threads(threads)))
            .unwrap();
        let rules = aithreads_sim::FaultPlan::parse(faults, 0).unwrap().rules();
        sim.faults().set(rules);
        Self { sim, runtime }
    }

    /// Runs `aithreads` configured for the simulator, with its time.
    fn run(&self, args: &[&str]) -> (Output, Duration) {
        let mut cmd = Command::cargo_bin("aithreads").unwrap();
        cmd.env_clear();
        for (name, value) in self.sim.client_env() {
            cmd.env(name, value);
        }
        cmd.timeout(BOUND);
        let started = Instant::now();
        let out = cmd.args(args).output().unwrap();
        (out, started.elapsed())
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Exit codes of a failure found talking to a server: 1, or 2 for a configuration error
/// (a redirect, a wrong base URL), which the command may report as either.
const FAILED: &[i32] = &[1];
const MISCONFIGURED: &[i32] = &[1, 2];

/// The command failed with one of `codes` within the bound, and stderr is one line
/// containing every one of `says`.
fn assert_one_line_failure(
    what: &str,
    (out, took): &(Output, Duration),
    codes: &[i32],
    says: &[&str],
) {
    let stderr = text(&out.stderr);
    assert!(*took < BOUND, "{what} took {took:?}");
    let code = out.status.code().unwrap_or(-1);
    assert!(codes.contains(&code), "{what}: exit {code}: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{what}: {stderr}");
    for part in says {
        assert!(stderr.contains(part), "{what}: no {part:?} in {stderr}");
    }
}

#[test]
fn listings_end_when_the_server_repeats_or_cycles_its_cursors() {
    for fault in ["chatkit:repeat-cursor", "chatkit:cycle-cursors"] {
        // More threads than `list --all` asks for in a page (100), so a cycle has two pages.
        let env = Env::start(250, fault);
        for args in [
            &["list", "-p", "chatkit", "--all"][..],
            &["list", "-p", "chatkit", "--status", "locked"][..],
        ] {
            let run = env.run(args);
            assert_one_line_failure(
                &format!("{fault} {args:?}"),
                &run,
                FAILED,
                &["chatkit: the listing does not end", "cursor cthr_"],
            );
        }
        // Export writes what it got, each thread once, then stops.
        let run = env.run(&["export", "-p", "chatkit"]);
        assert_one_line_failure(fault, &run, FAILED, &["cursor cthr_"]);
        let stdout = text(&run.0.stdout);
        let ids: Vec<&str> = stdout
            .lines()
            .map(|line| {
                line.split("\"id\":\"")
                    .nth(1)
                    .unwrap()
                    .split('"')
                    .next()
                    .unwrap()
            })
            .collect();
        assert!(!ids.is_empty(), "{fault}: nothing exported before the loop");
        let unique: HashSet<&&str> = ids.iter().collect();
        assert_eq!(
            unique.len(),
            ids.len(),
            "{fault}: a thread was written twice"
        );
    }
}

#[test]
fn get_stops_at_the_transcript_limit_when_item_pages_never_end() {
    let env = Env::start(0, "");
    let id = env
        .sim
        .sim()
        .chatkit()
        .create_active_thread("user_endless")
        .id;
    env.sim
        .faults()
        .set(vec!["chatkit:endless-pages".parse().unwrap()]);
    let reference = format!("chatkit:{id}");
    let before = env.sim.requests_seen();
    let run = env.run(&["get", &reference, "--max-items", "300"]);
    assert_one_line_failure(
        "get --max-items 300",
        &run,
        FAILED,
        &[&reference, "larger than the limit of 300 items"],
    );
    assert_eq!(
        env.sim.requests_seen() - before,
        1 + 4,
        "the thread and four item pages"
    );
    // The default limit: 10,000 items, about a hundred pages.
    let run = env.run(&["get", &reference]);
    assert_one_line_failure(
        "get",
        &run,
        FAILED,
        &["larger than the limit of 10000 items"],
    );
}

#[test]
fn a_redirect_is_a_configuration_error_and_nothing_reaches_the_other_origin() {
    let env = Env::start(5, "");
    let other = env
        .runtime
        .block_on(Simulator::start(SimConfig::default().with_threads(0)))
        .unwrap();
    let id = env
        .sim
        .sim()
        .chatkit()
        .create_active_thread("user_redirect")
        .id;
    let port = other.addr().port();
    env.sim
        .faults()
        .set(vec![format!("redirect=307:{port}").parse().unwrap()]);
    let reference = format!("chatkit:{id}");
    let run = env.run(&["delete", &reference, "--yes"]);
    let key = env.sim.client_var("OPENAI_API_KEY").unwrap();
    assert!(!text(&run.0.stderr).contains(&key));
    assert_one_line_failure(
        "delete",
        &run,
        MISCONFIGURED,
        &[&format!("127.0.0.1:{port}/"), "OPENAI_BASE_URL"],
    );
    assert_eq!(other.requests_seen(), 0);
    assert!(!env.sim.sim().chatkit().is_deleted(&id));
}

#[test]
fn a_base_url_missing_its_path_is_named_not_reported_as_missing_threads() {
    let env = Env::start(5, "");
    let mut cmd = Command::cargo_bin("aithreads").unwrap();
    cmd.env_clear();
    for (name, value) in env.sim.client_env() {
        cmd.env(name, value);
    }
    // The mistake: REVCENT_BASE_URL without /v2.
    cmd.env("REVCENT_BASE_URL", env.sim.base_url());
    let out = cmd
        .args(["get", "revcent:AbCdEfGhIjKlMnOpQrSt"])
        .timeout(BOUND)
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert!(
        MISCONFIGURED.contains(&out.status.code().unwrap_or(-1)),
        "{stderr}"
    );
    assert!(
        stderr.contains("base URL looks wrong") && stderr.contains("REVCENT_BASE_URL"),
        "{stderr}"
    );
    assert!(!stderr.contains("not found"), "{stderr}");
}
