//! What callers send OpenAI: ids, the list queries (hand-written, the spec declares them only
//! as query parameters) and constructors for the session body, with the spec's limits and the
//! checks run before any request.

use aithreads_core::{Error, Order, Result, validate};

use crate::generated::{
    CreateChatSessionBody, ExpiresAfterParam, StateVariableValue, WorkflowParam,
};

/// Largest page the list endpoints accept (the spec's `limit` maximum; its minimum is 0).
pub const MAX_LIMIT: u32 = 100;
/// Longest `user` filter the thread list accepts, in characters (the spec's `maxLength`).
pub const MAX_USER_CHARS: usize = 512;
/// Most state variables a session accepts (the spec's `maxProperties`).
pub const MAX_STATE_VARIABLES: usize = 64;
/// Longest state variable key, in characters.
pub const MAX_STATE_VARIABLE_KEY_CHARS: usize = 64;
/// Longest string state variable value, in characters (the spec's `maxLength`).
pub const MAX_STATE_VARIABLE_STRING_CHARS: usize = 10_485_760;
/// Longest session lifetime, in seconds (`expires_after.seconds` maximum).
pub const MAX_SESSION_SECONDS: i64 = 600;
/// Largest per-file upload limit, in megabytes (`file_upload.max_file_size` maximum).
pub const MAX_FILE_SIZE_MB: i64 = 512;

/// The query of `GET /chatkit/threads`; every field is optional.
///
/// `after` and `before` are thread ids: `after` continues past a page's `last_id`, `before`
/// fetches the page preceding an id in the listing order. Checked before sending: `limit` in
/// `0..=100`, `user` 1 to 512 characters, cursors non-empty without whitespace or control
/// characters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListThreadsParams {
    /// List threads after this thread id.
    pub after: Option<String>,
    /// List threads before this thread id.
    pub before: Option<String>,
    /// Page size, 0 to 100 (the API defaults to 20).
    pub limit: Option<u32>,
    /// Sort order by creation time (the API defaults to newest first).
    pub order: Option<Order>,
    /// Only the threads of this end user.
    pub user: Option<String>,
}

/// The query of `GET /chatkit/threads/{thread_id}/items`; every field is optional.
///
/// Same rules as [`ListThreadsParams`], with item ids as cursors and no `user` filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListItemsParams {
    /// List items after this item id.
    pub after: Option<String>,
    /// List items before this item id.
    pub before: Option<String>,
    /// Page size, 0 to 100 (the API defaults to 20).
    pub limit: Option<u32>,
    /// Sort order by creation time (the API defaults to newest first).
    pub order: Option<Order>,
}

/// The builder methods both list queries share.
macro_rules! cursor_builders {
    ($ty:ident) => {
        impl $ty {
            /// An empty query: the API's defaults.
            pub fn new() -> Self {
                Self::default()
            }

            /// Continues after this id (a page's `last_id`).
            pub fn with_after(mut self, id: impl Into<String>) -> Self {
                self.after = Some(id.into());
                self
            }

            /// Fetches the page preceding this id (a page's `first_id`).
            pub fn with_before(mut self, id: impl Into<String>) -> Self {
                self.before = Some(id.into());
                self
            }

            /// Sets the page size (0 to 100).
            pub fn with_limit(mut self, limit: u32) -> Self {
                self.limit = Some(limit);
                self
            }

            /// Sets the sort order.
            pub fn with_order(mut self, order: Order) -> Self {
                self.order = Some(order);
                self
            }
        }
    };
}

cursor_builders!(ListThreadsParams);
cursor_builders!(ListItemsParams);

impl ListThreadsParams {
    /// Only the threads of this end user (1 to 512 characters).
    pub fn with_user(mut self, user: impl Into<String>) -> Self {
        self.user = Some(user.into());
        self
    }

    /// The query pairs, in the order the official SDKs send them.
    pub(crate) fn query(&self) -> Vec<(&'static str, String)> {
        let mut pairs = page_query(&self.after, &self.before, self.limit, self.order);
        pairs.extend(self.user.iter().map(|u| ("user", u.clone())));
        pairs
    }
}

impl ListItemsParams {
    /// The query pairs, in the order the official SDKs send them.
    pub(crate) fn query(&self) -> Vec<(&'static str, String)> {
        page_query(&self.after, &self.before, self.limit, self.order)
    }
}

/// Checks a ChatKit thread id before any request: one URL path segment (not empty, printable
/// ASCII without `/ ? # % \`, not `.` or `..`).
pub fn check_thread_id(id: &str) -> Result<()> {
    validate::path_segment("thread id", id)
}

/// A session id, which goes into the URL path.
pub(crate) fn check_session_id(id: &str) -> Result<()> {
    validate::path_segment("session id", id)
}

/// Checks a thread list query against the spec's bounds.
pub(crate) fn check_list_threads(params: &ListThreadsParams) -> Result<()> {
    check_page(&params.after, &params.before, params.limit)?;
    if let Some(user) = &params.user {
        validate::length_between("user", user, 1, MAX_USER_CHARS)?;
    }
    Ok(())
}

