//! What every FastAPI app serves besides its own routes: `/openapi.json` (generated here from
//! the lab app, byte for byte as FastAPI generates it for the program `lab --code` writes),
//! `/docs` (Swagger UI), `/redoc` and `/docs/oauth2-redirect`. That the schema and a login form
//! are public by default is itself a lesson point.
//!
//! FastAPI registers these routes before the app's own, as plain Starlette routes answering GET
//! and HEAD (so another method is a 405 with `Allow: GET, HEAD` — real FastAPI writes the two in
//! a per-process random order, from a Python set; the lab always writes `GET, HEAD`).

use crate::content::lab_app::{LabApp, Returns, RouteSpec, SecuritySpec};

use serde_json::{Map, Value};

use super::json::dumps;
use super::version::FastApiVersion;

/// The built-in pages, in FastAPI's registration order.
pub const PATHS: [&str; 4] = ["/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"];

const SWAGGER_OLD: &str = include_str!("../../assets/fastapi-pages/swagger-ui-0.115.14.html");
const SWAGGER_NEW: &str = include_str!("../../assets/fastapi-pages/swagger-ui-0.128.1.html");
const REDOC: &str = include_str!("../../assets/fastapi-pages/redoc.html");
const OAUTH2_REDIRECT: &str = include_str!("../../assets/fastapi-pages/oauth2-redirect.html");

/// The HTML of a built-in page (`None` for `/openapi.json`).
#[must_use]
pub fn page(path: &str, v: FastApiVersion) -> Option<&'static str> {
    match path {
        // FastAPI 0.128.1 added a viewport meta tag to the Swagger UI page.
        "/docs" => Some(if v.openapi_is_0_128_1_or_later() { SWAGGER_NEW } else { SWAGGER_OLD }),
        "/redoc" => Some(REDOC),
        "/docs/oauth2-redirect" => Some(OAUTH2_REDIRECT),
        _ => None,
    }
}

/// Python's `str.title()`: a letter after a non-letter is upper-cased, other letters lower-cased.
fn py_title(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev_cased = false;
    for c in s.chars() {
        if c.is_alphabetic() {
            if prev_cased {
                out.extend(c.to_lowercase());
            } else {
                out.extend(c.to_uppercase());
            }
            prev_cased = true;
        } else {
            out.push(c);
            prev_cased = false;
        }
    }
    out
}

fn title(name: &str) -> String {
    py_title(&name.replace('_', " "))
}

/// `generate_unique_id`: `re.sub(r"\W", "_", name + path)` + `_` + the method.
fn operation_id(r: &RouteSpec) -> String {
    let raw: String = format!("{}{}", r.handler, r.path)
        .chars()
        .map(|c| if c.is_alphanumeric() || c == '_' { c } else { '_' })
        .collect();
    format!("{raw}_{}", r.method.to_lowercase())
}

