//! A request as the ASGI app sees it, the input of the lab-app engine ([`super::engine`]).

/// A request as the ASGI app sees it: header names lower-case, values decoded as latin-1 and
/// stripped of surrounding spaces and tabs (as h11 does), the path percent-decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Req {
    pub method: String,
    /// The path after percent-decoding (what routing matches).
    pub path: String,
    /// The raw query string (latin-1), without `?`.
    pub query: String,
    pub headers: Vec<(String, String)>,
}

impl Req {
    /// The first header of that (lower-case) name.
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    #[must_use]
    pub fn has_header(&self, name: &str) -> bool {
        self.headers.iter().any(|(n, _)| n == name)
    }

    /// A GET with the given headers (tests and the plain replay).
    #[must_use]
    pub fn get(target: &str, headers: &[(&str, &str)]) -> Self {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        Self {
            method: "GET".into(),
            path: path.to_owned(),
            query: query.to_owned(),
            headers: headers.iter().map(|(n, v)| (n.to_ascii_lowercase(), (*v).to_owned())).collect(),
        }
    }
}
