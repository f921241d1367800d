//! `apisec-tutor probe`: the lesson's attacks against the learner's own FastAPI app.
//!
//! Reads the app's OpenAPI document, lists each operation's declared security, then sends a small,
//! budgeted and rate-limited set of requests and turns what came back into findings that name the
//! lesson section explaining them. Safe by default: loopback and private addresses only, no
//! DELETE/PUT/PATCH, a request budget and a rate that are always enforced.
//!
//! Layout: `openapi` (operations, schemes, path parameters), this file (the requests, including
//! the logins and token attacks), `tokens` (forged JWTs), `analyze` (findings from the recorded
//! exchanges alone), `lessons` (which lesson section teaches each finding, named from the catalog),
//! `crate::tui::probe_view` (`--format tui`). Tokens and passwords are held in memory only and never reported.

pub mod analyze;
pub mod lessons;
pub mod openapi;
pub mod tokens;

use std::collections::BTreeMap;
use std::fmt;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use sha2::Digest;

pub use lessons::Teach;
use openapi::{Operation, Scheme};
pub use tokens::TokenInfo;

const EVIL_ORIGIN: &str = "https://evil.example";
const ARBITRARY_KEY: &str = "apisec-probe-arbitrary-value";
/// At most this much of a body is read (and hashed): enough to tell two answers apart.
const BODY_CAP: usize = 1 << 20;

/// Attack labels the analysis reads back (in `analyze`), besides the token ones in `tokens`.
pub mod attack {
    pub const NO_CREDENTIALS: &str = "no credentials";
    pub const ARBITRARY_KEY: &str = "arbitrary API key";
    pub const BAD_CREDENTIALS: [&str; 4] =
        ["wrong scheme", "empty Authorization", "garbage token", "malformed Authorization"];
    pub const PREFLIGHT: &str = "preflight from ";
    pub const BURST: &str = "wrong login burst";
    pub const LOGIN: &str = "login (first user)";
    pub const LOGIN_OTHER: &str = "login (other user)";
}

/// The response headers the analysis needs; nothing else is kept.
const KEPT_HEADERS: [&str; 3] =
    ["www-authenticate", "access-control-allow-origin", "access-control-allow-credentials"];

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
    #[error(
        "--login/--as-other need the OAuth2 tokenUrl the OpenAPI document declares, and it declares none"
    )]
    NoTokenUrl,
    #[error("logging in as `{user}` at {path} failed: {why}")]
    Login { user: String, path: String, why: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Medium,
    High,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub severity: Severity,
    pub operation: String,
    pub what: String,
    /// What the finding is about, as a stable key (see `lessons`).
    pub teaches: Teach,
    /// The lesson section that explains it, in the words of the shipped content.
    pub lesson: String,
}

/// One request sent (or planned, with --dry-run) and what came back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exchange {
    /// The operation this request tests (`GET /items/`), or the token route for logins and the burst.
    #[serde(default)]
    pub operation: String,
    pub attack: String,
    pub method: String,
    pub path: String,
    pub status: Option<u16>,
    /// The few response headers the findings depend on.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// SHA-256 of the body (first MiB): compares two answers without keeping either.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_sha256: Option<String>,
}

/// A user name and password from the command line. Never printed, never written anywhere.
#[derive(Clone)]
pub struct Login {
    pub user: String,
    pub password: String,
}

impl fmt::Debug for Login {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Login({}:***)", self.user)
    }
}

impl Login {
    /// `user:password` (the password may contain `:`).
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let (user, password) = text.split_once(':')?;
        (!user.is_empty()).then(|| Self { user: user.to_owned(), password: password.to_owned() })
    }
}

/// A bearer token from `--token`: never printed.
#[derive(Clone)]
pub struct Token(pub String);

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(***)")
    }
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
    /// The first user's token (`--token`), or how to get one (`--login`).
    pub token: Option<Token>,
    pub login: Option<Login>,
    /// The second user (`--as-other`), for the object-level (BOLA) check.
    pub as_other: Option<Login>,
}

