//! Walking the windows of a range: every page of every window, each thread once, with what
//! was collected reconciled against the counts RevCent reports.
//!
//! Per window:
//! 1. The first page (page 0 once the base is known to be 0, else page 1) tells how many
//!    threads the window holds (`total_count`); a window above
//!    [`RevCentConfig::with_max_window_threads`](crate::RevCentConfig::with_max_window_threads)
//!    is refused. The walk asks for the `ceil(total_count / limit)` pages that must hold
//!    them, never more, whatever `total_pages` says.
//! 2. On the first window with threads, page 0 is fetched too, and compared with page 1
//!    ([`PageBase::read`]): whether RevCent counts pages from 0 or 1 is then known and kept
//!    for the client's lifetime ([`PageBaseCell`]). In the 1-based reading that costs one
//!    request per client; in the 0-based one nothing (page 0 is needed anyway).
//! 3. Ids are de-duplicated within the window. A page that lists exactly the threads of an
//!    earlier page, in the same order, ends the walk with an error instead of walking the
//!    same results again (a server ignoring `page`). A page that only overlaps earlier ones
//!    is taken: pages shift while threads are cancelled or created during the walk, and
//!    pages fetched at once are answered in any order. A thread is yielded by the one
//!    window its creation second belongs to ([`Window::keeps`]), so windows need not
//!    remember each other's ids; only threads without a creation time are remembered for
//!    the whole walk, and yielded once.
//! 4. A window with fewer distinct ids than `total_count` says is walked once more (threads
//!    created or cancelled during the walk shift pages); if that still falls short, the walk
//!    ends with an error naming the window and both counts. A silent shortfall is never
//!    possible.
//!
//! Oldest window first, threads are sent as pages arrive, in page order; newest window
//! first, each window is held (at most `max_window_threads` threads) and sorted newest
//! first. Either way the end of every window is marked ([`Batch::window_done`]): a walk can
//! be continued after a whole window only.
//!
//! The walk knows nothing of HTTP: it is handed the function that fetches one page.

use std::cmp::Reverse;
use std::collections::{BTreeMap, HashSet};
use std::future::Future;
use std::hash::{BuildHasher, Hasher, RandomState};
use std::sync::Arc;

use aithreads_core::Result;
use futures::stream::{self, BoxStream, StreamExt};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::error::listing_error;
use crate::generated::{AiThread, AiThreadList, AiThreadListParams};
use crate::input::{MAX_LIMIT, ThreadFilters};
use crate::page_base::{PageBase, PageBaseCell, ProbedPage, refuses_page};
use crate::windows::{Cursor, Window};

/// Everything a walk needs besides the range: how to fetch a page, what to ask for, what
/// the client knows about page numbers, and its bounds.
pub(crate) struct Walker<F> {
    /// Fetches one page (GetAIThreads).
    pub fetch: F,
    pub filters: ThreadFilters,
    pub base: Arc<PageBaseCell>,
    /// Pages fetched at once.
    pub concurrency: usize,
    /// The most threads one window may hold.
    pub max_window_threads: u64,
    /// Keys the ids' hashes ([`Ids`]), the same for every window of a walk.
    pub hasher: RandomState,
}

/// The ids a walk remembers, as keyed 64-bit hashes (about 9 bytes a thread instead of the
/// id's text). Two ids of one window sharing a hash (odds about n² / 2⁶⁵: one in ten billion
/// for 100,000 threads) would drop the second.
///
/// The tables are handed from window to window (the window's own cleared), never freed: one
/// allocation the size of the largest window, instead of one a window that the allocator
/// may keep apart.
#[derive(Default)]
struct Ids {
    /// Every id listed in the current window, yielded here or not: the distinct count
    /// reconciled with `total_count`.
    listed: HashSet<u64>,
    /// Threads without a creation time yielded so far in the walk, in any window: any
    /// window may list them.
    undated: HashSet<u64>,
    /// The current window's pages, each as one hash of its ids in order.
    pages: HashSet<u64>,
}

