//! Starlette's `CORSMiddleware`, configured as the reference apps configure it, per Starlette
//! release (see [`StarletteCors`] for which FastAPI installs which).
//!
//! - `wildcard` (the seed pitfall): `allow_origins=["*"], allow_credentials=True,
//!   allow_methods=["*"], allow_headers=["*"]`.
//! - `trusted` (the fix): `allow_origins=["https://trustedclient.com"], allow_credentials=True,
//!   allow_methods=["GET", "POST"], allow_headers=["Authorization"]`.

use super::app::Req;
use super::fastapi::Resp;
use super::trace::{Actor, Outcome, TraceStage, Tracer};
use super::version::StarletteCors;
use crate::content::lab_app::CorsSpec;

pub const TRUSTED_ORIGIN: &str = "https://trustedclient.com";

/// The CORS configuration of the seed's pitfall (`wildcard`) and of its fix (`trusted`), the
/// presets `--cors` names for the all-in-one demo API.
#[must_use]
pub fn preset(mode: super::config::CorsMode) -> Option<CorsSpec> {
    use super::config::CorsMode;
    let all = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    match mode {
        CorsMode::Off => None,
        CorsMode::Wildcard => Some(CorsSpec {
            allow_origins: all(&["*"]),
            allow_credentials: true,
            allow_methods: all(&["*"]),
            allow_headers: all(&["*"]),
        }),
        CorsMode::Trusted => Some(CorsSpec {
            allow_origins: all(&[TRUSTED_ORIGIN]),
            allow_credentials: true,
            allow_methods: all(&["GET", "POST"]),
            allow_headers: all(&["Authorization"]),
        }),
    }
}

/// `CORSMiddleware.__init__`: the middleware as configured, worked out once per server (see
/// [`super::router::DemoApi`]), not per request.
#[derive(Debug, Clone)]
pub struct Policy {
    spec: CorsSpec,
    starlette: StarletteCors,
    allow_all_origins: bool,
    methods: Vec<String>,
    allow_all_headers: bool,
    /// Lower-cased allowed request headers (safelisted ones included).
    headers: Vec<String>,
    /// The `Access-Control-Allow-Headers` value of a preflight, when not mirrored.
    headers_value: Option<String>,
    preflight_explicit_allow_origin: bool,
}

impl Policy {
    #[must_use]
    pub fn new(spec: CorsSpec, starlette: StarletteCors) -> Self {
        let methods: Vec<String> = if spec.allow_methods.iter().any(|m| m == "*") {
            let mut all = vec!["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"];
            if starlette == StarletteCors::Modern {
                all.push("QUERY");
            }
            all.into_iter().map(str::to_owned).collect()
        } else {
            spec.allow_methods.clone()
        };
        let allow_all_origins = spec.allow_origins.iter().any(|o| o == "*");
        let allow_all_headers = spec.allow_headers.iter().any(|h| h == "*");
        // sorted(SAFELISTED_HEADERS | set(allow_headers))
        let mut names: Vec<&str> = vec!["Accept", "Accept-Language", "Content-Language", "Content-Type"];
        names.extend(spec.allow_headers.iter().map(String::as_str));
        names.sort_unstable();
        names.dedup();
        let headers = names.iter().map(|h| h.to_lowercase()).collect();
        let headers_value = (!allow_all_headers).then(|| names.join(", "));
        let preflight_explicit_allow_origin = !allow_all_origins || spec.allow_credentials;
        Policy {
            spec,
            starlette,
            allow_all_origins,
            methods,
            allow_all_headers,
            headers,
            headers_value,
            preflight_explicit_allow_origin,
        }
    }

    fn allows_origin(&self, origin: &str) -> bool {
        self.allow_all_origins || self.spec.allow_origins.iter().any(|o| o == origin)
    }
}

