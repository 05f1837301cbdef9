//! `cargo xtask fuzz [--time SECS] [TARGET…]`: run the cargo-fuzz targets under `fuzz/`.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

/// Runs each target (all of them when none is named) for `seconds`, one after another, and
/// prints how many executions each made. A crash stops the run with libFuzzer's report.
pub fn run(root: &Path, seconds: u64, targets: &[String]) -> Result<()> {
    let fuzz_dir = root.join("fuzz");
    let targets = if targets.is_empty() {
        list(&fuzz_dir)?
    } else {
        targets.to_vec()
    };
    let mut report = Vec::new();
    for target in &targets {
        println!("==> fuzz {target} for {seconds}s");
        let output = Command::new("cargo")
            .args(["+nightly", "fuzz", "run", target, "--", &format!("-max_total_time={seconds}")])
            .current_dir(&fuzz_dir)
            .output()
            .context("running cargo fuzz (install it with `cargo install cargo-fuzz`; it needs a nightly toolchain)")?;
        let log = String::from_utf8_lossy(&output.stderr);
        if !output.status.success() {
            println!("{log}");
            bail!(
                "fuzz target {target} failed; the crashing input is under fuzz/artifacts/{target}/"
            );
        }
        let runs = log
            .lines()
            .rev()
            .find_map(|line| {
                line.strip_prefix("Done ")
                    .and_then(|rest| rest.split(' ').next())
                    .map(str::to_owned)
            })
            .unwrap_or_else(|| "?".into());
        println!("==> fuzz {target}: {runs} executions, no crash");
        report.push((target.clone(), runs));
    }
    println!("\n{:<28} {:>14}", "target", "executions");
    for (target, runs) in report {
        println!("{target:<28} {runs:>14}");
    }
    Ok(())
}

fn list(fuzz_dir: &Path) -> Result<Vec<String>> {
    let output = Command::new("cargo")
        .args(["+nightly", "fuzz", "list"])
        .current_dir(fuzz_dir)
        .output()
        .context("running cargo fuzz list (install it with `cargo install cargo-fuzz`)")?;
    if !output.status.success() {
        bail!(
            "cargo fuzz list failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_owned)
        .collect())
}
