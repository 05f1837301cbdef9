//! Checks on each action's request, run before anything is sent, against the constraints
//! the action pages document (<https://www.tencentcloud.com/document/api/647/64963> and
//! siblings).

use std::collections::HashSet;
use std::fmt;

use aithreads_core::validate::{in_range, opaque_id};
use aithreads_core::{Error, Result};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::generated::{
    AgentConfig, ControlAiConversationRequest, ControlCommand, DescribeAiConversationRequest,
    StartAiConversationRequest, StopAiConversationRequest, SttConfig, UpdateAiConversationRequest,
};

/// Checks a TaskId (the thread id here) before any request: opaque text (`SV1FR+XTtvz…VH0.`),
/// always sent in the JSON body, so only not empty, bounded and printable ASCII.
pub fn check_thread_id(value: &str) -> Result<()> {
    opaque_id("TRTC TaskId", value)
}

pub(crate) fn check_start(request: &StartAiConversationRequest) -> Result<()> {
    if request.sdk_app_id == 0 {
        return Err(Error::invalid_input(
            "SdkAppId is 0; use the SdkAppId of your TRTC application",
        ));
    }
    let room_id_type = request.room_id_type.unwrap_or(0);
    in_range("RoomIdType", room_id_type, 0, 1)?;
    non_empty("RoomId", &request.room_id)?;
    if room_id_type == 0 && !request.room_id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid_input(format!(
            "RoomId `{}` is not a number; set RoomIdType to 1 for string room ids",
            request.room_id.escape_debug()
        )));
    }
    agent(&request.agent_config)?;
    if let Some(session_id) = &request.session_id {
        opaque_id("SessionId", session_id)?;
    }
    if let Some(stt) = &request.stt_config {
        speech_recognition(stt)?;
    }
    json_object("LLMConfig", request.llm_config.as_deref())?;
    json_object("TTSConfig", request.tts_config.as_deref())?;
    Ok(())
}

fn agent(agent: &AgentConfig) -> Result<()> {
    non_empty("AgentConfig.UserId", &agent.user_id)?;
    non_empty("AgentConfig.UserSig", &agent.user_sig)?;
    non_empty("AgentConfig.TargetUserId", &agent.target_user_id)?;
    if agent.user_id == agent.target_user_id {
        return Err(Error::invalid_input(
            "AgentConfig.UserId is the robot's own id and must differ from TargetUserId",
        ));
    }
    flag("AgentConfig.InterruptMode", agent.interrupt_mode)?;
    flag(
        "AgentConfig.WelcomeMessagePriority",
        agent.welcome_message_priority,
    )?;
    flag("AgentConfig.SubtitleMode", agent.subtitle_mode)?;
    if let Some(filter) = agent.filter_brackets_content {
        in_range("AgentConfig.FilterBracketsContent", filter, 1, 5)?;
    }
    if let Some(volume) = agent.ambient_sound.as_ref().and_then(|a| a.volume)
        && !(0.0..=2.0).contains(&volume)
    {
        return Err(Error::invalid_input(format!(
            "AgentConfig.AmbientSound.Volume is {volume}; it must be between 0 and 2"
        )));
    }
    if let Some(print) = &agent.voice_print {
        flag("AgentConfig.VoicePrint.Mode", print.mode)?;
        if print.mode == Some(1) && print.id_list.as_ref().is_none_or(Vec::is_empty) {
            return Err(Error::invalid_input(
                "AgentConfig.VoicePrint.IdList is required when Mode is 1",
            ));
        }
    }
    Ok(())
}

fn speech_recognition(stt: &SttConfig) -> Result<()> {
    if let Some(time) = stt.vad_silence_time {
        in_range("STTConfig.VadSilenceTime", time, 240, 2000)?;
    }
    if let Some(level) = stt.vad_level {
        in_range("STTConfig.VadLevel", level, 0, 5)?;
    }
    Ok(())
}

pub(crate) fn check_describe(request: &DescribeAiConversationRequest) -> Result<()> {
    match (&request.task_id, &request.session_id) {
        (None, None) => Err(Error::invalid_input(
            "DescribeAIConversation needs a TaskId or a SessionId",
        )),
        (task, session) => {
            if let Some(task) = task {
                check_thread_id(task)?;
            }
            if let Some(session) = session {
                opaque_id("SessionId", session)?;
            }
            Ok(())
        }
    }
}

pub(crate) fn check_update(request: &UpdateAiConversationRequest) -> Result<()> {
    check_thread_id(&request.task_id)?;
    flag("InterruptMode", request.interrupt_mode)?;
    json_object("LLMConfig", request.llm_config.as_deref())?;
    json_object("TTSConfig", request.tts_config.as_deref())
}

