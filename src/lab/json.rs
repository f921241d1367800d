//! JSON bytes as Python's `json.dumps` writes them, on serde_json (built with `preserve_order`,
//! so an object keeps its keys in insertion order, as a Python dict does).
//!
//! - [`dumps`]: `json.dumps(v, separators=(",", ":"), ensure_ascii=False)`, what Starlette's
//!   `JSONResponse` writes. That is serde_json's compact writer as it is: both escape `"`, `\`,
//!   `\b \f \n \r \t` and the other C0 controls as lower-case `\u00xx`, and nothing else (not `/`,
//!   not DEL, not non-ASCII).
//! - [`dumps_ascii`]: the same with Python's default `ensure_ascii=True` (what PyJWT writes into
//!   a token): every character outside printable ASCII as its UTF-16 units, `\uxxxx` (DEL
//!   included: Python escapes everything but `' '..='~'`).

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter, Serializer};

/// `json.dumps(value, separators=(",", ":"), ensure_ascii=False)`.
#[must_use]
pub fn dumps(value: &serde_json::Value) -> String {
    // `Display` of a `Value` is serde_json's compact writer, and cannot fail.
    value.to_string()
}

/// `json.dumps(value, separators=(",", ":"))` (`ensure_ascii=True`).
pub fn dumps_ascii<T: Serialize + ?Sized>(value: &T) -> Result<String, serde_json::Error> {
    let mut out = Vec::new();
    value.serialize(&mut Serializer::with_formatter(&mut out, AsciiFormatter))?;
    // Only ASCII was written.
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// The compact formatter, with text beyond `~` escaped as Python's `ensure_ascii` does (the
/// controls below space are escaped by serde_json already, as Python does).
struct AsciiFormatter;

impl Formatter for AsciiFormatter {
    fn write_string_fragment<W: ?Sized + Write>(&mut self, writer: &mut W, fragment: &str) -> io::Result<()> {
        let mut rest = fragment;
        while let Some(at) = rest.find(|c: char| c > '~') {
            CompactFormatter.write_string_fragment(writer, &rest[..at])?;
            let Some(c) = rest[at..].chars().next() else { break };
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                write!(writer, "\\u{unit:04x}")?;
            }
            rest = &rest[at + c.len_utf8()..];
        }
        CompactFormatter.write_string_fragment(writer, rest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // The expected bytes below are what CPython 3 prints for the same values:
    //   json.dumps(v, separators=(",", ":"), ensure_ascii=False)   (dumps)
    //   json.dumps(v, separators=(",", ":"))                        (dumps_ascii)
    fn sample() -> serde_json::Value {
        json!({
            "message": "Access granted",
            "key": "a\"\\\u{1}\u{1f}\t\n\r\u{8}\u{c}é\u{7f}/\u{2028}😀",
            "n": [0, -7, 12345678901_i64, null, true, false, {}],
            "z": "last"
        })
    }

    #[test]
    fn compact_output_is_pythons_with_ensure_ascii_off() {
        assert_eq!(
            dumps(&sample()),
            "{\"message\":\"Access granted\",\"key\":\"a\\\"\\\\\\u0001\\u001f\\t\\n\\r\\b\\fé\u{7f}/\u{2028}😀\",\
             \"n\":[0,-7,12345678901,null,true,false,{}],\"z\":\"last\"}"
        );
    }

    #[test]
    fn ascii_output_is_pythons_default() {
        assert_eq!(
            dumps_ascii(&sample()).unwrap(),
            "{\"message\":\"Access granted\",\"key\":\"a\\\"\\\\\\u0001\\u001f\\t\\n\\r\\b\\f\\u00e9\\u007f/\\u2028\\ud83d\\ude00\",\
             \"n\":[0,-7,12345678901,null,true,false,{}],\"z\":\"last\"}"
        );
        // Keys are escaped too, and escapes next to non-ASCII text stay in place.
        assert_eq!(dumps_ascii(&json!({"ü\n": "\"ä"})).unwrap(), "{\"\\u00fc\\n\":\"\\\"\\u00e4\"}");
    }
}
