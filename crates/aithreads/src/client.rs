//! [`Client`]: every configured provider behind one handle, routed by [`ThreadRef`].

use std::sync::Arc;

use futures::stream::{self, BoxStream, StreamExt};

#[cfg(feature = "openai-chatkit")]
use aithreads_openai_chatkit::{ChatKitClient, ChatKitConfig};
#[cfg(feature = "revcent")]
use aithreads_revcent::{RevCentClient, RevCentConfig};
#[cfg(feature = "tencent-trtc")]
use aithreads_tencent_trtc::{TrtcClient, TrtcConfig};

use crate::bulk::{ItemResult, run_all, run_each};
use crate::{
    CancelOutcome, Error, ListQuery, ProviderKind, Result, Thread, ThreadProvider, ThreadRef,
};

/// Requests in flight at once in bulk operations, unless set with
/// [`ClientBuilder::with_concurrency`].
pub const DEFAULT_CONCURRENCY: usize = 16;

/// Every configured provider behind one handle.
///
/// Build it from the environment ([`Client::from_env`]: each provider whose credentials are
/// set) or explicitly ([`Client::builder`]). Operations on a [`ThreadRef`] go to its provider;
/// bulk operations report one result per input, in input order.
#[derive(Debug, Clone)]
pub struct Client {
    #[cfg(feature = "revcent")]
    revcent: Option<RevCentClient>,
    #[cfg(feature = "tencent-trtc")]
    trtc: Option<TrtcClient>,
    #[cfg(feature = "openai-chatkit")]
    chatkit: Option<ChatKitClient>,
    concurrency: usize,
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
        self.client.revcent = Some(client);
        self
    }

    /// Adds a TRTC client.
    #[cfg(feature = "tencent-trtc")]
    pub fn with_trtc(mut self, client: TrtcClient) -> Self {
        self.client.trtc = Some(client);
        self
    }

    /// Adds a ChatKit client.
    #[cfg(feature = "openai-chatkit")]
    pub fn with_chatkit(mut self, client: ChatKitClient) -> Self {
        self.client.chatkit = Some(client);
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
    /// provider crate documents.
    pub fn from_env() -> Result<Self> {
        Self::from_vars(|name| std::env::var(name).ok())
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

    /// The same client with another bulk concurrency (at least 1).
    pub fn with_concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = concurrency.max(1);
        self
    }

    /// The providers configured in this client.
    pub fn configured(&self) -> Vec<ProviderKind> {
        ProviderKind::ALL
            .into_iter()
            .filter(|kind| self.provider(*kind).is_ok())
            .collect()
    }

    /// The RevCent client, for RevCent-only operations.
    #[cfg(feature = "revcent")]
    pub fn revcent(&self) -> Result<&RevCentClient> {
        self.revcent
            .as_ref()
            .ok_or_else(|| not_configured(ProviderKind::RevCent))
    }

    /// The TRTC client, for TRTC-only operations (start, describe, update, control).
    #[cfg(feature = "tencent-trtc")]
    pub fn trtc(&self) -> Result<&TrtcClient> {
        self.trtc
            .as_ref()
            .ok_or_else(|| not_configured(ProviderKind::TencentTrtc))
    }

    /// The ChatKit client, for ChatKit-only operations (items, sessions).
    #[cfg(feature = "openai-chatkit")]
    pub fn chatkit(&self) -> Result<&ChatKitClient> {
        self.chatkit
            .as_ref()
            .ok_or_else(|| not_configured(ProviderKind::OpenAiChatKit))
    }

    /// One provider, as the trait.
    pub fn provider(&self, kind: ProviderKind) -> Result<Arc<dyn ThreadProvider>> {
        match kind {
            #[cfg(feature = "revcent")]
            ProviderKind::RevCent => Ok(Arc::new(self.revcent()?.clone())),
            #[cfg(feature = "tencent-trtc")]
            ProviderKind::TencentTrtc => Ok(Arc::new(self.trtc()?.clone())),
            #[cfg(feature = "openai-chatkit")]
            ProviderKind::OpenAiChatKit => Ok(Arc::new(self.chatkit()?.clone())),
            #[allow(unreachable_patterns)]
            other => Err(not_built(other)),
        }
    }

    /// The provider that holds `thread` (for `trtc:<region>/<TaskId>`, the TRTC client for
    /// that region).
    pub fn route(&self, thread: &ThreadRef) -> Result<Arc<dyn ThreadProvider>> {
        match (thread.provider(), thread.region()) {
            #[cfg(feature = "tencent-trtc")]
            (ProviderKind::TencentTrtc, Some(region)) => {
                Ok(Arc::new(self.trtc()?.with_region(region)?))
            }
            (kind, _) => self.provider(kind),
        }
    }

    /// Fetches one thread.
    pub async fn get(&self, thread: &ThreadRef) -> Result<Thread> {
        self.route(thread)?.get_thread(thread.id()).await
    }

    /// Cancels (RevCent) or stops (TRTC) one thread.
    pub async fn cancel(&self, thread: &ThreadRef) -> Result<CancelOutcome> {
        self.route(thread)?.cancel_thread(thread.id()).await
    }

    /// Deletes one thread (ChatKit).
    pub async fn delete(&self, thread: &ThreadRef) -> Result<()> {
        self.route(thread)?.delete_thread(thread.id()).await
    }

    /// Fetches many threads, one result per input in input order.
    pub async fn get_many(&self, threads: &[ThreadRef]) -> Vec<ItemResult<Thread>> {
        self.get_each(threads).collect().await
    }

    /// Like [`get_many`](Self::get_many), but yields each result as soon as it and those
    /// before it are in, so a caller can write them out without holding them all.
    pub fn get_each<'a>(&'a self, threads: &'a [ThreadRef]) -> BoxStream<'a, ItemResult<Thread>> {
        run_each(threads, self.concurrency, move |t| async move {
            self.get(&t).await
        })
        .boxed()
    }

    /// Cancels or stops many threads, one result per input in input order.
    pub async fn cancel_many(&self, threads: &[ThreadRef]) -> Vec<ItemResult<CancelOutcome>> {
        run_all(threads, self.concurrency, |t| async move {
            self.cancel(&t).await
        })
        .await
    }

    /// Deletes many threads, one result per input in input order.
    pub async fn delete_many(&self, threads: &[ThreadRef]) -> Vec<ItemResult<()>> {
        run_all(threads, self.concurrency, |t| async move {
            self.delete(&t).await
        })
        .await
    }

    /// Every thread of one provider matching `query`, as listings return them (RevCent and
    /// ChatKit listings carry no messages), streamed a few pages ahead; memory stays bounded
    /// whatever the count.
    pub fn export(
        &self,
        provider: ProviderKind,
        query: ListQuery,
    ) -> BoxStream<'static, Result<Thread>> {
        match self.provider(provider) {
            Ok(provider) => provider.threads(query),
            Err(error) => stream::once(async move { Err(error) }).boxed(),
        }
    }

    /// Like [`export`](Self::export), but fetches every thread in full (with its transcript),
    /// up to the bulk concurrency at once, keeping the listing's order. The stream ends after
    /// the first error.
    pub fn export_transcripts(
        &self,
        provider: ProviderKind,
        query: ListQuery,
    ) -> BoxStream<'static, Result<Thread>> {
        let full = match self.provider(provider) {
            Ok(full) => full,
            Err(error) => return stream::once(async move { Err(error) }).boxed(),
        };
        let listed = full.clone().threads(query);
        let fetched = listed
            .map(move |listed| {
                let full = full.clone();
                async move { full.get_thread(&listed?.id).await }
            })
            .buffered(self.concurrency);
        aithreads_core::pagination::stop_after_error(fetched).boxed()
    }
}

fn not_configured(kind: ProviderKind) -> Error {
    Error::config(format!(
        "{kind} is not configured: set {} (see the README's configuration table)",
        credential_var(kind)
    ))
}

/// The error for a provider this build was compiled without.
#[allow(dead_code)] // Unused when every provider feature is on.
pub(crate) fn not_built(kind: ProviderKind) -> Error {
    let feature = match kind {
        ProviderKind::RevCent => "revcent",
        ProviderKind::TencentTrtc => "tencent-trtc",
        ProviderKind::OpenAiChatKit => "openai-chatkit",
    };
    Error::config(format!(
        "this build has no {kind} support: enable the `{feature}` feature"
    ))
}
