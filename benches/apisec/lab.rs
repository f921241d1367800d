//! The lab's request round trip over loopback (its own reqwest client against
//! `lab::server::start`, in this process, as the TUI runs it), 64 concurrent clients, and real
//! FastAPI + uvicorn on the same route for comparison when its virtualenv exists.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use apisec_tutor::lab::client::LabClient;
use apisec_tutor::lab::server;
use apisec_tutor::lab::tokens::Secret;
use apisec_tutor::lab::{CorsMode, FastApiVersion, LabConfig};
use serde_json::json;

use crate::load::{self, LoadResult, Probe};
use crate::report::{Target, summary_json};
use crate::{Ctx, stats};

const GROUP: &str = "lab";

/// Runs `f` against a demo API started in this process (trace events drained, as the TUI does).
fn with_lab<T>(f: impl AsyncFnOnce(&str) -> T) -> Result<T, String> {
    let rt = load::runtime();
    rt.block_on(async {
        let cfg =
            LabConfig::new(FastApiVersion::default(), CorsMode::Off).with_secret(Secret::new("bench-secret"));
        let mut lab = server::start(cfg).await.map_err(|e| e.to_string())?;
        if let Some(mut rx) = lab.trace.take() {
            tokio::spawn(async move { while rx.recv().await.is_some() {} });
        }
        let out = f(&lab.base_url).await;
        lab.shutdown().await.map_err(|e| e.to_string())?;
        Ok(out)
    })
}

/// Sequential round trips of one probe with one client; the first `warmup` are not counted.
async fn sequential(
    base_url: &str,
    probe: &Probe,
    warmup: usize,
    n: usize,
) -> Result<Vec<std::time::Duration>, String> {
    let client = LabClient::new(base_url).map_err(|e| e.to_string())?;
    let mut samples = Vec::with_capacity(n);
    for i in 0..warmup + n {
        let t = Instant::now();
        let outcome = client.send(&probe.request, &format!("rt-{i}")).await.map_err(|e| e.to_string())?;
        let d = t.elapsed();
        if outcome.status != probe.expect {
            return Err(format!("{}: status {} (expected {})", probe.name, outcome.status, probe.expect));
        }
        if i >= warmup {
            samples.push(d);
        }
    }
    Ok(samples)
}

pub fn round_trip(ctx: &mut Ctx) {
    let n = ctx.mode.pick(10_000, 500);
    let probe = load::good_token();
    match with_lab(async |url: &str| sequential(url, &probe, 200, n).await).and_then(|r| r) {
        Ok(samples) => {
            let s = stats::summarize(&samples);
            let (p50, p99) = s.map(|s| (s.median, s.p99)).unwrap_or_default();
            let target = Target {
                text: "p50 ≤ 1 ms, p99 ≤ 5 ms".into(),
                met: p50 <= Duration::from_millis(1) && p99 <= Duration::from_millis(5),
            };
            ctx.report.timing(
                GROUP,
                "round trip GET /items/ (good token), sequential",
                &samples,
                Some(target),
            );
        }
        Err(e) => ctx.report.not_available("lab: round trip", &e),
    }
}

pub fn report_load(ctx: &mut Ctx, group: &str, name: &str, r: &LoadResult, target: Option<Target>) {
    let s = stats::summarize(&r.latencies);
    let shown = format!(
        "{:.0} req/s, {} requests in {:.1} s, p50 {} p99 {}; {}; unexpected {}, failed {}",
        r.per_second(),
        r.completed(),
        r.elapsed.as_secs_f64(),
        s.map(|s| stats::fmt(s.median)).unwrap_or_default(),
        s.map(|s| stats::fmt(s.p99)).unwrap_or_default(),
        r.statuses_shown(),
        r.unexpected.len(),
        r.failed.len(),
    );
    let json = json!({
        "requests": r.completed(), "seconds": r.elapsed.as_secs_f64(), "per_second": r.per_second(),
        "latency": s.as_ref().map(summary_json),
        "statuses": r.statuses.iter().map(|(k, v)| (k.to_string(), json!(v))).collect::<serde_json::Map<_, _>>(),
        "unexpected": r.unexpected.iter().take(10).collect::<Vec<_>>(), "unexpected_count": r.unexpected.len(),
        "failed": r.failed.iter().take(10).collect::<Vec<_>>(), "failed_count": r.failed.len(),
    });
    ctx.report.value(group, name, shown, json, target);
    for e in r.unexpected.iter().chain(&r.failed).take(3) {
        ctx.report.note(format!("{group}: {name}: {e}"));
    }
}

