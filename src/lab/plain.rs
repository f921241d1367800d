//! `lab --plain`: the execution table and the variable tracker of a replay as plain text, for
//! screen readers, scripts and classrooms. Deterministic (no ports, no timings), so it can be
//! diffed and tested.

use crate::content::{Expectation, LabRequest};

use super::client::Outcome;
use super::config::CorsMode;
use super::seed::Replayed;
use super::table::{ExecRow, tracker};
use super::trace::Actor;
use super::version::FastApiVersion;

/// What a replay was, for the heading.
#[derive(Debug, Clone)]
pub struct Heading<'a> {
    pub title: &'a str,
    pub fastapi: FastApiVersion,
    pub cors: CorsMode,
    /// The seed replay also explains where real FastAPI differs from the seed's table.
    pub seed: bool,
}

fn stage_name(row: &ExecRow) -> String {
    row.stopped_at.as_str().to_owned()
}

fn cors_name(cors: CorsMode) -> &'static str {
    match cors {
        CorsMode::Off => "off",
        CorsMode::Wildcard => "wildcard",
        CorsMode::Trusted => "trusted",
    }
}

/// The expectation of a request that holds for `version`, if any.
#[must_use]
pub fn expectation_for(request: &LabRequest, version: FastApiVersion) -> Option<&Expectation> {
    request
        .expect
        .iter()
        .find(|e| e.fastapi.as_deref().is_none_or(|range| version.satisfies(range) == Some(true)))
}

/// Differences between an answer and what the content says real FastAPI answers.
#[must_use]
pub fn check_expectation(row: &ExecRow, outcome: &Outcome, expect: &Expectation) -> Vec<String> {
    expectation_diffs(row, outcome, expect).into_iter().map(|(_, d)| d).collect()
}

/// The same differences, each with the expectation field it contradicts (`status`, `detail`,
/// `www_authenticate`, `stopped_at`, `headers[i]`), so `check` can point at that line.
#[must_use]
pub fn expectation_diffs(row: &ExecRow, outcome: &Outcome, expect: &Expectation) -> Vec<(String, String)> {
    let mut diffs = Vec::new();
    for (i, line) in expect.headers.iter().enumerate() {
        let (name, want) = line.split_once(':').unwrap_or((line, ""));
        let (name, want) = (name.trim().to_ascii_lowercase(), want.trim());
        let got = outcome.header(&name);
        let field = format!("headers[{i}]");
        match (want.is_empty(), got) {
            (true, Some(got)) => diffs.push((field, format!("{name}: {got} (content says absent)"))),
            (false, None) => diffs.push((field, format!("{name} absent (content says {want})"))),
            (false, Some(got)) if got != want => {
                diffs.push((field, format!("{name}: {got} (content says {want})")))
            }
            _ => {}
        }
    }
    if row.status != expect.status {
        diffs.push(("status".into(), format!("status {} (content says {})", row.status, expect.status)));
    }
    if let Some(detail) = &expect.detail
        && *detail != row.detail
    {
        diffs.push(("detail".into(), format!("detail {:?} (content says {detail:?})", row.detail)));
    }
    if let Some(www) = &expect.www_authenticate
        && *www != row.www_authenticate
    {
        diffs.push((
            "www_authenticate".into(),
            format!("WWW-Authenticate {:?} (content says {www:?})", row.www_authenticate),
        ));
    }
    if let Some(stage) = expect.stopped_at
        && stage != row.stopped_at
    {
        diffs.push(("stopped_at".into(), format!("stopped at {} (content says {stage:?})", stage_name(row))));
    }
    diffs
}

/// How many answers differ from what the content says (for the exit code).
#[must_use]
pub fn failures(version: FastApiVersion, replayed: &[Replayed]) -> usize {
    replayed
        .iter()
        .filter(|r| match (&r.row, expectation_for(&r.request, version)) {
            (Some(row), Some(expect)) => !check_expectation(row, &r.outcome, expect).is_empty(),
            (None, Some(_)) => true,
            _ => false,
        })
        .count()
}

/// `lab --plain --format json`: one JSON object per request, for scripts.
#[must_use]
pub fn json_lines(cfg: &super::config::LabConfig, replayed: &[Replayed]) -> String {
    let mut out = String::new();
    for r in replayed {
        let body = String::from_utf8_lossy(&r.outcome.body).into_owned();
        let diffs = match (&r.row, expectation_for(&r.request, cfg.fastapi)) {
            (Some(row), Some(expect)) => check_expectation(row, &r.outcome, expect),
            _ => Vec::new(),
        };
        let line = serde_json::json!({
            "app": cfg.app.as_deref().unwrap_or("demo"),
            "vulnerable": cfg.vulnerable,
            "fastapi": cfg.fastapi.to_string(),
            "request_id": r.request.id,
            "sent": {
                "method": r.prepared.method,
                "path": r.prepared.target,
                "headers": r.prepared.headers,
                "body": r.prepared.body,
            },
            "received": {
                "status": r.outcome.status,
                "headers": r.outcome.headers,
                "body": body,
                "stage": r.row.as_ref().map(stage_name),
            },
            "differs": diffs,
        });
        out.push_str(&line.to_string());
        out.push('\n');
    }
    out
}

