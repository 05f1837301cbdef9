//! Reading Tencent's response envelopes and mapping its error codes into [`Error`], as the
//! crate docs' "Errors" section tables them.

use aithreads_core::transport::Response;
use aithreads_core::{ApiError, Error, ProviderKind, Result};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::config::ENDPOINT_VAR;

/// The provider every error of this crate names.
pub(crate) const PROVIDER: ProviderKind = ProviderKind::TencentTrtc;

/// `{"Response": ...}`, the wrapper of every answer.
#[derive(Deserialize)]
struct Envelope<T> {
    #[serde(rename = "Response")]
    response: T,
}

/// Just enough of an answer to tell an error from a success.
#[derive(Deserialize)]
struct ErrorProbe {
    #[serde(rename = "Error")]
    error: Option<ErrorBody>,
    #[serde(rename = "RequestId")]
    request_id: Option<String>,
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(rename = "Code")]
    code: String,
    #[serde(rename = "Message", default)]
    message: String,
}

/// Decodes an answer into the action's response, or the error it carries.
pub(crate) fn decode<T: DeserializeOwned>(response: &Response) -> Result<T> {
    if response.status != http::StatusCode::OK {
        return Err(http_status_error(response));
    }
    let probe: Envelope<ErrorProbe> = response.json(PROVIDER)?;
    if let Some(error) = probe.response.error {
        return Err(api_error(
            &error.code,
            error.message,
            probe.response.request_id,
        ));
    }
    Ok(response.json::<Envelope<T>>(PROVIDER)?.response)
}

/// A status other than 200: Tencent's API never answers one, so a gateway or proxy did.
///
/// A 429 is throttling whoever sent it: [`Error::RateLimited`] with the gateway's
/// `Retry-After`, so the wait it asks for is honoured and a start or control that surely did
/// not land is retried. A 404 means the endpoint is not Tencent's API: an [`Error::Config`]
/// naming `TENCENTCLOUD_TRTC_ENDPOINT`, never a task "not found".
fn http_status_error(response: &Response) -> Error {
    let status = response.status.as_u16();
    if status == 404 {
        return response.wrong_base_url_error(PROVIDER, ENDPOINT_VAR);
    }
    let details = ApiError::new(format!(
        "unexpected HTTP status from the endpoint (Tencent answers API errors in HTTP 200): {}",
        response.body_excerpt()
    ))
    .with_status(status);
    if status == 429 {
        return response.status_error(PROVIDER, details);
    }
    Error::provider_error(PROVIDER, details, matches!(status, 408 | 500..=599))
}

