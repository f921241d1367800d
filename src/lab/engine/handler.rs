//! One route of a lab app, run as FastAPI runs it: the route's rate-limit dependency, its
//! security class (or the current-user chain of FastAPI's JWT tutorial), then the handler — the
//! app's own checks, the object-level check and what it returns, filtered by `response_model`.
//! Every decision is traced with the names the generated code uses.

use std::time::Instant;

use serde_json::{Map, Value, json};
use subtle::ConstantTimeEq;

use super::{Route, Variant, login};
use crate::content::lab_app::{
    CheckSpec, CurrentUserSpec, OwnerCheck, RateKey, RecordSpec, Returns, ReturnsSpec, SecuritySpec, UserSpec,
};
use crate::lab::app::Req;
use crate::lab::config::LabConfig;
use crate::lab::fastapi::{HttpException, Resp};
use crate::lab::json::dumps;
use crate::lab::security;
use crate::lab::tokens;
use crate::lab::trace::{Actor, HANDLER_CHECK, Outcome, TraceStage, Tracer};

/// Every client of the loopback lab is 127.0.0.1, the key a per-client limit counts under.
pub const CLIENT_HOST: &str = "127.0.0.1";

/// What a security object handed the handler.
#[derive(Debug, Clone)]
enum Credential {
    /// `OAuth2PasswordBearer` (`None` without a token and `auto_error=False`) and the API keys.
    Text(Option<String>),
    /// `HTTPBearer`: `HTTPAuthorizationCredentials`.
    Bearer { scheme: String, credentials: String },
    /// `HTTPBasic`: `HTTPBasicCredentials`.
    Basic { username: String, password: String },
}

impl Credential {
    fn value(&self, part: Option<&str>) -> Value {
        match (self, part) {
            (Self::Text(t), None) => t.as_deref().map_or(Value::Null, Value::from),
            (Self::Bearer { scheme, credentials }, None) => {
                json!({ "scheme": scheme, "credentials": credentials })
            }
            (Self::Bearer { scheme, .. }, Some("scheme")) => Value::from(scheme.as_str()),
            (Self::Bearer { credentials, .. }, Some("credentials")) => Value::from(credentials.as_str()),
            (Self::Basic { username, password }, None) => {
                json!({ "username": username, "password": password })
            }
            (Self::Basic { username, .. }, Some("username")) => Value::from(username.as_str()),
            (Self::Basic { password, .. }, Some("password")) => Value::from(password.as_str()),
            _ => Value::Null,
        }
    }

    fn text(&self) -> String {
        match self {
            Self::Text(t) => t.clone().unwrap_or_default(),
            Self::Bearer { credentials, .. } => credentials.clone(),
            Self::Basic { password, .. } => password.clone(),
        }
    }
}

/// What the handler knows when it builds its answer.
struct Scope<'a> {
    credential: Option<Credential>,
    user: Option<&'a UserSpec>,
    params: &'a [(String, String)],
}

/// Runs a routed request.
#[allow(clippy::too_many_arguments)] // the request, its route and the tracer: each one is needed
pub fn run(
    cfg: &LabConfig,
    variant: &Variant,
    route: &Route,
    params: &[(String, String)],
    req: &Req,
    body: &[u8],
    t: &mut Tracer,
) -> Resp {
    if let Some(spec) = &route.spec.login {
        return login::run(cfg, variant, route, spec, req, body, t);
    }
    match dependencies_then_handler(cfg, variant, route, params, req, t) {
        Ok(resp) => resp,
        Err(Refusal::Http(e)) => e.into_resp(),
        Err(Refusal::Resp(r)) => r,
    }
}

/// Why a request did not reach a 2xx.
pub enum Refusal {
    Http(HttpException),
    /// A complete answer (a 429 with `Retry-After`, a 500).
    Resp(Resp),
}

impl From<HttpException> for Refusal {
    fn from(e: HttpException) -> Self {
        Self::Http(e)
    }
}

/// `HTTPException(429, detail, headers={"Retry-After": ...})`.
pub fn too_many(detail: &str, retry_after: u64) -> Resp {
    Resp::json(
        429,
        dumps(&json!({ "detail": detail })),
        vec![("retry-after".into(), retry_after.to_string())],
    )
}

