//! `aithreads trtc start|describe|update|control`: the TRTC calls with no place in the common
//! commands. Each prints the task's reference, `trtc:<region>/<TaskId>`, to act on next
//! (`cancel`, `watch`).

use std::io::{self, Write};

use aithreads::providers::trtc::{
    AgentConfig, ControlAiConversationRequest, ControlCommand, DescribeAiConversationRequest,
    InvokeLlm, ServerPushText, StartAiConversationRequest, SttConfig, TransparentData, TrtcClient,
    UpdateAiConversationRequest, redact_json,
};
use aithreads::{ProviderKind, ThreadRef};
use serde::Serialize;
use serde_json::Value;

use crate::Failure;
use crate::args::{
    OutputFormat, TrtcCommand, TrtcControlArgs, TrtcDescribeArgs, TrtcEngineArgs, TrtcStartArgs,
    TrtcUpdateArgs,
};
use crate::output::Output;
use crate::textarg::TextArgs;

pub async fn run(
    client: &aithreads::Client,
    output: &Output,
    command: TrtcCommand,
) -> Result<(), Failure> {
    let mut values = TextArgs::from_stdin();
    match command {
        TrtcCommand::Start(args) => start(client, output, &mut values, args).await,
        TrtcCommand::Describe(args) => describe(client, output, args).await,
        TrtcCommand::Update(args) => update(client, output, &mut values, args).await,
        TrtcCommand::Control(args) => control(client, output, &mut values, args).await,
    }
}

/// The TRTC client, for `region` when given.
fn trtc(client: &aithreads::Client, region: Option<&str>) -> Result<TrtcClient, Failure> {
    let trtc = client.trtc()?;
    Ok(match region {
        Some(region) => trtc.with_region(region)?,
        None => trtc.clone(),
    })
}

/// The task an argument names, a TaskId or `trtc:[<region>/]<TaskId>`, and the region to
/// call: the reference's, else `--region`, else the configured one.
fn task(text: &str, region: Option<&str>) -> Result<(Option<String>, String), Failure> {
    if text.starts_with("trtc:") {
        let reference: ThreadRef = text.parse()?;
        aithreads::check_ref(&reference)?;
        let region = reference.region().or(region).map(str::to_owned);
        return Ok((region, reference.id().to_owned()));
    }
    if text.contains(':') {
        return Err(Failure::Usage(format!(
            "`{}` is not a TRTC task: give a TaskId or trtc:[<region>/]<TaskId>",
            text.escape_debug()
        )));
    }
    Ok((region.map(str::to_owned), text.to_owned()))
}

/// `trtc:<region>/<TaskId>` for a task of `client`'s region.
fn reference(client: &TrtcClient, task_id: &str) -> Result<ThreadRef, Failure> {
    let text = match client.region() {
        Some(region) => format!("trtc:{region}/{task_id}"),
        None => format!("trtc:{task_id}"),
    };
    text.parse::<ThreadRef>()
        .map_err(|e| Failure::Failed(format!("the task's reference: {e}")))
}

/// Prints an answer: the reference alone in a table (to pass on), else the answer's JSON with
/// `ref` added and any secret member redacted (none is documented in an answer; a future one
/// still never reaches the terminal).
fn print_answer(
    output: &Output,
    reference: &ThreadRef,
    answer: &impl Serialize,
) -> Result<(), Failure> {
    if output.format() == OutputFormat::Table {
        writeln!(io::stdout().lock(), "{reference}")?;
        return Ok(());
    }
    let mut record = serde_json::Map::new();
    record.insert("ref".into(), Value::from(reference.to_string()));
    if let Ok(Value::Object(members)) = serde_json::to_value(answer) {
        record.extend(members);
    }
    let mut record = Value::Object(record);
    redact_json(&mut record);
    Ok(output.value(&record)?)
}

async fn start(
    client: &aithreads::Client,
    output: &Output,
    values: &mut TextArgs<impl io::Read>,
    args: TrtcStartArgs,
) -> Result<(), Failure> {
    let user_sig = values.resolve("--user-sig", &args.user_sig)?;
    let mut agent = AgentConfig::new(args.user_id, user_sig, args.target_user_id);
    agent.welcome_message = args.welcome_message;
    // TRTC rooms are numbers unless RoomIdType says 1 (string room ids).
    let string_room = args.room_id.parse::<u32>().is_err();
    let mut request = StartAiConversationRequest::new(args.sdk_app_id, args.room_id, agent);
    request.room_id_type = string_room.then_some(1);
    request.session_id = args.session_id;
    (request.llm_config, request.tts_config) = engines(values, &args.engines)?;
    request.avatar_config = values.resolve_opt("--avatar-config", args.avatar_config.as_deref())?;
    request.stt_config = values
        .resolve_opt("--stt-config", args.stt_config.as_deref())?
        .map(|text| {
            serde_json::from_str::<SttConfig>(&text).map_err(|e| {
                Failure::Usage(format!("--stt-config is not an STTConfig JSON object: {e}"))
            })
        })
        .transpose()?;
    let trtc = trtc(client, args.region.as_deref())?;
    let answer = trtc.start_ai_conversation(&request).await?;
    let task_id = answer.task_id.as_deref().ok_or_else(|| {
        Failure::Failed(format!(
            "{}: StartAIConversation answered no TaskId (request {})",
            ProviderKind::TencentTrtc,
            answer.request_id
        ))
    })?;
    print_answer(output, &reference(&trtc, task_id)?, &answer)
}

