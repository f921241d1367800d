//! Sending requests with the lab's own client ([`LabClient`], reqwest): sequentially for round
//! trips, or from many concurrent clients for throughput, always bounded in count *and* time,
//! and only to 127.0.0.1.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use apisec_tutor::lab::client::{LabClient, Prepared};
use apisec_tutor::lab::tokens::{self, Secret};

/// A request and the status real FastAPI gives it (from the recorded fixtures).
#[derive(Clone)]
pub struct Probe {
    pub name: &'static str,
    pub request: Prepared,
    pub expect: u16,
}

fn get(target: &str, headers: &[(&str, &str)]) -> Prepared {
    Prepared {
        method: "GET".into(),
        target: target.into(),
        headers: headers.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect(),
        body: None,
    }
}

/// The seed's route with its good token: the round-trip measurement's request.
pub fn good_token() -> Probe {
    Probe {
        name: "good token",
        request: get("/items/", &[("Authorization", "Bearer securetoken")]),
        expect: 200,
    }
}

/// Good and bad credentials mixed, each with its FastAPI status: 200, 401, 403 and 422 only.
pub fn mixed(secret: &Secret) -> Result<Vec<Probe>, String> {
    let now = tokens::now();
    let jwt = |preset: &str| -> Result<String, String> {
        match tokens::mint_preset(preset, secret, now) {
            Some(Ok(t)) => Ok(format!("Bearer {t}")),
            Some(Err(e)) => Err(format!("{preset}: {e}")),
            None => Err(format!("unknown preset {preset}")),
        }
    };
    let form = |body: &str| Prepared {
        method: "POST".into(),
        target: "/token".into(),
        headers: vec![("Content-Type".into(), "application/x-www-form-urlencoded".into())],
        body: Some(body.into()),
    };
    Ok(vec![
        good_token(),
        Probe {
            name: "bad token",
            request: get("/items/", &[("Authorization", "Bearer wrongtoken")]),
            expect: 401,
        },
        Probe { name: "no token", request: get("/items/", &[]), expect: 401 },
        Probe { name: "api key", request: get("/data", &[("X-API-Key", "abc123")]), expect: 200 },
        Probe {
            name: "fresh jwt",
            request: get("/users/me", &[("Authorization", &jwt("fresh-jwt")?)]),
            expect: 200,
        },
        Probe {
            name: "expired jwt",
            request: get("/users/me", &[("Authorization", &jwt("expired-jwt")?)]),
            expect: 401,
        },
        Probe {
            name: "alg none",
            request: get("/users/me", &[("Authorization", &jwt("alg-none-jwt")?)]),
            expect: 401,
        },
        Probe {
            name: "non-admin",
            request: get("/admin", &[("Authorization", &jwt("fresh-jwt")?)]),
            expect: 403,
        },
        Probe { name: "empty password", request: form("username=johndoe&password="), expect: 422 },
        Probe { name: "login", request: form("username=johndoe&password=secret"), expect: 200 },
    ])
}

#[derive(Default)]
pub struct LoadResult {
    pub latencies: Vec<Duration>,
    pub statuses: BTreeMap<u16, usize>,
    /// Answers with another status than the probe expects (a 5xx is always one).
    pub unexpected: Vec<String>,
    /// Requests that got no answer at all.
    pub failed: Vec<String>,
    pub elapsed: Duration,
}

impl LoadResult {
    pub fn completed(&self) -> usize {
        self.latencies.len()
    }

    pub fn per_second(&self) -> f64 {
        self.completed() as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    pub fn statuses_shown(&self) -> String {
        self.statuses.iter().map(|(s, n)| format!("{s}×{n}")).collect::<Vec<_>>().join(" ")
    }

    fn merge(&mut self, other: LoadResult) {
        self.latencies.extend(other.latencies);
        for (s, n) in other.statuses {
            *self.statuses.entry(s).or_default() += n;
        }
        self.unexpected.extend(other.unexpected);
        self.failed.extend(other.failed);
    }
}

/// `clients` concurrent clients (one connection each, kept alive) cycling through `probes`
/// until `total` requests were sent or `max_time` passed, whichever comes first.
pub async fn drive(
    base_url: &str,
    probes: &[Probe],
    clients: usize,
    total: usize,
    max_time: Duration,
) -> LoadResult {
    let next = Arc::new(AtomicUsize::new(0));
    let probes: Arc<[Probe]> = probes.into();
    let started = Instant::now();
    let deadline = started + max_time;
    let mut tasks = Vec::with_capacity(clients);
    for c in 0..clients {
        let (next, probes, base) = (Arc::clone(&next), Arc::clone(&probes), base_url.to_owned());
        tasks.push(tokio::spawn(async move {
            let mut out = LoadResult::default();
            let client = match LabClient::new(&base) {
                Ok(client) => client,
                Err(e) => {
                    out.failed.push(format!("client {c}: {e}"));
                    return out;
                }
            };
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total || Instant::now() >= deadline {
                    return out;
                }
                let probe = &probes[i % probes.len()];
                let t = Instant::now();
                match client.send(&probe.request, &format!("bench-{i}")).await {
                    Ok(outcome) => {
                        out.latencies.push(t.elapsed());
                        *out.statuses.entry(outcome.status).or_default() += 1;
                        if outcome.status != probe.expect {
                            out.unexpected.push(format!(
                                "{}: {} (expected {})",
                                probe.name, outcome.status, probe.expect
                            ));
                        }
                    }
                    Err(e) => {
                        // A client whose request got no answer stops: retrying against a server
                        // that is gone would only spin until the time bound.
                        out.failed.push(format!("{}: {e}", probe.name));
                        return out;
                    }
                }
            }
        }));
    }
    let mut result = LoadResult::default();
    for t in tasks {
        match t.await {
            Ok(r) => result.merge(r),
            Err(e) => result.failed.push(format!("client task: {e}")),
        }
    }
    result.elapsed = started.elapsed();
    result
}

/// A multi-threaded runtime for the clients (2 workers, like the program's own).
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}
