//! TC3-HMAC-SHA256, Tencent Cloud's API 3.0 request signature, as pure functions.
//!
//! Nothing here reads a clock or does I/O: the timestamp is an input, so Tencent's published
//! example vectors replay exactly. Each stage of the algorithm is its own function, in the
//! order of the [Signature v3 documentation](https://www.tencentcloud.com/document/api/647/34264):
//!
//! 1. [`canonical_request`]: method, URI, query, canonical headers, signed headers and the
//!    [`hashed_payload`] (hex SHA-256 of the exact body bytes);
//! 2. [`credential_scope`] from the UTC [`scope_date`] of the timestamp and the service;
//! 3. [`string_to_sign`];
//! 4. [`signing_key`]: HMAC-SHA256 chained over `"TC3" + SecretKey`, date, service,
//!    `tc3_request`;
//! 5. [`signature`]: hex HMAC-SHA256 of the string to sign;
//! 6. [`authorization`]: the `Authorization` header value.
//!
//! [`sign`] runs them all; [`parse_authorization`] reads a header back (servers, tests).
//!
//! ```
//! use aithreads_tencent_trtc::sign::{self, SignableRequest, SigningParams};
//!
//! let body = br#"{"TaskId":"task-1"}"#;
//! let headers = [
//!     ("Content-Type", "application/json"),
//!     ("Host", "trtc.intl.tencentcloudapi.com"),
//! ];
//! let signed = sign::sign(
//!     &SignableRequest::post(&headers, body),
//!     &SigningParams {
//!         secret_id: "AKIDEXAMPLE",
//!         secret_key: "secret",
//!         service: "trtc",
//!         timestamp: 1_700_000_000,
//!     },
//! )?;
//! assert!(signed.authorization.starts_with(
//!     "TC3-HMAC-SHA256 Credential=AKIDEXAMPLE/2023-11-14/trtc/tc3_request, \
//!      SignedHeaders=content-type;host, Signature="
//! ));
//! # Ok::<(), aithreads_tencent_trtc::core::Error>(())
//! ```

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use time::macros::format_description;

use aithreads_core::{Error, Result};

/// The algorithm name, first word of the `Authorization` header and of the string to sign.
pub const ALGORITHM: &str = "TC3-HMAC-SHA256";

/// The last element of every credential scope.
pub const TERMINATOR: &str = "tc3_request";

/// The parts of a request that the signature covers.
#[derive(Debug, Clone, Copy)]
pub struct SignableRequest<'a> {
    /// HTTP method, upper case (`POST`).
    pub method: &'a str,
    /// The path, `/` for every API 3.0 call.
    pub canonical_uri: &'a str,
    /// The URL-encoded query string (`Limit=10&Offset=0`), empty for POST.
    pub canonical_query: &'a str,
    /// The headers to sign, each once, as sent (names in any case; `content-type` and `host`
    /// are required by Tencent).
    pub headers: &'a [(&'a str, &'a str)],
    /// The body, byte for byte as sent.
    pub payload: &'a [u8],
}

impl<'a> SignableRequest<'a> {
    /// A `POST /` with these signed headers and body: the shape of every call this crate makes.
    pub fn post(headers: &'a [(&'a str, &'a str)], payload: &'a [u8]) -> Self {
        Self {
            method: "POST",
            canonical_uri: "/",
            canonical_query: "",
            headers,
            payload,
        }
    }
}

/// Who signs, for which service, and when.
#[derive(Clone, Copy)]
pub struct SigningParams<'a> {
    /// The SecretId, named in the credential.
    pub secret_id: &'a str,
    /// The SecretKey, the root of the signing key.
    pub secret_key: &'a str,
    /// The product in the credential scope (`trtc`, `cvm`), whatever the host.
    pub service: &'a str,
    /// The request time in unix seconds, the value of `X-TC-Timestamp`.
    pub timestamp: i64,
}

impl fmt::Debug for SigningParams<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningParams")
            .field("secret_id", &self.secret_id)
            .field("secret_key", &"[redacted]")
            .field("service", &self.service)
            .field("timestamp", &self.timestamp)
            .finish()
    }
}

/// Stage 1: the canonical request and the signed header list it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanonicalRequest {
    /// The canonical request text.
    pub text: String,
    /// The lowercase signed header names joined by `;` (`content-type;host`).
    pub signed_headers: String,
}

/// Every stage of one signature, for callers and tests that check them one by one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    /// Stage 1.
    pub canonical_request: CanonicalRequest,
    /// Stage 2: `DATE/service/tc3_request`.
    pub credential_scope: String,
    /// Stage 3.
    pub string_to_sign: String,
    /// Stage 5: lowercase hex.
    pub signature: String,
    /// Stage 6: the `Authorization` header value.
    pub authorization: String,
}

/// Lowercase hex SHA-256 of `data`.
pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// The `HashedRequestPayload` of the canonical request: hex SHA-256 of the body bytes.
pub fn hashed_payload(payload: &[u8]) -> String {
    sha256_hex(payload)
}

