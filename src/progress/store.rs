//! The progress file on disk: `progress.json` in the data directory, replaced atomically and
//! merged under a lock so two running instances cannot lose each other's work.
//!
//! Two files: `progress.json`, a snapshot, and `progress.journal`, one JSON line per save with
//! only what is new since the last line (the records by their ids, the small state when it
//! changed). A save takes the lock, appends one line and fsyncs it: its cost does not grow with
//! the history (rewriting a 45 MB snapshot per answer took 20 s at 300k answers). When a store
//! is opened with [`COMPACT_EVERY`] lines or more (opening reads everything anyway), the journal
//! is folded into the snapshot: read both, merge, write the
//! snapshot to a temporary file, `sync_all`, rename over `progress.json`, fsync the directory,
//! then empty the journal. Replaying a line twice changes nothing (records have ids, the state
//! merges by time), so a kill at any point leaves a whole, correct progress: the old snapshot
//! with the journal, or the new snapshot with (part of) the journal; a line torn by a kill is
//! one that was never acknowledged, and is skipped.
//!
//! The lock is `progress.lock`, a separate file: the snapshot is replaced by a rename, and a lock
//! on the old inode would protect nothing.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use fs4::fs_std::FileExt;

use super::ProgressError;
use super::day::{compact_utc, unix_now};
use super::model::{JournalLine, PROGRESS_VERSION, Progress};

/// The data file's name in the data directory.
pub const FILE_NAME: &str = "progress.json";
/// The journal beside it.
pub const JOURNAL_NAME: &str = "progress.journal";
/// Journal lines folded into the snapshot at once.
pub const COMPACT_EVERY: usize = 200;
const LOCK_NAME: &str = "progress.lock";
/// Temporary files are named `.progress-XXXXXX.tmp`; leftovers of a killed save are removed by
/// the next save (under the lock, so never a file another instance is still writing).
const TMP_PREFIX: &str = ".progress-";
const TMP_SUFFIX: &str = ".tmp";
/// Progress files larger than this are treated as corrupt rather than read into memory.
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// The progress file of one data directory.
#[derive(Debug)]
pub struct Store {
    dir: PathBuf,
    /// Record ids already on disk (snapshot or journal), as far as this instance knows.
    persisted: std::collections::HashSet<String>,
    /// The small state of the last line this instance wrote (to write it again only on change).
    last_state: Option<Progress>,
    /// Lines in the journal, as far as this instance knows.
    journal_lines: usize,
    /// The caller's history lengths when `persisted` was last brought up to date.
    saved_counts: (usize, usize),
    /// Set when the file on disk could not be read nor moved aside: saving would overwrite it.
    blocked: Option<String>,
    notices: Vec<String>,
}

/// Why a file on disk was not loaded.
enum Unreadable {
    Corrupt(String),
    Version(u64),
}

impl Store {
    /// `APISEC_TUTOR_DATA_DIR` if set (and not empty), else the platform data directory.
    pub fn default_dir() -> Result<PathBuf, ProgressError> {
        if let Some(dir) = std::env::var_os("APISEC_TUTOR_DATA_DIR").filter(|d| !d.is_empty()) {
            return Ok(PathBuf::from(dir));
        }
        directories::ProjectDirs::from("", "", "apisec-tutor")
            .map(|p| p.data_dir().to_path_buf())
            .ok_or(ProgressError::NoDataDir)
    }

