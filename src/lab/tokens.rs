//! JWTs for the demo API: minted and checked with the real `jsonwebtoken` crate, HS256 only.
//!
//! `jsonwebtoken` 11 without default features has no crypto backend (it would panic at the first
//! decode), and its `rust_crypto` backend pulls `rsa` (an unfixed advisory). So this module installs
//! a small provider that knows HS256 on `hmac` + `sha2` and refuses every other algorithm.
//!
//! The credential presets of the content (`fresh-jwt`, `expired-jwt`, …) are minted here too. Two of
//! them must *not* verify (`alg-none-jwt`, `hs512-jwt`); their strings are assembled by hand, which
//! is fine because nothing ever trusts them.

use std::fmt;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use jsonwebtoken::crypto::{CryptoProvider, JwtSigner, JwtVerifier, KeyUtils};
use jsonwebtoken::errors::{ErrorKind, new_error};
use jsonwebtoken::signature::{Signer, Verifier};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Sha256, Sha512};

/// The environment variable that sets the demo API's signing secret.
pub const SECRET_ENV: &str = "APISEC_TUTOR_JWT_SECRET";

/// How long a freshly minted token lives, as in the reference app.
pub const ACCESS_TOKEN_MINUTES: u64 = 30;

/// The signing secret: from the environment, else random per run. Never printed, never saved.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Arc<[u8]>);

impl Secret {
    #[must_use]
    pub fn new(bytes: impl AsRef<[u8]>) -> Self {
        Self(Arc::from(bytes.as_ref()))
    }

    /// `APISEC_TUTOR_JWT_SECRET` when set and not empty, else 32 random bytes.
    #[must_use]
    pub fn from_env_or_random() -> Self {
        match std::env::var(SECRET_ENV) {
            Ok(value) if !value.is_empty() => Self::new(value.as_bytes()),
            _ => Self::random(),
        }
    }

    #[must_use]
    pub fn random() -> Self {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        Self::new(bytes)
    }

    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

// ---------------------------------------------------------------------------------------------
// The HS256-only crypto provider
// ---------------------------------------------------------------------------------------------

struct Hs256(Hmac<Sha256>);

impl Hs256 {
    fn new(key: &[u8]) -> jsonwebtoken::errors::Result<Self> {
        Hmac::<Sha256>::new_from_slice(key).map(Self).map_err(|_| new_error(ErrorKind::InvalidKeyFormat))
    }
}

impl Signer<Vec<u8>> for Hs256 {
    fn try_sign(&self, msg: &[u8]) -> Result<Vec<u8>, jsonwebtoken::signature::Error> {
        let mut mac = self.0.clone();
        mac.update(msg);
        Ok(mac.finalize().into_bytes().to_vec())
    }
}

impl Verifier<Vec<u8>> for Hs256 {
    fn verify(&self, msg: &[u8], signature: &Vec<u8>) -> Result<(), jsonwebtoken::signature::Error> {
        let mut mac = self.0.clone();
        mac.update(msg);
        // `verify_slice` compares in constant time.
        mac.verify_slice(signature).map_err(|_| jsonwebtoken::signature::Error::new())
    }
}

impl JwtSigner for Hs256 {
    fn algorithm(&self) -> Algorithm {
        Algorithm::HS256
    }
}

impl JwtVerifier for Hs256 {
    fn algorithm(&self) -> Algorithm {
        Algorithm::HS256
    }
}

fn signer_factory(alg: &Algorithm, key: &EncodingKey) -> jsonwebtoken::errors::Result<Box<dyn JwtSigner>> {
    if *alg != Algorithm::HS256 {
        return Err(new_error(ErrorKind::InvalidAlgorithm));
    }
    Ok(Box::new(Hs256::new(key.as_bytes())?))
}

fn verifier_factory(
    alg: &Algorithm,
    key: &DecodingKey,
) -> jsonwebtoken::errors::Result<Box<dyn JwtVerifier>> {
    if *alg != Algorithm::HS256 {
        return Err(new_error(ErrorKind::InvalidAlgorithm));
    }
    Ok(Box::new(Hs256::new(key.try_get_as_bytes()?)?))
}

static PROVIDER: CryptoProvider =
    CryptoProvider { signer_factory, verifier_factory, key_utils: KeyUtils::new_unimplemented() };

/// Installs the HS256 provider for the process. Idempotent; call before any encode or decode.
pub fn install_provider() {
    // Err only means a provider is installed already (ours: nothing else in the program installs one).
    let _ = PROVIDER.install_default();
}

// ---------------------------------------------------------------------------------------------
// Claims, minting, verifying
// ---------------------------------------------------------------------------------------------

/// The claims the reference app writes, in its order: `sub`, `scope`, `role`, `exp`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    pub scope: String,
    pub role: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exp: Option<u64>,
}

