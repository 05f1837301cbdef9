//! [`RevCentClient`]: the AI thread operations over the shared transport, the window walk
//! built on GetAIThreads, and the decoders that tell a success from everything else.

use std::fmt;
use std::hash::RandomState;
use std::ops::RangeInclusive;
use std::sync::Arc;

use aithreads_core::transport::{Call, Request, Response, Transport, credential, endpoint};
use aithreads_core::{ApiError, CancelOutcome, Error, ExposeSecret, Result, SecretString};
use futures::FutureExt;
use futures::future::BoxFuture;
use futures::stream::{self, BoxStream, StreamExt};
use http::Method;
use time::OffsetDateTime;
use url::Url;

use crate::config::{API_KEY_VAR, BASE_URL_VAR, RevCentConfig};
use crate::date_ends::{DateBound, DateEndsProbe};
use crate::error::{self, PROVIDER};
use crate::generated::{
    AiThread, AiThreadList, AiThreadListParams, AiThreadStatus, CancelAiThreadResult,
    TriggerAiAssistantResult,
};
use crate::input::{
    ThreadFilters, TriggerAiAssistantRequest, check_list_params, check_thread_id, check_trigger,
};
use crate::page_base::{PageBase, PageBaseCell, PageBaseProbe, ProbedPage, refuses_page};
use crate::walk::Walker;
use crate::windows::{Cursor, Range, RangePlan, WINDOW_SECS, Window};

/// A RevCent v2 client for AI threads. Cheap to clone; clones share connections and what
/// the client learned about page numbers ([`page_base`](Self::page_base)).
///
/// Every request carries `x-api-key` and goes through the core transport (timeouts, retries
/// with backoff, rate limits, response size limit, secrets kept out of errors and logs).
#[derive(Clone)]
pub struct RevCentClient {
    inner: Arc<Inner>,
    /// The most windows one range may take; per clone ([`with_max_windows`](Self::with_max_windows)).
    max_windows: u64,
}

/// What every clone shares: where to send, the key to send, the transport, the settings,
/// and the page base learned so far.
struct Inner {
    base_url: Url,
    api_key: SecretString,
    transport: Transport,
    concurrency: usize,
    max_window_threads: u64,
    page_base: Arc<PageBaseCell>,
}

impl fmt::Debug for RevCentClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RevCentClient")
            .field("base_url", &self.inner.base_url.as_str())
            .field("api_key", &"[redacted]")
            .field("transport", &self.inner.transport)
            .field("concurrency", &self.inner.concurrency)
            .field("max_windows", &self.max_windows)
            .field("max_window_threads", &self.inner.max_window_threads)
            .field("page_base", &self.inner.page_base.get())
            .finish_non_exhaustive()
    }
}

/// What a successful [`RevCentClient::cancel_ai_thread`] call achieved.
#[derive(Debug, Clone, PartialEq)]
pub enum CancelResponse {
    /// This call cancelled the thread; RevCent's answer.
    Cancelled(CancelAiThreadResult),
    /// RevCent refused the cancel, and a GetAIThread right after showed the thread in an
    /// ended status (`Complete`, `Cancelled`, `Error`): there is nothing left to cancel
    /// (an earlier attempt whose answer was lost may have cancelled it).
    AlreadyEnded {
        /// The status GetAIThread showed.
        status: AiThreadStatus,
        /// What RevCent said when it refused the cancel.
        refusal: ApiError,
    },
}

impl CancelResponse {
    /// The provider-independent outcome.
    pub fn outcome(&self) -> CancelOutcome {
        match self {
            Self::Cancelled(_) => CancelOutcome::Cancelled,
            Self::AlreadyEnded { .. } => CancelOutcome::AlreadyEnded,
        }
    }
}

