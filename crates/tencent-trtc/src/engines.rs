//! Typed builders for the `LLMConfig` and `TTSConfig` members, which the API takes as JSON
//! **text inside a string** (StartAIConversation, UpdateAIConversation).
//!
//! Their contents are documented in prose only: the StartAIConversation page
//! (<https://www.tencentcloud.com/document/api/647/64963>), "Large Language Model
//! Configuration" (<https://trtc.io/document/68338>) and "Text-to-Speech Configuration"
//! (<https://trtc.io/document/68340>). The documented members are typed here; any other
//! engine's members (third-party TTS keys, new options) go in `extra`, so nothing the API
//! accepts is out of reach. Both types hide their keys in `Debug`.
//!
//! ```
//! use aithreads_tencent_trtc::{LlmConfig, TtsConfig};
//!
//! let llm = LlmConfig::openai("gpt-4o", "sk-...", "https://api.openai.com/v1/chat/completions")
//!     .with_streaming(true)
//!     .with_system_prompt("You are a personal assistant.")
//!     .with_history(5);
//! let tts = TtsConfig::flow("v-female-R2s4N9qJ").with_language("en");
//! assert!(llm.to_json_string()?.starts_with(r#"{"LLMType":"openai","Model":"gpt-4o""#));
//! assert_eq!(
//!     tts.to_json_string()?,
//!     r#"{"TTSType":"flow","VoiceId":"v-female-R2s4N9qJ","Model":"flow_01_turbo","Language":"en"}"#
//! );
//! # Ok::<(), aithreads_tencent_trtc::core::Error>(())
//! ```

use std::fmt;

use aithreads_core::{Error, Result};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// `LLMConfig`: the language model the agent talks to, OpenAI compatible.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LlmConfig {
    /// `LLMType`: `openai` for every OpenAI-compatible API (required).
    #[serde(rename = "LLMType")]
    pub llm_type: String,
    /// `Model`, e.g. `gpt-4o` (required).
    #[serde(rename = "Model")]
    pub model: String,
    /// `APIKey` of the model's API (required; hidden in `Debug`).
    #[serde(rename = "APIKey")]
    pub api_key: String,
    /// `APIUrl`, the chat completions URL (required).
    #[serde(rename = "APIUrl")]
    pub api_url: String,
    /// `Streaming`: whether to stream the model's answer.
    #[serde(rename = "Streaming", skip_serializing_if = "Option::is_none", default)]
    pub streaming: Option<bool>,
    /// `SystemPrompt`.
    #[serde(
        rename = "SystemPrompt",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub system_prompt: Option<String>,
    /// `Timeout` in seconds (Tencent's default 3).
    #[serde(rename = "Timeout", skip_serializing_if = "Option::is_none", default)]
    pub timeout: Option<f64>,
    /// `History`: rounds of context kept, 0 (default) to 50.
    #[serde(rename = "History", skip_serializing_if = "Option::is_none", default)]
    pub history: Option<u32>,
    /// `HistoryMode`: 1 keeps the context in step with the audio actually played, 0 not.
    #[serde(
        rename = "HistoryMode",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub history_mode: Option<u32>,
    /// `MetaInfo`: custom parameters passed through to the model in the request body.
    #[serde(rename = "MetaInfo", skip_serializing_if = "Option::is_none", default)]
    pub meta_info: Option<Map<String, Value>>,
    /// Any other member, sent as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl LlmConfig {
    /// An OpenAI-compatible model (`LLMType` `openai`).
    pub fn openai(
        model: impl Into<String>,
        api_key: impl Into<String>,
        api_url: impl Into<String>,
    ) -> Self {
        Self {
            llm_type: "openai".into(),
            model: model.into(),
            api_key: api_key.into(),
            api_url: api_url.into(),
            streaming: None,
            system_prompt: None,
            timeout: None,
            history: None,
            history_mode: None,
            meta_info: None,
            extra: Map::new(),
        }
    }

    /// Sets `Streaming`.
    pub fn with_streaming(mut self, streaming: bool) -> Self {
        self.streaming = Some(streaming);
        self
    }

    /// Sets `SystemPrompt`.
    pub fn with_system_prompt(mut self, prompt: impl Into<String>) -> Self {
        self.system_prompt = Some(prompt.into());
        self
    }

    /// Sets `Timeout` in seconds.
    pub fn with_timeout(mut self, seconds: f64) -> Self {
        self.timeout = Some(seconds);
        self
    }

    /// Sets `History`, the rounds of context kept (0 to 50).
    pub fn with_history(mut self, rounds: u32) -> Self {
        self.history = Some(rounds);
        self
    }

    /// Sets `HistoryMode` (0 or 1).
    pub fn with_history_mode(mut self, mode: u32) -> Self {
        self.history_mode = Some(mode);
        self
    }

    /// Sets `MetaInfo`.
    pub fn with_meta_info(mut self, meta_info: Map<String, Value>) -> Self {
        self.meta_info = Some(meta_info);
        self
    }

    /// Adds a member this type does not name.
    pub fn with_extra(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.extra.insert(name.into(), value.into());
        self
    }

    /// Checks the documented constraints.
    pub fn validate(&self) -> Result<()> {
        for (name, value) in [
            ("LLMType", &self.llm_type),
            ("Model", &self.model),
            ("APIKey", &self.api_key),
            ("APIUrl", &self.api_url),
        ] {
            if value.trim().is_empty() {
                return Err(Error::invalid_input(format!("LLMConfig.{name} is empty")));
            }
        }
        if let Some(history) = self.history {
            aithreads_core::validate::in_range("LLMConfig.History", history, 0, 50)?;
        }
        if let Some(mode) = self.history_mode {
            aithreads_core::validate::in_range("LLMConfig.HistoryMode", mode, 0, 1)?;
        }
        if let Some(timeout) = self.timeout
            && !(timeout.is_finite() && timeout > 0.0)
        {
            return Err(Error::invalid_input(format!(
                "LLMConfig.Timeout is {timeout}; it must be a positive number of seconds"
            )));
        }
        Ok(())
    }

    /// The JSON text for the `LLMConfig` member, after [`validate`](Self::validate).
    pub fn to_json_string(&self) -> Result<String> {
        self.validate()?;
        to_json("LLMConfig", self)
    }

    /// Reads `LLMConfig` text back.
    pub fn from_json_str(text: &str) -> Result<Self> {
        from_json("LLMConfig", text)
    }
}