/// Stage 1: the canonical request.
///
/// Headers become `name:value\n` with both lowercased and the value trimmed, sorted by name;
/// the block already ends with a newline, so a blank line precedes the signed header list.
pub fn canonical_request(request: &SignableRequest<'_>) -> CanonicalRequest {
    let mut headers: Vec<(String, String)> = request
        .headers
        .iter()
        .map(|(name, value)| (name.to_ascii_lowercase(), value.trim().to_lowercase()))
        .collect();
    headers.sort();
    let canonical_headers: String = headers
        .iter()
        .map(|(name, value)| format!("{name}:{value}\n"))
        .collect();
    let signed_headers = headers
        .iter()
        .map(|(name, _)| name.as_str())
        .collect::<Vec<_>>()
        .join(";");
    let text = format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        request.method,
        request.canonical_uri,
        request.canonical_query,
        canonical_headers,
        signed_headers,
        hashed_payload(request.payload)
    );
    CanonicalRequest {
        text,
        signed_headers,
    }
}

/// The `YYYY-MM-DD` date of the credential scope: the **UTC** date of `timestamp`, whatever
/// the local time zone (a local date fails around midnight).
///
/// Only the years 1970 to 9999 are accepted: `X-TC-Timestamp` is a unix time, so an earlier
/// one is a caller's bug, not a date to sign (found by fuzzing: negative timestamps used to
/// sign with dates such as `-0001-12-31`).
pub fn scope_date(timestamp: i64) -> Result<String> {
    (timestamp >= 0)
        .then(|| OffsetDateTime::from_unix_timestamp(timestamp).ok())
        .flatten()
        .and_then(|t| t.format(format_description!("[year]-[month]-[day]")).ok())
        .ok_or_else(|| Error::invalid_input(format!("timestamp {timestamp} is out of range")))
}

/// Stage 2: `DATE/service/tc3_request`.
pub fn credential_scope(date: &str, service: &str) -> String {
    format!("{date}/{service}/{TERMINATOR}")
}

/// Stage 3: algorithm, timestamp, credential scope and the hex SHA-256 of the canonical
/// request, one per line.
pub fn string_to_sign(timestamp: i64, credential_scope: &str, canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{timestamp}\n{credential_scope}\n{}",
        sha256_hex(canonical_request.as_bytes())
    )
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// Stage 4: the derived signing key, raw bytes chained (never hex between steps).
pub fn signing_key(secret_key: &str, date: &str, service: &str) -> [u8; 32] {
    let secret_date = hmac_sha256(format!("TC3{secret_key}").as_bytes(), date.as_bytes());
    let secret_service = hmac_sha256(&secret_date, service.as_bytes());
    hmac_sha256(&secret_service, TERMINATOR.as_bytes())
}

/// Stage 5: lowercase hex HMAC-SHA256 of the string to sign under the signing key.
pub fn signature(signing_key: &[u8; 32], string_to_sign: &str) -> String {
    hex::encode(hmac_sha256(signing_key, string_to_sign.as_bytes()))
}

/// Stage 6: `TC3-HMAC-SHA256 Credential=ID/SCOPE, SignedHeaders=..., Signature=...`.
pub fn authorization(
    secret_id: &str,
    credential_scope: &str,
    signed_headers: &str,
    signature: &str,
) -> String {
    format!(
        "{ALGORITHM} Credential={secret_id}/{credential_scope}, SignedHeaders={signed_headers}, Signature={signature}"
    )
}

/// Signs a request: every stage, in order.
///
/// Fails only for a timestamp outside the years 1970 to 9999.
pub fn sign(request: &SignableRequest<'_>, params: &SigningParams<'_>) -> Result<Signed> {
    let date = scope_date(params.timestamp)?;
    let canonical_request = canonical_request(request);
    let credential_scope = credential_scope(&date, params.service);
    let string_to_sign =
        string_to_sign(params.timestamp, &credential_scope, &canonical_request.text);
    let key = signing_key(params.secret_key, &date, params.service);
    let signature = signature(&key, &string_to_sign);
    let authorization = authorization(
        params.secret_id,
        &credential_scope,
        &canonical_request.signed_headers,
        &signature,
    );
    Ok(Signed {
        canonical_request,
        credential_scope,
        string_to_sign,
        signature,
        authorization,
    })
}

/// An `Authorization` header value taken apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationParts<'a> {
    /// The SecretId.
    pub secret_id: &'a str,
    /// The scope date (`YYYY-MM-DD`).
    pub date: &'a str,
    /// The scope service.
    pub service: &'a str,
    /// The signed header names, lowercase, in order.
    pub signed_headers: Vec<&'a str>,
    /// The hex signature.
    pub signature: &'a str,
}

