//! The lab's request round trip over loopback (its own reqwest client against
//! `lab::server::start`, in this process, as the TUI runs it), 64 concurrent clients, and real
//! FastAPI + uvicorn on the same route for comparison when its virtualenv exists (both servers
//! driven by one raw keep-alive socket each, in alternating batches).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use apisec_tutor::lab::client::LabClient;
use apisec_tutor::lab::server;
use apisec_tutor::lab::tokens::Secret;
use apisec_tutor::lab::{CorsMode, FastApiVersion, LabConfig};
use serde_json::json;

use crate::load::{self, LoadResult, Probe};
use crate::raw_http::RawClient;
use crate::report::{Target, summary_json};
use crate::{Ctx, stats};

const GROUP: &str = "lab";

/// A demo API started in this process (trace events drained, as the TUI does).
async fn start_lab() -> Result<server::RunningLab, String> {
    let cfg =
        LabConfig::new(FastApiVersion::default(), CorsMode::Off).with_secret(Secret::new("bench-secret"));
    let mut lab = server::start(cfg).await.map_err(|e| e.to_string())?;
    if let Some(mut rx) = lab.trace.take() {
        tokio::spawn(async move { while rx.recv().await.is_some() {} });
    }
    Ok(lab)
}

/// Runs `f` against a demo API started in this process.
fn with_lab<T>(f: impl AsyncFnOnce(&str) -> T) -> Result<T, String> {
    let rt = load::runtime();
    rt.block_on(async {
        let lab = start_lab().await?;
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

/// `n` round trips of `probe` on one connection, each answer's status checked.
fn raw_run(client: &mut RawClient, probe: &Probe, n: usize, out: &mut Vec<Duration>) -> Result<(), String> {
    for _ in 0..n {
        let (status, d) = client.round_trip()?;
        if status != probe.expect {
            return Err(format!("{}: status {status} (expected {})", probe.name, probe.expect));
        }
        out.push(d);
    }
    Ok(())
}

/// Round trips of one server on its own keep-alive connection, all batches together.
struct Side {
    client: RawClient,
    samples: Vec<Duration>,
    /// The median of each batch, in batch order.
    batch_medians: Vec<Duration>,
}

/// The servers in alternating batches on one keep-alive connection each (which server starts a
/// batch rotates too), so a burst of background load on this shared machine hits every server
/// of the same batch instead of one whole run.
fn interleaved(urls: &[&str], probe: &Probe, mode: crate::Mode) -> Result<Vec<Side>, String> {
    let (warmup, batches, per_batch) = (mode.pick(500, 10), mode.pick(20, 2), mode.pick(500, 25));
    let mut sides = Vec::new();
    for url in urls {
        let mut client = RawClient::connect(url, &probe.request)?;
        raw_run(&mut client, probe, warmup, &mut Vec::new())?;
        sides.push(Side { client, samples: Vec::new(), batch_medians: Vec::new() });
    }
    for batch in 0..batches {
        for k in 0..sides.len() {
            let side = &mut sides[(batch + k) % urls.len()];
            let mut samples = Vec::with_capacity(per_batch);
            raw_run(&mut side.client, probe, per_batch, &mut samples)?;
            if let Some(s) = stats::summarize(&samples) {
                side.batch_medians.push(s.median);
            }
            side.samples.extend(samples);
        }
    }
    Ok(sides)
}

/// An axum hello world on the same runtime (`{"message":"hello"}` from a fixed route): the floor
/// of a round trip through hyper and loopback on this machine, measured in the same batches.
async fn start_hello() -> Result<(String, tokio::task::JoinHandle<()>), String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let app = axum::Router::new()
        .route("/items/", axum::routing::get(|| async { axum::Json(json!({"message": "hello"})) }));
    let serve = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok((format!("http://{addr}"), serve))
}

/// The middle value (the upper one of an even count), like the nearest-rank median of `stats`.
fn median(values: &[f64]) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.get(sorted.len() / 2).copied()
}

pub fn fastapi_compare(ctx: &mut Ctx) {
    let (python, reference) = match fastapi_env() {
        Ok(env) => env,
        Err(e) => return ctx.report.not_available("lab: FastAPI comparison", &e),
    };
    let probe = load::good_token();
    let rt = load::runtime();
    let started = rt.block_on(async { Ok::<_, String>((start_lab().await?, start_hello().await?)) });
    let (lab, (hello_url, hello)) = match started {
        Ok(both) => both,
        Err(e) => return ctx.report.not_available("lab: FastAPI comparison (demo API side)", &e),
    };
    let sides = start_uvicorn(&python, &reference)
        .and_then(|uv| interleaved(&[&lab.base_url, &uv.base_url, &hello_url], &probe, ctx.mode));
    hello.abort();
    if let Err(e) = rt.block_on(lab.shutdown()) {
        ctx.report.note(format!("lab: FastAPI comparison: the demo API did not stop cleanly: {e}"));
    }
    let [ours, theirs, floor] = match sides.map(<[Side; 3]>::try_from) {
        Ok(Ok(sides)) => sides,
        Ok(Err(_)) => return ctx.report.not_available("lab: FastAPI comparison", "a server is missing"),
        Err(e) => return ctx.report.not_available("lab: FastAPI comparison", &e),
    };
    ctx.report.timing(
        "fastapi",
        "FastAPI 0.165.0 + uvicorn, GET /items/ round trip, raw keep-alive socket, interleaved",
        &theirs.samples,
        None,
    );
    ctx.report.timing("fastapi", "demo API, the same client and batches", &ours.samples, None);
    ctx.report.timing(
        "fastapi",
        "axum hello world (floor), the same client and batches",
        &floor.samples,
        None,
    );
    let batch_ratios: Vec<f64> = ours
        .batch_medians
        .iter()
        .zip(&theirs.batch_medians)
        .map(|(o, t)| o.as_secs_f64() / t.as_secs_f64())
        .collect();
    let (Some(o), Some(t), Some(ratio)) =
        (stats::summarize(&ours.samples), stats::summarize(&theirs.samples), median(&batch_ratios))
    else {
        return ctx.report.not_available("lab: FastAPI comparison", "no samples were collected");
    };
    let pooled = o.median.as_secs_f64() / t.median.as_secs_f64();
    let ratio99 = o.p99.as_secs_f64() / t.p99.as_secs_f64();
    let lo = batch_ratios.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = batch_ratios.iter().copied().fold(0.0, f64::max);
    ctx.report.value(
        "fastapi",
        "demo API time / FastAPI time (same route, same client, interleaved batches)",
        format!(
            "median of {} batch ratios {ratio:.3} (range {lo:.3}–{hi:.3}); pooled p50 {pooled:.3} ({} vs {}), p99 {ratio99:.3}",
            batch_ratios.len(),
            stats::fmt(o.median),
            stats::fmt(t.median)
        ),
        json!({
            "batch_ratio_median": ratio, "batch_ratios": batch_ratios, "p50_ratio": pooled,
            "p99_ratio": ratio99, "ours": summary_json(&o), "fastapi": summary_json(&t),
            "floor": stats::summarize(&floor.samples).as_ref().map(summary_json),
        }),
        Some(Target { text: "median batch p50 ratio ≤ 0.2".into(), met: ratio <= 0.2 }),
    );
}
