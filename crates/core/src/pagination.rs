//! Turning "fetch the page after this cursor" and "fetch page N" into streams of items.
//!
//! Both helpers fetch ahead of the consumer with a fixed bound, so a slow consumer (writing
//! an export, say) overlaps with the network while memory stays bounded by
//! `prefetch × page size` items.

use std::future::Future;

use futures::stream::{self, BoxStream, StreamExt};
use tokio::sync::mpsc;

use crate::error::Result;
use crate::model::Page;

/// Walks a cursor-paginated listing: calls `fetch(None)`, then `fetch(next)` while the last
/// page had a `next` cursor, yielding every item in order.
///
/// Pages are fetched by a background task up to `prefetch` pages ahead (at least one). The
/// stream ends after the first error, which it yields. Dropping the stream stops the task.
/// Must be called within a Tokio runtime.
pub fn cursor_stream<T, F, Fut>(fetch: F, prefetch: usize) -> BoxStream<'static, Result<T>>
where
    T: Send + 'static,
    F: FnMut(Option<String>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Page<T>>> + Send,
{
    flatten_pages(cursor_pages(fetch, prefetch))
}

/// Like [`cursor_stream`], but yields whole pages, each with the cursor of the page after it
/// ([`Page::next`]): what a caller that must know where it stands (a resumable export)
/// walks.
pub fn cursor_pages<T, F, Fut>(mut fetch: F, prefetch: usize) -> BoxStream<'static, Result<Page<T>>>
where
    T: Send + 'static,
    F: FnMut(Option<String>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Page<T>>> + Send,
{
    let (tx, rx) = mpsc::channel::<Result<Page<T>>>(prefetch.max(1));
    tokio::spawn(async move {
        let mut cursor = None;
        loop {
            let page = fetch(cursor.take()).await;
            let next = page.as_ref().ok().and_then(|page| page.next.clone());
            let last = next.is_none();
            if tx.send(page).await.is_err() || last {
                return;
            }
            cursor = next;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn cursor_stream_follows_cursors_to_the_end() {
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = seen.clone();
        let items: Vec<u32> = cursor_stream(
            move |cursor: Option<String>| {
                log.lock().unwrap().push(cursor.clone());
                let start: u32 = cursor.map(|c| c.parse().unwrap()).unwrap_or(0);
                async move {
                    let next = (start + 3 < 10).then(|| (start + 3).to_string());
                    Ok(Page::new(
                        (start..(start + 3).min(10)).collect(),
                        next,
                        None,
                    ))
                }
            },
            2,
        )
        .map(|r| r.unwrap())
        .collect()
        .await;
        assert_eq!(items, (0..10).collect::<Vec<_>>());
        assert_eq!(
            *seen.lock().unwrap(),
            vec![None, Some("3".into()), Some("6".into()), Some("9".into())]
        );
    }

    #[tokio::test]
    async fn cursor_stream_stops_after_an_error() {
        let calls = Arc::new(AtomicUsize::new(0));
        let counter = calls.clone();
        let out: Vec<Result<u32>> = cursor_stream(
            move |_| {
                let n = counter.fetch_add(1, Ordering::SeqCst);
                async move {
                    if n == 0 {
                        Ok(Page::new(vec![1], Some("x".into()), None))
                    } else {
                        Err(Error::invalid_input("boom"))
                    }
                }
            },
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
            move |_| {
                counter.fetch_add(1, Ordering::SeqCst);
                async { Ok(Page::new(vec![0u8; 10], Some("more".into()), None)) }
            },
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
