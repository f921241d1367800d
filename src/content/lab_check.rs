//! The checks `check` runs on lab apps: what the schema cannot say (a route naming a security
//! object that does not exist, a record owned by a missing user, a rate limit of 0, two routes
//! on one method and path…), each located at the field at fault. Running the scenarios against
//! the engine happens in the command layer (`commands::check`), which knows the engine.

use std::collections::HashSet;

use super::lab_app::{LabApp, OwnerCheck, Returns, RouteSpec, SecuritySpec};
use super::locate::FieldPath;
use super::schema::Lesson;
use super::validate::{At, Problem};

/// A Python identifier (generated code uses ids and names as variable names).
fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !PYTHON_KEYWORDS.contains(&s)
}

const PYTHON_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def",
    "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is",
    "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
];

const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE"];

/// Whether a text may go into the generated Python as a string literal without surprises.
fn plain_text(s: &str) -> bool {
    !s.chars().any(char::is_control)
}

struct Out {
    problems: Vec<Problem>,
}

impl Out {
    fn err(&mut self, path: FieldPath, message: impl Into<String>) {
        self.problems.push(Problem { path, at: At::Value, message: message.into() });
    }
}

/// Every problem of one lesson's lab apps and of its scenarios' `app:` references.
/// `known_apps`: the ids of every lab app in the content (a scenario may use another lesson's).
#[must_use]
pub fn check_lesson(lesson: &Lesson, known_apps: &HashSet<&str>) -> Vec<Problem> {
    let mut out = Out { problems: Vec::new() };
    let root = FieldPath::root();
    let mut ids = HashSet::new();
    for (i, app) in lesson.lab_apps.iter().enumerate() {
        let at = root.key("lab_apps").index(i);
        if !is_identifier(&app.id) {
            out.err(
                at.key("id"),
                format!("lab app id `{}` must be a Python identifier (letters, digits, `_`)", app.id),
            );
        }
        if !ids.insert(app.id.as_str()) {
            out.err(at.key("id"), format!("lab app `{}` is declared twice", app.id));
        }
        check_app(app, &at, &mut out);
    }
    for (i, s) in lesson.lab_scenarios.iter().enumerate() {
        let at = root.key("lab_scenarios").index(i);
        match &s.app {
            Some(app) if !known_apps.contains(app.as_str()) => {
                let known: Vec<&str> = known_apps.iter().copied().collect();
                let hint = super::suggest::did_you_mean(app, known.iter().copied())
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                out.err(at.key("app"), format!("no lab app `{app}` in the content{hint}"));
            }
            None if s.vulnerable => {
                out.err(at.key("vulnerable"), "`vulnerable: true` needs `app:` (whose twin?)")
            }
            _ => {}
        }
        let mut captured: HashSet<&str> = HashSet::new();
        for (j, r) in s.requests.iter().enumerate() {
            let rat = at.key("requests").index(j);
            let texts = std::iter::once(&r.path).chain(r.headers.iter()).chain(r.form.iter());
            for text in texts {
                for name in super::lab_app::capture_names(text) {
                    if !captured.contains(name) {
                        out.err(
                            rat.clone(),
                            format!("`{{{{{name}}}}}` is used before a request of this scenario captures it"),
                        );
                    }
                }
            }
            for (name, from) in &r.capture {
                if from.strip_prefix("body.").is_none_or(str::is_empty) {
                    out.err(rat.key("capture").key(name), format!("capture `{from}`: write `body.<field>`"));
                }
                captured.insert(name);
            }
        }
    }
    out.problems
}

