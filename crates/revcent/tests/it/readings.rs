//! Complete listings under every reading RevCent's documents leave open: pages counted from
//! 0 or from 1, `date_end` inclusive or exclusive, served by the simulator's switches. Every
//! thread once, none from outside the range, with the requests the simulator saw counted.

use std::sync::Arc;

use aithreads_revcent::core::{ListQuery, Order, ProviderKind, ThreadProvider};
use aithreads_revcent::{
    AiThreadStatus, PageBase, ProbedPage, RevCentClient, RevCentConfig, ThreadFilters,
};
use aithreads_sim::revcent::{DateEnd, NewThread, Reading};
use aithreads_sim::{SimConfig, Simulator};
use futures::StreamExt;
use time::OffsetDateTime;

const NOW: i64 = 1_760_000_000;
const DAY: i64 = 86_400;
/// The range walked: two windows, `[T, T + 2 days)` and `[T + 2 days, T + 4 days)`.
const T: i64 = NOW - 10 * DAY;
const END: i64 = T + 4 * DAY - 1;
/// Window sizes the issue names: empty, one, one page, one page and one, forty pages.
const SIZES: [usize; 5] = [0, 1, 25, 26, 1_000];

pub const READINGS: [(i64, DateEnd); 4] = [
    (1, DateEnd::Inclusive),
    (1, DateEnd::Exclusive),
    (0, DateEnd::Inclusive),
    (0, DateEnd::Exclusive),
];

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
        expected.push(state.insert(complete(T + 2 * DAY)));
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
/// query lists, and one for an empty window. Read inclusively, a window's `date_end` also
/// lists the thread on the boundary second (first window) or just after the range (last).
fn minimum_requests(size: usize, date_end: DateEnd) -> u64 {
    let pages = |n: usize| n.div_ceil(25).max(1) as u64;
    match date_end {
        DateEnd::Inclusive => pages(size + 1) + pages(3),
        DateEnd::Exclusive => pages(size) + pages(2),
    }
}

fn requests(sim: &Simulator) -> u64 {
    sim.sim().provider_requests_seen(ProviderKind::RevCent)
}

#[tokio::test]
async fn every_thread_once_under_every_reading_and_window_size() {
    for (first_page, date_end) in READINGS {
        for size in SIZES {
            let reading = Reading::new(first_page, date_end);
            let (sim, expected) = seeded(reading, size).await;
            let client = client(&sim);
            let what = format!("page base {first_page}, date_end {date_end:?}, {size} threads");

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
            let minimum = minimum_requests(size, date_end);
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
    for (first_page, date_end) in READINGS {
        for size in [1, 26] {
            let (sim, expected) = seeded(Reading::new(first_page, date_end), size).await;
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
            assert_eq!(
                ids, expected,
                "page base {first_page}, {date_end:?}, {size}"
            );
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
    for (first_page, date_end) in READINGS {
        let (sim, expected) = seeded(Reading::new(first_page, date_end), 60).await;
        let provider: Arc<dyn ThreadProvider> = Arc::new(client(&sim));
        let (since, until) = range().into_inner();
        let query = ListQuery::new()
            .with_range(since, until)
            .with_order(Order::Asc);
        let what = format!("page base {first_page}, {date_end:?}");
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
    for (first_page, date_end) in READINGS {
        let sim = Simulator::start(
            SimConfig::default()
                .with_threads(0)
                .with_now(NOW)
                .with_revcent_reading(Reading::new(first_page, date_end)),
        )
        .await
        .unwrap();
        let start = NOW - 20 * DAY;
        let expected: Vec<String> = {
            let mut state = sim.sim().revcent();
            (0..=10)
                .flat_map(|w| [-1, 0, 1].map(|d| start + w * 2 * DAY + d))
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
        assert_eq!(ids, expected, "page base {first_page}, {date_end:?}");
    }
}

#[tokio::test]
async fn the_page_base_is_learned_once_per_client() {
    let (sim, expected) = seeded(Reading::new(0, DateEnd::Inclusive), 30).await;
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
        minimum_requests(30, DateEnd::Inclusive)
    );
}

#[tokio::test]
async fn the_probe_reads_both_bases_without_changing_the_client() {
    for (first_page, expected) in [(0, PageBase::Zero), (1, PageBase::One)] {
        for size in [1, 26] {
            let (sim, _) = seeded(Reading::new(first_page, DateEnd::Inclusive), size).await;
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
    let (sim, _) = seeded(Reading::new(0, DateEnd::Inclusive), 0).await;
    let probe = client(&sim).probe_page_base(&empty).await.unwrap();
    assert_eq!(probe.reading, None, "an empty window tells nothing");
    // Unless page 0 is refused: only a 1-based server does that.
    let (sim, _) = seeded(Reading::new(1, DateEnd::Inclusive), 0).await;
    let probe = client(&sim).probe_page_base(&empty).await.unwrap();
    assert!(
        matches!(probe.page_zero, ProbedPage::Refused(_)),
        "{probe:?}"
    );
    assert_eq!(probe.reading, Some(PageBase::One));
}
