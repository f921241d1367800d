//! FastAPI's security classes, as each version implements them. They run before the handler, and
//! what they refuse never reaches the application's code.

use super::app::Req;
use super::fastapi::HttpException;
use super::pyish::{b64decode_lenient, parse_cookies, parse_qsl, py_strip};
use super::trace::{Actor, Outcome, TraceStage, Tracer};
use super::version::FastApiVersion;

const NOT_AUTHENTICATED: &str = "Not authenticated";
const INVALID_CREDENTIALS: &str = "Invalid authentication credentials";

/// `fastapi.security.utils.get_authorization_scheme_param`: split at the first space; from
/// 0.128.1 the credentials are stripped.
#[must_use]
pub fn scheme_param(value: Option<&str>, v: FastApiVersion) -> (String, String) {
    let Some(value) = value.filter(|s| !s.is_empty()) else {
        return (String::new(), String::new());
    };
    let (scheme, param) = value.split_once(' ').unwrap_or((value, ""));
    let param = if v.strips_credentials() { py_strip(param) } else { param };
    (scheme.to_owned(), param.to_owned())
}

/// `scheme.lower() == "bearer"`: no latin-1 letter lower-cases into ASCII, so ASCII folding is exact.
fn is_scheme(scheme: &str, want: &str) -> bool {
    scheme.eq_ignore_ascii_case(want)
}

/// What an API-key class raises for a missing key: 403 before 0.122.0, then 401 + `APIKey`.
fn api_key_missing(v: FastApiVersion) -> HttpException {
    if v.auth_errors_are_401() {
        HttpException::new(401, NOT_AUTHENTICATED, Some("APIKey"))
    } else {
        HttpException::new(403, NOT_AUTHENTICATED, None)
    }
}

fn fail(t: &mut Tracer, class: &str, e: &HttpException, message: &str, vars: &[(&str, &str)]) {
    let status = e.status.to_string();
    let mut all: Vec<(&str, &str)> = vars.to_vec();
    all.push(("raises", &status));
    all.push(("detail", &e.detail));
    t.emit(TraceStage::Authenticate, class, Outcome::Fail, Actor::SecurityClass, message, &all);
}

fn pass(t: &mut Tracer, class: &str, message: &str, vars: &[(&str, &str)]) {
    t.emit(TraceStage::Authenticate, class, Outcome::Pass, Actor::SecurityClass, message, vars);
}

/// `OAuth2PasswordBearer(tokenUrl="token", auto_error=...)`: `Authorization: Bearer <token>`.
/// Missing header or another scheme: 401 `Not authenticated` + `WWW-Authenticate: Bearer` in every
/// version (or `None` without `auto_error`). The token itself is never checked here.
pub fn oauth2_password_bearer(
    req: &Req,
    v: FastApiVersion,
    t: &mut Tracer,
    auto_error: bool,
) -> Result<Option<String>, HttpException> {
    const CLASS: &str = "OAuth2PasswordBearer";
    let header = req.header("authorization");
    let (scheme, param) = scheme_param(header, v);
    let shown = header.unwrap_or("(none)");
    if header.is_none_or(str::is_empty) || !is_scheme(&scheme, "bearer") {
        if auto_error {
            let e = HttpException::new(401, NOT_AUTHENTICATED, Some("Bearer"));
            let why = if header.is_none_or(str::is_empty) {
                "no Authorization header"
            } else {
                "the scheme is not Bearer"
            };
            fail(
                t,
                CLASS,
                &e,
                &format!("{why}: refused before the handler runs"),
                &[("header", shown), ("scheme", &scheme), ("token", "None")],
            );
            return Err(e);
        }
        pass(
            t,
            CLASS,
            "no bearer token; auto_error=False hands the handler None",
            &[("header", shown), ("token", "None")],
        );
        return Ok(None);
    }
    pass(
        t,
        CLASS,
        "a Bearer token was extracted (not checked yet)",
        &[("header", shown), ("scheme", &scheme), ("token", &param)],
    );
    Ok(Some(param))
}

/// `APIKeyHeader(name=...)`: the header's value, whatever it is; missing or empty is refused.
pub fn api_key_header(
    req: &Req,
    v: FastApiVersion,
    t: &mut Tracer,
    name: &str,
) -> Result<String, HttpException> {
    let class = format!("APIKeyHeader({name})");
    match req.header(&name.to_ascii_lowercase()).filter(|s| !s.is_empty()) {
        Some(key) => {
            pass(
                t,
                &class,
                "the key is present; its value is not checked",
                &[("header", name), ("key", key)],
            );
            Ok(key.to_owned())
        }
        None => {
            let e = api_key_missing(v);
            fail(t, &class, &e, "the key header is missing or empty", &[("header", name), ("key", "None")]);
            Err(e)
        }
    }
}

