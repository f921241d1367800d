//! The lab screen's state: the history of rows, the compose bar, the panes, the comparison and
//! the token workbench. Plain data with the small queries the update and the view share.

use std::collections::VecDeque;

use serde_json::{Map, Value};

use super::{LabEffect, Profile, RowId, TOKEN_ENDPOINT};
use crate::content::{Catalog, LabRequest, LabScenario};
use crate::lab::client::{Outcome, Prepared};
use crate::lab::table::ExecRow;
use crate::lab::trace::TraceEvent;
use crate::lab::workbench::SignWith;
use crate::lab::{CorsMode, FastApiVersion};
use crate::tui::keymap::Scope;
use crate::tui::msg::Effect;
use crate::tui::msg::lab::{CompareKind, Pane, Side};

/// Rows kept; older ones are dropped so memory stays flat however long the session.
pub const MAX_ROWS: usize = 1000;
/// Trace events kept per row (a request emits about ten).
pub const MAX_EVENTS: usize = 64;
/// The release before the 403→401 change, for the version toggle.
pub const OLD_VERSION: FastApiVersion = FastApiVersion::new(0, 121, 3);

/// Where a request is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowState {
    Sending,
    Done(Outcome),
    Failed(String),
}

/// One request of the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub id: RowId,
    pub label: String,
    pub scenario: Option<String>,
    pub request: LabRequest,
    pub profile: Profile,
    pub state: RowState,
    /// What was really sent (presets minted), once the runner has prepared it.
    pub prepared: Option<Prepared>,
    pub events: Vec<TraceEvent>,
    /// The execution-table row, once the trace's last event is in.
    pub exec: Option<ExecRow>,
    pub predicted: Option<u16>,
    /// The row this one replays on another FastAPI version.
    pub replay_of: Option<RowId>,
    /// Sent by "replay the seed" (the view then explains where FastAPI differs from the seed).
    pub seed: bool,
}

impl Row {
    #[must_use]
    pub fn status(&self) -> Option<u16> {
        match &self.state {
            RowState::Done(o) => Some(o.status),
            _ => self.exec.as_ref().map(|e| e.status),
        }
    }

    /// Whether the prediction (if any) was right, once the status is known.
    #[must_use]
    pub fn prediction_right(&self) -> Option<bool> {
        Some(self.predicted? == self.status()?)
    }

    /// The bearer token sent, if any.
    #[must_use]
    pub fn token_sent(&self) -> Option<String> {
        let p = self.prepared.as_ref()?;
        let (_, value) = p.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("authorization"))?;
        let mut parts = value.split_whitespace();
        let _scheme = parts.next()?;
        parts.next().map(str::to_owned)
    }

    /// The `access_token` a login answered with, if this row was one.
    #[must_use]
    pub fn token_returned(&self) -> Option<String> {
        let RowState::Done(o) = &self.state else { return None };
        let body: Value = serde_json::from_slice(&o.body).ok()?;
        body.get("access_token")?.as_str().map(str::to_owned)
    }

    /// Where the workbench sends a token loaded from this row: a token the row carried goes
    /// back to the row's own route; a token a login returned goes to `GET /users/me` of the
    /// same demo API (the route every lab's login is for).
    #[must_use]
    pub fn workbench_target(&self) -> WorkbenchTarget {
        let sent = self.prepared.as_ref().filter(|_| self.token_returned().is_none());
        match sent {
            Some(p) => WorkbenchTarget {
                method: p.method.clone(),
                path: p.target.clone(),
                profile: Some(self.profile),
            },
            None => WorkbenchTarget { profile: Some(self.profile), ..WorkbenchTarget::default() },
        }
    }
}

/// The demo API as the screen knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerState {
    Starting,
    Running { base_url: String },
    Failed(String),
}

/// A route the compose bar offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    pub form: Option<&'static str>,
}

const fn route(method: &'static str, path: &'static str) -> Route {
    Route { method, path, form: None }
}

pub const ROUTES: [Route; 9] = [
    route("GET", "/items/"),
    route("GET", "/data"),
    route("GET", "/secure"),
    route("GET", "/http-bearer"),
    route("GET", "/users/me"),
    route("GET", "/users/me/items"),
    route("GET", "/admin"),
    Route { method: "POST", path: "/token", form: Some("username=johndoe&password=secret") },
    route("OPTIONS", "/items/"),
];