/// The future of one GetAIThreads page, as the window walk takes it.
type PageFuture = BoxFuture<'static, Result<AiThreadList>>;

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
                max_window_threads: config.max_window_threads,
                page_base: Arc::default(),
            }),
            max_windows: config.max_windows,
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

    /// This client allowing ranges of up to `windows` 2-day windows (at least 1), as
    /// [`RevCentConfig::with_max_windows`]; it shares connections and the page base learned
    /// with `self`.
    pub fn with_max_windows(mut self, windows: u64) -> Self {
        self.max_windows = windows.max(1);
        self
    }

    /// GetAIThread: `GET {base}/ai_threads/{id}`, the thread with its messages.
    ///
    /// The id must be exactly 20 URL-safe ASCII characters; anything else is refused with
    /// [`Error::InvalidInput`] before a request is sent. An unknown id is
    /// [`Error::NotFound`]. An answer without the thread's `id`, or with another thread's,
    /// is [`Error::Decode`].
    pub async fn get_ai_thread(&self, id: &str) -> Result<AiThread> {
        check_thread_id(id)?;
        let url = endpoint(&self.inner.base_url, &["ai_threads", id]);
        self.inner
            .transport
            .send(
                Call::idempotent("GetAIThread"),
                || self.request(Method::GET, url.clone()),
                |response| decode_thread(response, id),
            )
            .await
    }

    /// GetAIThreads: `GET {base}/ai_threads?date_start=…&date_end=…&limit=…&page=…`, one page
    /// of threads (without messages).
    ///
    /// The query is checked first: `date_start <= date_end`, a range of at most 2 days,
    /// limit 1 to 25, page 0 or more, 20-character assistant ids, known statuses. An answer
    /// without `results`, `total_count` and `total_pages`, or with a thread without an id,
    /// is [`Error::Decode`].
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
    /// RevCent cancels only `Running` and `Timer` threads. The call is retried after a lost
    /// answer (timeout, reset). When RevCent refuses it with an error that is not about
    /// credentials, throttling, a missing thread or the server (whatever its `error_code`),
    /// one GetAIThread tells why: a thread in an ended status (`Complete`, `Cancelled`,
    /// `Error`) makes the call [`CancelResponse::AlreadyEnded`]; otherwise the refusal is
    /// returned. A success needs `code: 1`, and an `ai_thread_id`, when sent, naming `id`.
    pub async fn cancel_ai_thread(&self, id: &str) -> Result<CancelResponse> {
        check_thread_id(id)?;
        let url = endpoint(&self.inner.base_url, &["ai_threads", id, "cancel"]);
        let answer = self
            .inner
            .transport
            .send(
                Call::idempotent("CancelAIThread"),
                || Ok(self.request(Method::POST, url.clone())?.json_body("{}")),
                |response| decode_cancel(response, id),
            )
            .await;
        match answer {
            Ok(result) => Ok(CancelResponse::Cancelled(result)),
            Err(refusal) if is_refusal(&refusal) => self.confirm_ended(id, refusal).await,
            Err(error) => Err(error),
        }
    }

    /// After a refused cancel: [`CancelResponse::AlreadyEnded`] when the thread is in an
    /// ended status, else the refusal.
    async fn confirm_ended(&self, id: &str, refusal: Error) -> Result<CancelResponse> {
        let status = match self.get_ai_thread(id).await {
            Ok(thread) => thread.status,
            Err(_) => None,
        };
        match (status, refusal.api_error()) {
            (
                Some(
                    status @ (AiThreadStatus::Complete
                    | AiThreadStatus::Cancelled
                    | AiThreadStatus::Error),
                ),
                Some(details),
            ) => Ok(CancelResponse::AlreadyEnded {
                status,
                refusal: details.clone(),
            }),
            _ => Err(refusal),
        }
    }

    /// TriggerAIAssistant: `POST {base}/ai_assistants/{ai_assistant_id}/trigger` with
    /// `request` as its JSON body; RevCent starts a new AI thread that runs on its own, and
    /// answers its `ai_thread_id` (the thread's reference is `revcent:<ai_thread_id>`).
    ///
    /// Only assistants whose trigger setting is `on_demand` can be triggered; RevCent refuses
    /// others. Checked first: 20-character assistant, item and previous thread ids, and not
    /// both `previous_ai_thread` and `messages`. Never retried once it may have reached
    /// RevCent (a second attempt could start a second thread). A success needs `code: 1`, a
    /// 20-character `ai_thread_id`, and an `ai_assistant_id`, when sent, naming the assistant
    /// asked for.
    pub async fn trigger_ai_assistant(
        &self,
        ai_assistant_id: &str,
        request: &TriggerAiAssistantRequest,
    ) -> Result<TriggerAiAssistantResult> {
        check_trigger(ai_assistant_id, request)?;
        let body = serde_json::to_vec(request)
            .map_err(|e| Error::invalid_input(format!("the trigger body cannot be sent: {e}")))?;
        let url = endpoint(
            &self.inner.base_url,
            &["ai_assistants", ai_assistant_id, "trigger"],
        );
        self.inner
            .transport
            .send(
                Call::non_idempotent("TriggerAIAssistant"),
                || {
                    Ok(self
                        .request(Method::POST, url.clone())?
                        .json_body(body.clone()))
                },
                |response| decode_trigger(response, ai_assistant_id),
            )
            .await
    }

    /// Every thread created in `range`, across as many 2-day windows and pages as it takes,
    /// as GetAIThreads lists them (without messages: [`get_ai_thread`](Self::get_ai_thread)
    /// fetches a transcript).
    ///
    /// - The range is planned first ([`plan_range`](Self::plan_range)): an end in the
    ///   future is clamped to now, and a range needing more windows than
    ///   [`RevCentConfig::with_max_windows`] allows (default 31, 62 days) is refused, as are
    ///   invalid filters, before any request. Fractions of seconds are dropped.
    /// - Windows are `[start, start + 172_799)`, asked from the second before them
    ///   (`date_start`) to their end (`date_end`), so every second is listed whether either
    ///   end is inclusive or exclusive; each thread is kept by the window its
    ///   `created_date_unix` falls in, so a thread created on a boundary second appears once.
    /// - Whether pages count from 0 or 1 ([`PageBase`]) is found out on the first window
    ///   that has threads (its page 0 is fetched next to page 1: one extra request per
    ///   client when pages count from 1), then remembered. Every window is reconciled with
    ///   the `total_count` its pages report, and walked a second time when it falls short;
    ///   ids are de-duplicated. A window that still cannot be reconciled, a page that only
    ///   repeats earlier ones, or a window holding more than
    ///   [`RevCentConfig::with_max_window_threads`] threads ends the stream with an error
    ///   naming the window. No thread is yielded twice.
    /// - Order ([`ThreadFilters::order`]): oldest window first, threads in RevCent's listing
    ///   order, streamed as pages arrive (memory bounded by a few pages); or newest window
    ///   first, each window held (at most `max_window_threads` threads) and sorted newest
    ///   first.
    /// - Pages are fetched with bounded concurrency ([`RevCentConfig::with_concurrency`],
    ///   default 4). The stream ends after the first error, which it yields; dropping it
    ///   stops the walk. It must be polled within a Tokio runtime.
    /// - RevCent keeps threads for 60 days: older ranges are accepted and yield nothing.
    pub fn ai_threads(
        &self,
        range: RangeInclusive<OffsetDateTime>,
        filters: ThreadFilters,
    ) -> BoxStream<'static, Result<AiThread>> {
        match self.check_walk(&range, &filters) {
            Ok(range) => {
                let cursor = Cursor {
                    range,
                    newest_first: filters.order == aithreads_core::Order::Desc,
                    done: 0,
                };
                self.walker(filters).threads(cursor)
            }
            Err(error) => stream::iter([Err(error)]).boxed(),
        }
    }

    /// What walking `range` will take, known before any request: the range as it will be
    /// walked (an end in the future is clamped to now, reported in
    /// [`RangePlan::end_clamped`]) and how many 2-day windows it needs (at least one
    /// request each). A range starting in the future or before 1970, ending before it
    /// starts, or needing more windows than [`RevCentConfig::with_max_windows`] allows is
    /// refused with [`Error::InvalidInput`].
    pub fn plan_range(&self, range: &RangeInclusive<OffsetDateTime>) -> Result<RangePlan> {
        self.plan(range).map(|(plan, _)| plan)
    }

    pub(crate) fn plan(
        &self,
        range: &RangeInclusive<OffsetDateTime>,
    ) -> Result<(RangePlan, Range)> {
        RangePlan::new(
            range.start().unix_timestamp(),
            range.end().unix_timestamp(),
            OffsetDateTime::now_utc().unix_timestamp(),
            self.max_windows,
        )
    }

    /// Plans `range` and checks `filters`, so a bad walk fails before any request.
    pub(crate) fn check_walk(
        &self,
        range: &RangeInclusive<OffsetDateTime>,
        filters: &ThreadFilters,
    ) -> Result<Range> {
        let (_, range) = self.plan(range)?;
        check_list_params(&range.window(0).params(filters, 1))?;
        Ok(range)
    }

    /// The page numbering this client has found RevCent to use, once a listing has shown
    /// it (the first window with threads does); `None` before.
    pub fn page_base(&self) -> Option<PageBase> {
        self.inner.page_base.get()
    }

    /// Asks RevCent directly which page numbering it uses: GetAIThreads with `limit=1` at
    /// `page=0` and at `page=1` over the newest 2 days of `range` (clamped to now: one call's
    /// longest range, so a range of 2 days is probed whole), the ids
    /// compared as [`PageBaseProbe`] documents. Two requests, read-only; it does not change
    /// what [`page_base`](Self::page_base) reports, so the two can be compared (what
    /// `aithreads doctor` does). A window without threads tells nothing (`reading: None`):
    /// probe a busier range.
    pub async fn probe_page_base(
        &self,
        range: &RangeInclusive<OffsetDateTime>,
    ) -> Result<PageBaseProbe> {
        let (_, range) = RangePlan::new(
            range.start().unix_timestamp(),
            range.end().unix_timestamp(),
            OffsetDateTime::now_utc().unix_timestamp(),
            u64::MAX,
        )?;
        // Not the walk's last window, which may be a sliver of the range's last seconds.
        let window = Window {
            start: range
                .start
                .max(range.end.saturating_add(1).saturating_sub(WINDOW_SECS)),
            stop: range.end.saturating_add(1),
        };
        let page = |page| {
            AiThreadListParams::new(window.start, window.stop)
                .with_limit(1)
                .with_page(page)
        };
        let ids = |list: AiThreadList| -> Vec<String> {
            list.results
                .into_iter()
                .flatten()
                .filter_map(|thread| thread.id)
                .collect()
        };
        let one = self.get_ai_threads(&page(1)).await?;
        let total_count = one.total_count;
        let zero = match self.get_ai_threads(&page(0)).await {
            Ok(list) => ProbedPage::Listed(ids(list)),
            Err(error) => ProbedPage::Refused(refuses_page(&error).ok_or(error)?),
        };
        Ok(PageBaseProbe::new(
            window.start,
            window.stop,
            total_count,
            zero,
            ProbedPage::Listed(ids(one)),
        ))
    }

    /// Asks RevCent how it reads the ends of a date range, with a thread it lists (`id`,
    /// created at `created`, e.g. one from [`ai_threads`](Self::ai_threads)): is it listed
    /// by `date_start=created&date_end=created+1` (then `date_start` is inclusive), and by
    /// `date_start=created-1&date_end=created` (then `date_end` is)? Read-only, usually one
    /// request each; walks need no answer (see [`DateEndsProbe`]), `aithreads doctor` shows
    /// it.
    pub async fn probe_date_ends(&self, id: &str, created: i64) -> Result<DateEndsProbe> {
        let before = created.saturating_sub(1).max(0);
        let date_start = self.lists(id, created, created.saturating_add(1)).await?;
        let date_end = self.lists(id, before, created).await?;
        Ok(DateEndsProbe {
            thread_id: id.to_owned(),
            created,
            date_start: date_start.map(DateBound::from_listed),
            date_end: date_end.map(DateBound::from_listed),
        })
    }

    /// Whether GetAIThreads over `date_start..=date_end` lists `id`, reading up to five
    /// pages of 25 from the first (page 0 when the base is not known yet; a refused page 0
    /// is passed over); `None` when they are all full without it.
    async fn lists(&self, id: &str, date_start: i64, date_end: i64) -> Result<Option<bool>> {
        const PAGES: i64 = 5;
        let first = self.page_base().map_or(0, PageBase::first_page);
        for page in first..first + PAGES {
            let params = AiThreadListParams::new(date_start, date_end).with_page(page);
            let list = match self.get_ai_threads(&params).await {
                Ok(list) => list,
                Err(error) if page == 0 && refuses_page(&error).is_some() => continue,
                Err(error) => return Err(error),
            };
            let results = list.results.unwrap_or_default();
            if results
                .iter()
                .any(|thread| thread.id.as_deref() == Some(id))
            {
                return Ok(Some(true));
            }
            if results.len() < params.limit as usize {
                return Ok(Some(false));
            }
        }
        Ok(None)
    }

    /// The window walk over GetAIThreads with `filters`.
    pub(crate) fn walker(
        &self,
        filters: ThreadFilters,
    ) -> Walker<impl Fn(AiThreadListParams) -> PageFuture + Send + Sync + 'static> {
        let client = self.clone();
        Walker {
            fetch: move |params: AiThreadListParams| {
                let client = client.clone();
                async move { client.get_ai_threads(&params).await }.boxed()
            },
            filters,
            base: self.inner.page_base.clone(),
            concurrency: self.inner.concurrency,
            max_window_threads: self.inner.max_window_threads,
            hasher: RandomState::new(),
        }
    }

    fn request(&self, method: Method, url: Url) -> Result<Request> {
        Request::new(method, url)
            .header("accept", "application/json")?
            .secret_header("x-api-key", self.inner.api_key.expose_secret())
    }
}

