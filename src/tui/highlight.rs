//! A small hand-written highlighter for the languages lessons use (Python, JSON, HTTP, shell).
//!
//! It only has to colour teaching snippets: keywords, strings, comments, numbers, decorators and
//! HTTP header names. No syntect: its defaults pull a C regex engine and an advisory.

/// What a piece of code is, for colouring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tok {
    Plain,
    Keyword,
    Str,
    Comment,
    Number,
    Decorator,
    /// HTTP header names and JSON keys.
    Key,
}

const PYTHON_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def",
    "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is",
    "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield", "match",
    "case",
];

const SHELL_KEYWORDS: &[&str] =
    &["if", "then", "else", "fi", "for", "do", "done", "while", "case", "esac", "export", "echo", "curl"];

const HTTP_METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "HTTP/1.1"];

/// Splits code into lines of coloured pieces. Unknown languages come back as plain text.
#[must_use]
pub fn highlight(language: &str, source: &str) -> Vec<Vec<(String, Tok)>> {
    let lines = source.trim_end_matches('\n').split('\n').map(|l| l.trim_end_matches('\r'));
    match language.to_ascii_lowercase().as_str() {
        "python" | "py" => {
            let mut in_triple: Option<&'static str> = None;
            lines.map(|l| python_line(l, &mut in_triple)).collect()
        }
        "json" => lines.map(json_line).collect(),
        "http" => {
            let mut in_body = false;
            lines.map(|l| http_line(l, &mut in_body)).collect()
        }
        "bash" | "sh" | "shell" | "console" => lines.map(shell_line).collect(),
        _ => lines.map(|l| vec![(l.to_owned(), Tok::Plain)]).collect(),
    }
}

/// Accumulates pieces, merging neighbours of the same kind.
struct Out(Vec<(String, Tok)>);

impl Out {
    fn push(&mut self, text: &str, tok: Tok) {
        if text.is_empty() {
            return;
        }
        if let Some(last) = self.0.last_mut()
            && last.1 == tok
        {
            last.0.push_str(text);
            return;
        }
        self.0.push((text.to_owned(), tok));
    }
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The byte index where a quoted string starting at `start` ends (after the closing quote), or
/// the line's end when it is not closed.
fn string_end(line: &str, start: usize, quote: char) -> usize {
    let mut escaped = false;
    for (i, c) in line[start + quote.len_utf8()..].char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == quote {
            return start + quote.len_utf8() + i + c.len_utf8();
        }
    }
    line.len()
}

fn number_end(line: &str, start: usize) -> usize {
    line[start..]
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '.' || c == '_'))
        .map_or(line.len(), |(i, _)| start + i)
}

fn ident_end(line: &str, start: usize) -> usize {
    line[start..].char_indices().find(|&(_, c)| !is_ident(c)).map_or(line.len(), |(i, _)| start + i)
}

/// Long because it is one tokenizer loop: strings (and triple-quoted ones spanning lines),
/// comments, numbers, decorators and names share the cursor `i`, which a split would pass around.
fn python_line(line: &str, in_triple: &mut Option<&'static str>) -> Vec<(String, Tok)> {
    let mut out = Out(Vec::new());
    let mut i = 0;
    if let Some(delim) = *in_triple {
        match line.find(delim) {
            Some(end) => {
                out.push(&line[..end + 3], Tok::Str);
                i = end + 3;
                *in_triple = None;
            }
            None => return vec![(line.to_owned(), Tok::Str)],
        }
    }
    let mut prev_was_word = false;
    while i < line.len() {
        let rest = &line[i..];
        let Some(c) = rest.chars().next() else { break };
        if c == '#' {
            out.push(rest, Tok::Comment);
            break;
        }
        if rest.starts_with("\"\"\"") || rest.starts_with("'''") {
            let delim = if rest.starts_with("\"\"\"") { "\"\"\"" } else { "'''" };
            match rest[3..].find(delim) {
                Some(end) => {
                    out.push(&rest[..end + 6], Tok::Str);
                    i += end + 6;
                }
                None => {
                    out.push(rest, Tok::Str);
                    *in_triple = Some(delim);
                    break;
                }
            }
            prev_was_word = false;
            continue;
        }
        if c == '"' || c == '\'' {
            let end = string_end(line, i, c);
            out.push(&line[i..end], Tok::Str);
            i = end;
            prev_was_word = false;
            continue;
        }
        if c == '@' && line[..i].trim().is_empty() {
            let end = line[i + 1..]
                .char_indices()
                .find(|&(_, c)| !(is_ident(c) || c == '.'))
                .map_or(line.len(), |(j, _)| i + 1 + j);
            out.push(&line[i..end], Tok::Decorator);
            i = end;
            continue;
        }
        if c.is_ascii_digit() && !prev_was_word {
            let end = number_end(line, i);
            out.push(&line[i..end], Tok::Number);
            i = end;
            continue;
        }
        if is_ident_start(c) {
            let end = ident_end(line, i);
            let word = &line[i..end];
            // A string prefix such as f"..." or b'...' belongs to the string.
            let next = line[end..].chars().next();
            if matches!(word, "f" | "b" | "r" | "rb" | "br" | "fr" | "rf" | "u")
                && matches!(next, Some('"' | '\''))
            {
                let quote = next.unwrap_or('"');
                let close = string_end(line, end, quote);
                out.push(&line[i..close], Tok::Str);
                i = close;
                continue;
            }
            let tok = if PYTHON_KEYWORDS.contains(&word) { Tok::Keyword } else { Tok::Plain };
            out.push(word, tok);
            i = end;
            prev_was_word = true;
            continue;
        }
        out.push(&line[i..i + c.len_utf8()], Tok::Plain);
        prev_was_word = false;
        i += c.len_utf8();
    }
    out.0
}

