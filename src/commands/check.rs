//! `apisec-tutor check [DIR...]`: validate content, report every problem located, then a
//! summary. Exit 0 when clean (warnings allowed), 1 when the content has errors, 2 when a DIR
//! given on the command line does not exist or is not a directory (a usage error: nothing was
//! checked).

use std::process::ExitCode;

use crate::Error;
use crate::cli::{CheckArgs, Cli};
use std::sync::Arc;

use crate::content::{self, ContentError, Source, load};

pub fn run(cli: &Cli, args: &CheckArgs) -> Result<ExitCode, Error> {
    let dirs = if args.dirs.is_empty() { &cli.content } else { &args.dirs };
    super::require_dirs(dirs)?;
    let sources: Vec<Source> = if dirs.is_empty() {
        vec![Source::Embedded]
    } else {
        super::content_roots(dirs)?.into_iter().map(Source::Dir).collect()
    };
    // Not freed: the process ends right after this command, and freeing a large pack's catalog
    // one small allocation at a time costs more than the OS reclaiming the pages at exit.
    let report = std::mem::ManuallyDrop::new(content::check(&sources));
    let mut out = String::new();
    for e in &report.errors {
        out.push_str(&format!("{e}\n"));
    }
    for w in &report.warnings {
        out.push_str(&format!("{}\n", w.as_warning()));
    }
    let warnings = match report.warnings.len() {
        0 => String::new(),
        n => format!(", {n} warning(s)"),
    };
    // The scenarios, sent to the engine: an expectation it contradicts is an error at its line.
    let mut scenario_failures = 0;
    if report.errors.is_empty() && !args.no_lab {
        for e in run_scenarios(&sources, &report.catalog)? {
            out.push_str(&format!("{e}\n"));
            scenario_failures += 1;
        }
    }
    let mut sample_failures = 0;
    if args.samples && report.errors.is_empty() {
        let samples = content::samples::collect(&report.catalog);
        let failures = content::samples::compile_all(&samples).map_err(|e| Error::Usage(e.to_string()))?;
        sample_failures = failures.len();
        for f in &failures {
            out.push_str(&format!("error: {f}\n"));
        }
        if failures.is_empty() {
            out.push_str(&format!("compiled {} Python sample(s)\n", samples.len()));
        }
    }
    if scenario_failures > 0 {
        out.push_str(&format!(
            "{scenario_failures} lab expectation(s) do not hold in the engine{warnings}\n"
        ));
        print_out(&out)?;
        return Ok(ExitCode::from(1));
    }
    if report.errors.is_empty() && sample_failures == 0 {
        let questions: usize = report.catalog.quizzes.iter().map(|q| q.questions.len()).sum();
        out.push_str(&format!(
            "ok: {} lesson(s), {} quiz(zes), {} question(s); no errors{warnings}\n",
            report.catalog.lessons.len(),
            report.catalog.quizzes.len(),
            questions
        ));
        print_out(&out)?;
        Ok(ExitCode::SUCCESS)
    } else if report.errors.is_empty() {
        out.push_str(&format!("{sample_failures} sample(s) do not compile{warnings}\n"));
        print_out(&out)?;
        Ok(ExitCode::from(1))
    } else {
        out.push_str(&format!(
            "{} error(s) in {} file(s){warnings}; {} file(s) checked\n",
            report.errors.len(),
            load::files_with_errors(&report.errors),
            report.files
        ));
        print_out(&out)?;
        Ok(ExitCode::from(1))
    }
}

/// Writes to stdout; a closed pipe (`check | head`) is not an error worth a panic or a message.
pub(crate) fn print_out(text: &str) -> Result<(), Error> {
    use std::io::Write;
    // Messages quote content (a bad value, a key, a file name): sanitized on the way out.
    let mut stdout = crate::safe_text::stdout();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::io("cannot write to stdout", e)),
        _ => Ok(()),
    }
}