/// Checks an item list query against the spec's bounds.
pub(crate) fn check_list_items(params: &ListItemsParams) -> Result<()> {
    check_page(&params.after, &params.before, params.limit)
}

fn check_page(after: &Option<String>, before: &Option<String>, limit: Option<u32>) -> Result<()> {
    if let Some(after) = after {
        validate::opaque_id("after cursor", after)?;
    }
    if let Some(before) = before {
        validate::opaque_id("before cursor", before)?;
    }
    if let Some(limit) = limit {
        validate::in_range("limit", limit, 0, MAX_LIMIT)?;
    }
    Ok(())
}

fn page_query(
    after: &Option<String>,
    before: &Option<String>,
    limit: Option<u32>,
    order: Option<Order>,
) -> Vec<(&'static str, String)> {
    let mut pairs = Vec::new();
    pairs.extend(after.iter().map(|a| ("after", a.clone())));
    pairs.extend(before.iter().map(|b| ("before", b.clone())));
    pairs.extend(limit.map(|l| ("limit", l.to_string())));
    pairs.extend(order.map(|o| ("order", order_text(o).to_owned())));
    pairs
}

/// The wire value of an order.
pub(crate) fn order_text(order: Order) -> &'static str {
    match order {
        Order::Asc => "asc",
        Order::Desc => "desc",
    }
}

impl CreateChatSessionBody {
    /// A session of `user` running the latest version of workflow `workflow_id`, with every
    /// option at the API's default.
    pub fn new(workflow_id: impl Into<String>, user: impl Into<String>) -> Self {
        Self {
            workflow: WorkflowParam {
                id: workflow_id.into(),
                ..WorkflowParam::default()
            },
            user: user.into(),
            ..Self::default()
        }
    }
}

impl ExpiresAfterParam {
    /// Expire `seconds` (1 to 600) after the session is created.
    pub fn after_creation(seconds: i64) -> Self {
        Self {
            anchor: "created_at".to_owned(),
            seconds,
        }
    }
}

/// Checks a session body against the spec before it is sent.
pub(crate) fn check_session(body: &CreateChatSessionBody) -> Result<()> {
    non_empty("workflow.id", &body.workflow.id)?;
    non_empty("user", &body.user)?;
    if let Some(variables) = &body.workflow.state_variables {
        check_state_variables(variables)?;
    }
    if let Some(expires) = &body.expires_after {
        if expires.anchor != "created_at" {
            return Err(Error::invalid_input(format!(
                "expires_after.anchor is `{}`; the only anchor is `created_at`",
                expires.anchor.escape_debug()
            )));
        }
        validate::in_range(
            "expires_after.seconds",
            expires.seconds,
            1,
            MAX_SESSION_SECONDS,
        )?;
    }
    if let Some(limits) = &body.rate_limits {
        at_least_one(
            "rate_limits.max_requests_per_1_minute",
            limits.max_requests_per_1_minute,
        )?;
    }
    if let Some(config) = &body.chatkit_configuration {
        if let Some(upload) = &config.file_upload {
            if let Some(size) = upload.max_file_size {
                validate::in_range(
                    "chatkit_configuration.file_upload.max_file_size",
                    size,
                    1,
                    MAX_FILE_SIZE_MB,
                )?;
            }
            at_least_one(
                "chatkit_configuration.file_upload.max_files",
                upload.max_files,
            )?;
        }
        if let Some(history) = &config.history {
            at_least_one(
                "chatkit_configuration.history.recent_threads",
                history.recent_threads,
            )?;
        }
    }
    Ok(())
}

fn check_state_variables(
    variables: &std::collections::BTreeMap<String, StateVariableValue>,
) -> Result<()> {
    if variables.len() > MAX_STATE_VARIABLES {
        return Err(Error::invalid_input(format!(
            "workflow.state_variables has {} entries; at most {MAX_STATE_VARIABLES} are allowed",
            variables.len()
        )));
    }
    for (key, value) in variables {
        validate::length_between(
            "a workflow.state_variables key",
            key,
            1,
            MAX_STATE_VARIABLE_KEY_CHARS,
        )?;
        match value {
            StateVariableValue::String(text) => validate::length_between(
                &format!("workflow.state_variables.{key}"),
                text,
                0,
                MAX_STATE_VARIABLE_STRING_CHARS,
            )?,
            // JSON has no NaN or infinity: serde_json would send `null` instead.
            StateVariableValue::Number(n) if !n.is_finite() => {
                return Err(Error::invalid_input(format!(
                    "workflow.state_variables.{key} is {n}; JSON numbers must be finite"
                )));
            }
            _ => {}
        }
    }
    Ok(())
}

fn non_empty(label: &str, value: &str) -> Result<()> {
    if value.is_empty() {
        return Err(Error::invalid_input(format!("{label} is empty")));
    }
    Ok(())
}

