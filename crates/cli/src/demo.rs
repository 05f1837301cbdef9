//! `aithreads demo`: every provider end to end, against the embedded simulator.
//!
//! The clients are built by [`Client::from_vars`] from the environment the simulator prints,
//! the same path `from_env` takes for users, so the demo exercises exactly what runs in
//! production, minus the network.

use std::io::{self, BufWriter, Write};
use std::time::{Duration, Instant};

use aithreads::providers::trtc::{
    AgentConfig, DescribeAiConversationRequest, StartAiConversationRequest,
};
use aithreads::{
    CancelOutcome, Client, ItemResult, ListQuery, ProviderKind, Status, Thread, ThreadRef,
};
use aithreads_sim::{SimConfig, Simulator};
use futures::StreamExt;
use serde_json::Value;
use time::OffsetDateTime;

use crate::Failure;
use crate::args::OutputFormat;
use crate::output::Output;

/// Threads seeded per provider.
const THREADS: usize = 300;

pub async fn run() -> Result<(), Failure> {
    let started = Instant::now();
    let out = Output::new(Some(OutputFormat::Table), Vec::new(), None);
    println!("aithreads demo: RevCent, Tencent TRTC and OpenAI ChatKit, end to end\n");
    let sim = Simulator::start(SimConfig::default().with_threads(THREADS))
        .await
        .map_err(|e| Failure::Failed(format!("cannot start the simulator: {e}")))?;
    println!(
        "simulator    {} ({THREADS} threads per provider, loopback only)",
        sim.base_url()
    );
    let client = Client::from_vars(|name: &str| sim.client_var(name))?;
    println!(
        "clients      configured from REVCENT_*, TENCENTCLOUD_* and OPENAI_* variables pointing at it\n"
    );

    let cancelled = revcent(&client, &out).await?;
    trtc(&client).await?;
    chatkit(&client, &out).await?;
    bulk_cancel(&client, &out, &cancelled).await?;
    export(&client).await?;

    println!(
        "\ndone in {:.1} s; the simulator saw {} requests",
        started.elapsed().as_secs_f64(),
        sim.requests_seen()
    );
    Ok(())
}

fn section(title: &str) {
    println!(
        "── {title} {}",
        "─".repeat(60usize.saturating_sub(title.len()))
    );
}

fn step(text: impl std::fmt::Display) {
    println!("\n▸ {text}");
}

/// Lists, shows and cancels RevCent threads; returns the cancelled thread's reference.
async fn revcent(client: &Client, out: &Output) -> Result<ThreadRef, Failure> {
    section("RevCent");
    let provider = client.provider(ProviderKind::RevCent)?;
    let now = OffsetDateTime::now_utc();
    let recent = ListQuery::new().with_range(now - time::Duration::days(2), now);
    step("list the threads of the last 2 days (first 5)");
    let threads: Vec<Thread> = first(provider.clone().threads(recent), 5).await?;
    out.threads(&threads)?;

    let shown = threads
        .iter()
        .max_by_key(|t| {
            t.record::<aithreads::providers::revcent::AiThread>()
                .and_then(|r| r.message_count)
        })
        .ok_or_else(|| Failure::Failed("the simulator returned no RevCent threads".into()))?;
    step(format!("get {} with its messages", ThreadRef::of(shown)?));
    out.thread_details(&[ItemResult {
        thread: ThreadRef::of(shown)?,
        result: client.get(&ThreadRef::of(shown)?).await,
    }])?;

    let month = ListQuery::new()
        .with_range(now - time::Duration::days(31), now)
        .with_statuses([Status::Running]);
    let running = first(provider.threads(month), 1)
        .await?
        .pop()
        .ok_or_else(|| Failure::Failed("no running RevCent thread to cancel".into()))?;
    let target = ThreadRef::of(&running)?;
    step(format!("cancel the running thread {target}"));
    let outcome = client.cancel(&target).await?;
    let after = client.get(&target).await?;
    println!(
        "  {}; its status is now {} ({})",
        outcome_text(outcome),
        after.status,
        after.raw_status.value
    );
    println!();
    Ok(target)
}

