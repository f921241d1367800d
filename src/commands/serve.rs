//! `apisec-tutor serve`: the demo API in the foreground, for curl, httpie or a browser.
//!
//! The first stdout line is exactly `listening on http://127.0.0.1:PORT`; then one line per
//! request (method, target, status, where it stopped, latency), and with `--trace` every trace
//! event as a JSON line before it. Each line is flushed. Ctrl-C or SIGTERM stop it gracefully.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use crate::Error;
use crate::cli::ServeArgs;
use crate::lab::server::{self, RunningLab};
use crate::lab::trace::RESPONSE_CHECK;
use crate::lab::{FastApiVersion, LabConfig, TraceEvent, TraceStage};

/// Longer than the server's own grace period, so a stuck connection cannot keep us alive.
const STOP_TIMEOUT: Duration = Duration::from_millis(900);

pub fn run(args: &ServeArgs) -> Result<ExitCode, Error> {
    let version =
        FastApiVersion::parse(&args.api.fastapi_version).map_err(|e| Error::Usage(e.to_string()))?;
    let cfg = LabConfig::new(version, args.api.cors).with_port(args.port);
    server::runtime()?.block_on(serve(cfg, args.trace))
}

async fn serve(cfg: LabConfig, trace: bool) -> Result<ExitCode, Error> {
    let stop = shutdown_signal();
    let mut lab = server::start(cfg).await?;
    // The log quotes what clients sent (paths, headers): sanitized, so a request cannot send
    // escape sequences to the terminal that watches the log.
    let mut stdout = crate::safe_text::SafeWriter::new(std::io::stdout());
    let io = |e| Error::io("cannot write to stdout", e);
    writeln!(stdout, "listening on {}", lab.base_url).and_then(|()| stdout.flush()).map_err(io)?;
    let mut events = lab.trace.take();
    tokio::pin!(stop);
    let result = loop {
        tokio::select! {
            () = &mut stop => break Ok(()),
            event = async { match events.as_mut() { Some(rx) => rx.recv().await, None => std::future::pending().await } } => {
                let Some(event) = event else { break Ok(()) };
                if let Err(e) = print_event(&mut stdout, &event, trace) {
                    // A closed stdout (e.g. `| head`) ends the server, quietly and gracefully.
                    break if e.kind() == std::io::ErrorKind::BrokenPipe { Ok(()) } else { Err(io(e)) };
                }
            }
        }
    };
    stop_lab(lab).await;
    result.map(|()| ExitCode::SUCCESS)
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
    use crate::lab::{Actor, Outcome};

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
