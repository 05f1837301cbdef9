//! The `aithreads` binary end to end against the simulator: every subcommand, output format
//! and exit code.

use std::process::Output;

use aithreads_sim::{Credentials, SimConfig, Simulator};
use assert_cmd::Command;
use serde_json::Value;

/// Credentials the simulator accepts in these tests; distinctive so a leak is easy to spot.
fn fake_credentials() -> Credentials {
    Credentials {
        revcent_api_key: "rc-SECRET-7c1e9d2a55".into(),
        tencent_secret_id: "AKIDfakeSECRETid0000000000000000".into(),
        tencent_secret_key: "tc-SECRET-key-4b8f0e1d9a".into(),
        openai_api_key: "sk-SECRET-openai-6d3f2b".into(),
    }
}

pub struct Env {
    pub sim: Simulator,
    _runtime: tokio::runtime::Runtime,
}

impl Env {
    pub fn start(threads: usize) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let sim = runtime
            .block_on(Simulator::start(
                SimConfig::default()
                    .with_threads(threads)
                    .with_credentials(fake_credentials()),
            ))
            .unwrap();
        Self {
            sim,
            _runtime: runtime,
        }
    }

    /// The `aithreads` command, configured for the simulator the way users configure it.
    pub fn cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin("aithreads").unwrap();
        cmd.env_clear();
        for (name, value) in self.sim.client_env() {
            cmd.env(name, value);
        }
        cmd.timeout(std::time::Duration::from_secs(60));
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().unwrap()
    }

    fn json(&self, args: &[&str]) -> Value {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{args:?} printed no JSON ({e}): {}", text(&out.stdout)))
    }

    /// References of threads `list` shows for these arguments.
    fn refs(&self, args: &[&str]) -> Vec<String> {
        let mut full = vec!["list", "--output", "json"];
        full.extend_from_slice(args);
        self.json(&full)
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                format!(
                    "{}:{}",
                    t["provider"].as_str().unwrap(),
                    t["id"].as_str().unwrap()
                )
            })
            .collect()
    }
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

pub fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

#[test]
fn list_prints_json_ndjson_and_tables() {
    let env = Env::start(60);
    let threads = env.json(&[
        "list",
        "--provider",
        "revcent",
        "--since",
        "30d",
        "--limit",
        "7",
        "--output",
        "json",
    ]);
    let threads = threads.as_array().unwrap();
    assert_eq!(threads.len(), 7);
    assert!(
        threads
            .iter()
            .all(|t| t["provider"] == "revcent" && t["status"].is_string())
    );

    let out = env.run(&[
        "list",
        "--provider",
        "chatkit",
        "--limit",
        "3",
        "--output",
        "ndjson",
    ]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let lines: Vec<Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert!(lines.iter().all(|t| t["provider"] == "chatkit"));

    let out = env.run(&[
        "list",
        "--provider",
        "chatkit",
        "--limit",
        "2",
        "--output",
        "table",
    ]);
    let table = text(&out.stdout);
    assert!(
        table.contains("REF") && table.contains("STATUS") && table.contains("chatkit:"),
        "{table}"
    );
}

#[test]
fn list_all_walks_every_page_and_filters_by_status() {
    let env = Env::start(80);
    let all = env.refs(&["--provider", "revcent", "--since", "31d", "--all"]);
    assert_eq!(all.len(), 80, "every seeded thread, once");
    let mut unique = all.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), all.len());
    let running = env.json(&[
        "list",
        "--provider",
        "revcent",
        "--since",
        "31d",
        "--all",
        "--status",
        "running",
        "--output",
        "json",
    ]);
    let running = running.as_array().unwrap();
    assert!(!running.is_empty());
    assert!(running.iter().all(|t| t["status"] == "running"));
}

