//! The reader: the page's lines (laid out once per width by `update`), of which only the visible
//! slice is drawn; the outline; search highlights; the position indicator.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::{ReaderFocus, ReaderState};
use crate::content::Lesson;
use crate::tui::ctx::View;
use crate::tui::doc::page_title;
use crate::tui::layout;
use crate::tui::markdown::fit;
use crate::tui::strings as s;
use crate::tui::theme::Theme;

pub fn render(frame: &mut Frame<'_>, area: Rect, r: &ReaderState, v: View<'_>) {
    let t = v.theme;
    let areas = r.areas(area);
    let Some(lesson) = v.catalog.lessons.get(r.lesson) else { return };

    let page = r.current();
    // Both titles fit the width, each ending in `…` when cut (the page's own title first).
    let width = usize::from(area.width);
    let page_t = page_title(lesson, page);
    let page_t =
        fit(&page_t, width.saturating_sub(4 + crate::tui::markdown::width(&lesson.title)).max(width / 2));
    let lesson_t = fit(&lesson.title, width.saturating_sub(4 + crate::tui::markdown::width(&page_t)));
    let header = Line::from(vec![
        Span::styled(format!(" {lesson_t} "), t.title),
        Span::styled("› ", t.dim),
        Span::styled(page_t, t.bold),
    ]);
    frame.render_widget(Paragraph::new(header), areas.header);

    if let Some(area) = areas.outline {
        outline(frame, area, r, v, lesson);
    }

    // Only the visible lines are cloned and drawn, so a long page costs what a short one does.
    let h = usize::from(areas.body.height);
    let end = (r.scroll + h).min(r.doc.lines.len());
    let current_hit = r.search.hits.get(r.search.current).copied();
    let visible: Vec<Line<'_>> = (r.scroll..end)
        .map(|n| {
            let line = &r.doc.lines[n];
            let hits: Vec<(usize, usize, bool)> = r
                .search
                .hits
                .iter()
                .filter(|h| h.0 == n)
                .map(|&(l, a, b)| (a, b, current_hit == Some((l, a, b))))
                .collect();
            if hits.is_empty() {
                line.clone()
            } else {
                highlight(line, &hits, t.search_match, t.search_current)
            }
        })
        .collect();
    let hscroll = u16::try_from(r.hscroll).unwrap_or(u16::MAX);
    frame.render_widget(Paragraph::new(visible).scroll((0, hscroll)), areas.body);

    status(frame, areas.status, r, t, end, areas.body.width);
}

/// The outline beside the page: every page of the mode, read ones ticked.
fn outline(frame: &mut Frame<'_>, outline: Rect, r: &ReaderState, v: View<'_>, lesson: &Lesson) {
    let t = v.theme;
    let focused = r.focus == ReaderFocus::Outline;
    let border = if focused { t.border_focus } else { t.border };
    let inner_h = usize::from(outline.height.saturating_sub(2));
    let sel = if focused { r.outline_sel } else { r.page };
    let offset = layout::list_offset(sel, inner_h);
    // Mark (2 cells) and the right border (1) leave the rest for the title.
    let title_w = usize::from(outline.width.saturating_sub(3));
    let lines: Vec<Line<'_>> = r
        .pages
        .iter()
        .enumerate()
        .skip(offset)
        .take(inner_h)
        .map(|(i, p)| {
            let read = v.progress.is_read(&lesson.id, p.section);
            let current = i == r.page;
            let mark = if current {
                "▶"
            } else if read {
                s::MARK_RIGHT
            } else {
                " "
            };
            let style = if focused && i == r.outline_sel {
                t.selected
            } else if current {
                t.bold
            } else {
                t.text
            };
            Line::from(vec![
                Span::styled(format!("{mark} "), if read && !current { t.good } else { style }),
                Span::styled(fit(&page_title(lesson, *p), title_w), style),
            ])
        })
        .collect();
    let title_mark = if focused { "▶ " } else { "" };
    let block = Block::default()
        .borders(Borders::RIGHT | Borders::TOP | Borders::BOTTOM)
        .border_style(border)
        .title(Span::styled(format!("{title_mark}{}", s::OUTLINE), t.title));
    frame.render_widget(Paragraph::new(lines).block(block), outline);
}

