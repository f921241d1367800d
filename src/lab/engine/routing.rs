//! Starlette's router over the routes of a lab app: a full match runs the endpoint; a path match
//! with another method is a 405 (FastAPI routes do not add HEAD); no match tries the path with the
//! trailing slash toggled and redirects there (any method) with an absolute URL built from
//! `Host`; else 404.

use super::{Route, Segment, Variant};
use crate::lab::app::Req;
use crate::lab::config::LabConfig;
use crate::lab::fastapi::Resp;
use crate::lab::pyish::{py_strip, quote};
use crate::lab::trace::{Actor, Outcome, TraceStage, Tracer};

/// What routing decided.
#[derive(Debug)]
pub enum Routed<'a> {
    /// Run this route with these path parameters (decoded, in path order).
    Endpoint { variant: &'a Variant, route: &'a Route, params: Vec<(String, String)> },
    /// One of the pages every FastAPI app serves (`/openapi.json`, `/docs`…), GET or HEAD.
    Builtin(&'static str),
    /// Routing answered by itself (404, 405, 307).
    Answer(Resp),
}

/// A built-in page's path matches as a literal route does (a final newline forgiven).
fn builtin(path: &str) -> Option<&'static str> {
    crate::lab::openapi::PATHS.iter().copied().find(|p| *p == path || path.strip_suffix('\n') == Some(*p))
}

/// Starlette's `compile_path` regex, `^/lit/(?P<p>[^/]+)$`, matched with Python's `re.match`:
/// `$` also matches before one final newline, which a literal route end leaves out of the match.
fn matches(route: &Route, path: &str) -> Option<Vec<(String, String)>> {
    fn exact(segments: &[Segment], path: &str) -> Option<Vec<(String, String)>> {
        let parts: Vec<&str> = path.strip_prefix('/')?.split('/').collect();
        if parts.len() != segments.len() {
            return None;
        }
        let mut params = Vec::new();
        for (seg, part) in segments.iter().zip(parts) {
            match seg {
                Segment::Lit(lit) if lit == part => {}
                Segment::Param(name) if !part.is_empty() => params.push((name.clone(), part.to_owned())),
                _ => return None,
            }
        }
        Some(params)
    }
    exact(&route.segments, path).or_else(|| {
        let ends_literal = matches!(route.segments.last(), Some(Segment::Lit(_)));
        path.strip_suffix('\n').filter(|_| ends_literal).and_then(|p| exact(&route.segments, p))
    })
}

