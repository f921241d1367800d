//! The lab's side of the event loop: one task that owns the demo API instances and sends the
//! learner's requests, answering with [`LabMsg`] actions through a bounded channel.
//!
//! Commands are handled in order (start a server, then send to it), while each request runs in
//! its own spawned task, so a slow request shows as "sending…" and never holds up the screen or
//! the other requests. Every server has a forwarder task that turns its trace events into
//! actions. The signing secret lives here only; the app never sees it.

use std::time::Duration;

use serde_json::Value;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::msg::Action;
use super::msg::lab::{CompareKind, LabEffect, LabMsg, Profile, RowId, SecretKind, Side, TOKEN_ENDPOINT};
use crate::content::LabRequest;
use crate::lab::client::{LabClient, Outcome, prepare};
use crate::lab::server::{self, RunningLab};
use crate::lab::tokens::{self, Secret};
use crate::lab::workbench::{self, HARDCODED_SECRET};
use std::sync::Arc;

use crate::lab::engine::AppSet;
use crate::lab::scenario::Captures;
use crate::lab::{CorsMode, LabConfig};

/// Actions queued from the lab before its tasks wait for the screen to catch up.
pub const QUEUE: usize = 256;
/// How long quitting waits for the servers to stop.
const SHUTDOWN_WAIT: Duration = Duration::from_secs(2);

#[derive(Debug)]
enum Cmd {
    /// The lab is open with this main profile: start it, stop the others.
    Main(Profile),
    StopAll,
    Effect(LabEffect),
}

/// Held by the event loop.
#[derive(Debug)]
pub struct LabRunner {
    cmds: mpsc::UnboundedSender<Cmd>,
    task: JoinHandle<()>,
}

impl LabRunner {
    /// Spawns the lab task on the current runtime; results go to `tx`.
    #[must_use]
    pub fn spawn(tx: mpsc::Sender<Action>, apps: Arc<AppSet>) -> Self {
        let (cmds, rx) = mpsc::unbounded_channel();
        let task = tokio::spawn(actor(rx, tx, Secret::from_env_or_random(), apps));
        Self { cmds, task }
    }

    pub fn run(&mut self, effect: LabEffect) {
        let cmd = match effect {
            LabEffect::Serve(Some(profile)) => Cmd::Main(profile),
            LabEffect::Serve(None) => Cmd::StopAll,
            effect => Cmd::Effect(effect),
        };
        let _ = self.cmds.send(cmd);
    }

    /// Stops every server gracefully and ends the task.
    pub async fn shutdown(self) {
        let _ = self.cmds.send(Cmd::StopAll);
        drop(self.cmds);
        let _ = tokio::time::timeout(SHUTDOWN_WAIT, self.task).await;
    }
}

struct Instance {
    profile: Profile,
    lab: RunningLab,
    client: LabClient,
    forwarder: JoinHandle<()>,
}

struct Actor {
    tx: mpsc::Sender<Action>,
    secret: Secret,
    /// The content's lab apps (a profile may name one).
    apps: Arc<AppSet>,
    servers: Vec<Instance>,
    /// Requests still in flight: stopped with the servers, so no answer outlives its lab (a
    /// reopened lab numbers its rows from 1 again).
    inflight: Vec<JoinHandle<()>>,
}

async fn actor(
    mut rx: mpsc::UnboundedReceiver<Cmd>,
    tx: mpsc::Sender<Action>,
    secret: Secret,
    apps: Arc<AppSet>,
) {
    let mut a = Actor { tx, secret, apps, servers: Vec::new(), inflight: Vec::new() };
    while let Some(cmd) = rx.recv().await {
        match cmd {
            Cmd::Main(profile) => {
                a.stop_where(|p| *p != profile).await;
                let _ = a.ensure(profile).await;
            }
            Cmd::StopAll => {
                for task in a.inflight.drain(..) {
                    task.abort();
                }
                a.stop_where(|_| true).await;
            }
            Cmd::Effect(effect) => a.effect(effect).await,
        }
    }
    a.stop_where(|_| true).await;
}

fn msg(m: LabMsg) -> Action {
    Action::Lab(m)
}

