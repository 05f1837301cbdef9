//! The HTTP transport every provider uses: timeouts, retries, rate limiting, size limits,
//! tracing and secret hygiene in one place, so no provider writes its own.
//!
//! A provider describes a call with [`Call`], builds each attempt's [`Request`] in a closure
//! (TRTC signs every attempt afresh) and decodes the [`Response`] in another closure, which
//! also decides from the body whether the answer is an error (RevCent `code: 0`, Tencent
//! `Response.Error`). Errors the decoder returns are retried like transport errors when
//! [`Error::is_retryable`] says so.

mod decode;
mod rate_limit;
mod retry;

use std::net::IpAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use tracing::Instrument;
use url::Url;

pub use decode::{decode_json, excerpt};
pub use rate_limit::RateLimit;
pub use retry::{RetryPolicy, retry_after};

use crate::error::{Error, Result};
use crate::provider_kind::ProviderKind;

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

/// Appends path segments to a base URL (`https://api.revcent.com/v2` + `ai_threads`, `id`).
///
/// Callers validate ids first; segments are percent-encoded all the same.
pub fn endpoint(base: &Url, segments: &[&str]) -> Url {
    let mut url = base.clone();
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty().extend(segments);
    }
    url
}

/// One attempt's request.
#[derive(Debug, Clone)]
pub struct Request {
    /// HTTP method.
    pub method: Method,
    /// Full URL, query included.
    pub url: Url,
    /// Headers (credentials included; never logged).
    pub headers: HeaderMap,
    /// Body bytes, exactly as sent (and, for TRTC, as signed).
    pub body: Option<Bytes>,
}

impl Request {
    /// A request without headers or body.
    pub fn new(method: Method, url: Url) -> Self {
        Self {
            method,
            url,
            headers: HeaderMap::new(),
            body: None,
        }
    }

    /// Adds a header. Header names and values are checked by the caller's types, so an
    /// invalid value (a key with a newline, say) is reported as a configuration error.
    pub fn header(mut self, name: &'static str, value: &str) -> Result<Self> {
        let value = http::HeaderValue::from_str(value).map_err(|_| {
            Error::config(format!(
                "the value for header `{name}` contains characters not allowed in HTTP headers"
            ))
        })?;
        self.headers.insert(name, value);
        Ok(self)
    }

    /// Adds a header holding a secret, marked sensitive so it is never printed.
    pub fn secret_header(mut self, name: &'static str, value: &str) -> Result<Self> {
        let mut value = http::HeaderValue::from_str(value).map_err(|_| {
            Error::config(format!(
                "the credential for header `{name}` contains characters not allowed in HTTP headers"
            ))
        })?;
        value.set_sensitive(true);
        self.headers.insert(name, value);
        Ok(self)
    }

    /// Sets a JSON body (and its content type).
    pub fn json_body(mut self, body: impl Into<Bytes>) -> Self {
        self.headers.insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json"),
        );
        self.body = Some(body.into());
        self
    }
}

/// A response read in full (up to the size limit).
#[derive(Debug, Clone)]
pub struct Response {
    /// HTTP status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
    /// Which attempt produced it (1 for the first), so a decoder can tell that an
    /// "already cancelled" answer follows an earlier attempt that may have landed.
    pub attempt: u32,
}

impl Response {
    /// The value of a header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// What a call is, for retries, rate limits and tracing.
#[derive(Debug, Clone, Copy)]
pub struct Call<'a> {
    /// The provider's operation name (`GetAIThread`, `StopAIConversation`, ...).
    pub operation: &'static str,
    /// Whether repeating the request is harmless. Cancel and stop count as idempotent: a
    /// repeat finds the thread already ended, which the decoder reports as success.
    pub idempotent: bool,
    /// An operation-specific request budget (TRTC's per-action limits).
    pub rate_limit: Option<&'a RateLimit>,
}

impl<'a> Call<'a> {
    /// An idempotent call (reads, deletes, cancels).
    pub fn idempotent(operation: &'static str) -> Self {
        Self {
            operation,
            idempotent: true,
            rate_limit: None,
        }
    }

    /// A call that creates something and must not be repeated unless it surely did not land.
    pub fn non_idempotent(operation: &'static str) -> Self {
        Self {
            operation,
            idempotent: false,
            rate_limit: None,
        }
    }

