//! The operations an OpenAPI document declares, with their security requirements as FastAPI
//! writes them (`security` per operation, schemes in `components.securitySchemes`).

use serde_json::Value;

/// One security scheme: what a probe must send to authenticate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scheme {
    /// OAuth2 password flow (FastAPI's `OAuth2PasswordBearer`): a bearer token from `token_url`.
    OAuth2Password {
        token_url: String,
        /// The scopes the flow declares (asked for at login, so the token can reach every route).
        scopes: Vec<String>,
    },
    /// HTTP bearer / basic.
    Http {
        scheme: String,
    },
    /// An API key in a header, query parameter or cookie.
    ApiKey {
        location: String,
        name: String,
    },
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    pub method: String,
    pub path: String,
    /// Scheme names this operation requires (any one of them); empty = no security declared.
    pub security: Vec<(String, Scheme)>,
    /// Path parameters still to fill.
    pub path_params: Vec<String>,
    /// A value the document offers for a path parameter (`example`, `examples`, `default`).
    pub param_examples: Vec<(String, String)>,
    /// A value of the parameter's type that names no object (for the "foreign object answers
    /// like a missing one" check); absent when the type has no such value (bool, enum).
    pub param_missing: Vec<(String, String)>,
}

impl Operation {
    #[must_use]
    pub fn is_open(&self) -> bool {
        self.security.is_empty()
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("not an OpenAPI document: {0}")]
pub struct OpenApiError(pub String);

fn scheme(v: &Value) -> Scheme {
    let kind = v["type"].as_str().unwrap_or("");
    match kind {
        "oauth2" => match v["flows"]["password"]["tokenUrl"].as_str() {
            Some(url) => Scheme::OAuth2Password {
                token_url: url.to_owned(),
                scopes: v["flows"]["password"]["scopes"]
                    .as_object()
                    .map(|m| m.keys().cloned().collect())
                    .unwrap_or_default(),
            },
            None => Scheme::Other("oauth2".into()),
        },
        "http" => Scheme::Http { scheme: v["scheme"].as_str().unwrap_or("bearer").to_ascii_lowercase() },
        "apiKey" => Scheme::ApiKey {
            location: v["in"].as_str().unwrap_or("header").to_owned(),
            name: v["name"].as_str().unwrap_or("").to_owned(),
        },
        other => Scheme::Other(other.to_owned()),
    }
}

/// Every operation, in document order (paths, then get/post/put/patch/delete/...).
pub fn operations(doc: &Value) -> Result<Vec<Operation>, OpenApiError> {
    let paths = doc["paths"].as_object().ok_or_else(|| OpenApiError("no `paths` object".into()))?;
    let schemes = doc["components"]["securitySchemes"].as_object();
    let global = doc.get("security");
    let mut out = Vec::new();
    for (path, item) in paths {
        let Some(item) = item.as_object() else { continue };
        for method in ["get", "post", "put", "patch", "delete", "head", "options"] {
            let Some(op) = item.get(method) else { continue };
            let reqs = op.get("security").or(global).and_then(Value::as_array);
            let mut security = Vec::new();
            for req in reqs.into_iter().flatten() {
                for name in req.as_object().into_iter().flat_map(|o| o.keys()) {
                    let s =
                        schemes.and_then(|s| s.get(name)).map_or(Scheme::Other("undeclared".into()), scheme);
                    security.push((name.clone(), s));
                }
            }
            let path_params = path
                .split('{')
                .skip(1)
                .filter_map(|p| p.split_once('}').map(|(name, _)| name.to_owned()))
                .collect();
            let param_examples = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "path")
                .filter_map(|p| Some((p["name"].as_str()?.to_owned(), example(p)?)))
                .collect();
            let param_missing = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "path")
                .filter_map(|p| Some((p["name"].as_str()?.to_owned(), missing(&p["schema"])?)))
                .collect();
            out.push(Operation {
                method: method.to_ascii_uppercase(),
                path: path.clone(),
                security,
                path_params,
                param_examples,
                param_missing,
            });
        }
    }
    Ok(out)
}

/// The value a parameter object offers, in the places FastAPI writes one: `Path(example=…)`
/// (parameter `example`), `openapi_examples={…}` (parameter `examples`, a map of `{value}`),
/// `Path(examples=[…])` (schema `examples`, a list), schema `example`, then schema `default`.
fn example(param: &Value) -> Option<String> {
    let schema = &param["schema"];
    let found = [
        param.get("example"),
        param["examples"].as_object().and_then(|m| m.values().find_map(|e| e.get("value"))),
        schema["examples"].as_array().and_then(|a| a.first()),
        schema.get("example"),
        schema.get("default"),
    ]
    .into_iter()
    .flatten()
    .find(|v| !v.is_null())?;
    match found {
        Value::String(s) => Some(s.clone()),
        Value::Number(_) | Value::Bool(_) => Some(found.to_string()),
        _ => None,
    }
}

