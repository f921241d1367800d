//! Where content comes from: the copy compiled into the binary, or a directory on disk.
//!
//! Both are read through the same two calls (list the files, read one), so `check` treats the
//! embedded content exactly like an instructor's directory.

use std::io::Read;
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

/// At most this many files per source: a mistaken `--content /` must not walk the disk.
pub const MAX_FILES: usize = 20_000;

/// What a source holds: files relative to its root (`lessons/x/lesson.yaml`), sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listing {
    pub files: Vec<PathBuf>,
    /// Directories (or the root) that could not be read, relative to the root, with why.
    pub errors: Vec<(PathBuf, String)>,
    pub has_lessons_dir: bool,
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

    /// Every file under `lessons/` and `quizzes/`, sorted, as paths relative to the root, and
    /// every directory that could not be listed (the rest is still checked).
    #[must_use]
    pub fn list(&self) -> Listing {
        let mut listing = Listing::default();
        match self {
            Source::Embedded => {
                collect_embedded(&EMBEDDED_LESSONS, Path::new("lessons"), &mut listing.files);
                collect_embedded(&EMBEDDED_QUIZZES, Path::new("quizzes"), &mut listing.files);
                listing.has_lessons_dir = true;
            }
            Source::Dir(root) => {
                match std::fs::metadata(root) {
                    Err(e) => {
                        listing.errors.push((
                            PathBuf::from("."),
                            format!("cannot open content directory {}: {e}", root.display()),
                        ));
                        return listing;
                    }
                    Ok(meta) if !meta.is_dir() => {
                        listing
                            .errors
                            .push((PathBuf::from("."), format!("{} is not a directory", root.display())));
                        return listing;
                    }
                    Ok(_) => {}
                }
                for top in ["lessons", "quizzes"] {
                    let dir = root.join(top);
                    // `is_dir` would hide "permission denied" as "not there": tell them apart.
                    match std::fs::metadata(&dir) {
                        Ok(meta) if meta.is_dir() => {
                            listing.has_lessons_dir |= top == "lessons";
                            collect_dir(root, &dir, &mut listing, 0);
                        }
                        Ok(_) => {}
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                        Err(e) => {
                            listing.errors.push((PathBuf::from(top), format!("cannot open directory: {e}")))
                        }
                    }
                }
            }
        }
        listing.files.sort();
        listing
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
                // A file symlink is followed only if it lands inside the content folder: a lesson
                // (or its `transcript.md`) pointing at /etc/passwd must not be read or printed.
                if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
                    let inside = match (std::fs::canonicalize(root), std::fs::canonicalize(&path)) {
                        (Ok(root), Ok(real)) => real.starts_with(&root),
                        _ => false,
                    };
                    if !inside {
                        return Err(ReadError::Io(
                            "a symbolic link that leads outside the content folder (or nowhere); content must stay in its folder".to_owned(),
                        ));
                    }
                }
                let meta = std::fs::metadata(&path).map_err(|e| match e.kind() {
                    std::io::ErrorKind::NotFound => ReadError::Missing,
                    _ => ReadError::Io(e.to_string()),
                })?;
                // A FIFO would block `open`, a device could stream forever: regular files only.
                if !meta.is_file() {
                    return Err(ReadError::Io("not a regular file".to_owned()));
                }
                if meta.len() > MAX_FILE_BYTES {
                    return Err(ReadError::TooLarge(meta.len()));
                }
                let file = std::fs::File::open(&path).map_err(|e| ReadError::Io(e.to_string()))?;
                let mut bytes = Vec::new();
                // The size can change between `metadata` and the read: cap the read itself too.
                file.take(MAX_FILE_BYTES + 1)
                    .read_to_end(&mut bytes)
                    .map_err(|e| ReadError::Io(e.to_string()))?;
                if bytes.len() as u64 > MAX_FILE_BYTES {
                    return Err(ReadError::TooLarge(bytes.len() as u64));
                }
                Ok(bytes)
            }
        }
    }
}

fn collect_embedded(dir: &Dir<'static>, prefix: &Path, out: &mut Vec<PathBuf>) {
    for file in dir.files() {
        out.push(prefix.join(file.path()));
    }
    for sub in dir.dirs() {
        collect_embedded(sub, prefix, out);
    }
}

/// Walks a directory. Symbolic links to directories are not followed (a link to `/` or a loop
/// would walk the disk), nesting and file count are capped; unreadable parts are reported.
fn collect_dir(root: &Path, dir: &Path, listing: &mut Listing, depth: usize) {
    let rel = |p: &Path| p.strip_prefix(root).map_or_else(|_| p.to_path_buf(), Path::to_path_buf);
    if depth > 16 {
        listing.errors.push((rel(dir), "directories nested too deeply (more than 16 levels)".to_owned()));
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            listing.errors.push((rel(dir), format!("cannot list directory: {e}")));
            return;
        }
    };
    let mut paths = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) => paths.push((entry.path(), entry.file_type())),
            Err(e) => listing.errors.push((rel(dir), format!("cannot list directory: {e}"))),
        }
    }
    paths.sort_by(|a, b| a.0.cmp(&b.0));
    for (path, file_type) in paths {
        if listing.files.len() >= MAX_FILES {
            listing.errors.push((rel(dir), format!("more than {MAX_FILES} files; stopped listing")));
            return;
        }
        let Ok(file_type) = file_type else {
            listing.errors.push((rel(&path), "cannot read file type".to_owned()));
            continue;
        };
        if file_type.is_dir() {
            collect_dir(root, &path, listing, depth + 1);
        } else if file_type.is_symlink() && path.is_dir() {
            listing.errors.push((rel(&path), "symbolic link to a directory: not followed".to_owned()));
        } else {
            listing.files.push(rel(&path));
        }
    }
}
