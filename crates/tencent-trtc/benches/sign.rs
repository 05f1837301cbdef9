//! What TC3 signing costs beyond its cryptography: `sign::sign` on seed 003's
//! StopAIConversation request against the bare chain of 2 SHA-256 (payload, canonical
//! request) and 4 HMAC-SHA256 (date, service, `tc3_request`, string to sign) on the same
//! inputs. The ratio of the two is the overhead of building the canonical strings.
//!
//! `cargo bench -p aithreads-tencent-trtc --bench sign`

use std::hint::black_box;
use std::time::Duration;

use aithreads_tencent_trtc::sign::{self, SignableRequest, SigningParams};
use criterion::{Criterion, criterion_group, criterion_main};
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

const BODY: &[u8] = br#"{"TaskId":"SV1FR+XTtvzAjRxZZ+aof1DfJF00VSBBNE0zR9W-PEpgCPBmt402BbnqMCdom79LtZO-VbLyV1nhVY1pFauWgrW12BevPvJ5Zn010RnD6vj3hgfbVH0."}"#;
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
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("any key length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

fn signing(c: &mut Criterion) {
    let request = SignableRequest::post(&HEADERS, BODY);
    // The exact strings `sign` hashes and MACs, so both benchmarks do the same cryptography.
    let signed = sign::sign(&request, &PARAMS).expect("valid timestamp");
    let canonical = signed.canonical_request.text.clone();
    let string_to_sign = signed.string_to_sign.clone();
    let key = format!("TC3{}", PARAMS.secret_key);

    let mut group = c.benchmark_group("tc3");
    group.bench_function("sign StopAIConversation", |b| {
        b.iter(|| sign::sign(black_box(&request), black_box(&PARAMS)))
    });
    group.bench_function("bare 4 HMAC-SHA256 + 2 SHA-256", |b| {
        b.iter(|| {
            let payload = Sha256::digest(black_box(BODY));
            let canonical = Sha256::digest(black_box(canonical.as_bytes()));
            let date = hmac(black_box(key.as_bytes()), b"2025-02-25");
            let service = hmac(&date, b"trtc");
            let signing = hmac(&service, b"tc3_request");
            let signature = hmac(&signing, black_box(string_to_sign.as_bytes()));
            (payload, canonical, signature)
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30);
    targets = signing
}
criterion_main!(benches);
