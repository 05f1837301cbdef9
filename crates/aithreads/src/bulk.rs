//! Bulk operations: one result per input, in input order, whatever fails.

use std::future::Future;

use crate::{Error, ThreadRef};
use futures::stream::{self, Stream, StreamExt};

/// The outcome of a bulk operation for one input.
#[derive(Debug)]
pub struct ItemResult<T> {
    /// The thread the result is for.
    pub thread: ThreadRef,
    /// What happened to it.
    pub result: Result<T, Error>,
}

impl<T> ItemResult<T> {
    /// Whether the operation succeeded for this thread.
    pub fn is_ok(&self) -> bool {
        self.result.is_ok()
    }
}

/// Counts of a bulk report: (succeeded, failed).
pub fn summarize<T>(results: &[ItemResult<T>]) -> (usize, usize) {
    let ok = results.iter().filter(|r| r.is_ok()).count();
    (ok, results.len() - ok)
}

/// Runs `op` on every input with at most `concurrency` in flight, yielding exactly one
/// result per input, in input order, as soon as it and those before it are done.
pub(crate) fn run_each<'a, T, F, Fut>(
    refs: &'a [ThreadRef],
    concurrency: usize,
    op: F,
) -> impl Stream<Item = ItemResult<T>> + 'a
where
    F: Fn(ThreadRef) -> Fut + 'a,
    Fut: Future<Output = Result<T, Error>> + 'a,
    T: 'a,
{
    stream::iter(refs.iter().cloned())
        .map(move |thread| {
            let fut = op(thread.clone());
            async move {
                ItemResult {
                    thread,
                    result: fut.await,
                }
            }
        })
        .buffered(concurrency.max(1))
}

/// [`run_each`], collected.
pub(crate) async fn run_all<T, F, Fut>(
    refs: &[ThreadRef],
    concurrency: usize,
    op: F,
) -> Vec<ItemResult<T>>
where
    F: Fn(ThreadRef) -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    run_each(refs, concurrency, op).collect().await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    fn refs(n: usize) -> Vec<ThreadRef> {
        (0..n)
            .map(|i| format!("chatkit:cthr_{i}").parse().unwrap())
            .collect()
    }

    #[tokio::test]
    async fn every_input_gets_one_result_in_order_whatever_fails() {
        let input = refs(50);
        let results = run_all(&input, 8, |r| async move {
            let n: usize = r.id()[5..].parse().unwrap();
            // Later items finish first, and every third fails.
            tokio::time::sleep(Duration::from_millis((50 - n as u64) % 7)).await;
            if n.is_multiple_of(3) {
                Err(Error::invalid_input(format!("item {n}")))
            } else {
                Ok(n)
            }
        })
        .await;
        assert_eq!(results.len(), 50);
        for (i, item) in results.iter().enumerate() {
            assert_eq!(item.thread, input[i]);
            assert_eq!(item.result.is_err(), i.is_multiple_of(3));
        }
        assert_eq!(summarize(&results), (33, 17));
    }

    #[tokio::test]
    async fn concurrency_is_bounded() {
        let in_flight = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        run_all(&refs(40), 4, |_| {
            let in_flight = in_flight.clone();
            let peak = peak.clone();
            async move {
                let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(2)).await;
                in_flight.fetch_sub(1, Ordering::SeqCst);
                Ok::<_, Error>(())
            }
        })
        .await;
        assert!(peak.load(Ordering::SeqCst) <= 4);
    }
}
