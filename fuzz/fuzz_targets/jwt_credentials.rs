//! The demo API's credential parsing with arbitrary input: the `Authorization` value split into
//! scheme and credentials (every FastAPI behaviour the lab imitates), the JWT checks, and the
//! token inspector the trace and workbench use. Nothing may panic, and:
//! - a token `verify` accepts has an `HS256` header and a JSON-object payload whose `exp`, if
//!   any, is in the future (the fuzzer cannot forge the HMAC, so anything else accepted is a bug);
//! - the payload half of the input is also signed correctly here, so the claim checks (PyJWT's
//!   `int()` rules for `exp`/`nbf`/`iat`, `sub`/`jti` strings, `aud`) see arbitrary claims.
#![no_main]

use apisec_tutor::lab::FastApiVersion;
use apisec_tutor::lab::security::scheme_param;
use apisec_tutor::lab::tokens::{self, Secret};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use libfuzzer_sys::fuzz_target;
use sha2::Sha256;

const SECRET: &[u8] = b"fuzz-secret";

fn check_accepted(token: &str) {
    let (header, payload) = tokens::inspect(token).expect("an accepted token can be inspected");
    assert_eq!(
        header.get("alg").and_then(|a| a.as_str()),
        Some("HS256"),
        "accepted a non-HS256 token: {token}"
    );
    assert!(payload.is_object(), "accepted a non-object payload: {token}");
}

fuzz_target!(|data: &[u8]| {
    let secret = Secret::new(SECRET);
    let text = String::from_utf8_lossy(data);

    // 1. The whole input as an Authorization header value, for the releases that parse it
    //    differently (credentials stripped from 0.128.1 on).
    for v in [FastApiVersion::OLDEST, FastApiVersion::new(0, 128, 1), FastApiVersion::NEWEST] {
        let (scheme, param) = scheme_param(Some(&text), v);
        assert!(!scheme.contains(' '), "scheme with a space: {scheme:?}");
        assert!(scheme.len() + param.len() <= text.len(), "parts longer than the value");
    }

    // 2. The input as a token, as is.
    let _ = tokens::inspect(&text);
    if tokens::verify(&text, &secret).is_ok() {
        check_accepted(&text);
    }

    // 3. The input as a payload, correctly signed, so the claim checks run on it.
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let input = format!("{header}.{}", URL_SAFE_NO_PAD.encode(data));
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(SECRET) else { return };
    mac.update(input.as_bytes());
    let token = format!("{input}.{}", URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()));
    if let Ok(claims) = tokens::verify(&token, &secret) {
        check_accepted(&token);
        let exp = claims.get("exp").and_then(serde_json::Value::as_f64);
        assert!(exp.is_none_or(|e| e > tokens::now() as f64 - 1.0), "accepted an expired token: {claims:?}");
    }
});
