//! Cutting a date range into the 2-day windows GetAIThreads accepts, before any request.
//!
//! RevCent does not say whether `date_start` or `date_end` lists the threads created in that
//! very second. So a window is the half-open range `[start, stop)` and is asked a second
//! wider on each side, as `date_start=start-1&date_end=stop`: under any of the four
//! readings that lists every second of the window, and the seconds around it that an
//! inclusive end lists too belong to the neighbouring windows (or lie outside the range)
//! and are dropped here ([`Window::keeps`]). Each second is kept by exactly one window, and
//! a thread created on a boundary appears once. The asked span `stop - (start - 1)` is at
//! most 172,800 s, the API's limit, so a window holds 172,799 s.
//!
//! A [`Range`] is checked, clamped and counted here, so a range that would take more
//! windows than allowed is refused before the first request.

use aithreads_core::{Error, Result};
use time::OffsetDateTime;

use crate::generated::AiThreadListParams;
use crate::input::{MAX_RANGE_SECS, ThreadFilters, check_date_range};

/// Seconds in one window of a walk: one less than the API's span, for the second asked
/// before it.
pub const WINDOW_SECS: i64 = MAX_RANGE_SECS - 1;

/// The most windows a range may take unless the caller allows more
/// ([`RevCentConfig::with_max_windows`](crate::RevCentConfig::with_max_windows)): 31 windows
/// are almost 62 days, more than RevCent's 60-day retention, so any range that can hold threads
/// fits, while a mistyped year is refused instead of walked for hours.
pub const DEFAULT_MAX_WINDOWS: u64 = 31;

/// One window: the threads created in `[start, stop)`, unix seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Window {
    /// `date_start`.
    pub start: i64,
    /// `date_end`: the first second after the window.
    pub stop: i64,
}

impl Window {
    /// The GetAIThreads query for one page of this window: from the second before it (an
    /// exclusive `date_start` lists `start` then) to `stop` (an exclusive `date_end` lists
    /// the second before it).
    pub fn params(&self, filters: &ThreadFilters, page: i64) -> AiThreadListParams {
        filters.params(self.asked_start(), self.stop, page)
    }

    /// The `date_start` asked: the second before the window, or 0 for a window starting in
    /// 1970's first second (RevCent takes no negative time).
    pub fn asked_start(&self) -> i64 {
        self.start.saturating_sub(1).max(0)
    }

    /// Whether a thread created at `created` belongs to this window: created in
    /// `[start, stop)`, so not in the second `stop`, which an inclusive `date_end` lists too
    /// and which belongs to the next window. One window keeps each second, so a thread is
    /// yielded once however the windows' listings overlap.
    pub fn keeps(&self, created: i64) -> bool {
        (self.start..self.stop).contains(&created)
    }

    /// How errors name the window: as it is asked.
    pub fn describe(&self) -> String {
        format!(
            "window date_start={} date_end={}",
            self.asked_start(),
            self.stop
        )
    }
}

/// A checked date range, in unix seconds, both ends inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Range {
    pub start: i64,
    pub end: i64,
}

impl Range {
    /// The range `[start, end]`, checked: it starts in 1970 or later and does not end before
    /// it starts.
    pub fn new(start: i64, end: i64) -> Result<Self> {
        check_date_range(start, end)?;
        Ok(Self { start, end })
    }

    /// How many windows cover it.
    pub fn window_count(&self) -> u64 {
        let seconds = i128::from(self.end) - i128::from(self.start) + 1;
        let windows = (seconds + i128::from(WINDOW_SECS) - 1) / i128::from(WINDOW_SECS);
        u64::try_from(windows).unwrap_or(u64::MAX)
    }

    /// Window `index` (0: the oldest).
    pub fn window(&self, index: u64) -> Window {
        let offset = i128::from(index) * i128::from(WINDOW_SECS);
        let start = i128::from(self.start) + offset;
        let stop = (start + i128::from(WINDOW_SECS)).min(i128::from(self.end) + 1);
        let clamp = |v: i128| i64::try_from(v).unwrap_or(i64::MAX);
        Window {
            start: clamp(start),
            stop: clamp(stop),
        }
    }

    /// Its windows in walking order: oldest first, or newest first when `newest_first`.
    pub fn windows(&self, newest_first: bool) -> impl Iterator<Item = Window> + Send + use<> {
        let range = *self;
        let count = self.window_count();
        (0..count).map(move |i| range.window(if newest_first { count - 1 - i } else { i }))
    }
}

/// What walking a range will take, known before the first request: the range as it will be
/// walked, and how many 2-day windows (at least one GetAIThreads request each) it needs.
///
/// From [`RevCentClient::plan_range`](crate::RevCentClient::plan_range), for dry runs and
/// progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RangePlan {
    /// The first second listed.
    pub start: OffsetDateTime,
    /// The last second listed: the end asked for, or now when that lay in the future.
    pub end: OffsetDateTime,
    /// Whether `end` was moved back to now.
    pub end_clamped: bool,
    /// How many windows the range needs.
    pub windows: u64,
    /// The most windows the client walks (see [`DEFAULT_MAX_WINDOWS`]).
    pub max_windows: u64,
}

