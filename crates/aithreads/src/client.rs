//! [`Client`]: every configured provider behind one handle, routed by [`ThreadRef`].

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use futures::stream::{self, BoxStream, Stream, StreamExt};

#[cfg(feature = "openai-chatkit")]
use aithreads_openai_chatkit::{ChatKitClient, ChatKitConfig};
#[cfg(feature = "revcent")]
use aithreads_revcent::{RevCentClient, RevCentConfig};
#[cfg(feature = "tencent-trtc")]
use aithreads_tencent_trtc::{TrtcClient, TrtcConfig};

use crate::bulk::{ItemResult, run_each};
use crate::export::{OnThreadError, Step, steps};
use crate::{
    CancelOutcome, Error, ErrorKind, ListQuery, Operation, Order, ProviderKind, Result, Thread,
    ThreadProvider, ThreadRef,
};

/// Requests in flight at once in bulk operations, unless set with
/// [`ClientBuilder::with_concurrency`].
pub const DEFAULT_CONCURRENCY: usize = 16;

/// Every configured provider behind one handle.
///
/// Build it from the environment ([`Client::from_env`]: each provider whose credentials are
/// set) or explicitly ([`Client::builder`]). Operations on a [`ThreadRef`] go to its provider
/// through the [`ThreadProvider`] trait, so any implementation plugged in with
/// [`ClientBuilder::with_provider`] serves them; bulk operations report one result per
/// input, in input order.
#[derive(Clone)]
pub struct Client {
    /// The provider serving each configured kind: what every routed operation calls.
    providers: BTreeMap<ProviderKind, Arc<dyn ThreadProvider>>,
    /// The typed clients behind `providers`, for provider-only operations.
    #[cfg(feature = "revcent")]
    revcent: Option<RevCentClient>,
    #[cfg(feature = "tencent-trtc")]
    trtc: Option<TrtcClient>,
    #[cfg(feature = "openai-chatkit")]
    chatkit: Option<ChatKitClient>,
    concurrency: usize,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("configured", &self.configured())
            .field("concurrency", &self.concurrency)
            .finish_non_exhaustive()
    }
}

/// Explicit setup of a [`Client`].
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    client: Client,
}

impl ClientBuilder {
    /// Adds a RevCent client.
    #[cfg(feature = "revcent")]
    pub fn with_revcent(mut self, client: RevCentClient) -> Self {
        self.client = self.client.with_revcent(client);
        self
    }

    /// Adds a TRTC client.
    #[cfg(feature = "tencent-trtc")]
    pub fn with_trtc(mut self, client: TrtcClient) -> Self {
        self.client.set(Arc::new(client.clone()));
        self.client.trtc = Some(client);
        self
    }

    /// Adds a ChatKit client.
    #[cfg(feature = "openai-chatkit")]
    pub fn with_chatkit(mut self, client: ChatKitClient) -> Self {
        self.client.set(Arc::new(client.clone()));
        self.client.chatkit = Some(client);
        self
    }

    /// Plugs in any [`ThreadProvider`] for the kind it reports
    /// ([`ThreadProvider::kind`]), replacing what served that kind: every operation on its
    /// references ([`Client::get`], [`Client::cancel`], [`Client::delete`], the bulk forms)
    /// and its listings ([`Client::export`]) then go to it.
    ///
    /// The typed client of that kind, if one was added, is dropped, so provider-only
    /// operations ([`Client::revcent`], [`Client::trtc`], [`Client::chatkit`]) answer a
    /// configuration error instead of reaching another backend, and a `trtc:<region>/…`
    /// reference is refused unless the TRTC typed client serves it. [`ProviderKind`] is a
    /// closed set: a new provider adds a variant; a test double reports an existing kind.
    pub fn with_provider(mut self, provider: Arc<dyn ThreadProvider>) -> Self {
        let kind = provider.kind();
        self.client.drop_typed(kind);
        self.client.set(provider);
        self
    }

    /// Sets how many requests bulk operations keep in flight (at least 1).
    pub fn with_concurrency(mut self, concurrency: usize) -> Self {
        self.client = self.client.with_concurrency(concurrency);
        self
    }

    /// The client.
    pub fn build(self) -> Client {
        self.client
    }
}

/// The environment variable whose presence enables a provider in [`Client::from_env`].
pub fn credential_var(kind: ProviderKind) -> &'static str {
    match kind {
        ProviderKind::RevCent => "REVCENT_API_KEY",
        ProviderKind::TencentTrtc => "TENCENTCLOUD_SECRET_ID",
        ProviderKind::OpenAiChatKit => "OPENAI_API_KEY",
    }
}

