//! A `login` route: `OAuth2PasswordRequestForm` parsed and validated by FastAPI (400 for a body
//! that is not a form, 422 for missing fields), the app's optional failed-login limit (429 with
//! `Retry-After`), the password check (401 + `WWW-Authenticate: Bearer`) and a signed JWT with
//! `sub`, `scope`, `role` and `exp`, as FastAPI's JWT tutorial issues it.

use std::time::Instant;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use super::handler::{CLIENT_HOST, handler, too_many};
use super::{Route, Variant};
use crate::content::lab_app::{LoginSpec, RateKey};
use crate::lab::app::Req;
use crate::lab::config::LabConfig;
use crate::lab::fastapi::{HttpException, Resp, missing_field, pattern_mismatch};
use crate::lab::form::{self, FormError};
use crate::lab::pyish::py_split_ws;
use crate::lab::tokens::{self, Claims};
use crate::lab::trace::{Actor, Outcome, TraceStage, Tracer};

/// The fields of `OAuth2PasswordRequestForm`, in declaration order, and whether each is required.
const FORM_FIELDS: [(&str, bool); 6] = [
    ("grant_type", false),
    ("username", true),
    ("password", true),
    ("scope", false),
    ("client_id", false),
    ("client_secret", false),
];

/// The salt the generated code hashes demo passwords with (`_SALT = b"demo-salt"`).
const SALT: &[u8] = b"demo-salt";

/// `hashlib.pbkdf2_hmac("sha256", password, b"demo-salt", 1000).hex()`: what the generated code
/// stores instead of the password, and what leaks when a route returns the user without a
/// `response_model`. PBKDF2 with one 32-byte block.
#[must_use]
pub fn password_hash(password: &str) -> String {
    let prf = || Hmac::<Sha256>::new_from_slice(password.as_bytes());
    let Ok(mut mac) = prf() else { return String::new() };
    mac.update(SALT);
    mac.update(&1u32.to_be_bytes());
    let mut u = mac.finalize().into_bytes();
    let mut out = u;
    for _ in 1..1000 {
        let Ok(mut mac) = prf() else { return String::new() };
        mac.update(&u);
        u = mac.finalize().into_bytes();
        for (o, b) in out.iter_mut().zip(u.iter()) {
            *o ^= b;
        }
    }
    out.iter().map(|b| format!("{b:02x}")).collect()
}