impl RangePlan {
    /// Plans `[start, end]` at `now`: the end is clamped to now (no thread is created in the
    /// future, and a far future end would mean millions of empty windows), then the windows
    /// are counted and refused beyond `max_windows`.
    pub(crate) fn new(start: i64, end: i64, now: i64, max_windows: u64) -> Result<(Self, Range)> {
        Range::new(start, end)?;
        if start > now {
            return Err(Error::invalid_input(format!(
                "the date range starts in the future ({start}, now is {now}); no thread was created then"
            )));
        }
        let end_clamped = end > now;
        let range = Range::new(start, end.min(now))?;
        let windows = range.window_count();
        if windows > max_windows {
            let days = windows * 2;
            return Err(Error::invalid_input(format!(
                "the date range needs {windows} windows of 2 days (about {days} days), more than the {max_windows} allowed: RevCent keeps threads for 60 days; narrow the range, or allow more windows (--max-windows, RevCentConfig::with_max_windows)"
            )));
        }
        let time = |unix: i64| {
            OffsetDateTime::from_unix_timestamp(unix)
                .map_err(|_| Error::invalid_input(format!("{unix} is not a representable time")))
        };
        let plan = Self {
            start: time(range.start)?,
            end: time(range.end)?,
            end_clamped,
            windows,
            max_windows,
        };
        Ok((plan, range))
    }
}

/// Where a page-by-page listing ([`ThreadProvider::list_threads`]) stands: which range, in
/// which order, how many windows are done. Its text form is the trait's cursor.
///
/// [`ThreadProvider::list_threads`]: aithreads_core::ThreadProvider::list_threads
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cursor {
    pub range: Range,
    pub newest_first: bool,
    /// Windows already listed.
    pub done: u64,
}

impl Cursor {
    /// The window to list next, if any is left.
    pub fn window(&self) -> Option<Window> {
        let count = self.range.window_count();
        (self.done < count).then(|| {
            self.range.window(if self.newest_first {
                count - 1 - self.done
            } else {
                self.done
            })
        })
    }

    /// The cursor after the current window.
    pub fn next(&self) -> Option<Self> {
        let next = Self {
            done: self.done + 1,
            ..*self
        };
        next.window().map(|_| next)
    }

    /// The text form: `<a|d>:<range start>:<range end>:<windows done>`.
    pub fn text(&self) -> String {
        let order = if self.newest_first { 'd' } else { 'a' };
        format!(
            "{order}:{}:{}:{}",
            self.range.start, self.range.end, self.done
        )
    }

