//! Pure helpers for the lab screen's token workbench and its "vulnerable vs fixed" comparisons:
//! split a JWT into its parts, re-sign edited claims with the demo secret, another key or no key
//! at all (`alg: none`), and — clearly labelled — the *vulnerable* verifier a pitfall describes.
//!
//! Nothing here trusts a token: [`decode`] only reads, and the one verifier that skips a check
//! ([`vulnerable_verify_skipping_exp`]) exists to show what that mistake accepts. The demo API
//! itself always uses [`super::tokens::verify`].

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Map, Value};

use super::tokens::{self, DecodedClaims, Secret, TokenError};

/// The secret a pitfall hard-codes in its source (`SECRET_KEY = "mysecret123"`): anyone who has
/// read the code, or guessed a well-known value, can sign tokens the server accepts.
pub const HARDCODED_SECRET: &str = "mysecret123";

/// The "other key" of the workbench: a well-formed HS256 key that is not the demo secret.
const OTHER_KEY: &[u8] = b"workbench-some-other-key";

/// A token taken apart without checking anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub header: Value,
    pub claims: Map<String, Value>,
    /// The third segment as sent (base64url), possibly empty.
    pub signature: String,
}

/// Splits a JWT into header, claims and signature; `None` when it is not `a.b.c` with JSON parts.
#[must_use]
pub fn decode(token: &str) -> Option<Decoded> {
    let (header, claims) = tokens::inspect(token)?;
    let Value::Object(claims) = claims else { return None };
    let signature = token.splitn(3, '.').nth(2)?.to_owned();
    Some(Decoded { header, claims, signature })
}

/// How the workbench signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignWith {
    /// HS256 with the demo API's secret: the server accepts it (if the claims are fine).
    DemoSecret,
    /// HS256 with a key the server does not know.
    OtherKey,
    /// HS256 with the hard-coded secret of the pitfall.
    HardCoded,
    /// `alg: none` and an empty signature.
    AlgNone,
}

impl SignWith {
    pub const ALL: [SignWith; 4] =
        [SignWith::DemoSecret, SignWith::OtherKey, SignWith::HardCoded, SignWith::AlgNone];

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            SignWith::DemoSecret => "HS256, the demo secret",
            SignWith::OtherKey => "HS256, another key",
            SignWith::HardCoded => "HS256, \"mysecret123\" (hard-coded)",
            SignWith::AlgNone => "alg: none, no signature",
        }
    }

    #[must_use]
    pub fn next(self) -> Self {
        let i = Self::ALL.iter().position(|s| *s == self).unwrap_or(0);
        Self::ALL[(i + 1) % Self::ALL.len()]
    }
}

fn b64_json(value: &Value) -> Result<String, TokenError> {
    serde_json::to_vec(value).map(|v| URL_SAFE_NO_PAD.encode(v)).map_err(|_| TokenError::Sign)
}

/// Signs `claims` as chosen. `secret` is the demo API's secret (used only for
/// [`SignWith::DemoSecret`]).
pub fn sign(claims: &Map<String, Value>, with: SignWith, secret: &Secret) -> Result<String, TokenError> {
    let claims = Value::Object(claims.clone());
    match with {
        SignWith::DemoSecret => tokens::mint(&claims, secret),
        SignWith::OtherKey => tokens::mint(&claims, &Secret::new(OTHER_KEY)),
        SignWith::HardCoded => tokens::mint(&claims, &Secret::new(HARDCODED_SECRET)),
        SignWith::AlgNone => {
            let header = b64_json(&serde_json::json!({"alg": "none", "typ": "JWT"}))?;
            Ok(format!("{header}.{}.", b64_json(&claims)?))
        }
    }
}

/// The claims `POST /token` would issue to `sub` (scope "me items", role user), valid 30 minutes.
#[must_use]
pub fn login_claims(sub: &str, now: u64) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("sub".into(), Value::String(sub.to_owned()));
    m.insert("scope".into(), Value::String("me items".into()));
    m.insert("role".into(), Value::String("user".into()));
    m.insert("exp".into(), Value::from(now + tokens::ACCESS_TOKEN_MINUTES * 60));
    m
}

/// **Vulnerable on purpose**: checks the algorithm and the signature but not `exp`, as
/// `jwt.decode(token, SECRET, algorithms=["HS256"], options={"verify_exp": False})` does. The
/// lab uses it for one side of the "no expiry check vs expiry" comparison; nothing serves with it.
pub fn vulnerable_verify_skipping_exp(token: &str, secret: &Secret) -> Result<DecodedClaims, TokenError> {
    tokens::install_provider();
    if decode(token).is_some_and(|d| d.header.get("alg").and_then(Value::as_str) != Some("HS256")) {
        return Err(TokenError::Algorithm);
    }
    let mut validation = Validation::new(Algorithm::HS256);
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    jsonwebtoken::decode::<DecodedClaims>(token, &DecodingKey::from_secret(secret.as_bytes()), &validation)
        .map(|d| d.claims)
        .map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::InvalidSignature => TokenError::BadSignature,
            jsonwebtoken::errors::ErrorKind::InvalidAlgorithm => TokenError::Algorithm,
            _ => TokenError::Malformed,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_splits_and_sign_round_trips_per_key() {
        let s = Secret::new("demo");
        let now = tokens::now();
        let claims = login_claims("johndoe", now);
        let good = sign(&claims, SignWith::DemoSecret, &s).unwrap();
        let d = decode(&good).unwrap();
        assert_eq!(d.header["alg"], "HS256");
        assert_eq!(d.claims["sub"], "johndoe");
        assert!(!d.signature.is_empty());
        assert!(tokens::verify(&good, &s).is_ok());
        assert_eq!(
            tokens::verify(&sign(&claims, SignWith::OtherKey, &s).unwrap(), &s),
            Err(TokenError::BadSignature)
        );
        let hard = sign(&claims, SignWith::HardCoded, &s).unwrap();
        assert!(tokens::verify(&hard, &Secret::new(HARDCODED_SECRET)).is_ok());
        assert!(tokens::verify(&hard, &s).is_err());
        let none = sign(&claims, SignWith::AlgNone, &s).unwrap();
        assert!(none.ends_with('.'));
        assert_eq!(decode(&none).unwrap().header["alg"], "none");
        assert_eq!(tokens::verify(&none, &s), Err(TokenError::Algorithm));
        assert!(decode("not a token").is_none());
        assert_eq!(SignWith::AlgNone.next(), SignWith::DemoSecret);
    }

    #[test]
    fn the_vulnerable_verifier_accepts_an_expired_token_the_real_one_refuses() {
        let s = Secret::new("demo");
        let mut claims = login_claims("johndoe", tokens::now());
        claims.insert("exp".into(), Value::from(tokens::now() - 3600));
        let expired = sign(&claims, SignWith::DemoSecret, &s).unwrap();
        assert_eq!(tokens::verify(&expired, &s), Err(TokenError::Expired));
        let accepted = vulnerable_verify_skipping_exp(&expired, &s).unwrap();
        assert_eq!(accepted["sub"], "johndoe");
        // It still checks the signature and the algorithm.
        let forged = sign(&claims, SignWith::OtherKey, &s).unwrap();
        assert_eq!(vulnerable_verify_skipping_exp(&forged, &s), Err(TokenError::BadSignature));
        let none = sign(&claims, SignWith::AlgNone, &s).unwrap();
        assert_eq!(vulnerable_verify_skipping_exp(&none, &s), Err(TokenError::Algorithm));
    }
}
