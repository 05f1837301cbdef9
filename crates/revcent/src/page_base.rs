//! RevCent's page numbering: whether the first page of a GetAIThreads listing is page 0 or
//! page 1, which no RevCent source states.
//!
//! The client does not guess: on the first window with threads, a walk fetches page 0 next
//! to page 1 and reads which base holds ([`PageBase::read`]); what it learned is kept for the
//! client's lifetime ([`PageBaseCell`]). That costs one request per client in the 1-based
//! reading and none in the 0-based one, and every window is still reconciled with its
//! `total_count`. [`PageBaseProbe`] is the explicit check `aithreads doctor` runs.

use std::sync::atomic::{AtomicU8, Ordering};

use aithreads_core::{ApiError, Error};

/// Which number RevCent gives the first page of a listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PageBase {
    /// Pages are numbered 0, 1, 2, …
    Zero,
    /// Pages are numbered 1, 2, 3, … (the usual reading of `current_page` next to
    /// `total_pages`).
    One,
}

impl PageBase {
    /// The number of the first page.
    pub fn first_page(self) -> i64 {
        match self {
            Self::Zero => 0,
            Self::One => 1,
        }
    }

    /// `"0"` or `"1"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Zero => "0",
            Self::One => "1",
        }
    }
}

/// What one client has learned about the page base, shared by its clones.
#[derive(Debug, Default)]
pub(crate) struct PageBaseCell(AtomicU8);

impl PageBaseCell {
    const UNKNOWN: u8 = 0;
    const ZERO: u8 = 1;
    const ONE: u8 = 2;

    /// The base learned so far.
    pub fn get(&self) -> Option<PageBase> {
        match self.0.load(Ordering::Relaxed) {
            Self::ZERO => Some(PageBase::Zero),
            Self::ONE => Some(PageBase::One),
            _ => None,
        }
    }

    /// Records what a window showed.
    pub fn set(&self, base: PageBase) {
        let value = match base {
            PageBase::Zero => Self::ZERO,
            PageBase::One => Self::ONE,
        };
        self.0.store(value, Ordering::Relaxed);
    }

    /// The page a window walk asks for first: page 0 once the base is known to be 0, else
    /// page 1.
    pub fn first_page(&self) -> i64 {
        self.get().unwrap_or(PageBase::One).first_page()
    }

    /// Whether this value has not been learned yet.
    pub fn is_unknown(&self) -> bool {
        self.0.load(Ordering::Relaxed) == Self::UNKNOWN
    }
}

/// What one probed page showed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProbedPage {
    /// The ids listed on the page, in order (empty: an empty page).
    Listed(Vec<String>),
    /// RevCent refused the page number (an error envelope or status that is not about
    /// credentials, throttling or the server being down).
    Refused(ApiError),
}

impl ProbedPage {
    fn ids(&self) -> &[String] {
        match self {
            Self::Listed(ids) => ids,
            Self::Refused(_) => &[],
        }
    }
}

/// The answer of [`RevCentClient::probe_page_base`](crate::RevCentClient::probe_page_base):
/// page 0 and page 1 of one window with `limit=1`, and the reading they show
/// ([`PageBase::read`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PageBaseProbe {
    /// `date_start` of the probed window.
    pub date_start: i64,
    /// `date_end` of the probed window.
    pub date_end: i64,
    /// `total_count` as page 1 reported it.
    pub total_count: Option<i64>,
    /// What `page=0` answered.
    pub page_zero: ProbedPage,
    /// What `page=1` answered.
    pub page_one: ProbedPage,
    /// The base the two pages show; `None` when the window holds no thread, so nothing can
    /// be told (probe a busier window).
    pub reading: Option<PageBase>,
}

impl PageBaseProbe {
    pub(crate) fn new(
        date_start: i64,
        date_end: i64,
        total_count: Option<i64>,
        page_zero: ProbedPage,
        page_one: ProbedPage,
    ) -> Self {
        let reading = PageBase::read(&page_zero, page_one.ids());
        Self {
            date_start,
            date_end,
            total_count,
            page_zero,
            page_one,
            reading,
        }
    }
}

impl PageBase {
    /// Reads page 0 and page 1 of one window:
    ///
    /// | page 0 | page 1 | reading |
    /// |---|---|---|
    /// | refused | any | 1 |
    /// | empty, or only threads page 1 lists (page 0 served as page 1) | threads | 1 |
    /// | a thread page 1 does not list | any | 0 |
    /// | empty | empty | unknown (no thread in the window) |
    pub fn read(page_zero: &ProbedPage, page_one: &[String]) -> Option<Self> {
        match page_zero {
            ProbedPage::Refused(_) => Some(Self::One),
            ProbedPage::Listed(zero) if zero.is_empty() => {
                (!page_one.is_empty()).then_some(Self::One)
            }
            ProbedPage::Listed(zero) if zero.iter().all(|id| page_one.contains(id)) => {
                Some(Self::One)
            }
            ProbedPage::Listed(_) => Some(Self::Zero),
        }
    }
}

/// Whether `error`, the answer to a request for page 0, means "there is no page 0": a
/// refusal that is not about credentials, throttling, the network or the server being down.
pub(crate) fn refuses_page(error: &Error) -> Option<ApiError> {
    match error {
        Error::Provider {
            details,
            transient: false,
            ..
        }
        | Error::NotFound { details, .. } => Some((**details).clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(ids: &[&str]) -> ProbedPage {
        ProbedPage::Listed(ids.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn probes_read_as_the_table_says() {
        let refused = ProbedPage::Refused(ApiError::new("page must be at least 1"));
        let cases = [
            (refused.clone(), listed(&["a"]), Some(PageBase::One)),
            (refused, listed(&[]), Some(PageBase::One)),
            (listed(&[]), listed(&["a"]), Some(PageBase::One)),
            (listed(&["a"]), listed(&["a"]), Some(PageBase::One)),
            (listed(&["a"]), listed(&[]), Some(PageBase::Zero)),
            (listed(&["a"]), listed(&["b"]), Some(PageBase::Zero)),
            (listed(&[]), listed(&[]), None),
        ];
        for (zero, one, reading) in cases {
            let probe = PageBaseProbe::new(0, 1, None, zero.clone(), one.clone());
            assert_eq!(probe.reading, reading, "{zero:?} {one:?}");
        }
    }

    #[test]
    fn the_cell_remembers_and_starts_at_one() {
        let cell = PageBaseCell::default();
        assert!(cell.is_unknown());
        assert_eq!(cell.first_page(), 1);
        cell.set(PageBase::Zero);
        assert_eq!(cell.get(), Some(PageBase::Zero));
        assert_eq!(cell.first_page(), 0);
        cell.set(PageBase::One);
        assert_eq!(cell.first_page(), 1);
    }
}
