//! `aithreads-sim`: serve the simulated RevCent, TRTC and ChatKit APIs on 127.0.0.1.

use aithreads_sim::ServeArgs;
use clap::Parser;

/// Serve the simulated RevCent, Tencent TRTC and OpenAI ChatKit APIs on 127.0.0.1.
///
/// It accepts the credentials in REVCENT_API_KEY, TENCENTCLOUD_SECRET_ID/_KEY and
/// OPENAI_API_KEY, or documented demo values when those are unset, and prints the
/// environment that points clients at it.
#[derive(Debug, Parser)]
#[command(name = "aithreads-sim", version)]
struct Args {
    #[command(flatten)]
    serve: ServeArgs,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    if let Err(message) = Args::parse().serve.run().await {
        eprintln!("aithreads-sim: {message}");
        return std::process::ExitCode::from(2);
    }
    std::process::ExitCode::SUCCESS
}
