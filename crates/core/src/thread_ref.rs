//! [`ThreadRef`]: a thread's name across providers, as text.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};
use crate::model::Thread;
use crate::provider_kind::ProviderKind;
use crate::validate;

/// Names one thread at one provider: `revcent:<20-char id>`, `trtc:<TaskId>`,
/// `trtc:<region>/<TaskId>` or `chatkit:<thread id>`.
///
/// Parsing is strict (a lowercase provider name, an id, nothing else), and
/// [`Display`](fmt::Display) prints back exactly the text that was parsed. The id gets the
/// checks every provider shares: not empty, at most [`MAX_ID_CHARS`](validate::MAX_ID_CHARS)
/// characters, printable ASCII. A region is allowed only for providers that have regions
/// ([`ProviderKind::has_regions`]). Each provider's own id rules (RevCent's 20 characters,
/// ChatKit's single path segment) live in its crate, as `check_thread_id`; the `aithreads`
/// facade's `check_ref` applies the right one.
///
/// ```
/// use aithreads_core::{ProviderKind, ThreadRef};
///
/// let r: ThreadRef = "trtc:ap-singapore/SV1FR+XTtvzAjRxZZ".parse()?;
/// assert_eq!(r.provider(), ProviderKind::TencentTrtc);
/// assert_eq!(r.region(), Some("ap-singapore"));
/// assert_eq!(r.id(), "SV1FR+XTtvzAjRxZZ");
/// assert_eq!(r.to_string(), "trtc:ap-singapore/SV1FR+XTtvzAjRxZZ");
/// # Ok::<(), aithreads_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ThreadRef {
    provider: ProviderKind,
    region: Option<String>,
    id: String,
}

impl ThreadRef {
    /// Builds a reference, checking it as [`FromStr`] would. `region` is only allowed for
    /// providers that have regions.
    pub fn new(
        provider: ProviderKind,
        region: Option<String>,
        id: impl Into<String>,
    ) -> Result<Self> {
        let id = id.into();
        validate::opaque_id(&format!("{provider} thread id"), &id)?;
        match &region {
            Some(_) if !provider.has_regions() => {
                return Err(Error::invalid_input(format!(
                    "{provider} references carry no region"
                )));
            }
            Some(region) => validate::region(region)?,
            // Printed as `provider:id`, it would parse back with a region.
            None if provider.has_regions() && split_region(&id).is_some() => {
                return Err(Error::invalid_input(format!(
                    "{provider} thread id `{id}` starts with what reads as a region; pass the region separately"
                )));
            }
            None => {}
        }
        Ok(Self {
            provider,
            region,
            id,
        })
    }

    /// The reference that names `thread` across providers (`revcent:…`, `chatkit:…`).
    pub fn of(thread: &Thread) -> Result<Self> {
        Self::new(thread.provider, None, thread.id.clone())
    }

    /// The provider that holds the thread.
    pub fn provider(&self) -> ProviderKind {
        self.provider
    }

    /// The TRTC region given in the reference, if any.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The provider's id for the thread.
    pub fn id(&self) -> &str {
        &self.id
    }
}

/// Splits `region/rest` when the part before the first `/` is a region name.
fn split_region(text: &str) -> Option<(&str, &str)> {
    let (region, rest) = text.split_once('/')?;
    validate::region(region).is_ok().then_some((region, rest))
}

impl FromStr for ThreadRef {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        let Some((prefix, rest)) = text.split_once(':') else {
            return Err(Error::invalid_input(format!(
                "`{}` is not a thread reference: expected {}",
                text.escape_debug(),
                one_of(ProviderKind::ALL.map(form))
            )));
        };
        let Some(provider) = ProviderKind::ALL.into_iter().find(|p| p.as_str() == prefix) else {
            return Err(Error::invalid_input(format!(
                "unknown provider `{}` in thread reference: expected {}",
                prefix.escape_debug(),
                one_of(ProviderKind::ALL.map(ProviderKind::as_str))
            )));
        };
        match split_region(rest).filter(|_| provider.has_regions()) {
            Some((region, id)) => Self::new(provider, Some(region.to_owned()), id),
            None => Self::new(provider, None, rest),
        }
    }
}

/// How a provider's references are written: `revcent:<id>`, `trtc:[<region>/]<id>`.
fn form(provider: ProviderKind) -> String {
    if provider.has_regions() {
        format!("{provider}:[<region>/]<id>")
    } else {
        format!("{provider}:<id>")
    }
}

/// `a, b or c`.
fn one_of<S: AsRef<str>>(words: impl IntoIterator<Item = S>) -> String {
    let words: Vec<S> = words.into_iter().collect();
    match words.split_last() {
        Some((last, [])) => last.as_ref().to_owned(),
        Some((last, rest)) => {
            let rest: Vec<&str> = rest.iter().map(AsRef::as_ref).collect();
            format!("{} or {}", rest.join(", "), last.as_ref())
        }
        None => String::new(),
    }
}

impl fmt::Display for ThreadRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:", self.provider)?;
        if let Some(region) = &self.region {
            write!(f, "{region}/")?;
        }
        f.write_str(&self.id)
    }
}

