//! [`RevCentClient`]: the three AI thread operations over the shared transport, and the
//! window walk built on GetAIThreads.

use std::fmt;
use std::ops::RangeInclusive;
use std::sync::Arc;

use aithreads_core::transport::{Call, Request, Response, Transport, credential, endpoint};
use aithreads_core::{CancelOutcome, Error, ExposeSecret, Result, SecretString};
use futures::stream::{self, BoxStream, StreamExt};
use http::Method;
use time::OffsetDateTime;
use url::Url;

use crate::config::{API_KEY_VAR, BASE_URL_VAR, RevCentConfig};
use crate::error::{self, PROVIDER};
use crate::generated::{
    AiThread, AiThreadList, AiThreadListParams, ApiStandardError, CancelAiThreadResult,
};
use crate::input::{ThreadFilters, check_list_params, check_thread_id};
use crate::windows::{self, Position};

/// A RevCent v2 client for AI threads. Cheap to clone; clones share connections.
///
/// Every request carries `x-api-key` and goes through the core transport (timeouts, retries
/// with backoff, rate limits, response size limit, secrets kept out of errors and logs).
#[derive(Clone)]
pub struct RevCentClient {
    inner: Arc<Inner>,
}

/// What every clone shares: where to send, the key to send, the transport, the settings.
struct Inner {
    base_url: Url,
    api_key: SecretString,
    transport: Transport,
    concurrency: usize,
}

impl fmt::Debug for RevCentClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RevCentClient")
            .field("base_url", &self.inner.base_url.as_str())
            .field("api_key", &"[redacted]")
            .field("transport", &self.inner.transport)
            .field("concurrency", &self.inner.concurrency)
            .finish_non_exhaustive()
    }
}

/// What a successful [`RevCentClient::cancel_ai_thread`] call achieved.
#[derive(Debug, Clone, PartialEq)]
pub enum CancelResponse {
    /// This call cancelled the thread; RevCent's answer.
    Cancelled(CancelAiThreadResult),
    /// A retry was refused because the thread is no longer `Running` or `Timer`: the
    /// earlier attempt, whose answer was lost (timeout, reset, truncated body), most likely
    /// cancelled it. RevCent's refusal is kept.
    AlreadyEnded(ApiStandardError),
}

impl CancelResponse {
    /// The provider-independent outcome.
    pub fn outcome(&self) -> CancelOutcome {
        match self {
            Self::Cancelled(_) => CancelOutcome::Cancelled,
            Self::AlreadyEnded(_) => CancelOutcome::AlreadyEnded,
        }
    }
}

impl RevCentClient {
    /// A client for `config`. Fails with [`Error::Config`] when no API key is set or the
    /// base URL is not acceptable.
    pub fn new(config: RevCentConfig) -> Result<Self> {
        let api_key = config.api_key.as_ref().map(|key| key.expose_secret());
        let api_key = SecretString::from(credential(api_key, API_KEY_VAR, "with_api_key")?);
        let base_url = config
            .transport
            .check_base_url(PROVIDER, &config.base_url)?;
        let transport = Transport::new(PROVIDER, config.transport, vec![api_key.clone()])?
            .with_base_url_var(BASE_URL_VAR);
        Ok(Self {
            inner: Arc::new(Inner {
                base_url,
                api_key,
                transport,
                concurrency: config.concurrency,
            }),
        })
    }