fn at_least_one(label: &str, value: Option<i64>) -> Result<()> {
    match value {
        Some(n) if n < 1 => Err(Error::invalid_input(format!(
            "{label} is {n}; it must be at least 1"
        ))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generated::{
        ChatkitConfigurationParam, FileUploadParam, HistoryParam, RateLimitsParam,
    };

    #[test]
    fn thread_queries_follow_the_sdk_order_and_omit_unset_fields() {
        let params = ListThreadsParams::new()
            .with_user("user_1")
            .with_order(Order::Asc)
            .with_limit(5)
            .with_before("cthr_b")
            .with_after("cthr_a");
        let query = params.query();
        let pairs: Vec<(&str, &str)> = query.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(
            pairs,
            [
                ("after", "cthr_a"),
                ("before", "cthr_b"),
                ("limit", "5"),
                ("order", "asc"),
                ("user", "user_1")
            ]
        );
        assert!(ListThreadsParams::new().query().is_empty());
        assert!(ListItemsParams::new().query().is_empty());
    }

    #[test]
    fn limits_and_user_lengths_follow_the_spec_bounds() {
        for ok in [0, 1, 100] {
            check_list_threads(&ListThreadsParams::new().with_limit(ok)).unwrap();
            check_list_items(&ListItemsParams::new().with_limit(ok)).unwrap();
        }
        assert!(check_list_threads(&ListThreadsParams::new().with_limit(101)).is_err());
        assert!(check_list_items(&ListItemsParams::new().with_limit(101)).is_err());
        check_list_threads(&ListThreadsParams::new().with_user("x".repeat(512))).unwrap();
        for bad in [String::new(), "x".repeat(513)] {
            let err = check_list_threads(&ListThreadsParams::new().with_user(bad)).unwrap_err();
            assert!(err.is_invalid_input());
        }
    }

    #[test]
    fn cursors_must_be_plain_ids() {
        for bad in ["", "a b", "a\nb"] {
            assert!(check_list_threads(&ListThreadsParams::new().with_after(bad)).is_err());
            assert!(check_list_items(&ListItemsParams::new().with_before(bad)).is_err());
        }
    }

    fn body() -> CreateChatSessionBody {
        CreateChatSessionBody::new("wf_123", "user_1")
    }

    #[test]
    fn a_minimal_session_body_passes_and_serialises_like_the_sdk_example() {
        check_session(&body()).unwrap();
        assert_eq!(
            serde_json::to_value(body()).unwrap(),
            serde_json::json!({"workflow": {"id": "wf_123"}, "user": "user_1"})
        );
    }

    #[test]
    fn session_bodies_outside_the_spec_are_refused() {
        let mut cases: Vec<(CreateChatSessionBody, &str)> = Vec::new();
        cases.push((CreateChatSessionBody::new("", "u"), "workflow.id"));
        cases.push((CreateChatSessionBody::new("wf", ""), "user"));
        for seconds in [0, 601] {
            let mut b = body();
            b.expires_after = Some(ExpiresAfterParam::after_creation(seconds));
            cases.push((b, "expires_after.seconds"));
        }
        let mut b = body();
        b.expires_after = Some(ExpiresAfterParam {
            anchor: "now".into(),
            seconds: 5,
        });
        cases.push((b, "expires_after.anchor"));
        let mut b = body();
        b.rate_limits = Some(RateLimitsParam {
            max_requests_per_1_minute: Some(0),
        });
        cases.push((b, "max_requests_per_1_minute"));
        let mut b = body();
        b.chatkit_configuration = Some(ChatkitConfigurationParam {
            file_upload: Some(FileUploadParam {
                max_file_size: Some(513),
                ..Default::default()
            }),
            ..Default::default()
        });
        cases.push((b, "max_file_size"));
        let mut b = body();
        b.chatkit_configuration = Some(ChatkitConfigurationParam {
            history: Some(HistoryParam {
                recent_threads: Some(0),
                ..Default::default()
            }),
            ..Default::default()
        });
        cases.push((b, "recent_threads"));
        let mut b = body();
        b.workflow.state_variables = Some(
            (0..65)
                .map(|i| (format!("k{i}"), StateVariableValue::Integer(i)))
                .collect(),
        );
        cases.push((b, "65 entries"));
        let mut b = body();
        b.workflow.state_variables = Some(
            [("x".repeat(65), StateVariableValue::Boolean(true))]
                .into_iter()
                .collect(),
        );
        cases.push((b, "key"));
        let mut b = body();
        b.workflow.state_variables = Some(
            [("ratio".to_owned(), StateVariableValue::Number(f64::NAN))]
                .into_iter()
                .collect(),
        );
        cases.push((b, "finite"));
        for (body, needle) in cases {
            let err = check_session(&body).unwrap_err();
            assert!(err.is_invalid_input(), "{err:?}");
            assert!(err.to_string().contains(needle), "{needle}: {err}");
        }
    }
}
