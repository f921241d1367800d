//! `progress push` end to end against a real LRS: Ralph (ralph-malph 5.1.0, filesystem backend),
//! started by this test on a free loopback port from the venv `scripts/ralph-lrs setup` builds.
//!
//! A session of quiz answers, section reads and lab requests is pushed, read back with GET and
//! compared statement by statement; a second push sends nothing; with Ralph stopped, new records
//! stay queued (exit 1) and the next push, Ralph back up, sends exactly them; with the push state
//! deleted, a re-push is answered 409 per stored id and still counts as sent.
//!
//! A second test stops Ralph in the middle of a push, between Ralph storing a batch and the push
//! hearing back: the next push sends the rest and the LRS ends with every statement exactly once.
//!
//! Without the venv the tests skip with a printed reason, except under CI (`CI` set), where it
//! fails: .ci/run builds the venv first.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use apisec_tutor::content::{self, SectionKind};
use apisec_tutor::progress::xapi::{self, Actor, ContentMap};
use apisec_tutor::progress::{Attempt, Progress, Store};
use serde_json::Value;

const ACTOR: &str = "mailto:learner@example.org";
const AUTH: &str = "teacher:secret";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn ralph_venv() -> Option<PathBuf> {
    let venv = std::env::var_os("APISEC_RALPH_VENV")
        .map_or_else(|| root().join("target/ci-tools/ralph"), PathBuf::from);
    venv.join("bin/ralph").is_file().then_some(venv)
}

/// Ralph in its own process group (uvicorn's reloader plus a worker), stopped as a group.
struct Ralph {
    child: Child,
}

impl Ralph {
    fn start(venv: &Path, dir: &Path, port: u16) -> Ralph {
        let child = Command::new("bash")
            .arg(root().join("scripts/ralph-lrs"))
            .args(["serve", dir.to_str().unwrap(), &port.to_string()])
            .env("APISEC_RALPH_VENV", venv)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.join("ralph.log")).unwrap())
            .process_group(0)
            .spawn()
            .unwrap();
        let ralph = Ralph { child };
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if get_all(port).is_some() {
                return ralph;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        let log = std::fs::read_to_string(dir.join("ralph.log")).unwrap_or_default();
        panic!("Ralph did not answer on port {port} within 60 s; its log:\n{log}");
    }

    fn stop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        let _ = self.child.wait();
    }
}

impl Drop for Ralph {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            self.stop();
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// GET every statement (None while Ralph is not answering).
fn get_all(port: u16) -> Option<Vec<Value>> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let resp = reqwest::Client::new()
            .get(format!("http://127.0.0.1:{port}/xAPI/statements?limit=1000"))
            .basic_auth("teacher", Some("secret"))
            .header("X-Experience-API-Version", "1.0.3")
            .timeout(Duration::from_secs(5))
            .send()
            .await
            .ok()?;
        if !resp.status().is_success() {
            return None;
        }
        let body: Value = resp.json().await.ok()?;
        body["statements"].as_array().cloned()
    })
}

