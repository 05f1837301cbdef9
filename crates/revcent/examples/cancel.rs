//! Cancels AI threads: the ids given on the command line, or else every `Running` or `Timer`
//! thread of the last 2 days. Cancels run 4 at a time and each one's result is printed, so
//! one failure never hides the others.
//!
//! Against the simulator (its demo key is accepted when `REVCENT_API_KEY` is unset there):
//!
//! ```text
//! cargo run -p aithreads-sim -- --port 8787 &
//! export REVCENT_BASE_URL=http://127.0.0.1:8787/v2 REVCENT_API_KEY=revcent-demo-key-0000
//! cargo run -p aithreads-revcent --example cancel
//! ```

use aithreads_revcent::{CancelResponse, RevCentClient, StatusFilter, ThreadFilters};
use futures::{StreamExt, TryStreamExt};
use time::{Duration, OffsetDateTime};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = RevCentClient::from_env()?;
    let mut ids: Vec<String> = std::env::args().skip(1).collect();
    if ids.is_empty() {
        let now = OffsetDateTime::now_utc();
        let active =
            ThreadFilters::new().with_statuses([StatusFilter::Running, StatusFilter::Timer]);
        ids = client
            .ai_threads(now - Duration::days(2)..=now, active)
            .map_ok(|thread| thread.id.unwrap_or_default())
            .try_collect()
            .await?;
        println!(
            "{} running or waiting threads in the last 2 days",
            ids.len()
        );
    }
    let results: Vec<_> = futures::stream::iter(ids)
        .map(|id| {
            let client = client.clone();
            async move {
                let result = client.cancel_ai_thread(&id).await;
                (id, result)
            }
        })
        .buffer_unordered(4)
        .collect()
        .await;
    let mut failed = 0;
    for (id, result) in results {
        match result {
            Ok(CancelResponse::Cancelled(_)) => println!("{id}: cancelled"),
            Ok(CancelResponse::AlreadyEnded { status, .. }) => {
                println!("{id}: had already ended ({status})")
            }
            Err(error) => {
                failed += 1;
                println!("{id}: {error}");
            }
        }
    }
    if failed > 0 {
        return Err(format!("{failed} cancels failed").into());
    }
    Ok(())
}