fn check_app(app: &LabApp, at: &FieldPath, out: &mut Out) {
    if !plain_text(&app.title) {
        out.err(
            at.key("title"),
            "the title may not hold control characters (it opens the program's docstring)",
        );
    }
    let mut names = HashSet::new();
    for (i, s) in app.security.iter().enumerate() {
        let sat = at.key("security").index(i);
        if !is_identifier(s.name()) {
            out.err(sat.key("name"), format!("`{}` must be a Python identifier", s.name()));
        }
        if !names.insert(s.name()) {
            out.err(sat.key("name"), format!("security object `{}` is declared twice", s.name()));
        }
        if !s.auto_error() && !matches!(s, SecuritySpec::OAuth2PasswordBearer { .. }) {
            out.err(
                sat.key("auto_error"),
                "auto_error: false is supported on OAuth2PasswordBearer only, for now",
            );
        }
        let texts: Vec<&str> = match s {
            SecuritySpec::OAuth2PasswordBearer { token_url, scopes, .. } => {
                std::iter::once(token_url.as_str())
                    .chain(scopes.iter().flat_map(|s| [s.name.as_str(), s.description.as_str()]))
                    .collect()
            }
            SecuritySpec::HTTPBasic { realm, .. } => realm.iter().map(String::as_str).collect(),
            SecuritySpec::APIKeyHeader { key_name, .. }
            | SecuritySpec::APIKeyQuery { key_name, .. }
            | SecuritySpec::APIKeyCookie { key_name, .. } => vec![key_name.as_str()],
            SecuritySpec::HTTPBearer { .. } => vec![],
        };
        if texts.iter().any(|t| !plain_text(t) || t.contains(['"', '\\'])) {
            out.err(
                sat,
                "names, URLs and descriptions here may not hold quotes, backslashes or control characters",
            );
        }
    }
    let mut users = HashSet::new();
    for (i, u) in app.users.iter().enumerate() {
        let uat = at.key("users").index(i);
        if !users.insert(u.username.as_str()) {
            out.err(uat.key("username"), format!("user `{}` is declared twice", u.username));
        }
        if u.username.is_empty() || !plain_text(&u.username) || !plain_text(&u.password) {
            out.err(uat.clone(), "usernames and passwords must be non-empty text without control characters");
        }
    }
    for (i, c) in app.collections.iter().enumerate() {
        let cat = at.key("collections").index(i);
        if !is_identifier(&c.name) {
            out.err(cat.key("name"), format!("collection `{}` must be a Python identifier", c.name));
        }
        let mut ids = HashSet::new();
        for (j, r) in c.records.iter().enumerate() {
            let rat = cat.key("records").index(j);
            if !(r.id.is_string() || r.id.is_i64() || r.id.is_u64()) {
                out.err(rat.key("id"), "a record id is a string or an integer");
            }
            if !ids.insert(r.id_text()) {
                out.err(rat.key("id"), format!("record id `{}` appears twice", r.id_text()));
            }
            if !users.contains(r.owner.as_str()) {
                out.err(rat.key("owner"), format!("owner `{}` is not a user of this app", r.owner));
            }
            for (k, v) in &r.fields {
                if k == "id" || k == "owner" || !is_identifier(k) {
                    out.err(
                        rat.key("fields").key(k),
                        format!("field `{k}`: use a Python identifier other than id and owner"),
                    );
                }
                if has_float(v) {
                    out.err(
                        rat.key("fields").key(k),
                        "numbers in records are integers (write a decimal as a string)",
                    );
                }
            }
        }
    }
    let mut seen = HashSet::new();
    let mut handlers = HashSet::new();
    for (i, r) in app.routes.iter().enumerate() {
        let rat = at.key("routes").index(i);
        if !seen.insert((r.method.as_str(), r.path.as_str())) {
            out.err(
                rat.key("path"),
                format!("{} {} is declared twice (the first one would always win)", r.method, r.path),
            );
        }
        if !handlers.insert(r.handler.as_str()) || !is_identifier(&r.handler) {
            out.err(
                rat.key("handler"),
                format!("handler `{}` must be a unique Python identifier", r.handler),
            );
        }
        check_route(app, r, &rat, out);
        if let Some(v) = &r.vulnerable {
            let twin = app.vulnerable().and_then(|t| t.routes.get(i).cloned());
            if let Some(twin) = twin {
                check_route(app, &twin, &rat.key("vulnerable"), out);
            }
            if v.why.trim().is_empty() {
                out.err(rat.key("vulnerable").key("why"), "say in one line what is wrong in the twin");
            }
        }
    }
}

fn has_float(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Number(n) => n.is_f64(),
        serde_json::Value::Array(a) => a.iter().any(has_float),
        serde_json::Value::Object(o) => o.values().any(has_float),
        _ => false,
    }
}