/// Routes one request over `routes`, in their matching order (iterated twice at most: the match,
/// then the slash-toggled path for a redirect).
pub fn route<'a>(
    cfg: &LabConfig,
    mut routes: impl Iterator<Item = (&'a Variant, &'a Route)> + Clone,
    req: &Req,
    t: &mut Tracer,
) -> Routed<'a> {
    // FastAPI registers its own pages before the app's routes: they win.
    if let Some(page) = builtin(&req.path) {
        if req.method == "GET" || req.method == "HEAD" {
            t.emit(
                TraceStage::Receive,
                "route",
                Outcome::Pass,
                Actor::Framework,
                &format!("{} {page}: a page FastAPI serves by default, without any security", req.method),
                &[("route", page)],
            );
            return Routed::Builtin(page);
        }
        t.emit(
            TraceStage::Receive,
            "route",
            Outcome::Fail,
            Actor::Framework,
            &format!("{} is not allowed on {page} (allow: GET, HEAD)", req.method),
            &[("allow", "GET, HEAD"), ("status", "405")],
        );
        return Routed::Answer(Resp::method_not_allowed("GET, HEAD"));
    }
    let mut partial: Option<&Route> = None;
    for (variant, r) in routes.clone() {
        let Some(params) = matches(r, &req.path) else { continue };
        if r.spec.method == req.method {
            t.emit(
                TraceStage::Receive,
                "route",
                Outcome::Pass,
                Actor::Framework,
                &format!("{} {} matches a route", req.method, r.spec.path),
                &[("route", &r.spec.path)],
            );
            return Routed::Endpoint { variant, route: r, params };
        }
        partial = partial.or(Some(r));
    }
    if let Some(r) = partial {
        t.emit(
            TraceStage::Receive,
            "route",
            Outcome::Fail,
            Actor::Framework,
            &format!("{} is not allowed on {} (allow: {})", req.method, r.spec.path, r.spec.method),
            &[("allow", &r.spec.method), ("status", "405")],
        );
        return Routed::Answer(Resp::method_not_allowed(&r.spec.method));
    }
    if req.path != "/" {
        // `rstrip("/")`: every trailing slash goes.
        let other = if req.path.ends_with('/') {
            req.path.trim_end_matches('/').to_owned()
        } else {
            format!("{}/", req.path)
        };
        if builtin(&other).is_some() || routes.any(|(_, r)| matches(r, &other).is_some()) {
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

/// Starlette's `parse_host_header` and `is_valid_port` (1.x): `_HOST_RE` fully matched,
/// case-insensitive — a reg-name of `[a-z0-9._~%!$&'()*+,;=-]`, or `[IPv6]` that Python's
/// `IPv6Address` accepts, or `[vX.…]` — then an optional port of at most 5 digits (leading zeros
/// aside) up to 65535. Anything else is refused and the server's own address is used.
fn is_plain_host(host: &str) -> bool {
    let reg_name = |c: char| c.is_ascii_alphanumeric() || "._~%!$&'()*+,;=-".contains(c);
    let (name_ok, rest) = match host.strip_prefix('[') {
        Some(v6) => {
            let Some((inner, rest)) = v6.split_once(']') else { return false };
            let ipv6 = inner.contains(':')
                && inner.bytes().all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
                && inner.parse::<std::net::Ipv6Addr>().is_ok();
            let future =
                inner.strip_prefix('v').and_then(|f| f.split_once('.')).is_some_and(|(hex, tail)| {
                    !hex.is_empty()
                        && hex.bytes().all(|b| b.is_ascii_hexdigit())
                        && !tail.is_empty()
                        && tail.chars().all(|c| c.is_ascii_alphanumeric() || "._~!$&'()*+,;=:-".contains(c))
                });
            (ipv6 || future, rest)
        }
        None => {
            let end = host.find(':').unwrap_or(host.len());
            let name = &host[..end];
            (!name.is_empty() && name.chars().all(reg_name), &host[end..])
        }
    };
    let port_ok = match rest.strip_prefix(':') {
        None => rest.is_empty(),
        Some(port) => {
            let digits = port.trim_start_matches('0');
            !port.is_empty()
                && port.bytes().all(|b| b.is_ascii_digit())
                && digits.len() <= 5
                && digits.parse::<u32>().unwrap_or(0) <= 65_535
        }
    };
    name_ok && port_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::engine::AppSet;
    use crate::lab::version::FastApiVersion;

    #[test]
    fn hosts_are_validated_like_starlette() {
        for good in [
            "127.0.0.1:8000",
            "example.com",
            "EXAMPLE.com:1",
            "[::1]:8000",
            "[fe80::1]",
            "[::1]",
            "a_b~c%41!$&'()*+,;=",
            "h:0000080",
            "h:65535",
            "[::ffff:1.2.3.4]",
            "[v1.a:b]",
        ] {
            assert!(is_plain_host(good), "{good}");
        }
        for bad in [
            "",
            "evil.example/x",
            "a@b",
            "h:",
            "h:x",
            "[::1",
            "a b",
            "h:80:80",
            "[zz::1]",
            "::1",
            "h:65536",
            "h:123456",
            "[1:2:3:4:5:6:7:8:9]",
            "[V1.a]",
            "h\n",
        ] {
            assert!(!is_plain_host(bad), "{bad}");
        }
    }

    fn location(cfg: &LabConfig, req: &Req) -> Option<String> {
        let apps = AppSet::shipped();
        let routes = apps.routes(None, false);
        let mut t = Tracer::new(None, "t".into());
        match route(cfg, routes.iter().copied(), req, &mut t) {
            Routed::Answer(r) => r.header("location").map(str::to_owned),
            Routed::Endpoint { .. } | Routed::Builtin(_) => None,
        }
    }

    #[test]
    fn redirects_strip_every_trailing_slash_and_build_the_url_per_version() {
        let cfg = LabConfig::default().with_port(8123);
        let get = |target: &str, host: Option<&str>| {
            let headers: Vec<(&str, &str)> = host.map(|h| ("host", h)).into_iter().collect();
            Req::get(target, &headers)
        };
        assert_eq!(location(&cfg, &get("/data///?a=1", Some("h:1"))).as_deref(), Some("http://h:1/data?a=1"));
        assert_eq!(
            location(&cfg, &get("/items", Some("evil/x"))).as_deref(),
            Some("http://127.0.0.1:8123/items/")
        );
        assert_eq!(location(&cfg, &get("/items", None)).as_deref(), Some("http://127.0.0.1:8123/items/"));
        let proxied = Req::get(
            "/items",
            &[("host", "h"), ("x-forwarded-proto", "http"), ("x-forwarded-proto", " https ")],
        );
        assert_eq!(location(&cfg, &proxied).as_deref(), Some("https://h/items/"));
        let old = LabConfig::new(FastApiVersion::OLDEST, crate::lab::CorsMode::Off).with_port(8123);
        assert_eq!(location(&old, &get("/items", Some("evil/x"))).as_deref(), Some("http://evil/x/items/"));
    }

    #[test]
    fn path_parameters_match_one_segment_and_a_final_newline_is_forgiven_as_re_match_does() {
        let route = |path: &str| Route {
            spec: serde_yaml::from_str(&format!("{{method: GET, path: '{path}', handler: h}}")).unwrap(),
            segments: crate::lab::engine::segments(path),
            app: "a".into(),
            index: 0,
        };
        let r = route("/invoices/{invoice_id}");
        assert_eq!(matches(&r, "/invoices/7"), Some(vec![("invoice_id".into(), "7".into())]));
        assert_eq!(matches(&r, "/invoices/7\n"), Some(vec![("invoice_id".into(), "7\n".into())]));
        assert_eq!(matches(&r, "/invoices/"), None);
        assert_eq!(matches(&r, "/invoices/7/x"), None);
        let lit = route("/items/");
        assert_eq!(matches(&lit, "/items/\n"), Some(vec![]));
        assert_eq!(matches(&lit, "/items/\n\n"), None);
    }
}
