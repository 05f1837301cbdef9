//! [`TransportConfig`]: the settings every provider client shares, and the base-URL policy.

use std::net::IpAddr;
use std::time::Duration;

use url::Url;

use crate::error::{Error, Result, short_text};
use crate::provider_kind::ProviderKind;
use crate::transport::{RateLimit, RetryPolicy};

/// Settings shared by every provider client; each client's builder exposes them.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TransportConfig {
    /// Longest wait for a TCP/TLS connection (default 10 s).
    pub connect_timeout: Duration,
    /// Longest wait for one attempt, response body included (default 30 s).
    pub request_timeout: Duration,
    /// Retry behaviour.
    pub retry: RetryPolicy,
    /// A request budget for the whole client, on top of any per-operation limits.
    pub rate_limit: Option<RateLimit>,
    /// Largest response body accepted (default 32 MiB).
    pub max_response_bytes: usize,
    /// Allow plain `http://` to hosts other than loopback (default false).
    pub allow_http: bool,
    /// Use this `reqwest::Client` (proxies, custom TLS) instead of building one; its own
    /// connect timeout and redirect policy then apply. Build it with
    /// `redirect(reqwest::redirect::Policy::none())`: a client that follows redirects may
    /// send credentials to wherever a server points (the transport still refuses any
    /// redirect answer it is handed).
    pub http_client: Option<reqwest::Client>,
}

impl Default for TransportConfig {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            rate_limit: None,
            max_response_bytes: 32 * 1024 * 1024,
            allow_http: false,
            http_client: None,
        }
    }
}

impl TransportConfig {
    /// Sets the connect and per-attempt timeouts.
    pub fn with_timeouts(mut self, connect: Duration, request: Duration) -> Self {
        self.connect_timeout = connect;
        self.request_timeout = request;
        self
    }

    /// Sets the retry policy.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Sets a request budget for the whole client.
    pub fn with_rate_limit(mut self, limit: Option<RateLimit>) -> Self {
        self.rate_limit = limit;
        self
    }

    /// Sets the largest response body accepted.
    pub fn with_max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// Allows plain `http://` to any host (loopback is always allowed).
    pub fn with_allow_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// Uses this `reqwest::Client` for every request.
    pub fn with_http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Checks a provider's base URL: `https`, or `http` to a loopback host, or `http`
    /// anywhere when [`allow_http`](Self::allow_http) is set; never with credentials in it
    /// (`https://user:pass@host`), which would travel with every request and show wherever
    /// the URL is printed. No error repeats the credentials.
    pub fn check_base_url(&self, provider: ProviderKind, text: &str) -> Result<Url> {
        let url = Url::parse(text).map_err(|e| {
            Error::config(format!(
                "{provider} base URL `{}` is not a valid URL: {e}",
                short_text(&without_userinfo(text))
            ))
        })?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Error::config(format!(
                "{provider} base URL must not hold credentials (`name:secret@`): remove \
                 them and give the key through the provider's key variable or setter"
            )));
        }
        match url.scheme() {
            "https" => Ok(url),
            "http" if self.allow_http || is_loopback(&url) => Ok(url),
            "http" => Err(Error::config(format!(
                "{provider}: refusing plain http:// to {}; use https, or opt in with allow_http",
                url.host_str().unwrap_or_default()
            ))),
            other => Err(Error::config(format!(
                "{provider} base URL must use https, not `{other}`"
            ))),
        }
    }
}

/// The credential `value` for `var`, when it is set and not blank; otherwise an
/// [`Error::Config`] naming `var` and `setter` (the builder method that sets it). A blank or
/// whitespace-only value would go out as an empty credential (`Bearer    `) and fail at the
/// server as a confusing authentication error; here it fails before any request.
///
/// ```
/// use aithreads_core::transport::credential;
///
/// assert_eq!(credential(Some("sk-1"), "OPENAI_API_KEY", "with_api_key").unwrap(), "sk-1");
/// let blank = credential(Some(" \t"), "OPENAI_API_KEY", "with_api_key").unwrap_err();
/// assert_eq!(
///     blank.to_string(),
///     "configuration error: OPENAI_API_KEY is blank: set it or call with_api_key"
/// );
/// ```
pub fn credential<'a>(value: Option<&'a str>, var: &str, setter: &str) -> Result<&'a str> {
    match value {
        None => Err(Error::config(format!(
            "missing {var}: set it or call {setter}"
        ))),
        Some(value) if value.trim().is_empty() => Err(Error::config(format!(
            "{var} is blank: set it or call {setter}"
        ))),
        Some(value) => Ok(value),
    }
}

