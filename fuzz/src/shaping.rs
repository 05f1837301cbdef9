//! Input shaping shared by the response-decoder targets.
//!
//! A target turns the fuzzer's bytes into one HTTP answer: a status (mostly the ones APIs
//! send), a content type, the headers the decoders read (`retry-after`, `retry-after-ms`,
//! `x-request-id`, `x-should-retry`), the attempt number (decoders treat retries specially),
//! and a body that is one of
//!
//! - raw bytes,
//! - a documented example with bytes cut off or overwritten,
//! - a documented example whose JSON tree was mutated (values replaced by others of any
//!   type, keys removed or added),
//! - JSON built from the provider's own field names and enum values.
//!
//! Random bytes alone seldom reach past the first `{`; the last three keep most inputs close
//! to the shapes the decoders accept, where the interesting bugs are.

use aithreads_core::transport::Response;
use aithreads_core::{Error, ProviderKind};
use arbitrary::{Result, Unstructured};
use http::{HeaderMap, HeaderValue, StatusCode};
use serde_json::{Map, Value};

/// What a provider's answers are made of.
pub struct Vocabulary {
    /// Documented example bodies (success and error).
    pub examples: &'static [&'static str],
    /// Field names.
    pub keys: &'static [&'static str],
    /// String values with a meaning (enum values, type tags, error codes).
    pub strings: &'static [&'static str],
}

/// Statuses the APIs and the proxies in front of them answer with.
const STATUSES: [u16; 15] = [
    200, 200, 200, 201, 204, 400, 401, 403, 404, 408, 409, 429, 500, 502, 503,
];

/// One HTTP answer built from the fuzzer's bytes.
pub fn response(u: &mut Unstructured<'_>, vocabulary: &Vocabulary) -> Result<Response> {
    let status = if u.ratio(1, 8)? {
        u.int_in_range(100..=999)?
    } else {
        *u.choose(&STATUSES)?
    };
    let attempt = u.int_in_range(1..=3)?;
    let mut headers = HeaderMap::new();
    let content_type = match u.int_in_range(0..=4)? {
        0 | 1 => Some("application/json".to_owned()),
        2 => None,
        3 => Some("text/html; charset=utf-8".to_owned()),
        _ => Some(u.arbitrary::<String>()?),
    };
    if let Some(value) = content_type {
        insert(&mut headers, "content-type", &value);
    }
    for name in [
        "retry-after",
        "retry-after-ms",
        "x-request-id",
        "x-should-retry",
    ] {
        if u.ratio(1, 4)? {
            let value = match u.int_in_range(0..=3)? {
                0 => "true".to_owned(),
                1 => u.int_in_range(0u32..=100_000)?.to_string(),
                2 => "Sun, 06 Nov 1994 08:49:37 GMT".to_owned(),
                _ => u.arbitrary::<String>()?,
            };
            insert(&mut headers, name, &value);
        }
    }
    let body = body(u, vocabulary)?;
    Ok(Response {
        status: StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
        headers,
        body: body.into(),
        attempt,
    })
}

fn insert(headers: &mut HeaderMap, name: &'static str, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.insert(name, value);
    }
}

/// A body: raw, a damaged example, a mutated example, or generated JSON.
pub fn body(u: &mut Unstructured<'_>, vocabulary: &Vocabulary) -> Result<Vec<u8>> {
    Ok(match u.int_in_range(0..=3)? {
        0 => u.bytes(u.len())?.to_vec(),
        1 => {
            let mut bytes = u.choose(vocabulary.examples)?.as_bytes().to_vec();
            let cut = u.choose_index(bytes.len() + 1)?;
            bytes.truncate(cut);
            for _ in 0..u.int_in_range(0..=3)? {
                if bytes.is_empty() {
                    break;
                }
                let at = u.choose_index(bytes.len())?;
                bytes[at] = u.arbitrary()?;
            }
            bytes
        }
        2 => {
            let example = u.choose(vocabulary.examples)?;
            let mut value: Value = serde_json::from_str(example).unwrap_or(Value::Null);
            for _ in 0..u.int_in_range(1..=4)? {
                mutate(u, &mut value, vocabulary)?;
            }
            serde_json::to_vec(&value).unwrap_or_default()
        }
        _ => serde_json::to_vec(&generate(u, vocabulary, 0)?).unwrap_or_default(),
    })
}

