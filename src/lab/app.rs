//! The reference apps (`fastapi-reference/apps.py`), route for route: routing as Starlette does
//! it (404, 405, the trailing-slash 307), the form body of `POST /token`, the JWT dependencies and
//! the handlers. Pure: a [`Req`] (and the body, for the one route that reads it) in, a
//! [`Resp`] out, every decision traced.

use subtle::ConstantTimeEq;

use super::config::{LabConfig, RefApp};
use super::fastapi::{HttpException, Resp, missing_field, pattern_mismatch};
use super::form::{self, FormError};
use super::json::J;
use super::pyish::{py_split_ws, py_strip, quote};
use super::security;
use super::tokens::{self, Claims};
use super::trace::{Actor, HANDLER_CHECK, Outcome, TraceStage, Tracer};

/// A request as the ASGI app sees it: header names lower-case, values decoded as latin-1 and
/// stripped of surrounding spaces and tabs (as h11 does), the path percent-decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Req {
    pub method: String,
    /// The path after percent-decoding (what routing matches).
    pub path: String,
    /// The raw query string (latin-1), without `?`.
    pub query: String,
    pub headers: Vec<(String, String)>,
}

impl Req {
    /// The first header of that (lower-case) name.
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    #[must_use]
    pub fn has_header(&self, name: &str) -> bool {
        self.headers.iter().any(|(n, _)| n == name)
    }

    /// A GET with the given headers (tests and the plain replay).
    #[must_use]
    pub fn get(target: &str, headers: &[(&str, &str)]) -> Self {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        Self {
            method: "GET".into(),
            path: path.to_owned(),
            query: query.to_owned(),
            headers: headers.iter().map(|(n, v)| (n.to_ascii_lowercase(), (*v).to_owned())).collect(),
        }
    }
}

/// The handlers of the reference apps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    Items,
    Data,
    Secure,
    Token,
    UsersMe,
    UsersMeItems,
    Admin,
    ApiKeyQuery,
    ApiKeyCookie,
    HttpBearer,
    HttpBasic,
    HttpBasicRealm,
    OAuth2Optional,
}

struct RouteDef {
    path: &'static str,
    method: &'static str,
    endpoint: Endpoint,
    apps: &'static [RefApp],
}

use RefApp::{CorsTrusted, CorsWildcard, Jwt, Schemes, Seed1, Seed2, Seed3};

/// Every route, in the order each app declares them.
const ROUTES: &[RouteDef] = &[
    RouteDef {
        path: "/items/",
        method: "GET",
        endpoint: Endpoint::Items,
        apps: &[Seed1, CorsWildcard, CorsTrusted],
    },
    RouteDef { path: "/data", method: "GET", endpoint: Endpoint::Data, apps: &[Seed2] },
    RouteDef { path: "/secure", method: "GET", endpoint: Endpoint::Secure, apps: &[Seed3] },
    RouteDef { path: "/token", method: "POST", endpoint: Endpoint::Token, apps: &[Jwt] },
    RouteDef { path: "/users/me", method: "GET", endpoint: Endpoint::UsersMe, apps: &[Jwt] },
    RouteDef { path: "/users/me/items", method: "GET", endpoint: Endpoint::UsersMeItems, apps: &[Jwt] },
    RouteDef { path: "/admin", method: "GET", endpoint: Endpoint::Admin, apps: &[Jwt] },
    RouteDef { path: "/apikey-query", method: "GET", endpoint: Endpoint::ApiKeyQuery, apps: &[Schemes] },
    RouteDef { path: "/apikey-cookie", method: "GET", endpoint: Endpoint::ApiKeyCookie, apps: &[Schemes] },
    RouteDef { path: "/http-bearer", method: "GET", endpoint: Endpoint::HttpBearer, apps: &[Schemes] },
    RouteDef { path: "/http-basic", method: "GET", endpoint: Endpoint::HttpBasic, apps: &[Schemes] },
    RouteDef {
        path: "/http-basic-realm",
        method: "GET",
        endpoint: Endpoint::HttpBasicRealm,
        apps: &[Schemes],
    },
    RouteDef {
        path: "/oauth2-optional",
        method: "GET",
        endpoint: Endpoint::OAuth2Optional,
        apps: &[Schemes],
    },
];

