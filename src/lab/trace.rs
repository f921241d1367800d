//! What the demo API did with each request, stage by stage, for the lab's execution table,
//! variable tracker and concept flow (and for `serve --trace`).
//!
//! Events leave the server through a bounded channel with `try_send`, one batch per request when
//! the request is done (one wake-up of the consumer per request, not one per event): a slow
//! consumer never blocks a request; what does not fit is dropped and counted. Without a sink no
//! event is built at all.
//!
//! What one request emits, in `seq` order (all tagged with the same `req_id`):
//!
//! | stage | check | by | vars |
//! |---|---|---|---|
//! | receive | `request` (info) | framework | `method`, `target`, `authorization`, `fastapi` |
//! | receive | `route` / `redirect_slashes` / `CORSMiddleware preflight` / `OAuth2PasswordRequestForm` | framework | `route`, `allow`, `location`, `form`, `status` |
//! | authenticate | the security class (`OAuth2PasswordBearer`, `APIKeyHeader(X-API-Key)`, `HTTPBasic`…) | security class | `header`, `scheme`, `token` / `key` / `credentials` |
//! | authenticate | the app's checks (`token == "securetoken"`, `jwt.decode(HS256)`, `get_user(sub)`, `authenticate_user`) | app | `token`, `check`, `claims.sub`, `claims.scope`, `claims.role`, `claims.exp` |
//! | authorize | `SecurityScopes`, `user.disabled`, `role == "admin"` | app | `needs`, `user`, `role` |
//! | process | [`HANDLER_CHECK`] (the handler returned) | app | `returns` |
//! | respond | `CORSMiddleware` (info, when CORS is on and an `Origin` came) | framework | `origin`, `access-control-allow-origin` |
//! | respond | [`RESPONSE_CHECK`] (always last) | who answered | `method`, `target`, `status`, `detail`, `www_authenticate`, `body`, `stopped_at`, `stopped_by`, `stopped_check`, `handler`, `latency_us` |
//!
//! A failing check also carries `raises` (the status) and `detail`. The first `fail` is where
//! the request stopped; [`super::table::row_from_trace`] turns the events into a table row.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

pub use crate::content::TraceStage;

/// The request header a client sets so it can find its request's events (responses stay
/// byte-identical to FastAPI's, so the id is not echoed back).
pub const REQUEST_ID_HEADER: &str = "x-apisec-request-id";

/// The `check` of the event a handler emits when it returns (stage `process`).
pub const HANDLER_CHECK: &str = "handler";
/// The `check` of a request's last event (stage `respond`), which carries `status`, `detail`,
/// `stopped_at`, `stopped_by`, `handler`, `latency_us`…
pub const RESPONSE_CHECK: &str = "response";

/// Whether a check let the request through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Pass,
    Fail,
    /// A fact, not a check (what was received, what the handler returned).
    Info,
}

/// Who made a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    /// Routing, validation, CORS: FastAPI/Starlette themselves.
    Framework,
    /// One of FastAPI's security classes (`OAuth2PasswordBearer`, `APIKeyHeader`…), which run
    /// before the handler.
    SecurityClass,
    /// The application's own code: a dependency or the handler.
    App,
}

impl Actor {
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Actor::Framework => "framework",
            Actor::SecurityClass => "security class",
            Actor::App => "app",
        }
    }
}

/// One step of one request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceEvent {
    /// The client's `x-apisec-request-id`, else an id the server made (`srv-N`).
    pub req_id: String,
    /// Order within the request, from 0.
    pub seq: u32,
    pub stage: TraceStage,
    /// What was checked or done, e.g. `OAuth2PasswordBearer`, `token == "securetoken"`, `route`.
    pub check: String,
    pub outcome: Outcome,
    pub by: Actor,
    /// One sentence for people.
    pub message: String,
    /// What was extracted or decided: `header`, `scheme`, `token`, `claims.sub`, `status`…
    pub vars: BTreeMap<String, String>,
}

/// The sending half, held by the router.
#[derive(Debug, Clone)]
pub struct TraceSink {
    tx: mpsc::Sender<Vec<TraceEvent>>,
    dropped: Arc<AtomicU64>,
}

/// The receiving half, held by the lab screen or `serve --trace`.
#[derive(Debug)]
pub struct TraceReceiver {
    rx: mpsc::Receiver<Vec<TraceEvent>>,
    /// The rest of the batch being read, in order.
    pending: VecDeque<TraceEvent>,
    dropped: Arc<AtomicU64>,
}

