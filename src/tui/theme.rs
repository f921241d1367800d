//! Every colour the interface uses. Views take styles only from a [`Theme`], so `NO_COLOR` and
//! the high-contrast theme are one switch. States also carry a mark (✓ ✗ ▶), never colour alone.

use ratatui::style::{Color, Modifier, Style};

/// The theme `--theme` names (the command line reads it from here: the interface owns it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ThemeName {
    Default,
    HighContrast,
}

/// The styles of one theme; `const` so the three themes are plain statics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub name: &'static str,
    pub text: Style,
    pub dim: Style,
    pub title: Style,
    pub heading: Style,
    pub subheading: Style,
    pub bold: Style,
    pub italic: Style,
    pub strike: Style,
    pub inline_code: Style,
    pub link: Style,
    pub link_target: Style,
    pub quote: Style,
    pub rule: Style,
    pub border: Style,
    pub border_focus: Style,
    pub selected: Style,
    pub gutter: Style,
    pub keyword: Style,
    pub string: Style,
    pub comment: Style,
    pub number: Style,
    pub decorator: Style,
    pub key_name: Style,
    pub good: Style,
    pub bad: Style,
    pub accent: Style,
    pub highlight_stage: Style,
    pub stopped_stage: Style,
    pub search_match: Style,
    pub search_current: Style,
    pub footer_key: Style,
    pub footer_text: Style,
    pub notice: Style,
    pub diagram: Style,
}

const fn fg(color: Color) -> Style {
    Style::new().fg(color)
}

const BOLD: Style = Style::new().add_modifier(Modifier::BOLD);
const REVERSED: Style = Style::new().add_modifier(Modifier::REVERSED);
const UNDERLINED: Style = Style::new().add_modifier(Modifier::UNDERLINED);

pub static DEFAULT: Theme = Theme {
    name: "default",
    text: Style::new(),
    dim: fg(Color::DarkGray),
    title: fg(Color::Cyan).add_modifier(Modifier::BOLD),
    heading: fg(Color::Cyan).add_modifier(Modifier::BOLD),
    subheading: fg(Color::Blue).add_modifier(Modifier::BOLD),
    bold: BOLD,
    italic: Style::new().add_modifier(Modifier::ITALIC),
    strike: Style::new().add_modifier(Modifier::CROSSED_OUT),
    inline_code: fg(Color::Yellow),
    link: fg(Color::Blue).add_modifier(Modifier::UNDERLINED),
    link_target: fg(Color::DarkGray),
    quote: fg(Color::Gray).add_modifier(Modifier::ITALIC),
    rule: fg(Color::DarkGray),
    border: fg(Color::DarkGray),
    border_focus: fg(Color::Cyan),
    selected: Style::new().bg(Color::Blue).fg(Color::White).add_modifier(Modifier::BOLD),
    gutter: fg(Color::DarkGray),
    keyword: fg(Color::Magenta).add_modifier(Modifier::BOLD),
    string: fg(Color::Green),
    comment: fg(Color::DarkGray).add_modifier(Modifier::ITALIC),
    number: fg(Color::Yellow),
    decorator: fg(Color::Cyan),
    key_name: fg(Color::Blue),
    good: fg(Color::Green).add_modifier(Modifier::BOLD),
    bad: fg(Color::Red).add_modifier(Modifier::BOLD),
    accent: fg(Color::Yellow).add_modifier(Modifier::BOLD),
    highlight_stage: Style::new().bg(Color::Cyan).fg(Color::Black).add_modifier(Modifier::BOLD),
    stopped_stage: Style::new().bg(Color::Red).fg(Color::White).add_modifier(Modifier::BOLD),
    search_match: Style::new().bg(Color::Yellow).fg(Color::Black),
    search_current: Style::new().bg(Color::LightRed).fg(Color::Black).add_modifier(Modifier::BOLD),
    footer_key: fg(Color::Cyan).add_modifier(Modifier::BOLD),
    footer_text: fg(Color::Gray),
    notice: fg(Color::Yellow).add_modifier(Modifier::BOLD),
    diagram: fg(Color::Cyan),
};

/// `NO_COLOR`: no colours at all; emphasis by bold, underline and reverse video only.
pub static MONOCHROME: Theme = Theme {
    name: "monochrome",
    text: Style::new(),
    dim: Style::new(),
    title: BOLD,
    heading: BOLD.add_modifier(Modifier::UNDERLINED),
    subheading: BOLD,
    bold: BOLD,
    italic: Style::new().add_modifier(Modifier::ITALIC),
    strike: Style::new().add_modifier(Modifier::CROSSED_OUT),
    inline_code: BOLD,
    link: UNDERLINED,
    link_target: Style::new(),
    quote: Style::new().add_modifier(Modifier::ITALIC),
    rule: Style::new(),
    border: Style::new(),
    border_focus: BOLD,
    selected: REVERSED,
    gutter: Style::new(),
    keyword: BOLD,
    string: Style::new(),
    comment: Style::new().add_modifier(Modifier::ITALIC),
    number: Style::new(),
    decorator: BOLD,
    key_name: BOLD,
    good: BOLD,
    bad: BOLD,
    accent: BOLD,
    highlight_stage: REVERSED,
    stopped_stage: REVERSED.add_modifier(Modifier::BOLD),
    search_match: UNDERLINED,
    search_current: REVERSED,
    footer_key: BOLD,
    footer_text: Style::new(),
    notice: BOLD,
    diagram: Style::new(),
};

