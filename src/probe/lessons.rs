//! Which lesson section teaches each finding. A finding stores only the stable key (lesson id,
//! section, pitfall or myth id, or build-up step number); the words shown to the learner (lesson
//! title, section heading, item title) are read from the catalog, so they follow the content.
//! `tests/probe_lessons.rs` checks that every place exists in the shipped content and still talks
//! about what the finding is about (its `anchor`).

use serde::{Deserialize, Serialize};

use crate::content::{Catalog, Lesson, SectionKind};

/// What a finding is about; each kind has one place in the lessons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Teach {
    NoSecurity,
    NoCredentials,
    WrongCredential,
    AnyApiKey,
    CorsAnyOrigin,
    NoChallenge,
    NoRateLimit,
    ForgedToken,
    ExpiredToken,
    NoExpiry,
    ValidRefused,
    Bola,
    ForeignObject,
}

impl Teach {
    pub const ALL: [Teach; 13] = [
        Teach::NoSecurity,
        Teach::NoCredentials,
        Teach::WrongCredential,
        Teach::AnyApiKey,
        Teach::CorsAnyOrigin,
        Teach::NoChallenge,
        Teach::NoRateLimit,
        Teach::ForgedToken,
        Teach::ExpiredToken,
        Teach::NoExpiry,
        Teach::ValidRefused,
        Teach::Bola,
        Teach::ForeignObject,
    ];

    /// The place in the lessons that explains this kind of finding.
    #[must_use]
    pub fn place(self) -> Place {
        const WHY: &str = "why-api-security";
        const WHOSE: &str = "whose-data";
        let (lesson, section, item, anchor) = match self {
            Teach::NoSecurity => (WHY, SectionKind::BuildUp, Item::Step(2), "unprotected"),
            Teach::NoCredentials | Teach::WrongCredential => {
                (WHY, SectionKind::MythBusters, Item::Id("handler-never-runs-without-token"), "wrong")
            }
            Teach::AnyApiKey => (WHY, SectionKind::MythBusters, Item::Id("api-keys-are-enough"), "any"),
            Teach::CorsAnyOrigin => {
                (WHY, SectionKind::Pitfalls, Item::Id("cors-wildcard-credentials"), "allow_credentials")
            }
            Teach::NoChallenge => (WHY, SectionKind::UnderTheHood, Item::Whole, "www-authenticate"),
            Teach::NoRateLimit => {
                (WHY, SectionKind::MythBusters, Item::Id("rate-limit-is-performance"), "/token")
            }
            Teach::ForgedToken => {
                (WHY, SectionKind::MythBusters, Item::Id("jwt-claims-are-readable"), "signature")
            }
            Teach::ExpiredToken | Teach::NoExpiry => {
                (WHY, SectionKind::Pitfalls, Item::Id("no-token-expiry"), "exp")
            }
            Teach::ValidRefused => (WHY, SectionKind::MythBusters, Item::Id("authn-is-authz"), "403"),
            Teach::Bola => (WHOSE, SectionKind::Pitfalls, Item::Id("unchecked-object"), "owner"),
            Teach::ForeignObject => (WHOSE, SectionKind::BuildUp, Item::Step(3), "404"),
        };
        Place { lesson, section, item, anchor }
    }
}

/// An item inside a section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    /// The section as a whole (prose sections such as under_the_hood).
    Whole,
    /// A pitfall or myth, by its id.
    Id(&'static str),
    /// A build-up step, 1-based as the lesson shows it.
    Step(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub lesson: &'static str,
    pub section: SectionKind,
    pub item: Item,
    /// A word the item's text must contain (lower case): the check that the place still teaches
    /// what the finding is about after the content changes.
    pub anchor: &'static str,
}

/// A place found in the catalog: the words to show and the item's full text (for the anchor check).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub text: String,
    pub content: String,
}

fn lesson_number(catalog: &Catalog, lesson: &Lesson) -> usize {
    lesson.order.map_or_else(
        || catalog.lessons.iter().position(|l| l.id == lesson.id).map_or(0, |i| i + 1),
        |o| usize::try_from(o).unwrap_or(0),
    )
}

/// Finds `place` in `catalog`, or `None` when the lesson, section or item is not there.
#[must_use]
pub fn resolve(place: Place, catalog: &Catalog) -> Option<Resolved> {
    let lesson = catalog.lesson(place.lesson)?;
    if lesson.items(place.section) == 0 {
        return None;
    }
    let (item, content) = match place.item {
        Item::Whole => {
            let content = match place.section {
                SectionKind::UnderTheHood => json(&lesson.under_the_hood),
                SectionKind::ProductionPatterns => json(&lesson.production_patterns),
                SectionKind::WhyDesigned => json(&lesson.why_designed),
                _ => return None,
            };
            (String::new(), content)
        }
        Item::Id(id) => match place.section {
            SectionKind::Pitfalls => {
                let p = lesson.pitfalls.iter().find(|p| p.id == id)?;
                (format!(": \u{201c}{}\u{201d}", p.title), json(p))
            }
            SectionKind::MythBusters => {
                let m = lesson.myth_busters.iter().find(|m| m.id == id)?;
                (format!(": \u{201c}{}\u{201d}", m.question), json(m))
            }
            _ => return None,
        },
        Item::Step(n) => {
            let step = lesson.build_up.get(n.checked_sub(1)?)?;
            (format!(", step {n}: \u{201c}{}\u{201d}", step.title), json(step))
        }
    };
    let text = format!(
        "lesson {} \u{201c}{}\u{201d} ({}), {}{item}",
        lesson_number(catalog, lesson),
        lesson.title,
        lesson.id,
        place.section.title()
    );
    Some(Resolved { text, content: content.to_lowercase() })
}

/// The words shown for `teach`: from the catalog, or the bare key when the catalog lacks it.
#[must_use]
pub fn describe(teach: Teach, catalog: Option<&Catalog>) -> String {
    let place = teach.place();
    catalog.and_then(|c| resolve(place, c)).map_or_else(
        || {
            let item = match place.item {
                Item::Whole => String::new(),
                Item::Id(id) => format!(" {id}"),
                Item::Step(n) => format!(" step {n}"),
            };
            format!("lesson {}, {}{item}", place.lesson, place.section.as_str())
        },
        |r| r.text,
    )
}

/// An item's words for the anchor check (its text, not its layout).
fn json<T: Serialize>(item: &T) -> String {
    serde_json::to_string(item).unwrap_or_default()
}
