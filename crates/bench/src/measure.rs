//! Measuring two contenders fairly on a shared machine: alternating rounds, best of each.
//!
//! The cores this runs on are shared, so a figure from one stretch of time says little about
//! a figure from another. Each contender therefore runs in rounds that alternate (A B, B A,
//! A B, …), so slow drifts in background load hit both alike, and each keeps its best round:
//! interference only ever makes a round slower, so the best round is the closest to the
//! contender's own cost.

use std::future::Future;
use std::time::{Duration, Instant};

use crate::report::Better;

/// The best figure of each contender.
#[derive(Debug, Clone, Copy)]
pub struct Best {
    /// Ours.
    pub ours: f64,
    /// The baseline.
    pub baseline: f64,
}

impl Best {
    /// As a pair, for [`Row::ratio`](crate::report::Row::ratio).
    pub fn pair(self) -> (f64, f64) {
        (self.ours, self.baseline)
    }
}

/// Keeps the better of two figures.
fn better(which: Better, a: f64, b: f64) -> f64 {
    match which {
        Better::Higher => a.max(b),
        Better::Lower => a.min(b),
    }
}

/// Runs `pairs` pairs of rounds, alternating which contender goes first.
pub async fn alternate<A, B, FA, FB>(
    pairs: usize,
    which: Better,
    mut ours: A,
    mut baseline: B,
) -> Best
where
    A: FnMut() -> FA,
    B: FnMut() -> FB,
    FA: Future<Output = f64>,
    FB: Future<Output = f64>,
{
    let worst = match which {
        Better::Higher => f64::NEG_INFINITY,
        Better::Lower => f64::INFINITY,
    };
    let mut best = Best {
        ours: worst,
        baseline: worst,
    };
    for pair in 0..pairs.max(1) {
        let (a, b) = if pair % 2 == 0 {
            let a = ours().await;
            (a, baseline().await)
        } else {
            let b = baseline().await;
            (ours().await, b)
        };
        best.ours = better(which, best.ours, a);
        best.baseline = better(which, best.baseline, b);
    }
    best
}

/// [`alternate`] for synchronous work: each round times `iterations` calls and yields
/// nanoseconds per call.
pub fn alternate_ns(
    pairs: usize,
    iterations: u32,
    mut ours: impl FnMut(),
    mut baseline: impl FnMut(),
) -> Best {
    let round = |f: &mut dyn FnMut()| {
        let started = Instant::now();
        for _ in 0..iterations {
            f();
        }
        started.elapsed().as_nanos() as f64 / f64::from(iterations)
    };
    let mut best = Best {
        ours: f64::INFINITY,
        baseline: f64::INFINITY,
    };
    for pair in 0..pairs.max(1) {
        let (a, b) = if pair % 2 == 0 {
            let a = round(&mut ours);
            (a, round(&mut baseline))
        } else {
            let b = round(&mut baseline);
            (round(&mut ours), b)
        };
        best.ours = best.ours.min(a);
        best.baseline = best.baseline.min(b);
    }
    best
}

/// Per second, from a count and the time it took.
pub fn rate(count: usize, elapsed: Duration) -> f64 {
    count as f64 / elapsed.as_secs_f64().max(1e-9)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn alternation_keeps_each_contenders_best_round() {
        let mut a = [3.0, 5.0, 4.0].into_iter();
        let mut b = [1.0, 2.0, 0.5].into_iter();
        let best = alternate(
            3,
            Better::Higher,
            || std::future::ready(a.next().unwrap()),
            || std::future::ready(b.next().unwrap()),
        )
        .await;
        assert_eq!(best.pair(), (5.0, 2.0));
        let mut calls = 0;
        let best = alternate_ns(4, 10, || calls += 1, || {});
        assert_eq!(calls, 40);
        assert!(best.ours >= 0.0 && best.baseline >= 0.0);
    }
}
