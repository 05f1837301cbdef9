//! Bulk commands lose nothing and stall on nothing: results stream as they complete,
//! references are read as the work goes, a signal flushes what is done and says how much,
//! and one slow thread does not hold up the other slots.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command as StdCommand, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use aithreads_sim::FaultRule;

use crate::common::*;

fn spawn(env: &Env, args: &[&str]) -> std::process::Child {
    StdCommand::new(assert_cmd::cargo::cargo_bin("aithreads"))
        .env_clear()
        .envs(env.sim.client_env())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Lines of `child`'s stdout, as they come, on a channel.
fn lines_of(child: &mut std::process::Child) -> mpsc::Receiver<String> {
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                return;
            }
        }
    });
    rx
}

#[test]
fn results_stream_while_stdin_is_still_open() {
    let env = Env::start(10);
    let refs = env.refs(&["-p", "chatkit", "--limit", "3"]);
    let mut child = spawn(&env, &["get", "-", "--output", "ndjson"]);
    let mut stdin = child.stdin.take().unwrap();
    let lines = lines_of(&mut child);
    for reference in &refs[..2] {
        writeln!(stdin, "{reference}").unwrap();
    }
    stdin.flush().unwrap();
    for reference in &refs[..2] {
        let line = lines
            .recv_timeout(Duration::from_secs(20))
            .expect("a result before stdin is closed");
        assert!(
            line.starts_with(&format!("{{\"ref\":\"{reference}\"")),
            "{line}"
        );
    }
    writeln!(stdin, "{}", refs[2]).unwrap();
    drop(stdin);
    let last = lines.recv_timeout(Duration::from_secs(20)).unwrap();
    assert!(last.contains(&refs[2]));
    assert!(child.wait().unwrap().success());
}

#[test]
fn a_signal_flushes_what_is_done_and_says_how_much() {
    let env = Env::start(50);
    let refs = env.refs(&["-p", "chatkit", "--limit", "50"]);
    env.sim
        .faults()
        .set(vec!["chatkit:latency=100".parse::<FaultRule>().unwrap()]);
    let mut child = spawn(
        &env,
        &["get", "-", "--output", "ndjson", "--concurrency", "2"],
    );
    let mut stdin = child.stdin.take().unwrap();
    let lines = lines_of(&mut child);
    // Many more references than can be done before the signal.
    let input: String = (0..40)
        .flat_map(|_| refs.iter())
        .map(|r| format!("{r}\n"))
        .collect();
    std::thread::spawn(move || {
        let _ = stdin.write_all(input.as_bytes());
    });
    let first = lines
        .recv_timeout(Duration::from_secs(30))
        .expect("some done");
    assert!(first.starts_with("{\"ref\""));
    let kill = StdCommand::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let started = Instant::now();
    let out = child.wait_with_output().unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "in-flight requests only"
    );
    assert_eq!(out.status.code(), Some(130));
    let mut printed = 1;
    while lines.recv_timeout(Duration::from_secs(5)).is_ok() {
        printed += 1;
    }
    let stderr = text(&out.stderr);
    let done: usize = stderr
        .split("interrupted: ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count in {stderr}"));
    assert_eq!(done, printed, "every result done was written: {stderr}");
    assert!(printed < 2_000, "the rest were not started");
}

/// One slow thread (TRTC answering after 4 s) ahead of 150 fast ones (ChatKit, 200 ms
/// each): the other 15 slots keep working through the reorder window, so the run takes
/// about the slow thread's time instead of that plus the fast threads' batches.
#[test]
fn a_slow_item_does_not_stall_the_other_slots() {
    let env = Env::start(150);
    let fast = env.refs(&["-p", "chatkit", "--limit", "150"]);
    env.sim.faults().set(vec![
        "trtc:latency=4000".parse::<FaultRule>().unwrap(),
        "chatkit:latency=200".parse::<FaultRule>().unwrap(),
    ]);
    let input: String = std::iter::once("trtc:slow-task".to_owned())
        .chain(fast.iter().cloned())
        .map(|r| format!("{r}\n"))
        .collect();
    let started = Instant::now();
    let out = env.run_with_stdin(&["get", "-", "--output", "ndjson"], input);
    let elapsed = started.elapsed();
    assert_eq!(code(&out), 1, "the TRTC task does not exist");
    let records = ndjson(&out);
    assert_eq!(records.len(), 151);
    assert_eq!(records[0]["ref"], "trtc:slow-task", "input order");
    assert_eq!(records[150]["ref"], fast[149].as_str());
    // Ordered output tying up the slots would take 4 s + 150/16 × 200 ms ≈ 5.9 s.
    assert!(elapsed < Duration::from_millis(5_200), "{elapsed:?}");
}

#[test]
fn no_progress_is_drawn_when_stderr_is_not_a_terminal() {
    let env = Env::start(10);
    let refs = env.refs(&["-p", "chatkit", "--limit", "5"]);
    let input: String = refs.iter().map(|r| format!("{r}\n")).collect();
    let out = env.run_with_stdin(&["get", "-", "--output", "ndjson"], input);
    assert_eq!(code(&out), 0);
    assert_eq!(text(&out.stderr), "");
}

/// On a terminal, a bar shows done/total and failures (`script` gives the CLI one).
#[test]
fn a_progress_bar_is_drawn_on_a_terminal() {
    let env = Env::start(10);
    let refs = env.refs(&["-p", "chatkit", "--limit", "3"]);
    env.sim
        .faults()
        .set(vec!["chatkit:latency=400".parse::<FaultRule>().unwrap()]);
    let bin = assert_cmd::cargo::cargo_bin("aithreads");
    let command = format!(
        "{} get chatkit:cthr_missing {} {} {} --output ndjson --concurrency 1 >/dev/null",
        bin.display(),
        refs[0],
        refs[1],
        refs[2]
    );
    let mut script = StdCommand::new("script");
    script
        .args(["-qec", &command, "/dev/null"])
        .env_clear()
        .env("TERM", "xterm")
        .envs(env.sim.client_env())
        .stdin(Stdio::null());
    let out = script
        .output()
        .expect("this test needs `script` (util-linux)");
    let shown = text(&out.stdout);
    assert!(shown.contains("/4 fetched"), "{shown}");
    assert!(shown.contains("1 failed"), "{shown}");
}
