//! Removing credentials a server echoed back from the errors the transport returns.

use secrecy::{ExposeSecret, SecretString};

use crate::error::Error;

/// What replaces a credential in error text.
const REDACTED: &str = "[redacted]";

/// Secrets shorter than this are not searched for: they would match ordinary words.
const MIN_SECRET_LEN: usize = 4;

/// The credentials one client sends, to be scrubbed from every error it returns.
#[derive(Clone)]
pub(super) struct Secrets(Vec<SecretString>);

impl Secrets {
    pub(super) fn new(secrets: Vec<SecretString>) -> Self {
        Self(secrets)
    }

    /// `error` with every occurrence of a credential in its text replaced by `[redacted]`.
    pub(super) fn scrub(&self, mut error: Error) -> Error {
        let secrets: Vec<&str> = self
            .0
            .iter()
            .map(|s| s.expose_secret())
            .filter(|s| s.len() >= MIN_SECRET_LEN)
            .collect();
        if secrets.is_empty() {
            return error;
        }
        let clean = |text: &mut String| {
            for secret in &secrets {
                if text.contains(secret) {
                    *text = text.replace(secret, REDACTED);
                }
            }
        };
        match &mut error {
            Error::Authentication { details, .. }
            | Error::NotFound { details, .. }
            | Error::RateLimited { details, .. }
            | Error::Provider { details, .. } => {
                clean(&mut details.message);
                [
                    &mut details.code,
                    &mut details.param,
                    &mut details.error_type,
                    &mut details.request_id,
                ]
                .into_iter()
                .flatten()
                .for_each(clean);
            }
            Error::Decode {
                excerpt, message, ..
            } => {
                clean(excerpt);
                clean(message);
            }
            Error::Transport { message, .. }
            | Error::InvalidInput { message }
            | Error::Config { message, .. } => clean(message),
            Error::Pagination {
                position, message, ..
            } => {
                clean(position);
                clean(message);
            }
            Error::TranscriptTooLarge { thread_id, .. } => clean(thread_id),
            // No text from the server.
            Error::Timeout { .. } | Error::ResponseTooLarge { .. } | Error::Unsupported { .. } => {}
        }
        error
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ApiError;
    use crate::provider_kind::ProviderKind;

    #[test]
    fn echoed_credentials_are_replaced_everywhere_in_the_text() {
        let secrets = Secrets::new(vec!["sk-live-1234".into(), "abc".into()]);
        let error = secrets.scrub(Error::authentication(
            ProviderKind::OpenAiChatKit,
            ApiError::new("Incorrect API key provided: sk-live-1234")
                .with_param("sk-live-1234")
                .with_request_id("req_abc"),
        ));
        let details = error.api_error().unwrap();
        assert_eq!(details.message, "Incorrect API key provided: [redacted]");
        assert_eq!(details.param.as_deref(), Some("[redacted]"));
        // Too short to be searched for: "abc" stays.
        assert_eq!(details.request_id.as_deref(), Some("req_abc"));
    }
}
