//! `aithreads trtc start|describe`: the TRTC calls with no place in the common commands.

use aithreads::providers::trtc::{
    AgentConfig, DescribeAiConversationRequest, StartAiConversationRequest, TrtcClient,
};
use aithreads::{Client, ThreadRef};

use crate::Failure;
use crate::args::{TrtcCommand, TrtcDescribeArgs, TrtcStartArgs};
use crate::output::Output;

pub async fn run(client: &Client, output: &Output, command: TrtcCommand) -> Result<(), Failure> {
    match command {
        TrtcCommand::Start(args) => start(client, output, args).await,
        TrtcCommand::Describe(args) => describe(client, output, args).await,
    }
}

/// The TRTC client, for `region` when given.
fn trtc(client: &Client, region: Option<&str>) -> Result<TrtcClient, Failure> {
    let trtc = client.trtc()?;
    Ok(match region {
        Some(region) => trtc.with_region(region)?,
        None => trtc.clone(),
    })
}

async fn start(client: &Client, output: &Output, args: TrtcStartArgs) -> Result<(), Failure> {
    // TRTC rooms are numbers unless RoomIdType says 1 (string room ids).
    let string_room = args.room_id.parse::<u32>().is_err();
    let mut request = StartAiConversationRequest::new(
        args.sdk_app_id,
        args.room_id,
        AgentConfig::new(args.user_id, args.user_sig, args.target_user_id),
    );
    request.room_id_type = string_room.then_some(1);
    request.session_id = args.session_id;
    request.llm_config = args.llm_config;
    request.tts_config = args.tts_config;
    let answer = trtc(client, args.region.as_deref())?
        .start_ai_conversation(&request)
        .await?;
    Ok(output.value(&answer)?)
}

async fn describe(client: &Client, output: &Output, args: TrtcDescribeArgs) -> Result<(), Failure> {
    let (region, task_id) = match args.task.as_deref() {
        Some(text) if text.starts_with("trtc:") => {
            let thread: ThreadRef = text.parse()?;
            (
                thread.region().map(str::to_owned).or(args.region),
                Some(thread.id().to_owned()),
            )
        }
        Some(other) if other.contains(':') => {
            return Err(Failure::Usage(format!(
                "`{other}` is not a TRTC task: give a TaskId or trtc:[<region>/]<TaskId>"
            )));
        }
        task => (args.region, task.map(str::to_owned)),
    };
    let mut request = DescribeAiConversationRequest::default();
    request.task_id = task_id;
    request.session_id = args.session_id;
    let answer = trtc(client, region.as_deref())?
        .describe_ai_conversation(&request)
        .await?;
    Ok(output.value(&answer)?)
}