fn check_route(app: &LabApp, r: &RouteSpec, at: &FieldPath, out: &mut Out) {
    if !METHODS.contains(&r.method.as_str()) {
        out.err(at.key("method"), format!("method `{}`: use one of {}", r.method, METHODS.join(", ")));
    }
    let params: Vec<&str> =
        r.path.split('/').filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}'))).collect();
    let path_ok = r.path.starts_with('/')
        && r.path.split('/').skip(1).all(|s| {
            let param = s.strip_prefix('{').and_then(|s| s.strip_suffix('}'));
            match param {
                Some(p) => is_identifier(p),
                None => !s.contains(['{', '}', '?', '#', '%', '"', '\\']) && plain_text(s),
            }
        });
    if !path_ok {
        out.err(
            at.key("path"),
            format!("path `{}`: start with `/`; a parameter is a whole segment `{{name}}`; no `?`, `#`, `%`, quotes", r.path),
        );
    }
    let scheme_ok = |name: &str| app.scheme(name).is_some();
    if let Some(c) = &r.credential {
        if !scheme_ok(&c.scheme) {
            out.err(at.key("credential").key("scheme"), unknown_scheme(app, &c.scheme));
        }
        if !is_identifier(&c.param) {
            out.err(at.key("credential").key("param"), format!("`{}` must be a Python identifier", c.param));
        }
    }
    if let Some(cu) = &r.current_user {
        match app.scheme(&cu.scheme) {
            None => out.err(at.key("current_user").key("scheme"), unknown_scheme(app, &cu.scheme)),
            Some(SecuritySpec::OAuth2PasswordBearer { auto_error: true, .. }) => {}
            Some(_) => out.err(
                at.key("current_user").key("scheme"),
                "the current-user chain reads a bearer JWT: name an OAuth2PasswordBearer (auto_error: true)",
            ),
        }
        if app.users.is_empty() {
            out.err(at.key("current_user"), "a current user needs `users:` in the app");
        }
        if let Some(role) = &cu.role
            && !is_identifier(role)
        {
            out.err(
                at.key("current_user").key("role"),
                format!("role `{role}` must be a Python identifier (it names `require_{role}`)"),
            );
        }
        if r.credential.is_some() {
            out.err(at.key("credential"), "give a route either `credential` or `current_user`, not both");
        }
    }
    if r.login.is_some() {
        if r.method != "POST" {
            out.err(at.key("method"), "a login route is POST (it reads a form)");
        }
        if app.users.is_empty() {
            out.err(at.key("login"), "a login route needs `users:` in the app");
        }
        if r.returns.is_some() || r.credential.is_some() || r.current_user.is_some() || !r.checks.is_empty() {
            out.err(
                at.key("login"),
                "a login route returns the token itself: no returns, credential, current_user or checks",
            );
        }
        if let Some(limit) = r.login.as_ref().and_then(|l| l.rate_limit.as_ref()) {
            check_limit(limit, &at.key("login").key("rate_limit"), out);
        }
    }
    if let Some(limit) = &r.rate_limit {
        check_limit(limit, &at.key("rate_limit"), out);
        if limit.per == super::lab_app::RateKey::Username {
            out.err(
                at.key("rate_limit").key("per"),
                "`per: username` counts failed logins: put it under `login: {rate_limit: ...}`",
            );
        }
    }
    for (j, c) in r.checks.iter().enumerate() {
        if c.token_equals.is_none() {
            out.err(at.key("checks").index(j), "a check names one kind: token_equals");
        }
        if c.token_equals.is_some() && r.credential.is_none() {
            out.err(
                at.key("checks").index(j),
                "token_equals compares the route's credential: add `credential:`",
            );
        }
    }
    let returns_at = at.key("returns");
    match (&r.returns, r.login.is_some()) {
        (None, false) => out.err(at.key("handler"), "say what the handler returns (`returns:`)"),
        (Some(ret), false) => match ret.kind() {
            None => out.err(returns_at, "returns names exactly one of json, user, record, records"),
            Some(Returns::Json(v)) => check_placeholders(v, r, &params, &returns_at.key("json"), out),
            Some(Returns::User) => {
                if r.current_user.is_none() {
                    out.err(returns_at, "returning the user needs `current_user:`");
                }
            }
            Some(Returns::Record(rec)) => {
                let rat = returns_at.key("record");
                if app.collection(&rec.collection).is_none() {
                    out.err(rat.key("collection"), format!("no collection `{}` in this app", rec.collection));
                }
                if !params.contains(&rec.param.as_str()) {
                    out.err(rat.key("param"), format!("`{}` is not a parameter of {}", rec.param, r.path));
                }
                if rec.owner_check != OwnerCheck::None && r.current_user.is_none() {
                    out.err(
                        rat.key("owner_check"),
                        "an owner check compares with the current user: add `current_user:`",
                    );
                }
            }
            Some(Returns::Records(recs)) => {
                if app.collection(&recs.collection).is_none() {
                    out.err(
                        returns_at.key("records").key("collection"),
                        format!("no collection `{}` in this app", recs.collection),
                    );
                }
                if recs.owned_only && r.current_user.is_none() {
                    out.err(returns_at.key("records").key("owned_only"), "owned_only needs `current_user:`");
                }
            }
        },
        (_, true) => {}
    }
    if let (Some(fields), Some(ret)) = (&r.response_model, r.returns.as_ref().and_then(|x| x.kind())) {
        let available: Vec<String> = match ret {
            Returns::User => ["username", "email", "full_name", "disabled", "hashed_password", "role"]
                .map(str::to_owned)
                .to_vec(),
            Returns::Record(rec) => fields_of(app, &rec.collection),
            Returns::Records(rec) => fields_of(app, &rec.collection),
            Returns::Json(_) => {
                out.err(
                    at.key("response_model"),
                    "response_model filters users and records; fixed JSON is written as wanted",
                );
                return;
            }
        };
        for f in fields {
            if !available.contains(f) {
                out.err(
                    at.key("response_model"),
                    format!("`{f}` is not a field of what the route returns ({})", available.join(", ")),
                );
            }
        }
    }
}