/// `--theme high-contrast`: black and white plus the brightest colours, bold where it matters.
pub static HIGH_CONTRAST: Theme = Theme {
    name: "high-contrast",
    text: fg(Color::White),
    dim: fg(Color::White),
    title: fg(Color::LightYellow).add_modifier(Modifier::BOLD),
    heading: fg(Color::LightYellow).add_modifier(Modifier::BOLD),
    subheading: fg(Color::LightCyan).add_modifier(Modifier::BOLD),
    bold: fg(Color::White).add_modifier(Modifier::BOLD),
    italic: fg(Color::White).add_modifier(Modifier::ITALIC),
    strike: fg(Color::White).add_modifier(Modifier::CROSSED_OUT),
    inline_code: fg(Color::LightYellow).add_modifier(Modifier::BOLD),
    link: fg(Color::LightCyan).add_modifier(Modifier::UNDERLINED),
    link_target: fg(Color::White),
    quote: fg(Color::White).add_modifier(Modifier::ITALIC),
    rule: fg(Color::White),
    border: fg(Color::White),
    border_focus: fg(Color::LightYellow).add_modifier(Modifier::BOLD),
    selected: Style::new().bg(Color::White).fg(Color::Black).add_modifier(Modifier::BOLD),
    gutter: fg(Color::White),
    keyword: fg(Color::LightMagenta).add_modifier(Modifier::BOLD),
    string: fg(Color::LightGreen),
    comment: fg(Color::LightCyan).add_modifier(Modifier::ITALIC),
    number: fg(Color::LightYellow),
    decorator: fg(Color::LightCyan).add_modifier(Modifier::BOLD),
    key_name: fg(Color::LightCyan).add_modifier(Modifier::BOLD),
    good: fg(Color::LightGreen).add_modifier(Modifier::BOLD),
    bad: fg(Color::LightRed).add_modifier(Modifier::BOLD),
    accent: fg(Color::LightYellow).add_modifier(Modifier::BOLD),
    highlight_stage: Style::new().bg(Color::LightYellow).fg(Color::Black).add_modifier(Modifier::BOLD),
    stopped_stage: Style::new().bg(Color::LightRed).fg(Color::Black).add_modifier(Modifier::BOLD),
    search_match: Style::new().bg(Color::LightYellow).fg(Color::Black),
    search_current: Style::new().bg(Color::White).fg(Color::Black).add_modifier(Modifier::BOLD),
    footer_key: fg(Color::LightYellow).add_modifier(Modifier::BOLD),
    footer_text: fg(Color::White),
    notice: fg(Color::LightYellow).add_modifier(Modifier::BOLD),
    diagram: fg(Color::White),
};

/// Picks the theme: `NO_COLOR` (set and non-empty, per no-color.org) wins over `--theme`.
#[must_use]
pub fn pick(name: ThemeName, no_color: Option<&std::ffi::OsStr>) -> &'static Theme {
    if no_color.is_some_and(|v| !v.is_empty()) {
        return &MONOCHROME;
    }
    match name {
        ThemeName::Default => &DEFAULT,
        ThemeName::HighContrast => &HIGH_CONTRAST,
    }
}

/// The theme for this process's environment.
#[must_use]
pub fn from_env(name: ThemeName) -> &'static Theme {
    pick(name, std::env::var_os("NO_COLOR").as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn no_color_set_and_non_empty_picks_monochrome() {
        assert_eq!(pick(ThemeName::Default, Some(OsStr::new("1"))).name, "monochrome");
        assert_eq!(pick(ThemeName::HighContrast, Some(OsStr::new("yes"))).name, "monochrome");
        assert_eq!(pick(ThemeName::Default, Some(OsStr::new(""))).name, "default");
        assert_eq!(pick(ThemeName::Default, None).name, "default");
        assert_eq!(pick(ThemeName::HighContrast, None).name, "high-contrast");
    }

    #[test]
    fn monochrome_uses_no_colour_at_all() {
        let t = &MONOCHROME;
        for style in [
            t.text,
            t.dim,
            t.title,
            t.heading,
            t.keyword,
            t.string,
            t.comment,
            t.good,
            t.bad,
            t.selected,
            t.highlight_stage,
            t.stopped_stage,
            t.search_match,
            t.search_current,
            t.link,
            t.inline_code,
            t.border,
            t.border_focus,
            t.notice,
            t.diagram,
        ] {
            assert_eq!(style.fg, None, "{style:?}");
            assert_eq!(style.bg, None, "{style:?}");
        }
    }
}
