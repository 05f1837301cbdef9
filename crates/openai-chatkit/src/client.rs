//! The ChatKit API's HTTP calls, one typed method per operation.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use aithreads_core::pagination::cursor_stream;
use aithreads_core::transport::{Call, Request, Response, Transport, endpoint};
use aithreads_core::validate;
use aithreads_core::{DEFAULT_PREFETCH_PAGES, Error, ExposeSecret, Page, Result, SecretString};
use futures::StreamExt;
use futures::stream::BoxStream;
use reqwest::Method;
use serde::de::DeserializeOwned;
use url::Url;

use crate::config::ChatKitConfig;
use crate::error::{self, PROVIDER};
use crate::generated::{
    ChatSessionResource, CreateChatSessionBody, DeletedThreadResource, ThreadItem,
    ThreadItemListResource, ThreadListResource, ThreadResource,
};
use crate::params::{self, ListItemsParams, ListThreadsParams};

/// The value of the `OpenAI-Beta` header every ChatKit call carries.
pub const BETA_HEADER: &str = "chatkit_beta=v1";

/// A client of the OpenAI ChatKit API. Cheap to clone; clones share connections.
///
/// Its inherent methods are the API's operations, fully typed. It also implements
/// [`ThreadProvider`](aithreads_core::ThreadProvider), whose `get_thread` and `list_threads`
/// return the unified [`Thread`](aithreads_core::Thread) instead; call them through the trait
/// (`ThreadProvider::get_thread(&client, id)` or a `dyn ThreadProvider`).
///
/// Every call validates its input first ([`Error::InvalidInput`], nothing sent), then sends
/// `Authorization: Bearer …`, `OpenAI-Beta: chatkit_beta=v1`, and `OpenAI-Organization` /
/// `OpenAI-Project` when configured, retrying per the transport's policy.
#[derive(Clone)]
pub struct ChatKitClient {
    inner: Arc<Inner>,
}

struct Inner {
    transport: Transport,
    base_url: Url,
    authorization: SecretString,
    organization: Option<String>,
    project: Option<String>,
}

impl fmt::Debug for ChatKitClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChatKitClient")
            .field("base_url", &self.inner.base_url.as_str())
            .field("organization", &self.inner.organization)
            .field("project", &self.inner.project)
            .field("transport", &self.inner.transport)
            .finish_non_exhaustive()
    }
}

