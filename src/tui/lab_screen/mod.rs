//! The live lab screen: its state and its pure `update`.
//!
//! The learner's requests become rows keyed by id, each in a [`RowState`] (sending, done,
//! failed); `update` returns [`LabEffect`]s that the event loop hands to the [`runner`], which
//! sends them over real HTTP to the embedded demo API and answers with [`LabMsg`] actions
//! (the response, then every trace event). A result for an id no longer tracked is dropped.
//!
//! The demo API's lifetime follows the screen: the event loop calls [`runner::LabRunner::sync`]
//! after every update, which starts the server for [`LabState::profile`] while the lab is open and
//! stops every server once it is closed.

pub mod clipboard;
pub mod layout;
pub mod runner;
pub mod table;
pub mod text;

#[cfg(test)]
pub(crate) mod tests;

use std::collections::VecDeque;

use serde_json::{Map, Value};

use super::action::{Action, Effect};
use super::app::{App, Screen};
use super::keymap::Scope;
use crate::content::{Catalog, LabRequest, LabScenario};
use crate::lab::client::{Outcome, Prepared};
use crate::lab::table::{ExecRow, row_from_trace};
use crate::lab::trace::{RESPONSE_CHECK, TraceEvent, TraceStage};
use crate::lab::workbench::{self, SignWith};
use crate::lab::{CorsMode, FastApiVersion};

/// Rows kept; older ones are dropped so memory stays flat however long the session.
pub const MAX_ROWS: usize = 1000;
/// Trace events kept per row (a request emits about ten).
pub const MAX_EVENTS: usize = 64;
/// The release before the 403→401 change, for the version toggle.
pub const OLD_VERSION: FastApiVersion = FastApiVersion::new(0, 121, 3);
/// The prefix of the request ids the lab sends (`lab-7`), so trace events find their row.
pub const REQ_PREFIX: &str = "lab-";
/// Longest typed value in a form field.
const MAX_INPUT: usize = 400;

pub type RowId = u64;

/// Which signing secret a demo API instance uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKind {
    /// From `APISEC_TUTOR_JWT_SECRET` or random per run (the fix).
    PerRun,
    /// The pitfall's hard-coded `"mysecret123"`.
    HardCoded,
}

/// How one demo API instance is configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Profile {
    pub fastapi: FastApiVersion,
    pub cors: CorsMode,
    pub secret: SecretKind,
    /// A lab app of the content instead of the all-in-one demo API.
    pub app: Option<AppSel>,
}

/// A lab app by its position among the catalog's lab apps (lessons in order), and which side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppSel {
    pub index: u16,
    pub vulnerable: bool,
}

impl AppSel {
    /// The lab app a scenario names, if the catalog has it.
    #[must_use]
    pub fn for_scenario(catalog: &Catalog, s: &LabScenario) -> Option<Self> {
        let id = s.app.as_deref()?;
        let index = catalog.lessons.iter().flat_map(|l| l.lab_apps.iter()).position(|a| a.id == id)?;
        Some(Self { index: u16::try_from(index).ok()?, vulnerable: s.vulnerable })
    }
}

impl Profile {
    #[must_use]
    pub fn main(fastapi: FastApiVersion, cors: CorsMode) -> Self {
        Self { fastapi, cors, secret: SecretKind::PerRun, app: None }
    }
}

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
}

/// The panes (tabs at 80 columns; at 120 the table and flow stay visible and Tab switches the
/// right-hand pane).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Table,
    Trace,
    Tracker,
    Inspector,
    Compare,
    Workbench,
    Code,
}

