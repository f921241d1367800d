//! End-to-end: `apisec-tutor quiz` opens the quiz screen in a real pseudo-terminal (80×24),
//! parsed by vt100. A hint, an answer, its feedback, quit; then the terminal must be handed back
//! and the answer saved.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use apisec_tutor::progress::Store;
use portable_pty::{Child, CommandBuilder, PtySize, native_pty_system};

const DEADLINE: Duration = Duration::from_secs(20);
const ROWS: u16 = 24;
const COLS: u16 = 80;

fn nz(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).unwrap()
}

/// The quiz fixture content (a lesson and two quizzes) the plain-quiz tests use too.
fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/quiz")
}

struct Pty {
    _master: Box<dyn portable_pty::MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    output: Receiver<Vec<u8>>,
    parser: vt100::Parser,
    raw: Vec<u8>,
}

impl Pty {
    fn start(args: &[&str], data: &Path) -> Pty {
        let pair = native_pty_system()
            .openpty(PtySize { rows: ROWS, cols: COLS, pixel_width: 0, pixel_height: 0 })
            .unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_apisec-tutor"));
        cmd.args(args);
        cmd.env("APISEC_TUTOR_DATA_DIR", data);
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("NO_COLOR");
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let (tx, output) = channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        Pty {
            _master: pair.master,
            writer,
            child,
            output,
            parser: vt100::Parser::new(nz(ROWS), nz(COLS), 0),
            raw: Vec::new(),
        }
    }

    /// Feeds what arrived until `until`; false when nothing more came.
    fn pump(&mut self, until: Instant) -> bool {
        match self.output.recv_timeout(until.saturating_duration_since(Instant::now())) {
            Ok(bytes) => {
                self.parser.process(&bytes);
                self.raw.extend_from_slice(&bytes);
                // Answer a cursor position query as a real terminal would (vt100 only parses).
                if bytes.windows(4).any(|w| w == b"\x1b[6n") {
                    let (row, col) = self.parser.screen().cursor_position();
                    self.send(&format!("\x1b[{};{}R", row + 1, col + 1));
                }
                true
            }
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => false,
        }
    }

    fn screen(&self) -> String {
        self.parser.screen().contents()
    }

    /// Waits until the parsed screen (frames arrive as cell diffs) shows `text`.
    fn wait_for(&mut self, text: &str) {
        let until = Instant::now() + DEADLINE;
        while !self.screen().contains(text) {
            if !self.pump(until) && Instant::now() >= until {
                panic!("timed out waiting for {text:?}; screen:\n{}", self.screen());
            }
        }
    }

    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    fn wait_exit(&mut self) -> u32 {
        let until = Instant::now() + DEADLINE;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                while self.pump(Instant::now() + Duration::from_millis(200)) {}
                return status.exit_code();
            }
            if !self.pump(until) && Instant::now() >= until {
                panic!("the program did not exit; screen:\n{}", self.screen());
            }
        }
    }

    /// Normal screen, cursor shown, mouse capture off, and the restore sequences last.
    fn assert_restored(&self) {
        let screen = self.parser.screen();
        assert!(!screen.alternate_screen(), "still on the alternate screen");
        assert!(!screen.hide_cursor(), "cursor still hidden");
        assert_eq!(screen.mouse_protocol_mode(), vt100::MouseProtocolMode::None, "mouse capture still on");
        let tail = String::from_utf8_lossy(&self.raw[self.raw.len().saturating_sub(64)..]).into_owned();
        assert!(tail.ends_with("\x1b[?25h"), "raw output ends with {tail:?}");
    }

    /// The letter the screen shows before a choice's text (`▶ B) text` → `b`).
    fn letter_of(&self, choice: &str) -> char {
        let screen = self.screen();
        let line = screen.lines().find(|l| l.contains(choice)).unwrap_or_else(|| panic!("{screen}"));
        let at = line.find(") ").unwrap();
        line[..at].chars().last().unwrap().to_ascii_lowercase()
    }
}

#[test]
fn hint_wrong_answer_feedback_quit_restores_and_saves() {
    let data = tempfile::tempdir().unwrap();
    let content = fixtures();
    let args = ["--content", content.to_str().unwrap(), "quiz", "--seed", "1", "--difficulty", "easy"];
    let mut t = Pty::start(&args, data.path());
    t.wait_for("Question 1 of 1 · easy");
    t.wait_for("hint 0/2 · worth 1 now");
    t.send("h");
    t.wait_for("Hint 1/2: Which runs first, the dependency or the handler?");
    t.wait_for("hint 1/2 · worth 0.75 now");

    // Answer with a wrong letter, found on the screen (the seed decides the order).
    let right = t.letter_of("401 Not authenticated");
    let wrong = t.letter_of("403 Forbidden");
    assert_ne!(right, wrong);
    t.send(&wrong.to_string());
    t.wait_for("Not quite: you chose");
    t.wait_for(&format!("the answer is {}.", right.to_ascii_uppercase()));
    t.wait_for("403 is for a known caller without permission");
    t.wait_for("✗ 0 points");

    t.send("q");
    assert_eq!(t.wait_exit(), 0);
    t.assert_restored();

    let (_, progress, notices) = Store::open(data.path());
    assert!(notices.is_empty(), "{notices:?}");
    let attempts = progress.attempts();
    assert_eq!(attempts.len(), 1, "{attempts:?}");
    let a = &attempts[0];
    assert_eq!(
        (a.quiz.as_str(), a.question.as_str(), a.choice.as_str()),
        ("fixture-practice", "missing-header", "c")
    );
    assert_eq!((a.correct, a.hints_used), (false, 1));
}

#[test]
fn shipped_content_opens_on_the_first_easy_question() {
    let data = tempfile::tempdir().unwrap();
    let mut t = Pty::start(&["quiz", "--seed", "1", "--difficulty", "easy"], data.path());
    t.wait_for("Question 1 of");
    t.wait_for("· easy");
    t.send("h");
    t.wait_for("Hint 1/");
    t.send("a");
    // Right or wrong depends on the content; either way the verdict and the solution show.
    t.wait_for("Worked solution");
    assert!(t.screen().contains("Right:") || t.screen().contains("Not quite:"), "{}", t.screen());
    t.send("\x03");
    assert_eq!(t.wait_exit(), 0);
    t.assert_restored();
}

#[test]
fn a_quiz_that_does_not_exist_is_a_usage_error_before_the_screen_opens() {
    let data = tempfile::tempdir().unwrap();
    let content = fixtures();
    let mut t = Pty::start(&["--content", content.to_str().unwrap(), "quiz", "--quiz", "nope"], data.path());
    assert_eq!(t.wait_exit(), 2);
    assert!(t.screen().contains("fixture-practice"), "names the quizzes there are:\n{}", t.screen());
    assert!(!t.raw.windows(8).any(|w| w == b"\x1b[?1049h"), "the alternate screen was never entered");
}