impl Serialize for ThreadRef {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ThreadRef {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_each_form() {
        let r: ThreadRef = "revcent:abcdefghij0123456789".parse().unwrap();
        assert_eq!(
            (r.provider(), r.region(), r.id()),
            (ProviderKind::RevCent, None, "abcdefghij0123456789")
        );
        let r: ThreadRef = "trtc:SV1FR+XTtvzAjRxZZ+aof1DfJF00VSBBNE0zR9W-PEpgCPBmt402."
            .parse()
            .unwrap();
        assert_eq!(r.region(), None);
        let r: ThreadRef = "trtc:na-siliconvalley/abc".parse().unwrap();
        assert_eq!((r.region(), r.id()), (Some("na-siliconvalley"), "abc"));
        let r: ThreadRef = "chatkit:cthr_def456".parse().unwrap();
        assert_eq!(r.id(), "cthr_def456");
    }

    #[test]
    fn a_task_id_with_a_slash_that_is_not_a_region_stays_whole() {
        let r: ThreadRef = "trtc:AB/cd".parse().unwrap();
        assert_eq!((r.region(), r.id()), (None, "AB/cd"));
        assert_eq!(r.to_string(), "trtc:AB/cd");
    }

    #[test]
    fn provider_id_rules_are_left_to_the_provider_crates() {
        // Generic checks only: RevCent's length and ChatKit's path rules are not core's.
        for text in ["revcent:short", "chatkit:a/b", "chatkit:ap-tokyo/x"] {
            let r: ThreadRef = text.parse().unwrap();
            assert_eq!((r.region(), r.to_string()), (None, text.to_owned()));
        }
    }

    #[test]
    fn refuses_everything_else_with_a_clear_message() {
        let cases = [
            (
                "",
                "is not a thread reference: expected revcent:<id>, trtc:[<region>/]<id> or chatkit:<id>",
            ),
            ("revcent", "not a thread reference"),
            (
                "RevCent:abcdefghij0123456789",
                "unknown provider `RevCent` in thread reference: expected revcent, trtc or chatkit",
            ),
            ("slack:abc", "unknown provider `slack`"),
            ("revcent:", "revcent thread id is empty"),
            ("revcent:abc\u{7f}", "not allowed"),
            ("chatkit:", "is empty"),
            ("chatkit:a b", "not allowed"),
            ("chatkit:é", "non-ASCII"),
            ("trtc:", "is empty"),
            ("trtc:ap-tokyo/", "is empty"),
            ("trtc:a b", "not allowed"),
            (" chatkit:abc", "unknown provider"),
        ];
        for (text, expected) in cases {
            let err = text.parse::<ThreadRef>().unwrap_err();
            assert!(err.is_invalid_input());
            assert!(err.to_string().contains(expected), "{text:?}: {err}");
        }
    }

    #[test]
    fn new_refuses_refs_that_would_not_round_trip() {
        assert!(ThreadRef::new(ProviderKind::TencentTrtc, None, "ap-tokyo/x").is_err());
        assert!(ThreadRef::new(ProviderKind::OpenAiChatKit, Some("ap-tokyo".into()), "x").is_err());
        assert!(ThreadRef::new(ProviderKind::TencentTrtc, Some("Tokyo".into()), "x").is_err());
        // Without regions, `ap-tokyo/x` is just an id and prints back as one.
        let r = ThreadRef::new(ProviderKind::OpenAiChatKit, None, "ap-tokyo/x").unwrap();
        assert_eq!(r.to_string().parse::<ThreadRef>().unwrap(), r);
    }

    #[test]
    fn of_names_a_thread() {
        #[derive(Debug, serde::Serialize)]
        struct Record;
        let thread = crate::Thread::new(
            ProviderKind::OpenAiChatKit,
            "cthr_1",
            crate::Status::Running,
            crate::RawStatus::new("active"),
            Record,
        );
        assert_eq!(
            ThreadRef::of(&thread).unwrap().to_string(),
            "chatkit:cthr_1"
        );
    }

    #[test]
    fn serde_uses_the_text_form() {
        let r: ThreadRef = "trtc:ap-tokyo/x".parse().unwrap();
        assert_eq!(serde_json::to_string(&r).unwrap(), "\"trtc:ap-tokyo/x\"");
        let back: ThreadRef = serde_json::from_str("\"trtc:ap-tokyo/x\"").unwrap();
        assert_eq!(back, r);
        assert!(serde_json::from_str::<ThreadRef>("\"nope\"").is_err());
    }

    fn any_ref() -> impl Strategy<Value = ThreadRef> {
        let revcent = "[!-~]{1,30}".prop_map(|id| ThreadRef::new(ProviderKind::RevCent, None, id));
        let chatkit = "[A-Za-z0-9_.~/-]{1,60}"
            .prop_map(|id| ThreadRef::new(ProviderKind::OpenAiChatKit, None, id));
        let trtc = (
            proptest::option::of("(ap|na|eu)-[a-z]{3,12}"),
            "[A-Za-z0-9+/=._-]{1,120}",
        )
            .prop_map(|(region, id)| ThreadRef::new(ProviderKind::TencentTrtc, region, id));
        prop_oneof![revcent, chatkit, trtc].prop_filter_map("valid refs only", |r| r.ok())
    }

    proptest! {
        #[test]
        fn display_then_parse_round_trips(r in any_ref()) {
            let text = r.to_string();
            let back: ThreadRef = text.parse().unwrap();
            prop_assert_eq!(&back, &r);
            prop_assert_eq!(back.to_string(), text);
        }

        #[test]
        fn parse_never_panics_and_accepted_text_prints_back_identically(text in "\\PC{0,80}") {
            if let Ok(r) = text.parse::<ThreadRef>() {
                prop_assert_eq!(r.to_string(), text);
            }
        }
    }
}
