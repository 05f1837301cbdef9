//! Helpers shared by the integration tests.

use std::time::Duration;

use aithreads_tencent_trtc::core::transport::{RetryPolicy, TransportConfig};
use aithreads_tencent_trtc::sign::{self, SignableRequest, SigningParams};
use aithreads_tencent_trtc::{TrtcClient, TrtcConfig};

pub const SECRET_ID: &str = "AKIDtest00000000000000000000000000000";
pub const SECRET_KEY: &str = "test-secret-key-0000000000000000";

/// The TaskId of seed 003's example.
pub const SEED_TASK_ID: &str = "SV1FR+XTtvzAjRxZZ+aof1DfJF00VSBBNE0zR9W-PEpgCPBmt402BbnqMCdom79LtZO-VbLyV1nhVY1pFauWgrW12BevPvJ5Zn010RnD6vj3hgfbVH0.";

/// Fast retries, so retry tests take milliseconds.
pub fn fast_retries(attempts: u32) -> TransportConfig {
    TransportConfig::default()
        .with_retry(
            RetryPolicy::default()
                .with_max_attempts(attempts)
                .with_backoff(Duration::from_millis(5), Duration::from_millis(20)),
        )
        .with_timeouts(Duration::from_secs(2), Duration::from_secs(5))
}

/// Test credentials, region ap-singapore, fast retries.
pub fn config(endpoint: &str) -> TrtcConfig {
    TrtcConfig::new()
        .with_credentials(SECRET_ID, SECRET_KEY)
        .with_region("ap-singapore")
        .with_endpoint(endpoint)
        .with_transport(fast_retries(3))
}

pub fn client(endpoint: &str) -> TrtcClient {
    TrtcClient::new(config(endpoint)).unwrap()
}

/// Checks a received request's TC3 signature as Tencent would: the signed headers are
/// exactly `content-type;host`, the timestamp is recent, and the signature over the exact
/// body matches `secret_key`.
pub fn check_signature(
    header: impl Fn(&str) -> Option<String>,
    body: &[u8],
    secret_key: &str,
) -> Result<i64, String> {
    let authorization = header("authorization").ok_or("no authorization")?;
    let parts = sign::parse_authorization(&authorization).ok_or("malformed authorization")?;
    if parts.signed_headers != ["content-type", "host"] {
        return Err(format!("signed headers {:?}", parts.signed_headers));
    }
    let timestamp: i64 = header("x-tc-timestamp")
        .ok_or("no timestamp")?
        .parse()
        .map_err(|_| "timestamp not a number")?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    if (now - timestamp).abs() > 60 {
        return Err(format!("timestamp {timestamp} is not now ({now})"));
    }
    let content_type = header("content-type").ok_or("no content type")?;
    let host = header("host").ok_or("no host")?;
    let headers = [
        ("content-type", content_type.as_str()),
        ("host", host.as_str()),
    ];
    let expected = sign::sign(
        &SignableRequest::post(&headers, body),
        &SigningParams {
            secret_id: parts.secret_id,
            secret_key,
            service: "trtc",
            timestamp,
        },
    )
    .map_err(|e| e.to_string())?;
    if expected.authorization != authorization {
        return Err(format!(
            "signature mismatch: sent {authorization}, expected {}",
            expected.authorization
        ));
    }
    Ok(timestamp)
}
