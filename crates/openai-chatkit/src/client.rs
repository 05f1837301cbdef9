//! The ChatKit API's HTTP calls, one typed method per operation.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use aithreads_core::pagination::cursor_stream;
use aithreads_core::transport::{Call, Request, Response, Transport, endpoint};
use aithreads_core::{DEFAULT_PREFETCH_PAGES, Error, ExposeSecret, Page, Result, SecretString};
use futures::StreamExt;
use futures::stream::BoxStream;
use reqwest::Method;
use serde::de::DeserializeOwned;
use url::Url;

use crate::config::{BASE_URL_VAR, ChatKitConfig};
use crate::error::{self, PROVIDER};
use crate::generated::{
    ChatSessionResource, CreateChatSessionBody, DeletedThreadResource, ThreadItem,
    ThreadItemListResource, ThreadListResource, ThreadResource,
};
use crate::input::{
    ListItemsParams, ListThreadsParams, check_list_items, check_list_threads, check_session,
    check_session_id, check_thread_id,
};
use crate::transcript;

/// The value of the `OpenAI-Beta` header every ChatKit call carries.
pub const BETA_HEADER: &str = "chatkit_beta=v1";

/// A client of the OpenAI ChatKit API. Cheap to clone; clones share connections.
///
/// Its inherent methods are the API's operations, fully typed and named after them; the
/// [`ThreadProvider`](aithreads_core::ThreadProvider) methods answer in the unified model.
///
/// Every call validates its input first ([`Error::InvalidInput`], nothing sent), then sends
/// `Authorization: Bearer …`, `OpenAI-Beta: chatkit_beta=v1`, and `OpenAI-Organization` /
/// `OpenAI-Project` when configured, retrying per the transport's policy.
///
/// Fetching a thread's items stops at a limit ([`ChatKitConfig::with_max_transcript_items`],
/// [`ChatKitConfig::with_max_transcript_bytes`]), so no server can make one thread take
/// unbounded memory or time.
#[derive(Clone)]
pub struct ChatKitClient {
    inner: Arc<Inner>,
    /// Outside [`Inner`]: [`with_max_transcript_items`](Self::with_max_transcript_items) makes
    /// a client with other limits that shares everything else.
    limits: TranscriptLimits,
}

/// How much one thread's items may hold when fetched.
#[derive(Debug, Clone, Copy)]
struct TranscriptLimits {
    items: usize,
    bytes: usize,
}

/// What every clone shares: where to send, the key to send, the transport, the settings.
struct Inner {
    base_url: Url,
    /// `Bearer <key>`, the `Authorization` header's value.
    authorization: SecretString,
    transport: Transport,
    organization: Option<String>,
    project: Option<String>,
}

