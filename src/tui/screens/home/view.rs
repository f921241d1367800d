//! Home: the lessons with their per-section progress, and the learning modes of the selected one.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::{HomeEntry, HomeFocus, HomeState};
use crate::content::SectionKind;
use crate::tui::ctx::View;
use crate::tui::layout;
use crate::tui::markdown::fit;
use crate::tui::strings as s;

fn block<'a>(title: &'a str, focused: bool, t: &'static crate::tui::theme::Theme) -> Block<'a> {
    let (style, mark) = if focused { (t.border_focus, "▶ ") } else { (t.border, "") };
    Block::default()
        .borders(Borders::ALL)
        .border_style(style)
        .title(Line::from(vec![Span::styled(mark, style), Span::styled(title, t.title)]))
}

pub fn render(frame: &mut Frame<'_>, area: Rect, home: &HomeState, v: View<'_>) {
    let t = v.theme;
    let areas = layout::home(area, v.catalog.lessons.len());
    // The header names the selected lesson, not always the shipped one.
    let selected = v.catalog.lessons.get(home.lesson).map_or_else(String::new, |l| format!("· {}", l.title));
    let header =
        Line::from(vec![Span::styled(format!(" {} ", s::APP_NAME), t.title), Span::styled(selected, t.dim)]);
    frame.render_widget(Paragraph::new(header), areas.header);

    lessons(frame, &areas, home, v);
    sections(frame, &areas, home, v);
    modes(frame, &areas, home, v);
}

/// The lessons: title, then how many sections are read.
fn lessons(frame: &mut Frame<'_>, areas: &layout::HomeAreas, home: &HomeState, v: View<'_>) {
    let t = v.theme;
    // Lessons: title, then how many sections are read.
    let mut lines = Vec::new();
    for (i, lesson) in v.catalog.lessons.iter().enumerate() {
        let selected = i == home.lesson;
        let focused = selected && home.focus == HomeFocus::Lessons;
        let style = if focused {
            t.selected
        } else if selected {
            t.bold
        } else {
            t.text
        };
        let mark = if selected { "▶ " } else { "  " };
        let title_w = usize::from(areas.lessons.width.saturating_sub(4));
        lines.push(Line::from(Span::styled(format!("{mark}{}", fit(&lesson.title, title_w)), style)));
        let shown = || SectionKind::ALL.into_iter().filter(|k| lesson.items(*k) > 0);
        let read = shown().filter(|k| v.progress.is_read(&lesson.id, *k)).count();
        let total = shown().count().max(1);
        let bar_w = 10;
        let filled = read * bar_w / total;
        lines.push(Line::from(vec![
            Span::raw("  "),
            Span::styled("█".repeat(filled), t.good),
            Span::styled("░".repeat(bar_w - filled), t.dim),
            Span::styled(format!(" {read}/{total} read"), t.dim),
        ]));
    }
    frame.render_widget(
        Paragraph::new(lines).block(block(s::LESSONS, home.focus == HomeFocus::Lessons, t)),
        areas.lessons,
    );
}

/// The sections of the selected lesson, ✓ when read.
fn sections(frame: &mut Frame<'_>, areas: &layout::HomeAreas, home: &HomeState, v: View<'_>) {
    let t = v.theme;
    // Sections of the selected lesson, ✓ when read.
    if let Some(lesson) = v.catalog.lessons.get(home.lesson) {
        let lines: Vec<Line<'_>> = SectionKind::ALL
            .iter()
            .filter(|k| lesson.items(**k) > 0)
            .map(|k| {
                let read = v.progress.is_read(&lesson.id, *k);
                let (mark, style) = if read { (s::MARK_RIGHT, t.good) } else { ("·", t.dim) };
                let mut spans =
                    vec![Span::styled(format!(" {mark} "), style), Span::styled(k.title(), t.text)];
                if *k == SectionKind::BuildUp {
                    let (done, asked) = super::steps_done(v, home.lesson);
                    if asked > 0 {
                        let short = usize::from(areas.sections.width) < 36;
                        spans.push(Span::styled(
                            format!(" {}", s::predictions_made(done, asked, short)),
                            t.dim,
                        ));
                    }
                }
                if *k == SectionKind::MythBusters && !lesson.myth_busters.is_empty() {
                    spans.push(Span::styled(
                        format!(" ({} believed)", v.progress.myths_believed(&lesson.id)),
                        t.dim,
                    ));
                }
                Line::from(spans)
            })
            .collect();
        // A short terminal cannot list every section: say how many are below the edge.
        let room = usize::from(areas.sections.height.saturating_sub(2));
        let mut lines = lines;
        if lines.len() > room && room > 0 {
            let hidden = lines.len() - (room - 1);
            lines.truncate(room - 1);
            lines.push(Line::from(Span::styled(format!(" {}", s::sections_more(hidden)), t.dim)));
        }
        frame.render_widget(Paragraph::new(lines).block(block(s::SECTIONS, false, t)), areas.sections);
    }
}

