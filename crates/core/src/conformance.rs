//! The contract every [`ThreadProvider`] must keep, as a reusable test suite.
//!
//! Each provider crate runs [`run`] against the simulator from its tests. The suite checks only
//! what the trait promises, skipping operations the provider does not claim in its
//! [`Capabilities`](crate::Capabilities) (and checking that those answer `Unsupported`), and
//! checking that the [`ListQuery`] fields it claims are accepted while the others are refused
//! before any request.

use std::sync::Arc;

use async_trait::async_trait;
use futures::StreamExt;
use time::{Duration, OffsetDateTime};

use crate::{Error, ListQuery, Operation, Order, QueryFields, Status, ThreadProvider};

/// Ids every provider must refuse before sending anything.
pub const ALWAYS_INVALID_IDS: [&str; 5] = ["", "a b", "a\nb", "a\u{0}b", "\u{7f}"];

/// What the suite needs from a provider's test setup.
#[async_trait]
pub trait Harness: Send + Sync {
    /// The provider under test, pointed at a seeded server.
    fn provider(&self) -> Arc<dyn ThreadProvider>;
    /// A query whose first page holds at least one thread (when listing is supported).
    fn list_query(&self) -> ListQuery;
    /// An id of a thread that is active now and may be cancelled or deleted; the harness
    /// creates one when the provider cannot list (TRTC starts a task).
    async fn active_thread(&self) -> String;
    /// A well-formed id no thread has.
    fn missing_id(&self) -> String;
    /// Ids this provider refuses before sending, beyond [`ALWAYS_INVALID_IDS`].
    fn invalid_ids(&self) -> Vec<String>;
    /// How many requests the server has received so far.
    fn requests_seen(&self) -> u64;
}

/// Runs every check; panics with a message naming the broken promise.
pub async fn run(harness: &dyn Harness) {
    unsupported_operations_say_so(harness).await;
    invalid_ids_are_refused_before_sending(harness).await;
    query_fields_are_honoured_or_refused(harness).await;
    missing_threads_are_not_found_with_details(harness).await;
    listed_threads_can_be_fetched(harness).await;
    cancel_ends_the_thread(harness).await;
    delete_removes_the_thread(harness).await;
}

async fn call(provider: &dyn ThreadProvider, op: Operation, id: &str) -> Result<(), Error> {
    match op {
        Operation::Get => provider.get_thread(id).await.map(drop),
        Operation::List => provider.list_threads(&ListQuery::default()).await.map(drop),
        Operation::Cancel => provider.cancel_thread(id).await.map(drop),
        Operation::Delete => provider.delete_thread(id).await,
    }
}

const ID_OPERATIONS: [Operation; 3] = [Operation::Get, Operation::Cancel, Operation::Delete];

async fn unsupported_operations_say_so(harness: &dyn Harness) {
    let provider = harness.provider();
    let caps = provider.capabilities();
    let id = harness.missing_id();
    for op in [
        Operation::Get,
        Operation::List,
        Operation::Cancel,
        Operation::Delete,
    ] {
        if caps.supports(op) {
            continue;
        }
        let before = harness.requests_seen();
        let err = call(provider.as_ref(), op, &id)
            .await
            .expect_err("unsupported operation succeeded");
        assert!(
            err.is_unsupported(),
            "{op:?} is not in the capabilities but answered {err}"
        );
        assert_eq!(
            harness.requests_seen(),
            before,
            "{op:?} is unsupported but sent a request"
        );
    }
}

async fn invalid_ids_are_refused_before_sending(harness: &dyn Harness) {
    let provider = harness.provider();
    let caps = provider.capabilities();
    let ids: Vec<String> = ALWAYS_INVALID_IDS
        .iter()
        .map(|s| s.to_string())
        .chain(harness.invalid_ids())
        .collect();
    let before = harness.requests_seen();
    for op in ID_OPERATIONS.into_iter().filter(|op| caps.supports(*op)) {
        for id in &ids {
            let err = call(provider.as_ref(), op, id)
                .await
                .expect_err("invalid id accepted");
            assert!(
                err.is_invalid_input(),
                "{op:?}({id:?}) answered {err} instead of invalid input"
            );
        }
    }
    assert_eq!(
        harness.requests_seen(),
        before,
        "an invalid id reached the server"
    );
}

