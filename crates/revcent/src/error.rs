//! Turning RevCent answers into typed values or [`aithreads_core::Error`]s.
//!
//! RevCent documents one error shape, `APIStandardErrors` (`code: 0`, `error_code`,
//! `message`, `result`, `api_call_id`), under each operation's `default` response, and no
//! HTTP status usage. So the body decides: a `code: 0` envelope is an error whatever the
//! status, and a non-2xx status is an error whatever the body.

use aithreads_core::transport::Response;
use aithreads_core::{ApiError, Error, ProviderKind, Result};
use serde::de::DeserializeOwned;

use crate::config::BASE_URL_VAR;
use crate::generated::ApiStandardError;

pub(crate) const PROVIDER: ProviderKind = ProviderKind::RevCent;

/// The `error_code` values this crate gives a meaning to.
///
/// RevCent publishes no catalogue of error codes (searched: the seeds, the v2 docs, the MCP
/// markdown docs, public repositories). These are the codes the simulator answers with; they
/// are an assumption about the real API. Any other code still maps to
/// [`Error::Provider`](aithreads_core::Error::Provider) with the code kept, and HTTP 401/403
/// and 404 map to authentication and not-found whatever the code.
pub mod error_codes {
    /// The `x-api-key` header is missing or not a valid key
    /// (→ [`Error::Authentication`](aithreads_core::Error::Authentication)).
    pub const UNAUTHORIZED: &str = "unauthorized";
    /// No AI thread has this id (→ [`Error::NotFound`](aithreads_core::Error::NotFound)).
    pub const NOT_FOUND: &str = "not_found";
    /// A parameter is missing or invalid (→ [`Error::Provider`](aithreads_core::Error::Provider)).
    pub const INVALID_PARAMETER: &str = "invalid_parameter";
    /// A cancel of a thread that is not `Running` or `Timer`
    /// (→ [`Error::Provider`](aithreads_core::Error::Provider), or a success on a retry; see
    /// [`CancelResponse`](crate::CancelResponse)).
    pub const INVALID_STATUS: &str = "invalid_status";
}

/// Decodes a 2xx body into `T`, or returns the error the response carries.
///
/// `maybe_error` tells, from the decoded value, whether the body may be an error envelope
/// (no thread id, a `code` other than 1); only then is the body read a second time as an
/// envelope. Error bodies are small, so a large thread decodes once, at serde_json speed.
pub(crate) fn decode<T: DeserializeOwned>(
    response: &Response,
    maybe_error: impl Fn(&T) -> bool,
) -> Result<T> {
    if !response.status.is_success() {
        return Err(response_error(response));
    }
    let value: T = response.json(PROVIDER)?;
    if maybe_error(&value)
        && let Some(envelope) = standard_error(response)
    {
        return Err(envelope_error(response, envelope));
    }
    Ok(value)
}

/// The body as an `APIStandardErrors` envelope, when it is one (`code: 0`).
pub(crate) fn standard_error(response: &Response) -> Option<ApiStandardError> {
    serde_json::from_slice::<ApiStandardError>(&response.body)
        .ok()
        .filter(|envelope| envelope.code == Some(0))
}

/// The error for a response that failed: from the envelope when there is one, else from the
/// status with a short, redacted excerpt of the body (a proxy's HTML page, say).
///
/// A 404 without the envelope did not come from RevCent's API (which answers a missing
/// thread with its envelope): the base URL looks wrong (`REVCENT_BASE_URL` missing `/v2`,
/// say), an [`Error::Config`] naming the variable, never "not found" for every thread.
fn response_error(response: &Response) -> Error {
    match standard_error(response) {
        Some(envelope) => envelope_error(response, envelope),
        None if response.status == http::StatusCode::NOT_FOUND => {
            response.wrong_base_url_error(PROVIDER, BASE_URL_VAR)
        }
        None => response.status_error(PROVIDER, ApiError::new(response.body_excerpt())),
    }
}