/// Every path the demo API serves (for the lab's route picker).
#[must_use]
pub fn paths() -> Vec<(&'static str, &'static str)> {
    ROUTES.iter().map(|r| (r.method, r.path)).collect()
}

fn routes(cfg: &LabConfig) -> impl Iterator<Item = &'static RouteDef> + '_ {
    ROUTES.iter().filter(move |r| cfg.app.is_none_or(|app| r.apps.contains(&app)))
}

/// What routing decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Routed {
    Endpoint(Endpoint),
    /// Routing answered by itself (404, 405, 307).
    Answer(Resp),
}

/// Starlette's router: a full match runs the endpoint; a path match with another method is a 405
/// (FastAPI routes do not add HEAD); no match tries the path with the trailing slash toggled and
/// redirects there (any method) with an absolute URL built from `Host`; else 404.
pub fn route(cfg: &LabConfig, req: &Req, t: &mut Tracer) -> Routed {
    if let Some(r) = routes(cfg).find(|r| r.path == req.path) {
        if r.method == req.method {
            t.emit(
                TraceStage::Receive,
                "route",
                Outcome::Pass,
                Actor::Framework,
                &format!("{} {} matches a route", req.method, r.path),
                &[("route", r.path)],
            );
            return Routed::Endpoint(r.endpoint);
        }
        t.emit(
            TraceStage::Receive,
            "route",
            Outcome::Fail,
            Actor::Framework,
            &format!("{} is not allowed on {} (allow: {})", req.method, r.path, r.method),
            &[("allow", r.method), ("status", "405")],
        );
        return Routed::Answer(Resp::method_not_allowed(r.method));
    }
    if req.path != "/" {
        // `rstrip("/")`: every trailing slash goes.
        let other = if req.path.ends_with('/') {
            req.path.trim_end_matches('/').to_owned()
        } else {
            format!("{}/", req.path)
        };
        if routes(cfg).any(|r| r.path == other) {
            let location = quote(&redirect_url(cfg, req, &other), ":/%#?=@[]!$&'()*+,;");
            t.emit(
                TraceStage::Receive,
                "redirect_slashes",
                Outcome::Fail,
                Actor::Framework,
                &format!("no route {}; redirecting to {other}", req.path),
                &[("location", &location), ("status", "307")],
            );
            return Routed::Answer(Resp::redirect(location));
        }
    }
    t.emit(
        TraceStage::Receive,
        "route",
        Outcome::Fail,
        Actor::Framework,
        &format!("no route matches {}", req.path),
        &[("status", "404")],
    );
    Routed::Answer(Resp::not_found())
}

/// Starlette's `URL(scope=...)`: scheme + `://` + the first `Host` (from Starlette 1.0.1 only when
/// it looks like a host, else the server's own address) + the path + `?query`. The scheme is
/// `http` unless the last `X-Forwarded-Proto` says `https`, `ws` or `wss`: uvicorn trusts proxy
/// headers from 127.0.0.1 by default, and every client of this loopback server is there.
fn redirect_url(cfg: &LabConfig, req: &Req, path: &str) -> String {
    let scheme = req
        .headers
        .iter()
        .rev()
        .find(|(n, _)| n == "x-forwarded-proto")
        .map(|(_, v)| py_strip(v))
        .filter(|p| ["http", "https", "ws", "wss"].contains(p))
        .unwrap_or("http");
    let host = req.header("host").filter(|h| !cfg.fastapi.validates_host_header() || is_plain_host(h));
    let default_port = if matches!(scheme, "https" | "wss") { 443 } else { 80 };
    let netloc = match host {
        Some(host) => host.to_owned(),
        // uvicorn's `scope["server"]`; Starlette leaves out the scheme's default port.
        None if cfg.port == default_port => "127.0.0.1".to_owned(),
        None => format!("127.0.0.1:{}", cfg.port),
    };
    if req.query.is_empty() {
        format!("{scheme}://{netloc}{path}")
    } else {
        format!("{scheme}://{netloc}{path}?{}", req.query)
    }
}

