//! The common request parameters of Tencent Cloud API 3.0 (all in headers with TC3) and the
//! TC3-HMAC-SHA256 signature, checked the way the API documents, with the client crate's own
//! signer.

use aithreads_tencent_trtc::sign::{self, SignableRequest, SigningParams};
use aithreads_tencent_trtc::{ACTIONS, API_VERSION, ActionSpec, SERVICE};
use axum::http::HeaderMap;

use super::Failure;
use crate::Credentials;

/// Largest accepted difference between `X-TC-Timestamp` and the server clock, in seconds.
pub const MAX_CLOCK_SKEW: i64 = 300;

/// Where the simulator serves every AI conversation action: each region some page lists for
/// some action, on either site (the international pages, and the China page's ap-beijing and
/// ap-shanghai).
pub const SERVED_REGIONS: [&str; 7] = [
    "ap-beijing",
    "ap-guangzhou",
    "ap-shanghai",
    "ap-singapore",
    "ap-tokyo",
    "na-ashburn",
    "na-siliconvalley",
];

/// What the common parameters named, once they check out.
#[derive(Debug)]
pub(super) struct Call {
    pub action: &'static ActionSpec,
    pub region: String,
}

/// Checks, in order: the common headers are present, the `Authorization` is well formed, the
/// timestamp is within five minutes, the SecretId is known, the signature matches the exact
/// body and signed headers; then the version, the action and the region.
pub(super) fn check(
    credentials: &Credentials,
    now: i64,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Call, Failure> {
    let action = required(headers, "x-tc-action", "Action")?;
    let version = required(headers, "x-tc-version", "Version")?;
    let timestamp = required(headers, "x-tc-timestamp", "Timestamp")?;
    let authorization = header(headers, "authorization").ok_or_else(|| {
        Failure::new(
            "AuthFailure.InvalidAuthorization",
            "The Authorization header is missing.",
        )
    })?;
    let parts = sign::parse_authorization(authorization).ok_or_else(|| {
        Failure::new(
            "AuthFailure.InvalidAuthorization",
            "The Authorization header is not a well-formed TC3-HMAC-SHA256 value.",
        )
    })?;
    let timestamp: i64 = timestamp.parse().map_err(|_| {
        Failure::new(
            "InvalidParameterValue",
            format!(
                "The value of parameter `Timestamp` is not a unix time in seconds: `{timestamp}`."
            ),
        )
    })?;
    if (now - timestamp).abs() > MAX_CLOCK_SKEW {
        return Err(Failure::new(
            "AuthFailure.SignatureExpire",
            format!(
                "Signature expired: the request timestamp {timestamp} and the server time {now} differ by more than {MAX_CLOCK_SKEW} seconds."
            ),
        ));
    }
    if parts.secret_id != credentials.tencent_secret_id {
        return Err(Failure::new(
            "AuthFailure.SecretIdNotFound",
            "The SecretId is not found, please ensure that your SecretId is correct.",
        ));
    }
    verify_signature(credentials, &parts, timestamp, headers, body)?;
    if version != API_VERSION {
        return Err(Failure::new(
            "NoSuchVersion",
            format!(
                "The API version `{version}` does not exist; TRTC AI conversation actions use {API_VERSION}."
            ),
        ));
    }
    let action = ACTIONS
        .iter()
        .copied()
        .find(|a| a.name == action)
        .ok_or_else(|| {
            Failure::new(
                "InvalidAction",
                format!("The action `{action}` does not exist."),
            )
        })?;
    let region = required(headers, "x-tc-region", "Region")?;
    if !SERVED_REGIONS.contains(&region) {
        // Tencent's words for the common code (https://www.tencentcloud.com/document/api/647/34270).
        return Err(Failure::new(
            "UnsupportedRegion",
            format!("The API does not support the region `{region}`."),
        ));
    }
    let content_type = header(headers, "content-type").unwrap_or_default();
    if content_type.split(';').next().map(str::trim) != Some("application/json") {
        return Err(Failure::new(
            "InvalidParameter",
            "The simulator accepts TC3 requests with a JSON body only (Content-Type: application/json).",
        ));
    }
    Ok(Call {
        action,
        region: region.to_owned(),
    })
}

fn verify_signature(
    credentials: &Credentials,
    parts: &sign::AuthorizationParts<'_>,
    timestamp: i64,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), Failure> {
    let failure = |why: String| {
        Failure::new(
            "AuthFailure.SignatureFailure",
            format!("The provided credentials could not be validated: {why}."),
        )
    };
    let date = sign::scope_date(timestamp).map_err(|e| failure(e.to_string()))?;
    if parts.date != date || parts.service != SERVICE {
        return Err(failure(format!(
            "the credential scope must be {date}/{SERVICE}/tc3_request for timestamp {timestamp}"
        )));
    }
    for required in ["content-type", "host"] {
        if !parts.signed_headers.contains(&required) {
            return Err(failure(format!("SignedHeaders must include {required}")));
        }
    }
    let mut signed = Vec::with_capacity(parts.signed_headers.len());
    for name in &parts.signed_headers {
        let value = header(headers, name)
            .ok_or_else(|| failure(format!("the signed header {name} is not in the request")))?;
        signed.push((*name, value));
    }
    let expected = sign::sign(
        &SignableRequest::post(&signed, body),
        &SigningParams {
            secret_id: parts.secret_id,
            secret_key: &credentials.tencent_secret_key,
            service: SERVICE,
            timestamp,
        },
    )
    .map_err(|e| failure(e.to_string()))?;
    if expected.canonical_request.signed_headers != parts.signed_headers.join(";") {
        return Err(failure("SignedHeaders must be lowercase and sorted".into()));
    }
    if expected.signature != parts.signature {
        return Err(failure("please check your signature is correct".into()));
    }
    Ok(())
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn required<'a>(headers: &'a HeaderMap, name: &str, parameter: &str) -> Result<&'a str, Failure> {
    header(headers, name)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| {
            Failure::new(
                "MissingParameter",
                format!(
                    "The request is missing a required parameter `{parameter}` (header {name})."
                ),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aithreads_tencent_trtc::Site;

    #[test]
    fn every_documented_region_is_served() {
        for action in ACTIONS {
            for site in Site::ALL {
                for region in action.on(site).regions {
                    assert!(SERVED_REGIONS.contains(region), "{region}");
                }
            }
        }
    }
}