/// The [`Error`] for a Tencent `Error.Code`, per the table in the crate docs.
pub(crate) fn api_error(code: &str, message: String, request_id: Option<String>) -> Error {
    let mut details = ApiError::new(message).with_code(code);
    details.request_id = request_id;
    let family = code.split('.').next().unwrap_or_default();
    match family {
        _ if code == "FailedOperation.TaskNotExist" || family == "ResourceNotFound" => {
            Error::not_found(PROVIDER, details)
        }
        "AuthFailure" | "UnauthorizedOperation" => Error::authentication(PROVIDER, details),
        // No Tencent API sends a Retry-After; the core backoff applies.
        "RequestLimitExceeded" => Error::rate_limited(PROVIDER, details, None),
        "InternalError" | "ServiceUnavailable" | "ResourceInsufficient" => {
            Error::provider_error(PROVIDER, details, true)
        }
        // Bare `FailedOperation` is Tencent's generic "operation failed"; the specific
        // `FailedOperation.*` codes (TaskExist, NotAllowed, ...) are permanent.
        _ => Error::provider_error(PROVIDER, details, code == "FailedOperation"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a caller can tell from an error.
    #[derive(Debug, PartialEq, Eq)]
    enum Kind {
        NotFound,
        Auth,
        RateLimited,
        Transient,
        Permanent,
    }

    fn kind(error: &Error) -> Kind {
        match error {
            Error::NotFound { .. } => Kind::NotFound,
            Error::Authentication { .. } => Kind::Auth,
            Error::RateLimited { .. } => Kind::RateLimited,
            Error::Provider {
                transient: true, ..
            } => Kind::Transient,
            Error::Provider { .. } => Kind::Permanent,
            other => panic!("unexpected {other:?}"),
        }
    }

    fn http(status: u16, headers: &[(&'static str, &str)], body: &str) -> Response {
        let mut map = http::HeaderMap::new();
        for (name, value) in headers {
            map.insert(*name, value.parse().unwrap());
        }
        Response {
            status: http::StatusCode::from_u16(status).unwrap(),
            headers: map,
            body: body.to_owned().into(),
            attempt: 1,
        }
    }

    #[test]
    fn a_gateway_429_is_rate_limiting_with_its_retry_after() {
        // Found by the fault matrix: a 429 used to be a transient provider error, so its
        // Retry-After was ignored and a start that surely did not land was not retried.
        let error = decode::<serde_json::Value>(&http(
            429,
            &[("retry-after", "2"), ("content-type", "text/plain")],
            "Too Many Requests",
        ))
        .unwrap_err();
        assert!(error.is_rate_limited(), "{error:?}");
        assert_eq!(error.retry_after(), Some(std::time::Duration::from_secs(2)));
        assert_eq!(error.status(), Some(429));
        assert!(error.request_not_processed());
        let error = decode::<serde_json::Value>(&http(502, &[], "bad gateway")).unwrap_err();
        assert_eq!(kind(&error), Kind::Transient);
    }

    #[test]
    fn a_404_says_the_endpoint_looks_wrong() {
        let error = decode::<serde_json::Value>(&http(404, &[], "<h1>Not Found</h1>")).unwrap_err();
        assert!(error.is_config(), "{error:?}");
        assert!(
            error
                .to_string()
                .contains("check TENCENTCLOUD_TRTC_ENDPOINT"),
            "{error}"
        );
    }

    #[test]
    fn every_documented_code_maps_as_the_table_says() {
        use Kind::*;
        // The action codes (Go SDK errors.go) and the TRTC common error codes
        // (https://www.tencentcloud.com/document/api/647/34270).
        let table = [
            ("FailedOperation.TaskNotExist", NotFound),
            ("InvalidParameter.TaskId", Permanent),
            ("FailedOperation.NotAbility", Permanent),
            ("FailedOperation.NotAllowed", Permanent),
            ("FailedOperation.TaskExist", Permanent),
            ("InvalidParameter.UserSig", Permanent),
            ("ResourceInsufficient.RequestRejection", Transient),
            ("ActionOffline", Permanent),
            ("AuthFailure.InvalidAuthorization", Auth),
            ("AuthFailure.InvalidSecretId", Auth),
            ("AuthFailure.MFAFailure", Auth),
            ("AuthFailure.SecretIdNotFound", Auth),
            ("AuthFailure.SignatureExpire", Auth),
            ("AuthFailure.SignatureFailure", Auth),
            ("AuthFailure.TokenFailure", Auth),
            ("AuthFailure.UnauthorizedOperation", Auth),
            ("DryRunOperation", Permanent),
            ("FailedOperation", Transient),
            ("InternalError", Transient),
            ("InvalidAction", Permanent),
            ("InvalidParameter", Permanent),
            ("InvalidParameterValue", Permanent),
            ("InvalidRequest", Permanent),
            ("IpInBlacklist", Permanent),
            ("IpNotInWhitelist", Permanent),
            ("LimitExceeded", Permanent),
            ("MissingParameter", Permanent),
            ("NoSuchProduct", Permanent),
            ("NoSuchVersion", Permanent),
            ("RequestLimitExceeded", RateLimited),
            (
                "RequestLimitExceeded.GlobalRegionUinLimitExceeded",
                RateLimited,
            ),
            ("RequestLimitExceeded.IPLimitExceeded", RateLimited),
            ("RequestLimitExceeded.UinLimitExceeded", RateLimited),
            ("RequestSizeLimitExceeded", Permanent),
            ("ResourceInUse", Permanent),
            ("ResourceInsufficient", Transient),
            ("ResourceNotFound", NotFound),
            ("ResourceUnavailable", Permanent),
            ("ResponseSizeLimitExceeded", Permanent),
            ("ServiceUnavailable", Transient),
            ("UnauthorizedOperation", Auth),
            ("UnknownParameter", Permanent),
            ("UnsupportedOperation", Permanent),
            ("UnsupportedProtocol", Permanent),
            ("UnsupportedRegion", Permanent),
        ];
        for (code, expected) in table {
            let error = api_error(code, format!("about {code}"), Some("req-1".into()));
            assert_eq!(kind(&error), expected, "{code}");
            assert_eq!(error.code(), Some(code));
            assert_eq!(error.request_id(), Some("req-1"));
            assert_eq!(error.provider(), Some(ProviderKind::TencentTrtc));
            assert!(
                error.to_string().contains(&format!("about {code}")),
                "{error}"
            );
            let retried = matches!(expected, RateLimited | Transient);
            assert_eq!(error.is_retryable(), retried, "{code}");
        }
    }
}
