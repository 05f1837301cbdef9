//! [`TransportConfig`]: the settings every provider client shares, and the base-URL policy.

use std::net::IpAddr;
use std::time::Duration;

use url::Url;

use crate::error::{Error, Result};
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
    /// connect timeout then applies.
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
    /// anywhere when [`allow_http`](Self::allow_http) is set.
    pub fn check_base_url(&self, provider: ProviderKind, text: &str) -> Result<Url> {
        let url = Url::parse(text).map_err(|e| {
            Error::config(format!(
                "{provider} base URL `{text}` is not a valid URL: {e}"
            ))
        })?;
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
}