fn push(data: &Path, port: u16) -> Output {
    Command::new(env!("CARGO_BIN_EXE_apisec-tutor"))
        .args(["progress", "push", "--lrs", &format!("http://127.0.0.1:{port}"), "--actor", ACTOR])
        .env("APISEC_TUTOR_DATA_DIR", data)
        .env("APISEC_TUTOR_LRS_AUTH", AUTH)
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A learner's session on the embedded content: every section of the first lesson read, every
/// question of its first quiz answered (one wrong), lab requests with and without predictions.
fn session(catalog: &content::Catalog, progress: &mut Progress, t0: u64) {
    let lesson = &catalog.lessons[0];
    for (i, kind) in SectionKind::ALL.iter().filter(|k| lesson.items(**k) > 0).enumerate() {
        progress.mark_read_at(&lesson.id, *kind, t0 + i as u64);
    }
    let quiz = catalog.quizzes.iter().find(|q| q.lesson == lesson.id).unwrap();
    for (i, q) in quiz.questions.iter().enumerate() {
        progress.record_attempt(Attempt {
            id: String::new(),
            at: t0 + 100 + i as u64,
            quiz: quiz.id.clone(),
            question: q.id.clone(),
            difficulty: q.difficulty,
            choice: if i == 0 { "wrong-choice".into() } else { "a".into() },
            letter: String::new(),
            correct: i != 0,
            hints_used: u32::from(i == 1),
            seconds: 7,
        });
    }
    let scenario = lesson.lab_scenarios.first().map(|s| s.id.as_str());
    progress.record_lab_request_at(scenario, Some(401), 401, (t0 + 200) * 1000 + 5);
    progress.record_lab_request_at(scenario, Some(200), 401, (t0 + 200) * 1000 + 900);
    progress.record_lab_request_at(None, None, 200, (t0 + 201) * 1000);
}

fn save(data: &Path, progress: &Progress) {
    let (mut store, _, _) = Store::open(data);
    store.save(progress).unwrap();
}

/// The same instant, whatever offset spelling the LRS normalized it to.
fn instant(ts: &str) -> String {
    ts.replace("+00:00", "Z")
}

/// Every statement we built is stored, with the same actor, verb, object, result and context.
fn assert_stored(expected: &[Value], stored: &[Value]) {
    let by_id: HashMap<&str, &Value> = stored.iter().map(|s| (s["id"].as_str().unwrap(), s)).collect();
    assert_eq!(stored.len(), expected.len(), "the LRS holds exactly the statements pushed");
    for want in expected {
        let id = want["id"].as_str().unwrap();
        let got = by_id.get(id).unwrap_or_else(|| panic!("statement {id} missing from the LRS"));
        for field in ["actor", "verb", "object", "result", "context"] {
            assert_eq!(got.get(field), want.get(field), "{field} of statement {id}");
        }
        assert_eq!(
            instant(got["timestamp"].as_str().unwrap()),
            instant(want["timestamp"].as_str().unwrap()),
            "timestamp of {id}"
        );
    }
}

#[test]
fn push_round_trips_through_ralph_and_survives_it_being_down() {
    let Some(venv) = ralph_venv() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but the Ralph venv is missing: .ci/run must run `scripts/ralph-lrs setup`"
        );
        eprintln!("SKIPPED: no Ralph venv (run `scripts/ralph-lrs setup` to build it)");
        return;
    };
    let catalog = content::load_embedded().unwrap();
    let map = ContentMap::from_catalog(&catalog);
    let actor = Actor::parse(ACTOR).unwrap();
    let lrs_dir = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut ralph = Ralph::start(&venv, lrs_dir.path(), port);

    // 1. A session, pushed and read back.
    let mut progress = Progress::new();
    session(&catalog, &mut progress, 1_700_000_000);
    save(data.path(), &progress);
    let first = xapi::statements(&progress, &actor, &map);
    let verbs: Vec<&str> = first.iter().map(|s| s["verb"]["id"].as_str().unwrap()).collect();
    for v in [xapi::verbs::EXPERIENCED, xapi::verbs::ANSWERED, xapi::verbs::ATTEMPTED, xapi::verbs::COMPLETED]
    {
        assert!(verbs.contains(&v), "the session makes a {v} statement");
    }
    assert!(verbs.contains(&xapi::verbs::PASSED) || verbs.contains(&xapi::verbs::FAILED));
    let out = push(data.path(), port);
    let log = || std::fs::read_to_string(lrs_dir.path().join("ralph.log")).unwrap_or_default();
    assert!(
        out.status.success(),
        "push failed: {}{}\nRalph's log:\n{}",
        text(&out.stdout),
        text(&out.stderr),
        log()
    );
    assert!(
        text(&out.stdout).contains(&format!("Pushed {} statement(s)", first.len())),
        "{}",
        text(&out.stdout)
    );
    assert_stored(&first, &get_all(port).unwrap());

    // 2. Pushing again sends nothing.
    let out = push(data.path(), port);
    assert!(out.status.success());
    assert!(
        text(&out.stdout).contains(&format!(
            "Pushed 0 statement(s) to http://127.0.0.1:{port}/xAPI/statements; {} already there; 0 queued",
            first.len()
        )),
        "{}",
        text(&out.stdout)
    );

    // 3. More work while the LRS is down: kept, exit 1, nothing lost.
    session(&catalog, &mut progress, 1_700_100_000);
    save(data.path(), &progress);
    let all = xapi::statements(&progress, &actor, &map);
    let new = all.len() - first.len();
    assert!(new > 0);
    ralph.stop();
    let out = push(data.path(), port);
    assert_eq!(out.status.code(), Some(1), "a push with the LRS down reports failure");
    assert!(text(&out.stdout).contains(&format!("{new} queued")), "{}", text(&out.stdout));

    // 4. The LRS is back: the next push sends exactly the queued statements.
    let mut ralph = Ralph::start(&venv, lrs_dir.path(), port);
    let out = push(data.path(), port);
    assert!(out.status.success(), "{}{}", text(&out.stdout), text(&out.stderr));
    assert!(
        text(&out.stdout).contains(&format!("Pushed {new} statement(s)"))
            && text(&out.stdout).contains(&format!("{} already there", first.len())),
        "{}",
        text(&out.stdout)
    );
    assert_stored(&all, &get_all(port).unwrap());

    // 5. The push state lost: the LRS answers 409 for what it has; nothing is duplicated.
    std::fs::remove_file(data.path().join(apisec_tutor::progress::push::STATE_FILE)).unwrap();
    let out = push(data.path(), port);
    assert!(out.status.success(), "{}{}", text(&out.stdout), text(&out.stderr));
    assert!(
        text(&out.stdout).contains(&format!("Pushed {} statement(s)", all.len())),
        "{}",
        text(&out.stdout)
    );
    assert_stored(&all, &get_all(port).unwrap());
    eprintln!(
        "Ralph round trip: {} statements in the first session, {} queued while down and sent after, {} read back",
        first.len(),
        new,
        all.len()
    );
    ralph.stop();
}

