//! Where the command line finds each provider's settings, and the one place library
//! configuration errors are put in the command line's words.
//!
//! Each setting is looked up in this order; the first source that has it wins:
//!
//! 1. the profile named by `--profile` in the config file;
//! 2. the provider's environment variables (`REVCENT_API_KEY`, …);
//! 3. when `--profile` is not given, the config file's profile named by `AITHREADS_PROFILE`,
//!    else its `default` profile (one profile is read, never two);
//! 4. the provider's own official files (Tencent's credentials file);
//! 5. the built-in default (the documented endpoints).
//!
//! Credentials come whole from one source (a SecretId never pairs with another source's
//! SecretKey; a session token only with the credentials it came with). Secrets given by a
//! command run only for the providers a command needs. Every setting records its
//! [`Source`], by name, never by value.

mod file;
mod source;
mod spec;

use std::path::PathBuf;
use std::process::{Command, Stdio};

use aithreads::providers::chatkit::{ChatKitClient, ChatKitConfig};
use aithreads::providers::revcent::{RevCentClient, RevCentConfig};
use aithreads::providers::trtc::{CredentialsFile, TrtcClient, TrtcConfig};
use aithreads::{Client, ExposeSecret, ProviderKind, SecretString, ThreadRef};

use crate::Failure;
pub use file::PROFILE_VAR;
pub use source::Source;
use source::{Chosen, Given};
pub use spec::not_configured;
use spec::{Group, Spec, specs};

/// Reads variables: the process environment in the binary, a table in tests.
pub type Vars = Box<dyn Fn(&str) -> Option<String>>;

/// Which providers a command needs.
#[derive(Debug, Clone, Copy)]
pub enum Needs<'a> {
    /// This one: missing credentials are an error.
    Provider(ProviderKind),
    /// Those of these references: the ones named on the command line must be configured;
    /// with `-` (references on stdin) every configured one is set up, and the references
    /// are checked once read ([`check_refs`]).
    Refs(&'a [String]),
}

/// The client for a command: the providers it needs, configured from flags, environment,
/// config file and provider files; any configuration error is a usage failure (exit 2)
/// before any request.
pub fn client(
    profile: Option<&str>,
    needs: Needs<'_>,
    concurrency: usize,
) -> Result<Client, Failure> {
    let config = Config::load(profile, Box::new(|name| std::env::var(name).ok()))?;
    let (kinds, required): (Vec<ProviderKind>, bool) = match needs {
        Needs::Provider(kind) => (vec![kind], true),
        Needs::Refs(refs) if refs.iter().any(|r| r == "-") => (ProviderKind::ALL.to_vec(), false),
        Needs::Refs(refs) => {
            let mut kinds: Vec<ProviderKind> = refs
                .iter()
                .filter_map(|r| r.split_once(':')?.0.parse().ok())
                .collect();
            kinds.sort();
            kinds.dedup();
            (kinds, true)
        }
    };
    let mut builder = Client::builder().with_concurrency(concurrency);
    let mut missing = Vec::new();
    for kind in kinds {
        let Some(settings) = config.resolve(kind)? else {
            if required {
                missing.push(not_configured(kind));
            }
            continue;
        };
        builder = match build(&settings)? {
            Typed::RevCent(client) => builder.with_revcent(client),
            Typed::Trtc(client) => builder.with_trtc(client),
            Typed::ChatKit(client) => builder.with_chatkit(client),
        };
    }
    if !missing.is_empty() {
        return Err(Failure::Usage(missing.join("; ")));
    }
    Ok(builder.build())
}

