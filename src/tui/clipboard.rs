//! Copying a request out of the lab: to the clipboard when a clipboard tool answers quickly
//! (`wl-copy`, `xclip`, `pbcopy`), else to a file in the data directory (or the temp directory),
//! and a notice saying which. Blocking: the runner calls it on a blocking thread.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::msg::lab::CopyFormat;
use super::strings::lab as text;

/// How long a clipboard tool may take before we give up on it.
const TOOL_TIMEOUT: Duration = Duration::from_millis(1500);

/// The tools tried in order, with their arguments.
const TOOLS: [(&str, &[&str]); 3] =
    [("wl-copy", &[]), ("xclip", &["-selection", "clipboard"]), ("pbcopy", &[])];

/// Copies `text` and says where it went. `true` when no clipboard tool took it: the caller then
/// also offers it to the terminal's own clipboard (OSC 52), which may or may not accept it, so
/// the file is written either way.
#[must_use]
pub fn copy(text: &str, format: CopyFormat) -> (String, bool) {
    for (tool, args) in TOOLS {
        if run_tool(tool, args, text) {
            return (text::copied_to_clipboard(format.label(), tool), false);
        }
    }
    let dir =
        crate::progress::Store::default_dir().unwrap_or_else(|_| std::env::temp_dir().join("apisec-tutor"));
    match write_file(&dir, text, format) {
        Ok(path) => (text::copied_to_file(format.label(), &path), true),
        Err(e) => (text::copy_failed(&e.to_string()), true),
    }
}

/// The OSC 52 sequence that asks the terminal to put `text` on the system clipboard.
#[must_use]
pub fn osc52(text: &str) -> String {
    use base64::Engine;
    format!("\x1b]52;c;{}\x07", base64::engine::general_purpose::STANDARD.encode(text))
}

/// Whether a display server is around for the tool to talk to (else xclip would fail slowly).
fn usable(tool: &str) -> bool {
    match tool {
        "wl-copy" => std::env::var_os("WAYLAND_DISPLAY").is_some(),
        "xclip" => std::env::var_os("DISPLAY").is_some(),
        "pbcopy" => cfg!(target_os = "macos"),
        _ => false,
    }
}

fn run_tool(tool: &str, args: &[&str], text: &str) -> bool {
    if !usable(tool) {
        return false;
    }
    let Ok(mut child) = Command::new(tool)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    else {
        return false;
    };
    let wrote = child.stdin.take().is_some_and(|mut stdin| stdin.write_all(text.as_bytes()).is_ok());
    let deadline = Instant::now() + TOOL_TIMEOUT;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return wrote && status.success(),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            _ => {
                // A tool that hangs (no display after all) is stopped, not waited for.
                let _ = child.kill();
                let _ = child.wait();
                return false;
            }
        }
    }
}

/// Writes `copied-request.<ext>` in `dir` and returns its path.
pub fn write_file(dir: &Path, text: &str, format: CopyFormat) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(format!("copied-request.{}", format.extension()));
    std::fs::write(&path, text)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_fallback_writes_where_it_says() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_file(dir.path(), "curl -i x", CopyFormat::Curl).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "curl -i x");
        assert!(path.ends_with("copied-request.sh"));
        let notice = text::copied_to_file("curl", &path);
        assert!(notice.contains(&path.display().to_string()));
        assert_eq!(osc52("hi"), "\x1b]52;c;aGk=\x07");
    }
}