/// Threads of one window as a walk yields them: a page's new threads, or the window's end.
pub(crate) struct Batch {
    pub threads: Vec<AiThread>,
    /// Whether the window is complete with these threads.
    pub window_done: bool,
}

/// Where a window's threads go: sent as pages arrive, or kept until the window is complete.
enum Out<'a> {
    Send(&'a mpsc::Sender<Result<Batch>>),
    Keep,
}

/// What one window's walk has collected.
struct Collected {
    window: Window,
    ids: Ids,
    /// The threads kept for later, by page.
    kept: BTreeMap<i64, Vec<AiThread>>,
    /// The largest `total_count` of this window's pages (of the current pass).
    total: i64,
}

impl Collected {
    /// Starts `window` with the tables of the window before (or new ones).
    fn new(window: Window, mut ids: Ids) -> Self {
        ids.listed.clear();
        ids.pages.clear();
        Self {
            window,
            ids,
            kept: BTreeMap::new(),
            total: 0,
        }
    }

    fn complete(&self) -> bool {
        self.ids.listed.len() as u64 >= u64::try_from(self.total).unwrap_or(0)
    }

    /// The kept threads in page order, or newest first, and the tables for the next window.
    fn into_ordered(self, newest_first: bool) -> (Vec<AiThread>, Ids) {
        let mut threads: Vec<AiThread> = self.kept.into_values().flatten().collect();
        if newest_first {
            threads.reverse();
            threads.sort_by_key(|thread| Reverse(thread.created_date_unix));
        }
        (threads, self.ids)
    }
}

/// How a page is taken: on the first pass a page of nothing new is an error (a server
/// repeating itself); on the second pass over a short window it is expected.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pass {
    First,
    Merge,
}