impl fmt::Debug for LlmConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LlmConfig")
            .field("llm_type", &self.llm_type)
            .field("model", &self.model)
            .field("api_key", &"[redacted]")
            .field("api_url", &self.api_url)
            .field("streaming", &self.streaming)
            .field("history", &self.history)
            .field("extra", &self.extra.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// `TTSConfig`: the voice the agent speaks with.
///
/// [`flow`](Self::flow) is TRTC's built-in engine; [`new`](Self::new) with
/// [`with_extra`](Self::with_extra) configures any other (`tencent` with `AppId`,
/// `SecretId`, `SecretKey`, `VoiceType`, or a third party).
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TtsConfig {
    /// `TTSType`: `flow` for TRTC's own TTS (required).
    #[serde(rename = "TTSType")]
    pub tts_type: String,
    /// `VoiceId`: a premium or cloned voice.
    #[serde(rename = "VoiceId", skip_serializing_if = "Option::is_none", default)]
    pub voice_id: Option<String>,
    /// `Model`: `flow_01_turbo` for `flow`.
    #[serde(rename = "Model", skip_serializing_if = "Option::is_none", default)]
    pub model: Option<String>,
    /// `Speed`: 0.5 to 2.0, default 1.0.
    #[serde(rename = "Speed", skip_serializing_if = "Option::is_none", default)]
    pub speed: Option<f64>,
    /// `Volume`: 0 to 10, default 1.0.
    #[serde(rename = "Volume", skip_serializing_if = "Option::is_none", default)]
    pub volume: Option<f64>,
    /// `Pitch`: -12 to 12, default 0.
    #[serde(rename = "Pitch", skip_serializing_if = "Option::is_none", default)]
    pub pitch: Option<i32>,
    /// `Language` (ISO 639-1: `zh`, `en`, `yue`).
    #[serde(rename = "Language", skip_serializing_if = "Option::is_none", default)]
    pub language: Option<String>,
    /// Any other member, sent as is (third-party engines' keys and options).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The `Model` of TRTC's built-in TTS the documentation names as current.
pub const FLOW_TTS_MODEL: &str = "flow_01_turbo";

impl TtsConfig {
    /// An engine by its `TTSType`; add its members with [`with_extra`](Self::with_extra).
    pub fn new(tts_type: impl Into<String>) -> Self {
        Self {
            tts_type: tts_type.into(),
            voice_id: None,
            model: None,
            speed: None,
            volume: None,
            pitch: None,
            language: None,
            extra: Map::new(),
        }
    }

    /// TRTC's built-in TTS (`TTSType` `flow`, model [`FLOW_TTS_MODEL`]) with a voice.
    pub fn flow(voice_id: impl Into<String>) -> Self {
        Self {
            voice_id: Some(voice_id.into()),
            model: Some(FLOW_TTS_MODEL.into()),
            ..Self::new("flow")
        }
    }

    /// Sets `VoiceId`.
    pub fn with_voice_id(mut self, voice_id: impl Into<String>) -> Self {
        self.voice_id = Some(voice_id.into());
        self
    }

    /// Sets `Model`.
    pub fn with_model(mut self, model: impl Into<String>) -> Self {
        self.model = Some(model.into());
        self
    }

    /// Sets `Speed` (0.5 to 2.0).
    pub fn with_speed(mut self, speed: f64) -> Self {
        self.speed = Some(speed);
        self
    }

    /// Sets `Volume` (0 to 10).
    pub fn with_volume(mut self, volume: f64) -> Self {
        self.volume = Some(volume);
        self
    }

    /// Sets `Pitch` (-12 to 12).
    pub fn with_pitch(mut self, pitch: i32) -> Self {
        self.pitch = Some(pitch);
        self
    }

    /// Sets `Language`.
    pub fn with_language(mut self, language: impl Into<String>) -> Self {
        self.language = Some(language.into());
        self
    }

    /// Adds a member this type does not name.
    pub fn with_extra(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.extra.insert(name.into(), value.into());
        self
    }

    /// Checks the documented constraints; the ranges are those of the `flow` engine.
    pub fn validate(&self) -> Result<()> {
        if self.tts_type.trim().is_empty() {
            return Err(Error::invalid_input("TTSConfig.TTSType is empty"));
        }
        if self.tts_type == "flow" {
            if self.voice_id.as_deref().is_none_or(|v| v.trim().is_empty()) {
                return Err(Error::invalid_input(
                    "TTSConfig.VoiceId is required for TTSType flow",
                ));
            }
            if let Some(speed) = self.speed {
                number_in("TTSConfig.Speed", speed, 0.5, 2.0)?;
            }
            if let Some(volume) = self.volume {
                number_in("TTSConfig.Volume", volume, 0.0, 10.0)?;
            }
            if let Some(pitch) = self.pitch {
                aithreads_core::validate::in_range("TTSConfig.Pitch", pitch, -12, 12)?;
            }
        }
        Ok(())
    }

    /// The JSON text for the `TTSConfig` member, after [`validate`](Self::validate).
    pub fn to_json_string(&self) -> Result<String> {
        self.validate()?;
        to_json("TTSConfig", self)
    }

    /// Reads `TTSConfig` text back.
    pub fn from_json_str(text: &str) -> Result<Self> {
        from_json("TTSConfig", text)
    }
}

impl fmt::Debug for TtsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `extra` may hold a third-party engine's keys: show only the names.
        f.debug_struct("TtsConfig")
            .field("tts_type", &self.tts_type)
            .field("voice_id", &self.voice_id)
            .field("model", &self.model)
            .field("speed", &self.speed)
            .field("volume", &self.volume)
            .field("pitch", &self.pitch)
            .field("language", &self.language)
            .field("extra", &self.extra.keys().collect::<Vec<_>>())
            .finish()
    }
}