/// The route's body and answer.
pub fn run(
    cfg: &LabConfig,
    variant: &Variant,
    route: &Route,
    spec: &LoginSpec,
    req: &Req,
    body: &[u8],
    t: &mut Tracer,
) -> Resp {
    let form = match form::parse(req, body) {
        Ok(form) => form,
        Err(e) => {
            let detail = e.detail(cfg.fastapi);
            let why = match &e {
                FormError::Invalid(at) => format!("the multipart body cannot be parsed: {at}"),
                _ => detail.to_owned(),
            };
            t.emit(
                TraceStage::Receive,
                "request.form()",
                Outcome::Fail,
                Actor::Framework,
                &why,
                &[("status", "400"), ("detail", detail)],
            );
            return HttpException::new(400, detail, None).into_resp();
        }
    };
    // Last value wins (`FormData.get`); before 0.123.2 an empty value is put back after being
    // dropped, so it reaches the handler; from 0.123.2 it counts as missing.
    let get = |name: &str| -> Option<String> {
        let value = form.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.clone())?;
        if value.is_empty() && cfg.fastapi.empty_form_field_is_missing() { None } else { Some(value) }
    };
    let mut errors = Vec::new();
    let mut values: Vec<Option<String>> = Vec::new();
    for (name, required) in FORM_FIELDS {
        let value = get(name);
        match (&value, name) {
            (None, _) if required => errors.push(missing_field("body", name)),
            (Some(gt), "grant_type") if gt != "password" => {
                errors.push(pattern_mismatch("body", name, "^password$", gt))
            }
            _ => {}
        }
        values.push(value);
    }
    // The trace may be printed (`serve --trace`): secrets are shown by length only.
    let shown_form = form
        .iter()
        .map(|(k, v)| match k.as_str() {
            "password" | "client_secret" => format!("{k}=<{} chars>", v.chars().count()),
            _ => format!("{k}={v}"),
        })
        .collect::<Vec<_>>()
        .join("&");
    if !errors.is_empty() {
        let resp = Resp::validation(errors);
        let body_text = String::from_utf8_lossy(&resp.body).into_owned();
        t.emit(
            TraceStage::Receive,
            "OAuth2PasswordRequestForm",
            Outcome::Fail,
            Actor::Framework,
            "the form fails validation before the handler runs",
            &[("form", &shown_form), ("status", "422"), ("errors", &body_text)],
        );
        return resp;
    }
    t.emit(
        TraceStage::Receive,
        "OAuth2PasswordRequestForm",
        Outcome::Pass,
        Actor::Framework,
        "the form is valid",
        &[("form", &shown_form)],
    );
    let username = values[1].clone().unwrap_or_default();
    let password = values[2].clone().unwrap_or_default();
    let scope = values[3].clone().unwrap_or_default();
    let now = Instant::now();
    let limit_key = spec.rate_limit.as_ref().map(|l| match l.per {
        RateKey::Username => username.clone(),
        RateKey::Client => CLIENT_HOST.to_owned(),
    });
    if let (Some(limit), Some(key)) = (&spec.rate_limit, &limit_key)
        && let Some(retry) = variant.limiter.blocked(route.index, key, limit, now)
    {
        t.emit(
            TraceStage::Authenticate,
            "failed_logins",
            Outcome::Fail,
            Actor::App,
            &format!("{} failed logins in {} s: locked out for now", limit.requests, limit.window_seconds),
            &[("key", key), ("raises", "429"), ("retry_after", &retry.to_string())],
        );
        return too_many("Too many failed logins", retry);
    }
    let user =
        variant.spec.user(&username).filter(|u| bool::from(u.password.as_bytes().ct_eq(password.as_bytes())));
    let Some(user) = user else {
        if let (Some(limit), Some(key)) = (&spec.rate_limit, &limit_key) {
            variant.limiter.fail(route.index, key, limit, now);
        }
        t.emit(
            TraceStage::Authenticate,
            "authenticate_user",
            Outcome::Fail,
            Actor::App,
            "unknown user or wrong password",
            &[("username", &username), ("raises", "401"), ("detail", "Incorrect username or password")],
        );
        return HttpException::new(401, "Incorrect username or password", Some("Bearer")).into_resp();
    };
    t.emit(
        TraceStage::Authenticate,
        "authenticate_user",
        Outcome::Pass,
        Actor::App,
        "the password matches",
        &[("username", &user.username)],
    );
    let scopes = py_split_ws(&scope).join(" ");
    let minutes = variant.spec.jwt.as_ref().map_or(30, |j| u64::from(j.expire_minutes));
    let mut claims = Claims::login(&user.username, &scopes, &user.role, tokens::now());
    claims.exp = Some(tokens::now() + minutes * 60);
    match tokens::mint(&claims, &cfg.secret) {
        Ok(token) => handler(t, &serde_json::json!({ "access_token": token, "token_type": "bearer" })),
        Err(e) => {
            // Only reachable if HMAC itself fails.
            t.emit(
                TraceStage::Process,
                "create_access_token",
                Outcome::Fail,
                Actor::App,
                &e.to_string(),
                &[],
            );
            Resp::internal_error()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_hash_is_pythons_pbkdf2() {
        // python3 -c 'import hashlib; print(hashlib.pbkdf2_hmac("sha256", b"secret", b"demo-salt", 1000).hex())'
        assert_eq!(password_hash("secret"), PYTHON_SECRET_HASH);
    }

    const PYTHON_SECRET_HASH: &str = include_str!("testdata/pbkdf2-secret.txt");
}
