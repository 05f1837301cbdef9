//! Building blocks for the generated wire models: enums that keep unknown values, and tagged
//! unions that keep unknown variants, so a provider adding a value never breaks decoding.

#[doc(hidden)]
pub use serde as __serde;
#[doc(hidden)]
pub use serde_json as __serde_json;
/// Serde helpers for a field that may be absent, `null`, or a value (`Option<Option<T>>`).
pub use serde_with::rust::double_option;

/// Serialises `inner` (an object) with `tag_key: tag` as its first field; used by
/// [`tagged_union!`].
#[doc(hidden)]
pub fn serialize_tagged<S, T>(
    serializer: S,
    tag_key: &str,
    tag: &str,
    inner: &T,
) -> Result<S::Ok, S::Error>
where
    S: serde::Serializer,
    T: serde::Serialize,
{
    use serde::ser::{Error as _, SerializeMap};
    let fields = match serde_json::to_value(inner).map_err(S::Error::custom)? {
        serde_json::Value::Object(fields) => fields,
        _ => {
            return Err(S::Error::custom(
                "a tagged union variant must serialise to an object",
            ));
        }
    };
    let mut map = serializer.serialize_map(Some(fields.len() + 1))?;
    map.serialize_entry(tag_key, tag)?;
    for (key, value) in &fields {
        map.serialize_entry(key, value)?;
    }
    map.end()
}

/// Declares a string enum whose unknown values decode to `Unknown(String)` instead of failing,
/// and serialise back exactly as received.
///
/// ```
/// aithreads_core::open_enum! {
///     /// A colour.
///     pub enum Colour {
///         /// Red.
///         Red = "red",
///     }
/// }
/// let c: Colour = serde_json::from_str("\"teal\"").unwrap();
/// assert_eq!(c, Colour::Unknown("teal".into()));
/// assert_eq!(serde_json::to_string(&c).unwrap(), "\"teal\"");
/// assert_eq!(Colour::Red.as_str(), "red");
/// ```
#[macro_export]
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value this version of the crate does not know, kept exactly as received.
            Unknown(::std::string::String),
        }

        impl $name {
            /// Every known value, in the order the spec lists them.
            pub const KNOWN: &'static [$name] = &[$( $name::$variant, )*];

            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )*
                    Self::Unknown(other) => other,
                }
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $( $wire => Self::$variant, )*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::wire::__serde::Serialize for $name {
            fn serialize<S: $crate::wire::__serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::wire::__serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::wire::__serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                struct Visitor;
                impl $crate::wire::__serde::de::Visitor<'_> for Visitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("a string value of ", stringify!($name)))
                    }
                    fn visit_str<E: $crate::wire::__serde::de::Error>(self, value: &str) -> ::std::result::Result<$name, E> {
                        Ok($name::from(value))
                    }
                }
                deserializer.deserialize_str(Visitor)
            }
        }
    };
}

/// Declares an internally tagged union (`{"type": "...", ...}`) whose unknown tags decode to
/// `Unknown(serde_json::Value)` with the whole object kept.
///
/// Variant payload structs do not carry the tag field; it is added when serialising.
///
/// ```
/// #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
/// pub struct Locked { pub reason: Option<String> }
///
/// aithreads_core::tagged_union! {
///     /// A state.
///     pub enum State (tag = "type") {
///         /// Locked.
///         Locked(Locked) = "locked",
///     }
/// }
/// let s: State = serde_json::from_str(r#"{"type":"locked","reason":"spam"}"#).unwrap();
/// assert_eq!(s, State::Locked(Locked { reason: Some("spam".into()) }));
/// assert_eq!(serde_json::to_string(&s).unwrap(), r#"{"type":"locked","reason":"spam"}"#);
/// let new: State = serde_json::from_str(r#"{"type":"frozen","until":3}"#).unwrap();
/// assert_eq!(new.tag(), "frozen");
/// ```
#[macro_export]
macro_rules! tagged_union {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident (tag = $tag:literal) {
            $( $(#[$vmeta:meta])* $variant:ident($ty:ty) = $wire:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant($ty), )*
            /// A variant this version of the crate does not know, kept as received.
            Unknown($crate::wire::__serde_json::Value),
        }

        impl $name {
            /// The tag value of this variant.
            pub fn tag(&self) -> &str {
                match self {
                    $( Self::$variant(_) => $wire, )*
                    Self::Unknown(value) => value.get($tag).and_then(|t| t.as_str()).unwrap_or_default(),
                }
            }
        }

        impl $crate::wire::__serde::Serialize for $name {
            fn serialize<S: $crate::wire::__serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    $( Self::$variant(inner) => $crate::wire::serialize_tagged(serializer, $tag, $wire, inner), )*
                    Self::Unknown(value) => $crate::wire::__serde::Serialize::serialize(value, serializer),
                }
            }
        }

        impl<'de> $crate::wire::__serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::wire::__serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                use $crate::wire::__serde::de::Error as _;
                let value = $crate::wire::__serde_json::Value::deserialize(deserializer)?;
                let tag = match value.get($tag) {
                    Some($crate::wire::__serde_json::Value::String(tag)) => tag.clone(),
                    _ => return Err(D::Error::custom(concat!("missing string field `", $tag, "`"))),
                };
                match tag.as_str() {
                    $( $wire => $crate::wire::__serde_json::from_value(value).map(Self::$variant).map_err(D::Error::custom), )*
                    _ => Ok(Self::Unknown(value)),
                }
            }
        }
    };
}