impl Options {
    /// Defaults as the command line has them, for `base`.
    #[must_use]
    pub fn new(base: &str) -> Self {
        Self {
            base: base.to_owned(),
            params: vec![],
            burst: 10,
            max_requests: 200,
            rps: 20.0,
            unsafe_methods: false,
            dry_run: false,
            token: None,
            login: None,
            as_other: None,
        }
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Report {
    pub operations: Vec<OperationRow>,
    pub exchanges: Vec<Exchange>,
    pub findings: Vec<Finding>,
    /// Requests skipped because the budget was spent.
    pub skipped: u32,
    /// How many wrong logins the burst planned.
    #[serde(default)]
    pub burst: u32,
    /// What the first user's token is (never its value).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<TokenInfo>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    body: Vec<u8>,
}

/// A form body, encoded as `application/x-www-form-urlencoded` (user names and passwords may hold
/// any character).
fn form_body(form: &[(&str, &str)]) -> String {
    let mut url = reqwest::Url::parse("http://form.invalid/").unwrap_or_else(|_| unreachable!());
    url.query_pairs_mut().extend_pairs(form);
    url.query().unwrap_or_default().to_owned()
}

async fn read_capped(mut response: reqwest::Response) -> Vec<u8> {
    let mut body = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        let room = BODY_CAP.saturating_sub(body.len());
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() >= BODY_CAP {
            break;
        }
    }
    body
}

impl Sender {
    async fn send(
        &mut self,
        operation: &str,
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
        let mut ex = Exchange {
            operation: operation.into(),
            attack: attack.into(),
            method: method.into(),
            path: path.into(),
            status: None,
            headers: BTreeMap::new(),
            body_sha256: None,
        };
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
            req = req.header("content-type", "application/x-www-form-urlencoded").body(form_body(form));
        }
        let reply = match req.send().await {
            Ok(r) => {
                let status = r.status().as_u16();
                for name in KEPT_HEADERS {
                    if let Some(v) = r.headers().get(name).and_then(|v| v.to_str().ok()) {
                        ex.headers.insert(name.to_owned(), v.to_owned());
                    }
                }
                let body = read_capped(r).await;
                let digest = sha2::Sha256::digest(&body);
                ex.body_sha256 = Some(digest.iter().map(|b| format!("{b:02x}")).collect());
                Some(Reply { status, body })
            }
            Err(_) => None,
        };
        ex.status = reply.as_ref().map(|r| r.status);
        self.report.exchanges.push(ex);
        reply
    }
}

/// The path to send a request for the token URL FastAPI declares (`token`, `/token` or a full URL
/// on the same server).
fn token_path(token_url: &str) -> String {
    let path = reqwest::Url::parse(token_url).map_or_else(|_| token_url.to_owned(), |u| u.path().to_owned());
    if path.starts_with('/') { path } else { format!("/{path}") }
}

/// Logs in at the token route (OAuth2 password flow: a form with `username` and `password`) and
/// returns the `access_token`. In a dry run the login is only planned and a placeholder stands in.
async fn login(
    s: &mut Sender,
    (path, scopes): &(String, String),
    login: &Login,
    attack: &str,
) -> Result<String, ProbeError> {
    let mut form = vec![("username", login.user.as_str()), ("password", login.password.as_str())];
    if !scopes.is_empty() {
        form.push(("scope", scopes.as_str()));
    }
    let op = format!("POST {path}");
    let reply = s.send(&op, attack, "POST", path, &[], Some(&form)).await;
    // The answer holds a token: not even its hash goes into the report.
    if let Some(ex) = s.report.exchanges.last_mut() {
        ex.body_sha256 = None;
    }
    if s.opts.dry_run {
        return Ok(tokens::placeholder(&login.user));
    }
    let fail = |why: String| ProbeError::Login { user: login.user.clone(), path: path.clone(), why };
    let reply = reply.ok_or_else(|| fail("no answer (or --max-requests reached)".into()))?;
    if !(200..300).contains(&reply.status) {
        return Err(fail(format!("answered {}", reply.status)));
    }
    let body: serde_json::Value =
        serde_json::from_slice(&reply.body).map_err(|_| fail("the answer is not JSON".into()))?;
    body["access_token"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| fail("the answer has no access_token".into()))
}

/// Runs the attack list against `ops` (or only plans it, with `dry_run`).
pub async fn run(ops: &[Operation], opts: Options) -> Result<Report, ProbeError> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_default();
    let burst = opts.burst;
    let mut s = Sender { client, opts, sent: 0, last: None, report: Report { burst, ..Report::default() } };
    for op in ops {
        s.report.operations.push(OperationRow {
            method: op.method.clone(),
            path: op.path.clone(),
            security: op.security.iter().map(|(n, _)| n.clone()).collect(),
        });
    }
    // Every scope the flow declares is asked for, so the valid token reaches scoped routes too.
    let flow = openapi::token_flow(ops).map(|(u, scopes)| (token_path(&u), scopes.join(" ")));
    let token_route = flow.as_ref().map(|(p, _)| p.clone());
    let mut first = s.opts.token.as_ref().map(|t| t.0.clone());
    if let Some(l) = s.opts.login.clone() {
        let flow = flow.as_ref().ok_or(ProbeError::NoTokenUrl)?;
        first = Some(login(&mut s, flow, &l, attack::LOGIN).await?);
    }
    let mut other = None;
    if let Some(l) = s.opts.as_other.clone() {
        let flow = flow.as_ref().ok_or(ProbeError::NoTokenUrl)?;
        let token = login(&mut s, flow, &l, attack::LOGIN_OTHER).await?;
        let sub = tokens::subject(&token).unwrap_or_else(|| l.user.clone());
        other = Some((token, sub));
    }
    s.report.token = first.as_deref().map(tokens::info);
    let forged =
        first.as_deref().and_then(|t| tokens::forged(t, other.as_ref().map(|(_, sub)| sub.as_str())));
    let creds = Creds { first, forged: forged.unwrap_or_default(), other: other.map(|(t, _)| t) };

    let mut preflighted = std::collections::BTreeSet::new();
    for op in ops {
        let name = format!("{} {}", op.method, op.path);
        if matches!(op.method.as_str(), "DELETE" | "PUT" | "PATCH") && !s.opts.unsafe_methods {
            continue;
        }
        let path = openapi::fill_path(op, &s.opts.params);
        if !op.is_open() {
            probe_secured(&mut s, op, &name, &path).await;
            probe_tokens(&mut s, op, &name, &path, &creds).await;
        }
        if preflighted.insert(path.clone()) {
            probe_cors(&mut s, &op.method, &name, &path).await;
        }
    }
    if let Some(path) = &token_route {
        probe_burst(&mut s, path).await;
    }
    let catalog = crate::content::load_embedded().ok();
    s.report.findings = analyze::findings(&s.report, catalog.as_ref());
    Ok(s.report)
}