fn dependencies_then_handler(
    cfg: &LabConfig,
    variant: &Variant,
    route: &Route,
    params: &[(String, String)],
    req: &Req,
    t: &mut Tracer,
) -> Result<Resp, Refusal> {
    let spec = &route.spec;
    if let Some(limit) = &spec.rate_limit {
        let key = match limit.per {
            RateKey::Client | RateKey::Username => CLIENT_HOST,
        };
        const CHECK: &str = "rate_limit";
        if let Err(retry) = variant.limiter.hit(route.index, key, limit, Instant::now()) {
            t.emit(
                TraceStage::Authorize,
                CHECK,
                Outcome::Fail,
                Actor::App,
                &format!(
                    "more than {} requests in {} s from this client",
                    limit.requests, limit.window_seconds
                ),
                &[("client", key), ("raises", "429"), ("retry_after", &retry.to_string())],
            );
            return Err(Refusal::Resp(too_many("Too Many Requests", retry)));
        }
        t.emit(
            TraceStage::Authorize,
            CHECK,
            Outcome::Pass,
            Actor::App,
            "within the rate limit",
            &[("client", key)],
        );
    }
    let credential = match &spec.credential {
        Some(c) => Some(credential(cfg, variant, &c.scheme, req, t)?),
        None => None,
    };
    let user = match &spec.current_user {
        Some(cu) => Some(current_user_chain(cfg, variant, cu, req, t)?),
        None => None,
    };
    let scope = Scope { credential, user, params };
    for check in &spec.checks {
        run_check(check, &scope, t)?;
    }
    let body = match &spec.returns {
        Some(returns) => returns_value(variant, returns, &scope, t)?,
        None => Value::Null,
    };
    let body = match &spec.response_model {
        Some(fields) => filter(&body, fields),
        None => body,
    };
    Ok(handler(t, &body))
}

/// The handler ran and returned this body.
pub fn handler(t: &mut Tracer, body: &Value) -> Resp {
    let rendered = dumps(body);
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

fn credential(
    cfg: &LabConfig,
    variant: &Variant,
    scheme: &str,
    req: &Req,
    t: &mut Tracer,
) -> Result<Credential, HttpException> {
    let v = cfg.fastapi;
    let Some(spec) = variant.spec.scheme(scheme) else {
        // `check` refuses a route naming a missing scheme; a spec built in code may still.
        return Err(HttpException::new(500, "Internal Server Error", None));
    };
    Ok(match spec {
        SecuritySpec::OAuth2PasswordBearer { auto_error, .. } => {
            Credential::Text(security::oauth2_password_bearer(req, v, t, *auto_error)?)
        }
        SecuritySpec::APIKeyHeader { key_name, .. } => {
            Credential::Text(Some(security::api_key_header(req, v, t, key_name)?))
        }
        SecuritySpec::APIKeyQuery { key_name, .. } => {
            Credential::Text(Some(security::api_key_query(req, v, t, key_name)?))
        }
        SecuritySpec::APIKeyCookie { key_name, .. } => {
            Credential::Text(Some(security::api_key_cookie(req, v, t, key_name)?))
        }
        SecuritySpec::HTTPBearer { .. } => {
            let (scheme, credentials) = security::http_bearer(req, v, t)?;
            Credential::Bearer { scheme, credentials }
        }
        SecuritySpec::HTTPBasic { realm, .. } => {
            let (username, password) = security::http_basic(req, v, t, realm.as_deref())?;
            Credential::Basic { username, password }
        }
    })
}

/// `get_current_user` → `get_current_active_user` → the role check, as FastAPI's JWT tutorial
/// writes them.
fn current_user_chain<'a>(
    cfg: &LabConfig,
    variant: &'a Variant,
    spec: &CurrentUserSpec,
    req: &Req,
    t: &mut Tracer,
) -> Result<&'a UserSpec, Refusal> {
    let user = current_user(cfg, variant, spec, req, t)?;
    if spec.active {
        if user.disabled {
            t.emit(
                TraceStage::Authorize,
                "user.disabled",
                Outcome::Fail,
                Actor::App,
                "the account is disabled",
                &[("user", &user.username), ("raises", "400"), ("detail", "Inactive user")],
            );
            return Err(HttpException::new(400, "Inactive user", None).into());
        }
        t.emit(
            TraceStage::Authorize,
            "user.disabled",
            Outcome::Pass,
            Actor::App,
            "the account is active",
            &[("user", &user.username)],
        );
    }
    if let Some(role) = &spec.role {
        let check = format!("role == {role:?}");
        if &user.role != role {
            t.emit(
                TraceStage::Authorize,
                &check,
                Outcome::Fail,
                Actor::App,
                "authenticated, but not allowed",
                &[("role", &user.role), ("raises", "403"), ("detail", "Not enough permissions")],
            );
            return Err(HttpException::new(403, "Not enough permissions", None).into());
        }
        t.emit(
            TraceStage::Authorize,
            &check,
            Outcome::Pass,
            Actor::App,
            &format!(
                "the user is {} {role}",
                if role.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" }
            ),
            &[("role", &user.role)],
        );
    }
    Ok(user)
}

