//! The [`ThreadProvider`] trait: the one interface every provider implements.

use std::sync::Arc;

use async_trait::async_trait;
use futures::stream::BoxStream;

use crate::error::{Error, Result};
use crate::model::{CancelOutcome, Capabilities, ListQuery, Operation, Page, Thread};
use crate::pagination;
use crate::provider_kind::ProviderKind;

/// Pages fetched ahead by the default [`ThreadProvider::threads`].
pub const DEFAULT_PREFETCH_PAGES: usize = 2;

/// AI conversation threads at one provider.
///
/// The trait is object safe: hold providers as `Box<dyn ThreadProvider>` or
/// `Arc<dyn ThreadProvider>`. An operation a provider does not have answers
/// [`Error::Unsupported`]; check [`capabilities`](Self::capabilities) first to avoid the call.
///
/// Contract, checked for every provider by the conformance suite:
/// - ids are validated before any request; a bad one is [`Error::InvalidInput`];
/// - a thread returned by `list_threads` can be fetched with `get_thread`;
/// - after `cancel_thread` succeeds, `get_thread` reports a status that is not active;
/// - after `delete_thread` succeeds, `get_thread` answers [`Error::NotFound`].
#[async_trait]
pub trait ThreadProvider: Send + Sync + 'static {
    /// Which provider this is.
    fn kind(&self) -> ProviderKind;

    /// Which operations this provider supports.
    fn capabilities(&self) -> Capabilities;

    /// Fetches one thread, with its transcript where [`Capabilities::messages`] says so.
    async fn get_thread(&self, id: &str) -> Result<Thread>;

    /// Fetches one page of threads; pass [`Page::next`] as [`ListQuery::cursor`] for the next.
    async fn list_threads(&self, query: &ListQuery) -> Result<Page<Thread>>;

    /// Stops a running thread (RevCent cancel, TRTC stop).
    async fn cancel_thread(&self, id: &str) -> Result<CancelOutcome>;

    /// Deletes a thread and its content (ChatKit).
    async fn delete_thread(&self, id: &str) -> Result<()>;

    /// Every thread matching `query`, across all pages, fetched a few pages ahead.
    ///
    /// The default follows [`Page::next`] cursors from `list_threads`; providers with a
    /// faster way (RevCent's concurrent windows) override it.
    fn threads(self: Arc<Self>, query: ListQuery) -> BoxStream<'static, Result<Thread>> {
        pagination::cursor_stream(
            move |cursor| {
                let provider = self.clone();
                let query = ListQuery {
                    cursor,
                    ..query.clone()
                };
                async move { provider.list_threads(&query).await }
            },
            DEFAULT_PREFETCH_PAGES,
        )
    }
}

/// The error an unsupported operation answers.
pub fn unsupported(provider: ProviderKind, operation: Operation) -> Error {
    Error::unsupported(provider, operation)
}