    /// Opens the progress in `dir`. Never fails: a corrupt or unknown-version file is moved aside
    /// (`progress.json.corrupt-<UTC time>`) and reported; an unusable directory is reported and
    /// gives a store whose `save` returns an error. The notices are for the learner, one line each.
    pub fn open(dir: &Path) -> (Store, Progress, Vec<String>) {
        // Programs open their progress early, usually before starting threads: the one moment the
        // local UTC offset can be read (see `day::local_offset_secs`), so fix it now.
        let _ = super::day::local_offset_secs();
        let mut store = Store {
            dir: dir.to_path_buf(),
            persisted: std::collections::HashSet::new(),
            last_state: None,
            journal_lines: 0,
            saved_counts: (0, 0),
            blocked: None,
            notices: Vec::new(),
        };
        let mut notices = Vec::new();
        let progress = match store.read_current() {
            Ok(p) => p.unwrap_or_default(),
            Err(ReadFailure::Io(e)) => {
                let msg = format!(
                    "cannot read {}: {e}; progress will not be saved this time",
                    store.path().display()
                );
                store.blocked = Some(msg.clone());
                notices.push(msg);
                Progress::new()
            }
            Err(ReadFailure::Unreadable(why)) => {
                match store.move_aside(&why) {
                    Ok(notice) => notices.push(notice),
                    Err(msg) => {
                        store.blocked = Some(msg.clone());
                        notices.push(msg);
                    }
                }
                Progress::new()
            }
        };
        // A read-only progress file is the learner's decision: respect it, do not replace it.
        if store.blocked.is_none()
            && std::fs::metadata(store.path()).is_ok_and(|m| m.is_file() && m.permissions().readonly())
        {
            let msg = format!(
                "{} is read-only, so it is left as it is and progress will not be saved (make it writable to save again)",
                store.path().display()
            );
            store.blocked = Some(msg.clone());
            notices.push(msg);
        }
        store.persisted = progress.record_ids().map(str::to_owned).collect();
        store.saved_counts = progress.record_counts();
        store.last_state = Some(progress.state_only());
        store.journal_lines = read_journal(dir).map_or(0, |lines| lines.len());
        // Fold a long journal into the snapshot now, while opening pays for reading it anyway;
        // saves themselves never compact, so no single answer waits for it.
        if store.blocked.is_none() && store.journal_lines >= COMPACT_EVERY {
            let mut folded = progress.clone();
            if let Err(e) = store.sync(&mut folded) {
                notices.push(format!("the progress journal could not be folded into {FILE_NAME}: {e}"));
            }
        }
        if store.blocked.is_none()
            && let Err(e) = check_writable(dir)
        {
            notices.push(format!(
                "progress cannot be saved in {}: {e}; the tutorial still runs (set APISEC_TUTOR_DATA_DIR to use another directory)",
                dir.display()
            ));
        }
        (store, progress, notices)
    }

    /// The data directory.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The path of `progress.json`.
    #[must_use]
    pub fn path(&self) -> PathBuf {
        self.dir.join(FILE_NAME)
    }

    /// Notices raised while saving (a file found corrupt and moved aside); empties the list.
    pub fn take_notices(&mut self) -> Vec<String> {
        std::mem::take(&mut self.notices)
    }

    /// Saves what is new in `progress` (one journal line; a compaction now and then). Records
    /// other instances saved meanwhile stay on disk and are read at the next open.
    pub fn save(&mut self, progress: &Progress) -> Result<(), ProgressError> {
        self.locked(|store| store.append(progress))
    }

    /// Folds everything on disk and `progress` into one snapshot, and brings the other
    /// instances' records into `progress` too (for `progress reset`, which must see them all).
    pub fn sync(&mut self, progress: &mut Progress) -> Result<(), ProgressError> {
        *progress = self.locked(|store| store.compact(Some(progress)))?;
        Ok(())
    }

    fn err(&self, source: io::Error) -> ProgressError {
        ProgressError::Save { path: self.dir.join(FILE_NAME), source }
    }

    /// Runs `f` holding the lock (released when `lock` drops, on every path).
    fn locked<T>(
        &mut self,
        f: impl FnOnce(&mut Store) -> Result<T, ProgressError>,
    ) -> Result<T, ProgressError> {
        if let Some(why) = &self.blocked {
            return Err(ProgressError::Blocked(why.clone()));
        }
        fs::create_dir_all(&self.dir).map_err(|e| self.err(e))?;
        let lock = open_lock(&self.dir).map_err(|e| self.err(e))?;
        FileExt::lock_exclusive(&lock).map_err(|e| self.err(e))?;
        remove_stale_temps(&self.dir);
        let result = f(self);
        drop(lock);
        result
    }

