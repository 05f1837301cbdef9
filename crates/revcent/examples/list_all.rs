//! Lists every AI thread of the last N days (default 7), however many 2-day windows and
//! pages that takes, and counts them by status.
//!
//! Against the simulator (its demo key is accepted when `REVCENT_API_KEY` is unset there):
//!
//! ```text
//! cargo run -p aithreads-sim -- --port 8787 &
//! export REVCENT_BASE_URL=http://127.0.0.1:8787/v2 REVCENT_API_KEY=revcent-demo-key-0000
//! cargo run -p aithreads-revcent --example list_all -- 9
//! ```

use std::collections::BTreeMap;

use aithreads_revcent::{RevCentClient, ThreadFilters};
use futures::StreamExt;
use time::{Duration, OffsetDateTime};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let days: i64 = match std::env::args().nth(1) {
        Some(text) => text
            .parse()
            .map_err(|_| format!("days must be a number, not `{text}`"))?,
        None => 7,
    };
    let client = RevCentClient::from_env()?;
    let now = OffsetDateTime::now_utc();
    let mut threads = client.ai_threads(now - Duration::days(days)..=now, ThreadFilters::new());
    let mut by_status = BTreeMap::<String, usize>::new();
    while let Some(thread) = threads.next().await {
        let thread = thread?;
        let status = thread
            .status
            .as_ref()
            .map(|s| s.to_string())
            .unwrap_or_default();
        println!(
            "{}  {}  {:<9}  {:>3} messages  {}",
            thread.id.as_deref().unwrap_or("?"),
            thread.created_date_unix.unwrap_or_default(),
            status,
            thread.message_count.unwrap_or_default(),
            thread
                .ai_assistant
                .as_ref()
                .and_then(|a| a.name.as_deref())
                .unwrap_or("-"),
        );
        *by_status.entry(status).or_default() += 1;
    }
    let total: usize = by_status.values().sum();
    println!("{total} threads in the last {days} days: {by_status:?}");
    Ok(())
}
