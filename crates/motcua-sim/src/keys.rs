//! The provider's signing keys: RSA-2048, made fresh at every start and at every rotation. A
//! stand-in needs no key that survives a restart, and a new `kid` each time exercises the
//! relying party's JWKS refresh on an unknown key.
//!
//! Keys are made with aws-lc-rs (the TLS stack's crypto, already linked), not the `rsa`
//! crate: that one has an open advisory (RUSTSEC-2023-0071) and the engine's binary, which
//! embeds the simulator for `motcua dev`, must link no such crate.

use anyhow::Context;
use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::KeyPair as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use jsonwebtoken::EncodingKey;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// The private key for signing ID tokens, with its public half as published in the JWKS.
pub struct SigningKey {
    pub kid: String,
    pub encoding: EncodingKey,
    pub public: PublicJwk,
}

/// One entry of `/jwks`.
#[derive(Debug, Clone, Serialize)]
pub struct PublicJwk {
    pub kty: &'static str,
    #[serde(rename = "use")]
    pub use_: &'static str,
    pub alg: &'static str,
    pub kid: String,
    /// Modulus, big-endian, base64url without padding.
    pub n: String,
    /// Public exponent, big-endian, base64url without padding.
    pub e: String,
}

impl SigningKey {
    /// Generates a key. Slow-ish (tens to hundreds of milliseconds): call it off the async
    /// threads.
    pub fn generate() -> anyhow::Result<SigningKey> {
        let pair = KeyPair::generate(KeySize::Rsa2048)
            .map_err(|_| anyhow::anyhow!("cannot generate the RSA signing key"))?;
        let pkcs8 = pair
            .as_der()
            .map_err(|_| anyhow::anyhow!("cannot encode the RSA signing key"))?;
        // jsonwebtoken reads the PKCS#1 key inside a PKCS#8 PEM.
        let pem = format!(
            "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
            STANDARD.encode(pkcs8.as_ref())
        );
        let encoding =
            EncodingKey::from_rsa_pem(pem.as_bytes()).context("cannot load the RSA signing key")?;
        let public = pair.public_key();
        let n = URL_SAFE_NO_PAD.encode(public.modulus().big_endian_without_leading_zero());
        let e = URL_SAFE_NO_PAD.encode(public.exponent().big_endian_without_leading_zero());
        let kid = thumbprint(&n, &e);
        Ok(SigningKey {
            kid: kid.clone(),
            encoding,
            public: PublicJwk {
                kty: "RSA",
                use_: "sig",
                alg: "RS256",
                kid,
                n,
                e,
            },
        })
    }
}

/// The provider's keys: the one it signs with, the ones it still publishes, and (for a
/// test of a leaked key) a retired key it may be told to sign with although it no longer
/// publishes it.
pub struct KeyRing {
    inner: Mutex<Ring>,
}

struct Ring {
    /// Signs new ID tokens; always published.
    current: Arc<SigningKey>,
    /// Replaced keys still published, so that tokens they signed can still be checked.
    previous: Vec<Arc<SigningKey>>,
    /// Keys dropped from the JWKS.
    retired: Vec<Arc<SigningKey>>,
    /// Sign with the most recently retired key instead of the current one.
    sign_with_retired: bool,
}

