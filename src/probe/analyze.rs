//! Findings from what came back. A pure function of the report's exchanges, so a report recorded
//! against real FastAPI (`tests/fixtures/probe/*.probe.json`) can be analysed again by the tests.

use super::lessons::{self, Teach};
use super::{Exchange, Finding, Report, Severity, attack, tokens};
use crate::content::Catalog;

fn ok(e: &Exchange) -> bool {
    e.status.is_some_and(|s| (200..300).contains(&s))
}

struct Out<'a> {
    findings: Vec<Finding>,
    catalog: Option<&'a Catalog>,
}

impl Out<'_> {
    fn add(&mut self, severity: Severity, operation: &str, what: impl Into<String>, teaches: Teach) {
        self.findings.push(Finding {
            severity,
            operation: operation.to_owned(),
            what: what.into(),
            teaches,
            lesson: lessons::describe(teaches, self.catalog),
        });
    }
}

/// Every finding, per operation in document order, then the token's own claims, then the burst.
#[must_use]
pub fn findings(report: &Report, catalog: Option<&Catalog>) -> Vec<Finding> {
    let mut out = Out { findings: Vec::new(), catalog };
    for row in &report.operations {
        let name = format!("{} {}", row.method, row.path);
        if row.security.is_empty() {
            out.add(Severity::Info, &name, "declares no security: anyone can call it", Teach::NoSecurity);
        }
        let mine: Vec<&Exchange> = report.exchanges.iter().filter(|e| e.operation == name).collect();
        operation(&mut out, &name, &mine);
    }
    if let Some(t) = &report.token
        && t.jwt
        && !t.has_exp
    {
        out.add(
            Severity::Medium,
            "the valid token",
            "the token carries no `exp` claim: it stays valid forever if it leaks",
            Teach::NoExpiry,
        );
    }
    burst(&mut out, report);
    out.findings
}

fn operation(out: &mut Out<'_>, name: &str, mine: &[&Exchange]) {
    let by = |label: &str| mine.iter().copied().find(|e| e.attack == label);
    if by(attack::NO_CREDENTIALS).is_some_and(ok) {
        out.add(
            Severity::High,
            name,
            "answered without credentials although it declares security",
            Teach::NoCredentials,
        );
    }
    // A 401 must say how to authenticate (RFC 9110, 11.6.1); reported once per operation.
    if mine.iter().any(|e| {
        e.status == Some(401)
            && !e.attack.starts_with(attack::PREFLIGHT)
            && !e.headers.contains_key("www-authenticate")
    }) {
        out.add(
            Severity::Medium,
            name,
            "401 without WWW-Authenticate: clients are not told how to authenticate",
            Teach::NoChallenge,
        );
    }
    if by(attack::ARBITRARY_KEY).is_some_and(ok) {
        out.add(
            Severity::High,
            name,
            "accepts any value as API key: the key is only checked for presence",
            Teach::AnyApiKey,
        );
    }
    for label in attack::BAD_CREDENTIALS {
        if by(label).is_some_and(ok) {
            out.add(Severity::High, name, format!("accepted a request with {label}"), Teach::WrongCredential);
        }
    }
    for e in mine.iter().filter(|e| e.attack.starts_with(attack::PREFLIGHT)) {
        let origin = &e.attack[attack::PREFLIGHT.len()..];
        let echoed = e.headers.get("access-control-allow-origin").is_some_and(|o| o == origin);
        let creds = e.headers.get("access-control-allow-credentials").is_some_and(|v| v == "true");
        if echoed && creds && ok(e) {
            out.add(
                Severity::High,
                name,
                format!(
                    "CORS echoes any origin ({origin}) with credentials: any site can call it as the user"
                ),
                Teach::CorsAnyOrigin,
            );
        }
    }
    tokens_on(out, name, mine);
}