/// Whether a cancel's error is RevCent refusing it (rather than the credentials, a missing
/// thread, throttling, the network or the server failing).
fn is_refusal(error: &Error) -> bool {
    matches!(
        error,
        Error::Provider {
            transient: false,
            ..
        }
    )
}

/// GetAIThread's answer: the thread's fields next to `code: 1` (`allOf` of the envelope and
/// the thread), for the thread asked for.
pub fn decode_thread(response: Response, id: &str) -> Result<AiThread> {
    error::decode(&response, |thread: &AiThread| match thread.id.as_deref() {
        None => Some("the answer has no thread `id`".into()),
        Some(other) if other != id => Some(format!(
            "asked for thread {id}, RevCent answered thread {}",
            other.escape_debug()
        )),
        Some(_) => None,
    })
}

/// GetAIThreads' answer: `code: 1` with `results`, `total_count` and `total_pages`, every
/// result with an `id`.
pub fn decode_list(response: Response) -> Result<AiThreadList> {
    error::decode(&response, |list: &AiThreadList| {
        let missing: Vec<&str> = [
            ("results", list.results.is_none()),
            ("total_count", list.total_count.is_none()),
            ("total_pages", list.total_pages.is_none()),
        ]
        .into_iter()
        .filter_map(|(name, missing)| missing.then_some(name))
        .collect();
        if !missing.is_empty() {
            return Some(format!("the list has no `{}`", missing.join("`, `")));
        }
        if list.total_count.is_some_and(|n| n < 0) || list.total_pages.is_some_and(|n| n < 0) {
            return Some("the list reports a negative count".into());
        }
        let without_id = list
            .results
            .iter()
            .flatten()
            .position(|thread| thread.id.is_none());
        without_id.map(|at| format!("results[{at}] has no `id`"))
    })
}