/// Reads an `Authorization` header written by [`authorization`]; `None` when it is not a
/// well-formed TC3-HMAC-SHA256 value.
pub fn parse_authorization(value: &str) -> Option<AuthorizationParts<'_>> {
    let rest = value.strip_prefix(ALGORITHM)?.strip_prefix(' ')?;
    let mut credential = None;
    let mut signed_headers = None;
    let mut signature = None;
    for part in rest.split(',') {
        let (key, value) = part.trim().split_once('=')?;
        let slot = match key {
            "Credential" => &mut credential,
            "SignedHeaders" => &mut signed_headers,
            "Signature" => &mut signature,
            _ => return None,
        };
        if slot.replace(value).is_some() {
            return None;
        }
    }
    // The SecretId may not contain `/`, so the scope is the last three segments.
    let mut scope = credential?.rsplitn(4, '/');
    let (terminator, service, date, secret_id) =
        (scope.next()?, scope.next()?, scope.next()?, scope.next()?);
    let signed_headers: Vec<&str> = signed_headers?.split(';').collect();
    let signature = signature?;
    let well_formed = terminator == TERMINATOR
        && !secret_id.is_empty()
        && signed_headers.iter().all(|h| !h.is_empty())
        && signature.len() == 64
        && signature
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    well_formed.then_some(AuthorizationParts {
        secret_id,
        date,
        service,
        signed_headers,
        signature,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_date_is_the_utc_date_around_midnight() {
        // 2019-02-25T23:59:59Z and one second later.
        assert_eq!(scope_date(1_551_139_199).unwrap(), "2019-02-25");
        assert_eq!(scope_date(1_551_139_200).unwrap(), "2019-02-26");
        // The doc's warning: 1551113065 is already 2019-02-26 in UTC+8, still 02-25 in UTC.
        assert_eq!(scope_date(1_551_113_065).unwrap(), "2019-02-25");
        assert!(scope_date(i64::MAX).unwrap_err().is_invalid_input());
        // Years before 1970 (fuzzing found them signed as `-0001-12-31` and the like).
        assert_eq!(scope_date(0).unwrap(), "1970-01-01");
        for before in [-1, -4_737_097, -377_705_116_800, i64::MIN] {
            assert!(
                scope_date(before).unwrap_err().is_invalid_input(),
                "{before}"
            );
        }
        assert_eq!(scope_date(253_402_300_799).unwrap(), "9999-12-31");
        assert!(scope_date(253_402_300_800).is_err());
    }

    #[test]
    fn header_names_and_values_are_lowercased_trimmed_and_sorted() {
        let headers = [
            ("X-TC-Action", " StopAIConversation "),
            ("Host", "Trtc.Example.com:8080"),
            ("Content-Type", "application/json"),
        ];
        let canonical = canonical_request(&SignableRequest::post(&headers, b""));
        assert_eq!(canonical.signed_headers, "content-type;host;x-tc-action");
        assert_eq!(
            canonical.text,
            "POST\n/\n\ncontent-type:application/json\nhost:trtc.example.com:8080\n\
             x-tc-action:stopaiconversation\n\ncontent-type;host;x-tc-action\n\
             e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn authorization_parses_back() {
        let value = authorization(
            "AKID/odd",
            "2019-02-25/cvm/tc3_request",
            "content-type;host",
            &"a".repeat(64),
        );
        let parts = parse_authorization(&value).unwrap();
        assert_eq!(parts.secret_id, "AKID/odd");
        assert_eq!((parts.date, parts.service), ("2019-02-25", "cvm"));
        assert_eq!(parts.signed_headers, ["content-type", "host"]);
        for bad in [
            "",
            "TC3-HMAC-SHA256",
            "HMAC-SHA1 Credential=a/2019-02-25/cvm/tc3_request, SignedHeaders=host, Signature=00",
            &value.replace("tc3_request", "tc4_request"),
            &value.replace(&"a".repeat(64), "xyz"),
            &format!("{value}, Signature={}", "b".repeat(64)),
            &value.replace("SignedHeaders", "Headers"),
        ] {
            assert!(parse_authorization(bad).is_none(), "{bad:?} parsed");
        }
    }

    proptest::proptest! {
        /// The signature depends on header names' case and order not at all, and on every
        /// byte of the body.
        #[test]
        fn signatures_ignore_header_case_and_order_but_not_body_bytes(
            body in proptest::collection::vec(proptest::num::u8::ANY, 1..64),
            flip in 0usize..64,
            timestamp in 0i64..4_000_000_000,
        ) {
            let params = SigningParams {
                secret_id: "AKID",
                secret_key: "key",
                service: "trtc",
                timestamp,
            };
            let one = [("Content-Type", "application/json"), ("Host", "h:1")];
            let other = [("host", "h:1"), ("content-type", "application/json")];
            let a = sign(&SignableRequest::post(&one, &body), &params).unwrap();
            let b = sign(&SignableRequest::post(&other, &body), &params).unwrap();
            proptest::prop_assert_eq!(&a, &b);
            let mut changed = body.clone();
            let at = flip % changed.len();
            changed[at] ^= 0x01;
            let c = sign(&SignableRequest::post(&one, &changed), &params).unwrap();
            proptest::prop_assert_ne!(&a.signature, &c.signature);
            let parts = parse_authorization(&a.authorization).unwrap();
            proptest::prop_assert_eq!(parts.signature, a.signature.as_str());
        }
    }

    #[test]
    fn debug_of_params_hides_the_key() {
        let params = SigningParams {
            secret_id: "AKID",
            secret_key: "very-secret",
            service: "trtc",
            timestamp: 0,
        };
        assert!(!format!("{params:?}").contains("very-secret"));
    }
}
