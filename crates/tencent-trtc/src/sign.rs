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
//! Each stage writes its text once into a buffer sized up front, with lowercasing, digits and
//! hex written in place, so signing costs little beyond its six hashes (`cargo xtask bench`
//! compares it with the bare hash chain).
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
    let mut out = String::with_capacity(64);
    push_hex(&mut out, &Sha256::digest(data));
    out
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
    // Sorted as the lowercased (name, value) pairs would sort, without lowercased copies:
    // values only break ties between equal names, which well-formed requests never have.
    let mut headers: Vec<(&str, &str)> = request
        .headers
        .iter()
        .map(|(name, value)| (*name, value.trim()))
        .collect();
    headers.sort_by(|a, b| {
        ascii_lowercase_bytes(a.0)
            .cmp(ascii_lowercase_bytes(b.0))
            .then_with(|| a.1.to_lowercase().cmp(&b.1.to_lowercase()))
    });
    // One buffer, written in order; the lengths only size it.
    let headers_len: usize = headers.iter().map(|(n, v)| 2 * n.len() + v.len() + 3).sum();
    let mut text = String::with_capacity(
        request.method.len()
            + request.canonical_uri.len()
            + request.canonical_query.len()
            + headers_len
            + 64
            + 5,
    );
    for part in [
        request.method,
        request.canonical_uri,
        request.canonical_query,
    ] {
        text.push_str(part);
        text.push('\n');
    }
    for (name, value) in &headers {
        push_ascii_lowercase(&mut text, name);
        text.push(':');
        push_lowercase(&mut text, value);
        text.push('\n');
    }
    text.push('\n');
    let signed_start = text.len();
    for (i, (name, _)) in headers.iter().enumerate() {
        if i > 0 {
            text.push(';');
        }
        push_ascii_lowercase(&mut text, name);
    }
    let signed_headers = text[signed_start..].to_owned();
    text.push('\n');
    push_hex(&mut text, &Sha256::digest(request.payload));
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
    let mut date = String::with_capacity(11);
    push_scope_date(&mut date, timestamp)?;
    Ok(date)
}

/// Appends [`scope_date`]'s text.
fn push_scope_date(out: &mut String, timestamp: i64) -> Result<()> {
    let out_of_range = || Error::invalid_input(format!("timestamp {timestamp} is out of range"));
    let (year, month, day) = OffsetDateTime::from_unix_timestamp(timestamp)
        .map_err(|_| out_of_range())?
        .to_calendar_date();
    // The time crate stops at 9999 unless its `large-dates` feature is on somewhere in the
    // build; the year check keeps the four-digit date either way.
    if timestamp < 0 || year > 9999 {
        return Err(out_of_range());
    }
    push_digits(out, year.unsigned_abs(), 4);
    out.push('-');
    push_digits(out, u32::from(u8::from(month)), 2);
    out.push('-');
    push_digits(out, u32::from(day), 2);
    Ok(())
}

/// Stage 2: `DATE/service/tc3_request`.
pub fn credential_scope(date: &str, service: &str) -> String {
    let mut scope = String::with_capacity(date.len() + service.len() + TERMINATOR.len() + 2);
    scope.push_str(date);
    push_scope_rest(&mut scope, service);
    scope
}

/// Appends what follows the date in a credential scope.
fn push_scope_rest(out: &mut String, service: &str) {
    out.push('/');
    out.push_str(service);
    out.push('/');
    out.push_str(TERMINATOR);
}

/// Stage 3: algorithm, timestamp, credential scope and the hex SHA-256 of the canonical
/// request, one per line.
pub fn string_to_sign(timestamp: i64, credential_scope: &str, canonical_request: &str) -> String {
    let mut out = String::with_capacity(ALGORITHM.len() + 20 + credential_scope.len() + 64 + 3);
    out.push_str(ALGORITHM);
    out.push('\n');
    push_decimal(&mut out, timestamp);
    out.push('\n');
    out.push_str(credential_scope);
    out.push('\n');
    push_hex(&mut out, &Sha256::digest(canonical_request.as_bytes()));
    out
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
    // The root key `"TC3" + SecretKey`, built on the stack when it fits one SHA-256 block
    // (any real SecretKey does).
    let mut block = [0u8; 64];
    let root_len = 3 + secret_key.len();
    let secret_date = if root_len <= block.len() {
        block[..3].copy_from_slice(b"TC3");
        block[3..root_len].copy_from_slice(secret_key.as_bytes());
        hmac_sha256(&block[..root_len], date.as_bytes())
    } else {
        hmac_sha256(format!("TC3{secret_key}").as_bytes(), date.as_bytes())
    };
    let secret_service = hmac_sha256(&secret_date, service.as_bytes());
    hmac_sha256(&secret_service, TERMINATOR.as_bytes())
}