fn json_line(line: &str) -> Vec<(String, Tok)> {
    let mut out = Out(Vec::new());
    let mut i = 0;
    while i < line.len() {
        let rest = &line[i..];
        let Some(c) = rest.chars().next() else { break };
        if c == '"' {
            let end = string_end(line, i, '"');
            // A string followed by `:` is a key.
            let is_key = line[end..].trim_start().starts_with(':');
            out.push(&line[i..end], if is_key { Tok::Key } else { Tok::Str });
            i = end;
        } else if c.is_ascii_digit() || (c == '-' && rest[1..].starts_with(|d: char| d.is_ascii_digit())) {
            let end = number_end(line, i + 1).max(i + 1);
            out.push(&line[i..end], Tok::Number);
            i = end;
        } else if is_ident_start(c) {
            let end = ident_end(line, i);
            let word = &line[i..end];
            let tok = if matches!(word, "true" | "false" | "null") { Tok::Keyword } else { Tok::Plain };
            out.push(word, tok);
            i = end;
        } else {
            out.push(&line[i..i + c.len_utf8()], Tok::Plain);
            i += c.len_utf8();
        }
    }
    out.0
}

/// Request/status lines and headers until the first blank line, then a JSON-ish body.
fn http_line(line: &str, in_body: &mut bool) -> Vec<(String, Tok)> {
    if *in_body {
        return json_line(line);
    }
    if line.trim().is_empty() {
        *in_body = true;
        return vec![(line.to_owned(), Tok::Plain)];
    }
    let mut out = Out(Vec::new());
    let first = line.split(' ').next().unwrap_or("");
    if HTTP_METHODS.contains(&first) || first.starts_with("HTTP/") {
        for (n, part) in line.split(' ').enumerate() {
            if n > 0 {
                out.push(" ", Tok::Plain);
            }
            let tok = if n == 0 {
                Tok::Keyword
            } else if part.chars().all(|c| c.is_ascii_digit()) && !part.is_empty() {
                Tok::Number
            } else {
                Tok::Plain
            };
            out.push(part, tok);
        }
    } else if let Some((name, value)) = line.split_once(':') {
        out.push(name, Tok::Key);
        out.push(":", Tok::Plain);
        out.push(value, Tok::Str);
    } else {
        out.push(line, Tok::Plain);
    }
    out.0
}

