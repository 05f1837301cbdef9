//! Turning "fetch the page after this cursor" into streams of pages and items.
//!
//! The walk fetches ahead of the consumer with a fixed bound, so a slow consumer (writing
//! an export, say) overlaps with the network while memory stays bounded by
//! `prefetch × page size` items. (RevCent's page-numbered windows have their own walk, in
//! its crate.)
//!
//! A cursor walk trusts no server to end it: a cursor sent again, or a page that brings
//! nothing new, ends it with [`Error::Pagination`], and no item is yielded twice (see
//! [`cursor_stream`]).

use std::collections::HashSet;
use std::future::Future;
use std::hash::{BuildHasher, RandomState};

use futures::stream::{self, BoxStream, StreamExt};
use tokio::sync::mpsc;

use crate::error::{Error, Result};
use crate::model::Page;
use crate::provider_kind::ProviderKind;

/// Walks a cursor-paginated listing of `provider`: calls `fetch(None)`, then `fetch(next)`
/// while the last page had a `next` cursor, yielding every item in order: the items of
/// [`cursor_pages`].
pub fn cursor_stream<T, F, Fut>(
    provider: ProviderKind,
    fetch: F,
    id: fn(&T) -> Option<&str>,
    prefetch: usize,
) -> BoxStream<'static, Result<T>>
where
    T: Send + 'static,
    F: FnMut(Option<String>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Page<T>>> + Send,
{
    flatten_pages(cursor_pages(provider, fetch, id, prefetch))
}

/// Like [`cursor_stream`], but yields whole pages, each with the cursor of the page after it
/// ([`Page::next`]): what a caller that must know where it stands (a resumable export)
/// walks.
///
/// Pages are fetched by a background task up to `prefetch` pages ahead (at least one). The
/// stream ends after the first error, which it yields. Dropping the stream stops the task.
/// Must be called within a Tokio runtime.
///
/// Every walk ends, whatever the server sends:
/// - an item whose `id` was already yielded is left out of its page, so no item is yielded
///   twice (items whose `id` is `None` are always yielded);
/// - a `next` cursor that was already followed (the same `last_id` again, or cursors
///   cycling A → B → A) ends the walk with [`Error::Pagination`] naming the cursor, after the
///   page's new items;
/// - a page with items, none of them new, ends it the same way.
///
/// To do so the walk remembers a 64-bit keyed hash of every cursor followed and every id
/// yielded: about 16 bytes per thread, 16 MB for a million. Two different ids sharing a hash
/// (odds about n² / 2⁶⁵ for n ids, one in ten million for a million ids) would drop the second.
/// A listing that promises an order remembers far less: [`ordered_cursor_pages`].
pub fn cursor_pages<T, F, Fut>(
    provider: ProviderKind,
    fetch: F,
    id: fn(&T) -> Option<&str>,
    prefetch: usize,
) -> BoxStream<'static, Result<Page<T>>>
where
    T: Send + 'static,
    F: FnMut(Option<String>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Page<T>>> + Send,
{
    ordered_cursor_pages(provider, fetch, id, None, prefetch)
}

/// The order a listing promises for its items: their position (such as the creation time)
/// never moves back along the walk.
pub struct ItemOrder<T> {
    /// The item's position; `None` when it has none.
    pub position: fn(&T) -> Option<i64>,
    /// Whether positions grow along the walk (oldest first) or shrink (newest first).
    pub ascending: bool,
}

/// Like [`cursor_pages`] (which it is with `order` `None`), for a listing sorted by `order`:
/// every walk still ends and no item is yielded twice, but memory no longer grows with the
/// listing. The walk remembers the ids
/// at the latest position only (items at one position may come in any order), and the
/// cursors followed.
///
/// An item behind the latest position is either one listed before or one out of the
/// promised order; the walk cannot tell which, so rather than yield it twice or drop it, it
/// ends with [`Error::Pagination`] naming it, after the page's items before it. Items with no
/// position are de-duplicated as [`cursor_pages`] does.
pub fn ordered_cursor_pages<T, F, Fut>(
    provider: ProviderKind,
    mut fetch: F,
    id: fn(&T) -> Option<&str>,
    order: Option<ItemOrder<T>>,
    prefetch: usize,
) -> BoxStream<'static, Result<Page<T>>>
where
    T: Send + 'static,
    F: FnMut(Option<String>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Page<T>>> + Send,
{
    let (tx, rx) = mpsc::channel::<Result<Page<T>>>(prefetch.max(1));
    tokio::spawn(async move {
        let mut seen = Seen::new(provider);
        let mut cursor: Option<String> = None;
        loop {
            let page = match fetch(cursor.clone()).await {
                Ok(page) => page,
                Err(error) => {
                    let _ = tx.send(Err(error)).await;
                    return;
                }
            };
            let (items, verdict) = seen.take(cursor.as_deref(), page, id, order.as_ref());
            let next = verdict.as_ref().ok().cloned().flatten();
            if tx.send(Ok(Page::new(items, next, None))).await.is_err() {
                return;
            }
            match verdict {
                Ok(Some(next)) => cursor = Some(next),
                Ok(None) => return,
                Err(error) => {
                    let _ = tx.send(Err(error)).await;
                    return;
                }
            }
        }
    });
    stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|page| (page, rx))
    })
    .boxed()
}