impl ChatKitClient {
    /// A client for `config`; fails with [`Error::Config`] when the API key is missing, the
    /// base URL is not `https` (plain `http` only to loopback unless allowed), or a header value
    /// holds characters HTTP forbids.
    pub fn new(config: ChatKitConfig) -> Result<Self> {
        let key = config.api_key()?.clone();
        let base_url = config
            .transport
            .check_base_url(PROVIDER, &config.base_url)?;
        let authorization = SecretString::from(format!("Bearer {}", key.expose_secret()));
        let client = Self {
            inner: Arc::new(Inner {
                transport: Transport::new(PROVIDER, config.transport, vec![key])?,
                base_url,
                authorization,
                organization: config.organization,
                project: config.project,
            }),
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
    pub fn base_url(&self) -> &str {
        self.inner.base_url.as_str()
    }

    /// `GET /chatkit/threads/{thread_id}`: one thread.
    pub async fn get_thread(&self, thread_id: &str) -> Result<ThreadResource> {
        check_id("thread id", thread_id)?;
        let url = self.url(&["chatkit", "threads", thread_id], Vec::new());
        self.send(Call::idempotent("GetThreadMethod"), Method::GET, url, None)
            .await
    }

    /// `DELETE /chatkit/threads/{thread_id}`: deletes a thread with its items and stored
    /// attachments.
    ///
    /// Deleting is retried like a read. When a retry answers 404 after an earlier attempt
    /// whose answer was lost, that attempt deleted the thread, so the call succeeds with the
    /// confirmation the lost answer would have carried.
    pub async fn delete_thread(&self, thread_id: &str) -> Result<DeletedThreadResource> {
        check_id("thread id", thread_id)?;
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

    /// `GET /chatkit/threads`: one page of threads.
    pub async fn list_threads(&self, params: &ListThreadsParams) -> Result<ThreadListResource> {
        params.check()?;
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
    pub fn threads(&self, params: ListThreadsParams) -> BoxStream<'static, Result<ThreadResource>> {
        if let Err(error) = params.check() {
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
            async move { client.list_threads(&params).await }
        })
    }

    /// `GET /chatkit/threads/{thread_id}/items`: one page of a thread's items.
    pub async fn list_items(
        &self,
        thread_id: &str,
        params: &ListItemsParams,
    ) -> Result<ThreadItemListResource> {
        check_id("thread id", thread_id)?;
        params.check()?;
        let url = self.url(&["chatkit", "threads", thread_id, "items"], params.query());
        self.send(
            Call::idempotent("ListThreadItemsMethod"),
            Method::GET,
            url,
            None,
        )
        .await
    }

    /// Every item of a thread matching `params`, across all pages; walks like
    /// [`threads`](Self::threads).
    pub fn items(
        &self,
        thread_id: &str,
        params: ListItemsParams,
    ) -> BoxStream<'static, Result<ThreadItem>> {
        if let Err(error) = check_id("thread id", thread_id).and_then(|()| params.check()) {
            return futures::stream::iter([Err(error)]).boxed();
        }
        let backward = params.before.is_some() && params.after.is_none();
        let client = self.clone();
        let thread_id = thread_id.to_owned();
        walk(backward, move |cursor| {
            let client = client.clone();
            let thread_id = thread_id.clone();
            let mut params = params.clone();
            if backward {
                params.before = cursor.or(params.before);
            } else {
                params.after = cursor.or(params.after);
            }
            async move { client.list_items(&thread_id, &params).await }
        })
    }

    /// `POST /chatkit/sessions`: creates a session and its client secret.
    ///
    /// Not retried once the request may have reached OpenAI, since a repeat would create a
    /// second session.
    pub async fn create_session(
        &self,
        body: &CreateChatSessionBody,
    ) -> Result<ChatSessionResource> {
        params::check_session(body)?;
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

    /// `POST /chatkit/sessions/{session_id}/cancel`: stops new requests from using the
    /// session's client secret, and returns the session.
    pub async fn cancel_session(&self, session_id: &str) -> Result<ChatSessionResource> {
        check_id("session id", session_id)?;
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

/// DeleteThreadMethod's answer: a 404 on a retry means an earlier attempt, whose answer was
/// lost, deleted the thread.
pub fn decode_delete(thread_id: &str, response: Response) -> Result<DeletedThreadResource> {
    if response.attempt > 1 && response.status.as_u16() == 404 {
        return Ok(DeletedThreadResource {
            id: thread_id.to_owned(),
            object: "chatkit.thread.deleted".to_owned(),
            deleted: true,
        });
    }
    error::decode(response)
}

/// Checks an id that goes into the URL path.
pub(crate) fn check_id(label: &str, id: &str) -> Result<()> {
    validate::path_segment(label, id)
}

/// Checks a ChatKit thread id before any request: one URL path segment (not empty, printable
/// ASCII without `/ ? # % \`, not `.` or `..`).
pub fn check_thread_id(id: &str) -> Result<()> {
    check_id("thread id", id)
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

/// The two list answers, which share one shape.
trait CursorPage: Send + 'static {
    type Item: Send + 'static;
    /// Items, first id, last id, has more.
    fn into_parts(self) -> (Vec<Self::Item>, Option<String>, Option<String>, bool);
}

impl CursorPage for ThreadListResource {
    type Item = ThreadResource;
    fn into_parts(self) -> (Vec<ThreadResource>, Option<String>, Option<String>, bool) {
        (self.data, self.first_id, self.last_id, self.has_more)
    }
}

impl CursorPage for ThreadItemListResource {
    type Item = ThreadItem;
    fn into_parts(self) -> (Vec<ThreadItem>, Option<String>, Option<String>, bool) {
        (self.data, self.first_id, self.last_id, self.has_more)
    }
}

/// Streams every page `fetch(cursor)` returns, forward (`after = last_id`) or backward
/// (`before = first_id`, each page reversed so items keep moving away from the start).
fn walk<L, F, Fut>(backward: bool, mut fetch: F) -> BoxStream<'static, Result<L::Item>>
where
    L: CursorPage,
    F: FnMut(Option<String>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<L>> + Send + 'static,
{
    cursor_stream(
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
            check_id("thread id", &id).unwrap();
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
            proptest::prop_assert!(check_id("thread id", &id).unwrap_err().is_invalid_input());
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