/// Starlette's `_HOST_RE`: `name[:port]` or `[ipv6][:port]`, case-insensitive.
fn is_plain_host(host: &str) -> bool {
    let (name, rest) = match host.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((inner, rest)) => {
                let ok = inner.split_once(':').is_some_and(|(before, after)| {
                    before.bytes().all(|b| b.is_ascii_hexdigit())
                        && !after.is_empty()
                        && after.bytes().all(|b| b.is_ascii_hexdigit() || b == b'.' || b == b':')
                });
                (ok, rest)
            }
            None => return false,
        },
        None => {
            let end = host.find(':').unwrap_or(host.len());
            let name = &host[..end];
            (
                !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-'),
                &host[end..],
            )
        }
    };
    let port_ok = rest.is_empty()
        || rest.strip_prefix(':').is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    name && port_ok
}

/// Whether an endpoint reads the request body (only `POST /token`).
#[must_use]
pub fn reads_body(endpoint: Endpoint) -> bool {
    endpoint == Endpoint::Token
}

/// Runs an endpoint with its dependencies.
pub fn run(cfg: &LabConfig, endpoint: Endpoint, req: &Req, body: &[u8], t: &mut Tracer) -> Resp {
    let v = cfg.fastapi;
    let result = match endpoint {
        Endpoint::Items => seed_items(req, cfg, t),
        Endpoint::Data => security::api_key_header(req, v, t, "X-API-Key")
            .map(|key| handler(t, J::obj([("message", J::str("Access granted")), ("key", J::Str(key))]))),
        Endpoint::Secure => security::api_key_header(req, v, t, "Authorization")
            .map(|key| handler(t, J::obj([("key", J::Str(key))]))),
        Endpoint::Token => return login(cfg, req, body, t),
        Endpoint::UsersMe => current_active_user(cfg, req, t, &[]).map(|u| {
            handler(
                t,
                J::obj([
                    ("username", J::str(u.username)),
                    ("email", J::str(u.email)),
                    ("full_name", J::str(u.full_name)),
                    ("disabled", J::Bool(u.disabled)),
                ]),
            )
        }),
        Endpoint::UsersMeItems => current_active_user(cfg, req, t, &["items"]).map(|u| {
            handler(t, J::Arr(vec![J::obj([("item_id", J::str("Foo")), ("owner", J::str(u.username))])]))
        }),
        Endpoint::Admin => require_admin(cfg, req, t).map(|u| {
            handler(t, J::obj([("message", J::str("Welcome, admin")), ("user", J::str(u.username))]))
        }),
        Endpoint::ApiKeyQuery => {
            security::api_key_query(req, v, t, "api_key").map(|k| handler(t, J::obj([("key", J::Str(k))])))
        }
        Endpoint::ApiKeyCookie => security::api_key_cookie(req, v, t, "session")
            .map(|k| handler(t, J::obj([("session", J::Str(k))]))),
        Endpoint::HttpBearer => security::http_bearer(req, v, t).map(|(scheme, credentials)| {
            handler(t, J::obj([("scheme", J::Str(scheme)), ("credentials", J::Str(credentials))]))
        }),
        Endpoint::HttpBasic => security::http_basic(req, v, t, None).map(|(user, password)| {
            handler(t, J::obj([("username", J::Str(user)), ("password", J::Str(password))]))
        }),
        Endpoint::HttpBasicRealm => security::http_basic(req, v, t, Some("demo"))
            .map(|(user, _)| handler(t, J::obj([("username", J::Str(user))]))),
        Endpoint::OAuth2Optional => security::oauth2_password_bearer(req, v, t, false)
            .map(|token| handler(t, J::obj([("token", J::opt(token.as_deref()))]))),
    };
    result.unwrap_or_else(HttpException::into_resp)
}

