//! The axum side: one fallback handler that turns an HTTP request into a [`Req`], runs the CORS
//! middleware, routing and the endpoint, traces it all, and writes the answer back with the
//! headers in FastAPI's order. axum's own routing is not used, because its 404/405/HEAD answers
//! are not FastAPI's.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{HeaderName, HeaderValue, Request, Response, StatusCode};

use super::app::Req;
use super::config::LabConfig;
use super::cors;
use super::engine::{self, Routed};
use super::fastapi::{HttpException, Resp};
use super::pyish::{latin1, trim_ows, unquote};
use super::trace::{Actor, HANDLER_CHECK, Outcome, REQUEST_ID_HEADER, RESPONSE_CHECK, TraceStage, Tracer};

/// The largest body a route reads. uvicorn sets no limit (a 100 KB login form answers 200);
/// 1 MiB keeps memory bounded while every realistic form passes (Starlette's own per-part limit
/// for multipart is 1 MB).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// The largest header block accepted. h11 under uvicorn accepts a 17 KB header that arrives in
/// one piece; hyper's own read buffer (about 400 KB) bounds the head before this does.
pub const MAX_HEADER_BYTES: usize = 256 * 1024;
/// uvicorn's answer to a request it cannot parse (a bad chunk size, say): 400, this text.
pub const INVALID_REQUEST: &str = "Invalid HTTP request received.";

/// The demo API: every route of the reference apps, answering like the configured FastAPI.
/// Pure: no I/O beyond the request it is handed (serve it with [`super::server::start`], or call
/// it with `tower::ServiceExt::oneshot` in tests).
pub fn router(cfg: LabConfig) -> Router {
    let api = Arc::new(DemoApi::new(cfg));
    Router::new().fallback(move |req: Request<Body>| {
        let api = api.clone();
        async move { api.handle(req).await }
    })
}

/// One configuration of the demo API, with what does not change between requests worked out
/// once: the CORS middleware, the routes served, the version text of the trace.
#[derive(Debug)]
pub struct DemoApi {
    cfg: LabConfig,
    cors: Option<cors::Policy>,
    routes: engine::RouteTable,
    fastapi: String,
    /// `/openapi.json`, made at its first request.
    openapi: OnceLock<String>,
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
        .map(|(name, value)| (name.as_str().to_owned(), latin1(trim_ows(value.as_bytes()))))
        .collect();
    // uvicorn takes the whole request target before `?` as the path, so an absolute-form target
    // (`GET http://host/items/`) routes as the path `http://host/items/` (a 404), not `/items/`.
    let raw_path = match (parts.uri.scheme_str(), parts.uri.authority()) {
        (Some(scheme), Some(authority)) => format!("{scheme}://{authority}{}", parts.uri.path()),
        _ => parts.uri.path().to_owned(),
    };
    Req {
        method: parts.method.as_str().to_owned(),
        path: unquote(&raw_path),
        query: parts.uri.query().unwrap_or("").to_owned(),
        headers,
    }
}

impl DemoApi {
    #[must_use]
    pub fn new(cfg: LabConfig) -> Self {
        let cors = cfg.cors_spec().map(|spec| cors::Policy::new(spec, cfg.fastapi.starlette()));
        let routes = engine::RouteTable::new(cfg.apps.clone(), cfg.app.as_deref(), cfg.vulnerable);
        let fastapi = cfg.fastapi.to_string();
        Self { cfg, cors, routes, fastapi, openapi: OnceLock::new() }
    }

    #[must_use]
    pub fn config(&self) -> &LabConfig {
        &self.cfg
    }