fn shell_line(line: &str) -> Vec<(String, Tok)> {
    let mut out = Out(Vec::new());
    let mut i = 0;
    while i < line.len() {
        let rest = &line[i..];
        let Some(c) = rest.chars().next() else { break };
        if c == '#' && (i == 0 || line[..i].ends_with(' ')) {
            out.push(rest, Tok::Comment);
            break;
        }
        if c == '"' || c == '\'' {
            let end = string_end(line, i, c);
            out.push(&line[i..end], Tok::Str);
            i = end;
        } else if c == '-' && (i == 0 || line[..i].ends_with(' ')) {
            let end = line[i..].find(' ').map_or(line.len(), |j| i + j);
            out.push(&line[i..end], Tok::Decorator);
            i = end;
        } else if is_ident_start(c) {
            let end = ident_end(line, i);
            let word = &line[i..end];
            out.push(word, if SHELL_KEYWORDS.contains(&word) { Tok::Keyword } else { Tok::Plain });
            i = end;
        } else {
            out.push(&line[i..i + c.len_utf8()], Tok::Plain);
            i += c.len_utf8();
        }
    }
    out.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(line: &[(String, Tok)]) -> Vec<(&str, Tok)> {
        line.iter().filter(|(t, _)| !t.trim().is_empty()).map(|(t, k)| (t.as_str(), *k)).collect()
    }

    #[test]
    fn python_keywords_strings_comments_numbers_decorators() {
        let src = "@app.get(\"/items/\")\nasync def f(x=42):  # note\n    return f\"{x}\"\n";
        let lines = highlight("python", src);
        assert_eq!(lines.len(), 3);
        assert_eq!(kinds(&lines[0])[0], ("@app.get", Tok::Decorator));
        assert!(kinds(&lines[0]).contains(&("\"/items/\"", Tok::Str)));
        let l1 = kinds(&lines[1]);
        assert!(l1.contains(&("async", Tok::Keyword)));
        assert!(l1.contains(&("def", Tok::Keyword)));
        assert!(l1.contains(&("42", Tok::Number)));
        assert_eq!(l1.last(), Some(&("# note", Tok::Comment)));
        assert!(kinds(&lines[2]).contains(&("f\"{x}\"", Tok::Str)));
    }

    #[test]
    fn python_triple_quoted_strings_span_lines_and_hashes_inside_strings_are_not_comments() {
        let lines = highlight("python", "x = \"\"\"a\n# not a comment\nb\"\"\" # c\ny = '#'");
        assert_eq!(kinds(&lines[1]), vec![("# not a comment", Tok::Str)]);
        assert_eq!(kinds(&lines[2]), vec![("b\"\"\"", Tok::Str), ("# c", Tok::Comment)]);
        assert!(kinds(&lines[3]).contains(&("'#'", Tok::Str)));
    }

    #[test]
    fn identifiers_with_digits_are_not_numbers() {
        let lines = highlight("python", "oauth2_scheme = 2");
        assert_eq!(kinds(&lines[0]), vec![("oauth2_scheme = ", Tok::Plain), ("2", Tok::Number)]);
    }

    #[test]
    fn json_keys_strings_numbers_literals() {
        let lines = highlight("json", r#"{"detail": "Not authenticated", "n": -3, "ok": true}"#);
        let k = kinds(&lines[0]);
        assert!(k.contains(&("\"detail\"", Tok::Key)));
        assert!(k.contains(&("\"Not authenticated\"", Tok::Str)));
        assert!(k.contains(&("-3", Tok::Number)));
        assert!(k.contains(&("true", Tok::Keyword)));
    }

    #[test]
    fn http_request_line_headers_then_body() {
        let lines = highlight("http", "HTTP/1.1 401 Unauthorized\nwww-authenticate: Bearer\n\n{\"a\": 1}");
        assert_eq!(kinds(&lines[0])[0], ("HTTP/1.1", Tok::Keyword));
        assert!(kinds(&lines[0]).contains(&("401", Tok::Number)));
        assert_eq!(kinds(&lines[1])[0], ("www-authenticate", Tok::Key));
        assert!(kinds(&lines[3]).contains(&("\"a\"", Tok::Key)));
    }

    #[test]
    fn unknown_language_is_plain_and_text_is_preserved() {
        let src = "a  b\n\tc";
        let lines = highlight("text", src);
        let joined: Vec<String> = lines.iter().map(|l| l.iter().map(|(t, _)| t.as_str()).collect()).collect();
        assert_eq!(joined, vec!["a  b", "\tc"]);
        for lang in ["python", "json", "http", "bash"] {
            let src = "GET /x \"y\" # z 12 @d\n  {\"k\": [1, 2]}\n";
            let lines = highlight(lang, src);
            let joined: Vec<String> =
                lines.iter().map(|l| l.iter().map(|(t, _)| t.as_str()).collect()).collect();
            assert_eq!(joined, vec!["GET /x \"y\" # z 12 @d", "  {\"k\": [1, 2]}"], "{lang}");
        }
    }
}
