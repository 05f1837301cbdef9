//! `cargo xtask ci`: the checks CI runs, each a cargo command, stopping at the first failure,
//! then a quick benchmark run.
//!
//! Two steps use cargo plugins when they are installed: cargo-machete (which `.ci/run`
//! installs) fails on an unused dependency; cargo-nextest, when present, runs the tests.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::{bench, codegen};

/// Feature sets of the facade crate that must each compile.
const FACADE_FEATURES: [&str; 4] = ["", "revcent", "tencent-trtc", "openai-chatkit"];

pub fn run(root: &Path) -> Result<()> {
    cargo(root, "format", &["fmt", "--all", "--check"], &[])?;
    if installed("cargo-machete") {
        cargo(root, "unused dependencies", &["machete"], &[])?;
    } else {
        println!("==> unused dependencies: skipped (`cargo install cargo-machete --locked`)");
    }
    cargo(
        root,
        "clippy",
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--locked",
            "--",
            "-D",
            "warnings",
        ],
        &[],
    )?;
    step("codegen --check", || codegen::run(root, true))?;
    for features in FACADE_FEATURES {
        let name = format!("facade features [{features}]");
        cargo(
            root,
            &name,
            &[
                "check",
                "-p",
                "aithreads",
                "--no-default-features",
                "--features",
                features,
                "--locked",
            ],
            &[],
        )?;
    }
    if installed("cargo-nextest") {
        cargo(
            root,
            "tests",
            &[
                "nextest",
                "run",
                "--workspace",
                "--locked",
                "--no-fail-fast",
            ],
            &[],
        )?;
        cargo(
            root,
            "doc tests",
            &["test", "--workspace", "--doc", "--locked"],
            &[],
        )?;
    } else {
        cargo(
            root,
            "tests",
            &["test", "--workspace", "--locked", "--no-fail-fast"],
            &[],
        )?;
    }
    cargo(
        root,
        "docs",
        &["doc", "--workspace", "--no-deps", "--locked"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    )?;
    step("bench --quick", || bench::run(root, true))?;
    println!("xtask ci: all checks passed");
    Ok(())
}

fn step(name: &str, body: impl FnOnce() -> Result<()>) -> Result<()> {
    println!("==> {name}");
    let started = Instant::now();
    body().with_context(|| format!("step `{name}` failed"))?;
    println!("==> {name}: ok ({:.1}s)", started.elapsed().as_secs_f64());
    Ok(())
}

/// Runs a cargo command with its stderr sent to stdout, so test summaries reach CI logs in order.
fn cargo(root: &Path, name: &str, args: &[&str], env: &[(&str, &str)]) -> Result<()> {
    step(name, || {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut command = Command::new(cargo);
        // `cargo run` gave xtask its package's variables; a child must not inherit them
        // (cargo-machete, seeing CARGO_PKG_NAME, reads its own name as a path to scan).
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("CARGO_PKG_") {
                command.env_remove(name);
            }
        }
        let status = command
            .args(args)
            .envs(env.iter().copied())
            .current_dir(root)
            .stdout(Stdio::inherit())
            .stderr(std::io::stdout())
            .status()
            .with_context(|| format!("running cargo {}", args.join(" ")))?;
        if !status.success() {
            bail!("cargo {} exited with {status}", args.join(" "));
        }
        Ok(())
    })
}

/// Whether a cargo plugin answers `--version`.
fn installed(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}