    /// One journal line with the records this instance has not written yet; compacts when the
    /// journal has grown long.
    fn append(&mut self, progress: &Progress) -> Result<(), ProgressError> {
        // The first save writes a snapshot, so `progress.json` exists from the start.
        if !self.path().exists() {
            return self.compact(Some(progress)).map(drop);
        }
        let (attempts, lab_requests) = progress.new_records(&self.persisted, self.saved_counts);
        let state = progress.state_only();
        let state_changed = self.last_state.as_ref() != Some(&state);
        if attempts.is_empty() && lab_requests.is_empty() && !state_changed {
            return Ok(());
        }
        let ids: Vec<String> =
            attempts.iter().map(|a| a.id.clone()).chain(lab_requests.iter().map(|r| r.id.clone())).collect();
        let line = JournalLine { attempts, lab_requests, state: state_changed.then(|| state.clone()) };
        append_line(&self.dir, &line).map_err(|e| self.err(e))?;
        self.persisted.extend(ids);
        self.last_state = Some(state);
        self.journal_lines += 1;
        self.saved_counts = progress.record_counts();
        Ok(())
    }

    /// Snapshot + journal (+ `extra`) merged into a new snapshot; the journal emptied after.
    fn compact(&mut self, extra: Option<&Progress>) -> Result<Progress, ProgressError> {
        let on_disk = match self.read_current() {
            Ok(p) => p,
            Err(ReadFailure::Io(source)) => return Err(self.err(source)),
            Err(ReadFailure::Unreadable(why)) => {
                let notice = self.move_aside(&why).map_err(ProgressError::Blocked)?;
                self.notices.push(notice);
                None
            }
        };
        let merged = match (on_disk, extra) {
            (Some(disk), Some(mine)) => disk.merge(mine),
            (Some(disk), None) => disk,
            (None, Some(mine)) => mine.clone(),
            (None, None) => Progress::new(),
        };
        write_atomic(&self.dir, &merged).map_err(|e| self.err(e))?;
        // Only now: a kill before this line leaves the journal, which replays idempotently.
        match fs::remove_file(self.dir.join(JOURNAL_NAME)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(self.err(e)),
            _ => {}
        }
        self.persisted = merged.record_ids().map(str::to_owned).collect();
        // The caller's copy may differ from the merged one: scan it whole next time.
        self.saved_counts = (0, 0);
        self.last_state = Some(merged.state_only());
        self.journal_lines = 0;
        Ok(merged)
    }

    /// The file's progress: `Ok(None)` when there is no file yet.
    fn read_current(&self) -> Result<Option<Progress>, ReadFailure> {
        let path = self.path();
        let bytes = match open_regular(&path) {
            Ok(file) => {
                let len = file.metadata().map_err(ReadFailure::Io)?.len();
                if len > MAX_FILE_BYTES {
                    return Err(ReadFailure::Unreadable(Unreadable::Corrupt(format!(
                        "it is {len} bytes, more than progress ever needs"
                    ))));
                }
                let mut bytes = Vec::new();
                // The file can grow between the size check and the read: cap the read itself.
                io::Read::read_to_end(&mut io::Read::take(&file, MAX_FILE_BYTES + 1), &mut bytes)
                    .map_err(ReadFailure::Io)?;
                if bytes.len() as u64 > MAX_FILE_BYTES {
                    return Err(ReadFailure::Unreadable(Unreadable::Corrupt(
                        "it grew past the size progress ever needs while being read".to_owned(),
                    )));
                }
                bytes
            }
            Err(e) if matches!(e.kind(), io::ErrorKind::NotFound | io::ErrorKind::NotADirectory) => {
                // No snapshot yet: the journal alone (the first saves before a compaction).
                let lines = read_journal(&self.dir).map_err(ReadFailure::Io)?;
                return Ok((!lines.is_empty()).then(|| {
                    let mut p = Progress::from_journal(lines);
                    p.after_load();
                    p
                }));
            }
            Err(e) => return Err(ReadFailure::Io(e)),
        };
        let snapshot = parse(&bytes).map_err(ReadFailure::Unreadable)?;
        Ok(Some(self.with_journal(snapshot)?))
    }

    /// The snapshot with the journal's lines merged in (a torn last line is skipped).
    fn with_journal(&self, snapshot: Progress) -> Result<Progress, ReadFailure> {
        let lines = read_journal(&self.dir).map_err(ReadFailure::Io)?;
        if lines.is_empty() {
            return Ok(snapshot);
        }
        Ok(snapshot.merge(&Progress::from_journal(lines)))
    }