impl Claims {
    /// A login token as `POST /token` issues it.
    #[must_use]
    pub fn login(sub: &str, scope: &str, role: &str, now: u64) -> Self {
        Self {
            sub: Some(sub.to_owned()),
            scope: scope.to_owned(),
            role: role.to_owned(),
            exp: Some(now + ACCESS_TOKEN_MINUTES * 60),
        }
    }
}

/// Why a token was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the token has expired (exp is in the past)")]
    Expired,
    #[error("the signature does not match the secret")]
    BadSignature,
    #[error("the algorithm is not allowed (only HS256)")]
    Algorithm,
    #[error("the token is not a well-formed JWT")]
    Malformed,
    #[error("a claim has the wrong type or value: {0}")]
    Claim(String),
    #[error("signing failed")]
    Sign,
}

/// Seconds since the epoch (0 if the clock is before 1970).
#[must_use]
pub fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Signs claims with HS256, byte for byte as PyJWT 2.15's `jwt.encode(claims, key, "HS256")`:
/// the header `{"alg":"HS256","typ":"JWT"}` (PyJWT sorts header keys), the claims in their own
/// order as `json.dumps(..., separators=(",", ":"))` writes them (non-ASCII as `\uXXXX`), each
/// segment base64url without padding, then the HMAC-SHA256 of `header.payload`.
pub fn mint<T: Serialize>(claims: &T, secret: &Secret) -> Result<String, TokenError> {
    const HEADER: &[u8] = br#"{"alg":"HS256","typ":"JWT"}"#;
    let payload = super::json::dumps_ascii(claims).map_err(|_| TokenError::Sign)?;
    let signing_input = format!("{}.{}", URL_SAFE_NO_PAD.encode(HEADER), URL_SAFE_NO_PAD.encode(payload));
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).map_err(|_| TokenError::Sign)?;
    mac.update(signing_input.as_bytes());
    let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    Ok(format!("{signing_input}.{signature}"))
}

/// Checks a token as PyJWT 2.15's `jwt.decode(token, SECRET, algorithms=["HS256"])` does in the
/// reference app, step by step:
/// 1. three base64url segments, each strict (alphabet only, at most two `=` of real padding,
///    canonical), as PyJWT's `_decode_base64url_segment`;
/// 2. a JSON-object header with `alg` exactly `HS256` (so `none` and `HS512` fail), a string `kid`,
///    a valid `crit`, no detached payload (`b64: false`);
/// 3. the HMAC-SHA256 signature over the raw `header.payload`, checked by `jsonwebtoken`'s
///    verifier (our HS256 provider, constant-time);
/// 4. a JSON-object payload and PyJWT's claim checks: `iat`/`nbf`/`exp` through Python's `int()`,
///    `exp` in the past (or now) is expired, no non-empty `aud` (none is configured), `sub` and
///    `jti` strings.
pub fn verify(token: &str, secret: &Secret) -> Result<DecodedClaims, TokenError> {
    install_provider();
    let (signing_input, signature) = token.rsplit_once('.').ok_or(TokenError::Malformed)?;
    let (header, payload) = signing_input.split_once('.').ok_or(TokenError::Malformed)?;
    let header = pyjwt_segment(header).ok_or(TokenError::Malformed)?;
    let payload = pyjwt_segment(payload).ok_or(TokenError::Malformed)?;
    let signature = pyjwt_segment(signature).ok_or(TokenError::Malformed)?;
    let header: serde_json::Value = serde_json::from_slice(&header).map_err(|_| TokenError::Malformed)?;
    let header = header.as_object().ok_or(TokenError::Malformed)?;
    if header.get("alg").and_then(serde_json::Value::as_str) != Some("HS256") {
        return Err(TokenError::Algorithm);
    }
    pyjwt_header_checks(header)?;
    let genuine = jsonwebtoken::crypto::verify(
        &URL_SAFE_NO_PAD.encode(&signature),
        signing_input.as_bytes(),
        &DecodingKey::from_secret(secret.as_bytes()),
        Algorithm::HS256,
    )
    .map_err(|_| TokenError::Malformed)?;
    if !genuine {
        return Err(TokenError::BadSignature);
    }
    let claims: serde_json::Value = serde_json::from_slice(&payload).map_err(|_| TokenError::Malformed)?;
    let serde_json::Value::Object(claims) = claims else { return Err(TokenError::Malformed) };
    pyjwt_claim_checks(&claims, now())?;
    Ok(claims)
}

