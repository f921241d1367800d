//! `progress push`: send xAPI statements to a Learning Record Store, at most once each.
//!
//! What an LRS has acknowledged is kept in a small state file in the data directory (per LRS
//! endpoint, statement ids only, written atomically after every batch), so a push can be repeated
//! at any time: it sends only what the LRS has not acknowledged yet. When the LRS is down or
//! failing, the statements simply stay unsent and go out on the next push; nothing is dropped.
//! A 409 for a statement id the LRS already stores counts as sent (xAPI 1.0.3, 2.1.3).
//! The credentials are only ever held in memory.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::xapi::XAPI_VERSION;

/// The state file's name inside the data directory.
pub const STATE_FILE: &str = "xapi-sent.json";
const STATE_VERSION: u32 = 1;
/// The most of an LRS error body kept for the message.
const ERROR_BODY_LIMIT: usize = 500;

#[derive(Debug, thiserror::Error)]
pub enum PushError {
    #[error("cannot read the push state {path}: {detail}")]
    StateRead { path: PathBuf, detail: String },
    #[error("cannot save the push state in {path}: {source}")]
    StateWrite { path: PathBuf, source: std::io::Error },
    #[error("the LRS refused the statements ({status}): {body}")]
    Rejected { status: u16, body: String },
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
    #[error("--lrs must be an http:// or https:// URL, got `{0}`")]
    Url(String),
    #[error("--auth must be USER:KEY")]
    Auth,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct State {
    version: u32,
    /// LRS statements endpoint → ids it acknowledged.
    sent: BTreeMap<String, BTreeSet<String>>,
}

/// Where and how to push.
#[derive(Debug, Clone)]
pub struct PushConfig {
    /// The statements resource, e.g. `http://127.0.0.1:8100/xAPI/statements`.
    pub endpoint: String,
    pub user: String,
    pub key: String,
    pub batch: usize,
    /// Extra tries after a failed one (connection error, 5xx, 429), with doubling waits.
    pub retries: u32,
    pub backoff: Duration,
    pub timeout: Duration,
}

impl PushConfig {
    /// `lrs` is the LRS root (`/xAPI/statements` is appended unless already there); `auth` is `USER:KEY`.
    pub fn new(lrs: &str, auth: &str) -> Result<PushConfig, PushError> {
        if !(lrs.starts_with("http://") || lrs.starts_with("https://")) {
            return Err(PushError::Url(lrs.to_owned()));
        }
        let root = lrs.trim_end_matches('/');
        let endpoint = if root.ends_with("/xAPI/statements") {
            root.to_owned()
        } else if root.ends_with("/xAPI") {
            format!("{root}/statements")
        } else {
            format!("{root}/xAPI/statements")
        };
        let (user, key) = auth.split_once(':').ok_or(PushError::Auth)?;
        Ok(PushConfig {
            endpoint,
            user: user.to_owned(),
            key: key.to_owned(),
            batch: 50,
            retries: 3,
            backoff: Duration::from_millis(500),
            timeout: Duration::from_secs(20),
        })
    }
}

/// What a push did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PushReport {
    /// Acknowledged by the LRS during this push (including 409 "already stored").
    pub sent: usize,
    /// Already acknowledged by an earlier push, not sent again.
    pub skipped: usize,
    /// Not acknowledged (the LRS was unreachable or failing): they go out on the next push.
    pub queued: usize,
    /// Why the queued statements were not sent (the last connection error or status).
    pub unavailable: Option<String>,
}

fn load_state(path: &Path) -> Result<State, PushError> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let state: State = serde_json::from_str(&text)
                .map_err(|e| PushError::StateRead { path: path.to_owned(), detail: e.to_string() })?;
            if state.version != STATE_VERSION {
                return Err(PushError::StateRead {
                    path: path.to_owned(),
                    detail: format!("unknown version {}", state.version),
                });
            }
            Ok(state)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Ok(State { version: STATE_VERSION, sent: BTreeMap::new() })
        }
        Err(e) => Err(PushError::StateRead { path: path.to_owned(), detail: e.to_string() }),
    }
}

/// Write to a temporary file beside the target, then rename: a crash leaves the old state or the new.
fn save_state(path: &Path, state: &State) -> Result<(), PushError> {
    let err = |source| PushError::StateWrite { path: path.to_owned(), source };
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    std::fs::create_dir_all(dir).map_err(err)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(err)?;
    let text = serde_json::to_string_pretty(state).map_err(|e| err(std::io::Error::other(e)))?;
    tmp.write_all(text.as_bytes()).map_err(err)?;
    tmp.as_file().sync_all().map_err(err)?;
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}

enum Outcome {
    Stored,
    Conflict,
    /// Worth trying again later (connection error, timeout, 5xx, 429).
    Unavailable(String),
    Rejected(u16, String),
}

async fn post_once(client: &reqwest::Client, cfg: &PushConfig, body: &[&Value]) -> Outcome {
    let resp = client
        .post(&cfg.endpoint)
        .basic_auth(&cfg.user, Some(&cfg.key))
        .header("X-Experience-API-Version", XAPI_VERSION)
        .json(&body)
        .send()
        .await;
    match resp {
        Err(e) => Outcome::Unavailable(e.to_string()),
        Ok(r) => {
            let status = r.status().as_u16();
            match status {
                200..=299 => Outcome::Stored,
                409 => Outcome::Conflict,
                429 | 500..=599 => Outcome::Unavailable(format!("HTTP {status}")),
                _ => {
                    let text = r.text().await.unwrap_or_default();
                    let body: String = text.chars().take(ERROR_BODY_LIMIT).collect();
                    Outcome::Rejected(status, body)
                }
            }
        }
    }
}

