//! Calendar days and timestamps: review schedules count whole local days, exports print RFC 3339
//! UTC. The calendar (year, month, day of an instant) is the `time` crate's, already a dependency
//! for the local UTC offset (`jiff` would add a second date library for the same work); a [`Day`]
//! itself is only a count of days, which needs no calendar.

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

/// `YYYY-MM-DDTHH:MM:SSZ` for a Unix timestamp (RFC 3339, UTC). An instant after the year 9999,
/// which only a damaged file can hold, is shown as the last second of 9999 (RFC 3339 has four
/// year digits).
#[must_use]
pub fn rfc3339_utc(secs: u64) -> String {
    let t = i64::try_from(secs)
        .ok()
        .and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok())
        .unwrap_or_else(|| time::PrimitiveDateTime::MAX.assume_utc());
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// `YYYYMMDDTHHMMSSZ`: the same instant, safe in a file name on every platform.
#[must_use]
pub fn compact_utc(secs: u64) -> String {
    rfc3339_utc(secs).replace(['-', ':'], "")
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
    fn instants_past_year_9999_are_clamped_not_garbled() {
        assert_eq!(rfc3339_utc(253_402_300_799), "9999-12-31T23:59:59Z");
        assert_eq!(rfc3339_utc(253_402_300_800), "9999-12-31T23:59:59Z");
        assert_eq!(rfc3339_utc(u64::MAX), "9999-12-31T23:59:59Z");
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
