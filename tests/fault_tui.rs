//! The TUI under faults, driven as a learner's terminal would be (the real binary in a
//! pseudo-terminal, the output parsed by vt100): the window shrunk to 1×1 and odd sizes and
//! back, and SIGTERM / SIGINT arriving on the lab screen, on the "make me bigger" screen and
//! while an answer is being typed. Every way out must restore the terminal: alternate screen
//! left, cursor shown, mouse capture off. (Quit, Ctrl-C, SIGHUP and SIGTERM on home are in
//! tests/pty_tui.rs.)

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test file: a failed unwrap is a failed test

#[path = "../benches/apisec/pty.rs"] // shared with the benchmark (it allows its own dead code)
mod pty;

use std::time::Duration;

use pty::Pty;

const BIN: &str = env!("CARGO_BIN_EXE_apisec-tutor");
/// Generous: waits end as soon as the text appears; this only bounds a broken run.
const WAIT: Duration = Duration::from_secs(30);
const HOME: &str = "apisec-tutor · Why API security";
const TOO_SMALL: &str = "make me bigger";

struct Tui {
    pty: Pty,
    _data: tempfile::TempDir,
}

impl Tui {
    fn start(args: &[&str]) -> Tui {
        let data = tempfile::tempdir().unwrap();
        let dir = data.path().to_str().unwrap().to_owned();
        let pty =
            Pty::spawn(BIN, args, &[("APISEC_TUTOR_DATA_DIR", dir.as_str())], data.path(), 24, 80).unwrap();
        Tui { pty, _data: data }
    }

    /// Resizes back to 80×24 and waits for a complete frame drawn at that size: the footer on
    /// the last row and `status` on the row above it.
    #[track_caller]
    fn back_to_normal_size(&self, status: &str) {
        // Forget first, then resize: the full redraw the resize causes lands on a blank screen.
        self.pty.forget_screen();
        self.pty.resize(24, 80).unwrap();
        let ok = self.pty.wait_for(WAIT, |s| {
            let rows: Vec<String> = s.rows(0, 80).collect();
            rows.len() == 24 && rows[23].contains("? all keys") && rows[22].contains(status)
        });
        assert!(ok, "no complete 80×24 frame; screen:\n{}", self.pty.text());
    }

    #[track_caller]
    fn wait_for(&self, text: &str) {
        assert!(
            self.pty.wait_text(WAIT, text),
            "timed out waiting for {text:?}; screen:\n{}",
            self.pty.text()
        );
    }

    /// Sends a signal and checks the exit code and the restored terminal.
    #[track_caller]
    fn signal_and_check_restored(mut self, signal: &str) {
        self.pty.signal(signal).unwrap();
        let exit = self.pty.wait_exit(WAIT);
        assert!(self.pty.wait_eof(WAIT), "the terminal was not closed");
        assert_eq!(exit, Some((0, None)), "SIG{signal}: exit");
        assert_restored(&self.pty);
    }
}

#[track_caller]
fn assert_restored(pty: &Pty) {
    pty.with_screen(|s| {
        assert!(!s.alternate_screen(), "still on the alternate screen");
        assert!(!s.hide_cursor(), "cursor still hidden");
        assert_eq!(s.mouse_protocol_mode(), vt100::MouseProtocolMode::None, "mouse capture still on");
    });
    let raw = pty.raw();
    let tail = String::from_utf8_lossy(&raw[raw.len().saturating_sub(256)..]).into_owned();
    assert!(tail.contains("\x1b[?1049l"), "no leave-alternate-screen in {tail:?}");
}

/// Home → the "Live lab" mode selected, one `j` at a time.
fn select_live_lab(t: &Tui) {
    for _ in 0..20 {
        if t.pty.text().contains("▶ Live lab") {
            return;
        }
        t.pty.key(b"j", Duration::from_millis(50), Duration::from_millis(500), WAIT).unwrap();
    }
    panic!("could not select the Live lab mode; screen:\n{}", t.pty.text());
}

#[test]
fn a_one_by_one_window_and_odd_sizes_then_back_show_the_normal_screen() {
    let t = Tui::start(&[]);
    t.wait_for(HOME);
    t.pty.resize(1, 1).unwrap();
    // At 1×1 even the message cannot fit; what matters is that the program is alive and draws
    // again at a usable size. A tall-thin and a wide-flat window show the message whole.
    for (rows, cols) in [(1, 1), (1, 200), (60, 1), (2, 2), (16, 59), (15, 60)] {
        t.pty.resize(rows, cols).unwrap();
    }
    t.pty.resize(12, 50).unwrap();
    t.wait_for(TOO_SMALL);
    t.wait_for("have 50×12");
    t.back_to_normal_size("");
    t.wait_for(HOME);
    assert!(!t.pty.text().contains(TOO_SMALL));
    // And it still takes keys: open the first mode, then come back.
    t.pty.send(b"\r").unwrap();
    t.wait_for(" · lines ");
    t.signal_and_check_restored("TERM");
}

#[test]
#[ignore = "timing-dependent: it failed in most runs on a loaded machine before the event loop \
            cleared the screen on every resize (src/tui/event_loop.rs); on a quiet machine it passes \
            with and without that fix, so it cannot prove it; run with --include-ignored under load"]
fn a_resize_storm_through_tiny_sizes_leaves_a_working_reader() {
    let t = Tui::start(&[]);
    t.wait_for(HOME);
    t.pty.send(b"\r").unwrap();
    t.wait_for(" · lines ");
    // Many sizes in a row, faster than frames are drawn, with keys in between.
    for i in 0..60u16 {
        let (rows, cols) = (1 + (i * 7) % 40, 1 + (i * 13) % 130);
        t.pty.resize(rows, cols).unwrap();
        if i % 10 == 0 {
            t.pty.send(b"j").unwrap();
        }
    }
    t.back_to_normal_size(" · lines ");
    t.signal_and_check_restored("INT");
}

#[test]
fn sigterm_and_sigint_on_the_lab_screen_restore_the_terminal() {
    for signal in ["TERM", "INT"] {
        let t = Tui::start(&[]);
        t.wait_for(HOME);
        select_live_lab(&t);
        t.pty.send(b"\r").unwrap();
        t.wait_for("Live lab ·");
        t.signal_and_check_restored(signal);
    }
}

#[test]
fn sigterm_on_the_too_small_screen_restores_the_terminal() {
    let t = Tui::start(&[]);
    t.wait_for(HOME);
    t.pty.resize(10, 30).unwrap();
    t.wait_for(TOO_SMALL);
    t.signal_and_check_restored("TERM");
}

#[test]
fn sigterm_while_typing_an_answer_quits_without_asking_and_restores() {
    let t = Tui::start(&[]);
    t.wait_for(HOME);
    // The walk-through's build-up steps hold the predictions; the search prompt is the typing
    // state every page has, so type into it: `q` would now be a letter, not quit.
    t.pty.send(b"\r").unwrap();
    t.wait_for(" · lines ");
    t.pty.send(b"/secur").unwrap();
    t.wait_for("secur");
    t.signal_and_check_restored("TERM");
}
