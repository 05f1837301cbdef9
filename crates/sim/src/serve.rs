//! Serving the simulator until interrupted, for the `aithreads-sim` binary and
//! `aithreads sim serve`.

use crate::{Credentials, FaultPlan, SimConfig, Simulator, credentials};

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
    /// Run the simulator's clock this many seconds ahead (negative: behind): its `Date`
    /// headers and TC3 timestamp check, to try `aithreads doctor`'s clock check.
    #[arg(
        long,
        default_value_t = 0,
        allow_negative_numbers = true,
        value_name = "SECS"
    )]
    pub clock_skew: i64,
    /// RevCent's first page number: 0 or 1 (RevCent does not document it).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(0..=1))]
    pub revcent_page_base: u8,
    /// Whether RevCent's `date_start` lists threads created in that second (undocumented).
    #[arg(long, value_enum, default_value_t = crate::revcent::Bound::Inclusive)]
    pub revcent_date_start: crate::revcent::Bound,
    /// Whether RevCent's `date_end` lists threads created in that second (undocumented).
    #[arg(long, value_enum, default_value_t = crate::revcent::Bound::Inclusive)]
    pub revcent_date_end: crate::revcent::Bound,
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
            .with_clock_skew(self.clock_skew)
            .with_revcent_reading(
                crate::revcent::Reading::new(
                    i64::from(self.revcent_page_base),
                    self.revcent_date_end,
                )
                .with_date_start(self.revcent_date_start),
            )
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
    print!("{}", banner(&sim));
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| format!("cannot wait for Ctrl-C: {e}"))
}

/// What `serve` prints: where it listens and every line a client needs, credentials
/// included, ready to paste into a POSIX shell. A credential the simulator took from its own
/// environment is printed as a reference to that variable, never as its value: it may be a
/// real secret.
pub fn banner(sim: &Simulator) -> String {
    let demo = Credentials::demo();
    let demo_values = [
        demo.revcent_api_key,
        demo.tencent_secret_id,
        demo.tencent_secret_key,
        demo.openai_api_key,
    ];
    let mut text = format!(
        "aithreads-sim listening on {}\npoint clients at it with:\n",
        sim.base_url()
    );
    for (name, value) in sim.client_env() {
        let secret = credentials::VARIABLES.contains(&name);
        let shown = if !secret || demo_values.contains(&value) {
            shell_quote(&value)
        } else {
            format!("\"${name}\"")
        };
        text.push_str(&format!("export {name}={shown}\n"));
    }
    text
}

/// `value` as one POSIX shell word: bare when it is plainly safe, else single-quoted.
fn shell_quote(value: &str) -> String {
    let plain = !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:@%+=,".contains(&b));
    if plain {
        value.to_owned()
    } else {
        format!("'{}'", value.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::revcent::{Bound, Reading};

    #[tokio::test]
    async fn the_banner_exports_every_variable_and_never_a_borrowed_secret() {
        let sim = Simulator::start(SimConfig::default().with_credentials(Credentials::demo()))
            .await
            .unwrap();
        let text = banner(&sim);
        let exports: Vec<&str> = text.lines().filter(|l| l.starts_with("export ")).collect();
        assert_eq!(exports.len(), 8, "{text}");
        for (name, value) in sim.client_env() {
            assert!(
                exports.contains(&format!("export {name}={value}").as_str()),
                "{name}: {text}"
            );
        }
        assert!(
            text.contains("export TENCENTCLOUD_REGION=ap-singapore"),
            "{text}"
        );

        let mut own = Credentials::demo();
        own.openai_api_key = "sk-real-looking".into();
        let sim = Simulator::start(SimConfig::default().with_credentials(own))
            .await
            .unwrap();
        let text = banner(&sim);
        assert!(
            text.contains("export OPENAI_API_KEY=\"$OPENAI_API_KEY\"\n"),
            "{text}"
        );
        assert!(!text.contains("sk-real-looking"), "{text}");
    }

    #[test]
    fn words_are_quoted_only_when_needed() {
        assert_eq!(
            shell_quote("http://127.0.0.1:1/v2"),
            "http://127.0.0.1:1/v2"
        );
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(""), "''");
    }

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
        assert_eq!(Reading::default(), Reading::new(1, Bound::Inclusive));
        assert_eq!(
            reading(&[
                "--revcent-page-base",
                "0",
                "--revcent-date-end",
                "exclusive",
                "--revcent-date-start",
                "exclusive"
            ])
            .unwrap(),
            Reading::new(0, Bound::Exclusive).with_date_start(Bound::Exclusive)
        );
        assert!(reading(&["--revcent-page-base", "2"]).is_err());
        assert!(reading(&["--revcent-date-end", "maybe"]).is_err());
        assert!(reading(&["--revcent-date-start", "maybe"]).is_err());
    }
}
