//! Complete listings under every reading RevCent's documents leave open: pages counted from
//! 0 or from 1, `date_start` and `date_end` each inclusive or exclusive, served by the
//! simulator's switches. Every thread once, none from outside the range, with the requests
//! the simulator saw counted.

use std::sync::Arc;

use aithreads_revcent::core::{ListQuery, Order, ProviderKind, ThreadProvider};
use aithreads_revcent::{
    AiThreadStatus, DateBound, PageBase, ProbedPage, RevCentClient, RevCentConfig, ThreadFilters,
};
use aithreads_sim::revcent::{Bound, NewThread, Reading};
use aithreads_sim::{SimConfig, Simulator};
use futures::StreamExt;
use time::OffsetDateTime;

const NOW: i64 = 1_760_000_000;
const DAY: i64 = 86_400;
/// The seconds in a window: one less than two days (each is asked from the second before).
const W: i64 = 2 * DAY - 1;
/// The range walked: two windows, `[T, T + W)` and `[T + W, T + 2W)`.
const T: i64 = NOW - 10 * DAY;
const END: i64 = T + 2 * W - 1;
/// Window sizes the issue names: empty, one, one page, one page and one, forty pages.
const SIZES: [usize; 5] = [0, 1, 25, 26, 1_000];

/// A simulator under `reading` whose first window holds `size` threads, with threads on the
/// boundary second, on the range's last second, and just outside the range on both sides.
/// Returns it with the ids the range holds, in creation order.
pub async fn seeded(reading: Reading, size: usize) -> (Simulator, Vec<String>) {
    let sim = Simulator::start(
        SimConfig::default()
            .with_threads(0)
            .with_seed(7)
            .with_now(NOW)
            .with_revcent_reading(reading),
    )
    .await
    .unwrap();
    let mut expected = Vec::new();
    {
        let mut state = sim.sim().revcent();
        let complete = |created| NewThread::new(created, AiThreadStatus::Complete);
        state.insert(complete(T - 1));
        for i in 0..size as i64 {
            expected.push(state.insert(complete(T + i * 150)));
        }
        expected.push(state.insert(complete(T + W)));
        expected.push(state.insert(complete(END)));
        state.insert(complete(END + 1));
    }
    (sim, expected)
}

pub fn client(sim: &Simulator) -> RevCentClient {
    RevCentClient::new(RevCentConfig::from_vars(|name: &str| sim.client_var(name)).unwrap())
        .unwrap()
}

fn range() -> std::ops::RangeInclusive<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp(T).unwrap()
        ..=OffsetDateTime::from_unix_timestamp(END).unwrap()
}

/// The fewest GetAIThreads requests that can list the range: one per page each window's
/// query lists, and one for an empty window. Each window is asked from the second before it
/// to its end: read inclusively, `date_start` also lists the thread just before the range
/// (first window), and `date_end` the one on the boundary second (first window) or just
/// after the range (last).
fn minimum_requests(size: usize, reading: Reading) -> u64 {
    let pages = |n: usize| n.div_ceil(25).max(1) as u64;
    let inclusive = |bound| usize::from(bound == Bound::Inclusive);
    let (start, end) = (inclusive(reading.date_start), inclusive(reading.date_end));
    pages(start + size + end) + pages(2 + end)
}

fn requests(sim: &Simulator) -> u64 {
    sim.sim().provider_requests_seen(ProviderKind::RevCent)
}

#[tokio::test]
async fn every_thread_once_under_every_reading_and_window_size() {
    for reading in Reading::all() {
        let first_page = reading.first_page;
        for size in SIZES {
            let (sim, expected) = seeded(reading, size).await;
            let client = client(&sim);
            let what = format!("{reading:?}, {size} threads");

            let ids: Vec<String> = client
                .ai_threads(range(), ThreadFilters::new())
                .map(|t| t.unwrap().id.unwrap())
                .collect()
                .await;
            assert_eq!(ids, expected, "{what}");
            let expected_base = if first_page == 0 {
                PageBase::Zero
            } else {
                PageBase::One
            };
            assert_eq!(client.page_base(), Some(expected_base), "{what}");
            let first_walk = requests(&sim);
            let minimum = minimum_requests(size, reading);
            if first_page == 1 {
                assert!(
                    first_walk <= minimum + 1,
                    "{what}: {first_walk} requests, minimum {minimum}"
                );
            } else {
                // Page 0 is found on the first window with threads; window heads fetched
                // ahead before that asked for page 1.
                assert!(
                    first_walk <= minimum + 2,
                    "{what}: {first_walk} requests, minimum {minimum}"
                );
            }

            // Newest first, with the base known: exactly the minimum.
            let ids: Vec<String> = client
                .ai_threads(range(), ThreadFilters::new().with_order(Order::Desc))
                .map(|t| t.unwrap().id.unwrap())
                .collect()
                .await;
            let mut newest_first = expected.clone();
            newest_first.reverse();
            assert_eq!(ids, newest_first, "{what}, newest first");
            assert_eq!(requests(&sim) - first_walk, minimum, "{what}, newest first");
        }
    }
}