/// The whole report.
#[must_use]
pub fn render(heading: &Heading<'_>, replayed: &[Replayed], dropped: u64) -> String {
    let mut out = format!(
        "{}\nFastAPI {} (CORS {}), {} request(s) sent over HTTP to the embedded demo API\n\n",
        heading.title,
        heading.fastapi,
        cors_name(heading.cors),
        replayed.len()
    );
    out.push_str("Execution table\n");
    let rows: Vec<&ExecRow> = replayed.iter().filter_map(|r| r.row.as_ref()).collect();
    for r in replayed {
        let Some(row) = &r.row else {
            out.push_str(&format!(
                "step ? | {}: its trace was lost (answer {})\n",
                r.request.label, r.outcome.status
            ));
            continue;
        };
        out.push_str(&format!(
            "step {} | action: {} | token: {} | check: {} | response: {} | stopped at: {} | stopped by: {}\n",
            row.step,
            row.action,
            row.token_shown(),
            row.check,
            row.response(),
            stage_name(row),
            row.stopped_by_text()
        ));
        match expectation_for(&r.request, heading.fastapi) {
            Some(expect) => match check_expectation(row, &r.outcome, expect).as_slice() {
                [] => {}
                diffs => out.push_str(&format!("       differs from the content: {}\n", diffs.join("; "))),
            },
            None if !r.request.expect.is_empty() => {
                out.push_str(&format!(
                    "       (the content states no answer for FastAPI {})\n",
                    heading.fastapi
                ));
            }
            None => {}
        }
    }
    let owned: Vec<ExecRow> = rows.iter().map(|r| (*r).clone()).collect();
    let (columns, variables) = tracker(&owned);
    out.push_str("\nVariable tracker\n");
    let name_width =
        variables.iter().map(|(n, _)| n.chars().count()).max().unwrap_or(0).max("variable".len());
    let widths: Vec<usize> = (0..columns.len())
        .map(|i| {
            variables
                .iter()
                .map(|(_, v)| v.get(i).map_or(0, |s| s.chars().count()))
                .max()
                .unwrap_or(0)
                .max(columns[i].chars().count())
        })
        .collect();
    let line = |first: &str, cells: &[String]| {
        let mut l = format!("{first:<name_width$}");
        for (cell, width) in cells.iter().zip(&widths) {
            l.push_str(&format!(" | {cell:<width$}"));
        }
        l.trim_end().to_owned() + "\n"
    };
    out.push_str(&line("variable", &columns));
    for (name, values) in &variables {
        out.push_str(&line(name, values));
    }
    if heading.seed {
        out.push_str("\nWhere real FastAPI differs from the seed's table\n");
        out.push_str(&seed_notes(&owned, heading.fastapi));
    }
    if dropped > 0 {
        out.push_str(&format!("\n({dropped} trace event(s) were dropped)\n"));
    }
    out
}

/// The seed's table says every refusal is the handler raising 401 "Unauthorized"; the trace
/// shows who really answered.
fn seed_notes(rows: &[ExecRow], version: FastApiVersion) -> String {
    let mut out = String::new();
    for row in rows {
        let www = if row.www_authenticate.is_empty() {
            "no WWW-Authenticate header".to_owned()
        } else {
            format!("WWW-Authenticate: {}", row.www_authenticate)
        };
        match (row.handler_ran, row.stopped_by) {
            (false, Actor::SecurityClass) => out.push_str(&format!(
                "- step {}: the seed shows the handler rejecting the request with 401 \"Unauthorized\". In FastAPI {version} \
                 the handler never runs: {} refuses the request first, with {} \"{}\" and {www}.\n",
                row.step, row.stopped_check, row.status, row.detail
            )),
            (false, Actor::App) => out.push_str(&format!(
                "- step {}: this {} \"{}\" is the app's own check inside the handler (as in the seed), so it has {www}.\n",
                row.step, row.status, row.detail
            )),
            _ => {}
        }
    }
    if out.is_empty() {
        out.push_str("- none for these requests\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::time::Duration;

    use super::*;
    use crate::content::TraceStage;

    fn row(status: u16, detail: &str) -> ExecRow {
        ExecRow {
            step: 1,
            action: String::new(),
            token: "None".into(),
            check: String::new(),
            status,
            detail: detail.into(),
            www_authenticate: String::new(),
            stopped_at: TraceStage::Respond,
            stopped_by: Actor::App,
            stopped_check: String::new(),
            handler_ran: true,
            vars: BTreeMap::new(),
        }
    }

    #[test]
    fn expectations_cover_status_detail_and_headers() {
        let outcome = Outcome {
            status: 200,
            headers: vec![("access-control-allow-origin".into(), "*".into())],
            body: Vec::new(),
            elapsed: Duration::ZERO,
        };
        let expect = Expectation {
            fastapi: Some("<0.122.0".into()),
            status: 200,
            detail: None,
            www_authenticate: None,
            stopped_at: Some(TraceStage::Respond),
            headers: vec!["Access-Control-Allow-Origin: *".into(), "Vary:".into()],
        };
        assert!(check_expectation(&row(200, ""), &outcome, &expect).is_empty());
        let wrong = Expectation {
            headers: vec![
                "Access-Control-Allow-Origin: https://a".into(),
                "Access-Control-Allow-Origin:".into(),
            ],
            ..expect.clone()
        };
        let diffs = check_expectation(&row(401, "x"), &outcome, &wrong);
        assert_eq!(diffs.len(), 3, "{diffs:?}");
        let request = LabRequest {
            capture: Default::default(),
            id: "r".into(),
            label: "r".into(),
            method: "GET".into(),
            path: "/".into(),
            headers: Vec::new(),
            form: None,
            credential: None,
            expect: vec![expect],
        };
        assert!(expectation_for(&request, FastApiVersion::new(0, 121, 3)).is_some());
        assert!(expectation_for(&request, FastApiVersion::NEWEST).is_none());
    }
}
