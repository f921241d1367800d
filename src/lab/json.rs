//! Compact JSON with keys in the order written, as Python's `json.dumps(..., separators=(",", ":"),
//! ensure_ascii=False)` produces for a dict (serde_json's `Value` would sort the keys).

/// A JSON value whose objects keep their key order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum J {
    Null,
    Bool(bool),
    Str(String),
    /// A number, as its JSON text (integers only come from content; see `check`).
    Num(String),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

impl J {
    /// An object from `(key, value)` pairs, in order.
    #[must_use]
    pub fn obj<const N: usize>(pairs: [(&str, J); N]) -> J {
        J::Obj(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
    }

    #[must_use]
    pub fn str(s: impl Into<String>) -> J {
        J::Str(s.into())
    }

    /// A string, or `null` for `None`.
    #[must_use]
    pub fn opt(s: Option<&str>) -> J {
        s.map_or(J::Null, J::str)
    }

    /// From a content value (key order kept: `serde_json` is built with `preserve_order`).
    #[must_use]
    pub fn from_value(v: &serde_json::Value) -> J {
        use serde_json::Value;
        match v {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Number(n) => J::Num(n.to_string()),
            Value::String(s) => J::Str(s.clone()),
            Value::Array(items) => J::Arr(items.iter().map(J::from_value).collect()),
            Value::Object(map) => J::Obj(map.iter().map(|(k, v)| (k.clone(), J::from_value(v))).collect()),
        }
    }

    /// The value of an object's key.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&J> {
        match self {
            J::Obj(pairs) => pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    #[must_use]
    pub fn render(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, false);
        out
    }

    /// As Python's `json.dumps(..., separators=(",", ":"))` with the default `ensure_ascii=True`
    /// (what PyJWT writes into a token): every non-ASCII character as `\uXXXX`.
    #[must_use]
    pub fn render_ascii(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, true);
        out
    }

    fn write(&self, out: &mut String, ascii: bool) {
        match self {
            J::Null => out.push_str("null"),
            J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            J::Str(s) => write_str(s, out, ascii),
            J::Num(n) => out.push_str(n),
            J::Arr(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out, ascii);
                }
                out.push(']');
            }
            J::Obj(pairs) => {
                out.push('{');
                for (i, (k, v)) in pairs.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_str(k, out, ascii);
                    out.push(':');
                    v.write(out, ascii);
                }
                out.push('}');
            }
        }
    }
}

/// Python escapes `"`, `\` and the C0 controls (short forms where they exist, else `\u00xx`),
/// and nothing else when `ensure_ascii=False`.
fn write_str(s: &str, out: &mut String, ascii: bool) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            // UTF-16 code units, surrogate pairs beyond the BMP, as Python writes them.
            c if ascii && !c.is_ascii() => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_key_order_and_escapes_like_python() {
        let v = J::obj([("message", J::str("Access granted")), ("key", J::str("a\"\\\u{1}\té\u{7f}"))]);
        assert_eq!(v.render(), "{\"message\":\"Access granted\",\"key\":\"a\\\"\\\\\\u0001\\té\u{7f}\"}");
        let arr = J::Arr(vec![J::Null, J::Bool(false), J::obj([])]);
        assert_eq!(arr.render(), "[null,false,{}]");
    }
}
