//! Client-side rate limiting, so bulk work never trips a provider's documented limit.

use std::fmt;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, Quota};

/// A shared request budget: at most `n` requests per second, evenly spaced.
///
/// Requests are spaced `1/n` s apart with no burst allowance, so no window of one second
/// (however it is aligned on the server) ever sees more than `n`. Clones share the budget.
#[derive(Clone)]
pub struct RateLimit {
    limiter: Arc<DefaultDirectRateLimiter>,
    per_second: NonZeroU32,
}

impl RateLimit {
    /// At most `per_second` requests each second.
    pub fn per_second(per_second: NonZeroU32) -> Self {
        let period = Duration::from_secs(1) / per_second.get();
        let quota = Quota::with_period(period)
            .unwrap_or_else(|| Quota::per_second(per_second))
            .allow_burst(NonZeroU32::MIN);
        Self {
            limiter: Arc::new(DefaultDirectRateLimiter::direct(quota)),
            per_second,
        }
    }

    /// The configured rate.
    pub fn rate(&self) -> NonZeroU32 {
        self.per_second
    }

    /// Waits until the next request may go.
    pub async fn acquire(&self) {
        self.limiter.until_ready().await;
    }
}

impl fmt::Debug for RateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RateLimit({}/s)", self.per_second)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[tokio::test]
    async fn spaces_requests_evenly() {
        let limit = RateLimit::per_second(NonZeroU32::new(100).unwrap());
        let start = Instant::now();
        for _ in 0..11 {
            limit.acquire().await;
        }
        // Ten gaps of 10 ms each: the first request goes at once.
        assert!(
            start.elapsed() >= Duration::from_millis(95),
            "{:?}",
            start.elapsed()
        );
    }
}