/// The fields every record of a collection has (`id`, `owner`, then the common fields).
fn fields_of(app: &LabApp, collection: &str) -> Vec<String> {
    let mut out = vec!["id".to_owned(), "owner".to_owned()];
    if let Some(c) = app.collection(collection)
        && let Some(first) = c.records.first()
    {
        {
            out.extend(
                first.fields.keys().filter(|k| c.records.iter().all(|r| r.fields.contains_key(*k))).cloned(),
            );
        }
    }
    out
}

fn check_limit(limit: &super::lab_app::RateLimitSpec, at: &FieldPath, out: &mut Out) {
    if limit.requests == 0 {
        out.err(at.key("requests"), "a rate limit of 0 requests refuses everything: use 1 or more");
    }
    if limit.window_seconds == 0 || limit.window_seconds > 86_400 {
        out.err(at.key("window_seconds"), "the window is 1 to 86400 seconds");
    }
}

fn check_placeholders(v: &serde_json::Value, r: &RouteSpec, params: &[&str], at: &FieldPath, out: &mut Out) {
    match v {
        serde_json::Value::String(s) => {
            let Some(name) = s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) else { return };
            let head = name.split('.').next().unwrap_or("");
            let known = super::lab_app::is_placeholder(name);
            let param_ok = head != "path" || name.split_once('.').is_some_and(|(_, p)| params.contains(&p));
            if !known || !param_ok {
                out.err(at.clone(), format!("`{s}` names nothing: use {{credential}}, {{credential.scheme|credentials|username|password}}, {{user.<field>}} or {{path.<param>}}"));
            } else if head == "credential" && r.credential.is_none() {
                out.err(at.clone(), format!("`{s}` needs `credential:` on the route"));
            } else if head == "user" && r.current_user.is_none() {
                out.err(at.clone(), format!("`{s}` needs `current_user:` on the route"));
            }
        }
        serde_json::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                check_placeholders(x, r, params, &at.index(i), out);
            }
        }
        serde_json::Value::Object(o) => {
            for (k, x) in o {
                check_placeholders(x, r, params, &at.key(k), out);
            }
        }
        serde_json::Value::Number(n) if n.is_f64() => {
            out.err(at.clone(), "numbers are integers (write a decimal as a string)")
        }
        _ => {}
    }
}

fn unknown_scheme(app: &LabApp, name: &str) -> String {
    let known: Vec<&str> = app.security.iter().map(SecuritySpec::name).collect();
    format!(
        "no security object `{name}` in this app (declared: {})",
        if known.is_empty() { "none".into() } else { known.join(", ") }
    )
}

