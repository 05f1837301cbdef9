//! [`Spec`]: the settings of each provider, with the environment variables that hold them.

use aithreads::ProviderKind;
use aithreads::providers::{chatkit, revcent, trtc};

/// How a setting is resolved next to the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// Part of the credentials, which come whole from one source: a SecretId never pairs
    /// with another source's SecretKey.
    Credentials,
    /// Taken only from the source the credentials came from (a session token belongs to
    /// the temporary credentials it was issued with).
    WithCredentials,
    /// Looked up on its own.
    Alone,
}

/// One setting of one provider.
#[derive(Debug)]
pub struct Spec {
    /// Its name in the config file (`api_key`; also `api_key_env`, `api_key_command`).
    pub name: &'static str,
    /// The environment variables holding it, the first set one winning.
    pub vars: &'static [&'static str],
    /// Whether it is a secret: never shown, warned about when written in plain text.
    pub secret: bool,
    /// How it resolves next to the others.
    pub group: Group,
    /// The value when no source has it.
    pub default: Option<&'static str>,
}

const fn spec(
    name: &'static str,
    vars: &'static [&'static str],
    secret: bool,
    group: Group,
    default: Option<&'static str>,
) -> Spec {
    Spec {
        name,
        vars,
        secret,
        group,
        default,
    }
}

const REVCENT: &[Spec] = &[
    spec(
        "api_key",
        &[revcent::API_KEY_VAR],
        true,
        Group::Credentials,
        None,
    ),
    spec(
        "base_url",
        &[revcent::BASE_URL_VAR],
        false,
        Group::Alone,
        Some(revcent::DEFAULT_BASE_URL),
    ),
];

const TRTC: &[Spec] = &[
    spec(
        "secret_id",
        &[trtc::SECRET_ID_VAR],
        false,
        Group::Credentials,
        None,
    ),
    spec(
        "secret_key",
        &[trtc::SECRET_KEY_VAR],
        true,
        Group::Credentials,
        None,
    ),
    spec(
        "token",
        &[trtc::TOKEN_VAR, trtc::SECURITY_TOKEN_VAR],
        true,
        Group::WithCredentials,
        None,
    ),
    spec("region", &[trtc::REGION_VAR], false, Group::Alone, None),
    spec(
        "endpoint",
        &[trtc::ENDPOINT_VAR],
        false,
        Group::Alone,
        Some(trtc::DEFAULT_ENDPOINT),
    ),
];

const CHATKIT: &[Spec] = &[
    spec(
        "api_key",
        &[chatkit::API_KEY_VAR],
        true,
        Group::Credentials,
        None,
    ),
    spec(
        "organization",
        &[chatkit::ORG_ID_VAR],
        false,
        Group::Alone,
        None,
    ),
    spec(
        "project",
        &[chatkit::PROJECT_ID_VAR],
        false,
        Group::Alone,
        None,
    ),
    spec(
        "base_url",
        &[chatkit::BASE_URL_VAR],
        false,
        Group::Alone,
        Some(chatkit::DEFAULT_BASE_URL),
    ),
];

/// Every setting of `kind`, credentials first.
pub fn specs(kind: ProviderKind) -> &'static [Spec] {
    match kind {
        ProviderKind::RevCent => REVCENT,
        ProviderKind::TencentTrtc => TRTC,
        ProviderKind::OpenAiChatKit => CHATKIT,
    }
}

/// The suffixes a setting's name takes in the config file, and what each means.
pub const ENV_SUFFIX: &str = "_env";
/// See [`ENV_SUFFIX`].
pub const COMMAND_SUFFIX: &str = "_command";

/// What to set when `kind` has no credentials, in one line.
pub fn not_configured(kind: ProviderKind) -> String {
    let (vars, file_keys) = match kind {
        ProviderKind::RevCent => (revcent::API_KEY_VAR.to_owned(), "api_key"),
        ProviderKind::TencentTrtc => (
            format!(
                "{} and {} (or write ~/.tencentcloud/credentials)",
                trtc::SECRET_ID_VAR,
                trtc::SECRET_KEY_VAR
            ),
            "secret_id and secret_key",
        ),
        ProviderKind::OpenAiChatKit => (chatkit::API_KEY_VAR.to_owned(), "api_key"),
    };
    format!(
        "{kind} is not configured: set {vars}, or {file_keys} (or their _env / _command forms) under [profiles.<name>.{kind}] in the config file (`aithreads doctor` shows what is found)"
    )
}