impl Client {
    /// A builder with no provider.
    pub fn builder() -> ClientBuilder {
        ClientBuilder {
            client: Client {
                providers: BTreeMap::new(),
                #[cfg(feature = "revcent")]
                revcent: None,
                #[cfg(feature = "tencent-trtc")]
                trtc: None,
                #[cfg(feature = "openai-chatkit")]
                chatkit: None,
                concurrency: DEFAULT_CONCURRENCY,
            },
        }
    }

    /// Every provider whose credentials are set in the environment (`REVCENT_API_KEY`,
    /// `TENCENTCLOUD_SECRET_ID`, `OPENAI_API_KEY`), configured from the variables each
    /// provider crate documents. When `TENCENTCLOUD_SECRET_ID` is unset, TRTC is configured
    /// from Tencent's credentials file if there is one, as the official SDKs do
    /// ([`CredentialsFile::find`](aithreads_tencent_trtc::CredentialsFile::find)).
    pub fn from_env() -> Result<Self> {
        let env = |name: &str| std::env::var(name).ok();
        let client = Self::from_vars(env)?;
        #[cfg(feature = "tencent-trtc")]
        if client.trtc.is_none()
            && let Some(file) = aithreads_tencent_trtc::CredentialsFile::find(env)?
        {
            let config = TrtcConfig::from_vars(env)?.with_credentials_file(&file);
            return Ok(ClientBuilder { client }
                .with_trtc(TrtcClient::new(config)?)
                .build());
        }
        Ok(client)
    }

    /// Like [`from_env`](Self::from_env), reading variables through `lookup`.
    pub fn from_vars(lookup: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let present = |kind| lookup(credential_var(kind)).is_some_and(|v| !v.is_empty());
        #[allow(unused_mut)]
        let mut builder = Self::builder();
        #[cfg(feature = "revcent")]
        if present(ProviderKind::RevCent) {
            builder = builder.with_revcent(RevCentClient::new(RevCentConfig::from_vars(&lookup)?)?);
        }
        #[cfg(feature = "tencent-trtc")]
        if present(ProviderKind::TencentTrtc) {
            builder = builder.with_trtc(TrtcClient::new(TrtcConfig::from_vars(&lookup)?)?);
        }
        #[cfg(feature = "openai-chatkit")]
        if present(ProviderKind::OpenAiChatKit) {
            builder = builder.with_chatkit(ChatKitClient::new(ChatKitConfig::from_vars(&lookup)?)?);
        }
        let _ = present;
        Ok(builder.build())
    }

    /// The same client with `client` serving RevCent (routed operations and
    /// [`Client::revcent`]), e.g. the configured one with other settings:
    /// `client.revcent()?.clone().with_max_windows(60)`.
    #[cfg(feature = "revcent")]
    pub fn with_revcent(mut self, client: RevCentClient) -> Self {
        self.set(Arc::new(client.clone()));
        self.revcent = Some(client);
        self
    }