/// The status line: the search being typed, or where we are.
fn status(frame: &mut Frame<'_>, area: Rect, r: &ReaderState, t: &'static Theme, end: usize, body_w: u16) {
    let status = if r.search.editing {
        Line::from(vec![
            Span::styled(s::SEARCH_PROMPT, t.accent),
            Span::styled(format!("{}▏", r.search.query), t.text),
            Span::styled(
                if r.search.query.is_empty() {
                    String::new()
                } else {
                    format!("  ({} matches)", r.search.hits.len())
                },
                t.dim,
            ),
        ])
    } else {
        let total = r.doc.lines.len();
        let mut spans = vec![Span::styled(
            format!(" {}", s::position(r.page + 1, r.pages.len(), (r.scroll + 1).min(total), end, total)),
            t.dim,
        )];
        if !r.search.query.is_empty() && !r.search.hits.is_empty() {
            spans.push(Span::styled(
                format!("  /{}: {}", r.search.query, s::matches(r.search.current + 1, r.search.hits.len())),
                t.accent,
            ));
        }
        if r.hscroll > 0 {
            spans.push(Span::styled(format!("  ⇢ {}", r.hscroll), t.dim));
        } else if r.doc.max_width > usize::from(body_w) {
            // A diagram or a code line is wider than the screen: say so, and how to see it.
            spans.push(Span::styled(format!("  {}", s::WIDER_THAN_SCREEN), t.accent));
        }
        Line::from(spans)
    };
    frame.render_widget(Paragraph::new(status), area);
}