impl KeyRing {
    pub fn new(key: SigningKey) -> KeyRing {
        KeyRing {
            inner: Mutex::new(Ring {
                current: Arc::new(key),
                previous: Vec::new(),
                retired: Vec::new(),
                sign_with_retired: false,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Ring> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The key that signs the next ID token.
    pub fn signing(&self) -> Arc<SigningKey> {
        let ring = self.lock();
        match (ring.sign_with_retired, ring.retired.last()) {
            (true, Some(retired)) => retired.clone(),
            _ => ring.current.clone(),
        }
    }

    /// What `/jwks` publishes: the current key, then the replaced ones not yet dropped.
    pub fn published(&self) -> Vec<PublicJwk> {
        let ring = self.lock();
        std::iter::once(&ring.current)
            .chain(ring.previous.iter())
            .map(|k| k.public.clone())
            .collect()
    }

    /// A new key signs from now on; the replaced one stays published.
    pub fn rotate(&self, key: SigningKey) {
        let mut ring = self.lock();
        let old = std::mem::replace(&mut ring.current, Arc::new(key));
        ring.previous.push(old);
    }

    /// Stops publishing every replaced key.
    pub fn drop_previous(&self) -> usize {
        let mut ring = self.lock();
        let dropped = std::mem::take(&mut ring.previous);
        let count = dropped.len();
        ring.retired.extend(dropped);
        count
    }

    /// Signs with the last retired key (as someone holding a leaked old key would), or again
    /// with the current one.
    pub fn sign_with_retired(&self, on: bool) {
        self.lock().sign_with_retired = on;
    }

    /// The key ids: current, published, retired (for the switches' answer).
    pub fn describe(&self) -> serde_json::Value {
        let ring = self.lock();
        serde_json::json!({
            "current": ring.current.kid,
            "published": std::iter::once(&ring.current).chain(ring.previous.iter()).map(|k| k.kid.clone()).collect::<Vec<_>>(),
            "retired": ring.retired.iter().map(|k| k.kid.clone()).collect::<Vec<_>>(),
            "sign_with_retired": ring.sign_with_retired,
        })
    }
}

/// The RFC 7638 JWK thumbprint: a `kid` that is derived from the key itself, so it can never
/// name two different keys.
fn thumbprint(n: &str, e: &str) -> String {
    // Members in lexicographic order, no whitespace (RFC 7638 §3.2); n and e are base64url,
    // so they need no JSON escaping.
    let canonical = format!(r#"{{"e":"{e}","kty":"RSA","n":"{n}"}}"#);
    URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, Header, Validation};

    #[test]
    fn thumbprint_matches_rfc_7638_example() {
        // RFC 7638 §3.1.
        let n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
        assert_eq!(
            thumbprint(n, "AQAB"),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        );
    }

    /// jsonwebtoken 10 with the aws-lc-rs backend: a token signed with a generated key
    /// verifies against the published JWK, and not against another key.
    #[test]
    fn a_generated_key_signs_and_its_jwk_verifies() {
        let key = SigningKey::generate().unwrap();
        let other = SigningKey::generate().unwrap();
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(key.kid.clone());
        let claims = serde_json::json!({"sub": "x", "exp": chrono::Utc::now().timestamp() + 60});
        let token = encode(&header, &claims, &key.encoding).unwrap();
        let jwk = |k: &SigningKey| {
            DecodingKey::from_jwk(
                &serde_json::from_value(serde_json::to_value(&k.public).unwrap()).unwrap(),
            )
            .unwrap()
        };
        let validation = Validation::new(Algorithm::RS256);
        let decoded = decode::<serde_json::Value>(&token, &jwk(&key), &validation).unwrap();
        assert_eq!(decoded.claims["sub"], "x");
        assert!(decode::<serde_json::Value>(&token, &jwk(&other), &validation).is_err());
    }

    #[test]
    fn rotation_publishes_both_until_the_old_one_is_dropped() {
        let first = SigningKey::generate().unwrap();
        let first_kid = first.kid.clone();
        let ring = KeyRing::new(first);
        ring.rotate(SigningKey::generate().unwrap());
        let second_kid = ring.signing().kid.clone();
        assert_ne!(first_kid, second_kid);
        let kids = |ring: &KeyRing| {
            ring.published()
                .into_iter()
                .map(|k| k.kid)
                .collect::<Vec<_>>()
        };
        assert_eq!(kids(&ring), vec![second_kid.clone(), first_kid.clone()]);
        assert_eq!(ring.drop_previous(), 1);
        assert_eq!(kids(&ring), vec![second_kid.clone()]);
        ring.sign_with_retired(true);
        assert_eq!(ring.signing().kid, first_kid);
        ring.sign_with_retired(false);
        assert_eq!(ring.signing().kid, second_kid);
    }
}