/// Changes one node of `value`: walks down to a random node, then replaces it, removes it
/// from its parent, or adds a key to it.
fn mutate(u: &mut Unstructured<'_>, value: &mut Value, vocabulary: &Vocabulary) -> Result<()> {
    match value {
        Value::Object(map) if !map.is_empty() && u.ratio(3, 4)? => {
            let key = map
                .keys()
                .nth(u.choose_index(map.len())?)
                .cloned()
                .unwrap_or_default();
            if u.ratio(1, 6)? {
                map.remove(&key);
                return Ok(());
            }
            match map.get_mut(&key) {
                Some(child) => mutate(u, child, vocabulary),
                None => Ok(()),
            }
        }
        Value::Array(items) if !items.is_empty() && u.ratio(3, 4)? => {
            let at = u.choose_index(items.len())?;
            if u.ratio(1, 6)? {
                items.remove(at);
                return Ok(());
            }
            mutate(u, &mut items[at], vocabulary)
        }
        Value::Object(map) if u.ratio(1, 3)? => {
            let key = key(u, vocabulary)?;
            map.insert(key, generate(u, vocabulary, 2)?);
            Ok(())
        }
        _ => {
            *value = generate(u, vocabulary, 1)?;
            Ok(())
        }
    }
}

fn key(u: &mut Unstructured<'_>, vocabulary: &Vocabulary) -> Result<String> {
    Ok(if u.ratio(7, 8)? {
        (*u.choose(vocabulary.keys)?).to_owned()
    } else {
        u.arbitrary()?
    })
}

/// A JSON value of any type, nested at most a few levels, built from the vocabulary.
fn generate(u: &mut Unstructured<'_>, vocabulary: &Vocabulary, depth: u32) -> Result<Value> {
    let leaf_only = depth >= 4;
    Ok(match u.int_in_range(0..=if leaf_only { 6 } else { 8 })? {
        0 => Value::Null,
        1 => Value::Bool(u.arbitrary()?),
        2 => Value::from(*u.choose(&[0i64, 1, -1, 2, 25, 1_700_000_000, i64::MIN, i64::MAX])?),
        3 => Value::from(*u.choose(&[u64::MAX, 1 << 53, 4_294_967_296])?),
        4 => Value::from(*u.choose(&[0.5, -0.0, 1e308, -1e-308, 1.5e10])?),
        5 => Value::from(*u.choose(vocabulary.strings)?),
        6 => Value::from(u.arbitrary::<String>()?),
        7 => {
            let len = u.int_in_range(0..=4)?;
            Value::Array(
                (0..len)
                    .map(|_| generate(u, vocabulary, depth + 1))
                    .collect::<Result<_>>()?,
            )
        }
        _ => {
            let mut map = Map::new();
            for _ in 0..u.int_in_range(0..=6)? {
                let key = key(u, vocabulary)?;
                map.insert(key, generate(u, vocabulary, depth + 1)?);
            }
            Value::Object(map)
        }
    })
}

/// What every error a decoder returns must satisfy: it names the provider, prints without
/// panicking, and keeps at most a short excerpt of the body.
pub fn check_error(error: &Error, provider: ProviderKind) {
    assert_eq!(error.provider(), Some(provider), "{error:?}");
    let _ = (
        error.to_string(),
        format!("{error:?}"),
        error.is_retryable(),
    );
    if let Error::Decode { excerpt, .. } = error {
        assert!(
            excerpt.chars().count() <= 400,
            "excerpt too long: {excerpt:?}"
        );
    }
}