    /// The same client with another bulk concurrency (at least 1).
    pub fn with_concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = concurrency.max(1);
        self
    }

    /// How many requests bulk operations keep in flight.
    pub fn concurrency(&self) -> usize {
        self.concurrency
    }

    /// The same client with `client` serving ChatKit instead of the one it had: a copy with
    /// other transcript limits, say
    /// ([`ChatKitClient::with_max_transcript_items`]).
    #[cfg(feature = "openai-chatkit")]
    pub fn with_chatkit(mut self, client: ChatKitClient) -> Self {
        self.set(Arc::new(client.clone()));
        self.chatkit = Some(client);
        self
    }

    /// The providers configured in this client.
    pub fn configured(&self) -> Vec<ProviderKind> {
        self.providers.keys().copied().collect()
    }

    /// The RevCent client, for RevCent-only operations.
    #[cfg(feature = "revcent")]
    pub fn revcent(&self) -> Result<&RevCentClient> {
        self.revcent
            .as_ref()
            .ok_or_else(|| self.no_typed_client(ProviderKind::RevCent))
    }

    /// The TRTC client, for TRTC-only operations (start, describe, update, control).
    #[cfg(feature = "tencent-trtc")]
    pub fn trtc(&self) -> Result<&TrtcClient> {
        self.trtc
            .as_ref()
            .ok_or_else(|| self.no_typed_client(ProviderKind::TencentTrtc))
    }

    /// The ChatKit client, for ChatKit-only operations (items, sessions).
    #[cfg(feature = "openai-chatkit")]
    pub fn chatkit(&self) -> Result<&ChatKitClient> {
        self.chatkit
            .as_ref()
            .ok_or_else(|| self.no_typed_client(ProviderKind::OpenAiChatKit))
    }

    /// One provider, as the trait.
    pub fn provider(&self, kind: ProviderKind) -> Result<Arc<dyn ThreadProvider>> {
        self.providers
            .get(&kind)
            .cloned()
            .ok_or_else(|| missing(kind))
    }

    /// The provider that holds `thread` (for `trtc:<region>/<TaskId>`, the TRTC client for
    /// that region).
    pub fn route(&self, thread: &ThreadRef) -> Result<Arc<dyn ThreadProvider>> {
        match thread.region() {
            None => self.provider(thread.provider()),
            Some(region) => self.regional(thread.provider(), region),
        }
    }

    /// The provider serving `kind` in `region`, for references that name one.
    fn regional(&self, kind: ProviderKind, region: &str) -> Result<Arc<dyn ThreadProvider>> {
        match kind {
            ProviderKind::TencentTrtc =>
            {
                #[cfg(feature = "tencent-trtc")]
                if let Some(trtc) = &self.trtc {
                    return Ok(Arc::new(trtc.with_region(region)?));
                }
            }
            ProviderKind::RevCent | ProviderKind::OpenAiChatKit => {
                // ThreadRef allows a region only for kinds with regions.
                return Err(Error::invalid_input(format!(
                    "{kind} references carry no region"
                )));
            }
        }
        self.provider(kind)?;
        Err(Error::config(format!(
            "the {kind} provider plugged in with with_provider cannot serve region {region}"
        )))
    }

    /// Fetches one thread.
    pub async fn get(&self, thread: &ThreadRef) -> Result<Thread> {
        self.route(thread)?.get_thread(thread.id()).await
    }

    /// Cancels (RevCent) or stops (TRTC) one thread.
    ///
    /// A cancel refused as not found or by a provider error that retrying cannot fix is
    /// checked with one [`get`](Self::get): when the thread exists in an ended status
    /// (completed, cancelled, failed), the answer is [`CancelOutcome::AlreadyEnded`], so
    /// running the same cancel twice succeeds twice. Any other answer keeps the refusal.
    pub async fn cancel(&self, thread: &ThreadRef) -> Result<CancelOutcome> {
        let provider = self.route(thread)?;
        match provider.cancel_thread(thread.id()).await {
            Err(refusal) if may_have_ended(&refusal) => {
                match provider.get_thread(thread.id()).await {
                    Ok(found) if found.status.has_ended() => Ok(CancelOutcome::AlreadyEnded),
                    _ => Err(refusal),
                }
            }
            outcome => outcome,
        }
    }

    /// Deletes one thread (ChatKit).
    pub async fn delete(&self, thread: &ThreadRef) -> Result<()> {
        self.route(thread)?.delete_thread(thread.id()).await
    }

    /// Runs `op` on every reference `threads` yields, with the bulk concurrency, yielding one
    /// result per reference in input order as soon as it and those before it are done.
    ///
    /// References are pulled lazily and at most
    /// [`REORDER_WINDOW_PER_SLOT`](crate::REORDER_WINDOW_PER_SLOT) × concurrency results wait
    /// for a slower one before them, so memory stays bounded however many references come
    /// in, and one slow thread does not idle the other slots. The other bulk methods are
    /// this with one operation each.
    pub fn each<'a, S, T, F, Fut>(
        &self,
        threads: S,
        op: F,
    ) -> impl Stream<Item = ItemResult<T>> + use<'a, S, T, F, Fut>
    where
        S: Stream<Item = ThreadRef> + Unpin + 'a,
        F: FnMut(ThreadRef) -> Fut + 'a,
        Fut: Future<Output = Result<T>> + 'a,
        T: 'a,
    {
        run_each(threads, self.concurrency, op)
    }

    /// Fetches many threads, one result per input in input order.
    pub async fn get_many(&self, threads: &[ThreadRef]) -> Vec<ItemResult<Thread>> {
        self.get_each(threads).collect().await
    }

    /// Like [`get_many`](Self::get_many), but yields each result as soon as it and those
    /// before it are in, so a caller can write them out without holding them all.
    pub fn get_each<'a>(&'a self, threads: &'a [ThreadRef]) -> BoxStream<'a, ItemResult<Thread>> {
        self.get_stream(stream::iter(threads.iter().cloned()))
    }

    /// [`get`](Self::get) on every reference of a stream; see [`each`](Self::each).
    pub fn get_stream<'a>(
        &'a self,
        threads: impl Stream<Item = ThreadRef> + Unpin + Send + 'a,
    ) -> BoxStream<'a, ItemResult<Thread>> {
        self.each(threads, move |t| async move { self.get(&t).await })
            .boxed()
    }

    /// Cancels or stops many threads, one result per input in input order.
    pub async fn cancel_many(&self, threads: &[ThreadRef]) -> Vec<ItemResult<CancelOutcome>> {
        self.cancel_stream(stream::iter(threads.iter().cloned()))
            .collect()
            .await
    }

    /// [`cancel`](Self::cancel) on every reference of a stream; see [`each`](Self::each).
    pub fn cancel_stream<'a>(
        &'a self,
        threads: impl Stream<Item = ThreadRef> + Unpin + Send + 'a,
    ) -> BoxStream<'a, ItemResult<CancelOutcome>> {
        self.each(threads, move |t| async move { self.cancel(&t).await })
            .boxed()
    }

    /// Deletes many threads, one result per input in input order.
    pub async fn delete_many(&self, threads: &[ThreadRef]) -> Vec<ItemResult<()>> {
        self.delete_stream(stream::iter(threads.iter().cloned()))
            .collect()
            .await
    }

    /// [`delete`](Self::delete) on every reference of a stream; see [`each`](Self::each).
    pub fn delete_stream<'a>(
        &'a self,
        threads: impl Stream<Item = ThreadRef> + Unpin + Send + 'a,
    ) -> BoxStream<'a, ItemResult<()>> {
        self.each(threads, move |t| async move { self.delete(&t).await })
            .boxed()
    }

    /// Every thread of one provider matching `query`, as listings return them (RevCent and
    /// ChatKit listings carry no messages), streamed a few pages ahead; memory stays bounded
    /// whatever the count.
    ///
    /// With no [`ListQuery::order`], exports walk in the order each provider streams best:
    /// RevCent oldest first (its windows stream page by page; newest first holds each window
    /// to sort it), ChatKit newest first (a `since` bound ends the walk).
    ///
    /// A provider that cannot list answers [`Error::Unsupported`], and a query setting a
    /// field the provider does not honour ([`Capabilities::query`](crate::Capabilities::query))
    /// answers [`Error::InvalidInput`], both before any request.
    pub fn export(
        &self,
        provider: ProviderKind,
        query: ListQuery,
    ) -> BoxStream<'static, Result<Thread>> {
        match self.export_lister(provider, query) {
            Ok((lister, query)) => lister.threads(query),
            Err(error) => stream::once(async move { Err(error) }).boxed(),
        }
    }

    /// Like [`export`](Self::export), but fetches every thread in full (with its transcript),
    /// up to the bulk concurrency at once, keeping the listing's order.
    ///
    /// Each item is one thread's [`ItemResult`]. With [`OnThreadError::Continue`], a thread
    /// whose fetch fails (after the transport's retries) is an item with its error and the
    /// export goes on; with [`OnThreadError::Stop`] that error ends the stream, as an `Err`.
    /// A listing error is always an `Err` and ends the stream.
    pub fn export_transcripts(
        &self,
        provider: ProviderKind,
        query: ListQuery,
        on_error: OnThreadError,
    ) -> BoxStream<'static, Result<ItemResult<Thread>>> {
        let (lister, query) = match self.export_lister(provider, query) {
            Ok(found) => found,
            Err(error) => return stream::once(async move { Err(error) }).boxed(),
        };
        let items = steps(lister, query, true, self.concurrency).filter_map(move |step| {
            let item = match step {
                Err(error) => Some(Err(error)),
                Ok(Step::Thread(thread)) => {
                    let reference = ThreadRef::new(thread.provider, None, thread.id.clone());
                    Some(reference.map(|thread_ref| ItemResult {
                        thread: thread_ref,
                        result: Ok(*thread),
                    }))
                }
                Ok(Step::Failed(thread, error)) => Some(match on_error {
                    OnThreadError::Continue => Ok(ItemResult {
                        thread,
                        result: Err(error),
                    }),
                    OnThreadError::Stop => Err(error),
                }),
                Ok(Step::PageEnd(_)) => None,
            };
            futures::future::ready(item)
        });
        aithreads_core::pagination::stop_after_error(items).boxed()
    }

    /// The provider of `kind`, once its capabilities say it can list by `query`.
    pub(crate) fn lister(
        &self,
        kind: ProviderKind,
        query: &ListQuery,
    ) -> Result<Arc<dyn ThreadProvider>> {
        let provider = self.provider(kind)?;
        let capabilities = provider.capabilities();
        if !capabilities.list {
            return Err(Error::unsupported(kind, Operation::List));
        }
        capabilities.query.check(kind, query)?;
        Ok(provider)
    }

    /// The provider an export of `query` walks, and the query as it walks it
    /// ([`export_query`]).
    pub(crate) fn export_lister(
        &self,
        kind: ProviderKind,
        query: ListQuery,
    ) -> Result<(Arc<dyn ThreadProvider>, ListQuery)> {
        let lister = self.lister(kind, &query)?;
        let query = export_query(kind, lister.as_ref(), query);
        Ok((lister, query))
    }

    /// Makes `provider` serve its kind.
    fn set(&mut self, provider: Arc<dyn ThreadProvider>) {
        self.providers.insert(provider.kind(), provider);
    }

    /// Forgets the typed client of `kind`, whose place a plugged-in provider takes.
    fn drop_typed(&mut self, kind: ProviderKind) {
        match kind {
            ProviderKind::RevCent => {
                #[cfg(feature = "revcent")]
                {
                    self.revcent = None;
                }
            }
            ProviderKind::TencentTrtc => {
                #[cfg(feature = "tencent-trtc")]
                {
                    self.trtc = None;
                }
            }
            ProviderKind::OpenAiChatKit => {
                #[cfg(feature = "openai-chatkit")]
                {
                    self.chatkit = None;
                }
            }
        }
    }

    /// Why there is no typed client of `kind`.
    #[cfg(any(
        feature = "revcent",
        feature = "tencent-trtc",
        feature = "openai-chatkit"
    ))]
    fn no_typed_client(&self, kind: ProviderKind) -> Error {
        if self.providers.contains_key(&kind) {
            Error::config(format!(
                "{kind} is served by a provider plugged in with with_provider; {kind}-only operations need the {kind} client"
            ))
        } else {
            missing(kind)
        }
    }
}

