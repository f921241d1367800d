//! `apisec-tutor probe URL`: see src/probe and docs/PROBE.md.

use std::io::IsTerminal as _;
use std::process::ExitCode;

use crate::Error;
use crate::cli::{ProbeArgs, ProbeFormat};
use crate::probe::{self, Login, Options, Severity, Token, openapi};

pub fn run(args: &ProbeArgs) -> Result<ExitCode, Error> {
    probe::check_target(&args.url, args.allow_remote).map_err(|e| Error::Usage(e.to_string()))?;
    let mut params = Vec::new();
    for p in &args.param {
        let (k, v) =
            p.split_once('=').ok_or_else(|| Error::Usage(format!("--param needs NAME=VALUE, got `{p}`")))?;
        params.push((k.to_owned(), v.to_owned()));
    }
    let login = |flag: &str, v: &Option<String>| -> Result<Option<Login>, Error> {
        v.as_deref()
            .map(|t| Login::parse(t).ok_or_else(|| Error::Usage(format!("{flag} needs USER:PASSWORD"))))
            .transpose()
    };
    let first = login("--login", &args.login)?;
    let as_other = login("--as-other", &args.as_other)?;
    if as_other.is_some() && first.is_none() && args.token.is_none() {
        return Err(Error::Usage("--as-other needs the first user too: --login or --token".into()));
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io("starting the HTTP runtime", e))?;
    let doc: serde_json::Value = match &args.openapi {
        Some(file) => {
            let text = std::fs::read_to_string(file)
                .map_err(|e| Error::io(format!("reading {}", file.display()), e))?;
            serde_json::from_str(&text).map_err(|e| Error::Usage(format!("{}: {e}", file.display())))?
        }
        None => {
            let url = format!("{}/openapi.json", args.url.trim_end_matches('/'));
            runtime
                .block_on(async {
                    let r = reqwest::get(&url).await.map_err(|e| e.to_string())?;
                    r.json::<serde_json::Value>().await.map_err(|e| e.to_string())
                })
                .map_err(|e| Error::Usage(format!("cannot read {url}: {e}")))?
        }
    };
    let ops = openapi::operations(&doc).map_err(|e| Error::Usage(e.to_string()))?;
    let opts = Options {
        base: args.url.clone(),
        params,
        burst: args.burst,
        max_requests: args.max_requests,
        rps: args.rps,
        unsafe_methods: args.unsafe_methods,
        dry_run: args.dry_run,
        token: args.token.clone().map(Token),
        login: first,
        as_other,
    };
    if args.format == ProbeFormat::Tui && !std::io::stdout().is_terminal() {
        return Err(Error::Usage("--format tui needs a terminal; use --format plain, json or junit".into()));
    }
    let report = runtime.block_on(probe::run(&ops, opts)).map_err(|e| Error::Usage(e.to_string()))?;
    // The report quotes what the probed server sent (headers, bodies): it goes out through the
    // sanitizer like every other text, so a hostile server cannot drive the terminal.
    let text = match args.format {
        ProbeFormat::Json => {
            format!(
                "{}\n",
                crate::safe_text::json(&serde_json::to_string_pretty(&report).unwrap_or_default())
            )
        }
        ProbeFormat::Junit => probe::junit(&report),
        ProbeFormat::Plain => probe::plain(&report),
        ProbeFormat::Tui => {
            crate::tui::probe_view::show(&report).map_err(|e| Error::io("showing the probe report", e))?;
            String::new()
        }
    };
    super::check::print_out(&text)?;
    let high = report.findings.iter().any(|f| f.severity >= Severity::High);
    Ok(if high { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
