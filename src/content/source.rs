//! Where content comes from: the copy compiled into the binary, or a directory on disk.
//!
//! Both are read through the same two calls (list the files, read one), so `check` treats the
//! embedded content exactly like an instructor's directory.

use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

static EMBEDDED_LESSONS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/lessons");
static EMBEDDED_QUIZZES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/quizzes");

/// Files larger than this are refused before parsing: content is prose, not data dumps.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Embedded,
    Dir(PathBuf),
}

/// A file found in a source, named relative to the source root (`lessons/x/lesson.yaml`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Entry {
    pub rel: PathBuf,
}

/// Why a file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    Missing,
    TooLarge(u64),
    Io(String),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Missing => write!(f, "file not found"),
            ReadError::TooLarge(n) => {
                write!(f, "file is {n} bytes; content files may be at most {MAX_FILE_BYTES} bytes")
            }
            ReadError::Io(e) => write!(f, "cannot read file: {e}"),
        }
    }
}

impl Source {
    /// A name for messages: the directory, or `<embedded>`.
    #[must_use]
    pub fn label(&self) -> String {
        match self {
            Source::Embedded => "<embedded>".to_owned(),
            Source::Dir(dir) => dir.display().to_string(),
        }
    }

    /// Every file under `lessons/` and `quizzes/`, sorted, as paths relative to the root.
    pub fn list(&self) -> Result<Vec<Entry>, String> {
        let mut out = Vec::new();
        match self {
            Source::Embedded => {
                collect_embedded(&EMBEDDED_LESSONS, Path::new("lessons"), &mut out);
                collect_embedded(&EMBEDDED_QUIZZES, Path::new("quizzes"), &mut out);
            }
            Source::Dir(root) => {
                let meta = std::fs::metadata(root)
                    .map_err(|e| format!("cannot open content directory {}: {e}", root.display()))?;
                if !meta.is_dir() {
                    return Err(format!("{} is not a directory", root.display()));
                }
                for top in ["lessons", "quizzes"] {
                    let dir = root.join(top);
                    if dir.is_dir() {
                        collect_dir(root, &dir, &mut out, 0)?;
                    }
                }
            }
        }
        out.sort();
        Ok(out)
    }

    /// Reads one file (relative to the root), refusing anything over [`MAX_FILE_BYTES`].
    pub fn read(&self, rel: &Path) -> Result<Vec<u8>, ReadError> {
        match self {
            Source::Embedded => {
                let (dir, inner) = if let Ok(inner) = rel.strip_prefix("lessons") {
                    (&EMBEDDED_LESSONS, inner)
                } else if let Ok(inner) = rel.strip_prefix("quizzes") {
                    (&EMBEDDED_QUIZZES, inner)
                } else {
                    return Err(ReadError::Missing);
                };
                dir.get_file(inner).map(|f| f.contents().to_vec()).ok_or(ReadError::Missing)
            }
            Source::Dir(root) => {
                let path = root.join(rel);
                let meta = std::fs::metadata(&path).map_err(|e| match e.kind() {
                    std::io::ErrorKind::NotFound => ReadError::Missing,
                    _ => ReadError::Io(e.to_string()),
                })?;
                if meta.len() > MAX_FILE_BYTES {
                    return Err(ReadError::TooLarge(meta.len()));
                }
                std::fs::read(&path).map_err(|e| ReadError::Io(e.to_string()))
            }
        }
    }
}

fn collect_embedded(dir: &Dir<'static>, prefix: &Path, out: &mut Vec<Entry>) {
    for file in dir.files() {
        out.push(Entry { rel: prefix.join(file.path()) });
    }
    for sub in dir.dirs() {
        collect_embedded(sub, prefix, out);
    }
}

/// Walks a directory; depth-limited so a symlink loop cannot hang the loader.
fn collect_dir(root: &Path, dir: &Path, out: &mut Vec<Entry>, depth: usize) -> Result<(), String> {
    if depth > 16 {
        return Err(format!("{}: directories nested too deeply", dir.display()));
    }
    let entries = std::fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
        let path = entry.path();
        if path.is_dir() {
            collect_dir(root, &path, out, depth + 1)?;
        } else if let Ok(rel) = path.strip_prefix(root) {
            out.push(Entry { rel: rel.to_path_buf() });
        }
    }
    Ok(())
}
