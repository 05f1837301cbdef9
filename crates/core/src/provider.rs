//! The [`ThreadProvider`] trait: the one interface every provider implements.

use std::sync::Arc;

use async_trait::async_trait;
use futures::stream::BoxStream;
use time::OffsetDateTime;

use crate::capabilities::Capabilities;
use crate::error::{Error, Result};
use crate::model::{CancelOutcome, ListQuery, Operation, Order, Page, Thread};
use crate::pagination;
use crate::provider_kind::ProviderKind;

/// Pages fetched ahead by the default [`ThreadProvider::threads`].
pub const DEFAULT_PREFETCH_PAGES: usize = 2;

/// AI conversation threads at one provider.
///
/// The trait is object safe: hold providers as `Box<dyn ThreadProvider>` or
/// `Arc<dyn ThreadProvider>`. A provider implements [`kind`](Self::kind),
/// [`capabilities`](Self::capabilities) and the operations it has; every other operation
/// keeps its default, which answers [`Error::Unsupported`] without sending anything. Check
/// [`capabilities`](Self::capabilities) first to avoid the call.
///
/// Contract, checked for every provider by the conformance suite:
/// - ids are validated before any request; a bad one is [`Error::InvalidInput`];
/// - a [`ListQuery`] field the provider does not claim in [`Capabilities::query`] is
///   [`Error::InvalidInput`] before any request;
/// - a thread returned by `list_threads` can be fetched with `get_thread`;
/// - after `cancel_thread` succeeds, `get_thread` reports a status that is not active;
/// - after `delete_thread` succeeds, `get_thread` answers [`Error::NotFound`].
#[async_trait]
pub trait ThreadProvider: Send + Sync + 'static {
    /// Which provider this is.
    fn kind(&self) -> ProviderKind;

    /// Which operations this provider supports, and which query fields its listing honours.
    fn capabilities(&self) -> Capabilities;

    /// Fetches one thread, with its transcript where [`Capabilities::messages`] says so.
    ///
    /// The default answers [`Error::Unsupported`].
    async fn get_thread(&self, _id: &str) -> Result<Thread> {
        Err(Error::unsupported(self.kind(), Operation::Get))
    }

    /// Fetches one page of threads; pass [`Page::next`] as [`ListQuery::cursor`] for the next.
    ///
    /// The default answers [`Error::Unsupported`].
    async fn list_threads(&self, _query: &ListQuery) -> Result<Page<Thread>> {
        Err(Error::unsupported(self.kind(), Operation::List))
    }

    /// Stops a running thread (RevCent cancel, TRTC stop).
    ///
    /// The default answers [`Error::Unsupported`].
    async fn cancel_thread(&self, _id: &str) -> Result<CancelOutcome> {
        Err(Error::unsupported(self.kind(), Operation::Cancel))
    }

    /// Deletes a thread and its content (ChatKit).
    ///
    /// The default answers [`Error::Unsupported`].
    async fn delete_thread(&self, _id: &str) -> Result<()> {
        Err(Error::unsupported(self.kind(), Operation::Delete))
    }

    /// Every thread matching `query`, across all pages, fetched a few pages ahead.
    ///
    /// The default flattens [`pages`](Self::pages).
    fn threads(self: Arc<Self>, query: ListQuery) -> BoxStream<'static, Result<Thread>> {
        pagination::flatten_pages(self.pages(query))
    }

    /// Every page of the listing matching `query`, fetched a few pages ahead, each with the
    /// cursor that continues right after it ([`Page::next`], `None` after the last page).
    /// A walk restarted with that cursor as [`ListQuery::cursor`] (and the same query
    /// otherwise) yields the rest of the listing: what resumable exports build on. A page
    /// that is only a part of such a unit says so ([`Page::part`], not
    /// [`resumable`](Page::resumable)), so its items need not wait for the whole unit.
    ///
    /// The default follows [`Page::next`] cursors from `list_threads`
    /// ([`pagination::cursor_pages`]: no thread twice, and a cursor sent again ends the walk
    /// with [`Error::Pagination`]; with a [`ListQuery::order`], threads are taken to be sorted
    /// by creation time, as [`Order`] says, and the walk remembers only the ids of the latest
    /// second, [`pagination::ordered_cursor_pages`]); providers with a faster way (RevCent's
    /// concurrent windows) override it.
    fn pages(self: Arc<Self>, query: ListQuery) -> BoxStream<'static, Result<Page<Thread>>> {
        let kind = self.kind();
        let first = query.cursor.clone();
        let mut started = false;
        // Listed in an order asked for, threads are sorted by creation time: the walk then
        // needs to remember little (`ordered_cursor_pages`).
        let order = query.order.map(|order| pagination::ItemOrder {
            position: |thread: &Thread| thread.created_at.map(OffsetDateTime::unix_timestamp),
            ascending: order == Order::Asc,
        });
        let walk = move |cursor: Option<String>| {
            let provider = self.clone();
            // The first request continues from the query's own cursor, if it has one.
            let cursor = if started { cursor } else { first.clone() };
            started = true;
            let query = ListQuery {
                cursor,
                ..query.clone()
            };
            async move { provider.list_threads(&query).await }
        };
        let id: fn(&Thread) -> Option<&str> = |thread| Some(&thread.id);
        pagination::ordered_cursor_pages(kind, walk, id, order, DEFAULT_PREFETCH_PAGES)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A provider that implements nothing but its name.
    struct Nothing;

    impl ThreadProvider for Nothing {
        fn kind(&self) -> ProviderKind {
            ProviderKind::TencentTrtc
        }

        fn capabilities(&self) -> Capabilities {
            Capabilities::NONE
        }
    }

    #[tokio::test]
    async fn every_operation_defaults_to_unsupported() {
        let provider = Nothing;
        let errors = [
            provider.get_thread("x").await.map(drop).unwrap_err(),
            provider
                .list_threads(&ListQuery::new())
                .await
                .map(drop)
                .unwrap_err(),
            provider.cancel_thread("x").await.map(drop).unwrap_err(),
            provider.delete_thread("x").await.unwrap_err(),
        ];
        let operations = [
            Operation::Get,
            Operation::List,
            Operation::Cancel,
            Operation::Delete,
        ];
        for (error, expected) in errors.iter().zip(operations) {
            assert!(
                matches!(
                    error,
                    Error::Unsupported { provider: ProviderKind::TencentTrtc, operation }
                        if *operation == expected
                ),
                "{error:?}"
            );
        }
    }
}
