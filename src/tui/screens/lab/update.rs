//! The lab screen's pure update: keys and runner results in, effects out.

use serde_json::Value;

use super::layout;
use super::state::{
    Comparison, ExpSetting, Form, Input, LabState, PRESETS, ROUTES, Row, RowState, ServerState, Workbench,
    scenarios, seed_requests,
};
use super::{AppSel, CompareKind, CopyFormat, LabEffect, LabMsg, Pane, RowId, value_text};
use crate::content::{Catalog, LabRequest};
use crate::lab::CorsMode;
use crate::lab::client::{Outcome, Prepared};
use crate::lab::table::row_from_trace;
use crate::lab::trace::{RESPONSE_CHECK, TraceEvent, TraceStage};
use crate::lab::workbench::{self, SignWith};
use crate::tui::ctx::Ctx;
use crate::tui::msg::{Action, Effect, Nav};
use crate::tui::strings::lab as text;

/// Longest typed value in a form field.
const MAX_INPUT: usize = 400;

impl LabState {
    /// Makes the scenario whoever opened the lab asked for ready (selected), once.
    pub fn ready(&mut self, catalog: &Catalog) {
        if self.scenario == self.applied {
            return;
        }
        self.applied.clone_from(&self.scenario);
        if let Some(id) = &self.scenario
            && let Some(i) = scenarios(catalog).iter().position(|s| s.id == *id)
        {
            self.scenario_sel = i;
        }
    }

    /// The lab's actions: typing while a field is open, the lab's own intents, the runner's
    /// results, and moving around the table and panes.
    pub fn update(&mut self, action: Action, ctx: &mut Ctx<'_>) -> Vec<Effect> {
        self.ready(ctx.catalog);
        if self.input.is_some() {
            return self.edit(action);
        }
        match action {
            Action::Back => vec![Effect::Go(Nav::Back)],
            Action::Lab(msg) if msg.is_result() => self.result(msg, ctx),
            Action::Lab(msg) => self.intent(msg, ctx),
            action => navigate(self, action, ctx.size),
        }
    }

