//! Peak resident memory (VmHWM) of the TUI idle, the lab after many requests, `serve` under load.

use crate::Ctx;

/// `VmHWM` and `VmRSS` of a process, in KiB, from /proc/PID/status.
#[allow(dead_code)] // used once `serve` and the lab land
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

pub fn measure(ctx: &mut Ctx) {
    ctx.report.not_available("memory", "nothing to measure on this build yet");
}
