//! `apisec-tutor serve`: the demo API in the foreground, for curl, httpie or a browser.
//!
//! The first stdout line is exactly `listening on http://127.0.0.1:PORT`; then one line per
//! request (method, target, status, where it stopped, latency), and with `--trace` every trace
//! event as a JSON line before it. Each line is flushed. Ctrl-C or SIGTERM stop it gracefully.
//!
//! For the person at the terminal, stderr gets the routes, the demo users and sample `curl`
//! commands with the real URL ([`banner`]): stderr, so stdout stays the log scripts read.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use crate::Error;
use crate::cli::ServeArgs;
use crate::content::lab_app::LabApp;
use crate::lab::server::{self, RunningLab};
use crate::lab::trace::RESPONSE_CHECK;
use crate::lab::{FastApiVersion, LabConfig, TraceEvent, TraceReceiver, TraceStage};

/// What is served, who can log in and how to try it, with the real base URL.
#[must_use]
pub fn banner(spec: &LabApp, base: &str, version: FastApiVersion) -> String {
    let mut out = format!("{} (FastAPI {version}), {} route(s):\n", spec.title, spec.routes.len());
    let method_w = spec.routes.iter().map(|r| r.method.len()).max().unwrap_or(3);
    let path_w = spec.routes.iter().map(|r| r.path.chars().count()).max().unwrap_or(1);
    for r in &spec.routes {
        let what = if r.login.is_some() { " (login: form username, password)" } else { "" };
        out.push_str(&format!("  {:<method_w$} {:<path_w$}  {}{what}\n", r.method, r.path, r.handler));
    }
    out.push_str("  and FastAPI's own pages: /docs, /redoc, /openapi.json\n");
    if !spec.users.is_empty() {
        let users: Vec<String> = spec
            .users
            .iter()
            .map(|u| {
                let mut about = Vec::new();
                if u.role != "user" {
                    about.push(format!("role {}", u.role));
                }
                if u.disabled {
                    about.push("disabled".to_owned());
                }
                let about = if about.is_empty() { String::new() } else { format!(" ({})", about.join(", ")) };
                format!("{} / {}{about}", u.username, u.password)
            })
            .collect();
        out.push_str(&format!("Demo users (username / password): {}\n", users.join(", ")));
    }
    out.push_str("Try:\n");
    for line in sample_curls(spec, base) {
        out.push_str(&format!("  {line}\n"));
    }
    out.push_str(&format!("  (or open {base}/docs in a browser; Ctrl-C stops the server)\n"));
    out
}

/// A login and a call with its token when the app has a login route and an active user;
/// otherwise a call to the first route (its path parameters filled with 1).
fn sample_curls(spec: &LabApp, base: &str) -> Vec<String> {
    // Quoted for a POSIX shell only when needed, so the common case reads plainly.
    let sh = |s: &str| {
        if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_./:@%=+,".contains(c)) {
            s.to_owned()
        } else {
            format!("'{}'", s.replace('\'', "'\\''"))
        }
    };
    let fill = |path: &str| {
        crate::lab::engine::segments(path)
            .iter()
            .map(|seg| match seg {
                crate::lab::engine::Segment::Lit(l) => l.clone(),
                crate::lab::engine::Segment::Param(_) => "1".to_owned(),
            })
            .collect::<Vec<_>>()
    };
    let url = |path: &str| format!("{base}/{}", fill(path).join("/"));
    let login = spec.routes.iter().find(|r| r.login.is_some());
    let user = spec.users.iter().find(|u| !u.disabled);
    if let (Some(login), Some(user)) = (login, user) {
        let mut out = vec![format!(
            "curl -s -X POST {} -d username={} -d password={}",
            sh(&url(&login.path)),
            sh(&user.username),
            sh(&user.password)
        )];
        if let Some(me) = spec.routes.iter().find(|r| r.current_user.is_some() && r.method == "GET") {
            out.push(format!(
                "curl -i {} -H 'Authorization: Bearer ACCESS_TOKEN'   (the access_token the login answered)",
                sh(&url(&me.path))
            ));
        }
        return out;
    }
    spec.routes
        .first()
        .map(|r| vec![format!("curl -i -X {} {}", r.method, sh(&url(&r.path)))])
        .unwrap_or_default()
}

/// Longer than the server's own grace period, so a stuck connection cannot keep us alive.
const STOP_TIMEOUT: Duration = Duration::from_millis(900);