/// A preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) is answered by the
/// middleware itself and never reaches routing.
pub fn preflight(policy: Option<&Policy>, req: &Req, t: &mut Tracer) -> Option<Resp> {
    let p = policy?;
    let starlette = p.starlette;
    let origin = req.header("origin")?;
    if req.method != "OPTIONS" || !req.has_header("access-control-request-method") {
        return None;
    }
    let method = req.header("access-control-request-method").unwrap_or("");
    let requested_headers = req.header("access-control-request-headers");
    let mut headers: Vec<(String, String)> = Vec::new();
    if starlette == StarletteCors::Modern {
        headers.push((
            "vary".into(),
            "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network".into(),
        ));
    } else if p.preflight_explicit_allow_origin {
        headers.push(("vary".into(), "Origin".into()));
    }
    if !p.preflight_explicit_allow_origin {
        headers.push(("access-control-allow-origin".into(), "*".into()));
    }
    headers.push(("access-control-allow-methods".into(), p.methods.join(", ")));
    headers.push(("access-control-max-age".into(), "600".into()));
    if let Some(value) = &p.headers_value {
        headers.push(("access-control-allow-headers".into(), value.clone()));
    }
    if p.spec.allow_credentials {
        headers.push(("access-control-allow-credentials".into(), "true".into()));
    }
    let mut failures = Vec::new();
    if p.allows_origin(origin) {
        if p.preflight_explicit_allow_origin {
            set(&mut headers, "access-control-allow-origin", origin);
        }
    } else {
        failures.push("origin");
    }
    if !p.methods.iter().any(|m| m == method) {
        failures.push("method");
    }
    if let Some(requested) = requested_headers {
        if p.allow_all_headers {
            set(&mut headers, "access-control-allow-headers", requested);
        } else if requested
            .split(',')
            .any(|h| !p.headers.contains(&super::pyish::py_strip(&h.to_lowercase()).to_owned()))
        {
            failures.push("headers");
        }
    }
    if req.has_header("access-control-request-private-network") && starlette != StarletteCors::Before051 {
        failures.push("private-network");
    }
    let resp = if failures.is_empty() {
        t.emit(
            TraceStage::Receive,
            "CORSMiddleware preflight",
            Outcome::Pass,
            Actor::Framework,
            "the preflight is allowed; the middleware answers it, routing never runs",
            &[("origin", origin), ("method", method), ("status", "200")],
        );
        Resp::plain(200, "OK", headers)
    } else {
        let text = format!("Disallowed CORS {}", failures.join(", "));
        t.emit(
            TraceStage::Receive,
            "CORSMiddleware preflight",
            Outcome::Fail,
            Actor::Framework,
            &text,
            &[("origin", origin), ("method", method), ("status", "400")],
        );
        Resp::plain(400, &text, headers)
    };
    Some(resp)
}

/// `dict[key] = value` on an insertion-ordered dict: replace in place or append.
fn set(headers: &mut Vec<(String, String)>, name: &str, value: &str) {
    match headers.iter_mut().find(|(n, _)| n == name) {
        Some(slot) => slot.1 = value.to_owned(),
        None => headers.push((name.to_owned(), value.to_owned())),
    }
}

/// The headers the middleware adds to every other response when the request has an `Origin`.
pub fn simple(policy: Option<&Policy>, req: &Req, resp: &mut Resp, t: &mut Tracer) {
    let Some(p) = policy else { return };
    let starlette = p.starlette;
    let Some(origin) = req.header("origin") else {
        if starlette == StarletteCors::Modern {
            resp.add_vary("Origin");
        }
        return;
    };
    if p.allow_all_origins {
        resp.set_header("access-control-allow-origin", "*".into());
    }
    if p.spec.allow_credentials {
        resp.set_header("access-control-allow-credentials", "true".into());
    }
    let has_cookie = req.has_header("cookie");
    let explicit = if p.allow_all_origins {
        // Starlette 1.0.0: with credentials allowed, the origin is always echoed; before, only
        // when the request carried a cookie (whatever the credentials setting).
        if starlette == StarletteCors::Modern { p.spec.allow_credentials } else { has_cookie }
    } else {
        p.allows_origin(origin)
    };
    if explicit {
        resp.set_header("access-control-allow-origin", origin.to_owned());
        resp.add_vary("Origin");
    } else if starlette == StarletteCors::Modern {
        resp.add_vary("Origin");
    }
    // A missing Access-Control-Allow-Origin stops a browser page from reading the answer, not
    // the server from sending it: recorded as a fact, not as the request being stopped.
    let message = match resp.header("access-control-allow-origin") {
        Some(_) => "CORS headers added: a browser page from this origin may read the answer",
        None => {
            "no Access-Control-Allow-Origin: a browser page from this origin cannot read the answer (the server still sent it)"
        }
    };
    let acao = resp.header("access-control-allow-origin").unwrap_or("(absent)").to_owned();
    t.emit(
        TraceStage::Respond,
        "CORSMiddleware",
        Outcome::Info,
        Actor::Framework,
        message,
        &[("origin", origin), ("access-control-allow-origin", &acao)],
    );
}
