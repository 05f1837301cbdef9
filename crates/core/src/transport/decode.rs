//! Turning response bytes into typed values or precise errors.

use serde::de::DeserializeOwned;

use crate::error::{ApiError, Error, Result};
use crate::provider_kind::ProviderKind;
use crate::transport::{Response, retry};

/// Bytes of the body kept in a decode error.
const EXCERPT_BYTES: usize = 200;

/// Parts of a JSON member name that mark its value secret (compared in lowercase):
/// `UserSig`, `APIKey`, `SecretKey`, `Token`, `Password`, `Authorization`, ...
const SECRET_NAME_PARTS: [&str; 7] = [
    "secret",
    "key",
    "token",
    "password",
    "sig",
    "authorization",
    "credential",
];

impl Response {
    /// Decodes the body as JSON into `T`.
    ///
    /// Fails with [`Error::Decode`] when the content type is not JSON or the body does not
    /// match `T`; the error names the JSON path and keeps a short, redacted excerpt.
    pub fn json<T: DeserializeOwned>(&self, provider: ProviderKind) -> Result<T> {
        self.expect_json_content_type(provider)?;
        decode_json(provider, &self.body, Some(self.status.as_u16()))
    }

    fn expect_json_content_type(&self, provider: ProviderKind) -> Result<()> {
        let Some(value) = self.headers.get(http::header::CONTENT_TYPE) else {
            return Ok(());
        };
        let text = value.to_str().unwrap_or_default().to_ascii_lowercase();
        if text.contains("json") {
            return Ok(());
        }
        Err(Error::decode(
            provider,
            None,
            format!(
                "expected a JSON response, got content type `{}`",
                text.escape_debug()
            ),
            excerpt(&self.body),
            Some(self.status.as_u16()),
        ))
    }

    /// The error for a response whose status says it failed, from what the provider said.
    ///
    /// 401/403 become [`Error::Authentication`], 404 [`Error::NotFound`], 429
    /// [`Error::RateLimited`] (with the server's `Retry-After`), and everything else
    /// [`Error::Provider`], transient for 408, 409 and 5xx.
    pub fn status_error(&self, provider: ProviderKind, details: ApiError) -> Error {
        let status = self.status.as_u16();
        let details = details.with_status(status);
        match status {
            401 | 403 => Error::authentication(provider, details),
            404 => Error::not_found(provider, details),
            429 => Error::rate_limited(provider, details, retry::retry_after(&self.headers)),
            _ => Error::provider_error(provider, details, matches!(status, 408 | 409 | 500..=599)),
        }
    }

    /// The body as text for an error message when it is not the provider's JSON error shape
    /// (an HTML page from a proxy, say): a short, redacted excerpt.
    pub fn body_excerpt(&self) -> String {
        excerpt(&self.body)
    }
}

/// Decodes JSON bytes into `T`; on failure re-reads with `serde_path_to_error` to name the path.
///
/// The fast path costs nothing extra on success, so large transcripts decode at plain
/// `serde_json` speed.
pub fn decode_json<T: DeserializeOwned>(
    provider: ProviderKind,
    body: &[u8],
    status: Option<u16>,
) -> Result<T> {
    match serde_json::from_slice(body) {
        Ok(value) => Ok(value),
        Err(first) => {
            let mut de = serde_json::Deserializer::from_slice(body);
            let (path, message) = match serde_path_to_error::deserialize::<_, T>(&mut de) {
                Err(err) => {
                    let path = err.path().to_string();
                    ((path != ".").then_some(path), err.into_inner().to_string())
                }
                Ok(_) => (None, first.to_string()),
            };
            Err(Error::decode(
                provider,
                path,
                message,
                excerpt(body),
                status,
            ))
        }
    }
}

/// The first bytes of a body as text, with the string values of secret-looking JSON keys
/// replaced by `***`.
pub fn excerpt(body: &[u8]) -> String {
    let mut end = body.len().min(EXCERPT_BYTES);
    while end < body.len() && end > 0 && (body[end] & 0xC0) == 0x80 {
        end -= 1;
    }
    let mut text = String::from_utf8_lossy(&body[..end]).into_owned();
    redact_secret_values(&mut text);
    if body.len() > end {
        text.push('…');
    }
    text
}

/// Replaces `"<secret-ish key>": "<value>"` values with `***`, also when the value is cut off.
fn redact_secret_values(text: &mut String) {
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(start) = rest.find('"') {
        out.push_str(&rest[..=start]);
        rest = &rest[start + 1..];
        let Some(end) = rest.find('"') else { break };
        let key = &rest[..end];
        out.push_str(&rest[..=end]);
        rest = &rest[end + 1..];
        let after_colon = rest.trim_start();
        if !after_colon.starts_with(':') || !is_secret_member(key) {
            continue;
        }
        let value = after_colon[1..].trim_start();
        if !value.starts_with('"') {
            continue;
        }
        out.push_str(&rest[..rest.len() - value.len()]);
        out.push_str("\"***\"");
        rest = match value[1..].find('"') {
            Some(close) => &value[close + 2..],
            None => "",
        };
    }
    out.push_str(rest);
    *text = out;
}

/// Whether a JSON member with this name holds a secret: its value never appears in an
/// excerpt, and providers redact it from their models' Debug output.
pub fn is_secret_member(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    SECRET_NAME_PARTS.iter().any(|part| lower.contains(part))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_hides_secret_values_and_keeps_the_rest() {
        let body =
            br#"{"client_secret": "ek_live_123", "id":"cksess_1", "APIKey":"sk-zzz", "n": 3}"#;
        assert_eq!(
            excerpt(body),
            r#"{"client_secret": "***", "id":"cksess_1", "APIKey":"***", "n": 3}"#
        );
    }

    #[test]
    fn excerpt_hides_a_secret_cut_off_by_the_length_limit() {
        let body = format!(
            r#"{{"pad":"{}","SecretKey":"abcdefghijklmnop"}}"#,
            "x".repeat(170)
        );
        let text = excerpt(body.as_bytes());
        assert!(!text.contains("abcdef"), "{text}");
        assert!(text.ends_with('…'));
    }

    #[test]
    fn excerpt_cuts_on_a_character_boundary() {
        let body = "é".repeat(150);
        let text = excerpt(body.as_bytes());
        assert!(text.starts_with("éé") && text.ends_with('…'));
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Outer {
        results: Vec<Inner>,
    }
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        count: u32,
    }

    #[test]
    fn decode_errors_name_the_json_path() {
        let err = decode_json::<Outer>(
            ProviderKind::RevCent,
            br#"{"results":[{"count":1},{"count":"x"}]}"#,
            Some(200),
        )
        .unwrap_err();
        match err {
            Error::Decode { path, .. } => assert_eq!(path.as_deref(), Some("results[1].count")),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn truncated_json_is_a_decode_error() {
        let err = decode_json::<Outer>(ProviderKind::RevCent, br#"{"results":[{"cou"#, Some(200))
            .unwrap_err();
        assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    }
}
