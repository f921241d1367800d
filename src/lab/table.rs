//! From one request's trace to one row of the execution table, and from rows to the variable
//! tracker: the seed's two pictures, produced by real requests. Pure, so the TUI lab screen and
//! `lab --plain` draw the same thing.

use std::collections::BTreeMap;

use super::trace::{Actor, HANDLER_CHECK, Outcome, RESPONSE_CHECK, TraceEvent, TraceStage};

/// One row of the execution table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecRow {
    pub step: u32,
    /// e.g. `GET /items/ with token='securetoken'`.
    pub action: String,
    /// The token the server extracted (`None` when there was none).
    pub token: String,
    /// The decisive check and its result, e.g. `Token invalid` or
    /// `OAuth2PasswordBearer: no Authorization header`.
    pub check: String,
    pub status: u16,
    /// `detail` of a JSON error, else the body.
    pub detail: String,
    pub www_authenticate: String,
    /// The stage where the request stopped (`respond` when it went all the way through).
    pub stopped_at: TraceStage,
    /// Who stopped it (for a success: the app, whose handler answered).
    pub stopped_by: Actor,
    /// The check that stopped it (empty for a success).
    pub stopped_check: String,
    /// Whether the handler ran.
    pub handler_ran: bool,
    /// Every variable the trace recorded, last value wins (`token`, `claims.sub`, `status`…).
    pub vars: BTreeMap<String, String>,
}

impl ExecRow {
    /// The response cell: `200 {"items":[...]}` or `401 Unauthorized`.
    #[must_use]
    pub fn response(&self) -> String {
        format!("{} {}", self.status, self.detail)
    }

    /// Who stopped the request, in words.
    #[must_use]
    pub fn stopped_by_text(&self) -> String {
        match (self.handler_ran, self.stopped_by) {
            (true, _) => "nobody: the handler answered".to_owned(),
            (false, Actor::SecurityClass) => format!("{} (FastAPI, before the handler)", self.stopped_check),
            (false, Actor::App) => format!("the app's own check `{}`", self.stopped_check),
            (false, Actor::Framework) => format!("the framework ({})", self.stopped_check),
        }
    }
}

/// Builds the row for one request from its events (any order; they are sorted by `seq`).
/// `None` until the request's `respond` event has arrived.
#[must_use]
pub fn row_from_trace(step: u32, events: &[TraceEvent]) -> Option<ExecRow> {
    let mut events: Vec<&TraceEvent> = events.iter().collect();
    events.sort_by_key(|e| e.seq);
    let respond =
        events.iter().rev().find(|e| e.stage == TraceStage::Respond && e.check == RESPONSE_CHECK)?;
    let var = |e: &TraceEvent, k: &str| e.vars.get(k).cloned().unwrap_or_default();
    let status = var(respond, "status").parse().unwrap_or(0);
    let body = var(respond, "body");
    let detail = match var(respond, "detail") {
        d if d.is_empty() => body,
        d => d,
    };
    let failure = events.iter().find(|e| e.outcome == Outcome::Fail);
    let token =
        events.iter().rev().find_map(|e| e.vars.get("token").cloned()).unwrap_or_else(|| "None".into());
    let method = events.first().map(|e| var(e, "method")).unwrap_or_default();
    let target = var(respond, "target");
    let authorization = events.first().map(|e| var(e, "authorization")).unwrap_or_default();
    let action = if authorization == "(none)" || authorization.is_empty() {
        format!("{method} {target} without token")
    } else if token != "None" && !token.is_empty() {
        format!("{method} {target} with token='{token}'")
    } else {
        format!("{method} {target} with Authorization: {authorization}")
    };
    let check = match failure {
        Some(f) => f.vars.get("check").cloned().unwrap_or_else(|| match f.by {
            Actor::SecurityClass if token == "None" => format!("No token provided ({})", f.check),
            _ => format!("{}: {}", f.check, f.message),
        }),
        None => events
            .iter()
            .rev()
            .find(|e| {
                e.outcome == Outcome::Pass
                    && matches!(e.stage, TraceStage::Authenticate | TraceStage::Authorize)
            })
            // Else whatever answered by itself (a CORS preflight).
            .or_else(|| {
                events
                    .iter()
                    .rev()
                    .find(|e| e.outcome == Outcome::Pass && e.check != "route" && e.check != HANDLER_CHECK)
            })
            .map_or_else(
                || "no check".to_owned(),
                |e| e.vars.get("check").cloned().unwrap_or_else(|| format!("{}: passed", e.check)),
            ),
    };
    let mut vars = BTreeMap::new();
    for e in &events {
        for (k, v) in &e.vars {
            vars.insert(k.clone(), v.clone());
        }
    }
    Some(ExecRow {
        step,
        action,
        token,
        check,
        status,
        detail,
        www_authenticate: var(respond, "www_authenticate"),
        // The server's own verdict, carried by the respond event; the first failure otherwise.
        stopped_at: respond
            .vars
            .get("stopped_at")
            .and_then(|s| serde_json::from_value(serde_json::Value::String(s.clone())).ok())
            .unwrap_or_else(|| failure.map_or(TraceStage::Respond, |f| f.stage)),
        stopped_by: respond.by,
        stopped_check: respond
            .vars
            .get("stopped_check")
            .cloned()
            .unwrap_or_else(|| failure.map(|f| f.check.clone()).unwrap_or_default()),
        handler_ran: events.iter().any(|e| e.stage == TraceStage::Process && e.check == HANDLER_CHECK),
        vars,
    })
}

