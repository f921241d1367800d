//! `request.form()` as Starlette runs it: the body read as url-encoded or multipart by its
//! `Content-Type`. Kept apart from the routes so the form rules (python-multipart's, per release)
//! live in one place.

use super::app::Req;
use super::multipart;
pub use super::multipart::FormError;
use super::pyish::{latin1, unquote_plus};

/// `request.form()`: url-encoded or multipart by `content-type` (lower-cased, parameters
/// dropped); anything else is an empty form.
pub fn parse(req: &Req, body: &[u8]) -> Result<Vec<(String, String)>, FormError> {
    let content_type = req.header("content-type").unwrap_or("");
    let (media, params) = content_type.split_once(';').unwrap_or((content_type, ""));
    match media.trim().to_ascii_lowercase().as_str() {
        "application/x-www-form-urlencoded" => Ok(parse_urlencoded(body)),
        "multipart/form-data" => multipart::parse(params, body),
        _ => Ok(Vec::new()),
    }
}

/// python-multipart's `QuerystringParser` (0.0.34) as Starlette drives it: fields end at `&` only
/// (`;` is data, unlike older releases), empty chunks are skipped, a field without `=` has an
/// empty value.
pub fn parse_urlencoded(body: &[u8]) -> Vec<(String, String)> {
    body.split(|&b| b == b'&')
        .filter(|field| !field.is_empty())
        .map(|field| {
            let (name, value) = match field.iter().position(|&b| b == b'=') {
                Some(eq) => (&field[..eq], &field[eq + 1..]),
                None => (field, &field[field.len()..]),
            };
            (unquote_plus(&latin1(name)), unquote_plus(&latin1(value)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urlencoded_forms_split_like_python_multipart() {
        let f = parse_urlencoded(b"username=john+doe&password=a%26b&&scope&=v&x=1;y=2");
        assert_eq!(f[0], ("username".into(), "john doe".into()));
        assert_eq!(f[1], ("password".into(), "a&b".into()));
        assert_eq!(f[2], ("scope".into(), String::new()));
        assert_eq!(f[3], (String::new(), "v".into()));
        // `;` is not a separator (python-multipart 0.0.34, which both measured versions pin).
        assert_eq!(f[4], ("x".into(), "1;y=2".into()));
        assert_eq!(f.len(), 5);
    }
}