/// The handler ran and returned this body.
fn handler(t: &mut Tracer, body: J) -> Resp {
    let rendered = body.render();
    t.emit(
        TraceStage::Process,
        HANDLER_CHECK,
        Outcome::Pass,
        Actor::App,
        "the handler ran and returned data",
        &[("returns", &rendered)],
    );
    Resp::json(200, rendered, Vec::new())
}

/// Seed example 1: `OAuth2PasswordBearer`, then the handler's own `token != "securetoken"` check.
fn seed_items(req: &Req, cfg: &LabConfig, t: &mut Tracer) -> Result<Resp, HttpException> {
    let token = security::oauth2_password_bearer(req, cfg.fastapi, t, true)?.unwrap_or_default();
    const CHECK: &str = "token == \"securetoken\"";
    if !bool::from(token.as_bytes().ct_eq(b"securetoken")) {
        let e = HttpException::new(401, "Unauthorized", None);
        t.emit(
            TraceStage::Authenticate,
            CHECK,
            Outcome::Fail,
            Actor::App,
            "the handler's own check rejects the token",
            &[("token", &token), ("check", "Token invalid"), ("raises", "401"), ("detail", "Unauthorized")],
        );
        return Err(e);
    }
    t.emit(
        TraceStage::Authenticate,
        CHECK,
        Outcome::Pass,
        Actor::App,
        "the handler's own check accepts the token",
        &[("token", &token), ("check", "Token valid")],
    );
    Ok(handler(t, J::obj([("items", J::Arr(vec![J::str("apple"), J::str("banana")]))])))
}

// ---------------------------------------------------------------------------------------------
// The JWT app
// ---------------------------------------------------------------------------------------------

/// A user of the reference app's fake database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct User {
    pub username: &'static str,
    pub full_name: &'static str,
    pub email: &'static str,
    pub password: &'static str,
    pub disabled: bool,
    pub role: &'static str,
}

pub const USERS: [User; 3] = [
    User {
        username: "johndoe",
        full_name: "John Doe",
        email: "johndoe@example.com",
        password: "secret",
        disabled: false,
        role: "user",
    },
    User {
        username: "alice",
        full_name: "Alice Chains",
        email: "alicechains@example.com",
        password: "secret",
        disabled: true,
        role: "user",
    },
    User {
        username: "admin",
        full_name: "Ada Admin",
        email: "admin@example.com",
        password: "adminsecret",
        disabled: false,
        role: "admin",
    },
];

fn get_user(username: &str) -> Option<&'static User> {
    USERS.iter().find(|u| u.username == username)
}

