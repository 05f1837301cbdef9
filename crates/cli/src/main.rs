//! `aithreads`: list, get, cancel, delete and export AI conversation threads at RevCent,
//! Tencent Cloud TRTC and OpenAI ChatKit.

use clap::{Parser, Subcommand};

/// List, get, cancel, delete and export AI conversation threads at RevCent, Tencent Cloud TRTC
/// and OpenAI ChatKit.
#[derive(Debug, Parser)]
#[command(name = "aithreads", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run every provider end to end against the embedded simulator (no credentials needed).
    Demo,
}

fn main() {
    match Cli::parse().command {
        Command::Demo => println!("{}", demo_plan()),
    }
}

/// What the demo walks through.
fn demo_plan() -> &'static str {
    "aithreads demo: starts the embedded simulator on 127.0.0.1 and drives RevCent, TRTC and \
     ChatKit through the real clients (list, get, cancel, stop, delete, bulk cancel, export). \
     The provider clients are still being built; this command will run them once they land."
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
        assert!(demo_plan().contains("simulator"));
    }
}