/// `APIKeyQuery(name=...)`: the last `name=` of the query string.
pub fn api_key_query(
    req: &Req,
    v: FastApiVersion,
    t: &mut Tracer,
    name: &str,
) -> Result<String, HttpException> {
    let class = format!("APIKeyQuery({name})");
    let value = parse_qsl(&req.query).into_iter().rev().find(|(k, _)| k == name).map(|(_, v)| v);
    match value.filter(|s| !s.is_empty()) {
        Some(key) => {
            pass(
                t,
                &class,
                "the key is in the query string; its value is not checked",
                &[("query", &req.query), ("key", &key)],
            );
            Ok(key)
        }
        None => {
            let e = api_key_missing(v);
            fail(
                t,
                &class,
                &e,
                "the key is missing from the query string or empty",
                &[("query", &req.query), ("key", "None")],
            );
            Err(e)
        }
    }
}

/// `APIKeyCookie(name=...)`: the cookie of that name in the first `Cookie` header.
pub fn api_key_cookie(
    req: &Req,
    v: FastApiVersion,
    t: &mut Tracer,
    name: &str,
) -> Result<String, HttpException> {
    let class = format!("APIKeyCookie({name})");
    // Starlette reads the first `Cookie` header, or from 0.49 every one (later names win).
    let headers: Vec<&str> =
        req.headers.iter().filter(|(n, _)| n == "cookie").map(|(_, v)| v.as_str()).collect();
    let headers = if v.merges_cookie_headers() { headers } else { headers.into_iter().take(1).collect() };
    let header = headers.join("; ");
    let value = headers.iter().flat_map(|h| parse_cookies(h)).rfind(|(k, _)| k == name).map(|(_, v)| v);
    match value.filter(|s| !s.is_empty()) {
        Some(key) => {
            pass(
                t,
                &class,
                "the cookie is present; its value is not checked",
                &[("cookie", &header), ("key", &key)],
            );
            Ok(key)
        }
        None => {
            let e = api_key_missing(v);
            fail(t, &class, &e, "the cookie is missing or empty", &[("cookie", &header), ("key", "None")]);
            Err(e)
        }
    }
}

/// `HTTPBearer()`: scheme and credentials. Before 0.122.0 a missing header answered 403 and a
/// wrong scheme 403 "Invalid authentication credentials"; from 0.122.0 both are 401 + `Bearer`.
pub fn http_bearer(req: &Req, v: FastApiVersion, t: &mut Tracer) -> Result<(String, String), HttpException> {
    const CLASS: &str = "HTTPBearer";
    let header = req.header("authorization");
    let (scheme, credentials) = scheme_param(header, v);
    let shown = header.unwrap_or("(none)");
    let not_authenticated = || {
        if v.auth_errors_are_401() {
            HttpException::new(401, NOT_AUTHENTICATED, Some("Bearer"))
        } else {
            HttpException::new(403, NOT_AUTHENTICATED, None)
        }
    };
    if header.is_none_or(str::is_empty) || scheme.is_empty() || credentials.is_empty() {
        let e = not_authenticated();
        fail(
            t,
            CLASS,
            &e,
            "no scheme and credentials in Authorization",
            &[("header", shown), ("scheme", &scheme), ("credentials", &credentials)],
        );
        return Err(e);
    }
    if !is_scheme(&scheme, "bearer") {
        let e = if v.auth_errors_are_401() {
            not_authenticated()
        } else {
            HttpException::new(403, INVALID_CREDENTIALS, None)
        };
        fail(
            t,
            CLASS,
            &e,
            "the scheme is not Bearer",
            &[("header", shown), ("scheme", &scheme), ("credentials", &credentials)],
        );
        return Err(e);
    }
    pass(
        t,
        CLASS,
        "Bearer credentials extracted (not checked)",
        &[("header", shown), ("scheme", &scheme), ("credentials", &credentials)],
    );
    Ok((scheme, credentials))
}