/// Checks, once and before any request, that every reference can be served: its provider
/// is configured, and a TRTC reference without a region has a configured region. One line
/// for all of them, naming what to set.
pub fn check_refs(client: &Client, refs: &[ThreadRef]) -> Result<(), Failure> {
    let configured = client.configured();
    let mut missing: Vec<ProviderKind> = Vec::new();
    let mut regionless: Option<(&ThreadRef, usize)> = None;
    for thread in refs {
        let kind = thread.provider();
        if !configured.contains(&kind) {
            if !missing.contains(&kind) {
                missing.push(kind);
            }
            continue;
        }
        let needs_region = match kind {
            ProviderKind::TencentTrtc => {
                thread.region().is_none() && client.trtc().is_ok_and(|trtc| trtc.region().is_none())
            }
            ProviderKind::RevCent | ProviderKind::OpenAiChatKit => false,
        };
        if needs_region {
            regionless.get_or_insert((thread, 0)).1 += 1;
        }
    }
    if !missing.is_empty() {
        let lines: Vec<String> = missing.into_iter().map(not_configured).collect();
        return Err(Failure::Usage(lines.join("; ")));
    }
    if let Some((first, count)) = regionless {
        return Err(Failure::Usage(format!(
            "{count} TRTC reference(s) name no region ({first}…) and no TRTC region is configured: write trtc:<region>/<TaskId>, or set {} (or region under [profiles.<name>.trtc])",
            aithreads::providers::trtc::REGION_VAR
        )));
    }
    Ok(())
}

/// A library error's message in the command line's words: advice to call a library method
/// (`with_api_key`, `with_credentials`, `with_region`, `allow_http`) becomes advice about
/// variables and references, or goes.
pub fn cli_wording(message: &str) -> String {
    const LIBRARY_ADVICE: [(&str, &str); 4] = [
        (" or call with_api_key", ""),
        (" or call with_credentials", ""),
        (
            " or call with_region",
            ", pass --region (trtc commands) or write trtc:<region>/<TaskId>",
        ),
        (", or opt in with allow_http", ""),
    ];
    LIBRARY_ADVICE
        .iter()
        .fold(message.to_owned(), |text, (library, cli)| {
            text.replace(library, cli)
        })
}

/// One setting's value and where it came from. Debug shows no value.
pub struct Setting {
    /// Its name in the config file.
    pub name: &'static str,
    /// Where it came from.
    pub source: Source,
    value: SecretString,
}

impl std::fmt::Debug for Setting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Setting")
            .field("name", &self.name)
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

/// The settings of one provider that has credentials.
#[derive(Debug)]
pub struct ProviderSettings {
    /// The provider.
    pub kind: ProviderKind,
    /// Every setting that has a value, in [`spec`] order.
    pub settings: Vec<Setting>,
}

impl ProviderSettings {
    fn value(&self, name: &str) -> Option<&str> {
        self.find(name).map(|s| s.value.expose_secret())
    }

    fn find(&self, name: &str) -> Option<&Setting> {
        self.settings.iter().find(|s| s.name == name)
    }

    /// A configuration failure caused by setting `name`, naming where it came from.
    fn failure(&self, name: &str, message: &str) -> Failure {
        let from = self
            .find(name)
            .map(|s| format!(" from {}", s.source))
            .unwrap_or_default();
        // The library names the provider first; the line already does.
        let prefix = format!("{}: ", self.kind);
        let message = message.strip_prefix(&prefix).unwrap_or(message);
        Failure::Usage(format!(
            "{} {name}{from}: {}",
            self.kind,
            cli_wording(message)
        ))
    }
}

/// A provider's typed client.
pub enum Typed {
    /// RevCent.
    RevCent(RevCentClient),
    /// TRTC.
    Trtc(TrtcClient),
    /// ChatKit.
    ChatKit(ChatKitClient),
}

