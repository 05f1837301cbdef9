//! Walking a date range of any length as 2-day windows of numbered pages.
//!
//! GetAIThreads lists at most two days per call, so a longer range is cut into windows
//! `[s, s + 172_799]`, `[s + 172_800, …]`, … (both ends inclusive, as RevCent's
//! `date_start`/`date_end` are read here and by the simulator), which never share a second.
//! A [`Position`] (window start, range end, page) is everything needed to continue a walk,
//! and is what the trait's list cursor encodes.
//!
//! The walk knows nothing of HTTP: it is handed the function that fetches one page, so this
//! module depends only on the query types, and the client depends on it.

use std::future::Future;

use aithreads_core::pagination::stop_after_error;
use aithreads_core::{Error, Result};
use futures::future;
use futures::stream::{self, BoxStream, StreamExt};

use crate::generated::{AiThread, AiThreadList, AiThreadListParams};
use crate::input::{FIRST_PAGE, MAX_RANGE_SECS, ThreadFilters, check_date_range};

/// Seconds in one window: a window `[s, s + WINDOW_SECS - 1]` spans `WINDOW_SECS - 1` s,
/// within the API's 172,800 s limit, and the next window starts right after it.
pub(crate) const WINDOW_SECS: i64 = MAX_RANGE_SECS;

/// Where a walk stands: which window of which range, and which page of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Position {
    /// First second of the current window (`date_start`).
    pub window_start: i64,
    /// Last second of the whole range.
    pub range_end: i64,
    /// Page of the current window.
    pub page: i64,
}

impl Position {
    /// The first page of the first window of `[range_start, range_end]`.
    ///
    /// The whole range is checked here, before any window is fetched: the bad input suite
    /// saw later windows fetched before a range starting before 1970 was refused.
    pub fn first(range_start: i64, range_end: i64) -> Result<Self> {
        check_date_range(range_start, range_end)?;
        Ok(Self {
            window_start: range_start,
            range_end,
            page: FIRST_PAGE,
        })
    }

    /// Last second of the current window (`date_end`).
    pub fn window_end(&self) -> i64 {
        self.window_start
            .saturating_add(WINDOW_SECS - 1)
            .min(self.range_end)
    }

    /// The first page of the next window, if the range goes on.
    pub fn next_window(&self) -> Option<Self> {
        let start = self.window_end().checked_add(1)?;
        (start <= self.range_end).then_some(Self {
            window_start: start,
            page: FIRST_PAGE,
            ..*self
        })
    }

    /// The next page of this window when there is one (per `total_pages`), else the next
    /// window.
    pub fn next(&self, total_pages: i64) -> Option<Self> {
        if self.page < total_pages {
            Some(Self {
                page: self.page + 1,
                ..*self
            })
        } else {
            self.next_window()
        }
    }

    /// The GetAIThreads query for this page.
    pub fn params(&self, filters: &ThreadFilters) -> AiThreadListParams {
        filters.params(self.window_start, self.window_end(), self.page)
    }

    /// The cursor text: `<window start>:<range end>:<page>`.
    pub fn cursor(&self) -> String {
        format!("{}:{}:{}", self.window_start, self.range_end, self.page)
    }

    /// Reads a cursor made by [`cursor`](Self::cursor).
    pub fn parse_cursor(text: &str) -> Result<Self> {
        let invalid = || {
            Error::invalid_input(format!(
                "`{}` is not a RevCent list cursor; pass the `next` of a previous page",
                text.escape_debug()
            ))
        };
        let mut parts = text.split(':').map(|part| part.parse::<i64>());
        let (Some(Ok(window_start)), Some(Ok(range_end)), Some(Ok(page)), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(invalid());
        };
        if page < FIRST_PAGE {
            return Err(invalid());
        }
        Self::first(window_start, range_end)
            .map(|first| Self { page, ..first })
            .map_err(|_| invalid())
    }
}

/// Every thread from `start` to the end of its range, in order: the threads of
/// [`walk_pages`].
pub(crate) fn walk<F, Fut>(
    start: Position,
    filters: ThreadFilters,
    concurrency: usize,
    get_page: F,
) -> BoxStream<'static, Result<AiThread>>
where
    F: Fn(AiThreadListParams) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Result<AiThreadList>> + Send + 'static,
{
    walk_pages(start, filters, concurrency, get_page)
        .flat_map(|page| match page {
            Ok((_, list)) => {
                stream::iter(list.results.unwrap_or_default().into_iter().map(Ok)).left_stream()
            }
            Err(error) => stream::iter([Err(error)]).right_stream(),
        })
        .boxed()
}