/// `HTTPBasic(realm=...)`: base64 `user:password`. Missing or another scheme: 401 `Not
/// authenticated`; undecodable: 401 "Invalid authentication credentials" before 0.122.0,
/// "Not authenticated" after; always with `WWW-Authenticate: Basic`.
pub fn http_basic(
    req: &Req,
    v: FastApiVersion,
    t: &mut Tracer,
    realm: Option<&str>,
) -> Result<(String, String), HttpException> {
    const CLASS: &str = "HTTPBasic";
    let www = realm.map_or_else(|| "Basic".to_owned(), |r| format!("Basic realm=\"{r}\""));
    let header = req.header("authorization");
    let (scheme, param) = scheme_param(header, v);
    let shown = header.unwrap_or("(none)");
    if header.is_none_or(str::is_empty) || !is_scheme(&scheme, "basic") {
        let e = HttpException::new(401, NOT_AUTHENTICATED, Some(&www));
        fail(t, CLASS, &e, "no Basic credentials", &[("header", shown), ("scheme", &scheme)]);
        return Err(e);
    }
    let invalid = HttpException::new(
        401,
        if v.auth_errors_are_401() { NOT_AUTHENTICATED } else { INVALID_CREDENTIALS },
        Some(&www),
    );
    let decoded = b64decode_lenient(&param)
        .filter(|b| b.is_ascii())
        .map(|b| b.into_iter().map(char::from).collect::<String>());
    let Some(data) = decoded else {
        fail(
            t,
            CLASS,
            &invalid,
            "the credentials are not base64 of ASCII text",
            &[("header", shown), ("scheme", &scheme), ("credentials", &param)],
        );
        return Err(invalid);
    };
    let Some((user, password)) = data.split_once(':') else {
        fail(
            t,
            CLASS,
            &invalid,
            "the decoded credentials have no colon",
            &[("header", shown), ("decoded", &data)],
        );
        return Err(invalid);
    };
    pass(
        t,
        CLASS,
        "username and password decoded (not checked)",
        &[("header", shown), ("username", user), ("password", password)],
    );
    Ok((user.to_owned(), password.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> FastApiVersion {
        FastApiVersion::parse(s).unwrap()
    }

    #[test]
    fn scheme_param_strips_only_from_0_128_1() {
        assert_eq!(scheme_param(Some("Bearer  tok"), v("0.128.0")), ("Bearer".into(), " tok".into()));
        assert_eq!(scheme_param(Some("Bearer  tok"), v("0.128.1")), ("Bearer".into(), "tok".into()));
        assert_eq!(scheme_param(Some("Bearer"), v("0.165.0")), ("Bearer".into(), String::new()));
        assert_eq!(scheme_param(Some(""), v("0.165.0")), (String::new(), String::new()));
        assert_eq!(scheme_param(None, v("0.165.0")), (String::new(), String::new()));
    }

    #[test]
    fn missing_api_key_changes_at_0_122_0() {
        let req = Req::get("/data", &[]);
        let mut t = Tracer::new(None, "t".into());
        assert_eq!(
            api_key_header(&req, v("0.121.3"), &mut t, "X-API-Key").unwrap_err(),
            HttpException::new(403, NOT_AUTHENTICATED, None)
        );
        assert_eq!(
            api_key_header(&req, v("0.122.0"), &mut t, "X-API-Key").unwrap_err(),
            HttpException::new(401, NOT_AUTHENTICATED, Some("APIKey"))
        );
        let req = Req::get("/data", &[("x-api-key", "k")]);
        assert_eq!(api_key_header(&req, v("0.122.0"), &mut t, "X-API-Key").unwrap(), "k");
    }

    #[test]
    fn a_second_cookie_header_counts_from_0_121_0() {
        let mut t = Tracer::new(None, "t".into());
        let req = Req::get("/apikey-cookie", &[("cookie", "a=1"), ("cookie", "session=abc")]);
        assert!(api_key_cookie(&req, v("0.120.0"), &mut t, "session").is_err());
        assert_eq!(api_key_cookie(&req, v("0.121.0"), &mut t, "session").unwrap(), "abc");
    }

    #[test]
    fn http_basic_decodes_like_fastapi() {
        let mut t = Tracer::new(None, "t".into());
        let req = Req::get("/", &[("authorization", "Basic am9obmRvZTpzZTpjcmV0")]);
        assert_eq!(
            http_basic(&req, v("0.165.0"), &mut t, None).unwrap(),
            ("johndoe".into(), "se:cret".into())
        );
        let req = Req::get("/", &[("authorization", "Basic am9obmRvZQ==")]);
        assert_eq!(
            http_basic(&req, v("0.121.0"), &mut t, Some("demo")).unwrap_err(),
            HttpException::new(401, INVALID_CREDENTIALS, Some("Basic realm=\"demo\""))
        );
    }
}
