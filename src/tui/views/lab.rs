//! The live lab screen. A placeholder until the lab's own view lands: it replaces this file and
//! [`LabState`](crate::tui::app::LabState), keeping the `render` signature.

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::tui::app::{App, LabState};
use crate::tui::strings as s;

pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App, state: &LabState) {
    let lesson = app.catalog.lessons.get(state.lesson).map_or("", |l| l.title.as_str());
    super::quiz::placeholder(frame, area, app, s::LAB_TITLE, lesson, s::COMING_LAB);
}

#[cfg(test)]
mod tests {
    use crate::content::ModeTarget;
    use crate::tui::app::tests::{app, open};
    use crate::tui::views::tests::draw;

    #[test]
    fn lab_placeholder_80x24() {
        let mut a = app(80, 24);
        open(&mut a, ModeTarget::LiveLab);
        insta::assert_snapshot!("lab_80x24", draw(&a));
        a.update(crate::tui::action::Action::Resize(120, 40));
        insta::assert_snapshot!("lab_120x40", draw(&a));
    }
}