pub fn run(cli: &crate::cli::Cli, args: &ServeArgs) -> Result<ExitCode, Error> {
    let version =
        FastApiVersion::parse(&args.api.fastapi_version).map_err(|e| Error::Usage(e.to_string()))?;
    let mut cfg = LabConfig::new(version, args.api.cors).with_port(args.port);
    if !cli.content.is_empty() {
        let catalog = super::catalog(cli)?;
        cfg = cfg.with_apps(std::sync::Arc::new(crate::lab::engine::AppSet::for_content(&catalog)));
    }
    if let Some(app) = &args.api.app {
        if cfg.apps.get(app).is_none() {
            return Err(crate::lab::LabError::UnknownApp(app.clone()).into());
        }
        cfg = cfg.with_app(app.clone()).with_vulnerable(args.api.vulnerable);
    }
    server::runtime()?.block_on(serve(cfg, args.trace))
}

async fn serve(cfg: LabConfig, trace: bool) -> Result<ExitCode, Error> {
    let stop = shutdown_signal();
    let spec = cfg.apps.served_spec(cfg.app.as_deref(), cfg.vulnerable);
    let version = cfg.fastapi;
    let mut lab = server::start(cfg).await?;
    // The first line is written here, before anything else can be: scripts wait for it.
    let mut stdout = crate::safe_text::stdout();
    let io = |e| Error::io("cannot write to stdout", e);
    writeln!(stdout, "listening on {}", lab.base_url).and_then(|()| stdout.flush()).map_err(io)?;
    drop(stdout);
    // A closed or failing stderr must not stop the server: the banner is a courtesy.
    let mut stderr = crate::safe_text::stderr();
    let _ = stderr.write_all(banner(&spec, &lab.base_url, version).as_bytes()).and_then(|()| stderr.flush());
    drop(stderr);
    let (mut log, mut closed) = LogWriter::start();
    let mut events = lab.trace.take();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            () = &mut stop => break,
            // A closed stdout (e.g. `| head`) ends the server, quietly and gracefully.
            _ = closed.changed() => break,
            event = async { match events.as_mut() { Some(rx) => rx.recv().await, None => std::future::pending().await } } => {
                let Some(event) = event else { break };
                log.send(&event, trace);
            }
        }
    }
    stop_lab(lab).await;
    let trace_dropped = events.as_ref().map_or(0, TraceReceiver::dropped);
    log.finish(trace_dropped);
    Ok(ExitCode::SUCCESS)
}

/// The request log on its own thread. Writing to stdout can block (a pipe nobody reads):
/// the server and its signal handling must never wait for it, so lines go through a bounded
/// queue, and a line that finds the queue full is counted and reported, never silently lost.
struct LogWriter {
    lines: std::sync::mpsc::SyncSender<String>,
    dropped: u64,
}

/// Lines the log holds for a slow reader before it counts drops.
const LOG_QUEUE: usize = 16_384;

impl LogWriter {
    fn start() -> (Self, tokio::sync::watch::Receiver<bool>) {
        let (lines, rx) = std::sync::mpsc::sync_channel::<String>(LOG_QUEUE);
        let (closed_tx, closed) = tokio::sync::watch::channel(false);
        // Detached: if stdout stays blocked at exit, the process still ends with `main`.
        std::thread::spawn(move || {
            let mut out = crate::safe_text::SafeWriter::new(std::io::stdout());
            for line in rx {
                if out.write_all(line.as_bytes()).and_then(|()| out.flush()).is_err() {
                    let _ = closed_tx.send(true);
                    return;
                }
            }
        });
        (LogWriter { lines, dropped: 0 }, closed)
    }

    fn send(&mut self, event: &TraceEvent, trace: bool) {
        let mut text = Vec::new();
        if print_event(&mut text, event, trace).is_err() || text.is_empty() {
            return;
        }
        let line = String::from_utf8_lossy(&text).into_owned();
        if self.lines.try_send(line).is_err() {
            self.dropped += 1;
        }
    }