impl fmt::Debug for ChatKitClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChatKitClient")
            .field("base_url", &self.inner.base_url.as_str())
            .field("api_key", &"[redacted]")
            .field("transport", &self.inner.transport)
            .field("organization", &self.inner.organization)
            .field("project", &self.inner.project)
            .field("transcript_limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl ChatKitClient {
    /// A client for `config`; fails with [`Error::Config`] when the API key is missing, the
    /// base URL is not `https` (plain `http` only to loopback unless allowed), or a header value
    /// holds characters HTTP forbids.
    pub fn new(config: ChatKitConfig) -> Result<Self> {
        let key = config.api_key()?;
        let base_url = config
            .transport
            .check_base_url(PROVIDER, &config.base_url)?;
        let authorization = SecretString::from(format!("Bearer {}", key.expose_secret()));
        let transport =
            Transport::new(PROVIDER, config.transport, vec![key])?.with_base_url_var(BASE_URL_VAR);
        let client = Self {
            inner: Arc::new(Inner {
                base_url,
                authorization,
                transport,
                organization: config.organization,
                project: config.project,
            }),
            limits: TranscriptLimits {
                items: config.max_transcript_items,
                bytes: config.max_transcript_bytes,
            },
        };
        // Build one request now so a bad header value fails here, not on every call.
        client.request(Method::GET, client.inner.base_url.clone(), None)?;
        Ok(client)
    }

    /// A client configured from `OPENAI_API_KEY`, `OPENAI_ORG_ID`, `OPENAI_PROJECT_ID` and
    /// `OPENAI_BASE_URL`; see [`ChatKitConfig::from_env`].
    pub fn from_env() -> Result<Self> {
        Self::new(ChatKitConfig::from_env()?)
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// This client, sharing its connections, with another limit on the items one thread may
    /// hold when fetched (see [`ChatKitConfig::with_max_transcript_items`]); for a client
    /// built elsewhere, from the environment say.
    pub fn with_max_transcript_items(&self, items: usize) -> Self {
        let mut client = self.clone();
        client.limits.items = items;
        client
    }

    /// This client, sharing its connections, with another limit on the bytes of item pages
    /// one thread may take (see [`ChatKitConfig::with_max_transcript_bytes`]).
    pub fn with_max_transcript_bytes(&self, bytes: usize) -> Self {
        let mut client = self.clone();
        client.limits.bytes = bytes;
        client
    }

    /// The most items one thread may hold when fetched.
    pub fn max_transcript_items(&self) -> usize {
        self.limits.items
    }

    /// The most bytes of item pages one thread may take when fetched.
    pub fn max_transcript_bytes(&self) -> usize {
        self.limits.bytes
    }

    /// GetThreadMethod: `GET /chatkit/threads/{thread_id}`, one thread.
    pub async fn retrieve_chatkit_thread(&self, thread_id: &str) -> Result<ThreadResource> {
        check_thread_id(thread_id)?;
        let url = self.url(&["chatkit", "threads", thread_id], Vec::new());
        self.send(Call::idempotent("GetThreadMethod"), Method::GET, url, None)
            .await
    }

    /// DeleteThreadMethod: `DELETE /chatkit/threads/{thread_id}`, deletes a thread with its
    /// items and stored attachments.
    ///
    /// Deleting is retried like a read. When a retry answers 404 after an earlier attempt
    /// whose answer was lost, that attempt deleted the thread, so the call succeeds with the
    /// confirmation the lost answer would have carried.
    pub async fn delete_chatkit_thread(&self, thread_id: &str) -> Result<DeletedThreadResource> {
        check_thread_id(thread_id)?;
        let url = self.url(&["chatkit", "threads", thread_id], Vec::new());
        self.inner
            .transport
            .send(
                Call::idempotent("DeleteThreadMethod"),
                || self.request(Method::DELETE, url.clone(), None),
                |response| decode_delete(thread_id, response),
            )
            .await
    }

    /// ListThreadsMethod: `GET /chatkit/threads`, one page of threads.
    pub async fn list_chatkit_threads(
        &self,
        params: &ListThreadsParams,
    ) -> Result<ThreadListResource> {
        check_list_threads(params)?;
        let url = self.url(&["chatkit", "threads"], params.query());
        self.send(
            Call::idempotent("ListThreadsMethod"),
            Method::GET,
            url,
            None,
        )
        .await
    }

    /// Every thread matching `params`, across all pages, fetched a couple of pages ahead.
    ///
    /// Like the official SDKs it walks forward with `after = last_id` until `has_more` is
    /// false (keeping any `before` as a bound). With `before` alone it walks backward from
    /// that id with `before = first_id`, yielding threads in the order they get further from
    /// it. An invalid `params` yields one [`Error::InvalidInput`] and nothing is sent.
    pub fn chatkit_threads(
        &self,
        params: ListThreadsParams,
    ) -> BoxStream<'static, Result<ThreadResource>> {
        if let Err(error) = check_list_threads(&params) {
            return futures::stream::iter([Err(error)]).boxed();
        }
        let backward = params.before.is_some() && params.after.is_none();
        let client = self.clone();
        walk(backward, move |cursor| {
            let client = client.clone();
            let mut params = params.clone();
            if backward {
                params.before = cursor.or(params.before);
            } else {
                params.after = cursor.or(params.after);
            }
            async move { client.list_chatkit_threads(&params).await }
        })
    }

    /// ListThreadItemsMethod: `GET /chatkit/threads/{thread_id}/items`, one page of a thread's
    /// items.
    pub async fn list_chatkit_thread_items(
        &self,
        thread_id: &str,
        params: &ListItemsParams,
    ) -> Result<ThreadItemListResource> {
        let (page, _bytes) = self.list_items_page(thread_id, params).await?;
        Ok(page)
    }

    /// One page of a thread's items and the size of the body it came in.
    async fn list_items_page(
        &self,
        thread_id: &str,
        params: &ListItemsParams,
    ) -> Result<(ThreadItemListResource, usize)> {
        check_thread_id(thread_id)?;
        check_list_items(params)?;
        let url = self.url(&["chatkit", "threads", thread_id, "items"], params.query());
        self.inner
            .transport
            .send(
                Call::idempotent("ListThreadItemsMethod"),
                || self.request(Method::GET, url.clone(), None),
                |response| {
                    let bytes = response.body.len();
                    error::decode(response).map(|page| (page, bytes))
                },
            )
            .await
    }

    /// Every item of a thread matching `params`, across all pages; walks like
    /// [`chatkit_threads`](Self::chatkit_threads).
    ///
    /// A thread holding more than the client's limits
    /// ([`max_transcript_items`](Self::max_transcript_items),
    /// [`max_transcript_bytes`](Self::max_transcript_bytes)) ends the stream with
    /// [`Error::TranscriptTooLarge`] before the page that would pass them, so pages that never
    /// end cost bounded time and memory.
    pub fn chatkit_thread_items(
        &self,
        thread_id: &str,
        params: ListItemsParams,
    ) -> BoxStream<'static, Result<ThreadItem>> {
        if let Err(error) = check_thread_id(thread_id).and_then(|()| check_list_items(&params)) {
            return futures::stream::iter([Err(error)]).boxed();
        }
        let backward = params.before.is_some() && params.after.is_none();
        let client = self.clone();
        let budget = Arc::new(Budget::new(thread_id, self.limits));
        walk(backward, move |cursor| {
            let client = client.clone();
            let budget = budget.clone();
            let mut params = params.clone();
            if backward {
                params.before = cursor.or(params.before);
            } else {
                params.after = cursor.or(params.after);
            }
            async move {
                let (page, bytes) = client.list_items_page(&budget.thread_id, &params).await?;
                budget.spend(page.data.len(), bytes)?;
                Ok(page)
            }
        })
    }

    /// CreateChatSessionMethod: `POST /chatkit/sessions`, creates a session and its client
    /// secret.
    ///
    /// Not retried once the request may have reached OpenAI, since a repeat would create a
    /// second session.
    pub async fn create_chatkit_session(
        &self,
        body: &CreateChatSessionBody,
    ) -> Result<ChatSessionResource> {
        check_session(body)?;
        let bytes = serde_json::to_vec(body).map_err(|e| {
            Error::invalid_input(format!("the session body cannot be encoded: {e}"))
        })?;
        let url = self.url(&["chatkit", "sessions"], Vec::new());
        self.send(
            Call::non_idempotent("CreateChatSessionMethod"),
            Method::POST,
            url,
            Some(bytes),
        )
        .await
    }

    /// CancelChatSessionMethod: `POST /chatkit/sessions/{session_id}/cancel`, stops new
    /// requests from using the session's client secret, and returns the session.
    pub async fn cancel_chatkit_session(&self, session_id: &str) -> Result<ChatSessionResource> {
        check_session_id(session_id)?;
        let url = self.url(&["chatkit", "sessions", session_id, "cancel"], Vec::new());
        self.send(
            Call::idempotent("CancelChatSessionMethod"),
            Method::POST,
            url,
            None,
        )
        .await
    }

    fn url(&self, segments: &[&str], query: Vec<(&'static str, String)>) -> Url {
        let mut url = endpoint(&self.inner.base_url, segments);
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        url
    }

    async fn send<T: DeserializeOwned>(
        &self,
        call: Call<'_>,
        method: Method,
        url: Url,
        body: Option<Vec<u8>>,
    ) -> Result<T> {
        self.inner
            .transport
            .send(
                call,
                || self.request(method.clone(), url.clone(), body.clone()),
                error::decode,
            )
            .await
    }

    fn request(&self, method: Method, url: Url, body: Option<Vec<u8>>) -> Result<Request> {
        let inner = &self.inner;
        let mut request = Request::new(method, url)
            .secret_header("authorization", inner.authorization.expose_secret())?
            .header("openai-beta", BETA_HEADER)?
            .header("accept", "application/json")?;
        if let Some(organization) = &inner.organization {
            request = request.header("openai-organization", organization)?;
        }
        if let Some(project) = &inner.project {
            request = request.header("openai-project", project)?;
        }
        if let Some(body) = body {
            request = request.json_body(body);
        }
        Ok(request)
    }
}

