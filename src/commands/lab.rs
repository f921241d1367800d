//! `apisec-tutor lab`. With `--plain`: start the embedded demo API, send the seed's three
//! requests (`--replay-seed`) or a content scenario (`--scenario ID`) over real HTTP, and print
//! the execution table and the variable tracker as text. Without `--plain` the interface opens
//! straight on the live lab screen (with `--scenario ID` ready to send).

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use crate::Error;
use std::sync::Arc;

use crate::cli::{Cli, LabArgs, LabFormat};
use crate::content::{LabRequest, LabScenario};
use crate::lab::engine::AppSet;
use crate::lab::plain::{self, Heading};
use crate::lab::seed::{replay, seed_requests};
use crate::lab::{FastApiVersion, LabConfig, codegen, scenario, server};

pub fn run(cli: &Cli, args: &LabArgs) -> Result<ExitCode, Error> {
    if let Some(app) = &args.code {
        return print_code(cli, app, args.api.vulnerable);
    }
    if args.export_scenarios {
        let catalog = super::catalog(cli)?;
        let all: Vec<serde_json::Value> = catalog
            .lessons
            .iter()
            .flat_map(|l| {
                l.lab_scenarios
                    .iter()
                    .filter(|s| s.app.is_some())
                    .map(|s| serde_json::json!({"lesson": l.id, "scenario": s}))
            })
            .collect();
        super::check::print_out(&format!("{}\n", serde_json::Value::Array(all)))?;
        return Ok(ExitCode::SUCCESS);
    }
    if !cli.plain {
        return run_screen(cli, args);
    }
    let version =
        FastApiVersion::parse(&args.api.fastapi_version).map_err(|e| Error::Usage(e.to_string()))?;
    let catalog = super::catalog(cli)?;
    let apps = Arc::new(AppSet::for_content(&catalog));
    let base = LabConfig::new(version, args.api.cors).with_apps(apps);
    let base = match &args.api.app {
        Some(app) => scenario::config_for(
            base,
            &LabScenario {
                app: Some(app.clone()),
                vulnerable: args.api.vulnerable,
                ..LabScenario::default()
            },
        )?,
        None => base,
    };
    let (title, requests, cfg, seed) = match (&args.scenario, args.replay_seed) {
        (Some(_), true) => {
            return Err(Error::Usage("give either --replay-seed or --scenario ID, not both".into()));
        }
        (None, false) => {
            return Err(Error::Usage(
                "with --plain, give --replay-seed or --scenario ID (see `apisec-tutor outline`)".into(),
            ));
        }
        (None, true) => {
            // The execution table's own scenario when the content has one, so an instructor's
            // table and its replay cannot drift apart; the built-in seed requests otherwise.
            let requests = catalog
                .lessons
                .iter()
                .find_map(|l| catalog.scenario(&l.execution_table.lab_scenario))
                .map_or_else(seed_requests, |s| s.requests.clone());
            (
                "The seed's three requests: good token, bad token, no token (GET /items/)".to_owned(),
                requests,
                base,
                true,
            )
        }
        (Some(id), false) => {
            let scenario = catalog.scenario(id).ok_or_else(|| unknown_scenario(&catalog, id))?;
            let cfg = scenario::config_for(base, scenario)?;
            (format!("Scenario {}: {}", scenario.id, scenario.title), scenario.requests.clone(), cfg, false)
        }
    };
    let report = run_plain_report(cfg, &title, &requests, seed, args.format)?;
    let mut stdout = crate::safe_text::stdout();
    stdout
        .write_all(report.text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|e| Error::io("cannot write to stdout", e))?;
    // An answer that differs from what the content says real FastAPI answers is a failure a
    // script (or an instructor's CI) must see.
    Ok(if report.failures == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// A scenario id the content does not have: a usage error that lists the ones it has, lesson
/// by lesson (and the near one, for a typo).
fn unknown_scenario(catalog: &crate::content::Catalog, id: &str) -> Error {
    let all = catalog.lessons.iter().flat_map(|l| l.lab_scenarios.iter().map(|s| s.id.as_str()));
    let hint = crate::content::suggest::did_you_mean(id, all)
        .map_or_else(String::new, |near| format!(" (did you mean `{near}`?)"));
    let mut text = format!("no lab scenario named {id:?}{hint}; the content has:");
    for lesson in catalog.lessons.iter().filter(|l| !l.lab_scenarios.is_empty()) {
        let ids: Vec<&str> = lesson.lab_scenarios.iter().map(|s| s.id.as_str()).collect();
        text.push_str(&format!("\n  {}: {}", lesson.id, ids.join(", ")));
    }
    if catalog.lessons.iter().all(|l| l.lab_scenarios.is_empty()) {
        text.push_str(" no lab scenarios at all");
    }
    Error::Usage(text)
}

/// `lab --code APP`: the program, as the lesson's author would read it.
fn print_code(cli: &Cli, id: &str, vulnerable: bool) -> Result<ExitCode, Error> {
    let catalog = super::catalog(cli)?;
    let found = catalog.lessons.iter().find_map(|l| l.lab_apps.iter().find(|a| a.id == id).map(|a| (l, a)));
    let Some((lesson, app)) = found else {
        let known: Vec<&str> =
            catalog.lessons.iter().flat_map(|l| l.lab_apps.iter().map(|a| a.id.as_str())).collect();
        return Err(Error::Usage(format!("no lab app {id:?}; the content has: {}", known.join(", "))));
    };
    let Some(program) = codegen::program(app, &lesson.id, vulnerable) else {
        return Err(Error::Usage(format!("lab app {id:?} has no vulnerable twin")));
    };
    super::check::print_out(&program.source)?;
    Ok(ExitCode::SUCCESS)
}

/// The interface, opened on the lab at the chosen FastAPI version, the scenario selected.
fn run_screen(cli: &Cli, args: &LabArgs) -> Result<ExitCode, Error> {
    if args.replay_seed {
        return Err(Error::Usage("--replay-seed goes with --plain (in the lab screen, press r)".into()));
    }
    let version =
        FastApiVersion::parse(&args.api.fastapi_version).map_err(|e| Error::Usage(e.to_string()))?;
    let catalog = super::catalog(cli)?;
    let lesson = match &args.scenario {
        Some(id) => catalog
            .lessons
            .iter()
            .position(|l| l.scenario(id).is_some())
            .ok_or_else(|| unknown_scenario(&catalog, id))?,
        None => 0,
    };
    let theme = super::theme(cli)?;
    if !std::io::stdout().is_terminal() {
        crate::safe_eprintln!("{}", crate::tui::strings::lab::NOT_A_TERMINAL);
        return Ok(ExitCode::from(1));
    }
    let mut state = crate::tui::app::LabState::with_version(lesson, args.scenario.clone(), version);
    state.profile.cors = args.api.cors;
    crate::tui::run_lab(catalog, theme, state)?;
    Ok(ExitCode::SUCCESS)
}

/// What `lab --plain` prints, and how many answers differ from the content.
pub struct PlainReport {
    pub text: String,
    pub failures: usize,
}

/// Starts the demo API, sends the requests, renders the report.
pub fn run_plain(cfg: LabConfig, title: &str, requests: &[LabRequest], seed: bool) -> Result<String, Error> {
    Ok(run_plain_report(cfg, title, requests, seed, LabFormat::Text)?.text)
}

fn run_plain_report(
    cfg: LabConfig,
    title: &str,
    requests: &[LabRequest],
    seed: bool,
    format: LabFormat,
) -> Result<PlainReport, Error> {
    let heading = Heading { title, fastapi: cfg.fastapi, cors: cfg.cors, seed };
    let (replayed, dropped) = server::runtime()?.block_on(replay(cfg.clone(), requests))?;
    let failures = plain::failures(cfg.fastapi, &replayed);
    let text = match format {
        LabFormat::Text => plain::render(&heading, &replayed, dropped),
        LabFormat::Json => plain::json_lines(&cfg, &replayed),
    };
    Ok(PlainReport { text, failures })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{Expectation, TraceStage};
    use crate::lab::CorsMode;
    use crate::lab::tokens::Secret;

    #[test]
    fn the_seed_replay_prints_three_rows_the_tracker_and_the_differences() {
        let cfg = LabConfig::new(FastApiVersion::NEWEST, CorsMode::Off).with_secret(Secret::new("k"));
        let text = run_plain(cfg, "seed", &seed_requests(), true).unwrap();
        let rows: Vec<&str> = text.lines().filter(|l| l.starts_with("step ")).collect();
        assert_eq!(rows.len(), 3, "{text}");
        assert!(
            rows[0].contains("token: securetoken")
                && rows[0].contains("response: 200 {\"items\":[\"apple\",\"banana\"]}"),
            "{text}"
        );
        assert!(
            rows[1].contains("check: Token invalid")
                && rows[1].contains("401 Unauthorized")
                && rows[1].contains("the app's own check"),
            "{text}"
        );
        assert!(
            rows[2].contains("token: (never set: the handler does not run)")
                && rows[2].contains("401 Not authenticated")
                && rows[2].contains("stopped at: authenticate"),
            "{text}"
        );
        assert!(rows[2].contains("OAuth2PasswordBearer (FastAPI, before the handler)"), "{text}");
        assert!(!text.contains("differs from the content"), "{text}");
        let token_line = text.lines().find(|l| l.starts_with("token ")).unwrap_or_default();
        assert!(token_line.contains("| (unset) | securetoken"), "{text}");
        assert!(token_line.ends_with("| (never set: the handler does not run)"), "{text}");
        assert!(text.contains("the handler never runs: OAuth2PasswordBearer"), "{text}");
        assert!(text.contains("WWW-Authenticate: Bearer"), "{text}");
    }

    fn request(id: &str, path: &str, credential: Option<&str>, expect: Vec<Expectation>) -> LabRequest {
        LabRequest {
            capture: Default::default(),
            id: id.into(),
            label: id.into(),
            method: "GET".into(),
            path: path.into(),
            headers: Vec::new(),
            form: None,
            credential: credential.map(str::to_owned),
            expect,
        }
    }

    fn expect(range: Option<&str>, status: u16, detail: &str, www: &str) -> Expectation {
        Expectation {
            fastapi: range.map(str::to_owned),
            status,
            detail: Some(detail.to_owned()),
            www_authenticate: Some(www.to_owned()),
            stopped_at: Some(TraceStage::Authenticate),
            headers: Vec::new(),
        }
    }

    #[test]
    fn a_scenario_runs_with_presets_and_is_checked_against_its_expectations_per_version() {
        let scenario = vec![
            request(
                "expired",
                "/users/me",
                Some("expired-jwt"),
                vec![expect(None, 401, "Could not validate credentials", "Bearer")],
            ),
            request(
                "missing-key",
                "/data",
                None,
                vec![
                    expect(Some(">=0.122.0"), 401, "Not authenticated", "APIKey"),
                    expect(Some("<0.122.0"), 403, "Not authenticated", ""),
                ],
            ),
            request("fresh", "/users/me", Some("fresh-jwt"), vec![]),
        ];
        for version in ["0.121.3", "0.165.0"] {
            let cfg = LabConfig::new(FastApiVersion::parse(version).unwrap(), CorsMode::Off)
                .with_secret(Secret::new("k"));
            let text = run_plain(cfg, "scenario", &scenario, false).unwrap();
            assert!(!text.contains("differs"), "{version}: {text}");
            assert!(!text.contains("Where real FastAPI differs from the seed"), "{text}");
            let rows: Vec<&str> = text.lines().filter(|l| l.starts_with("step ")).collect();
            assert!(rows[0].contains("401 Could not validate credentials"), "{text}");
            assert!(rows[2].contains("response: 200 {\"username\":\"johndoe\""), "{text}");
            assert!(text.contains("claims.sub"), "the tracker shows the JWT claims: {text}");
        }
        let wrong =
            vec![request("missing-key", "/data", None, vec![expect(None, 403, "Not authenticated", "")])];
        let cfg = LabConfig::new(FastApiVersion::NEWEST, CorsMode::Off).with_secret(Secret::new("k"));
        let text = run_plain(cfg, "scenario", &wrong, false).unwrap();
        assert!(text.contains("differs from the content: status 401 (content says 403)"), "{text}");
    }

    #[test]
    fn scenario_cors_overrides_the_flag() {
        let base = || LabConfig::new(FastApiVersion::NEWEST, CorsMode::Off);
        let with =
            |cors: Option<&str>| LabScenario { cors: cors.map(str::to_owned), ..LabScenario::default() };
        assert_eq!(scenario::config_for(base(), &with(Some("wildcard"))).unwrap().cors, CorsMode::Wildcard);
        let trusted = LabConfig::new(FastApiVersion::NEWEST, CorsMode::Trusted);
        assert_eq!(scenario::config_for(trusted, &with(None)).unwrap().cors, CorsMode::Trusted);
        assert!(scenario::config_for(base(), &with(Some("open"))).is_err());
    }
}