impl Pane {
    pub const ALL: [Pane; 7] = [
        Pane::Table,
        Pane::Trace,
        Pane::Tracker,
        Pane::Inspector,
        Pane::Compare,
        Pane::Workbench,
        Pane::Code,
    ];

    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            Pane::Table => text::PANE_TABLE,
            Pane::Trace => text::PANE_TRACE,
            Pane::Tracker => text::PANE_TRACKER,
            Pane::Inspector => text::PANE_INSPECTOR,
            Pane::Compare => text::PANE_COMPARE,
            Pane::Workbench => text::PANE_WORKBENCH,
            Pane::Code => text::PANE_CODE,
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

/// Not a content preset: the runner logs in with `POST /token` (johndoe / secret) and sends the
/// access token it gets back.
pub const TOKEN_ENDPOINT: &str = "login-via-token-endpoint";

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
    fn field_mut(&mut self, i: usize) -> &mut String {
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

/// The three pitfalls replayed side by side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareKind {
    /// `allow_origins=["*"]` with credentials vs a trusted origin.
    Cors,
    /// A verifier that skips `exp` vs the real check.
    Expiry,
    /// A token forged with the hard-coded secret vs a secret from the environment.
    Secret,
    /// The selected request, sent again to its lab app and to the app's vulnerable twin.
    Twin,
}

impl CompareKind {
    pub const ALL: [CompareKind; 4] =
        [CompareKind::Cors, CompareKind::Expiry, CompareKind::Secret, CompareKind::Twin];

    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            CompareKind::Cors => "CORS: allow_origins=[\"*\"] with credentials vs a trusted origin",
            CompareKind::Expiry => "JWT expiry: a verifier that skips exp vs the real check",
            CompareKind::Secret => "Signing secret: hard-coded \"mysecret123\" vs from the environment",
            CompareKind::Twin => {
                "Any lab app: the selected request, sent to the app and to its vulnerable twin"
            }
        }
    }
}

/// One side of a comparison, as the runner reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Side {
    /// e.g. `Vulnerable: CORS wildcard`.
    pub label: String,
    /// The request line and headers that were sent (or what was checked).
    pub sent: Vec<String>,
    pub status: Option<u16>,
    /// Response headers worth comparing, `name: value`.
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// What this side means, in one sentence.
    pub note: String,
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
        }
    }
}

/// Lab intents (from keys) and results (from the runner), carried by [`Action::Lab`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabMsg {
    ReplaySeed,
    /// Enter: the focused pane's main action (send the composed request, run the comparison,
    /// sign and send the workbench token).
    Primary,
    SendScenario,
    NextRoute,
    PrevRoute,
    NextPreset,
    PrevPreset,
    NextScenario,
    PrevScenario,
    PrevPane,
    Pane(Pane),
    Predict,
    EditForm,
    ToggleVersion,
    /// A digit: picks a comparison or a workbench claim, depending on the pane.
    Digit(u8),
    /// `x`: the workbench's exp toggle.
    ToggleExp,
    /// `k`: the workbench's next signing key.
    NextKey,
    /// `w`: load the selected row's token into the workbench.
    LoadToken,
    Copy(CopyFormat),
    // Results.
    Started {
        profile: Profile,
        base_url: String,
    },
    StartFailed {
        profile: Profile,
        error: String,
    },
    Prepared {
        id: RowId,
        prepared: Box<Prepared>,
    },
    Done {
        id: RowId,
        outcome: Box<Outcome>,
    },
    Failed {
        id: RowId,
        error: String,
    },
    Trace(Box<TraceEvent>),
    Compared {
        id: u64,
        result: Box<Result<[Side; 2], String>>,
    },
    Signed(Result<String, String>),
    Notice(String),
    /// A copy is done; `osc52`: no clipboard tool took it, so offer it to the terminal too.
    Copied {
        notice: String,
        osc52: Option<String>,
    },
}

