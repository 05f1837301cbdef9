//! The simulator and the `aithreads` binary, configured the way users configure it.

use std::process::Output;

use aithreads::ProviderKind;
use aithreads_sim::{Credentials, SimConfig, Simulator};
use assert_cmd::Command;
use serde_json::Value;

/// Credentials the simulator accepts in these tests; distinctive so a leak is easy to spot.
pub fn fake_credentials() -> Credentials {
    Credentials {
        revcent_api_key: "rc-SECRET-7c1e9d2a55".into(),
        tencent_secret_id: "AKIDfakeSECRETid0000000000000000".into(),
        tencent_secret_key: "tc-SECRET-key-4b8f0e1d9a".into(),
        openai_api_key: "sk-SECRET-openai-6d3f2b".into(),
    }
}

pub struct Env {
    pub sim: Simulator,
    _runtime: tokio::runtime::Runtime,
}

impl Env {
    pub fn start(threads: usize) -> Self {
        Self::with(SimConfig::default().with_threads(threads))
    }

    pub fn with(config: SimConfig) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let sim = runtime
            .block_on(Simulator::start(
                config.with_credentials(fake_credentials()),
            ))
            .unwrap();
        Self {
            sim,
            _runtime: runtime,
        }
    }

    /// The `aithreads` command, configured for the simulator the way users configure it.
    pub fn cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin("aithreads").unwrap();
        cmd.env_clear();
        for (name, value) in self.sim.client_env() {
            cmd.env(name, value);
        }
        cmd.timeout(std::time::Duration::from_secs(60));
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().unwrap()
    }

    /// Runs with `input` on stdin.
    pub fn run_with_stdin(&self, args: &[&str], input: impl Into<Vec<u8>>) -> Output {
        self.cmd().args(args).write_stdin(input).output().unwrap()
    }

    pub fn json(&self, args: &[&str]) -> Value {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            text(&out.stderr)
        );
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{args:?} printed no JSON ({e}): {}", text(&out.stdout)))
    }

    /// References of threads `list` shows for these arguments.
    pub fn refs(&self, args: &[&str]) -> Vec<String> {
        let mut full = vec!["list", "--output", "json"];
        full.extend_from_slice(args);
        self.json(&full)
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["ref"].as_str().unwrap().to_owned())
            .collect()
    }

    /// Requests the simulator saw for one provider so far.
    pub fn requests(&self, provider: ProviderKind) -> u64 {
        self.sim.sim().provider_requests_seen(provider)
    }

    /// The RevCent status of `reference` in the simulator.
    pub fn revcent_status(&self, reference: &str) -> Option<String> {
        let id = reference.strip_prefix("revcent:").unwrap();
        self.sim
            .sim()
            .revcent()
            .status(id)
            .map(|s| s.as_str().to_owned())
    }
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

pub fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

/// stdout as NDJSON records.
pub fn ndjson(out: &Output) -> Vec<Value> {
    text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}
