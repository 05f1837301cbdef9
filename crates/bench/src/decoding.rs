//! Decoding RevCent answers into the generated models against bare `serde_json` into plain
//! structs with the same fields.
//!
//! The bodies are real simulator answers (GetAIThread of a thread with 10,000 messages,
//! GetAIThreads with 25 threads), fetched once. Ours is the path every client call takes,
//! [`Response::json`] (content-type check, then `serde_json`, with `serde_path_to_error`
//! only after a failure), into the generated models with their open enums; the baseline is
//! `serde_json::from_slice` into the plain structs below.

use std::hint::black_box;
use std::time::Duration;

use aithreads::ProviderKind;
use aithreads::providers::revcent::{AiThread, AiThreadList, AiThreadStatus};
use aithreads::transport::Response;
use aithreads_sim::revcent::NewThread;
use aithreads_sim::{Credentials, SimConfig, Simulator};
use anyhow::{Context, Result, ensure};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::Plan;
use crate::measure::alternate_ns;
use crate::report::{Better, Figures, Row};

/// GetAIThread's fields as plain types: strings where the models have open enums.
#[allow(dead_code)] // Fields are decoded, never read: decoding is what is measured.
mod plain {
    use super::Deserialize;

    #[derive(Deserialize)]
    pub struct Thread {
        pub created_date_unix: Option<i64>,
        pub id: Option<String>,
        pub status: Option<String>,
        pub messages: Option<Vec<Message>>,
        pub message_count: Option<i64>,
        pub total_tokens: Option<i64>,
        pub total_time_ms: Option<i64>,
        pub previous_ai_thread: Option<PreviousThread>,
        pub trigger: Option<Trigger>,
        pub ai_assistant: Option<Named>,
        pub third_party_integration: Option<Integration>,
        pub time_delay_expires: Option<i64>,
        pub updated_date_unix: Option<i64>,
    }

    #[derive(Deserialize)]
    pub struct Message {
        pub role: Option<String>,
        pub content: Option<String>,
        pub tool_call_id: Option<String>,
        pub tool_calls: Option<Vec<ToolCall>>,
        pub previous_ai_thread: Option<MessagePreviousThread>,
        pub created_date_unix: Option<i64>,
        pub third_party_name: Option<String>,
        pub third_party_model: Option<String>,
    }

    #[derive(Deserialize)]
    pub struct ToolCall {
        pub id: Option<String>,
        pub r#type: Option<String>,
        pub function_name: Option<String>,
        pub function_args: Option<String>,
    }

    #[derive(Deserialize)]
    pub struct MessagePreviousThread {
        pub id: Option<String>,
        pub created_date_unix: Option<i64>,
    }

    #[derive(Deserialize)]
    pub struct PreviousThread {
        pub id: Option<String>,
        pub ai_assistant: Option<Named>,
    }

    #[derive(Deserialize)]
    pub struct Named {
        pub id: Option<String>,
        pub name: Option<String>,
    }

    #[derive(Deserialize)]
    pub struct Trigger {
        pub source: Option<String>,
        pub notation: Option<String>,
        pub api_call: Option<ApiCall>,
        pub web_user: Option<WebUser>,
    }

    #[derive(Deserialize)]
    pub struct ApiCall {
        pub id: Option<String>,
        pub api_account: Option<Named>,
        pub ai_assistant: Option<Named>,
    }

    #[derive(Deserialize)]
    pub struct WebUser {
        pub id: Option<String>,
        pub username: Option<String>,
        pub first_name: Option<String>,
        pub last_name: Option<String>,
    }

    #[derive(Deserialize)]
    pub struct Integration {
        pub id: Option<String>,
        pub name: Option<String>,
        pub third_party: Option<Named>,
    }

    #[derive(Deserialize)]
    pub struct List {
        pub api_call_id: Option<String>,
        pub api_call_unix: Option<i64>,
        pub code: Option<i64>,
        pub current_count: Option<i64>,
        pub current_page: Option<i64>,
        pub results: Option<Vec<Thread>>,
        pub total_count: Option<i64>,
        pub total_pages: Option<i64>,
    }
}

