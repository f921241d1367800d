//! Peak resident memory (VmHWM from /proc/PID/status) of the TUI idle and of the demo API after
//! many requests. (`serve` under load is measured with the load, in `serve.rs`.)

use std::time::Duration;

use apisec_tutor::lab::client::LabClient;
use serde_json::json;

use crate::report::Target;
use crate::{Ctx, load, serve, tui};

/// `VmHWM` and `VmRSS` of a process, in KiB, from /proc/PID/status.
pub fn peak_and_current_kib(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
    };
    Some((field("VmHWM:")?, field("VmRSS:")?))
}

pub fn kib(k: u64) -> String {
    format!("{:.1} MiB", k as f64 / 1024.0)
}

const LIMIT_KIB: u64 = 20 * 1024;

pub fn measure(ctx: &mut Ctx) {
    tui_idle(ctx);
    after_requests(ctx);
}

fn tui_idle(ctx: &mut Ctx) {
    let Ok(data) = tempfile::tempdir() else { return };
    match tui::launch(ctx, data.path()) {
        Ok((pty, _)) => {
            // Idle: whatever start-up work follows the first frame has had time to finish.
            pty.settle(Duration::from_millis(500), Duration::from_secs(5));
            std::thread::sleep(Duration::from_secs(1));
            match pty.pid().and_then(peak_and_current_kib) {
                Some((hwm, rss)) => ctx.report.value(
                    "memory",
                    "TUI idle on the home screen: peak (VmHWM), current",
                    format!("{}, {}", kib(hwm), kib(rss)),
                    json!({"vm_hwm_kib": hwm, "rss_kib": rss}),
                    Some(Target { text: "peak ≤ 20 MiB".into(), met: hwm <= LIMIT_KIB }),
                ),
                None => ctx.report.not_available("memory: TUI idle", "/proc/PID/status could not be read"),
            }
        }
        Err(e) => ctx.report.not_available("memory: TUI idle", &e),
    }
}

/// The demo API after many sequential requests. The TUI's lab screen is not driven here yet, so
/// this is `serve`, the same server code, in its own process.
fn after_requests(ctx: &mut Ctx) {
    let n = ctx.mode.pick(10_000, 1_000);
    let serve = match serve::spawn(ctx.bin) {
        Ok(s) => s,
        Err(e) => return ctx.report.not_available("memory: demo API after requests", &e),
    };
    let probe = load::good_token();
    let sent = load::runtime().block_on(async {
        let client = LabClient::new(&serve.base_url).map_err(|e| e.to_string())?;
        for i in 0..n {
            client.send(&probe.request, &format!("m-{i}")).await.map_err(|e| e.to_string())?;
        }
        Ok::<_, String>(n)
    });
    match (sent, peak_and_current_kib(serve.pid())) {
        (Ok(n), Some((hwm, rss))) => ctx.report.value(
            "memory",
            &format!("`serve` after {n} sequential requests: peak, current"),
            format!("{}, {}", kib(hwm), kib(rss)),
            json!({"requests": n, "vm_hwm_kib": hwm, "rss_kib": rss}),
            Some(Target { text: "peak ≤ 20 MiB".into(), met: hwm <= LIMIT_KIB }),
        ),
        (Err(e), _) => ctx.report.not_available("memory: demo API after requests", &e),
        (_, None) => {
            ctx.report.not_available("memory: demo API after requests", "/proc/PID/status could not be read")
        }
    }
}
