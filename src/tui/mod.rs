//! The terminal interface: the only layer that imports ratatui and crossterm.
//!
//! From the bottom up (no module names one above it; `tests/layers.rs` checks it):
//! - vocabulary and leaves: `msg` (actions, effects, navigation), `strings`, `theme`, `layout`,
//!   `markdown`, `highlight`, `widgets`, `saved`, `ctx` (what an update and a view are given);
//! - `keymap`: one binding table for keys, footer and help;
//! - `doc`: a lesson page laid out as lines;
//! - `screens`: home, reader, quiz, lab and the help overlay, each its own component with its
//!   state, a pure `update(&mut self, action, ctx) -> Vec<Effect>` and a view;
//! - `app`: the router between screens; `frame`: the header, footer and overlays around the
//!   screen on top;
//! - `event_loop`, `lab_runner`, `clipboard`, `terminal`: the only code that does I/O.

pub mod app;
pub mod clipboard;
pub mod ctx;
pub mod doc;
pub mod event_loop;
pub mod frame;
pub mod highlight;
pub mod keymap;
pub mod lab_runner;
pub mod layout;
pub mod markdown;
pub mod msg;
pub mod probe_view;
pub mod saved;
pub mod screens;
pub mod strings;
pub mod terminal;
pub mod theme;
pub mod widgets;

use ratatui::layout::Rect;

use crate::content::{Catalog, SectionKind};

#[derive(Debug, thiserror::Error)]
pub enum TuiError {
    #[error("terminal error: {0}")]
    Terminal(#[from] std::io::Error),
    #[error("{0}")]
    Usage(String),
}

/// Opens the interface on a catalog and runs it until the learner quits.
pub fn run(catalog: Catalog, theme: &'static theme::Theme) -> Result<(), TuiError> {
    run_with(catalog, theme, |_| {})
}

/// Opens the interface straight on the live lab (`apisec-tutor lab`); Esc leads home.
pub fn run_lab(
    catalog: Catalog,
    theme: &'static theme::Theme,
    lab: screens::lab::LabState,
) -> Result<(), TuiError> {
    run_with(catalog, theme, move |app| {
        let mut lab = lab;
        lab.ready(&app.catalog);
        app.home.lesson = lab.lesson;
        app.screen = app::Screen::Lab(Box::new(lab));
    })
}

/// Like [`run`], with `start` putting the app on its first screen (e.g. `quiz` opens the quiz).
pub fn run_with(
    catalog: Catalog,
    theme: &'static theme::Theme,
    start: impl FnOnce(&mut app::App),
) -> Result<(), TuiError> {
    // A dumb terminal cannot move the cursor, draw boxes or take mouse input: say what works.
    if std::env::var("TERM").is_ok_and(|t| t == "dumb") {
        return Err(TuiError::Usage(strings::DUMB_TERMINAL.to_owned()));
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let (dir, dir_notice) = match saved::Store::default_dir() {
        Ok(dir) => (dir, None),
        Err(e) => (std::env::temp_dir().join("apisec-tutor"), Some(e.to_string())),
    };
    let (mut store, progress, notices) = saved::Store::open(&dir);
    let mut guard = terminal::TerminalGuard::enter(&dir)?;
    let size = guard.terminal()?.size()?;
    let mut app = app::App::new(catalog, theme, progress, Rect::new(0, 0, size.width, size.height));
    app.notice = dir_notice.or_else(|| notices.into_iter().next());
    start(&mut app);
    let result = runtime.block_on(event_loop::run(app, &mut store, &mut guard));
    drop(guard);
    match result {
        // The terminal went away (the window closed: SIGHUP, then EIO or a broken pipe on the
        // next draw). Progress was saved answer by answer; this is an ordinary end, not an error
        // to print to a terminal that is no longer there.
        Err(TuiError::Terminal(e)) if terminal_gone(&e) => Ok(()),
        other => other,
    }
}

#[cfg(test)]
mod gone_tests {
    #[test]
    fn a_hung_up_tty_counts_as_gone_and_other_errors_do_not() {
        for code in [5, 6] {
            assert!(super::terminal_gone(&std::io::Error::from_raw_os_error(code)));
        }
        assert!(super::terminal_gone(&std::io::ErrorKind::BrokenPipe.into()));
        assert!(!super::terminal_gone(&std::io::ErrorKind::PermissionDenied.into()));
    }
}

/// An error that means the terminal itself has gone.
fn terminal_gone(e: &std::io::Error) -> bool {
    matches!(e.kind(), std::io::ErrorKind::BrokenPipe | std::io::ErrorKind::UnexpectedEof)
        || e.raw_os_error() == Some(5) // EIO: the tty was hung up
        || e.raw_os_error() == Some(6) // ENXIO: no such device (the pty is gone)
}

/// The `--plain` text: one lesson (by id, or the first), all of it or one section.
pub fn plain_text(
    catalog: &Catalog,
    lesson: Option<&str>,
    section: Option<&str>,
) -> Result<String, TuiError> {
    let lesson = match lesson {
        Some(id) => catalog.lesson(id).ok_or_else(|| {
            let ids: Vec<&str> = catalog.lessons.iter().map(|l| l.id.as_str()).collect();
            TuiError::Usage(format!("no lesson `{id}`; lessons: {}", ids.join(", ")))
        })?,
        None => {
            catalog.lessons.first().ok_or_else(|| TuiError::Usage("the content has no lessons".into()))?
        }
    };
    let sections = match section {
        Some(name) => vec![SectionKind::parse(name).ok_or_else(|| {
            let names: Vec<&str> = SectionKind::ALL.iter().map(|k| k.as_str()).collect();
            TuiError::Usage(format!("no section kind `{name}`; kinds: {}", names.join(", ")))
        })?],
        None => SectionKind::ALL.to_vec(),
    };
    Ok(doc::plain(lesson, &sections))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_picks_lesson_and_section_and_names_the_valid_ones() {
        let c = doc::tests::catalog();
        let all = plain_text(&c, None, None).unwrap();
        assert!(all.contains("Key takeaways") && all.contains("Overview"));
        let one = plain_text(&c, Some("demo-bearer"), Some("pitfalls")).unwrap();
        assert!(one.contains("Comparing tokens with ==") && !one.contains("Key takeaways"));
        let err = plain_text(&c, Some("nope"), None).unwrap_err().to_string();
        assert!(err.contains("demo-bearer"), "{err}");
        let err = plain_text(&c, None, Some("nope")).unwrap_err().to_string();
        assert!(err.contains("build_up"), "{err}");
    }
}
