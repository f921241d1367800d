//! Lab apps as content: one YAML spec per FastAPI program the lab serves.
//!
//! A spec is deliberately a *recipe*, not a programming language: every field maps to one
//! FastAPI building block (a security class, a dependency, a check the app raises, a
//! `response_model`) so that the same spec can be run by the engine (`lab::engine`), printed as
//! runnable FastAPI code (`lab --code APP`), described as an OpenAPI document (`/openapi.json`)
//! and recorded against real FastAPI. Nothing here can name a file, a command or a host.
//!
//! ```yaml
//! lab_apps:
//!   - id: invoices
//!     title: Whose invoice is it?
//!     users:
//!       - {username: alice, password: wonderland, role: user}
//!       - {username: bob, password: builder, role: user}
//!     collections:
//!       - name: invoices
//!         records:
//!           - {id: 1, owner: alice, fields: {amount: 120, note: "alice's"}}
//!           - {id: 2, owner: bob, fields: {amount: 75, note: "bob's"}}
//!     jwt: {expire_minutes: 30}
//!     security:
//!       - {class: OAuth2PasswordBearer, name: oauth2_scheme, token_url: token}
//!     routes:
//!       - {method: POST, path: /token, handler: login, login: {rate_limit: {requests: 5, window_seconds: 60, per: username}}}
//!       - method: GET
//!         path: /invoices/{invoice_id}
//!         handler: read_invoice
//!         current_user: {scheme: oauth2_scheme}
//!         response_model: [id, owner, amount]
//!         returns: {record: {collection: invoices, param: invoice_id, owner_check: not_found}}
//!         vulnerable:
//!           why: any logged-in user reads any invoice
//!           returns: {record: {collection: invoices, param: invoice_id, owner_check: none}}
//! ```

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::schema::Md;

/// One FastAPI program: `app = FastAPI()` plus its middleware, data, security objects and routes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LabApp {
    /// Unique across all content; `lab --code ID` and a scenario's `app:` name it.
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Md>,
    /// Also served by the all-in-one demo API: what `serve` and the lab's main profile answer
    /// when no app is chosen (routes of every such app, the first declared winning).
    #[serde(default)]
    pub in_demo: bool,
    /// `app.add_middleware(CORSMiddleware, ...)`; absent: no CORS middleware.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cors: Option<CorsSpec>,
    /// How `/token` signs and the current-user dependency checks JWTs (HS256 only; the secret
    /// is the lab's per-run secret, `DEMO_JWT_SECRET` in the generated code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jwt: Option<JwtSpec>,
    /// The fake user database.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<UserSpec>,
    /// Named collections of records with owners, in declaration order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub collections: Vec<CollectionSpec>,
    /// Module-level security objects (`oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token")`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub security: Vec<SecuritySpec>,
    /// Routes in declaration order (Starlette matches the first).
    pub routes: Vec<RouteSpec>,
    /// App-level differences of the vulnerable twin (e.g. a wildcard CORS configuration).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vulnerable: Option<AppVulnerable>,
}

/// What the vulnerable twin of an app changes at app level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AppVulnerable {
    /// One line: what is wrong in the vulnerable twin.
    pub why: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cors: Option<CorsSpec>,
}

/// `CORSMiddleware` arguments, as Starlette takes them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CorsSpec {
    pub allow_origins: Vec<String>,
    #[serde(default)]
    pub allow_credentials: bool,
    #[serde(default = "default_cors_methods")]
    pub allow_methods: Vec<String>,
    #[serde(default)]
    pub allow_headers: Vec<String>,
}

fn default_cors_methods() -> Vec<String> {
    vec!["GET".to_owned()]
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JwtSpec {
    /// Lifetime of a token issued by a `login` route.
    #[serde(default = "default_expire_minutes")]
    pub expire_minutes: u32,
}

fn default_expire_minutes() -> u32 {
    30
}

/// A user of the fake database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UserSpec {
    pub username: String,
    /// The demo password (the generated code stores only its hash).
    pub password: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default)]
    pub disabled: bool,
    /// The `role` claim and what a `role` check compares.
    #[serde(default = "default_role")]
    pub role: String,
}

fn default_role() -> String {
    "user".to_owned()
}

/// `INVOICES = {...}`: records keyed by their id as text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CollectionSpec {
    /// A Python identifier (`invoices`); the generated dict is its upper-case name.
    pub name: String,
    pub records: Vec<RecordSpec>,
}

/// A record with an owner; `fields` are returned as JSON, after `id` and `owner`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordSpec {
    /// Matched against the path parameter as text (`1` matches `/invoices/1`).
    pub id: serde_json::Value,
    pub owner: String,
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub fields: serde_json::Map<String, serde_json::Value>,
}

