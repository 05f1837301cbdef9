//! TC3 signing: `sign::sign` against the bare cryptography it cannot avoid.
//!
//! A TC3-HMAC-SHA256 signature needs two SHA-256 (the payload, the canonical request) and
//! four HMAC-SHA256 (date, service, `tc3_request`, the string to sign). The baseline runs
//! exactly that chain on the exact strings `sign` hashes, prepared beforehand; the ratio is
//! what building the canonical strings and the header adds.

use std::hint::black_box;

use aithreads::providers::trtc::sign::{self, SignableRequest, SigningParams};
use anyhow::Result;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use crate::Plan;
use crate::measure::alternate_ns;
use crate::report::{Better, Row};

/// Seed 003's StopAIConversation request body.
const BODY: &[u8] = br#"{"TaskId":"SV1FR+XTtvzAjRxZZ+aof1DfJF00VSBBNE0zR9W-PEpgCPBmt402BbnqMCdom79LtZO-VbLyV1nhVY1pFauWgrW12BevPvJ5Zn010RnD6vj3hgfbVH0."}"#;
/// The headers the client signs.
const HEADERS: [(&str, &str); 2] = [
    ("content-type", "application/json"),
    ("host", "trtc.intl.tencentcloudapi.com"),
];
const PARAMS: SigningParams<'static> = SigningParams {
    secret_id: "AKIDdemo0000000000000000000000000000",
    secret_key: "demo-secret-key-00000000000000000",
    service: "trtc",
    timestamp: 1_740_441_600,
};

fn hmac(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(message);
    mac.finalize().into_bytes().into()
}

pub fn run(plan: &Plan) -> Result<Vec<Row>> {
    let request = SignableRequest::post(&HEADERS, BODY);
    let signed = sign::sign(&request, &PARAMS)?;
    let canonical = signed.canonical_request.text.clone();
    let string_to_sign = signed.string_to_sign.clone();
    let root_key = format!("TC3{}", PARAMS.secret_key);
    let date = sign::scope_date(PARAMS.timestamp)?;

    let (pairs, iterations) = plan.pick((40, 5_000), (10, 2_000));
    let best = alternate_ns(
        pairs,
        iterations,
        || {
            let _ = black_box(sign::sign(black_box(&request), black_box(&PARAMS)));
        },
        || {
            let payload = Sha256::digest(black_box(BODY));
            let canonical = Sha256::digest(black_box(canonical.as_bytes()));
            let date = hmac(black_box(root_key.as_bytes()), date.as_bytes());
            let service = hmac(&date, b"trtc");
            let key = hmac(&service, b"tc3_request");
            let signature = hmac(&key, black_box(string_to_sign.as_bytes()));
            black_box((payload, canonical, signature));
        },
    );
    Ok(vec![
        Row::ratio(
            "sign.tc3",
            "TC3 signing (StopAIConversation)",
            "ns",
            best,
            Better::Lower,
            1.3,
        )
        .note(format!(
            "sign::sign vs bare 2×SHA-256 + 4×HMAC-SHA256 on the same strings; \
             best of {pairs} alternating rounds of {iterations} calls"
        )),
    ])
}