#[tokio::test]
async fn the_trait_pages_and_stream_agree_under_every_reading() {
    for reading in Reading::all() {
        for size in [1, 26] {
            let (sim, expected) = seeded(reading, size).await;
            let provider: Arc<dyn ThreadProvider> = Arc::new(client(&sim));
            let (since, until) = range().into_inner();
            let mut query = ListQuery::new()
                .with_range(since, until)
                .with_order(Order::Asc)
                .with_limit(10);
            let mut ids = Vec::new();
            loop {
                let page = provider.list_threads(&query).await.unwrap();
                ids.extend(page.items.into_iter().map(|t| t.id));
                match page.next {
                    Some(next) => query = query.with_cursor(next),
                    None => break,
                }
            }
            assert_eq!(ids, expected, "{reading:?}, {size}");
            let streamed: Vec<String> = provider
                .threads(ListQuery::new().with_range(since, until))
                .map(|t| t.unwrap().id)
                .collect()
                .await;
            let mut newest_first = expected.clone();
            newest_first.reverse();
            assert_eq!(streamed, newest_first);
        }
    }
}

/// `pages()` oldest first: a window of several GetAIThreads pages comes as parts as they
/// arrive (nothing to resume after), then its end with the cursor of the next window; a walk
/// restarted at a window's cursor yields exactly the threads of the windows after it.
#[tokio::test]
async fn pages_stream_window_parts_and_resume_after_whole_windows_only() {
    for reading in Reading::all() {
        let (sim, expected) = seeded(reading, 60).await;
        let provider: Arc<dyn ThreadProvider> = Arc::new(client(&sim));
        let (since, until) = range().into_inner();
        let query = ListQuery::new()
            .with_range(since, until)
            .with_order(Order::Asc);
        let what = format!("{reading:?}");
        let pages: Vec<_> = provider
            .clone()
            .pages(query.clone())
            .map(|page| page.unwrap())
            .collect()
            .await;
        let parts = pages.iter().filter(|page| !page.resumable).count();
        assert!(
            parts >= 3,
            "{what}: 60 threads come in parts of at most 25, {parts} parts"
        );
        assert!(
            pages
                .iter()
                .all(|page| page.resumable || page.next.is_none())
        );
        let mut ids = Vec::new();
        let mut restarts = Vec::new();
        for page in &pages {
            ids.extend(page.items.iter().map(|t| t.id.clone()));
            if page.resumable {
                restarts.push((ids.len(), page.next.clone()));
            }
        }
        assert_eq!(ids, expected, "{what}");
        assert_eq!(restarts.len(), 2, "{what}: one end per window");
        assert_eq!(
            restarts.last().unwrap().1,
            None,
            "{what}: the last window ends the walk"
        );
        let (written, next) = restarts[0].clone();
        let rest: Vec<String> = provider
            .pages(query.with_cursor(next.unwrap()))
            .flat_map(|page| futures::stream::iter(page.unwrap().items))
            .map(|thread| thread.id)
            .collect()
            .await;
        assert_eq!(
            rest,
            expected[written..],
            "{what}: resumed after the first window"
        );
    }
}