/// Maps an envelope: the HTTP status first (401/403, 404, 429, 5xx), then the error code.
pub(crate) fn envelope_error(response: &Response, envelope: ApiStandardError) -> Error {
    let mut details = ApiError::new(envelope.message.unwrap_or_default());
    if let Some(code) = envelope.error_code {
        details = details.with_code(code);
    }
    if let Some(id) = envelope.api_call_id {
        details = details.with_request_id(id);
    }
    match response.status_error(PROVIDER, details) {
        Error::Provider {
            details,
            transient: false,
            ..
        } => match details.code.as_deref() {
            Some(error_codes::UNAUTHORIZED) => Error::authentication(PROVIDER, *details),
            Some(error_codes::NOT_FOUND) => Error::not_found(PROVIDER, *details),
            _ => Error::provider_error(PROVIDER, *details, false),
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::{HeaderMap, StatusCode};

    fn response(status: u16, body: &str) -> Response {
        let mut headers = HeaderMap::new();
        headers.insert("content-type", "application/json".parse().unwrap());
        Response {
            status: StatusCode::from_u16(status).unwrap(),
            headers,
            body: body.to_owned().into(),
            attempt: 1,
        }
    }

    type Check = fn(&Error) -> bool;

    fn envelope(code: &str) -> String {
        format!(
            r#"{{"api_call_id":"AbCdEfGhIjKlMnOpQrSt","api_call_unix":1700000000,"code":0,"error_code":"{code}","message":"it failed","result":"The API call failed."}}"#
        )
    }

    #[test]
    fn envelopes_map_by_status_then_code() {
        let cases: [(u16, &str, Check); 8] = [
            (200, "unauthorized", |e| {
                matches!(e, Error::Authentication { .. })
            }),
            (200, "not_found", Error::is_not_found),
            (400, "not_found", Error::is_not_found),
            (401, "whatever", |e| {
                matches!(e, Error::Authentication { .. })
            }),
            (403, "forbidden", |e| {
                matches!(e, Error::Authentication { .. })
            }),
            (404, "whatever", Error::is_not_found),
            (200, "invalid_status", |e| {
                matches!(
                    e,
                    Error::Provider {
                        transient: false,
                        ..
                    }
                )
            }),
            (503, "not_found", |e| {
                matches!(
                    e,
                    Error::Provider {
                        transient: true,
                        ..
                    }
                )
            }),
        ];
        for (status, code, check) in cases {
            let r = response(status, &envelope(code));
            let err = decode::<serde_json::Value>(&r, |_| true).unwrap_err();
            assert!(check(&err), "{status} {code}: {err:?}");
            assert_eq!(err.code(), Some(code));
            assert_eq!(err.request_id(), Some("AbCdEfGhIjKlMnOpQrSt"));
            assert_eq!(err.status(), Some(status));
            assert_eq!(err.api_error().unwrap().message, "it failed");
        }
    }

    #[test]
    fn a_success_that_is_not_an_envelope_is_kept() {
        let r = response(200, r#"{"code":1,"id":"x"}"#);
        let v = decode::<serde_json::Value>(&r, |_| true).unwrap();
        assert_eq!(v["id"], "x");
    }

    #[test]
    fn a_404_without_the_envelope_says_the_base_url_looks_wrong() {
        for body in ["404 page not found", "", r#"{"message":"Not Found"}"#] {
            let err = decode::<serde_json::Value>(&response(404, body), |_| true).unwrap_err();
            assert!(err.is_config(), "{body}: {err:?}");
            assert!(err.to_string().contains("check REVCENT_BASE_URL"), "{err}");
        }
    }

    #[test]
    fn a_failed_status_without_an_envelope_keeps_an_excerpt() {
        let mut r = response(502, "<html>bad gateway</html>");
        r.headers
            .insert("content-type", "text/html".parse().unwrap());
        let err = decode::<serde_json::Value>(&r, |_| false).unwrap_err();
        assert!(err.is_retryable(), "{err:?}");
        assert!(err.api_error().unwrap().message.contains("bad gateway"));
    }
}
