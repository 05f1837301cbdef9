//! What callers send RevCent: thread ids, the GetAIThreads query ([`AiThreadListParams`],
//! built here and encoded into the URL) and the [`ThreadFilters`] of a window walk, with the
//! limits RevCent documents and the checks run before any request.

use aithreads_core::{Error, Result, validate};
use url::Url;

use crate::generated::{AiThreadListParams, StatusFilter};

/// The length of every RevCent id (thread, AI assistant): 20 characters (seeds 000–002).
pub const ID_LEN: usize = 20;

/// The longest `date_end - date_start` RevCent accepts, in seconds: "The difference between
/// date_start and date_end cannot exceed a two (2) day period" (GetAIThreads).
pub const MAX_RANGE_SECS: i64 = 2 * 24 * 60 * 60;

/// The largest (and default) page size: "Limit can range between 1 and 25, and the default
/// is 25" (GetAIThreads).
pub const MAX_LIMIT: i64 = 25;

/// The number of the first page.
///
/// RevCent does not say whether `page` counts from 0 or 1 (searched: the GetAIThreads
/// operation and its sibling list operations, the v2 API page, the MCP markdown guides, and
/// public code calling the API). This crate assumes 1, the usual reading of `current_page`
/// next to `total_pages`; the simulator agrees and refuses page 0.
pub const FIRST_PAGE: i64 = 1;

impl AiThreadListParams {
    /// Page 1 of the threads created in `[date_start, date_end]` (unix seconds, both
    /// inclusive), 25 per page, unfiltered.
    pub fn new(date_start: i64, date_end: i64) -> Self {
        Self {
            date_start,
            date_end,
            limit: MAX_LIMIT,
            page: FIRST_PAGE,
            ai_assistant_filter: None,
            status_filter: None,
        }
    }

    /// Sets the page number (from [`FIRST_PAGE`]; 0 is sent too, to ask the server which
    /// base it counts from).
    pub fn with_page(mut self, page: i64) -> Self {
        self.page = page;
        self
    }

    /// Sets the page size (1 to 25).
    pub fn with_limit(mut self, limit: i64) -> Self {
        self.limit = limit;
        self
    }

    /// Only threads of these AI assistants (20-character ids); empty: all.
    pub fn with_ai_assistants(mut self, ids: impl IntoIterator<Item = impl Into<String>>) -> Self {
        let ids: Vec<String> = ids.into_iter().map(Into::into).collect();
        self.ai_assistant_filter = (!ids.is_empty()).then_some(ids);
        self
    }

    /// Only threads in these statuses; empty: all.
    pub fn with_statuses(mut self, statuses: impl IntoIterator<Item = StatusFilter>) -> Self {
        let statuses: Vec<StatusFilter> = statuses.into_iter().collect();
        self.status_filter = (!statuses.is_empty()).then_some(statuses);
        self
    }

    /// Appends the query string: the four required parameters, then each filter value under
    /// its own name (`style: form, explode: true`: `status_filter=running&status_filter=timer`).
    pub(crate) fn append_to(&self, url: &mut Url) {
        let mut query = url.query_pairs_mut();
        query
            .append_pair("date_start", &self.date_start.to_string())
            .append_pair("date_end", &self.date_end.to_string())
            .append_pair("limit", &self.limit.to_string())
            .append_pair("page", &self.page.to_string());
        for id in self.ai_assistant_filter.iter().flatten() {
            query.append_pair("ai_assistant_filter", id);
        }
        for status in self.status_filter.iter().flatten() {
            query.append_pair("status_filter", status.as_str());
        }
    }
}

/// Checks a RevCent thread id before any request: exactly [`ID_LEN`] characters (seeds
/// 000–002) that go into the URL path unescaped.
pub fn check_thread_id(id: &str) -> Result<()> {
    validate::fixed_length_id("RevCent thread id", id, ID_LEN)
}

/// A date range in unix seconds, both ends inclusive: it starts in 1970 or later, as
/// GetAIThreads refuses a negative `date_start`, and does not end before it starts. Checked
/// for every GetAIThreads call and for a whole range before its windows are walked (so a bad
/// range is refused before any window is fetched).
pub(crate) fn check_date_range(start: i64, end: i64) -> Result<()> {
    if start < 0 {
        return Err(Error::invalid_input(format!(
            "the date range starts before 1970 ({start}); RevCent dates are unix times"
        )));
    }
    if end < start {
        return Err(Error::invalid_input(format!(
            "the date range ends ({end}) before it starts ({start})"
        )));
    }
    Ok(())
}

