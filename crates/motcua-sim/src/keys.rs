//! The provider's signing key: RSA-2048, made fresh at every start. A stand-in needs no key
//! that survives a restart, and a new `kid` each time exercises the relying party's JWKS
//! refresh on an unknown key.

use anyhow::Context;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::EncodingKey;
use rsa::pkcs1::{EncodeRsaPrivateKey, LineEnding};
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;
use serde::Serialize;
use sha2::{Digest, Sha256};

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
    /// Generates a key. Slow (a few hundred milliseconds even optimised): call it off the
    /// async threads.
    pub fn generate() -> anyhow::Result<SigningKey> {
        let private = RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048)
            .context("cannot generate the RSA signing key")?;
        let pem = private
            .to_pkcs1_pem(LineEnding::LF)
            .context("cannot encode the RSA signing key")?;
        let encoding =
            EncodingKey::from_rsa_pem(pem.as_bytes()).context("cannot load the RSA signing key")?;
        let n = URL_SAFE_NO_PAD.encode(private.n().to_bytes_be());
        let e = URL_SAFE_NO_PAD.encode(private.e().to_bytes_be());
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

    #[test]
    fn thumbprint_matches_rfc_7638_example() {
        // RFC 7638 §3.1.
        let n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
        assert_eq!(
            thumbprint(n, "AQAB"),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        );
    }
}