/// Every scenario of every lesson, run against the engine at the oldest and the newest FastAPI
/// the lab imitates; each expectation that does not hold becomes a located error.
fn run_scenarios(sources: &[Source], catalog: &content::Catalog) -> Result<Vec<ContentError>, Error> {
    use crate::content::locate::FieldPath;
    use crate::lab::engine::AppSet;
    use crate::lab::server;

    use rayon::prelude::*;

    // Not freed either (see `run`): the compiled apps hold a copy of every lab app's spec.
    let apps = std::mem::ManuallyDrop::new(Arc::new(AppSet::for_content(catalog)));
    // Every scenario, with the key of what decides its verdict: the engine is deterministic in
    // what `check` compares (status, detail, headers, stage), so a scenario identical to one
    // already run (same app spec, same requests and expectations) has the same verdict, computed
    // once and reported at every copy's own lines.
    // An app's part of the key is its spec with the id left out: the id only names the app (no
    // answer the engine gives contains it), so apps that differ only in name (the starter lab
    // copied into several lessons) share verdicts. Serialized once per app, not per scenario.
    let app_keys: std::collections::HashMap<(&str, bool), String> = apps
        .apps
        .iter()
        .flat_map(|a| [(a, false), (a, true)])
        .filter(|(a, vulnerable)| !vulnerable || a.vulnerable.is_some())
        .map(|(a, vulnerable)| {
            let mut spec = serde_json::to_value(&a.variant(vulnerable).spec).unwrap_or_default();
            if let Some(id) = spec.get_mut("id") {
                *id = serde_json::Value::Null;
            }
            ((a.id.as_str(), vulnerable), spec.to_string())
        })
        .collect();
    let all: Vec<(&content::Lesson, usize, &content::LabScenario, String)> = catalog
        .lessons
        .iter()
        .flat_map(|lesson| lesson.lab_scenarios.iter().enumerate().map(move |(si, s)| (lesson, si, s)))
        .map(|(lesson, si, s)| {
            let spec = s.app.as_deref().and_then(|id| app_keys.get(&(id, s.vulnerable)));
            let requests: Vec<_> = s
                .requests
                .iter()
                .map(|r| (&r.method, &r.path, &r.headers, &r.form, &r.credential, &r.capture, &r.expect))
                .collect();
            let key = serde_json::to_string(&(spec, &s.app.is_some(), &s.cors, &s.vulnerable, &requests))
                .unwrap_or_default();
            (lesson, si, s, key)
        })
        .collect();
    let mut unique: Vec<(&String, &content::LabScenario)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (_, _, s, key) in &all {
        if seen.insert(key) {
            unique.push((key, s));
        }
    }
    // The distinct scenarios run in parallel, one in-process runtime per worker thread.
    let verdicts: std::collections::HashMap<&String, Vec<(FieldPath, String)>> = unique
        .par_iter()
        .map_init(server::runtime, |runtime, (key, s)| {
            let verdict = match runtime {
                Ok(rt) => scenario_verdict(rt, &apps, s),
                Err(e) => vec![(FieldPath::root(), format!(" could not run: {e}"))],
            };
            (*key, verdict)
        })
        .collect();
    let mut errors = Vec::new();
    for (lesson, si, s, key) in &all {
        let at = FieldPath::root().key("lab_scenarios").index(*si);
        for (path, message) in verdicts.get(key).into_iter().flatten() {
            let full = FieldPath([at.0.clone(), path.0.clone()].concat());
            let (file, line, col) = content::lab_check::locate(sources, &lesson.id, &full)
                .unwrap_or_else(|| (lesson.id.clone().into(), 1, 1));
            // The verdict may come from a copy of this scenario on a same-spec app: name this one's.
            let message = message.replace(APP_NAME, s.app.as_deref().unwrap_or_default());
            errors.push(ContentError::new(file, line, col, format!("scenario `{}`{message}", s.id)));
        }
    }
    errors.dedup_by(|a, b| a.to_string() == b.to_string());
    Ok(errors)
}

/// Stands for the scenario's app id in a verdict's messages (verdicts are shared by scenarios on
/// apps that differ only in their id; each report names its own).
const APP_NAME: &str = "\u{1}app\u{1}";

/// What does not hold in one scenario, as (path inside the scenario, message).
fn scenario_verdict(
    runtime: &tokio::runtime::Runtime,
    apps: &Arc<crate::lab::engine::AppSet>,
    s: &content::LabScenario,
) -> Vec<(content::locate::FieldPath, String)> {
    use crate::content::locate::FieldPath;
    use crate::lab::{FastApiVersion, LabConfig, plain, scenario, seed};

    let mut out = Vec::new();
    let root = FieldPath::root();
    for version in [FastApiVersion::OLDEST, FastApiVersion::NEWEST] {
        let base = LabConfig::new(version, crate::lab::CorsMode::Off).with_apps(apps.clone());
        let cfg = match scenario::config_for(base, s) {
            Ok(cfg) => cfg,
            Err(e) => {
                out.push((root.key("app"), format!(": {e}")));
                continue;
            }
        };
        let replayed = match runtime.block_on(seed::replay_in_process(cfg, &s.requests)) {
            Ok(r) => r,
            Err(e) => {
                out.push((root.clone(), format!(" could not run: {e}")));
                continue;
            }
        };
        for (ri, r) in replayed.iter().enumerate() {
            // A lab-app scenario is about its app's routes: a request no route serves is a
            // mistake in the scenario, whatever its expectation says.
            let unrouted = r.events.iter().any(|e| {
                e.check == "route"
                    && e.outcome == crate::lab::Outcome::Fail
                    && e.vars.get("status").map(String::as_str) == Some("404")
            });
            if let (Some(_), true) = (&s.app, unrouted) {
                out.push((
                    root.key("requests").index(ri).key("path"),
                    format!(
                        ", request `{}`: no route of `{APP_NAME}` serves {} {} (FastAPI would answer 404)",
                        r.request.id, r.request.method, r.request.path
                    ),
                ));
                continue;
            }
            let Some(expect) = plain::expectation_for(&r.request, version) else { continue };
            let ei = r.request.expect.iter().position(|e| std::ptr::eq(e, expect)).unwrap_or(0);
            let eat = root.key("requests").index(ri).key("expect").index(ei);
            let Some(row) = &r.row else {
                out.push((eat, format!(", request `{}`: its trace was lost", r.request.id)));
                continue;
            };
            for (field, diff) in plain::expectation_diffs(row, &r.outcome, expect) {
                let path = match field.strip_prefix("headers[").and_then(|i| i.strip_suffix(']')) {
                    Some(i) => eat.key("headers").index(i.parse().unwrap_or(0)),
                    None => eat.key(&field),
                };
                out.push((
                    path,
                    format!(", request `{}` on FastAPI {version}: the engine answers {diff}", r.request.id),
                ));
            }
        }
    }
    out
}
