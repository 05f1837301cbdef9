//! One error type for every provider, with the facts a caller needs to act on.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use serde::Serialize;

use crate::model::Operation;
use crate::provider_kind::ProviderKind;
use crate::unknown_name::UnknownName;

/// `Result` with [`Error`] as the default error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What a provider said when it refused a request.
///
/// Every field is optional because providers report different subsets: RevCent sends
/// `error_code`, `message` and `api_call_id` in the body; Tencent sends `Error.Code`,
/// `Error.Message` and `RequestId` inside an HTTP 200; OpenAI sends `error.{message,type,param,code}`
/// and an `x-request-id` header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// HTTP status of the response, when the error came with one.
    pub status: Option<u16>,
    /// The provider's own error code (`error_code`, `Error.Code`, `error.code`).
    pub code: Option<String>,
    /// The provider's error type (OpenAI `error.type`).
    pub error_type: Option<String>,
    /// The provider's human readable message.
    pub message: String,
    /// The request parameter the error is about (OpenAI `error.param`).
    pub param: Option<String>,
    /// The provider's request id (`api_call_id`, `RequestId`, `x-request-id`).
    pub request_id: Option<String>,
}

impl ApiError {
    /// An error with only a message.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            ..Self::default()
        }
    }

    /// Sets the HTTP status.
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    /// Sets the provider's error code.
    pub fn with_code(mut self, code: impl Into<String>) -> Self {
        self.code = Some(code.into());
        self
    }

    /// Sets the provider's error type.
    pub fn with_error_type(mut self, error_type: impl Into<String>) -> Self {
        self.error_type = Some(error_type.into());
        self
    }

    /// Sets the parameter the error is about.
    pub fn with_param(mut self, param: impl Into<String>) -> Self {
        self.param = Some(param.into());
        self
    }

    /// Sets the request id.
    pub fn with_request_id(mut self, request_id: impl Into<String>) -> Self {
        self.request_id = Some(request_id.into());
        self
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(code) = &self.code {
            write!(f, "{code}: ")?;
        } else if let Some(kind) = &self.error_type {
            write!(f, "{kind}: ")?;
        }
        f.write_str(if self.message.is_empty() {
            "no message"
        } else {
            &self.message
        })?;
        if let Some(status) = self.status {
            write!(f, " (http {status}")?;
            if let Some(id) = &self.request_id {
                write!(f, ", request id {id}")?;
            }
            f.write_str(")")?;
        } else if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

/// Why a request failed.
///
/// Every variant that comes from a provider names it, and keeps the provider's code, message,
/// HTTP status and request id where they exist. No variant ever holds a credential: request
/// URLs, headers and bodies are not kept, and decode errors keep only a short, redacted excerpt.
///
/// The enum and each variant are `#[non_exhaustive]`, so variants and fields can be added
/// without breaking callers: match with `..`, ask [`kind`](Self::kind) or the predicates
/// ([`is_not_found`](Self::is_not_found), [`is_retryable`](Self::is_retryable), ...), and
/// build errors with the constructors ([`Error::not_found`], [`Error::provider_error`], ...).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input was refused before any request was sent.
    #[error("invalid input: {message}")]
    #[non_exhaustive]
    InvalidInput {
        /// What is wrong and how to fix it.
        message: String,
    },

    /// The client is misconfigured (missing credential, bad base URL, plain http refused),
    /// or an answer showed it is (a redirect, or a 404 that is not the provider's: the base
    /// URL looks wrong).
    #[error("configuration error: {message}")]
    #[non_exhaustive]
    Config {
        /// What is wrong and how to fix it.
        message: String,
        /// The provider whose configuration it is, when an answer from it showed the problem.
        provider: Option<ProviderKind>,
    },

    /// The provider refused the credentials (HTTP 401/403, Tencent `AuthFailure.*`).
    #[error("{provider}: authentication failed: {details}")]
    #[non_exhaustive]
    Authentication {
        /// Which provider answered.
        provider: ProviderKind,
        /// What the provider said.
        details: Box<ApiError>,
    },

    /// The thread (or task, or session) does not exist.
    #[error("{provider}: not found: {details}")]
    #[non_exhaustive]
    NotFound {
        /// Which provider answered.
        provider: ProviderKind,
        /// What the provider said.
        details: Box<ApiError>,
    },

    /// The provider is throttling this client; retried automatically up to the retry budget.
    #[error("{provider}: rate limited{}: {details}", retry_after_text(*.retry_after))]
    #[non_exhaustive]
    RateLimited {
        /// Which provider answered.
        provider: ProviderKind,
        /// How long the provider asked us to wait, when it said.
        retry_after: Option<Duration>,
        /// What the provider said.
        details: Box<ApiError>,
    },

    /// The provider answered with an error that has no more specific variant.
    #[error("{provider}: {details}")]
    #[non_exhaustive]
    Provider {
        /// Which provider answered.
        provider: ProviderKind,
        /// What the provider said.
        details: Box<ApiError>,
        /// Whether trying again may succeed (5xx, Tencent `InternalError`, ...).
        transient: bool,
    },

    /// The request could not be sent or the response could not be read (DNS, connect, reset).
    #[error("{provider}: transport error: {message}")]
    #[non_exhaustive]
    Transport {
        /// Which provider the request was for.
        provider: ProviderKind,
        /// What went wrong, without the URL.
        message: String,
        /// True when the request surely never reached the server (connect failure), so even a
        /// non-idempotent request may be retried.
        not_sent: bool,
        /// The underlying error.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },

    /// The request or the whole retry loop ran out of time.
    #[error("{provider}: timed out after {elapsed:?}")]
    #[non_exhaustive]
    Timeout {
        /// Which provider the request was for.
        provider: ProviderKind,
        /// How long the call had been running when it gave up, retries and waits included.
        elapsed: Duration,
    },

    /// The response could not be decoded into the documented shape.
    #[error("{provider}: could not decode the response{}: {message}; body starts: {excerpt:?}", path_text(.path))]
    #[non_exhaustive]
    Decode {
        /// Which provider answered.
        provider: ProviderKind,
        /// The JSON path where decoding failed, when known (`results[3].status`).
        path: Option<String>,
        /// What serde said.
        message: String,
        /// The first bytes of the body, redacted.
        excerpt: String,
        /// HTTP status of the response.
        status: Option<u16>,
    },

    /// The response body was larger than the configured limit.
    #[error("{provider}: response larger than the {limit} byte limit")]
    #[non_exhaustive]
    ResponseTooLarge {
        /// Which provider answered.
        provider: ProviderKind,
        /// The configured limit in bytes.
        limit: usize,
    },

    /// A listing's pages do not add up: the server sent a cursor it had sent before, or a
    /// page that brought nothing new. Following it would loop for ever (or repeat threads),
    /// so the walk stopped; what came before was yielded once each.
    #[error(
        "{provider}: the listing does not end: {message} (at {position}); stopped so it cannot loop"
    )]
    #[non_exhaustive]
    Pagination {
        /// Which provider answered.
        provider: ProviderKind,
        /// Where the walk was: the cursor (`cursor cthr_abc`) or page it had reached.
        position: String,
        /// What did not add up.
        message: String,
    },

    /// A thread's transcript holds more than the configured limit (items or bytes); the
    /// fetch stopped at the limit so memory stays bounded whatever the server sends.
    #[error(
        "{provider}: the transcript of thread {thread_id} is larger than the limit of {limit}; raise the limit to fetch it"
    )]
    #[non_exhaustive]
    TranscriptTooLarge {
        /// Which provider answered.
        provider: ProviderKind,
        /// The thread whose transcript was being fetched.
        thread_id: String,
        /// The limit that was reached, in words (`10000 items`, `33554432 bytes`).
        limit: String,
    },

    /// The provider has no such operation.
    #[error("{provider} does not support {operation}")]
    #[non_exhaustive]
    Unsupported {
        /// The provider asked.
        provider: ProviderKind,
        /// The operation asked for.
        operation: Operation,
    },
}

