//! Measuring two contenders fairly on a shared machine: alternating rounds.
//!
//! The cores this runs on are shared, so a figure from one stretch of time says little about
//! a figure from another. Both contenders therefore run in rounds that alternate (A B, B A,
//! A B, …), so drifts in background load hit both alike, and the figures come from the rounds
//! in one of two ways:
//!
//! - CPU-bound work in memory ([`alternate_ns`]): each contender's best round. Interference
//!   only ever makes a round slower, so the best round is the closest to its own cost.
//! - Work over the network with a server in the loop ([`alternate`]): the pair of rounds with
//!   the median ratio, so a burst of background load that hits one round of a pair moves one
//!   ratio, not the result, and the figures shown divide to the ratio shown.

use std::future::Future;
use std::time::{Duration, Instant};

use crate::report::Figures;

/// Runs `pairs` pairs of rounds, alternating which contender goes first: the pair whose
/// ratio is the median (the lower one of the middle two for an even count).
pub async fn alternate<A, B, FA, FB>(pairs: usize, mut ours: A, mut baseline: B) -> Figures
where
    A: FnMut() -> FA,
    B: FnMut() -> FB,
    FA: Future<Output = f64>,
    FB: Future<Output = f64>,
{
    let mut rounds = Vec::new();
    for pair in 0..pairs.max(1) {
        rounds.push(if pair % 2 == 0 {
            let a = ours().await;
            (a, baseline().await)
        } else {
            let b = baseline().await;
            (ours().await, b)
        });
    }
    rounds.sort_by(|a, b| (a.0 / a.1).total_cmp(&(b.0 / b.1)));
    let (ours, baseline) = rounds[(rounds.len() - 1) / 2];
    Figures::new(ours, baseline)
}

/// Alternating rounds of synchronous work, each timing `iterations` calls: each contender's
/// best nanoseconds per call.
pub fn alternate_ns(
    pairs: usize,
    iterations: u32,
    mut ours: impl FnMut(),
    mut baseline: impl FnMut(),
) -> Figures {
    let round = |f: &mut dyn FnMut()| {
        let started = Instant::now();
        for _ in 0..iterations {
            f();
        }
        started.elapsed().as_nanos() as f64 / f64::from(iterations)
    };
    let (mut best_ours, mut best_baseline) = (f64::INFINITY, f64::INFINITY);
    for pair in 0..pairs.max(1) {
        let (a, b) = if pair % 2 == 0 {
            let a = round(&mut ours);
            (a, round(&mut baseline))
        } else {
            let b = round(&mut baseline);
            (round(&mut ours), b)
        };
        best_ours = best_ours.min(a);
        best_baseline = best_baseline.min(b);
    }
    Figures::new(best_ours, best_baseline)
}

/// Per second, from a count and the time it took.
pub fn rate(count: usize, elapsed: Duration) -> f64 {
    count as f64 / elapsed.as_secs_f64().max(1e-9)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn network_rounds_give_the_median_pair() {
        let mut a = [3.0, 5.0, 4.0].into_iter();
        let mut b = [1.0, 2.0, 0.5].into_iter();
        let figures = alternate(
            3,
            || std::future::ready(a.next().unwrap()),
            || std::future::ready(b.next().unwrap()),
        )
        .await;
        // Pair ratios 3, 2.5 and 8: the outlier pair does not move the result.
        assert_eq!(figures, Figures::new(3.0, 1.0));
    }

    #[test]
    fn memory_rounds_keep_each_contenders_best() {
        let mut calls = 0;
        let figures = alternate_ns(4, 10, || calls += 1, || {});
        assert_eq!(calls, 40);
        assert!(figures.ours >= 0.0 && figures.baseline >= 0.0);
    }
}