/// The typed client for resolved settings; a setting the library refuses is a usage
/// failure naming the setting and its source.
pub fn build(settings: &ProviderSettings) -> Result<Typed, Failure> {
    let value = |name| settings.value(name).unwrap_or_default();
    // Which setting a library refusal is about: credentials, else the endpoint.
    let blame = |error: aithreads::Error, credential: &str, endpoint: &str| {
        let message = error.message();
        let about_endpoint = ["URL", "endpoint", "http"]
            .iter()
            .any(|w| message.contains(w));
        settings.failure(if about_endpoint { endpoint } else { credential }, &message)
    };
    match settings.kind {
        ProviderKind::RevCent => RevCentClient::new(
            RevCentConfig::new()
                .with_api_key(value("api_key"))
                .with_base_url(value("base_url")),
        )
        .map(Typed::RevCent)
        .map_err(|e| blame(e, "api_key", "base_url")),
        ProviderKind::TencentTrtc => {
            let mut config = TrtcConfig::new()
                .with_credentials(value("secret_id"), value("secret_key"))
                .with_endpoint(value("endpoint"));
            if let Some(token) = settings.value("token") {
                config = config.with_token(token);
            }
            if let Some(region) = settings.value("region") {
                aithreads::validate::region(region)
                    .map_err(|e| settings.failure("region", &e.message()))?;
                config = config.with_region(region);
            }
            TrtcClient::new(config)
                .map(Typed::Trtc)
                .map_err(|e| blame(e, "secret_id", "endpoint"))
        }
        ProviderKind::OpenAiChatKit => {
            let mut config = ChatKitConfig::new()
                .with_api_key(value("api_key"))
                .with_base_url(value("base_url"));
            if let Some(organization) = settings.value("organization") {
                config = config.with_organization(organization);
            }
            if let Some(project) = settings.value("project") {
                config = config.with_project(project);
            }
            ChatKitClient::new(config)
                .map(Typed::ChatKit)
                .map_err(|e| blame(e, "api_key", "base_url"))
        }
    }
}

/// Everything this run's configuration comes from: the environment and the config file's
/// profile in use.
pub struct Config {
    vars: Vars,
    path: Option<PathBuf>,
    profile: Option<file::Profile>,
}

/// One place a setting may come from, in the order they are asked.
#[derive(Clone, Copy)]
enum Layer<'a> {
    Profile(&'a file::Profile),
    Env,
}

/// A setting a layer has, not yet read (a variable looked up, a command run).
enum Found<'a> {
    Env(&'static str, String),
    Profile(&'a file::Profile, Given, &'a str),
    File(PathBuf, String),
}

impl Config {
    /// Reads the config file (see [`file::path`]) and chooses its profile: `profile` from
    /// `--profile`, else `AITHREADS_PROFILE`, else `default`.
    pub fn load(profile: Option<&str>, vars: Vars) -> Result<Self, Failure> {
        let path = file::path(&*vars);
        let profile = file::load(path.as_deref(), profile, &*vars).map_err(Failure::Usage)?;
        Ok(Self {
            vars,
            path,
            profile,
        })
    }

    /// The config file's place, whether or not it exists.
    pub fn path(&self) -> Option<&std::path::Path> {
        self.path.as_deref()
    }

    /// The profile in use and how it was chosen, if any: `("work", "--profile")`.
    pub fn profile(&self) -> Option<(&str, &'static str)> {
        self.profile.as_ref().map(|p| {
            let how = match p.chosen {
                Chosen::Flag => "--profile",
                Chosen::Env => PROFILE_VAR,
                Chosen::Default => "default",
            };
            (p.name.as_str(), how)
        })
    }

    fn var(&self, name: &str) -> Option<String> {
        (self.vars)(name).filter(|value| !value.trim().is_empty())
    }

