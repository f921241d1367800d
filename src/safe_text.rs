//! Text that reaches a terminal: the one place where content and user input lose the power to
//! control it.
//!
//! Lessons, quizzes, file names and typed answers are data, but a terminal executes some bytes:
//! ESC starts sequences that set the window title (OSC 0), write the clipboard (OSC 52), clear
//! the screen or recolour it; C1 controls (U+0080–U+009F) do the same on terminals that honour
//! them; bidi overrides reorder what the reader sees. Every text command writes through
//! [`SafeWriter`] (or [`sanitize`] for a string), which shows such characters visibly instead of
//! sending them. Newline and tab stay what they are. Low in the module graph: imports nothing of
//! the crate.

use std::borrow::Cow;
use std::io::{self, Write};

/// A character a terminal may act on rather than print.
#[must_use]
pub fn is_unsafe(c: char) -> bool {
    matches!(c, '\0'..='\x08' | '\x0b'..='\x1f' | '\x7f' | '\u{80}'..='\u{9f}')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Whether a text holds any character [`sanitize`] would change (a CR is allowed before LF).
#[must_use]
pub fn first_unsafe(text: &str) -> Option<(usize, char)> {
    // Most text is printable ASCII with newlines and tabs: one pass over the bytes settles it
    // (`check` runs this on every string of every lesson).
    if text.bytes().all(|b| matches!(b, b' '..=b'~' | b'\n' | b'\t')) {
        return None;
    }
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\r' {
            if chars.peek().is_some_and(|(_, n)| *n == '\n') {
                continue;
            }
            return Some((i, c));
        }
        if is_unsafe(c) {
            return Some((i, c));
        }
    }
    None
}

/// How a control character is shown: ESC as `␛`, other C0 controls as their Unicode control
/// pictures (`␇`, `␍`), DEL as `␡`, C1 and bidi controls as `<U+009B>`.
fn visible(c: char, out: &mut String) {
    match c {
        '\x1b' => out.push('␛'),
        '\x7f' => out.push('␡'),
        '\0'..='\x1f' => out.push(char::from_u32(0x2400 + c as u32).unwrap_or('�')),
        _ => out.push_str(&format!("<U+{:04X}>", c as u32)),
    }
}

/// The text with every control character made visible; borrowed when there is none.
#[must_use]
pub fn sanitize(text: &str) -> Cow<'_, str> {
    if first_unsafe(text).is_none() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') {
            out.push(c);
        } else if c == '\r' || is_unsafe(c) {
            visible(c, &mut out);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// JSON text (already escaped by serde_json, which leaves C1 and bidi characters raw) with those
/// characters written as `\uXXXX` escapes: the same JSON value, safe to print.
#[must_use]
pub fn json(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_unsafe(c) && c != '\n' {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A writer that sanitizes what passes through it. Bytes are decoded as UTF-8 across `write`
/// calls (a character split between two calls is kept until it is whole); invalid bytes become
/// U+FFFD.
pub struct SafeWriter<W: Write> {
    inner: W,
    pending: Vec<u8>,
}

impl<W: Write> SafeWriter<W> {
    pub fn new(inner: W) -> Self {
        Self { inner, pending: Vec::new() }
    }

    fn emit(&mut self, text: &str) -> io::Result<()> {
        self.inner.write_all(sanitize(text).as_bytes())
    }
}

impl<W: Write> Write for SafeWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        let mut start = 0;
        loop {
            match std::str::from_utf8(&self.pending[start..]) {
                Ok(text) => {
                    let text = text.to_owned();
                    self.emit(&text)?;
                    self.pending.clear();
                    break;
                }
                Err(e) => {
                    let good = start + e.valid_up_to();
                    let text = String::from_utf8_lossy(&self.pending[start..good]).into_owned();
                    self.emit(&text)?;
                    match e.error_len() {
                        // A broken sequence: one replacement character, then go on.
                        Some(bad) => {
                            self.emit("\u{fffd}")?;
                            start = good + bad;
                        }
                        // An incomplete character at the end: keep it for the next write.
                        None => {
                            self.pending.drain(..good);
                            break;
                        }
                    }
                }
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.pending.is_empty() {
            let rest = String::from_utf8_lossy(&std::mem::take(&mut self.pending)).into_owned();
            self.emit(&rest)?;
        }
        self.inner.flush()
    }
}

impl<W: Write> Drop for SafeWriter<W> {
    fn drop(&mut self) {
        // Best effort: a truncated character at exit is shown as U+FFFD rather than lost.
        let _ = self.flush();
    }
}

/// Standard output, sanitized.
#[must_use]
pub fn stdout() -> SafeWriter<io::StdoutLock<'static>> {
    SafeWriter::new(io::stdout().lock())
}

/// Standard error, sanitized.
#[must_use]
pub fn stderr() -> SafeWriter<io::StderrLock<'static>> {
    SafeWriter::new(io::stderr().lock())
}

/// `eprintln!` through the sanitizer: for notices that quote content or user input.
#[macro_export]
macro_rules! safe_eprintln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!($crate::safe_text::stderr(), $($arg)*);
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_become_visible_and_newlines_stay() {
        let hostile =
            "title\x1b]0;pwned\x07 clip\x1b]52;c;aGk=\x07 \x1b[2J\x1b[31mred\u{9b}31m\tok\r\nend\u{202e}";
        let shown = sanitize(hostile);
        assert!(!shown.contains('\x1b') && !shown.contains('\x07') && !shown.contains('\u{9b}'));
        assert!(!shown.contains('\u{202e}'));
        assert!(shown.contains("␛]0;pwned␇") && shown.contains("<U+009B>") && shown.contains("<U+202E>"));
        assert!(shown.contains("\tok\r\nend"), "{shown}");
        assert!(matches!(sanitize("plain text\n"), Cow::Borrowed(_)));
    }

    #[test]
    fn a_lone_carriage_return_is_shown() {
        // A bare CR would move the cursor back and let later text overwrite earlier text.
        assert_eq!(sanitize("safe\rEVIL"), "safe␍EVIL");
        assert_eq!(first_unsafe("a\r\nb"), None);
    }

    #[test]
    fn json_keeps_its_value_and_loses_raw_controls() {
        let text = serde_json::to_string("a\u{9b}b\u{1b}").unwrap();
        let safe = json(&text);
        assert!(!safe.contains('\u{9b}') && !safe.contains('\x1b'));
        let back: String = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, "a\u{9b}b\u{1b}");
    }

    #[test]
    fn the_writer_sanitizes_across_split_characters_and_bad_bytes() {
        let mut out = Vec::new();
        {
            let mut w = SafeWriter::new(&mut out);
            let bytes = "é\x1b[2J\u{9b}".as_bytes();
            // Split inside `é` and inside U+009B.
            w.write_all(&bytes[..1]).unwrap();
            w.write_all(&bytes[1..bytes.len() - 1]).unwrap();
            w.write_all(&bytes[bytes.len() - 1..]).unwrap();
            w.write_all(b"\xff!").unwrap();
            w.flush().unwrap();
        }
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text, "é␛[2J<U+009B>\u{fffd}!");
    }
}