impl LabMsg {
    /// Whether this comes from the runner (a response, a trace event…) rather than a key.
    #[must_use]
    pub fn is_result(&self) -> bool {
        matches!(
            self,
            LabMsg::Started { .. }
                | LabMsg::StartFailed { .. }
                | LabMsg::Prepared { .. }
                | LabMsg::Done { .. }
                | LabMsg::Failed { .. }
                | LabMsg::Trace(_)
                | LabMsg::Compared { .. }
                | LabMsg::Signed(_)
                | LabMsg::Notice(_)
                | LabMsg::Copied { .. }
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyFormat {
    Curl,
    Httpie,
    TestClient,
}

impl CopyFormat {
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            CopyFormat::Curl => "curl",
            CopyFormat::Httpie => "httpie",
            CopyFormat::TestClient => "a TestClient test",
        }
    }

    #[must_use]
    pub fn extension(self) -> &'static str {
        match self {
            CopyFormat::Curl | CopyFormat::Httpie => "sh",
            CopyFormat::TestClient => "py",
        }
    }
}

/// Work for the runner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabEffect {
    Send {
        id: RowId,
        profile: Profile,
        request: Box<LabRequest>,
    },
    /// A scenario's requests, one after the other (a later one may use what an earlier answer
    /// gave: `{{alice_token}}`; a rate limit counts them in order).
    Sequence {
        profile: Profile,
        requests: Vec<(RowId, Box<LabRequest>)>,
    },
    Compare {
        id: u64,
        kind: CompareKind,
        request: Box<LabRequest>,
        fastapi: FastApiVersion,
        /// The lab app of the selected request (`Twin` compares its two sides).
        app: Option<AppSel>,
    },
    /// Sign the workbench claims; `exp_offset` in seconds from now (`None`: keep).
    Sign {
        claims: Map<String, Value>,
        with: SignWith,
        exp_offset: Option<i64>,
    },
    Copy {
        text: String,
        format: CopyFormat,
    },
    /// Written to the terminal by the event loop (it owns the terminal), not by the runner.
    Osc52(String),
}

