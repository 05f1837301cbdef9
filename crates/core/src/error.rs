//! One error type for every provider, with the facts a caller needs to act on.

use std::time::Duration;

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
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input was refused before any request was sent.
    #[error("invalid input: {message}")]
    InvalidInput {
        /// What is wrong and how to fix it.
        message: String,
    },

    /// The client is misconfigured (missing credential, bad base URL, plain http refused).
    #[error("configuration error: {message}")]
    Config {
        /// What is wrong and how to fix it.
        message: String,
    },

    /// The provider refused the credentials (HTTP 401/403, Tencent `AuthFailure.*`).
    #[error("{provider}: authentication failed: {details}")]
    Authentication {
        /// Which provider answered.
        provider: ProviderKind,
        /// What the provider said.
        details: Box<ApiError>,
    },

    /// The thread (or task, or session) does not exist.
    #[error("{provider}: not found: {details}")]
    NotFound {
        /// Which provider answered.
        provider: ProviderKind,
        /// What the provider said.
        details: Box<ApiError>,
    },

    /// The provider is throttling this client; retried automatically up to the retry budget.
    #[error("{provider}: rate limited{}: {details}", retry_after_text(*.retry_after))]
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
    Timeout {
        /// Which provider the request was for.
        provider: ProviderKind,
        /// How long we waited in total.
        elapsed: Duration,
    },

    /// The response could not be decoded into the documented shape.
    #[error("{provider}: could not decode the response{}: {message}; body starts: {excerpt:?}", path_text(.path))]
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
    ResponseTooLarge {
        /// Which provider answered.
        provider: ProviderKind,
        /// The configured limit in bytes.
        limit: usize,
    },

    /// The provider has no such operation.
    #[error("{provider} does not support {operation}")]
    Unsupported {
        /// The provider asked.
        provider: ProviderKind,
        /// The operation asked for (`list_threads`, `delete_thread`, ...).
        operation: &'static str,
    },
}

fn retry_after_text(retry_after: Option<Duration>) -> String {
    retry_after
        .map(|d| format!(" (retry after {d:?})"))
        .unwrap_or_default()
}

fn path_text(path: &Option<String>) -> String {
    path.as_ref()
        .map(|p| format!(" at `{p}`"))
        .unwrap_or_default()
}

impl Error {
    /// An [`Error::InvalidInput`].
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::InvalidInput {
            message: message.into(),
        }
    }

    /// An [`Error::Config`].
    pub fn config(message: impl Into<String>) -> Self {
        Self::Config {
            message: message.into(),
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
            | Self::Unsupported { provider, .. } => Some(*provider),
            Self::InvalidInput { .. } | Self::Config { .. } => None,
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

    /// True for [`Error::NotFound`].
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::NotFound { .. })
    }

    /// True for [`Error::RateLimited`].
    pub fn is_rate_limited(&self) -> bool {
        matches!(self, Self::RateLimited { .. })
    }

    /// True for [`Error::InvalidInput`]: the request was never sent.
    pub fn is_invalid_input(&self) -> bool {
        matches!(self, Self::InvalidInput { .. })
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

impl From<UnknownName> for Error {
    fn from(error: UnknownName) -> Self {
        Self::invalid_input(error.to_string())
    }
}
