//! The errors the ChatKit routes answer, in OpenAI's envelope
//! `{"error": {"message", "type", "param", "code"}}` (all four always present).
//!
//! Messages follow the wording OpenAI's API uses for the same conditions (`Missing required
//! parameter: 'user'.`, `Invalid 'limit': integer above maximum value. …`, `Incorrect API key
//! provided: …`). Where OpenAI's words for a ChatKit condition were not found, the Assistants
//! API's are borrowed (`No thread found with id '…'.`, code `invalid_beta`).

use aithreads_openai_chatkit::generated::Error as WireError;
use aithreads_openai_chatkit::generated::ErrorResponse;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// An error answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// HTTP status.
    pub status: StatusCode,
    /// `error.message`.
    pub message: String,
    /// `error.type`.
    pub kind: &'static str,
    /// `error.param`.
    pub param: Option<String>,
    /// `error.code`.
    pub code: Option<&'static str>,
}

const INVALID_REQUEST: &str = "invalid_request_error";

impl Failure {
    /// A 400 `invalid_request_error`.
    pub fn invalid_request(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
            kind: INVALID_REQUEST,
            param: None,
            code: None,
        }
    }

    /// Names the parameter at fault.
    pub fn param(mut self, param: impl Into<String>) -> Self {
        self.param = Some(param.into());
        self
    }

    /// Sets the machine-readable code.
    pub fn code(mut self, code: &'static str) -> Self {
        self.code = Some(code);
        self
    }

    /// 404 for a thread that does not exist (or no longer does).
    pub fn no_thread(id: &str) -> Self {
        Self::not_found(format!("No thread found with id '{id}'."))
    }

    /// 404 for a session that does not exist.
    pub fn no_session(id: &str) -> Self {
        Self::not_found(format!("No session found with id '{id}'."))
    }

    fn not_found(message: String) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            ..Self::invalid_request(message)
        }
    }

    /// 404 for a path or method the API does not have, as OpenAI answers it.
    pub fn invalid_url(method: &str, path: &str) -> Self {
        Self::not_found(format!("Invalid URL ({method} {path})"))
    }

    /// 401 without an `Authorization: Bearer` key.
    pub fn missing_key() -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            ..Self::invalid_request(
                "You didn't provide an API key. You need to provide your API key in an \
                 Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or \
                 as the basic auth username and password. You can obtain an API key from \
                 https://platform.openai.com/account/api-keys.",
            )
        }
    }

    /// 401 for a key that is not the accepted one; the key is shown masked, as OpenAI does.
    pub fn wrong_key(key: &str) -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            ..Self::invalid_request(format!(
                "Incorrect API key provided: {}. You can find your API key at \
                 https://platform.openai.com/account/api-keys.",
                mask(key)
            ))
            .code("invalid_api_key")
        }
    }

    /// 400 without `OpenAI-Beta: chatkit_beta=v1`.
    pub fn missing_beta() -> Self {
        Self::invalid_request(
            "You must provide the 'OpenAI-Beta' header to access the Chatkit API. Please try \
             again by setting the header 'OpenAI-Beta: chatkit_beta=v1'.",
        )
        .code("invalid_beta")
    }

    /// 400 for a request argument the endpoint does not know.
    pub fn unknown_parameter(path: &str) -> Self {
        Self::invalid_request(format!("Unknown parameter: '{path}'."))
            .param(path)
            .code("unknown_parameter")
    }

    /// 400 for a missing required argument.
    pub fn missing_parameter(path: &str) -> Self {
        Self::invalid_request(format!("Missing required parameter: '{path}'."))
            .param(path)
            .code("missing_required_parameter")
    }

    /// 400 for an argument of the wrong JSON type.
    pub fn invalid_type(path: &str, expected: &str, got: &str) -> Self {
        Self::invalid_request(format!(
            "Invalid type for '{path}': expected {expected}, but got {got} instead."
        ))
        .param(path)
        .code("invalid_type")
    }

    /// 400 for a value outside an enumeration.
    pub fn invalid_value(path: &str, value: &str, supported: &[&str]) -> Self {
        let supported: Vec<String> = supported.iter().map(|s| format!("'{s}'")).collect();
        let list = match supported.as_slice() {
            [] => String::new(),
            [one] => one.clone(),
            [init @ .., last] => format!("{} and {last}", init.join(", ")),
        };
        Self::invalid_request(format!(
            "Invalid value: '{value}'. Supported values are: {list}."
        ))
        .param(path)
        .code("invalid_value")
    }

    /// 400 for an integer outside `[min, max]`.
    pub fn out_of_range(path: &str, value: i64, min: i64, max: Option<i64>) -> Self {
        if value < min {
            Self::invalid_request(format!(
                "Invalid '{path}': integer below minimum value. Expected a value >= {min}, but \
                 got {value} instead."
            ))
            .param(path)
            .code("integer_below_min_value")
        } else {
            let max = max.unwrap_or(i64::MAX);
            Self::invalid_request(format!(
                "Invalid '{path}': integer above maximum value. Expected a value <= {max}, but \
                 got {value} instead."
            ))
            .param(path)
            .code("integer_above_max_value")
        }
    }

    /// 400 for a string whose length is outside `[min, max]` characters.
    pub fn bad_length(path: &str, length: usize, min: usize, max: usize) -> Self {
        if length < min {
            Self::invalid_request(format!(
                "Invalid '{path}': string too short. Expected a string with minimum length \
                 {min}, but got a string with length {length} instead."
            ))
            .param(path)
            .code("string_below_min_length")
        } else {
            Self::invalid_request(format!(
                "Invalid '{path}': string too long. Expected a string with maximum length \
                 {max}, but got a string with length {length} instead."
            ))
            .param(path)
            .code("string_above_max_length")
        }
    }

    /// 400 for a body that is not JSON, in OpenAI's words.
    pub fn unparsable_body() -> Self {
        Self::invalid_request(
            "We could not parse the JSON body of your request. (HINT: This likely means you \
             aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but \
             what was sent was not valid JSON. If you have trouble figuring out how to fix this, \
             please contact us through our help center at help.openai.com.)",
        )
    }

    /// The envelope, as the generated wire model serialises it.
    pub fn body(&self) -> ErrorResponse {
        let mut error = WireError::new(self.message.clone(), self.kind);
        error.code = self.code.map(str::to_owned);
        error.param = self.param.clone();
        ErrorResponse::new(error)
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        (self.status, Json(self.body())).into_response()
    }
}

/// A key as OpenAI prints it in errors: the first 3 and last 4 characters, the rest starred.
fn mask(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_masked_in_errors() {
        let failure = Failure::wrong_key("sk-wrong-key-123456");
        assert!(
            !failure.message.contains("wrong-key"),
            "{}",
            failure.message
        );
        assert!(
            failure.message.contains("sk-************3456"),
            "{}",
            failure.message
        );
        assert_eq!(mask("short"), "*****");
    }

    #[test]
    fn the_envelope_always_has_all_four_fields() {
        let json = serde_json::to_value(Failure::no_thread("cthr_x").body()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"error": {"message": "No thread found with id 'cthr_x'.",
                "type": "invalid_request_error", "param": null, "code": null}})
        );
    }

    #[test]
    fn enumerations_are_listed_like_openai_does() {
        let f = Failure::invalid_value("order", "up", &["asc", "desc"]);
        assert_eq!(
            f.message,
            "Invalid value: 'up'. Supported values are: 'asc' and 'desc'."
        );
        assert_eq!(f.code, Some("invalid_value"));
    }
}
