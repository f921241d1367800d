//! The sliding-window rate limiter a lab app declares (`rate_limit:` on a route, or on a login
//! route for failed logins). The generated FastAPI code writes the same limiter out as a small
//! dependency (a dict of timestamps per key), so the engine and real FastAPI count alike:
//! a hit older than the window is forgotten; with `requests` hits in the window the next one
//! is refused with 429 and `Retry-After` = seconds until the oldest hit leaves the window
//! (rounded up, at least 1).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::content::lab_app::RateLimitSpec;

/// At most this many keys are remembered per app; beyond it, keys with no hit in their window
/// are forgotten first, so a flood of usernames cannot grow memory without bound.
const MAX_KEYS: usize = 10_000;

/// Hits per (route index, key).
#[derive(Debug, Default)]
pub struct Limiter {
    hits: Mutex<HashMap<(usize, String), VecDeque<Instant>>>,
}

fn window(spec: &RateLimitSpec) -> Duration {
    Duration::from_secs(u64::from(spec.window_seconds))
}

fn retry_after(oldest: Instant, spec: &RateLimitSpec, now: Instant) -> u64 {
    let left = (oldest + window(spec)).saturating_duration_since(now);
    let secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
    secs.max(1)
}

impl Limiter {
    fn with_hits<T>(
        &self,
        key: (usize, String),
        now: Instant,
        spec: &RateLimitSpec,
        f: impl FnOnce(&mut VecDeque<Instant>) -> T,
    ) -> T {
        // A poisoned lock only means another request panicked mid-update; the counts stay usable.
        let mut map = self.hits.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if map.len() >= MAX_KEYS && !map.contains_key(&key) {
            let w = window(spec);
            map.retain(|_, hits| hits.back().is_some_and(|t| now.saturating_duration_since(*t) < w));
        }
        let hits = map.entry(key).or_default();
        while hits.front().is_some_and(|t| now.saturating_duration_since(*t) >= window(spec)) {
            hits.pop_front();
        }
        f(hits)
    }

    /// Counts a request and refuses it (`Err(retry_after)`) when the window is full.
    pub fn hit(&self, route: usize, key: &str, spec: &RateLimitSpec, now: Instant) -> Result<(), u64> {
        self.with_hits((route, key.to_owned()), now, spec, |hits| {
            if hits.len() >= spec.requests as usize {
                return Err(hits.front().map_or(1, |oldest| retry_after(*oldest, spec, now)));
            }
            hits.push_back(now);
            Ok(())
        })
    }

    /// Whether failures already fill the window (`Some(retry_after)`), without counting.
    pub fn blocked(&self, route: usize, key: &str, spec: &RateLimitSpec, now: Instant) -> Option<u64> {
        self.with_hits((route, key.to_owned()), now, spec, |hits| {
            (hits.len() >= spec.requests as usize)
                .then(|| hits.front().map_or(1, |oldest| retry_after(*oldest, spec, now)))
        })
    }

    /// Records one failure (a wrong password).
    pub fn fail(&self, route: usize, key: &str, spec: &RateLimitSpec, now: Instant) {
        self.with_hits((route, key.to_owned()), now, spec, |hits| hits.push_back(now));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::lab_app::RateKey;

    #[test]
    fn the_window_fills_refuses_with_retry_after_and_forgets_old_hits() {
        let spec = RateLimitSpec { requests: 2, window_seconds: 60, per: RateKey::Client };
        let l = Limiter::default();
        let t0 = Instant::now();
        assert_eq!(l.hit(0, "a", &spec, t0), Ok(()));
        assert_eq!(l.hit(0, "a", &spec, t0 + Duration::from_millis(500)), Ok(()));
        assert_eq!(l.hit(0, "a", &spec, t0 + Duration::from_secs(1)), Err(59));
        assert_eq!(l.hit(0, "b", &spec, t0 + Duration::from_secs(1)), Ok(()), "keys are separate");
        assert_eq!(l.hit(1, "a", &spec, t0 + Duration::from_secs(1)), Ok(()), "routes are separate");
        assert_eq!(
            l.hit(0, "a", &spec, t0 + Duration::from_secs(60)),
            Ok(()),
            "the oldest hit left the window"
        );
        assert_eq!(l.blocked(0, "a", &spec, t0 + Duration::from_secs(60)), Some(1));
    }

    #[test]
    fn failures_block_only_once_the_window_holds_requests_of_them() {
        let spec = RateLimitSpec { requests: 5, window_seconds: 60, per: RateKey::Username };
        let l = Limiter::default();
        let t0 = Instant::now();
        for i in 0..5 {
            assert_eq!(l.blocked(0, "alice", &spec, t0), None, "attempt {}", i + 1);
            l.fail(0, "alice", &spec, t0);
        }
        assert_eq!(l.blocked(0, "alice", &spec, t0), Some(60), "the 6th attempt");
        assert_eq!(l.blocked(0, "bob", &spec, t0), None);
    }
}