/// Gathers trace events as they stream in (any interleaving of requests) and hands back a
/// request's complete list when its last event (`respond`/`response`) arrives, ready for
/// [`row_from_trace`]. Bounded: at most `capacity` requests wait for their end; the oldest is
/// forgotten first (its events were dropped or its client gave up).
#[derive(Debug)]
pub struct TraceCollector {
    capacity: usize,
    pending: std::collections::VecDeque<(String, Vec<TraceEvent>)>,
}

impl TraceCollector {
    #[must_use]
    pub fn new(capacity: usize) -> Self {
        Self { capacity: capacity.max(1), pending: std::collections::VecDeque::new() }
    }

    /// Adds one event; returns `(req_id, events)` when that request is complete.
    pub fn push(&mut self, event: TraceEvent) -> Option<(String, Vec<TraceEvent>)> {
        let last = event.stage == TraceStage::Respond && event.check == RESPONSE_CHECK;
        let index = match self.pending.iter().position(|(id, _)| *id == event.req_id) {
            Some(i) => i,
            None => {
                if self.pending.len() == self.capacity {
                    self.pending.pop_front();
                }
                self.pending.push_back((event.req_id.clone(), Vec::new()));
                self.pending.len() - 1
            }
        };
        self.pending[index].1.push(event);
        if last { self.pending.remove(index) } else { None }
    }

    /// Requests still waiting for their last event.
    #[must_use]
    pub fn waiting(&self) -> usize {
        self.pending.len()
    }
}

/// A variable before the first request (no handler has run yet).
pub const UNSET: &str = "(unset)";
/// `token` after a request the handler never saw: a security class or the framework refused it
/// first, so the handler's parameter was never bound (the lesson's table says the same).
pub const NEVER_SET: &str = "(never set: the handler does not run)";

impl ExecRow {
    /// The token as the lesson shows it: the value the handler got, or [`NEVER_SET`] when the
    /// request was refused before the handler ran.
    #[must_use]
    pub fn token_shown(&self) -> String {
        if self.token == "None" && !self.handler_ran { NEVER_SET.to_owned() } else { self.token.clone() }
    }
}