/// `text` with anything between `scheme://` and an `@` in the authority replaced by `***`,
/// for error messages about a URL that may hold credentials.
fn without_userinfo(text: &str) -> String {
    let Some(start) = text.find("://").map(|i| i + 3) else {
        return text.to_owned();
    };
    let authority_end = text[start..]
        .find(['/', '?', '#'])
        .map_or(text.len(), |i| start + i);
    match text[start..authority_end].rfind('@') {
        Some(at) => format!("{}***{}", &text[..start], &text[start + at..]),
        None => text.to_owned(),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_is_refused_except_to_loopback_or_with_opt_in() {
        let config = TransportConfig::default();
        let p = ProviderKind::RevCent;
        assert!(
            config
                .check_base_url(p, "https://api.revcent.com/v2")
                .is_ok()
        );
        for ok in [
            "http://127.0.0.1:8080/v2",
            "http://localhost:1/v2",
            "http://[::1]:9/v1",
            "http://127.9.9.9/",
        ] {
            assert!(config.check_base_url(p, ok).is_ok(), "{ok}");
        }
        let err = config
            .check_base_url(p, "http://api.revcent.com/v2")
            .unwrap_err();
        assert!(err.to_string().contains("refusing plain http://"), "{err}");
        assert!(
            config
                .check_base_url(p, "http://localhost.evil.com/")
                .is_err()
        );
        assert!(config.check_base_url(p, "ftp://x/").is_err());
        assert!(config.check_base_url(p, "not a url").is_err());
        let opted_in = TransportConfig {
            allow_http: true,
            ..TransportConfig::default()
        };
        assert!(
            opted_in
                .check_base_url(p, "http://api.revcent.com/v2")
                .is_ok()
        );
    }

    #[test]
    fn credentials_in_a_base_url_are_refused_without_being_printed() {
        let config = TransportConfig::default();
        let p = ProviderKind::OpenAiChatKit;
        for text in [
            "https://user:hunter2@api.openai.com/v1",
            "https://hunter2@api.openai.com/v1",
            "http://user:hunter2@127.0.0.1:9/v1",
            // Not even a valid URL: the message still hides the user part.
            "https://user:hunter2@api.openai.com:99999/v1",
        ] {
            let error = config.check_base_url(p, text).unwrap_err();
            assert!(error.is_config(), "{text}: {error:?}");
            let message = error.to_string();
            assert!(!message.contains("hunter2"), "{message}");
            assert!(!message.contains("user"), "{message}");
        }
        assert_eq!(
            without_userinfo("https://a:b@h:1/p@q?x@y"),
            "https://***@h:1/p@q?x@y"
        );
        assert_eq!(without_userinfo("https://h/p@q"), "https://h/p@q");
    }

    #[test]
    fn missing_and_blank_credentials_are_configuration_errors() {
        for (value, expected) in [
            (None, "missing REVCENT_API_KEY: set it or call with_api_key"),
            (
                Some(""),
                "REVCENT_API_KEY is blank: set it or call with_api_key",
            ),
            (
                Some("  \n"),
                "REVCENT_API_KEY is blank: set it or call with_api_key",
            ),
        ] {
            let error = credential(value, "REVCENT_API_KEY", "with_api_key").unwrap_err();
            assert!(error.is_config());
            assert_eq!(error.message(), expected);
        }
        assert_eq!(
            credential(Some(" k "), "REVCENT_API_KEY", "with_api_key").unwrap(),
            " k "
        );
    }
}
