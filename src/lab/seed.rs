//! Sending a list of requests to a freshly started demo API and turning each one's trace into an
//! execution-table row: the engine of `lab --plain` (and of the lab screen's "replay the seed").

use std::time::Duration;

use crate::content::{Expectation, LabRequest, TraceStage};

use super::LabError;
use super::client::{LabClient, Outcome, Prepared, prepare};
use super::config::LabConfig;
use super::scenario::Captures;
use super::server;
use super::table::{ExecRow, row_from_trace};
use super::tokens;
use super::trace::{RESPONSE_CHECK, TraceEvent, TraceReceiver};

/// How long to wait for a request's last trace event after its response arrived (it is sent
/// before the response, so this only matters if it was dropped).
const TRACE_WAIT: Duration = Duration::from_secs(2);

fn get_items(
    id: &str,
    label: &str,
    headers: &[&str],
    status: u16,
    detail: &str,
    www: &str,
    stopped_at: TraceStage,
) -> LabRequest {
    LabRequest {
        capture: Default::default(),
        id: id.to_owned(),
        label: label.to_owned(),
        method: "GET".to_owned(),
        path: "/items/".to_owned(),
        headers: headers.iter().map(|h| (*h).to_owned()).collect(),
        form: None,
        credential: None,
        expect: vec![Expectation {
            fastapi: None,
            status,
            detail: (!detail.is_empty()).then(|| detail.to_owned()),
            www_authenticate: Some(www.to_owned()),
            stopped_at: Some(stopped_at),
            headers: Vec::new(),
        }],
    }
}

/// The seed's three requests against seed example 1: good token, bad token, no token.
#[must_use]
pub fn seed_requests() -> Vec<LabRequest> {
    vec![
        get_items(
            "good-token",
            "token='securetoken'",
            &["Authorization: Bearer securetoken"],
            200,
            "",
            "",
            TraceStage::Respond,
        ),
        get_items(
            "bad-token",
            "token='badtoken'",
            &["Authorization: Bearer badtoken"],
            401,
            "Unauthorized",
            "",
            TraceStage::Authenticate,
        ),
        get_items("no-token", "no token", &[], 401, "Not authenticated", "Bearer", TraceStage::Authenticate),
    ]
}

/// One request of a replay: what was sent, what came back, what the server did.
#[derive(Debug, Clone)]
pub struct Replayed {
    pub request: LabRequest,
    pub prepared: Prepared,
    pub outcome: Outcome,
    pub events: Vec<TraceEvent>,
    pub row: Option<ExecRow>,
}

/// Starts the demo API with `cfg`, sends each request in turn over HTTP, and stops it.
pub async fn replay(cfg: LabConfig, requests: &[LabRequest]) -> Result<(Vec<Replayed>, u64), LabError> {
    let secret = cfg.secret.clone();
    let mut lab = server::start(cfg).await?;
    let result = send_all(&lab.base_url, lab.trace.as_mut(), &secret, requests).await;
    let dropped = lab.trace.as_ref().map_or(0, TraceReceiver::dropped);
    lab.shutdown().await?;
    Ok((result?, dropped))
}

async fn send_all(
    base_url: &str,
    mut trace: Option<&mut TraceReceiver>,
    secret: &tokens::Secret,
    requests: &[LabRequest],
) -> Result<Vec<Replayed>, LabError> {
    let client = LabClient::new(base_url)?;
    let mut out = Vec::new();
    let mut captures = Captures::default();
    for (i, written) in requests.iter().enumerate() {
        let step = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let id = format!("step-{step}");
        let request = &captures.apply(written);
        let prepared = prepare(request, secret, tokens::now())?;
        let outcome = client.send(&prepared, &id).await?;
        captures.record(written, &outcome.body);
        let mut events = Vec::new();
        if let Some(rx) = trace.as_deref_mut() {
            while let Ok(Some(event)) = tokio::time::timeout(TRACE_WAIT, rx.recv()).await {
                if event.req_id != id {
                    continue;
                }
                let last = event.stage == TraceStage::Respond && event.check == RESPONSE_CHECK;
                events.push(event);
                if last {
                    break;
                }
            }
        }
        let row = row_from_trace(step, &events);
        out.push(Replayed { request: request.clone(), prepared, outcome, events, row });
    }
    Ok(out)
}

