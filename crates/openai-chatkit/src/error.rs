//! Turning OpenAI's answers into [`aithreads_core::Error`]s.
//!
//! OpenAI reports failures with an HTTP status and the envelope
//! `{"error": {"message", "type", "param", "code"}}` (the spec's `ErrorResponse`), plus an
//! `x-request-id` header. All four fields and the request id are kept. A body that is not
//! that envelope (an HTML page from a proxy, a truncated 502) keeps a short excerpt instead.
//!
//! A 404 that is not about a thread — no envelope at all, or OpenAI's own
//! `Invalid URL (GET /chatkit/…)` for a path it does not serve — means the base URL is wrong
//! (`OPENAI_BASE_URL` missing `/v1`, say): an [`Error::Config`] saying so, never a
//! "not found" that would make every thread look deleted.

use aithreads_core::transport::Response;
use aithreads_core::{ApiError, Error, ProviderKind, Result};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::config::BASE_URL_VAR;

/// The provider every error of this crate names.
pub(crate) const PROVIDER: ProviderKind = ProviderKind::OpenAiChatKit;

/// How OpenAI's 404 for a path it does not serve begins: `Invalid URL (GET /v1/x)`.
const INVALID_URL: &str = "Invalid URL (";

/// Decodes a successful answer as `T`, or turns a failed one into the matching error.
pub(crate) fn decode<T: DeserializeOwned>(response: Response) -> Result<T> {
    if response.status.is_success() {
        response.json(PROVIDER)
    } else {
        Err(status_error(&response))
    }
}

/// The error for a response whose status says it failed.
///
/// 401/403 are [`Error::Authentication`], 404 [`Error::NotFound`], 429 [`Error::RateLimited`]
/// (with `retry-after-ms` / `retry-after`), everything else [`Error::Provider`], transient for
/// 408, 409 and 5xx. Like the official SDKs, an `x-should-retry: true|false` header overrides
/// whether an [`Error::Provider`] is transient; a 429 stays rate limited whatever it says, so
/// the retry policy's bounds still apply.
pub(crate) fn status_error(response: &Response) -> Error {
    let envelope = envelope(&response.body);
    if response.status.as_u16() == 404
        && envelope
            .as_ref()
            .is_none_or(|e| e.message.starts_with(INVALID_URL))
    {
        return response.wrong_base_url_error(PROVIDER, BASE_URL_VAR);
    }
    let mut details = envelope.unwrap_or_else(|| {
        let excerpt = response.body_excerpt();
        ApiError::new(if excerpt.is_empty() {
            response
                .status
                .canonical_reason()
                .unwrap_or("no message")
                .to_owned()
        } else {
            excerpt
        })
    });
    if let Some(id) = response.header("x-request-id") {
        details = details.with_request_id(id);
    }
    let mut error = response.status_error(PROVIDER, details);
    if let Error::Provider { transient, .. } = &mut error {
        match response.header("x-should-retry") {
            Some("true") => *transient = true,
            Some("false") => *transient = false,
            _ => {}
        }
    }
    error
}

/// Reads OpenAI's error envelope, leniently: a field of the wrong type is dropped rather than
/// losing the whole message.
fn envelope(body: &[u8]) -> Option<ApiError> {
    let value: Value = serde_json::from_slice(body).ok()?;
    let error = value.get("error")?.as_object()?;
    let text = |key: &str| match error.get(key) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let mut details = ApiError::new(text("message").unwrap_or_default());
    details.error_type = text("type");
    details.code = text("code");
    details.param = text("param");
    Some(details)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, body: &str) -> Response {
        Response {
            status: http::StatusCode::from_u16(status).unwrap(),
            headers: http::HeaderMap::new(),
            body: body.to_owned().into(),
            attempt: 1,
        }
    }

    #[test]
    fn a_404_not_about_a_thread_says_the_base_url_looks_wrong() {
        for body in [
            "<html><h1>404 Not Found</h1></html>",
            "",
            r#"{"error":{"message":"Invalid URL (GET /chatkit/threads/cthr_1)","type":"invalid_request_error","param":null,"code":null}}"#,
        ] {
            let error = status_error(&response(404, body));
            assert!(error.is_config(), "{body}: {error:?}");
            assert!(
                error.to_string().contains("check OPENAI_BASE_URL"),
                "{error}"
            );
        }
        let missing = status_error(&response(
            404,
            r#"{"error":{"message":"No thread found with id 'cthr_1'.","type":"invalid_request_error","param":null,"code":null}}"#,
        ));
        assert!(missing.is_not_found(), "{missing:?}");
    }

    #[test]
    fn the_envelope_keeps_all_four_fields() {
        let details = envelope(
            br#"{"error":{"message":"Invalid 'limit'","type":"invalid_request_error","param":"limit","code":"integer_above_max_value"}}"#,
        )
        .unwrap();
        assert_eq!(details.message, "Invalid 'limit'");
        assert_eq!(details.error_type.as_deref(), Some("invalid_request_error"));
        assert_eq!(details.param.as_deref(), Some("limit"));
        assert_eq!(details.code.as_deref(), Some("integer_above_max_value"));
    }

    #[test]
    fn null_fields_stay_empty_and_other_bodies_are_not_envelopes() {
        let details = envelope(
            br#"{"error":{"message":"m","type":"server_error","param":null,"code":null}}"#,
        )
        .unwrap();
        assert_eq!((details.param, details.code), (None, None));
        assert!(envelope(b"<html>502</html>").is_none());
        assert!(envelope(br#"{"error":"flat string"}"#).is_none());
        assert!(envelope(br#"{"message":"no envelope"}"#).is_none());
    }
}