/// What kind of [`Error`] an error is: one value per variant, `Copy`, with a stable
/// snake_case name for JSON output and metrics.
///
/// ```
/// use aithreads_core::{Error, ErrorKind};
///
/// let error = Error::invalid_input("limit is 0; it must be between 1 and 25");
/// assert_eq!(error.kind(), ErrorKind::InvalidInput);
/// assert_eq!(error.kind().as_str(), "invalid_input");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorKind {
    /// [`Error::InvalidInput`].
    InvalidInput,
    /// [`Error::Config`].
    Config,
    /// [`Error::Authentication`].
    Authentication,
    /// [`Error::NotFound`].
    NotFound,
    /// [`Error::RateLimited`].
    RateLimited,
    /// [`Error::Provider`].
    Provider,
    /// [`Error::Transport`].
    Transport,
    /// [`Error::Timeout`].
    Timeout,
    /// [`Error::Decode`].
    Decode,
    /// [`Error::ResponseTooLarge`].
    ResponseTooLarge,
    /// [`Error::Pagination`].
    Pagination,
    /// [`Error::TranscriptTooLarge`].
    TranscriptTooLarge,
    /// [`Error::Unsupported`].
    Unsupported,
}

impl ErrorKind {
    /// The snake_case name (`invalid_input`, `not_found`, `response_too_large`, ...), the
    /// same as its serde form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidInput => "invalid_input",
            Self::Config => "config",
            Self::Authentication => "authentication",
            Self::NotFound => "not_found",
            Self::RateLimited => "rate_limited",
            Self::Provider => "provider",
            Self::Transport => "transport",
            Self::Timeout => "timeout",
            Self::Decode => "decode",
            Self::ResponseTooLarge => "response_too_large",
            Self::Pagination => "pagination",
            Self::TranscriptTooLarge => "transcript_too_large",
            Self::Unsupported => "unsupported",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

fn retry_after_text(retry_after: Option<Duration>) -> String {
    retry_after
        .map(|d| format!(" (retry after {d:?})"))
        .unwrap_or_default()
}

/// Longest server-sent text (a cursor, say) kept in an error, in characters.
const SHORT_TEXT_CHARS: usize = 120;

/// `text` with control characters escaped and cut to [`SHORT_TEXT_CHARS`], so a hostile
/// server cannot make an error message huge or steer a terminal.
pub(crate) fn short_text(text: &str) -> String {
    let mut out: String = text
        .chars()
        .take(SHORT_TEXT_CHARS)
        .flat_map(|c| {
            let escaped: Vec<char> = if c.is_control() {
                c.escape_default().collect()
            } else {
                vec![c]
            };
            escaped
        })
        .collect();
    if text.chars().nth(SHORT_TEXT_CHARS).is_some() {
        out.push('…');
    }
    out
}

fn path_text(path: &Option<String>) -> String {
    path.as_ref()
        .map(|p| format!(" at `{p}`"))
        .unwrap_or_default()
}

/// Constructors, one per variant: the variants are `#[non_exhaustive]`, so other crates
/// build errors through these.
impl Error {
    /// An [`Error::InvalidInput`]: `message` says what is wrong and how to fix it.
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::InvalidInput {
            message: message.into(),
        }
    }