/// A value that passes the parameter's validation but is very unlikely to name an object.
fn missing(schema: &Value) -> Option<String> {
    if schema.get("enum").is_some() || schema.get("$ref").is_some() || schema.get("const").is_some() {
        return None;
    }
    match (schema["type"].as_str(), schema["format"].as_str()) {
        (Some("integer" | "number"), _) => Some("987654321".into()),
        (Some("string"), Some("uuid")) => Some("00000000-0000-4000-8000-0000000a915e".into()),
        (Some("string"), None) => Some("apisec-probe-missing-object".into()),
        _ => None,
    }
}

/// The path naming objects that do not exist, when every parameter has such a value.
#[must_use]
pub fn missing_path(op: &Operation) -> Option<String> {
    let mut path = op.path.clone();
    for name in &op.path_params {
        let (_, value) = op.param_missing.iter().find(|(k, _)| k == name)?;
        path = path.replace(&format!("{{{name}}}"), &encode_segment(value));
    }
    Some(path)
}

/// The path with its parameters filled: `--param` values first, then the document's example or
/// default, then a fallback of `1` (object ids in the lesson apps are small integers). Values are
/// percent-encoded, so a value cannot add path segments or a query.
#[must_use]
pub fn fill_path(op: &Operation, params: &[(String, String)]) -> String {
    let mut path = op.path.clone();
    for name in &op.path_params {
        let value =
            params.iter().chain(&op.param_examples).find(|(k, _)| k == name).map_or("1", |(_, v)| v.as_str());
        path = path.replace(&format!("{{{name}}}"), &encode_segment(value));
    }
    path
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
fn encode_segment(value: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// The token URL of the first OAuth2 password scheme, if any.
#[must_use]
pub fn token_url(ops: &[Operation]) -> Option<String> {
    token_flow(ops).map(|(url, _)| url)
}

/// The token URL and the declared scopes of the first OAuth2 password scheme, if any.
#[must_use]
pub fn token_flow(ops: &[Operation]) -> Option<(String, Vec<String>)> {
    ops.iter().flat_map(|o| &o.security).find_map(|(_, s)| match s {
        Scheme::OAuth2Password { token_url, scopes } => Some((token_url.clone(), scopes.clone())),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn doc(parameter: Value) -> Value {
        json!({"paths": {"/invoices/{invoice_id}": {"get": {"parameters": [parameter]}}}})
    }

    #[test]
    fn path_parameters_come_from_param_then_the_document_then_1() {
        let cases = [
            (json!({"name": "invoice_id", "in": "path", "schema": {"examples": [7]}}), "/invoices/7"),
            (json!({"name": "invoice_id", "in": "path", "example": "a b/c"}), "/invoices/a%20b%2Fc"),
            (json!({"name": "invoice_id", "in": "path", "examples": {"one": {"value": 3}}}), "/invoices/3"),
            (json!({"name": "invoice_id", "in": "path", "schema": {"default": 5}}), "/invoices/5"),
            (json!({"name": "invoice_id", "in": "path", "schema": {"type": "integer"}}), "/invoices/1"),
        ];
        for (param, want) in cases {
            let ops = operations(&doc(param.clone())).unwrap_or_default();
            assert_eq!(ops.len(), 1);
            assert_eq!(fill_path(&ops[0], &[]), want, "{param}");
        }
        let ops = operations(&doc(json!({"name": "invoice_id", "in": "path", "schema": {"examples": [7]}})))
            .unwrap_or_default();
        assert_eq!(fill_path(&ops[0], &[("invoice_id".into(), "2".into())]), "/invoices/2");
        assert_eq!(missing_path(&ops[0]), None, "no type, no missing value");
        for (schema, want) in [
            (json!({"type": "integer"}), Some("/invoices/987654321")),
            (
                json!({"type": "string", "format": "uuid"}),
                Some("/invoices/00000000-0000-4000-8000-0000000a915e"),
            ),
            (json!({"type": "string"}), Some("/invoices/apisec-probe-missing-object")),
            (json!({"type": "boolean"}), None),
            (json!({"$ref": "#/components/schemas/Kind"}), None),
        ] {
            let ops = operations(&doc(json!({"name": "invoice_id", "in": "path", "schema": schema})))
                .unwrap_or_default();
            assert_eq!(missing_path(&ops[0]).as_deref(), want);
        }
    }
}
