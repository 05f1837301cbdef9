//! A stateful, spec-faithful simulator of the RevCent, Tencent Cloud TRTC and OpenAI ChatKit
//! thread APIs, on one loopback port, with fault injection.
//!
//! It serves the real paths (RevCent under `/v2/ai_threads`, ChatKit under `/v1/chatkit`, TRTC
//! as `POST /` dispatched on `X-TC-Action`), so each client's base URL is simply the
//! simulator's address. It checks credentials and inputs as the providers document, keeps
//! state (a cancelled thread stays cancelled, a deleted one is gone), answers in the
//! providers' exact shapes and error envelopes, and can be told to fail in realistic ways
//! ([`faults`]). Tests, benchmarks and `aithreads demo` run against it; the `aithreads-sim`
//! binary serves it alone for any client, official SDKs included.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! use aithreads_sim::{SimConfig, Simulator};
//!
//! let sim = Simulator::start(SimConfig::default().with_threads(10)).await?;
//! let health = reqwest::get(format!("{}/healthz", sim.base_url())).await.unwrap();
//! assert!(health.status().is_success());
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]

pub mod chatkit;
pub mod credentials;
pub mod faults;
pub mod revcent;
mod serve;
pub mod trtc;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use aithreads_core::ProviderKind;
use axum::Router;
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use tokio::sync::oneshot;

pub use credentials::Credentials;
pub use faults::{Fault, FaultPlan, FaultRule};
pub use serve::{ServeArgs, serve};

/// How to build a simulator.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SimConfig {
    /// Threads to seed per provider (RevCent threads, ChatKit threads; TRTC tasks are
    /// started through the API).
    pub threads: usize,
    /// Seed of every random choice, so the same config gives the same data.
    pub seed: u64,
    /// The credentials to accept.
    pub credentials: Credentials,
    /// "Now" for seeding, as unix seconds: seeded threads are created in the days before it.
    pub now: i64,
    /// Port to listen on (0: any free port).
    pub port: u16,
    /// Enforce each TRTC action's documented request limit, answering `RequestLimitExceeded`.
    pub enforce_trtc_rate_limits: bool,
    /// A request limit (per second) for every TRTC action instead of the documented ones,
    /// for load tests at other rates; `None` keeps the documented limits.
    pub trtc_rate_limit: Option<u32>,
    /// Seconds the simulator's clock is ahead of the machine's (negative: behind): every
    /// `Date` header and the TC3 timestamp check read the shifted clock, as a server whose
    /// clock differs from the client's would.
    pub clock_skew: i64,
    /// Which reading of RevCent's undocumented paging and date ends to serve.
    pub revcent_reading: revcent::Reading,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            threads: 100,
            seed: 1,
            credentials: Credentials::from_env(),
            now: unix_now(),
            port: 0,
            enforce_trtc_rate_limits: true,
            trtc_rate_limit: None,
            clock_skew: 0,
            revcent_reading: revcent::Reading::default(),
        }
    }
}

impl SimConfig {
    /// Sets the number of threads seeded per provider.
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }

    /// Sets the seed.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Sets the accepted credentials.
    pub fn with_credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = credentials;
        self
    }

    /// Sets "now" (unix seconds).
    pub fn with_now(mut self, now: i64) -> Self {
        self.now = now;
        self
    }

    /// Sets the port.
    pub fn with_port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Turns the TRTC request limits on or off.
    pub fn with_trtc_rate_limits(mut self, enforce: bool) -> Self {
        self.enforce_trtc_rate_limits = enforce;
        self
    }

    /// Shifts the simulator's clock by `seconds` (see [`SimConfig::clock_skew`]).
    pub fn with_clock_skew(mut self, seconds: i64) -> Self {
        self.clock_skew = seconds;
        self
    }

    /// Enforces `per_second` requests per second for every TRTC action instead of the
    /// documented limits (which stay the default).
    pub fn with_trtc_rate_limit(mut self, per_second: u32) -> Self {
        self.trtc_rate_limit = Some(per_second);
        self
    }

    /// Serves RevCent under this reading of its page base, `date_start` and `date_end`.
    pub fn with_revcent_reading(mut self, reading: revcent::Reading) -> Self {
        self.revcent_reading = reading;
        self
    }
}

