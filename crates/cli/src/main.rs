//! `aithreads`: inspect, list, cancel, delete and export AI conversation threads at RevCent,
//! Tencent Cloud TRTC and OpenAI ChatKit.

mod args;
mod commands;
mod config;
mod demo;
mod output;
mod refs;
mod timearg;

use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

use args::Cli;

/// Why a command did not fully succeed, and so which exit code it ends with.
#[derive(Debug)]
pub enum Failure {
    /// Bad arguments or configuration: nothing was attempted (exit 2).
    Usage(String),
    /// Something was attempted and failed, for some items or all (exit 1).
    Failed(String),
    /// Some items failed; each was already reported (exit 1).
    SomeItemsFailed,
}

impl From<aithreads::Error> for Failure {
    fn from(error: aithreads::Error) -> Self {
        let message = config::cli_wording(&error.to_string());
        if error.is_config() || error.is_invalid_input() {
            Self::Usage(message)
        } else {
            Self::Failed(message)
        }
    }
}

impl From<std::io::Error> for Failure {
    fn from(error: std::io::Error) -> Self {
        Self::Failed(format!("i/o error: {error}"))
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("aithreads: cannot start the async runtime: {error}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::SomeItemsFailed) => ExitCode::from(1),
        Err(Failure::Failed(message)) => {
            eprintln!("aithreads: {message}");
            ExitCode::from(1)
        }
        Err(Failure::Usage(message)) => {
            eprintln!("aithreads: {message}");
            ExitCode::from(2)
        }
    }
}

/// Logs go to stderr: warnings by default, more with `-v`; `RUST_LOG` wins when set.
fn init_tracing(verbose: u8) {
    let level = match verbose {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(level));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(verbose >= 2)
        .try_init();
}