/// Checks a GetAIThreads query as RevCent documents it, so a bad one is never sent.
pub(crate) fn check_list_params(params: &AiThreadListParams) -> Result<()> {
    check_date_range(params.date_start, params.date_end)?;
    let span = params.date_end - params.date_start;
    if span > MAX_RANGE_SECS {
        return Err(Error::invalid_input(format!(
            "the date range spans {span} s; RevCent lists at most {MAX_RANGE_SECS} s (2 days) per call: use ai_threads() for longer ranges"
        )));
    }
    validate::in_range("limit", params.limit, 1, MAX_LIMIT)?;
    // Page 0 is sent, not refused: whether RevCent counts pages from 0 is the server's
    // answer to give (`aithreads doctor` asks it).
    validate::in_range("page", params.page, 0, i64::from(i32::MAX))?;
    for id in params.ai_assistant_filter.iter().flatten() {
        validate::fixed_length_id("RevCent AI assistant id", id, ID_LEN)?;
    }
    for status in params.status_filter.iter().flatten() {
        if let StatusFilter::Unknown(other) = status {
            return Err(Error::invalid_input(format!(
                "status filter `{}` is not one of running, timer, complete, error",
                other.escape_debug()
            )));
        }
    }
    Ok(())
}

/// What [`ai_threads`](crate::RevCentClient::ai_threads) lists, besides the date range.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ThreadFilters {
    /// Only threads of these AI assistants (20-character ids); empty: all.
    pub ai_assistants: Vec<String>,
    /// Only threads in these statuses; empty: all. RevCent cannot filter `Cancelled`.
    pub statuses: Vec<StatusFilter>,
    /// Page size, 1 to 25 (default 25: the fewest requests).
    pub limit: Option<i64>,
}

impl ThreadFilters {
    /// No filter: every thread.
    pub fn new() -> Self {
        Self::default()
    }

    /// Only threads of these AI assistants.
    pub fn with_ai_assistants(mut self, ids: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.ai_assistants = ids.into_iter().map(Into::into).collect();
        self
    }

    /// Only threads in these statuses.
    pub fn with_statuses(mut self, statuses: impl IntoIterator<Item = StatusFilter>) -> Self {
        self.statuses = statuses.into_iter().collect();
        self
    }

    /// Sets the page size.
    pub fn with_limit(mut self, limit: i64) -> Self {
        self.limit = Some(limit);
        self
    }

    /// The query for one page of one window.
    pub(crate) fn params(&self, date_start: i64, date_end: i64, page: i64) -> AiThreadListParams {
        AiThreadListParams::new(date_start, date_end)
            .with_page(page)
            .with_limit(self.limit.unwrap_or(MAX_LIMIT))
            .with_ai_assistants(self.ai_assistants.iter().cloned())
            .with_statuses(self.statuses.iter().cloned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_repeats_filter_names_in_order() {
        let params = AiThreadListParams::new(1_700_000_000, 1_700_086_400)
            .with_page(3)
            .with_limit(10)
            .with_ai_assistants(["AAAAAAAAAAAAAAAAAAAA", "BBBBBBBBBBBBBBBBBBBB"])
            .with_statuses([StatusFilter::Running, StatusFilter::Timer]);
        check_list_params(&params).unwrap();
        let mut url = Url::parse("https://api.revcent.com/v2/ai_threads").unwrap();
        params.append_to(&mut url);
        assert_eq!(
            url.query(),
            Some(
                "date_start=1700000000&date_end=1700086400&limit=10&page=3\
                 &ai_assistant_filter=AAAAAAAAAAAAAAAAAAAA&ai_assistant_filter=BBBBBBBBBBBBBBBBBBBB\
                 &status_filter=running&status_filter=timer"
            )
        );
    }

    #[test]
    fn bad_queries_are_refused() {
        let ok = AiThreadListParams::new(0, MAX_RANGE_SECS);
        check_list_params(&ok).unwrap();
        check_list_params(&ok.clone().with_page(0)).unwrap();
        for bad in [
            AiThreadListParams::new(-1, 5),
            AiThreadListParams::new(10, 9),
            AiThreadListParams::new(0, MAX_RANGE_SECS + 1),
            ok.clone().with_limit(0),
            ok.clone().with_limit(26),
            ok.clone().with_page(-1),
            ok.clone().with_page(i64::from(i32::MAX) + 1),
            ok.clone().with_ai_assistants(["short"]),
            ok.clone().with_ai_assistants(["AAAAAAAAAA/AAAAAAAAA"]),
            ok.clone()
                .with_statuses([StatusFilter::Unknown("cancelled".into())]),
        ] {
            let err = check_list_params(&bad).unwrap_err();
            assert!(err.is_invalid_input(), "{bad:?}: {err}");
        }
    }
}