    /// A key while the learner types a prediction, a form field or a claim.
    fn edit(&mut self, action: Action) -> Vec<Effect> {
        let Some(input) = &mut self.input else { return Vec::new() };
        match action {
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
            }
            Action::InputBackspace => {
                match input {
                    Input::Predict(s) | Input::Claim(_, s) => s.pop(),
                    Input::Form(i, f) => f.field_mut(*i).pop(),
                };
            }
            Action::InputCancel | Action::Back => self.input = None,
            Action::InputSubmit => return submit_input(self),
            _ => {}
        }
        Vec::new()
    }

    /// The lab's own keys.
    fn intent(&mut self, msg: LabMsg, ctx: &mut Ctx<'_>) -> Vec<Effect> {
        match msg {
            LabMsg::ReplaySeed => {
                let (id, requests) = seed_requests(ctx.catalog, self.lesson);
                self.send_batch(&requests, id.as_deref(), true)
            }
            LabMsg::Primary => primary(self),
            LabMsg::SendScenario => self.send_scenario(ctx),
            LabMsg::NextRoute | LabMsg::PrevRoute => {
                self.route = cycle(self.route, ROUTES.len(), msg == LabMsg::NextRoute);
                self.custom = None;
                Vec::new()
            }
            LabMsg::NextPreset | LabMsg::PrevPreset => {
                self.preset = cycle(self.preset, PRESETS.len(), msg == LabMsg::NextPreset);
                self.custom = None;
                Vec::new()
            }
            LabMsg::NextScenario | LabMsg::PrevScenario => {
                let n = scenarios(ctx.catalog).len();
                self.scenario_sel = cycle(self.scenario_sel, n.max(1), msg == LabMsg::NextScenario);
                Vec::new()
            }
            LabMsg::PrevPane => {
                let shown = layout::panes(ctx.size);
                let current = layout::shown_pane(ctx.size, self.pane);
                let i = shown.iter().position(|p| *p == current).unwrap_or(0);
                self.pane = shown[(i + shown.len() - 1) % shown.len()];
                Vec::new()
            }
            LabMsg::Pane(p) => {
                self.pane = p;
                Vec::new()
            }
            LabMsg::ToggleVersion => toggle_version(self, ctx.notice),
            LabMsg::Copy(format) => copy(self, format, ctx.catalog, ctx.notice),
            msg => {
                self.form_or_workbench(msg, ctx);
                Vec::new()
            }
        }
    }

    /// The intents that open a field or change the workbench; none sends anything.
    fn form_or_workbench(&mut self, msg: LabMsg, ctx: &mut Ctx<'_>) {
        match msg {
            LabMsg::Predict => {
                self.input = Some(Input::Predict(self.predicted.map(|p| p.to_string()).unwrap_or_default()));
            }
            LabMsg::EditForm => {
                let r = self.composed();
                let form = self.custom.clone().unwrap_or_else(|| Form {
                    method: r.method.clone(),
                    path: r.path.clone(),
                    headers: r.headers.join(" | "),
                    body: r.form.clone().unwrap_or_default(),
                });
                self.input = Some(Input::Form(0, form));
            }
            LabMsg::Digit(d) => self.digit(d),
            LabMsg::ToggleExp => {
                let wb = &mut self.workbench;
                wb.exp = match wb.exp {
                    ExpSetting::Past => ExpSetting::Fresh,
                    _ => ExpSetting::Past,
                };
                self.pane = Pane::Workbench;
            }
            LabMsg::NextKey => {
                self.workbench.sign_with = self.workbench.sign_with.next();
                self.pane = Pane::Workbench;
            }
            LabMsg::LoadToken => self.load_token(ctx),
            _ => {}
        }
    }

    /// A digit picks a comparison, or opens a workbench claim for editing.
    fn digit(&mut self, d: u8) {
        match self.pane {
            Pane::Compare => {
                if let Some(kind) = CompareKind::ALL.get(usize::from(d).saturating_sub(1)) {
                    self.compare_kind = *kind;
                    self.comparison = None;
                }
            }
            Pane::Workbench => {
                let claim = match d {
                    1 => "sub",
                    2 => "scope",
                    3 => "role",
                    // Any claim, typed as `name=value`.
                    4 => {
                        self.input = Some(Input::Claim("", String::new()));
                        return;
                    }
                    _ => return,
                };
                let current = self.workbench.claims.get(claim).map(value_text).unwrap_or_default();
                self.input = Some(Input::Claim(claim, current));
            }
            _ => {}
        }
    }

    /// `w`: the selected row's token into the workbench: the token a login answered with, else
    /// the token the request carried.
    fn load_token(&mut self, ctx: &mut Ctx<'_>) {
        let token = self.selected_row().and_then(|r| r.token_returned().or_else(|| r.token_sent()));
        match token.as_deref().and_then(|t| workbench::decode(t).map(|d| (t.to_owned(), d))) {
            Some((t, d)) => {
                self.workbench = Workbench {
                    source: Some(t),
                    header: d.header,
                    claims: d.claims,
                    signature: d.signature,
                    sign_with: self.workbench.sign_with,
                    exp: ExpSetting::Keep,
                    signed: None,
                    target: self.selected_row().map(Row::workbench_target).unwrap_or_default(),
                };
            }
            None if token.is_some() => ctx.say(text::NOT_A_JWT),
            None => ctx.say(text::NO_TOKEN_IN_ROW),
        }
        self.pane = Pane::Workbench;
    }

    /// `s`: the selected scenario's requests, in order, against the configuration it names.
    fn send_scenario(&mut self, ctx: &mut Ctx<'_>) -> Vec<Effect> {
        let all = scenarios(ctx.catalog);
        let Some(s) = all.get(self.scenario_sel) else {
            ctx.say(text::NO_SCENARIOS);
            return Vec::new();
        };
        let (id, requests) = (s.id.clone(), s.requests.clone());
        let mut profile = self.profile;
        // A scenario about CORS runs against that configuration; one about a lab app, there.
        profile.cors = scenario_cors(s.cors.as_deref());
        profile.app = AppSel::for_scenario(ctx.catalog, s);
        let effects = self.send_batch(&requests, Some(&id), false);
        for row_id in &self.last_batch.clone() {
            if let Some(r) = self.row_mut(*row_id) {
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

    /// What the runner reports: a server started, a request prepared, answered or traced, a
    /// comparison or a signature done, a copy made.
    fn result(&mut self, msg: LabMsg, ctx: &mut Ctx<'_>) -> Vec<Effect> {
        match msg {
            LabMsg::Started { profile, base_url } => {
                self.urls.retain(|(p, _)| *p != profile);
                self.urls.push((profile, base_url.clone()));
                if profile == self.profile {
                    self.server = ServerState::Running { base_url };
                }
            }
            LabMsg::StartFailed { profile, error } => {
                if profile == self.profile {
                    self.server = ServerState::Failed(error.clone());
                }
                ctx.say(text::start_failed(&error));
            }
            LabMsg::Prepared { id, prepared } => {
                if let Some(row) = self.row_mut(id) {
                    row.prepared = Some(*prepared);
                }
            }
            LabMsg::Done { id, outcome } => return self.done(id, *outcome, ctx),
            LabMsg::Failed { id, error } => {
                if let Some(row) = self.row_mut(id) {
                    row.state = RowState::Failed(error);
                }
            }
            LabMsg::Trace { id, event } => self.trace(id, *event),
            LabMsg::Compared { id, result } => {
                if let Some(c) = &mut self.comparison
                    && c.id == id
                {
                    c.sides = Some(*result);
                }
            }
            LabMsg::Signed(Ok(token)) => return self.send_signed(token),
            LabMsg::Signed(Err(e)) | LabMsg::Notice(e) => ctx.say(e),
            LabMsg::Copied { notice, osc52 } => {
                ctx.say(match &osc52 {
                    Some(_) => format!("{notice} {}", text::OSC52_TOO),
                    None => notice,
                });
                return osc52.map(|t| vec![Effect::Lab(LabEffect::Osc52(t))]).unwrap_or_default();
            }
            _ => {}
        }
        Vec::new()
    }

    fn done(&mut self, id: RowId, outcome: Outcome, ctx: &mut Ctx<'_>) -> Vec<Effect> {
        let Some(row) = self.row_mut(id) else { return Vec::new() };
        let status = outcome.status;
        row.state = RowState::Done(outcome);
        if row.predicted.is_some() || row.scenario.is_some() {
            ctx.progress.record_lab_request(row.scenario.as_deref(), row.predicted, status);
            return vec![Effect::SaveProgress];
        }
        Vec::new()
    }

    /// One trace event of a row; the last one (the response check) completes its table row.
    fn trace(&mut self, id: RowId, event: TraceEvent) {
        let Some(row) = self.row_mut(id) else { return };
        let last = event.stage == TraceStage::Respond && event.check == RESPONSE_CHECK;
        if row.events.len() < super::state::MAX_EVENTS {
            row.events.push(event);
        }
        if last {
            row.exec = row_from_trace(u32::try_from(id.0).unwrap_or(u32::MAX), &row.events);
        }
    }

    /// A token the workbench signed, sent to the route the workbench targets.
    fn send_signed(&mut self, token: String) -> Vec<Effect> {
        if let Some(d) = workbench::decode(&token) {
            self.workbench.header = d.header;
            self.workbench.signature = d.signature;
        }
        self.workbench.signed = Some(token.clone());
        let target = self.workbench.target.clone();
        let (method, path) = (target.method, target.path);
        let request = LabRequest {
            id: "workbench".into(),
            label: format!("{method} {path} · workbench token ({})", short_sign(self.workbench.sign_with)),
            method,
            path,
            headers: vec![format!("Authorization: Bearer {token}")],
            ..LabRequest::default()
        };
        let profile = target.profile.unwrap_or(self.profile);
        let (id, effect) = self.push(request, None, false, profile);
        self.last_batch = vec![id];
        vec![effect]
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
            // Comparisons are numbered from the same counter as rows, so ids never repeat.
            let id = state.next_id.0;
            state.next_id = state.next_id.next();
            let kind = state.compare_kind;
            let request = compare_request(state, kind);
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

/// The request a comparison sends to both sides.
fn compare_request(state: &LabState, kind: CompareKind) -> LabRequest {
    match kind {
        // The selected row's request if it carries an Origin, else the seed's good request from
        // a foreign site.
        CompareKind::Cors => state
            .selected_row()
            .map(|r| r.request.clone())
            .filter(|r| r.headers.iter().any(|h| h.to_ascii_lowercase().starts_with("origin:")))
            .unwrap_or_else(|| LabRequest {
                id: "cors".into(),
                label: "GET /items/ from https://evil.example".into(),
                method: "GET".into(),
                path: "/items/".into(),
                headers: vec![
                    "Origin: https://evil.example".into(),
                    "Authorization: Bearer securetoken".into(),
                ],
                ..LabRequest::default()
            }),
        // What was really sent (a captured token filled in), to be sent again.
        CompareKind::Twin => state.selected_row().map_or_else(LabRequest::default, |r| match &r.prepared {
            Some(p) => as_request(p),
            None => r.request.clone(),
        }),
        CompareKind::Expiry | CompareKind::Secret => LabRequest {
            id: "jwt".into(),
            label: "GET /users/me".into(),
            method: "GET".into(),
            path: "/users/me".into(),
            credential: Some("expired-jwt".into()).filter(|_| kind == CompareKind::Expiry),
            ..LabRequest::default()
        },
    }
}

/// A prepared request as a request to send again, exactly as it went.
fn as_request(p: &Prepared) -> LabRequest {
    LabRequest {
        id: "twin".into(),
        label: format!("{} {}", p.method, p.target),
        method: p.method.clone(),
        path: p.target.clone(),
        headers: p.headers.iter().map(|(n, v)| format!("{n}: {v}")).collect(),
        form: p.body.clone(),
        ..LabRequest::default()
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

fn copy(state: &LabState, format: CopyFormat, catalog: &Catalog, notice: &mut Option<String>) -> Vec<Effect> {
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
        CopyFormat::TestClient => {
            let source = super::program::standalone_source(catalog, row);
            let program = source.as_ref().map(super::program::standalone);
            crate::lab::client::as_testclient(prepared, outcome, program.as_ref())
        }
    };
    vec![Effect::Lab(LabEffect::Copy { text, format })]
}
