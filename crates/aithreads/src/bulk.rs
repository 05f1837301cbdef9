//! Bulk operations: one result per input, in input order, whatever fails, streamed.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::{Error, ThreadRef};
use futures::stream::{FuturesUnordered, Stream, StreamExt};

/// How many inputs past the oldest unfinished one may be started, per slot of concurrency:
/// the reorder window is `REORDER_WINDOW_PER_SLOT × concurrency` inputs.
///
/// One slow item then holds back the output, not the work: the other slots keep starting
/// new inputs until the window is full, and the finished results wait (in memory) for it.
pub const REORDER_WINDOW_PER_SLOT: usize = 16;

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
/// output per input, in input order, as soon as it and those before it are done.
///
/// Inputs are pulled lazily, only when a slot is free and the started inputs span fewer
/// than `window` positions from the oldest one not yet yielded; so memory holds at most
/// `window` outputs whatever the number of inputs, and a slow input stalls the other slots
/// only once the window is full.
pub fn ordered<S, F, Fut>(inputs: S, concurrency: usize, window: usize, op: F) -> Ordered<S, F, Fut>
where
    S: Stream + Unpin,
    F: FnMut(S::Item) -> Fut,
    Fut: Future,
{
    let concurrency = concurrency.max(1);
    Ordered {
        inputs: Some(inputs),
        op,
        running: FuturesUnordered::new(),
        slots: VecDeque::new(),
        next_in: 0,
        next_out: 0,
        concurrency,
        window: window.max(concurrency),
    }
}

/// The stream of [`ordered`].
#[must_use = "streams do nothing unless polled"]
pub struct Ordered<S, F, Fut: Future> {
    /// `None` once exhausted.
    inputs: Option<S>,
    op: F,
    running: FuturesUnordered<Indexed<Fut>>,
    /// One slot per started input not yet yielded, oldest first: its output once finished.
    slots: VecDeque<Option<Fut::Output>>,
    /// The position of the next input to start.
    next_in: u64,
    /// The position of `slots[0]`.
    next_out: u64,
    concurrency: usize,
    window: usize,
}

// The fields are never pinned in place (inputs are polled through `Unpin`, futures are
// boxed), so the stream may move.
impl<S, F, Fut: Future> Unpin for Ordered<S, F, Fut> {}

impl<S, F, Fut> Stream for Ordered<S, F, Fut>
where
    S: Stream + Unpin,
    F: FnMut(S::Item) -> Fut,
    Fut: Future,
{
    type Item = Fut::Output;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if matches!(this.slots.front(), Some(Some(_))) {
                this.next_out += 1;
                return Poll::Ready(this.slots.pop_front().flatten());
            }
            this.start_more(cx);
            match this.running.poll_next_unpin(cx) {
                Poll::Ready(Some((position, output))) => {
                    // Positions count up from `next_out`, which only the front slot moves.
                    let slot = usize::try_from(position - this.next_out).unwrap_or(usize::MAX);
                    if let Some(slot) = this.slots.get_mut(slot) {
                        *slot = Some(output);
                    }
                }
                // Nothing runs, so every slot is filled and the front was yielded above:
                // the slots are empty. Either the inputs are done, or they are pending and
                // will wake us.
                Poll::Ready(None) if this.inputs.is_none() => return Poll::Ready(None),
                Poll::Ready(None) | Poll::Pending => return Poll::Pending,
            }
        }
    }
}

impl<S, F, Fut> Ordered<S, F, Fut>
where
    S: Stream + Unpin,
    F: FnMut(S::Item) -> Fut,
    Fut: Future,
{
    /// Starts inputs while a slot is free and the window has room.
    fn start_more(&mut self, cx: &mut Context<'_>) {
        while self.running.len() < self.concurrency && self.slots.len() < self.window {
            let Some(inputs) = self.inputs.as_mut() else {
                return;
            };
            match inputs.poll_next_unpin(cx) {
                Poll::Ready(Some(input)) => {
                    self.running.push(Indexed {
                        position: self.next_in,
                        future: Box::pin((self.op)(input)),
                    });
                    self.slots.push_back(None);
                    self.next_in += 1;
                }
                Poll::Ready(None) => self.inputs = None,
                Poll::Pending => return,
            }
        }
    }
}

/// A future that answers with its input's position.
struct Indexed<Fut> {
    position: u64,
    future: Pin<Box<Fut>>,
}

