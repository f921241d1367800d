//! Starlette's `CORSMiddleware`, configured as the reference apps configure it, per Starlette
//! release (see [`StarletteCors`] for which FastAPI installs which).
//!
//! - `wildcard` (the seed pitfall): `allow_origins=["*"], allow_credentials=True,
//!   allow_methods=["*"], allow_headers=["*"]`.
//! - `trusted` (the fix): `allow_origins=["https://trustedclient.com"], allow_credentials=True,
//!   allow_methods=["GET", "POST"], allow_headers=["Authorization"]`.

use super::app::Req;
use super::config::CorsMode;
use super::fastapi::Resp;
use super::trace::{Actor, Outcome, TraceStage, Tracer};
use super::version::StarletteCors;

pub const TRUSTED_ORIGIN: &str = "https://trustedclient.com";

struct Policy {
    allow_all_origins: bool,
    origins: &'static [&'static str],
    methods: Vec<&'static str>,
    allow_all_headers: bool,
    /// Lower-cased allowed request headers (safelisted ones included).
    headers: Vec<String>,
    /// The `Access-Control-Allow-Headers` value of a preflight, when not mirrored.
    headers_value: Option<String>,
}

fn policy(mode: CorsMode, starlette: StarletteCors) -> Option<Policy> {
    let all_methods: Vec<&'static str> = if starlette == StarletteCors::Modern {
        vec!["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "QUERY"]
    } else {
        vec!["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]
    };
    let safelisted = ["Accept", "Accept-Language", "Content-Language", "Content-Type"];
    match mode {
        CorsMode::Off => None,
        CorsMode::Wildcard => {
            // allow_headers=["*"]: sorted(SAFELISTED | {"*"}) puts "*" first.
            let mut names: Vec<&str> = safelisted.to_vec();
            names.push("*");
            names.sort_unstable();
            Some(Policy {
                allow_all_origins: true,
                origins: &["*"],
                methods: all_methods,
                allow_all_headers: true,
                headers: names.iter().map(|h| h.to_ascii_lowercase()).collect(),
                headers_value: None,
            })
        }
        CorsMode::Trusted => {
            let mut names: Vec<&str> = safelisted.to_vec();
            names.push("Authorization");
            names.sort_unstable();
            Some(Policy {
                allow_all_origins: false,
                origins: &[TRUSTED_ORIGIN],
                methods: vec!["GET", "POST"],
                allow_all_headers: false,
                headers: names.iter().map(|h| h.to_ascii_lowercase()).collect(),
                headers_value: Some(names.join(", ")),
            })
        }
    }
}

impl Policy {
    fn allows_origin(&self, origin: &str) -> bool {
        self.allow_all_origins || self.origins.contains(&origin)
    }
}

/// A preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) is answered by the
/// middleware itself and never reaches routing.
pub fn preflight(mode: CorsMode, starlette: StarletteCors, req: &Req, t: &mut Tracer) -> Option<Resp> {
    let p = policy(mode, starlette)?;
    let origin = req.header("origin")?;
    if req.method != "OPTIONS" || !req.has_header("access-control-request-method") {
        return None;
    }
    let method = req.header("access-control-request-method").unwrap_or("");
    let requested_headers = req.header("access-control-request-headers");
    let mut headers: Vec<(String, String)> = Vec::new();
    // allow_credentials=True in both apps, so the origin is always set explicitly.
    let vary = if starlette == StarletteCors::Modern {
        "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network"
    } else {
        "Origin"
    };
    headers.push(("vary".into(), vary.into()));
    headers.push(("access-control-allow-methods".into(), p.methods.join(", ")));
    headers.push(("access-control-max-age".into(), "600".into()));
    if let Some(value) = &p.headers_value {
        headers.push(("access-control-allow-headers".into(), value.clone()));
    }
    headers.push(("access-control-allow-credentials".into(), "true".into()));
    let mut failures = Vec::new();
    if p.allows_origin(origin) {
        headers.push(("access-control-allow-origin".into(), origin.to_owned()));
    } else {
        failures.push("origin");
    }
    if !p.methods.contains(&method) {
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
pub fn simple(mode: CorsMode, starlette: StarletteCors, req: &Req, resp: &mut Resp, t: &mut Tracer) {
    let Some(p) = policy(mode, starlette) else { return };
    let Some(origin) = req.header("origin") else {
        if starlette == StarletteCors::Modern {
            resp.add_vary("Origin");
        }
        return;
    };
    if p.allow_all_origins {
        resp.set_header("access-control-allow-origin", "*".into());
    }
    resp.set_header("access-control-allow-credentials", "true".into());
    let has_cookie = req.has_header("cookie");
    let explicit = if p.allow_all_origins {
        // Starlette 1.0.0: with credentials allowed, the origin is always echoed; before, only
        // when the request carried a cookie.
        starlette == StarletteCors::Modern || has_cookie
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
