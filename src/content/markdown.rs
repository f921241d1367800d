//! What can be wrong with Markdown. pulldown-cmark accepts any text, so "fails to parse" means
//! the two mistakes that silently change what a learner sees:
//! - a fenced code block that is never closed swallows the rest of the text (error);
//! - a reference link (`[text][ref]` or `[ref][]`) whose `[ref]: url` is not defined renders as
//!   literal brackets (error). A bare `[text]` is left alone: prose uses brackets for other things.

use pulldown_cmark::{BrokenLink, CodeBlockKind, Event, LinkType, Options, Parser, Tag};

/// A problem at a byte offset of the Markdown text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MdProblem {
    pub offset: usize,
    pub message: String,
}

/// The options the reader renders with, so `check` sees the same document.
#[must_use]
pub fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

#[must_use]
pub fn check(text: &str) -> Vec<MdProblem> {
    let mut broken: Vec<MdProblem> = Vec::new();
    let mut problems = Vec::new();
    {
        let callback = |link: BrokenLink<'_>| {
            if matches!(link.link_type, LinkType::Reference | LinkType::Collapsed) {
                broken.push(MdProblem {
                    offset: link.span.start,
                    message: format!(
                        "link reference `[{}]` is not defined (add `[{}]: URL`)",
                        link.reference, link.reference
                    ),
                });
            }
            None
        };
        let parser = Parser::new_with_broken_link_callback(text, options(), Some(callback));
        for (event, range) in parser.into_offset_iter() {
            if let Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(_))) = event
                && !fence_is_closed(text.get(range.clone()).unwrap_or(""))
            {
                problems.push(MdProblem {
                    offset: range.start,
                    message: "code block is never closed: add a closing fence (```) after its last line"
                        .to_owned(),
                });
            }
        }
    }
    problems.extend(broken);
    problems.sort_by_key(|p| p.offset);
    problems
}

/// A fenced block's source ends with a closing fence of the same character, at least as long.
fn fence_is_closed(block: &str) -> bool {
    let mut lines = block.lines();
    let Some(first) = lines.next() else { return false };
    let open = first.trim_start();
    let Some(ch) = open.chars().next() else { return false };
    let len = open.chars().take_while(|c| *c == ch).count();
    let Some(last) = block.lines().skip(1).filter(|l| !l.trim().is_empty()).last() else { return false };
    let close = last.trim();
    close.chars().all(|c| c == ch) && close.chars().count() >= len
}

/// 1-based line and column (in characters) of a byte offset.
#[must_use]
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_markdown_has_no_problems() {
        let text = "# Title\n\nSome *text* and a [link](https://example.com) and [a ref][r].\n\n\
                    ```python\nprint('hi')\n```\n\n[r]: https://example.com\n\n~~~~\n```\n~~~~\n";
        assert_eq!(check(text), []);
    }

    #[test]
    fn unclosed_fences_are_found_at_their_opening() {
        let text = "Intro\n\n```python\nprint('never closed')\n\nMore prose.\n";
        let problems = check(text);
        assert_eq!(problems.len(), 1);
        assert_eq!(line_col(text, problems[0].offset), (3, 1));
        assert!(problems[0].message.contains("never closed"));
        // A shorter closing fence does not close a longer one.
        assert_eq!(check("````\ncode\n```\n").len(), 1);
    }

    #[test]
    fn broken_reference_links_are_found_but_bare_brackets_are_not() {
        let text = "See [the docs][docs] and [x][].\nA [bare] bracket is fine.\n";
        let problems = check(text);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(line_col(text, problems[0].offset), (1, 5));
        assert!(problems[0].message.contains("`[docs]` is not defined"));
    }

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col("ab\ncé d", 7), (2, 4));
        assert_eq!(line_col("é", 1), (1, 1));
    }
}
