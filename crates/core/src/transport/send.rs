//! [`Transport`]: sends a provider's calls, attempt after attempt, within the retry policy's
//! budget, under rate limits, timeouts and a tracing span per attempt.

use std::time::{Duration, Instant};

use secrecy::SecretString;
use tracing::Instrument;

use crate::error::{Error, Result};
use crate::provider_kind::ProviderKind;
use crate::transport::body::{self, BodyError};
use crate::transport::misdirected;
use crate::transport::scrub::Secrets;
use crate::transport::{Call, Request, Response, TransportConfig};

/// The shared HTTP transport of one provider client. Cheap to clone.
#[derive(Clone)]
pub struct Transport {
    provider: ProviderKind,
    client: reqwest::Client,
    config: TransportConfig,
    secrets: Secrets,
    /// The variable that sets the base URL, named when an answer says it looks wrong.
    base_url_var: Option<&'static str>,
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
    ///
    /// The HTTP client it builds follows no redirect: a 3xx answer is an
    /// [`Error::Config`] naming where it pointed, so credentials never leave the configured
    /// origin and no request is sent twice.
    pub fn new(
        provider: ProviderKind,
        config: TransportConfig,
        secrets: Vec<SecretString>,
    ) -> Result<Self> {
        let client = match &config.http_client {
            Some(client) => client.clone(),
            None => reqwest::Client::builder()
                .connect_timeout(config.connect_timeout)
                .redirect(reqwest::redirect::Policy::none())
                .user_agent(concat!("aithreads/", env!("CARGO_PKG_VERSION")))
                .build()
                .map_err(|e| Error::config(format!("could not build the HTTP client: {e}")))?,
        };
        Ok(Self {
            provider,
            client,
            config,
            secrets: Secrets::new(secrets),
            base_url_var: None,
        })
    }

    /// Names the variable that sets the base URL (`OPENAI_BASE_URL`) in errors saying the
    /// base URL looks wrong (a redirect answer).
    pub fn with_base_url_var(mut self, var: &'static str) -> Self {
        self.base_url_var = Some(var);
        self
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
    /// and hands it to `decode`, retrying per the [`RetryPolicy`](crate::transport::RetryPolicy) within its time budget.
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
        let request = build().map_err(|e| self.secrets.scrub(e))?;
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
            let exchange = self.exchange(request, attempt, started);
            let response = match tokio::time::timeout(timeout, exchange).await {
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
            let result = response.and_then(decode).map_err(|e| self.secrets.scrub(e));
            if let Err(error) = &result {
                tracing::debug!(%error, "attempt failed");
            }
            result
        }
        .instrument(span)
        .await
    }

    async fn exchange(&self, request: Request, attempt: u32, started: Instant) -> Result<Response> {
        // The caller bounds the whole exchange with its own timeout, so reqwest's per-request
        // timer would only be a second clock.
        let url = request.url.clone();
        let mut builder = self
            .client
            .request(request.method, request.url)
            .headers(request.headers);
        if let Some(body) = request.body {
            builder = builder.body(body);
        }
        let mut response = builder
            .send()
            .await
            .map_err(|e| self.reqwest_error(e, started))?;
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        if status.is_redirection() {
            return Err(misdirected::redirect_error(
                self.provider,
                self.base_url_var,
                status,
                &headers,
                &url,
            ));
        }
        let body = body::read(response, self.config.max_response_bytes)
            .await
            .map_err(|e| match e {
                BodyError::TooLarge => {
                    Error::response_too_large(self.provider, self.config.max_response_bytes)
                }
                BodyError::Read(e) => self.reqwest_error(e, started),
            })?;
        Ok(Response {
            status,
            headers,
            body,
            attempt,
        })
    }

    /// A timeout, reporting how long the call has been running.
    fn timeout(&self, started: Instant) -> Error {
        Error::timeout(self.provider, started.elapsed())
    }

    fn reqwest_error(&self, error: reqwest::Error, started: Instant) -> Error {
        let error = error.without_url();
        if error.is_timeout() {
            return self.timeout(started);
        }
        let mut message = error.to_string();
        let mut source = std::error::Error::source(&error);
        while let Some(cause) = source {
            message.push_str(": ");
            message.push_str(&cause.to_string());
            source = cause.source();
        }
        let not_sent = error.is_connect();
        Error::transport(self.provider, message, not_sent, Some(Box::new(error)))
    }
}