/// The decoded claims of a token.
pub type DecodedClaims = serde_json::Map<String, serde_json::Value>;

/// PyJWT 2.15's `_decode_base64url_segment`: only the base64url alphabet, optional `=` padding
/// (at most two, and then a length that is a multiple of 4), no impossible length, and canonical
/// (re-encoding gives the same text).
fn pyjwt_segment(segment: &str) -> Option<Vec<u8>> {
    let stripped = segment.trim_end_matches('=');
    let padding = segment.len() - stripped.len();
    if padding > 2 || (padding > 0 && !segment.len().is_multiple_of(4)) || stripped.len() % 4 == 1 {
        return None;
    }
    if !stripped.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return None;
    }
    let decoded = URL_SAFE_NO_PAD.decode(stripped).ok()?;
    (URL_SAFE_NO_PAD.encode(&decoded) == stripped).then_some(decoded)
}

/// PyJWT's `_validate_headers` (`kid` a string; `crit` a non-empty list of supported, present
/// names) and its refusal of a detached payload (`b64: false`), which the app never passes.
fn pyjwt_header_checks(header: &serde_json::Map<String, serde_json::Value>) -> Result<(), TokenError> {
    if header.get("kid").is_some_and(|k| !k.is_string()) {
        return Err(TokenError::Claim("kid must be a string".into()));
    }
    if let Some(crit) = header.get("crit") {
        let names = crit
            .as_array()
            .filter(|a| !a.is_empty())
            .ok_or_else(|| TokenError::Claim("crit must be a non-empty list".into()))?;
        for name in names {
            let name =
                name.as_str().ok_or_else(|| TokenError::Claim("crit values must be strings".into()))?;
            if name != "b64" || !header.contains_key(name) {
                return Err(TokenError::Claim(format!("unsupported critical extension {name}")));
            }
        }
    }
    if header.get("b64") == Some(&serde_json::Value::Bool(false)) {
        return Err(TokenError::Claim("detached payloads are not accepted".into()));
    }
    Ok(())
}

/// Python's `int(value)` for a JSON value: integers, floats (truncated), booleans and numeric
/// strings; `None` where Python raises.
fn py_int(value: &serde_json::Value) -> Option<i128> {
    match value {
        serde_json::Value::Bool(b) => Some(i128::from(*b)),
        serde_json::Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => Some(i128::from(i)),
            (_, Some(u), _) => Some(i128::from(u)),
            // Truncation toward zero is what Python's int() does.
            #[allow(clippy::cast_possible_truncation)]
            (_, _, Some(f)) if f.is_finite() => Some(f.trunc() as i128),
            _ => None,
        },
        serde_json::Value::String(s) => {
            let t = super::pyish::py_strip(s);
            let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
            let ok = !digits.is_empty()
                && !digits.starts_with('_')
                && !digits.ends_with('_')
                && !digits.contains("__")
                && digits.chars().all(|c| c.is_ascii_digit() || c == '_');
            if ok { t.replace('_', "").parse().ok() } else { None }
        }
        _ => None,
    }
}

/// Python truthiness of a JSON value.
fn py_truthy(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::Null => false,
        serde_json::Value::Bool(b) => *b,
        serde_json::Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        serde_json::Value::String(s) => !s.is_empty(),
        serde_json::Value::Array(a) => !a.is_empty(),
        serde_json::Value::Object(o) => !o.is_empty(),
    }
}

