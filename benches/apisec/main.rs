//! The benchmark: `scripts/bench` (= `cargo bench --bench apisec`), `--quick` for CI.
//!
//! Each measurement is one function in a module named for what it measures. A measurement whose
//! component is missing on this build prints a visible "not available: …" line instead of a
//! figure: nothing is ever estimated or faked. Results go to a table on stdout and to
//! `target/bench/results.json` (`results-debug.json` when built without optimisations, e.g. when
//! `cargo test --all-targets` runs this file as a smoke test).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod content;
mod lab;
mod load;
mod mem;
mod pack;
mod progress;
mod pty;
mod raw_http;
mod report;
mod serve;
mod stats;
mod tui;

use std::time::Instant;

use report::Report;

/// How much work each measurement does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The figures for docs/BENCHMARKS.md.
    Full,
    /// A few iterations of the same code paths, so CI proves the benchmark still runs.
    Quick,
}

impl Mode {
    /// `full` in full mode, `quick` otherwise: iteration counts are always chosen through this.
    pub fn pick(self, full: usize, quick: usize) -> usize {
        match self {
            Mode::Full => full,
            Mode::Quick => quick,
        }
    }
}

pub struct Ctx {
    pub mode: Mode,
    /// The `apisec-tutor` binary built with the same profile as this benchmark.
    pub bin: &'static str,
    pub report: Report,
    /// Built with optimisations (`cargo bench`), not the debug smoke run.
    pub optimized: bool,
    filters: Vec<String>,
}

impl Ctx {
    /// Whether a measurement named `name` runs (no filter, or a filter it contains).
    pub fn wants(&self, name: &str) -> bool {
        self.filters.is_empty() || self.filters.iter().any(|f| name.contains(f.as_str()))
    }
}

type Measure = fn(&mut Ctx);

/// Every measurement, in the order of the table. The name is what a filter matches.
const MEASUREMENTS: &[(&str, Measure)] = &[
    ("content", content::measure),
    ("tui_first_frame", tui::first_frame),
    ("tui_keys", tui::keys),
    ("lab_round_trip", lab::round_trip),
    ("lab_concurrent", lab::concurrent),
    ("fastapi_compare", lab::fastapi_compare),
    ("serve_load", serve::load),
    ("memory", mem::measure),
    ("progress", progress::measure),
];

/// Plain words of the command line; values of the test runner's own flags are not filters.
fn filters(args: &[String]) -> Vec<String> {
    const TAKES_VALUE: &[&str] = &["--test-threads", "--skip", "--format", "--color", "-Z", "--logfile"];
    let mut out = Vec::new();
    let mut skip_next = false;
    for a in args {
        if std::mem::take(&mut skip_next) {
            continue;
        }
        if TAKES_VALUE.contains(&a.as_str()) {
            skip_next = true;
        } else if !a.starts_with('-') {
            out.push(a.clone());
        }
    }
    out
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --all-targets` runs this file without it (a
    // debug build), as a smoke test in quick mode. Other flags from either runner are ignored;
    // plain words filter measurements by name, like a test filter.
    let args: Vec<String> = std::env::args().skip(1).collect();
    let benching = args.iter().any(|a| a == "--bench");
    let quick = args.iter().any(|a| a == "--quick") || !benching;
    let filters = filters(&args);
    let mode = if quick { Mode::Quick } else { Mode::Full };
    let optimized = !cfg!(debug_assertions);

    let mut ctx = Ctx {
        mode,
        bin: env!("CARGO_BIN_EXE_apisec-tutor"),
        report: Report::new(mode, optimized),
        optimized,
        filters,
    };
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("load average at start: {}", load.split_whitespace().take(3).collect::<Vec<_>>().join(" "));
    println!(
        "apisec-tutor benchmark: {} mode, {} build{}",
        if mode == Mode::Full { "full" } else { "quick" },
        if optimized { "release" } else { "debug (figures are not representative)" },
        if ctx.filters.is_empty() { String::new() } else { format!(", filter {:?}", ctx.filters) }
    );
    let started = Instant::now();
    let mut ran = 0;
    for (name, measure) in MEASUREMENTS {
        if !ctx.wants(name) {
            continue;
        }
        ran += 1;
        let t = Instant::now();
        measure(&mut ctx);
        eprintln!("  [{name} took {:.1} s]", t.elapsed().as_secs_f64());
    }
    if ran == 0 {
        println!("no measurement matches the filter");
        return;
    }
    ctx.report.print();
    let file = if optimized { "results.json" } else { "results-debug.json" };
    match ctx.report.write_json(file, started.elapsed()) {
        Ok(path) => println!("\nwrote {}", path.display()),
        Err(e) => println!("\ncould not write {file}: {e}"),
    }
}
