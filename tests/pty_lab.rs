//! End-to-end: `apisec-tutor lab` in a pseudo-terminal (80×24), its screen parsed by vt100. The
//! lab starts its embedded demo API on 127.0.0.1, `r` replays the seed over real HTTP, and the
//! three rows must show 200 / 401 / 401; quitting hands the terminal back.
//!
//! Waits poll the *parsed* screen with a bounded deadline (frames arrive as cell diffs).
#![cfg(unix)]
// A test harness: a failed setup step should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

const DEADLINE: Duration = Duration::from_secs(20);
const ROWS: u16 = 24;
const COLS: u16 = 80;

fn nz(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).unwrap()
}

struct Tui {
    _master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    output: Receiver<Vec<u8>>,
    parser: vt100::Parser,
    raw: Vec<u8>,
    _data: tempfile::TempDir,
}

impl Tui {
    fn start(args: &[&str]) -> Tui {
        let data = tempfile::tempdir().unwrap();
        let pty = native_pty_system();
        let pair = pty.openpty(PtySize { rows: ROWS, cols: COLS, pixel_width: 0, pixel_height: 0 }).unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_apisec-tutor"));
        cmd.args(args);
        cmd.env("APISEC_TUTOR_DATA_DIR", data.path());
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
        Tui {
            _master: pair.master,
            writer,
            child,
            output,
            parser: vt100::Parser::new(nz(ROWS), nz(COLS), 0),
            raw: Vec::new(),
            _data: data,
        }
    }

    fn pump(&mut self, until: Instant) -> bool {
        let left = until.saturating_duration_since(Instant::now());
        match self.output.recv_timeout(left) {
            Ok(bytes) => {
                self.parser.process(&bytes);
                self.raw.extend_from_slice(&bytes);
                true
            }
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => false,
        }
    }

    fn screen(&self) -> String {
        self.parser.screen().contents()
    }

    /// Polls the parsed screen until `ok` holds, or fails with the screen at the deadline.
    fn wait_until(&mut self, what: &str, ok: impl Fn(&str) -> bool) {
        let until = Instant::now() + DEADLINE;
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return;
            }
            if !self.pump(until) && Instant::now() >= until {
                panic!("timed out waiting for {what}; screen:\n{screen}");
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

    fn assert_restored(&self) {
        let screen = self.parser.screen();
        assert!(!screen.alternate_screen(), "still on the alternate screen");
        assert!(!screen.hide_cursor(), "cursor still hidden");
        assert_eq!(screen.mouse_protocol_mode(), vt100::MouseProtocolMode::None, "mouse capture still on");
        let tail = String::from_utf8_lossy(&self.raw[self.raw.len().saturating_sub(64)..]).into_owned();
        assert!(tail.ends_with("\x1b[?25h"), "raw output ends with {tail:?}");
    }
}

/// The table rows (`▶1 …`, ` 2 …`) with their response cell, in screen order.
fn row_statuses(screen: &str) -> Vec<(u32, String)> {
    screen
        .lines()
        .filter_map(|line| {
            let cells = line.trim_start_matches('│');
            let (num, rest) = cells.trim_start_matches(['▶', ' ']).split_once(' ')?;
            let id: u32 = num.parse().ok()?;
            let status = ["200 ", "401 ", "403 ", "sending…"].iter().find(|s| rest.contains(**s))?;
            Some((id, status.trim().to_owned()))
        })
        .collect()
}

#[test]
fn lab_replays_the_seed_over_real_http_and_quits_cleanly() {
    let mut t = Tui::start(&["lab"]);
    // The demo API is up once its loopback address is in the header.
    t.wait_until("the lab with its server", |s| {
        s.contains("Live lab · FastAPI") && s.contains("http://127.0.0.1:")
    });
    t.send("r");
    t.wait_until("three answered rows", |s| {
        row_statuses(s) == vec![(1, "200".into()), (2, "401".into()), (3, "401".into())]
    });
    let screen = t.screen();
    assert!(screen.contains("401 Unauthorized") && screen.contains("401 Not authenticated"), "{screen}");
    // The missing-token row stopped at authenticate, before the handler.
    t.send("Gt");
    t.wait_until("the flow of row 3", |s| s.contains("✗ Authenticate") && s.contains("before the handler"));
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
    t.assert_restored();
}

#[test]
fn lab_opens_a_scenario_ready_sends_it_and_compares_versions() {
    let mut t = Tui::start(&["lab", "--scenario", "api-key-data", "--fastapi-version", "0.121.3"]);
    t.wait_until("the scenario ready", |s| {
        s.contains("api-key-data") && s.contains("FastAPI 0.121.3 · http://")
    });
    t.send("s");
    t.wait_until("the scenario's answers", |s| {
        row_statuses(s) == vec![(1, "403".into()), (2, "403".into()), (3, "200".into())]
    });
    // `v` restarts the demo API as the newest FastAPI and replays: both answers side by side.
    t.send("v");
    t.wait_until("the replay on 0.165.0", |s| {
        s.contains("FastAPI 0.165.0 · http://")
            && row_statuses(s)
                == vec![
                    (1, "403".into()),
                    (2, "403".into()),
                    (3, "200".into()),
                    (4, "401".into()),
                    (5, "401".into()),
                    (6, "200".into()),
                ]
    });
    let screen = t.screen();
    assert!(screen.contains("403→401 Not auth"), "{screen}");
    assert!(screen.contains("FastAPI 0.121.3 → 0.165.0: replaying 3 request(s)"), "{screen}");
    // Ctrl-C quits from the lab too, and the servers stop with it.
    t.send("\x03");
    assert_eq!(t.wait_exit(), 0);
    t.assert_restored();
}