    /// One request, start to finish.
    pub async fn handle(&self, request: Request<Body>) -> Response<Body> {
        let started = Instant::now();
        let cfg = &self.cfg;
        // Without a trace sink nothing below builds text for events.
        let id = if cfg.trace.is_some() { request_id(&request) } else { String::new() };
        let mut t = Tracer::new(cfg.trace.as_ref(), id);
        let (parts, body) = request.into_parts();
        let req = to_req(&parts);
        let target = parts.uri.path_and_query().map_or_else(|| parts.uri.path(), |pq| pq.as_str());
        if t.enabled() {
            t.emit(
                TraceStage::Receive,
                "request",
                Outcome::Info,
                Actor::Framework,
                &format!("{} {target} received", req.method),
                &[
                    ("method", &req.method),
                    ("target", target),
                    ("authorization", req.header("authorization").unwrap_or("(none)")),
                    ("fastapi", &self.fastapi),
                ],
            );
        }
        let cors = self.cors.as_ref();
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
        } else if let Some(answer) = cors::preflight(cors, &req, &mut t) {
            answer
        } else {
            let mut resp = match engine::route(cfg, self.routes.iter(), &req, &mut t) {
                Routed::Answer(resp) => resp,
                Routed::Builtin(page) => builtin_page(self, page, &mut t),
                Routed::Endpoint { variant, route, params } => {
                    // Only a login route declares a body (the form); others never read it.
                    let bytes = if route.spec.login.is_some() {
                        to_bytes(body, MAX_BODY_BYTES).await
                    } else {
                        Ok(Default::default())
                    };
                    match bytes {
                        Ok(bytes) => engine::handler::run(cfg, variant, route, &params, &req, &bytes, &mut t),
                        Err(e) => body_error(&e, &mut t),
                    }
                }
            };
            // An unhandled exception is answered outside the CORS middleware.
            if !resp.is_crash() {
                cors::simple(cors, &req, &mut resp, &mut t);
            }
            resp
        };
        if t.enabled() {
            respond_event(&mut t, &req, target, &resp, started);
        }
        to_response(resp, req.method == "HEAD")
    }
}

/// `/openapi.json` (generated from the lab app once per server), or one of the documentation
/// pages.
fn builtin_page(api: &DemoApi, page: &str, t: &mut Tracer) -> Resp {
    let cfg = &api.cfg;
    let resp = match super::openapi::page(page, cfg.fastapi) {
        Some(html) => Resp::html(html),
        None => {
            let document = api.openapi.get_or_init(|| {
                let spec = cfg.apps.served_spec(cfg.app.as_deref(), cfg.vulnerable);
                super::openapi::document(&spec, cfg.fastapi)
            });
            Resp::json(200, document.clone(), Vec::new())
        }
    };
    t.emit(
        TraceStage::Process,
        HANDLER_CHECK,
        Outcome::Pass,
        Actor::Framework,
        "FastAPI answered with its own page: public unless you turn it off (openapi_url=None, docs_url=None)",
        &[("page", page)],
    );
    resp
}

/// A body that could not be read: over the limit (413), or broken on the wire (a bad chunk
/// size), which uvicorn answers itself with 400 before the app sees the request.
fn body_error(e: &axum::Error, t: &mut Tracer) -> Resp {
    let too_large = std::iter::successors(Some(e as &dyn std::error::Error), |e| e.source())
        .any(|e| e.is::<http_body_util::LengthLimitError>());
    if too_large {
        t.emit(
            TraceStage::Receive,
            "body size",
            Outcome::Fail,
            Actor::Framework,
            "the body is larger than the demo API reads (uvicorn has no limit: a difference)",
            &[("limit", &MAX_BODY_BYTES.to_string())],
        );
        return HttpException::new(413, "Request Entity Too Large", None).into_resp();
    }
    t.emit(
        TraceStage::Receive,
        "request body",
        Outcome::Fail,
        Actor::Framework,
        "the body is malformed on the wire; the server answers before the app",
        &[("status", "400")],
    );
    let mut resp = Resp::plain(400, INVALID_REQUEST, Vec::new());
    resp.set_header("connection", "close".to_owned());
    resp
}