/// A credential preset of the compose bar: literal headers or a content preset minted at send time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preset {
    pub label: &'static str,
    pub headers: &'static [&'static str],
    pub credential: Option<&'static str>,
}

const fn lit(label: &'static str, headers: &'static [&'static str]) -> Preset {
    Preset { label, headers, credential: None }
}

const fn jwt(label: &'static str, credential: &'static str) -> Preset {
    Preset { label, headers: &[], credential: Some(credential) }
}

pub const PRESETS: [Preset; 20] = [
    lit("good token", &["Authorization: Bearer securetoken"]),
    lit("bad token", &["Authorization: Bearer wrongtoken"]),
    lit("no header", &[]),
    lit("empty value", &["Authorization: "]),
    lit("wrong scheme (Basic)", &["Authorization: Basic am9obmRvZTpzZWNyZXQ="]),
    lit("lower-case scheme", &["Authorization: bearer securetoken"]),
    lit("extra spaces", &["Authorization: Bearer  securetoken"]),
    lit("API key header", &["X-API-Key: anything-at-all"]),
    jwt("fresh JWT from POST /token", TOKEN_ENDPOINT),
    jwt("fresh JWT (minted like /token)", "fresh-jwt"),
    jwt("expired JWT", "expired-jwt"),
    jwt("JWT signed with another key", "wrong-key-jwt"),
    jwt("alg: none JWT", "alg-none-jwt"),
    jwt("tampered JWT (sub → admin)", "tampered-jwt"),
    jwt("JWT without the items scope", "fresh-jwt-no-scope"),
    jwt("admin JWT", "admin-jwt"),
    lit("evil Origin", &["Origin: https://evil.example", "Authorization: Bearer securetoken"]),
    lit("null Origin", &["Origin: null", "Authorization: Bearer securetoken"]),
    lit("trusted Origin", &["Origin: https://trustedclient.com", "Authorization: Bearer securetoken"]),
    jwt("JWT with no exp", "no-exp-jwt"),
];

/// A request edited by hand (the compose form).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Form {
    pub method: String,
    pub path: String,
    /// `Name: value | Name: value`.
    pub headers: String,
    pub body: String,
}

impl Form {
    pub(super) fn field_mut(&mut self, i: usize) -> &mut String {
        match i {
            0 => &mut self.method,
            1 => &mut self.path,
            2 => &mut self.headers,
            _ => &mut self.body,
        }
    }

    #[must_use]
    pub fn field(&self, i: usize) -> &str {
        match i {
            0 => &self.method,
            1 => &self.path,
            2 => &self.headers,
            _ => &self.body,
        }
    }

    #[must_use]
    pub fn to_request(&self) -> LabRequest {
        let headers: Vec<String> =
            self.headers.split('|').map(str::trim).filter(|h| !h.is_empty()).map(str::to_owned).collect();
        let method =
            if self.method.trim().is_empty() { "GET".to_owned() } else { self.method.trim().to_owned() };
        let path = if self.path.trim().is_empty() { "/".to_owned() } else { self.path.trim().to_owned() };
        LabRequest {
            capture: Default::default(),
            id: "custom".into(),
            label: format!("{method} {path} (custom)"),
            method,
            path,
            headers,
            form: (!self.body.is_empty()).then(|| self.body.clone()),
            credential: None,
            expect: Vec::new(),
        }
    }
}

/// What the learner is typing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Predict(String),
    /// Field `n` of the form (Enter moves on; after the last, the request is sent).
    Form(usize, Form),
    /// A claim of the workbench.
    Claim(&'static str, String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    pub kind: CompareKind,
    pub id: u64,
    /// `None` while the runner works.
    pub sides: Option<Result<[Side; 2], String>>,
}

/// When the workbench sets `exp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpSetting {
    Keep,
    Past,
    Fresh,
}

/// The token workbench: claims to edit, a key to sign with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workbench {
    /// The token the claims came from (`None`: the login template).
    pub source: Option<String>,
    pub header: Value,
    pub claims: Map<String, Value>,
    pub signature: String,
    pub sign_with: SignWith,
    pub exp: ExpSetting,
    /// The last token signed here.
    pub signed: Option<String>,
    /// Where a signed token is sent: the route (and the demo API) of the row it was loaded
    /// from, else `GET /users/me` on the lab's own server.
    pub target: WorkbenchTarget,
}