impl<Fut: Future> Future for Indexed<Fut> {
    type Output = (u64, Fut::Output);

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let position = self.position;
        self.future
            .as_mut()
            .poll(cx)
            .map(|output| (position, output))
    }
}

/// [`ordered`] over references, pairing each result with its reference.
pub(crate) fn run_each<'a, S, T, F, Fut>(
    refs: S,
    concurrency: usize,
    mut op: F,
) -> impl Stream<Item = ItemResult<T>> + 'a
where
    S: Stream<Item = ThreadRef> + Unpin + 'a,
    F: FnMut(ThreadRef) -> Fut + 'a,
    Fut: Future<Output = Result<T, Error>> + 'a,
    T: 'a,
{
    let window = concurrency.max(1) * REORDER_WINDOW_PER_SLOT;
    ordered(refs, concurrency, window, move |thread: ThreadRef| {
        let fut = op(thread.clone());
        async move {
            ItemResult {
                thread,
                result: fut.await,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::stream;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;
    use tokio::time::Instant;

    fn refs(n: usize) -> Vec<ThreadRef> {
        (0..n)
            .map(|i| format!("chatkit:cthr_{i}").parse().unwrap())
            .collect()
    }

    #[tokio::test]
    async fn every_input_gets_one_result_in_order_whatever_fails() {
        let input = refs(50);
        let results: Vec<_> = run_each(stream::iter(input.clone()), 8, |r| async move {
            let n: usize = r.id()[5..].parse().unwrap();
            // Later items finish first, and every third fails.
            tokio::time::sleep(Duration::from_millis((50 - n as u64) % 7)).await;
            if n.is_multiple_of(3) {
                Err(Error::invalid_input(format!("item {n}")))
            } else {
                Ok(n)
            }
        })
        .collect()
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
        let done: Vec<_> = run_each(stream::iter(refs(40)), 4, |_| {
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
        .collect()
        .await;
        assert_eq!(done.len(), 40);
        assert_eq!(peak.load(Ordering::SeqCst), 4);
    }

    /// One slow item among fast ones: the other slots keep working through the window, so
    /// the run takes about as long as the slow item, not as long as the slow item times the
    /// number of batches it would block.
    #[tokio::test(start_paused = true)]
    async fn a_slow_item_does_not_stall_the_other_slots() {
        let started = Instant::now();
        let order: Vec<usize> = ordered(stream::iter(0..200usize), 16, 256, |n| async move {
            let delay = if n == 0 { 1_000 } else { 50 };
            tokio::time::sleep(Duration::from_millis(delay)).await;
            n
        })
        .collect()
        .await;
        assert_eq!(order, (0..200).collect::<Vec<_>>());
        // 199 fast items over 15 free slots take 700 ms, inside the slow item's second; with
        // output order tying up the slots it would be 1,000 + 12 × 50 ms.
        assert!(
            started.elapsed() < Duration::from_millis(1_100),
            "{:?}",
            started.elapsed()
        );
    }

    /// The window bounds what waits behind a slow item.
    #[tokio::test(start_paused = true)]
    async fn the_window_bounds_what_is_started_past_a_slow_item() {
        let started = Arc::new(AtomicUsize::new(0));
        let count = started.clone();
        let mut out = ordered(stream::iter(0..1_000usize), 4, 32, move |n| {
            count.fetch_add(1, Ordering::SeqCst);
            async move {
                let delay = if n == 0 { 60_000 } else { 1 };
                tokio::time::sleep(Duration::from_millis(delay)).await;
                n
            }
        });
        let first = tokio::time::timeout(Duration::from_secs(30), out.next()).await;
        assert!(first.is_err(), "the slow first item is not done yet");
        assert_eq!(started.load(Ordering::SeqCst), 32);
        assert_eq!(out.next().await, Some(0));
        assert_eq!(out.count().await, 999);
    }

    /// Inputs are pulled only as slots free up, so a lazy source is never drained ahead.
    #[tokio::test]
    async fn inputs_are_pulled_lazily() {
        let pulled = Arc::new(AtomicUsize::new(0));
        let count = pulled.clone();
        let inputs = stream::iter(0..1_000_000usize).inspect(move |_| {
            count.fetch_add(1, Ordering::SeqCst);
        });
        let mut out = ordered(inputs, 8, 64, |n| async move { n });
        for expected in 0..10 {
            assert_eq!(out.next().await, Some(expected));
        }
        assert!(pulled.load(Ordering::SeqCst) <= 64 + 10);
    }
}
