//! Every string the lab screen shows (kept beside the screen so the shared `strings.rs` stays
//! small; same rule: no lesson text here, that stays in the content).

use crate::lab::FastApiVersion;

pub const TITLE: &str = "Live lab";
pub const STARTING: &str = "starting the demo API…";
pub const SENDING: &str = "sending…";
pub const NO_ROWS: &str = "No requests yet. Press r to replay the seed's three requests, or pick a route and a credential and press Enter.";
pub const NO_SELECTION: &str = "Select a row (j/k) to see it here.";
pub const WAITING_TRACE: &str = "waiting for the trace…";
pub const TRACE_LOST: &str = "(no trace arrived for this request)";
pub const FLOW_STAGES: [&str; 6] = ["Send", "Receive", "Authenticate", "Authorize", "Process", "Respond"];

pub const PANE_TABLE: &str = "Table";
pub const PANE_TRACE: &str = "Flow & trace";
pub const PANE_TRACKER: &str = "Tracker";
pub const PANE_INSPECTOR: &str = "Inspector";
pub const PANE_COMPARE: &str = "Vulnerable vs fixed";
pub const PANE_WORKBENCH: &str = "Token workbench";
pub const PANE_CODE: &str = "The FastAPI program that answered";
pub const CODE_NONE: &str =
    "Select a request: the FastAPI program that answered it shows here, at the line that decided.";

pub const COL_STEP: &str = "Step";
pub const COL_ACTION: &str = "Action";
pub const COL_TOKEN: &str = "Token";
pub const COL_CHECK: &str = "Check result";
pub const COL_RESPONSE: &str = "Response";
pub const COL_STAGE: &str = "Stopped at";
pub const COL_PREDICT: &str = "Bet";
/// The token cell when the handler never ran: `token` was never assigned, not assigned `None`.
pub const TOKEN_NEVER_SET: &str = "never set";
/// Detail lines under the table: the selected row's full request and answer.
pub const DETAIL_ANSWER: &str = "answer";
pub const DETAIL_BET: &str = "your bet";
pub const DETAIL_FLOW: &str = "flow";
pub const DETAIL_SENT: &str = "sent";
pub const DETAIL_KEYS: &str = "t flow · $ variables · i raw request and answer · w token workbench · ? keys";

pub const COMPOSE_ROUTE: &str = "route";
pub const COMPOSE_CREDENTIAL: &str = "credential";
pub const COMPOSE_SCENARIO: &str = "scenario";
pub const COMPOSE_PREDICT: &str = "predict";
pub const COMPOSE_CUSTOM: &str = "custom";
pub const NO_SCENARIOS: &str = "(the content has no lab scenarios)";

pub const INSPECT_REQUEST: &str = "Request";
pub const INSPECT_RESPONSE: &str = "Response";
pub const CLIENT_HEADERS: &str =
    "(the client adds host, accept: */* and x-apisec-request-id, which finds the trace)";
pub const INSPECT_NO_RESPONSE: &str = "(no response yet)";

pub const COMPARE_HINT: &str = "1 CORS · 2 JWT expiry · 3 signing secret · 4 a lab app and its twin (select its request first) · Enter runs it";
pub const COMPARE_EMPTY: &str = "Pick a comparison (1-3) and press Enter.";
pub const COMPARE_DIFFERS: &str = "◆ differs";
pub const VULNERABLE: &str = "Vulnerable";
pub const FIXED: &str = "Fixed";

pub const WB_HINT: &str = "1 sub · 2 scope · 3 role · 4 any claim · x exp in the past / fresh · K signing key · Enter sign and send to /users/me";
pub const WB_EMPTY: &str =
    "No token yet: the claims below are what POST /token issues. Press w on a row to load its token.";
pub const WB_HEADER: &str = "Header";
pub const WB_CLAIMS: &str = "Claims";
pub const WB_SIGNATURE: &str = "Signature";
pub const WB_SIGN_WITH: &str = "Sign with";
pub const WB_EXP_PAST: &str = "in the past (now − 1 h, set when signed)";
pub const WB_EXP_FRESH: &str = "now + 30 min (set when signed)";
pub const WB_EXP_KEEP: &str = "as loaded";

