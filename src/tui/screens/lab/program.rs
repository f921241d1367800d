//! Which generated program answered a lab row: the code pane shows it, and a copied TestClient
//! test carries it, so the test runs without the reference apps.

use crate::content::Catalog;
use crate::content::lab_app::LabApp;
use crate::lab::client::Standalone;
use crate::lab::codegen;

use super::Row;

/// Which program answered a row: the lab app (with its lesson), which side, which route.
pub struct Answered<'a> {
    pub app: &'a LabApp,
    pub lesson: &'a str,
    pub vulnerable: bool,
    pub route: Option<usize>,
}

#[must_use]
pub fn answered<'a>(catalog: &'a Catalog, row: &Row) -> Option<Answered<'a>> {
    let apps: Vec<(&str, &LabApp)> =
        catalog.lessons.iter().flat_map(|l| l.lab_apps.iter().map(move |a| (l.id.as_str(), a))).collect();
    let method = row.prepared.as_ref().map_or(row.request.method.as_str(), |p| p.method.as_str());
    let path = row.events.iter().find(|e| e.check == "route").and_then(|e| e.vars.get("route"));
    let (lesson, app, vulnerable) = match row.profile.app {
        Some(sel) => {
            let (lesson, app) = apps.get(usize::from(sel.index))?;
            (*lesson, *app, sel.vulnerable)
        }
        // The all-in-one demo: the first app marked `in_demo` that declares the route.
        None => {
            let path = path?;
            let (lesson, app) = apps
                .iter()
                .find(|(_, a)| a.in_demo && a.routes.iter().any(|r| r.method == method && &r.path == path))?;
            (*lesson, *app, false)
        }
    };
    let route = path.and_then(|p| app.routes.iter().position(|r| r.method == method && &r.path == p));
    Some(Answered { app, lesson, vulnerable, route })
}

/// Forged tokens stay as sent in a copied test; any other JWT the lab signed is signed again
/// there with the program's own secret (see [`Standalone::resign_jwt`]).
const FORGED: [&str; 3] = ["wrong-key-jwt", "alg-none-jwt", "tampered-jwt"];

/// The program that answered `row` and whether its test must sign the row's JWT itself; `None`
/// when no generated program answered (then the test imports the reference apps).
#[must_use]
pub fn standalone_source(catalog: &Catalog, row: &Row) -> Option<(String, bool)> {
    let a = answered(catalog, row)?;
    let program = codegen::program(a.app, a.lesson, a.vulnerable)?;
    let forged = row.request.credential.as_deref().is_some_and(|c| FORGED.contains(&c));
    Some((program.source, !forged))
}

/// [`standalone_source`] as the copy takes it.
#[must_use]
pub fn standalone(source: &(String, bool)) -> Standalone<'_> {
    Standalone { source: &source.0, resign_jwt: source.1 }
}