    /// An [`Error::Config`]: `message` says what is wrong and how to fix it.
    pub fn config(message: impl Into<String>) -> Self {
        Self::Config {
            message: message.into(),
            provider: None,
        }
    }

    /// An [`Error::Config`] that an answer from `provider` revealed (a redirect, a 404 from a
    /// wrong base URL); `message` says what is wrong and how to fix it.
    pub fn config_for(provider: ProviderKind, message: impl Into<String>) -> Self {
        Self::Config {
            message: message.into(),
            provider: Some(provider),
        }
    }

    /// An [`Error::Authentication`].
    pub fn authentication(provider: ProviderKind, details: ApiError) -> Self {
        Self::Authentication {
            provider,
            details: Box::new(details),
        }
    }

    /// An [`Error::NotFound`].
    pub fn not_found(provider: ProviderKind, details: ApiError) -> Self {
        Self::NotFound {
            provider,
            details: Box::new(details),
        }
    }

    /// An [`Error::RateLimited`], with the wait the provider asked for, if it did.
    pub fn rate_limited(
        provider: ProviderKind,
        details: ApiError,
        retry_after: Option<Duration>,
    ) -> Self {
        Self::RateLimited {
            provider,
            retry_after,
            details: Box::new(details),
        }
    }

    /// An [`Error::Provider`]; `transient` says whether the same request may succeed later.
    pub fn provider_error(provider: ProviderKind, details: ApiError, transient: bool) -> Self {
        Self::Provider {
            provider,
            details: Box::new(details),
            transient,
        }
    }

    /// An [`Error::Transport`]. `message` must not hold the URL or any credential; `not_sent`
    /// is true only when the request surely never reached the server.
    pub fn transport(
        provider: ProviderKind,
        message: impl Into<String>,
        not_sent: bool,
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        Self::Transport {
            provider,
            message: message.into(),
            not_sent,
            source,
        }
    }

    /// An [`Error::Timeout`] after `elapsed`.
    pub fn timeout(provider: ProviderKind, elapsed: Duration) -> Self {
        Self::Timeout { provider, elapsed }
    }

