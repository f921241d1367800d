//! Every colour the interface uses. Views take styles only from a [`Theme`], so `NO_COLOR` and
//! the high-contrast theme are one switch. States also carry a mark (✓ ✗ ▶), never colour alone.
//!
//! The themes are data: `assets/themes/*.yaml`, embedded in the binary, parsed once on first
//! use; `--theme FILE` reads a file of the same format ([`file`] parses and locates errors).

use std::ffi::OsStr;
use std::path::PathBuf;
use std::sync::LazyLock;

use ratatui::style::Style;

mod file;
#[cfg(test)]
mod legacy;

pub use file::ThemeError;

/// Declares the theme's styles once: the struct, and the names a theme file uses for them.
macro_rules! theme_styles {
    ($($style:ident),* $(,)?) => {
        /// The styles of one theme (`&'static`: built-ins are statics, a file's theme lives as
        /// long as the process).
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct Theme {
            pub name: &'static str,
            $(pub $style: Style,)*
        }

        /// Every style a theme file names, in the order of the shipped files.
        pub const STYLE_NAMES: &[&str] = &[$(stringify!($style)),*];

        impl Theme {
            /// Every style plain (the terminal's own text): what a file without `extends`
            /// starts from.
            const fn plain(name: &'static str) -> Self {
                Theme { name, $($style: Style::new(),)* }
            }

            fn style_mut(&mut self, style: &str) -> Option<&mut Style> {
                match style {
                    $(stringify!($style) => Some(&mut self.$style),)*
                    _ => None,
                }
            }

            /// A style by its name in a theme file.
            #[must_use]
            pub fn style(&self, style: &str) -> Option<Style> {
                match style {
                    $(stringify!($style) => Some(self.$style),)*
                    _ => None,
                }
            }
        }
    };
}

theme_styles!(
    text,
    dim,
    title,
    heading,
    subheading,
    bold,
    italic,
    strike,
    inline_code,
    link,
    link_target,
    quote,
    rule,
    border,
    border_focus,
    selected,
    gutter,
    keyword,
    string,
    comment,
    number,
    decorator,
    key_name,
    good,
    bad,
    accent,
    highlight_stage,
    stopped_stage,
    search_match,
    search_current,
    footer_key,
    footer_text,
    notice,
    diagram,
);

/// The themes compiled in: `(name, file text)`. `--theme NAME` picks one by name.
pub const BUILTINS: [(&str, &str); 4] = [
    ("default", include_str!("../../assets/themes/default.yaml")),
    ("high-contrast", include_str!("../../assets/themes/high-contrast.yaml")),
    ("light", include_str!("../../assets/themes/light.yaml")),
    ("monochrome", include_str!("../../assets/themes/monochrome.yaml")),
];

/// Parses a shipped theme. The files are part of the binary and every one is parsed by
/// `shipped_themes_equal_the_palettes_they_replace` (and `builtins_parse_with_no_error`), so a
/// failure here is a build that was never tested: it fails loudly rather than drawing
/// something else.
#[allow(clippy::expect_used)]
fn builtin_theme(name: &'static str) -> Theme {
    let (_, text) = BUILTINS.iter().find(|(n, _)| *n == name).expect("a built-in theme name");
    file::parse(text, &builtin_path(name), name, file::Extends::Nothing)
        .expect("the shipped themes parse (unit-tested)")
}

fn builtin_path(name: &str) -> PathBuf {
    PathBuf::from(format!("assets/themes/{name}.yaml"))
}

pub static DEFAULT: LazyLock<Theme> = LazyLock::new(|| builtin_theme("default"));
pub static HIGH_CONTRAST: LazyLock<Theme> = LazyLock::new(|| builtin_theme("high-contrast"));
pub static LIGHT: LazyLock<Theme> = LazyLock::new(|| builtin_theme("light"));
/// `NO_COLOR`: no colours at all; emphasis by bold, underline and reverse video only.
pub static MONOCHROME: LazyLock<Theme> = LazyLock::new(|| builtin_theme("monochrome"));

/// A built-in theme by name.
#[must_use]
pub fn builtin(name: &str) -> Option<&'static Theme> {
    match name {
        "default" => Some(&DEFAULT),
        "high-contrast" => Some(&HIGH_CONTRAST),
        "light" => Some(&LIGHT),
        "monochrome" => Some(&MONOCHROME),
        _ => None,
    }
}

/// What `--theme` names: a built-in theme, or a theme file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ThemeChoice {
    Builtin(&'static str),
    File(PathBuf),
}

impl Default for ThemeChoice {
    fn default() -> Self {
        ThemeChoice::Builtin("default")
    }
}

impl std::str::FromStr for ThemeChoice {
    type Err = String;

    /// A built-in name, or a path: a value ending in `.yaml`/`.yml` or holding a `/`. Anything
    /// else is refused here, so a misspelt name is a usage error on every command (as when the
    /// names were a fixed list) instead of "no such file" later.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some((name, _)) = BUILTINS.iter().find(|(n, _)| *n == s) {
            return Ok(ThemeChoice::Builtin(name));
        }
        let path = std::path::Path::new(s);
        let is_yaml = path.extension().is_some_and(|e| e == "yaml" || e == "yml");
        if is_yaml || s.contains(std::path::MAIN_SEPARATOR) || s.contains('/') {
            return Ok(ThemeChoice::File(path.to_path_buf()));
        }
        let names: Vec<&str> = BUILTINS.iter().map(|(n, _)| *n).collect();
        Err(format!(
            "no built-in theme named {s:?} (built-in: {}); a theme file is a path ending in .yaml",
            names.join(", ")
        ))
    }
}

