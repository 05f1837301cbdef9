//! The HTTP transport every provider uses: timeouts, retries, rate limiting, size limits,
//! tracing and secret hygiene in one place, so no provider writes its own.
//!
//! A provider describes a call with [`Call`], builds each attempt's [`Request`] in a closure
//! (TRTC signs every attempt afresh) and decodes the [`Response`] in another closure, which
//! also decides from the body whether the answer is an error (RevCent `code: 0`, Tencent
//! `Response.Error`). Errors the decoder returns are retried like transport errors when
//! [`Error::is_retryable`](crate::Error::is_retryable) says so.
//!
//! One job per module: `config` (settings and the base-URL policy), `request` (what goes
//! out and comes back), `send` (the attempt and retry loop), `retry` (when and how long to
//! wait), `rate_limit`, `body` (the response size limit), `decode` (bytes into types or
//! errors), `misdirected` (redirects and foreign 404s: a wrong base URL) and `scrub`
//! (credentials out of errors).
//!
//! Credentials never leave the configured origin: the transport's own HTTP client follows
//! no redirect, and a redirect answer is an [`Error::Config`](crate::Error::Config) naming
//! where it pointed. A base URL holding credentials (`https://user:pass@host`) and a blank
//! credential are configuration errors too ([`TransportConfig::check_base_url`],
//! [`credential`]).

mod body;
mod config;
mod decode;
mod misdirected;
mod rate_limit;
mod request;
mod retry;
mod scrub;
mod send;

pub use config::{TransportConfig, credential};
pub use decode::{decode_json, excerpt, is_secret_member};
pub use rate_limit::RateLimit;
pub use request::{Call, Request, Response, endpoint};
pub use retry::{RetryPolicy, retry_after};
pub use send::Transport;
