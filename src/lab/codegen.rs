//! `apisec-tutor lab --code APP`: the FastAPI program a lab app stands for — plain, runnable
//! Python (FastAPI, PyJWT and python-multipart only) that answers like the engine does, which
//! `scripts/record-fastapi-fixtures --generated` proves by running it under real FastAPI.
//!
//! The program follows FastAPI's own tutorials (security/tutorial004 and 005 for the JWT
//! flow); what the spec adds (records with owners, rate limits) is written out in the file.

use std::fmt::Write as _;

use crate::content::lab_app::{
    CorsSpec, LabApp, OwnerCheck, RateKey, RateLimitSpec, Returns, RouteSpec, SecuritySpec, Via,
};

/// The Python program, and for each route the line where its handler starts (the lab's code
/// pane highlights it).
#[derive(Debug, Clone)]
pub struct Program {
    pub source: String,
    /// `(route index, 1-based line of its decorator)`.
    pub route_lines: Vec<(usize, usize)>,
}

/// A Python string literal (JSON's syntax is a subset Python reads the same way).
fn py_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned())
}

fn py_list(items: &[String]) -> String {
    format!("[{}]", items.iter().map(|s| py_str(s)).collect::<Vec<_>>().join(", "))
}

/// A content value as a Python literal.
fn py_value(v: &serde_json::Value) -> String {
    use serde_json::Value;
    match v {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => py_str(s),
        Value::Array(a) => format!("[{}]", a.iter().map(py_value).collect::<Vec<_>>().join(", ")),
        Value::Object(o) => {
            format!(
                "{{{}}}",
                o.iter()
                    .map(|(k, v)| format!("{}: {}", py_str(k), py_value(v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    }
}

/// The Python type of a record field (for a `response_model`).
fn py_type(v: &serde_json::Value) -> &'static str {
    use serde_json::Value;
    match v {
        Value::Null => "Optional[str]",
        Value::Bool(_) => "bool",
        Value::Number(_) => "int",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}

fn class_name(snake: &str) -> String {
    snake
        .split('_')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut c = p.chars();
            c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
        })
        .collect()
}

struct Gen<'a> {
    app: &'a LabApp,
    out: String,
    lines: Vec<(usize, usize)>,
    /// Model classes already written (two routes may return the same collection).
    models: Vec<String>,
}

impl Gen<'_> {
    fn line(&mut self, text: &str) {
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn line_no(&self) -> usize {
        self.out.matches('\n').count() + 1
    }
}

fn uses_jwt(app: &LabApp) -> bool {
    app.routes.iter().any(|r| r.login.is_some() || r.current_user.is_some())
}

/// Generates the program for one side of a lab app (`app.fixed()` or `app.vulnerable()`).
#[must_use]
pub fn generate(app: &LabApp, lesson: &str) -> Program {
    let mut g = Gen { app, out: String::new(), lines: Vec::new(), models: Vec::new() };
    header(&mut g, lesson);
    middleware(&mut g);
    security_objects(&mut g);
    if uses_jwt(app) {
        jwt_section(&mut g);
    }
    if !app.collections.is_empty() {
        collections(&mut g);
    }
    if app
        .routes
        .iter()
        .any(|r| r.rate_limit.is_some() || r.login.as_ref().is_some_and(|l| l.rate_limit.is_some()))
    {
        rate_limiter(&mut g);
    }
    for (i, r) in app.routes.iter().enumerate() {
        g.line("");
        g.line("");
        route(&mut g, i, r);
    }
    Program { source: g.out, route_lines: g.lines }
}

fn header(g: &mut Gen<'_>, lesson: &str) {
    let app = g.app;
    let jwt = uses_jwt(app);
    let login = app.routes.iter().any(|r| r.login.is_some());
    let mut needs = vec!["fastapi"];
    if jwt {
        needs.push("PyJWT");
    }
    if login {
        needs.push("python-multipart");
    }
    let title = app.title.replace("\"\"\"", "'''").replace('\\', "/");
    g.line(&format!("\"\"\"{title}"));
    g.line("");
    g.line(&format!(
        "The lab app `{}` of the lesson `{lesson}`, written out by `apisec-tutor lab --code {}`.",
        app.id, app.id
    ));
    g.line(&format!("Needs: {}, uvicorn. Run:", needs.join(", ")));
    if jwt {
        g.line(
            "    DEMO_JWT_SECRET=\"$(openssl rand -hex 32)\" uvicorn main:app --host 127.0.0.1 --port 8000",
        );
    } else {
        g.line("    uvicorn main:app --host 127.0.0.1 --port 8000");
    }
    g.line("\"\"\"");
    g.line("");
    let mut std_imports = Vec::new();
    if jwt {
        std_imports.extend(["hashlib", "hmac", "os", "secrets"]);
    }
    let limited = app
        .routes
        .iter()
        .any(|r| r.rate_limit.is_some() || r.login.as_ref().is_some_and(|l| l.rate_limit.is_some()));
    if limited {
        std_imports.extend(["math", "time"]);
    }
    std_imports.sort_unstable();
    std_imports.dedup();
    for m in &std_imports {
        g.line(&format!("import {m}"));
    }
    if jwt {
        g.line("from datetime import datetime, timedelta, timezone");
    }
    g.line("from typing import Dict, List, Optional");
    g.line("");
    if jwt {
        g.line("import jwt");
    }
    let mut fastapi = vec!["Depends", "FastAPI", "HTTPException"];
    if limited {
        fastapi.push("Request");
    }
    if app.routes.iter().any(|r| r.credential.as_ref().is_some_and(|c| c.via == Via::Security)) || jwt {
        fastapi.push("Security");
    }
    if jwt {
        fastapi.push("status");
    }
    g.line(&format!("from fastapi import {}", fastapi.join(", ")));
    if app.cors.is_some() {
        g.line("from fastapi.middleware.cors import CORSMiddleware");
    }
    let mut classes: Vec<&str> = Vec::new();
    for s in &app.security {
        classes.push(s.class_name());
        match s {
            SecuritySpec::HTTPBearer { .. } => classes.push("HTTPAuthorizationCredentials"),
            SecuritySpec::HTTPBasic { .. } => classes.push("HTTPBasicCredentials"),
            _ => {}
        }
    }
    if login {
        classes.push("OAuth2PasswordRequestForm");
    }
    if jwt {
        classes.push("SecurityScopes");
    }
    classes.sort_unstable();
    classes.dedup();
    if !classes.is_empty() {
        g.line(&format!("from fastapi.security import {}", classes.join(", ")));
    }
    if jwt {
        g.line("from jwt.exceptions import InvalidTokenError");
        g.line("from pydantic import BaseModel, ValidationError");
    } else if needs_models(app) {
        g.line("from pydantic import BaseModel");
    }
    g.line("");
    g.line("app = FastAPI()");
}

fn needs_models(app: &LabApp) -> bool {
    app.routes.iter().any(|r| r.response_model.is_some())
}

fn middleware(g: &mut Gen<'_>) {
    let Some(CorsSpec { allow_origins, allow_credentials, allow_methods, allow_headers }) = &g.app.cors
    else {
        return;
    };
    let text = format!(
        "app.add_middleware(\n    CORSMiddleware,\n    allow_origins={},\n    allow_credentials={},\n    allow_methods={},\n    allow_headers={},\n)",
        py_list(allow_origins),
        if *allow_credentials { "True" } else { "False" },
        py_list(allow_methods),
        py_list(allow_headers)
    );
    g.line(&text);
}

fn security_objects(g: &mut Gen<'_>) {
    for s in &g.app.security.clone() {
        let auto = if s.auto_error() { String::new() } else { ", auto_error=False".to_owned() };
        let text = match s {
            SecuritySpec::OAuth2PasswordBearer { name, token_url, scopes, .. } => {
                if scopes.is_empty() {
                    format!("{name} = OAuth2PasswordBearer(tokenUrl={}{auto})", py_str(token_url))
                } else {
                    let mut t = format!(
                        "{name} = OAuth2PasswordBearer(\n    tokenUrl={},\n    scopes={{",
                        py_str(token_url)
                    );
                    let items: Vec<String> = scopes
                        .iter()
                        .map(|s| format!("{}: {}", py_str(&s.name), py_str(&s.description)))
                        .collect();
                    t.push_str(&items.join(", "));
                    t.push_str(&format!(
                        "}},{}\n)",
                        if auto.is_empty() { "" } else { "\n    auto_error=False," }
                    ));
                    t
                }
            }
            SecuritySpec::HTTPBearer { name, .. } => {
                format!("{name} = HTTPBearer({})", auto.trim_start_matches(", "))
            }
            SecuritySpec::HTTPBasic { name, realm, .. } => match realm {
                Some(r) => format!("{name} = HTTPBasic(realm={}{auto})", py_str(r)),
                None => format!("{name} = HTTPBasic({})", auto.trim_start_matches(", ")),
            },
            SecuritySpec::APIKeyHeader { name, key_name, .. } => {
                format!("{name} = APIKeyHeader(name={}{auto})", py_str(key_name))
            }
            SecuritySpec::APIKeyQuery { name, key_name, .. } => {
                format!("{name} = APIKeyQuery(name={}{auto})", py_str(key_name))
            }
            SecuritySpec::APIKeyCookie { name, key_name, .. } => {
                format!("{name} = APIKeyCookie(name={}{auto})", py_str(key_name))
            }
        };
        g.line(&text);
    }
}

/// The name of the current-user dependency a route uses.
fn user_dependency(r: &RouteSpec) -> Option<String> {
    let cu = r.current_user.as_ref()?;
    let base = match (&cu.role, cu.active) {
        (Some(role), _) => format!("require_{role}"),
        (None, true) => "get_current_active_user".to_owned(),
        (None, false) => "get_current_user".to_owned(),
    };
    Some(base)
}

fn jwt_section(g: &mut Gen<'_>) {
    let app = g.app;
    let minutes = app.jwt.as_ref().map_or(30, |j| j.expire_minutes);
    let scheme = app
        .routes
        .iter()
        .find_map(|r| r.current_user.as_ref().map(|c| c.scheme.clone()))
        .or_else(|| {
            app.security
                .iter()
                .find(|s| matches!(s, SecuritySpec::OAuth2PasswordBearer { .. }))
                .map(|s| s.name().to_owned())
        })
        .unwrap_or_else(|| "oauth2_scheme".to_owned());
    let mut t = String::new();
    t.push_str(&format!(
        r#"
# The secret comes from the environment; without it, a new one per start (tokens die with it).
SECRET_KEY = os.environ.get("DEMO_JWT_SECRET") or secrets.token_hex(32)
ALGORITHM = "HS256"
ACCESS_TOKEN_EXPIRE_MINUTES = {minutes}
_SALT = b"demo-salt"


def get_password_hash(password: str) -> str:
    # A real app uses argon2 or bcrypt (pwdlib); the hash has no effect on the HTTP behaviour.
    return hashlib.pbkdf2_hmac("sha256", password.encode(), _SALT, 1000).hex()


def verify_password(plain_password: str, hashed_password: str) -> bool:
    return hmac.compare_digest(get_password_hash(plain_password), hashed_password)


fake_users_db = {{
"#
    ));
    for u in &app.users {
        t.push_str(&format!(
            "    {}: {{\n        \"username\": {},\n        \"full_name\": {},\n        \"email\": {},\n        \"hashed_password\": get_password_hash({}),\n        \"disabled\": {},\n        \"role\": {},\n    }},\n",
            py_str(&u.username),
            py_str(&u.username),
            u.full_name.as_deref().map_or_else(|| "None".to_owned(), py_str),
            u.email.as_deref().map_or_else(|| "None".to_owned(), py_str),
            py_str(&u.password),
            if u.disabled { "True" } else { "False" },
            py_str(&u.role),
        ));
    }
    t.push_str(&format!(
        r#"}}


class Token(BaseModel):
    access_token: str
    token_type: str


class TokenData(BaseModel):
    username: Optional[str] = None
    scopes: List[str] = []


class User(BaseModel):
    username: str
    email: Optional[str] = None
    full_name: Optional[str] = None
    disabled: Optional[bool] = None


class UserInDB(User):
    hashed_password: str
    role: str


def get_user(db, username: str):
    if username in db:
        return UserInDB(**db[username])


def authenticate_user(db, username: str, password: str):
    user = get_user(db, username)
    if not user:
        verify_password(password, get_password_hash("dummypassword"))
        return False
    if not verify_password(password, user.hashed_password):
        return False
    return user


def create_access_token(data: dict, expires_delta: Optional[timedelta] = None):
    to_encode = data.copy()
    expire = datetime.now(timezone.utc) + (expires_delta or timedelta(minutes=15))
    to_encode.update({{"exp": expire}})
    return jwt.encode(to_encode, SECRET_KEY, algorithm=ALGORITHM)


async def get_current_user(security_scopes: SecurityScopes, token: str = Depends({scheme})):
    if security_scopes.scopes:
        authenticate_value = f'Bearer scope="{{security_scopes.scope_str}}"'
    else:
        authenticate_value = "Bearer"
    credentials_exception = HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail="Could not validate credentials",
        headers={{"WWW-Authenticate": authenticate_value}},
    )
    try:
        payload = jwt.decode(token, SECRET_KEY, algorithms=[ALGORITHM])
        username = payload.get("sub")
        if username is None:
            raise credentials_exception
        scope = payload.get("scope", "")
        token_data = TokenData(scopes=scope.split(" "), username=username)
    except (InvalidTokenError, ValidationError):
        raise credentials_exception
    user = get_user(fake_users_db, username=token_data.username)
    if user is None:
        raise credentials_exception
    # FastAPI's tutorial answers a missing scope with 401 (RFC 6750 would say 403).
    for scope in security_scopes.scopes:
        if scope not in token_data.scopes:
            raise HTTPException(
                status_code=status.HTTP_401_UNAUTHORIZED,
                detail="Not enough permissions",
                headers={{"WWW-Authenticate": authenticate_value}},
            )
    return user


async def get_current_active_user(current_user: UserInDB = Security(get_current_user)):
    if current_user.disabled:
        raise HTTPException(status_code=400, detail="Inactive user")
    return current_user
"#
    ));
    let mut roles: Vec<(String, bool)> = app
        .routes
        .iter()
        .filter_map(|r| r.current_user.as_ref().and_then(|c| c.role.clone().map(|role| (role, c.active))))
        .collect();
    roles.sort();
    roles.dedup_by(|a, b| a.0 == b.0);
    for (role, active) in roles {
        let base = if active { "get_current_active_user" } else { "get_current_user" };
        t.push_str(&format!(
            r#"

async def require_{role}(current_user: UserInDB = Security({base})):
    # Authenticated but not allowed: 403.
    if current_user.role != {lit}:
        raise HTTPException(status_code=status.HTTP_403_FORBIDDEN, detail="Not enough permissions")
    return current_user
"#,
            lit = py_str(&role)
        ));
    }
    for line in t.lines() {
        g.line(line);
    }
}

fn collections(g: &mut Gen<'_>) {
    for c in &g.app.collections.clone() {
        g.line("");
        g.line("# Records keyed by their id as the URL spells it.");
        g.line(&format!("{}: Dict[str, dict] = {{", c.name.to_uppercase()));
        for r in &c.records {
            let mut obj = serde_json::Map::new();
            obj.insert("id".into(), r.id.clone());
            obj.insert("owner".into(), serde_json::Value::String(r.owner.clone()));
            for (k, v) in &r.fields {
                obj.insert(k.clone(), v.clone());
            }
            g.line(&format!("    {}: {},", py_str(&r.id_text()), py_value(&serde_json::Value::Object(obj))));
        }
        g.line("}");
    }
}

fn rate_limiter(g: &mut Gen<'_>) {
    let text = r#"

# A small sliding-window rate limiter (one process; a real deployment keeps this in Redis).
_hits: Dict[tuple, List[float]] = {}


def _recent(key: tuple, window: int, now: float) -> List[float]:
    hits = [t for t in _hits.get(key, []) if now - t < window]
    _hits[key] = hits
    return hits


def _too_many(detail: str, hits: List[float], window: int, now: float) -> HTTPException:
    retry_after = max(1, math.ceil(hits[0] + window - now))
    return HTTPException(status_code=429, detail=detail, headers={"Retry-After": str(retry_after)})


def rate_limit(route: str, requests: int, window: int):
    def dependency(request: Request):
        now = time.monotonic()
        hits = _recent((route, request.client.host), window, now)
        if len(hits) >= requests:
            raise _too_many("Too Many Requests", hits, window, now)
        hits.append(now)

    return dependency"#;
    for line in text.lines() {
        g.line(line);
    }
}

fn limit_args(l: &RateLimitSpec) -> String {
    format!("{}, {}", l.requests, l.window_seconds)
}

fn route(g: &mut Gen<'_>, index: usize, r: &RouteSpec) {
    let app = g.app;
    let method = r.method.to_lowercase();
    let params: Vec<String> = r
        .path
        .split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(str::to_owned)
        .collect();
    // response_model
    let model = response_model(g, r);
    let deco = match &model {
        Some(m) => format!("@app.{method}({}, response_model={m})", py_str(&r.path)),
        None => format!("@app.{method}({})", py_str(&r.path)),
    };
    let at = g.line_no();
    g.lines.push((index, at));
    g.line(&deco);
    if let Some(login) = &r.login {
        let mut sig = vec!["form_data: OAuth2PasswordRequestForm = Depends()".to_owned()];
        let per_client = login.rate_limit.as_ref().is_some_and(|l| l.per == RateKey::Client);
        if per_client {
            sig.push("request: Request = None".to_owned());
        }
        g.line(&format!("async def {}(\n    {},\n) -> Token:", r.handler, sig.join(",\n    ")));
        if let Some(l) = &login.rate_limit {
            let key = if per_client { "request.client.host" } else { "form_data.username" };
            g.line("    # Failed logins per key in the window; one more attempt is refused with 429.");
            g.line("    now = time.monotonic()");
            g.line(&format!(
                "    failures = _recent(({}, {key}), {}, now)",
                py_str(&r.handler),
                l.window_seconds
            ));
            g.line(&format!("    if len(failures) >= {}:", l.requests));
            g.line(&format!(
                "        raise _too_many(\"Too many failed logins\", failures, {}, now)",
                l.window_seconds
            ));
        }
        g.line("    user = authenticate_user(fake_users_db, form_data.username, form_data.password)");
        g.line("    if not user:");
        if login.rate_limit.is_some() {
            g.line("        failures.append(now)");
        }
        g.line("        raise HTTPException(");
        g.line("            status_code=status.HTTP_401_UNAUTHORIZED,");
        g.line("            detail=\"Incorrect username or password\",");
        g.line("            headers={\"WWW-Authenticate\": \"Bearer\"},");
        g.line("        )");
        g.line("    access_token = create_access_token(");
        g.line("        data={\"sub\": user.username, \"scope\": \" \".join(form_data.scopes), \"role\": user.role},");
        g.line("        expires_delta=timedelta(minutes=ACCESS_TOKEN_EXPIRE_MINUTES),");
        g.line("    )");
        g.line("    return Token(access_token=access_token, token_type=\"bearer\")");
        return;
    }
    let mut sig: Vec<String> = params.iter().map(|p| format!("{p}: str")).collect();
    if let Some(l) = &r.rate_limit {
        sig.insert(
            0,
            format!("_limit: None = Depends(rate_limit({}, {}))", py_str(&r.handler), limit_args(l)),
        );
    }
    if let Some(c) = &r.credential {
        let ty = match app.scheme(&c.scheme) {
            Some(SecuritySpec::HTTPBearer { .. }) => "HTTPAuthorizationCredentials".to_owned(),
            Some(SecuritySpec::HTTPBasic { .. }) => "HTTPBasicCredentials".to_owned(),
            Some(s) if !s.auto_error() => "Optional[str]".to_owned(),
            _ => "str".to_owned(),
        };
        let via = match c.via {
            Via::Depends => "Depends",
            Via::Security => "Security",
        };
        sig.push(format!("{}: {ty} = {via}({})", c.param, c.scheme));
    }
    if let (Some(dep), Some(cu)) = (user_dependency(r), &r.current_user) {
        if cu.scopes.is_empty() {
            sig.push(format!("current_user: UserInDB = Depends({dep})"));
        } else {
            sig.push(format!("current_user: UserInDB = Security({dep}, scopes={})", py_list(&cu.scopes)));
        }
    }
    if sig.len() > 1 || sig.iter().map(String::len).sum::<usize>() > 60 {
        g.line(&format!("async def {}(\n    {},\n):", r.handler, sig.join(",\n    ")));
    } else {
        g.line(&format!("async def {}({}):", r.handler, sig.join(", ")));
    }
    for check in &r.checks {
        if let Some(te) = &check.token_equals {
            let param = r.credential.as_ref().map_or("token", |c| c.param.as_str());
            g.line(&format!("    if {param} != {}:", py_str(&te.value)));
            match &te.www_authenticate {
                Some(w) => g.line(&format!(
                    "        raise HTTPException(status_code={}, detail={}, headers={{\"WWW-Authenticate\": {}}})",
                    te.status,
                    py_str(&te.detail),
                    py_str(w)
                )),
                None => g.line(&format!("        raise HTTPException(status_code={}, detail={})", te.status, py_str(&te.detail))),
            }
        }
    }
    let Some(kind) = r.returns.as_ref().and_then(|x| x.kind()) else {
        g.line("    return None");
        return;
    };
    match kind {
        Returns::Json(v) => {
            let cred = r.credential.as_ref().map(|c| c.param.clone());
            g.line(&format!("    return {}", py_template(v, cred.as_deref())));
        }
        Returns::User => g.line("    return current_user"),
        Returns::Records(rec) => {
            let table = rec.collection.to_uppercase();
            if rec.owned_only {
                g.line(&format!(
                    "    return [r for r in {table}.values() if r[\"owner\"] == current_user.username]"
                ));
            } else {
                g.line(&format!("    return list({table}.values())"));
            }
        }
        Returns::Record(rec) => {
            let table = rec.collection.to_uppercase();
            let var = "record";
            let nf = py_str(&rec.not_found_detail);
            g.line(&format!("    {var} = {table}.get({})", rec.param));
            match rec.owner_check {
                OwnerCheck::NotFound => {
                    g.line(
                        "    # One answer for \"missing\" and \"someone else's\": the caller learns nothing.",
                    );
                    g.line(&format!("    if {var} is None or {var}[\"owner\"] != current_user.username:"));
                    g.line(&format!("        raise HTTPException(status_code=404, detail={nf})"));
                }
                OwnerCheck::Forbidden => {
                    g.line(&format!("    if {var} is None:"));
                    g.line(&format!("        raise HTTPException(status_code=404, detail={nf})"));
                    g.line(&format!("    if {var}[\"owner\"] != current_user.username:"));
                    g.line("        raise HTTPException(status_code=403, detail=\"Not enough permissions\")");
                }
                OwnerCheck::None => {
                    g.line(&format!("    if {var} is None:"));
                    g.line(&format!("        raise HTTPException(status_code=404, detail={nf})"));
                    g.line(
                        "    # VULNERABLE: no owner check, any logged-in user reads any record (OWASP API1).",
                    );
                }
            }
            g.line(&format!("    return {var}"));
        }
    }
}

/// A model class: its name, whether the route returns a list of it, its fields and types.
type ModelDef = (String, bool, Vec<(String, String)>);

/// A `response_model` class for the route (declared just above it), or `User` for the user
/// fields of FastAPI's tutorial.
fn response_model(g: &mut Gen<'_>, r: &RouteSpec) -> Option<String> {
    let fields = r.response_model.as_ref()?;
    let kind = r.returns.as_ref().and_then(|x| x.kind())?;
    let (name, list, types): ModelDef = match kind {
        Returns::User => {
            if fields.iter().map(String::as_str).eq(["username", "email", "full_name", "disabled"]) {
                return Some("User".into());
            }
            let ty = |f: &str| match f {
                "email" | "full_name" => "Optional[str] = None",
                "disabled" => "Optional[bool] = None",
                _ => "str",
            };
            (
                format!("{}Out", class_name(&r.handler)),
                false,
                fields.iter().map(|f| (f.clone(), ty(f).to_owned())).collect(),
            )
        }
        Returns::Record(_) => record_model(g, r, fields, false)?,
        Returns::Records(_) => record_model(g, r, fields, true)?,
        Returns::Json(_) => return None,
    };
    if !g.models.contains(&name) {
        g.models.push(name.clone());
        g.line(&format!("class {name}(BaseModel):"));
        for (f, ty) in &types {
            g.line(&format!("    {f}: {ty}"));
        }
        g.line("");
        g.line("");
    }
    Some(if list { format!("List[{name}]") } else { name })
}

fn record_model(g: &Gen<'_>, r: &RouteSpec, fields: &[String], list: bool) -> Option<ModelDef> {
    let collection = match r.returns.as_ref()?.kind()? {
        Returns::Record(rec) => rec.collection.clone(),
        Returns::Records(rec) => rec.collection.clone(),
        _ => return None,
    };
    let c = g.app.collection(&collection)?;
    let first = c.records.first()?;
    let types = fields
        .iter()
        .map(|f| {
            let ty = match f.as_str() {
                "id" => py_type(&first.id),
                "owner" => "str",
                other => first.fields.get(other).map_or("str", py_type),
            };
            (f.clone(), ty.to_owned())
        })
        .collect();
    Some((format!("{}Out", class_name(&collection)), list, types))
}

/// A `returns: {json: ...}` value as a Python expression, placeholders replaced by the names
/// they stand for.
fn py_template(v: &serde_json::Value, credential: Option<&str>) -> String {
    use serde_json::Value;
    match v {
        Value::String(s) => {
            let Some(name) = s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) else { return py_str(s) };
            if !crate::content::lab_app::is_placeholder(name) {
                return py_str(s);
            }
            let (head, part) = crate::content::lab_app::split_placeholder(name);
            match (head, part) {
                ("credential", None) => credential.unwrap_or("None").to_owned(),
                ("credential", Some(p)) => format!("{}.{p}", credential.unwrap_or("credentials")),
                ("user", Some(p)) => format!("current_user.{p}"),
                ("path", Some(p)) => p.to_owned(),
                _ => py_str(s),
            }
        }
        Value::Array(a) => {
            format!("[{}]", a.iter().map(|x| py_template(x, credential)).collect::<Vec<_>>().join(", "))
        }
        Value::Object(o) => format!(
            "{{{}}}",
            o.iter()
                .map(|(k, x)| format!("{}: {}", py_str(k), py_template(x, credential)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => py_value(other),
    }
}

/// The whole file for `lab --code` (and the lab's code pane): the fixed app, or its twin.
#[must_use]
pub fn program(app: &LabApp, lesson: &str, vulnerable: bool) -> Option<Program> {
    let side = if vulnerable { app.vulnerable()? } else { app.fixed() };
    let mut p = generate(&side, lesson);
    if vulnerable {
        let why =
            app.vulnerable
                .as_ref()
                .map(|v| v.why.clone())
                .into_iter()
                .chain(app.routes.iter().filter_map(|r| {
                    r.vulnerable.as_ref().map(|v| format!("{} {}: {}", r.method, r.path, v.why))
                }))
                .collect::<Vec<_>>();
        let mut banner = String::from("# VULNERABLE TWIN, for the lab only:\n");
        for w in why {
            let _ = writeln!(banner, "#   {}", w.replace('\n', " "));
        }
        let shift = banner.matches('\n').count();
        p.source = banner + &p.source;
        for (_, line) in &mut p.route_lines {
            *line += shift;
        }
    }
    Some(p)
}

/// The line (1-based) of the program where a traced check lives: the check's own statement in
/// the route's handler, or in the dependency it names; else the route's decorator. `check` is
/// the trace's name for it (`jwt.decode(HS256)`, `owner == current_user.username`…).
#[must_use]
pub fn line_of_check(program: &Program, route: Option<usize>, check: &str) -> Option<usize> {
    let lines: Vec<&str> = program.source.lines().collect();
    let route_line = route.and_then(|i| program.route_lines.iter().find(|(r, _)| *r == i).map(|(_, l)| *l));
    // Where the route's own code ends: the next route's decorator, or the end.
    let route_end = route_line
        .and_then(|start| program.route_lines.iter().map(|(_, l)| *l).filter(|l| *l > start).min())
        .unwrap_or(lines.len() + 1);
    let in_route = |needle: &str| {
        let start = route_line?;
        (start..route_end).find(|n| lines.get(n - 1).is_some_and(|l| l.contains(needle)))
    };
    let anywhere = |needle: &str| lines.iter().position(|l| l.contains(needle)).map(|i| i + 1);
    let found = match check {
        "jwt.decode(HS256)" => anywhere("payload = jwt.decode("),
        "get_user(sub)" => anywhere("user = get_user(fake_users_db"),
        "SecurityScopes" => anywhere("if scope not in token_data.scopes"),
        "user.disabled" => anywhere("if current_user.disabled"),
        "authenticate_user" => in_route("user = authenticate_user("),
        "failed_logins" => in_route("if len(failures) >="),
        "rate_limit" => in_route("Depends(rate_limit("),
        "OAuth2PasswordRequestForm" | "request.form()" => in_route("OAuth2PasswordRequestForm = Depends()"),
        "owner == current_user.username" => in_route("[\"owner\"] != current_user.username"),
        c if c.starts_with("role == ") => anywhere("if current_user.role != "),
        c if c.starts_with("token == ") => in_route(" != \""),
        c if c.contains(".get(") => in_route(&format!(" = {c}")),
        // A security class: the handler parameter (or the dependency) that uses it.
        c if c.starts_with("OAuth2PasswordBearer")
            || c.starts_with("HTTPBearer")
            || c.starts_with("HTTPBasic")
            || c.starts_with("APIKey") =>
        {
            in_route("Depends(").or_else(|| in_route("Security(")).filter(|n| *n != route_line.unwrap_or(0))
        }
        _ => None,
    };
    found.or(route_line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::engine::AppSet;

    fn program(id: &str, vulnerable: bool) -> (LabApp, Program) {
        let set = AppSet::shipped();
        let app = set.get(id).unwrap();
        let spec =
            if vulnerable { app.vulnerable.as_ref().unwrap().spec.clone() } else { app.fixed.spec.clone() };
        let p = generate(&spec, "l");
        (spec, p)
    }

    #[test]
    fn each_traced_check_points_at_its_line_of_the_program() {
        let (_, p) = program("invoices_app", false);
        let line = |route, check| {
            let n = line_of_check(&p, route, check).unwrap();
            p.source.lines().nth(n - 1).unwrap().trim().to_owned()
        };
        assert_eq!(
            line(Some(1), "owner == current_user.username"),
            "if record is None or record[\"owner\"] != current_user.username:"
        );
        assert_eq!(line(Some(1), "INVOICES.get(invoice_id)"), "record = INVOICES.get(invoice_id)");
        assert_eq!(
            line(Some(1), "jwt.decode(HS256)"),
            "payload = jwt.decode(token, SECRET_KEY, algorithms=[ALGORITHM])"
        );
        assert_eq!(line(Some(0), "failed_logins"), "if len(failures) >= 5:");
        assert_eq!(
            line(Some(0), "authenticate_user"),
            "user = authenticate_user(fake_users_db, form_data.username, form_data.password)"
        );
        assert_eq!(line(Some(2), "route"), "@app.get(\"/invoices\", response_model=List[InvoicesOut])");
        let (_, seed) = program("seed1_app", false);
        let n = line_of_check(&seed, Some(0), "token == \"securetoken\"").unwrap();
        assert_eq!(seed.source.lines().nth(n - 1).unwrap().trim(), "if token != \"securetoken\":");
        let n = line_of_check(&seed, Some(0), "OAuth2PasswordBearer").unwrap();
        assert_eq!(
            seed.source.lines().nth(n - 1).unwrap().trim(),
            "async def read_items(token: str = Depends(oauth2_scheme)):"
        );
    }

    #[test]
    fn the_twin_says_what_is_wrong_at_the_top_and_lacks_the_check() {
        let app = AppSet::shipped();
        let spec = &app.get("invoices_app").unwrap();
        let _ = spec;
        let catalog = crate::content::load_embedded().unwrap();
        let lab =
            catalog.lessons.iter().flat_map(|l| l.lab_apps.iter()).find(|a| a.id == "invoices_app").unwrap();
        let twin = super::program(lab, "whose-data", true).unwrap();
        assert!(twin.source.starts_with("# VULNERABLE TWIN, for the lab only:\n"));
        assert!(twin.source.contains("# VULNERABLE: no owner check"));
        assert!(!twin.source.contains("\"owner\"] != current_user.username"));
        let fixed = super::program(lab, "whose-data", false).unwrap();
        assert!(fixed.source.contains("\"owner\"] != current_user.username"));
    }
}
