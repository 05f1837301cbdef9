//! Shared setup of the httpmock tests.

use std::time::Duration;

use aithreads_revcent::core::transport::{RetryPolicy, TransportConfig};
use aithreads_revcent::{RevCentClient, RevCentConfig};
use httpmock::MockServer;

pub const KEY: &str = "rc-test-key-7f3a9b";
pub const THREAD_ID: &str = "Xk29dLq0PzR7mNs4TbVa";

/// A seed-shaped response body from `tests/fixtures` (validated against the seed schemas by
/// the simulator crate's schema test).
pub fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(path).unwrap()
}

/// Fast retries, so retry tests take milliseconds.
pub fn transport() -> TransportConfig {
    TransportConfig::default()
        .with_retry(
            RetryPolicy::default()
                .with_backoff(Duration::from_millis(5), Duration::from_millis(20)),
        )
        .with_timeouts(Duration::from_secs(2), Duration::from_secs(5))
}

pub fn client(server: &MockServer) -> RevCentClient {
    client_with(server, transport())
}

pub fn client_with(server: &MockServer, transport: TransportConfig) -> RevCentClient {
    RevCentClient::new(
        RevCentConfig::default()
            .with_api_key(KEY)
            .with_base_url(server.url("/v2"))
            .with_transport(transport),
    )
    .unwrap()
}

/// An `APIStandardErrors` body with this code.
pub fn error_body(code: &str) -> String {
    format!(
        r#"{{"api_call_id":"Er7mT2vLp9Rk4sNw8ZbF","api_call_unix":1760000000,"code":0,"error_code":"{code}","message":"refused: {code}","result":"The API call failed."}}"#
    )
}

/// Ids refused before any request: wrong length, or characters that would change the URL.
pub const INVALID_IDS: [&str; 9] = [
    "",
    "short",
    "Xk29dLq0PzR7mNs4TbVaX",
    "Xk29dLq0P/R7mNs4TbVa",
    "Xk29dLq0P?R7mNs4TbVa",
    "Xk29dLq0P#R7mNs4TbVa",
    "Xk29dLq0P%2FmNs4TbVa",
    "Xk29dLq0P R7mNs4TbVa",
    "Xk29dLq0PéR7mNs4TbV",
];