/// `get_current_user`: the bearer token, decoded and checked, its user looked up, its scopes
/// compared with what the route asks for (401 "Not enough permissions", the docs' pattern).
fn current_user(
    cfg: &LabConfig,
    req: &Req,
    t: &mut Tracer,
    scopes: &[&str],
) -> Result<&'static User, HttpException> {
    let authenticate_value = if scopes.is_empty() {
        "Bearer".to_owned()
    } else {
        format!("Bearer scope=\"{}\"", scopes.join(" "))
    };
    let token = security::oauth2_password_bearer(req, cfg.fastapi, t, true)?.unwrap_or_default();
    let invalid = HttpException::new(401, "Could not validate credentials", Some(&authenticate_value));
    const DECODE: &str = "jwt.decode(HS256)";
    let claims = match tokens::verify(&token, &cfg.secret) {
        Ok(claims) => claims,
        Err(why) => {
            let shown = tokens::inspect(&token)
                .map(|(h, c)| format!("header {h} claims {c}"))
                .unwrap_or_else(|| "not a JWT".into());
            t.emit(
                TraceStage::Authenticate,
                DECODE,
                Outcome::Fail,
                Actor::App,
                &format!("get_current_user refuses the token: {why}"),
                &[("token", &token), ("decoded", &shown), ("raises", "401"), ("detail", &invalid.detail)],
            );
            return Err(invalid);
        }
    };
    let claim =
        |name: &str| claims.get(name).map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned));
    let sub = claim("sub").unwrap_or_else(|| "None".into());
    let exp = claim("exp").unwrap_or_else(|| "None".into());
    let scope_claim = claims.get("scope").map_or(Some(""), |s| s.as_str());
    let role = claim("role").unwrap_or_else(|| "None".into());
    let vars: Vec<(&str, &str)> = vec![
        ("token", &token),
        ("claims.sub", &sub),
        ("claims.scope", scope_claim.unwrap_or("?")),
        ("claims.role", &role),
        ("claims.exp", &exp),
    ];
    let Some(username) = claims.get("sub").and_then(|s| s.as_str()) else {
        t.emit(
            TraceStage::Authenticate,
            DECODE,
            Outcome::Fail,
            Actor::App,
            "the token is genuine but has no subject",
            &[vars.as_slice(), &[("raises", "401")]].concat(),
        );
        return Err(invalid);
    };
    // A non-string `scope` makes the reference app crash (500); a 4xx is the honest answer here.
    let Some(scope) = scope_claim else {
        t.emit(
            TraceStage::Authenticate,
            DECODE,
            Outcome::Fail,
            Actor::App,
            "the scope claim is not a string",
            &[vars.as_slice(), &[("raises", "401")]].concat(),
        );
        return Err(invalid);
    };
    t.emit(
        TraceStage::Authenticate,
        DECODE,
        Outcome::Pass,
        Actor::App,
        "signature, algorithm and expiry are good",
        &vars,
    );
    let Some(user) = get_user(username) else {
        t.emit(
            TraceStage::Authenticate,
            "get_user(sub)",
            Outcome::Fail,
            Actor::App,
            "no such user",
            &[("claims.sub", username), ("raises", "401")],
        );
        return Err(invalid);
    };
    t.emit(
        TraceStage::Authenticate,
        "get_user(sub)",
        Outcome::Pass,
        Actor::App,
        "the user exists",
        &[("user", user.username)],
    );
    let token_scopes: Vec<&str> = scope.split(' ').collect();
    for needed in scopes {
        if !token_scopes.contains(needed) {
            t.emit(
                TraceStage::Authorize,
                "SecurityScopes",
                Outcome::Fail,
                Actor::App,
                &format!("the token lacks scope {needed:?}"),
                &[
                    ("needs", needed),
                    ("claims.scope", scope),
                    ("raises", "401"),
                    ("detail", "Not enough permissions"),
                ],
            );
            return Err(HttpException::new(401, "Not enough permissions", Some(&authenticate_value)));
        }
        t.emit(
            TraceStage::Authorize,
            "SecurityScopes",
            Outcome::Pass,
            Actor::App,
            &format!("the token has scope {needed:?}"),
            &[("needs", needed), ("claims.scope", scope)],
        );
    }
    Ok(user)
}

/// `get_current_active_user`: a disabled user is refused with 400 "Inactive user".
fn current_active_user(
    cfg: &LabConfig,
    req: &Req,
    t: &mut Tracer,
    scopes: &[&str],
) -> Result<&'static User, HttpException> {
    let user = current_user(cfg, req, t, scopes)?;
    if user.disabled {
        t.emit(
            TraceStage::Authorize,
            "user.disabled",
            Outcome::Fail,
            Actor::App,
            "the account is disabled",
            &[("user", user.username), ("raises", "400"), ("detail", "Inactive user")],
        );
        return Err(HttpException::new(400, "Inactive user", None));
    }
    t.emit(
        TraceStage::Authorize,
        "user.disabled",
        Outcome::Pass,
        Actor::App,
        "the account is active",
        &[("user", user.username)],
    );
    Ok(user)
}

