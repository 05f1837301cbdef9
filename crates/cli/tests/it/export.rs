//! `aithreads export` killed with SIGKILL at several points and resumed: the result holds
//! exactly the threads of a clean export, each once.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use aithreads::ProviderKind::RevCent;
use aithreads_sim::{Fault, FaultRule};
use serde_json::Value;

use crate::common::{Env, code, text};

const THREADS: usize = 400;

fn refs(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| {
            let record: Value = serde_json::from_str(line).unwrap();
            record["ref"].as_str().unwrap().to_owned()
        })
        .collect()
}

/// Complete lines in `path` so far (0 when it does not exist yet).
fn complete_lines(path: &Path) -> usize {
    std::fs::read(path)
        .map(|bytes| bytes.iter().filter(|&&b| b == b'\n').count())
        .unwrap_or(0)
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    PathBuf::from(format!("{}{suffix}", path.display()))
}

/// Starts the export (resuming when asked), waits until the partial file holds `lines`
/// complete records, and kills it with SIGKILL.
fn kill_after(env: &Env, out: &Path, resume: bool, lines: usize) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_aithreads"));
    cmd.env_clear();
    for (name, value) in env.sim.client_env() {
        cmd.env(name, value);
    }
    cmd.args(["export", "-p", "revcent", "--since", "31d", "-o"])
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if resume {
        cmd.arg("--resume");
    }
    let mut child = cmd.spawn().unwrap();
    let partial = sibling(out, ".partial");
    let deadline = Instant::now() + Duration::from_secs(60);
    while complete_lines(&partial) < lines {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the export ended before it was killed"
        );
        assert!(Instant::now() < deadline, "the export made no progress");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn an_export_killed_at_several_points_resumes_to_every_thread_once() {
    let env = Env::start(THREADS);
    let dir = tempfile::tempdir().unwrap();
    let clean = dir.path().join("clean.ndjson");
    let out = env.run(&[
        "export",
        "-p",
        "revcent",
        "--since",
        "31d",
        "-o",
        clean.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let expected: BTreeSet<String> = refs(&clean).into_iter().collect();
    assert_eq!(expected.len(), THREADS);

    // Slow answers, so the kills land while pages are still coming.
    env.sim.faults().set(vec![FaultRule::always(
        Some(RevCent),
        Fault::Latency(Duration::from_millis(15)),
    )]);
    let killed = dir.path().join("killed.ndjson");
    kill_after(&env, &killed, false, 40);
    for lines in [120, 230, 330] {
        kill_after(&env, &killed, true, lines);
    }
    assert!(
        !killed.exists(),
        "a killed export left a finished-looking file"
    );
    let out = env.run(&[
        "export",
        "-p",
        "revcent",
        "--since",
        "31d",
        "-o",
        killed.to_str().unwrap(),
        "--resume",
    ]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains(&format!("exported {THREADS} revcent threads")),
        "{}",
        text(&out.stderr)
    );
    let got = refs(&killed);
    let mut seen: BTreeMap<&String, usize> = BTreeMap::new();
    for id in &got {
        *seen.entry(id).or_default() += 1;
    }
    let twice: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "exported twice: {twice:?}");
    assert_eq!(got.into_iter().collect::<BTreeSet<_>>(), expected);
    for leftover in [".partial", ".checkpoint.json"] {
        assert!(
            !sibling(&killed, leftover).exists(),
            "{leftover} left behind"
        );
    }
}

#[test]
fn an_interrupted_export_says_where_its_partial_file_is_and_how_to_resume() {
    let env = Env::start(200);
    env.sim.faults().set(vec![FaultRule::always(
        Some(RevCent),
        Fault::Latency(Duration::from_millis(20)),
    )]);
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("t.ndjson");
    let child = Command::new(env!("CARGO_BIN_EXE_aithreads"))
        .env_clear()
        .envs(env.sim.client_env())
        .args(["export", "-p", "revcent", "--since", "31d", "-o"])
        .arg(&out_path)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let partial = sibling(&out_path, ".partial");
    let deadline = Instant::now() + Duration::from_secs(60);
    while complete_lines(&partial) < 20 {
        assert!(Instant::now() < deadline, "the export made no progress");
        std::thread::sleep(Duration::from_millis(5));
    }
    // SIGTERM, as a service manager stops a job.
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("interrupted"), "{stderr}");
    assert!(stderr.contains(partial.to_str().unwrap()), "{stderr}");
    assert!(stderr.contains("--resume"), "{stderr}");
    // The partial file ends on a complete record.
    let bytes = std::fs::read(&partial).unwrap();
    assert_eq!(bytes.last(), Some(&b'\n'));
    assert!(refs(&partial).len() >= 20);
    assert!(!out_path.exists());
}

#[test]
fn a_bad_output_url_is_a_usage_error_before_any_request() {
    let env = Env::start(5);
    let before = env.sim.requests_seen();
    for url in ["nosuch://bucket/prefix/", "s3://"] {
        let out = env.run(&["export", "-p", "revcent", "-o", url]);
        assert_eq!(code(&out), 2, "{url}: {}", text(&out.stderr));
        assert!(
            text(&out.stderr).contains("cannot export to"),
            "{}",
            text(&out.stderr)
        );
    }
    assert_eq!(env.sim.requests_seen(), before);
}
