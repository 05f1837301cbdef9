//! The aithreads config file: named profiles, each with a table of settings per provider.
//!
//! ```toml
//! [profiles.default.revcent]
//! api_key_env = "REVCENT_KEY_PERSONAL"      # the variable holding the key
//!
//! [profiles.work.trtc]
//! secret_id = "AKID…"
//! secret_key_command = "pass show tencent/work"
//! region = "ap-singapore"
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use aithreads::ProviderKind;

use super::source::{Chosen, Given};
use super::spec::{COMMAND_SUFFIX, ENV_SUFFIX, specs};

/// Environment variable choosing the profile when `--profile` is not given.
pub const PROFILE_VAR: &str = "AITHREADS_PROFILE";

/// The profile used when none is chosen.
pub const DEFAULT_PROFILE: &str = "default";

/// Where the config file is: `$XDG_CONFIG_HOME/aithreads/config.toml`, else
/// `~/.config/aithreads/config.toml` (`%USERPROFILE%` on Windows); `None` with no home.
pub fn path(var: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    let set = |name: &str| var(name).filter(|value| !value.trim().is_empty());
    let home_var = if cfg!(windows) { "USERPROFILE" } else { "HOME" };
    let base = set("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|dir| dir.is_absolute())
        .or_else(|| set(home_var).map(|home| Path::new(&home).join(".config")))?;
    Some(base.join("aithreads").join("config.toml"))
}

/// The profile of the config file in use, checked: only known providers and settings, each
/// a string, and each setting given one way.
#[derive(Debug)]
pub struct Profile {
    /// The file it is in.
    pub path: PathBuf,
    /// Its name.
    pub name: String,
    /// How it was chosen.
    pub chosen: Chosen,
    tables: BTreeMap<ProviderKind, toml::Table>,
}

impl Profile {
    /// How this profile gives `setting` of `kind`: the value, a variable's name or a
    /// command, with the text written.
    pub fn get(&self, kind: ProviderKind, setting: &str) -> Option<(Given, &str)> {
        let table = self.tables.get(&kind)?;
        let text = |key: &str| table.get(key).and_then(toml::Value::as_str);
        if let Some(value) = text(setting) {
            return Some((Given::Value, value));
        }
        if let Some(name) = text(&format!("{setting}{ENV_SUFFIX}")) {
            return Some((Given::Variable(name.to_owned()), name));
        }
        text(&format!("{setting}{COMMAND_SUFFIX}")).map(|command| (Given::Command, command))
    }
}

/// Loads the profile in use from the file at `path`: the one named by `flag` (`--profile`),
/// else by `AITHREADS_PROFILE`, else `default` if the file has it. A named profile that
/// does not exist, or a file that cannot be read or is malformed, is an error (one line).
pub fn load(
    path: Option<&Path>,
    flag: Option<&str>,
    var: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<Profile>, String> {
    let env_choice = var(PROFILE_VAR).filter(|name| !name.trim().is_empty());
    let (name, chosen, named_by) = match (flag, env_choice) {
        (Some(name), _) => (name.to_owned(), Chosen::Flag, Some("--profile")),
        (None, Some(name)) => (name, Chosen::Env, Some(PROFILE_VAR)),
        (None, None) => (DEFAULT_PROFILE.to_owned(), Chosen::Default, None),
    };
    let Some(path) = path else {
        return match named_by {
            Some(by) => Err(format!(
                "{by} {name}: there is no config file (set HOME or XDG_CONFIG_HOME)"
            )),
            None => Ok(None),
        };
    };
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return match named_by {
                Some(by) => Err(format!(
                    "{by} {name}: there is no config file at {}",
                    path.display()
                )),
                None => Ok(None),
            };
        }
        Err(error) => return Err(format!("cannot read {}: {error}", path.display())),
    };
    let shown = path.display();
    let mut profiles = parse(&text).map_err(|why| format!("config file {shown}: {why}"))?;
    let Some(tables) = profiles.remove(&name) else {
        return match named_by {
            Some(by) => {
                let known: Vec<&str> = profiles.keys().map(String::as_str).collect();
                Err(format!(
                    "{by} {name}: {shown} has no [profiles.{name}] (it has: {})",
                    if known.is_empty() {
                        "none".to_owned()
                    } else {
                        known.join(", ")
                    }
                ))
            }
            None => Ok(None),
        };
    };
    Ok(Some(Profile {
        path: path.to_owned(),
        name,
        chosen,
        tables,
    }))
}