pub(crate) fn check_control(request: &ControlAiConversationRequest) -> Result<()> {
    check_thread_id(&request.task_id)?;
    match &request.command {
        ControlCommand::ServerPushText => {
            let Some(push) = &request.server_push_text else {
                return Err(Error::invalid_input(
                    "Command ServerPushText needs the ServerPushText member",
                ));
            };
            if push.text.is_none() && push.audio.is_none() {
                return Err(Error::invalid_input(
                    "ServerPushText needs a Text or an Audio to play",
                ));
            }
            flag("ServerPushText.DropMode", push.drop_mode)?;
            flag("ServerPushText.Priority", push.priority)?;
            json_object("ServerPushText.MetaInfo", push.meta_info.as_deref())
        }
        ControlCommand::InvokeLlm => match &request.invoke_llm {
            Some(invoke) if invoke.content.is_some() => Ok(()),
            _ => Err(Error::invalid_input(
                "Command InvokeLlm needs InvokeLlm.Content",
            )),
        },
        ControlCommand::TransparentData => match &request.transparent_data {
            Some(_) => Ok(()),
            None => Err(Error::invalid_input(
                "Command TransparentData needs the TransparentData member",
            )),
        },
        // A command added after this crate was built: the server judges it.
        ControlCommand::Unknown(command) => non_empty("Command", command),
    }
}

/// Refuses a request body in which an object names a member twice. That happens when an
/// `extra_members` entry repeats a typed member, and the server would read either one.
pub(crate) fn check_members_unique(action: &str, body: &[u8]) -> Result<()> {
    serde_json::from_slice::<UniqueMembers>(body)
        .map(|_| ())
        .map_err(|e| Error::invalid_input(format!("{action} request: {e}")))
}

/// Any JSON value whose objects name each member once.
struct UniqueMembers;

impl<'de> Deserialize<'de> for UniqueMembers {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(UniqueMembersVisitor)
    }
}

struct UniqueMembersVisitor;

impl<'de> Visitor<'de> for UniqueMembersVisitor {
    type Value = UniqueMembers;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<UniqueMembers, E> {
        Ok(UniqueMembers)
    }

    fn visit_i64<E>(self, _: i64) -> Result<UniqueMembers, E> {
        Ok(UniqueMembers)
    }

    fn visit_u64<E>(self, _: u64) -> Result<UniqueMembers, E> {
        Ok(UniqueMembers)
    }

    fn visit_f64<E>(self, _: f64) -> Result<UniqueMembers, E> {
        Ok(UniqueMembers)
    }

    fn visit_str<E>(self, _: &str) -> Result<UniqueMembers, E> {
        Ok(UniqueMembers)
    }

    fn visit_unit<E>(self) -> Result<UniqueMembers, E> {
        Ok(UniqueMembers)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<UniqueMembers, A::Error> {
        while items.next_element::<UniqueMembers>()?.is_some() {}
        Ok(UniqueMembers)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut members: A) -> Result<UniqueMembers, A::Error> {
        let mut seen = HashSet::new();
        while let Some(name) = members.next_key::<String>()? {
            if !seen.insert(name.clone()) {
                return Err(de::Error::custom(format_args!(
                    "member `{}` is set twice, as a typed field and in extra_members; set only the typed field",
                    name.escape_debug()
                )));
            }
            members.next_value::<UniqueMembers>()?;
        }
        Ok(UniqueMembers)
    }
}

pub(crate) fn check_stop(request: &StopAiConversationRequest) -> Result<()> {
    check_thread_id(&request.task_id)
}

fn non_empty(label: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        Err(Error::invalid_input(format!("{label} is empty")))
    } else {
        Ok(())
    }
}

/// A documented 0/1 switch.
fn flag(label: &str, value: Option<u64>) -> Result<()> {
    value.map_or(Ok(()), |v| in_range(label, v, 0, 1))
}

