//! How the demo API is set up: the FastAPI release it imitates, the CORS configuration, the
//! signing secret, where trace events go.

pub use crate::cli::CorsMode;

use std::sync::Arc;

use super::engine::AppSet;
use super::tokens::Secret;
use super::trace::TraceSink;
use super::version::FastApiVersion;

/// The demo API's configuration.
#[derive(Debug, Clone)]
pub struct LabConfig {
    pub fastapi: FastApiVersion,
    pub cors: CorsMode,
    pub secret: Secret,
    /// Where trace events go; `None` traces nothing.
    pub trace: Option<TraceSink>,
    /// The lab apps the content declares.
    pub apps: Arc<AppSet>,
    /// Serve this lab app only (`None`: the all-in-one demo, every app marked `in_demo`).
    pub app: Option<String>,
    /// Serve the vulnerable twins instead of the fixed apps.
    pub vulnerable: bool,
    /// Port on 127.0.0.1 for [`super::server::start`]; 0 picks a free one.
    pub port: u16,
}

impl LabConfig {
    /// The newest FastAPI, CORS off, the secret from `APISEC_TUTOR_JWT_SECRET` or random.
    #[must_use]
    pub fn new(fastapi: FastApiVersion, cors: CorsMode) -> Self {
        Self {
            fastapi,
            cors,
            secret: Secret::from_env_or_random(),
            trace: None,
            apps: AppSet::shipped(),
            app: None,
            vulnerable: false,
            port: 0,
        }
    }

    #[must_use]
    pub fn with_secret(mut self, secret: Secret) -> Self {
        self.secret = secret;
        self
    }

    #[must_use]
    pub fn with_trace(mut self, sink: TraceSink) -> Self {
        self.trace = Some(sink);
        self
    }

    /// Serve one lab app (by its `id`).
    #[must_use]
    pub fn with_app(mut self, app: impl Into<String>) -> Self {
        self.app = Some(app.into());
        self
    }

    /// The lab apps of other content (`--content DIR`).
    #[must_use]
    pub fn with_apps(mut self, apps: Arc<AppSet>) -> Self {
        self.apps = apps;
        self
    }

    #[must_use]
    pub fn with_vulnerable(mut self, vulnerable: bool) -> Self {
        self.vulnerable = vulnerable;
        self
    }

    /// The CORS middleware in front of the app: the chosen app's own, else the `--cors` preset.
    #[must_use]
    pub fn cors_spec(&self) -> Option<crate::content::lab_app::CorsSpec> {
        match &self.app {
            Some(id) => self.apps.cors(id, self.vulnerable).cloned(),
            None => super::cors::preset(self.cors),
        }
    }

    #[must_use]
    pub fn with_port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }
}

impl Default for LabConfig {
    fn default() -> Self {
        Self::new(FastApiVersion::default(), CorsMode::Off)
    }
}