    /// Reads a cursor made by [`text`](Self::text).
    pub fn parse(text: &str) -> Result<Self> {
        let invalid = || {
            Error::invalid_input(format!(
                "`{}` is not a RevCent list cursor; pass the `next` of a previous page",
                text.escape_debug()
            ))
        };
        let mut parts = text.split(':');
        let newest_first = match parts.next() {
            Some("a") => false,
            Some("d") => true,
            _ => return Err(invalid()),
        };
        let mut numbers = parts.map(|part| part.parse::<i64>());
        let (Some(Ok(start)), Some(Ok(end)), Some(Ok(done)), None) = (
            numbers.next(),
            numbers.next(),
            numbers.next(),
            numbers.next(),
        ) else {
            return Err(invalid());
        };
        let range = Range::new(start, end).map_err(|_| invalid())?;
        let cursor = Self {
            range,
            newest_first,
            done: u64::try_from(done).map_err(|_| invalid())?,
        };
        cursor.window().ok_or_else(invalid)?;
        Ok(cursor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400;

    fn windows(start: i64, end: i64) -> Vec<(i64, i64)> {
        Range::new(start, end)
            .unwrap()
            .windows(false)
            .map(|w| (w.start, w.stop))
            .collect()
    }

    #[test]
    fn windows_tile_the_range_and_are_asked_a_second_wider() {
        let start = 1_700_000_000;
        let w = windows(start, start + 9 * DAY);
        assert_eq!(w.len(), 5);
        assert_eq!(w[0], (start, start + 2 * DAY - 1));
        for pair in w.windows(2) {
            assert_eq!(
                pair[1].0, pair[0].1,
                "the next window starts at the boundary"
            );
        }
        assert_eq!(w[4], (start + 4 * WINDOW_SECS, start + 9 * DAY + 1));
        let range = Range::new(start, start + 9 * DAY).unwrap();
        let params = range.window(1).params(&ThreadFilters::new(), 1);
        assert_eq!(
            (params.date_start, params.date_end),
            (w[1].0 - 1, w[1].1),
            "a second before the window, to its end"
        );
        assert_eq!(params.date_end - params.date_start, MAX_RANGE_SECS);
        assert_eq!(Range::new(0, DAY).unwrap().window(0).asked_start(), 0);
        assert_eq!(windows(start, start), vec![(start, start + 1)]);
        assert_eq!(windows(start, start + 2 * DAY - 2).len(), 1);
        assert_eq!(windows(start, start + 2 * DAY - 1).len(), 2);
        let newest: Vec<_> = Range::new(start, start + 9 * DAY)
            .unwrap()
            .windows(true)
            .map(|w| (w.start, w.stop))
            .collect();
        assert_eq!(newest, w.into_iter().rev().collect::<Vec<_>>());
    }

    #[test]
    fn each_second_belongs_to_one_window() {
        let range = Range::new(0, 3 * DAY).unwrap();
        let (first, second) = (range.window(0), range.window(1));
        assert!(first.keeps(0));
        assert!(first.keeps(WINDOW_SECS - 1));
        assert!(
            !first.keeps(WINDOW_SECS),
            "the boundary second is the later window's"
        );
        assert!(second.keeps(WINDOW_SECS));
        assert!(second.keeps(3 * DAY), "the range end is inclusive");
        assert!(!second.keeps(3 * DAY + 1));
        assert!(
            !second.keeps(WINDOW_SECS - 1),
            "the earlier window's second"
        );
    }

    proptest::proptest! {
        #[test]
        fn windows_cover_any_range_exactly_once(
            start in 0i64..4_000_000_000,
            length in 0i64..40 * DAY,
        ) {
            let w = windows(start, start + length);
            proptest::prop_assert_eq!(w.len() as u64, Range::new(start, start + length).unwrap().window_count());
            proptest::prop_assert_eq!(w.first().unwrap().0, start);
            proptest::prop_assert_eq!(w.last().unwrap().1, start + length + 1);
            for (a, b) in &w {
                proptest::prop_assert!(a < b && b - (a - 1) <= MAX_RANGE_SECS);
            }
            for pair in w.windows(2) {
                proptest::prop_assert_eq!(pair[1].0, pair[0].1);
            }
        }

        #[test]
        fn any_cursor_survives_its_text(
            start in 0..i64::MAX / 2,
            extra in 0i64..10_000_000,
            done in 0u64..50,
            newest_first: bool,
        ) {
            let range = Range::new(start, start + extra).unwrap();
            let cursor = Cursor { range, newest_first, done };
            if cursor.window().is_some() {
                proptest::prop_assert_eq!(Cursor::parse(&cursor.text()).unwrap(), cursor);
            } else {
                proptest::prop_assert!(Cursor::parse(&cursor.text()).is_err());
            }
        }
    }

    #[test]
    fn bad_ranges_are_refused() {
        assert!(Range::new(10, 9).unwrap_err().is_invalid_input());
        assert!(Range::new(-1, 9).unwrap_err().is_invalid_input());
        assert!(Range::new(i64::MIN, 0).unwrap_err().is_invalid_input());
        Range::new(0, 0).unwrap();
        assert_eq!(Range::new(0, 172_798).unwrap().window_count(), 1);
        assert_eq!(Range::new(0, 172_799).unwrap().window_count(), 2);
        assert!(Range::new(0, i64::MAX).unwrap().window_count() > 1 << 40);
    }

    #[test]
    fn plans_clamp_the_end_and_bound_the_windows() {
        let now = 1_760_000_000;
        let (plan, range) = RangePlan::new(now - DAY, i64::MAX / 2, now, 31).unwrap();
        assert!(plan.end_clamped);
        assert_eq!(plan.end.unix_timestamp(), now);
        assert_eq!(range, Range::new(now - DAY, now).unwrap());
        assert_eq!(plan.windows, 1);

        let (plan, _) = RangePlan::new(now - 60 * DAY, now, now, 31).unwrap();
        assert!(!plan.end_clamped);
        assert_eq!(plan.windows, 31);

        let err = RangePlan::new(now - 62 * DAY, now, now, 31).unwrap_err();
        assert!(err.is_invalid_input());
        assert!(err.to_string().contains("32 windows"), "{err}");
        assert!(err.to_string().contains("--max-windows"), "{err}");
        RangePlan::new(now - 62 * DAY, now, now, 32).unwrap();

        assert!(
            RangePlan::new(now + 1, now + 2, now, 31)
                .unwrap_err()
                .is_invalid_input()
        );
        assert!(
            RangePlan::new(now, now - 1, now, 31)
                .unwrap_err()
                .is_invalid_input()
        );
    }

    #[test]
    fn cursors_walk_the_windows_in_order_and_garbage_is_refused() {
        let range = Range::new(0, 5 * DAY).unwrap();
        for newest_first in [false, true] {
            let mut cursor = Some(Cursor {
                range,
                newest_first,
                done: 0,
            });
            let mut seen = Vec::new();
            while let Some(c) = cursor {
                seen.push(c.window().unwrap());
                assert_eq!(Cursor::parse(&c.text()).unwrap(), c);
                cursor = c.next();
            }
            let expected: Vec<_> = range.windows(newest_first).collect();
            assert_eq!(seen, expected);
        }
        for bad in [
            "",
            "a:1:2",
            "a:1:2:3:4",
            "x:1:2:0",
            "a:b:c:d",
            "a:5:4:0",
            "a:1:2:-1",
            "a:1:2:1",
            " a:1:2:0",
            "a:-5:4:0",
        ] {
            assert!(
                Cursor::parse(bad).unwrap_err().is_invalid_input(),
                "{bad:?}"
            );
        }
    }
}
