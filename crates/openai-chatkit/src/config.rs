//! How to reach OpenAI: credentials, endpoint and transport settings.

use std::fmt;

use aithreads_core::transport::{TransportConfig, credential};
use aithreads_core::{ExposeSecret, Result, SecretString};

/// OpenAI's API endpoint, the default base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";

/// Environment variable holding the API key, sent as `Authorization: Bearer <key>`.
pub const API_KEY_VAR: &str = "OPENAI_API_KEY";

/// Environment variable overriding the base URL (a proxy, the simulator).
pub const BASE_URL_VAR: &str = "OPENAI_BASE_URL";

/// Environment variable naming the organization, sent as `OpenAI-Organization`.
pub const ORG_ID_VAR: &str = "OPENAI_ORG_ID";

/// Environment variable naming the project, sent as `OpenAI-Project`.
pub const PROJECT_ID_VAR: &str = "OPENAI_PROJECT_ID";

/// Most items one thread may hold when its items are fetched (`get_thread`, the item
/// stream), unless set with [`ChatKitConfig::with_max_transcript_items`].
pub const DEFAULT_MAX_TRANSCRIPT_ITEMS: usize = 10_000;

/// Most bytes of item pages (as received) one thread may take when its items are fetched,
/// unless set with [`ChatKitConfig::with_max_transcript_bytes`]: 32 MiB.
pub const DEFAULT_MAX_TRANSCRIPT_BYTES: usize = 32 * 1024 * 1024;

/// Settings of a [`ChatKitClient`](crate::ChatKitClient).
///
/// Read them from the environment with [`from_env`](Self::from_env) (the variables the official
/// OpenAI SDKs read), or build them with the `with_*` methods:
///
/// ```
/// use aithreads_openai_chatkit::ChatKitConfig;
///
/// let config = ChatKitConfig::default()
///     .with_api_key("sk-test")
///     .with_base_url("http://127.0.0.1:8787/v1")
///     .with_project("proj_abc");
/// assert_eq!(config.base_url(), "http://127.0.0.1:8787/v1");
/// assert!(!format!("{config:?}").contains("sk-test"));
/// ```
#[derive(Clone)]
pub struct ChatKitConfig {
    pub(crate) api_key: Option<SecretString>,
    pub(crate) base_url: String,
    pub(crate) organization: Option<String>,
    pub(crate) project: Option<String>,
    pub(crate) transport: TransportConfig,
    pub(crate) max_transcript_items: usize,
    pub(crate) max_transcript_bytes: usize,
}

impl Default for ChatKitConfig {
    /// No API key, OpenAI's endpoint, default transport settings.
    fn default() -> Self {
        Self {
            api_key: None,
            base_url: DEFAULT_BASE_URL.to_owned(),
            organization: None,
            project: None,
            transport: TransportConfig::default(),
            max_transcript_items: DEFAULT_MAX_TRANSCRIPT_ITEMS,
            max_transcript_bytes: DEFAULT_MAX_TRANSCRIPT_BYTES,
        }
    }
}

impl ChatKitConfig {
    /// No API key, OpenAI's endpoint, default transport settings.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads `OPENAI_API_KEY`, `OPENAI_ORG_ID`, `OPENAI_PROJECT_ID` and `OPENAI_BASE_URL`
    /// (default [`DEFAULT_BASE_URL`]). A missing key is reported when the client is built
    /// ([`ChatKitClient::new`](crate::ChatKitClient::new)), so it can still be supplied with
    /// [`with_api_key`](Self::with_api_key).
    pub fn from_env() -> Result<Self> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// Like [`from_env`](Self::from_env), reading each variable through `var` (for tests).
    /// Empty and whitespace-only values count as unset.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let var = |name: &str| var(name).filter(|value| !value.trim().is_empty());
        let mut config = Self::new();
        if let Some(key) = var(API_KEY_VAR) {
            config = config.with_api_key(key);
        }
        if let Some(url) = var(BASE_URL_VAR) {
            config = config.with_base_url(url.trim());
        }
        config.organization = var(ORG_ID_VAR);
        config.project = var(PROJECT_ID_VAR);
        Ok(config)
    }

    /// Sets the API key sent as `Authorization: Bearer <key>`.
    pub fn with_api_key(mut self, api_key: impl Into<String>) -> Self {
        self.api_key = Some(SecretString::from(api_key.into()));
        self
    }

    /// Sets the base URL (`https://api.openai.com/v1`, a proxy, or the simulator's `…/v1`).
    pub fn with_base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// Sends `OpenAI-Organization` with every request.
    pub fn with_organization(mut self, organization: impl Into<String>) -> Self {
        self.organization = Some(organization.into());
        self
    }

    /// Sends `OpenAI-Project` with every request.
    pub fn with_project(mut self, project: impl Into<String>) -> Self {
        self.project = Some(project.into());
        self
    }

    /// Sets timeouts, retries, rate limits and size limits.
    pub fn with_transport(mut self, transport: TransportConfig) -> Self {
        self.transport = transport;
        self
    }

    /// Sets the most items one thread may hold when its items are fetched (default
    /// [`DEFAULT_MAX_TRANSCRIPT_ITEMS`]). A thread with more fails with
    /// [`Error::TranscriptTooLarge`](aithreads_core::Error::TranscriptTooLarge) instead of
    /// growing without bound, whatever a server sends (item pages that never end reached
    /// 8 GB before this limit existed).
    pub fn with_max_transcript_items(mut self, items: usize) -> Self {
        self.max_transcript_items = items;
        self
    }

    /// Sets the most bytes of item pages, as received, one thread may take when its items
    /// are fetched (default [`DEFAULT_MAX_TRANSCRIPT_BYTES`]); beyond it,
    /// [`Error::TranscriptTooLarge`](aithreads_core::Error::TranscriptTooLarge). With
    /// [`with_max_transcript_items`](Self::with_max_transcript_items) it bounds the memory
    /// of one `get_thread`; `n` of them in flight (a bulk get) hold at most `n` times this.
    pub fn with_max_transcript_bytes(mut self, bytes: usize) -> Self {
        self.max_transcript_bytes = bytes;
        self
    }

    /// The most items one thread may hold when its items are fetched.
    pub fn max_transcript_items(&self) -> usize {
        self.max_transcript_items
    }

    /// The most bytes of item pages one thread may take when its items are fetched.
    pub fn max_transcript_bytes(&self) -> usize {
        self.max_transcript_bytes
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The organization sent as `OpenAI-Organization`, if any.
    pub fn organization(&self) -> Option<&str> {
        self.organization.as_deref()
    }

    /// The project sent as `OpenAI-Project`, if any.
    pub fn project(&self) -> Option<&str> {
        self.project.as_deref()
    }

    /// The transport settings.
    pub fn transport(&self) -> &TransportConfig {
        &self.transport
    }

    /// The API key; [`Error::Config`](aithreads_core::Error::Config) naming `OPENAI_API_KEY` when none, or a blank one, was
    /// given.
    pub(crate) fn api_key(&self) -> Result<SecretString> {
        let key = self.api_key.as_ref().map(|key| key.expose_secret());
        credential(key, API_KEY_VAR, "with_api_key").map(SecretString::from)
    }
}

