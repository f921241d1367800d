//! The theme file format (YAML, like the lessons, so one parser and one way of locating
//! errors): `name`, optional `extends: BUILT-IN`, and `styles`, a map from style name to
//! `{fg, bg, modifiers}`. Every error is `PATH:LINE:COL: error: MESSAGE`, as `check` prints.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};

use super::{STYLE_NAMES, Theme};

/// A theme is a few dozen lines; anything much larger is not a theme.
const MAX_BYTES: u64 = 64 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    #[error("cannot read theme file {}: {source}", .path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{}:{line}:{col}: error: {message}", .path.display())]
    Invalid { path: PathBuf, line: usize, col: usize, message: String },
    #[error("no built-in theme named {0:?}")]
    Unknown(String),
}

/// Reads and parses a theme file; its name is the file's stem unless it says otherwise.
pub fn load(path: &Path) -> Result<Theme, ThemeError> {
    let read_err = |source| ThemeError::Read { path: path.to_path_buf(), source };
    let file = std::fs::File::open(path).map_err(read_err)?;
    let mut text = String::new();
    file.take(MAX_BYTES + 1).read_to_string(&mut text).map_err(read_err)?;
    if text.len() as u64 > MAX_BYTES {
        return Err(ThemeError::Invalid {
            path: path.to_path_buf(),
            line: 1,
            col: 1,
            message: format!("a theme file is at most {} KiB", MAX_BYTES / 1024),
        });
    }
    let stem = path.file_stem().map_or_else(|| "theme".to_owned(), |s| s.to_string_lossy().into_owned());
    // The name is shown for as long as the process runs: leaked once, like the theme itself.
    parse(&text, path, Box::leak(stem.into_boxed_str()), Extends::Builtins)
}

/// What `extends` may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Extends {
    /// A user's file: any built-in theme.
    Builtins,
    /// A built-in theme itself: nothing (it stands alone, and is being built).
    Nothing,
}

/// Parses theme text. `default_name` names it when the file has no `name`.
pub(super) fn parse(
    text: &str,
    path: &Path,
    default_name: &'static str,
    extends: Extends,
) -> Result<Theme, ThemeError> {
    let invalid = |line: usize, col: usize, message: String| ThemeError::Invalid {
        path: path.to_path_buf(),
        line: line.max(1),
        col: col.max(1),
        message,
    };
    let file: ThemeFile = serde_yaml::from_str(text).map_err(|e| {
        let (line, col) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
        invalid(line, col, e.to_string().split(" at line ").next().unwrap_or_default().to_owned())
    })?;
    let name: &'static str = match file.name {
        Some(n) if n != default_name => Box::leak(n.into_boxed_str()),
        _ => default_name,
    };
    let mut theme = match &file.extends {
        None => Theme::plain(name),
        Some(base) => {
            let found = match extends {
                Extends::Builtins => super::builtin(base).copied(),
                Extends::Nothing => None,
            };
            let Some(mut base_theme) = found else {
                let (line, col) = key_position(text, "extends");
                let names: Vec<&str> = super::BUILTINS.iter().map(|(n, _)| *n).collect();
                return Err(invalid(
                    line,
                    col,
                    format!("extends: {base:?} is not a built-in theme ({})", names.join(", ")),
                ));
            };
            base_theme.name = name;
            base_theme
        }
    };
    if file.extends.is_none() {
        let missing: Vec<&str> =
            STYLE_NAMES.iter().copied().filter(|s| !file.styles.iter().any(|(n, _)| n == s)).collect();
        if !missing.is_empty() {
            let (line, col) = key_position(text, "styles");
            return Err(invalid(
                line,
                col,
                format!(
                    "styles: {} missing ({}); name every style, or start the file with `extends: default` to change only some",
                    missing.len(),
                    missing.join(", ")
                ),
            ));
        }
    }
    for (style, spec) in file.styles {
        if let Some(slot) = theme.style_mut(&style) {
            *slot = spec.style();
        }
    }
    Ok(theme)
}

/// Where a top-level key starts (1-based), for errors about the key as a whole.
fn key_position(text: &str, key: &str) -> (usize, usize) {
    text.lines()
        .position(|l| l.strip_prefix(key).is_some_and(|rest| rest.trim_start().starts_with(':')))
        .map_or((1, 1), |i| (i + 1, 1))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    #[serde(default)]
    name: Option<String>,
    /// A built-in theme this file changes; without it the file must name every style.
    #[serde(default)]
    extends: Option<String>,
    styles: Styles,
}

/// The `styles` map, in file order; unknown and repeated names are errors at their place.
struct Styles(Vec<(String, StyleSpec)>);

impl Styles {
    fn iter(&self) -> impl Iterator<Item = &(String, StyleSpec)> {
        self.0.iter()
    }
}

