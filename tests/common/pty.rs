//! The real binary in a pseudo-terminal: send keys, read the screen as vt100 parses it, check
//! the terminal is restored. Shared by the PTY tests of the reader, the lab and the quiz.
//!
//! Frames arrive as cell diffs, so waits poll the *parsed* screen until a bounded deadline.

// Each test binary compiles this module and uses a different subset of it.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::Path;
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

/// Generous: CI machines are small and busy; a passing test never waits this long.
pub const DEADLINE: Duration = Duration::from_secs(20);
pub const ROWS: u16 = 24;
pub const COLS: u16 = 80;

fn nz(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).unwrap()
}

pub struct Pty {
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    output: Receiver<Vec<u8>>,
    parser: vt100::Parser,
    raw: Vec<u8>,
    _data: Option<tempfile::TempDir>,
}

impl Pty {
    /// Starts `apisec-tutor ARGS` at 80×24 with a fresh data directory of its own.
    pub fn start(args: &[&str]) -> Pty {
        let data = tempfile::tempdir().unwrap();
        let dir = data.path().to_path_buf();
        Pty::start_with(args, &dir, Some(data), &[])
    }

    /// Starts with `APISEC_TUTOR_DATA_DIR=dir` (kept alive by `owner` when it is a tempdir).
    pub fn start_in(args: &[&str], dir: &Path, owner: Option<tempfile::TempDir>) -> Pty {
        Pty::start_with(args, dir, owner, &[])
    }

    pub fn start_with(
        args: &[&str],
        dir: &Path,
        owner: Option<tempfile::TempDir>,
        env: &[(&str, &str)],
    ) -> Pty {
        let pair = native_pty_system()
            .openpty(PtySize { rows: ROWS, cols: COLS, pixel_width: 0, pixel_height: 0 })
            .unwrap();
        let mut cmd = CommandBuilder::new(super::BIN);
        cmd.args(args);
        cmd.env("APISEC_TUTOR_DATA_DIR", dir);
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("NO_COLOR");
        for (k, v) in env {
            cmd.env(k, v);
        }
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
            master: pair.master,
            writer,
            child,
            output,
            parser: vt100::Parser::new(nz(ROWS), nz(COLS), 0),
            raw: Vec::new(),
            _data: owner,
        }
    }

    /// Feeds what arrived until `until`; false when nothing more came.
    pub fn pump(&mut self, until: Instant) -> bool {
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

    pub fn screen(&self) -> String {
        self.parser.screen().contents()
    }

    /// Everything the program wrote, escapes included.
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// Polls the parsed screen until `ok` holds, or fails with the screen at the deadline.
    pub fn wait_until(&mut self, what: &str, ok: impl Fn(&str) -> bool) {
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

    /// Waits until the parsed screen contains `text`.
    pub fn wait_for(&mut self, text: &str) {
        self.wait_for_without(text, &[]);
    }

    /// Waits until the screen shows `text` and none of `gone`. Text of the previous screen can
    /// linger until the new frame is complete; requiring it gone proves the new screen is up.
    pub fn wait_for_without(&mut self, text: &str, gone: &[&str]) {
        self.wait_until(&format!("{text:?} without {gone:?}"), |screen| {
            screen.contains(text) && !gone.iter().any(|g| screen.contains(g))
        });
    }

    pub fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    pub fn resize(&mut self, rows: u16, cols: u16) {
        self.master.resize(PtySize { rows, cols, pixel_width: 0, pixel_height: 0 }).unwrap();
        self.parser.set_size(nz(rows), nz(cols));
    }

    /// Closes the terminal, as when its window is closed: the master side goes away (the child
    /// gets SIGHUP and EIO on the tty). Returns the child to wait for.
    pub fn hang_up(self) -> Box<dyn Child + Send + Sync> {
        let Pty { master, writer, child, .. } = self;
        drop(writer);
        drop(master);
        child
    }

    /// The raw bytes the program wrote since `from` (an index into [`Pty::raw`]).
    pub fn raw_since(&self, from: usize) -> &[u8] {
        &self.raw[from.min(self.raw.len())..]
    }

    /// The child's process id (for signals).
    pub fn pid(&self) -> u32 {
        self.child.process_id().unwrap()
    }

    /// Waits for the process to end, reading everything it wrote; returns its exit code.
    pub fn wait_exit(&mut self) -> u32 {
        let until = Instant::now() + DEADLINE;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Drain what is still buffered.
                while self.pump(Instant::now() + Duration::from_millis(200)) {}
                return status.exit_code();
            }
            if !self.pump(until) && Instant::now() >= until {
                panic!("the program did not exit; screen:\n{}", self.screen());
            }
        }
    }

    /// Normal screen, cursor shown, mouse capture off, and the restore sequences written last.
    pub fn assert_restored(&self) {
        let screen = self.parser.screen();
        assert!(!screen.alternate_screen(), "still on the alternate screen");
        assert!(!screen.hide_cursor(), "cursor still hidden");
        assert_eq!(screen.mouse_protocol_mode(), vt100::MouseProtocolMode::None, "mouse capture still on");
        let tail = String::from_utf8_lossy(&self.raw[self.raw.len().saturating_sub(64)..]).into_owned();
        assert!(
            tail.contains("\x1b[?1000l\x1b[?1049l\x1b[?25h") && tail.ends_with("\x1b[?25h"),
            "raw output ends with {tail:?}"
        );
    }
}