/// A reverse proxy in front of Ralph (as a class would run one) that stops Ralph mid-push: the
/// `stop_at`-th POST reaches Ralph and is stored, then Ralph is stopped before its answer is
/// relayed, so the push sees a 502 for a batch the LRS holds. Later requests get 502 until Ralph
/// is back (a gateway with nothing behind it).
mod outage {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};

    use axum::body::{Body, to_bytes};
    use axum::extract::{Request, State};
    use axum::http::StatusCode;
    use axum::response::{IntoResponse, Response};

    use super::Ralph;

    pub struct Proxy {
        pub upstream: u16,
        pub ralph: Mutex<Option<Ralph>>,
        pub posts: AtomicUsize,
        pub stop_at: usize,
    }

    async fn forward(State(p): State<Arc<Proxy>>, req: Request) -> Response {
        let post = req.method() == axum::http::Method::POST;
        let url = format!(
            "http://127.0.0.1:{}{}",
            p.upstream,
            req.uri().path_and_query().map_or("/", |q| q.as_str())
        );
        let mut out = reqwest::Client::new().request(req.method().clone(), url);
        for name in ["authorization", "content-type", "x-experience-api-version"] {
            if let Some(v) = req.headers().get(name) {
                out = out.header(name, v.as_bytes());
            }
        }
        let Ok(body) = to_bytes(req.into_body(), 16 << 20).await else {
            return StatusCode::BAD_REQUEST.into_response();
        };
        let Ok(answer) = out.body(body).send().await else {
            return StatusCode::BAD_GATEWAY.into_response();
        };
        let status = answer.status().as_u16();
        let bytes = answer.bytes().await.unwrap_or_default();
        if post && p.posts.fetch_add(1, Ordering::SeqCst) + 1 == p.stop_at {
            // Stored by Ralph; its answer is lost with it.
            let ralph = p.ralph.lock().unwrap().take();
            tokio::task::spawn_blocking(move || drop(ralph)).await.unwrap();
            return StatusCode::BAD_GATEWAY.into_response();
        }
        Response::builder().status(status).body(Body::from(bytes)).unwrap()
    }

    /// Serves the proxy on `port` until the runtime ends.
    pub async fn serve(port: u16, proxy: Arc<Proxy>) {
        let app = axum::Router::new().fallback(forward).with_state(proxy);
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    }
}