/// Whether a refused cancel may mean the thread has already ended: the provider said it
/// does not exist (TRTC forgets stopped tasks) or refused for good (RevCent refuses threads
/// no longer Running or Timer). Throttling, outages and credentials say nothing about it.
fn may_have_ended(refusal: &Error) -> bool {
    match refusal.kind() {
        ErrorKind::NotFound => true,
        ErrorKind::Provider => !refusal.is_retryable(),
        _ => false,
    }
}

/// The cargo feature that builds a provider in, and whether this build has it.
fn feature(kind: ProviderKind) -> (&'static str, bool) {
    match kind {
        ProviderKind::RevCent => ("revcent", cfg!(feature = "revcent")),
        ProviderKind::TencentTrtc => ("tencent-trtc", cfg!(feature = "tencent-trtc")),
        ProviderKind::OpenAiChatKit => ("openai-chatkit", cfg!(feature = "openai-chatkit")),
    }
}

/// Why a client has no provider of `kind`: not configured, or not in this build.
pub(crate) fn missing(kind: ProviderKind) -> Error {
    match feature(kind) {
        (_, true) => Error::config(format!(
            "{kind} is not configured: set {} (see the README's configuration table)",
            credential_var(kind)
        )),
        (feature, false) => Error::config(format!(
            "this build has no {kind} support: enable the `{feature}` feature"
        )),
    }
}

/// `query` as an export walks it: in the order asked for, else in the one `provider` streams
/// best. RevCent oldest first: its 2-day windows then stream page by page, where newest first
/// holds each window to sort it (memory growing with the window's threads). ChatKit newest
/// first (its default, named so the walk knows the order and remembers only the latest
/// second's ids): a `since` bound then ends the walk, where oldest first would list every
/// older thread to reach it. An order the `lister` does not honour (a plugged-in provider)
/// is left unset.
fn export_query(
    provider: ProviderKind,
    lister: &dyn ThreadProvider,
    query: ListQuery,
) -> ListQuery {
    let fields = lister.capabilities().query;
    let order = match provider {
        ProviderKind::RevCent => fields.order_asc.then_some(Order::Asc),
        ProviderKind::OpenAiChatKit => fields.order_desc.then_some(Order::Desc),
        ProviderKind::TencentTrtc => None,
    };
    match (query.order, order) {
        (None, Some(order)) => query.with_order(order),
        _ => query,
    }
}
