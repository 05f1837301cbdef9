//! [`Source`]: where one setting's value came from, told by name and never by value.

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

/// How the config file's profile in use was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chosen {
    /// `--profile NAME`: its settings come before the environment's.
    Flag,
    /// `AITHREADS_PROFILE=NAME`: its settings come after the environment's.
    Env,
    /// No choice made: the profile called `default`, after the environment's settings.
    Default,
}

/// How a profile gives a setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Given {
    /// The value itself (`api_key = "…"`).
    Value,
    /// The name of the variable holding it (`api_key_env = "MY_VAR"`).
    Variable(String),
    /// A command printing it (`api_key_command = "pass show revcent"`), not shown: it may
    /// carry more than a name.
    Command,
}

/// Where one setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// An environment variable of the provider's own (`REVCENT_API_KEY`).
    Env(&'static str),
    /// A profile of the aithreads config file.
    Profile {
        /// The file.
        path: PathBuf,
        /// The profile's name.
        profile: String,
        /// How that profile was chosen.
        chosen: Chosen,
        /// The provider's table in the profile (`revcent`).
        provider: &'static str,
        /// The setting (`api_key`).
        setting: &'static str,
        /// How the profile gives it.
        given: Given,
    },
    /// The provider's own official file (Tencent's credentials file).
    ProviderFile(PathBuf),
    /// The built-in default.
    Default,
}

impl Source {
    /// The kind of source, for JSON: `env`, `profile`, `provider_file` or `default`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Env(_) => "env",
            Self::Profile { .. } => "profile",
            Self::ProviderFile(_) => "provider_file",
            Self::Default => "default",
        }
    }
}

impl fmt::Display for Source {
    /// `REVCENT_API_KEY`; `--profile work: ~/.config/aithreads/config.toml
    /// [profiles.work.revcent] api_key_env = MY_VAR`; `~/.tencentcloud/credentials`;
    /// `default`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Env(name) => f.write_str(name),
            Self::Profile {
                path,
                profile,
                chosen,
                provider,
                setting,
                given,
            } => {
                match chosen {
                    Chosen::Flag => write!(f, "--profile {profile}: ")?,
                    Chosen::Env => write!(f, "AITHREADS_PROFILE={profile}: ")?,
                    Chosen::Default => {}
                }
                write!(
                    f,
                    "{} [profiles.{profile}.{provider}] {setting}",
                    path.display()
                )?;
                match given {
                    Given::Value => Ok(()),
                    Given::Variable(name) => write!(f, "_env = {name}"),
                    Given::Command => f.write_str("_command"),
                }
            }
            Self::ProviderFile(path) => write!(f, "{}", path.display()),
            Self::Default => f.write_str("default"),
        }
    }
}

impl Serialize for Source {
    /// `{"from": "env", "where": "REVCENT_API_KEY"}`.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut state = serializer.serialize_struct("Source", 2)?;
        state.serialize_field("from", self.kind())?;
        state.serialize_field("where", &self.to_string())?;
        state.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_read_as_names_never_values() {
        let profile = |chosen, given| Source::Profile {
            path: PathBuf::from("/home/u/.config/aithreads/config.toml"),
            profile: "work".into(),
            chosen,
            provider: "revcent",
            setting: "api_key",
            given,
        };
        assert_eq!(
            Source::Env("REVCENT_API_KEY").to_string(),
            "REVCENT_API_KEY"
        );
        assert_eq!(
            profile(Chosen::Flag, Given::Variable("WORK_KEY".into())).to_string(),
            "--profile work: /home/u/.config/aithreads/config.toml [profiles.work.revcent] api_key_env = WORK_KEY"
        );
        assert_eq!(
            profile(Chosen::Env, Given::Command).to_string(),
            "AITHREADS_PROFILE=work: /home/u/.config/aithreads/config.toml [profiles.work.revcent] api_key_command"
        );
        assert_eq!(
            profile(Chosen::Default, Given::Value).to_string(),
            "/home/u/.config/aithreads/config.toml [profiles.work.revcent] api_key"
        );
        assert_eq!(
            serde_json::to_value(Source::Default).unwrap(),
            serde_json::json!({"from": "default", "where": "default"})
        );
    }
}