/// `require_admin`: authenticated but not an admin is 403.
fn require_admin(cfg: &LabConfig, req: &Req, t: &mut Tracer) -> Result<&'static User, HttpException> {
    let user = current_active_user(cfg, req, t, &[])?;
    if user.role != "admin" {
        t.emit(
            TraceStage::Authorize,
            "role == \"admin\"",
            Outcome::Fail,
            Actor::App,
            "authenticated, but not allowed",
            &[("role", user.role), ("raises", "403"), ("detail", "Not enough permissions")],
        );
        return Err(HttpException::new(403, "Not enough permissions", None));
    }
    t.emit(
        TraceStage::Authorize,
        "role == \"admin\"",
        Outcome::Pass,
        Actor::App,
        "the user is an admin",
        &[("role", user.role)],
    );
    Ok(user)
}

/// The fields of `OAuth2PasswordRequestForm`, in declaration order, and whether each is required.
const FORM_FIELDS: [(&str, bool); 6] = [
    ("grant_type", false),
    ("username", true),
    ("password", true),
    ("scope", false),
    ("client_id", false),
    ("client_secret", false),
];

/// `POST /token`: the form is parsed and validated by FastAPI (422), then the handler checks the
/// password (401 + `Bearer`) and signs a token.
fn login(cfg: &LabConfig, req: &Req, body: &[u8], t: &mut Tracer) -> Resp {
    let form = match form::parse(req, body) {
        Ok(form) => form,
        Err(e) => {
            let detail = e.detail(cfg.fastapi);
            let why = match &e {
                FormError::Invalid(at) => format!("the multipart body cannot be parsed: {at}"),
                _ => detail.to_owned(),
            };
            t.emit(
                TraceStage::Receive,
                "request.form()",
                Outcome::Fail,
                Actor::Framework,
                &why,
                &[("status", "400"), ("detail", detail)],
            );
            return HttpException::new(400, detail, None).into_resp();
        }
    };
    // Last value wins (`FormData.get`); before 0.123.2 an empty value is put back after being
    // dropped, so it reaches the handler; from 0.123.2 it counts as missing.
    let get = |name: &str| -> Option<String> {
        let value = form.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.clone())?;
        if value.is_empty() && cfg.fastapi.empty_form_field_is_missing() { None } else { Some(value) }
    };
    let mut errors = Vec::new();
    let mut values: Vec<Option<String>> = Vec::new();
    for (name, required) in FORM_FIELDS {
        let value = get(name);
        match (&value, name) {
            (None, _) if required => errors.push(missing_field("body", name)),
            (Some(gt), "grant_type") if gt != "password" => {
                errors.push(pattern_mismatch("body", name, "^password$", gt))
            }
            _ => {}
        }
        values.push(value);
    }
    // The trace may be printed (`serve --trace`): secrets are shown by length only.
    let shown_form = form
        .iter()
        .map(|(k, v)| match k.as_str() {
            "password" | "client_secret" => format!("{k}=<{} chars>", v.chars().count()),
            _ => format!("{k}={v}"),
        })
        .collect::<Vec<_>>()
        .join("&");
    if !errors.is_empty() {
        let resp = Resp::validation(errors);
        let body_text = String::from_utf8_lossy(&resp.body).into_owned();
        t.emit(
            TraceStage::Receive,
            "OAuth2PasswordRequestForm",
            Outcome::Fail,
            Actor::Framework,
            "the form fails validation before the handler runs",
            &[("form", &shown_form), ("status", "422"), ("errors", &body_text)],
        );
        return resp;
    }
    t.emit(
        TraceStage::Receive,
        "OAuth2PasswordRequestForm",
        Outcome::Pass,
        Actor::Framework,
        "the form is valid",
        &[("form", &shown_form)],
    );
    let username = values[1].clone().unwrap_or_default();
    let password = values[2].clone().unwrap_or_default();
    let scope = values[3].clone().unwrap_or_default();
    let user = get_user(&username).filter(|u| bool::from(u.password.as_bytes().ct_eq(password.as_bytes())));
    let Some(user) = user else {
        t.emit(
            TraceStage::Authenticate,
            "authenticate_user",
            Outcome::Fail,
            Actor::App,
            "unknown user or wrong password",
            &[("username", &username), ("raises", "401"), ("detail", "Incorrect username or password")],
        );
        return HttpException::new(401, "Incorrect username or password", Some("Bearer")).into_resp();
    };
    t.emit(
        TraceStage::Authenticate,
        "authenticate_user",
        Outcome::Pass,
        Actor::App,
        "the password matches",
        &[("username", user.username)],
    );
    let scopes = py_split_ws(&scope).join(" ");
    let claims = Claims::login(user.username, &scopes, user.role, tokens::now());
    match tokens::mint(&claims, &cfg.secret) {
        Ok(token) => handler(t, J::obj([("access_token", J::Str(token)), ("token_type", J::str("bearer"))])),
        Err(e) => {
            // Only reachable if HMAC itself fails; a 4xx keeps the promise of never answering 500.
            t.emit(
                TraceStage::Process,
                "create_access_token",
                Outcome::Fail,
                Actor::App,
                &e.to_string(),
                &[],
            );
            HttpException::new(400, "Token could not be created", None).into_resp()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::version::FastApiVersion;

    #[test]
    fn hosts_are_validated_like_starlette() {
        for good in ["127.0.0.1:8000", "example.com", "EXAMPLE.com:1", "[::1]:8000", "[fe80::1]", "[::1]"] {
            assert!(is_plain_host(good), "{good}");
        }
        for bad in ["", "evil.example/x", "a@b", "h:", "h:x", "[::1", "a b", "h:80:80", "[zz::1]", "::1"] {
            assert!(!is_plain_host(bad), "{bad}");
        }
    }

    #[test]
    fn redirects_strip_every_trailing_slash_and_build_the_url_per_version() {
        let mut t = Tracer::new(None, "t".into());
        let cfg = LabConfig::default().with_port(8123);
        let location = |cfg: &LabConfig, target: &str, host: Option<&str>, t: &mut Tracer| {
            let headers: Vec<(&str, &str)> = host.map(|h| ("host", h)).into_iter().collect();
            match route(cfg, &Req::get(target, &headers), t) {
                Routed::Answer(r) => r.header("location").map(str::to_owned),
                Routed::Endpoint(_) => None,
            }
        };
        assert_eq!(
            location(&cfg, "/data///?a=1", Some("h:1"), &mut t).as_deref(),
            Some("http://h:1/data?a=1")
        );
        assert_eq!(
            location(&cfg, "/items", Some("evil/x"), &mut t).as_deref(),
            Some("http://127.0.0.1:8123/items/")
        );
        assert_eq!(location(&cfg, "/items", None, &mut t).as_deref(), Some("http://127.0.0.1:8123/items/"));
        let proxied = Req::get(
            "/items",
            &[("host", "h"), ("x-forwarded-proto", "http"), ("x-forwarded-proto", " https ")],
        );
        match route(&cfg, &proxied, &mut t) {
            Routed::Answer(r) => assert_eq!(r.header("location"), Some("https://h/items/")),
            Routed::Endpoint(_) => panic!("no redirect"),
        }
        let old = LabConfig::new(FastApiVersion::OLDEST, crate::lab::CorsMode::Off).with_port(8123);
        assert_eq!(location(&old, "/items", Some("evil/x"), &mut t).as_deref(), Some("http://evil/x/items/"));
    }
}