fn number_in(label: &str, value: f64, min: f64, max: f64) -> Result<()> {
    if value.is_finite() {
        aithreads_core::validate::in_range(label, value, min, max)
    } else {
        Err(Error::invalid_input(format!("{label} is not a number")))
    }
}

fn to_json(member: &str, value: &impl Serialize) -> Result<String> {
    serde_json::to_string(value)
        .map_err(|e| Error::invalid_input(format!("{member} cannot be written as JSON: {e}")))
}

fn from_json<T: serde::de::DeserializeOwned>(member: &str, text: &str) -> Result<T> {
    serde_json::from_str(text)
        .map_err(|e| Error::invalid_input(format!("{member} is not the documented JSON: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn llm_config_matches_the_documented_example() {
        // The OpenAI example of https://trtc.io/document/68338.
        let config = LlmConfig::openai(
            "gpt-4o",
            "api-key",
            "https://api.openai.com/v1/chat/completions",
        )
        .with_streaming(true)
        .with_system_prompt("You are a personal assistant.")
        .with_timeout(3.0)
        .with_history(5)
        .with_meta_info(Map::new());
        let text = config.to_json_string().unwrap();
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            value,
            serde_json::json!({
                "LLMType": "openai", "Model": "gpt-4o", "APIKey": "api-key",
                "APIUrl": "https://api.openai.com/v1/chat/completions", "Streaming": true,
                "SystemPrompt": "You are a personal assistant.", "Timeout": 3.0,
                "History": 5, "MetaInfo": {}
            })
        );
        assert_eq!(LlmConfig::from_json_str(&text).unwrap(), config);
    }

    #[test]
    fn the_cli_example_strings_read_back_and_keep_unknown_members() {
        // StartAIConversation's example in tccli examples.json.
        let llm = LlmConfig::from_json_str(
            r#"{"LLMType": "openai", "Model": "gpt-3.5-turbo", "APIKey": "xxx", "APIUrl": "http://xxxx-api.xxxx.com/v1/chat/completions", "Streaming": true}"#,
        )
        .unwrap();
        assert_eq!(llm.streaming, Some(true));
        let tts = TtsConfig::from_json_str(
            r#"{"TTSType": "tencent", "AppId": 130000000, "SecretId": "AKIDxxxxx", "SecretKey": "HlDxxxxxx", "VoiceType": 1008, "Speed": 1}"#,
        )
        .unwrap();
        assert_eq!(tts.tts_type, "tencent");
        assert_eq!(tts.extra["VoiceType"], 1008);
        let again: Value = serde_json::from_str(&tts.to_json_string().unwrap()).unwrap();
        assert_eq!(again["SecretKey"], "HlDxxxxxx");
        assert!(!format!("{tts:?}").contains("HlDxxxxxx"));
    }

    #[test]
    fn documented_ranges_are_enforced() {
        let llm = || LlmConfig::openai("m", "k", "https://x/v1/chat/completions");
        assert!(llm().with_history(51).to_json_string().is_err());
        assert!(llm().with_history_mode(2).to_json_string().is_err());
        assert!(llm().with_timeout(f64::NAN).to_json_string().is_err());
        assert!(
            LlmConfig::openai("m", "", "u")
                .to_json_string()
                .unwrap_err()
                .to_string()
                .contains("APIKey")
        );
        let tts = || TtsConfig::flow("v-female-R2s4N9qJ");
        assert!(tts().with_speed(2.5).to_json_string().is_err());
        assert!(tts().with_volume(11.0).to_json_string().is_err());
        assert!(tts().with_pitch(-13).to_json_string().is_err());
        assert!(TtsConfig::new("flow").to_json_string().is_err());
        assert!(TtsConfig::new("").to_json_string().is_err());
        tts()
            .with_speed(0.5)
            .with_volume(10.0)
            .with_pitch(12)
            .validate()
            .unwrap();
    }

    #[test]
    fn debug_hides_the_api_key() {
        let llm = LlmConfig::openai("m", "sk-hidden", "u");
        assert!(!format!("{llm:?}").contains("sk-hidden"));
    }
}
