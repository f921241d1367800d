//! The real binary in a pseudo-terminal, its output parsed by `vt100` as a terminal would.
//!
//! Shared by the benchmark and the fault tests (`tests/fault_*.rs` include this file), so both
//! drive the program the same way. A reader thread parses every chunk as it arrives and stamps
//! the time; a *watch* predicate registered before a key is written is evaluated after each chunk,
//! so "time until the screen shows X" is the time of the chunk that completed X, not the time a
//! waiting thread happened to wake up.
//!
//! The reader also answers the two terminal queries a TUI library may send at start-up (cursor
//! position, primary device attributes), as a real terminal does; unanswered, they would stall
//! the program for its query timeout and the benchmark would measure that timeout.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

pub type Predicate = Box<dyn Fn(&vt100::Screen) -> bool + Send>;

struct State {
    parser: vt100::Parser,
    /// Every byte the program wrote, for checks on escape sequences (e.g. the restore on exit).
    raw: Vec<u8>,
    eof: bool,
    watch: Option<(Predicate, Option<Instant>)>,
    /// Time of the last chunk parsed.
    last_output: Instant,
}

pub struct Pty {
    master: Box<dyn MasterPty + Send>,
    writer: Arc<Mutex<Box<dyn Write + Send>>>,
    child: Box<dyn Child + Send + Sync>,
    shared: Arc<(Mutex<State>, Condvar)>,
    /// When the program was spawned.
    pub spawned: Instant,
}

fn size(rows: u16, cols: u16) -> PtySize {
    PtySize { rows, cols, pixel_width: 0, pixel_height: 0 }
}

fn nz(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n.max(1)).unwrap_or(NonZeroU16::MIN)
}

impl Pty {
    /// Spawns `bin args` in a `rows`×`cols` terminal with `TERM=xterm-256color`, the given extra
    /// environment, and the working directory `cwd`.
    pub fn spawn(
        bin: &str,
        args: &[&str],
        envs: &[(&str, &str)],
        cwd: &Path,
        rows: u16,
        cols: u16,
    ) -> std::io::Result<Pty> {
        Pty::spawn_watching(bin, args, envs, cwd, rows, cols, None)
    }

    /// As [`Pty::spawn`], with a watch registered before the program starts (for start-up times).
    #[allow(clippy::too_many_arguments)]
    pub fn spawn_watching(
        bin: &str,
        args: &[&str],
        envs: &[(&str, &str)],
        cwd: &Path,
        rows: u16,
        cols: u16,
        watch: Option<Predicate>,
    ) -> std::io::Result<Pty> {
        let pty = native_pty_system().openpty(size(rows, cols)).map_err(std::io::Error::other)?;
        let mut cmd = CommandBuilder::new(bin);
        cmd.args(args);
        cmd.cwd(cwd);
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("NO_COLOR");
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let reader = pty.master.try_clone_reader().map_err(std::io::Error::other)?;
        let writer = Arc::new(Mutex::new(pty.master.take_writer().map_err(std::io::Error::other)?));
        let shared = Arc::new((
            Mutex::new(State {
                parser: vt100::Parser::new(nz(rows), nz(cols), 0),
                raw: Vec::new(),
                eof: false,
                watch: watch.map(|p| (p, None)),
                last_output: Instant::now(),
            }),
            Condvar::new(),
        ));
        let spawned = Instant::now();
        let child = pty.slave.spawn_command(cmd).map_err(std::io::Error::other)?;
        // The slave end belongs to the child now; holding it would keep the PTY open after exit.
        drop(pty.slave);
        let (s, w) = (Arc::clone(&shared), Arc::clone(&writer));
        std::thread::spawn(move || read_loop(reader, &s, &w));
        Ok(Pty { master: pty.master, writer, child, shared, spawned })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.shared.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.process_id()
    }

    /// Writes bytes as typed keys.
    pub fn send(&self, bytes: &[u8]) -> std::io::Result<()> {
        let mut w = self.writer.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        w.write_all(bytes)?;
        w.flush()
    }

    /// Waits until `pred` holds for the parsed screen; false on timeout or when the program's
    /// output ended without it.
    pub fn wait_for(&self, timeout: Duration, pred: impl Fn(&vt100::Screen) -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        let mut st = self.lock();
        loop {
            if pred(st.parser.screen()) {
                return true;
            }
            let now = Instant::now();
            if st.eof || now >= deadline {
                return false;
            }
            st = self.shared.1.wait_timeout(st, deadline - now).unwrap_or_else(|e| e.into_inner()).0;
        }
    }

    /// Waits until the screen shows `text` anywhere.
    pub fn wait_text(&self, timeout: Duration, text: &str) -> bool {
        self.wait_for(timeout, |s| s.contents().contains(text))
    }

    /// Registers `pred`; the reader stamps the first chunk after which it holds. If it already
    /// holds now, it is stamped now.
    pub fn watch(&self, pred: impl Fn(&vt100::Screen) -> bool + Send + 'static) {
        let mut st = self.lock();
        let hit = pred(st.parser.screen()).then(Instant::now);
        st.watch = Some((Box::new(pred), hit));
    }

    /// The time stamped for the registered watch, waiting up to `timeout` for it.
    pub fn watched(&self, timeout: Duration) -> Option<Instant> {
        let deadline = Instant::now() + timeout;
        let mut st = self.lock();
        loop {
            if let Some((_, Some(at))) = &st.watch {
                let at = *at;
                st.watch = None;
                return Some(at);
            }
            let now = Instant::now();
            if st.eof || now >= deadline {
                st.watch = None;
                return None;
            }
            st = self.shared.1.wait_timeout(st, deadline - now).unwrap_or_else(|e| e.into_inner()).0;
        }
    }

