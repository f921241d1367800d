//! The axum side: one fallback handler that turns an HTTP request into a [`Req`], runs the CORS
//! middleware, routing and the endpoint, traces it all, and writes the answer back with the
//! headers in FastAPI's order. axum's own routing is not used, because its 404/405/HEAD answers
//! are not FastAPI's.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{HeaderName, HeaderValue, Request, Response, StatusCode};

use super::app::{self, Req, Routed};
use super::config::LabConfig;
use super::cors;
use super::fastapi::{HttpException, Resp};
use super::pyish::{latin1, trim_ows, unquote};
use super::trace::{Actor, Outcome, REQUEST_ID_HEADER, TraceStage, Tracer};

/// The largest body `POST /token` reads (a login form is a few dozen bytes).
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// The largest header block accepted (h11, under uvicorn, allows 16 KiB).
pub const MAX_HEADER_BYTES: usize = 16 * 1024;

/// The demo API: every route of the reference apps, answering like the configured FastAPI.
/// Pure: no I/O beyond the request it is handed (serve it with [`super::server::start`], or call
/// it with `tower::ServiceExt::oneshot` in tests).
pub fn router(cfg: LabConfig) -> Router {
    let cfg = Arc::new(cfg);
    Router::new().fallback(move |req: Request<Body>| {
        let cfg = cfg.clone();
        async move { handle(&cfg, req).await }
    })
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

fn request_id(req: &Request<Body>) -> String {
    req.headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|id| !id.is_empty() && id.len() <= 128)
        .map_or_else(|| format!("srv-{}", NEXT_ID.fetch_add(1, Ordering::Relaxed)), str::to_owned)
}

/// The request as Starlette sees it.
fn to_req(parts: &axum::http::request::Parts) -> Req {
    let headers = parts
        .headers
        .iter()
        .map(|(name, value)| (name.as_str().to_ascii_lowercase(), latin1(trim_ows(value.as_bytes()))))
        .collect();
    Req {
        method: parts.method.as_str().to_owned(),
        path: unquote(parts.uri.path()),
        query: parts.uri.query().unwrap_or("").to_owned(),
        headers,
    }
}

/// One request, start to finish.
pub async fn handle(cfg: &LabConfig, request: Request<Body>) -> Response<Body> {
    let started = Instant::now();
    let mut t = Tracer::new(cfg.trace.clone(), request_id(&request));
    let (parts, body) = request.into_parts();
    let req = to_req(&parts);
    let target = match &parts.uri.query() {
        Some(q) => format!("{}?{q}", parts.uri.path()),
        None => parts.uri.path().to_owned(),
    };
    let authorization = req.header("authorization").unwrap_or("(none)").to_owned();
    t.emit(
        TraceStage::Receive,
        "request",
        Outcome::Info,
        Actor::Framework,
        &format!("{} {target} received", req.method),
        &[
            ("method", &req.method),
            ("target", &target),
            ("authorization", &authorization),
            ("fastapi", &cfg.fastapi.to_string()),
        ],
    );
    let header_bytes: usize = parts.headers.iter().map(|(n, v)| n.as_str().len() + v.len() + 4).sum();
    let resp = if header_bytes > MAX_HEADER_BYTES {
        t.emit(
            TraceStage::Receive,
            "header size",
            Outcome::Fail,
            Actor::Framework,
            "the headers are too large",
            &[("bytes", &header_bytes.to_string())],
        );
        Resp::plain(431, "Request Header Fields Too Large", Vec::new())
    } else if let Some(answer) = cors::preflight(cfg.cors, cfg.fastapi.starlette(), &req, &mut t) {
        answer
    } else {
        let mut resp = match app::route(cfg, &req, &mut t) {
            Routed::Answer(resp) => resp,
            Routed::Endpoint(endpoint) => {
                let bytes = if app::reads_body(endpoint) {
                    to_bytes(body, MAX_BODY_BYTES).await.ok()
                } else {
                    Some(Default::default())
                };
                match bytes {
                    Some(bytes) => app::run(cfg, endpoint, &req, &bytes, &mut t),
                    None => {
                        t.emit(
                            TraceStage::Receive,
                            "body size",
                            Outcome::Fail,
                            Actor::Framework,
                            "the body is too large or broken",
                            &[("limit", &MAX_BODY_BYTES.to_string())],
                        );
                        HttpException::new(413, "Request Entity Too Large", None).into_resp()
                    }
                }
            }
        };
        cors::simple(cfg.cors, cfg.fastapi.starlette(), &req, &mut resp, &mut t);
        resp
    };
    respond_event(&mut t, &req, &target, &resp, started);
    to_response(resp, req.method == "HEAD")
}

fn respond_event(t: &mut Tracer, req: &Req, target: &str, resp: &Resp, started: Instant) {
    let status = resp.status.to_string();
    let detail = resp.detail().unwrap_or_default();
    let www = resp.header("www-authenticate").unwrap_or("").to_owned();
    let (stage, by) = match t.stopped() {
        Some((stage, by, _)) => (*stage, *by),
        None => (TraceStage::Respond, Actor::App),
    };
    let stopped_at =
        serde_json::to_value(stage).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
    let handler = if t.stopped().is_none() { "ran" } else { "not reached or refused" };
    let latency = started.elapsed().as_micros().to_string();
    let body = String::from_utf8_lossy(&resp.body).into_owned();
    t.emit(
        TraceStage::Respond,
        "response",
        Outcome::Info,
        by,
        &format!("answered {status}"),
        &[
            ("method", &req.method),
            ("target", target),
            ("status", &status),
            ("detail", &detail),
            ("www_authenticate", &www),
            ("body", &body),
            ("stopped_at", &stopped_at),
            ("stopped_by", by.label()),
            ("handler", handler),
            ("latency_us", &latency),
        ],
    );
}

fn to_response(resp: Resp, head: bool) -> Response<Body> {
    let body = if head {
        Body::empty()
    } else if resp.body.is_empty() {
        // hyper moves the `content-length: 0` of a known-empty body to the end of the header
        // block; a body of unknown length keeps our header where Starlette puts it.
        Body::from_stream(futures_util::stream::empty::<Result<Vec<u8>, std::convert::Infallible>>())
    } else {
        Body::from(resp.body)
    };
    let mut out = Response::new(body);
    *out.status_mut() = StatusCode::from_u16(resp.status).unwrap_or(StatusCode::BAD_REQUEST);
    let headers = out.headers_mut();
    for (name, value) in resp.headers {
        let bytes: Vec<u8> = value.chars().map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?')).collect();
        if let (Ok(name), Ok(value)) =
            (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_bytes(&bytes))
        {
            headers.append(name, value);
        }
    }
    out
}
