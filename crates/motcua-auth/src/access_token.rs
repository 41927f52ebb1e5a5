//! The engine's own access tokens: short-lived, HS256, issued after a checked OIDC login.
//!
//! HS256 with one shared secret fits because the engine is both issuer and only verifier;
//! every `serve` process gets the same secret from configuration. Only HS256 is accepted,
//! so `alg: none` and tokens signed with any other algorithm are refused.

use crate::{AuthError, Principal};
use chrono::Utc;
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

const ISSUER: &str = "motcua";
const AUDIENCE: &str = "motcua-api";

#[derive(Debug, Serialize, Deserialize)]
pub struct AccessClaims {
    pub iss: String,
    pub aud: String,
    pub sub: String,
    pub exp: i64,
    pub nbf: i64,
    pub iat: i64,
    pub kind: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assurance_level: Option<u8>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
}

pub struct AccessTokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    lifetime_secs: i64,
}

impl AccessTokens {
    /// `secret` must be at least 32 bytes: a shorter HMAC key can be guessed.
    pub fn new(secret: &[u8], lifetime_secs: i64) -> Result<Self, AuthError> {
        if secret.len() < 32 {
            return Err(AuthError::InvalidToken(
                "the token signing secret must be at least 32 bytes".into(),
            ));
        }
        Ok(AccessTokens {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            lifetime_secs,
        })
    }

    pub fn lifetime_secs(&self) -> i64 {
        self.lifetime_secs
    }

    pub fn issue(&self, principal: &Principal) -> Result<String, AuthError> {
        let now = Utc::now().timestamp();
        let (assurance_level, roles, agency) = match principal {
            Principal::Citizen {
                assurance_level, ..
            } => (Some(*assurance_level), Vec::new(), None),
            Principal::Staff { roles, agency, .. } => (None, roles.clone(), Some(agency.clone())),
        };
        let claims = AccessClaims {
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            sub: principal.subject().into(),
            exp: now + self.lifetime_secs,
            nbf: now,
            iat: now,
            kind: principal.kind().as_str().into(),
            name: principal.name().into(),
            assurance_level,
            roles,
            agency,
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| AuthError::InvalidToken(format!("could not sign: {e}")))
    }

    pub fn verify(&self, token: &str) -> Result<Principal, AuthError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = 5;
        let data = decode::<AccessClaims>(token, &self.decoding, &validation)
            .map_err(|e| AuthError::InvalidToken(e.to_string()))?;
        let c = data.claims;
        match c.kind.as_str() {
            "citizen" => {
                if !c.roles.is_empty() || c.agency.is_some() {
                    return Err(AuthError::InvalidToken(
                        "a citizen token carries staff claims".into(),
                    ));
                }
                Ok(Principal::Citizen {
                    pin: c.sub,
                    name: c.name,
                    assurance_level: c.assurance_level.unwrap_or(1),
                })
            }
            "staff" => Ok(Principal::Staff {
                subject: c.sub,
                name: c.name,
                roles: c.roles,
                agency: c
                    .agency
                    .ok_or_else(|| AuthError::InvalidToken("staff token without agency".into()))?,
            }),
            other => Err(AuthError::InvalidToken(format!("unknown kind {other:?}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens() -> AccessTokens {
        AccessTokens::new(&[7u8; 32], 900).unwrap()
    }

    #[test]
    fn round_trip_citizen() {
        let p = Principal::Citizen {
            pin: "001207001234".into(),
            name: "Nguyễn Văn An".into(),
            assurance_level: 2,
        };
        let t = tokens();
        assert_eq!(t.verify(&t.issue(&p).unwrap()).unwrap(), p);
    }

    #[test]
    fn other_secret_is_refused() {
        let p = Principal::Staff {
            subject: "motcua.tiepnhan".into(),
            name: "x".into(),
            roles: vec!["desk_clerk".into()],
            agency: "SGDDT-HN".into(),
        };
        let token = AccessTokens::new(&[8u8; 32], 900)
            .unwrap()
            .issue(&p)
            .unwrap();
        assert!(tokens().verify(&token).is_err());
    }

    #[test]
    fn short_secret_is_refused() {
        assert!(AccessTokens::new(b"short", 900).is_err());
    }
}
