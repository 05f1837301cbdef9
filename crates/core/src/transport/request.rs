//! What a provider hands the transport ([`Call`], [`Request`]) and what it gets back
//! ([`Response`]), plus [`endpoint`] for building request URLs.

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};
use url::Url;

use crate::error::{Error, Result};
use crate::transport::RateLimit;

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

#[cfg(test)]
mod tests {
    use super::*;

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
