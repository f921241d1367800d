//! Which FastAPI release the demo API imitates, and what changed at which release.
//!
//! The facts were measured on FastAPI 0.115.14 and 0.165.0 and every behaviour change was bisected
//! to its first release (see `FASTAPI-FACTS.md`), so only that range is accepted: outside it we
//! would be guessing.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::LabError;
use crate::content::version::{NEWEST, OLDEST, Version, VersionRange};

/// A FastAPI release, `major.minor.patch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FastApiVersion {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

/// The CORS behaviour of the Starlette release a FastAPI version installs.
///
/// Mapping (from FastAPI's own `pyproject.toml` pins; `pip install fastapi==X` takes the newest
/// Starlette the pin allows, which is what a learner gets):
/// - FastAPI 0.115.14 ..= 0.128.2 pin `starlette<0.47` .. `<0.51`: Starlette 0.40–0.50, whose
///   `CORSMiddleware` is identical across that range (measured: 0.46.2).
/// - FastAPI 0.128.3 ..= 0.132.x pin `starlette<1.0.0`: Starlette 0.52, which added
///   `allow_private_network` (off in the reference apps, so a preflight that asks for private
///   network access fails with `Disallowed CORS private-network`).
/// - FastAPI 0.133.0 and later drop the upper bound (`>=0.40.0`, then `>=0.46.0`, and by 0.165
///   `>=1.6`), so they install the newest Starlette (measured: 1.10.0), which has both the 1.0.0
///   change (wildcard + credentials echoes the Origin) and the 1.7.0 one (`vary: Origin`
///   everywhere). No FastAPI release pins Starlette to 1.0–1.6 as far as the pins we could read
///   (up to FastAPI 0.141.1) show; releases 0.141.2–0.165.0 could not be read here and are
///   assumed to keep an open upper bound, which matches the measured 0.165.0.
///
/// Other Starlette changes follow the same mapping: every `Cookie` header is read from Starlette
/// 0.49 (FastAPI 0.121.0, pin `<0.50`), a malformed `Host` is ignored from 1.0.1 and a broken
/// multipart body is "Invalid multipart data." from 1.4+ (both FastAPI 0.133.0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StarletteCors {
    /// Starlette 0.40 – 0.50.
    Before051,
    /// Starlette 0.51 – 0.52 (private network preflights refused).
    PrivateNetwork,
    /// Starlette ≥ 1.7 (echo with credentials, `vary: Origin` on every response).
    Modern,
}

impl FastApiVersion {
    pub const OLDEST: Self = Self::new(OLDEST.0, OLDEST.1, OLDEST.2);
    pub const NEWEST: Self = Self::new(NEWEST.0, NEWEST.1, NEWEST.2);

    #[must_use]
    pub const fn new(major: u32, minor: u32, patch: u32) -> Self {
        Self { major, minor, patch }
    }

    /// Parses `X.Y.Z` and checks it lies in the measured range.
    pub fn parse(text: &str) -> Result<Self, LabError> {
        let bad = |reason: &str| LabError::Version { given: text.to_owned(), reason: reason.to_owned() };
        let mut parts = text.trim().split('.');
        let mut next = || -> Result<u32, LabError> {
            let part = parts.next().ok_or_else(|| bad("expected MAJOR.MINOR.PATCH, e.g. 0.165.0"))?;
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad("expected MAJOR.MINOR.PATCH with digits only, e.g. 0.165.0"));
            }
            part.parse::<u32>().map_err(|_| bad("a part of the version is too large"))
        };
        let version = Self::new(next()?, next()?, next()?);
        if parts.next().is_some() {
            return Err(bad("expected MAJOR.MINOR.PATCH, e.g. 0.165.0"));
        }
        if version < Self::OLDEST || version > Self::NEWEST {
            return Err(bad(&format!(
                "supported releases are {} to {}: the behaviour of the demo API was measured \
                 against real FastAPI over that range only",
                Self::OLDEST,
                Self::NEWEST
            )));
        }
        Ok(version)
    }

    /// Whether this version is in a content range such as `">=0.122.0"`, `"<0.122.0"`,
    /// `"0.121.3"` or `">=0.115.14,<0.128.1"`, read by the same parser `check` uses, so content
    /// that passes `check` is always understood here. `None` when the range cannot be read.
    #[must_use]
    pub fn satisfies(self, range: &str) -> Option<bool> {
        let range = VersionRange::parse(range).ok()?;
        Some(range.contains(Version(self.major, self.minor, self.patch)))
    }

    /// From 0.122.0, missing credentials answer 401 + `WWW-Authenticate` instead of 403.
    #[must_use]
    pub fn auth_errors_are_401(self) -> bool {
        self >= Self::new(0, 122, 0)
    }

    /// From 0.123.2, a form field sent empty counts as missing.
    #[must_use]
    pub fn empty_form_field_is_missing(self) -> bool {
        self >= Self::new(0, 123, 2)
    }

    /// From 0.128.1, the credentials after the scheme are stripped of whitespace.
    #[must_use]
    pub fn strips_credentials(self) -> bool {
        self >= Self::new(0, 128, 1)
    }

    /// Starlette 0.49.0 reads every `Cookie` header (before: only the first). FastAPI 0.121.0 is
    /// the first release whose pin (`starlette<0.50.0`) installs it.
    #[must_use]
    pub fn merges_cookie_headers(self) -> bool {
        self >= Self::new(0, 121, 0)
    }

    /// Starlette 1.0.1 ignores a malformed `Host` when it builds a URL (the trailing-slash
    /// redirect's `location`) and uses the server's address instead; FastAPI 0.133.0 is the first
    /// release that installs Starlette 1.x (see [`StarletteCors`]).
    #[must_use]
    pub fn validates_host_header(self) -> bool {
        self.starlette() == StarletteCors::Modern
    }

    /// From 0.128.1 the Swagger UI page has a viewport meta tag and the OpenAPI document's
    /// `ValidationError` lists `input` and `ctx` (checked in the released wheels).
    #[must_use]
    pub fn openapi_is_0_128_1_or_later(self) -> bool {
        self >= Self::new(0, 128, 1)
    }

    /// The CORS behaviour of the Starlette this release installs (see [`StarletteCors`]).
    #[must_use]
    pub fn starlette(self) -> StarletteCors {
        if self >= Self::new(0, 133, 0) {
            StarletteCors::Modern
        } else if self >= Self::new(0, 128, 3) {
            StarletteCors::PrivateNetwork
        } else {
            StarletteCors::Before051
        }
    }
}