/// A module-level security object: one of FastAPI's classes (`class:`), its Python variable
/// `name` (routes refer to it) and its arguments. `auto_error: false` lets a missing credential
/// reach the handler as `None`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "class", deny_unknown_fields)]
pub enum SecuritySpec {
    OAuth2PasswordBearer {
        name: String,
        token_url: String,
        /// Scope name → description (shown in `/docs`), in declaration order.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        scopes: Vec<ScopeSpec>,
        #[serde(default = "yes")]
        auto_error: bool,
    },
    HTTPBearer {
        name: String,
        #[serde(default = "yes")]
        auto_error: bool,
    },
    HTTPBasic {
        name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        realm: Option<String>,
        #[serde(default = "yes")]
        auto_error: bool,
    },
    APIKeyHeader {
        name: String,
        /// The header name (`name=` in Python).
        key_name: String,
        #[serde(default = "yes")]
        auto_error: bool,
    },
    APIKeyQuery {
        name: String,
        key_name: String,
        #[serde(default = "yes")]
        auto_error: bool,
    },
    APIKeyCookie {
        name: String,
        key_name: String,
        #[serde(default = "yes")]
        auto_error: bool,
    },
}

impl SecuritySpec {
    /// The Python variable name.
    #[must_use]
    pub fn name(&self) -> &str {
        match self {
            Self::OAuth2PasswordBearer { name, .. }
            | Self::HTTPBearer { name, .. }
            | Self::HTTPBasic { name, .. }
            | Self::APIKeyHeader { name, .. }
            | Self::APIKeyQuery { name, .. }
            | Self::APIKeyCookie { name, .. } => name,
        }
    }

    /// FastAPI's class name (also the scheme name FastAPI gives it in `/openapi.json`).
    #[must_use]
    pub fn class_name(&self) -> &'static str {
        match self {
            Self::OAuth2PasswordBearer { .. } => "OAuth2PasswordBearer",
            Self::HTTPBearer { .. } => "HTTPBearer",
            Self::HTTPBasic { .. } => "HTTPBasic",
            Self::APIKeyHeader { .. } => "APIKeyHeader",
            Self::APIKeyQuery { .. } => "APIKeyQuery",
            Self::APIKeyCookie { .. } => "APIKeyCookie",
        }
    }

    #[must_use]
    pub fn auto_error(&self) -> bool {
        match self {
            Self::OAuth2PasswordBearer { auto_error, .. }
            | Self::HTTPBearer { auto_error, .. }
            | Self::HTTPBasic { auto_error, .. }
            | Self::APIKeyHeader { auto_error, .. }
            | Self::APIKeyQuery { auto_error, .. }
            | Self::APIKeyCookie { auto_error, .. } => *auto_error,
        }
    }
}

/// An OAuth2 scope and its description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScopeSpec {
    pub name: String,
    pub description: String,
}

fn yes() -> bool {
    true
}

/// One route: `@app.<method>(path)` and its handler.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RouteSpec {
    pub method: String,
    /// A Starlette path, with `{param}` path parameters.
    pub path: String,
    /// The handler's Python name (unique in the app).
    pub handler: String,
    /// The route issues JWTs from an `OAuth2PasswordRequestForm` (the `/token` route).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login: Option<LoginSpec>,
    /// A handler parameter filled by a security object: `token: str = Depends(oauth2_scheme)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<CredentialSpec>,
    /// The current-user dependency chain: JWT decoded, user looked up, active, scopes, role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_user: Option<CurrentUserSpec>,
    /// The app's own checks, run in order after the dependencies, before the response.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<CheckSpec>,
    /// Rate limit as a dependency (429 with `Retry-After`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimitSpec>,
    /// What the handler returns when every check passed (not used by `login` routes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returns: Option<ReturnsSpec>,
    /// `response_model`: only these fields of each returned object go out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_model: Option<Vec<String>>,
    /// The vulnerable twin of this route: the keys given here replace the fixed route's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vulnerable: Option<Box<RouteVulnerable>>,
}

/// The parts of a route its vulnerable twin may replace, and why it is vulnerable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RouteVulnerable {
    /// One line: what is wrong in the vulnerable twin.
    pub why: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<CredentialSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_user: Option<CurrentUserSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checks: Option<Vec<CheckSpec>>,
    /// `false` removes the route's rate limit in the twin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimitOrOff>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returns: Option<ReturnsSpec>,
    /// `false` removes the response model (the whole object goes out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_model: Option<ResponseModelOrOff>,
    /// The login route of the twin (e.g. without its rate limit: `login: {}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login: Option<LoginSpec>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RateLimitOrOff {
    Off(bool),
    Limit(RateLimitSpec),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ResponseModelOrOff {
    Off(bool),
    Fields(Vec<String>),
}