/// The route the workbench sends its token to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkbenchTarget {
    pub method: String,
    pub path: String,
    /// The demo API of the row the token came from (`None`: the lab's current one).
    pub profile: Option<Profile>,
}

impl Default for WorkbenchTarget {
    fn default() -> Self {
        Self { method: "GET".into(), path: "/users/me".into(), profile: None }
    }
}

impl Default for Workbench {
    fn default() -> Self {
        let mut claims = Map::new();
        claims.insert("sub".into(), Value::String("johndoe".into()));
        claims.insert("scope".into(), Value::String("me items".into()));
        claims.insert("role".into(), Value::String("user".into()));
        Self {
            source: None,
            header: serde_json::json!({"alg": "HS256", "typ": "JWT"}),
            claims,
            signature: String::new(),
            sign_with: SignWith::DemoSecret,
            exp: ExpSetting::Fresh,
            signed: None,
            target: WorkbenchTarget::default(),
        }
    }
}

/// The lab screen's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabState {
    pub lesson: usize,
    /// A content scenario to have ready (home, the reader, a quiz's "prove it", or `--scenario`).
    pub scenario: Option<String>,
    /// The scenario last made ready (so a scenario set after opening is noticed once).
    pub(super) applied: Option<String>,
    /// The FastAPI version the screen opened with; `v` toggles between it and another.
    pub base_version: FastApiVersion,
    pub profile: Profile,
    pub server: ServerState,
    pub rows: VecDeque<Row>,
    /// Index into `rows`.
    pub selected: usize,
    pub(super) next_id: RowId,
    pub pane: Pane,
    pub route: usize,
    pub preset: usize,
    /// A hand-edited request replaces route + preset until either changes.
    pub custom: Option<Form>,
    /// Index into the catalog's scenarios.
    pub scenario_sel: usize,
    /// The status the learner expects from the next send.
    pub predicted: Option<u16>,
    pub input: Option<Input>,
    pub compare_kind: CompareKind,
    pub comparison: Option<Comparison>,
    pub workbench: Workbench,
    /// The ids of the last batch sent (what `v` replays).
    pub last_batch: Vec<RowId>,
    /// Rows dropped from the front of the history so far.
    pub evicted: u64,
    /// Where each demo API instance listens (for copying a row as curl or httpie).
    pub urls: Vec<(Profile, String)>,
    /// Lines the pane (other than the table) is scrolled down; reset when the row or pane changes.
    pub scroll: u16,
}

impl LabState {
    #[must_use]
    pub fn new(lesson: usize, scenario: Option<String>) -> Self {
        Self::with_version(lesson, scenario, FastApiVersion::NEWEST)
    }

    #[must_use]
    pub fn with_version(lesson: usize, scenario: Option<String>, fastapi: FastApiVersion) -> Self {
        Self {
            lesson,
            scenario,
            applied: None,
            base_version: fastapi,
            profile: Profile::main(fastapi, CorsMode::Off),
            server: ServerState::Starting,
            rows: VecDeque::new(),
            selected: 0,
            next_id: RowId(1),
            pane: Pane::Table,
            route: 0,
            preset: 0,
            custom: None,
            scenario_sel: 0,
            predicted: None,
            input: None,
            compare_kind: CompareKind::Cors,
            comparison: None,
            workbench: Workbench::default(),
            last_batch: Vec::new(),
            evicted: 0,
            urls: Vec::new(),
            scroll: 0,
        }
    }

    #[must_use]
    pub fn scopes(&self) -> Vec<Scope> {
        if self.input.is_some() {
            vec![Scope::Editing, Scope::Global]
        } else {
            vec![Scope::Lab, Scope::Global]
        }
    }

    #[must_use]
    pub fn selected_row(&self) -> Option<&Row> {
        self.rows.get(self.selected)
    }

    pub(super) fn index_of(&self, id: RowId) -> Option<usize> {
        self.rows.binary_search_by_key(&id, |r| r.id).ok()
    }

    #[must_use]
    pub fn row(&self, id: RowId) -> Option<&Row> {
        self.index_of(id).and_then(|i| self.rows.get(i))
    }

    pub(super) fn row_mut(&mut self, id: RowId) -> Option<&mut Row> {
        self.index_of(id).and_then(|i| self.rows.get_mut(i))
    }