/// CancelAIThread's answer: `code: 1`, and an `ai_thread_id`, when sent, naming the thread
/// asked for.
pub fn decode_cancel(response: Response, id: &str) -> Result<CancelAiThreadResult> {
    error::decode(&response, |result: &CancelAiThreadResult| {
        match result.ai_thread_id.as_deref() {
            Some(other) if other != id => Some(format!(
                "asked to cancel thread {id}, RevCent answered for thread {}",
                other.escape_debug()
            )),
            _ => None,
        }
    })
}

/// TriggerAIAssistant's answer: `code: 1` with the new thread's 20-character
/// `ai_thread_id`, and an `ai_assistant_id`, when sent, naming the assistant asked for.
pub fn decode_trigger(
    response: Response,
    ai_assistant_id: &str,
) -> Result<TriggerAiAssistantResult> {
    error::decode(&response, |result: &TriggerAiAssistantResult| {
        match (
            result.ai_thread_id.as_deref(),
            result.ai_assistant_id.as_deref(),
        ) {
            (None, _) => Some("the answer has no `ai_thread_id`".into()),
            (Some(thread), _) if check_thread_id(thread).is_err() => Some(format!(
                "`ai_thread_id` {} is not a 20-character thread id",
                thread.escape_debug()
            )),
            (_, Some(other)) if other != ai_assistant_id => Some(format!(
                "triggered assistant {ai_assistant_id}, RevCent answered for assistant {}",
                other.escape_debug()
            )),
            _ => None,
        }
    })
}
