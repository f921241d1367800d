//! The small pieces of Python, h11, Starlette and the standard library whose exact behaviour
//! decides what FastAPI answers: how header bytes become text, what `str.strip()` removes, how
//! query strings, form bodies and cookies are split, how `urllib.parse.quote` escapes a URL and
//! how lenient `base64.b64decode` is. Each function mirrors one of them so the demo API reaches
//! the same decisions on odd input.

/// Header values and query strings are decoded as latin-1 (one char per byte), as Starlette does.
#[must_use]
pub fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// `str.isspace()`: Unicode whitespace plus the ASCII separators U+001C..U+001F.
#[must_use]
pub fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// `str.strip()` with no argument.
#[must_use]
pub fn py_strip(s: &str) -> &str {
    s.trim_matches(is_py_space)
}

/// `str.split()` with no argument: runs of whitespace separate, empty parts are dropped.
#[must_use]
pub fn py_split_ws(s: &str) -> Vec<&str> {
    s.split(is_py_space).filter(|p| !p.is_empty()).collect()
}

/// h11 strips optional whitespace (space and tab only) around a header value.
#[must_use]
pub fn trim_ows(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != b' ' && b != b'\t').unwrap_or(bytes.len());
    let end = bytes.iter().rposition(|&b| b != b' ' && b != b'\t').map_or(start, |i| i + 1);
    &bytes[start..end.max(start)]
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// `urllib.parse.unquote_to_bytes`: `%XX` becomes a byte, a broken escape stays as written.
#[must_use]
pub fn unquote_to_bytes(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'%'
            && let (Some(h), Some(l)) =
                (s.get(i + 1).copied().and_then(hex_val), s.get(i + 2).copied().and_then(hex_val))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(s[i]);
        i += 1;
    }
    out
}

/// `urllib.parse.unquote(s)` (UTF-8, errors replaced): only runs of ASCII are unescaped and
/// decoded; other characters pass through unchanged.
#[must_use]
pub fn unquote(s: &str) -> String {
    if !s.contains('%') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut ascii_run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if !run.is_empty() {
            out.push_str(&String::from_utf8_lossy(&unquote_to_bytes(run.as_bytes())));
            run.clear();
        }
    };
    for c in s.chars() {
        if c.is_ascii() {
            ascii_run.push(c);
        } else {
            flush(&mut ascii_run, &mut out);
            out.push(c);
        }
    }
    flush(&mut ascii_run, &mut out);
    out
}

/// `urllib.parse.unquote_plus`.
#[must_use]
pub fn unquote_plus(s: &str) -> String {
    unquote(&s.replace('+', " "))
}

/// `urllib.parse.quote(s, safe)`: UTF-8 bytes, everything but letters, digits, `_.-~` and `safe`
/// percent-escaped with upper-case hex.
#[must_use]
pub fn quote(s: &str, safe: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || b"_.-~".contains(&b) || (b.is_ascii() && safe.as_bytes().contains(&b))
        {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `urllib.parse.parse_qsl(s, keep_blank_values=True)`: `&`-separated, a part without `=` has
/// an empty value, `+` is a space.
#[must_use]
pub fn parse_qsl(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (name, value) = part.split_once('=').unwrap_or((part, ""));
            (unquote_plus(name), unquote_plus(value))
        })
        .collect()
}

/// Starlette's `cookie_parser`: `;`-separated, `name=value`, both stripped, a chunk without `=`
/// is a value with an empty name, quotes removed the way `http.cookies` does. Later names win.
#[must_use]
pub fn parse_cookies(header: &str) -> Vec<(String, String)> {
    let mut cookies: Vec<(String, String)> = Vec::new();
    for chunk in header.split(';') {
        let (key, val) = chunk.split_once('=').unwrap_or(("", chunk));
        let (key, val) = (py_strip(key), py_strip(val));
        if key.is_empty() && val.is_empty() {
            continue;
        }
        let val = cookie_unquote(val);
        if let Some(slot) = cookies.iter_mut().find(|(k, _)| k == key) {
            slot.1 = val;
        } else {
            cookies.push((key.to_owned(), val));
        }
    }
    cookies
}