    /// The request the compose bar would send now.
    #[must_use]
    pub fn composed(&self) -> LabRequest {
        if let Some(form) = &self.custom {
            return form.to_request();
        }
        let route = ROUTES.get(self.route).copied().unwrap_or(ROUTES[0]);
        let preset = PRESETS.get(self.preset).copied().unwrap_or(PRESETS[0]);
        let mut headers: Vec<String> = preset.headers.iter().map(|h| (*h).to_owned()).collect();
        if route.method == "OPTIONS" && headers.iter().any(|h| h.starts_with("Origin:")) {
            headers.push("Access-Control-Request-Method: GET".into());
            headers.push("Access-Control-Request-Headers: authorization".into());
        }
        LabRequest {
            capture: Default::default(),
            id: "composed".into(),
            label: format!("{} {} · {}", route.method, route.path, preset.label),
            method: route.method.to_owned(),
            path: route.path.to_owned(),
            headers,
            form: route.form.map(str::to_owned),
            credential: preset.credential.map(str::to_owned),
            expect: Vec::new(),
        }
    }

    /// Records a new row as sending and returns the effect that sends it.
    pub(super) fn push(
        &mut self,
        request: LabRequest,
        scenario: Option<String>,
        seed: bool,
        profile: Profile,
    ) -> (RowId, Effect) {
        let id = self.next_id;
        self.next_id = id.next();
        let predicted = self.predicted.take();
        self.rows.push_back(Row {
            id,
            label: request.label.clone(),
            scenario,
            request: request.clone(),
            profile,
            state: RowState::Sending,
            prepared: None,
            events: Vec::new(),
            exec: None,
            predicted,
            replay_of: None,
            seed,
        });
        while self.rows.len() > MAX_ROWS {
            self.rows.pop_front();
            self.evicted += 1;
        }
        self.selected = self.rows.len() - 1;
        (id, Effect::Lab(LabEffect::Send { id, profile, request: Box::new(request) }))
    }

    pub(super) fn send_batch(
        &mut self,
        requests: &[LabRequest],
        scenario: Option<&str>,
        seed: bool,
    ) -> Vec<Effect> {
        let mut effects = Vec::new();
        let mut ids = Vec::new();
        for r in requests {
            let (id, e) = self.push(r.clone(), scenario.map(str::to_owned), seed, self.profile);
            ids.push(id);
            effects.push(e);
        }
        self.select_first_of(&ids);
        self.last_batch = ids;
        effects
    }

    /// Selects a batch's first row, so the table reads top-down as it fills.
    pub(super) fn select_first_of(&mut self, ids: &[RowId]) {
        if let Some(i) = ids.iter().find_map(|id| self.index_of(*id)) {
            self.selected = i;
        }
    }

    /// The other version for `v`.
    #[must_use]
    pub fn other_version(&self) -> FastApiVersion {
        if self.profile.fastapi == self.base_version {
            if self.base_version.auth_errors_are_401() { OLD_VERSION } else { FastApiVersion::NEWEST }
        } else {
            self.base_version
        }
    }

    /// Predictions made in this session: (right, decided).
    #[must_use]
    pub fn tally(&self) -> (usize, usize) {
        self.rows
            .iter()
            .filter_map(Row::prediction_right)
            .fold((0, 0), |(r, t), ok| (r + usize::from(ok), t + 1))
    }
}

/// Every scenario of the catalog, lessons in order.
#[must_use]
pub fn scenarios(catalog: &Catalog) -> Vec<&LabScenario> {
    catalog.lessons.iter().flat_map(|l| l.lab_scenarios.iter()).collect()
}

/// The seed's requests: the scenario the execution table names (this lesson's first, as
/// `lab --plain --replay-seed` does, so the table and its replay cannot drift apart), else a
/// `seed-replay` scenario, else the built-in three. With the scenario id, when there is one.
#[must_use]
pub fn seed_requests(catalog: &Catalog, lesson: usize) -> (Option<String>, Vec<LabRequest>) {
    let named = catalog
        .lessons
        .get(lesson)
        .into_iter()
        .chain(catalog.lessons.iter())
        .find_map(|l| catalog.scenario(&l.execution_table.lab_scenario))
        .or_else(|| catalog.scenario("seed-replay"));
    match named {
        Some(s) => (Some(s.id.clone()), s.requests.clone()),
        None => (None, crate::lab::seed::seed_requests()),
    }
}