pub const EDIT_PREDICT: &str = "Predict the status code (e.g. 401), Enter to keep it for the next send";
pub const EDIT_FORM: [&str; 4] = ["Method", "Path", "Headers (Name: value | Name: value)", "Body"];
pub const EDIT_CLAIM: &str = "New value for the claim";
pub const EDIT_ANY_CLAIM: &str =
    "Any claim as name=value (JSON values stay typed; name= removes it) · Enter keeps it";

pub const WENT_THROUGH: &str = "Went all the way through: every check passed and the handler answered.";
pub const OSC52_TOO: &str = "(also offered to the terminal's clipboard)";
pub const SEED_DIFFERS_TAB: &str = " ◆ real FastAPI differs from the seed on this row: t shows how ";
pub const SEED_DIFFERS_BELOW: &str = " ◆ real FastAPI differs from the seed on this row: see the flow below ";
pub const SEED_SAME: &str = "Compared with the seed's table";
pub const SEED_NOTES: &str = "Where real FastAPI differs from the seed's table";

#[must_use]
pub fn header(version: FastApiVersion, url: &str) -> String {
    format!("{TITLE} · FastAPI {version} · {url}")
}

#[must_use]
pub fn start_failed(error: &str) -> String {
    format!("the demo API could not start: {error}")
}

#[must_use]
pub fn stopped(stage: &str, by: &str) -> String {
    format!("Stopped at {stage} by {by}")
}

#[must_use]
pub fn seed_note_security_class(step: u64, check: &str, status: u16, detail: &str, www: &str) -> String {
    format!(
        "step {step}: the seed shows the handler answering 401 \"Unauthorized\"; here the handler never runs — {check} refuses first with {status} \"{detail}\" and {www}."
    )
}

#[must_use]
pub fn seed_note_app(step: u64, status: u16, detail: &str, www: &str) -> String {
    format!(
        "step {step}: {status} \"{detail}\" comes from the app's own check in the handler, as in the seed ({www})."
    )
}

#[must_use]
pub fn www(value: &str) -> String {
    if value.is_empty() {
        "no WWW-Authenticate header".to_owned()
    } else {
        format!("WWW-Authenticate: {value}")
    }
}

#[must_use]
pub fn prediction_tally(right: usize, total: usize) -> String {
    format!("predictions {right}/{total} right")
}

#[must_use]
pub fn version_switched(from: FastApiVersion, to: FastApiVersion, n: usize) -> String {
    format!("FastAPI {from} → {to}: replaying {n} request(s)")
}

#[must_use]
pub fn other_version(version: FastApiVersion, status: Option<u16>) -> String {
    match status {
        Some(s) => format!("(was {s} on {version})"),
        None => format!("(… on {version})"),
    }
}

#[must_use]
pub fn copied_to_clipboard(what: &str, tool: &str) -> String {
    format!("copied as {what} to the clipboard ({tool})")
}

#[must_use]
pub fn copied_to_file(what: &str, path: &std::path::Path) -> String {
    format!("no clipboard here: {what} written to {}", path.display())
}

#[must_use]
pub fn copy_failed(error: &str) -> String {
    format!("could not copy: {error}")
}

#[must_use]
pub fn round_trip(ms: f64) -> String {
    format!("round trip {ms:.1} ms")
}

#[must_use]
pub fn evicted(max: usize) -> String {
    format!("history keeps the last {max} requests")
}

pub const NO_PAGE_SCENARIO: &str = "this page has no lab scenario";

pub const NOT_A_TERMINAL: &str = "apisec-tutor: stdout is not a terminal, so the lab screen cannot be drawn.\n\
    Use `apisec-tutor lab --plain --replay-seed` (or `--scenario ID`) to send the requests and print the table as text.";

#[must_use]
pub fn scenario_ready(id: &str) -> String {
    format!("Scenario {id} is ready: press s to send it (Enter sends the single request above).")
}

pub const TWIN_NEEDS_APP: &str = "select a request sent to a lab app that has a vulnerable twin (e.g. scenario bola-fixed), then press Enter";

pub const NOT_A_JWT: &str = "that token is not a JWT; the workbench keeps its claims";
pub const NO_TOKEN_IN_ROW: &str =
    "this row carried no token and got none back; pick a login or a row sent with a token";

/// The tracker's title when earlier steps do not fit beside the selected one.
#[must_use]
pub fn tracker_more(hidden: usize) -> String {
    format!("{hidden} earlier step(s) hidden: select a row above")
}