/// The claim checks of PyJWT's `_validate_claims` with no audience, issuer or leeway.
fn pyjwt_claim_checks(claims: &DecodedClaims, now: u64) -> Result<(), TokenError> {
    let now = i128::from(now);
    let int = |name: &str| -> Result<Option<i128>, TokenError> {
        claims.get(name).map_or(Ok(None), |v| {
            py_int(v).map(Some).ok_or_else(|| TokenError::Claim(format!("{name} must be an integer")))
        })
    };
    if int("iat")?.is_some_and(|iat| iat > now) {
        return Err(TokenError::Claim("iat is in the future".into()));
    }
    if int("nbf")?.is_some_and(|nbf| nbf > now) {
        return Err(TokenError::Claim("nbf is in the future".into()));
    }
    if int("exp")?.is_some_and(|exp| exp <= now) {
        return Err(TokenError::Expired);
    }
    if claims.get("aud").is_some_and(py_truthy) {
        return Err(TokenError::Claim("aud is set but no audience is expected".into()));
    }
    for name in ["sub", "jti"] {
        if claims.get(name).is_some_and(|v| !v.is_string()) {
            return Err(TokenError::Claim(format!("{name} must be a string")));
        }
    }
    Ok(())
}

/// Header and claims of any token, without checking anything (for the trace and the workbench).
#[must_use]
pub fn inspect(token: &str) -> Option<(serde_json::Value, serde_json::Value)> {
    let mut parts = token.split('.');
    let header = parts.next()?;
    let payload = parts.next()?;
    let decode = |part: &str| -> Option<serde_json::Value> {
        let bytes = URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).ok()?;
        serde_json::from_slice(&bytes).ok()
    };
    Some((decode(header)?, decode(payload)?))
}

// ---------------------------------------------------------------------------------------------
// Credential presets (the content's `credential:` field)
// ---------------------------------------------------------------------------------------------

/// Every credential preset the lab can mint, by its content name: the content's own list, so
/// `check` accepts exactly what the lab can mint (a test below mints every one).
pub use crate::content::check::CREDENTIAL_PRESETS as PRESETS;

fn b64_json<T: Serialize>(value: &T) -> Result<String, TokenError> {
    serde_json::to_vec(value).map(|v| URL_SAFE_NO_PAD.encode(v)).map_err(|_| TokenError::Sign)
}

/// Mints a preset with the demo secret at time `now`; `None` for an unknown preset name.
pub fn mint_preset(name: &str, secret: &Secret, now: u64) -> Option<Result<String, TokenError>> {
    let user = |sub: &str, role: &str| Claims::login(sub, "me items", role, now);
    let token = match name {
        "fresh-jwt" => mint(&user("johndoe", "user"), secret),
        "fresh-jwt-no-scope" => mint(&Claims::login("johndoe", "", "user", now), secret),
        "admin-jwt" => mint(&user("admin", "admin"), secret),
        "disabled-user-jwt" => mint(&user("alice", "user"), secret),
        "unknown-user-jwt" => mint(&user("nobody", "user"), secret),
        "no-sub-jwt" => mint(&Claims { sub: None, ..user("x", "user") }, secret),
        "no-exp-jwt" => mint(&Claims { exp: None, ..user("johndoe", "user") }, secret),
        "expired-jwt" => {
            mint(&Claims { exp: Some(now.saturating_sub(3600)), ..user("johndoe", "user") }, secret)
        }
        "wrong-key-jwt" => {
            let mut other = secret.as_bytes().to_vec();
            other.extend_from_slice(b"-but-not-the-demo-secret");
            mint(&user("johndoe", "user"), &Secret::new(other))
        }
        "alg-none-jwt" => (|| {
            let header = b64_json(&serde_json::json!({"alg": "none", "typ": "JWT"}))?;
            Ok(format!("{header}.{}.", b64_json(&user("johndoe", "user"))?))
        })(),
        "tampered-jwt" => (|| {
            let genuine = mint(&user("johndoe", "user"), secret)?;
            let mut parts = genuine.split('.');
            let (header, _, signature) =
                (parts.next().unwrap_or(""), parts.next(), parts.next().unwrap_or(""));
            let forged = b64_json(&user("admin", "admin"))?;
            Ok(format!("{header}.{forged}.{signature}"))
        })(),
        "hs512-jwt" => (|| {
            let header = b64_json(&serde_json::json!({"alg": "HS512", "typ": "JWT"}))?;
            let input = format!("{header}.{}", b64_json(&user("johndoe", "user"))?);
            let mut mac = Hmac::<Sha512>::new_from_slice(secret.as_bytes()).map_err(|_| TokenError::Sign)?;
            mac.update(input.as_bytes());
            Ok(format!("{input}.{}", URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())))
        })(),
        _ => return None,
    };
    Some(token)
}