/// Stage 5: lowercase hex HMAC-SHA256 of the string to sign under the signing key.
pub fn signature(signing_key: &[u8; 32], string_to_sign: &str) -> String {
    let mut out = String::with_capacity(64);
    push_hex(
        &mut out,
        &hmac_sha256(signing_key, string_to_sign.as_bytes()),
    );
    out
}

/// Stage 6: `TC3-HMAC-SHA256 Credential=ID/SCOPE, SignedHeaders=..., Signature=...`.
pub fn authorization(
    secret_id: &str,
    credential_scope: &str,
    signed_headers: &str,
    signature: &str,
) -> String {
    let parts = [
        ALGORITHM,
        " Credential=",
        secret_id,
        "/",
        credential_scope,
        ", SignedHeaders=",
        signed_headers,
        ", Signature=",
        signature,
    ];
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    parts.iter().for_each(|part| out.push_str(part));
    out
}

/// Signs a request: every stage, in order.
///
/// Fails only for a timestamp outside the years 1970 to 9999 (UTC), as [`scope_date`] does.
pub fn sign(request: &SignableRequest<'_>, params: &SigningParams<'_>) -> Result<Signed> {
    // Stage 2 is written straight after the date it starts with, which stage 4 reads back.
    let mut credential_scope =
        String::with_capacity(11 + params.service.len() + TERMINATOR.len() + 2);
    push_scope_date(&mut credential_scope, params.timestamp)?;
    let date_len = credential_scope.len();
    push_scope_rest(&mut credential_scope, params.service);
    let date = &credential_scope[..date_len];
    let canonical_request = canonical_request(request);
    let string_to_sign =
        string_to_sign(params.timestamp, &credential_scope, &canonical_request.text);
    let key = signing_key(params.secret_key, date, params.service);
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

/// Appends the lowercase hex of a 32-byte digest.
fn push_hex(out: &mut String, digest: &[u8]) {
    let mut buf = [0u8; 64];
    // Hex digits are ASCII, so both steps succeed for a 32-byte digest.
    if hex::encode_to_slice(digest, &mut buf).is_ok() {
        out.push_str(std::str::from_utf8(&buf).unwrap_or_default());
    }
}

/// The bytes of `text` with ASCII letters lowercased.
fn ascii_lowercase_bytes(text: &str) -> impl Iterator<Item = u8> + '_ {
    text.bytes().map(|b| b.to_ascii_lowercase())
}

/// Appends `text` with ASCII letters lowercased, as `str::to_ascii_lowercase`.
fn push_ascii_lowercase(out: &mut String, text: &str) {
    if text.bytes().any(|b| b.is_ascii_uppercase()) {
        out.extend(text.chars().map(|c| c.to_ascii_lowercase()));
    } else {
        out.push_str(text);
    }
}

/// Appends `text` lowercased, as `str::to_lowercase`.
fn push_lowercase(out: &mut String, text: &str) {
    if text
        .bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
    {
        out.push_str(text);
    } else if text.is_ascii() {
        push_ascii_lowercase(out, text);
    } else {
        out.push_str(&text.to_lowercase());
    }
}

/// Appends `value` in decimal.
fn push_decimal(out: &mut String, value: i64) {
    if value < 0 {
        out.push('-');
    }
    let mut digits = [0u8; 20];
    let mut rest = value.unsigned_abs();
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    out.extend(digits[start..].iter().map(|&d| char::from(d)));
}

/// Appends `value` as exactly `width` (at most 4) decimal digits, zero-padded.
fn push_digits(out: &mut String, value: u32, width: usize) {
    let mut digits = [b'0'; 4];
    let mut rest = value;
    for digit in digits[..width].iter_mut().rev() {
        *digit = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    out.extend(digits[..width].iter().map(|&d| char::from(d)));
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
    fn scope_dates_and_timestamps_read_as_the_time_crate_formats_them() {
        use time::macros::format_description;
        let format = format_description!("[year]-[month]-[day]");
        for timestamp in [
            0,
            1,
            59,
            86_399,
            86_400,
            951_782_400,
            1_740_441_599,
            253_402_300_799,
        ] {
            let expected = OffsetDateTime::from_unix_timestamp(timestamp)
                .unwrap()
                .format(format)
                .unwrap();
            assert_eq!(scope_date(timestamp).unwrap(), expected, "{timestamp}");
            let text = string_to_sign(timestamp, "scope", "");
            assert_eq!(text.lines().nth(1), Some(timestamp.to_string().as_str()));
        }
        assert!(scope_date(253_402_300_800).is_err());
    }

    #[test]
    fn non_ascii_header_values_are_lowercased_like_str_to_lowercase() {
        let headers = [("X-Name", " ÉCOLE ΟΔΟΣ "), ("HOST", "H")];
        let canonical = canonical_request(&SignableRequest::post(&headers, b""));
        assert!(
            canonical
                .text
                .contains("\nhost:h\nx-name:école οδος\n\nhost;x-name\n"),
            "{}",
            canonical.text
        );
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