    /// A client configured from `REVCENT_API_KEY` and `REVCENT_BASE_URL`.
    pub fn from_env() -> Result<Self> {
        Self::new(RevCentConfig::from_env()?)
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// GetAIThread: `GET {base}/ai_threads/{id}`, the thread with its messages.
    ///
    /// The id must be exactly 20 URL-safe ASCII characters; anything else is refused with
    /// [`Error::InvalidInput`] before a request is sent. An unknown id is
    /// [`Error::NotFound`].
    pub async fn get_ai_thread(&self, id: &str) -> Result<AiThread> {
        check_thread_id(id)?;
        let url = endpoint(&self.inner.base_url, &["ai_threads", id]);
        self.inner
            .transport
            .send(
                Call::idempotent("GetAIThread"),
                || self.request(Method::GET, url.clone()),
                decode_thread,
            )
            .await
    }

    /// GetAIThreads: `GET {base}/ai_threads?date_start=…&date_end=…&limit=…&page=…`, one page
    /// of threads (without messages).
    ///
    /// The query is checked first: `date_start <= date_end`, a range of at most 2 days,
    /// limit 1 to 25, page from 0, 20-character assistant ids, known statuses. Pages count
    /// from 1 (see [`FIRST_PAGE`](crate::FIRST_PAGE)).
    pub async fn get_ai_threads(&self, params: &AiThreadListParams) -> Result<AiThreadList> {
        check_list_params(params)?;
        let mut url = endpoint(&self.inner.base_url, &["ai_threads"]);
        params.append_to(&mut url);
        self.inner
            .transport
            .send(
                Call::idempotent("GetAIThreads"),
                || self.request(Method::GET, url.clone()),
                decode_list,
            )
            .await
    }

    /// CancelAIThread: `POST {base}/ai_threads/{id}/cancel` with the body `{}`.
    ///
    /// RevCent cancels only `Running` and `Timer` threads; for any other status it answers
    /// an error, returned as [`Error::Provider`]. The call is retried after a lost answer
    /// (timeout, reset): when the retry is refused because the thread is no longer
    /// cancellable, the earlier attempt most likely landed, and the call returns
    /// [`CancelResponse::AlreadyEnded`].
    pub async fn cancel_ai_thread(&self, id: &str) -> Result<CancelResponse> {
        check_thread_id(id)?;
        let url = endpoint(&self.inner.base_url, &["ai_threads", id, "cancel"]);
        self.inner
            .transport
            .send(
                Call::idempotent("CancelAIThread"),
                || Ok(self.request(Method::POST, url.clone())?.json_body("{}")),
                decode_cancel,
            )
            .await
    }

    /// Every thread created in `range`, across as many 2-day windows and pages as it takes,
    /// as GetAIThreads lists them (without messages: [`get_ai_thread`](Self::get_ai_thread)
    /// fetches a transcript).
    ///
    /// - The range is cut into windows of at most 172,800 s (the API's limit), each
    ///   `[start, start + 172_799]`, so no second is listed twice; fractions of seconds are
    ///   dropped from both ends.
    /// - Order: windows oldest first; within a window, pages in order and threads in the
    ///   order RevCent lists them. Each thread is yielded once, provided threads are not
    ///   created inside the range while it is walked.
    /// - Pages are fetched with bounded concurrency ([`RevCentConfig::with_concurrency`],
    ///   default 4); memory stays bounded by a few pages.
    /// - The stream ends after the first error, which it yields; an invalid filter is that
    ///   first error, before any request.
    /// - RevCent keeps threads for 60 days: older ranges are accepted and yield nothing.
    pub fn ai_threads(
        &self,
        range: RangeInclusive<OffsetDateTime>,
        filters: ThreadFilters,
    ) -> BoxStream<'static, Result<AiThread>> {
        match Position::first(range.start().unix_timestamp(), range.end().unix_timestamp()) {
            Ok(start) => self.walk(start, filters),
            Err(error) => stream::iter([Err(error)]).boxed(),
        }
    }

    /// The window walk from `start`, one [`get_ai_threads`](Self::get_ai_threads) per page.
    pub(crate) fn walk(
        &self,
        start: Position,
        filters: ThreadFilters,
    ) -> BoxStream<'static, Result<AiThread>> {
        let client = self.clone();
        let get_page = move |params: AiThreadListParams| {
            let client = client.clone();
            async move { client.get_ai_threads(&params).await }
        };
        windows::walk(start, filters, self.inner.concurrency, get_page)
    }

    fn request(&self, method: Method, url: Url) -> Result<Request> {
        Request::new(method, url)
            .header("accept", "application/json")?
            .secret_header("x-api-key", self.inner.api_key.expose_secret())
    }
}

/// GetAIThread's answer. The 200 body is the thread's fields next to api_call_id/code;
/// unknown fields are skipped, so it decodes straight into AiThread. An error envelope decodes
/// too, as a thread without an id: only then is it read as one.
pub fn decode_thread(response: Response) -> Result<AiThread> {
    error::decode(&response, |thread: &AiThread| thread.id.is_none())
}

/// GetAIThreads' answer; a body whose `code` is not 1 may be an error envelope.
pub fn decode_list(response: Response) -> Result<AiThreadList> {
    error::decode(&response, |list: &AiThreadList| list.code != Some(1))
}

/// CancelAIThread's answer. A retry (attempt 2 or later) refused with a plain provider error
/// means the thread is no longer Running or Timer; authentication, not-found, throttling and
/// server errors keep their meaning.
pub fn decode_cancel(response: Response) -> Result<CancelResponse> {
    if response.attempt > 1
        && let Some(envelope) = error::standard_error(&response)
        && matches!(
            error::envelope_error(&response, envelope.clone()),
            Error::Provider {
                transient: false,
                ..
            }
        )
    {
        return Ok(CancelResponse::AlreadyEnded(envelope));
    }
    error::decode(&response, |result: &CancelAiThreadResult| {
        result.code != Some(1)
    })
    .map(CancelResponse::Cancelled)
}