impl IntoIterator for Styles {
    type Item = (String, StyleSpec);
    type IntoIter = std::vec::IntoIter<(String, StyleSpec)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'de> Deserialize<'de> for Styles {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct StylesVisitor;
        impl<'de> Visitor<'de> for StylesVisitor {
            type Value = Styles;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map from style name to {fg, bg, modifiers}")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Styles, A::Error> {
                let mut out: Vec<(String, StyleSpec)> = Vec::new();
                while let Some(name) = map.next_key_seed(StyleName { seen: &out })? {
                    let spec = map.next_value::<StyleSpec>()?;
                    out.push((name.to_owned(), spec));
                }
                Ok(Styles(out))
            }
        }
        d.deserialize_map(StylesVisitor)
    }
}

/// A style name, checked while the deserializer reads it (unknown, or given twice), so the
/// error carries the key's own line and column.
struct StyleName<'a> {
    seen: &'a [(String, StyleSpec)],
}

impl<'de> de::DeserializeSeed<'de> for StyleName<'_> {
    type Value = &'static str;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for StyleName<'_> {
    type Value = &'static str;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a style name")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<Self::Value, E> {
        let Some(known) = STYLE_NAMES.iter().find(|s| **s == name) else {
            let hint = did_you_mean(name).map_or_else(String::new, |s| format!(" (did you mean `{s}`?)"));
            return Err(E::custom(format!(
                "unknown style `{name}`{hint}; the styles are listed in docs/TUI.md"
            )));
        };
        if self.seen.iter().any(|(n, _)| n == name) {
            return Err(E::custom(format!("style `{name}` is given twice")));
        }
        Ok(known)
    }
}

/// The closest style name, if one is close enough to be a typo (the checker's rule).
fn did_you_mean(name: &str) -> Option<&'static str> {
    crate::content::suggest::did_you_mean(name, STYLE_NAMES.iter().copied())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StyleSpec {
    #[serde(default, deserialize_with = "colour")]
    fg: Option<Color>,
    #[serde(default, deserialize_with = "colour")]
    bg: Option<Color>,
    #[serde(default)]
    modifiers: Vec<ModifierName>,
}

impl StyleSpec {
    fn style(&self) -> Style {
        let mut style = Style::new();
        if let Some(c) = self.fg {
            style = style.fg(c);
        }
        if let Some(c) = self.bg {
            style = style.bg(c);
        }
        for m in &self.modifiers {
            style = style.add_modifier(m.modifier());
        }
        style
    }
}

/// A colour by name (`red`, `light-red`, `dark-gray`…), index (`0`–`255`) or `"#rrggbb"`, as
/// ratatui reads them. Checked inside the deserializer, so errors carry the value's position;
/// an empty value is refused with the YAML pitfall that usually causes it.
fn colour<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Color>, D::Error> {
    d.deserialize_any(ColourVisitor).map(Some)
}

struct ColourVisitor;