pub async fn run(plan: &Plan) -> Result<Vec<Row>> {
    let now = aithreads_sim::unix_now();
    let sim = Simulator::start(
        SimConfig::default()
            .with_threads(1_000)
            .with_now(now)
            .with_credentials(Credentials::demo()),
    )
    .await?;
    let id = sim
        .sim()
        .revcent()
        .insert(NewThread::new(now - 3_600, AiThreadStatus::Complete).with_messages(10_000));
    let thread = fetch(&sim, &format!("/v2/ai_threads/{id}")).await?;
    let list = fetch(
        &sim,
        &format!(
            "/v2/ai_threads?date_start={}&date_end={}&limit=25&page=1",
            now - 2 * 86_400,
            now
        ),
    )
    .await?;

    let thread_check: AiThread = thread.json(ProviderKind::RevCent)?;
    ensure!(
        thread_check.messages.as_ref().map(Vec::len) == Some(10_000),
        "the thread should have 10,000 messages"
    );
    let list_check: AiThreadList = list.json(ProviderKind::RevCent)?;
    ensure!(
        list_check.results.as_ref().map(Vec::len) == Some(25),
        "the page should hold 25 threads"
    );

    let (pairs, thread_calls, list_calls) = plan.pick((11, 5, 2_000), (3, 2, 200));
    let thread_row = compare::<AiThread, plain::Thread>(&thread, pairs, thread_calls)?;
    let list_row = compare::<AiThreadList, plain::List>(&list, pairs, list_calls)?;
    Ok(vec![
        Row::ratio(
            "decode.thread_10k",
            format!(
                "decode RevCent thread, 10,000 messages ({:.1} MB)",
                thread.body.len() as f64 / 1e6
            ),
            "MB/s",
            thread_row,
            Better::Higher,
            0.9,
        )
        .note(format!(
            "Response::json into the generated AiThread vs serde_json into plain structs; \
             best of {pairs} alternating rounds of {thread_calls}"
        )),
        Row::ratio(
            "decode.list_25",
            format!(
                "decode RevCent list page, 25 threads ({:.1} kB)",
                list.body.len() as f64 / 1e3
            ),
            "MB/s",
            list_row,
            Better::Higher,
            0.9,
        )
        .note(format!(
            "Response::json into the generated AiThreadList vs serde_json into plain structs; \
             best of {pairs} alternating rounds of {list_calls}"
        )),
    ])
}

/// Throughput in MB/s of both decoders on `response`'s body.
fn compare<Ours, Plain>(response: &Response, pairs: usize, calls: u32) -> Result<Figures>
where
    Ours: DeserializeOwned,
    Plain: DeserializeOwned,
{
    serde_json::from_slice::<Plain>(&response.body).context("plain structs")?;
    let best = alternate_ns(
        pairs,
        calls,
        || {
            let decoded = response.json::<Ours>(ProviderKind::RevCent);
            black_box(decoded.is_ok());
        },
        || {
            let decoded = serde_json::from_slice::<Plain>(black_box(&response.body));
            black_box(decoded.is_ok());
        },
    );
    // Bytes per nanosecond are GB/s.
    let mb_per_s = |ns: f64| response.body.len() as f64 / ns * 1_000.0;
    Ok(Figures::new(mb_per_s(best.ours), mb_per_s(best.baseline)))
}

/// One simulator answer, read whole, as the transport hands it to decoders.
async fn fetch(sim: &Simulator, path: &str) -> Result<Response> {
    let answer = reqwest::Client::new()
        .get(format!("{}{path}", sim.base_url()))
        .header("x-api-key", &sim.sim().config.credentials.revcent_api_key)
        .timeout(Duration::from_secs(30))
        .send()
        .await?;
    ensure!(
        answer.status().is_success(),
        "GET {path}: {}",
        answer.status()
    );
    Ok(Response {
        status: answer.status(),
        headers: answer.headers().clone(),
        body: answer.bytes().await?,
        attempt: 1,
    })
}
