//! The TC3-HMAC-SHA256 canonicaliser and signer on any request, and the `Authorization`
//! parser on any text.
//!
//! For requests HTTP can carry (token header names, header values without line breaks, no
//! line breaks in method, path or query) the canonical request has the documented layout:
//! method, URI, query, one `name:value` line per header (lowercase, trimmed, sorted), a
//! blank line, the signed header list, and the hex SHA-256 of the exact payload. It does not
//! depend on header order or name case; the signature does depend on the payload; and the
//! `Authorization` header parses back to what was signed. Anything else must not panic.

use aithreads_tencent_trtc::sign::{
    self, SignableRequest, SigningParams, canonical_request, parse_authorization,
};
use arbitrary::{Result, Unstructured};
use sha2::{Digest, Sha256};

const TOKEN_CHARS: &[u8] =
    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~";

/// Text from `alphabet`, or any text when `alphabet` is empty.
fn text(u: &mut Unstructured<'_>, alphabet: &[u8], max: usize) -> Result<String> {
    if alphabet.is_empty() {
        return u.arbitrary();
    }
    let len = u.int_in_range(0..=max)?;
    (0..len)
        .map(|_| u.choose(alphabet).map(|b| *b as char))
        .collect()
}

/// Visible ASCII, space and tab: what an HTTP header value holds.
fn value_chars() -> Vec<u8> {
    (0x20..0x7f).chain([b'\t']).collect()
}

fn run(u: &mut Unstructured<'_>) -> Result<()> {
    let http_shaped = u.ratio(3, 4)?;
    let (names, values, line): (&[u8], Vec<u8>, Vec<u8>) = if http_shaped {
        (TOKEN_CHARS, value_chars(), (0x21..0x7f).collect())
    } else {
        (&[], Vec::new(), Vec::new())
    };
    let count = u.int_in_range(if http_shaped { 1 } else { 0 }..=6)?;
    let mut headers = Vec::new();
    for _ in 0..count {
        let mut name = text(u, names, 16)?;
        if name.is_empty() {
            name.push('x');
        }
        headers.push((name, text(u, &values, 32)?));
    }
    let method = text(u, &line, 8)?;
    let uri = text(u, &line, 16)?;
    let query = text(u, &line, 16)?;
    let timestamp: i64 = if u.ratio(7, 8)? {
        u.int_in_range(0..=253_402_300_799)?
    } else {
        u.arbitrary()?
    };
    let secret_key: String = u.arbitrary()?;
    let garbage: String = u.arbitrary()?;
    let payload = u.bytes(u.len())?.to_vec();

    let _ = parse_authorization(&garbage);
    let pairs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let request = SignableRequest {
        method: &method,
        canonical_uri: &uri,
        canonical_query: &query,
        headers: &pairs,
        payload: &payload,
    };
    let canonical = canonical_request(&request);
    let params = SigningParams {
        secret_id: "AKIDfuzz0000",
        secret_key: &secret_key,
        service: "trtc",
        timestamp,
    };
    let signed = sign::sign(&request, &params);
    // As documented: only the years 1970 to 9999 sign.
    assert_eq!(
        signed.is_ok(),
        (0..=253_402_300_799).contains(&timestamp),
        "{timestamp}"
    );
    if !http_shaped || signed.is_err() {
        return Ok(());
    }

    // The documented layout.
    let mut expected: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| (n.to_ascii_lowercase(), v.trim().to_ascii_lowercase()))
        .collect();
    expected.sort();
    let lines: Vec<&str> = canonical.text.split('\n').collect();
    let n = expected.len();
    assert_eq!(lines.len(), n + 6, "{:?}", canonical.text);
    assert_eq!(lines[..3], [method.as_str(), uri.as_str(), query.as_str()]);
    for (line, (name, value)) in lines[3..3 + n].iter().zip(&expected) {
        assert_eq!(*line, format!("{name}:{value}"));
    }
    assert_eq!(lines[3 + n], "");
    let signed_headers: Vec<&str> = expected.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(lines[4 + n], signed_headers.join(";"));
    assert_eq!(canonical.signed_headers, signed_headers.join(";"));
    assert_eq!(lines[5 + n], hex::encode(Sha256::digest(&payload)));

    // Header order and name case do not matter.
    let mut shuffled: Vec<(String, &str)> = headers
        .iter()
        .map(|(n, v)| (n.to_ascii_uppercase(), v.as_str()))
        .collect();
    shuffled.reverse();
    let shuffled: Vec<(&str, &str)> = shuffled.iter().map(|(n, v)| (n.as_str(), *v)).collect();
    let again = canonical_request(&SignableRequest {
        headers: &shuffled,
        ..request
    });
    assert_eq!(again, canonical);

    // The header parses back to what was signed.
    let signed = signed.expect("checked above");
    let parts = parse_authorization(&signed.authorization).expect("our header parses");
    assert_eq!(parts.secret_id, params.secret_id);
    assert_eq!(parts.service, "trtc");
    assert_eq!(parts.signed_headers, signed_headers);
    assert_eq!(parts.signature, signed.signature);
    assert_eq!(parts.date, sign::scope_date(timestamp).expect("in range"));

    // Every payload byte is signed.
    if !payload.is_empty() {
        let mut changed = payload.clone();
        changed[0] ^= 1;
        let other = sign::sign(
            &SignableRequest {
                payload: &changed,
                ..request
            },
            &params,
        )
        .expect("same timestamp");
        assert_ne!(other.signature, signed.signature);
    }
    Ok(())
}

/// Runs the target on one input; panics on a finding.
pub fn check(data: &[u8]) {
    let _ = run(&mut Unstructured::new(data));
}