/// Every page from `start` to the end of its range, each with its [`Position`], in order:
/// windows oldest first, pages in order. Window heads (their first pages, which tell how many
/// pages follow) are fetched up to `concurrency` at a time, and so are the remaining pages of
/// each window. `get_page` fetches one page (GetAIThreads). The stream ends after the first
/// error, which it yields.
pub(crate) fn walk_pages<F, Fut>(
    start: Position,
    filters: ThreadFilters,
    concurrency: usize,
    get_page: F,
) -> BoxStream<'static, Result<(Position, AiThreadList)>>
where
    F: Fn(AiThreadListParams) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Result<AiThreadList>> + Send + 'static,
{
    let fetch = move |position: Position| {
        let page = get_page(position.params(&filters));
        async move { Ok::<_, Error>((position, page.await?)) }
    };
    let windows = std::iter::successors(Some(start), Position::next_window);
    let rest_fetch = fetch.clone();
    let pages = stream::iter(windows)
        .map(fetch)
        .buffered(concurrency)
        .flat_map(move |head| match head {
            Err(error) => stream::iter([Err(error)]).boxed(),
            Ok((position, list)) => {
                let last = list.total_pages.unwrap_or(0);
                let rest = stream::iter(position.page + 1..=last)
                    .map({
                        let fetch = rest_fetch.clone();
                        move |page| fetch(Position { page, ..position })
                    })
                    .buffered(concurrency)
                    // A page that comes back empty before the announced last one means the
                    // window shrank (threads expire after 60 days): the rest is empty too.
                    .take_while(|page| future::ready(!matches!(page, Ok((_, l)) if is_empty(l))));
                stream::iter([Ok((position, list))]).chain(rest).boxed()
            }
        });
    stop_after_error(pages).boxed()
}

fn is_empty(list: &AiThreadList) -> bool {
    list.results.as_ref().is_none_or(Vec::is_empty)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400;

    fn windows(start: i64, end: i64) -> Vec<(i64, i64)> {
        std::iter::successors(
            Some(Position::first(start, end).unwrap()),
            Position::next_window,
        )
        .map(|p| (p.window_start, p.window_end()))
        .collect()
    }

    #[test]
    fn windows_tile_the_range_without_overlap() {
        let start = 1_700_000_000;
        let w = windows(start, start + 9 * DAY);
        assert_eq!(w.len(), 5);
        assert_eq!(w[0], (start, start + 2 * DAY - 1));
        for pair in w.windows(2) {
            assert_eq!(pair[1].0, pair[0].1 + 1);
        }
        assert_eq!(w[4], (start + 8 * DAY, start + 9 * DAY));
        for (a, b) in &w {
            assert!(b - a <= MAX_RANGE_SECS);
        }
        assert_eq!(windows(start, start), vec![(start, start)]);
        assert_eq!(windows(start, start + 2 * DAY - 1).len(), 1);
        assert_eq!(windows(start, start + 2 * DAY).len(), 2);
        assert_eq!(windows(i64::MAX - 5, i64::MAX).len(), 1);
    }

    proptest::proptest! {
        #[test]
        fn windows_cover_any_range_exactly_once(
            start in 0i64..4_000_000_000,
            length in 0i64..40 * DAY,
        ) {
            let w = windows(start, start + length);
            proptest::prop_assert_eq!(w.first().unwrap().0, start);
            proptest::prop_assert_eq!(w.last().unwrap().1, start + length);
            for (a, b) in &w {
                proptest::prop_assert!(a <= b && b - a < MAX_RANGE_SECS);
            }
            for pair in w.windows(2) {
                proptest::prop_assert_eq!(pair[1].0, pair[0].1 + 1);
            }
        }

        #[test]
        fn any_position_survives_its_cursor(
            window_start in 0..i64::MAX / 2,
            extra in 0i64..1_000_000,
            page in 1i64..100_000,
        ) {
            let p = Position { window_start, range_end: window_start + extra, page };
            proptest::prop_assert_eq!(Position::parse_cursor(&p.cursor()).unwrap(), p);
        }
    }

    #[test]
    fn a_reversed_range_is_refused() {
        assert!(Position::first(10, 9).unwrap_err().is_invalid_input());
    }

    #[test]
    fn a_range_starting_before_1970_is_refused() {
        assert!(Position::first(-1, 9).unwrap_err().is_invalid_input());
        assert!(Position::first(i64::MIN, 0).unwrap_err().is_invalid_input());
        Position::first(0, 0).unwrap();
    }

    #[test]
    fn next_walks_pages_then_windows() {
        let p = Position::first(0, 3 * DAY).unwrap();
        assert_eq!(p.next(3).unwrap().page, 2);
        let next_window = p.next(1).unwrap();
        assert_eq!((next_window.window_start, next_window.page), (2 * DAY, 1));
        assert_eq!(next_window.next(0), None);
    }

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let p = Position {
            window_start: 1_700_000_000,
            range_end: 1_700_900_000,
            page: 4,
        };
        assert_eq!(Position::parse_cursor(&p.cursor()).unwrap(), p);
        for bad in [
            "", "1:2", "1:2:3:4", "a:b:c", "5:4:1", "1:2:0", "1:2:-1", " 1:2:3", "-5:4:1",
        ] {
            assert!(
                Position::parse_cursor(bad).unwrap_err().is_invalid_input(),
                "{bad:?}"
            );
        }
    }
}