/// A member that carries JSON object text (`LLMConfig`, `TTSConfig`, `MetaInfo`).
fn json_object(label: &str, text: Option<&str>) -> Result<()> {
    let Some(text) = text else { return Ok(()) };
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(_)) => Ok(()),
        _ => Err(Error::invalid_input(format!(
            "{label} must be the text of a JSON object (see LlmConfig / TtsConfig)"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generated::{InvokeLlm, ServerPushText, TransparentData, VoicePrint};

    fn valid_start() -> StartAiConversationRequest {
        StartAiConversationRequest {
            sdk_app_id: 12345678,
            room_id: "room_987654321".into(),
            room_id_type: Some(1),
            agent_config: AgentConfig {
                user_id: "user_12345".into(),
                user_sig: "user_signature_example".into(),
                target_user_id: "target_user_54321".into(),
                max_idle_time: Some(120),
                ..AgentConfig::default()
            },
            session_id: Some("session_1234567890abcdef".into()),
            ..StartAiConversationRequest::default()
        }
    }

    #[test]
    fn the_documented_start_example_passes() {
        check_start(&valid_start()).unwrap();
    }

    #[test]
    fn start_refuses_what_the_docs_rule_out() {
        type Spoil = fn(&mut StartAiConversationRequest);
        let cases: Vec<(&str, Spoil)> = vec![
            ("SdkAppId", |r| r.sdk_app_id = 0),
            ("not a number", |r| r.room_id_type = None),
            ("RoomIdType", |r| r.room_id_type = Some(2)),
            ("RoomId is empty", |r| r.room_id = String::new()),
            ("UserSig", |r| r.agent_config.user_sig = " ".into()),
            ("must differ", |r| {
                r.agent_config.target_user_id = r.agent_config.user_id.clone()
            }),
            ("InterruptMode", |r| r.agent_config.interrupt_mode = Some(2)),
            ("FilterBracketsContent", |r| {
                r.agent_config.filter_brackets_content = Some(0)
            }),
            ("IdList", |r| {
                r.agent_config.voice_print = Some(VoicePrint::default().with_mode(1))
            }),
            ("VadSilenceTime", |r| {
                r.stt_config = Some(SttConfig {
                    vad_silence_time: Some(100),
                    ..SttConfig::default()
                })
            }),
            ("LLMConfig", |r| r.llm_config = Some("gpt-4o".into())),
            ("TTSConfig", |r| r.tts_config = Some("[1]".into())),
            ("SessionId", |r| r.session_id = Some("a b".into())),
        ];
        for (needle, spoil) in cases {
            let mut request = valid_start();
            spoil(&mut request);
            let err = check_start(&request).unwrap_err();
            assert!(err.is_invalid_input(), "{needle}: {err:?}");
            assert!(err.to_string().contains(needle), "{needle}: {err}");
        }
    }

    #[test]
    fn control_needs_the_member_its_command_names() {
        let mut request = ControlAiConversationRequest::new("t", ControlCommand::ServerPushText);
        assert!(check_control(&request).is_err());
        request.server_push_text = Some(ServerPushText {
            text: Some("Hello, happy to serve you.".into()),
            interrupt: Some(true),
            ..ServerPushText::default()
        });
        check_control(&request).unwrap();
        request.command = ControlCommand::InvokeLlm;
        assert!(check_control(&request).is_err());
        request.invoke_llm = Some(InvokeLlm::default().with_content("hi"));
        check_control(&request).unwrap();
        request.command = ControlCommand::TransparentData;
        assert!(check_control(&request).is_err());
        request.transparent_data = Some(TransparentData::default().with_data(r#"{"k":1}"#));
        check_control(&request).unwrap();
    }

    #[test]
    fn a_member_named_twice_is_refused() {
        let typed_again = StartAiConversationRequest::new(1, "1", AgentConfig::new("a", "s", "b"))
            .with_extra_member("SdkAppId", 2);
        let body = serde_json::to_vec(&typed_again).unwrap();
        let err = check_members_unique("StartAIConversation", &body).unwrap_err();
        assert!(err.is_invalid_input());
        assert!(
            err.to_string().contains("member `SdkAppId` is set twice"),
            "{err}"
        );
        let nested = StartAiConversationRequest::new(
            1,
            "1",
            AgentConfig::new("a", "s", "b").with_extra_member("UserSig", "again"),
        );
        let body = serde_json::to_vec(&nested).unwrap();
        assert!(check_members_unique("StartAIConversation", &body).is_err());
        let fine =
            valid_start().with_extra_member("NewMember", serde_json::json!({"x": [1, {"y": 2}]}));
        check_members_unique("StartAIConversation", &serde_json::to_vec(&fine).unwrap()).unwrap();
    }

    #[test]
    fn describe_needs_a_task_or_a_session() {
        assert!(check_describe(&DescribeAiConversationRequest::default()).is_err());
        check_describe(&DescribeAiConversationRequest {
            session_id: Some("s-1".into()),
            ..Default::default()
        })
        .unwrap();
    }

    #[test]
    fn task_ids_keep_their_documented_punctuation() {
        check_thread_id("SV1FR+XTtvzAjRxZZ+aof1DfJF00VSBBNE0zR9W-PEpgCPBmt402.").unwrap();
        check_thread_id("a/b").unwrap();
        for bad in ["", " x", "x\n"] {
            assert!(check_thread_id(bad).is_err(), "{bad:?}");
        }
    }
}