/// The profiles of a config file, every one checked.
fn parse(text: &str) -> Result<BTreeMap<String, BTreeMap<ProviderKind, toml::Table>>, String> {
    let document: toml::Table = toml::from_str(text).map_err(|error| {
        let line = error
            .span()
            .map(|span| text[..span.start.min(text.len())].lines().count().max(1));
        match line {
            Some(line) => format!("line {line}: {}", error.message()),
            None => error.message().to_owned(),
        }
    })?;
    let mut profiles = BTreeMap::new();
    for (key, value) in document {
        let toml::Value::Table(named) = value else {
            return Err(format!(
                "`{key}` is not a table: only [profiles.<name>.<provider>] tables are read"
            ));
        };
        if key != "profiles" {
            return Err(format!(
                "unknown table [{key}]: only [profiles.<name>.<provider>] tables are read"
            ));
        }
        for (name, providers) in named {
            profiles.insert(name.clone(), profile(&name, providers)?);
        }
    }
    Ok(profiles)
}

fn profile(
    name: &str,
    providers: toml::Value,
) -> Result<BTreeMap<ProviderKind, toml::Table>, String> {
    let toml::Value::Table(providers) = providers else {
        return Err(format!("profiles.{name} is not a table"));
    };
    let mut tables = BTreeMap::new();
    for (provider, settings) in providers {
        let kind: ProviderKind = provider.parse().map_err(|_| {
            format!("[profiles.{name}.{provider}]: unknown provider; use revcent, trtc or chatkit")
        })?;
        let toml::Value::Table(settings) = settings else {
            return Err(format!("profiles.{name}.{provider} is not a table"));
        };
        for (key, value) in &settings {
            let base = key
                .strip_suffix(ENV_SUFFIX)
                .or_else(|| key.strip_suffix(COMMAND_SUFFIX))
                .unwrap_or(key);
            let known = specs(kind);
            if !known.iter().any(|spec| spec.name == base) {
                let names: Vec<&str> = known.iter().map(|spec| spec.name).collect();
                return Err(format!(
                    "[profiles.{name}.{provider}] {key}: unknown setting; {kind} has {} (each also as <name>_env or <name>_command)",
                    names.join(", ")
                ));
            }
            if !value.is_str() {
                return Err(format!(
                    "[profiles.{name}.{provider}] {key} must be a string"
                ));
            }
            let forms = [
                base.to_owned(),
                format!("{base}{ENV_SUFFIX}"),
                format!("{base}{COMMAND_SUFFIX}"),
            ];
            if forms
                .iter()
                .filter(|form| settings.contains_key(*form))
                .count()
                > 1
            {
                return Err(format!(
                    "[profiles.{name}.{provider}] gives {base} more than one way: keep one of {}",
                    forms.join(", ")
                ));
            }
        }
        tables.insert(kind, settings);
    }
    Ok(tables)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aithreads::vars::from_pairs as vars;

    #[test]
    fn the_file_is_under_xdg_config_home_else_home() {
        assert_eq!(
            path(&vars(&[
                ("XDG_CONFIG_HOME", "/x"),
                ("HOME", "/h"),
                ("USERPROFILE", "/h")
            ])),
            Some(PathBuf::from("/x/aithreads/config.toml"))
        );
        // A relative XDG_CONFIG_HOME is ignored, as the XDG spec says.
        let pairs: &'static [(&str, &str)] = if cfg!(windows) {
            &[("XDG_CONFIG_HOME", "rel"), ("USERPROFILE", "/h")]
        } else {
            &[("XDG_CONFIG_HOME", "rel"), ("HOME", "/h")]
        };
        assert_eq!(
            path(&vars(pairs)),
            Some(PathBuf::from("/h/.config/aithreads/config.toml"))
        );
        assert_eq!(path(&vars(&[])), None);
    }

    const FILE: &str = r#"