/// The learning modes of the selected lesson, and what the selected one does.
fn modes(frame: &mut Frame<'_>, areas: &layout::HomeAreas, home: &HomeState, v: View<'_>) {
    let t = v.theme;
    // Learning modes.
    let entries = home.entries(v);
    let focused = home.focus == HomeFocus::Modes;
    let inner_h = usize::from(areas.modes.height.saturating_sub(2));
    let offset = layout::list_offset(home.entry, inner_h);
    let lesson = v.catalog.lessons.get(home.lesson);
    let mut lines = Vec::new();
    for (i, entry) in entries.iter().enumerate().skip(offset).take(inner_h) {
        let selected = i == home.entry;
        let style = if selected && focused {
            t.selected
        } else if selected {
            t.bold
        } else {
            t.text
        };
        let mark = if selected { "▶ " } else { "  " };
        let title = entry_title(home, v, *entry);
        let mut spans = vec![Span::styled(format!("{mark}{title}"), style)];
        if let HomeEntry::Auto(target) = entry {
            spans.push(Span::styled(format!("  {}", mode_kind(*target)), t.dim));
        }
        if let (HomeEntry::Mode(m), Some(lesson)) = (entry, lesson)
            && let Some(mode) = lesson.modes.get(*m)
        {
            spans.push(Span::styled(format!("  {}", mode_kind(mode.opens)), t.dim));
            let due = v.due_today();
            if mode.opens == crate::content::ModeTarget::ReviewMissed && due > 0 {
                spans.push(Span::styled(format!(" {}", s::due_today(due)), t.accent));
            }
        }
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines).block(block(s::MODES, focused, t)), areas.modes);

    // What the selected entry does.
    let detail = entries.get(home.entry).map(|e| entry_detail(home, v, *e)).unwrap_or_default();
    frame.render_widget(
        Paragraph::new(detail)
            .wrap(Wrap { trim: true })
            .block(Block::default().borders(Borders::ALL).border_style(t.border)),
        areas.detail,
    );
}

fn mode_kind(target: crate::content::ModeTarget) -> &'static str {
    use crate::content::ModeTarget as M;
    match target {
        M::LiveLab => "[lab]",
        M::VisualQuiz | M::Practice | M::ReviewMissed => "[quiz]",
        _ => "",
    }
}

fn entry_title(home: &HomeState, v: View<'_>, entry: HomeEntry) -> String {
    match entry {
        HomeEntry::Continue => s::CONTINUE.to_owned(),
        HomeEntry::Auto(target) => s::auto_mode_title(target).to_owned(),
        HomeEntry::Mode(i) => v
            .catalog
            .lessons
            .get(home.lesson)
            .and_then(|l| l.modes.get(i))
            .map(|m| m.title.clone())
            .unwrap_or_default(),
    }
}

fn entry_detail(home: &HomeState, v: View<'_>, entry: HomeEntry) -> String {
    match entry {
        HomeEntry::Continue => match (v.progress.position(), v.catalog.lessons.get(home.lesson)) {
            (Some(pos), Some(lesson)) => {
                let page = crate::tui::doc::Page { section: pos.section, item: pos.item };
                format!("{} › {}", lesson.title, crate::tui::doc::page_title(lesson, page))
            }
            _ => String::new(),
        },
        HomeEntry::Auto(target) => s::auto_mode_detail(target).to_owned(),
        HomeEntry::Mode(i) => v
            .catalog
            .lessons
            .get(home.lesson)
            .and_then(|l| l.modes.get(i))
            .map(|m| m.description.clone())
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use crate::tui::app::tests::app;
    use crate::tui::frame::tests::draw;
    use crate::tui::msg::Action;
    use crate::tui::saved::Position;
    use crate::tui::theme::MONOCHROME;

    #[test]
    fn home_80x24() {
        insta::assert_snapshot!("home_80x24", draw(&app(80, 24)));
    }

    #[test]
    fn home_120x40_with_progress_and_continue() {
        let mut a = app(120, 40);
        a.progress.mark_read("demo-bearer", crate::content::SectionKind::Overview);
        a.progress.record_prediction("demo-bearer", 0, "200 with the items");
        a.progress.set_position(Position {
            lesson: "demo-bearer".into(),
            section: crate::content::SectionKind::BuildUp,
            item: 1,
            scroll: 0,
        });
        insta::assert_snapshot!("home_120x40", draw(&a));
    }

    #[test]
    fn high_contrast_selection_is_black_on_white() {
        use ratatui::style::Color;
        let mut a = app(80, 24);
        a.theme = &crate::tui::theme::HIGH_CONTRAST;
        let backend = draw(&a);
        let buf = backend.buffer();
        let areas = crate::tui::layout::home(a.size, 1);
        // The selected mode's row: inside the modes box, first entry.
        let cell = &buf[(areas.modes.x + 3, areas.modes.y + 1)];
        assert_eq!((cell.fg, cell.bg), (Color::Black, Color::White), "{cell:?}");
        assert!(format!("{backend}").contains("▶ Guided walk-through"));
    }

    #[test]
    fn home_no_color_marks_selection_without_colour() {
        let mut a = app(80, 24);
        a.theme = &MONOCHROME;
        a.update(Action::Down);
        let backend = draw(&a);
        insta::assert_snapshot!("home_80x24_no_color", backend);
        crate::tui::frame::tests::assert_no_colour(&backend);
        assert!(format!("{backend}").contains("▶ Visual breakdown"));
    }
}