/// The current time as unix seconds.
pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

/// Everything a running simulator knows: configuration, faults, counters and each
/// provider's state.
#[derive(Debug)]
pub struct Sim {
    /// The configuration it started with.
    pub config: SimConfig,
    /// The faults to inject; change them at any time.
    pub faults: FaultPlan,
    requests: AtomicU64,
    provider_requests: [AtomicU64; 3],
    revcent: Mutex<revcent::State>,
    trtc: Mutex<trtc::State>,
    chatkit: Mutex<chatkit::State>,
}

impl Sim {
    /// A simulator's state, seeded from `config`.
    pub fn new(config: SimConfig) -> Self {
        Self {
            faults: FaultPlan::new(Vec::new(), config.seed),
            requests: AtomicU64::new(0),
            provider_requests: Default::default(),
            revcent: Mutex::new(revcent::State::seeded(&config)),
            trtc: Mutex::new(trtc::State::seeded(&config)),
            chatkit: Mutex::new(chatkit::State::seeded(&config)),
            config,
        }
    }

    /// Requests received so far, faulted ones included.
    pub fn requests_seen(&self) -> u64 {
        self.requests.load(Ordering::SeqCst)
    }

    /// Requests received so far for one provider.
    pub fn provider_requests_seen(&self, provider: ProviderKind) -> u64 {
        self.provider_requests[provider_index(provider)].load(Ordering::SeqCst)
    }

    /// RevCent's state.
    pub fn revcent(&self) -> MutexGuard<'_, revcent::State> {
        lock(&self.revcent)
    }

    /// TRTC's state.
    pub fn trtc(&self) -> MutexGuard<'_, trtc::State> {
        lock(&self.trtc)
    }

    /// ChatKit's state.
    pub fn chatkit(&self) -> MutexGuard<'_, chatkit::State> {
        lock(&self.chatkit)
    }

    /// The HTTP routes of all three providers, with request counting and fault injection.
    pub fn router(self: &Arc<Self>) -> Router {
        Router::new()
            .route(
                "/healthz",
                get(|| async { axum::Json(serde_json::json!({"ok": true})) }),
            )
            .nest("/v2", revcent::router())
            .nest("/v1", chatkit::router())
            .merge(trtc::router())
            .layer(middleware::from_fn_with_state(
                self.clone(),
                count_and_inject_faults,
            ))
            .layer(middleware::from_fn_with_state(self.clone(), skewed_date))
            .with_state(self.clone())
    }
}