async fn query_fields_are_honoured_or_refused(harness: &dyn Harness) {
    let provider = harness.provider();
    let caps = provider.capabilities();
    if !caps.list {
        assert_eq!(
            caps.query,
            QueryFields::NONE,
            "query fields are claimed but listing is not"
        );
        return;
    }
    let claimed = caps.query;
    let base = harness.list_query();
    let now = OffsetDateTime::now_utc();
    let cases = [
        (
            "time range",
            claimed.time_range,
            base.clone().with_range(now - Duration::DAY, now),
        ),
        (
            "status",
            claimed.status,
            base.clone().with_statuses([Status::Running]),
        ),
        (
            "user",
            claimed.user,
            base.clone().with_user("conformance_user"),
        ),
        (
            "order asc",
            claimed.order_asc,
            base.clone().with_order(Order::Asc),
        ),
        (
            "order desc",
            claimed.order_desc,
            base.with_order(Order::Desc),
        ),
    ];
    for (field, claimed, query) in cases {
        let before = harness.requests_seen();
        let result = provider.list_threads(&query).await;
        if claimed {
            if let Err(err) = result {
                panic!("{field} is claimed, but a query with it answered {err}");
            }
        } else {
            let err = result
                .map(drop)
                .expect_err("a query field that is not claimed was accepted");
            assert!(
                err.is_invalid_input(),
                "{field} is not claimed, and a query with it answered {err} instead of invalid input"
            );
            assert_eq!(
                harness.requests_seen(),
                before,
                "{field} is not claimed, yet a query with it reached the server"
            );
        }
    }
}

async fn missing_threads_are_not_found_with_details(harness: &dyn Harness) {
    let provider = harness.provider();
    if !provider.capabilities().get {
        return;
    }
    let err = provider
        .get_thread(&harness.missing_id())
        .await
        .expect_err("missing thread found");
    assert!(err.is_not_found(), "a missing thread answered {err}");
    assert!(
        err.code().is_some() || err.status().is_some(),
        "not-found error carries neither a provider code nor a status: {err:?}"
    );
    assert_eq!(err.provider(), Some(provider.kind()));
}

async fn listed_threads_can_be_fetched(harness: &dyn Harness) {
    let provider = harness.provider();
    let caps = provider.capabilities();
    if !caps.list {
        return;
    }
    let page = provider
        .list_threads(&harness.list_query())
        .await
        .expect("list_threads failed");
    assert!(
        !page.items.is_empty(),
        "the seeded list query returned nothing"
    );
    for listed in page.items.iter().take(5) {
        assert_eq!(listed.provider, provider.kind());
        let fetched = provider
            .get_thread(&listed.id)
            .await
            .expect("a listed thread could not be fetched");
        assert_eq!(fetched.id, listed.id);
        assert_eq!(
            fetched.status, listed.status,
            "list and get disagree on {}",
            listed.id
        );
        assert_eq!(fetched.raw_status, listed.raw_status);
    }
    let streamed: Vec<_> = provider
        .clone()
        .threads(harness.list_query())
        .take(page.items.len())
        .collect()
        .await;
    let streamed_ids: Vec<&str> = streamed
        .iter()
        .map(|t| t.as_ref().expect("threads() failed").id.as_str())
        .collect();
    let page_ids: Vec<&str> = page.items.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(
        streamed_ids, page_ids,
        "threads() does not start with the first page"
    );
}

async fn cancel_ends_the_thread(harness: &dyn Harness) {
    let provider = harness.provider();
    let caps = provider.capabilities();
    if !caps.cancel {
        return;
    }
    let id = harness.active_thread().await;
    if caps.get {
        let before = provider
            .get_thread(&id)
            .await
            .expect("active thread could not be fetched");
        assert!(
            before.status.is_active(),
            "active_thread() gave a thread in {:?}",
            before.status
        );
    }
    provider.cancel_thread(&id).await.expect("cancel failed");
    if caps.get {
        match provider.get_thread(&id).await {
            Ok(after) => assert!(
                !after.status.is_active(),
                "still {:?} after cancel",
                after.status
            ),
            Err(err) => assert!(err.is_not_found(), "get after cancel answered {err}"),
        }
    }
}

async fn delete_removes_the_thread(harness: &dyn Harness) {
    let provider = harness.provider();
    let caps = provider.capabilities();
    if !caps.delete {
        return;
    }
    let id = harness.active_thread().await;
    provider.delete_thread(&id).await.expect("delete failed");
    if caps.get {
        let err = provider
            .get_thread(&id)
            .await
            .expect_err("deleted thread still found");
        assert!(err.is_not_found(), "get after delete answered {err}");
    }
    let again = provider
        .delete_thread(&id)
        .await
        .expect_err("deleting twice succeeded");
    assert!(again.is_not_found(), "second delete answered {again}");
}
