//! Export through the facade is complete under every reading of what RevCent's documents
//! leave open (page base 0 or 1, `date_end` inclusive or exclusive), at the window sizes
//! issue 12 names, with transcripts too.

use aithreads::export::OnThreadError;
use aithreads::providers::revcent::AiThreadStatus;
use aithreads::time::OffsetDateTime;
use aithreads::{Client, ListQuery, Order, ProviderKind};
use aithreads_sim::revcent::{DateEnd, NewThread, Reading};
use aithreads_sim::{SimConfig, Simulator};
use futures::StreamExt;

const NOW: i64 = 1_760_000_000;
const DAY: i64 = 86_400;

#[tokio::test]
async fn revcent_export_is_complete_under_every_reading() {
    let readings = [
        (1, DateEnd::Inclusive),
        (1, DateEnd::Exclusive),
        (0, DateEnd::Inclusive),
        (0, DateEnd::Exclusive),
    ];
    for (first_page, date_end) in readings {
        for size in [0, 1, 25, 26, 1_000] {
            let sim = Simulator::start(
                SimConfig::default()
                    .with_threads(0)
                    .with_now(NOW)
                    .with_revcent_reading(Reading::new(first_page, date_end)),
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
                    .chain([start + 2 * DAY, start + 4 * DAY, NOW])
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
            let what = format!("page base {first_page}, {date_end:?}, {size} threads");
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
