//! The TC3 signer against Tencent's published vectors, stage by stage (`tests/tc3-vectors/`).

use std::path::{Path, PathBuf};

use aithreads_tencent_trtc::sign::{self, SignableRequest, SigningParams};
use serde::Deserialize;

#[derive(Deserialize)]
struct Context {
    secret_id: String,
    secret_key: String,
    service: String,
    timestamp: i64,
    method: String,
    canonical_uri: String,
    canonical_query: String,
    headers: Vec<(String, String)>,
}

struct Case {
    dir: PathBuf,
    context: Context,
    payload: Vec<u8>,
}

impl Case {
    fn load(name: &str) -> Self {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/tc3-vectors")
            .join(name);
        let context = serde_json::from_slice(&std::fs::read(dir.join("context.json")).unwrap())
            .unwrap_or_else(|e| panic!("{name}/context.json: {e}"));
        let payload = std::fs::read(dir.join("payload.txt")).unwrap();
        Self {
            dir,
            context,
            payload,
        }
    }

    /// An expected stage output; one trailing newline is not part of it.
    fn expected(&self, stage: &str) -> String {
        let text = std::fs::read_to_string(self.dir.join(stage)).unwrap();
        text.strip_suffix('\n').unwrap_or(&text).to_owned()
    }

    fn headers(&self) -> Vec<(&str, &str)> {
        self.context
            .headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }

    fn check_every_stage(&self) {
        let headers = self.headers();
        let request = SignableRequest {
            method: &self.context.method,
            canonical_uri: &self.context.canonical_uri,
            canonical_query: &self.context.canonical_query,
            headers: &headers,
            payload: &self.payload,
        };
        let params = SigningParams {
            secret_id: &self.context.secret_id,
            secret_key: &self.context.secret_key,
            service: &self.context.service,
            timestamp: self.context.timestamp,
        };
        let name = self.dir.display();
        assert_eq!(
            sign::hashed_payload(&self.payload),
            self.expected("hashed-payload.txt"),
            "{name}: hashed payload"
        );
        let signed = sign::sign(&request, &params).unwrap();
        assert_eq!(
            signed.canonical_request.text,
            self.expected("canonical-request.txt"),
            "{name}: canonical request"
        );
        assert_eq!(
            sign::sha256_hex(signed.canonical_request.text.as_bytes()),
            self.expected("hashed-canonical-request.txt"),
            "{name}: hashed canonical request"
        );
        assert_eq!(
            signed.string_to_sign,
            self.expected("string-to-sign.txt"),
            "{name}: string to sign"
        );
        assert_eq!(
            signed.signature,
            self.expected("signature.txt"),
            "{name}: signature"
        );
        assert_eq!(
            signed.authorization,
            self.expected("authorization.txt"),
            "{name}: authorization"
        );
    }
}

#[test]
fn doc_vector_a_reproduces_the_published_signature() {
    let case = Case::load("doc-post-a");
    case.check_every_stage();
    // The value printed in Tencent's documentation, independent of the fixture files.
    assert_eq!(
        case.expected("signature.txt"),
        "2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c"
    );
    assert_eq!(
        case.expected("hashed-canonical-request.txt"),
        "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
    );
}

#[test]
fn doc_vector_b_english_example_keys() {
    let case = Case::load("doc-post-b");
    case.check_every_stage();
    assert_eq!(
        case.expected("signature.txt"),
        "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
    );
}

#[test]
fn doc_vector_c_signs_x_tc_action_lowercased() {
    let case = Case::load("doc-post-c-x-tc-action");
    case.check_every_stage();
    assert!(
        case.expected("canonical-request.txt")
            .contains("\nx-tc-action:describeinstances\n")
    );
    assert_eq!(
        case.expected("signature.txt"),
        "10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f"
    );
}

#[test]
fn doc_get_vector_with_a_query_string() {
    let case = Case::load("doc-get");
    case.check_every_stage();
    assert_eq!(
        case.expected("signature.txt"),
        "5da7a33f6993f0614b047e5df4582db9e9bf4672ba50567dba16c6ccf174c474"
    );
}

#[test]
fn non_ascii_payload_is_hashed_as_its_utf8_bytes() {
    let case = Case::load("non-ascii-payload");
    assert!(
        std::str::from_utf8(&case.payload)
            .unwrap()
            .contains("未命名")
    );
    case.check_every_stage();
    assert_eq!(
        case.expected("hashed-payload.txt"),
        "1e07682a01ae959704b7d77a9c0dd92ad8284fc90f9bb2ab5cc941be1d7ea716"
    );
}

#[test]
fn the_scope_date_flips_at_utc_midnight() {
    let before = Case::load("trtc-stop-before-midnight");
    let after = Case::load("trtc-stop-at-midnight");
    before.check_every_stage();
    after.check_every_stage();
    assert_eq!(after.context.timestamp - before.context.timestamp, 1);
    assert!(
        before
            .expected("authorization.txt")
            .contains("/2025-02-24/trtc/tc3_request,")
    );
    assert!(
        after
            .expected("authorization.txt")
            .contains("/2025-02-25/trtc/tc3_request,")
    );
    // Same canonical request, different day: different key, different signature.
    assert_eq!(
        before.expected("canonical-request.txt"),
        after.expected("canonical-request.txt")
    );
    assert_ne!(
        before.expected("signature.txt"),
        after.expected("signature.txt")
    );
}

#[test]
fn one_changed_body_byte_changes_the_signature() {
    let case = Case::load("doc-post-a");
    let headers = case.headers();
    let params = SigningParams {
        secret_id: &case.context.secret_id,
        secret_key: &case.context.secret_key,
        service: &case.context.service,
        timestamp: case.context.timestamp,
    };
    let mut payload = case.payload.clone();
    payload[10] ^= 1;
    let signed = sign::sign(&SignableRequest::post(&headers, &payload), &params).unwrap();
    assert_ne!(signed.signature, case.expected("signature.txt"));
}
