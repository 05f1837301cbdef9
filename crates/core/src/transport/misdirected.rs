//! Answers that did not come from the provider's API: a redirect, or a 404 without the
//! provider's error envelope.
//!
//! None of the three APIs redirects, and each answers a missing thread with its own error
//! body. So either answer means the base URL points somewhere else (a path missing `/v2`, a
//! proxy, another host): a configuration problem, reported as one and naming the variable
//! that sets the base URL. A redirect is never followed, so no credential reaches the
//! place it points to and no request is sent twice.

use http::{HeaderMap, StatusCode};
use url::Url;

use crate::error::{Error, short_text};
use crate::provider_kind::ProviderKind;
use crate::transport::Response;

impl Response {
    /// The error for a 404 whose body is not `provider`'s error envelope: the base URL
    /// looks wrong (`base_url_var` names the variable that sets it), since the provider
    /// answers a missing thread with its own error body. A provider's decoder calls this
    /// after failing to read its envelope, so a wrong base URL is never reported as every
    /// thread being "not found".
    pub fn wrong_base_url_error(&self, provider: ProviderKind, base_url_var: &str) -> Error {
        let excerpt = self.body_excerpt();
        let body = if excerpt.is_empty() {
            "an empty body".to_owned()
        } else {
            format!("a body starting `{}`", short_text(&excerpt))
        };
        Error::config_for(
            provider,
            format!(
                "{provider}: the server answered HTTP {} with {body}, not {provider}'s error \
             envelope, so the base URL looks wrong (a path missing its /v1 or /v2, or another \
             server): check {base_url_var}",
                self.status.as_u16()
            ),
        )
    }
}

/// The error for a redirect answer to a request for `from`: a configuration error naming
/// where it pointed (without credentials or query) and `base_url_var`, when known.
pub(super) fn redirect_error(
    provider: ProviderKind,
    base_url_var: Option<&str>,
    status: StatusCode,
    headers: &HeaderMap,
    from: &Url,
) -> Error {
    let target = match headers.get(http::header::LOCATION) {
        None => "without a Location".to_owned(),
        Some(location) => {
            let text = String::from_utf8_lossy(location.as_bytes());
            match from.join(&text) {
                Ok(url) => format!("to {}", printable(url)),
                Err(_) => format!("to an invalid location {:?}", short_text(&text)),
            }
        }
    };
    let check = base_url_var
        .map(|var| format!("; check {var}"))
        .unwrap_or_default();
    Error::config_for(
        provider,
        format!(
            "{provider}: the server answered HTTP {status} redirecting {target}; not followed, \
             since {provider}'s API never redirects: the base URL looks wrong or a proxy \
             redirects{check}"
        ),
    )
}

/// `url` safe to print: no user, password, query or fragment, control characters escaped,
/// and short.
fn printable(mut url: Url) -> String {
    let _ = url.set_username("");
    let _ = url.set_password(None);
    let had_query = url.query().is_some();
    url.set_query(None);
    url.set_fragment(None);
    let mut text = url.to_string();
    if had_query {
        text.push_str("?…");
    }
    short_text(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(location: &str) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert(http::header::LOCATION, location.parse().unwrap());
        map
    }

    #[test]
    fn a_redirect_names_where_it_pointed_without_credentials_or_query() {
        let from = Url::parse("https://api.revcent.com/v2/ai_threads/x").unwrap();
        let error = redirect_error(
            ProviderKind::RevCent,
            Some("REVCENT_BASE_URL"),
            StatusCode::TEMPORARY_REDIRECT,
            &headers("http://user:pw@evil.example:8080/steal?key=sk-1#frag"),
            &from,
        );
        let text = error.to_string();
        assert!(error.is_config(), "{error:?}");
        assert_eq!(error.provider(), Some(ProviderKind::RevCent));
        assert!(
            text.contains("307 Temporary Redirect redirecting to http://evil.example:8080/steal?…"),
            "{text}"
        );
        assert!(text.contains("REVCENT_BASE_URL"), "{text}");
        for leak in ["user", "pw", "sk-1", "frag"] {
            assert!(!text.contains(leak), "{leak} in {text}");
        }
    }

    #[test]
    fn relative_missing_and_invalid_locations_are_reported() {
        let from = Url::parse("http://127.0.0.1:9/v1/chatkit/threads").unwrap();
        let relative = redirect_error(
            ProviderKind::OpenAiChatKit,
            None,
            StatusCode::FOUND,
            &headers("/login"),
            &from,
        );
        assert!(
            relative
                .to_string()
                .contains("to http://127.0.0.1:9/login;"),
            "{relative}"
        );
        let missing = redirect_error(
            ProviderKind::OpenAiChatKit,
            None,
            StatusCode::MOVED_PERMANENTLY,
            &HeaderMap::new(),
            &from,
        );
        assert!(
            missing.to_string().contains("without a Location"),
            "{missing}"
        );
        let invalid = redirect_error(
            ProviderKind::OpenAiChatKit,
            None,
            StatusCode::FOUND,
            &headers("http://[bad"),
            &from,
        );
        assert!(
            invalid.to_string().contains("invalid location"),
            "{invalid}"
        );
    }

    #[test]
    fn a_404_without_the_envelope_says_the_base_url_looks_wrong() {
        let response = Response {
            status: StatusCode::NOT_FOUND,
            headers: HeaderMap::new(),
            body: "<html>404 page not found</html>".into(),
            attempt: 1,
        };
        let error = response.wrong_base_url_error(ProviderKind::RevCent, "REVCENT_BASE_URL");
        assert!(error.is_config() && !error.is_not_found(), "{error:?}");
        let text = error.to_string();
        assert!(text.contains("base URL looks wrong"), "{text}");
        assert!(text.contains("check REVCENT_BASE_URL"), "{text}");
        assert!(text.contains("404 page not found"), "{text}");
    }
}
