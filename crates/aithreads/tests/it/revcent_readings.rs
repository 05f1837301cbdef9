//! Export through the facade is complete under every reading of what RevCent's documents
//! leave open (page base 0 or 1, `date_start` and `date_end` inclusive or exclusive), at the window sizes
//! issue 12 names, with transcripts too.

use aithreads::export::OnThreadError;
use aithreads::providers::revcent::AiThreadStatus;
use aithreads::time::OffsetDateTime;
use aithreads::{Client, ListQuery, Order, ProviderKind};
use aithreads_sim::revcent::{NewThread, Reading};
use aithreads_sim::{SimConfig, Simulator};
use futures::StreamExt;

const NOW: i64 = 1_760_000_000;
const DAY: i64 = 86_400;
/// The seconds of a RevCent window (each asked from the second before it).
const WINDOW: i64 = 2 * DAY - 1;

#[tokio::test]
async fn revcent_export_is_complete_under_every_reading() {
    for reading in Reading::all() {
        for size in [0, 1, 25, 26, 1_000] {
            let sim = Simulator::start(
                SimConfig::default()
                    .with_threads(0)
                    .with_now(NOW)
                    .with_revcent_reading(reading),
            )
            .await
            .unwrap();
            let start = NOW - 6 * DAY;
            // `size` threads in the first window, one on each window boundary and one on
            // the range's last second.
            let expected: Vec<String> = {
                let mut state = sim.sim().revcent();
                (0..size)
                    .map(|i| start + i * 150)
                    .chain([start + WINDOW, start + 2 * WINDOW, NOW])
                    .map(|created| state.insert(NewThread::new(created, AiThreadStatus::Running)))
                    .collect()
            };
            let client = Client::from_vars(|name: &str| sim.client_var(name)).unwrap();
            let query = ListQuery::new()
                .with_range(
                    OffsetDateTime::from_unix_timestamp(start).unwrap(),
                    OffsetDateTime::from_unix_timestamp(NOW).unwrap(),
                )
                .with_order(Order::Asc);
            let what = format!("{reading:?}, {size} threads");
            let ids: Vec<String> = client
                .export(ProviderKind::RevCent, query.clone())
                .map(|t| t.unwrap().id)
                .collect()
                .await;
            assert_eq!(ids, expected, "{what}");
            if size == 26 {
                let full: Vec<_> = client
                    .export_transcripts(
                        ProviderKind::RevCent,
                        query.with_order(Order::Desc),
                        OnThreadError::Stop,
                    )
                    .map(|item| item.unwrap().result.unwrap())
                    .collect()
                    .await;
                let ids: Vec<&str> = full.iter().map(|t| t.id.as_str()).collect();
                let newest_first: Vec<&str> = expected.iter().rev().map(String::as_str).collect();
                assert_eq!(ids, newest_first, "{what}, transcripts");
                assert!(full.iter().all(|t| !t.messages.is_empty()));
            }
        }
    }
}
