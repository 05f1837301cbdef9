//! [`UnknownName`]: the error of parsing a word that names no value of a closed set.

/// A word that names no value of the type it was parsed as: an unknown provider
/// ([`ProviderKind`](crate::ProviderKind)) or status ([`Status`](crate::Status)).
///
/// It says what was expected, so it reads well on a command line; `?` turns it into
/// [`Error::InvalidInput`](crate::Error::InvalidInput).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{}`: expected {expected}", .value.escape_debug())]
pub struct UnknownName {
    what: &'static str,
    value: String,
    expected: &'static str,
}

impl UnknownName {
    /// `value` is not a `what` (`"provider"`); `expected` lists the accepted words.
    pub(crate) fn new(what: &'static str, value: &str, expected: &'static str) -> Self {
        Self {
            what,
            value: value.to_owned(),
            expected,
        }
    }

    /// The word that was refused.
    pub fn value(&self) -> &str {
        &self.value
    }
}