#[test]
fn ralph_stopped_in_the_middle_of_a_push_loses_nothing_and_duplicates_nothing() {
    use std::sync::Arc;
    use std::sync::atomic::AtomicUsize;

    use apisec_tutor::progress::push::{PushConfig, push as push_now};

    let Some(venv) = ralph_venv() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but the Ralph venv is missing: .ci/run must run `scripts/ralph-lrs setup`"
        );
        eprintln!("SKIPPED: no Ralph venv (run `scripts/ralph-lrs setup` to build it)");
        return;
    };
    let catalog = content::load_embedded().unwrap();
    let map = ContentMap::from_catalog(&catalog);
    let actor = Actor::parse(ACTOR).unwrap();
    let mut progress = Progress::new();
    session(&catalog, &mut progress, 1_700_000_000);
    session(&catalog, &mut progress, 1_700_100_000);
    let all = xapi::statements(&progress, &actor, &map);
    const BATCH: usize = 5;
    const STOP_AT: usize = 3;
    assert!(all.len() > BATCH * (STOP_AT + 1), "enough statements for batches after the outage");

    let lrs_dir = tempfile::tempdir().unwrap();
    let state = tempfile::tempdir().unwrap();
    let (ralph_port, proxy_port) = (free_port(), free_port());
    let proxy = Arc::new(outage::Proxy {
        upstream: ralph_port,
        ralph: std::sync::Mutex::new(Some(Ralph::start(&venv, lrs_dir.path(), ralph_port))),
        posts: AtomicUsize::new(0),
        stop_at: STOP_AT,
    });
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(outage::serve(proxy_port, proxy.clone()));
    let mut cfg = PushConfig::new(&format!("http://127.0.0.1:{proxy_port}"), AUTH).unwrap();
    cfg.batch = BATCH;
    cfg.retries = 2;
    cfg.backoff = Duration::from_millis(20);

    // 1. Ralph stops during the push, after storing the third batch and before answering it.
    let first = rt.block_on(push_now(&all, state.path(), &cfg)).unwrap();
    assert!(proxy.ralph.lock().unwrap().is_none(), "Ralph was stopped during the push");
    let acked = BATCH * (STOP_AT - 1);
    assert_eq!((first.sent, first.skipped, first.queued), (acked, 0, all.len() - acked));
    assert!(first.unavailable.as_deref().is_some_and(|u| u.contains("502")), "{:?}", first.unavailable);

    // 2. Ralph back up: it holds the three batches that reached it, the third unacknowledged.
    *proxy.ralph.lock().unwrap() = Some(Ralph::start(&venv, lrs_dir.path(), ralph_port));
    assert_stored(&all[..BATCH * STOP_AT], &get_all(ralph_port).unwrap());

    // 3. The next push sends the rest; the stored-but-unacknowledged batch is answered 409 and
    //    counted as sent, not stored twice.
    let second = rt.block_on(push_now(&all, state.path(), &cfg)).unwrap();
    assert_eq!((second.sent, second.skipped, second.queued), (all.len() - acked, acked, 0));
    assert!(second.unavailable.is_none());
    assert_stored(&all, &get_all(ralph_port).unwrap());
    eprintln!(
        "Ralph outage: {} statements, {} acknowledged before the stop, {} stored but unacknowledged, {} sent after; {} in the LRS, each once",
        all.len(),
        acked,
        BATCH,
        second.sent,
        all.len()
    );
    drop(rt);
}
