//! `aithreads export` to a real S3-compatible server on loopback (moto's server, started
//! and stopped here), read back from it, and queried with DuckDB as analysts would.
//!
//! Needs Python with `moto[server]`, `boto3` and `duckdb` (`.ci/run` installs them). Only
//! when there is no Python at all does the test skip, saying so loudly.
//!
//! Nothing leaves loopback: the store's endpoint is the local server, credentials are
//! explicit, and the instance-metadata endpoint points at a closed loopback port, so a
//! missing credential could never reach a cloud metadata address.

use std::collections::BTreeMap;
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{Env, code, text};

/// A moto server on 127.0.0.1, killed when dropped.
struct Moto {
    child: Child,
    port: u16,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Moto {
    fn start() -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto_server is missing: pip install 'moto[server]' (.ci/run does)");
        let moto = Self { child, port };
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "moto_server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        moto
    }

    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The variables the export and the Python side read: explicit endpoint and
    /// credentials, metadata pointed at a closed loopback port.
    fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ACCESS_KEY_ID", "testing".into()),
            ("AWS_SECRET_ACCESS_KEY", "testing".into()),
            ("AWS_DEFAULT_REGION", "us-east-1".into()),
            ("AWS_ENDPOINT", self.endpoint()),
            ("AWS_ENDPOINT_URL", self.endpoint()),
            ("AWS_ALLOW_HTTP", "true".into()),
            ("AWS_METADATA_ENDPOINT", "http://127.0.0.1:9".into()),
            ("AWS_EC2_METADATA_DISABLED", "true".into()),
        ]
    }
}

/// Whether Python is here at all; when it is, every module the test needs must be too.
fn python() -> bool {
    let found = Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success());
    if !found {
        eprintln!(
            "\n!!! SKIPPED: no python3 on this machine, so the S3 round trip and the DuckDB \
             query did not run (install python3, then pip install 'moto[server]' duckdb) !!!\n"
        );
        return false;
    }
    let modules = Command::new("python3")
        .args(["-c", "import boto3, duckdb, moto"])
        .status()
        .unwrap();
    assert!(
        modules.success(),
        "python3 lacks boto3, duckdb or moto: pip install 'moto[server]' duckdb (.ci/run does)"
    );
    true
}

/// Runs a Python script with the moto environment; returns its stdout.
fn run_python(moto: &Moto, script: &str, args: &[&str]) -> String {
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .envs(moto.env())
        .output()
        .unwrap();
    assert!(out.status.success(), "python failed: {}", text(&out.stderr));
    text(&out.stdout)
}

const CREATE_BUCKET: &str = r#"
import boto3, sys
boto3.client("s3").create_bucket(Bucket=sys.argv[1])
"#;

/// Downloads every object under a prefix into a folder, keeping their keys; prints the keys.
const DOWNLOAD: &str = r#"
import boto3, os, sys
s3 = boto3.client("s3")
bucket, prefix, into = sys.argv[1], sys.argv[2], sys.argv[3]
for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
    for item in page.get("Contents", []):
        target = os.path.join(into, item["Key"])
        os.makedirs(os.path.dirname(target), exist_ok=True)
        s3.download_file(bucket, item["Key"], target)
        print(item["Key"])
"#;

/// The README's DuckDB query over the Hive-partitioned Parquet folder: the count, and the
/// count per status, as JSON.
const DUCKDB: &str = r#"
import duckdb, json, sys
table = f"read_parquet('{sys.argv[1]}/**/*.parquet', hive_partitioning = true)"
total = duckdb.sql(f"SELECT count(*) FROM {table}").fetchall()[0][0]
by_status = dict(duckdb.sql(
    f"SELECT status, count(*) FROM {table} GROUP BY status ORDER BY status").fetchall())