    /// An [`Error::Decode`]. `excerpt` must already be redacted
    /// ([`transport::excerpt`](crate::transport::excerpt) does it).
    pub fn decode(
        provider: ProviderKind,
        path: Option<String>,
        message: impl Into<String>,
        excerpt: impl Into<String>,
        status: Option<u16>,
    ) -> Self {
        Self::Decode {
            provider,
            path,
            message: message.into(),
            excerpt: excerpt.into(),
            status,
        }
    }

    /// An [`Error::ResponseTooLarge`] for a body over `limit` bytes.
    pub fn response_too_large(provider: ProviderKind, limit: usize) -> Self {
        Self::ResponseTooLarge { provider, limit }
    }

    /// An [`Error::Pagination`]: at `position` (`cursor X`, `page 3`), `message` says what
    /// did not add up. Server text in `position` is cut to a short, escaped form.
    pub fn pagination(
        provider: ProviderKind,
        position: impl AsRef<str>,
        message: impl Into<String>,
    ) -> Self {
        Self::Pagination {
            provider,
            position: short_text(position.as_ref()),
            message: message.into(),
        }
    }

    /// An [`Error::TranscriptTooLarge`]: thread `thread_id` holds more than `limit`
    /// (`10000 items`).
    pub fn transcript_too_large(
        provider: ProviderKind,
        thread_id: impl Into<String>,
        limit: impl Into<String>,
    ) -> Self {
        Self::TranscriptTooLarge {
            provider,
            thread_id: thread_id.into(),
            limit: limit.into(),
        }
    }

    /// An [`Error::Unsupported`]: `provider` has no `operation`. The default methods of
    /// [`ThreadProvider`](crate::ThreadProvider) answer this.
    pub fn unsupported(provider: ProviderKind, operation: Operation) -> Self {
        Self::Unsupported {
            provider,
            operation,
        }
    }
}