/// DeleteThreadMethod's answer: OpenAI's "no such thread" on a retry means an earlier
/// attempt, whose answer was lost, deleted the thread. A 404 that is not OpenAI's (a wrong
/// base URL) stays an error.
pub fn decode_delete(thread_id: &str, response: Response) -> Result<DeletedThreadResource> {
    let retry = response.attempt > 1;
    match error::decode(response) {
        Err(error) if retry && error.is_not_found() => Ok(DeletedThreadResource {
            id: thread_id.to_owned(),
            object: "chatkit.thread.deleted".to_owned(),
            deleted: true,
        }),
        answer => answer,
    }
}

/// The cursor for the page after one: its `last_id` (or `first_id` walking backward) while
/// `has_more` says there is more. An empty page ends the walk, as in the official SDKs.
pub(crate) fn next_cursor(
    has_more: bool,
    cursor_id: Option<String>,
    page_is_empty: bool,
) -> Option<String> {
    cursor_id.filter(|id| has_more && !page_is_empty && !id.is_empty())
}

/// What one walk over a thread's items has taken so far, against the client's limits.
struct Budget {
    thread_id: String,
    limits: TranscriptLimits,
    items: AtomicUsize,
    bytes: AtomicUsize,
}

impl Budget {
    fn new(thread_id: &str, limits: TranscriptLimits) -> Self {
        Self {
            thread_id: thread_id.to_owned(),
            limits,
            items: AtomicUsize::new(0),
            bytes: AtomicUsize::new(0),
        }
    }

