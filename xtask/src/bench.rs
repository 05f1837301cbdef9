//! `cargo xtask bench [--quick]`: build the benchmark harness and the CLI in release mode and
//! run every scenario (see `crates/bench`).
//!
//! The harness prints one table and writes it to `target/bench/summary.json` (and `.md`).
//! `--quick` runs each scenario briefly, at small sizes, and fails when a ratio is more than
//! 2× worse than in the committed summary of a full run, `crates/bench/baseline.json`, or when
//! a correctness figure (errors, refused requests) is not met.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

/// The committed summary quick runs are compared with.
pub const BASELINE: &str = "crates/bench/baseline.json";

pub fn run(root: &Path, quick: bool) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(&cargo)
        .args([
            "build",
            "--release",
            "--locked",
            "-p",
            "aithreads-bench",
            "-p",
            "aithreads-cli",
        ])
        .current_dir(root)
        .status()
        .context("running cargo build")?;
    if !status.success() {
        bail!("building the benchmark harness failed ({status})");
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|dir| root.join(dir))
        .unwrap_or_else(|| root.join("target"));
    let harness = target
        .join("release")
        .join(format!("aithreads-bench{}", std::env::consts::EXE_SUFFIX));
    let mut command = Command::new(&harness);
    command
        .arg("--summary")
        .arg(target.join("bench").join("summary.json"));
    if quick {
        command
            .arg("--quick")
            .arg("--baseline")
            .arg(root.join(BASELINE));
    }
    let status = command
        .current_dir(root)
        .status()
        .with_context(|| format!("running {}", harness.display()))?;
    if !status.success() {
        bail!("the benchmarks failed ({status})");
    }
    Ok(())
}