impl<F, Fut> Walker<F>
where
    F: Fn(AiThreadListParams) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<AiThreadList>> + Send + 'static,
{
    /// Every thread from `cursor` on, windows oldest first or newest first. Must be polled
    /// within a Tokio runtime; dropping the stream stops the walk.
    pub fn threads(self, cursor: Cursor) -> BoxStream<'static, Result<AiThread>> {
        self.batches(cursor)
            .flat_map(|batch| match batch {
                Ok(batch) => stream::iter(batch.threads.into_iter().map(Ok)).left_stream(),
                Err(error) => stream::iter([Err(error)]).right_stream(),
            })
            .boxed()
    }

    /// The threads from `cursor` on in batches, each window's end marked. Must be polled
    /// within a Tokio runtime; dropping the stream stops the walk.
    pub fn batches(self, cursor: Cursor) -> BoxStream<'static, Result<Batch>> {
        let (tx, rx) = mpsc::channel(self.concurrency.max(1));
        let run = async move {
            if let Err(error) = self.run(cursor, &tx).await {
                let _ = tx.send(Err(error)).await;
            }
        };
        let state = (Some(run), None::<AbortOnDrop>, rx);
        stream::unfold(state, |(run, mut task, mut rx)| async move {
            if let Some(run) = run {
                task = Some(AbortOnDrop(tokio::spawn(run)));
            }
            let batch = rx.recv().await?;
            Some((batch, (None, task, rx)))
        })
        .boxed()
    }

    /// Every thread of one window, complete and de-duplicated, in page order or newest
    /// first.
    pub async fn window(&self, window: Window, newest_first: bool) -> Result<Vec<AiThread>> {
        let page = self.base.first_page();
        let head = (self.fetch)(window.params(&self.filters, page)).await?;
        let mut collected = Collected::new(window, Ids::default());
        self.walk_window(&mut collected, page, head, &Out::Keep)
            .await?;
        Ok(collected.into_ordered(newest_first).0)
    }

    async fn run(&self, cursor: Cursor, tx: &mpsc::Sender<Result<Batch>>) -> Result<()> {
        let newest_first = cursor.newest_first;
        let done = usize::try_from(cursor.done).unwrap_or(usize::MAX);
        // The first page of the coming windows is fetched ahead, while the current one is
        // walked: most windows have a single page.
        let mut heads = stream::iter(cursor.range.windows(newest_first).skip(done))
            .map(|window| {
                let page = self.base.first_page();
                let head = (self.fetch)(window.params(&self.filters, page));
                async move { (window, page, head.await) }
            })
            .buffered(self.concurrency.max(1));
        let mut ids = Ids::default();
        while let Some((window, page, head)) = heads.next().await {
            let mut collected = Collected::new(window, ids);
            let out = if newest_first {
                Out::Keep
            } else {
                Out::Send(tx)
            };
            self.walk_window(&mut collected, page, head?, &out).await?;
            let threads;
            (threads, ids) = collected.into_ordered(newest_first);
            let end = Batch {
                threads,
                window_done: true,
            };
            if tx.send(Ok(end)).await.is_err() {
                return Ok(());
            }
            if tx.is_closed() {
                return Ok(());
            }
        }
        Ok(())
    }

    /// Walks one window from its first page `head` (page number `head_page`), reconciling
    /// as the module docs say.
    async fn walk_window(
        &self,
        collected: &mut Collected,
        head_page: i64,
        head: AiThreadList,
        out: &Out<'_>,
    ) -> Result<()> {
        let window = collected.window;
        let total = head.total_count.unwrap_or(0);
        self.check_size(window, total)?;
        // Sized once (the count is bounded above): no table twice the size while growing.
        collected
            .ids
            .listed
            .reserve(usize::try_from(total).unwrap_or(0));
        let mut taken = Vec::new();
        if self.base.is_unknown() && head.total_count.unwrap_or(0) > 0 {
            let (base, page_zero) = self.learn_base(window, &head).await?;
            self.base.set(base);
            if let (PageBase::Zero, Some(list)) = (base, page_zero) {
                self.take(collected, 0, list, out, Pass::First).await?;
                taken.push(0);
            }
        }
        // Pages before the head, in order: page 0 when the head was fetched as page 1
        // before the base was known.
        for page in self.base.first_page()..head_page {
            if !taken.contains(&page) {
                let list = (self.fetch)(window.params(&self.filters, page)).await?;
                self.take(collected, page, list, out, Pass::First).await?;
                taken.push(page);
            }
        }
        self.take(collected, head_page, head, out, Pass::First)
            .await?;
        taken.push(head_page);
        self.walk_pages(collected, &taken, out, Pass::First).await?;
        if collected.complete() {
            return Ok(());
        }
        // Once more from the start: what shifted during the first pass is found now.
        let first_pass_total = collected.total;
        collected.total = 0;
        let page = self.base.first_page();
        let head = (self.fetch)(window.params(&self.filters, page)).await?;
        self.take(collected, page, head, out, Pass::Merge).await?;
        self.walk_pages(collected, &[page], out, Pass::Merge)
            .await?;
        if collected.complete() {
            return Ok(());
        }
        Err(listing_error(format!(
            "RevCent listed {} distinct threads in {}, but its pages report {} (first pass: {first_pass_total}), even after walking the window twice; threads may be changing faster than they can be listed: run again",
            collected.ids.listed.len(),
            window.describe(),
            collected.total,
        )))
    }

    /// Learns the page base from the first window with threads: its page 1 (`head`) and its
    /// page 0, read as [`PageBase::read`] says. Returns page 0 too, to be taken when it is the
    /// window's first page.
    async fn learn_base(
        &self,
        window: Window,
        head: &AiThreadList,
    ) -> Result<(PageBase, Option<AiThreadList>)> {
        let page_one = ids(head);
        match (self.fetch)(window.params(&self.filters, 0)).await {
            Ok(list) => {
                let page_zero = ProbedPage::Listed(ids(&list));
                let base = PageBase::read(&page_zero, &page_one).unwrap_or(PageBase::One);
                Ok((base, Some(list)))
            }
            Err(error) => match refuses_page(&error) {
                Some(_) => Ok((PageBase::One, None)),
                None => Err(error),
            },
        }
    }

    /// Refuses a window said to hold more threads than a walk may.
    fn check_size(&self, window: Window, threads: i64) -> Result<()> {
        if u64::try_from(threads).unwrap_or(0) > self.max_window_threads {
            return Err(listing_error(format!(
                "RevCent reports {threads} threads in {}, more than the {} this client walks per window; narrow the filters, or raise the bound with RevCentConfig::with_max_window_threads",
                window.describe(),
                self.max_window_threads,
            )));
        }
        Ok(())
    }

    /// Fetches the pages that must hold the window's `total` threads (but those already
    /// `taken`), up to `concurrency` at once, and takes them in order. A page that comes back
    /// empty ends the window: it shrank (threads expire after 60 days), or it is the page
    /// after the last under 0-based numbering.
    async fn walk_pages(
        &self,
        collected: &mut Collected,
        taken: &[i64],
        out: &Out<'_>,
        pass: Pass,
    ) -> Result<()> {
        let limit = self.filters.limit.unwrap_or(MAX_LIMIT).max(1);
        // `total` is at most `max_window_threads` here (`take` checked it).
        let pages = (collected.total.max(0) + limit - 1) / limit;
        let first = self.base.first_page();
        let window = collected.window;
        let mut rest = stream::iter(first..first + pages)
            .filter(|page| futures::future::ready(!taken.contains(page)))
            .map(|page| {
                let list = (self.fetch)(window.params(&self.filters, page));
                async move { (page, list.await) }
            })
            .buffered(self.concurrency.max(1));
        while let Some((page, list)) = rest.next().await {
            let list = list?;
            if list.results.as_ref().is_none_or(Vec::is_empty) {
                break;
            }
            self.take(collected, page, list, out, pass).await?;
        }
        Ok(())
    }

    /// Takes one page into `collected` and returns how many of its ids were new to the
    /// window; the threads to yield are sent or kept.
    async fn take(
        &self,
        collected: &mut Collected,
        page: i64,
        list: AiThreadList,
        out: &Out<'_>,
        pass: Pass,
    ) -> Result<usize> {
        let window = collected.window;
        let reported = list.total_count.unwrap_or(0);
        collected.total = collected.total.max(reported);
        let results = list.results.unwrap_or_default();
        let listed = results.len();
        let mut new = 0;
        let mut keep = Vec::new();
        // The page as one hash of its ids in order.
        let mut page_hash = self.hasher.build_hasher();
        for thread in results {
            let id = self
                .hasher
                .hash_one(thread.id.as_deref().unwrap_or_default());
            page_hash.write_u64(id);
            if !collected.ids.listed.insert(id) {
                continue;
            }
            new += 1;
            let yielded = match thread.created_date_unix {
                Some(created) => window.keeps(created),
                None => collected.ids.undated.insert(id),
            };
            if yielded {
                keep.push(thread);
            }
        }
        self.check_size(
            window,
            collected.total.max(collected.ids.listed.len() as i64),
        )?;
        let repeated = !collected.ids.pages.insert(page_hash.finish());
        if pass == Pass::First && new == 0 && listed > 0 && repeated {
            return Err(listing_error(format!(
                "RevCent answered page {page} of {} with the same {listed} threads as an earlier page (total_count {reported}, total_pages {}); stopping instead of walking the same results again",
                window.describe(),
                list.total_pages.unwrap_or_default(),
            )));
        }
        match out {
            Out::Send(tx) if !keep.is_empty() => {
                // A closed channel means the caller stopped reading; the walk ends at the
                // next window.
                let batch = Batch {
                    threads: keep,
                    window_done: false,
                };
                let _ = tx.send(Ok(batch)).await;
            }
            Out::Send(_) => {}
            Out::Keep => collected.kept.entry(page).or_default().extend(keep),
        }
        Ok(new)
    }
}

/// Aborts the walk's task when the stream reading it is dropped.
struct AbortOnDrop(JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The ids a page lists.
fn ids(list: &AiThreadList) -> Vec<String> {
    list.results
        .iter()
        .flatten()
        .filter_map(|thread| thread.id.clone())
        .collect()
}
