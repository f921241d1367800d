//! FastAPI-shaped responses: the bodies, headers and header order FastAPI and Starlette send.
//!
//! Starlette writes the headers a response was given first, then `content-length`, then
//! `content-type`; so an `HTTPException` with a `WWW-Authenticate` header answers
//! `www-authenticate, content-length, content-type`, and a 405 `allow, content-length,
//! content-type`.

use serde_json::{Value, json};

use super::json::dumps;

const INTERNAL_ERROR: &str = "Internal Server Error";

/// A response before it becomes HTTP: status, headers in wire order (lower-case names, latin-1
/// values), body bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// `HTTPException(status_code, detail, headers={"WWW-Authenticate": ...})`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpException {
    pub status: u16,
    pub detail: String,
    pub www_authenticate: Option<String>,
}

impl HttpException {
    #[must_use]
    pub fn new(status: u16, detail: &str, www_authenticate: Option<&str>) -> Self {
        Self { status, detail: detail.to_owned(), www_authenticate: www_authenticate.map(str::to_owned) }
    }

    /// FastAPI's `http_exception_handler`: `{"detail": ...}` with the exception's headers first.
    #[must_use]
    pub fn into_resp(self) -> Resp {
        let extra = self.www_authenticate.map(|w| ("www-authenticate".to_owned(), w)).into_iter().collect();
        Resp::json(self.status, dumps(&json!({ "detail": self.detail })), extra)
    }
}

impl Resp {
    /// A `JSONResponse`: the given headers, then `content-length`, then `content-type`.
    #[must_use]
    pub fn json(status: u16, body: String, mut headers: Vec<(String, String)>) -> Resp {
        headers.push(("content-length".into(), body.len().to_string()));
        headers.push(("content-type".into(), "application/json".into()));
        Resp { status, headers, body: body.into_bytes() }
    }

    /// A `PlainTextResponse` (the CORS middleware's preflight answers).
    #[must_use]
    pub fn plain(status: u16, text: &str, mut headers: Vec<(String, String)>) -> Resp {
        headers.push(("content-length".into(), text.len().to_string()));
        headers.push(("content-type".into(), "text/plain; charset=utf-8".into()));
        Resp { status, headers, body: text.as_bytes().to_vec() }
    }

    #[must_use]
    pub fn ok(body: &Value) -> Resp {
        Resp::json(200, dumps(body), Vec::new())
    }

    /// An `HTMLResponse` (the documentation pages).
    #[must_use]
    pub fn html(text: &str) -> Resp {
        Resp {
            status: 200,
            headers: vec![
                ("content-length".into(), text.len().to_string()),
                ("content-type".into(), "text/html; charset=utf-8".into()),
            ],
            body: text.as_bytes().to_vec(),
        }
    }

    /// Starlette's `ServerErrorMiddleware` after an unhandled exception: plain text, and no CORS
    /// headers (the middleware sits outside `CORSMiddleware`).
    #[must_use]
    pub fn internal_error() -> Resp {
        Resp::plain(500, INTERNAL_ERROR, Vec::new())
    }

    /// Whether this is the crash answer of [`Resp::internal_error`] (CORS must not touch it).
    #[must_use]
    pub fn is_crash(&self) -> bool {
        self.status == 500 && self.body == INTERNAL_ERROR.as_bytes()
    }

    #[must_use]
    pub fn not_found() -> Resp {
        HttpException::new(404, "Not Found", None).into_resp()
    }

    /// Starlette raises `HTTPException(405, headers={"Allow": ...})`, which FastAPI renders.
    #[must_use]
    pub fn method_not_allowed(allow: &str) -> Resp {
        Resp::json(
            405,
            dumps(&json!({ "detail": "Method Not Allowed" })),
            vec![("allow".into(), allow.to_owned())],
        )
    }

