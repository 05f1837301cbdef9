//! What an export walks: the listing's pages, each thread (fetched in full when asked), and
//! the end of every page with the cursor that continues after it.

use std::sync::Arc;

use futures::stream::{self, BoxStream, StreamExt};

use crate::{Error, ListQuery, Result, Thread, ThreadProvider, ThreadRef};

/// One step of an export, in listing order.
#[derive(Debug)]
pub(crate) enum Step {
    /// A thread to write.
    Thread(Box<Thread>),
    /// A thread whose transcript could not be fetched (after the transport's retries).
    Failed(ThreadRef, Error),
    /// Every thread of a page is done; `next` continues the listing (`None`: it is over).
    PageEnd(Option<String>),
}

/// The steps of `provider`'s listing for `query`: with `transcripts`, every listed thread is
/// fetched again in full, up to `concurrency` at once, keeping the listing's order. The
/// stream ends after a listing error, which it yields; a thread that cannot be fetched is a
/// [`Step::Failed`] and the walk goes on.
pub(crate) fn steps(
    provider: Arc<dyn ThreadProvider>,
    query: ListQuery,
    transcripts: bool,
    concurrency: usize,
) -> BoxStream<'static, Result<Step>> {
    let listed = provider.clone().pages(query).flat_map(|page| match page {
        Ok(page) => {
            // A part of a unit (a RevCent window) ends no page: nothing can resume after it.
            let end = page.resumable.then_some(Ok(Step::PageEnd(page.next)));
            let threads = page
                .items
                .into_iter()
                .map(|t| Ok(Step::Thread(Box::new(t))));
            stream::iter(threads.chain(end)).left_stream()
        }
        Err(error) => stream::iter([Err(error)]).right_stream(),
    });
    if !transcripts {
        return listed.boxed();
    }
    listed
        .map(move |step| {
            let provider = provider.clone();
            async move {
                match step? {
                    Step::Thread(listed) => {
                        let reference = ThreadRef::new(listed.provider, None, listed.id.clone())?;
                        Ok(match provider.get_thread(&listed.id).await {
                            Ok(full) => Step::Thread(Box::new(full)),
                            Err(error) => Step::Failed(reference, error),
                        })
                    }
                    other => Ok(other),
                }
            }
        })
        .buffered(concurrency.max(1))
        .boxed()
}