/// A bounded trace channel holding the events of up to `capacity` requests.
#[must_use]
pub fn channel(capacity: usize) -> (TraceSink, TraceReceiver) {
    let (tx, rx) = mpsc::channel(capacity.max(1));
    let dropped = Arc::new(AtomicU64::new(0));
    (TraceSink { tx, dropped: dropped.clone() }, TraceReceiver { rx, pending: VecDeque::new(), dropped })
}

impl TraceSink {
    /// One request's events. Never waits: a full channel drops them and counts them.
    pub fn send(&self, events: Vec<TraceEvent>) {
        if events.is_empty() {
            return;
        }
        if let Err(e) = self.tx.try_send(events) {
            let lost = match e {
                mpsc::error::TrySendError::Full(events) | mpsc::error::TrySendError::Closed(events) => {
                    events.len()
                }
            };
            self.dropped.fetch_add(u64::try_from(lost).unwrap_or(u64::MAX), Ordering::Relaxed);
        }
    }

    #[must_use]
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

impl TraceReceiver {
    /// The next event, in order. Cancel-safe (usable in `select!`): nothing is awaited after a
    /// batch is taken from the channel.
    pub async fn recv(&mut self) -> Option<TraceEvent> {
        loop {
            if let Some(event) = self.pending.pop_front() {
                return Some(event);
            }
            self.pending = self.rx.recv().await?.into();
        }
    }

    pub fn try_recv(&mut self) -> Option<TraceEvent> {
        loop {
            if let Some(event) = self.pending.pop_front() {
                return Some(event);
            }
            self.pending = self.rx.try_recv().ok()?.into();
        }
    }

    /// Events lost because the consumer was slower than the server.
    #[must_use]
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

/// Builds one request's events in order and sends them together when dropped (every way out of
/// a request drops it, an abandoned one included).
#[derive(Debug)]
pub struct Tracer<'a> {
    sink: Option<&'a TraceSink>,
    events: Vec<TraceEvent>,
    req_id: String,
    seq: u32,
    /// The first failing check: where and by whom the request was stopped.
    stopped: Option<(TraceStage, Actor, String)>,
    /// The last check that passed (what answered when nothing failed, e.g. a CORS preflight).
    last_pass: Option<(TraceStage, Actor, String)>,
    /// Whether the handler returned normally.
    handler_returned: bool,
}

impl<'a> Tracer<'a> {
    #[must_use]
    pub fn new(sink: Option<&'a TraceSink>, req_id: String) -> Self {
        let events = if sink.is_some() { Vec::with_capacity(8) } else { Vec::new() };
        Self { sink, events, req_id, seq: 0, stopped: None, last_pass: None, handler_returned: false }
    }

    /// Whether events go anywhere (callers skip building what only an event would show).
    #[must_use]
    pub fn enabled(&self) -> bool {
        self.sink.is_some()
    }

    #[must_use]
    pub fn req_id(&self) -> &str {
        &self.req_id
    }

    /// Records one event; the first `Fail` marks where the request stopped.
    pub fn emit(
        &mut self,
        stage: TraceStage,
        check: &str,
        outcome: Outcome,
        by: Actor,
        message: &str,
        vars: &[(&str, &str)],
    ) {
        if outcome == Outcome::Fail && self.stopped.is_none() {
            self.stopped = Some((stage, by, check.to_owned()));
        }
        if outcome == Outcome::Pass {
            self.last_pass = Some((stage, by, check.to_owned()));
        }
        if stage == TraceStage::Process && check == HANDLER_CHECK && outcome == Outcome::Pass {
            self.handler_returned = true;
        }
        let seq = self.seq;
        self.seq += 1;
        if self.sink.is_none() {
            return;
        }
        self.events.push(TraceEvent {
            req_id: self.req_id.clone(),
            seq,
            stage,
            check: check.to_owned(),
            outcome,
            by,
            message: message.to_owned(),
            vars: vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
        });
    }

    /// Where the request stopped, if a check failed.
    #[must_use]
    pub fn stopped(&self) -> Option<&(TraceStage, Actor, String)> {
        self.stopped.as_ref()
    }