pub fn concurrent(ctx: &mut Ctx) {
    let (total, secs) = (ctx.mode.pick(100_000, 2_000), ctx.mode.pick(10, 2));
    let secret = Secret::new("bench-secret");
    let probes = match load::mixed(&secret) {
        Ok(p) => p,
        Err(e) => return ctx.report.not_available("lab: 64 concurrent clients", &e),
    };
    match with_lab(async |url: &str| {
        load::drive(url, &probes, 64, total, Duration::from_secs(secs as u64)).await
    }) {
        Ok(r) => {
            let clean = r.unexpected.is_empty() && r.failed.is_empty();
            let target = Target { text: "only the expected 200/401/403/422".into(), met: clean };
            report_load(
                ctx,
                GROUP,
                "64 concurrent clients, mixed credentials (in process)",
                &r,
                Some(target),
            );
        }
        Err(e) => ctx.report.not_available("lab: 64 concurrent clients", &e),
    }
}

/// The virtualenv `scripts/record-fastapi-fixtures` creates, and the reference apps' directory.
fn fastapi_env() -> Result<(PathBuf, PathBuf), String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = root.join(".venv-fixtures/0.165.0/bin/python");
    if !python.exists() {
        return Err(format!(
            "no FastAPI virtualenv at {} (scripts/record-fastapi-fixtures creates it)",
            python.display()
        ));
    }
    let reference = std::env::var_os("APISEC_FASTAPI_REFERENCE")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/fastapi-reference"));
    if !reference.join("apps.py").exists() {
        return Err(format!("no reference apps at {}", reference.display()));
    }
    Ok((python, reference))
}

/// uvicorn serving `seed1_app` on a free loopback port; killed on drop.
struct Uvicorn {
    child: Child,
    base_url: String,
}

impl Drop for Uvicorn {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_uvicorn(python: &Path, reference: &Path) -> Result<Uvicorn, String> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    let child = Command::new(python)
        .args(["-m", "uvicorn", "apps:seed1_app", "--host", "127.0.0.1", "--port", &port.to_string()])
        // No access log: the in-process lab prints nothing per request either.
        .args(["--no-access-log", "--log-level", "warning"])
        .current_dir(reference)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start uvicorn: {e}"))?;
    let mut server = Uvicorn { child, base_url: format!("http://127.0.0.1:{port}") };
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() >= deadline || matches!(server.child.try_wait(), Ok(Some(_))) {
            return Err("uvicorn did not start listening".into());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(server)
}

pub fn fastapi_compare(ctx: &mut Ctx) {
    let (python, reference) = match fastapi_env() {
        Ok(env) => env,
        Err(e) => return ctx.report.not_available("lab: FastAPI comparison", &e),
    };
    let n = ctx.mode.pick(10_000, 200);
    let probe = load::good_token();
    let ours = with_lab(async |url: &str| sequential(url, &probe, 200, n).await).and_then(|r| r);
    let theirs = start_uvicorn(&python, &reference)
        .and_then(|uv| load::runtime().block_on(sequential(&uv.base_url, &probe, 200, n)));
    match (ours, theirs) {
        (Ok(ours), Ok(theirs)) => {
            ctx.report.timing(
                "fastapi",
                "FastAPI 0.165.0 + uvicorn, GET /items/ round trip, sequential",
                &theirs,
                None,
            );
            let (o, t) = (stats::summarize(&ours), stats::summarize(&theirs));
            if let (Some(o), Some(t)) = (o, t) {
                let ratio = o.median.as_secs_f64() / t.median.as_secs_f64();
                let ratio99 = o.p99.as_secs_f64() / t.p99.as_secs_f64();
                ctx.report.value(
                    "fastapi",
                    "demo API time / FastAPI time (same route, same client)",
                    format!("p50 {ratio:.3} ({} vs {}), p99 {ratio99:.3}", stats::fmt(o.median), stats::fmt(t.median)),
                    json!({"p50_ratio": ratio, "p99_ratio": ratio99, "ours": summary_json(&o), "fastapi": summary_json(&t)}),
                    Some(Target { text: "p50 ratio ≤ 0.2".into(), met: ratio <= 0.2 }),
                );
            }
        }
        (Err(e), _) => ctx.report.not_available("lab: FastAPI comparison (demo API side)", &e),
        (_, Err(e)) => ctx.report.not_available("lab: FastAPI comparison", &e),
    }
}
