//! Bad versions of a valid JWT, made without the server's key: what the lesson says a server must
//! refuse. The probe cannot re-sign with the real key (it does not have it), so an expired or
//! tampered token keeps the original signature; a server that accepts it does not check signatures.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::Sha256;

/// Attack labels of the token attacks (also the keys the analysis reads).
pub const VALID: &str = "valid token";
pub const EXPIRED: &str = "expired token (exp in the past, signature kept)";
pub const RESIGNED: &str = "token re-signed with another key";
pub const ALG_NONE: &str = "alg: none token, empty signature";
pub const TAMPERED: &str = "claims tampered, signature kept";
pub const OTHER_USER: &str = "other user's token on this object";
pub const MISSING_OBJECT: &str = "other user's token on a missing object";

/// The forged variants, in the order they are sent.
pub const FORGED: [&str; 4] = [EXPIRED, RESIGNED, ALG_NONE, TAMPERED];

/// What the probe read from the valid token (its claims are readable without the key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenInfo {
    /// Whether the token is a JWT (three base64url parts, JSON header and claims).
    pub jwt: bool,
    /// The header's `alg`, when a JWT.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alg: Option<String>,
    /// Whether the claims carry `exp`.
    #[serde(default)]
    pub has_exp: bool,
    /// The claim names (never their values: `sub` may be personal data).
    #[serde(default)]
    pub claims: Vec<String>,
}

struct Jwt {
    header: Value,
    claims: Value,
    signature: String,
}

fn decode_part(part: &str) -> Option<Value> {
    let bytes = URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).ok()?;
    serde_json::from_slice::<Value>(&bytes).ok().filter(Value::is_object)
}

fn encode_part(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

fn parse(token: &str) -> Option<Jwt> {
    let mut parts = token.split('.');
    let (h, c, s) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    Some(Jwt { header: decode_part(h)?, claims: decode_part(c)?, signature: s.to_owned() })
}

/// Reads what the probe may report about a token: never its value.
#[must_use]
pub fn info(token: &str) -> TokenInfo {
    match parse(token) {
        Some(jwt) => TokenInfo {
            jwt: true,
            alg: jwt.header["alg"].as_str().map(str::to_owned),
            has_exp: jwt.claims.get("exp").is_some(),
            claims: jwt.claims.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default(),
        },
        None => TokenInfo { jwt: false, alg: None, has_exp: false, claims: vec![] },
    }
}

/// The `sub` claim, when the token is a JWT that has one.
#[must_use]
pub fn subject(token: &str) -> Option<String> {
    parse(token)?.claims["sub"].as_str().map(str::to_owned)
}

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
}

fn hs256(key: &[u8], signing_input: &str) -> String {
    // A 32-byte key is always a valid HMAC key; the fallback only satisfies the type.
    match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(signing_input.as_bytes());
            URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        }
        Err(_) => String::new(),
    }
}

/// The forged variants of `token` as (label, token), in [`FORGED`] order, or `None` when the token
/// is not a JWT. `other_sub` is the second user's name, when known: the tampered token claims to be
/// them; otherwise it keeps `sub` and claims `role: admin` with every scope it had plus `admin`, so a
/// server that skips the signature still finds a user to answer for.
#[must_use]
pub fn forged(token: &str, other_sub: Option<&str>) -> Option<Vec<(&'static str, String)>> {
    let jwt = parse(token)?;
    let header_part = token.split('.').next().unwrap_or_default();

    let mut expired = jwt.claims.clone();
    expired["exp"] = json!(now() - 3600);
    let expired = format!("{header_part}.{}.{}", encode_part(&expired), jwt.signature);

    let mut key = [0u8; 32];
    rand::rng().fill_bytes(&mut key);
    let mut header = jwt.header.clone();
    header["alg"] = json!("HS256");
    let input = format!("{}.{}", encode_part(&header), encode_part(&jwt.claims));
    let resigned = format!("{input}.{}", hs256(&key, &input));

    let none_header = json!({"alg": "none", "typ": "JWT"});
    let alg_none = format!("{}.{}.", encode_part(&none_header), encode_part(&jwt.claims));

    let mut claims = jwt.claims.clone();
    match other_sub {
        Some(sub) => claims["sub"] = json!(sub),
        None => {
            claims["role"] = json!("admin");
            let scope = claims["scope"].as_str().unwrap_or_default().to_owned();
            claims["scope"] = json!(format!("{scope} admin").trim().to_owned());
        }
    }
    let tampered = format!("{header_part}.{}.{}", encode_part(&claims), jwt.signature);

    Some(vec![(EXPIRED, expired), (RESIGNED, resigned), (ALG_NONE, alg_none), (TAMPERED, tampered)])
}

/// A JWT-shaped stand-in for `--dry-run`, where no login is sent: the plan then lists the same
/// forged variants a real token would get.
#[must_use]
pub fn placeholder(sub: &str) -> String {
    let header = json!({"alg": "HS256", "typ": "JWT"});
    let claims = json!({"sub": sub, "exp": now() + 1800});
    let input = format!("{}.{}", encode_part(&header), encode_part(&claims));
    format!("{input}.{}", hs256(b"dry-run", &input))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign(claims: &Value, key: &[u8]) -> String {
        let input =
            format!("{}.{}", encode_part(&json!({"alg": "HS256", "typ": "JWT"})), encode_part(claims));
        format!("{input}.{}", hs256(key, &input))
    }

    #[test]
    fn each_variant_changes_exactly_what_its_label_says() {
        let claims = json!({"sub": "johndoe", "scope": "me", "role": "user", "exp": now() + 1800});
        let token = sign(&claims, b"server-key");
        let signature = token.rsplit('.').next().unwrap_or_default();
        let variants = forged(&token, None).unwrap_or_default();
        assert_eq!(variants.iter().map(|(l, _)| *l).collect::<Vec<_>>(), FORGED);
        let get = |label: &str| parse(&variants.iter().find(|(l, _)| *l == label).unwrap().1).unwrap();

        let expired = get(EXPIRED);
        assert!(expired.claims["exp"].as_i64().unwrap() < now());
        assert_eq!(expired.signature, signature);
        assert_eq!(expired.claims["sub"], "johndoe");

        let resigned = get(RESIGNED);
        assert_eq!(resigned.claims, claims);
        assert_ne!(resigned.signature, signature);
        assert!(!resigned.signature.is_empty());

        let none = get(ALG_NONE);
        assert_eq!((none.header["alg"].as_str(), none.signature.as_str()), (Some("none"), ""));
        assert_eq!(none.claims, claims);

        let tampered = get(TAMPERED);
        assert_eq!(
            (tampered.claims["role"].as_str(), tampered.claims["scope"].as_str()),
            (Some("admin"), Some("me admin"))
        );
        assert_eq!(tampered.signature, signature);
        let to_bob = forged(&token, Some("bob")).unwrap_or_default();
        assert_eq!(parse(&to_bob[3].1).unwrap().claims["sub"], "bob");
    }

    #[test]
    fn a_non_jwt_token_gets_no_variants_and_info_names_claims_not_values() {
        assert!(forged("securetoken", None).is_none());
        assert!(!info("securetoken").jwt);
        let i = info(&sign(&json!({"sub": "johndoe"}), b"k"));
        assert_eq!((i.jwt, i.has_exp, i.alg.as_deref()), (true, false, Some("HS256")));
        assert_eq!(i.claims, ["sub"]);
        assert_eq!(subject(&placeholder("alice")).as_deref(), Some("alice"));
    }
}