/// The items of a stream of pages, in order; an error is passed on as it comes.
pub fn flatten_pages<T: Send + 'static>(
    pages: impl futures::Stream<Item = Result<Page<T>>> + Send + 'static,
) -> BoxStream<'static, Result<T>> {
    pages
        .flat_map(|page| match page {
            Ok(page) => stream::iter(page.items.into_iter().map(Ok)).left_stream(),
            Err(error) => stream::iter([Err(error)]).right_stream(),
        })
        .boxed()
}

/// What a cursor walk has seen so far, as keyed hashes.
struct Seen {
    provider: ProviderKind,
    hasher: RandomState,
    cursors: HashSet<u64>,
    /// Every id yielded; in an ordered walk, those at `latest`.
    ids: HashSet<u64>,
    /// In an ordered walk: the ids of items with no position.
    unplaced: HashSet<u64>,
    /// In an ordered walk: the latest position yielded.
    latest: Option<i64>,
}

/// Where an item stands against the latest position of an ordered walk.
enum Place {
    /// At it or past it: it may be new.
    New,
    /// Behind it: listed before, or out of order.
    Behind(i64),
}

impl Seen {
    fn new(provider: ProviderKind) -> Self {
        Self {
            provider,
            hasher: RandomState::new(),
            cursors: HashSet::new(),
            ids: HashSet::new(),
            unplaced: HashSet::new(),
            latest: None,
        }
    }

    /// Places an item at `position` in an ordered walk, moving the latest position forward
    /// (and forgetting the ids at the old one) when it lies past it.
    fn place(&mut self, position: i64, ascending: bool) -> Place {
        let Some(latest) = self.latest else {
            self.latest = Some(position);
            return Place::New;
        };
        let past = if ascending {
            position > latest
        } else {
            position < latest
        };
        if past {
            self.latest = Some(position);
            self.ids.clear();
            Place::New
        } else if position == latest {
            Place::New
        } else {
            Place::Behind(latest)
        }
    }

