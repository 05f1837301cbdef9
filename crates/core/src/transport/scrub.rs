//! Removing credentials a server echoed back from the errors the transport returns.

use secrecy::{ExposeSecret, SecretString};

use crate::error::Error;

/// The credentials one client sends, to be scrubbed from every error it returns.
#[derive(Clone)]
pub(super) struct Secrets(Vec<SecretString>);

impl Secrets {
    pub(super) fn new(secrets: Vec<SecretString>) -> Self {
        Self(secrets)
    }

    /// `error` with every occurrence of a credential in its text replaced by `[redacted]`
    /// ([`Error::scrubbed`]).
    pub(super) fn scrub(&self, error: Error) -> Error {
        let secrets: Vec<&str> = self.0.iter().map(|s| s.expose_secret()).collect();
        error.scrubbed(&secrets)
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
