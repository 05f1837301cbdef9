//! Bulk stop of TRTC tasks under the client's rate limiter: the achieved rate against the
//! configured one, and the simulator's count of `RequestLimitExceeded` answers.
//!
//! The simulator enforces [`RATE`] requests per second for every TRTC action
//! ([`SimConfig::with_trtc_rate_limit`]; the documented 20/s would make 1,000 stops take 50 s)
//! with a bucket holding one second's requests, as it does for the documented limits. The
//! client spaces requests `1/RATE` s apart (`TransportConfig::with_rate_limit`), and the stops
//! go through the facade's `Client::cancel_many` with 64 in flight.
//!
//! The achieved rate is the one the server sees: requests after the first, over the time
//! from the first request's arrival to the last one's (a watcher polls the simulator's
//! request count every millisecond), so connection setup before the first request does not
//! count against the limiter.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::{Duration, Instant};

use aithreads::providers::trtc::{TrtcClient, TrtcConfig};
use aithreads::transport::{RateLimit, TransportConfig};
use aithreads::{CancelOutcome, Client, ProviderKind, ThreadRef};
use aithreads_sim::{Credentials, Sim, SimConfig, Simulator};
use anyhow::{Context, Result};

use crate::Plan;
use crate::measure::rate;
use crate::report::{Better, Figures, Row};

/// The limit, requests per second, of the client and of the simulator.
pub const RATE: u32 = 100;
const REGION: &str = "ap-singapore";

/// The time from the first TRTC request the simulator sees to the `count`th.
async fn arrivals(sim: Arc<Sim>, count: u64) -> Duration {
    let seen = || sim.provider_requests_seen(ProviderKind::TencentTrtc);
    let start = seen();
    while seen() == start {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let first = Instant::now();
    while seen() < start + count {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    first.elapsed()
}

/// One bulk stop, as the simulator saw it.
struct Run {
    /// Requests per second from the first arrival to the last.
    achieved: f64,
    elapsed: Duration,
    stopped: usize,
    refused: u64,
}

pub async fn run(plan: &Plan) -> Result<Vec<Row>> {
    let (tasks, runs) = plan.pick((1_000, 2), (200, 1));
    let mut all = Vec::new();
    for _ in 0..runs {
        all.push(stop_all(tasks).await?);
    }
    // The run closest to the configured rate; the limiter can only fall behind it.
    let best = all
        .iter()
        .max_by(|a, b| a.achieved.total_cmp(&b.achieved))
        .context("no run")?;
    let ratio = best.achieved / f64::from(RATE);
    let refused: u64 = all.iter().map(|r| r.refused).sum();
    let failed: usize = all.iter().map(|r| tasks - r.stopped).sum();
    Ok(vec![
        Row::ratio(
            "bulk_stop.rate",
            format!(
                "bulk stop: {} TRTC tasks at {RATE} req/s",
                crate::report::quantity(tasks as f64, "")
            ),
            "req/s",
            Figures::new(best.achieved, f64::from(RATE)),
            Better::Higher,
            0.95,
        )
        .target("0.95–1.05×", (0.95..=1.05).contains(&ratio))
        .note(format!(
            "Client::cancel_many, 64 in flight, client limiter {RATE}/s; {:.2} s from the \
             first request to the last; best of {runs} runs ({})",
            best.elapsed.as_secs_f64(),
            all.iter()
                .map(|r| format!("{:.1}/s", r.achieved))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        Row::absolute(
            "bulk_stop.limit_exceeded",
            "bulk stop: RequestLimitExceeded answers + failed stops",
            "",
            (refused + failed as u64) as f64,
        )
        .target("0", refused == 0 && failed == 0)
        .invariant()
        .note(format!(
            "over {runs} runs: {refused} RequestLimitExceeded counted by the simulator, \
             {failed} stops failed"
        )),
    ])
}

/// Starts `tasks` TRTC tasks in a fresh simulator and stops them all in bulk.
async fn stop_all(tasks: usize) -> Result<Run> {
    let sim = Simulator::start(
        SimConfig::default()
            .with_credentials(Credentials::demo())
            .with_trtc_rate_limit(RATE),
    )
    .await?;
    let var = |name: &str| sim.client_var(name);
    let limit = RateLimit::per_second(NonZeroU32::new(RATE).unwrap_or(NonZeroU32::MIN));
    let trtc = TrtcClient::new(
        TrtcConfig::from_vars(var)?
            .with_rate_limits(false)
            .with_transport(TransportConfig::default().with_rate_limit(Some(limit))),
    )?;
    let refs = {
        let mut state = sim.sim().trtc();
        (0..tasks)
            .map(|_| format!("trtc:{REGION}/{}", state.start_task(REGION)).parse())
            .collect::<aithreads::Result<Vec<ThreadRef>>>()?
    };
    let client = Client::builder()
        .with_trtc(trtc)
        .with_concurrency(64)
        .build();

    let watcher = tokio::spawn(arrivals(sim.sim().clone(), tasks as u64));
    let results = client.cancel_many(&refs).await;
    // Every request has arrived once the stops return; a watcher still waiting means fewer
    // requests than tasks reached the server.
    let elapsed = tokio::time::timeout(Duration::from_secs(1), watcher)
        .await
        .context("the simulator saw fewer stop requests than tasks")??;
    let stopped = results
        .iter()
        .filter(|r| matches!(r.result, Ok(CancelOutcome::Cancelled)))
        .count();
    Ok(Run {
        achieved: rate(tasks - 1, elapsed),
        elapsed,
        stopped,
        refused: sim.sim().trtc().rate_limited_answers(),
    })
}