impl fmt::Debug for ChatKitConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChatKitConfig")
            .field("api_key", &self.api_key.as_ref().map(|_| "[redacted]"))
            .field("base_url", &self.base_url)
            .field("organization", &self.organization)
            .field("project", &self.project)
            .field("transport", &self.transport)
            .field("max_transcript_items", &self.max_transcript_items)
            .field("max_transcript_bytes", &self.max_transcript_bytes)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aithreads_core::Error;
    use aithreads_core::vars::from_pairs as vars;

    #[test]
    fn from_vars_reads_the_official_sdk_variables() {
        let config = ChatKitConfig::from_vars(vars(&[
            ("OPENAI_API_KEY", "sk-abc"),
            ("OPENAI_ORG_ID", "org-1"),
            ("OPENAI_PROJECT_ID", "proj_1"),
            ("OPENAI_BASE_URL", "http://127.0.0.1:9/v1"),
        ]))
        .unwrap();
        assert_eq!(config.api_key().unwrap().expose_secret(), "sk-abc");
        assert_eq!(config.organization(), Some("org-1"));
        assert_eq!(config.project(), Some("proj_1"));
        assert_eq!(config.base_url(), "http://127.0.0.1:9/v1");
    }

    #[test]
    fn defaults_apply_to_unset_and_empty_variables() {
        let config = ChatKitConfig::from_vars(vars(&[
            ("OPENAI_API_KEY", "sk-abc"),
            ("OPENAI_BASE_URL", ""),
            ("OPENAI_ORG_ID", ""),
            ("OPENAI_PROJECT_ID", "  "),
        ]))
        .unwrap();
        assert_eq!(config.base_url(), DEFAULT_BASE_URL);
        assert_eq!(config.organization(), None);
        assert_eq!(config.project(), None);
    }

    #[test]
    fn a_missing_key_names_the_variable_and_the_fix() {
        for env in [
            &[][..],
            &[("OPENAI_API_KEY", "")][..],
            &[("OPENAI_API_KEY", " \n")][..],
        ] {
            // Reading the variables never fails; building the client does.
            let config = ChatKitConfig::from_vars(vars(env)).unwrap();
            let err = crate::ChatKitClient::new(config).unwrap_err();
            assert!(matches!(err, Error::Config { .. }), "{err:?}");
            assert_eq!(
                err.to_string(),
                "configuration error: missing OPENAI_API_KEY: set it or call with_api_key"
            );
        }
        assert!(ChatKitConfig::default().api_key().is_err());
        for blank in ["", "   ", "\t\n"] {
            let err = crate::ChatKitClient::new(ChatKitConfig::default().with_api_key(blank))
                .unwrap_err();
            assert_eq!(
                err.to_string(),
                "configuration error: OPENAI_API_KEY is blank: set it or call with_api_key"
            );
        }
    }

    #[test]
    fn debug_never_shows_the_key() {
        let config = ChatKitConfig::default().with_api_key("sk-very-secret-1234");
        let text = format!("{config:?}");
        assert!(!text.contains("sk-very-secret-1234"), "{text}");
        assert!(text.contains("[redacted]"), "{text}");
    }
}