/// Where a field of a lesson is, for a problem found after loading (a scenario's expectation
/// that the engine contradicts): the file as `check` prints it, and the line and column.
#[must_use]
pub fn locate(
    sources: &[super::Source],
    lesson_id: &str,
    path: &FieldPath,
) -> Option<(std::path::PathBuf, usize, usize)> {
    let prefix_dirs = sources.len() > 1;
    for source in sources {
        for rel in
            source.list().files.iter().filter(|p| {
                p.starts_with("lessons") && p.extension().is_some_and(|e| e == "yaml" || e == "yml")
            })
        {
            let Ok(bytes) = source.read(rel) else { continue };
            let Ok(text) = String::from_utf8(bytes) else { continue };
            // The depth and alias guards run before serde_yaml sees the text.
            if super::locate::prescan_depth(&text).is_err() {
                continue;
            }
            let Ok(marks) = super::locate::scan(&text) else { continue };
            let Ok(value) = serde_yaml::from_str::<serde_yaml::Value>(&text) else { continue };
            if value.get("id").and_then(serde_yaml::Value::as_str) != Some(lesson_id) {
                continue;
            }
            let pos = marks.value_pos(path);
            return Some((super::load::display_path(source, rel, prefix_dirs), pos.line, pos.col));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lesson(lab_apps: &str, scenarios: &str) -> Lesson {
        let yaml = format!(
            "format_version: 1\nid: l\ntitle: t\noverview: {{what: a, why_it_matters: b, where_it_fits: c}}\nlab_apps:\n{lab_apps}\nlab_scenarios:\n{scenarios}"
        );
        serde_yaml::from_str(&yaml).unwrap()
    }

    fn messages(l: &Lesson) -> Vec<String> {
        let ids: HashSet<&str> = l.lab_apps.iter().map(|a| a.id.as_str()).collect();
        check_lesson(l, &ids).into_iter().map(|p| format!("{}: {}", p.path, p.message)).collect()
    }

    #[test]
    fn every_spec_mistake_is_named_at_its_field() {
        let l = lesson(
            r#"  - id: bad-id
    title: x
    users: [{username: a, password: p}, {username: a, password: q}]
    collections:
      - name: notes
        records:
          - {id: 1, owner: zed, fields: {price: 1.5}}
          - {id: 1, owner: a}
    security:
      - {class: HTTPBasic, name: basic, auto_error: false}
    routes:
      - {method: GET, path: "/n/{id}", handler: h, current_user: {scheme: basic, role: "a-b"}, returns: {record: {collection: nope, param: nid}}}
      - {method: GET, path: "/n/{id}", handler: h, credential: {scheme: ghost, param: t}, returns: {json: {x: "{user.username}"}}}
      - {method: FETCH, path: "/x?y", handler: k, rate_limit: {requests: 0, window_seconds: 0}, returns: {user: true, json: 1}}
"#,
            "  - {id: s, title: t, app: missing_app, requests: [{id: r, label: r, path: \"/{{tok}}\", expect: [{status: 200}]}]}\n",
        );
        let all = messages(&l).join("\n");
        for want in [
            "lab_apps[0].id: lab app id `bad-id` must be a Python identifier",
            "lab_apps[0].users[1].username: user `a` is declared twice",
            "lab_apps[0].collections[0].records[0].owner: owner `zed` is not a user of this app",
            "lab_apps[0].collections[0].records[0].fields.price: numbers in records are integers",
            "lab_apps[0].collections[0].records[1].id: record id `1` appears twice",
            "lab_apps[0].security[0].auto_error: auto_error: false is supported on OAuth2PasswordBearer only",
            "lab_apps[0].routes[0].current_user.scheme: the current-user chain reads a bearer JWT",
            "lab_apps[0].routes[0].current_user.role: role `a-b` must be a Python identifier",
            "lab_apps[0].routes[0].returns.record.collection: no collection `nope` in this app",
            "lab_apps[0].routes[0].returns.record.param: `nid` is not a parameter of /n/{id}",
            "lab_apps[0].routes[1].path: GET /n/{id} is declared twice",
            "lab_apps[0].routes[1].handler: handler `h` must be a unique Python identifier",
            "lab_apps[0].routes[1].credential.scheme: no security object `ghost` in this app (declared: basic)",
            "lab_apps[0].routes[1].returns.json.x: `{user.username}` needs `current_user:` on the route",
            "lab_apps[0].routes[2].method: method `FETCH`",
            "lab_apps[0].routes[2].path: path `/x?y`",
            "lab_apps[0].routes[2].rate_limit.requests: a rate limit of 0 requests refuses everything",
            "lab_apps[0].routes[2].rate_limit.window_seconds: the window is 1 to 86400 seconds",
            "lab_apps[0].routes[2].returns: returns names exactly one of json, user, record, records",
            "lab_scenarios[0].app: no lab app `missing_app` in the content",
            "lab_scenarios[0].requests[0]: `{{tok}}` is used before a request of this scenario captures it",
        ] {
            assert!(all.contains(want), "missing {want:?} in\n{all}");
        }
    }
}