#[test]
fn get_shows_messages_and_reports_each_failure() {
    let env = Env::start(30);
    let id = env
        .refs(&["--provider", "revcent", "--since", "31d", "--limit", "1"])
        .remove(0);
    let out = env.run(&["get", &id, "--output", "table"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    assert!(shown.contains(&id) && shown.contains("messages"), "{shown}");

    let out = env.run(&["get", &id, "chatkit:cthr_doesnotexist", "--output", "json"]);
    assert_eq!(code(&out), 1, "one item failed");
    let results: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(results[0]["ok"], true);
    assert_eq!(results[1]["ok"], false);
    assert_eq!(results[1]["error"]["kind"], "not_found");
    let stderr = text(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "one line per failure: {stderr}");
    assert!(stderr.contains("chatkit:cthr_doesnotexist"));
}

#[test]
fn usage_and_configuration_errors_exit_2_with_one_clear_line() {
    let env = Env::start(5);
    let out = env.run(&["get", "nonsense"]);
    assert_eq!(code(&out), 2);
    assert_eq!(
        text(&out.stderr).lines().count(),
        1,
        "{}",
        text(&out.stderr)
    );

    let out = Command::cargo_bin("aithreads")
        .unwrap()
        .env_clear()
        .args(["list", "--provider", "revcent"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 2);
    assert!(
        text(&out.stderr).contains("REVCENT_API_KEY"),
        "{}",
        text(&out.stderr)
    );

    let out = env.run(&["list", "--provider", "slack"]);
    assert_eq!(code(&out), 2);
}

#[test]
fn cancel_reads_refs_from_stdin_and_reports_per_item() {
    let env = Env::start(60);
    let running = env.refs(&[
        "--provider",
        "revcent",
        "--since",
        "31d",
        "--all",
        "--status",
        "running",
    ]);
    assert!(running.len() >= 2, "the seed has running threads");
    let input = format!("{}\n{}\n", running[0], running[1]);
    let out = env
        .cmd()
        .args([
            "cancel",
            "-",
            "revcent:AAAAAAAAAAAAAAAAAAAA",
            "--output",
            "json",
        ])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(
        code(&out),
        1,
        "the unknown thread fails: {}",
        text(&out.stderr)
    );
    let results: Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = results.as_array().unwrap();
    assert_eq!(results.len(), 3);
    assert_eq!(results[0]["ok"], true);
    assert_eq!(results[1]["ok"], true);
    assert_eq!(results[2]["ok"], false);
    let after = env.json(&["get", &running[0], "--output", "json"]);
    assert_eq!(after[0]["result"]["status"], "cancelled");
}

#[test]
fn delete_dry_run_and_yes() {
    let env = Env::start(20);
    let victims = env.refs(&["--provider", "chatkit", "--limit", "2"]);
    let out = env.run(&["delete", &victims[0], &victims[1], "--dry-run"]);
    assert_eq!(code(&out), 0);
    assert!(text(&out.stdout).contains(&format!("would delete {}", victims[0])));
    assert_eq!(
        env.json(&["get", &victims[0], "--output", "json"])[0]["ok"],
        true,
        "dry run deleted nothing"
    );

    let results = env.json(&["delete", &victims[0], "--yes", "--output", "json"]);
    assert_eq!(results[0]["ok"], true);
    let out = env.run(&["get", &victims[0], "--output", "json"]);
    assert_eq!(code(&out), 1);
    let gone: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(gone[0]["error"]["kind"], "not_found");
}

#[test]
fn export_streams_ndjson_to_a_file() {
    let env = Env::start(70);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("threads.ndjson");
    let out = env.run(&[
        "export",
        "--provider",
        "revcent",
        "--since",
        "31d",
        "-o",
        file.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let lines: Vec<Value> = std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 70);
    assert!(text(&out.stderr).contains("exported 70"));

    let out = env.run(&["export", "--provider", "chatkit", "--transcripts"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let first: Value = serde_json::from_str(text(&out.stdout).lines().next().unwrap()).unwrap();
    assert!(
        first["messages"].is_array(),
        "transcripts carry messages: {first}"
    );
}

#[test]
fn items_lists_a_chatkit_thread() {
    let env = Env::start(10);
    let thread = env
        .refs(&["--provider", "chatkit", "--limit", "1"])
        .remove(0);
    let items = env.json(&["items", &thread, "--output", "json"]);
    let items = items.as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items.iter().all(|i| i["object"] == "chatkit.thread_item"));
    let out = env.run(&["items", "revcent:AAAAAAAAAAAAAAAAAAAA"]);
    assert_eq!(code(&out), 2, "items is ChatKit only");
}

#[test]
fn trtc_start_describe_and_stop() {
    let env = Env::start(5);
    let started = env.json(&[
        "trtc",
        "start",
        "--sdk-app-id",
        "1400000001",
        "--room-id",
        "demo-room",
        "--user-id",
        "bot-1",
        "--user-sig",
        "sig",
        "--target-user-id",
        "alice",
        "--output",
        "json",
    ]);
    let task = started["TaskId"]
        .as_str()
        .unwrap_or_else(|| panic!("no TaskId in {started}"))
        .to_owned();
    let described = env.json(&["trtc", "describe", &task, "--output", "json"]);
    assert_eq!(described["TaskId"], task);
    let stopped = env.json(&[
        "cancel",
        &format!("trtc:ap-singapore/{task}"),
        "--output",
        "json",
    ]);
    assert_eq!(stopped[0]["ok"], true, "{stopped}");
}

#[test]
fn completions_are_printed() {
    for shell in ["bash", "zsh", "fish"] {
        let out = Command::cargo_bin("aithreads")
            .unwrap()
            .args(["completions", shell])
            .output()
            .unwrap();
        assert_eq!(code(&out), 0);
        assert!(text(&out.stdout).contains("aithreads"));
    }
}

#[test]
fn the_demo_runs_end_to_end() {
    let out = Command::cargo_bin("aithreads")
        .unwrap()
        .env_clear()
        .arg("demo")
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .unwrap();
    assert_eq!(
        code(&out),
        0,
        "{}\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let shown = text(&out.stdout);
    for part in ["RevCent", "TRTC", "ChatKit", "cancel", "export"] {
        assert!(shown.contains(part), "the demo shows no {part}:\n{shown}");
    }
}

#[test]
fn secrets_never_appear_in_any_output_at_trace_level() {
    let env = Env::start(20);
    let creds = fake_credentials();
    let secrets = [
        &creds.revcent_api_key,
        &creds.tencent_secret_key,
        &creds.openai_api_key,
    ];
    let revcent = env
        .refs(&["--provider", "revcent", "--since", "31d", "--limit", "1"])
        .remove(0);
    let chatkit = env.refs(&["--provider", "chatkit", "--limit", "2"]);
    let commands: Vec<Vec<String>> = [
        vec![
            "list",
            "--provider",
            "revcent",
            "--since",
            "31d",
            "--limit",
            "3",
        ],
        vec!["list", "--provider", "chatkit"],
        vec!["get", &revcent, &chatkit[0], "revcent:AAAAAAAAAAAAAAAAAAAA"],
        vec!["cancel", &revcent],
        vec!["delete", &chatkit[1], "--yes"],
        vec!["items", &chatkit[0]],
        vec!["export", "--provider", "chatkit"],
        vec!["trtc", "describe", "no-such-task"],
        vec![
            "trtc",
            "start",
            "--sdk-app-id",
            "1",
            "--room-id",
            "r",
            "--user-id",
            "u",
            "--user-sig",
            "s",
            "--target-user-id",
            "t",
        ],
    ]
    .iter()
    .map(|args| args.iter().map(|s| s.to_string()).collect())
    .collect();
    for args in &commands {
        let out = env
            .cmd()
            .env("RUST_LOG", "trace")
            .arg("-vvv")
            .args(args)
            .output()
            .unwrap();
        for stream in [&out.stdout, &out.stderr] {
            let shown = text(stream);
            for secret in secrets {
                assert!(
                    !shown.contains(secret.as_str()),
                    "`{args:?}` printed a secret"
                );
            }
        }
    }
    // A wrong key makes the providers answer with errors; the key still never shows.
    let out = env
        .cmd()
        .env("OPENAI_API_KEY", "sk-WRONG-SECRET-123456")
        .env("RUST_LOG", "trace")
        .args(["list", "--provider", "chatkit"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 1);
    assert!(!text(&out.stderr).contains("sk-WRONG-SECRET-123456"));
}