/// The tokens the token attacks send.
struct Creds {
    first: Option<String>,
    forged: Vec<(&'static str, String)>,
    other: Option<String>,
}

fn bearer(token: &str) -> [(&'static str, String); 1] {
    [("authorization", format!("Bearer {token}"))]
}

/// The valid token, its forged variants and, on operations with path parameters, the second
/// user's token on the first user's object. Bearer routes only (OAuth2 password, HTTP bearer).
async fn probe_tokens(s: &mut Sender, op: &Operation, name: &str, path: &str, creds: &Creds) {
    let takes_bearer = op.security.iter().any(|(_, scheme)| match scheme {
        Scheme::OAuth2Password { .. } => true,
        Scheme::Http { scheme } => scheme == "bearer",
        _ => false,
    });
    let Some(first) = &creds.first else { return };
    if !takes_bearer {
        return;
    }
    s.send(name, tokens::VALID, &op.method, path, &bearer(first), None).await;
    for (label, token) in &creds.forged {
        s.send(name, label, &op.method, path, &bearer(token), None).await;
    }
    if let Some(other) = &creds.other
        && !op.path_params.is_empty()
    {
        s.send(name, tokens::OTHER_USER, &op.method, path, &bearer(other), None).await;
        // The lesson's rule: a foreign object answers exactly like one that does not exist.
        if let Some(missing) = openapi::missing_path(op) {
            s.send(name, tokens::MISSING_OBJECT, &op.method, &missing, &bearer(other), None).await;
        }
    }
}

async fn probe_secured(s: &mut Sender, op: &Operation, name: &str, path: &str) {
    s.send(name, attack::NO_CREDENTIALS, &op.method, path, &[], None).await;
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
                s.send(name, attack::ARBITRARY_KEY, &op.method, &p, &headers, None).await;
            }
            Scheme::OAuth2Password { .. } | Scheme::Http { .. } => {
                let is_basic = matches!(scheme, Scheme::Http { scheme } if scheme == "basic");
                let [wrong, empty, garbage, malformed] = attack::BAD_CREDENTIALS;
                let attempts: [(&str, String); 3] = if is_basic {
                    [
                        (wrong, "Bearer garbage".into()),
                        (empty, String::new()),
                        (malformed, "Basic !!!notbase64".into()),
                    ]
                } else {
                    [
                        (wrong, "Basic Zm9vOmJhcg==".into()),
                        (empty, String::new()),
                        (garbage, "Bearer garbage.token.value".into()),
                    ]
                };
                for (label, value) in attempts {
                    s.send(name, label, &op.method, path, &[("authorization", value)], None).await;
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
        let label = format!("{}{origin}", attack::PREFLIGHT);
        s.send(name, &label, "OPTIONS", path, &headers, None).await;
    }
}

async fn probe_burst(s: &mut Sender, path: &str) {
    let op = format!("POST {path}");
    for _ in 0..s.opts.burst {
        let form = [("username", "apisec-probe"), ("password", "wrong-password")];
        s.send(&op, attack::BURST, "POST", path, &[], Some(&form)).await;
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
        let _ = writeln!(out, "  → {:<7} {:<30} {:<48} ← {status}", e.method, e.path, e.attack);
    }
    if report.skipped > 0 {
        let _ = writeln!(out, "  ({} request(s) not sent: --max-requests reached)", report.skipped);
    }
    if let Some(t) = &report.token {
        let _ = if t.jwt {
            writeln!(
                out,
                "\nThe valid token is a JWT (alg {}, claims: {}); its forged variants were sent as well",
                t.alg.as_deref().unwrap_or("?"),
                t.claims.join(", ")
            )
        } else {
            writeln!(
                out,
                "\nThe valid token is not a JWT: only sent as is (no expired, re-signed or tampered variants)"
            )
        };
    }
    out.push_str("\nFindings\n");
    for f in &report.findings {
        let _ = writeln!(out, "  [{:?}] {}: {} — {}", f.severity, f.operation, f.what, f.lesson);
    }
    out
}