fn provider_index(provider: ProviderKind) -> usize {
    match provider {
        ProviderKind::RevCent => 0,
        ProviderKind::TencentTrtc => 1,
        ProviderKind::OpenAiChatKit => 2,
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Which provider a path belongs to.
fn provider_of(path: &str) -> Option<ProviderKind> {
    if path.starts_with("/v2/") {
        Some(ProviderKind::RevCent)
    } else if path.starts_with("/v1/") {
        Some(ProviderKind::OpenAiChatKit)
    } else if path == "/" {
        Some(ProviderKind::TencentTrtc)
    } else {
        None
    }
}

async fn count_and_inject_faults(
    State(sim): State<Arc<Sim>>,
    mut request: Request,
    next: Next,
) -> Response {
    sim.requests.fetch_add(1, Ordering::SeqCst);
    let provider = provider_of(request.uri().path());
    if let Some(provider) = provider {
        sim.provider_requests[provider_index(provider)].fetch_add(1, Ordering::SeqCst);
    }
    match sim.faults.pick(provider) {
        None => next.run(request).await,
        Some(fault) if fault.short_circuits() => {
            faults::short_circuit(provider, fault, request.uri())
        }
        Some(fault) if fault.bends_listings() => {
            request.extensions_mut().insert(fault);
            next.run(request).await
        }
        Some(Fault::Latency(delay)) => {
            tokio::time::sleep(delay).await;
            next.run(request).await
        }
        Some(fault) => faults::spoil(fault, next.run(request).await).await,
    }
}

/// Dates every answer by the simulator's clock, shifted by [`SimConfig::clock_skew`]
/// (left to the HTTP server, which dates by the machine's clock, when there is no skew).
async fn skewed_date(State(sim): State<Arc<Sim>>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let skew = sim.config.clock_skew;
    if skew != 0 {
        let shift = std::time::Duration::from_secs(skew.unsigned_abs());
        let now = SystemTime::now();
        let date = if skew > 0 {
            now.checked_add(shift)
        } else {
            now.checked_sub(shift)
        };
        if let Some(value) =
            date.and_then(|d| axum::http::HeaderValue::from_str(&httpdate::fmt_http_date(d)).ok())
        {
            response
                .headers_mut()
                .insert(axum::http::header::DATE, value);
        }
    }
    response
}

/// A simulator serving on loopback; it stops when dropped.
#[derive(Debug)]
pub struct Simulator {
    addr: SocketAddr,
    sim: Arc<Sim>,
    shutdown: Option<oneshot::Sender<()>>,
}

impl Simulator {
    /// Seeds a simulator and serves it on `127.0.0.1:config.port`.
    pub async fn start(config: SimConfig) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", config.port)).await?;
        let addr = listener.local_addr()?;
        let sim = Arc::new(Sim::new(config));
        let app = sim.router();
        let (shutdown, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = stopped.await;
            });
            if let Err(error) = serve.await {
                tracing::error!(%error, "simulator stopped");
            }
        });
        Ok(Self {
            addr,
            sim,
            shutdown: Some(shutdown),
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>`: the TRTC endpoint.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The RevCent base URL (`…/v2`).
    pub fn revcent_base_url(&self) -> String {
        format!("{}/v2", self.base_url())
    }

    /// The ChatKit (OpenAI) base URL (`…/v1`).
    pub fn chatkit_base_url(&self) -> String {
        format!("{}/v1", self.base_url())
    }

    /// The state and controls of the running simulator.
    pub fn sim(&self) -> &Arc<Sim> {
        &self.sim
    }

    /// The faults it injects.
    pub fn faults(&self) -> &FaultPlan {
        &self.sim.faults
    }

    /// Requests received so far.
    pub fn requests_seen(&self) -> u64 {
        self.sim.requests_seen()
    }

    /// One of [`client_env`](Self::client_env)'s variables, for the clients' `from_vars`:
    /// `RevCentConfig::from_vars(|name| sim.client_var(name))`.
    pub fn client_var(&self, name: &str) -> Option<String> {
        self.client_env()
            .into_iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value)
    }

    /// The environment variables that point every client at this simulator with the
    /// credentials it accepts (the configuration path users use).
    pub fn client_env(&self) -> Vec<(&'static str, String)> {
        let creds = &self.sim.config.credentials;
        vec![
            ("REVCENT_API_KEY", creds.revcent_api_key.clone()),
            ("REVCENT_BASE_URL", self.revcent_base_url()),
            ("TENCENTCLOUD_SECRET_ID", creds.tencent_secret_id.clone()),
            ("TENCENTCLOUD_SECRET_KEY", creds.tencent_secret_key.clone()),
            ("TENCENTCLOUD_REGION", "ap-singapore".into()),
            ("TENCENTCLOUD_TRTC_ENDPOINT", self.base_url()),
            ("OPENAI_API_KEY", creds.openai_api_key.clone()),
            ("OPENAI_BASE_URL", self.chatkit_base_url()),
        ]
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}
