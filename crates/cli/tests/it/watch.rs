//! `aithreads watch` and `list --watch` against the simulator: status changes as they
//! happen, the end when every thread has ended, exit codes, and the request rate.

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use aithreads::providers::trtc::TaskStatus;
use assert_cmd::cargo::CommandCargoExt;
use serde_json::Value;

use crate::common::{Env, code, text};

const REGION: &str = "ap-singapore";

/// `aithreads ARGS` running in the background, configured like [`Env::cmd`].
fn spawn(env: &Env, args: &[&str]) -> Child {
    let mut cmd = Command::cargo_bin("aithreads").unwrap();
    cmd.env_clear();
    for (name, value) in env.sim.client_env() {
        cmd.env(name, value);
    }
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits for `child` to exit (at most `limit`): exit code, stdout, stderr.
fn finish(mut child: Child, limit: Duration) -> (i32, String, String) {
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > limit {
            child.kill().unwrap();
            panic!("still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stdout = String::new();
    let mut stderr = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    (status.code().unwrap_or(-1), stdout, stderr)
}

fn events(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}

/// The `to` of each event about `reference`, in order.
fn path_of(events: &[Value], reference: &str) -> Vec<String> {
    events
        .iter()
        .filter(|e| e["ref"] == reference)
        .map(|e| e["to"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn watch_follows_tasks_until_they_are_stopped_elsewhere() {
    let env = Env::start(0);
    let refs: Vec<String> = ["301", "302"]
        .iter()
        .map(|room| {
            let out = env.run(&[
                "trtc",
                "start",
                "--sdk-app-id",
                "1400000001",
                "--room-id",
                room,
                "--user-id",
                "bot-1",
                "--user-sig",
                "sig",
                "--target-user-id",
                "alice",
                "--output",
                "table",
            ]);
            assert_eq!(code(&out), 0, "{}", text(&out.stderr));
            text(&out.stdout).trim().to_owned()
        })
        .collect();
    let watch = spawn(
        &env,
        &[
            "watch",
            &refs[0],
            &refs[1],
            "--interval",
            "100ms",
            "--output",
            "ndjson",
        ],
    );
    // Let the watch see the tasks run, then stop them from another process.
    std::thread::sleep(Duration::from_millis(1500));
    let out = env.run(&["cancel", &refs[0], &refs[1], "--output", "json"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let (exit, stdout, stderr) = finish(watch, Duration::from_secs(30));
    assert_eq!(exit, 0, "{stderr}");
    let events = events(&stdout);
    for reference in &refs {
        let path = path_of(&events, reference);
        assert_eq!(
            path.last().map(String::as_str),
            Some("completed"),
            "{path:?}"
        );
        assert!(path.contains(&"running".to_owned()), "{path:?}");
        // Only changes are printed: no state twice in a row.
        assert!(path.windows(2).all(|w| w[0] != w[1]), "{path:?}");
        let first = events
            .iter()
            .find(|e| e["ref"] == reference.as_str())
            .unwrap();
        assert_eq!(first["from"], Value::Null);
        let last = events
            .iter()
            .rfind(|e| e["ref"] == reference.as_str())
            .unwrap();
        assert_eq!(last["from"], "running");
        assert_eq!(last["provider_status"], "Stopped");
        assert!(last["at"].as_str().unwrap().ends_with('Z'));
    }
    let trtc = env.sim.sim().trtc();
    assert_eq!(trtc.requests("StopAIConversation", REGION), 2);
    // At least a few rounds of two, each a Describe.
    assert!(trtc.requests("DescribeAIConversation", REGION) >= 6);
    assert_eq!(trtc.rate_limited_answers(), 0);
}

#[test]
fn watch_exit_codes() {
    let env = Env::start(0);
    // Every thread already ended: one line each, then done.
    let task = env.sim.sim().trtc().start_task(REGION);
    env.sim
        .sim()
        .trtc()
        .set_task_status(REGION, &task, TaskStatus::Stopped);
    let reference = format!("trtc:{REGION}/{task}");
    let out = env.run(&["watch", &reference, "--output", "table"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    assert_eq!(shown.lines().count(), 1, "{shown}");
    assert!(
        shown.contains(&reference) && shown.contains("- -> completed (Stopped)"),
        "{shown}"
    );
    // A task that was never there cannot be followed: exit 1, one line on stderr; the
    // others are still followed to their end.
    let out = env.run(&[
        "watch",
        &reference,
        &format!("trtc:{REGION}/no-such-task"),
        "--output",
        "ndjson",
    ]);
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    assert_eq!(events(&text(&out.stdout)).len(), 1);
    let stderr = text(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("no-such-task") && stderr.contains("not found"),
        "{stderr}"
    );
    // Usage: a bad reference, an interval too short.
    for args in [
        vec!["watch", "nonsense"],
        vec!["watch", &reference, "--interval", "1ms"],
        vec!["watch", &reference, "--interval", "soon"],
    ] {
        let out = env.run(&args);
        assert_eq!(code(&out), 2, "{args:?}: {}", text(&out.stderr));
    }
}

#[test]
fn watching_many_tasks_stays_within_the_describe_limit() {
    let env = Env::start(0);
    let tasks: Vec<String> = (0..25)
        .map(|_| env.sim.sim().trtc().start_task(REGION))
        .collect();
    let refs: Vec<String> = tasks.iter().map(|t| format!("trtc:{REGION}/{t}")).collect();
    let mut args = vec!["watch", "--interval", "100ms", "--output", "ndjson"];
    args.extend(refs.iter().map(String::as_str));
    let started = Instant::now();
    let watch = spawn(&env, &args);
    std::thread::sleep(Duration::from_secs(3));
    for task in &tasks {
        env.sim
            .sim()
            .trtc()
            .set_task_status(REGION, task, TaskStatus::Stopped);
    }
    let (exit, stdout, stderr) = finish(watch, Duration::from_secs(30));
    let elapsed = started.elapsed().as_secs_f64();
    assert_eq!(exit, 0, "{stderr}");
    assert_eq!(
        events(&stdout).len(),
        50,
        "running, then completed, for each"
    );
    let trtc = env.sim.sim().trtc();
    let describes = trtc.requests("DescribeAIConversation", REGION);
    // The simulator enforces 20/s; the client never trips it, and asks no faster.
    assert_eq!(trtc.rate_limited_answers(), 0, "{stderr}");
    assert!(describes >= 50, "{describes}");
    assert!(
        describes as f64 <= 20.0 * elapsed + 1.0,
        "{describes} describes in {elapsed:.1}s"
    );
}

#[test]
fn list_watch_follows_the_listed_threads() {
    let env = Env::start(60);
    let listed = env.json(&[
        "list",
        "--provider",
        "revcent",
        "--since",
        "31d",
        "--status",
        "running",
        "--limit",
        "2",
        "--output",
        "json",
    ]);
    let refs: Vec<String> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|t| format!("revcent:{}", t["id"].as_str().unwrap()))
        .collect();
    assert_eq!(refs.len(), 2);
    let watch = spawn(
        &env,
        &[
            "list",
            "--provider",
            "revcent",
            "--since",
            "31d",
            "--status",
            "running",
            "--limit",
            "2",
            "--watch",
            "--interval",
            "100ms",
            "--output",
            "ndjson",
        ],
    );
    std::thread::sleep(Duration::from_millis(1000));
    let out = env.run(&["cancel", &refs[0], &refs[1], "--output", "json"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let (exit, stdout, stderr) = finish(watch, Duration::from_secs(30));
    assert_eq!(exit, 0, "{stderr}");
    let lines = events(&stdout);
    // The two listed threads, then one change each: running to cancelled.
    assert_eq!(lines.len(), 4, "{stdout}");
    for reference in &refs {
        assert_eq!(path_of(&lines[2..], reference), ["cancelled"]);
    }
    assert!(lines[2..].iter().all(|e| e["from"] == "running"));
}

#[test]
fn a_deleted_chatkit_thread_is_gone_and_ends_the_watch() {
    let env = Env::start(10);
    let listed = env.json(&[
        "list",
        "--provider",
        "chatkit",
        "--status",
        "running",
        "--limit",
        "1",
        "--output",
        "json",
    ]);
    let reference = format!("chatkit:{}", listed[0]["id"].as_str().unwrap());
    let watch = spawn(
        &env,
        &[
            "watch",
            &reference,
            "--interval",
            "100ms",
            "--output",
            "ndjson",
        ],
    );
    std::thread::sleep(Duration::from_millis(800));
    let out = env.run(&["delete", &reference, "--yes", "--output", "json"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let (exit, stdout, stderr) = finish(watch, Duration::from_secs(30));
    assert_eq!(exit, 0, "{stderr}");
    let events = events(&stdout);
    let path = path_of(&events, &reference);
    assert_eq!(path.last().map(String::as_str), Some("gone"), "{path:?}");
    assert_eq!(events.last().unwrap()["provider_status"], Value::Null);
}