#[cfg(test)]
mod tests {

    #[test]
    fn an_issued_token_is_byte_for_byte_what_pyjwt_writes() {
        // target/python-env/bin/python -c 'import jwt; print(jwt.encode({"sub": "johndoe",
        //   "scope": "é items 😀", "role": "user", "exp": 2000000000},
        //   "fixture-secret-key-of-32-bytes!!", algorithm="HS256"))'   (PyJWT 2.15.1)
        const PYJWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJqb2huZG9lIiwic2NvcGUiOiJcdTAwZTkgaXRlbXMgXHVkODNkXHVkZTAwIiwicm9sZSI6InVzZXIiLCJleHAiOjIwMDAwMDAwMDB9.vjifDatUJY0bAy0HXvKg-XD-NOCbRh8W5_B5RV4ayHA";
        let claims = Claims {
            sub: Some("johndoe".into()),
            scope: "é items 😀".into(),
            role: "user".into(),
            exp: Some(2_000_000_000),
        };
        let secret = Secret::new("fixture-secret-key-of-32-bytes!!");
        assert_eq!(mint(&claims, &secret).unwrap(), PYJWT);
        assert!(verify(PYJWT, &secret).is_ok());
    }

    use super::*;

    fn secret() -> Secret {
        Secret::new("unit-test-secret")
    }

    #[test]
    fn a_minted_token_verifies_and_keeps_its_claims() {
        let now = now();
        let token = mint(&Claims::login("johndoe", "me items", "user", now), &secret()).unwrap();
        let claims = verify(&token, &secret()).unwrap();
        assert_eq!(claims["sub"], "johndoe");
        assert_eq!(claims["scope"], "me items");
        assert_eq!(claims["exp"], now + 1800);
        let (header, _) = inspect(&token).unwrap();
        assert_eq!(header["alg"], "HS256");
    }

    #[test]
    fn a_tampered_token_fails() {
        let token = mint_preset("tampered-jwt", &secret(), now()).unwrap().unwrap();
        assert_eq!(verify(&token, &secret()), Err(TokenError::BadSignature));
        let (_, claims) = inspect(&token).unwrap();
        assert_eq!(claims["sub"], "admin", "the forged payload says admin");
        // Flipping one character of a genuine signature also fails.
        let genuine = mint_preset("fresh-jwt", &secret(), now()).unwrap().unwrap();
        let mut bytes = genuine.into_bytes();
        let last = bytes.len() - 2;
        bytes[last] = if bytes[last] == b'A' { b'B' } else { b'A' };
        assert!(verify(&String::from_utf8(bytes).unwrap(), &secret()).is_err());
    }

    #[test]
    fn every_preset_is_minted_and_only_the_good_ones_verify() {
        let now = now();
        for name in PRESETS {
            let token = mint_preset(name, &secret(), now).unwrap().unwrap();
            let result = verify(&token, &secret());
            let want_ok = matches!(
                name,
                "fresh-jwt"
                    | "fresh-jwt-no-scope"
                    | "admin-jwt"
                    | "disabled-user-jwt"
                    | "unknown-user-jwt"
                    | "no-sub-jwt"
                    | "no-exp-jwt"
            );
            assert_eq!(result.is_ok(), want_ok, "{name}: {result:?}");
        }
        assert_eq!(
            verify(&mint_preset("expired-jwt", &secret(), now).unwrap().unwrap(), &secret()),
            Err(TokenError::Expired)
        );
        assert_eq!(
            verify(&mint_preset("alg-none-jwt", &secret(), now).unwrap().unwrap(), &secret()),
            Err(TokenError::Algorithm)
        );
        assert_eq!(
            verify(&mint_preset("hs512-jwt", &secret(), now).unwrap().unwrap(), &secret()),
            Err(TokenError::Algorithm)
        );
        assert_eq!(
            verify(&mint_preset("wrong-key-jwt", &secret(), now).unwrap().unwrap(), &secret()),
            Err(TokenError::BadSignature)
        );
        assert!(mint_preset("no-such-preset", &secret(), now).is_none());
        let no_sub = verify(&mint_preset("no-sub-jwt", &secret(), now).unwrap().unwrap(), &secret()).unwrap();
        assert!(no_sub.get("sub").is_none());
        let no_exp = verify(&mint_preset("no-exp-jwt", &secret(), now).unwrap().unwrap(), &secret()).unwrap();
        assert!(no_exp.get("exp").is_none());
    }