[profiles.default.revcent]
api_key_env = "RC_KEY"

[profiles.work.trtc]
secret_id = "AKIDwork"
secret_key_command = "pass show tencent"
region = "ap-tokyo"

[profiles.work.chatkit]
base_url = "https://proxy.example/v1"
"#;

    fn load_text(
        text: &str,
        flag: Option<&str>,
        var: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Option<Profile>, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, text).unwrap();
        load(Some(&path), flag, var)
    }

    #[test]
    fn the_flag_wins_over_the_variable_and_the_default_is_the_fallback() {
        let none = vars(&[]);
        let profile = load_text(FILE, Some("work"), &vars(&[(PROFILE_VAR, "default")]))
            .unwrap()
            .unwrap();
        assert_eq!(
            (profile.name.as_str(), profile.chosen),
            ("work", Chosen::Flag)
        );
        assert_eq!(
            profile.get(ProviderKind::TencentTrtc, "secret_key"),
            Some((Given::Command, "pass show tencent"))
        );
        assert_eq!(
            profile.get(ProviderKind::TencentTrtc, "secret_id"),
            Some((Given::Value, "AKIDwork"))
        );
        assert_eq!(profile.get(ProviderKind::TencentTrtc, "token"), None);
        assert_eq!(profile.get(ProviderKind::RevCent, "api_key"), None);

        let profile = load_text(FILE, None, &vars(&[(PROFILE_VAR, "work")]))
            .unwrap()
            .unwrap();
        assert_eq!(profile.chosen, Chosen::Env);

        let profile = load_text(FILE, None, &none).unwrap().unwrap();
        assert_eq!(
            (profile.name.as_str(), profile.chosen),
            ("default", Chosen::Default)
        );
        assert_eq!(
            profile.get(ProviderKind::RevCent, "api_key"),
            Some((Given::Variable("RC_KEY".into()), "RC_KEY"))
        );

        // No default profile, no file: nothing, quietly.
        assert!(
            load_text("[profiles.work.revcent]\n", None, &none)
                .unwrap()
                .is_none()
        );
        assert!(
            load(Some(Path::new("/nonexistent/aithreads.toml")), None, &none)
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn a_named_profile_must_exist() {
        let err = load_text(FILE, Some("play"), &vars(&[])).unwrap_err();
        assert!(
            err.starts_with("--profile play: ")
                && err.ends_with("has no [profiles.play] (it has: default, work)"),
            "{err}"
        );
        let err = load_text(FILE, None, &vars(&[(PROFILE_VAR, "play")])).unwrap_err();
        assert!(err.starts_with("AITHREADS_PROFILE play: "), "{err}");
        let err = load(
            Some(Path::new("/nonexistent/c.toml")),
            Some("work"),
            &vars(&[]),
        )
        .unwrap_err();
        assert_eq!(
            err,
            "--profile work: there is no config file at /nonexistent/c.toml"
        );
    }

    #[test]
    fn mistakes_are_named_with_their_place() {
        let none = vars(&[]);
        let cases = [
            (
                "[profiles.default.revcent]\napi_key = 3\n",
                "api_key must be a string",
            ),
            (
                "[profiles.default.revcent]\napikey = \"x\"\n",
                "apikey: unknown setting; revcent has api_key, base_url",
            ),
            (
                "[profiles.default.openai]\n",
                "[profiles.default.openai]: unknown provider",
            ),
            ("[default.revcent]\n", "unknown table [default]"),
            (
                "[profiles.default.revcent]\napi_key = \"x\"\napi_key_env = \"Y\"\n",
                "gives api_key more than one way",
            ),
            ("\n\n[profiles.default.revcent\n", "line 3: "),
        ];
        for (text, expected) in cases {
            let err = load_text(text, None, &none).unwrap_err();
            assert!(err.contains(expected), "{text:?}: {err}");
            assert!(!err.contains('\n'), "one line: {err}");
        }
    }
}
