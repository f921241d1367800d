//! The lab-app engine: runs the FastAPI programs that content declares (`lab_apps:` in a lesson,
//! see [`crate::content::lab_app`]) with the per-version behaviour of the security classes,
//! Starlette's router and CORS middleware, and traces every decision.
//!
//! - [`AppSet`]: every lab app of the content, compiled once (paths split into segments, the
//!   vulnerable twin resolved), with each app's rate-limit memory.
//! - [`routing`]: Starlette's router over the routes one request may reach (404, 405, 307).
//! - [`handler`]: a route's dependencies, the app's own checks and what the handler returns.
//! - [`login`]: the `OAuth2PasswordRequestForm` route that signs JWTs.
//! - [`rate`]: the small sliding-window rate limiter the generated code writes out.

pub mod handler;
pub mod login;
pub mod rate;
pub mod routing;

use std::sync::{Arc, OnceLock};

use crate::content::lab_app::{CorsSpec, LabApp, RouteSpec};
use crate::content::{Catalog, Lesson};

pub use routing::{Routed, route};

/// One segment of a route path: literal text or a `{param}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Lit(String),
    Param(String),
}

/// A route ready to match: its spec (fixed or vulnerable, already resolved) and its segments.
#[derive(Debug, Clone)]
pub struct Route {
    pub spec: RouteSpec,
    pub segments: Vec<Segment>,
    /// The id of the app that declares it (the all-in-one demo serves several apps).
    pub app: String,
    /// Index in the app's route list (the rate limiter's key).
    pub index: usize,
}

/// One side of a lab app (fixed or vulnerable twin).
#[derive(Debug)]
pub struct Variant {
    pub spec: LabApp,
    pub routes: Vec<Route>,
    pub limiter: rate::Limiter,
}

impl Variant {
    /// The same routes with an empty rate-limit memory.
    #[must_use]
    pub fn fresh(&self) -> Self {
        Self { spec: self.spec.clone(), routes: self.routes.clone(), limiter: rate::Limiter::default() }
    }
}

/// A lab app compiled for the engine.
#[derive(Debug)]
pub struct CompiledApp {
    pub id: String,
    pub fixed: Variant,
    pub vulnerable: Option<Variant>,
}

impl CompiledApp {
    /// The same app with empty rate-limit memory.
    #[must_use]
    pub fn fresh(&self) -> Self {
        Self {
            id: self.id.clone(),
            fixed: self.fixed.fresh(),
            vulnerable: self.vulnerable.as_ref().map(Variant::fresh),
        }
    }
}

impl CompiledApp {
    #[must_use]
    pub fn variant(&self, vulnerable: bool) -> &Variant {
        if vulnerable { self.vulnerable.as_ref().unwrap_or(&self.fixed) } else { &self.fixed }
    }
}

/// Every lab app of the content.
#[derive(Debug, Default)]
pub struct AppSet {
    pub apps: Vec<CompiledApp>,
}

