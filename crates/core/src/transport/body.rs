//! Reading a response body without ever holding more than the configured limit.

use bytes::Bytes;

/// Why a body could not be read.
pub(super) enum BodyError {
    /// The body is (or declares itself) larger than the limit.
    TooLarge,
    /// The connection failed while reading.
    Read(reqwest::Error),
}

/// Reads the whole body of `response`, refusing more than `limit` bytes: a declared
/// `Content-Length` over the limit is refused before reading, and a body without one is
/// read chunk by chunk and dropped as soon as it passes the limit.
pub(super) async fn read(response: reqwest::Response, limit: usize) -> Result<Bytes, BodyError> {
    match response.content_length() {
        Some(len) if len > limit as u64 => Err(BodyError::TooLarge),
        // A declared length within the limit: HTTP framing stops the read there.
        Some(_) => response.bytes().await.map_err(BodyError::Read),
        None => {
            let mut response = response;
            let mut body = Vec::new();
            while let Some(chunk) = response.chunk().await.map_err(BodyError::Read)? {
                if body.len() + chunk.len() > limit {
                    return Err(BodyError::TooLarge);
                }
                body.extend_from_slice(&chunk);
            }
            Ok(body.into())
        }
    }
}
