//! Serving the simulator until interrupted, for the `aithreads-sim` binary and
//! `aithreads sim serve`.

use crate::{FaultPlan, SimConfig, Simulator};

/// The command-line options of a standalone simulator, shared by `aithreads-sim` and
/// `aithreads sim serve`.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Port to listen on (0: any free port).
    #[arg(long, default_value_t = 8787)]
    pub port: u16,
    /// Threads to seed per provider.
    #[arg(long, default_value_t = 100)]
    pub threads: usize,
    /// Seed for the generated data and rate-based faults.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Faults to inject, e.g. `chatkit:429=2#3,revcent:503@0.1` (see the faults docs).
    #[arg(long)]
    pub faults: Option<String>,
    /// RevCent's first page number: 0 or 1 (RevCent does not document it).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(0..=1))]
    pub revcent_page_base: u8,
    /// Whether RevCent's `date_end` lists threads created in that second (undocumented).
    #[arg(long, value_enum, default_value_t = crate::revcent::DateEnd::Inclusive)]
    pub revcent_date_end: crate::revcent::DateEnd,
}

impl ServeArgs {
    /// Serves with these options until Ctrl-C (see [`serve`]).
    pub async fn run(self) -> Result<(), String> {
        serve(self.config(), self.faults.as_deref()).await
    }

    /// The simulator these options describe (faults aside).
    pub fn config(&self) -> SimConfig {
        SimConfig::default()
            .with_port(self.port)
            .with_threads(self.threads)
            .with_seed(self.seed)
            .with_revcent_reading(crate::revcent::Reading::new(
                i64::from(self.revcent_page_base),
                self.revcent_date_end,
            ))
    }
}

/// Starts a simulator, prints where it listens and the environment that points clients at
/// it, and serves until Ctrl-C. `faults` is a fault plan in its text form.
pub async fn serve(config: SimConfig, faults: Option<&str>) -> Result<(), String> {
    let plan = faults
        .map(|spec| FaultPlan::parse(spec, config.seed))
        .transpose()
        .map_err(|e| format!("bad --faults: {e}"))?;
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
        "it accepts REVCENT_API_KEY, TENCENTCLOUD_SECRET_ID/_KEY and OPENAI_API_KEY as set in its environment, else the demo values"
    );
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| format!("cannot wait for Ctrl-C: {e}"))
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::revcent::{DateEnd, Reading};

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        serve: ServeArgs,
    }

    fn reading(args: &[&str]) -> Result<Reading, clap::Error> {
        let cli = Cli::try_parse_from(std::iter::once("sim").chain(args.iter().copied()))?;
        Ok(cli.serve.config().revcent_reading)
    }

    #[test]
    fn revcent_readings_are_switches() {
        assert_eq!(reading(&[]).unwrap(), Reading::default());
        assert_eq!(Reading::default(), Reading::new(1, DateEnd::Inclusive));
        assert_eq!(
            reading(&[
                "--revcent-page-base",
                "0",
                "--revcent-date-end",
                "exclusive"
            ])
            .unwrap(),
            Reading::new(0, DateEnd::Exclusive)
        );
        assert!(reading(&["--revcent-page-base", "2"]).is_err());
        assert!(reading(&["--revcent-date-end", "maybe"]).is_err());
    }
}
