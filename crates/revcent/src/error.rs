//! Turning RevCent answers into typed values or [`aithreads_core::Error`]s.
//!
//! RevCent documents one error shape, `APIStandardErrors` (`code: 0`, `error_code`,
//! `message`, `result`, `api_call_id`), under each operation's `default` response, one
//! success marker (`code: 1`), and neither its HTTP statuses nor its error codes. So:
//!
//! - A success is a 2xx answer whose `code` is 1 **and** that carries what the operation
//!   promises (checked by each decoder): `{}`, `{"ok": true}` or a bare `{"code": 1}` are
//!   decode errors, never a success that did not happen.
//! - An error is a non-2xx answer, or a `code: 0` envelope whatever the status. It is
//!   classified by the HTTP status first (401/403 authentication, 404 not found, 429 rate
//!   limited, 408/409/5xx transient), then, for other statuses, by the words of its
//!   `error_code` and `message` ([`classify`]). An unknown code keeps its text and is a
//!   plain provider error.

use aithreads_core::transport::{Response, excerpt, retry_after};
use aithreads_core::{ApiError, Error, ProviderKind, Result};
use serde::de::DeserializeOwned;

use crate::config::BASE_URL_VAR;
use crate::generated::ApiStandardError;

pub(crate) const PROVIDER: ProviderKind = ProviderKind::RevCent;

/// What an error envelope is about, read from its words because RevCent publishes no list
/// of codes (searched: the seeds, the v2 docs, the MCP markdown docs, public repositories).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    Authentication,
    NotFound,
    RateLimited,
    Other,
}

/// Reads an `error_code` and `message`: the code first (lower-cased, with `-`, `.` and
/// spaces read as `_`), then the message.
///
/// | class | code contains | or message contains |
/// |---|---|---|
/// | authentication | `unauthori`, `unauthenticated`, `forbidden`, `api_key`, `apikey`, `authentication`, `permission`, `access_denied` | `api key`, `unauthorized`, `authentication` |
/// | not found | `not_found`, `notfound`, `does_not_exist`, `no_such` | `not found`, `does not exist` |
/// | rate limited | `rate_limit`, `ratelimit`, `too_many_requests`, `throttl` | `rate limit`, `too many requests` |
pub(crate) fn classify(error_code: Option<&str>, message: &str) -> Class {
    const RULES: [(Class, &[&str], &[&str]); 3] = [
        (
            Class::Authentication,
            &[
                "unauthori",
                "unauthenticated",
                "forbidden",
                "api_key",
                "apikey",
                "authentication",
                "permission",
                "access_denied",
            ],
            &["api key", "unauthorized", "authentication"],
        ),
        (
            Class::NotFound,
            &["not_found", "notfound", "does_not_exist", "no_such"],
            &["not found", "does not exist"],
        ),
        (
            Class::RateLimited,
            &["rate_limit", "ratelimit", "too_many_requests", "throttl"],
            &["rate limit", "too many requests"],
        ),
    ];
    let code = error_code
        .unwrap_or_default()
        .to_ascii_lowercase()
        .replace(['-', '.', ' '], "_");
    let message = message.to_ascii_lowercase();
    let by = |text: &str, words: &[&str]| words.iter().any(|word| text.contains(word));
    RULES
        .iter()
        .find(|(_, codes, _)| by(&code, codes))
        .or_else(|| RULES.iter().find(|(_, _, words)| by(&message, words)))
        .map_or(Class::Other, |(class, _, _)| *class)
}

/// Decodes a 2xx success body into `T`, or returns the error the response carries.
///
/// The body is read twice: once as the envelope (is `code` 1, 0, or missing?), then as `T`.
/// `promised` names what a success of this operation must carry and is missing (or wrong),
/// if anything; such an answer is a decode error.
pub(crate) fn decode<T: DeserializeOwned>(
    response: &Response,
    promised: impl FnOnce(&T) -> Option<String>,
) -> Result<T> {
    if !response.status.is_success() {
        return Err(response_error(response));
    }
    let envelope: ApiStandardError = response.json(PROVIDER)?;
    match envelope.code {
        Some(1) => {}
        Some(0) => return Err(envelope_error(response, envelope)),
        Some(other) => {
            return Err(not_a_success(
                response,
                "code",
                format!("`code` is {other}; RevCent answers 1 (success) or 0 (error)"),
            ));
        }
        None => {
            return Err(not_a_success(
                response,
                "code",
                "the answer has no `code`; RevCent's success envelope has `code: 1`".into(),
            ));
        }
    }
    let value: T = response.json(PROVIDER)?;
    if let Some(missing) = promised(&value) {
        return Err(not_a_success(response, "", missing));
    }
    Ok(value)
}

/// A 2xx answer that is not the success it claims to be.
fn not_a_success(response: &Response, path: &str, message: String) -> Error {
    Error::decode(
        PROVIDER,
        (!path.is_empty()).then(|| path.to_owned()),
        message,
        excerpt(&response.body),
        Some(response.status.as_u16()),
    )
}