    /// Renames an unreadable file to `progress.json.corrupt-<UTC time>`; returns the notice.
    fn move_aside(&self, why: &Unreadable) -> Result<String, String> {
        let path = self.path();
        let stamp = compact_utc(unix_now());
        let mut target = self.dir.join(format!("{FILE_NAME}.corrupt-{stamp}"));
        let mut n = 1;
        while target.exists() {
            target = self.dir.join(format!("{FILE_NAME}.corrupt-{stamp}-{n}"));
            n += 1;
        }
        let reason = match why {
            Unreadable::Corrupt(e) => format!("is not valid progress ({e})"),
            Unreadable::Version(v) => format!(
                "was written by another version of apisec-tutor (format {v}, this build reads {PROGRESS_VERSION})"
            ),
        };
        match fs::rename(&path, &target) {
            Ok(()) => {
                sync_dir(&self.dir);
                Ok(format!(
                    "{} {reason}; it was moved to {} and progress starts fresh",
                    path.display(),
                    target.display()
                ))
            }
            Err(e) => Err(format!(
                "{} {reason}, and it could not be moved aside ({e}); progress will not be saved this time",
                path.display()
            )),
        }
    }
}

enum ReadFailure {
    Io(io::Error),
    Unreadable(Unreadable),
}

/// Parses a progress file, checking the version before the shape so that a newer file is
/// reported as such rather than as corrupt.
fn parse(bytes: &[u8]) -> Result<Progress, Unreadable> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| Unreadable::Corrupt(e.to_string()))?;
    match value.get("version").and_then(serde_json::Value::as_u64) {
        Some(v) if v == u64::from(PROGRESS_VERSION) => {}
        Some(v) => return Err(Unreadable::Version(v)),
        None => return Err(Unreadable::Corrupt("no format version".into())),
    }
    let mut progress: Progress =
        serde_json::from_value(value).map_err(|e| Unreadable::Corrupt(e.to_string()))?;
    progress.after_load();
    Ok(progress)
}

/// Checks early that a save can work, without creating anything a read-only command would not
/// need: an existing directory must take the lock file; a missing one must have an existing
/// directory above it (whether that one is writable is only learnt when saving).
fn check_writable(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return open_lock(dir).map(drop);
    }
    match dir.ancestors().skip(1).find(|a| a.exists()) {
        Some(a) if !a.is_dir() => Err(io::Error::other(format!("{} is not a directory", a.display()))),
        _ => Ok(()),
    }
}

/// Opens the progress file for reading only if it is a regular file. A FIFO would block the
/// open (and `quiz` with it) and a device such as /dev/zero would stream forever: both are
/// refused. On Unix the open itself does not block (O_NONBLOCK), so the check cannot hang.
fn open_regular(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(io::Error::other("it is not a regular file (a pipe, device or directory?)"));
    }
    Ok(file)
}

fn open_lock(dir: &Path) -> io::Result<File> {
    OpenOptions::new().create(true).truncate(false).read(true).write(true).open(dir.join(LOCK_NAME))
}

/// Appends one line and makes it durable.
fn append_line(dir: &Path, line: &JournalLine) -> io::Result<()> {
    let mut text = serde_json::to_string(line).map_err(io::Error::other)?;
    text.push('\n');
    let path = dir.join(JOURNAL_NAME);
    let mut file = OpenOptions::new().create(true).append(true).open(&path)?;
    // A line torn by an earlier kill would glue onto this one: start on a fresh line.
    let len = file.metadata()?.len();
    if len > 0 {
        let mut last = [0u8; 1];
        let mut reader = open_regular(&path)?;
        io::Seek::seek(&mut reader, io::SeekFrom::End(-1))?;
        io::Read::read_exact(&mut reader, &mut last)?;
        if last[0] != b'\n' {
            text.insert(0, '\n');
        }
    }
    file.write_all(text.as_bytes())?;
    file.sync_data()
}