/// What an error says, for callers that act on it.
impl Error {
    /// Which kind of error this is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::InvalidInput { .. } => ErrorKind::InvalidInput,
            Self::Config { .. } => ErrorKind::Config,
            Self::Authentication { .. } => ErrorKind::Authentication,
            Self::NotFound { .. } => ErrorKind::NotFound,
            Self::RateLimited { .. } => ErrorKind::RateLimited,
            Self::Provider { .. } => ErrorKind::Provider,
            Self::Transport { .. } => ErrorKind::Transport,
            Self::Timeout { .. } => ErrorKind::Timeout,
            Self::Decode { .. } => ErrorKind::Decode,
            Self::ResponseTooLarge { .. } => ErrorKind::ResponseTooLarge,
            Self::Pagination { .. } => ErrorKind::Pagination,
            Self::TranscriptTooLarge { .. } => ErrorKind::TranscriptTooLarge,
            Self::Unsupported { .. } => ErrorKind::Unsupported,
        }
    }

    /// The error in words for a person, without the kind label that
    /// [`Display`](std::fmt::Display) puts before input and configuration errors
    /// (`invalid input: `, `configuration error: `). Errors from a provider keep their
    /// whole text, which starts with the provider's name.
    ///
    /// ```
    /// use aithreads_core::Error;
    ///
    /// let error = Error::config("missing OPENAI_API_KEY: set it or call with_api_key");
    /// assert_eq!(error.to_string(), "configuration error: missing OPENAI_API_KEY: set it or call with_api_key");
    /// assert_eq!(error.message(), "missing OPENAI_API_KEY: set it or call with_api_key");
    /// ```
    pub fn message(&self) -> Cow<'_, str> {
        match self {
            Self::InvalidInput { message } | Self::Config { message, .. } => Cow::Borrowed(message),
            other => Cow::Owned(other.to_string()),
        }
    }

    /// The provider the error came from, when it came from one.
    pub fn provider(&self) -> Option<ProviderKind> {
        match self {
            Self::Authentication { provider, .. }
            | Self::NotFound { provider, .. }
            | Self::RateLimited { provider, .. }
            | Self::Provider { provider, .. }
            | Self::Transport { provider, .. }
            | Self::Timeout { provider, .. }
            | Self::Decode { provider, .. }
            | Self::ResponseTooLarge { provider, .. }
            | Self::Pagination { provider, .. }
            | Self::TranscriptTooLarge { provider, .. }
            | Self::Unsupported { provider, .. } => Some(*provider),
            Self::Config { provider, .. } => *provider,
            Self::InvalidInput { .. } => None,
        }
    }

    /// What the provider said, for errors the provider answered with.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Self::Authentication { details, .. }
            | Self::NotFound { details, .. }
            | Self::RateLimited { details, .. }
            | Self::Provider { details, .. } => Some(details),
            _ => None,
        }
    }

    /// HTTP status of the failed response, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Decode { status, .. } => *status,
            _ => self.api_error().and_then(|e| e.status),
        }
    }

    /// The provider's own error code (`error_code`, `Error.Code`, `error.code`).
    pub fn code(&self) -> Option<&str> {
        self.api_error().and_then(|e| e.code.as_deref())
    }

    /// The provider's request id, for support tickets.
    pub fn request_id(&self) -> Option<&str> {
        self.api_error().and_then(|e| e.request_id.as_deref())
    }

    /// True for [`Error::InvalidInput`]: the request was never sent.
    pub fn is_invalid_input(&self) -> bool {
        matches!(self, Self::InvalidInput { .. })
    }

    /// True for [`Error::Config`]: the client is misconfigured, nothing was sent.
    pub fn is_config(&self) -> bool {
        matches!(self, Self::Config { .. })
    }

    /// True for [`Error::Authentication`]: the provider refused the credentials.
    pub fn is_authentication(&self) -> bool {
        matches!(self, Self::Authentication { .. })
    }

    /// True for [`Error::NotFound`].
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::NotFound { .. })
    }

    /// True for [`Error::RateLimited`].
    pub fn is_rate_limited(&self) -> bool {
        matches!(self, Self::RateLimited { .. })
    }

    /// True for [`Error::Provider`], an error answer with no more specific kind;
    /// [`is_retryable`](Self::is_retryable) tells a transient one (5xx, Tencent
    /// `InternalError`) from a permanent one.
    pub fn is_provider_error(&self) -> bool {
        matches!(self, Self::Provider { .. })
    }

    /// True for [`Error::Timeout`].
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Timeout { .. })
    }

    /// True for [`Error::Decode`]: the answer did not have the documented shape.
    pub fn is_decode(&self) -> bool {
        matches!(self, Self::Decode { .. })
    }

    /// True for [`Error::Unsupported`].
    pub fn is_unsupported(&self) -> bool {
        matches!(self, Self::Unsupported { .. })
    }

    /// How long the provider asked us to wait before trying again.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// Whether the same request may succeed if sent again: throttling, 5xx, provider
    /// transient codes, timeouts and connection failures.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::RateLimited { .. } | Self::Timeout { .. } | Self::Transport { .. } => true,
            Self::Provider { transient, .. } => *transient,
            _ => false,
        }
    }

    /// Whether the failed request surely never reached the provider, so retrying it cannot
    /// repeat a side effect: a refused connection, or an explicit throttling answer.
    pub fn request_not_processed(&self) -> bool {
        match self {
            Self::Transport { not_sent, .. } => *not_sent,
            Self::RateLimited { .. } => true,
            _ => false,
        }
    }
}

/// Keeping secrets out of error text.
impl Error {
    /// What replaces a secret in [`scrubbed`](Self::scrubbed) text.
    pub const REDACTED: &'static str = "[redacted]";