    /// Counts a page of `items` that came in `bytes`; [`Error::TranscriptTooLarge`] when the
    /// thread has now passed a limit.
    fn spend(&self, items: usize, bytes: usize) -> Result<()> {
        let items = self.items.fetch_add(items, Ordering::Relaxed) + items;
        let bytes = self.bytes.fetch_add(bytes, Ordering::Relaxed) + bytes;
        let limit = if items > self.limits.items {
            format!("{} items", self.limits.items)
        } else if bytes > self.limits.bytes {
            format!("{} bytes", self.limits.bytes)
        } else {
            return Ok(());
        };
        Err(Error::transcript_too_large(
            PROVIDER,
            self.thread_id.clone(),
            limit,
        ))
    }
}

/// The two list answers, which share one shape.
trait CursorPage: Send + 'static {
    type Item: Send + 'static;
    /// Items, first id, last id, has more.
    fn into_parts(self) -> (Vec<Self::Item>, Option<String>, Option<String>, bool);
    /// An item's id, so the walk never yields one twice.
    fn id(item: &Self::Item) -> Option<&str>;
}

impl CursorPage for ThreadListResource {
    type Item = ThreadResource;
    fn into_parts(self) -> (Vec<ThreadResource>, Option<String>, Option<String>, bool) {
        (self.data, self.first_id, self.last_id, self.has_more)
    }
    fn id(thread: &ThreadResource) -> Option<&str> {
        Some(&thread.id)
    }
}

impl CursorPage for ThreadItemListResource {
    type Item = ThreadItem;
    fn into_parts(self) -> (Vec<ThreadItem>, Option<String>, Option<String>, bool) {
        (self.data, self.first_id, self.last_id, self.has_more)
    }
    fn id(item: &ThreadItem) -> Option<&str> {
        transcript::item_id(item)
    }
}

