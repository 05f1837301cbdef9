//! [`RevCentConfig`]: where the API is, the key to send, and how the transport behaves.

use std::fmt;

use aithreads_core::transport::TransportConfig;
use aithreads_core::{Result, SecretString};

use crate::windows::DEFAULT_MAX_WINDOWS;

/// The documented API endpoint (<https://revcent.com/docs/api/v2>, "API Endpoint").
pub const DEFAULT_BASE_URL: &str = "https://api.revcent.com/v2";

/// Environment variable holding the API key, sent as `x-api-key`.
pub const API_KEY_VAR: &str = "REVCENT_API_KEY";

/// Environment variable overriding the base URL (a proxy, the simulator).
pub const BASE_URL_VAR: &str = "REVCENT_BASE_URL";

/// Pages [`ai_threads`](crate::RevCentClient::ai_threads) fetches at once by default.
pub const DEFAULT_CONCURRENCY: usize = 4;

/// The most threads one 2-day window may hold by default (50,000 a day): a window walked
/// newest first is held in memory (list items carry no messages, about 1 KB each, so about
/// 100 MB at most), and a server reporting more is refused instead of walked without end.
pub const DEFAULT_MAX_WINDOW_THREADS: u64 = 100_000;

/// How to reach RevCent.
///
/// ```
/// use aithreads_revcent::RevCentConfig;
///
/// let config = RevCentConfig::from_vars(|name| match name {
///     "REVCENT_API_KEY" => Some("my-key".into()),
///     _ => None,
/// })?
/// .with_base_url("http://127.0.0.1:8787/v2");
/// assert_eq!(config.base_url(), "http://127.0.0.1:8787/v2");
/// assert!(!format!("{config:?}").contains("my-key"));
/// # Ok::<(), aithreads_revcent::core::Error>(())
/// ```
#[derive(Clone)]
pub struct RevCentConfig {
    pub(crate) api_key: Option<SecretString>,
    pub(crate) base_url: String,
    pub(crate) transport: TransportConfig,
    pub(crate) concurrency: usize,
    pub(crate) max_windows: u64,
    pub(crate) max_window_threads: u64,
}

impl Default for RevCentConfig {
    /// No API key, the documented endpoint, default transport settings.
    fn default() -> Self {
        Self {
            api_key: None,
            base_url: DEFAULT_BASE_URL.to_owned(),
            transport: TransportConfig::default(),
            concurrency: DEFAULT_CONCURRENCY,
            max_windows: DEFAULT_MAX_WINDOWS,
            max_window_threads: DEFAULT_MAX_WINDOW_THREADS,
        }
    }
}

impl RevCentConfig {
    /// No API key, the documented endpoint, default transport settings.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads `REVCENT_API_KEY` and `REVCENT_BASE_URL` (default
    /// `https://api.revcent.com/v2`). A missing key is reported when the client is built,
    /// so it can still be supplied with [`with_api_key`](Self::with_api_key).
    pub fn from_env() -> Result<Self> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// Like [`from_env`](Self::from_env), reading variables through `var` (for tests).
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
        Ok(config)
    }

    /// Sets the API key sent in the `x-api-key` header.
    pub fn with_api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(SecretString::from(key.into()));
        self
    }

    /// Sets the base URL every operation path is appended to (`…/v2`). Checked when the
    /// client is built: `https`, or `http` to loopback unless the transport allows it.
    pub fn with_base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Sets timeouts, retries, rate limits and the response size limit.
    pub fn with_transport(mut self, transport: TransportConfig) -> Self {
        self.transport = transport;
        self
    }

    /// Sets how many list pages [`ai_threads`](crate::RevCentClient::ai_threads) fetches at once
    /// (at least 1; default 4): up to this many first pages of the coming windows, and this
    /// many pages of the current window.
    pub fn with_concurrency(mut self, pages: usize) -> Self {
        self.concurrency = pages.max(1);
        self
    }

    /// Sets how many 2-day windows one range may take (at least 1; default
    /// [`DEFAULT_MAX_WINDOWS`], 62 days). A longer range is refused before any request
    /// ([`RevCentClient::plan_range`](crate::RevCentClient::plan_range)), so a mistyped date
    /// cannot start hours of requests.
    pub fn with_max_windows(mut self, windows: u64) -> Self {
        self.max_windows = windows.max(1);
        self
    }

    /// Sets how many threads one window may hold (at least 1; default
    /// [`DEFAULT_MAX_WINDOW_THREADS`]). A window reporting more ends its walk with an error.
    pub fn with_max_window_threads(mut self, threads: u64) -> Self {
        self.max_window_threads = threads.max(1);
        self
    }

    /// The base URL.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The transport settings.
    pub fn transport(&self) -> &TransportConfig {
        &self.transport
    }

    /// Pages fetched at once by `ai_threads`.
    pub fn concurrency(&self) -> usize {
        self.concurrency
    }

    /// The most windows one range may take.
    pub fn max_windows(&self) -> u64 {
        self.max_windows
    }

    /// The most threads one window may hold.
    pub fn max_window_threads(&self) -> u64 {
        self.max_window_threads
    }
}

impl fmt::Debug for RevCentConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RevCentConfig")
            .field("api_key", &self.api_key.as_ref().map(|_| "[redacted]"))
            .field("base_url", &self.base_url)
            .field("transport", &self.transport)
            .field("concurrency", &self.concurrency)
            .field("max_windows", &self.max_windows)
            .field("max_window_threads", &self.max_window_threads)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_are_read_and_empty_ones_ignored() {
        let config = RevCentConfig::from_vars(|name| match name {
            API_KEY_VAR => Some("k-123".into()),
            BASE_URL_VAR => Some("  ".into()),
            _ => None,
        })
        .unwrap();
        assert!(config.api_key.is_some());
        assert_eq!(config.base_url(), DEFAULT_BASE_URL);

        let config = RevCentConfig::from_vars(|name| match name {
            API_KEY_VAR => Some(String::new()),
            BASE_URL_VAR => Some("http://127.0.0.1:9/v2".into()),
            _ => None,
        })
        .unwrap();
        assert!(config.api_key.is_none());
        assert_eq!(config.base_url(), "http://127.0.0.1:9/v2");
    }

    #[test]
    fn debug_hides_the_key() {
        let text = format!(
            "{:?}",
            RevCentConfig::default().with_api_key("secret-key-42")
        );
        assert!(!text.contains("secret-key-42"), "{text}");
        assert!(text.contains("[redacted]"));
    }

    #[test]
    fn bounds_are_at_least_one() {
        let config = RevCentConfig::default()
            .with_concurrency(0)
            .with_max_windows(0)
            .with_max_window_threads(0);
        assert_eq!(config.concurrency(), 1);
        assert_eq!(config.max_windows(), 1);
        assert_eq!(config.max_window_threads(), 1);
        let config = RevCentConfig::default();
        assert_eq!(config.max_windows(), 31);
        assert_eq!(config.max_window_threads(), 100_000);
    }
}