fn tokens_on(out: &mut Out<'_>, name: &str, mine: &[&Exchange]) {
    let by = |label: &str| mine.iter().copied().find(|e| e.attack == label);
    let Some(valid) = by(tokens::VALID) else { return };
    if !ok(valid) {
        // Nothing to compare with: the route refuses even the genuine token (a missing scope or
        // role, or an inactive user), so accepting a forged one could not show.
        if let Some(status) = valid.status {
            out.add(
                Severity::Info,
                name,
                format!(
                    "the valid token was answered {status}: the token attacks prove nothing on this route"
                ),
                Teach::ValidRefused,
            );
        }
        return;
    }
    for (label, what, teaches) in [
        (
            tokens::EXPIRED,
            "accepted an expired token (exp moved to the past, signature kept): neither expiry nor signature is checked",
            Teach::ExpiredToken,
        ),
        (
            tokens::RESIGNED,
            "accepted a token signed with another key: the signature is not verified",
            Teach::ForgedToken,
        ),
        (
            tokens::ALG_NONE,
            "accepted an unsigned token (alg: none): the accepted algorithms are not fixed",
            Teach::ForgedToken,
        ),
        (
            tokens::TAMPERED,
            "accepted a token whose claims were changed (signature kept): the signature is not verified",
            Teach::ForgedToken,
        ),
    ] {
        if by(label).is_some_and(ok) {
            out.add(Severity::High, name, what, teaches);
        }
    }
    if let Some(other) = by(tokens::OTHER_USER)
        && ok(other)
        && other.body_sha256.is_some()
        && other.body_sha256 == valid.body_sha256
    {
        out.add(
            Severity::High,
            name,
            "another user's token read this object, same answer as its owner got: object-level authorization missing (OWASP API1)",
            Teach::Bola,
        );
    }
    foreign_like_missing(out, name, by(tokens::OTHER_USER), by(tokens::MISSING_OBJECT));
}

/// whose-data, build-up step 3: a foreign object must answer exactly like a missing one (same
/// status, same body), or a token holder can tell which ids exist. Judged only when the missing
/// object got a refusal that names it missing or forbidden (403/404): that shows the second token
/// was accepted, so a 401 for the foreign object is not a bad token.
fn foreign_like_missing(
    out: &mut Out<'_>,
    name: &str,
    foreign: Option<&Exchange>,
    missing: Option<&Exchange>,
) {
    let (Some(f), Some(m)) = (foreign, missing) else { return };
    let (Some(fs), Some(ms)) = (f.status, m.status) else { return };
    if ok(f) || !matches!(ms, 403 | 404) || (fs == ms && f.body_sha256 == m.body_sha256) {
        return;
    }
    let what = if fs == 401 {
        format!(
            "another user's object answers 401, a missing one {ms}: 401 sends the client to log in again, and tells a token holder the id exists"
        )
    } else if fs == ms {
        format!(
            "another user's object and a missing one both answer {fs}, with different bodies: a token holder can tell which ids exist"
        )
    } else {
        format!(
            "another user's object answers {fs}, a missing one {ms}: a token holder can tell which ids exist"
        )
    };
    out.add(Severity::Medium, name, what, Teach::ForeignObject);
}

fn burst(out: &mut Out<'_>, report: &Report) {
    let sent: Vec<&Exchange> = report.exchanges.iter().filter(|e| e.attack == attack::BURST).collect();
    // A missing token route (404/405) says nothing about rate limiting: not counted.
    let answered = sent.iter().filter(|e| e.status.is_some_and(|s| !matches!(s, 404 | 405))).count();
    let limited = sent.iter().any(|e| e.status == Some(429));
    if report.burst > 0 && answered == report.burst as usize && !limited {
        out.add(
            Severity::Medium,
            &sent.first().map_or_else(String::new, |e| e.operation.clone()),
            format!("{answered} wrong logins in a row, none answered 429: no rate limit on the token route"),
            Teach::NoRateLimit,
        );
    }
}
