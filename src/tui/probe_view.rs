//! `probe --format tui`: the report in a full-screen view with three tabs (findings, the execution
//! table of requests, the declared-security table), for reading a long run without a pager. Every
//! text a server or an OpenAPI document supplied goes through the sanitizer before it is drawn.

use std::io;

use crossterm::event::{self, Event, KeyCode, KeyEventKind};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::probe::{Report, Severity};
use crate::safe_text::sanitize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Findings,
    Requests,
    Operations,
}

/// Which tab is shown and how far it is scrolled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct View {
    pub tab: Tab,
    pub scroll: u16,
}

impl Default for View {
    fn default() -> Self {
        Self { tab: Tab::Findings, scroll: 0 }
    }
}

impl View {
    /// Applies a key; `true` means quit.
    pub fn on_key(&mut self, code: KeyCode) -> bool {
        let page = 10;
        match code {
            KeyCode::Char('q') | KeyCode::Esc => return true,
            KeyCode::Tab | KeyCode::Right => self.switch(match self.tab {
                Tab::Findings => Tab::Requests,
                Tab::Requests => Tab::Operations,
                Tab::Operations => Tab::Findings,
            }),
            KeyCode::BackTab | KeyCode::Left => self.switch(match self.tab {
                Tab::Findings => Tab::Operations,
                Tab::Requests => Tab::Findings,
                Tab::Operations => Tab::Requests,
            }),
            KeyCode::Char('1') => self.switch(Tab::Findings),
            KeyCode::Char('2') => self.switch(Tab::Requests),
            KeyCode::Char('3') => self.switch(Tab::Operations),
            KeyCode::Down | KeyCode::Char('j') => self.scroll = self.scroll.saturating_add(1),
            KeyCode::Up | KeyCode::Char('k') => self.scroll = self.scroll.saturating_sub(1),
            KeyCode::PageDown | KeyCode::Char(' ') => self.scroll = self.scroll.saturating_add(page),
            KeyCode::PageUp => self.scroll = self.scroll.saturating_sub(page),
            KeyCode::Home => self.scroll = 0,
            _ => {}
        }
        false
    }

    fn switch(&mut self, tab: Tab) {
        self.tab = tab;
        self.scroll = 0;
    }
}

fn severity_span(s: Severity) -> Span<'static> {
    match s {
        Severity::High => {
            Span::styled(" HIGH ", Style::new().red().add_modifier(Modifier::BOLD | Modifier::REVERSED))
        }
        Severity::Medium => Span::styled(" MEDIUM ", Style::new().yellow().add_modifier(Modifier::BOLD)),
        Severity::Info => Span::styled(" info ", Style::new().dim()),
    }
}

fn clean(text: &str) -> String {
    sanitize(text).into_owned()
}

/// The lines of a tab.
#[must_use]
pub fn lines(report: &Report, tab: Tab) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    match tab {
        Tab::Findings => {
            if report.findings.is_empty() {
                out.push(Line::from("No findings."));
            }
            let mut sorted: Vec<_> = report.findings.iter().collect();
            sorted.sort_by_key(|f| std::cmp::Reverse(f.severity));
            for f in sorted {
                out.push(Line::from(vec![
                    severity_span(f.severity),
                    Span::raw(" "),
                    clean(&f.operation).bold(),
                ]));
                out.push(Line::from(format!("    {}", clean(&f.what))));
                out.push(Line::from(format!("    lesson: {}", clean(&f.lesson))).dim());
                out.push(Line::default());
            }
        }
        Tab::Requests => {
            for e in &report.exchanges {
                let status = e.status.map_or_else(|| "—".to_owned(), |s| s.to_string());
                let style = match e.status {
                    Some(200..=299) => Style::new().green(),
                    Some(_) => Style::new(),
                    None => Style::new().dim(),
                };
                out.push(Line::from(vec![
                    Span::raw(format!(
                        "→ {:<7} {:<30} {:<48} ← ",
                        e.method,
                        clean(&e.path),
                        clean(&e.attack)
                    )),
                    Span::styled(status, style),
                ]));
            }
            if report.skipped > 0 {
                out.push(Line::from(format!(
                    "({} request(s) not sent: --max-requests reached)",
                    report.skipped
                )));
            }
        }
        Tab::Operations => {
            for op in &report.operations {
                let sec = if op.security.is_empty() {
                    Span::styled("NONE", Style::new().yellow())
                } else {
                    Span::raw(clean(&op.security.join(", ")))
                };
                out.push(Line::from(vec![
                    Span::raw(format!("{:<7} {:<40} ", op.method, clean(&op.path))),
                    sec,
                ]));
            }
        }
    }
    out
}

