//! Deletes every ChatKit thread of one end user, as a retention or privacy request needs.
//!
//! Against OpenAI (reads `OPENAI_API_KEY`, and `OPENAI_BASE_URL` etc. when set):
//!
//! ```text
//! cargo run -p aithreads-openai-chatkit --example delete_user_threads -- user_123
//! ```
//!
//! Against the simulator, embedded (seeded with 200 threads):
//!
//! ```text
//! cargo run -p aithreads-openai-chatkit --example delete_user_threads -- --sim user_alice
//! ```
//!
//! or running on its own (`aithreads-sim`, then `export OPENAI_BASE_URL=http://127.0.0.1:8787/v1`).
//!
//! It lists the user's threads first and deletes afterwards, so deleting never disturbs the
//! cursor it pages with, and deletes a few at a time, reporting each thread; one failure does
//! not stop the others. The exit code is 0 only when every thread was deleted.

use std::process::ExitCode;

use aithreads_openai_chatkit::{ChatKitClient, ChatKitConfig, ListThreadsParams, MAX_LIMIT};
use aithreads_sim::{SimConfig, Simulator};
use futures::{StreamExt, TryStreamExt, stream};

/// Deletions in flight at once.
const CONCURRENCY: usize = 8;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (use_sim, user) = match args.as_slice() {
        [flag, user] if flag == "--sim" => (true, user.clone()),
        [user] if !user.starts_with('-') => (false, user.clone()),
        _ => {
            eprintln!("usage: delete_user_threads [--sim] <user>");
            return ExitCode::from(2);
        }
    };
    // Keeps the embedded simulator alive until the end of `main`.
    let mut sim = None;
    let config = if use_sim {
        let started = match Simulator::start(SimConfig::default().with_threads(200)).await {
            Ok(started) => started,
            Err(e) => {
                eprintln!("cannot start the simulator: {e}");
                return ExitCode::FAILURE;
            }
        };
        let config = ChatKitConfig::from_vars(|name: &str| started.client_var(name));
        sim = Some(started);
        config
    } else {
        ChatKitConfig::from_env()
    };
    let client = match config.and_then(ChatKitClient::new) {
        Ok(client) => client,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let code = delete_all(&client, &user).await;
    if let Some(sim) = &sim {
        let left = sim.sim().chatkit().thread_ids_of(&user).len();
        println!("simulator: {left} threads of {user} left");
    }
    code
}

async fn delete_all(client: &ChatKitClient, user: &str) -> ExitCode {
    let ids: Vec<String> = match client
        .chatkit_threads(
            ListThreadsParams::new()
                .with_user(user)
                .with_limit(MAX_LIMIT),
        )
        .map_ok(|thread| thread.id)
        .try_collect()
        .await
    {
        Ok(ids) => ids,
        Err(e) => {
            eprintln!("listing the threads of {user} failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("{} threads of {user}", ids.len());
    let failures = stream::iter(ids)
        .map(|id| async move {
            let outcome = client.delete_chatkit_thread(&id).await;
            (id, outcome)
        })
        .buffer_unordered(CONCURRENCY)
        .filter_map(|(id, outcome)| async move {
            match outcome {
                Ok(_) => {
                    println!("deleted {id}");
                    None
                }
                Err(e) => {
                    eprintln!("failed  {id}: {e}");
                    Some(id)
                }
            }
        })
        .collect::<Vec<String>>()
        .await;
    if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        eprintln!("{} deletions failed", failures.len());
        ExitCode::FAILURE
    }
}
