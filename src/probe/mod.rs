//! `apisec-tutor probe`: the lesson's attacks against the learner's own FastAPI app.
//!
//! Reads the app's OpenAPI document, lists each operation's declared security, then sends a small,
//! budgeted and rate-limited set of requests and turns what came back into findings that name the
//! lesson section explaining them. Safe by default: loopback and private addresses only, no
//! DELETE/PUT/PATCH, a request budget and a rate that are always enforced.

pub mod openapi;

use std::net::IpAddr;
use std::time::{Duration, Instant};

use serde::Serialize;

use openapi::{Operation, Scheme};

const EVIL_ORIGIN: &str = "https://evil.example";
const ARBITRARY_KEY: &str = "apisec-probe-arbitrary-value";

#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    #[error("{0} is not a loopback or private address; add --allow-remote to probe it")]
    Remote(String),
    #[error("bad URL `{0}`")]
    Url(String),
    #[error("cannot fetch the OpenAPI document: {0}")]
    Fetch(String),
    #[error(transparent)]
    OpenApi(#[from] openapi::OpenApiError),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Medium,
    High,
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub severity: Severity,
    pub operation: String,
    pub what: String,
    /// The lesson section that explains it.
    pub lesson: String,
}

/// One request sent (or planned, with --dry-run) and what came back.
#[derive(Debug, Clone, Serialize)]
pub struct Exchange {
    pub attack: String,
    pub method: String,
    pub path: String,
    pub status: Option<u16>,
}

#[derive(Debug, Clone)]
pub struct Options {
    pub base: String,
    pub params: Vec<(String, String)>,
    pub burst: u32,
    pub max_requests: u32,
    pub rps: f64,
    pub unsafe_methods: bool,
    pub dry_run: bool,
}

#[derive(Debug, Default, Serialize)]
pub struct Report {
    pub operations: Vec<OperationRow>,
    pub exchanges: Vec<Exchange>,
    pub findings: Vec<Finding>,
    /// Requests skipped because the budget was spent.
    pub skipped: u32,
}

#[derive(Debug, Serialize)]
pub struct OperationRow {
    pub method: String,
    pub path: String,
    pub security: Vec<String>,
}

/// Refuses anything but loopback and private addresses (and `localhost`) unless allowed.
pub fn check_target(base: &str, allow_remote: bool) -> Result<(), ProbeError> {
    let url = reqwest::Url::parse(base).map_err(|_| ProbeError::Url(base.to_owned()))?;
    let host = url.host_str().ok_or_else(|| ProbeError::Url(base.to_owned()))?;
    let local = host == "localhost"
        || host.trim_matches(['[', ']']).parse::<IpAddr>().is_ok_and(|ip| match ip {
            IpAddr::V4(v4) => v4.is_loopback() || v4.is_private() || v4.is_link_local(),
            IpAddr::V6(v6) => v6.is_loopback() || v6.is_unique_local(),
        });
    if local || allow_remote { Ok(()) } else { Err(ProbeError::Remote(host.to_owned())) }
}

struct Sender {
    client: reqwest::Client,
    opts: Options,
    sent: u32,
    last: Option<Instant>,
    report: Report,
}

struct Reply {
    status: u16,
    headers: reqwest::header::HeaderMap,
}

impl Sender {
    async fn send(
        &mut self,
        attack: &str,
        method: &str,
        path: &str,
        headers: &[(&str, String)],
        form: Option<&[(&str, &str)]>,
    ) -> Option<Reply> {
        if self.sent >= self.opts.max_requests {
            self.report.skipped += 1;
            return None;
        }
        self.sent += 1;
        let mut ex =
            Exchange { attack: attack.into(), method: method.into(), path: path.into(), status: None };
        if self.opts.dry_run {
            self.report.exchanges.push(ex);
            return None;
        }
        // The rate is enforced between every two requests.
        if let Some(last) = self.last {
            let gap = Duration::from_secs_f64(1.0 / self.opts.rps.max(0.1));
            if let Some(wait) = gap.checked_sub(last.elapsed()) {
                tokio::time::sleep(wait).await;
            }
        }
        self.last = Some(Instant::now());
        let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap_or(reqwest::Method::GET);
        let mut req = self.client.request(m, format!("{}{path}", self.opts.base.trim_end_matches('/')));
        for (k, v) in headers {
            req = req.header(*k, v);
        }
        if let Some(form) = form {
            // The form values are this module's constants (letters and `-`), so they need no
            // percent-encoding.
            let body: Vec<String> = form.iter().map(|(k, v)| format!("{k}={v}")).collect();
            req = req.header("content-type", "application/x-www-form-urlencoded").body(body.join("&"));
        }
        let reply = req
            .send()
            .await
            .ok()
            .map(|r| Reply { status: r.status().as_u16(), headers: r.headers().clone() });
        ex.status = reply.as_ref().map(|r| r.status);
        self.report.exchanges.push(ex);
        reply
    }

