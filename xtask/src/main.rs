//! Project automation, run as `cargo xtask <command>`:
//!
//! - `codegen [--check]`: regenerate the providers' wire models from `specs/` (or fail if stale);
//! - `ci`: everything CI checks, in order: fmt, unused dependencies, clippy, codegen
//!   freshness, feature combinations, tests, docs, a quick benchmark run;
//! - `bench [--quick]`: the benchmarks of `crates/bench`, one table against baselines.

mod bench;
mod ci;
mod codegen;
mod fuzz;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Result, bail};

const USAGE: &str = "usage: cargo xtask <command>

commands:
  codegen [--check]   regenerate crates/*/src/generated.rs from specs/ (--check: fail if stale)
  ci                  fmt, unused dependencies (cargo machete), clippy, codegen --check,
                      feature combinations, tests, docs,
                      bench --quick
  bench [--quick]     build the harness in release mode, run every benchmark, print one table
                      and write target/bench/summary.json (--quick: small sizes, fail on a
                      ratio 2x worse than crates/bench/baseline.json or on errors)
  fuzz [--time SECS] [TARGET...]
                      run the cargo-fuzz targets under fuzz/ (default 60 s each; needs nightly)";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> Result<()> {
    let root = workspace_root();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["codegen"] => codegen::run(&root, false),
        ["codegen", "--check"] => codegen::run(&root, true),
        ["ci"] => ci::run(&root),
        ["bench"] => bench::run(&root, false),
        ["bench", "--quick"] => bench::run(&root, true),
        ["fuzz", rest @ ..] => {
            let (seconds, targets) = fuzz_args(rest)?;
            fuzz::run(&root, seconds, &targets)
        }
        ["help" | "--help" | "-h"] | [] => {
            println!("{USAGE}");
            Ok(())
        }
        _ => bail!("unknown arguments {args:?}\n\n{USAGE}"),
    }
}

fn fuzz_args(args: &[&str]) -> Result<(u64, Vec<String>)> {
    let mut seconds = 60;
    let mut targets = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if *arg == "--time" {
            let value = args
                .next()
                .ok_or_else(|| anyhow::anyhow!("--time needs a number of seconds"))?;
            seconds = value
                .parse()
                .map_err(|_| anyhow::anyhow!("--time: `{value}` is not a number of seconds"))?;
        } else {
            targets.push(arg.to_string());
        }
    }
    Ok((seconds, targets))
}

/// The workspace root: the parent of this crate's folder.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}