fn respond_event(t: &mut Tracer, req: &Req, target: &str, resp: &Resp, started: Instant) {
    let status = resp.status.to_string();
    let detail = resp.detail().unwrap_or_default();
    let www = resp.header("www-authenticate").unwrap_or("");
    let (stage, by, check) = t.answered_by();
    let handler = if t.handler_returned() { "returned" } else { "did not return" };
    let latency = started.elapsed().as_micros().to_string();
    let body = String::from_utf8_lossy(&resp.body);
    t.emit(
        TraceStage::Respond,
        RESPONSE_CHECK,
        Outcome::Info,
        by,
        &format!("answered {status}"),
        &[
            ("method", &req.method),
            ("target", target),
            ("status", &status),
            ("detail", &detail),
            ("www_authenticate", www),
            ("body", &body),
            ("stopped_at", stage.as_str()),
            ("stopped_by", by.label()),
            ("stopped_check", &check),
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
        // Values are latin-1 text: one byte per character (ASCII is already that).
        let value = if value.is_ascii() {
            HeaderValue::try_from(value)
        } else {
            let bytes: Vec<u8> = value.chars().map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?')).collect();
            HeaderValue::from_bytes(&bytes)
        };
        if let (Ok(name), Ok(value)) = (HeaderName::from_bytes(name.as_bytes()), value) {
            headers.append(name, value);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::config::CorsMode;
    use crate::lab::tokens::Secret;
    use crate::lab::version::FastApiVersion;
    use http_body_util::BodyExt;
    use proptest::prelude::*;
    use tower::ServiceExt;

    const VERSIONS: [&str; 7] =
        ["0.115.14", "0.121.3", "0.122.0", "0.123.2", "0.128.1", "0.128.3", "0.165.0"];

    /// Bytes a real HTTP header value can hold (what h11 and hyper let through).
    fn header_bytes() -> impl Strategy<Value = Vec<u8>> {
        proptest::collection::vec(prop_oneof![Just(b'\t'), 0x20u8..0x7f, 0x80u8..=0xff], 0..40)
    }

    fn jwt_like() -> impl Strategy<Value = String> {
        let seg = "[A-Za-z0-9_=-]{0,24}";
        (seg, seg, seg, prop_oneof![Just("."), Just(".."), Just("")])
            .prop_map(|(a, b, c, extra)| format!("{a}.{b}.{c}{extra}"))
    }

    fn authorization() -> impl Strategy<Value = Option<Vec<u8>>> {
        let scheme = prop_oneof![
            Just("Bearer".to_owned()),
            Just("bearer".to_owned()),
            Just("BASIC".to_owned()),
            Just("Basic".to_owned()),
            Just("Token".to_owned()),
            Just(String::new()),
            "[ -~]{0,8}",
        ];
        proptest::option::of(prop_oneof![
            header_bytes(),
            (scheme.clone(), jwt_like()).prop_map(|(s, t)| format!("{s} {t}").into_bytes()),
            (scheme, header_bytes()).prop_map(|(s, mut b)| {
                let mut v = format!("{s} ").into_bytes();
                v.append(&mut b);
                v
            }),
        ])
    }

    fn target() -> impl Strategy<Value = String> {
        let path = prop_oneof![
            Just("/items/"),
            Just("/items"),
            Just("/data"),
            Just("/secure"),
            Just("/token"),
            Just("/token/"),
            Just("/users/me"),
            Just("/users/me/items"),
            Just("/admin"),
            Just("/apikey-query"),
            Just("/apikey-cookie"),
            Just("/http-bearer"),
            Just("/http-basic"),
            Just("/http-basic-realm"),
            Just("/oauth2-optional"),
            Just("/%69tems/"),
            Just("/items%2F"),
            Just("/x%ZZ"),
            Just("/"),
            Just("//items/"),
        ];
        (path, proptest::option::of("[A-Za-z0-9=&%_.~+-]{0,20}")).prop_map(|(p, q)| match q {
            Some(q) => format!("{p}?{q}"),
            None => p.to_owned(),
        })
    }

    #[derive(Debug, Clone)]
    struct Input {
        version: usize,
        cors: CorsMode,
        method: &'static str,
        target: String,
        authorization: Option<Vec<u8>>,
        other: Vec<(&'static str, Vec<u8>)>,
        body: Vec<u8>,
    }

    fn input() -> impl Strategy<Value = Input> {
        let other_header = (
            prop_oneof![
                Just("x-api-key"),
                Just("cookie"),
                Just("origin"),
                Just("content-type"),
                Just("access-control-request-method"),
                Just("access-control-request-headers"),
                Just("host"),
            ],
            prop_oneof![
                header_bytes(),
                Just(b"application/x-www-form-urlencoded".to_vec()),
                Just(b"multipart/form-data; boundary=b".to_vec())
            ],
        );
        (
            0..VERSIONS.len(),
            prop_oneof![Just(CorsMode::Off), Just(CorsMode::Wildcard), Just(CorsMode::Trusted)],
            prop_oneof![
                Just("GET"),
                Just("POST"),
                Just("HEAD"),
                Just("OPTIONS"),
                Just("DELETE"),
                Just("get")
            ],
            target(),
            authorization(),
            proptest::collection::vec(other_header, 0..4),
            prop_oneof![
                proptest::collection::vec(any::<u8>(), 0..64),
                "[a-z_]{0,9}=[ -~]{0,12}(&[a-z_]{0,9}=[ -~]{0,12}){0,4}".prop_map(String::into_bytes)
            ],
        )
            .prop_map(|(version, cors, method, target, authorization, other, body)| Input {
                version,
                cors,
                method,
                target,
                authorization,
                other,
                body,
            })
    }

    async fn send(input: &Input) -> (u16, Vec<(String, String)>, Vec<u8>) {
        let cfg = LabConfig::new(FastApiVersion::parse(VERSIONS[input.version]).unwrap(), input.cors)
            .with_secret(Secret::new("prop"));
        let mut builder = Request::builder().method(input.method).uri(input.target.as_str());
        if let Some(auth) = &input.authorization {
            builder = builder.header("authorization", HeaderValue::from_bytes(auth).unwrap());
        }
        for (name, value) in &input.other {
            builder = builder.header(*name, HeaderValue::from_bytes(value).unwrap());
        }
        let response =
            router(cfg).oneshot(builder.body(Body::from(input.body.clone())).unwrap()).await.unwrap();
        let status = response.status().as_u16();
        let headers = crate::lab::client::header_pairs(response.headers());
        let body = response.into_body().collect().await.unwrap().to_bytes().to_vec();
        (status, headers, body)
    }

    async fn call(cfg: LabConfig, request: Request<Body>) -> (u16, Vec<u8>) {
        let response = router(cfg).oneshot(request).await.unwrap();
        let status = response.status().as_u16();
        (status, response.into_body().collect().await.unwrap().to_bytes().to_vec())
    }

    #[test]
    fn stage_names_are_the_serde_names() {
        use TraceStage::*;
        for stage in [Send, Receive, Authenticate, Authorize, Process, Respond] {
            assert_eq!(serde_json::to_value(stage).unwrap(), stage.as_str());
        }
    }

    #[tokio::test]
    async fn every_stage_is_traced_under_the_clients_request_id() {
        let (sink, mut rx) = crate::lab::trace::channel(64);
        let cfg = LabConfig::default().with_trace(sink);
        let request = Request::get("/items/")
            .header(REQUEST_ID_HEADER, "abc")
            .header("authorization", "Bearer badtoken");
        let (status, _) = call(cfg, request.body(Body::empty()).unwrap()).await;
        assert_eq!(status, 401);
        let events: Vec<_> = std::iter::from_fn(|| rx.try_recv()).collect();
        assert!(events.iter().all(|e| e.req_id == "abc"));
        let stages: Vec<TraceStage> = events.iter().map(|e| e.stage).collect();
        assert_eq!(
            stages,
            [
                TraceStage::Receive,
                TraceStage::Receive,
                TraceStage::Authenticate,
                TraceStage::Authenticate,
                TraceStage::Respond
            ]
        );
        let row = crate::lab::table::row_from_trace(1, &events).unwrap();
        assert_eq!((row.token.as_str(), row.stopped_by), ("badtoken", Actor::App));
    }

    #[tokio::test]
    async fn a_preflight_is_answered_by_the_cors_middleware_not_the_handler() {
        let (sink, mut rx) = crate::lab::trace::channel(64);
        let cfg = LabConfig::new(FastApiVersion::NEWEST, CorsMode::Wildcard).with_trace(sink);
        let request = Request::options("/items/")
            .header("origin", "https://evil.example")
            .header("access-control-request-method", "GET")
            .body(Body::empty())
            .unwrap();
        assert_eq!(call(cfg, request).await, (200, b"OK".to_vec()));
        let events: Vec<_> = std::iter::from_fn(|| rx.try_recv()).collect();
        let row = crate::lab::table::row_from_trace(1, &events).unwrap();
        assert_eq!(
            (row.stopped_at, row.stopped_by, row.handler_ran),
            (TraceStage::Receive, Actor::Framework, false)
        );
        assert_eq!(row.stopped_check, "CORSMiddleware preflight");
    }

    #[tokio::test]
    async fn oversized_bodies_and_headers_get_a_4xx() {
        let big = "a".repeat(MAX_BODY_BYTES + 1);
        let request = Request::post("/token")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(big))
            .unwrap();
        assert_eq!(call(LabConfig::default(), request).await.0, 413);
        let request = Request::get("/items/")
            .header("x-big", "b".repeat(MAX_HEADER_BYTES))
            .body(Body::empty())
            .unwrap();
        assert_eq!(call(LabConfig::default(), request).await.0, 431);
    }

    /// What uvicorn accepts (measured with uvicorn 0.54 + FastAPI 0.165.0): a 17 KB header and a
    /// 100 KB login form reach the app.
    #[tokio::test]
    async fn a_17_kb_header_and_a_100_kb_form_reach_the_app() {
        let request = Request::get("/items/")
            .header("authorization", "Bearer securetoken")
            .header("x-big", "b".repeat(17_000))
            .body(Body::empty())
            .unwrap();
        assert_eq!(call(LabConfig::default(), request).await.0, 200);
        let form = format!("username=johndoe&password=secret&x={}", "a".repeat(100_000));
        let request = Request::post("/token")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(form))
            .unwrap();
        assert_eq!(call(LabConfig::default(), request).await.0, 200);
    }

    #[tokio::test]
    async fn an_absolute_form_target_routes_as_uvicorn_does() {
        let request = Request::get("http://127.0.0.1:8000/items/")
            .header("authorization", "Bearer securetoken")
            .body(Body::empty())
            .unwrap();
        assert_eq!(call(LabConfig::default(), request).await, (404, br#"{"detail":"Not Found"}"#.to_vec()));
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

        /// Whatever arrives, the answer is one FastAPI could give: a known 2xx/3xx/4xx status, never
        /// a 500; a JSON body that parses (with `detail` on errors); an exact `content-length`.
        #[test]
        fn any_request_gets_a_fastapi_shaped_answer(input in input()) {
            let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
            let (status, headers, body) = rt.block_on(send(&input));
            prop_assert!([200, 307, 400, 401, 403, 404, 405, 413, 422, 431].contains(&status), "status {status}");
            let header = |name: &str| headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
            let length: usize = header("content-length").expect("content-length").parse().unwrap();
            if input.method == "HEAD" {
                prop_assert!(body.is_empty());
            } else {
                prop_assert_eq!(length, body.len());
            }
            if header("content-type").as_deref() == Some("application/json") && input.method != "HEAD" {
                let json: serde_json::Value = serde_json::from_slice(&body).expect("JSON body");
                if status != 200 {
                    prop_assert!(json.get("detail").is_some(), "{json}");
                }
            }
            if header("www-authenticate").is_some() {
                prop_assert_eq!(status, 401);
            }
            if status == 307 {
                prop_assert!(header("location").is_some());
            }
        }
    }
}
