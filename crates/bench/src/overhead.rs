//! Request overhead: each client's one-request read against raw `reqwest` + `serde_json`
//! sending the identical request (URL, headers, body; for TRTC the same TC3 signature made
//! by the same signer) to the same simulator, at the same concurrency, decoding into the same
//! generated model.
//!
//! The reads are RevCent `RevCentClient::get_ai_thread` (GetAIThread), TRTC
//! `ThreadProvider::get_thread` (DescribeAIConversation; TRTC has no other read) and ChatKit
//! `ChatKitClient::retrieve_chatkit_thread` (`GET /chatkit/threads/{id}`; the trait's
//! `get_thread` also pages through the items). The simulator runs in this process, on the same runtime, for
//! both contenders alike. Ours adds what the transport promises: input checks, retry and
//! rate-limit bookkeeping, a response size limit, tracing spans, error mapping.

use std::future::Future;
use std::time::Instant;

use aithreads::ThreadProvider;
use aithreads::providers::chatkit::{BETA_HEADER, ChatKitClient, ChatKitConfig, ThreadResource};
use aithreads::providers::revcent::{AiThread, RevCentClient, RevCentConfig};
use aithreads::providers::trtc::sign::{self, SignableRequest, SigningParams};
use aithreads::providers::trtc::{
    API_VERSION, DescribeAiConversationRequest, DescribeAiConversationResponse, SERVICE,
    TrtcClient, TrtcConfig,
};
use aithreads_sim::{Credentials, SimConfig, Simulator};
use anyhow::{Result, bail, ensure};
use futures::{StreamExt, TryStreamExt};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::Plan;
use crate::measure::{alternate, rate};
use crate::report::{Better, Figures, Row};

/// Requests in flight at once, for both contenders.
const CONCURRENCY: usize = 16;
/// Requests per contender before measuring.
const WARM_UP: usize = 4 * CONCURRENCY;
/// The TRTC region of the tasks.
const REGION: &str = "ap-singapore";
/// What the core transport sends as `User-Agent`; the raw client sends the same.
const USER_AGENT: &str = concat!("aithreads/", env!("CARGO_PKG_VERSION"));

pub async fn run(plan: &Plan) -> Result<Vec<Row>> {
    let sim = Simulator::start(
        SimConfig::default()
            .with_threads(1_000)
            .with_credentials(Credentials::demo())
            .with_trtc_rate_limits(false),
    )
    .await?;
    let var = |name: &str| sim.client_var(name);
    let raw = reqwest::Client::builder().user_agent(USER_AGENT).build()?;
    let (pairs, requests) = plan.pick((21, 2_000), (1, 500));
    let mut rows = Vec::new();

    // RevCent: GET /v2/ai_threads/{id} with accept and x-api-key.
    let revcent = RevCentClient::new(RevCentConfig::from_vars(var)?)?;
    let ids = sim.sim().revcent().ids_created_between(i64::MIN, i64::MAX);
    let key = sim.sim().config.credentials.revcent_api_key.clone();
    let base = sim.revcent_base_url();
    let figures = compare(
        &ids,
        pairs,
        requests,
        |id| {
            let client = &revcent;
            async move {
                client
                    .get_ai_thread(&id)
                    .await
                    .map(drop)
                    .map_err(Into::into)
            }
        },
        |id| {
            let request = raw
                .get(format!("{base}/ai_threads/{id}"))
                .header("accept", "application/json")
                .header("x-api-key", &key);
            async move { decode::<AiThread>(request.send().await?).await.map(drop) }
        },
    )
    .await;
    rows.push(row(
        "revcent",
        "RevCent get_thread",
        figures,
        pairs,
        requests,
    ));

    // TRTC: POST / DescribeAIConversation, signed per request at the current second.
    let trtc = TrtcClient::new(TrtcConfig::from_vars(var)?.with_rate_limits(false))?;
    let tasks: Vec<String> = {
        let mut state = sim.sim().trtc();
        (0..200).map(|_| state.start_task(REGION)).collect()
    };
    let credentials = sim.sim().config.credentials.clone();
    let host = sim.addr().to_string();
    let url = format!("{}/", sim.base_url());
    let figures = compare(
        &tasks,
        pairs,
        requests,
        |id| {
            let client = &trtc;
            async move { client.get_thread(&id).await.map(drop).map_err(Into::into) }
        },
        |id| {
            let request = signed_describe(&raw, &url, &host, &credentials, id);
            async move {
                let answer: Envelope = decode(request?.send().await?).await?;
                ensure!(answer.response.status.is_some(), "no status");
                Ok(())
            }
        },
    )
    .await;
    rows.push(row(
        "trtc",
        "TRTC get_thread (Describe)",
        figures,
        pairs,
        requests,
    ));

    // ChatKit: GET /v1/chatkit/threads/{id} with bearer key, beta header and accept.
    let chatkit = ChatKitClient::new(ChatKitConfig::from_vars(var)?)?;
    let thread_ids: Vec<String> = {
        let state = sim.sim().chatkit();
        state
            .users()
            .iter()
            .flat_map(|user| state.thread_ids_of(user))
            .collect()
    };
    let bearer = format!("Bearer {}", credentials.openai_api_key);
    let base = sim.chatkit_base_url();
    let figures = compare(
        &thread_ids,
        pairs,
        requests,
        |id| {
            let client = &chatkit;
            async move {
                client
                    .retrieve_chatkit_thread(&id)
                    .await
                    .map(drop)
                    .map_err(Into::into)
            }
        },
        |id| {
            let request = raw
                .get(format!("{base}/chatkit/threads/{id}"))
                .header("authorization", &bearer)
                .header("openai-beta", BETA_HEADER)
                .header("accept", "application/json");
            async move {
                decode::<ThreadResource>(request.send().await?)
                    .await
                    .map(drop)
            }
        },
    )
    .await;
    rows.push(row(
        "chatkit",
        "ChatKit get_thread",
        figures,
        pairs,
        requests,
    ));
    Ok(rows)
}