    /// Whether the handler returned normally (it may also have run and raised: see `stopped`).
    #[must_use]
    pub fn handler_returned(&self) -> bool {
        self.handler_returned
    }

    /// Where the request ended and who answered: the first failure; else the handler (it
    /// returned); else the last check that passed and answered by itself (a CORS preflight).
    #[must_use]
    pub fn answered_by(&self) -> (TraceStage, Actor, String) {
        if let Some(stopped) = &self.stopped {
            return stopped.clone();
        }
        if self.handler_returned {
            return (TraceStage::Respond, Actor::App, HANDLER_CHECK.to_owned());
        }
        self.last_pass.clone().unwrap_or((TraceStage::Respond, Actor::Framework, String::new()))
    }
}

impl Drop for Tracer<'_> {
    fn drop(&mut self) {
        if let Some(sink) = self.sink {
            sink.send(std::mem::take(&mut self.events));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_channel_drops_and_counts_instead_of_blocking() {
        let (sink, mut rx) = channel(2);
        for (request, events) in [("r1", 2), ("r2", 1), ("r3", 3), ("r4", 2)] {
            let mut t = Tracer::new(Some(&sink), request.into());
            for _ in 0..events {
                t.emit(TraceStage::Receive, "route", Outcome::Info, Actor::Framework, "x", &[]);
            }
        }
        // Two requests fit; the 3 + 2 events of the others are counted, not waited for.
        assert_eq!(sink.dropped(), 5);
        assert_eq!(rx.dropped(), 5);
        let got: Vec<(String, u32)> =
            std::iter::from_fn(|| rx.try_recv()).map(|e| (e.req_id, e.seq)).collect();
        assert_eq!(got, [("r1".to_owned(), 0), ("r1".to_owned(), 1), ("r2".to_owned(), 0)]);
    }

    #[tokio::test]
    async fn events_arrive_in_order_one_at_a_time_across_batches() {
        let (sink, mut rx) = channel(8);
        for request in ["a", "b"] {
            let mut t = Tracer::new(Some(&sink), request.into());
            t.emit(TraceStage::Receive, "request", Outcome::Info, Actor::Framework, "x", &[]);
            t.emit(TraceStage::Respond, RESPONSE_CHECK, Outcome::Info, Actor::Framework, "y", &[]);
        }
        drop(sink);
        let mut got = Vec::new();
        while let Some(e) = rx.recv().await {
            got.push(format!("{}{}", e.req_id, e.seq));
        }
        assert_eq!(got, ["a0", "a1", "b0", "b1"]);
    }

    #[test]
    fn without_a_sink_no_event_is_built_but_the_outcome_is_kept() {
        let mut t = Tracer::new(None, String::new());
        assert!(!t.enabled());
        t.emit(TraceStage::Authenticate, "a", Outcome::Fail, Actor::SecurityClass, "", &[]);
        assert!(t.events.is_empty());
        assert_eq!(t.stopped().map(|s| s.2.as_str()), Some("a"));
    }

    #[test]
    fn the_first_failure_is_where_it_stopped() {
        let mut t = Tracer::new(None, "r".into());
        t.emit(TraceStage::Authenticate, "a", Outcome::Pass, Actor::SecurityClass, "", &[]);
        assert!(t.stopped().is_none());
        t.emit(TraceStage::Authorize, "scope", Outcome::Fail, Actor::App, "", &[]);
        t.emit(TraceStage::Respond, "late", Outcome::Fail, Actor::Framework, "", &[]);
        assert_eq!(t.stopped().unwrap().0, TraceStage::Authorize);
        assert_eq!(t.stopped().unwrap().1, Actor::App);
    }

    #[test]
    fn events_serialise_as_flat_json() {
        let mut vars = BTreeMap::new();
        vars.insert("token".to_owned(), "securetoken".to_owned());
        let e = TraceEvent {
            req_id: "r".into(),
            seq: 0,
            stage: TraceStage::Authenticate,
            check: "c".into(),
            outcome: Outcome::Pass,
            by: Actor::SecurityClass,
            message: "m".into(),
            vars,
        };
        let json = serde_json::to_string(&e).unwrap();
        assert!(
            json.contains("\"stage\":\"authenticate\"") && json.contains("\"by\":\"security_class\""),
            "{json}"
        );
        assert_eq!(serde_json::from_str::<TraceEvent>(&json).unwrap(), e);
    }
}