    /// The new items of the page fetched at `cursor`, and what comes next: the cursor to
    /// follow, `None` at the end, or the error that ends a walk going nowhere.
    fn take<T>(
        &mut self,
        cursor: Option<&str>,
        page: Page<T>,
        id: fn(&T) -> Option<&str>,
        order: Option<&ItemOrder<T>>,
    ) -> (Vec<T>, Result<Option<String>>) {
        if let Some(cursor) = cursor {
            self.cursors.insert(self.hasher.hash_one(cursor));
        }
        let position =
            || cursor.map_or_else(|| "the first page".to_owned(), |c| format!("cursor {c}"));
        let fetched = page.items.len();
        let mut items = Vec::with_capacity(fetched);
        for item in page.items {
            let Some(key) = id(&item) else {
                items.push(item);
                continue;
            };
            let placed = order.and_then(|order| {
                (order.position)(&item).map(|at| (at, self.place(at, order.ascending)))
            });
            if let Some((at, Place::Behind(latest))) = placed {
                let error = Error::pagination(
                    self.provider,
                    position(),
                    format!(
                        "item {key} (position {at}) came after items at {latest}, against the listing's order: listed before, or out of order; stopping rather than yield it twice or skip it"
                    ),
                );
                return (items, Err(error));
            }
            let hash = self.hasher.hash_one(key);
            let new = match (order, placed) {
                (Some(_), None) => self.unplaced.insert(hash),
                _ => self.ids.insert(hash),
            };
            if new {
                items.push(item);
            }
        }
        if items.len() < fetched {
            tracing::debug!(
                provider = %self.provider,
                repeated = fetched - items.len(),
                "skipped items the listing had already sent"
            );
        }
        let verdict = match page.next {
            Some(next) if self.cursors.contains(&self.hasher.hash_one(&next)) => {
                Err(Error::pagination(
                    self.provider,
                    format!("cursor {next}"),
                    "the server sent a cursor it had sent before, so its pages repeat",
                ))
            }
            Some(_) if fetched > 0 && items.is_empty() => Err(Error::pagination(
                self.provider,
                position(),
                format!("the page brought nothing new: all {fetched} items were listed before"),
            )),
            next => Ok(next),
        };
        (items, verdict)
    }
}