/// The variable tracker: one row per variable, columns `Start`, `After step 1`, …
/// Variables: token, check result, response, then any JWT claims seen.
#[must_use]
pub fn tracker(rows: &[ExecRow]) -> (Vec<String>, Vec<(String, Vec<String>)>) {
    let mut columns = vec!["Start".to_owned()];
    columns.extend(rows.iter().map(|r| format!("After step {}", r.step)));
    let mut variables: Vec<(String, Vec<String>)> = Vec::new();
    let mut push = |name: &str, f: &dyn Fn(&ExecRow) -> String| {
        let mut values = vec![UNSET.to_owned()];
        values.extend(rows.iter().map(f));
        variables.push((name.to_owned(), values));
    };
    push("token", &|r| r.token_shown());
    push("check result", &|r| r.check.clone());
    push("response", &|r| r.response());
    let mut claims: Vec<String> =
        rows.iter().flat_map(|r| r.vars.keys().filter(|k| k.starts_with("claims.")).cloned()).collect();
    claims.sort();
    claims.dedup();
    for claim in claims {
        push(&claim, &|r| r.vars.get(&claim).cloned().unwrap_or_else(|| "None".into()));
    }
    (columns, variables)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::trace::Tracer;

    fn events(build: impl FnOnce(&mut Tracer)) -> Vec<TraceEvent> {
        let (sink, mut rx) = crate::lab::trace::channel(64);
        let mut t = Tracer::new(Some(&sink), "r".into());
        build(&mut t);
        drop(t);
        std::iter::from_fn(|| rx.try_recv()).collect()
    }

    fn receive(t: &mut Tracer, auth: &str) {
        t.emit(
            TraceStage::Receive,
            "request",
            Outcome::Info,
            Actor::Framework,
            "",
            &[("method", "GET"), ("authorization", auth)],
        );
    }

    fn respond(t: &mut Tracer, status: &str, detail: &str, body: &str) {
        let (stage, by, check) = t.answered_by();
        let stage = serde_json::to_value(stage).unwrap().as_str().unwrap().to_owned();
        t.emit(
            TraceStage::Respond,
            RESPONSE_CHECK,
            Outcome::Info,
            by,
            "",
            &[
                ("status", status),
                ("detail", detail),
                ("body", body),
                ("target", "/items/"),
                ("stopped_at", &stage),
                ("stopped_check", &check),
            ],
        );
    }

    #[test]
    fn a_missing_token_stops_at_the_security_class() {
        let ev = events(|t| {
            receive(t, "(none)");
            t.emit(
                TraceStage::Authenticate,
                "OAuth2PasswordBearer",
                Outcome::Fail,
                Actor::SecurityClass,
                "no Authorization header",
                &[("token", "None")],
            );
            respond(t, "401", "Not authenticated", "{\"detail\":\"Not authenticated\"}");
        });
        let row = row_from_trace(3, &ev).unwrap();
        assert_eq!(row.action, "GET /items/ without token");
        assert_eq!(row.token, "None");
        assert!(row.check.starts_with("No token provided"), "{}", row.check);
        assert_eq!(row.response(), "401 Not authenticated");
        assert_eq!(row.stopped_at, TraceStage::Authenticate);
        assert_eq!(row.stopped_by, Actor::SecurityClass);
        assert!(!row.handler_ran);
        assert!(row.stopped_by_text().contains("before the handler"));
    }

    #[test]
    fn a_good_token_goes_through_and_events_may_arrive_out_of_order() {
        let mut ev = events(|t| {
            receive(t, "Bearer securetoken");
            t.emit(
                TraceStage::Authenticate,
                "OAuth2PasswordBearer",
                Outcome::Pass,
                Actor::SecurityClass,
                "",
                &[("token", "securetoken")],
            );
            t.emit(
                TraceStage::Authenticate,
                "token == \"securetoken\"",
                Outcome::Pass,
                Actor::App,
                "",
                &[("check", "Token valid")],
            );
            t.emit(TraceStage::Process, "handler", Outcome::Pass, Actor::App, "", &[]);
            respond(t, "200", "", "{\"items\":[\"apple\",\"banana\"]}");
        });
        ev.reverse();
        let row = row_from_trace(1, &ev).unwrap();
        assert_eq!(row.action, "GET /items/ with token='securetoken'");
        assert_eq!(row.check, "Token valid");
        assert_eq!(row.response(), "200 {\"items\":[\"apple\",\"banana\"]}");
        assert_eq!(row.stopped_at, TraceStage::Respond);
        assert!(row.handler_ran);
        assert!(row_from_trace(1, &ev[1..]).is_none(), "no row before the respond event");
    }

    #[test]
    fn the_collector_completes_interleaved_requests_and_stays_bounded() {
        let a = events(|t| {
            receive(t, "(none)");
            respond(t, "401", "Not authenticated", "");
        });
        let mut b = events(|t| {
            receive(t, "Bearer x");
            respond(t, "200", "", "{}");
        });
        for e in &mut b {
            e.req_id = "other".into();
        }
        let mut c = TraceCollector::new(8);
        assert!(c.push(a[0].clone()).is_none());
        assert!(c.push(b[0].clone()).is_none());
        assert_eq!(c.waiting(), 2);
        let (id, done) = c.push(b[1].clone()).unwrap();
        assert_eq!((id.as_str(), done.len()), ("other", 2));
        let (id, done) = c.push(a[1].clone()).unwrap();
        assert_eq!(id, "r");
        assert_eq!(row_from_trace(1, &done).unwrap().status, 401);
        assert_eq!(c.waiting(), 0);
        let mut small = TraceCollector::new(1);
        small.push(a[0].clone());
        small.push(b[0].clone());
        assert_eq!(small.waiting(), 1);
        assert!(small.push(a[1].clone()).unwrap().1.len() == 1, "r's first event was forgotten");
    }

    #[test]
    fn the_tracker_has_a_column_per_step_and_the_claims() {
        let ev = events(|t| {
            receive(t, "Bearer x");
            t.emit(
                TraceStage::Authenticate,
                "jwt",
                Outcome::Pass,
                Actor::App,
                "",
                &[("token", "x"), ("claims.sub", "johndoe")],
            );
            respond(t, "200", "", "{}");
        });
        let row = row_from_trace(1, &ev).unwrap();
        let (cols, vars) = tracker(&[row]);
        assert_eq!(cols, ["Start", "After step 1"]);
        assert_eq!(vars[0], ("token".to_owned(), vec![UNSET.to_owned(), "x".to_owned()]));
        assert!(vars.iter().any(|(n, v)| n == "claims.sub" && v[1] == "johndoe"));
    }
}