/// The same replay without sockets: each request goes straight to the demo API's handler in
/// this process (what `check` uses to run every scenario quickly). Same captures, same trace,
/// same rows; the round trip is the handler's own time.
pub async fn replay_in_process(cfg: LabConfig, requests: &[LabRequest]) -> Result<Vec<Replayed>, LabError> {
    use axum::body::Body;
    use axum::http::{HeaderName, HeaderValue, Request};
    use http_body_util::BodyExt;

    let (sink, mut rx) = super::trace::channel(4096);
    let api = super::router::DemoApi::new(cfg.with_trace(sink));
    let cfg = api.config();
    let mut out = Vec::new();
    let mut captures = Captures::default();
    for (i, written) in requests.iter().enumerate() {
        let step = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let id = format!("step-{step}");
        let request = captures.apply(written);
        let prepared = prepare(&request, &cfg.secret, tokens::now())?;
        let bad = |reason: String| LabError::BadRequest { request: written.id.clone(), reason };
        let mut builder = Request::builder()
            .method(prepared.method.as_str())
            .uri(prepared.target.as_str())
            .header("host", "127.0.0.1")
            .header(super::trace::REQUEST_ID_HEADER, id.as_str());
        for (n, v) in &prepared.headers {
            let name = HeaderName::from_bytes(n.as_bytes()).map_err(|e| bad(e.to_string()))?;
            let value = HeaderValue::from_bytes(v.as_bytes()).map_err(|e| bad(e.to_string()))?;
            builder = builder.header(name, value);
        }
        let body = prepared.body.clone().map_or_else(Body::empty, Body::from);
        let http = builder.body(body).map_err(|e| bad(e.to_string()))?;
        let started = std::time::Instant::now();
        let response = api.handle(http).await;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(n, v)| (n.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect();
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| LabError::Http(e.to_string()))?
            .to_bytes()
            .to_vec();
        let outcome = Outcome { status, headers, body, elapsed: started.elapsed() };
        captures.record(written, &outcome.body);
        let events: Vec<TraceEvent> =
            std::iter::from_fn(|| rx.try_recv()).filter(|e| e.req_id == id).collect();
        let row = row_from_trace(step, &events);
        out.push(Replayed { request: written.clone(), prepared, outcome, events, row });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::tokens::Secret;
    use crate::lab::trace::Actor;

    #[tokio::test]
    async fn the_seed_replay_fills_three_rows_from_real_requests() {
        let (rows, dropped) =
            replay(LabConfig::default().with_secret(Secret::new("k")), &seed_requests()).await.unwrap();
        assert_eq!(dropped, 0);
        let rows: Vec<ExecRow> = rows.into_iter().map(|r| r.row.unwrap()).collect();
        assert_eq!(
            (rows[0].status, rows[0].token.as_str(), rows[0].check.as_str()),
            (200, "securetoken", "Token valid")
        );
        assert_eq!(
            (rows[1].status, rows[1].detail.as_str(), rows[1].check.as_str()),
            (401, "Unauthorized", "Token invalid")
        );
        assert_eq!(rows[1].stopped_by, Actor::App);
        assert!(rows[1].www_authenticate.is_empty());
        assert_eq!(
            (rows[2].status, rows[2].detail.as_str(), rows[2].token.as_str()),
            (401, "Not authenticated", "None")
        );
        assert_eq!(rows[2].stopped_by, Actor::SecurityClass);
        assert_eq!(rows[2].www_authenticate, "Bearer");
        assert!(!rows[2].handler_ran && rows[0].handler_ran);
        for (row, req) in rows.iter().zip(seed_requests()) {
            assert_eq!(row.status, req.expect[0].status);
            assert_eq!(Some(row.stopped_at), req.expect[0].stopped_at);
        }
    }
}