impl AppSet {
    /// Compiles the lab apps of these lessons, in lesson order.
    #[must_use]
    pub fn from_lessons<'a>(lessons: impl IntoIterator<Item = &'a Lesson>) -> Self {
        let apps = lessons.into_iter().flat_map(|l| l.lab_apps.iter()).map(compile).collect();
        Self { apps }
    }

    #[must_use]
    pub fn from_catalog(catalog: &Catalog) -> Self {
        Self::from_lessons(&catalog.lessons)
    }

    /// The apps of some content (`--content DIR`) and, after them, every shipped app it does not
    /// redefine: the all-in-one demo API stays what the shipped lesson teaches, whatever the
    /// content adds.
    #[must_use]
    pub fn for_content(catalog: &Catalog) -> Self {
        let mut set = Self::from_catalog(catalog);
        for app in &Self::shipped().apps {
            if set.get(&app.id).is_none() {
                set.apps.push(app.fresh());
            }
        }
        set
    }

    /// The lab apps of the content compiled into the binary (compiled once per process).
    #[must_use]
    pub fn shipped() -> Arc<AppSet> {
        static SHIPPED: OnceLock<Arc<AppSet>> = OnceLock::new();
        SHIPPED
            .get_or_init(|| {
                Arc::new(crate::content::load_embedded().map(|c| Self::from_catalog(&c)).unwrap_or_default())
            })
            .clone()
    }

    #[must_use]
    pub fn get(&self, id: &str) -> Option<&CompiledApp> {
        self.apps.iter().find(|a| a.id == id)
    }

    /// The same apps with fresh rate-limit memory (a scenario run by `check` starts clean).
    #[must_use]
    pub fn fresh(&self) -> Self {
        Self { apps: self.apps.iter().map(CompiledApp::fresh).collect() }
    }

    /// Only the app `id`, with fresh rate-limit memory: what a lab-app scenario runs against.
    /// Copying just the one app keeps `check` linear in the number of lessons (copying every
    /// app for every scenario made it quadratic).
    #[must_use]
    pub fn fresh_only(&self, id: &str) -> Self {
        Self { apps: self.get(id).map(CompiledApp::fresh).into_iter().collect() }
    }

    /// The routes one request may reach: one app's (`Some(id)`), or every route of the apps
    /// marked `in_demo`, the first declaration of a method and path winning.
    pub fn routes<'a>(&'a self, app: Option<&str>, vulnerable: bool) -> Vec<(&'a Variant, &'a Route)> {
        self.route_indices(app, vulnerable).iter().map(|&at| self.resolve(at, vulnerable)).collect()
    }

    /// [`AppSet::routes`] as (app, route) indices, which outlive the borrow of `self`.
    fn route_indices(&self, app: Option<&str>, vulnerable: bool) -> Vec<(usize, usize)> {
        match app {
            Some(id) => self
                .apps
                .iter()
                .position(|a| a.id == id)
                .map(|i| (0..self.apps[i].variant(vulnerable).routes.len()).map(|r| (i, r)).collect())
                .unwrap_or_default(),
            None => {
                let mut out: Vec<(usize, usize)> = Vec::new();
                for (i, a) in self.apps.iter().enumerate().filter(|(_, a)| a.fixed.spec.in_demo) {
                    for (j, r) in a.variant(vulnerable).routes.iter().enumerate() {
                        let seen = out.iter().any(|&at| {
                            let (_, o) = self.resolve(at, vulnerable);
                            o.spec.method == r.spec.method && o.spec.path == r.spec.path
                        });
                        if !seen {
                            out.push((i, j));
                        }
                    }
                }
                out
            }
        }
    }

    fn resolve(&self, (app, route): (usize, usize), vulnerable: bool) -> (&Variant, &Route) {
        let v = self.apps[app].variant(vulnerable);
        (v, &v.routes[route])
    }

    /// The spec of what is served: one app (or its twin), or the all-in-one demo as one app
    /// (the routes `routes(None, ..)` serves, with the security objects they use).
    #[must_use]
    pub fn served_spec(&self, app: Option<&str>, vulnerable: bool) -> LabApp {
        if let Some(a) = app.and_then(|id| self.get(id)) {
            return a.variant(vulnerable).spec.clone();
        }
        let mut demo = LabApp {
            id: "demo".into(),
            title: "The all-in-one demo API".into(),
            description: None,
            in_demo: true,
            cors: None,
            jwt: None,
            users: Vec::new(),
            collections: Vec::new(),
            security: Vec::new(),
            routes: Vec::new(),
            vulnerable: None,
        };
        for (variant, route) in self.routes(None, vulnerable) {
            demo.routes.push(route.spec.clone());
            for s in &variant.spec.security {
                if !demo.security.iter().any(|d| d.name() == s.name()) {
                    demo.security.push(s.clone());
                }
            }
            for u in &variant.spec.users {
                if demo.user(&u.username).is_none() {
                    demo.users.push(u.clone());
                }
            }
        }
        demo
    }

    /// The CORS middleware of one app (its twin's if asked and it differs).
    #[must_use]
    pub fn cors(&self, app: &str, vulnerable: bool) -> Option<&CorsSpec> {
        self.get(app).and_then(|a| a.variant(vulnerable).spec.cors.as_ref())
    }
}

/// The routes one configuration serves ([`AppSet::routes`]), worked out once when the server
/// starts instead of per request.
#[derive(Debug)]
pub struct RouteTable {
    apps: Arc<AppSet>,
    vulnerable: bool,
    /// (app, route) indices into `apps`, in matching order.
    entries: Vec<(usize, usize)>,
}

impl RouteTable {
    #[must_use]
    pub fn new(apps: Arc<AppSet>, app: Option<&str>, vulnerable: bool) -> Self {
        let entries = apps.route_indices(app, vulnerable);
        Self { apps, vulnerable, entries }
    }

    /// The routes, in matching order.
    pub fn iter(&self) -> impl Iterator<Item = (&Variant, &Route)> + Clone {
        self.entries.iter().map(|&at| self.apps.resolve(at, self.vulnerable))
    }
}

/// Splits a Starlette path into segments (`/invoices/{invoice_id}`).
#[must_use]
pub fn segments(path: &str) -> Vec<Segment> {
    path.split('/')
        .skip(1)
        .map(|s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) => Segment::Param(name.to_owned()),
            None => Segment::Lit(s.to_owned()),
        })
        .collect()
}

fn compile(app: &LabApp) -> CompiledApp {
    let variant = |spec: LabApp| {
        let routes = spec
            .routes
            .iter()
            .enumerate()
            .map(|(index, r)| Route {
                spec: r.clone(),
                segments: segments(&r.path),
                app: spec.id.clone(),
                index,
            })
            .collect();
        Variant { spec, routes, limiter: rate::Limiter::default() }
    };
    CompiledApp { id: app.id.clone(), fixed: variant(app.fixed()), vulnerable: app.vulnerable().map(variant) }
}