    /// Waits until the program has written nothing for `quiet` (at most `timeout` in all).
    pub fn settle(&self, quiet: Duration, timeout: Duration) {
        self.settle_since(Instant::now() - quiet, quiet, quiet, timeout);
    }

    /// Types `bytes`, then waits for the answer to finish: output after the key followed by
    /// `quiet`, or no output at all for `idle` (the key changed nothing).
    pub fn key(
        &self,
        bytes: &[u8],
        quiet: Duration,
        idle: Duration,
        timeout: Duration,
    ) -> std::io::Result<()> {
        let sent = Instant::now();
        self.send(bytes)?;
        self.settle_since(sent, quiet, idle, timeout);
        Ok(())
    }

    fn settle_since(&self, since: Instant, quiet: Duration, idle: Duration, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        loop {
            let (last, eof) = {
                let st = self.lock();
                (st.last_output, st.eof)
            };
            let now = Instant::now();
            if now >= deadline || eof {
                return;
            }
            let wait = if last > since {
                quiet.saturating_sub(now.saturating_duration_since(last))
            } else {
                idle.saturating_sub(now.saturating_duration_since(since))
            };
            if wait.is_zero() {
                return;
            }
            std::thread::sleep(wait.min(deadline - now).min(Duration::from_millis(20)));
        }
    }

    /// The screen's text, row by row.
    pub fn text(&self) -> String {
        self.lock().parser.screen().contents()
    }

    /// Runs `f` on the parsed screen.
    pub fn with_screen<T>(&self, f: impl FnOnce(&vt100::Screen) -> T) -> T {
        f(self.lock().parser.screen())
    }

    /// Blanks the parsed screen (locally, nothing is sent), so the next wait proves the program
    /// drew again rather than finding text left from an earlier frame. Call it *before* the
    /// action that causes a full redraw (e.g. a resize), or the redraw may be blanked too.
    pub fn forget_screen(&self) {
        self.lock().parser.process(b"\x1b[H\x1b[2J");
    }

    /// Every byte the program wrote so far.
    pub fn raw(&self) -> Vec<u8> {
        self.lock().raw.clone()
    }

    /// Resizes the terminal (the program gets SIGWINCH) and the parser with it.
    pub fn resize(&self, rows: u16, cols: u16) -> std::io::Result<()> {
        self.lock().parser.screen_mut().set_size(nz(rows), nz(cols));
        self.master.resize(size(rows, cols)).map_err(std::io::Error::other)
    }

    /// Sends a signal to the program (`TERM`, `INT`, `KILL`…) with the `kill` command, so no
    /// unsafe code or extra crate is needed.
    pub fn signal(&self, name: &str) -> std::io::Result<()> {
        let pid = self.pid().ok_or_else(|| std::io::Error::other("no pid"))?;
        let status =
            std::process::Command::new("kill").arg(format!("-{name}")).arg(pid.to_string()).status()?;
        if status.success() {
            Ok(())
        } else {
            Err(std::io::Error::other(format!("kill -{name} {pid} failed")))
        }
    }

    /// Waits for the program to exit: `Some((code, signal))`, or None on timeout.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<(u32, Option<String>)> {
        let deadline = Instant::now() + timeout;
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => return Some((status.exit_code(), status.signal().map(str::to_owned))),
                Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(5)),
                _ => return None,
            }
        }
    }

    /// Waits until the reader has seen the end of the output (the program and its children
    /// closed the terminal), so `raw` holds everything.
    pub fn wait_eof(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut st = self.lock();
        while !st.eof {
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            st = self.shared.1.wait_timeout(st, deadline - now).unwrap_or_else(|e| e.into_inner()).0;
        }
        true
    }

    pub fn kill(&mut self) {
        // Already gone is fine: this is cleanup.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            self.kill();
        }
    }
}

fn read_loop(
    mut reader: Box<dyn Read + Send>,
    shared: &(Mutex<State>, Condvar),
    writer: &Mutex<Box<dyn Write + Send>>,
) {
    let mut buf = vec![0u8; 64 * 1024];
    // The end of the previous chunk, so a query split across two reads is still seen.
    let mut tail: Vec<u8> = Vec::new();
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let now = Instant::now();
        let chunk = &buf[..n];
        let mut answers: Vec<u8> = Vec::new();
        {
            let mut st = shared.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            st.parser.process(chunk);
            st.raw.extend_from_slice(chunk);
            st.last_output = now;
            let mut scan = std::mem::take(&mut tail);
            scan.extend_from_slice(chunk);
            if contains(&scan, b"\x1b[6n") {
                let (row, col) = st.parser.screen().cursor_position();
                answers.extend_from_slice(format!("\x1b[{};{}R", row + 1, col + 1).as_bytes());
            }
            if contains(&scan, b"\x1b[c") || contains(&scan, b"\x1b[0c") {
                answers.extend_from_slice(b"\x1b[?62;22c");
            }
            // Shorter than any query, so a query at the end of a chunk is not answered twice.
            tail = scan[scan.len().saturating_sub(3)..].to_vec();
            let State { parser, watch, .. } = &mut *st;
            if let Some((pred, hit @ None)) = watch
                && pred(parser.screen())
            {
                *hit = Some(now);
            }
        }
        shared.1.notify_all();
        if !answers.is_empty() {
            let mut w = writer.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let _ = w.write_all(&answers).and_then(|()| w.flush());
        }
    }
    shared.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).eof = true;
    shared.1.notify_all();
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}