/// The body as an `APIStandardErrors` envelope, when it is one (`code: 0`).
fn standard_error(response: &Response) -> Option<ApiStandardError> {
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

/// Maps an envelope: statuses that say what happened decide; otherwise its words do
/// ([`classify`]).
fn envelope_error(response: &Response, envelope: ApiStandardError) -> Error {
    let status = response.status.as_u16();
    let mut details = ApiError::new(envelope.message.unwrap_or_default());
    if let Some(code) = envelope.error_code {
        details = details.with_code(code);
    }
    if let Some(id) = envelope.api_call_id {
        details = details.with_request_id(id);
    }
    if matches!(status, 401 | 403 | 404 | 408 | 409 | 429 | 500..=599) {
        return response.status_error(PROVIDER, details);
    }
    let class = classify(details.code.as_deref(), &details.message);
    let details = details.with_status(status);
    match class {
        Class::Authentication => Error::authentication(PROVIDER, details),
        Class::NotFound => Error::not_found(PROVIDER, details),
        Class::RateLimited => {
            Error::rate_limited(PROVIDER, details, retry_after(&response.headers))
        }
        Class::Other => Error::provider_error(PROVIDER, details, false),
    }
}

/// An error about a listing whose pages contradict themselves (a page repeating earlier
/// ones, counts that never add up, more threads than a window may hold).
pub(crate) fn listing_error(message: String) -> Error {
    Error::provider_error(PROVIDER, ApiError::new(message), false)
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

    fn envelope(code: &str, message: &str) -> String {
        format!(
            r#"{{"api_call_id":"AbCdEfGhIjKlMnOpQrSt","api_call_unix":1700000000,"code":0,"error_code":"{code}","message":"{message}","result":"The API call failed."}}"#
        )
    }

    fn is_plain(e: &Error) -> bool {
        matches!(
            e,
            Error::Provider {
                transient: false,
                ..
            }
        )
    }

    #[test]
    fn envelopes_map_by_status_then_words() {
        let cases: [(u16, &str, &str, Check); 14] = [
            (200, "unauthorized", "it failed", Error::is_authentication),
            (
                400,
                "INVALID_API_KEY",
                "it failed",
                Error::is_authentication,
            ),
            (
                400,
                "E1001",
                "The API key is invalid.",
                Error::is_authentication,
            ),
            (200, "not_found", "it failed", Error::is_not_found),
            (400, "AIThreadNotFound", "it failed", Error::is_not_found),
            (
                400,
                "E2002",
                "AI Thread does not exist",
                Error::is_not_found,
            ),
            (
                400,
                "rate-limit-exceeded",
                "it failed",
                Error::is_rate_limited,
            ),
            (401, "whatever", "it failed", Error::is_authentication),
            (
                403,
                "account_suspended",
                "it failed",
                Error::is_authentication,
            ),
            (404, "whatever", "it failed", Error::is_not_found),
            (200, "invalid_status", "it failed", is_plain),
            (400, "account_suspended", "it failed", is_plain),
            (422, "something_new", "no idea", is_plain),
            (503, "not_found", "it failed", |e| {
                matches!(
                    e,
                    Error::Provider {
                        transient: true,
                        ..
                    }
                )
            }),
        ];
        for (status, code, message, check) in cases {
            let r = response(status, &envelope(code, message));
            let err = decode::<serde_json::Value>(&r, |_| None).unwrap_err();
            assert!(check(&err), "{status} {code} {message}: {err:?}");
            assert_eq!(err.code(), Some(code), "an unknown code keeps its text");
            assert_eq!(err.request_id(), Some("AbCdEfGhIjKlMnOpQrSt"));
            assert_eq!(err.status(), Some(status));
            assert_eq!(err.api_error().unwrap().message, message);
        }
    }

    #[test]
    fn only_the_success_envelope_with_the_promised_fields_is_a_success() {
        let promise = |v: &serde_json::Value| v.get("id").is_none().then(|| "no `id`".to_owned());
        let v = decode(&response(200, r#"{"code":1,"id":"x"}"#), promise).unwrap();
        assert_eq!(v["id"], "x");
        for body in [
            "{}",
            r#"{"ok":true}"#,
            r#"{"code":1}"#,
            r#"{"code":2,"id":"x"}"#,
            r#"{"code":"1","id":"x"}"#,
            "[]",
            "null",
        ] {
            let err = decode(&response(200, body), promise).unwrap_err();
            assert!(err.is_decode(), "{body}: {err:?}");
        }
    }

    #[test]
    fn a_404_without_the_envelope_says_the_base_url_looks_wrong() {
        for body in ["404 page not found", "", r#"{"message":"Not Found"}"#] {
            let err = decode::<serde_json::Value>(&response(404, body), |_| None).unwrap_err();
            assert!(err.is_config(), "{body}: {err:?}");
            assert!(err.to_string().contains("check REVCENT_BASE_URL"), "{err}");
        }
    }

    #[test]
    fn a_failed_status_without_an_envelope_keeps_an_excerpt() {
        let mut r = response(502, "<html>bad gateway</html>");
        r.headers
            .insert("content-type", "text/html".parse().unwrap());
        let err = decode::<serde_json::Value>(&r, |_| None).unwrap_err();
        assert!(err.is_retryable(), "{err:?}");
        assert!(err.api_error().unwrap().message.contains("bad gateway"));
    }
}