/// The theme `--theme` names. A file is read and checked here; its theme lives as long as the
/// process (the interface holds `&'static Theme`, and a process loads at most one file).
pub fn load(choice: &ThemeChoice) -> Result<&'static Theme, ThemeError> {
    match choice {
        ThemeChoice::Builtin(name) => builtin(name).ok_or_else(|| ThemeError::Unknown((*name).to_owned())),
        ThemeChoice::File(path) => Ok(Box::leak(Box::new(file::load(path)?))),
    }
}

/// Picks the theme: `NO_COLOR` (set and non-empty, per no-color.org) wins over `--theme`.
#[must_use]
pub fn pick(chosen: &'static Theme, no_color: Option<&OsStr>) -> &'static Theme {
    if no_color.is_some_and(|v| !v.is_empty()) { &MONOCHROME } else { chosen }
}

/// The theme for this process: `--theme`, then `NO_COLOR`. A theme file is checked even when
/// `NO_COLOR` replaces it, so a mistake in it does not go unnoticed.
pub fn from_env(choice: &ThemeChoice) -> Result<&'static Theme, ThemeError> {
    Ok(pick(load(choice)?, std::env::var_os("NO_COLOR").as_deref()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn shipped_themes_equal_the_palettes_they_replace() {
        for (name, old) in [
            ("default", &legacy::DEFAULT),
            ("high-contrast", &legacy::HIGH_CONTRAST),
            ("monochrome", &legacy::MONOCHROME),
        ] {
            let new = builtin(name).unwrap();
            for style in STYLE_NAMES {
                assert_eq!(new.style(style), old.style(style), "{name}: {style}");
            }
            assert_eq!(new, old, "{name}");
        }
    }

    #[test]
    fn builtins_parse_with_no_error_and_name_every_style() {
        for (name, text) in BUILTINS {
            // Parsed from nothing (no `extends`): a missing style would be an error.
            let theme = file::parse(text, &builtin_path(name), name, file::Extends::Nothing).unwrap();
            assert_eq!(theme.name, name);
            for style in STYLE_NAMES {
                assert!(text.contains(&format!("\n  {style}: ")), "{name} names {style}");
            }
        }
    }

    #[test]
    fn the_light_theme_writes_no_pale_colour_on_the_background() {
        use ratatui::style::Color;
        let pale = |c: Option<Color>| {
            matches!(
                c,
                Some(
                    Color::Yellow
                        | Color::Cyan
                        | Color::Gray
                        | Color::White
                        | Color::LightYellow
                        | Color::LightCyan
                        | Color::LightGreen
                        | Color::LightBlue
                        | Color::LightMagenta
                        | Color::LightRed
                )
            )
        };
        let light = builtin("light").unwrap();
        for style in STYLE_NAMES {
            let s = light.style(style).unwrap();
            // Text on the terminal's light background must be dark; text on a chosen
            // background must differ from it in lightness.
            match s.bg {
                None => assert!(!pale(s.fg), "light: {style} is {s:?}"),
                Some(bg) => assert_ne!(pale(Some(bg)), pale(s.fg), "light: {style} is {s:?}"),
            }
        }
    }

    #[test]
    fn no_color_set_and_non_empty_picks_monochrome() {
        let hc = builtin("high-contrast").unwrap();
        assert_eq!(pick(&DEFAULT, Some(OsStr::new("1"))).name, "monochrome");
        assert_eq!(pick(hc, Some(OsStr::new("yes"))).name, "monochrome");
        assert_eq!(pick(&DEFAULT, Some(OsStr::new(""))).name, "default");
        assert_eq!(pick(&DEFAULT, None).name, "default");
        assert_eq!(pick(hc, None).name, "high-contrast");
    }

    #[test]
    fn no_color_wins_over_a_theme_file_too() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mine.yaml");
        std::fs::write(&path, "extends: default\nstyles:\n  title: {fg: \"#ff8800\"}\n").unwrap();
        let mine = load(&ThemeChoice::File(path)).unwrap();
        assert_eq!(mine.title.fg, Some(ratatui::style::Color::Rgb(0xff, 0x88, 0x00)));
        assert_eq!(pick(mine, None).name, "mine");
        assert_eq!(pick(mine, Some(OsStr::new("1"))).name, "monochrome");
    }

    #[test]
    fn monochrome_uses_no_colour_at_all() {
        for style in STYLE_NAMES {
            let s = MONOCHROME.style(style).unwrap();
            assert_eq!((s.fg, s.bg), (None, None), "{style}: {s:?}");
        }
    }

    #[test]
    fn the_command_line_value_is_a_name_or_a_path() {
        assert_eq!("light".parse::<ThemeChoice>(), Ok(ThemeChoice::Builtin("light")));
        assert_eq!("high-contrast".parse::<ThemeChoice>(), Ok(ThemeChoice::Builtin("high-contrast")));
        assert_eq!("mine.yaml".parse::<ThemeChoice>(), Ok(ThemeChoice::File("mine.yaml".into())));
        assert_eq!("themes/mine".parse::<ThemeChoice>(), Ok(ThemeChoice::File("themes/mine".into())));
        let err = "solarized".parse::<ThemeChoice>().unwrap_err();
        assert!(err.contains("default, high-contrast, light, monochrome"), "{err}");
    }

    #[test]
    fn a_missing_file_is_an_error_naming_it() {
        let err = load(&ThemeChoice::File("/nonexistent/theme.yaml".into())).unwrap_err();
        assert!(err.to_string().starts_with("cannot read theme file /nonexistent/theme.yaml"), "{err}");
    }
}