/// The journal's lines, in order; an unparsable line (torn by a kill mid-write) is skipped.
fn read_journal(dir: &Path) -> io::Result<Vec<JournalLine>> {
    let path = dir.join(JOURNAL_NAME);
    let file = match open_regular(&path) {
        Ok(file) => file,
        Err(e) if matches!(e.kind(), io::ErrorKind::NotFound | io::ErrorKind::NotADirectory) => {
            return Ok(Vec::new());
        }
        Err(e) => return Err(e),
    };
    let mut bytes = Vec::new();
    io::Read::read_to_end(&mut io::Read::take(&file, MAX_FILE_BYTES + 1), &mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(io::Error::other("the progress journal is larger than progress ever needs"));
    }
    Ok(bytes
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .filter_map(|l| serde_json::from_slice::<JournalLine>(l).ok())
        .collect())
}

fn write_atomic(dir: &Path, progress: &Progress) -> io::Result<()> {
    let mut tmp = tempfile::Builder::new().prefix(TMP_PREFIX).suffix(TMP_SUFFIX).tempfile_in(dir)?;
    serde_json::to_writer_pretty(&mut tmp, progress).map_err(io::Error::other)?;
    tmp.write_all(b"\n")?;
    tmp.as_file().sync_all()?;
    tmp.persist(dir.join(FILE_NAME)).map_err(|e| e.error)?;
    sync_dir(dir);
    Ok(())
}

/// Makes a rename in `dir` durable. Only possible (and only needed) on Unix; on other platforms
/// a directory cannot be opened as a file, and the rename is already journaled.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        // A failure here only weakens durability after a power loss, not atomicity.
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