impl Actor {
    fn secret_for(&self, profile: Profile) -> Secret {
        match profile.secret {
            SecretKind::PerRun => self.secret.clone(),
            SecretKind::HardCoded => Secret::new(HARDCODED_SECRET),
        }
    }

    async fn stop_where(&mut self, stop: impl Fn(&Profile) -> bool) {
        let (gone, kept): (Vec<Instance>, Vec<Instance>) =
            std::mem::take(&mut self.servers).into_iter().partition(|i| stop(&i.profile));
        self.servers = kept;
        // Stopped together: each may wait out its grace period for keep-alive connections.
        // Dropping the client first closes its idle keep-alive connections, so the graceful
        // shutdown need not wait out its grace period for them.
        let stops = gone.into_iter().map(|Instance { lab, client, forwarder, .. }| {
            drop(client);
            forwarder.abort();
            lab.shutdown()
        });
        // A server that stopped with an error has nothing left to stop.
        let _ = futures_util::future::join_all(stops).await;
    }

    /// The client of the server for `profile`, starting it if needed.
    async fn ensure(&mut self, profile: Profile) -> Option<LabClient> {
        if let Some(i) = self.servers.iter().find(|i| i.profile == profile) {
            return Some(i.client.clone());
        }
        let mut cfg = LabConfig::new(profile.fastapi, profile.cors)
            .with_secret(self.secret_for(profile))
            .with_apps(self.apps.clone());
        if let Some(sel) = profile.app
            && let Some(app) = self.apps.apps.get(usize::from(sel.index))
        {
            cfg = cfg.with_app(app.id.clone()).with_vulnerable(sel.vulnerable);
        }
        let started = server::start(cfg).await;
        let mut lab = match started {
            Ok(lab) => lab,
            Err(e) => {
                let _ = self.tx.send(msg(LabMsg::StartFailed { profile, error: e.to_string() })).await;
                return None;
            }
        };
        let client = match LabClient::new(&lab.base_url) {
            Ok(c) => c,
            Err(e) => {
                let _ = self.tx.send(msg(LabMsg::StartFailed { profile, error: e.to_string() })).await;
                let _ = lab.shutdown().await;
                return None;
            }
        };
        let forwarder = match lab.trace.take() {
            Some(mut trace) => {
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    while let Some(event) = trace.recv().await {
                        // A request the lab did not send (a login made for a preset) has no row.
                        let Some(id) = RowId::of_req_id(&event.req_id) else { continue };
                        if tx.send(msg(LabMsg::Trace { id, event: Box::new(event) })).await.is_err() {
                            break;
                        }
                    }
                })
            }
            None => tokio::spawn(async {}),
        };
        let _ = self.tx.send(msg(LabMsg::Started { profile, base_url: lab.base_url.clone() })).await;
        self.servers.push(Instance { profile, lab, client: client.clone(), forwarder });
        Some(client)
    }

    /// One request: a login first when its preset asks for a fresh token, then the request in
    /// its own task (a slow answer holds nothing up).
    async fn send(&mut self, id: RowId, profile: Profile, request: Box<LabRequest>) {
        let Some(client) = self.ensure(profile).await else {
            let _ =
                self.tx.send(msg(LabMsg::Failed { id, error: "the demo API is not running".into() })).await;
            return;
        };
        let mut request = *request;
        if request.credential.as_deref() == Some(TOKEN_ENDPOINT) {
            match login(&client, id).await {
                Ok(token) => {
                    request.credential = None;
                    request.headers.retain(|h| !h.to_ascii_lowercase().starts_with("authorization:"));
                    request.headers.push(format!("Authorization: Bearer {token}"));
                }
                Err(error) => {
                    let _ = self.tx.send(msg(LabMsg::Failed { id, error })).await;
                    return;
                }
            }
        }
        let prepared = match prepare(&request, &self.secret_for(profile), tokens::now()) {
            Ok(p) => p,
            Err(e) => {
                let _ = self.tx.send(msg(LabMsg::Failed { id, error: e.to_string() })).await;
                return;
            }
        };
        let _ = self.tx.send(msg(LabMsg::Prepared { id, prepared: Box::new(prepared.clone()) })).await;
        let tx = self.tx.clone();
        self.inflight.retain(|t| !t.is_finished());
        self.inflight.push(tokio::spawn(async move {
            let result = client.send(&prepared, &id.req_id()).await;
            let m = match result {
                Ok(outcome) => LabMsg::Done { id, outcome: Box::new(outcome) },
                Err(e) => LabMsg::Failed { id, error: e.to_string() },
            };
            let _ = tx.send(msg(m)).await;
        }));
    }

    /// A scenario's requests, in order, in one task: each may use what an earlier answer gave.
    async fn sequence(&mut self, profile: Profile, requests: Vec<(RowId, Box<LabRequest>)>) {
        let Some(client) = self.ensure(profile).await else {
            for (id, _) in requests {
                let error = "the demo API is not running".to_owned();
                let _ = self.tx.send(msg(LabMsg::Failed { id, error })).await;
            }
            return;
        };
        let tx = self.tx.clone();
        let secret = self.secret_for(profile);
        self.inflight.retain(|t| !t.is_finished());
        self.inflight.push(tokio::spawn(async move {
            let mut captures = Captures::default();
            for (id, written) in requests {
                let request = captures.apply(&written);
                let prepared = match prepare(&request, &secret, tokens::now()) {
                    Ok(p) => p,
                    Err(e) => {
                        let _ = tx.send(msg(LabMsg::Failed { id, error: e.to_string() })).await;
                        continue;
                    }
                };
                let _ = tx.send(msg(LabMsg::Prepared { id, prepared: Box::new(prepared.clone()) })).await;
                let m = match client.send(&prepared, &id.req_id()).await {
                    Ok(outcome) => {
                        captures.record(&written, &outcome.body);
                        LabMsg::Done { id, outcome: Box::new(outcome) }
                    }
                    Err(e) => LabMsg::Failed { id, error: e.to_string() },
                };
                let _ = tx.send(msg(m)).await;
            }
        }));
    }

    async fn effect(&mut self, effect: LabEffect) {
        match effect {
            LabEffect::Send { id, profile, request } => self.send(id, profile, request).await,
            LabEffect::Sequence { profile, requests } => self.sequence(profile, requests).await,
            LabEffect::Compare { id, kind, request, fastapi, app } => {
                let result = self.compare(kind, &request, fastapi, app).await;
                let _ = self.tx.send(msg(LabMsg::Compared { id, result: Box::new(result) })).await;
            }
            LabEffect::Sign { mut claims, with, exp_offset } => {
                if let Some(offset) = exp_offset {
                    let exp = tokens::now().saturating_add_signed(offset);
                    claims.insert("exp".into(), Value::from(exp));
                }
                let result = workbench::sign(&claims, with, &self.secret).map_err(|e| e.to_string());
                let _ = self.tx.send(msg(LabMsg::Signed(result))).await;
            }
            // The event loop writes it to the terminal; `run` turned `Serve` into a command.
            LabEffect::Osc52(_) | LabEffect::Serve(_) => {}
            LabEffect::Copy { text, format } => {
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let for_terminal = text.clone();
                    let (notice, fallback) =
                        tokio::task::spawn_blocking(move || super::clipboard::copy(&text, format))
                            .await
                            .unwrap_or_else(|e| (super::strings::lab::copy_failed(&e.to_string()), true));
                    let osc52 = fallback.then_some(for_terminal);
                    let _ = tx.send(msg(LabMsg::Copied { notice, osc52 })).await;
                });
            }
        }
    }

    async fn send_one(&mut self, profile: Profile, request: &LabRequest, tag: &str) -> Result<Side, String> {
        let client = self.ensure(profile).await.ok_or("the demo API did not start")?;
        let prepared =
            prepare(request, &self.secret_for(profile), tokens::now()).map_err(|e| e.to_string())?;
        let outcome = client.send(&prepared, &format!("cmp-{tag}")).await.map_err(|e| e.to_string())?;
        let mut sent = vec![format!("{} {}", prepared.method, prepared.target)];
        sent.extend(prepared.headers.iter().map(|(n, v)| format!("{n}: {}", shorten(v, 60))));
        Ok(side_from(String::new(), sent, &outcome, String::new()))
    }

    /// The selected request sent to its lab app and to the app's vulnerable twin.
    async fn compare_twin(
        &mut self,
        request: &LabRequest,
        base: Profile,
        app: Option<crate::tui::msg::lab::AppSel>,
    ) -> Result<[Side; 2], String> {
        let sel = app
            .filter(|sel| self.apps.apps.get(usize::from(sel.index)).is_some_and(|a| a.vulnerable.is_some()))
            .ok_or(super::strings::lab::TWIN_NEEDS_APP)?;
        let id = self.apps.apps[usize::from(sel.index)].id.clone();
        let fixed = Profile { app: Some(crate::tui::msg::lab::AppSel { vulnerable: false, ..sel }), ..base };
        let twin = Profile { app: Some(crate::tui::msg::lab::AppSel { vulnerable: true, ..sel }), ..base };
        let mut a = self.send_one(twin, request, "twin-vulnerable").await?;
        let mut b = self.send_one(fixed, request, "twin-fixed").await?;
        a.label = format!("Vulnerable twin: lab --code {id} --vulnerable");
        a.note = "The app with the mistake its lesson teaches (see the Code tab).".into();
        b.label = format!("Fixed: lab --code {id}");
        b.note = "The same request against the app as it should be written.".into();
        Ok([a, b])
    }

    async fn compare(
        &mut self,
        kind: CompareKind,
        request: &LabRequest,
        fastapi: crate::lab::FastApiVersion,
        app: Option<crate::tui::msg::lab::AppSel>,
    ) -> Result<[Side; 2], String> {
        let base = Profile::main(fastapi, CorsMode::Off);
        match kind {
            CompareKind::Twin => self.compare_twin(request, base, app).await,
            CompareKind::Cors => {
                let wild = Profile { cors: CorsMode::Wildcard, ..base };
                let trusted = Profile { cors: CorsMode::Trusted, ..base };
                let mut a = self.send_one(wild, request, "cors-wildcard").await?;
                let mut b = self.send_one(trusted, request, "cors-trusted").await?;
                a.label = "Vulnerable: allow_origins=[\"*\"], allow_credentials=True".into();
                a.note = "Any site may read the answer with the learner's credentials.".into();
                b.label = "Fixed: allow_origins=[\"https://trustedclient.com\"]".into();
                b.note = "Only the trusted site's JavaScript may read the answer.".into();
                Ok([a, b])
            }
            CompareKind::Expiry => {
                let token = tokens::mint_preset("expired-jwt", &self.secret, tokens::now())
                    .ok_or("no expired-jwt preset")?
                    .map_err(|e| e.to_string())?;
                let claims = workbench::decode(&token).map(|d| d.claims).unwrap_or_default();
                let exp = claims.get("exp").map(crate::tui::msg::lab::value_text).unwrap_or_default();
                let vulnerable = match workbench::vulnerable_verify_skipping_exp(&token, &self.secret) {
                    Ok(c) => Side {
                        label: "Vulnerable: jwt.decode(..., options={\"verify_exp\": False})".into(),
                        sent: vec![format!("token exp = {exp} (one hour ago)")],
                        status: Some(200),
                        headers: Vec::new(),
                        body: format!(
                            "accepted: sub={} scope={}",
                            c.get("sub").map(crate::tui::msg::lab::value_text).unwrap_or_default(),
                            c.get("scope").map(crate::tui::msg::lab::value_text).unwrap_or_default()
                        ),
                        note: "An in-process verifier that skips exp (not the demo API): the stolen, expired token still works.".into(),
                    },
                    Err(e) => Side {
                        label: "Vulnerable: jwt.decode(..., options={\"verify_exp\": False})".into(),
                        sent: vec![format!("token exp = {exp}")],
                        status: None,
                        headers: Vec::new(),
                        body: format!("refused: {e}"),
                        note: String::new(),
                    },
                };
                let mut req = request.clone();
                req.credential = None;
                req.headers = vec![format!("Authorization: Bearer {token}")];
                let mut fixed = self.send_one(base, &req, "exp").await?;
                fixed.label = "Fixed: the demo API checks exp (jwt.decode as in the reference app)".into();
                fixed.note = "The expired token is refused before the handler runs.".into();
                Ok([vulnerable, fixed])
            }
            CompareKind::Secret => {
                let now = tokens::now();
                let claims = workbench::login_claims("johndoe", now);
                let forged = workbench::sign(&claims, workbench::SignWith::HardCoded, &self.secret)
                    .map_err(|e| e.to_string())?;
                let mut req = request.clone();
                req.credential = None;
                req.headers = vec![format!("Authorization: Bearer {forged}")];
                let hard = Profile { secret: SecretKind::HardCoded, ..base };
                let mut a = self.send_one(hard, &req, "secret-code").await?;
                let mut b = self.send_one(base, &req, "secret-env").await?;
                a.label = "Vulnerable: SECRET_KEY = \"mysecret123\" in the code".into();
                a.note = "A token forged by anyone who read the code is accepted.".into();
                b.label = "Fixed: the secret comes from APISEC_TUTOR_JWT_SECRET or is random per run".into();
                b.note = "The same forged token is refused: its signature does not match.".into();
                Ok([a, b])
            }
        }
    }
}

