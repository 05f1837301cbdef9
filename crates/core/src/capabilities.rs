//! [`Capabilities`]: what a provider can do, known before any request.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::{ListQuery, Operation, Order};
use crate::provider_kind::ProviderKind;

/// Which [`ThreadProvider`](crate::ThreadProvider) operations a provider supports, and which
/// [`ListQuery`] fields its listing honours.
///
/// An operation not claimed here answers [`Error::Unsupported`]; a query field not claimed
/// is refused with [`Error::InvalidInput`] before any request, never silently ignored.
///
/// ```
/// use aithreads_core::{Capabilities, Order, QueryFields};
///
/// // Get with transcripts, list by time range and status (oldest first only), cancel.
/// let caps = Capabilities::NONE
///     .with_get()
///     .with_messages()
///     .with_list(QueryFields::NONE.with_time_range().with_status().with_order(Order::Asc))
///     .with_cancel();
/// assert!(caps.list && caps.query.status && !caps.query.user && !caps.delete);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[non_exhaustive]
pub struct Capabilities {
    /// `get_thread`.
    pub get: bool,
    /// Whether `get_thread` returns the transcript in [`Thread::messages`](crate::Thread::messages).
    pub messages: bool,
    /// `list_threads` and `threads`.
    pub list: bool,
    /// The [`ListQuery`] fields `list_threads` honours (none when it cannot list).
    pub query: QueryFields,
    /// `cancel_thread` (RevCent cancel, TRTC stop).
    pub cancel: bool,
    /// `delete_thread` (ChatKit delete).
    pub delete: bool,
}

impl Capabilities {
    /// No operation supported; enable them with the `with_*` methods.
    pub const NONE: Self = Self {
        get: false,
        messages: false,
        list: false,
        query: QueryFields::NONE,
        cancel: false,
        delete: false,
    };

    /// Whether the named trait operation is supported.
    pub fn supports(&self, operation: Operation) -> bool {
        match operation {
            Operation::Get => self.get,
            Operation::List => self.list,
            Operation::Cancel => self.cancel,
            Operation::Delete => self.delete,
        }
    }

    /// Marks `get_thread` supported.
    pub const fn with_get(mut self) -> Self {
        self.get = true;
        self
    }

    /// Says `get_thread` returns the transcript.
    pub const fn with_messages(mut self) -> Self {
        self.messages = true;
        self
    }

    /// Marks `list_threads` supported, honouring the `query` fields.
    pub const fn with_list(mut self, query: QueryFields) -> Self {
        self.list = true;
        self.query = query;
        self
    }

    /// Marks `cancel_thread` supported.
    pub const fn with_cancel(mut self) -> Self {
        self.cancel = true;
        self
    }

    /// Marks `delete_thread` supported.
    pub const fn with_delete(mut self) -> Self {
        self.delete = true;
        self
    }
}

/// The [`ListQuery`] fields a provider's listing honours, beyond `limit` and `cursor`, which
/// every listing takes.
///
/// "Honours" means the results are what the field asks for, whether the provider's API
/// filters or the provider crate filters each page (a page may then hold fewer threads).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[non_exhaustive]
pub struct QueryFields {
    /// [`ListQuery::since`] and [`ListQuery::until`].
    pub time_range: bool,
    /// [`ListQuery::statuses`].
    pub status: bool,
    /// [`ListQuery::user`].
    pub user: bool,
    /// [`ListQuery::assistant`].
    pub assistant: bool,
    /// [`ListQuery::order`] set to [`Order::Asc`], oldest first.
    pub order_asc: bool,
    /// [`ListQuery::order`] set to [`Order::Desc`], newest first.
    pub order_desc: bool,
}

impl QueryFields {
    /// Only `limit` and `cursor`.
    pub const NONE: Self = Self {
        time_range: false,
        status: false,
        user: false,
        assistant: false,
        order_asc: false,
        order_desc: false,
    };

    /// Marks `since` and `until` honoured.
    pub const fn with_time_range(mut self) -> Self {
        self.time_range = true;
        self
    }

    /// Marks `statuses` honoured.
    pub const fn with_status(mut self) -> Self {
        self.status = true;
        self
    }

    /// Marks `user` honoured.
    pub const fn with_user(mut self) -> Self {
        self.user = true;
        self
    }

    /// Marks `assistant` honoured.
    pub const fn with_assistant(mut self) -> Self {
        self.assistant = true;
        self
    }

    /// Marks `order` honoured when set to `order`.
    pub const fn with_order(mut self, order: Order) -> Self {
        match order {
            Order::Asc => self.order_asc = true,
            Order::Desc => self.order_desc = true,
        }
        self
    }

    /// Refuses a query that sets a field not honoured here, naming the field, so a caller
    /// learns before any request that `provider` cannot answer it.
    ///
    /// ```
    /// use aithreads_core::{ListQuery, Order, ProviderKind, QueryFields};
    ///
    /// let fields = QueryFields::NONE.with_time_range().with_order(Order::Asc);
    /// let kind = ProviderKind::RevCent;
    /// assert!(fields.check(kind, &ListQuery::new().with_order(Order::Asc)).is_ok());
    /// let err = fields.check(kind, &ListQuery::new().with_user("u_1")).unwrap_err();
    /// assert!(err.is_invalid_input());
    /// assert_eq!(err.message(), "revcent cannot filter listings by user; leave it unset");
    /// ```
    pub fn check(&self, provider: ProviderKind, query: &ListQuery) -> Result<()> {
        let refused = if !self.time_range && (query.since.is_some() || query.until.is_some()) {
            Some("cannot filter listings by time range (since, until)")
        } else if !self.status && !query.statuses.is_empty() {
            Some("cannot filter listings by status")
        } else if !self.user && query.user.is_some() {
            Some("cannot filter listings by user")
        } else if !self.assistant && query.assistant.is_some() {
            Some("cannot filter listings by assistant")
        } else if !self.order_asc && query.order == Some(Order::Asc) {
            Some("cannot list oldest first (order asc)")
        } else if !self.order_desc && query.order == Some(Order::Desc) {
            Some("cannot list newest first (order desc)")
        } else {
            None
        };
        match refused {
            Some(what) => Err(Error::invalid_input(format!(
                "{provider} {what}; leave it unset"
            ))),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use time::OffsetDateTime;

    #[test]
    fn check_refuses_exactly_the_fields_not_claimed() {
        let now = OffsetDateTime::now_utc();
        let queries = [
            ListQuery::new().with_range(now, now),
            ListQuery::new().with_statuses([Status::Running]),
            ListQuery::new().with_user("u"),
            ListQuery::new().with_assistant("a"),
            ListQuery::new().with_order(Order::Asc),
            ListQuery::new().with_order(Order::Desc),
        ];
        let fields = [
            QueryFields::NONE.with_time_range(),
            QueryFields::NONE.with_status(),
            QueryFields::NONE.with_user(),
            QueryFields::NONE.with_assistant(),
            QueryFields::NONE.with_order(Order::Asc),
            QueryFields::NONE.with_order(Order::Desc),
        ];
        let kind = ProviderKind::OpenAiChatKit;
        for (i, field) in fields.iter().enumerate() {
            for (j, query) in queries.iter().enumerate() {
                let result = field.check(kind, query);
                assert_eq!(result.is_ok(), i == j, "{field:?} / {query:?}");
                assert!(result.is_ok() || result.unwrap_err().is_invalid_input());
            }
            field.check(kind, &ListQuery::new().with_limit(3)).unwrap();
        }
    }
}
