//! When to try a request again, and how long to wait first.

use std::time::{Duration, SystemTime};

use http::HeaderMap;
use rand::Rng;

use crate::error::Error;

/// Retry settings: bounded attempts, exponential backoff with jitter, and a total time budget.
///
/// The defaults follow the official OpenAI SDKs (0.5 s doubling up to 8 s, minus up to 25 %
/// jitter), with four attempts in all and a 60 s budget for the whole call including waits.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in all, the first included; 1 disables retries.
    pub max_attempts: u32,
    /// Wait before the first retry.
    pub initial_backoff: Duration,
    /// Longest computed wait between attempts.
    pub max_backoff: Duration,
    /// Longest a server may ask us to wait (`Retry-After`); a longer request ends the call
    /// with the rate-limit error instead of stalling.
    pub max_server_delay: Duration,
    /// Time budget for the whole call, attempts and waits included.
    pub max_elapsed: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_server_delay: Duration::from_secs(60),
            max_elapsed: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn never() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Sets the number of attempts in all (at least 1).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Sets the first wait and the cap of the exponential backoff.
    pub fn with_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// Sets the longest server-requested wait that is honoured.
    pub fn with_max_server_delay(mut self, delay: Duration) -> Self {
        self.max_server_delay = delay;
        self
    }

    /// Sets the time budget for a whole call.
    pub fn with_max_elapsed(mut self, budget: Duration) -> Self {
        self.max_elapsed = budget;
        self
    }

    /// The computed wait before attempt `next_attempt` (2 for the first retry):
    /// `min(initial · 2^(n-2), max)` minus up to 25 % jitter.
    pub fn backoff(&self, next_attempt: u32) -> Duration {
        let exponent = next_attempt.saturating_sub(2).min(30);
        let base = self
            .initial_backoff
            .saturating_mul(1 << exponent)
            .min(self.max_backoff);
        let jitter: f64 = rand::rng().random_range(0.0..0.25);
        base.mul_f64(1.0 - jitter)
    }

    /// How long to wait before retrying after `error`, or `None` when it must not be retried.
    ///
    /// `idempotent` says whether repeating the request is harmless; when it is not, only
    /// errors that prove the request was not processed are retried.
    pub(crate) fn delay_before_retry(
        &self,
        error: &Error,
        idempotent: bool,
        next_attempt: u32,
    ) -> Option<Duration> {
        if next_attempt > self.max_attempts || !error.is_retryable() {
            return None;
        }
        if !idempotent && !error.request_not_processed() {
            return None;
        }
        match error.retry_after() {
            Some(asked) if asked > self.max_server_delay => None,
            Some(asked) => Some(asked),
            None => Some(self.backoff(next_attempt)),
        }
    }
}

/// Reads the server's requested wait: `retry-after-ms` (milliseconds) first, then `retry-after`
/// as seconds (fractions allowed) or an HTTP date.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(ms) = text("retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        return seconds(ms / 1000.0);
    }
    let value = text("retry-after")?;
    if let Ok(secs) = value.parse::<f64>() {
        return seconds(secs);
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

fn seconds(secs: f64) -> Option<Duration> {
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(86_400.0)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider_kind::ProviderKind;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, v.parse().unwrap());
        }
        map
    }

    #[test]
    fn retry_after_reads_every_documented_form() {
        assert_eq!(
            retry_after(&headers(&[("retry-after", "3")])),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            retry_after(&headers(&[("retry-after", "0.5")])),
            Some(Duration::from_millis(500))
        );
        assert_eq!(
            retry_after(&headers(&[("retry-after-ms", "250"), ("retry-after", "9")])),
            Some(Duration::from_millis(250))
        );
        let future = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(30));
        let parsed = retry_after(&headers(&[("retry-after", &future)])).unwrap();
        assert!(
            parsed > Duration::from_secs(28) && parsed <= Duration::from_secs(30),
            "{parsed:?}"
        );
        assert_eq!(
            retry_after(&headers(&[(
                "retry-after",
                "Sun, 06 Nov 1994 08:49:37 GMT"
            )])),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after(&headers(&[("retry-after", "soon")])), None);
        assert_eq!(retry_after(&headers(&[("retry-after", "-1")])), None);
        assert_eq!(retry_after(&HeaderMap::new()), None);
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_with_at_most_a_quarter_of_jitter() {
        let policy = RetryPolicy::default()
            .with_backoff(Duration::from_millis(100), Duration::from_millis(400));
        for (attempt, full) in [(2, 100), (3, 200), (4, 400), (5, 400), (40, 400)] {
            let wait = policy.backoff(attempt);
            let full = Duration::from_millis(full);
            assert!(
                wait <= full && wait > full.mul_f64(0.75),
                "attempt {attempt}: {wait:?}"
            );
        }
    }

    fn transport_error(not_sent: bool) -> Error {
        Error::transport(ProviderKind::RevCent, "reset", not_sent, None)
    }

    #[test]
    fn non_idempotent_requests_retry_only_when_surely_not_processed() {
        let policy = RetryPolicy::default();
        assert!(
            policy
                .delay_before_retry(&transport_error(false), true, 2)
                .is_some()
        );
        assert!(
            policy
                .delay_before_retry(&transport_error(false), false, 2)
                .is_none()
        );
        assert!(
            policy
                .delay_before_retry(&transport_error(true), false, 2)
                .is_some()
        );
        assert!(
            policy
                .delay_before_retry(&transport_error(true), true, 5)
                .is_none()
        );
        assert!(
            policy
                .delay_before_retry(&Error::invalid_input("x"), true, 2)
                .is_none()
        );
    }

    #[test]
    fn server_delays_beyond_the_cap_are_not_waited_for() {
        let policy = RetryPolicy::default().with_max_server_delay(Duration::from_secs(5));
        let limited = |secs| {
            Error::rate_limited(
                ProviderKind::OpenAiChatKit,
                Default::default(),
                Some(Duration::from_secs(secs)),
            )
        };
        assert_eq!(
            policy.delay_before_retry(&limited(2), true, 2),
            Some(Duration::from_secs(2))
        );
        assert_eq!(policy.delay_before_retry(&limited(6), true, 2), None);
    }
}