fn obj(pairs: Vec<(&str, Value)>) -> Value {
    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

fn s(text: &str) -> Value {
    Value::from(text)
}

fn arr(items: Vec<Value>) -> Value {
    Value::Array(items)
}

fn strings(items: Vec<String>) -> Value {
    Value::Array(items.into_iter().map(Value::String).collect())
}

fn reference(name: &str) -> Value {
    obj(vec![("$ref", Value::String(format!("#/components/schemas/{name}")))])
}

fn json_content(schema: Value) -> Value {
    obj(vec![("application/json", obj(vec![("schema", schema)]))])
}

fn scheme_definition(spec: &SecuritySpec) -> Value {
    let api_key =
        |place: &str, name: &str| obj(vec![("type", s("apiKey")), ("in", s(place)), ("name", s(name))]);
    match spec {
        SecuritySpec::OAuth2PasswordBearer { token_url, scopes, .. } => {
            let scopes = Value::Object(scopes.iter().map(|x| (x.name.clone(), s(&x.description))).collect());
            obj(vec![
                ("type", s("oauth2")),
                ("flows", obj(vec![("password", obj(vec![("scopes", scopes), ("tokenUrl", s(token_url))]))])),
            ])
        }
        SecuritySpec::HTTPBearer { .. } => obj(vec![("type", s("http")), ("scheme", s("bearer"))]),
        SecuritySpec::HTTPBasic { .. } => obj(vec![("type", s("http")), ("scheme", s("basic"))]),
        SecuritySpec::APIKeyHeader { key_name, .. } => api_key("header", key_name),
        SecuritySpec::APIKeyQuery { key_name, .. } => api_key("query", key_name),
        SecuritySpec::APIKeyCookie { key_name, .. } => api_key("cookie", key_name),
    }
}

/// Components, kept in first-insertion order like a Python dict (schemas are sorted at the end).
#[derive(Default)]
struct Components {
    schemas: Map<String, Value>,
    security: Map<String, Value>,
}

impl Components {
    /// The first definition of a schema name stays.
    fn schema(&mut self, name: &str, value: Value) {
        self.schemas.entry(name).or_insert(value);
    }

    /// `dict[name] = value`: the last definition wins, in the first one's place.
    fn security(&mut self, name: &str, value: Value) {
        self.security.insert(name.to_owned(), value);
    }
}

fn nullable(t: &str, field: &str) -> Value {
    obj(vec![
        ("anyOf", arr(vec![obj(vec![("type", s(t))]), obj(vec![("type", s("null"))])])),
        ("title", s(&title(field))),
    ])
}

fn typed(json_type: &str, field: &str) -> Value {
    match json_type {
        "array" => obj(vec![("items", obj(vec![])), ("type", s("array")), ("title", s(&title(field)))]),
        "object" => obj(vec![
            ("additionalProperties", Value::Bool(true)),
            ("type", s("object")),
            ("title", s(&title(field))),
        ]),
        t => obj(vec![("type", s(t)), ("title", s(&title(field)))]),
    }
}

fn model(name: &str, props: Vec<(String, Value)>, required: Vec<String>) -> Value {
    let mut pairs = vec![("properties", Value::Object(props.into_iter().collect())), ("type", s("object"))];
    if !required.is_empty() {
        pairs.push(("required", strings(required)));
    }
    pairs.push(("title", s(name)));
    obj(pairs)
}

fn user_model() -> Value {
    model(
        "User",
        vec![
            ("username".into(), typed("string", "username")),
            ("email".into(), nullable("string", "email")),
            ("full_name".into(), nullable("string", "full_name")),
            ("disabled".into(), nullable("boolean", "disabled")),
        ],
        vec!["username".into()],
    )
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The schema of a route's `response_model` (and the components it needs), as the generated
/// code declares it (see `codegen::response_model`).
fn response_schema(app: &LabApp, r: &RouteSpec, c: &mut Components) -> Value {
    let (Some(fields), Some(kind)) = (&r.response_model, r.returns.as_ref().and_then(|x| x.kind())) else {
        return obj(vec![]);
    };
    let collection = match kind {
        Returns::User => {
            if fields.iter().map(String::as_str).eq(["username", "email", "full_name", "disabled"]) {
                c.schema("User", user_model());
                return reference("User");
            }
            let name = format!("{}Out", py_title(&r.handler.replace('_', " ")).replace(' ', ""));
            let mut props = Vec::new();
            let mut required = Vec::new();
            for f in fields {
                match f.as_str() {
                    "email" | "full_name" => props.push((f.clone(), nullable("string", f))),
                    "disabled" => props.push((f.clone(), nullable("boolean", f))),
                    _ => {
                        props.push((f.clone(), typed("string", f)));
                        required.push(f.clone());
                    }
                }
            }
            c.schema(&name, model(&name, props, required));
            return reference(&name);
        }
        Returns::Record(rec) => (rec.collection.as_str(), false),
        Returns::Records(rec) => (rec.collection.as_str(), true),
        Returns::Json(_) => return obj(vec![]),
    };
    let (collection, list) = collection;
    let Some(first) = app.collection(collection).and_then(|c| c.records.first()) else { return obj(vec![]) };
    let name = format!("{}Out", py_title(&collection.replace('_', " ")).replace(' ', ""));
    let mut props = Vec::new();
    for f in fields {
        let t = match f.as_str() {
            "id" => json_type(&first.id),
            "owner" => "string",
            other => first.fields.get(other).map_or("string", json_type),
        };
        let schema = if t == "null" { nullable("string", f) } else { typed(t, f) };
        props.push((f.clone(), schema));
    }
    c.schema(&name, model(&name, props, fields.clone()));
    if list {
        obj(vec![
            ("items", reference(&name)),
            ("type", s("array")),
            ("title", s(&format!("Response {}", title(&operation_id(r))))),
        ])
    } else {
        reference(&name)
    }
}

fn validation_schemas(c: &mut Components, v: FastApiVersion) {
    let mut error_props = vec![
        (
            "loc".to_owned(),
            obj(vec![
                (
                    "items",
                    obj(vec![(
                        "anyOf",
                        arr(vec![obj(vec![("type", s("string"))]), obj(vec![("type", s("integer"))])]),
                    )]),
                ),
                ("type", s("array")),
                ("title", s("Location")),
            ]),
        ),
        ("msg".to_owned(), obj(vec![("type", s("string")), ("title", s("Message"))])),
        ("type".to_owned(), obj(vec![("type", s("string")), ("title", s("Error Type"))])),
    ];
    // FastAPI 0.128.1 documents pydantic v2's `input` and `ctx` too.
    if v.openapi_is_0_128_1_or_later() {
        error_props.push(("input".to_owned(), obj(vec![("title", s("Input"))])));
        error_props.push(("ctx".to_owned(), obj(vec![("type", s("object")), ("title", s("Context"))])));
    }
    c.schema(
        "ValidationError",
        model("ValidationError", error_props, vec!["loc".into(), "msg".into(), "type".into()]),
    );
    c.schema(
        "HTTPValidationError",
        model(
            "HTTPValidationError",
            vec![(
                "detail".to_owned(),
                obj(vec![
                    ("items", reference("ValidationError")),
                    ("type", s("array")),
                    ("title", s("Detail")),
                ]),
            )],
            Vec::new(),
        ),
    );
}

fn login_body(name: &str) -> Value {
    let optional = |f: &str, extra: Vec<(&str, Value)>| {
        let mut pairs = vec![("anyOf", arr(vec![obj(extra), obj(vec![("type", s("null"))])]))];
        pairs.push(("title", s(&title(f))));
        obj(pairs)
    };
    let mut secret =
        vec![("anyOf", arr(vec![obj(vec![("type", s("string"))]), obj(vec![("type", s("null"))])]))];
    secret.push(("format", s("password")));
    secret.push(("title", s("Client Secret")));
    model(
        name,
        vec![
            (
                "grant_type".into(),
                optional("grant_type", vec![("type", s("string")), ("pattern", s("^password$"))]),
            ),
            ("username".into(), typed("string", "username")),
            (
                "password".into(),
                obj(vec![("type", s("string")), ("format", s("password")), ("title", s("Password"))]),
            ),
            ("scope".into(), obj(vec![("type", s("string")), ("title", s("Scope")), ("default", s(""))])),
            ("client_id".into(), optional("client_id", vec![("type", s("string"))])),
            ("client_secret".into(), obj(secret)),
        ],
        vec!["username".into(), "password".into()],
    )
}

/// The security requirement of a route: the schemes its dependencies use, with scopes.
fn route_security(app: &LabApp, r: &RouteSpec, c: &mut Components) -> Option<Value> {
    let (scheme, scopes) = match (&r.credential, &r.current_user) {
        (Some(cred), _) => (app.scheme(&cred.scheme)?, Vec::new()),
        (None, Some(cu)) => (app.scheme(&cu.scheme)?, cu.scopes.clone()),
        (None, None) => return None,
    };
    let name = scheme.class_name();
    c.security(name, scheme_definition(scheme));
    Some(arr(vec![obj(vec![(name, strings(scopes))])]))
}

fn operation(app: &LabApp, r: &RouteSpec, v: FastApiVersion, c: &mut Components) -> Value {
    let op_id = operation_id(r);
    let params: Vec<&str> =
        r.path.split('/').filter_map(|x| x.strip_prefix('{').and_then(|x| x.strip_suffix('}'))).collect();
    let security = route_security(app, r, c);
    let mut responses = Vec::new();
    let ok_schema = if r.login.is_some() {
        c.schema(
            "Token",
            model(
                "Token",
                vec![
                    ("access_token".into(), typed("string", "access_token")),
                    ("token_type".into(), typed("string", "token_type")),
                ],
                vec!["access_token".into(), "token_type".into()],
            ),
        );
        reference("Token")
    } else {
        response_schema(app, r, c)
    };
    responses.push((
        "200".to_owned(),
        obj(vec![("description", s("Successful Response")), ("content", json_content(ok_schema))]),
    ));
    let request_body = r.login.is_some().then(|| {
        let name = format!("Body_{op_id}");
        c.schema(&name, login_body(&name));
        obj(vec![
            (
                "content",
                obj(vec![("application/x-www-form-urlencoded", obj(vec![("schema", reference(&name))]))]),
            ),
            ("required", Value::Bool(true)),
        ])
    });
    if !params.is_empty() || request_body.is_some() {
        validation_schemas(c, v);
        responses.push((
            "422".to_owned(),
            obj(vec![
                ("description", s("Validation Error")),
                ("content", json_content(reference("HTTPValidationError"))),
            ]),
        ));
    }
    let responses = Value::Object(responses.into_iter().collect());
    let mut pairs = vec![("summary", s(&title(&r.handler))), ("operationId", Value::String(op_id.clone()))];
    if params.is_empty() {
        // Validated into FastAPI's `Operation` model: its field order.
        if let Some(body) = request_body {
            pairs.push(("requestBody", body));
        }
        pairs.push(("responses", responses));
        if let Some(sec) = security {
            pairs.push(("security", sec));
        }
    } else {
        // With path parameters the operation stays the dict FastAPI built: its insertion order.
        if let Some(sec) = security {
            pairs.push(("security", sec));
        }
        let params = params
            .iter()
            .map(|p| {
                obj(vec![
                    ("name", s(p)),
                    ("in", s("path")),
                    ("required", Value::Bool(true)),
                    ("schema", obj(vec![("type", s("string")), ("title", s(&title(p)))])),
                ])
            })
            .collect();
        pairs.push(("parameters", Value::Array(params)));
        if let Some(body) = request_body {
            pairs.push(("requestBody", body));
        }
        pairs.push(("responses", responses));
    }
    obj(pairs)
}

/// `/openapi.json` for one lab app (or the all-in-one demo: the union of its apps).
#[must_use]
pub fn document(app: &LabApp, v: FastApiVersion) -> String {
    let mut c = Components::default();
    let mut paths = Map::new();
    for r in &app.routes {
        let op = operation(app, r, v, &mut c);
        let ops = paths.entry(r.path.as_str()).or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(ops) = ops {
            ops.insert(r.method.to_lowercase(), op);
        }
    }
    let mut doc = vec![
        ("openapi", s("3.1.0")),
        ("info", obj(vec![("title", s("FastAPI")), ("version", s("0.1.0"))])),
        ("paths", Value::Object(paths)),
    ];
    let mut components = Vec::new();
    if !c.schemas.is_empty() {
        let mut schemas = c.schemas;
        schemas.sort_keys();
        components.push(("schemas", Value::Object(schemas)));
    }
    if !c.security.is_empty() {
        components.push(("securitySchemes", Value::Object(c.security)));
    }
    if !components.is_empty() {
        doc.push(("components", obj(components)));
    }
    dumps(&obj(doc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::engine::AppSet;

    /// `/openapi.json` of the programs `lab --code` writes, fetched from real FastAPI 0.165.0
    /// and 0.115.14 (TestClient in the pinned virtualenvs; see docs/FIXTURES.md).
    const RECORDED: &str = include_str!("testdata/openapi-recorded.json");

    #[test]
    fn the_document_is_the_one_real_fastapi_generates_for_the_generated_program() {
        let recorded: serde_json::Value = serde_json::from_str(RECORDED).unwrap();
        let apps = AppSet::shipped();
        let mut compared = 0;
        for (version, docs) in recorded.as_object().unwrap() {
            let v = FastApiVersion::parse(version).unwrap();
            for (app, want) in docs.as_object().unwrap() {
                let spec = &apps.get(app).unwrap().fixed.spec;
                assert_eq!(document(spec, v), want.as_str().unwrap(), "{app} on {version}");
                compared += 1;
            }
        }
        assert_eq!(compared, 12);
    }

    #[test]
    fn titles_follow_python() {
        assert_eq!(py_title("oauth2 optional"), "Oauth2 Optional");
        assert_eq!(py_title("read_items items get".replace('_', " ").as_str()), "Read Items Items Get");
        assert_eq!(py_title("2fa x"), "2Fa X");
    }
}
