//! `apisec-tutor serve` (the real binary) under load: 64 concurrent clients with good and bad
//! credentials mixed, its resident memory across the run, and how long SIGTERM takes to stop it.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use apisec_tutor::lab::tokens::Secret;
use serde_json::json;

use crate::load::{self, LoadResult};
use crate::mem::{self, kib};
use crate::report::Target;
use crate::{Ctx, stats};

const GROUP: &str = "serve";
pub const SECRET: &str = "bench-secret";

/// A running `serve`; killed on drop if still running.
pub struct Serve {
    pub child: Child,
    pub base_url: String,
}

impl Drop for Serve {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

impl Serve {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

/// Starts `serve --port 0` with a known secret; its per-request log is read and discarded (a
/// full pipe would otherwise stall the server and the benchmark would measure the pipe).
pub fn spawn(bin: &str) -> Result<Serve, String> {
    let mut child = Command::new(bin)
        .args(["serve", "--port", "0"])
        .env("APISEC_TUTOR_JWT_SECRET", SECRET)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {bin} serve: {e}"))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines();
        let first = lines.next().and_then(Result::ok).unwrap_or_default();
        let _ = tx.send(first);
        for _ in lines {}
    });
    let first = rx.recv_timeout(Duration::from_secs(30)).unwrap_or_default();
    match first.strip_prefix("listening on ") {
        Some(url) => Ok(Serve { child, base_url: url.trim().to_owned() }),
        None => {
            let _ = child.kill();
            let out = child.wait_with_output().map_err(|e| e.to_string())?;
            let err = String::from_utf8_lossy(&out.stderr);
            Err(format!("`serve` is not on this build ({}: {})", out.status, err.trim()))
        }
    }
}

pub fn load(ctx: &mut Ctx) {
    let mut serve = match spawn(ctx.bin) {
        Ok(s) => s,
        Err(e) => return ctx.report.not_available("serve: load", &e),
    };
    let probes = match load::mixed(&Secret::new(SECRET)) {
        Ok(p) => p,
        Err(e) => return ctx.report.not_available("serve: load", &e),
    };
    let pid = serve.pid();
    let half = Duration::from_secs(ctx.mode.pick(5, 1) as u64);
    let rt = load::runtime();
    // Warm up (connections, allocator), then two equal halves: flat memory means the second
    // half ends where the first did.
    let warm = rt.block_on(load::drive(&serve.base_url, &probes, 64, 2_000, half));
    let rss_warm = mem::peak_and_current_kib(pid).map(|(_, rss)| rss);
    let first = rt.block_on(load::drive(&serve.base_url, &probes, 64, 1_000_000, half));
    let rss_first = mem::peak_and_current_kib(pid).map(|(_, rss)| rss);
    let second = rt.block_on(load::drive(&serve.base_url, &probes, 64, 1_000_000, half));
    let peak = mem::peak_and_current_kib(pid);

    let mut all = LoadResult { elapsed: first.elapsed + second.elapsed, ..LoadResult::default() };
    for r in [first, second] {
        all.latencies.extend(r.latencies);
        for (s, n) in r.statuses {
            *all.statuses.entry(s).or_default() += n;
        }
        all.unexpected.extend(r.unexpected);
        all.failed.extend(r.failed);
    }
    all.unexpected.extend(warm.unexpected);
    all.failed.extend(warm.failed);
    let clean = all.unexpected.is_empty() && all.failed.is_empty();
    crate::lab::report_load(
        ctx,
        GROUP,
        "64 concurrent clients, mixed credentials (serve process)",
        &all,
        Some(Target { text: "only the expected 200/401/403/422".into(), met: clean }),
    );

    if let (Some(warm), Some(first), Some((hwm, last))) = (rss_warm, rss_first, peak) {
        let growth = last.saturating_sub(first);
        ctx.report.value(
            "memory",
            "`serve` under load: RSS warm / after half 1 / after half 2, peak",
            format!("{} / {} / {}, peak {}", kib(warm), kib(first), kib(last), kib(hwm)),
            json!({"rss_warm_kib": warm, "rss_half1_kib": first, "rss_half2_kib": last, "vm_hwm_kib": hwm,
                   "requests": all.completed()}),
            Some(Target { text: "flat: half 2 ≤ half 1 + 1 MiB".into(), met: growth <= 1024 }),
        );
    } else {
        ctx.report.not_available("memory: `serve` under load", "/proc/PID/status could not be read");
    }

    // Graceful stop: SIGTERM, then the time until the process has exited.
    let sent = Instant::now();
    let killed = Command::new("kill").args(["-TERM", &pid.to_string()]).status().is_ok_and(|s| s.success());
    let mut exited = None;
    while killed && sent.elapsed() < Duration::from_secs(10) {
        if let Ok(Some(status)) = serve.child.try_wait() {
            exited = Some((sent.elapsed(), status));
            break;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    match exited {
        Some((took, status)) => ctx.report.value(
            GROUP,
            "SIGTERM to exit (idle after load)",
            format!("{} ({status})", stats::fmt(took)),
            json!({"ms": stats::ms(took), "exit": status.code()}),
            Some(Target {
                text: "≤ 1 s, exit 0".into(),
                met: took <= Duration::from_secs(1) && status.success(),
            }),
        ),
        None => ctx.report.not_available("serve: SIGTERM to exit", "it did not exit within 10 s"),
    }
}