/// Draws the report: tabs on top, the chosen tab, the keys at the bottom.
pub fn render(frame: &mut Frame<'_>, report: &Report, view: &View) {
    let [top, body, bottom] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(1), Constraint::Length(1)])
            .areas(frame.area());
    let high = report.findings.iter().filter(|f| f.severity == Severity::High).count();
    let tabs = [
        (Tab::Findings, format!("1 Findings ({}, {high} high)", report.findings.len())),
        (Tab::Requests, format!("2 Requests ({})", report.exchanges.len())),
        (Tab::Operations, format!("3 Operations ({})", report.operations.len())),
    ];
    let mut spans = vec![Span::raw("apisec-tutor probe  ").bold()];
    for (tab, label) in tabs {
        let style =
            if tab == view.tab { Style::new().add_modifier(Modifier::REVERSED) } else { Style::new() };
        spans.push(Span::styled(format!(" {label} "), style));
        spans.push(Span::raw(" "));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), top);
    let text = lines(report, view.tab);
    let max = u16::try_from(text.len().saturating_sub(1)).unwrap_or(u16::MAX);
    frame.render_widget(
        Paragraph::new(text)
            .block(Block::new().borders(Borders::TOP))
            .wrap(Wrap { trim: false })
            .scroll((view.scroll.min(max), 0)),
        body,
    );
    frame.render_widget(Paragraph::new("Tab / 1 2 3 switch · ↑ ↓ PgUp PgDn scroll · q quit").dim(), bottom);
}

/// Shows the report until the learner quits.
pub fn show(report: &Report) -> io::Result<()> {
    let dir = std::env::temp_dir().join("apisec-tutor");
    let mut guard = super::terminal::TerminalGuard::enter(&dir)?;
    let mut view = View::default();
    loop {
        guard.terminal()?.draw(|f| render(f, report, &view))?;
        if let Event::Key(key) = event::read()?
            && key.kind == KeyEventKind::Press
            && view.on_key(key.code)
        {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use super::*;
    use crate::probe::{Exchange, Finding, OperationRow, Teach};

    fn report() -> Report {
        Report {
            operations: vec![OperationRow {
                method: "GET".into(),
                path: "/data\u{1b}[2J".into(),
                security: vec![],
            }],
            exchanges: vec![Exchange {
                operation: "GET /data".into(),
                attack: "arbitrary API key".into(),
                method: "GET".into(),
                path: "/data".into(),
                status: Some(200),
                headers: Default::default(),
                body_sha256: None,
            }],
            findings: vec![
                Finding {
                    severity: Severity::Info,
                    operation: "GET /data".into(),
                    what: "declares no security".into(),
                    teaches: Teach::NoSecurity,
                    lesson: "lesson 1, build-up".into(),
                },
                Finding {
                    severity: Severity::High,
                    operation: "GET /data".into(),
                    what: "accepts any value as API key".into(),
                    teaches: Teach::AnyApiKey,
                    lesson: "lesson 1, myth".into(),
                },
            ],
            ..Report::default()
        }
    }

    fn screen(view: &View) -> String {
        let mut term = Terminal::new(TestBackend::new(100, 12)).unwrap_or_else(|_| unreachable!());
        let r = report();
        let _ = term.draw(|f| render(f, &r, view));
        let buf = term.backend().buffer().clone();
        (0..buf.area.height)
            .map(|y| (0..buf.area.width).map(|x| buf[(x, y)].symbol().to_owned()).collect::<String>())
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn findings_come_first_highest_severity_on_top_with_their_lesson() {
        let s = screen(&View::default());
        assert!(s.contains("1 Findings (2, 1 high)"), "{s}");
        let high = s.find("HIGH").unwrap_or(usize::MAX);
        let info = s.find(" info ").unwrap_or(0);
        assert!(high < info, "{s}");
        assert!(s.contains("lesson: lesson 1, myth"), "{s}");
    }

    #[test]
    fn keys_switch_tabs_scroll_and_quit_and_server_text_is_sanitized() {
        let mut v = View::default();
        assert!(!v.on_key(KeyCode::Down));
        assert_eq!(v.scroll, 1);
        assert!(!v.on_key(KeyCode::Tab));
        assert_eq!(v, View { tab: Tab::Requests, scroll: 0 });
        assert!(screen(&v).contains("arbitrary API key"));
        assert!(!v.on_key(KeyCode::Char('3')));
        let s = screen(&v);
        assert!(s.contains("NONE") && !s.contains('\u{1b}'), "{s}");
        assert!(!v.on_key(KeyCode::BackTab));
        assert_eq!(v.tab, Tab::Requests);
        assert!(v.on_key(KeyCode::Char('q')));
        assert!(v.on_key(KeyCode::Esc));
    }
}