/// Logs in as the reference app's johndoe with `POST /token` and returns the access token.
async fn login(client: &LabClient, id: RowId) -> Result<String, String> {
    let form = crate::lab::client::Prepared {
        method: "POST".into(),
        target: "/token".into(),
        headers: vec![("Content-Type".into(), "application/x-www-form-urlencoded".into())],
        body: Some("username=johndoe&password=secret".into()),
    };
    let outcome = client.send(&form, &format!("login-{id}")).await.map_err(|e| e.to_string())?;
    let body: serde_json::Value = serde_json::from_slice(&outcome.body)
        .map_err(|_| format!("POST /token answered {}", outcome.status))?;
    body.get("access_token")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| format!("POST /token answered {} without a token", outcome.status))
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let head: String = s.chars().take(max.saturating_sub(1)).collect();
    format!("{head}…")
}

pub(crate) fn side_from(label: String, sent: Vec<String>, o: &Outcome, note: String) -> Side {
    let headers = o
        .headers
        .iter()
        .filter(|(n, _)| n.starts_with("access-control-") || n == "www-authenticate" || n == "vary")
        .cloned()
        .collect();
    Side { label, sent, status: Some(o.status), headers, body: shorten(&o.body_text(), 200), note }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::FastApiVersion;
    use crate::tui::screens::lab::LabState;

    /// Collects the actions for one row until its trace has ended and its response is in.
    async fn collect(rx: &mut mpsc::Receiver<Action>, id: RowId) -> (Option<Outcome>, usize) {
        let (mut outcome, mut events, mut ended) = (None, 0, false);
        while outcome.is_none() || !ended {
            match rx.recv().await {
                Some(Action::Lab(LabMsg::Done { id: got, outcome: o })) if got == id => outcome = Some(*o),
                Some(Action::Lab(LabMsg::Trace { id: got, event })) if got == id => {
                    events += 1;
                    ended |= event.check == crate::lab::trace::RESPONSE_CHECK;
                }
                Some(Action::Lab(LabMsg::Failed { error, .. })) => panic!("{error}"),
                Some(_) => {}
                None => break,
            }
        }
        (outcome, events)
    }

    #[tokio::test]
    async fn a_scenario_runs_in_order_with_captures_and_its_twin_answers_side_by_side() {
        let (tx, mut rx) = mpsc::channel(QUEUE);
        let apps = AppSet::shipped();
        let index = apps.apps.iter().position(|a| a.id == "invoices_app").unwrap();
        let mut runner = LabRunner::spawn(tx, apps);
        let sel = crate::tui::msg::lab::AppSel { index: u16::try_from(index).unwrap(), vulnerable: false };
        let profile = Profile { app: Some(sel), ..Profile::main(FastApiVersion::NEWEST, CorsMode::Off) };
        let login = LabRequest {
            id: "login".into(),
            method: "POST".into(),
            path: "/token".into(),
            form: Some("username=alice&password=wonderland".into()),
            capture: [("t".to_owned(), "body.access_token".to_owned())].into(),
            ..LabRequest::default()
        };
        let foreign = LabRequest {
            id: "foreign".into(),
            method: "GET".into(),
            path: "/invoices/2".into(),
            headers: vec!["Authorization: Bearer {{t}}".into()],
            ..LabRequest::default()
        };
        runner.run(LabEffect::Sequence {
            profile,
            requests: vec![(RowId(1), Box::new(login)), (RowId(2), Box::new(foreign))],
        });
        let mut sent = None;
        let mut status = None;
        while status.is_none() {
            match rx.recv().await {
                Some(Action::Lab(LabMsg::Prepared { id: RowId(2), prepared })) => sent = Some(*prepared),
                Some(Action::Lab(LabMsg::Done { id: RowId(2), outcome })) => status = Some(outcome.status),
                Some(Action::Lab(LabMsg::Failed { error, .. })) => panic!("{error}"),
                Some(_) => {}
                None => break,
            }
        }
        assert_eq!(status, Some(404), "Bob's invoice is hidden from Alice in the fixed app");
        let sent = sent.unwrap();
        assert!(
            sent.headers.iter().any(|(n, v)| n == "Authorization" && v.starts_with("Bearer eyJ")),
            "{sent:?}"
        );
        let again = LabRequest {
            method: sent.method,
            path: sent.target,
            headers: sent.headers.iter().map(|(n, v)| format!("{n}: {v}")).collect(),
            ..LabRequest::default()
        };
        runner.run(LabEffect::Compare {
            id: 3,
            kind: CompareKind::Twin,
            request: Box::new(again),
            fastapi: FastApiVersion::NEWEST,
            app: Some(sel),
        });
        loop {
            if let Some(Action::Lab(LabMsg::Compared { id: 3, result })) = rx.recv().await {
                let [vulnerable, fixed] = (*result).unwrap();
                assert_eq!(
                    (vulnerable.status, fixed.status),
                    (Some(200), Some(404)),
                    "{vulnerable:?} {fixed:?}"
                );
                assert!(vulnerable.body.contains("\"owner\":\"bob\""), "{}", vulnerable.body);
                break;
            }
        }
        runner.shutdown().await;
    }

    #[tokio::test]
    async fn the_runner_starts_sends_traces_and_stops_over_real_http() {
        let (tx, mut rx) = mpsc::channel(QUEUE);
        let mut runner = LabRunner::spawn(tx, AppSet::shipped());
        let state = LabState::new(0, None);
        runner.run(LabEffect::Serve(Some(state.profile)));
        let Some(Action::Lab(LabMsg::Started { base_url, .. })) = rx.recv().await else { panic!("no start") };
        assert!(base_url.starts_with("http://127.0.0.1:"));
        let request = crate::lab::seed::seed_requests().remove(2);
        runner.run(LabEffect::Send { id: RowId(7), profile: state.profile, request: Box::new(request) });
        let (outcome, events) = collect(&mut rx, RowId(7)).await;
        assert_eq!(outcome.map(|o| o.status), Some(401));
        assert!(events >= 3, "{events}");
        // A token fetched from POST /token opens /users/me.
        let mut me = crate::lab::seed::seed_requests().remove(0);
        me.path = "/users/me".into();
        me.headers.clear();
        me.credential = Some(TOKEN_ENDPOINT.into());
        runner.run(LabEffect::Send { id: RowId(8), profile: state.profile, request: Box::new(me) });
        let (outcome, _) = collect(&mut rx, RowId(8)).await;
        assert_eq!(outcome.map(|o| o.status), Some(200));
        // The other version restarts the server; a comparison starts its own pair.
        let mut old = state.clone();
        old.profile.fastapi = FastApiVersion::new(0, 121, 3);
        runner.run(LabEffect::Serve(Some(old.profile)));
        runner.run(LabEffect::Compare {
            app: None,
            id: 9,
            kind: CompareKind::Secret,
            request: Box::new(LabRequest {
                capture: Default::default(),
                id: "x".into(),
                label: "x".into(),
                method: "GET".into(),
                path: "/users/me".into(),
                headers: Vec::new(),
                form: None,
                credential: None,
                expect: Vec::new(),
            }),
            fastapi: old.profile.fastapi,
        });
        loop {
            if let Some(Action::Lab(LabMsg::Compared { id: 9, result })) = rx.recv().await {
                let [a, b] = (*result).unwrap();
                assert_eq!((a.status, b.status), (Some(200), Some(401)), "{a:?} {b:?}");
                break;
            }
        }
        runner.run(LabEffect::Serve(None));
        runner.shutdown().await;
    }
}