#[tokio::test]
async fn a_thread_on_every_boundary_second_of_a_long_range_appears_once() {
    for reading in Reading::all() {
        let sim = Simulator::start(
            SimConfig::default()
                .with_threads(0)
                .with_now(NOW)
                .with_revcent_reading(reading),
        )
        .await
        .unwrap();
        let start = NOW - 20 * DAY;
        let expected: Vec<String> = {
            let mut state = sim.sim().revcent();
            (0..=12)
                .flat_map(|w| [-1, 0, 1].map(|d| start + w * W + d))
                .filter(|t| (start..=NOW).contains(t))
                .map(|t| state.insert(NewThread::new(t, AiThreadStatus::Running)))
                .collect()
        };
        let ids: Vec<String> = client(&sim)
            .ai_threads(
                OffsetDateTime::from_unix_timestamp(start).unwrap()
                    ..=OffsetDateTime::from_unix_timestamp(NOW).unwrap(),
                ThreadFilters::new(),
            )
            .map(|t| t.unwrap().id.unwrap())
            .collect()
            .await;
        assert_eq!(ids, expected, "{reading:?}");
    }
}

#[tokio::test]
async fn the_page_base_is_learned_once_per_client() {
    let (sim, expected) = seeded(Reading::new(0, Bound::Inclusive), 30).await;
    let client = client(&sim);
    assert_eq!(client.page_base(), None);
    let ids: Vec<_> = client
        .ai_threads(range(), ThreadFilters::new())
        .map(|t| t.unwrap().id.unwrap())
        .collect()
        .await;
    assert_eq!(ids, expected);
    assert_eq!(client.page_base(), Some(PageBase::Zero));
    // A clone shares what was learned: no page-1 guess any more.
    let before = requests(&sim);
    let again: Vec<_> = client
        .clone()
        .ai_threads(range(), ThreadFilters::new())
        .map(|t| t.unwrap().id.unwrap())
        .collect()
        .await;
    assert_eq!(again, expected);
    assert_eq!(
        requests(&sim) - before,
        minimum_requests(30, Reading::new(0, Bound::Inclusive))
    );
}

#[tokio::test]
async fn the_probe_reads_both_bases_without_changing_the_client() {
    for (first_page, expected) in [(0, PageBase::Zero), (1, PageBase::One)] {
        for size in [1, 26] {
            let (sim, _) = seeded(Reading::new(first_page, Bound::Inclusive), size).await;
            let client = client(&sim);
            let first_window = OffsetDateTime::from_unix_timestamp(T).unwrap()
                ..=OffsetDateTime::from_unix_timestamp(T + DAY).unwrap();
            let probe = client.probe_page_base(&first_window).await.unwrap();
            assert_eq!(
                probe.reading,
                Some(expected),
                "{first_page} {size}: {probe:?}"
            );
            assert_eq!(probe.total_count, Some(size as i64));
            assert_eq!(client.page_base(), None);
            assert_eq!(requests(&sim), 2);
        }
    }
    let empty = OffsetDateTime::from_unix_timestamp(T).unwrap()
        ..=OffsetDateTime::from_unix_timestamp(T + DAY).unwrap();
    let (sim, _) = seeded(Reading::new(0, Bound::Inclusive), 0).await;
    let probe = client(&sim).probe_page_base(&empty).await.unwrap();
    assert_eq!(probe.reading, None, "an empty window tells nothing");
    // Unless page 0 is refused: only a 1-based server does that.
    let (sim, _) = seeded(Reading::new(1, Bound::Inclusive), 0).await;
    let probe = client(&sim).probe_page_base(&empty).await.unwrap();
    assert!(
        matches!(probe.page_zero, ProbedPage::Refused(_)),
        "{probe:?}"
    );
    assert_eq!(probe.reading, Some(PageBase::One));
}

#[tokio::test]
async fn the_date_ends_probe_tells_all_four_readings_apart() {
    for reading in Reading::all() {
        let (sim, expected) = seeded(reading, 1).await;
        let client = client(&sim);
        let probe = client.probe_date_ends(&expected[0], T).await.unwrap();
        let bound = |bound| match bound {
            Bound::Inclusive => DateBound::Inclusive,
            Bound::Exclusive => DateBound::Exclusive,
        };
        assert_eq!(
            (probe.date_start, probe.date_end),
            (
                Some(bound(reading.date_start)),
                Some(bound(reading.date_end))
            ),
            "{reading:?}: {probe:?}"
        );
        // One short page each once the base is known; page 0 first (refused by a 1-based
        // server) before.
        let most = if reading.first_page == 0 { 2 } else { 4 };
        assert!(requests(&sim) <= most, "{reading:?}: {}", requests(&sim));
    }
}