    #[test]
    fn claims_follow_pyjwt_where_it_differs_from_jsonwebtoken() {
        let s = secret();
        let now = now();
        let sign = |claims: serde_json::Value| mint(&claims, &s).unwrap();
        let far = now + 3600;
        // PyJWT's int(): a float or a numeric string `exp` is fine, garbage is not.
        assert!(verify(&sign(serde_json::json!({"sub": "johndoe", "exp": far as f64 + 0.5})), &s).is_ok());
        assert!(verify(&sign(serde_json::json!({"sub": "johndoe", "exp": far.to_string()})), &s).is_ok());
        assert!(verify(&sign(serde_json::json!({"sub": "johndoe", "exp": "soon"})), &s).is_err());
        assert_eq!(
            verify(&sign(serde_json::json!({"sub": "johndoe", "exp": (now - 5).to_string()})), &s),
            Err(TokenError::Expired)
        );
        // An empty audience passes, a real one does not; sub and jti must be strings.
        assert!(verify(&sign(serde_json::json!({"sub": "johndoe", "aud": ""})), &s).is_ok());
        assert!(verify(&sign(serde_json::json!({"sub": "johndoe", "aud": "api"})), &s).is_err());
        assert!(verify(&sign(serde_json::json!({"sub": 7})), &s).is_err());
        assert!(verify(&sign(serde_json::json!({"sub": "x", "jti": 7})), &s).is_err());
        assert!(verify(&sign(serde_json::json!({"sub": "x", "iat": now + 600})), &s).is_err());
        assert!(verify(&sign(serde_json::json!({"sub": "x", "iat": now - 600, "nbf": now - 1})), &s).is_ok());
        assert!(verify(&sign(serde_json::json!({"sub": "x", "nbf": now + 600})), &s).is_err());
        // Segments are strict base64url: junk fails, real padding is accepted (as PyJWT 2.15).
        let good = sign(serde_json::json!({"sub": "johndoe"}));
        let (input, sig) = good.rsplit_once('.').unwrap();
        assert_eq!(verify(&format!("{input}.{sig}!!"), &s), Err(TokenError::Malformed));
        assert!(verify(&format!("{input}.{sig}="), &s).is_ok(), "a 43-char signature takes one '='");
        assert_eq!(verify(&format!("{input}.{sig}=="), &s), Err(TokenError::Malformed));
        assert_eq!(verify(&format!("{input}.{sig}.x"), &s), Err(TokenError::Malformed));
        // Header rules: kid must be a string, crit must name supported extensions.
        let with_header = |h: serde_json::Value| {
            let head = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&h).unwrap());
            let body = URL_SAFE_NO_PAD.encode(br#"{"sub":"johndoe"}"#);
            let input = format!("{head}.{body}");
            let sig = jsonwebtoken::crypto::sign(
                input.as_bytes(),
                &EncodingKey::from_secret(s.as_bytes()),
                Algorithm::HS256,
            )
            .unwrap();
            format!("{input}.{sig}")
        };
        assert!(verify(&with_header(serde_json::json!({"alg": "HS256", "typ": 5})), &s).is_ok());
        assert!(verify(&with_header(serde_json::json!({"alg": "HS256", "kid": 5})), &s).is_err());
        assert!(verify(&with_header(serde_json::json!({"alg": "HS256", "crit": ["exp"]})), &s).is_err());
        assert!(
            verify(&with_header(serde_json::json!({"alg": "HS256", "b64": false, "crit": ["b64"]})), &s)
                .is_err()
        );
    }

    #[test]
    fn garbage_is_malformed_not_a_panic() {
        for junk in ["", "not-a-jwt", "a.b.c", "...", "eyJhbGciOiJIUzI1NiJ9.e30", "\u{0}.\u{1}.\u{2}"] {
            assert!(verify(junk, &secret()).is_err(), "{junk:?}");
        }
    }

    #[test]
    fn the_secret_never_shows_in_debug_output() {
        let s = Secret::new("hunter2");
        assert!(!format!("{s:?}").contains("hunter2"));
        assert_ne!(Secret::random(), Secret::random());
    }
}