    /// A 401 must say how to authenticate (RFC 9110, 11.6.1); reported once per operation.
    fn check_challenge(&mut self, r: &Reply, op: &str) {
        const WHAT: &str = "401 without WWW-Authenticate: clients are not told how to authenticate";
        let seen = self.report.findings.iter().any(|f| f.operation == op && f.what == WHAT);
        if r.status == 401 && header(r, "www-authenticate").is_none() && !seen {
            self.find(Severity::Medium, op, WHAT, "lesson why-api-security, under_the_hood");
        }
    }

    fn find(&mut self, severity: Severity, op: &str, what: &str, lesson: &str) {
        self.report.findings.push(Finding {
            severity,
            operation: op.to_owned(),
            what: what.to_owned(),
            lesson: lesson.to_owned(),
        });
    }
}

fn header(r: &Reply, name: &str) -> Option<String> {
    r.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

/// Runs the attack list against `ops` (or only plans it, with `dry_run`).
pub async fn run(ops: &[Operation], opts: Options) -> Report {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_default();
    let mut s = Sender { client, opts, sent: 0, last: None, report: Report::default() };
    for op in ops {
        s.report.operations.push(OperationRow {
            method: op.method.clone(),
            path: op.path.clone(),
            security: op.security.iter().map(|(n, _)| n.clone()).collect(),
        });
    }
    let mut preflighted = std::collections::BTreeSet::new();
    for op in ops {
        let name = format!("{} {}", op.method, op.path);
        if matches!(op.method.as_str(), "DELETE" | "PUT" | "PATCH") && !s.opts.unsafe_methods {
            continue;
        }
        let path = openapi::fill_path(op, &s.opts.params);
        if op.is_open() {
            s.find(
                Severity::Info,
                &name,
                "declares no security: anyone can call it",
                "lesson why-api-security, build_up",
            );
        } else {
            probe_secured(&mut s, op, &name, &path).await;
        }
        if preflighted.insert(path.clone()) {
            probe_cors(&mut s, &op.method, &name, &path).await;
        }
    }
    if let Some(token_url) = openapi::token_url(ops) {
        probe_burst(&mut s, &token_url).await;
    }
    s.report
}

async fn probe_secured(s: &mut Sender, op: &Operation, name: &str, path: &str) {
    if let Some(r) = s.send("no credentials", &op.method, path, &[], None).await {
        if (200..300).contains(&r.status) {
            s.find(
                Severity::High,
                name,
                "answered without credentials although it declares security",
                "lesson why-api-security, pitfalls",
            );
        } else {
            s.check_challenge(&r, name);
        }
    }
    for (_, scheme) in &op.security {
        match scheme {
            Scheme::ApiKey { location, name: key } => {
                let (p, headers) = match location.as_str() {
                    "query" => {
                        let sep = if path.contains('?') { '&' } else { '?' };
                        (format!("{path}{sep}{key}={ARBITRARY_KEY}"), vec![])
                    }
                    "cookie" => (path.to_owned(), vec![("cookie", format!("{key}={ARBITRARY_KEY}"))]),
                    _ => (path.to_owned(), vec![(key.as_str(), ARBITRARY_KEY.to_owned())]),
                };
                let reply = s.send("arbitrary API key", &op.method, &p, &headers, None).await;
                if reply.is_some_and(|r| (200..300).contains(&r.status)) {
                    s.find(
                        Severity::High,
                        name,
                        "accepts any value as API key: the key is only checked for presence",
                        "lesson why-api-security, pitfalls",
                    );
                }
            }
            Scheme::OAuth2Password { .. } | Scheme::Http { .. } => {
                let is_basic = matches!(scheme, Scheme::Http { scheme } if scheme == "basic");
                let attempts: [(&str, String); 3] = if is_basic {
                    [
                        ("wrong scheme", "Bearer garbage".into()),
                        ("empty Authorization", String::new()),
                        ("malformed Authorization", "Basic !!!notbase64".into()),
                    ]
                } else {
                    [
                        ("wrong scheme", "Basic Zm9vOmJhcg==".into()),
                        ("empty Authorization", String::new()),
                        ("garbage token", "Bearer garbage.token.value".into()),
                    ]
                };
                for (attack, value) in attempts {
                    let reply = s.send(attack, &op.method, path, &[("authorization", value)], None).await;
                    if let Some(r) = &reply {
                        s.check_challenge(r, name);
                    }
                    if reply.is_some_and(|r| (200..300).contains(&r.status)) {
                        s.find(
                            Severity::High,
                            name,
                            &format!("accepted a request with {attack}"),
                            "lesson why-api-security, pitfalls",
                        );
                    }
                }
            }
            Scheme::Other(_) => {}
        }
    }
}

async fn probe_cors(s: &mut Sender, method: &str, name: &str, path: &str) {
    for origin in [EVIL_ORIGIN, "null"] {
        let headers = [
            ("origin", origin.to_owned()),
            ("access-control-request-method", method.to_owned()),
            ("access-control-request-headers", "authorization".to_owned()),
        ];
        let attack = format!("preflight from {origin}");
        if let Some(r) = s.send(&attack, "OPTIONS", path, &headers, None).await {
            let allowed = header(&r, "access-control-allow-origin");
            let creds = header(&r, "access-control-allow-credentials").is_some_and(|v| v == "true");
            if allowed.as_deref() == Some(origin) && creds && (200..300).contains(&r.status) {
                s.find(
                    Severity::High,
                    name,
                    &format!(
                        "CORS echoes any origin ({origin}) with credentials: any site can call it as the user"
                    ),
                    "lesson why-api-security, pitfalls: CORS",
                );
            }
        }
    }
}

async fn probe_burst(s: &mut Sender, token_url: &str) {
    let path = if token_url.starts_with('/') { token_url.to_owned() } else { format!("/{token_url}") };
    let mut limited = false;
    let mut answered = 0;
    for _ in 0..s.opts.burst {
        let form = [("username", "apisec-probe"), ("password", "wrong-password")];
        if let Some(r) = s.send("wrong login burst", "POST", &path, &[], Some(&form)).await {
            // A missing token route (404/405) says nothing about rate limiting: not counted.
            if !matches!(r.status, 404 | 405) {
                answered += 1;
            }
            limited |= r.status == 429;
        }
    }
    if answered == s.opts.burst && answered > 0 && !limited {
        s.find(
            Severity::Medium,
            &format!("POST {path}"),
            &format!("{answered} wrong logins in a row, none answered 429: no rate limit on the token route"),
            "lesson why-api-security, production_patterns",
        );
    }
}

/// The findings as JUnit XML: one test case per finding of severity medium or above (a
/// failure) and one passing case per operation without such a finding, for CI pipelines.
#[must_use]
pub fn junit(report: &Report) -> String {
    use std::fmt::Write as _;
    fn esc(s: &str) -> String {
        s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
    }
    let failing: Vec<&Finding> = report.findings.iter().filter(|f| f.severity >= Severity::Medium).collect();
    let clean: Vec<String> = report
        .operations
        .iter()
        .map(|o| format!("{} {}", o.method, o.path))
        .filter(|n| !failing.iter().any(|f| &f.operation == n))
        .collect();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuite name=\"apisec-tutor probe\" tests=\"{}\" failures=\"{}\">",
        failing.len() + clean.len(),
        failing.len()
    );
    for f in &failing {
        let _ = writeln!(
            out,
            "  <testcase classname=\"{}\" name=\"{}\"><failure message=\"{:?}\">{}</failure></testcase>",
            esc(&f.operation),
            esc(&f.what),
            f.severity,
            esc(&f.lesson)
        );
    }
    for n in &clean {
        let _ = writeln!(out, "  <testcase classname=\"{}\" name=\"no finding\"/>", esc(n));
    }
    out.push_str("</testsuite>\n");
    out
}

/// The report as text: the declared-security table, the execution table, the findings.
#[must_use]
pub fn plain(report: &Report) -> String {
    use std::fmt::Write as _;
    let mut out = String::from("Operations and their declared security\n");
    for op in &report.operations {
        let sec = if op.security.is_empty() { "NONE".to_owned() } else { op.security.join(", ") };
        let _ = writeln!(out, "  {:<7} {:<30} {sec}", op.method, op.path);
    }
    out.push_str("\nRequests\n");
    for e in &report.exchanges {
        let status = e.status.map_or_else(|| "—".to_owned(), |s| s.to_string());
        let _ = writeln!(out, "  → {:<7} {:<40} {:<28} ← {status}", e.method, e.path, e.attack);
    }
    if report.skipped > 0 {
        let _ = writeln!(out, "  ({} request(s) not sent: --max-requests reached)", report.skipped);
    }
    out.push_str("\nFindings\n");
    for f in &report.findings {
        let _ = writeln!(out, "  [{:?}] {}: {} — {}", f.severity, f.operation, f.what, f.lesson);
    }
    out
}