/// Streams every page `fetch(cursor)` returns, forward (`after = last_id`) or backward
/// (`before = first_id`, each page reversed so items keep moving away from the start).
///
/// Core's [`cursor_stream`] keeps the walk finite: a cursor sent again (the same `last_id`
/// with `has_more: true`, cursors cycling) ends it with [`Error::Pagination`], and no id is
/// yielded twice.
fn walk<L, F, Fut>(backward: bool, mut fetch: F) -> BoxStream<'static, Result<L::Item>>
where
    L: CursorPage,
    F: FnMut(Option<String>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<L>> + Send + 'static,
{
    cursor_stream(
        PROVIDER,
        move |cursor| {
            let page = fetch(cursor);
            async move {
                let (mut data, first_id, last_id, has_more) = page.await?.into_parts();
                let cursor = if backward { first_id } else { last_id };
                let next = next_cursor(has_more, cursor, data.is_empty());
                if backward {
                    data.reverse();
                }
                Ok(Page::new(data, next, None))
            }
        },
        L::id,
        DEFAULT_PREFETCH_PAGES,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(base: &str) -> ChatKitClient {
        ChatKitClient::new(
            ChatKitConfig::default()
                .with_api_key("sk-unit")
                .with_base_url(base),
        )
        .unwrap()
    }

    #[test]
    fn urls_append_segments_and_query_to_the_base_path() {
        let c = client("https://api.openai.com/v1");
        assert_eq!(
            c.url(&["chatkit", "threads"], Vec::new()).as_str(),
            "https://api.openai.com/v1/chatkit/threads"
        );
        let query = ListThreadsParams::new()
            .with_user("a b&c")
            .with_limit(3)
            .query();
        assert_eq!(
            c.url(&["chatkit", "threads"], query).as_str(),
            "https://api.openai.com/v1/chatkit/threads?limit=3&user=a+b%26c"
        );
    }

    #[test]
    fn construction_refuses_bad_configuration() {
        let no_key = ChatKitClient::new(ChatKitConfig::default()).unwrap_err();
        assert!(no_key.to_string().contains("OPENAI_API_KEY"), "{no_key}");
        let plain = ChatKitClient::new(
            ChatKitConfig::default()
                .with_api_key("k")
                .with_base_url("http://api.openai.com/v1"),
        )
        .unwrap_err();
        assert!(matches!(plain, Error::Config { .. }), "{plain:?}");
        let newline = ChatKitClient::new(
            ChatKitConfig::default()
                .with_api_key("sk-1\nx")
                .with_base_url("http://127.0.0.1:1/v1"),
        )
        .unwrap_err();
        assert!(matches!(newline, Error::Config { .. }), "{newline:?}");
        assert!(!newline.to_string().contains("sk-1"), "{newline}");
        let org = ChatKitClient::new(
            ChatKitConfig::default()
                .with_api_key("k")
                .with_organization("org\r\n"),
        )
        .unwrap_err();
        assert!(matches!(org, Error::Config { .. }), "{org:?}");
    }

    #[test]
    fn debug_shows_no_key() {
        let text = format!("{:?}", client("http://127.0.0.1:1/v1"));
        assert!(!text.contains("sk-unit"), "{text}");
        assert!(text.contains("127.0.0.1"), "{text}");
    }

    /// One client for every property case: building one loads TLS roots, which is slow.
    static OPENAI: std::sync::LazyLock<ChatKitClient> =
        std::sync::LazyLock::new(|| client("https://api.openai.com/v1"));

    proptest::proptest! {
        #[test]
        fn accepted_ids_stay_exactly_one_path_segment(id in "[A-Za-z0-9_.~-]{1,48}") {
            proptest::prop_assume!(id != "." && id != "..");
            check_thread_id(&id).unwrap();
            let url = OPENAI.url(&["chatkit", "threads", &id], Vec::new());
            let segments: Vec<&str> = url.path_segments().unwrap().collect();
            proptest::prop_assert_eq!(segments, vec!["v1", "chatkit", "threads", id.as_str()]);
        }

        #[test]
        fn ids_with_a_character_that_changes_the_url_are_refused(
            head in "[a-z0-9_]{0,8}",
            bad in proptest::sample::select(vec!['/', '?', '#', '%', ' ', '\n', '\u{0}', '\\', 'é']),
            tail in "[a-z0-9_]{0,8}",
        ) {
            let id = format!("{head}{bad}{tail}");
            proptest::prop_assert!(check_thread_id(&id).unwrap_err().is_invalid_input());
        }
    }

    #[test]
    fn next_cursor_stops_on_the_last_or_an_empty_page() {
        assert_eq!(
            next_cursor(true, Some("cthr_b".into()), false).as_deref(),
            Some("cthr_b")
        );
        assert_eq!(next_cursor(false, Some("cthr_b".into()), false), None);
        assert_eq!(next_cursor(true, None, false), None);
        assert_eq!(next_cursor(true, Some(String::new()), false), None);
        assert_eq!(next_cursor(true, Some("cthr_b".into()), true), None);
    }
}
