//! Stop a TRTC AI conversation task, and show its status before and after.
//!
//! ```text
//! cargo run -p aithreads-tencent-trtc --example stop_task              # against an embedded simulator
//! cargo run -p aithreads-tencent-trtc --example stop_task -- <TaskId>  # stop an existing task
//! ```
//!
//! With `TENCENTCLOUD_TRTC_ENDPOINT` unset, the example starts the simulator in-process and
//! points the client at it through the same environment variables a user would set
//! (`TENCENTCLOUD_SECRET_ID`, `TENCENTCLOUD_SECRET_KEY`, `TENCENTCLOUD_REGION`,
//! `TENCENTCLOUD_TRTC_ENDPOINT`). With it set (to a running `aithreads-sim`, or to Tencent
//! Cloud itself), the client is configured from the environment. Without a TaskId, a demo
//! task is started first.

use aithreads_sim::{SimConfig, Simulator};
use aithreads_tencent_trtc::core::{Result, ThreadProvider};
use aithreads_tencent_trtc::{
    AgentConfig, LlmConfig, StartAiConversationRequest, StopAiConversationRequest, TrtcClient,
    TrtcConfig, TtsConfig,
};

#[tokio::main]
async fn main() -> Result<()> {
    let task_id = std::env::args().nth(1);
    // Kept alive until the end of main: dropping it stops the server.
    let mut simulator = None;
    let config = match std::env::var("TENCENTCLOUD_TRTC_ENDPOINT") {
        Ok(_) => TrtcConfig::from_env()?,
        Err(_) => {
            let sim = Simulator::start(SimConfig::default().with_threads(0))
                .await
                .map_err(|e| aithreads_tencent_trtc::core::Error::config(e.to_string()))?;
            println!("started the TRTC simulator at {}", sim.base_url());
            let config = TrtcConfig::from_vars(|name: &str| sim.client_var(name))?;
            simulator = Some(sim);
            config
        }
    };
    let client = TrtcClient::new(config)?;

    let task_id = match task_id {
        Some(id) => id,
        None => start_demo_task(&client).await?,
    };
    let before = client.get_thread(&task_id).await?;
    println!(
        "task {task_id}\n  before: {} ({})",
        before.status, before.raw_status.value
    );

    let stopped = client
        .stop_ai_conversation(&StopAiConversationRequest::new(task_id.clone()))
        .await?;
    println!(
        "  stop:   {:?} (request id {})",
        stopped.outcome,
        stopped.request_id.as_deref().unwrap_or("-")
    );

    match client.get_thread(&task_id).await {
        Ok(after) => println!("  after:  {} ({})", after.status, after.raw_status.value),
        Err(error) if error.is_not_found() => println!("  after:  gone"),
        Err(error) => return Err(error),
    }
    drop(simulator);
    Ok(())
}

/// Starts a task with the documented example's room and agent, and typed LLM/TTS settings.
async fn start_demo_task(client: &TrtcClient) -> Result<String> {
    let started = client
        .start_ai_conversation(
            &StartAiConversationRequest::new(
                12345678,
                "room_987654321",
                AgentConfig::new("user_12345", "user_signature_example", "target_user_54321")
                    .with_max_idle_time(120),
            )
            .with_room_id_type(1)
            .with_session_id("stop-task-example")
            .with_llm_config(
                LlmConfig::openai(
                    "gpt-4o",
                    "sk-demo",
                    "https://api.openai.com/v1/chat/completions",
                )
                .with_streaming(true)
                .to_json_string()?,
            )
            .with_tts_config(TtsConfig::flow("v-female-R2s4N9qJ").to_json_string()?),
        )
        .await?;
    started.task_id.ok_or_else(|| {
        aithreads_tencent_trtc::core::Error::invalid_input("no TaskId in the answer")
    })
}
