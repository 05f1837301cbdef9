//! Reading Tencent's response envelopes and mapping its error codes into [`Error`], as the
//! crate docs' "Errors" section tables them.

use aithreads_core::transport::{Response, decode_json};
use aithreads_core::{ApiError, Error, ProviderKind, Result};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::config::ENDPOINT_VAR;
use crate::generated::ActionSpec;
use crate::site::Site;

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
    let probe: Envelope<ErrorProbe> = body_json(response)?;
    if let Some(error) = probe.response.error {
        return Err(api_error(
            &error.code,
            error.message,
            probe.response.request_id,
        ));
    }
    Ok(body_json::<Envelope<T>>(response)?.response)
}

/// The body as JSON when its content type allows: JSON, none, or `text/plain`, which the
/// official Python SDK reads as JSON too (`abstract_client.py`); anything else (an HTML page
/// from a proxy) is a decode error.
fn body_json<T: DeserializeOwned>(response: &Response) -> Result<T> {
    let status = Some(response.status.as_u16());
    let content_type = response
        .header("content-type")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let media = content_type.split(';').next().unwrap_or_default().trim();
    if media.is_empty() || media.contains("json") || media == "text/plain" {
        return decode_json(PROVIDER, &response.body, status);
    }
    Err(Error::decode(
        PROVIDER,
        None,
        format!(
            "expected a JSON response, got content type `{}`",
            content_type.escape_debug()
        ),
        response.body_excerpt(),
        status,
    ))
}

/// Whether an `Error.Code` refuses the region: `UnsupportedRegion` (the common code), or a
/// `*.Region` / `*.UnsupportedRegion` / `*.InvalidRegion` sub-code such as
/// `InvalidParameterValue.Region`.
fn is_region_refusal(code: &str) -> bool {
    matches!(
        code.rsplit('.').next(),
        Some("Region" | "UnsupportedRegion" | "InvalidRegion")
    )
}

/// A region refusal, explained with the regions the action's documentation lists for the
/// client's site (and the other site's, when the region is listed there); any other error as
/// it is. The regions are the documentation's, which is why the client never refuses a region
/// itself: the pages disagree with each other and with the server.
pub(crate) fn explain_region(error: Error, action: &ActionSpec, site: Site, region: &str) -> Error {
    let Some(details) = error
        .api_error()
        .filter(|d| d.code.as_deref().is_some_and(is_region_refusal))
    else {
        return error;
    };
    let mut details = details.clone();
    let documented = action.on(site);
    let listed = if documented.regions.is_empty() {
        format!("the {site} site's documentation lists no regions for it")
    } else {
        format!(
            "the {site} site's documentation lists {}",
            documented.regions.join(", ")
        )
    };
    let mut explanation = format!(
        "{}. {} is not served in region {region}; {listed} ({})",
        details.message.trim_end_matches('.'),
        action.name,
        documented.source
    );
    if let Some(other) = Site::ALL
        .into_iter()
        .find(|other| *other != site && action.on(*other).regions.contains(&region))
    {
        explanation.push_str(&format!(
            "; the {other} site lists {region}: if the account is there, set {ENDPOINT_VAR}={}",
            other.endpoint()
        ));
    }
    details.message = explanation;
    Error::provider_error(PROVIDER, details, false)
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
    fn a_json_body_served_as_text_plain_decodes() {
        // The official Python SDK reads `text/plain` answers as JSON.
        let body = r#"{"Response": {"TaskId": "t-1", "RequestId": "r-1"}}"#;
        for content_type in [
            "text/plain",
            "text/plain; charset=utf-8",
            "application/json",
        ] {
            let answer: crate::StartAiConversationResponse =
                decode(&http(200, &[("content-type", content_type)], body)).unwrap();
            assert_eq!(answer.task_id.as_deref(), Some("t-1"), "{content_type}");
        }
        let error = decode::<crate::StartAiConversationResponse>(&http(
            200,
            &[("content-type", "text/html")],
            "<html>proxy</html>",
        ))
        .unwrap_err();
        assert!(error.is_decode(), "{error:?}");
    }

    #[test]
    fn a_refused_region_is_explained_with_the_documented_ones() {
        use crate::generated::{START_AI_CONVERSATION, STOP_AI_CONVERSATION};
        let refusal = || {
            api_error(
                "UnsupportedRegion",
                "The API does not support the region.".into(),
                Some("r-1".into()),
            )
        };
        let error = explain_region(
            refusal(),
            &STOP_AI_CONVERSATION,
            Site::International,
            "eu-frankfurt",
        );
        let text = error.to_string();
        assert!(
            text.contains("StopAIConversation is not served in region eu-frankfurt")
                && text.contains("ap-guangzhou, ap-singapore, ap-tokyo, na-siliconvalley")
                && text.contains("647/65296")
                && text.contains("The API does not support the region"),
            "{text}"
        );
        assert_eq!(error.code(), Some("UnsupportedRegion"));
        assert_eq!(error.request_id(), Some("r-1"));
        assert!(!error.is_retryable());
        // A China-site region on the international endpoint: say where it is listed.
        let text = explain_region(
            refusal(),
            &START_AI_CONVERSATION,
            Site::International,
            "ap-beijing",
        )
        .to_string();
        assert!(
            text.contains("the China site lists ap-beijing")
                && text.contains("TENCENTCLOUD_TRTC_ENDPOINT=https://trtc.tencentcloudapi.com"),
            "{text}"
        );
        let sub_code = api_error("InvalidParameterValue.Region", "bad region".into(), None);
        assert!(
            explain_region(sub_code, &STOP_AI_CONVERSATION, Site::China, "xx-yy")
                .to_string()
                .contains("the China site's documentation lists no regions"),
        );
        // Other errors pass through untouched, rate limits over regions included.
        for code in [
            "RequestLimitExceeded.GlobalRegionUinLimitExceeded",
            "InternalError",
        ] {
            let error = api_error(code, "m".into(), None);
            let text = error.to_string();
            let explained =
                explain_region(error, &STOP_AI_CONVERSATION, Site::International, "ap-x");
            assert_eq!(explained.to_string(), text);
        }
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
