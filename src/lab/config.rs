//! How the demo API is set up: the FastAPI release it imitates, the CORS configuration, the
//! signing secret, where trace events go.

pub use crate::cli::CorsMode;

use super::tokens::Secret;
use super::trace::TraceSink;
use super::version::FastApiVersion;

/// The reference apps of `apps.py`. The demo API serves all their routes at once; a config may
/// narrow it to one app, so a replay of a recorded fixture sees exactly that app's routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RefApp {
    Seed1,
    Seed2,
    Seed3,
    Jwt,
    Schemes,
    CorsWildcard,
    CorsTrusted,
}

impl RefApp {
    /// From the module attribute name, e.g. `seed1_app`.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "seed1_app" => Self::Seed1,
            "seed2_app" => Self::Seed2,
            "seed3_app" => Self::Seed3,
            "jwt_app" => Self::Jwt,
            "schemes_app" => Self::Schemes,
            "cors_wildcard_app" => Self::CorsWildcard,
            "cors_trusted_app" => Self::CorsTrusted,
            _ => return None,
        })
    }
}

/// The demo API's configuration.
#[derive(Debug, Clone)]
pub struct LabConfig {
    pub fastapi: FastApiVersion,
    pub cors: CorsMode,
    pub secret: Secret,
    /// Where trace events go; `None` traces nothing.
    pub trace: Option<TraceSink>,
    /// Serve one reference app only (`None`: every route of every app).
    pub app: Option<RefApp>,
    /// Port on 127.0.0.1 for [`super::server::start`]; 0 picks a free one.
    pub port: u16,
}

impl LabConfig {
    /// The newest FastAPI, CORS off, the secret from `APISEC_TUTOR_JWT_SECRET` or random.
    #[must_use]
    pub fn new(fastapi: FastApiVersion, cors: CorsMode) -> Self {
        Self { fastapi, cors, secret: Secret::from_env_or_random(), trace: None, app: None, port: 0 }
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

    #[must_use]
    pub fn with_app(mut self, app: RefApp) -> Self {
        self.app = Some(app);
        self
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