impl Default for FastApiVersion {
    fn default() -> Self {
        Self::NEWEST
    }
}

impl fmt::Display for FastApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

impl FromStr for FastApiVersion {
    type Err = LabError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for FastApiVersion {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for FastApiVersion {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_measured_range_and_nothing_else() {
        assert_eq!(FastApiVersion::parse("0.115.14").unwrap(), FastApiVersion::OLDEST);
        assert_eq!(FastApiVersion::parse("0.165.0").unwrap(), FastApiVersion::NEWEST);
        assert_eq!(FastApiVersion::parse(" 0.121.3 ").unwrap(), FastApiVersion::new(0, 121, 3));
        for bad in [
            "0.115.13",
            "0.165.1",
            "1.0.0",
            "0.99.0",
            "",
            "0.120",
            "0.120.0.1",
            "0.x.1",
            "0.-1.0",
            "0..0",
            "99999999999.0.0",
        ] {
            let err = FastApiVersion::parse(bad).unwrap_err().to_string();
            assert!(err.contains(bad.trim()), "{bad}: {err}");
        }
        let err = FastApiVersion::parse("0.170.0").unwrap_err().to_string();
        assert!(err.contains("0.115.14 to 0.165.0") && err.contains("measured"), "{err}");
    }

    #[test]
    fn each_change_starts_at_its_release() {
        let v = |s: &str| FastApiVersion::parse(s).unwrap();
        assert!(!v("0.121.3").auth_errors_are_401());
        assert!(v("0.122.0").auth_errors_are_401());
        assert!(!v("0.123.1").empty_form_field_is_missing());
        assert!(v("0.123.2").empty_form_field_is_missing());
        assert!(!v("0.128.0").strips_credentials());
        assert!(v("0.128.1").strips_credentials());
        assert!(!v("0.120.9").merges_cookie_headers());
        assert!(v("0.121.0").merges_cookie_headers());
        assert!(!v("0.132.0").validates_host_header());
        assert!(v("0.133.0").validates_host_header());
        assert_eq!(v("0.115.14").starlette(), StarletteCors::Before051);
        assert_eq!(v("0.128.2").starlette(), StarletteCors::Before051);
        assert_eq!(v("0.128.3").starlette(), StarletteCors::PrivateNetwork);
        assert_eq!(v("0.132.9").starlette(), StarletteCors::PrivateNetwork);
        assert_eq!(v("0.133.0").starlette(), StarletteCors::Modern);
        assert_eq!(v("0.165.0").starlette(), StarletteCors::Modern);
    }

    #[test]
    fn content_ranges_are_understood() {
        let v = FastApiVersion::new(0, 121, 3);
        assert_eq!(v.satisfies("<0.122.0"), Some(true));
        assert_eq!(v.satisfies(">=0.122.0"), Some(false));
        assert_eq!(v.satisfies(">=0.115.14, <0.128.1"), Some(true));
        assert_eq!(v.satisfies("==0.121.3"), Some(true));
        // A bare version is an exact match, as `check` reads it.
        assert_eq!(v.satisfies("0.121.3"), Some(true));
        assert_eq!(v.satisfies("~0.121"), None);
        assert_eq!(v.satisfies(">=0.1"), None);
    }

    #[test]
    fn round_trips_through_text_and_serde() {
        let v = FastApiVersion::new(0, 124, 4);
        assert_eq!(v.to_string(), "0.124.4");
        let json = serde_json::to_string(&v).unwrap();
        assert_eq!(json, "\"0.124.4\"");
        assert_eq!(serde_json::from_str::<FastApiVersion>(&json).unwrap(), v);
    }
}