/// `get_current_user`: the bearer token, decoded and checked, its user looked up, its scopes
/// compared with what the route asks for (401 "Not enough permissions", the docs' pattern).
fn current_user<'a>(
    cfg: &LabConfig,
    variant: &'a Variant,
    spec: &CurrentUserSpec,
    req: &Req,
    t: &mut Tracer,
) -> Result<&'a UserSpec, Refusal> {
    let authenticate_value = if spec.scopes.is_empty() {
        "Bearer".to_owned()
    } else {
        format!("Bearer scope=\"{}\"", spec.scopes.join(" "))
    };
    let token = credential(cfg, variant, &spec.scheme, req, t)?.text();
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
            return Err(invalid.into());
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
        return Err(invalid.into());
    };
    // `scope.split(" ")` on a claim that is not a string raises AttributeError inside the
    // dependency: real FastAPI answers 500, and so does the lab (and says why).
    let Some(scope) = scope_claim else {
        t.emit(
            TraceStage::Authenticate,
            DECODE,
            Outcome::Fail,
            Actor::App,
            "the scope claim is not a string: scope.split(\" \") raises, the app crashes (500, no CORS headers)",
            &[vars.as_slice(), &[("raises", "500")]].concat(),
        );
        return Err(Refusal::Resp(Resp::internal_error()));
    };
    t.emit(
        TraceStage::Authenticate,
        DECODE,
        Outcome::Pass,
        Actor::App,
        "signature, algorithm and expiry are good",
        &vars,
    );
    let Some(user) = variant.spec.user(username) else {
        t.emit(
            TraceStage::Authenticate,
            "get_user(sub)",
            Outcome::Fail,
            Actor::App,
            "no such user",
            &[("claims.sub", username), ("raises", "401")],
        );
        return Err(invalid.into());
    };
    t.emit(
        TraceStage::Authenticate,
        "get_user(sub)",
        Outcome::Pass,
        Actor::App,
        "the user exists",
        &[("user", &user.username)],
    );
    let token_scopes: Vec<&str> = scope.split(' ').collect();
    for needed in &spec.scopes {
        if !token_scopes.contains(&needed.as_str()) {
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
            return Err(HttpException::new(401, "Not enough permissions", Some(&authenticate_value)).into());
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

fn run_check(check: &CheckSpec, scope: &Scope<'_>, t: &mut Tracer) -> Result<(), HttpException> {
    match &check.token_equals {
        None => Ok(()),
        Some(te) => {
            let (value, status, detail, www_authenticate) =
                (&te.value, &te.status, &te.detail, &te.www_authenticate);
            let token = scope.credential.as_ref().map(Credential::text).unwrap_or_default();
            let name = format!("token == {value:?}");
            if !bool::from(token.as_bytes().ct_eq(value.as_bytes())) {
                let status_text = status.to_string();
                t.emit(
                    TraceStage::Authenticate,
                    &name,
                    Outcome::Fail,
                    Actor::App,
                    "the handler's own check rejects the token",
                    &[
                        ("token", &token),
                        ("check", "Token invalid"),
                        ("raises", &status_text),
                        ("detail", detail),
                    ],
                );
                return Err(HttpException::new(*status, detail, www_authenticate.as_deref()));
            }
            t.emit(
                TraceStage::Authenticate,
                &name,
                Outcome::Pass,
                Actor::App,
                "the handler's own check accepts the token",
                &[("token", &token), ("check", "Token valid")],
            );
            Ok(())
        }
    }
}

/// A user as the generated `UserInDB` model holds it, in its field order.
#[must_use]
pub fn user_object(user: &UserSpec) -> Value {
    json!({
        "username": user.username,
        "email": user.email,
        "full_name": user.full_name,
        "disabled": user.disabled,
        "hashed_password": login::password_hash(&user.password),
        "role": user.role,
    })
}

/// A record as the generated dict holds it: `id`, `owner`, then its fields.
#[must_use]
pub fn record_object(record: &RecordSpec) -> Value {
    let mut map = Map::with_capacity(record.fields.len() + 2);
    map.insert("id".to_owned(), record.id.clone());
    map.insert("owner".to_owned(), Value::from(record.owner.as_str()));
    map.extend(record.fields.iter().map(|(k, v)| (k.clone(), v.clone())));
    Value::Object(map)
}

fn returns_value(
    variant: &Variant,
    returns: &ReturnsSpec,
    scope: &Scope<'_>,
    t: &mut Tracer,
) -> Result<Value, HttpException> {
    let Some(kind) = returns.kind() else { return Ok(Value::Null) };
    Ok(match kind {
        Returns::Json(value) => substitute(value, scope),
        Returns::User => scope.user.map_or(Value::Null, user_object),
        Returns::Records(r) => {
            let records =
                variant.spec.collection(&r.collection).map(|c| c.records.as_slice()).unwrap_or_default();
            let me = scope.user.map(|u| u.username.as_str());
            Value::Array(
                records
                    .iter()
                    .filter(|rec| !r.owned_only || Some(rec.owner.as_str()) == me)
                    .map(record_object)
                    .collect(),
            )
        }
        Returns::Record(r) => {
            let wanted = scope.params.iter().find(|(k, _)| *k == r.param).map_or("", |(_, v)| v.as_str());
            let found = variant
                .spec
                .collection(&r.collection)
                .and_then(|c| c.records.iter().find(|rec| rec.id_text() == wanted));
            let lookup = format!("{}.get({})", r.collection.to_uppercase(), r.param);
            let Some(record) = found else {
                t.emit(
                    TraceStage::Process,
                    &lookup,
                    Outcome::Fail,
                    Actor::App,
                    "no record has this id",
                    &[(r.param.as_str(), wanted), ("raises", "404"), ("detail", &r.not_found_detail)],
                );
                return Err(HttpException::new(404, &r.not_found_detail, None));
            };
            let me = scope.user.map_or("None", |u| u.username.as_str());
            let check = "owner == current_user.username";
            let vars = [("record.owner", record.owner.as_str()), ("current_user", me)];
            match r.owner_check {
                OwnerCheck::None => t.emit(
                    TraceStage::Authorize,
                    check,
                    Outcome::Info,
                    Actor::App,
                    "no owner check: any logged-in user gets this record (broken object level authorization)",
                    &vars,
                ),
                _ if record.owner == me => {
                    t.emit(
                        TraceStage::Authorize,
                        check,
                        Outcome::Pass,
                        Actor::App,
                        "the record is the caller's",
                        &vars,
                    );
                }
                OwnerCheck::NotFound => {
                    t.emit(
                        TraceStage::Authorize,
                        check,
                        Outcome::Fail,
                        Actor::App,
                        "someone else's record: answered as if it did not exist",
                        &[vars.as_slice(), &[("raises", "404"), ("detail", &r.not_found_detail)]].concat(),
                    );
                    return Err(HttpException::new(404, &r.not_found_detail, None));
                }
                OwnerCheck::Forbidden => {
                    t.emit(
                        TraceStage::Authorize,
                        check,
                        Outcome::Fail,
                        Actor::App,
                        "someone else's record: refused",
                        &[vars.as_slice(), &[("raises", "403"), ("detail", "Not enough permissions")]]
                            .concat(),
                    );
                    return Err(HttpException::new(403, "Not enough permissions", None));
                }
            }
            record_object(record)
        }
    })
}

/// `{credential}`, `{credential.<part>}`, `{user.<field>}`, `{path.<param>}`: a string that is
/// exactly one of these is replaced by the value it names.
fn substitute(value: &Value, scope: &Scope<'_>) -> Value {
    match value {
        Value::String(s) => match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) => placeholder(name, scope).unwrap_or_else(|| value.clone()),
            None => value.clone(),
        },
        Value::Array(items) => Value::Array(items.iter().map(|v| substitute(v, scope)).collect()),
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), substitute(v, scope))).collect())
        }
        other => other.clone(),
    }
}

/// The value a placeholder names, or `None` when it names nothing (then it is plain text).
#[must_use]
fn placeholder(name: &str, scope: &Scope<'_>) -> Option<Value> {
    let (head, part) = crate::content::lab_app::split_placeholder(name);
    match head {
        "credential" => Some(scope.credential.as_ref().map_or(Value::Null, |c| c.value(part))),
        "user" => {
            let user = user_object(scope.user?);
            user.get(part?).cloned()
        }
        "path" => {
            scope.params.iter().find(|(k, _)| Some(k.as_str()) == part).map(|(_, v)| Value::from(v.as_str()))
        }
        _ => None,
    }
}

/// `response_model`: only the model's fields, in the model's order (lists element by element).
fn filter(body: &Value, fields: &[String]) -> Value {
    match body {
        Value::Array(items) => Value::Array(items.iter().map(|i| filter(i, fields)).collect()),
        Value::Object(map) => Value::Object(
            fields.iter().map(|f| (f.clone(), map.get(f).cloned().unwrap_or(Value::Null))).collect(),
        ),
        other => other.clone(),
    }
}