/// `POST /token`: `OAuth2PasswordRequestForm`, password check (401 "Incorrect username or
/// password" + `WWW-Authenticate: Bearer`), a signed JWT with `sub`, `scope`, `role`, `exp`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginSpec {
    /// Wrong logins allowed per window before 429.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimitSpec>,
}

/// How a handler receives a security object's value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CredentialSpec {
    /// The security object's `name`.
    pub scheme: String,
    /// The handler parameter's name (`token`, `api_key`, `credentials`).
    pub param: String,
    /// `Depends(...)` or `Security(...)` (they behave the same without scopes).
    #[serde(default)]
    pub via: Via,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    #[default]
    Depends,
    Security,
}

/// `get_current_user` → `get_current_active_user` → role check, as in FastAPI's JWT tutorial.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CurrentUserSpec {
    /// An `OAuth2PasswordBearer` (or `HTTPBearer`) security object's `name`.
    pub scheme: String,
    /// `Security(get_current_active_user, scopes=[...])`: missing → 401 "Not enough
    /// permissions" + `WWW-Authenticate: Bearer scope="..."` (the docs' pattern).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
    /// A disabled user is refused with 400 "Inactive user" (default true).
    #[serde(default = "yes")]
    pub active: bool,
    /// `role == ...` or 403 "Not enough permissions".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
}

/// One of the app's own checks, raised from the handler as an `HTTPException`; exactly one key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_equals: Option<TokenEquals>,
}

/// `if <param> != "<value>": raise HTTPException(status, detail)` (constant-time in the engine).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenEquals {
    pub value: String,
    #[serde(default = "status_401")]
    pub status: u16,
    #[serde(default = "detail_unauthorized")]
    pub detail: String,
    /// The `WWW-Authenticate` header of the refusal; absent: none (the seed's own bug).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub www_authenticate: Option<String>,
}

fn status_401() -> u16 {
    401
}

fn detail_unauthorized() -> String {
    "Unauthorized".to_owned()
}

/// A rate limit written out as a small dependency in the generated code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RateLimitSpec {
    /// Requests allowed per window (at least 1).
    pub requests: u32,
    pub window_seconds: u32,
    /// Count per client address or per `username` form field.
    #[serde(default)]
    pub per: RateKey,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RateKey {
    #[default]
    Client,
    Username,
}

/// What a handler returns: exactly one of the keys.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnsSpec {
    /// Fixed JSON; a string that is exactly a placeholder is replaced by the value it names:
    /// `{credential}` (the credential parameter; `{credential.scheme}`,
    /// `{credential.credentials}`, `{credential.username}`, `{credential.password}` for HTTP
    /// credentials), `{user.username}` and the other user fields, `{path.<param>}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub json: Option<serde_json::Value>,
    /// `true`: the current user (`username`, `email`, `full_name`, `disabled`,
    /// `hashed_password`, `role`), filtered by `response_model`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub user: bool,
    /// One record named by a path parameter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<RecordReturn>,
    /// Every record of a collection, optionally only the current user's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub records: Option<RecordsReturn>,
}