/// Ends a stream right after its first error.
pub fn stop_after_error<S, T>(inner: S) -> impl futures::Stream<Item = Result<T>> + Send
where
    S: futures::Stream<Item = Result<T>> + Send,
    T: Send,
{
    inner.scan(false, |failed, item| {
        let out = if *failed {
            None
        } else {
            *failed = item.is_err();
            Some(item)
        };
        futures::future::ready(out)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    const P: ProviderKind = ProviderKind::OpenAiChatKit;

    // The walk asks for `fn(&T) -> Option<&str>` with `T = String`.
    #[allow(clippy::ptr_arg)]
    fn id(item: &String) -> Option<&str> {
        Some(item)
    }

    fn strings(items: impl IntoIterator<Item = u32>) -> Vec<String> {
        items.into_iter().map(|i| format!("t{i}")).collect()
    }

    /// The cursors a fake listing was asked for.
    type Asked = Arc<std::sync::Mutex<Vec<Option<String>>>>;
    /// What a fake listing answers.
    type Answer = futures::future::Ready<Result<Page<String>>>;

    /// A fake listing: each call answers the next of `pages` (items, next cursor), then
    /// the last one for ever; records the cursors asked for.
    fn listing(
        pages: Vec<(Vec<String>, Option<&'static str>)>,
    ) -> (impl FnMut(Option<String>) -> Answer + Send + 'static, Asked) {
        let asked = Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = asked.clone();
        let mut n = 0;
        let fetch = move |cursor: Option<String>| {
            log.lock().unwrap().push(cursor);
            let (items, next) = pages[n.min(pages.len() - 1)].clone();
            n += 1;
            futures::future::ready(Ok(Page::new(items, next.map(str::to_owned), None)))
        };
        (fetch, asked)
    }

    #[tokio::test]
    async fn cursor_stream_follows_cursors_to_the_end() {
        let (fetch, asked) = listing(vec![
            (strings(0..3), Some("t2")),
            (strings(3..6), Some("t5")),
            (strings(6..9), Some("t8")),
            (strings(9..10), None),
        ]);
        let items: Vec<String> = cursor_stream(P, fetch, id, 2)
            .map(|r| r.unwrap())
            .collect()
            .await;
        assert_eq!(items, strings(0..10));
        assert_eq!(
            *asked.lock().unwrap(),
            vec![
                None,
                Some("t2".into()),
                Some("t5".into()),
                Some("t8".into())
            ]
        );
    }

    #[tokio::test]
    async fn cursor_stream_stops_after_an_error() {
        let calls = Arc::new(AtomicUsize::new(0));
        let counter = calls.clone();
        let out: Vec<Result<String>> = cursor_stream(
            P,
            move |_| {
                let n = counter.fetch_add(1, Ordering::SeqCst);
                async move {
                    if n == 0 {
                        Ok(Page::new(strings([1]), Some("x".into()), None))
                    } else {
                        Err(Error::invalid_input("boom"))
                    }
                }
            },
            id,
            4,
        )
        .collect()
        .await;
        assert_eq!(out.len(), 2);
        assert!(out[1].is_err());
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn cursor_stream_prefetch_is_bounded() {
        let calls = Arc::new(AtomicUsize::new(0));
        let counter = calls.clone();
        let mut stream = cursor_stream(
            P,
            move |_| {
                let n = counter.fetch_add(1, Ordering::SeqCst) as u32;
                async move {
                    Ok(Page::new(
                        strings(n * 10..n * 10 + 10),
                        Some(format!("c{n}")),
                        None,
                    ))
                }
            },
            id,
            2,
        );
        let _ = stream.next().await;
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        // One page being consumed, two buffered, one fetched and waiting for room.
        assert!(
            calls.load(Ordering::SeqCst) <= 4,
            "{}",
            calls.load(Ordering::SeqCst)
        );
    }

    /// The walk's whole output: the items, then the error that ended it, if any.
    async fn walk(
        fetch: impl FnMut(Option<String>) -> Answer + Send + 'static,
    ) -> (Vec<String>, Option<Error>) {
        split(cursor_stream(P, fetch, id, 2).collect().await)
    }

    /// A walk's output as its items and the error that ended it, if any.
    fn split(out: Vec<Result<String>>) -> (Vec<String>, Option<Error>) {
        let mut items = Vec::new();
        let mut error = None;
        for item in out {
            match item {
                Ok(item) => items.push(item),
                Err(e) => error = Some(e),
            }
        }
        (items, error)
    }

    #[tokio::test]
    async fn the_same_cursor_again_ends_the_walk_naming_it() {
        // `has_more: true` with the same `last_id` on every page.
        let (fetch, asked) = listing(vec![(strings(0..3), Some("t2"))]);
        let (items, error) = walk(fetch).await;
        assert_eq!(items, strings(0..3));
        let error = error.expect("the walk must end with an error");
        assert!(
            matches!(&error, Error::Pagination { provider: P, position, .. } if position == "cursor t2"),
            "{error:?}"
        );
        assert!(error.to_string().contains("cursor t2"), "{error}");
        assert_eq!(asked.lock().unwrap().len(), 2);
    }

    #[tokio::test]
    async fn cycling_cursors_end_the_walk_without_a_duplicate() {
        // A -> B -> A: the third page is the first again.
        let (fetch, asked) = listing(vec![
            (strings(0..3), Some("t2")),
            (strings(3..6), Some("t5")),
            (strings(0..3), Some("t2")),
        ]);
        let (items, error) = walk(fetch).await;
        assert_eq!(items, strings(0..6));
        assert!(
            matches!(&error, Some(Error::Pagination { position, .. }) if position == "cursor t2"),
            "{error:?}"
        );
        assert_eq!(asked.lock().unwrap().len(), 3);
    }

    #[tokio::test]
    async fn a_page_of_nothing_new_ends_the_walk() {
        // Fresh cursors, the same items: nothing new on the second page.
        let calls = Arc::new(AtomicUsize::new(0));
        let counter = calls.clone();
        let (items, error) = walk(move |_| {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            futures::future::ready(Ok(Page::new(strings(0..3), Some(format!("c{n}")), None)))
        })
        .await;
        assert_eq!(items, strings(0..3));
        assert!(
            matches!(&error, Some(Error::Pagination { position, message, .. })
                if position == "cursor c0" && message.contains("nothing new")),
            "{error:?}"
        );
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn items_sent_again_are_skipped_and_the_walk_goes_on() {
        // Overlapping pages (an insert shifted the listing): the overlap is yielded once.
        let (fetch, _) = listing(vec![
            (strings(0..3), Some("t2")),
            (strings(2..5), Some("t4")),
            (strings(5..6), None),
        ]);
        let (items, error) = walk(fetch).await;
        assert_eq!(items, strings(0..6));
        assert!(error.is_none(), "{error:?}");
    }

    #[tokio::test]
    async fn empty_pages_with_fresh_cursors_go_on_and_items_without_ids_are_kept() {
        // A filtered listing may send empty pages that still point further.
        let (fetch, _) = listing(vec![
            (vec![], Some("a")),
            (vec![], Some("b")),
            (strings([1]), None),
        ]);
        let (items, error) = walk(fetch).await;
        assert_eq!(items, strings([1]));
        assert!(error.is_none(), "{error:?}");
        let kept: Vec<u8> = cursor_stream(
            P,
            |_| async { Ok(Page::new(vec![7u8, 7], None, None)) },
            |_| None,
            1,
        )
        .map(|r| r.unwrap())
        .collect()
        .await;
        assert_eq!(kept, vec![7, 7]);
    }

    /// `t<n>` sits at position `n / 2`: two items a position, oldest first.
    #[allow(clippy::ptr_arg)]
    fn half(item: &String) -> Option<i64> {
        item[1..].parse::<i64>().ok().map(|n| n / 2)
    }

    async fn ordered_walk(
        fetch: impl FnMut(Option<String>) -> Answer + Send + 'static,
    ) -> (Vec<String>, Option<Error>) {
        let order = ItemOrder {
            position: half,
            ascending: true,
        };
        let pages = ordered_cursor_pages(P, fetch, id, Some(order), 2);
        split(flatten_pages(pages).collect().await)
    }

    #[tokio::test]
    async fn an_ordered_walk_drops_a_repeat_at_the_latest_position() {
        let (fetch, _) = listing(vec![
            (strings(0..4), Some("t3")),
            // t2 and t3 share position 1, the latest: t3 again is left out.
            (strings([3, 4, 5]), Some("t5")),
            (strings(6..8), None),
        ]);
        let (items, error) = ordered_walk(fetch).await;
        assert_eq!(items, strings(0..8));
        assert!(error.is_none(), "{error:?}");
    }

    #[tokio::test]
    async fn an_ordered_walk_ends_at_an_item_behind_its_position() {
        let (fetch, asked) = listing(vec![
            (strings(0..6), Some("t5")),
            // t1 (position 0) after t6 (position 3): listed before, or out of order.
            (strings([6, 1, 7]), Some("t7")),
            (strings(8..10), None),
        ]);
        let (items, error) = ordered_walk(fetch).await;
        assert_eq!(items, strings(0..7), "the items before it are yielded");
        match error {
            Some(Error::Pagination { position, .. }) => assert_eq!(position, "cursor t5"),
            other => panic!("{other:?}"),
        }
        assert_eq!(asked.lock().unwrap().len(), 2, "no request after the error");
    }

    #[test]
    fn an_ordered_walk_remembers_only_the_latest_position() {
        let mut seen = Seen::new(P);
        let order = ItemOrder {
            position: half,
            ascending: true,
        };
        for page in 0..100u32 {
            let items = strings(page * 10..page * 10 + 10);
            let (taken, verdict) = seen.take(None, Page::new(items, None, None), id, Some(&order));
            assert_eq!(taken.len(), 10);
            assert!(verdict.is_ok());
        }
        // 1,000 items yielded; the two at the latest position are remembered.
        assert_eq!(seen.ids.len(), 2);
    }
}