/// The lab screen's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabState {
    pub lesson: usize,
    /// A content scenario to have ready (home, the reader, a quiz's "prove it", or `--scenario`).
    pub scenario: Option<String>,
    /// The scenario last made ready (so a scenario set after opening is noticed once).
    applied: Option<String>,
    /// The FastAPI version the screen opened with; `v` toggles between it and another.
    pub base_version: FastApiVersion,
    pub profile: Profile,
    pub server: ServerState,
    pub rows: VecDeque<Row>,
    /// Index into `rows`.
    pub selected: usize,
    next_id: RowId,
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
            next_id: 1,
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

    fn index_of(&self, id: RowId) -> Option<usize> {
        self.rows.binary_search_by_key(&id, |r| r.id).ok()
    }

    #[must_use]
    pub fn row(&self, id: RowId) -> Option<&Row> {
        self.index_of(id).and_then(|i| self.rows.get(i))
    }

    fn row_mut(&mut self, id: RowId) -> Option<&mut Row> {
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
    fn push(
        &mut self,
        request: LabRequest,
        scenario: Option<String>,
        seed: bool,
        profile: Profile,
    ) -> (RowId, Effect) {
        let id = self.next_id;
        self.next_id += 1;
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

    fn send_batch(&mut self, requests: &[LabRequest], scenario: Option<&str>, seed: bool) -> Vec<Effect> {
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
    fn select_first_of(&mut self, ids: &[RowId]) {
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

/// The lab's branch of `App::update`.
pub fn update(app: &mut App, action: Action) -> Vec<Effect> {
    let App { screen, progress, notice, catalog, size, .. } = app;
    let Screen::Lab(state) = screen else { return Vec::new() };
    let state: &mut LabState = state;
    apply_scenario(state, catalog);
    if let Some(input) = &mut state.input {
        return match action {
            Action::Input(c) => {
                let digits_only = matches!(input, Input::Predict(_));
                let buf = match input {
                    Input::Predict(s) | Input::Claim(_, s) => s,
                    Input::Form(i, f) => f.field_mut(*i),
                };
                let max = if digits_only { 3 } else { MAX_INPUT };
                if (!digits_only || c.is_ascii_digit()) && buf.chars().count() < max {
                    buf.push(c);
                }
                Vec::new()
            }
            Action::InputBackspace => {
                match input {
                    Input::Predict(s) | Input::Claim(_, s) => s.pop(),
                    Input::Form(i, f) => f.field_mut(*i).pop(),
                };
                Vec::new()
            }
            Action::InputCancel | Action::Back => {
                state.input = None;
                Vec::new()
            }
            Action::InputSubmit => submit_input(state),
            _ => Vec::new(),
        };
    }
    let Action::Lab(msg) = action else {
        return navigate(state, action, *size);
    };
    match msg {
        LabMsg::ReplaySeed => {
            let (id, requests) = seed_requests(catalog, state.lesson);
            state.send_batch(&requests, id.as_deref(), true)
        }
        LabMsg::Primary => primary(state),
        LabMsg::SendScenario => {
            let all = scenarios(catalog);
            let Some(s) = all.get(state.scenario_sel) else {
                *notice = Some(text::NO_SCENARIOS.to_owned());
                return Vec::new();
            };
            let (id, requests) = (s.id.clone(), s.requests.clone());
            let mut profile = state.profile;
            // A scenario about CORS runs against that configuration; one about a lab app, there.
            profile.cors = scenario_cors(s.cors.as_deref());
            profile.app = AppSel::for_scenario(catalog, s);
            let effects = state.send_batch(&requests, Some(&id), false);
            for row_id in &state.last_batch.clone() {
                if let Some(r) = state.row_mut(*row_id) {
                    r.profile = profile;
                }
            }
            let mut sequence = Vec::new();
            let mut rest = Vec::new();
            for e in effects {
                match e {
                    Effect::Lab(LabEffect::Send { id, request, .. }) => sequence.push((id, request)),
                    other => rest.push(other),
                }
            }
            rest.push(Effect::Lab(LabEffect::Sequence { profile, requests: sequence }));
            rest
        }
        LabMsg::NextRoute | LabMsg::PrevRoute => {
            state.route = cycle(state.route, ROUTES.len(), msg == LabMsg::NextRoute);
            state.custom = None;
            Vec::new()
        }
        LabMsg::NextPreset | LabMsg::PrevPreset => {
            state.preset = cycle(state.preset, PRESETS.len(), msg == LabMsg::NextPreset);
            state.custom = None;
            Vec::new()
        }
        LabMsg::NextScenario | LabMsg::PrevScenario => {
            let n = scenarios(catalog).len();
            state.scenario_sel = cycle(state.scenario_sel, n.max(1), msg == LabMsg::NextScenario);
            Vec::new()
        }
        LabMsg::PrevPane => {
            let shown = layout::panes(*size);
            let current = layout::shown_pane(*size, state.pane);
            let i = shown.iter().position(|p| *p == current).unwrap_or(0);
            state.pane = shown[(i + shown.len() - 1) % shown.len()];
            Vec::new()
        }
        LabMsg::Pane(p) => {
            state.pane = p;
            Vec::new()
        }
        LabMsg::Predict => {
            state.input = Some(Input::Predict(state.predicted.map(|p| p.to_string()).unwrap_or_default()));
            Vec::new()
        }
        LabMsg::EditForm => {
            let r = state.composed();
            let form = state.custom.clone().unwrap_or_else(|| Form {
                method: r.method.clone(),
                path: r.path.clone(),
                headers: r.headers.join(" | "),
                body: r.form.clone().unwrap_or_default(),
            });
            state.input = Some(Input::Form(0, form));
            Vec::new()
        }
        LabMsg::ToggleVersion => toggle_version(state, notice),
        LabMsg::Digit(d) => {
            match state.pane {
                Pane::Compare => {
                    if let Some(kind) = CompareKind::ALL.get(usize::from(d).saturating_sub(1)) {
                        state.compare_kind = *kind;
                        state.comparison = None;
                    }
                }
                Pane::Workbench => {
                    let claim = match d {
                        1 => "sub",
                        2 => "scope",
                        3 => "role",
                        // Any claim, typed as `name=value`.
                        4 => {
                            state.input = Some(Input::Claim("", String::new()));
                            return Vec::new();
                        }
                        _ => return Vec::new(),
                    };
                    let current = state.workbench.claims.get(claim).map(value_text).unwrap_or_default();
                    state.input = Some(Input::Claim(claim, current));
                }
                _ => {}
            }
            Vec::new()
        }
        LabMsg::ToggleExp => {
            let wb = &mut state.workbench;
            wb.exp = match wb.exp {
                ExpSetting::Past => ExpSetting::Fresh,
                _ => ExpSetting::Past,
            };
            state.pane = Pane::Workbench;
            Vec::new()
        }
        LabMsg::NextKey => {
            state.workbench.sign_with = state.workbench.sign_with.next();
            state.pane = Pane::Workbench;
            Vec::new()
        }
        LabMsg::LoadToken => {
            let token = state.selected_row().and_then(Row::token_sent);
            match token.as_deref().and_then(|t| workbench::decode(t).map(|d| (t.to_owned(), d))) {
                Some((t, d)) => {
                    state.workbench = Workbench {
                        source: Some(t),
                        header: d.header,
                        claims: d.claims,
                        signature: d.signature,
                        sign_with: state.workbench.sign_with,
                        exp: ExpSetting::Keep,
                        signed: None,
                    };
                }
                None => {
                    if token.is_some() {
                        *notice = Some("that token is not a JWT; the workbench keeps its claims".to_owned());
                    }
                }
            }
            state.pane = Pane::Workbench;
            Vec::new()
        }
        LabMsg::Copy(format) => copy(state, format, notice),
        LabMsg::Started { profile, base_url } => {
            state.urls.retain(|(p, _)| *p != profile);
            state.urls.push((profile, base_url.clone()));
            if profile == state.profile {
                state.server = ServerState::Running { base_url };
            }
            Vec::new()
        }
        LabMsg::StartFailed { profile, error } => {
            if profile == state.profile {
                state.server = ServerState::Failed(error.clone());
            }
            *notice = Some(text::start_failed(&error));
            Vec::new()
        }
        LabMsg::Prepared { id, prepared } => {
            if let Some(row) = state.row_mut(id) {
                row.prepared = Some(*prepared);
            }
            Vec::new()
        }
        LabMsg::Done { id, outcome } => {
            let Some(row) = state.row_mut(id) else { return Vec::new() };
            let status = outcome.status;
            row.state = RowState::Done(*outcome);
            if row.predicted.is_some() || row.scenario.is_some() {
                progress.record_lab_request(row.scenario.as_deref(), row.predicted, status);
                return vec![Effect::SaveProgress];
            }
            Vec::new()
        }
        LabMsg::Failed { id, error } => {
            if let Some(row) = state.row_mut(id) {
                row.state = RowState::Failed(error);
            }
            Vec::new()
        }
        LabMsg::Trace(event) => {
            let Some(id) = event.req_id.strip_prefix(REQ_PREFIX).and_then(|n| n.parse::<RowId>().ok()) else {
                return Vec::new();
            };
            let Some(row) = state.row_mut(id) else { return Vec::new() };
            let last = event.stage == TraceStage::Respond && event.check == RESPONSE_CHECK;
            if row.events.len() < MAX_EVENTS {
                row.events.push(*event);
            }
            if last {
                row.exec = row_from_trace(u32::try_from(id).unwrap_or(u32::MAX), &row.events);
            }
            Vec::new()
        }
        LabMsg::Compared { id, result } => {
            if let Some(c) = &mut state.comparison
                && c.id == id
            {
                c.sides = Some(*result);
            }
            Vec::new()
        }
        LabMsg::Signed(result) => match result {
            Ok(token) => {
                if let Some(d) = workbench::decode(&token) {
                    state.workbench.header = d.header;
                    state.workbench.signature = d.signature;
                }
                state.workbench.signed = Some(token.clone());
                let request = LabRequest {
                    capture: Default::default(),
                    id: "workbench".into(),
                    label: format!(
                        "GET /users/me · workbench token ({})",
                        short_sign(state.workbench.sign_with)
                    ),
                    method: "GET".into(),
                    path: "/users/me".into(),
                    headers: vec![format!("Authorization: Bearer {token}")],
                    form: None,
                    credential: None,
                    expect: Vec::new(),
                };
                let profile = state.profile;
                let (_, effect) = state.push(request, None, false, profile);
                state.last_batch = vec![state.next_id - 1];
                vec![effect]
            }
            Err(e) => {
                *notice = Some(e);
                Vec::new()
            }
        },
        LabMsg::Notice(text) => {
            *notice = Some(text);
            Vec::new()
        }
        LabMsg::Copied { notice: text, osc52 } => {
            *notice = Some(match &osc52 {
                Some(_) => format!("{text} {}", text::OSC52_TOO),
                None => text,
            });
            osc52.map(|t| vec![Effect::Lab(LabEffect::Osc52(t))]).unwrap_or_default()
        }
    }
}

fn short_sign(with: SignWith) -> &'static str {
    match with {
        SignWith::DemoSecret => "demo secret",
        SignWith::OtherKey => "another key",
        SignWith::HardCoded => "mysecret123",
        SignWith::AlgNone => "alg none",
    }
}

/// A claim's value as typed text (strings without quotes).
#[must_use]
pub fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn scenario_cors(cors: Option<&str>) -> CorsMode {
    match cors {
        Some("wildcard") => CorsMode::Wildcard,
        Some("trusted") => CorsMode::Trusted,
        _ => CorsMode::Off,
    }
}

fn cycle(i: usize, n: usize, forward: bool) -> usize {
    let n = n.max(1);
    if forward { (i + 1) % n } else { (i + n - 1) % n }
}

/// A scenario set by whoever opened the lab is made ready (selected) once.
fn apply_scenario(state: &mut LabState, catalog: &Catalog) {
    if state.scenario == state.applied {
        return;
    }
    state.applied.clone_from(&state.scenario);
    if let Some(id) = &state.scenario
        && let Some(i) = scenarios(catalog).iter().position(|s| s.id == *id)
    {
        state.scenario_sel = i;
    }
}

/// Called by `App::update` after every action: keeps scenario selection in sync even when the
/// scenario was set after the screen opened (the quiz does that).
pub fn after_update(app: &mut App) {
    let App { screen, catalog, .. } = app;
    if let Screen::Lab(state) = screen {
        apply_scenario(state, catalog);
    }
}

fn navigate(state: &mut LabState, action: Action, size: ratatui::layout::Rect) -> Vec<Effect> {
    let n = state.rows.len();
    let (before_row, before_pane) = (state.selected, state.pane);
    let table_pane = layout::shown_pane(size, state.pane) == Pane::Table;
    match action {
        // PgUp/PgDn scroll a long pane (trace, inspector…); on the table they move ten rows.
        Action::PageDown if !table_pane => state.scroll = state.scroll.saturating_add(5),
        Action::PageUp if !table_pane => state.scroll = state.scroll.saturating_sub(5),
        Action::Click { col, row } => {
            if let Some(p) = layout::tab_at(size, state, col, row) {
                state.pane = p;
            } else if let Some(i) = layout::row_at(size, state, col, row) {
                state.selected = i;
            }
        }
        Action::Back => return Vec::new(),
        Action::Down | Action::Wheel(1..) => state.selected = (state.selected + 1).min(n.saturating_sub(1)),
        Action::Up | Action::Wheel(i16::MIN..=-1) => state.selected = state.selected.saturating_sub(1),
        Action::PageDown => state.selected = (state.selected + 10).min(n.saturating_sub(1)),
        Action::PageUp => state.selected = state.selected.saturating_sub(10),
        Action::Top => state.selected = 0,
        Action::Bottom => state.selected = n.saturating_sub(1),
        Action::FocusNext => {
            let shown = layout::panes(size);
            let current = layout::shown_pane(size, state.pane);
            let i = shown.iter().position(|p| *p == current).unwrap_or(0);
            state.pane = shown[(i + 1) % shown.len()];
        }
        _ => {}
    }
    if (state.selected, state.pane) != (before_row, before_pane) {
        state.scroll = 0;
    }
    Vec::new()
}

fn primary(state: &mut LabState) -> Vec<Effect> {
    match state.pane {
        Pane::Compare => {
            let id = state.next_id;
            state.next_id += 1;
            let kind = state.compare_kind;
            let request = match kind {
                CompareKind::Cors => {
                    // The selected row's request if it carries an Origin, else the seed's good
                    // request from a foreign site.
                    state
                        .selected_row()
                        .map(|r| r.request.clone())
                        .filter(|r| r.headers.iter().any(|h| h.to_ascii_lowercase().starts_with("origin:")))
                        .unwrap_or_else(|| LabRequest {
                            capture: Default::default(),
                            id: "cors".into(),
                            label: "GET /items/ from https://evil.example".into(),
                            method: "GET".into(),
                            path: "/items/".into(),
                            headers: vec![
                                "Origin: https://evil.example".into(),
                                "Authorization: Bearer securetoken".into(),
                            ],
                            form: None,
                            credential: None,
                            expect: Vec::new(),
                        })
                }
                // What was really sent (a captured token filled in), to be sent again.
                CompareKind::Twin => {
                    state.selected_row().map_or_else(LabRequest::default, |r| match &r.prepared {
                        Some(p) => LabRequest {
                            id: "twin".into(),
                            label: format!("{} {}", p.method, p.target),
                            method: p.method.clone(),
                            path: p.target.clone(),
                            headers: p.headers.iter().map(|(n, v)| format!("{n}: {v}")).collect(),
                            form: p.body.clone(),
                            ..LabRequest::default()
                        },
                        None => r.request.clone(),
                    })
                }
                CompareKind::Expiry | CompareKind::Secret => LabRequest {
                    capture: Default::default(),
                    id: "jwt".into(),
                    label: "GET /users/me".into(),
                    method: "GET".into(),
                    path: "/users/me".into(),
                    headers: Vec::new(),
                    form: None,
                    credential: Some("expired-jwt".into()).filter(|_| kind == CompareKind::Expiry),
                    expect: Vec::new(),
                },
            };
            state.comparison = Some(Comparison { kind, id, sides: None });
            let app = state.selected_row().and_then(|r| r.profile.app);
            vec![Effect::Lab(LabEffect::Compare {
                id,
                kind,
                request: Box::new(request),
                fastapi: state.profile.fastapi,
                app,
            })]
        }
        Pane::Workbench => {
            let wb = &state.workbench;
            let exp_offset = match wb.exp {
                ExpSetting::Keep => None,
                ExpSetting::Past => Some(-3600),
                ExpSetting::Fresh => Some(30 * 60),
            };
            vec![Effect::Lab(LabEffect::Sign { claims: wb.claims.clone(), with: wb.sign_with, exp_offset })]
        }
        _ => {
            let request = state.composed();
            let profile = state.profile;
            let (id, effect) = state.push(request, None, false, profile);
            state.last_batch = vec![id];
            vec![effect]
        }
    }
}

fn submit_input(state: &mut LabState) -> Vec<Effect> {
    let Some(input) = state.input.take() else { return Vec::new() };
    match input {
        Input::Predict(s) => {
            state.predicted = s.parse::<u16>().ok().filter(|n| (100..=599).contains(n));
            Vec::new()
        }
        Input::Form(i, form) => {
            if i + 1 < text::EDIT_FORM.len() {
                state.input = Some(Input::Form(i + 1, form));
                return Vec::new();
            }
            state.custom = Some(form);
            let request = state.composed();
            let profile = state.profile;
            let (id, effect) = state.push(request, None, false, profile);
            state.last_batch = vec![id];
            vec![effect]
        }
        Input::Claim("", typed) => {
            // `name=value`: a JSON value (number, true, null…) stays one, anything else is a
            // string; `name=` removes the claim.
            if let Some((name, value)) = typed.split_once('=')
                && !name.trim().is_empty()
            {
                let name = name.trim().to_owned();
                if value.is_empty() {
                    state.workbench.claims.remove(&name);
                } else {
                    let v = serde_json::from_str::<Value>(value)
                        .unwrap_or_else(|_| Value::String(value.to_owned()));
                    state.workbench.claims.insert(name, v);
                }
            }
            Vec::new()
        }
        Input::Claim(name, value) => {
            state.workbench.claims.insert(name.to_owned(), Value::String(value));
            Vec::new()
        }
    }
}

/// `v`: switch the imitated FastAPI version (the runner restarts the server on the next sync)
/// and replay the last batch, each new row pointing at the row it replays.
fn toggle_version(state: &mut LabState, notice: &mut Option<String>) -> Vec<Effect> {
    let from = state.profile.fastapi;
    let to = state.other_version();
    state.profile.fastapi = to;
    state.server = ServerState::Starting;
    let batch: Vec<Row> = state.last_batch.iter().filter_map(|id| state.row(*id).cloned()).collect();
    *notice = Some(text::version_switched(from, to, batch.len()));
    let mut effects = Vec::new();
    let mut ids = Vec::new();
    for old in &batch {
        let mut profile = old.profile;
        profile.fastapi = to;
        let (id, effect) = state.push(old.request.clone(), old.scenario.clone(), old.seed, profile);
        if let Some(row) = state.row_mut(id) {
            row.replay_of = Some(old.id);
        }
        ids.push(id);
        effects.push(effect);
    }
    if !ids.is_empty() {
        state.select_first_of(&ids);
        state.last_batch = ids;
    }
    effects
}

fn copy(state: &LabState, format: CopyFormat, notice: &mut Option<String>) -> Vec<Effect> {
    let Some(row) = state.selected_row() else {
        *notice = Some(text::NO_SELECTION.to_owned());
        return Vec::new();
    };
    let Some(prepared) = &row.prepared else {
        *notice = Some(text::SENDING.to_owned());
        return Vec::new();
    };
    // The row's own server (a CORS scenario runs on its own instance); it may have stopped since.
    let base = state
        .urls
        .iter()
        .find(|(p, _)| *p == row.profile)
        .map_or_else(|| "http://127.0.0.1:8000".to_owned(), |(_, u)| u.clone());
    let outcome = match &row.state {
        RowState::Done(o) => Some(o),
        _ => None,
    };
    let text = match format {
        CopyFormat::Curl => crate::lab::client::as_curl(prepared, &base),
        CopyFormat::Httpie => crate::lab::client::as_httpie(prepared, &base),
        CopyFormat::TestClient => crate::lab::client::as_testclient(prepared, outcome),
    };
    vec![Effect::Lab(LabEffect::Copy { text, format })]
}

/// The lab scenario a reader page points at (execution sample, table, tracker, a myth or a
/// pitfall that names one), for the reader's "open in the lab" key.
#[must_use]
pub fn page_scenario(lesson: &crate::content::Lesson, page: super::doc::Page) -> Option<String> {
    use crate::content::SectionKind as K;
    match page.section {
        K::ExecutionSample => Some(lesson.execution_sample.lab_scenario.clone()),
        K::ExecutionTable => Some(lesson.execution_table.lab_scenario.clone()),
        K::VariableTracker => Some(lesson.variable_tracker.lab_scenario.clone()),
        K::MythBusters => lesson.myth_busters.get(page.item).and_then(|m| m.lab_scenario.clone()),
        K::Pitfalls => lesson.pitfalls.get(page.item).and_then(|p| p.lab_scenario.clone()),
        _ => None,
    }
}
