//! Exporting RevCent threads to files with `Client::export_to`: Parquet against NDJSON, the
//! exporting process's peak memory as the count grows, what a resume after `SIGKILL` writes
//! again, and an export to a loopback S3 server (moto) against the same export to a local
//! file.
//!
//! The simulator runs in this process (answering after [`RTT`](crate::export::RTT), as in
//! the [`export`](crate::export) scenario); each export runs in a child process (this
//! binary's hidden `file-export-child` command) that reports its threads, time and peak RSS.
//! Exports are of listings (no transcripts): the encoding and writing are what differ.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use aithreads::export::{ExportEnd, ExportOptions, ExportTarget, Format};
use aithreads::{Client, ListQuery, ProviderKind};
use aithreads_sim::Simulator;
use anyhow::{Context, Result, bail, ensure};
use clap::{Args, ValueEnum};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::Plan;
use crate::export::{RANGE_SECS, start};
use crate::report::{Better, Figures, Row, quantity};

/// The peak RSS the large exports must stay under.
const RSS_LIMIT_MIB: f64 = 128.0;
/// Threads per GetAIThreads page (the API's largest).
const PAGE: u64 = 25;

/// Output formats of the child.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ChildFormat {
    /// NDJSON.
    Ndjson,
    /// Parquet.
    Parquet,
}

/// The hidden `file-export-child` command: one export to a file or URL, reported as one
/// JSON line.
#[derive(Debug, Args)]
pub struct ChildArgs {
    /// The format.
    #[arg(long, value_enum)]
    format: ChildFormat,
    /// A local path, or an object-store URL.
    #[arg(long)]
    out: String,
    /// First second of the range (unix).
    #[arg(long, allow_hyphen_values = true)]
    since: i64,
    /// Last second of the range (unix).
    #[arg(long, allow_hyphen_values = true)]
    until: i64,
    /// Continue from the checkpoint.
    #[arg(long)]
    resume: bool,
}

/// What a child reports.
#[derive(Debug, Serialize, Deserialize)]
struct ChildReport {
    threads: u64,
    seconds: f64,
    peak_rss_kib: u64,
}

impl ChildReport {
    fn rate(&self) -> f64 {
        self.threads as f64 / self.seconds
    }

    fn rss_mib(&self) -> f64 {
        self.peak_rss_kib as f64 / 1024.0
    }
}

/// The child: exports from the RevCent configured in the environment.
pub fn child(args: &ChildArgs) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let started = Instant::now();
    let threads = runtime.block_on(export_in_child(args))?;
    let report = ChildReport {
        threads,
        seconds: started.elapsed().as_secs_f64(),
        peak_rss_kib: crate::process::own_peak_rss_kib()?,
    };
    println!("{}", serde_json::to_string(&report)?);
    Ok(())
}

async fn export_in_child(args: &ChildArgs) -> Result<u64> {
    let client = Client::from_env()?.with_concurrency(crate::export::CONCURRENCY);
    let query = ListQuery::new().with_range(
        OffsetDateTime::from_unix_timestamp(args.since)?,
        OffsetDateTime::from_unix_timestamp(args.until)?,
    );
    let format = match args.format {
        ChildFormat::Ndjson => Format::Ndjson,
        ChildFormat::Parquet => Format::Parquet,
    };
    let target = if args.out.contains("://") {
        ExportTarget::Url(args.out.clone())
    } else {
        ExportTarget::Path(PathBuf::from(&args.out))
    };
    let options = ExportOptions::new()
        .with_format(format)
        .with_resume(args.resume);
    let report = client
        .export_to(
            ProviderKind::RevCent,
            query,
            target,
            &options,
            std::future::pending(),
        )
        .await?;
    match report.end {
        ExportEnd::Finished => Ok(report.exported),
        other => bail!("the export did not finish: {other:?}"),
    }
}

