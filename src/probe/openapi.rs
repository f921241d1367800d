//! The operations an OpenAPI document declares, with their security requirements as FastAPI
//! writes them (`security` per operation, schemes in `components.securitySchemes`).

use serde_json::Value;

/// One security scheme: what a probe must send to authenticate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scheme {
    /// OAuth2 password flow (FastAPI's `OAuth2PasswordBearer`): a bearer token from `token_url`.
    OAuth2Password {
        token_url: String,
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
            Some(url) => Scheme::OAuth2Password { token_url: url.to_owned() },
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
            out.push(Operation {
                method: method.to_ascii_uppercase(),
                path: path.clone(),
                security,
                path_params,
            });
        }
    }
    Ok(out)
}

/// The path with its parameters filled: `--param` values first, then a fallback of `1`
/// (object ids in the lesson apps are small integers).
#[must_use]
pub fn fill_path(op: &Operation, params: &[(String, String)]) -> String {
    let mut path = op.path.clone();
    for name in &op.path_params {
        let value = params.iter().find(|(k, _)| k == name).map_or("1", |(_, v)| v.as_str());
        path = path.replace(&format!("{{{name}}}"), value);
    }
    path
}

/// The token URL of the first OAuth2 password scheme, if any.
#[must_use]
pub fn token_url(ops: &[Operation]) -> Option<String> {
    ops.iter().flat_map(|o| &o.security).find_map(|(_, s)| match s {
        Scheme::OAuth2Password { token_url } => Some(token_url.clone()),
        _ => None,
    })
}