    /// `RedirectResponse(url, 307)`: empty body, `content-length: 0`, then `location`.
    #[must_use]
    pub fn redirect(location: String) -> Resp {
        Resp {
            status: 307,
            headers: vec![("content-length".into(), "0".into()), ("location".into(), location)],
            body: Vec::new(),
        }
    }

    /// `RequestValidationError` as FastAPI renders it: `{"detail": [errors...]}`, status 422.
    #[must_use]
    pub fn validation(errors: Vec<Value>) -> Resp {
        Resp::json(422, dumps(&json!({ "detail": errors })), Vec::new())
    }

    /// The first value of a header (names are lower-case).
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The `detail` of a JSON error body, when it is a string.
    #[must_use]
    pub fn detail(&self) -> Option<String> {
        // Most answers have no `detail` key: skip parsing those.
        if !self.body.windows(8).any(|w| w == b"\"detail\"") {
            return None;
        }
        let value: serde_json::Value = serde_json::from_slice(&self.body).ok()?;
        value.get("detail")?.as_str().map(str::to_owned)
    }

    /// Starlette's `MutableHeaders.__setitem__`: replace the first header of that name in place
    /// (dropping any later ones) or append it.
    pub fn set_header(&mut self, name: &str, value: String) {
        let name = name.to_ascii_lowercase();
        match self.headers.iter().position(|(n, _)| *n == name) {
            Some(i) => {
                self.headers[i].1 = value;
                let mut seen = 0;
                self.headers.retain(|(n, _)| {
                    if *n == name {
                        seen += 1;
                        seen == 1
                    } else {
                        true
                    }
                });
            }
            None => self.headers.push((name, value)),
        }
    }

    /// Starlette's `add_vary_header`: append to an existing `vary` or set it.
    pub fn add_vary(&mut self, value: &str) {
        let vary = match self.header("vary") {
            Some(existing) => format!("{existing}, {value}"),
            None => value.to_owned(),
        };
        self.set_header("vary", vary);
    }
}

/// A missing form field, pydantic v2 style (FastAPI leaves out the `url` key).
#[must_use]
pub fn missing_field(loc0: &str, field: &str) -> Value {
    json!({ "type": "missing", "loc": [loc0, field], "msg": "Field required", "input": null })
}

/// A string that does not match a `pattern=` constraint.
#[must_use]
pub fn pattern_mismatch(loc0: &str, field: &str, pattern: &str, input: &str) -> Value {
    json!({
        "type": "string_pattern_mismatch",
        "loc": [loc0, field],
        "msg": format!("String should match pattern '{pattern}'"),
        "input": input,
        "ctx": { "pattern": pattern },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_and_header_order_follow_starlette() {
        let r = HttpException::new(401, "Not authenticated", Some("Bearer")).into_resp();
        assert_eq!(r.body, br#"{"detail":"Not authenticated"}"#);
        let names: Vec<_> = r.headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["www-authenticate", "content-length", "content-type"]);
        assert_eq!(r.header("content-length"), Some("30"));
        let r = Resp::method_not_allowed("GET");
        assert_eq!(r.header("content-length"), Some("31"));
        assert_eq!(r.headers[0], ("allow".into(), "GET".into()));
        assert_eq!(Resp::not_found().body, br#"{"detail":"Not Found"}"#);
        assert_eq!(r.detail().as_deref(), Some("Method Not Allowed"));
    }

    #[test]
    fn set_header_and_vary_behave_like_mutable_headers() {
        let mut r = Resp::ok(&Value::Null);
        r.set_header("Access-Control-Allow-Origin", "*".into());
        r.set_header("access-control-allow-origin", "https://a".into());
        r.add_vary("Origin");
        r.add_vary("Cookie");
        assert_eq!(r.header("access-control-allow-origin"), Some("https://a"));
        assert_eq!(r.header("vary"), Some("Origin, Cookie"));
        assert_eq!(r.headers.iter().filter(|(n, _)| n == "access-control-allow-origin").count(), 1);
    }
}
