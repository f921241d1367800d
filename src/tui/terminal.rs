//! The terminal guard: raw mode, alternate screen and mouse capture on entry; all of it undone
//! on drop and in the panic hook, so quit, error, signal and panic leave a usable terminal.

use std::io::{self, Stdout, Write};
use std::path::{Path, PathBuf};
use std::sync::Once;

use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::execute;
use crossterm::terminal::{
    Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

use super::strings;

pub type Term = Terminal<CrosstermBackend<Stdout>>;

pub struct TerminalGuard {
    /// Always `Some` until the guard is dropped (see `Drop`).
    terminal: Option<Term>,
}

impl TerminalGuard {
    /// Takes over the terminal. `report_dir` is where a panic report is written.
    pub fn enter(report_dir: &Path) -> io::Result<Self> {
        install_panic_hook(report_dir.to_path_buf());
        let setup = || -> io::Result<Term> {
            enable_raw_mode()?;
            // Cleared with a plain escape: `Terminal::clear` asks the terminal where the cursor is,
            // and a terminal that never answers would stall the start for seconds.
            execute!(io::stdout(), EnterAlternateScreen, EnableMouseCapture, Clear(ClearType::All))?;
            let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
            terminal.hide_cursor()?;
            Ok(terminal)
        };
        match setup() {
            Ok(terminal) => Ok(TerminalGuard { terminal: Some(terminal) }),
            Err(e) => {
                // Half-entered is worse than not entered: undo whatever succeeded.
                let _ = restore();
                Err(e)
            }
        }
    }
}

impl TerminalGuard {
    /// The terminal to draw on.
    pub fn terminal(&mut self) -> io::Result<&mut Term> {
        self.terminal.as_mut().ok_or_else(|| io::Error::other("the terminal was already released"))
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = restore();
        // ratatui's own `Drop` prints with `eprintln!` when it cannot show the cursor, which
        // panics when the terminal has gone (EIO after the window closed). If showing the cursor
        // fails here, the terminal is gone: skip that `Drop` rather than panic on the way out.
        if let Some(mut terminal) = self.terminal.take()
            && terminal.show_cursor().is_err()
        {
            std::mem::forget(terminal);
        }
    }
}

/// Takes the terminal over again after the process was stopped and resumed.
pub fn reenter() -> io::Result<()> {
    enable_raw_mode()?;
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        Clear(ClearType::All),
        crossterm::cursor::Hide
    )
}

/// Leaves the alternate screen, shows the cursor, stops mouse capture and raw mode. Safe to call
/// twice (the panic hook and then the guard's drop both do).
pub fn restore() -> io::Result<()> {
    let mut out = io::stdout();
    let screen = execute!(out, DisableMouseCapture, LeaveAlternateScreen, crossterm::cursor::Show);
    let raw = disable_raw_mode();
    out.flush()?;
    screen.and(raw)
}

fn install_panic_hook(report_dir: PathBuf) {
    static ONCE: Once = Once::new();
    ONCE.call_once(move || {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // Restore first, so the message lands on a normal screen.
            let _ = restore();
            previous(info);
            let report = write_report(&report_dir, &info.to_string());
            // Never `eprintln!` here: with the terminal gone it would panic inside the hook.
            let _ = writeln!(io::stderr(), "{}", strings::panic_note(report.as_deref()));
        }));
    });
}

/// Writes the panic message to the data dir, or to the temp dir when that fails.
fn write_report(dir: &Path, message: &str) -> Option<PathBuf> {
    let body = format!(
        "apisec-tutor {} panicked\n{message}\n\nbacktrace:\n{}\n",
        env!("CARGO_PKG_VERSION"),
        std::backtrace::Backtrace::force_capture()
    );
    for dir in [dir.to_path_buf(), std::env::temp_dir()] {
        let path = dir.join("apisec-tutor-panic.log");
        if std::fs::create_dir_all(&dir).is_ok() && std::fs::write(&path, &body).is_ok() {
            return Some(path);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panic_report_goes_to_the_given_dir() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_report(dir.path(), "boom at x.rs:1").unwrap();
        assert_eq!(path, dir.path().join("apisec-tutor-panic.log"));
        assert!(std::fs::read_to_string(path).unwrap().contains("boom at x.rs:1"));
    }
}