    /// Adds an operation-specific request budget.
    pub fn with_rate_limit(mut self, limit: Option<&'a RateLimit>) -> Self {
        self.rate_limit = limit;
        self
    }
}

/// The shared HTTP transport of one provider client. Cheap to clone.
#[derive(Clone)]
pub struct Transport {
    provider: ProviderKind,
    client: reqwest::Client,
    config: TransportConfig,
    secrets: Vec<SecretString>,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("provider", &self.provider)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Transport {
    /// A transport for `provider`. `secrets` are the credentials the client sends; any of
    /// them echoed back by a server is scrubbed from errors.
    pub fn new(
        provider: ProviderKind,
        config: TransportConfig,
        secrets: Vec<SecretString>,
    ) -> Result<Self> {
        let client = match &config.http_client {
            Some(client) => client.clone(),
            None => reqwest::Client::builder()
                .connect_timeout(config.connect_timeout)
                .user_agent(concat!("aithreads/", env!("CARGO_PKG_VERSION")))
                .build()
                .map_err(|e| Error::config(format!("could not build the HTTP client: {e}")))?,
        };
        Ok(Self {
            provider,
            client,
            config,
            secrets,
        })
    }

    /// The provider this transport serves.
    pub fn provider(&self) -> ProviderKind {
        self.provider
    }

    /// The settings in use.
    pub fn config(&self) -> &TransportConfig {
        &self.config
    }

    /// Runs a call: waits for the rate limits, sends `build()`'s request, reads the response
    /// and hands it to `decode`, retrying per the [`RetryPolicy`] within its time budget.
    pub async fn send<T>(
        &self,
        call: Call<'_>,
        build: impl Fn() -> Result<Request>,
        decode: impl Fn(Response) -> Result<T>,
    ) -> Result<T> {
        let policy = &self.config.retry;
        let started = Instant::now();
        let mut attempt = 1;
        loop {
            self.limits(call).await;
            let remaining = policy.max_elapsed.saturating_sub(started.elapsed());
            let result = if remaining.is_zero() {
                Err(self.timeout(started))
            } else {
                self.attempt(call, &build, &decode, attempt, started, remaining)
                    .await
            };
            let error = match result {
                Ok(value) => return Ok(value),
                Err(error) => error,
            };
            let Some(wait) = policy.delay_before_retry(&error, call.idempotent, attempt + 1) else {
                return Err(error);
            };
            if started.elapsed() + wait >= policy.max_elapsed {
                return Err(error);
            }
            tracing::debug!(
                provider = %self.provider,
                operation = call.operation,
                attempt,
                wait_ms = wait.as_millis() as u64,
                error = %error,
                "retrying"
            );
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    async fn limits(&self, call: Call<'_>) {
        if let Some(limit) = &self.config.rate_limit {
            limit.acquire().await;
        }
        if let Some(limit) = call.rate_limit {
            limit.acquire().await;
        }
    }

    async fn attempt<T>(
        &self,
        call: Call<'_>,
        build: &impl Fn() -> Result<Request>,
        decode: &impl Fn(Response) -> Result<T>,
        attempt: u32,
        started: Instant,
        remaining: Duration,
    ) -> Result<T> {
        let request = build().map_err(|e| self.scrub(e))?;
        let span = tracing::info_span!(
            "aithreads.request",
            provider = %self.provider,
            operation = call.operation,
            method = %request.method,
            path = request.url.path(),
            attempt,
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        async {
            let sent = Instant::now();
            let timeout = self.config.request_timeout.min(remaining);
            let response =
                match tokio::time::timeout(timeout, self.exchange(request, attempt)).await {
                    Ok(result) => result,
                    Err(_) => Err(self.timeout(started)),
                };
            let span = tracing::Span::current();
            span.record("latency_ms", sent.elapsed().as_millis() as u64);
            if let Ok(response) = &response {
                span.record("status", response.status.as_u16());
            }
            // Scrubbed before anything sees it, the log line below included: the secret
            // audit found this line printing keys a server had echoed.
            let result = response.and_then(decode).map_err(|e| self.scrub(e));
            if let Err(error) = &result {
                tracing::debug!(%error, "attempt failed");
            }
            result
        }
        .instrument(span)
        .await
    }

    async fn exchange(&self, request: Request, attempt: u32) -> Result<Response> {
        // The caller bounds the whole exchange with its own timeout, so reqwest's per-request
        // timer would only be a second clock.
        let mut builder = self
            .client
            .request(request.method, request.url)
            .headers(request.headers);
        if let Some(body) = request.body {
            builder = builder.body(body);
        }
        let mut response = builder.send().await.map_err(|e| self.reqwest_error(e))?;
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let limit = self.config.max_response_bytes;
        let body = match response.content_length() {
            Some(len) if len > limit as u64 => return Err(self.too_large()),
            // A declared length within the limit: HTTP framing stops the read there.
            Some(_) => response.bytes().await.map_err(|e| self.reqwest_error(e))?,
            None => {
                let mut body = Vec::new();
                while let Some(chunk) = response.chunk().await.map_err(|e| self.reqwest_error(e))? {
                    if body.len() + chunk.len() > limit {
                        return Err(self.too_large());
                    }
                    body.extend_from_slice(&chunk);
                }
                body.into()
            }
        };
        Ok(Response {
            status,
            headers,
            body,
            attempt,
        })
    }

    fn timeout(&self, started: Instant) -> Error {
        Error::Timeout {
            provider: self.provider,
            elapsed: started.elapsed(),
        }
    }

    fn too_large(&self) -> Error {
        Error::ResponseTooLarge {
            provider: self.provider,
            limit: self.config.max_response_bytes,
        }
    }

    fn reqwest_error(&self, error: reqwest::Error) -> Error {
        let error = error.without_url();
        if error.is_timeout() {
            return Error::Timeout {
                provider: self.provider,
                elapsed: self.config.request_timeout,
            };
        }
        let mut message = error.to_string();
        let mut source = std::error::Error::source(&error);
        while let Some(cause) = source {
            message.push_str(": ");
            message.push_str(&cause.to_string());
            source = cause.source();
        }
        Error::Transport {
            provider: self.provider,
            message,
            not_sent: error.is_connect(),
            source: Some(Box::new(error)),
        }
    }

    /// Replaces any credential a server echoed back in an error's text.
    fn scrub(&self, mut error: Error) -> Error {
        let secrets: Vec<&str> = self
            .secrets
            .iter()
            .map(|s| s.expose_secret())
            .filter(|s| s.len() >= 4)
            .collect();
        if secrets.is_empty() {
            return error;
        }
        let clean = |text: &mut String| {
            for secret in &secrets {
                if text.contains(secret) {
                    *text = text.replace(secret, "[redacted]");
                }
            }
        };
        match &mut error {
            Error::Authentication { details, .. }
            | Error::NotFound { details, .. }
            | Error::RateLimited { details, .. }
            | Error::Provider { details, .. } => {
                clean(&mut details.message);
                [
                    &mut details.code,
                    &mut details.param,
                    &mut details.error_type,
                    &mut details.request_id,
                ]
                .into_iter()
                .flatten()
                .for_each(clean);
            }
            Error::Decode {
                excerpt, message, ..
            } => {
                clean(excerpt);
                clean(message);
            }
            Error::Transport { message, .. }
            | Error::InvalidInput { message }
            | Error::Config { message } => clean(message),
            _ => {}
        }
        error
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
    fn endpoint_appends_segments_to_the_base_path() {
        let base = Url::parse("https://api.revcent.com/v2").unwrap();
        assert_eq!(
            endpoint(&base, &["ai_threads", "abc", "cancel"]).as_str(),
            "https://api.revcent.com/v2/ai_threads/abc/cancel"
        );
        let slash = Url::parse("http://127.0.0.1:1/v1/").unwrap();
        assert_eq!(
            endpoint(&slash, &["chatkit", "threads"]).as_str(),
            "http://127.0.0.1:1/v1/chatkit/threads"
        );
        assert_eq!(
            endpoint(&slash, &["a/b"]).as_str(),
            "http://127.0.0.1:1/v1/a%2Fb"
        );
    }

    #[test]
    fn secret_headers_are_marked_sensitive() {
        let request = Request::new(Method::GET, Url::parse("https://x/").unwrap())
            .secret_header("x-api-key", "key-123")
            .unwrap();
        assert!(request.headers["x-api-key"].is_sensitive());
        assert!(!format!("{request:?}").contains("key-123"));
    }
}