/// `http.cookies._unquote`: a double-quoted value loses its quotes and `\ooo` / `\X` escapes.
fn cookie_unquote(val: &str) -> String {
    let chars: Vec<char> = val.chars().collect();
    if chars.len() < 2 || chars[0] != '"' || chars[chars.len() - 1] != '"' {
        return val.to_owned();
    }
    let inner = &chars[1..chars.len() - 1];
    let mut out = String::new();
    let mut i = 0;
    while i < inner.len() {
        if inner[i] == '\\' && i + 1 < inner.len() {
            let octal = inner
                .get(i + 1..i + 4)
                .filter(|d| ('0'..='3').contains(&d[0]) && d[1..].iter().all(|c| ('0'..='7').contains(c)));
            if let Some(digits) = octal {
                let code = digits.iter().fold(0u32, |acc, c| acc * 8 + c.to_digit(8).unwrap_or(0));
                out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                i += 4;
            } else {
                out.push(inner[i + 1]);
                i += 2;
            }
        } else {
            out.push(inner[i]);
            i += 1;
        }
    }
    out
}

/// `base64.b64decode(s)` without `validate`: only ASCII input; characters outside the alphabet
/// are skipped; padding ends the data; a wrong length is an error (CPython's `a2b_base64`),
/// here `None`.
pub fn b64decode_lenient(s: &str) -> Option<Vec<u8>> {
    if !s.is_ascii() {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut quad_pos = 0u8;
    let mut left: u32 = 0;
    let mut pads = 0u8;
    for &b in s.as_bytes() {
        if b == b'=' {
            pads += 1;
            if quad_pos >= 2 && quad_pos + pads >= 4 {
                return Some(out);
            }
            continue;
        }
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => continue,
        };
        pads = 0;
        let v = u32::from(v);
        match quad_pos {
            0 => {
                left = v;
                quad_pos = 1;
            }
            1 => {
                out.push(((left << 2) | (v >> 4)) as u8);
                left = v & 0x0f;
                quad_pos = 2;
            }
            2 => {
                out.push(((left << 4) | (v >> 2)) as u8);
                left = v & 0x03;
                quad_pos = 3;
            }
            _ => {
                out.push(((left << 6) | v) as u8);
                left = 0;
                quad_pos = 0;
            }
        }
    }
    (quad_pos == 0).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strip_and_split_follow_python() {
        assert_eq!(py_strip("\u{a0} \tx y\u{85}\u{1f}"), "x y");
        assert_eq!(py_split_ws(" me  items\u{2003}admin "), vec!["me", "items", "admin"]);
        assert!(py_split_ws("  ").is_empty());
        assert_eq!(trim_ows(b" \t a b \t"), b"a b");
        assert_eq!(trim_ows(b"   "), b"");
    }

    #[test]
    fn unquote_and_quote_follow_urllib() {
        assert_eq!(unquote("a%20b%zz%C3%A9"), "a b%zzé");
        assert_eq!(unquote("%FF"), "\u{fffd}");
        assert_eq!(unquote_plus("a+b%2B"), "a b+");
        assert_eq!(quote("http://h:1/a b/é?x=1", ":/%#?=@[]!$&'()*+,;"), "http://h:1/a%20b/%C3%A9?x=1");
        assert_eq!(
            parse_qsl("api_key=a%20b&x&&y=1&api_key=2"),
            vec![
                ("api_key".into(), "a b".into()),
                ("x".into(), String::new()),
                ("y".into(), "1".into()),
                ("api_key".into(), "2".into())
            ]
        );
    }

    #[test]
    fn cookies_follow_starlette() {
        let c = parse_cookies(" session = abc ; other=1; session=\"q\\\"x\"; lone");
        assert_eq!(
            c,
            vec![
                ("session".into(), "q\"x".into()),
                ("other".into(), "1".into()),
                (String::new(), "lone".into())
            ]
        );
        assert_eq!(parse_cookies("a=\"\\101\""), vec![("a".into(), "A".into())]);
    }

    #[test]
    fn base64_is_as_lenient_as_cpython() {
        assert_eq!(b64decode_lenient("am9obmRvZTpzZWNyZXQ=").unwrap(), b"johndoe:secret");
        assert_eq!(b64decode_lenient("am9o!bmRv").unwrap(), b"johndo");
        assert_eq!(b64decode_lenient("YQ==trailing").unwrap(), b"a");
        assert!(b64decode_lenient("YQ").is_none());
        assert!(b64decode_lenient("Y").is_none());
        assert!(b64decode_lenient("é").is_none());
        assert_eq!(b64decode_lenient("").unwrap(), b"");
    }
}