    /// This error with every occurrence of each of `secrets` in its text (message, code,
    /// parameter, type, request id, decode excerpt) replaced by `[redacted]`: for values a
    /// server echoed back, such as a credential or a secret member of the request. Secrets
    /// shorter than 4 characters are left alone; they would match ordinary words.
    pub fn scrubbed(mut self, secrets: &[&str]) -> Self {
        const MIN_SECRET_LEN: usize = 4;
        let secrets: Vec<&str> = secrets
            .iter()
            .copied()
            .filter(|s| s.len() >= MIN_SECRET_LEN)
            .collect();
        if secrets.is_empty() {
            return self;
        }
        let clean = |text: &mut String| {
            for secret in &secrets {
                if text.contains(secret) {
                    *text = text.replace(secret, Self::REDACTED);
                }
            }
        };
        match &mut self {
            Self::Authentication { details, .. }
            | Self::NotFound { details, .. }
            | Self::RateLimited { details, .. }
            | Self::Provider { details, .. } => {
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
            Self::Decode {
                excerpt, message, ..
            } => {
                clean(excerpt);
                clean(message);
            }
            Self::Transport { message, .. }
            | Self::InvalidInput { message }
            | Self::Config { message, .. } => clean(message),
            Self::Pagination {
                position, message, ..
            } => {
                clean(position);
                clean(message);
            }
            Self::TranscriptTooLarge { thread_id, .. } => clean(thread_id),
            // No text from the server.
            Self::Timeout { .. } | Self::ResponseTooLarge { .. } | Self::Unsupported { .. } => {}
        }
        self
    }
}

impl From<UnknownName> for Error {
    fn from(error: UnknownName) -> Self {
        Self::invalid_input(error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One error of every kind.
    fn every_kind() -> Vec<Error> {
        let p = ProviderKind::RevCent;
        vec![
            Error::invalid_input("bad id"),
            Error::config("missing key"),
            Error::authentication(p, ApiError::new("no")),
            Error::not_found(p, ApiError::new("gone")),
            Error::rate_limited(p, ApiError::new("slow down"), None),
            Error::provider_error(p, ApiError::new("boom"), true),
            Error::transport(p, "reset", false, None),
            Error::timeout(p, Duration::from_secs(1)),
            Error::decode(p, None, "expected a string", "{}", Some(200)),
            Error::response_too_large(p, 10),
            Error::pagination(p, "cursor abc", "the server sent cursor abc again"),
            Error::transcript_too_large(p, "cthr_1", "10 items"),
            Error::unsupported(p, Operation::Delete),
        ]
    }

    #[test]
    fn every_kind_has_its_own_snake_case_name_matching_serde() {
        let names: Vec<&str> = every_kind().iter().map(|e| e.kind().as_str()).collect();
        assert_eq!(
            names,
            [
                "invalid_input",
                "config",
                "authentication",
                "not_found",
                "rate_limited",
                "provider",
                "transport",
                "timeout",
                "decode",
                "response_too_large",
                "pagination",
                "transcript_too_large",
                "unsupported"
            ]
        );
        for error in every_kind() {
            let kind = error.kind();
            assert_eq!(
                serde_json::to_value(kind).unwrap(),
                serde_json::Value::from(kind.as_str())
            );
        }
    }

    #[test]
    fn message_drops_only_the_input_and_configuration_labels() {
        for error in every_kind() {
            let (display, message) = (error.to_string(), error.message());
            match error.kind() {
                ErrorKind::InvalidInput => assert_eq!(message, "bad id"),
                ErrorKind::Config => assert_eq!(message, "missing key"),
                _ => assert_eq!(message, display),
            }
            assert!(display.ends_with(message.as_ref()), "{display} / {message}");
        }
    }

    #[test]
    fn predicates_and_constructors_agree() {
        let p = ProviderKind::OpenAiChatKit;
        assert!(Error::config("x").is_config());
        assert_eq!(Error::config("x").provider(), None);
        let revealed = Error::config_for(p, "base URL looks wrong");
        assert!(revealed.is_config() && !revealed.is_retryable());
        assert_eq!(revealed.provider(), Some(p));
        assert!(Error::authentication(p, ApiError::new("x")).is_authentication());
        let permanent = Error::provider_error(p, ApiError::new("x").with_code("bad"), false);
        assert!(permanent.is_provider_error() && !permanent.is_retryable());
        assert_eq!(permanent.code(), Some("bad"));
        assert!(Error::provider_error(p, ApiError::new("x"), true).is_retryable());
        assert!(Error::timeout(p, Duration::ZERO).is_timeout());
        assert!(Error::decode(p, None, "m", "e", None).is_decode());
        let limited = Error::rate_limited(p, ApiError::new("x"), Some(Duration::from_secs(2)));
        assert_eq!(limited.retry_after(), Some(Duration::from_secs(2)));
        let unsupported = Error::unsupported(p, Operation::Cancel);
        assert!(matches!(
            unsupported,
            Error::Unsupported {
                operation: Operation::Cancel,
                ..
            }
        ));
        assert_eq!(
            unsupported.to_string(),
            "chatkit does not support cancel_thread"
        );
        let looped = Error::pagination(p, "cursor c", "sent again");
        assert_eq!(looped.provider(), Some(p));
        assert!(!looped.is_retryable());
    }

    #[test]
    fn server_text_in_a_position_is_short_and_escaped() {
        let error = Error::pagination(
            ProviderKind::OpenAiChatKit,
            format!("cursor \u{1b}]0;owned\u{7}{}", "x".repeat(500)),
            "m",
        );
        let Error::Pagination { position, .. } = &error else {
            unreachable!()
        };
        assert!(!position.contains('\u{1b}'), "{position}");
        assert!(position.starts_with("cursor \\u{1b}]0;owned"), "{position}");
        assert!(position.chars().count() < 140, "{position}");
        assert!(position.ends_with('…'));
    }
}