    fn layers(&self) -> Vec<Layer<'_>> {
        match &self.profile {
            Some(profile) if profile.chosen == Chosen::Flag => {
                vec![Layer::Profile(profile), Layer::Env]
            }
            Some(profile) => vec![Layer::Env, Layer::Profile(profile)],
            None => vec![Layer::Env],
        }
    }

    fn find<'a>(&'a self, layer: Layer<'a>, kind: ProviderKind, spec: &Spec) -> Option<Found<'a>> {
        match layer {
            Layer::Env => spec
                .vars
                .iter()
                .find_map(|name| Some(Found::Env(name, self.var(name)?))),
            Layer::Profile(profile) => profile
                .get(kind, spec.name)
                .map(|(given, text)| Found::Profile(profile, given, text)),
        }
    }

    /// The settings of `kind` with their sources, or `None` when no source has its
    /// credentials. Runs the commands that give its secrets.
    pub fn resolve(&self, kind: ProviderKind) -> Result<Option<ProviderSettings>, Failure> {
        let specs = specs(kind);
        let credentials: Vec<&Spec> = specs
            .iter()
            .filter(|s| s.group == Group::Credentials)
            .collect();
        let layers = self.layers();
        let whole = layers.iter().copied().find(|&layer| {
            credentials
                .iter()
                .all(|s| self.find(layer, kind, s).is_some())
        });
        let mut found: Vec<(&Spec, Found<'_>)> = Vec::new();
        match whole {
            Some(layer) => {
                for spec in specs.iter().filter(|s| s.group != Group::Alone) {
                    if let Some(hit) = self.find(layer, kind, spec) {
                        found.push((spec, hit));
                    }
                }
            }
            None => {
                let file = match kind {
                    ProviderKind::TencentTrtc => CredentialsFile::find(|name| (self.vars)(name))
                        .map_err(|e| Failure::Usage(e.message().into_owned()))?,
                    ProviderKind::RevCent | ProviderKind::OpenAiChatKit => None,
                };
                let Some(file) = file else {
                    return match self.partial(&layers, kind, &credentials) {
                        Some(message) => Err(Failure::Usage(message)),
                        None => Ok(None),
                    };
                };
                let path = file.path().to_owned();
                for spec in &credentials {
                    let value = match spec.name {
                        "secret_id" => file.secret_id(),
                        _ => file.secret_key().expose_secret(),
                    };
                    found.push((spec, Found::File(path.clone(), value.to_owned())));
                }
            }
        }
        for spec in specs.iter().filter(|s| s.group == Group::Alone) {
            if let Some(hit) = layers
                .iter()
                .find_map(|&layer| self.find(layer, kind, spec))
            {
                found.push((spec, hit));
            }
        }
        let mut settings = Vec::new();
        for spec in specs {
            let setting = match found.iter().position(|(s, _)| s.name == spec.name) {
                Some(at) => {
                    let (spec, hit) = found.swap_remove(at);
                    self.read(kind, spec, hit)?
                }
                None => match spec.default {
                    Some(default) => Setting {
                        name: spec.name,
                        source: Source::Default,
                        value: SecretString::from(default),
                    },
                    None => continue,
                },
            };
            tracing::info!("{kind} {} from {}", setting.name, setting.source);
            settings.push(setting);
        }
        Ok(Some(ProviderSettings { kind, settings }))
    }

    /// Why credentials found only in part cannot be used, naming what is missing.
    fn partial(
        &self,
        layers: &[Layer<'_>],
        kind: ProviderKind,
        credentials: &[&Spec],
    ) -> Option<String> {
        layers.iter().find_map(|&layer| {
            let (have, lack): (Vec<&&Spec>, Vec<&&Spec>) = credentials
                .iter()
                .partition(|s| self.find(layer, kind, s).is_some());
            let missing = lack.first()?;
            let present = have.first()?;
            Some(match layer {
                Layer::Env => format!(
                    "{kind}: {} is set but {} is not: set it too",
                    present.vars[0], missing.vars[0]
                ),
                Layer::Profile(profile) => format!(
                    "{kind}: {path} [profiles.{name}.{kind}] has {present} but no {missing} (nor {missing}_env or {missing}_command)",
                    path = profile.path.display(),
                    name = profile.name,
                    present = present.name,
                    missing = missing.name,
                ),
            })
        })
    }

    /// Reads a found setting: looks up the variable a profile names, runs its command.
    fn read(&self, kind: ProviderKind, spec: &Spec, found: Found<'_>) -> Result<Setting, Failure> {
        let (value, source) = match found {
            Found::Env(name, value) => (value, Source::Env(name)),
            Found::File(path, value) => (value, Source::ProviderFile(path)),
            Found::Profile(profile, given, text) => {
                let source = Source::Profile {
                    path: profile.path.clone(),
                    profile: profile.name.clone(),
                    chosen: profile.chosen,
                    provider: kind.as_str(),
                    setting: spec.name,
                    given: given.clone(),
                };
                let value = match given {
                    Given::Value => {
                        if spec.secret {
                            warn_plain_secret(&source, spec.name, &profile.path);
                        }
                        text.to_owned()
                    }
                    Given::Variable(name) => self
                        .var(&name)
                        .ok_or_else(|| Failure::Usage(format!("{source}: {name} is not set")))?,
                    Given::Command => run(text, &source)?,
                };
                (value, source)
            }
        };
        Ok(Setting {
            name: spec.name,
            source,
            value: SecretString::from(value.trim().to_owned()),
        })
    }
}

/// Warns that a secret sits in the config file in plain text, and louder when others can
/// read the file (as ssh does).
fn warn_plain_secret(source: &Source, name: &str, path: &std::path::Path) {
    match aithreads::secret_file::readable_by_others(path) {
        Some(mode) => tracing::warn!(
            "{source} is a secret written in plain text in a file others can read (mode {mode:o}): chmod 600 {}, or use {name}_env or {name}_command",
            path.display()
        ),
        None => tracing::warn!(
            "{source} is a secret written in plain text: prefer {name}_env or {name}_command"
        ),
    }
}

/// Runs a profile's `*_command` with the shell and takes what it prints, trimmed. Its
/// stderr goes to the user (a password manager may ask something); stdin is closed, so it
/// never eats references piped to aithreads.
fn run(command: &str, source: &Source) -> Result<String, Failure> {
    let mut shell = if cfg!(windows) {
        let mut shell = Command::new("cmd");
        shell.args(["/C", command]);
        shell
    } else {
        let mut shell = Command::new("sh");
        shell.args(["-c", command]);
        shell
    };
    let output = shell
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| Failure::Usage(format!("{source}: cannot run the command: {e}")))?;
    if !output.status.success() {
        return Err(Failure::Usage(format!(
            "{source}: the command failed ({})",
            output.status
        )));
    }
    let text = String::from_utf8(output.stdout).map_err(|_| {
        Failure::Usage(format!(
            "{source}: the command printed something other than UTF-8 text"
        ))
    })?;
    let text = text.trim();
    if text.is_empty() {
        return Err(Failure::Usage(format!(
            "{source}: the command printed nothing"
        )));
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// A home directory with an optional config file and Tencent credentials file.
    struct Home {
        dir: tempfile::TempDir,
    }

    impl Home {
        fn new(config: Option<&str>, tencent: Option<&str>) -> Self {
            let dir = tempfile::tempdir().unwrap();
            let write = |relative: &str, text: &str| {
                let path = dir.path().join(relative);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, text).unwrap();
            };
            if let Some(text) = config {
                write(".config/aithreads/config.toml", text);
            }
            if let Some(text) = tencent {
                write(".tencentcloud/credentials", text);
            }
            Self { dir }
        }

        fn path(&self) -> &Path {
            self.dir.path()
        }

        fn config(&self, profile: Option<&str>, vars: &[(&str, &str)]) -> Result<Config, Failure> {
            let home_var = if cfg!(windows) { "USERPROFILE" } else { "HOME" };
            let mut table: Vec<(String, String)> = vars
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            table.push((home_var.into(), self.path().display().to_string()));
            Config::load(
                profile,
                Box::new(move |name| {
                    table
                        .iter()
                        .find(|(k, _)| k == name)
                        .map(|(_, v)| v.clone())
                }),
            )
        }
    }

    fn resolved(config: &Config, kind: ProviderKind) -> Vec<(&'static str, String, String)> {
        config
            .resolve(kind)
            .unwrap()
            .unwrap()
            .settings
            .iter()
            .map(|s| {
                (
                    s.name,
                    s.value.expose_secret().to_owned(),
                    s.source.to_string(),
                )
            })
            .collect()
    }

    fn usage(result: Result<impl std::fmt::Debug, Failure>) -> String {
        match result {
            Err(Failure::Usage(message)) => message,
            other => panic!("expected a usage failure, got {other:?}"),
        }
    }

    const CONFIG: &str = r#"
[profiles.default.revcent]
api_key = "rc-default-key"
base_url = "http://127.0.0.1:1/v2"

[profiles.default.trtc]
secret_id = "AKIDdefault"
secret_key_env = "DEFAULT_TC_KEY"
token = "default-token"

[profiles.work.revcent]
api_key_command = "echo '  rc-work-key  '"

[profiles.work.chatkit]
api_key_env = "WORK_OPENAI"
"#;

    #[test]
    fn an_explicit_profile_beats_the_environment_which_beats_the_default_profile() {
        let home = Home::new(Some(CONFIG), None);
        let env = [
            ("REVCENT_API_KEY", "rc-env-key"),
            ("WORK_OPENAI", "sk-work"),
            ("OPENAI_API_KEY", "sk-env"),
        ];
        let file = home
            .path()
            .join(".config/aithreads/config.toml")
            .display()
            .to_string();

        let config = home.config(Some("work"), &env).unwrap();
        assert_eq!(
            resolved(&config, ProviderKind::RevCent),
            [
                (
                    "api_key",
                    "rc-work-key".into(),
                    format!("--profile work: {file} [profiles.work.revcent] api_key_command")
                ),
                (
                    "base_url",
                    "https://api.revcent.com/v2".into(),
                    "default".into()
                ),
            ]
        );
        assert_eq!(
            resolved(&config, ProviderKind::OpenAiChatKit)[0],
            (
                "api_key",
                "sk-work".into(),
                format!("--profile work: {file} [profiles.work.chatkit] api_key_env = WORK_OPENAI")
            )
        );

        let config = home.config(None, &env).unwrap();
        assert_eq!(
            resolved(&config, ProviderKind::RevCent),
            [
                ("api_key", "rc-env-key".into(), "REVCENT_API_KEY".into()),
                (
                    "base_url",
                    "http://127.0.0.1:1/v2".into(),
                    format!("{file} [profiles.default.revcent] base_url")
                ),
            ]
        );
        assert_eq!(
            resolved(&config, ProviderKind::OpenAiChatKit)[0].2,
            "OPENAI_API_KEY"
        );

        // AITHREADS_PROFILE picks the profile, but the environment still comes first.
        let config = home
            .config(
                None,
                &[
                    ("AITHREADS_PROFILE", "work"),
                    ("REVCENT_API_KEY", "rc-env-key"),
                ],
            )
            .unwrap();
        assert_eq!(
            resolved(&config, ProviderKind::RevCent)[0].2,
            "REVCENT_API_KEY"
        );
        let config = home.config(None, &[("AITHREADS_PROFILE", "work")]).unwrap();
        assert_eq!(
            resolved(&config, ProviderKind::RevCent)[0].2,
            format!("AITHREADS_PROFILE=work: {file} [profiles.work.revcent] api_key_command")
        );
        assert!(config.resolve(ProviderKind::TencentTrtc).unwrap().is_none());
    }

    #[test]
    fn credentials_come_whole_from_one_source_with_their_token() {
        let tencent = "[default]\nsecret_id = AKIDfile\nsecret_key = file-key\n";
        let home = Home::new(Some(CONFIG), Some(tencent));
        let file = home
            .path()
            .join(".config/aithreads/config.toml")
            .display()
            .to_string();
        // The environment has half the credentials: the profile's whole pair wins, with
        // the profile's token, not the environment's.
        let config = home
            .config(
                None,
                &[
                    ("TENCENTCLOUD_SECRET_ID", "AKIDenv"),
                    ("TENCENTCLOUD_TOKEN", "env-token"),
                    ("DEFAULT_TC_KEY", "default-key"),
                    ("TENCENTCLOUD_REGION", "ap-tokyo"),
                ],
            )
            .unwrap();
        assert_eq!(
            resolved(&config, ProviderKind::TencentTrtc),
            [
                (
                    "secret_id",
                    "AKIDdefault".into(),
                    format!("{file} [profiles.default.trtc] secret_id")
                ),
                (
                    "secret_key",
                    "default-key".into(),
                    format!("{file} [profiles.default.trtc] secret_key_env = DEFAULT_TC_KEY")
                ),
                (
                    "token",
                    "default-token".into(),
                    format!("{file} [profiles.default.trtc] token")
                ),
                ("region", "ap-tokyo".into(), "TENCENTCLOUD_REGION".into()),
                (
                    "endpoint",
                    "https://trtc.intl.tencentcloudapi.com".into(),
                    "default".into()
                ),
            ]
        );

        // The environment's pair, with its token under the second name.
        let config = home
            .config(
                None,
                &[
                    ("TENCENTCLOUD_SECRET_ID", "AKIDenv"),
                    ("TENCENTCLOUD_SECRET_KEY", "env-key"),
                    ("TENCENTCLOUD_SECURITY_TOKEN", "env-token"),
                ],
            )
            .unwrap();
        let settings = resolved(&config, ProviderKind::TencentTrtc);
        assert_eq!(settings[0].2, "TENCENTCLOUD_SECRET_ID");
        assert_eq!(
            settings[2],
            (
                "token",
                "env-token".into(),
                "TENCENTCLOUD_SECURITY_TOKEN".into()
            )
        );

        // Neither: Tencent's own file, never with a token.
        let home = Home::new(None, Some(tencent));
        let config = home
            .config(None, &[("TENCENTCLOUD_TOKEN", "env-token")])
            .unwrap();
        let tencent_file = home
            .path()
            .join(".tencentcloud/credentials")
            .display()
            .to_string();
        assert_eq!(
            resolved(&config, ProviderKind::TencentTrtc)[..3],
            [
                ("secret_id", "AKIDfile".into(), tencent_file.clone()),
                ("secret_key", "file-key".into(), tencent_file),
                (
                    "endpoint",
                    "https://trtc.intl.tencentcloudapi.com".into(),
                    "default".into()
                ),
            ]
        );
    }

    #[test]
    fn half_credentials_and_broken_indirections_name_what_to_set() {
        let home = Home::new(Some(CONFIG), None);
        let config = home
            .config(Some("work"), &[("TENCENTCLOUD_SECRET_KEY", "k")])
            .unwrap();
        assert_eq!(
            usage(config.resolve(ProviderKind::TencentTrtc)),
            "trtc: TENCENTCLOUD_SECRET_KEY is set but TENCENTCLOUD_SECRET_ID is not: set it too"
        );
        // The default profile's key variable is not set.
        let config = home.config(None, &[]).unwrap();
        let message = usage(config.resolve(ProviderKind::TencentTrtc));
        assert!(
            message.ends_with("secret_key_env = DEFAULT_TC_KEY: DEFAULT_TC_KEY is not set"),
            "{message}"
        );

        let home = Home::new(
            Some(
                "[profiles.default.trtc]\nsecret_id = \"AKIDx\"\n[profiles.default.chatkit]\napi_key_command = \"echo oops >&2; exit 3\"\n[profiles.default.revcent]\napi_key_command = \"true\"\n",
            ),
            None,
        );
        let config = home.config(None, &[]).unwrap();
        let message = usage(config.resolve(ProviderKind::TencentTrtc));
        assert!(message.contains("[profiles.default.trtc] has secret_id but no secret_key (nor secret_key_env or secret_key_command)"), "{message}");
        let message = usage(config.resolve(ProviderKind::OpenAiChatKit));
        assert!(
            message.ends_with("api_key_command: the command failed (exit status: 3)"),
            "{message}"
        );
        let message = usage(config.resolve(ProviderKind::RevCent));
        assert!(
            message.ends_with("api_key_command: the command printed nothing"),
            "{message}"
        );
    }

    #[test]
    fn library_refusals_are_worded_for_the_command_line_and_name_their_source() {
        let home = Home::new(None, None);
        let config = home
            .config(
                None,
                &[
                    ("REVCENT_API_KEY", "k"),
                    ("REVCENT_BASE_URL", "http://example.com/v2"),
                    ("TENCENTCLOUD_SECRET_ID", "AKIDx"),
                    ("TENCENTCLOUD_SECRET_KEY", "k"),
                    ("TENCENTCLOUD_REGION", "Singapore"),
                    ("OPENAI_API_KEY", "k"),
                    ("OPENAI_BASE_URL", "ftp://127.0.0.1/v1"),
                ],
            )
            .unwrap();
        let build_kind = |kind| build(&config.resolve(kind).unwrap().unwrap()).map(|_| ());
        assert_eq!(
            usage(build_kind(ProviderKind::RevCent)),
            "revcent base_url from REVCENT_BASE_URL: refusing plain http:// to example.com; use https"
        );
        let message = usage(build_kind(ProviderKind::TencentTrtc));
        assert!(
            message.starts_with("trtc region from TENCENTCLOUD_REGION: "),
            "{message}"
        );
        let message = usage(build_kind(ProviderKind::OpenAiChatKit));
        assert!(
            message.starts_with("chatkit base_url from OPENAI_BASE_URL: "),
            "{message}"
        );

        // Every piece of library advice the command line can meet.
        let library = [
            RevCentClient::new(RevCentConfig::new())
                .unwrap_err()
                .to_string(),
            TrtcClient::new(TrtcConfig::new()).unwrap_err().to_string(),
            ChatKitClient::new(ChatKitConfig::new())
                .unwrap_err()
                .to_string(),
            RevCentClient::new(
                RevCentConfig::new()
                    .with_api_key("k")
                    .with_base_url("http://example.com"),
            )
            .unwrap_err()
            .to_string(),
            regionless_trtc_error(),
        ];
        for message in library {
            let worded = cli_wording(&message);
            assert!(
                !worded.contains("with_") && !worded.contains("allow_http"),
                "{message} -> {worded}"
            );
        }
    }

    /// The library's answer to a call with no region anywhere (refused before sending).
    fn regionless_trtc_error() -> String {
        let client = TrtcClient::new(TrtcConfig::new().with_credentials("AKIDx", "k")).unwrap();
        let mut request = aithreads::providers::trtc::DescribeAiConversationRequest::default();
        request.task_id = Some("t".into());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let error = runtime
            .block_on(client.describe_ai_conversation(&request))
            .unwrap_err();
        assert!(error.message().contains("with_region"), "{error}");
        error.to_string()
    }

    #[test]
    fn references_are_checked_once_for_configuration() {
        let home = Home::new(None, None);
        let config = home
            .config(
                None,
                &[
                    ("TENCENTCLOUD_SECRET_ID", "AKIDx"),
                    ("TENCENTCLOUD_SECRET_KEY", "k"),
                ],
            )
            .unwrap();
        let Typed::Trtc(trtc) =
            build(&config.resolve(ProviderKind::TencentTrtc).unwrap().unwrap()).unwrap()
        else {
            panic!("not TRTC")
        };
        let client = Client::builder().with_trtc(trtc).build();
        let refs = |texts: &[&str]| -> Vec<ThreadRef> {
            texts.iter().map(|t| t.parse().unwrap()).collect()
        };
        assert!(check_refs(&client, &refs(&["trtc:ap-tokyo/t1"])).is_ok());
        let message = usage(check_refs(
            &client,
            &refs(&["trtc:ap-tokyo/t1", "trtc:t2", "trtc:t3"]),
        ));
        assert!(
            message.starts_with("2 TRTC reference(s) name no region (trtc:t2…)"),
            "{message}"
        );
        assert!(message.contains("TENCENTCLOUD_REGION"), "{message}");
        let message = usage(check_refs(
            &client,
            &refs(&[
                "revcent:abcdefghij0123456789",
                "trtc:ap-tokyo/t1",
                "revcent:abcdefghij0123456780",
            ]),
        ));
        assert!(
            message.starts_with("revcent is not configured: set REVCENT_API_KEY"),
            "{message}"
        );
        assert!(!message.contains(';'), "one provider named once: {message}");
    }
}
