//! Calendar days and timestamps without a date library: review schedules count whole local days,
//! exports print RFC 3339 UTC.

use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

const SECS_PER_DAY: i64 = 86_400;

/// A calendar day: days since 1970-01-01 in the learner's local time zone.
///
/// Review scheduling counts days, not hours, so a question missed at 23:00 is due the next
/// morning, not 24 hours later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Day(pub i64);

impl Day {
    /// Today, local date (see [`local_offset_secs`] for how the zone is found).
    #[must_use]
    pub fn today() -> Day {
        Day::of_unix(unix_now())
    }

    /// The local day a Unix timestamp (seconds) falls on.
    #[must_use]
    pub fn of_unix(secs: u64) -> Day {
        Day::of_unix_with_offset(secs, local_offset_secs())
    }

    /// The day a Unix timestamp falls on at a fixed UTC offset (seconds east of UTC).
    #[must_use]
    pub fn of_unix_with_offset(secs: u64, offset: i32) -> Day {
        let local = i64::try_from(secs).unwrap_or(i64::MAX).saturating_add(i64::from(offset));
        Day(local.div_euclid(SECS_PER_DAY))
    }

    #[must_use]
    pub fn plus(self, days: i64) -> Day {
        Day(self.0.saturating_add(days))
    }
}

/// Seconds since the Unix epoch, now (0 if the clock is before 1970).
#[must_use]
pub fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Milliseconds since the Unix epoch, now.
#[must_use]
pub fn unix_now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// The local UTC offset in seconds, found once per process and then kept.
///
/// The platform can only report it safely while the process has one thread (the `time` crate
/// refuses otherwise), so it is cached at the first call; the TUI should call [`Day::today`] once
/// before it starts threads. When it cannot be found, days are UTC days.
#[must_use]
pub fn local_offset_secs() -> i32 {
    static OFFSET: OnceLock<i32> = OnceLock::new();
    *OFFSET.get_or_init(|| time::UtcOffset::current_local_offset().map_or(0, time::UtcOffset::whole_seconds))
}

/// `YYYY-MM-DDTHH:MM:SSZ` for a Unix timestamp (RFC 3339, UTC).
#[must_use]
pub fn rfc3339_utc(secs: u64) -> String {
    let secs = i64::try_from(secs).unwrap_or(i64::MAX);
    let (days, rem) = (secs.div_euclid(SECS_PER_DAY), secs.rem_euclid(SECS_PER_DAY));
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// `YYYYMMDDTHHMMSSZ`: the same instant, safe in a file name on every platform.
#[must_use]
pub fn compact_utc(secs: u64) -> String {
    rfc3339_utc(secs).replace(['-', ':'], "")
}

/// Year, month, day of a day count since 1970-01-01 (proleptic Gregorian; H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    // d is 1..=31 and m 1..=12 by construction.
    (y, u32::try_from(m).unwrap_or(1), u32::try_from(d).unwrap_or(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_matches_known_instants() {
        for (secs, want) in [
            (0, "1970-01-01T00:00:00Z"),
            (951_782_400, "2000-02-29T00:00:00Z"),
            (1_700_000_000, "2023-11-14T22:13:20Z"),
            (4_102_444_799, "2099-12-31T23:59:59Z"),
        ] {
            assert_eq!(rfc3339_utc(secs), want, "{secs}");
        }
        assert_eq!(compact_utc(1_700_000_000), "20231114T221320Z");
    }

    #[test]
    fn days_follow_the_offset() {
        // 2023-11-14T22:13:20Z is already the 15th two hours east, still the 14th west.
        let utc = Day::of_unix_with_offset(1_700_000_000, 0);
        assert_eq!(Day::of_unix_with_offset(1_700_000_000, 2 * 3600), utc.plus(1));
        assert_eq!(Day::of_unix_with_offset(1_700_000_000, -8 * 3600), utc);
        assert_eq!(utc, Day(19_675));
    }
}
