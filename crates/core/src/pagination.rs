//! Turning "fetch the page after this cursor" and "fetch page N" into streams of items.
//!
//! Both helpers fetch ahead of the consumer with a fixed bound, so a slow consumer (writing
//! an export, say) overlaps with the network while memory stays bounded by
//! `prefetch × page size` items.
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
/// while the last page had a `next` cursor, yielding every item in order.
///
/// Pages are fetched by a background task up to `prefetch` pages ahead (at least one). The
/// stream ends after the first error, which it yields. Dropping the stream stops the task.
/// Must be called within a Tokio runtime.
///
/// Every walk ends, whatever the server sends:
/// - an item whose `id` was already yielded is skipped, so no item is yielded twice (items
///   whose `id` is `None` are always yielded);
/// - a `next` cursor that was already followed (the same `last_id` again, or cursors
///   cycling A → B → A) ends the walk with [`Error::Pagination`] naming the cursor, after the
///   page's new items;
/// - a page with items, none of them new, ends it the same way.
///
/// To do so the walk remembers a 64-bit keyed hash of every cursor followed and every id
/// yielded: about 16 bytes per thread, 16 MB for a million. Two different ids sharing a hash
/// (odds about n² / 2⁶⁵ for n ids, one in ten million for a million ids) would drop the second.
pub fn cursor_stream<T, F, Fut>(
    provider: ProviderKind,
    mut fetch: F,
    id: fn(&T) -> Option<&str>,
    prefetch: usize,
) -> BoxStream<'static, Result<T>>
where
    T: Send + 'static,
    F: FnMut(Option<String>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Page<T>>> + Send,
{
    let (tx, rx) = mpsc::channel::<Result<Vec<T>>>(prefetch.max(1));
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
            let (items, verdict) = seen.take(cursor.as_deref(), page, id);
            if tx.send(Ok(items)).await.is_err() {
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
    flatten_pages(rx)
}

/// What a cursor walk has seen so far, as keyed hashes.
struct Seen {
    provider: ProviderKind,
    hasher: RandomState,
    cursors: HashSet<u64>,
    ids: HashSet<u64>,
}

impl Seen {
    fn new(provider: ProviderKind) -> Self {
        Self {
            provider,
            hasher: RandomState::new(),
            cursors: HashSet::new(),
            ids: HashSet::new(),
        }
    }

    /// The new items of the page fetched at `cursor`, and what comes next: the cursor to
    /// follow, `None` at the end, or the error that ends a walk going nowhere.
    fn take<T>(
        &mut self,
        cursor: Option<&str>,
        page: Page<T>,
        id: fn(&T) -> Option<&str>,
    ) -> (Vec<T>, Result<Option<String>>) {
        if let Some(cursor) = cursor {
            self.cursors.insert(self.hasher.hash_one(cursor));
        }
        let fetched = page.items.len();
        let items: Vec<T> = page
            .items
            .into_iter()
            .filter(|item| id(item).is_none_or(|id| self.ids.insert(self.hasher.hash_one(id))))
            .collect();
        if items.len() < fetched {
            tracing::debug!(
                provider = %self.provider,
                repeated = fetched - items.len(),
                "skipped items the listing had already sent"
            );
        }
        let position =
            || cursor.map_or_else(|| "the first page".to_owned(), |c| format!("cursor {c}"));
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

/// What a page-numbered listing returns: the items of one page and how many pages exist.
#[derive(Debug, Clone)]
pub struct NumberedPage<T> {
    /// The page's items.
    pub items: Vec<T>,
    /// How many pages the listing has (as reported with this page).
    pub total_pages: u32,
}

/// Walks a page-numbered listing: fetches `first`, learns the page count from it, then
/// fetches the remaining pages with up to `concurrency` requests in flight, yielding items in
/// page order.
///
/// The page count is read once, from the first page; a listing that grows while it is walked
/// yields what existed at the start (plus any shifted items). The stream ends after the first
/// error, which it yields.
pub fn numbered_stream<T, F, Fut>(
    first: u32,
    fetch: F,
    concurrency: usize,
) -> BoxStream<'static, Result<T>>
where
    T: Send + 'static,
    F: Fn(u32) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<NumberedPage<T>>> + Send + 'static,
{
    let first_fetch = fetch.clone();
    let pages = stream::once(async move { first_fetch(first).await })
        .flat_map(move |head| match head {
            Err(error) => stream::iter(vec![Err(error)]).boxed(),
            Ok(head) => {
                let fetch = fetch.clone();
                let last = first.saturating_add(head.total_pages.saturating_sub(1));
                let rest = stream::iter(first.saturating_add(1)..=last)
                    .map(fetch)
                    .buffered(concurrency.max(1));
                stream::iter(vec![Ok(head)]).chain(rest).boxed()
            }
        })
        .map(|page| page.map(|p| p.items));
    stop_after_error(pages)
        .flat_map(|page| match page {
            Ok(items) => stream::iter(items.into_iter().map(Ok)).left_stream(),
            Err(error) => stream::iter([Err(error)]).right_stream(),
        })
        .boxed()
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

fn flatten_pages<T: Send + 'static>(
    rx: mpsc::Receiver<Result<Vec<T>>>,
) -> BoxStream<'static, Result<T>> {
    stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|page| (page, rx))
    })
    .flat_map(|page| match page {
        Ok(items) => stream::iter(items.into_iter().map(Ok)).left_stream(),
        Err(error) => stream::iter([Err(error)]).right_stream(),
    })
    .boxed()
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
        let out: Vec<Result<String>> = cursor_stream(P, fetch, id, 2).collect().await;
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

    #[tokio::test]
    async fn numbered_stream_yields_every_page_in_order() {
        let calls = Arc::new(AtomicUsize::new(0));
        let counter = calls.clone();
        let items: Vec<u32> = numbered_stream(
            1,
            move |page: u32| {
                counter.fetch_add(1, Ordering::SeqCst);
                async move {
                    // Later pages answer first, to prove order is kept.
                    tokio::time::sleep(std::time::Duration::from_millis(u64::from(10 - page)))
                        .await;
                    Ok(NumberedPage {
                        items: vec![page * 10, page * 10 + 1],
                        total_pages: 5,
                    })
                }
            },
            3,
        )
        .map(|r| r.unwrap())
        .collect()
        .await;
        assert_eq!(items, vec![10, 11, 20, 21, 30, 31, 40, 41, 50, 51]);
        assert_eq!(calls.load(Ordering::SeqCst), 5);
    }

    #[tokio::test]
    async fn numbered_stream_with_no_results_fetches_one_page() {
        let items: Vec<Result<u32>> = numbered_stream(
            1,
            |_| async {
                Ok(NumberedPage {
                    items: vec![],
                    total_pages: 0,
                })
            },
            3,
        )
        .collect()
        .await;
        assert!(items.is_empty());
    }

    #[tokio::test]
    async fn numbered_stream_ends_after_the_first_error() {
        let items: Vec<Result<u32>> = numbered_stream(
            1,
            |page| async move {
                if page == 2 {
                    Err(Error::invalid_input("page 2 failed"))
                } else {
                    Ok(NumberedPage {
                        items: vec![page],
                        total_pages: 4,
                    })
                }
            },
            1,
        )
        .collect()
        .await;
        assert_eq!(items.len(), 2);
        assert_eq!(*items[0].as_ref().unwrap(), 1);
        assert!(items[1].is_err());
    }
}
