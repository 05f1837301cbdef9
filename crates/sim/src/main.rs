//! `aithreads-sim`: serve the simulated RevCent, TRTC and ChatKit APIs on 127.0.0.1.

use aithreads_sim::SimConfig;
use clap::Parser;

/// Serve the simulated RevCent, Tencent TRTC and OpenAI ChatKit APIs on 127.0.0.1.
///
/// It accepts the credentials in REVCENT_API_KEY, TENCENTCLOUD_SECRET_ID/_KEY and
/// OPENAI_API_KEY, or documented demo values when those are unset, and prints the
/// environment that points clients at it.
#[derive(Debug, Parser)]
#[command(name = "aithreads-sim", version)]
struct Args {
    /// Port to listen on (0: any free port).
    #[arg(long, default_value_t = 8787)]
    port: u16,
    /// Threads to seed per provider.
    #[arg(long, default_value_t = 100)]
    threads: usize,
    /// Seed for the generated data and rate-based faults.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Faults to inject, e.g. `chatkit:429=2#3,revcent:503@0.1` (see the faults docs).
    #[arg(long)]
    faults: Option<String>,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let config = SimConfig::default()
        .with_port(args.port)
        .with_threads(args.threads)
        .with_seed(args.seed);
    if let Err(message) = aithreads_sim::serve(config, args.faults.as_deref()).await {
        eprintln!("aithreads-sim: {message}");
        return std::process::ExitCode::from(2);
    }
    std::process::ExitCode::SUCCESS
}
