//! Summaries of samples: median, p99 and max by nearest rank (no interpolation, so every figure
//! printed is a time that was actually measured).

use std::time::Duration;

#[derive(Debug, Clone, Copy)]
pub struct Summary {
    pub n: usize,
    pub min: Duration,
    pub median: Duration,
    pub p99: Duration,
    pub max: Duration,
    pub mean: Duration,
}

/// Nearest-rank percentile of sorted samples (`q` in 0..=1).
fn rank(sorted: &[Duration], q: f64) -> Duration {
    let n = sorted.len();
    // ceil(q * n) as a 1-based rank; the float is bounded by n, so the cast cannot truncate badly.
    let r = ((q * n as f64).ceil() as usize).clamp(1, n);
    sorted[r - 1]
}

pub fn summarize(samples: &[Duration]) -> Option<Summary> {
    if samples.is_empty() {
        return None;
    }
    let mut sorted = samples.to_vec();
    sorted.sort_unstable();
    let total: Duration = sorted.iter().sum();
    Some(Summary {
        n: sorted.len(),
        min: sorted[0],
        median: rank(&sorted, 0.5),
        p99: rank(&sorted, 0.99),
        max: sorted[sorted.len() - 1],
        mean: total / u32::try_from(sorted.len()).unwrap_or(u32::MAX),
    })
}

/// A duration in the unit that reads best: µs below a millisecond, ms below ten seconds.
pub fn fmt(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us < 1000.0 {
        format!("{us:.0} µs")
    } else if us < 10_000_000.0 {
        format!("{:.2} ms", us / 1000.0)
    } else {
        format!("{:.1} s", us / 1e6)
    }
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