/// Starts, describes and stops a TRTC AI conversation.
async fn trtc(client: &Client) -> Result<(), Failure> {
    section("Tencent TRTC");
    let trtc = client.trtc()?;
    step("start an AI conversation: the bot joins room demo-room and talks with alice");
    let request = StartAiConversationRequest::new(
        1_400_000_001,
        "demo-room",
        AgentConfig::new("demo-bot", "demo-user-sig", "alice")
            .with_welcome_message("Hello from the aithreads demo"),
    )
    .with_room_id_type(1)
    .with_session_id(format!("demo-{}", std::process::id()));
    let started = trtc.start_ai_conversation(&request).await?;
    let task_id = started
        .task_id
        .ok_or_else(|| Failure::Failed("StartAIConversation answered no TaskId".into()))?;
    let region = trtc.region().unwrap_or("ap-singapore").to_owned();
    let task = ThreadRef::new(ProviderKind::TencentTrtc, Some(region), task_id.clone())?;
    println!(
        "  TaskId {} (request id {})",
        short(&task_id),
        started.request_id
    );

    step("describe it until it runs");
    let describe = DescribeAiConversationRequest::default().with_task_id(task_id);
    for _ in 0..20 {
        let state = trtc.describe_ai_conversation(&describe).await?;
        let status = state
            .status
            .as_ref()
            .map(|s| s.to_string())
            .unwrap_or_default();
        println!("  status {status}");
        if status == "InProgress" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    step(format!("stop it as {}", short(&task.to_string())));
    let outcome = client.cancel(&task).await?;
    let thread = client.get(&task).await?;
    println!(
        "  {}; Describe now says {} ({})\n",
        outcome_text(outcome),
        thread.raw_status.value,
        thread.status
    );
    Ok(())
}

/// Lists ChatKit threads, shows one's items, deletes one and shows it is gone.
async fn chatkit(client: &Client, out: &Output) -> Result<(), Failure> {
    section("OpenAI ChatKit");
    let provider = client.provider(ProviderKind::OpenAiChatKit)?;
    step("list threads, newest first (first 5)");
    let threads = first(provider.clone().threads(ListQuery::new()), 5).await?;
    out.threads(&threads)?;

    let shown = ThreadRef::of(
        threads
            .first()
            .ok_or_else(|| Failure::Failed("the simulator returned no ChatKit threads".into()))?,
    )?;
    step(format!("get {shown} with its items as a transcript"));
    out.thread_details(&[ItemResult {
        thread: shown.clone(),
        result: client.get(&shown).await,
    }])?;

    let victim = ThreadRef::of(
        threads
            .last()
            .ok_or_else(|| Failure::Failed("no ChatKit thread to delete".into()))?,
    )?;
    step(format!("delete {victim}"));
    client.delete(&victim).await?;
    println!("  deleted");
    match client.get(&victim).await {
        Err(error) if error.is_not_found() => println!("  get {victim} now answers: {error}\n"),
        Err(error) => return Err(error.into()),
        Ok(_) => {
            return Err(Failure::Failed(format!(
                "{victim} is still there after delete"
            )));
        }
    }
    Ok(())
}

/// Cancels several threads at once: running ones, one already cancelled and one that does
/// not exist, and prints the per-item report.
async fn bulk_cancel(client: &Client, out: &Output, already: &ThreadRef) -> Result<(), Failure> {
    section("Bulk cancel");
    let now = OffsetDateTime::now_utc();
    let running = ListQuery::new()
        .with_range(now - time::Duration::days(31), now)
        .with_statuses([Status::Running, Status::Pending]);
    let mut refs: Vec<ThreadRef> = first(client.export(ProviderKind::RevCent, running), 4)
        .await?
        .iter()
        .map(ThreadRef::of)
        .collect::<Result<_, _>>()?;
    refs.push(already.clone());
    refs.push("revcent:AAAAAAAAAAAAAAAAAAAA".parse()?);
    step(format!(
        "cancel {} threads at once: {} running or waiting, one cancelled above, one that does not exist",
        refs.len(),
        refs.len() - 2
    ));
    let results = client.cancel_many(&refs).await;
    out.results(&results, |outcome| Value::from(outcome_text(*outcome)))?;
    println!();
    Ok(())
}

/// Exports every RevCent thread of the last month as NDJSON, with a progress bar.
async fn export(client: &Client) -> Result<(), Failure> {
    section("Export");
    let dir = std::env::temp_dir().join(format!("aithreads-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("revcent-threads.ndjson");
    step(format!(
        "export every RevCent thread of the last 31 days to {}",
        path.display()
    ));
    let now = OffsetDateTime::now_utc();
    let query = ListQuery::new().with_range(now - time::Duration::days(31), now);
    let started = Instant::now();
    let progress = indicatif::ProgressBar::new_spinner();
    progress.set_style(
        indicatif::ProgressStyle::with_template("  {spinner} {pos} threads  {per_sec}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    let mut file = BufWriter::new(std::fs::File::create(&path)?);
    let mut threads = client.export(ProviderKind::RevCent, query);
    let mut count = 0u64;
    while let Some(thread) = threads.next().await {
        serde_json::to_writer(&mut file, &thread?).map_err(io::Error::from)?;
        file.write_all(b"\n")?;
        count += 1;
        progress.inc(1);
    }
    file.flush()?;
    progress.finish_and_clear();
    let bytes = std::fs::metadata(&path)?.len();
    println!(
        "  {count} threads, {:.1} KiB of NDJSON in {:.2} s (2-day windows and pages walked concurrently)",
        bytes as f64 / 1024.0,
        started.elapsed().as_secs_f64()
    );
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

async fn first(
    stream: futures::stream::BoxStream<'static, aithreads::Result<Thread>>,
    n: usize,
) -> Result<Vec<Thread>, Failure> {
    let mut stream = stream.take(n);
    let mut threads = Vec::new();
    while let Some(thread) = stream.next().await {
        threads.push(thread?);
    }
    Ok(threads)
}

fn outcome_text(outcome: CancelOutcome) -> &'static str {
    match outcome {
        CancelOutcome::Cancelled => "cancelled",
        CancelOutcome::AlreadyEnded => "already ended",
        _ => "done",
    }
}

/// A long TaskId cut for display.
fn short(text: &str) -> String {
    if text.chars().count() <= 48 {
        return text.to_owned();
    }
    let head: String = text.chars().take(44).collect();
    format!("{head}…")
}
