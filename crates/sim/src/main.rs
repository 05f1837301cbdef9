//! `aithreads-sim`: serve the simulated RevCent, TRTC and ChatKit APIs on 127.0.0.1.

use aithreads_sim::{FaultPlan, SimConfig, Simulator};
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
    if let Err(message) = serve(config, args.faults.as_deref()).await {
        eprintln!("aithreads-sim: {message}");
        return std::process::ExitCode::from(2);
    }
    std::process::ExitCode::SUCCESS
}

async fn serve(config: SimConfig, faults: Option<&str>) -> Result<(), String> {
    let seed = config.seed;
    let plan = faults
        .map(|spec| FaultPlan::parse(spec, seed))
        .transpose()?;
    let port = config.port;
    let sim = Simulator::start(config)
        .await
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    if let Some(plan) = plan {
        sim.faults().set(plan.rules());
    }
    println!("aithreads-sim listening on {}", sim.base_url());
    println!("point clients at it with:");
    for (name, value) in sim.client_env() {
        if name.ends_with("_URL") || name.ends_with("_ENDPOINT") || name.ends_with("_REGION") {
            println!("  export {name}={value}");
        }
    }
    println!(
        "credentials: REVCENT_API_KEY, TENCENTCLOUD_SECRET_ID/_KEY, OPENAI_API_KEY as set, else the demo values"
    );
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| format!("cannot wait for Ctrl-C: {e}"))?;
    Ok(())
}