fn row(id: &str, name: &str, figures: Figures, pairs: usize, requests: usize) -> Row {
    Row::ratio(
        &format!("overhead.{id}"),
        format!("request overhead: {name}, c={CONCURRENCY}"),
        "req/s",
        figures,
        Better::Higher,
        0.95,
    )
    .note(format!(
        "client vs raw reqwest + serde_json, same request and simulator; \
         the median pair of {pairs} alternating pairs of rounds of {requests} requests"
    ))
}

/// Warms both contenders up (connections, allocator, caches), then runs them in alternating
/// rounds of `requests` calls each.
async fn compare<A, B, FA, FB>(
    ids: &[String],
    pairs: usize,
    requests: usize,
    ours: A,
    raw: B,
) -> Figures
where
    A: Fn(String) -> FA,
    B: Fn(String) -> FB,
    FA: Future<Output = Result<()>>,
    FB: Future<Output = Result<()>>,
{
    throughput(ids, WARM_UP, &ours).await;
    throughput(ids, WARM_UP, &raw).await;
    alternate(
        pairs,
        || throughput(ids, requests, &ours),
        || throughput(ids, requests, &raw),
    )
    .await
}

/// Requests per second of `requests` calls, `CONCURRENCY` at a time, cycling through `ids`.
/// Any failed call fails the round (it would not be the same work).
async fn throughput<F, Fut>(ids: &[String], requests: usize, call: F) -> f64
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = Result<()>>,
{
    let started = Instant::now();
    let done = futures::stream::iter(0..requests)
        .map(|i| call(ids[i % ids.len()].clone()))
        .buffer_unordered(CONCURRENCY)
        .try_fold(0usize, |n, ()| async move { Ok(n + 1) })
        .await;
    match done {
        Ok(n) => rate(n, started.elapsed()),
        Err(error) => {
            eprintln!("overhead round failed: {error:#}");
            0.0
        }
    }
}

/// A 200 answer's body decoded with `serde_json`.
async fn decode<T: DeserializeOwned>(response: reqwest::Response) -> Result<T> {
    if !response.status().is_success() {
        bail!("HTTP {}", response.status());
    }
    Ok(serde_json::from_slice(&response.bytes().await?)?)
}

/// TRTC's `{"Response": {...}}` envelope.
#[derive(Deserialize)]
struct Envelope {
    #[serde(rename = "Response")]
    response: DescribeAiConversationResponse,
}

/// The request `TrtcClient` sends for a Describe: the same body, headers and signature.
fn signed_describe(
    raw: &reqwest::Client,
    url: &str,
    host: &str,
    credentials: &Credentials,
    task_id: String,
) -> Result<reqwest::RequestBuilder> {
    let body = serde_json::to_vec(&DescribeAiConversationRequest::default().with_task_id(task_id))?;
    let timestamp = aithreads_sim::unix_now();
    let signed = sign::sign(
        &SignableRequest::post(
            &[("content-type", "application/json"), ("host", host)],
            &body,
        ),
        &SigningParams {
            secret_id: &credentials.tencent_secret_id,
            secret_key: &credentials.tencent_secret_key,
            service: SERVICE,
            timestamp,
        },
    )?;
    Ok(raw
        .post(url)
        .header("content-type", "application/json")
        .header("host", host)
        .header("x-tc-action", "DescribeAIConversation")
        .header("x-tc-version", API_VERSION)
        .header("x-tc-region", REGION)
        .header("x-tc-timestamp", timestamp.to_string())
        .header("authorization", signed.authorization)
        .body(body))
}