fn remove_stale_temps(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(TMP_PREFIX) && name.ends_with(TMP_SUFFIX) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::SectionKind;

    fn files(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_missing_file_is_fresh_progress_and_save_round_trips() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("nested").join("data");
        let (mut store, mut p, notices) = Store::open(&dir);
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(p, Progress::new());
        p.mark_read("l", SectionKind::Overview);
        store.save(&p).unwrap();
        let (_, back, notices) = Store::open(&dir);
        assert!(notices.is_empty());
        assert_eq!(back, p);
        assert_eq!(files(&dir), vec!["progress.json", "progress.lock"]);
    }

    /// A FIFO or a link to /dev/zero in place of progress.json neither hangs nor eats memory:
    /// it is refused with a notice, left where it is, and saving is off.
    #[cfg(unix)]
    #[test]
    fn a_file_that_is_not_regular_is_refused_not_read() {
        let tmp = tempfile::tempdir().unwrap();
        let fifo = tmp.path().join(FILE_NAME);
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            let (mut store, p, notices) = Store::open(tmp.path());
            assert_eq!(p, Progress::new());
            assert!(notices.iter().any(|n| n.contains("not a regular file")), "{notices:?}");
            assert!(store.save(&p).is_err(), "a FIFO is never replaced");
            fs::remove_file(&fifo).unwrap();
        }
        std::os::unix::fs::symlink("/dev/zero", &fifo).unwrap();
        let (_, p, notices) = Store::open(tmp.path());
        assert_eq!(p, Progress::new());
        assert!(notices.iter().any(|n| n.contains("not a regular file")), "{notices:?}");
    }

    /// A read-only progress file is respected: read, never replaced, with a notice.
    #[cfg(unix)]
    #[test]
    fn a_read_only_file_is_kept_as_it_is() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let (mut store, mut p, _) = Store::open(tmp.path());
        p.mark_read("l", SectionKind::Overview);
        store.save(&p).unwrap();
        let path = tmp.path().join(FILE_NAME);
        fs::set_permissions(&path, fs::Permissions::from_mode(0o444)).unwrap();
        let before = fs::read(&path).unwrap();
        let (mut store, mut p, notices) = Store::open(tmp.path());
        assert!(notices.iter().any(|n| n.contains("read-only")), "{notices:?}");
        assert!(p.lesson("l").is_some(), "still read");
        p.mark_read("l", SectionKind::Pitfalls);
        assert!(store.save(&p).is_err());
        assert_eq!(fs::read(&path).unwrap(), before, "not replaced");
    }

    /// Fields a newer build (or a person) wrote survive a save by this one.
    /// A save appends one journal line and leaves the snapshot alone; reopening merges both;
    /// after COMPACT_EVERY lines the journal is folded into the snapshot.
    #[test]
    fn saves_append_to_the_journal_and_compact_now_and_then() {
        use crate::progress::model::tests::attempt;
        let tmp = tempfile::tempdir().unwrap();
        let (mut store, mut p, _) = Store::open(tmp.path());
        p.record_attempt(attempt(1, "q", "q0", true));
        store.save(&p).unwrap();
        let snapshot = fs::read(tmp.path().join(FILE_NAME)).unwrap();
        for i in 1..=COMPACT_EVERY {
            p.record_attempt(attempt(1 + i as u64, "q", &format!("q{i}"), true));
            store.save(&p).unwrap();
        }
        assert_eq!(
            fs::read(tmp.path().join(FILE_NAME)).unwrap(),
            snapshot,
            "the snapshot is not rewritten per answer"
        );
        let journal = fs::read_to_string(tmp.path().join(JOURNAL_NAME)).unwrap();
        assert_eq!(journal.lines().count(), COMPACT_EVERY);
        // Opening folds the long journal into the snapshot.
        let (_, back, notices) = Store::open(tmp.path());
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(back.attempts().len(), COMPACT_EVERY + 1);
        assert!(!tmp.path().join(JOURNAL_NAME).exists(), "compacted");
        assert_ne!(fs::read(tmp.path().join(FILE_NAME)).unwrap(), snapshot);
        assert_eq!(Store::open(tmp.path()).1, back);
    }

    /// A line torn by a kill mid-write is skipped; the lines before it count.
    #[test]
    fn a_torn_journal_line_is_skipped() {
        use crate::progress::model::tests::attempt;
        let tmp = tempfile::tempdir().unwrap();
        let (mut store, mut p, _) = Store::open(tmp.path());
        p.record_attempt(attempt(1, "q", "a", true));
        store.save(&p).unwrap();
        p.record_attempt(attempt(2, "q", "b", true));
        store.save(&p).unwrap();
        let mut journal = fs::OpenOptions::new().append(true).open(tmp.path().join(JOURNAL_NAME)).unwrap();
        journal.write_all(br#"{"attempts":[{"id":"torn","at":3,"qu"#).unwrap();
        drop(journal);
        let (mut store, mut p, notices) = Store::open(tmp.path());
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(p.attempts().len(), 2);
        // The next line starts on a fresh line and is read back.
        p.record_attempt(attempt(4, "q", "c", true));
        store.save(&p).unwrap();
        assert_eq!(Store::open(tmp.path()).1.attempts().len(), 3);
    }

    #[test]
    fn unknown_fields_are_kept() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join(FILE_NAME), br#"{"version": 1, "future_feature": {"x": [1, 2]}}"#).unwrap();
        let (mut store, mut p, notices) = Store::open(tmp.path());
        assert!(notices.is_empty(), "{notices:?}");
        p.mark_read("l", SectionKind::Overview);
        store.save(&p).unwrap();
        let text = fs::read_to_string(tmp.path().join(FILE_NAME)).unwrap();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["future_feature"]["x"][1], 2, "{text}");
    }

    #[test]
    fn a_corrupt_file_is_moved_aside_with_a_notice() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join(FILE_NAME), b"{\"version\": 1, \"attempts\": [tru").unwrap();
        let (mut store, p, notices) = Store::open(tmp.path());
        assert_eq!(p, Progress::new());
        assert_eq!(notices.len(), 1);
        assert!(
            notices[0].contains("is not valid progress") && notices[0].contains("corrupt-"),
            "{notices:?}"
        );
        let aside: Vec<String> = files(tmp.path()).into_iter().filter(|f| f.contains(".corrupt-")).collect();
        assert_eq!(aside.len(), 1);
        // The bad bytes are kept, not dropped.
        assert_eq!(fs::read(tmp.path().join(&aside[0])).unwrap(), b"{\"version\": 1, \"attempts\": [tru");
        store.save(&p).unwrap();
        assert!(Store::open(tmp.path()).2.is_empty());
    }

    #[test]
    fn a_file_of_the_wrong_shape_is_corrupt() {
        let tmp = tempfile::tempdir().unwrap();
        for (i, text) in ["[]", "{}", "{\"version\": 1, \"attempts\": 3}", "\u{0}\u{1}"].iter().enumerate() {
            fs::write(tmp.path().join(FILE_NAME), text).unwrap();
            let (_, _, notices) = Store::open(tmp.path());
            assert_eq!(notices.len(), 1, "{text}: {notices:?}");
            let aside = files(tmp.path()).iter().filter(|f| f.contains(".corrupt-")).count();
            assert_eq!(aside, i + 1, "every bad file is kept under its own name");
        }
    }

    #[test]
    fn an_unknown_version_is_moved_aside_and_named() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join(FILE_NAME), b"{\"version\": 99, \"future\": true}").unwrap();
        let (_, p, notices) = Store::open(tmp.path());
        assert_eq!(p, Progress::new());
        assert!(notices[0].contains("format 99"), "{notices:?}");
        assert!(!tmp.path().join(FILE_NAME).exists());
    }

    /// Directories progress cannot be written to: one below a regular file (fails even for root)
    /// and, where permissions are enforced (not as root), a read-only one.
    fn unusable_dirs(root: &Path) -> Vec<PathBuf> {
        fs::write(root.join("a-file"), b"").unwrap();
        let mut dirs = vec![root.join("a-file").join("data")];
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let ro = root.join("ro");
            fs::create_dir(&ro).unwrap();
            fs::set_permissions(&ro, fs::Permissions::from_mode(0o555)).unwrap();
            if File::create(ro.join("probe")).is_err() {
                dirs.push(ro);
            }
        }
        dirs
    }

    #[test]
    fn an_unusable_directory_gives_a_notice_and_save_fails_cleanly() {
        let tmp = tempfile::tempdir().unwrap();
        for dir in unusable_dirs(tmp.path()) {
            let (mut store, mut p, notices) = Store::open(&dir);
            assert_eq!(notices.len(), 1, "{notices:?}");
            assert!(
                notices[0].contains("cannot be saved") && notices[0].contains("still runs"),
                "{notices:?}"
            );
            p.mark_read("l", SectionKind::Overview);
            let err = store.save(&p).unwrap_err();
            assert!(err.to_string().contains("cannot save progress"), "{err}");
        }
    }

    #[test]
    fn two_instances_merge_instead_of_overwriting() {
        let tmp = tempfile::tempdir().unwrap();
        let (mut first, mut a, _) = Store::open(tmp.path());
        let (mut second, mut b, _) = Store::open(tmp.path());
        a.mark_read_at("l", SectionKind::Overview, 10);
        b.record_myth_at("l", "m", true, 11);
        first.save(&a).unwrap();
        second.save(&b).unwrap();
        a.mark_read_at("l", SectionKind::Pitfalls, 12);
        first.sync(&mut a).unwrap();
        assert_eq!(a.myth("l", "m"), Some(true), "sync brings the other instance's records in");
        let (_, on_disk, _) = Store::open(tmp.path());
        assert!(on_disk.is_read("l", SectionKind::Overview));
        assert!(on_disk.is_read("l", SectionKind::Pitfalls));
        assert_eq!(on_disk.myth("l", "m"), Some(true));
    }

    #[test]
    fn concurrent_savers_in_threads_lose_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        let handles: Vec<_> = (0..4u64)
            .map(|t| {
                let dir = dir.clone();
                std::thread::spawn(move || {
                    let (mut store, mut p, _) = Store::open(&dir);
                    for i in 0..10u64 {
                        p.record_lab_request_at(Some(&format!("t{t}")), None, 200, t * 1000 + i);
                        store.save(&p).unwrap();
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        let (_, p, notices) = Store::open(&dir);
        assert!(notices.is_empty());
        assert_eq!(p.lab_requests().len(), 40);
    }

    #[test]
    fn stale_temp_files_are_cleaned_by_the_next_save() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join(".progress-abc.tmp"), b"{half").unwrap();
        let (mut store, p, _) = Store::open(tmp.path());
        store.save(&p).unwrap();
        assert_eq!(files(tmp.path()), vec!["progress.json", "progress.lock"]);
    }
}