    /// Says how many lines were lost, if any (on stderr, from a detached thread, so a blocked
    /// stderr cannot hold the exit either).
    fn finish(self, trace_dropped: u64) {
        let (log, trace) = (self.dropped, trace_dropped);
        if log == 0 && trace == 0 {
            return;
        }
        let done = std::thread::spawn(move || {
            crate::safe_eprintln!(
                "apisec-tutor: {log} log line(s) dropped because stdout was not read fast enough; {trace} trace event(s) dropped by the server's trace queue"
            );
        });
        let deadline = std::time::Instant::now() + Duration::from_millis(200);
        while !done.is_finished() && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

async fn stop_lab(lab: RunningLab) {
    // The server stops within its grace period; the timeout only guards against a bug there.
    let _ = tokio::time::timeout(STOP_TIMEOUT, lab.shutdown()).await;
}

fn print_event(out: &mut impl Write, event: &TraceEvent, trace: bool) -> std::io::Result<()> {
    if trace {
        let json = serde_json::to_string(event).map_err(std::io::Error::other)?;
        writeln!(out, "{}", crate::safe_text::json(&json))?;
    }
    if event.stage == TraceStage::Respond && event.check == RESPONSE_CHECK {
        writeln!(out, "{}", log_line(event))?;
    }
    out.flush()
}

/// `GET /items/ 401 stopped at authenticate by security class (OAuth2PasswordBearer) 0.21 ms`.
fn log_line(event: &TraceEvent) -> String {
    let var = |k: &str| event.vars.get(k).map_or("", String::as_str);
    let latency_ms = var("latency_us").parse::<f64>().unwrap_or(0.0) / 1000.0;
    let stopped = if var("handler") == "returned" {
        "answered by the handler".to_owned()
    } else {
        format!("stopped at {} by {} ({})", var("stopped_at"), var("stopped_by"), var("stopped_check"))
    };
    format!("{} {} {} {stopped} {latency_ms:.2} ms", var("method"), var("target"), var("status"))
}

/// Ctrl-C, or SIGTERM on Unix. The handlers are installed when this is called (not when the
/// future is first polled), so a signal right after the `listening on` line is not missed.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let streams = (signal(SignalKind::interrupt()), signal(SignalKind::terminate()));
        async move {
            match streams {
                (Ok(mut int), Ok(mut term)) => {
                    tokio::select! {
                        _ = int.recv() => {}
                        _ = term.recv() => {}
                    }
                }
                _ => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
    }
    #[cfg(not(unix))]
    {
        async {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::engine::AppSet;
    use crate::lab::{Actor, Outcome};

    #[test]
    fn the_banner_lists_routes_users_and_a_login_then_a_call() {
        let spec = AppSet::shipped().served_spec(None, false);
        let text = banner(&spec, "http://127.0.0.1:9", FastApiVersion::NEWEST);
        assert!(text.starts_with("The all-in-one demo API (FastAPI 0.165.0), 13 route(s):\n"), "{text}");
        let row = |words: &[&str]| text.lines().any(|l| l.split_whitespace().eq(words.iter().copied()));
        assert!(
            row(&["POST", "/token", "login_for_access_token", "(login:", "form", "username,", "password)"]),
            "{text}"
        );
        assert!(row(&["GET", "/items/", "read_items"]), "{text}");
        // One column per field: every route's handler starts at the same place.
        let at = |needle: &str| text.lines().find(|l| l.contains(needle)).and_then(|l| l.find(needle));
        assert_eq!(at("read_items"), at("login_for_access_token"), "{text}");
        assert!(
            text.contains("johndoe / secret, alice / secret (disabled), admin / adminsecret (role admin)"),
            "{text}"
        );
        assert!(
            text.contains(
                "\n  curl -s -X POST http://127.0.0.1:9/token -d username=johndoe -d password=secret\n"
            ),
            "the first active user: {text}"
        );
        assert!(
            text.contains("\n  curl -i http://127.0.0.1:9/users/me -H 'Authorization: Bearer ACCESS_TOKEN'"),
            "{text}"
        );
    }

    #[test]
    fn without_a_login_the_sample_calls_the_first_route_with_its_parameters_filled() {
        let mut spec = AppSet::shipped().served_spec(Some("seed2_app"), false);
        assert!(sample_curls(&spec, "http://h:1").contains(&"curl -i -X GET http://h:1/data".to_owned()));
        spec.routes[0].path = "/invoices/{invoice_id}".into();
        assert_eq!(sample_curls(&spec, "http://h:1"), ["curl -i -X GET http://h:1/invoices/1"]);
        let text = banner(&spec, "http://h:1", FastApiVersion::OLDEST);
        assert!(!text.contains("Demo users"), "no users, no line: {text}");
    }

    #[test]
    fn the_log_line_names_status_stage_and_latency() {
        let vars = [
            ("method", "GET"),
            ("target", "/items/"),
            ("status", "401"),
            ("stopped_at", "authenticate"),
            ("stopped_by", "security class"),
            ("stopped_check", "OAuth2PasswordBearer"),
            ("handler", "did not return"),
            ("latency_us", "250"),
        ];
        let event = TraceEvent {
            req_id: "r".into(),
            seq: 3,
            stage: TraceStage::Respond,
            check: RESPONSE_CHECK.into(),
            outcome: Outcome::Info,
            by: Actor::SecurityClass,
            message: String::new(),
            vars: vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
        };
        assert_eq!(
            log_line(&event),
            "GET /items/ 401 stopped at authenticate by security class (OAuth2PasswordBearer) 0.25 ms"
        );
        let mut out = Vec::new();
        print_event(&mut out, &event, true).unwrap();
        let text = String::from_utf8(out).unwrap();
        let mut lines = text.lines();
        assert!(lines.next().unwrap().starts_with("{\"req_id\":\"r\""));
        assert!(lines.next().unwrap().starts_with("GET /items/ 401"));
    }
}