/// Restyles the byte ranges of matches in a line (the line's text and its folded copy share
/// byte offsets).
fn highlight(
    line: &Line<'static>,
    hits: &[(usize, usize, bool)],
    matched: Style,
    current: Style,
) -> Line<'static> {
    let mut out = Vec::new();
    let mut at = 0;
    for span in &line.spans {
        let text = span.content.as_ref();
        let start = at;
        let end = at + text.len();
        let mut cut = start;
        for &(a, b, is_current) in hits {
            let (a, b) = (a.max(start), b.min(end));
            if a >= b || a < cut {
                continue;
            }
            if !text.is_char_boundary(a - start) || !text.is_char_boundary(b - start) {
                continue;
            }
            if a > cut {
                out.push(Span::styled(text[cut - start..a - start].to_owned(), span.style));
            }
            let style = span.style.patch(if is_current { current } else { matched });
            out.push(Span::styled(text[a - start..b - start].to_owned(), style));
            cut = b;
        }
        if cut < end {
            out.push(Span::styled(text[cut - start..].to_owned(), span.style));
        }
        at = end;
    }
    Line::from(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::ModeTarget;
    use crate::tui::app::tests::{app, open};
    use crate::tui::frame::tests::draw;
    use crate::tui::msg::Action;
    use crate::tui::theme::DEFAULT;

    fn snap(target: ModeTarget, w: u16, h: u16, steps: &[Action]) -> ratatui::backend::TestBackend {
        let mut a = app(w, h);
        open(&mut a, target);
        for s in steps {
            a.update(s.clone());
        }
        draw(&a)
    }

    /// Snapshots a view at 80×24 and at 120×40.
    fn both(name: &str, target: ModeTarget, steps: &[Action]) {
        for (w, h) in [(80, 24), (120, 40)] {
            insta::assert_snapshot!(format!("{name}_{w}x{h}"), snap(target, w, h, steps));
        }
    }

    fn next(n: usize) -> Vec<Action> {
        std::iter::repeat_n(Action::NextPage, n).collect()
    }

    #[test]
    fn guided_walkthrough() {
        both("reader_guided", ModeTarget::GuidedWalkthrough, &[]);
        both("reader_mental_model_diagram", ModeTarget::GuidedWalkthrough, &next(1));
    }

    #[test]
    fn build_up_before_and_after_the_prediction() {
        both("reader_predict", ModeTarget::BuildUp, &[Action::Choose(1), Action::Bottom]);
        both("reader_reveal", ModeTarget::BuildUp, &[Action::Choose(1), Action::Commit]);
        let typed = [Action::NextPage, Action::StartTyping, Action::Input('4'), Action::Input('0')];
        both("reader_typed_answer", ModeTarget::BuildUp, &typed);
    }

    #[test]
    fn myths_before_and_after() {
        both("reader_myth", ModeTarget::MythBusters, &[]);
        both("reader_myth_revealed", ModeTarget::MythBusters, &[Action::MythAnswer(true)]);
    }

    #[test]
    fn pitfalls_stacked_and_side_by_side() {
        both("reader_pitfall", ModeTarget::Pitfalls, &[]);
        let wide = snap(ModeTarget::Pitfalls, 120, 40, &[Action::ToggleOutline]);
        insta::assert_snapshot!("reader_pitfall_side_by_side_120x40", wide);
    }

    #[test]
    fn visual_breakdown_pages() {
        both("reader_flow", ModeTarget::VisualBreakdown, &next(2));
        both("reader_sample", ModeTarget::VisualBreakdown, &next(6));
        both("reader_table", ModeTarget::VisualBreakdown, &next(7));
        both("reader_tracker", ModeTarget::VisualBreakdown, &next(8));
        both("reader_key_moments", ModeTarget::VisualBreakdown, &next(9));
        both("reader_snapshot", ModeTarget::VisualBreakdown, &next(10));
    }

    #[test]
    fn cheat_sheet_transcript_and_hidden_outline() {
        both("reader_cheat", ModeTarget::CheatSheet, &[]);
        both("reader_transcript_no_outline", ModeTarget::Transcript, &[Action::ToggleOutline]);
        both(
            "reader_outline_focus",
            ModeTarget::GuidedWalkthrough,
            &[Action::FocusNext, Action::Down, Action::Down],
        );
        let shown = [Action::ToggleOutline, Action::FocusNext, Action::Down];
        insta::assert_snapshot!(
            "reader_outline_shown_80x24",
            snap(ModeTarget::GuidedWalkthrough, 80, 24, &shown)
        );
    }

    #[test]
    fn search_highlights_matches_with_a_style_and_shows_the_count() {
        let mut a = app(80, 24);
        open(&mut a, ModeTarget::GuidedWalkthrough);
        a.update(Action::SearchStart);
        for c in "bearer".chars() {
            a.update(Action::Input(c));
        }
        a.update(Action::InputSubmit);
        let backend = draw(&a);
        insta::assert_snapshot!("reader_search_80x24", backend);
        let buf = backend.buffer();
        let styled = buf.content().iter().filter(|c| c.bg == DEFAULT.search_current.bg.unwrap()).count();
        assert_eq!(styled, "bearer".len(), "the current match is highlighted");
        assert!(format!("{backend}").contains("/bearer: match 1 of"));
    }

    #[test]
    fn highlight_splits_spans_at_match_bounds() {
        let line = Line::from(vec![Span::raw("ab"), Span::styled("cdef", DEFAULT.bold)]);
        let out = highlight(&line, &[(1, 3, true)], DEFAULT.search_match, DEFAULT.search_current);
        let parts: Vec<&str> = out.spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(parts, vec!["a", "b", "c", "def"]);
        assert_eq!(out.spans[1].style, Style::new().patch(DEFAULT.search_current));
    }

    #[test]
    fn a_5000_line_page_draws_only_the_visible_slice() {
        use crate::content::Md;
        let mut a = app(80, 24);
        let body: String = (0..5000).map(|i| format!("Line {i} of a very long transcript.\n\n")).collect();
        a.catalog.lessons[0].transcript = Md::Inline(body);
        open(&mut a, ModeTarget::Transcript);
        a.update(Action::Bottom);
        let text = format!("{}", draw(&a));
        assert!(text.contains("Line 4999 of a very long transcript."), "{text}");
        assert!(text.contains("lines 9980-") || text.contains("of 100"), "{text}");
    }
}