impl Visitor<'_> for ColourVisitor {
    type Value = Color;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a colour: a name, an index 0-255 or \"#rrggbb\"")
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Color, E> {
        s.parse::<Color>().map_err(|_| {
            E::custom(format!(
                "{s:?} is not a colour: use a name (black, red, green, yellow, blue, magenta, cyan, gray, dark-gray, light-red … white, reset), an index 0-255 or \"#rrggbb\""
            ))
        })
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Color, E> {
        u8::try_from(n)
            .map(Color::Indexed)
            .map_err(|_| E::custom(format!("colour index {n} is not within 0-255")))
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Color, E> {
        u8::try_from(n)
            .map(Color::Indexed)
            .map_err(|_| E::custom(format!("colour index {n} is not within 0-255")))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Color, E> {
        Err(E::custom(
            "the colour is empty: write \"#rrggbb\" in quotes (an unquoted # starts a YAML comment), or a name such as red",
        ))
    }

    fn visit_none<E: de::Error>(self) -> Result<Color, E> {
        self.visit_unit()
    }
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum ModifierName {
    Bold,
    Dim,
    Italic,
    Underlined,
    SlowBlink,
    RapidBlink,
    Reversed,
    Hidden,
    CrossedOut,
}

impl ModifierName {
    fn modifier(self) -> Modifier {
        match self {
            ModifierName::Bold => Modifier::BOLD,
            ModifierName::Dim => Modifier::DIM,
            ModifierName::Italic => Modifier::ITALIC,
            ModifierName::Underlined => Modifier::UNDERLINED,
            ModifierName::SlowBlink => Modifier::SLOW_BLINK,
            ModifierName::RapidBlink => Modifier::RAPID_BLINK,
            ModifierName::Reversed => Modifier::REVERSED,
            ModifierName::Hidden => Modifier::HIDDEN,
            ModifierName::CrossedOut => Modifier::CROSSED_OUT,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(text: &str) -> Result<Theme, ThemeError> {
        parse(text, Path::new("my/theme.yaml"), "theme", Extends::Builtins)
    }

    fn err(text: &str) -> String {
        user(text).unwrap_err().to_string()
    }

    #[test]
    fn a_file_that_extends_a_builtin_changes_only_what_it_names() {
        let t = user("name: mine\nextends: high-contrast\nstyles:\n  good: {fg: \"#00ff00\", modifiers: [bold, underlined]}\n  bad: {fg: 196}\n")
            .unwrap();
        assert_eq!(t.name, "mine");
        assert_eq!(
            t.good,
            Style::new().fg(Color::Rgb(0, 255, 0)).add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
        );
        assert_eq!(t.bad, Style::new().fg(Color::Indexed(196)));
        let hc = super::super::builtin("high-contrast").unwrap();
        assert_eq!((t.title, t.selected), (hc.title, hc.selected));
    }

    #[test]
    fn colours_are_read_by_name_in_any_spelling() {
        let t = user(
            "extends: default\nstyles:\n  text: {fg: Light Red, bg: dark_grey}\n  dim: {fg: bright-blue}\n",
        )
        .unwrap();
        assert_eq!((t.text.fg, t.text.bg), (Some(Color::LightRed), Some(Color::DarkGray)));
        assert_eq!(t.dim.fg, Some(Color::LightBlue));
        assert_eq!(t.name, "theme", "no name: the file's stem");
    }

    #[test]
    fn a_bad_colour_is_located_at_its_value() {
        let e = err("extends: default\nstyles:\n  title: {fg: chartreuse}\n");
        assert!(e.starts_with("my/theme.yaml:3:15: error: styles.title.fg: "), "{e}");
        assert!(e.contains("\"chartreuse\" is not a colour"), "{e}");
        let e = err("extends: default\nstyles:\n  title: {fg: 300}\n");
        assert!(e.starts_with("my/theme.yaml:3:") && e.contains("not within 0-255"), "{e}");
    }

    #[test]
    fn an_unquoted_hex_colour_is_explained() {
        let e = err("extends: default\nstyles:\n  title:\n    fg: #ff0000\n");
        assert!(e.starts_with("my/theme.yaml:4:"), "{e}");
        assert!(e.contains("an unquoted # starts a YAML comment"), "{e}");
    }

    #[test]
    fn an_unknown_style_suggests_the_near_one() {
        let e = err("extends: default\nstyles:\n  text: {}\n  heading: {}\n  titel: {fg: red}\n");
        assert!(e.starts_with("my/theme.yaml:5:3: "), "{e}");
        assert!(e.contains("unknown style `titel` (did you mean `title`?)"), "{e}");
    }

    #[test]
    fn unknown_keys_modifiers_and_bases_are_errors() {
        let e = err("extends: default\nstyles:\n  title: {colour: red}\n");
        assert!(e.starts_with("my/theme.yaml:3:") && e.contains("unknown field `colour`"), "{e}");
        let e = err("extends: default\nstyles:\n  title: {modifiers: [bolt]}\n");
        assert!(e.starts_with("my/theme.yaml:3:") && e.contains("unknown variant `bolt`"), "{e}");
        let e = err("name: x\nextends: solarized\nstyles: {}\n");
        assert!(e.starts_with("my/theme.yaml:2:1:") && e.contains("\"solarized\" is not a built-in"), "{e}");
        let e = err("extends: default\nstyles:\n  title: {}\n  title: {}\n");
        assert!(e.starts_with("my/theme.yaml:4:") && e.contains("given twice"), "{e}");
    }

    #[test]
    fn without_extends_every_style_is_required() {
        let e = err("name: bare\n\nstyles:\n  text: {}\n");
        assert!(e.starts_with("my/theme.yaml:3:1: error: styles: 33 missing (dim, title"), "{e}");
        assert!(e.contains("extends: default"), "{e}");
    }

    #[test]
    fn broken_yaml_is_located() {
        let e = err("extends: default\nstyles:\n  title: {fg: red\n");
        assert!(e.starts_with("my/theme.yaml:"), "{e}");
        assert!(!e.starts_with("my/theme.yaml:1:1:"), "a real position: {e}");
    }

    #[test]
    fn an_oversized_file_is_refused_before_parsing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.yaml");
        std::fs::write(&path, format!("# {}\nextends: default\nstyles: {{}}\n", "x".repeat(70_000))).unwrap();
        let e = load(&path).unwrap_err().to_string();
        assert!(e.ends_with("error: a theme file is at most 64 KiB"), "{e}");
    }
}