providers = [r[0] for r in duckdb.sql(f"SELECT DISTINCT provider FROM {table}").fetchall()]
days = duckdb.sql(f"SELECT count(DISTINCT date) FROM {table}").fetchall()[0][0]
tool_messages = duckdb.sql(
    f"SELECT count(*) FROM (SELECT unnest(messages) AS m FROM {table}) WHERE m.role = 'tool'"
).fetchall()[0][0]
print(json.dumps({"total": total, "by_status": by_status, "providers": providers,
                  "days": days, "tool_messages": tool_messages}))
"#;

fn status_counts(path: &Path) -> BTreeMap<String, u64> {
    let mut counts = BTreeMap::new();
    for line in std::fs::read_to_string(path).unwrap().lines() {
        let record: Value = serde_json::from_str(line).unwrap();
        *counts
            .entry(record["status"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    counts
}

#[test]
fn an_export_to_s3_reads_back_and_duckdb_queries_it() {
    if !python() {
        return;
    }
    let env = Env::start(150);
    let moto = Moto::start();
    run_python(&moto, CREATE_BUCKET, &["exports"]);
    let dir = tempfile::tempdir().unwrap();

    // The truth, from a local export.
    let local = dir.path().join("local.ndjson");
    let out = env.run(&[
        "export",
        "-p",
        "revcent",
        "--since",
        "31d",
        "-o",
        local.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let expected = status_counts(&local);

    // The same 31 days, as absolute times: the nightly job re-run below is the same export.
    let now = env.sim.sim().config.now;
    let (since, until) = ((now - 31 * 86_400).to_string(), now.to_string());
    let export = |url: &str, extra: &[&str]| {
        let mut cmd = env.cmd();
        cmd.envs(moto.env());
        cmd.args([
            "export",
            "-p",
            "revcent",
            "--since",
            &since,
            "--until",
            &until,
            "--transcripts",
            "-o",
            url,
        ]);
        cmd.args(extra);
        cmd.output().unwrap()
    };
    // Run twice, as a re-run job does: the second replaces the first's parts.
    for _ in 0..2 {
        let out = export(
            "s3://exports/threads/",
            &["--format", "parquet", "--partition", "date"],
        );
        assert_eq!(code(&out), 0, "{}", text(&out.stderr));
        assert!(
            text(&out.stderr).contains("exported 150 revcent threads"),
            "{}",
            text(&out.stderr)
        );
    }

    let downloaded = dir.path().join("s3");
    let keys = run_python(
        &moto,
        DOWNLOAD,
        &["exports", "threads/", downloaded.to_str().unwrap()],
    );
    assert!(
        keys.lines()
            .all(|key| key.starts_with("threads/provider=revcent/date=")
                && key.ends_with(".parquet")),
        "Hive layout, parts only (no checkpoint left): {keys}"
    );
    let answer: Value = serde_json::from_str(&run_python(
        &moto,
        DUCKDB,
        &[downloaded.join("threads").to_str().unwrap()],
    ))
    .unwrap();
    assert_eq!(
        answer["total"], 150,
        "each thread once after a re-run: {answer}"
    );
    let by_status: BTreeMap<String, u64> =
        serde_json::from_value(answer["by_status"].clone()).unwrap();
    assert_eq!(by_status, expected);
    assert_eq!(answer["providers"], serde_json::json!(["revcent"]));
    assert!(answer["days"].as_u64().unwrap() > 1, "{answer}");
    assert!(answer["tool_messages"].as_u64().unwrap() > 0, "{answer}");

    // One NDJSON object, read back whole.
    let out = export("s3://exports/one/threads.ndjson", &[]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let keys = run_python(
        &moto,
        DOWNLOAD,
        &["exports", "one/", downloaded.to_str().unwrap()],
    );
    assert_eq!(keys.trim(), "one/threads.ndjson");
    let lines = std::fs::read_to_string(downloaded.join("one/threads.ndjson")).unwrap();
    assert_eq!(lines.lines().count(), 150);
}
