//! The results: a table on stdout and JSON under `target/bench/`.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::{Value, json};

use crate::Mode;
use crate::stats::{self, Summary};

/// A target from issue 10, compared against (never asserted).
pub struct Target {
    pub text: String,
    pub met: bool,
}

impl Target {
    /// `value <= limit`, described as e.g. "median ≤ 20 ms".
    pub fn at_most(what: &str, value: Duration, limit: Duration) -> Target {
        Target { text: format!("{what} ≤ {}", stats::fmt(limit)), met: value <= limit }
    }
}

struct Row {
    group: String,
    name: String,
    /// The figures as printed.
    shown: String,
    json: Value,
    target: Option<Target>,
}

pub struct Report {
    mode: Mode,
    optimized: bool,
    rows: Vec<Row>,
    unavailable: Vec<(String, String)>,
    notes: Vec<String>,
}

impl Report {
    pub fn new(mode: Mode, optimized: bool) -> Report {
        Report { mode, optimized, rows: Vec::new(), unavailable: Vec::new(), notes: Vec::new() }
    }

    /// A timing: median, p99 and max of the samples.
    pub fn timing(&mut self, group: &str, name: &str, samples: &[Duration], target: Option<Target>) {
        let Some(s) = stats::summarize(samples) else {
            self.not_available(&format!("{group}: {name}"), "no samples were collected");
            return;
        };
        self.rows.push(Row {
            group: group.into(),
            name: name.into(),
            shown: format!(
                "n={:<6} median {:>9}  p99 {:>9}  max {:>9}",
                s.n,
                stats::fmt(s.median),
                stats::fmt(s.p99),
                stats::fmt(s.max)
            ),
            json: summary_json(&s),
            target,
        });
        println!("  {group}: {name}: median {} (n={})", stats::fmt(s.median), s.n);
    }

    /// Any other figure (throughput, memory, a ratio), printed as given.
    pub fn value(&mut self, group: &str, name: &str, shown: String, json: Value, target: Option<Target>) {
        println!("  {group}: {name}: {shown}");
        self.rows.push(Row { group: group.into(), name: name.into(), shown, json, target });
    }

    /// A measurement this build cannot make, with the reason; shown in the table, never faked.
    pub fn not_available(&mut self, what: &str, why: &str) {
        println!("  not available: {what}: {why}");
        self.unavailable.push((what.into(), why.into()));
    }

    /// A remark printed under the table (e.g. how a figure grows).
    pub fn note(&mut self, text: String) {
        println!("  note: {text}");
        self.notes.push(text);
    }

    pub fn print(&self) {
        println!();
        let w = self.rows.iter().map(|r| r.group.len() + r.name.len() + 2).max().unwrap_or(10);
        println!("{:<w$}  {:<58}  target", "measurement", "figures");
        println!("{}", "-".repeat(w + 80));
        for r in &self.rows {
            let target = match &r.target {
                Some(t) => format!("{} {}", if t.met { "PASS" } else { "FAIL" }, t.text),
                None => String::new(),
            };
            println!("{:<w$}  {:<58}  {target}", format!("{}: {}", r.group, r.name), r.shown);
        }
        for (what, why) in &self.unavailable {
            println!("not available: {what}: {why}");
        }
        for n in &self.notes {
            println!("note: {n}");
        }
    }

    /// Writes `target/bench/<file>` and returns its path.
    pub fn write_json(&self, file: &str, elapsed: Duration) -> std::io::Result<PathBuf> {
        let dir = target_dir().join("bench");
        std::fs::create_dir_all(&dir)?;
        let rows: Vec<Value> = self
            .rows
            .iter()
            .map(|r| {
                json!({
                    "group": r.group, "name": r.name, "figures": r.json, "shown": r.shown,
                    "target": r.target.as_ref().map(|t| json!({"text": t.text, "met": t.met})),
                })
            })
            .collect();
        let unavailable: Vec<Value> =
            self.unavailable.iter().map(|(w, y)| json!({"what": w, "why": y})).collect();
        let doc = json!({
            "mode": if self.mode == Mode::Full { "full" } else { "quick" },
            "optimized": self.optimized,
            "seconds": elapsed.as_secs_f64(),
            "machine": machine(),
            "results": rows,
            "not_available": unavailable,
            "notes": self.notes,
        });
        let path = dir.join(file);
        std::fs::write(&path, serde_json::to_vec_pretty(&doc)?)?;
        Ok(path)
    }
}

pub fn summary_json(s: &Summary) -> Value {
    json!({
        "n": s.n,
        "min_ms": stats::ms(s.min),
        "median_ms": stats::ms(s.median),
        "p99_ms": stats::ms(s.p99),
        "max_ms": stats::ms(s.max),
        "mean_ms": stats::ms(s.mean),
    })
}

/// `CARGO_TARGET_DIR` if set, else `target/` of this package.
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"))
}

/// What the figures were taken on: cores, memory, CPU model, kernel.
fn machine() -> Value {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_owned());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_kib = meminfo
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse::<u64>().ok());
    json!({
        "cores": std::thread::available_parallelism().map(|n| n.get()).ok(),
        "cpu_model": model,
        "mem_total_kib": mem_kib,
        "kernel": std::fs::read_to_string("/proc/sys/kernel/osrelease").ok().map(|s| s.trim().to_owned()),
    })
}
