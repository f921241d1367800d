//! FastAPI version ranges as content writes them: `0.122.0`, `>=0.122.0`, `<0.122.0`, or several
//! joined by commas (`>=0.115.14,<0.122.0`), every bound inside the measured range.

use std::fmt;

/// A release `major.minor.patch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version(pub u32, pub u32, pub u32);

/// The oldest and newest FastAPI releases the facts and fixtures were measured on.
pub const OLDEST: Version = Version(0, 115, 14);
pub const NEWEST: Version = Version(0, 165, 0);

impl Version {
    /// Parses `X.Y.Z` (exactly three numbers).
    pub fn parse(text: &str) -> Result<Version, String> {
        let parts: Vec<&str> = text.trim().split('.').collect();
        let [a, b, c] = parts.as_slice() else {
            return Err(format!("`{}` is not a version: write it as X.Y.Z, e.g. 0.122.0", text.trim()));
        };
        let num = |s: &str| {
            if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            s.parse::<u32>().ok()
        };
        match (num(a), num(b), num(c)) {
            (Some(a), Some(b), Some(c)) => Ok(Version(a, b, c)),
            _ => Err(format!("`{}` is not a version: write it as X.Y.Z, e.g. 0.122.0", text.trim())),
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.0, self.1, self.2)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ge,
    Gt,
    Le,
    Lt,
}

/// A conjunction of comparisons; `contains` is true when every one holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionRange(pub Vec<(Op, Version)>);

impl VersionRange {
    /// Parses a range and checks that every bound lies within [`OLDEST`]..=[`NEWEST`] and that
    /// some supported release matches it.
    pub fn parse(text: &str) -> Result<VersionRange, String> {
        let mut parts = Vec::new();
        for part in text.split(',') {
            let part = part.trim();
            if part.is_empty() {
                return Err(format!("empty part in version range `{text}`"));
            }
            let (op, rest) = if let Some(r) = part.strip_prefix(">=") {
                (Op::Ge, r)
            } else if let Some(r) = part.strip_prefix("<=") {
                (Op::Le, r)
            } else if let Some(r) = part.strip_prefix("==") {
                (Op::Eq, r)
            } else if let Some(r) = part.strip_prefix('>') {
                (Op::Gt, r)
            } else if let Some(r) = part.strip_prefix('<') {
                (Op::Lt, r)
            } else if part.starts_with(|c: char| c.is_ascii_digit()) {
                (Op::Eq, part)
            } else {
                return Err(format!(
                    "`{part}` is not a version range: use X.Y.Z, >=X.Y.Z, <X.Y.Z (comma-joined for both ends)"
                ));
            };
            let version = Version::parse(rest)?;
            if version < OLDEST || version > NEWEST {
                return Err(format!(
                    "version {version} is outside the supported range {OLDEST} to {NEWEST} (the releases the facts were measured on)"
                ));
            }
            parts.push((op, version));
        }
        let range = VersionRange(parts);
        if !range.matches_any_supported() {
            return Err(format!("version range `{text}` matches no release from {OLDEST} to {NEWEST}"));
        }
        Ok(range)
    }

    #[must_use]
    pub fn contains(&self, v: Version) -> bool {
        self.0.iter().all(|(op, bound)| match op {
            Op::Eq => v == *bound,
            Op::Ge => v >= *bound,
            Op::Gt => v > *bound,
            Op::Le => v <= *bound,
            Op::Lt => v < *bound,
        })
    }

    /// Whether any release in the supported range (on the 0.x line, every minor up to
    /// patch 99) satisfies the range: enough to catch `>=0.130.0,<0.120.0`.
    fn matches_any_supported(&self) -> bool {
        let mut candidates = vec![OLDEST, NEWEST];
        for (_, bound) in &self.0 {
            candidates.push(*bound);
            candidates.push(Version(bound.0, bound.1, bound.2.saturating_add(1)));
            if bound.2 > 0 {
                candidates.push(Version(bound.0, bound.1, bound.2 - 1));
            } else if bound.1 > 0 {
                candidates.push(Version(bound.0, bound.1 - 1, 99));
            }
        }
        candidates.into_iter().filter(|v| *v >= OLDEST && *v <= NEWEST).any(|v| self.contains(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_parse_and_match() {
        let r = VersionRange::parse(">=0.122.0").unwrap();
        assert!(r.contains(Version(0, 122, 0)) && !r.contains(Version(0, 121, 3)));
        let r = VersionRange::parse("<0.122.0").unwrap();
        assert!(r.contains(Version(0, 121, 3)) && !r.contains(Version(0, 122, 0)));
        let r = VersionRange::parse(">=0.115.14, <0.123.2").unwrap();
        assert!(r.contains(Version(0, 123, 1)) && !r.contains(Version(0, 123, 2)));
        let r = VersionRange::parse("0.165.0").unwrap();
        assert!(r.contains(NEWEST) && !r.contains(OLDEST));
    }

    #[test]
    fn bad_ranges_say_why() {
        for (text, want) in [
            ("0.122", "not a version"),
            ("~0.122.0", "not a version range"),
            (">=0.100.0", "outside the supported range 0.115.14 to 0.165.0"),
            ("<0.200.0", "outside"),
            (">=0.130.0,<0.120.0", "matches no release"),
            (">=0.122.0,", "empty part"),
            (">=0.x.0", "not a version"),
            ("<0.115.14", "matches no release"),
        ] {
            let err = VersionRange::parse(text).unwrap_err();
            assert!(err.contains(want), "{text}: {err}");
        }
    }
}
