//! How RevCent reads the ends of a GetAIThreads date range: whether `date_start` and
//! `date_end` list the threads created in that very second, which no RevCent source states.
//!
//! A walk does not need to know: it asks every window a second wider on each side and keeps
//! each thread in the window its creation second falls in (`windows`), which lists every
//! thread once under all four readings. [`DateEndsProbe`] is the explicit check `aithreads
//! doctor` runs, so an account shows which reading holds.

/// How one end of a date range is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateBound {
    /// The threads created in that second are listed.
    Inclusive,
    /// They are not: only threads created after `date_start`, or before `date_end`.
    Exclusive,
}

impl DateBound {
    /// Listed: inclusive; not listed: exclusive.
    pub(crate) fn from_listed(listed: bool) -> Self {
        if listed {
            Self::Inclusive
        } else {
            Self::Exclusive
        }
    }

    /// `"inclusive"` or `"exclusive"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Inclusive => "inclusive",
            Self::Exclusive => "exclusive",
        }
    }
}

/// The answer of [`RevCentClient::probe_date_ends`](crate::RevCentClient::probe_date_ends):
/// whether a known thread is listed by a range that starts, or ends, on its creation second.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DateEndsProbe {
    /// The thread looked for.
    pub thread_id: String,
    /// Its `created_date_unix`.
    pub created: i64,
    /// What `date_start=created&date_end=created+1` showed; `None` when those two seconds
    /// hold more threads than the probe reads, so nothing can be told.
    pub date_start: Option<DateBound>,
    /// What `date_start=created-1&date_end=created` showed; `None` as above.
    pub date_end: Option<DateBound>,
}