/// `--llm-config` and `--tts-config`, read from where they say.
fn engines(
    values: &mut TextArgs<impl io::Read>,
    args: &TrtcEngineArgs,
) -> Result<(Option<String>, Option<String>), Failure> {
    Ok((
        values.resolve_opt("--llm-config", args.llm_config.as_deref())?,
        values.resolve_opt("--tts-config", args.tts_config.as_deref())?,
    ))
}

async fn describe(
    client: &aithreads::Client,
    output: &Output,
    args: TrtcDescribeArgs,
) -> Result<(), Failure> {
    let (region, task_id) = match args.task.as_deref() {
        Some(text) => {
            let (region, task_id) = task(text, args.region.as_deref())?;
            (region, Some(task_id))
        }
        None => (args.region, None),
    };
    let mut request = DescribeAiConversationRequest::default();
    request.task_id = task_id.clone();
    request.session_id = args.session_id;
    let trtc = trtc(client, region.as_deref())?;
    let answer = trtc.describe_ai_conversation(&request).await?;
    match answer.task_id.as_deref().or(task_id.as_deref()) {
        Some(task_id) => print_answer(output, &reference(&trtc, task_id)?, &answer),
        None => Ok(output.value(&answer)?),
    }
}

async fn update(
    client: &aithreads::Client,
    output: &Output,
    values: &mut TextArgs<impl io::Read>,
    args: TrtcUpdateArgs,
) -> Result<(), Failure> {
    let (region, task_id) = task(&args.task, args.region.as_deref())?;
    let mut request = UpdateAiConversationRequest::new(&task_id);
    request.welcome_message = args.welcome_message;
    request.interrupt_mode = args.interrupt_mode;
    request.interrupt_speech_duration = args.interrupt_speech_duration;
    (request.llm_config, request.tts_config) = engines(values, &args.engines)?;
    let trtc = trtc(client, region.as_deref())?;
    let answer = trtc.update_ai_conversation(&request).await?;
    print_answer(output, &reference(&trtc, &task_id)?, &answer)
}

async fn control(
    client: &aithreads::Client,
    output: &Output,
    values: &mut TextArgs<impl io::Read>,
    args: TrtcControlArgs,
) -> Result<(), Failure> {
    let (region, task_id) = task(&args.task, args.region.as_deref())?;
    let interrupt = args.interrupt.then_some(true);
    let request = if let Some(text) = args.say {
        let mut push = ServerPushText::default().with_text(text);
        push.interrupt = interrupt;
        push.stop_after_play = args.stop_after_play.then_some(true);
        push.add_history = args.add_history.then_some(true);
        ControlAiConversationRequest::new(&task_id, ControlCommand::ServerPushText)
            .with_server_push_text(push)
    } else if let Some(content) = args.invoke_llm {
        let mut invoke = InvokeLlm::default().with_content(content);
        invoke.interrupt = interrupt;
        ControlAiConversationRequest::new(&task_id, ControlCommand::InvokeLlm)
            .with_invoke_llm(invoke)
    } else {
        let mut transparent = TransparentData::default();
        transparent.data =
            values.resolve_opt("--transparent-data", args.transparent_data.as_deref())?;
        ControlAiConversationRequest::new(&task_id, ControlCommand::TransparentData)
            .with_transparent_data(transparent)
    };
    let trtc = trtc(client, region.as_deref())?;
    let answer = trtc.control_ai_conversation(&request).await?;
    print_answer(output, &reference(&trtc, &task_id)?, &answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(text: &str, region: Option<&str>) -> (Option<String>, String) {
        task(text, region).unwrap()
    }

    #[test]
    fn tasks_are_task_ids_or_references() {
        let owned = |region: Option<&str>, id: &str| (region.map(str::to_owned), id.to_owned());
        assert_eq!(parts("abc+d.", None), owned(None, "abc+d."));
        assert_eq!(
            parts("abc", Some("ap-tokyo")),
            owned(Some("ap-tokyo"), "abc")
        );
        assert_eq!(
            parts("trtc:na-ashburn/a/b", Some("ap-tokyo")),
            owned(Some("na-ashburn"), "a/b")
        );
        assert_eq!(
            parts("trtc:abc", Some("ap-tokyo")),
            owned(Some("ap-tokyo"), "abc")
        );
        assert!(matches!(task("chatkit:x", None), Err(Failure::Usage(_))));
    }
}