/// The one thing a [`ReturnsSpec`] names.
#[derive(Debug, Clone, Copy)]
pub enum Returns<'a> {
    Json(&'a serde_json::Value),
    User,
    Record(&'a RecordReturn),
    Records(&'a RecordsReturn),
}

impl ReturnsSpec {
    /// What the handler returns, when exactly one key is given.
    #[must_use]
    pub fn kind(&self) -> Option<Returns<'_>> {
        let all = [
            self.json.as_ref().map(Returns::Json),
            self.user.then_some(Returns::User),
            self.record.as_ref().map(Returns::Record),
            self.records.as_ref().map(Returns::Records),
        ];
        let mut given = all.into_iter().flatten();
        let first = given.next()?;
        given.next().is_none().then_some(first)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordReturn {
    pub collection: String,
    /// The path parameter holding the record id.
    pub param: String,
    /// What a record owned by someone else answers.
    #[serde(default)]
    pub owner_check: OwnerCheck,
    /// The `detail` of the 404 for a missing record (and, with `owner_check: not_found`, for
    /// someone else's: one answer for both, so the caller learns nothing).
    #[serde(default = "detail_not_found")]
    pub not_found_detail: String,
}

fn detail_not_found() -> String {
    "Not Found".to_owned()
}

/// The object-level authorization of a record route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OwnerCheck {
    /// 404 "Not Found", as if the record did not exist (hides that it does).
    #[default]
    NotFound,
    /// 403 "Not enough permissions".
    Forbidden,
    /// No check at all: broken object level authorization (OWASP API1).
    None,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordsReturn {
    pub collection: String,
    /// Only the current user's records (default true).
    #[serde(default = "yes")]
    pub owned_only: bool,
}

impl LabApp {
    /// Whether the app has a vulnerable twin (at app level or on any route).
    #[must_use]
    pub fn has_twin(&self) -> bool {
        self.vulnerable.is_some() || self.routes.iter().any(|r| r.vulnerable.is_some())
    }

    /// The fixed app: the spec without its twin's changes.
    #[must_use]
    pub fn fixed(&self) -> LabApp {
        let mut app = self.clone();
        app.vulnerable = None;
        for r in &mut app.routes {
            r.vulnerable = None;
        }
        app
    }

    /// The vulnerable twin, when the spec declares one: every `vulnerable:` replacement applied.
    #[must_use]
    pub fn vulnerable(&self) -> Option<LabApp> {
        if !self.has_twin() {
            return None;
        }
        let mut app = self.fixed();
        if let Some(cors) = self.vulnerable.as_ref().and_then(|v| v.cors.as_ref()) {
            app.cors = Some(cors.clone());
        }
        for (route, original) in app.routes.iter_mut().zip(&self.routes) {
            let Some(v) = &original.vulnerable else { continue };
            if let Some(c) = &v.credential {
                route.credential = Some(c.clone());
            }
            if let Some(c) = &v.current_user {
                route.current_user = Some(c.clone());
            }
            if let Some(c) = &v.checks {
                route.checks = c.clone();
            }
            match &v.rate_limit {
                Some(RateLimitOrOff::Off(_)) => route.rate_limit = None,
                Some(RateLimitOrOff::Limit(l)) => route.rate_limit = Some(l.clone()),
                None => {}
            }
            if let Some(r) = &v.returns {
                route.returns = Some(r.clone());
            }
            match &v.response_model {
                Some(ResponseModelOrOff::Off(_)) => route.response_model = None,
                Some(ResponseModelOrOff::Fields(f)) => route.response_model = Some(f.clone()),
                None => {}
            }
            if let Some(login) = &v.login {
                route.login = Some(login.clone());
            }
        }
        Some(app)
    }

    /// A security object by its Python name.
    #[must_use]
    pub fn scheme(&self, name: &str) -> Option<&SecuritySpec> {
        self.security.iter().find(|s| s.name() == name)
    }

    #[must_use]
    pub fn user(&self, username: &str) -> Option<&UserSpec> {
        self.users.iter().find(|u| u.username == username)
    }

    #[must_use]
    pub fn collection(&self, name: &str) -> Option<&CollectionSpec> {
        self.collections.iter().find(|c| c.name == name)
    }
}

impl RecordSpec {
    /// The id as the path parameter spells it (`1` for `id: 1`).
    #[must_use]
    pub fn id_text(&self) -> String {
        match &self.id {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }
}

/// A placeholder's name and field: `user.email` → (`user`, `Some("email")`).
#[must_use]
pub fn split_placeholder(name: &str) -> (&str, Option<&str>) {
    name.split_once('.').map_or((name, None), |(h, p)| (h, Some(p)))
}

/// The placeholders a `returns: {json: ...}` string may be (`{credential}`, `{user.email}`…).
#[must_use]
pub fn is_placeholder(name: &str) -> bool {
    let (head, part) = split_placeholder(name);
    match head {
        "credential" => matches!(part, None | Some("scheme" | "credentials" | "username" | "password")),
        "user" => matches!(part, Some("username" | "email" | "full_name" | "disabled" | "role")),
        "path" => part.is_some(),
        _ => false,
    }
}

/// Each `{{name}}` of a scenario text (a captured value's use): its byte range and its name
/// (spaces inside the braces ignored).
fn capture_refs(text: &str) -> Vec<(std::ops::Range<usize>, &str)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(start) = text[from..].find("{{").map(|i| from + i) {
        let Some(end) = text[start + 2..].find("}}").map(|i| start + 2 + i) else { break };
        out.push((start..end + 2, text[start + 2..end].trim()));
        from = end + 2;
    }
    out
}

/// The names a scenario text uses as `{{name}}`.
#[must_use]
pub fn capture_names(text: &str) -> Vec<&str> {
    capture_refs(text).into_iter().map(|(_, name)| name).collect()
}

/// The text with every `{{name}}` that `value` knows replaced (the others left as written).
#[must_use]
pub fn fill_captures<'a>(text: &str, value: impl Fn(&str) -> Option<&'a str>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (range, name) in capture_refs(text) {
        if let Some(v) = value(name) {
            out.push_str(&text[last..range.start]);
            out.push_str(v);
            last = range.end;
        }
    }
    out.push_str(&text[last..]);
    out
}