async fn post(client: &reqwest::Client, cfg: &PushConfig, body: &[&Value]) -> Outcome {
    let mut wait = cfg.backoff;
    let mut tries = 0;
    loop {
        match post_once(client, cfg, body).await {
            Outcome::Unavailable(_) if tries < cfg.retries => {
                tries += 1;
                tokio::time::sleep(wait).await;
                wait = wait.saturating_mul(2);
            }
            other => return other,
        }
    }
}

fn id_of(s: &Value) -> Option<&str> {
    s.get("id").and_then(Value::as_str)
}

/// Pushes every statement the LRS has not acknowledged yet. Statements without an id are
/// skipped (they could not be deduplicated). Stops at the first batch the LRS cannot take,
/// leaving the rest queued; `Err` only for a refusal (bad credentials, invalid statement) or a
/// state file that cannot be read or written.
pub async fn push(statements: &[Value], state_dir: &Path, cfg: &PushConfig) -> Result<PushReport, PushError> {
    let path = state_dir.join(STATE_FILE);
    let mut state = load_state(&path)?;
    let client = reqwest::Client::builder()
        .timeout(cfg.timeout)
        .build()
        .map_err(|e| PushError::Client(e.to_string()))?;
    let done = state.sent.get(&cfg.endpoint).cloned().unwrap_or_default();
    let todo: Vec<&Value> =
        statements.iter().filter(|s| id_of(s).is_some_and(|id| !done.contains(id))).collect();
    let mut report = PushReport { skipped: statements.len() - todo.len(), ..PushReport::default() };
    for (i, batch) in todo.chunks(cfg.batch.max(1)).enumerate() {
        let acknowledged: Vec<&Value> = match post(&client, cfg, batch).await {
            Outcome::Stored => batch.to_vec(),
            // Some of the batch is already stored: an LRS refuses the whole POST, so send each
            // statement alone and count the ones it already has as sent.
            Outcome::Conflict => {
                let mut ok = Vec::new();
                for s in batch {
                    match post(&client, cfg, std::slice::from_ref(s)).await {
                        Outcome::Stored | Outcome::Conflict => ok.push(*s),
                        Outcome::Unavailable(why) => {
                            report.unavailable = Some(why);
                            break;
                        }
                        Outcome::Rejected(status, body) => {
                            record(&path, &mut state, cfg, &ok)?;
                            return Err(PushError::Rejected { status, body });
                        }
                    }
                }
                ok
            }
            Outcome::Unavailable(why) => {
                report.unavailable = Some(why);
                Vec::new()
            }
            Outcome::Rejected(status, body) => return Err(PushError::Rejected { status, body }),
        };
        record(&path, &mut state, cfg, &acknowledged)?;
        report.sent += acknowledged.len();
        if acknowledged.len() < batch.len() {
            let later: usize = todo.chunks(cfg.batch.max(1)).skip(i + 1).map(<[_]>::len).sum();
            report.queued = batch.len() - acknowledged.len() + later;
            break;
        }
    }
    Ok(report)
}

fn record(path: &Path, state: &mut State, cfg: &PushConfig, acked: &[&Value]) -> Result<(), PushError> {
    if acked.is_empty() {
        return Ok(());
    }
    let set = state.sent.entry(cfg.endpoint.clone()).or_default();
    set.extend(acked.iter().filter_map(|s| id_of(s)).map(str::to_owned));
    save_state(path, state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_endpoint_is_derived_from_the_lrs_root() {
        for (lrs, want) in [
            ("http://h:1", "http://h:1/xAPI/statements"),
            ("http://h:1/", "http://h:1/xAPI/statements"),
            ("http://h:1/xAPI", "http://h:1/xAPI/statements"),
            ("https://h/lrs/xAPI/statements/", "https://h/lrs/xAPI/statements"),
        ] {
            assert_eq!(PushConfig::new(lrs, "u:k").unwrap().endpoint, want);
        }
        assert!(matches!(PushConfig::new("ftp://h", "u:k"), Err(PushError::Url(_))));
        assert!(matches!(PushConfig::new("http://h", "nokey"), Err(PushError::Auth)));
    }

    /// With nothing listening, every statement stays queued and the state file is not created.
    #[tokio::test]
    async fn an_unreachable_lrs_queues_everything() {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let dir = tempfile::tempdir().unwrap();
        let mut cfg = PushConfig::new(&format!("http://127.0.0.1:{port}"), "u:k").unwrap();
        cfg.retries = 1;
        cfg.backoff = Duration::from_millis(1);
        let statements = vec![json!({"id": "a"}), json!({"id": "b"}), json!({"no": "id"})];
        let report = push(&statements, dir.path(), &cfg).await.unwrap();
        assert_eq!((report.sent, report.skipped, report.queued), (0, 1, 2));
        assert!(report.unavailable.is_some());
        assert!(!dir.path().join(STATE_FILE).exists());
    }

    #[test]
    fn the_state_round_trips_and_a_damaged_one_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(STATE_FILE);
        let mut state = State { version: STATE_VERSION, sent: BTreeMap::new() };
        state.sent.entry("http://h/xAPI/statements".into()).or_default().insert("id1".into());
        save_state(&path, &state).unwrap();
        let back = load_state(&path).unwrap();
        assert!(back.sent["http://h/xAPI/statements"].contains("id1"));
        std::fs::write(&path, "{not json").unwrap();
        assert!(matches!(load_state(&path), Err(PushError::StateRead { .. })));
    }
}