/// A folder for this run's files, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Self> {
        let dir = std::env::temp_dir().join(format!("aithreads-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        Ok(Self(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// How one child is started.
struct Run<'a> {
    exe: &'a Path,
    sim: &'a Simulator,
    format: ChildFormat,
    out: String,
    extra_env: Vec<(&'static str, String)>,
    resume: bool,
}

impl Run<'_> {
    fn command(&self) -> tokio::process::Command {
        let until = self.sim.sim().config.now;
        let format = format!("{:?}", self.format).to_lowercase();
        let mut cmd = tokio::process::Command::new(self.exe);
        cmd.args(["file-export-child", "--format", &format, "--out", &self.out])
            .arg(format!("--since={}", until - RANGE_SECS))
            .arg(format!("--until={until}"))
            .env_clear()
            .envs(self.sim.client_env())
            .envs(self.extra_env.iter().cloned())
            .kill_on_drop(true);
        if self.resume {
            cmd.arg("--resume");
        }
        cmd
    }

    async fn finish(&self) -> Result<ChildReport> {
        let output = self
            .command()
            .output()
            .await
            .with_context(|| format!("running {}", self.exe.display()))?;
        if !output.status.success() {
            bail!(
                "file export child failed ({}): {}",
                output.status,
                String::from_utf8_lossy(&output.stderr)
            );
        }
        serde_json::from_slice(&output.stdout).context("reading the file export child's report")
    }
}

pub async fn run(plan: &Plan, exe: &Path) -> Result<Vec<Row>> {
    let (small, large) = plan.pick((100_000, 1_000_000), (10_000, 50_000));
    let scratch = Scratch::new()?;
    let mut rows = Vec::new();
    let mut reports = Vec::new();
    for threads in [small, large] {
        let sim = start(threads).await?;
        let mut pair = Vec::new();
        for format in [ChildFormat::Ndjson, ChildFormat::Parquet] {
            let out = scratch.0.join(format!("{threads}.{format:?}"));
            let run = Run {
                exe,
                sim: &sim,
                format,
                out: out.display().to_string(),
                extra_env: Vec::new(),
                resume: false,
            };
            let report = run.finish().await?;
            ensure!(
                report.threads == threads as u64,
                "the {format:?} export wrote {} threads, not {threads}",
                report.threads
            );
            let _ = std::fs::remove_file(&out);
            pair.push(report);
        }
        if threads == small {
            rows.push(resume_row(exe, &sim, &scratch.0).await?);
            rows.push(s3_row(exe, &sim, &scratch.0).await?);
        }
        reports.push(pair);
    }
    let [ndjson_large, parquet_large] = &reports[1][..] else {
        bail!("two exports per size expected");
    };
    let [ndjson_small, parquet_small] = &reports[0][..] else {
        bail!("two exports per size expected");
    };
    rows.insert(
        0,
        Row::ratio(
            "export.parquet_vs_ndjson",
            format!("export to Parquet vs NDJSON, {} threads", quantity(large as f64, "")),
            "threads/s",
            Figures::new(parquet_large.rate(), ndjson_large.rate()),
            Better::Higher,
            0.8,
        )
        .note(format!(
            "Client::export_to a local file, listings of RevCent threads; Parquet {:.1} s, NDJSON {:.1} s",
            parquet_large.seconds, ndjson_large.seconds
        )),
    );
    for (id, name, big, little) in [
        (
            "export.parquet_rss",
            "Parquet",
            parquet_large,
            parquet_small,
        ),
        ("export.ndjson_rss", "NDJSON", ndjson_large, ndjson_small),
    ] {
        let flat = big.rss_mib() / little.rss_mib() <= 1.25;
        let row = Row::ratio(
            id,
            format!(
                "{name} export peak RSS, {} threads",
                quantity(large as f64, "")
            ),
            "MiB",
            Figures::new(big.rss_mib(), little.rss_mib()),
            Better::Lower,
            1.25,
        )
        .target(
            format!(
                "< {RSS_LIMIT_MIB} MiB, ≤ 1.25× at {}",
                quantity(small as f64, "")
            ),
            big.rss_mib() < RSS_LIMIT_MIB && flat,
        )
        .note(format!(
            "VmHWM of the exporting child; baseline: the same export of {} threads",
            quantity(small as f64, "")
        ));
        // Quick sizes stay below one Parquet row group, which memory grows with until full:
        // flatness only shows from 100,000 threads on.
        rows.insert(1, if plan.quick { row.reported() } else { row });
    }
    Ok(rows)
}

/// Complete lines in a file (0 when it does not exist yet).
fn complete_lines(path: &Path) -> u64 {
    std::fs::read(path)
        .map(|bytes| bytes.iter().filter(|&&b| b == b'\n').count() as u64)
        .unwrap_or(0)
}

/// Kills an NDJSON export with SIGKILL halfway, resumes it, and counts the records written
/// before the kill that the resume had to write again.
async fn resume_row(exe: &Path, sim: &Simulator, dir: &Path) -> Result<Row> {
    let out = dir.join("killed.ndjson");
    let partial = dir.join("killed.ndjson.partial");
    let checkpoint = dir.join("killed.ndjson.checkpoint.json");
    let total = sim.sim().config.threads as u64;
    let mut run = Run {
        exe,
        sim,
        format: ChildFormat::Ndjson,
        out: out.display().to_string(),
        extra_env: Vec::new(),
        resume: false,
    };
    let mut child = run.command().stdout(Stdio::null()).spawn()?;
    let deadline = Instant::now() + Duration::from_secs(600);
    while complete_lines(&partial) < total / 2 {
        ensure!(
            child.try_wait()?.is_none(),
            "the export ended before the kill"
        );
        ensure!(Instant::now() < deadline, "the export made no progress");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    child.start_kill()?;
    child.wait().await?;
    let written = complete_lines(&partial);
    let kept: serde_json::Value = serde_json::from_slice(&std::fs::read(&checkpoint)?)?;
    let kept = kept["exported"]
        .as_u64()
        .context("no count in the checkpoint")?;
    run.resume = true;
    let report = run.finish().await?;
    ensure!(
        report.threads == total,
        "the resumed export counts {} threads",
        report.threads
    );
    let text = std::fs::read_to_string(&out)?;
    let refs: HashSet<&str> = text.lines().collect();
    ensure!(
        refs.len() as u64 == total && text.lines().count() as u64 == total,
        "the resumed export does not hold every thread once"
    );
    let again = written - kept;
    Ok(Row::absolute(
        "export.resume_rewrites",
        format!(
            "records written again after SIGKILL at {} of {}",
            quantity(written as f64, ""),
            quantity(total as f64, "")
        ),
        "records",
        again as f64,
    )
    .target(format!("≤ {PAGE} (one page)"), again <= PAGE)
    .invariant()
    .note("NDJSON checkpoints after every page; the resumed file holds every thread once"))
}

/// A moto server on 127.0.0.1 for the S3 row, killed when dropped.
struct Moto {
    child: std::process::Child,
    port: u16,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Moto {
    /// Starts moto's server with a bucket; `None` (with the reason) when it is not installed.
    fn start(bucket: &str) -> Result<std::result::Result<Self, String>> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let child = match std::process::Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
        {
            Ok(child) => child,
            Err(error) => return Ok(Err(format!("moto_server: {error}"))),
        };
        let moto = Self { child, port };
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            ensure!(Instant::now() < deadline, "moto_server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        let created = std::process::Command::new("python3")
            .args([
                "-c",
                "import boto3, sys; boto3.client('s3').create_bucket(Bucket=sys.argv[1])",
                bucket,
            ])
            .envs(moto.env())
            .status()?;
        ensure!(created.success(), "could not create the bucket");
        Ok(Ok(moto))
    }

    /// Explicit loopback endpoint and credentials; metadata at a closed loopback port.
    fn env(&self) -> Vec<(&'static str, String)> {
        let endpoint = format!("http://127.0.0.1:{}", self.port);
        vec![
            ("AWS_ACCESS_KEY_ID", "testing".into()),
            ("AWS_SECRET_ACCESS_KEY", "testing".into()),
            ("AWS_DEFAULT_REGION", "us-east-1".into()),
            ("AWS_ENDPOINT", endpoint.clone()),
            ("AWS_ENDPOINT_URL", endpoint),
            ("AWS_ALLOW_HTTP", "true".into()),
            ("AWS_METADATA_ENDPOINT", "http://127.0.0.1:9".into()),
            ("AWS_EC2_METADATA_DISABLED", "true".into()),
        ]
    }
}

/// The same Parquet export to the loopback S3 server and to a local file.
async fn s3_row(exe: &Path, sim: &Simulator, dir: &Path) -> Result<Row> {
    let threads = sim.sim().config.threads;
    let metric = format!(
        "Parquet export to S3 (loopback moto) vs a local file, {} threads",
        quantity(threads as f64, "")
    );
    let moto = match Moto::start("bench")? {
        Ok(moto) => moto,
        Err(reason) => {
            return Ok(Row::absolute("export.s3_vs_local", metric, "s", 0.0)
                .reported()
                .note(format!(
                    "not measured: {reason} (pip install 'moto[server]')"
                )));
        }
    };
    let local = Run {
        exe,
        sim,
        format: ChildFormat::Parquet,
        out: dir.join("local.parquet").display().to_string(),
        extra_env: Vec::new(),
        resume: false,
    };
    let s3 = Run {
        exe,
        sim,
        format: ChildFormat::Parquet,
        out: "s3://bench/threads.parquet".into(),
        extra_env: moto.env(),
        resume: false,
    };
    let local_report = local.finish().await?;
    let s3_report = s3.finish().await?;
    ensure!(
        s3_report.threads == threads as u64,
        "the S3 export is short"
    );
    Ok(Row::ratio(
        "export.s3_vs_local",
        metric,
        "s",
        Figures::new(s3_report.seconds, local_report.seconds),
        Better::Lower,
        1.5,
    )
    .note("one object, uploaded in 8 MiB multipart chunks, 4 in flight"))
}
