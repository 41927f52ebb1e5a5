//! The engine's own access tokens: short-lived, HS256, issued after a checked OIDC login.
//!
//! HS256 with one shared secret fits because the engine is both issuer and only verifier;
//! every `serve` process gets the same secret from configuration. Only HS256 is accepted,
//! so `alg: none` and tokens signed with any other algorithm are refused.

use crate::{known_roles, refusal, AuthError, Principal};
use chrono::Utc;
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use motcua_core::pin::Pin;
use serde::{Deserialize, Serialize};

const ISSUER: &str = "motcua";
const AUDIENCE: &str = "motcua-api";

/// The engine's tokens are a few hundred bytes; anything much longer is not one of them and
/// is refused before it is decoded.
pub const MAX_TOKEN_BYTES: usize = 4096;

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
            Principal::Staff { agency, .. } => (
                None,
                principal
                    .role_names()
                    .into_iter()
                    .map(str::to_owned)
                    .collect(),
                Some(agency.clone()),
            ),
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
        if token.len() > MAX_TOKEN_BYTES {
            return Err(AuthError::InvalidToken(format!(
                "{} bytes, over the {MAX_TOKEN_BYTES}-byte limit",
                token.len()
            )));
        }
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = 5;
        let data = decode::<AccessClaims>(token, &self.decoding, &validation)
            .map_err(|e| AuthError::InvalidToken(refusal::reason(&e)))?;
        let c = data.claims;
        match c.kind.as_str() {
            "citizen" => {
                if !c.roles.is_empty() || c.agency.is_some() {
                    return Err(AuthError::InvalidToken(
                        "a citizen token carries staff claims".into(),
                    ));
                }
                // Checked at login; a token whose subject is no PIN was not issued here.
                let pin = Pin::parse(&c.sub).map_err(|_| {
                    AuthError::InvalidToken(
                        "the subject is not a personal identification number".into(),
                    )
                })?;
                Ok(Principal::Citizen {
                    pin,
                    name: c.name,
                    assurance_level: c.assurance_level.unwrap_or(1),
                })
            }
            "staff" => Ok(Principal::Staff {
                subject: c.sub,
                name: c.name,
                roles: known_roles(&c.roles),
                agency: c
                    .agency
                    .ok_or_else(|| AuthError::InvalidToken("staff token without agency".into()))?,
            }),
            // The value is the caller's text: it is not repeated in the log.
            _ => Err(AuthError::InvalidToken("unknown kind".into())),
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
            pin: Pin::parse("001207001234").unwrap(),
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
            roles: vec![motcua_core::procedure::Role::DeskClerk],
            agency: "SGDDT-HN".into(),
        };
        let token = AccessTokens::new(&[8u8; 32], 900)
            .unwrap()
            .issue(&p)
            .unwrap();
        assert!(tokens().verify(&token).is_err());
    }

    fn forged(header: &str, claims: &serde_json::Value, signature: &str) -> String {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        use base64::Engine as _;
        format!(
            "{}.{}.{signature}",
            URL_SAFE_NO_PAD.encode(header),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        )
    }

    fn claims() -> serde_json::Value {
        let now = Utc::now().timestamp();
        serde_json::json!({
            "iss": ISSUER, "aud": AUDIENCE, "sub": "001207001234",
            "exp": now + 600, "nbf": now - 60, "iat": now - 60,
            "kind": "citizen", "name": "x", "assurance_level": 2
        })
    }

    fn signed(claims: &serde_json::Value) -> String {
        encode(
            &Header::new(Algorithm::HS256),
            claims,
            &EncodingKey::from_secret(&[7u8; 32]),
        )
        .unwrap()
    }

    fn reason(token: &str) -> String {
        match tokens().verify(token) {
            Err(AuthError::InvalidToken(why)) => why,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn unsigned_tokens_are_refused_however_none_is_spelled() {
        assert!(tokens().verify(&signed(&claims())).is_ok(), "control");
        for alg in ["none", "None", "NONE", "nOnE", ""] {
            for signature in ["", "garbage"] {
                let header = format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#);
                let token = forged(&header, &claims(), signature);
                assert!(
                    tokens().verify(&token).is_err(),
                    "alg {alg:?} sig {signature:?}"
                );
            }
        }
    }

    #[test]
    fn forged_claims_signed_with_the_right_secret_are_refused() {
        let now = Utc::now().timestamp();
        let mut staff_claims = claims();
        staff_claims["roles"] = serde_json::json!(["approver"]);
        staff_claims["agency"] = serde_json::json!("SGDDT-HN");
        let mut kind_staff = claims();
        kind_staff["kind"] = serde_json::json!("staff");
        let mut cases = vec![
            ("citizen with staff claims", staff_claims),
            ("staff without agency", kind_staff),
        ];
        for (name, claim, value) in [
            ("wrong iss", "iss", serde_json::json!("motcua-sim")),
            ("wrong aud", "aud", serde_json::json!("motcua")),
            ("expired", "exp", serde_json::json!(now - 60)),
            ("nbf ahead", "nbf", serde_json::json!(now + 60)),
            ("unknown kind", "kind", serde_json::json!("admin")),
        ] {
            let mut c = claims();
            c[claim] = value;
            cases.push((name, c));
        }
        for missing in ["aud", "exp", "nbf", "iss", "sub"] {
            let mut c = claims();
            c.as_object_mut().unwrap().remove(missing);
            cases.push((missing, c));
        }
        for (name, c) in cases {
            assert!(tokens().verify(&signed(&c)).is_err(), "{name}");
        }
    }

    #[test]
    fn a_huge_token_is_refused_before_it_is_decoded() {
        let mut c = claims();
        c["name"] = serde_json::json!("x".repeat(MAX_TOKEN_BYTES));
        let why = reason(&signed(&c));
        assert!(why.contains("limit"), "{why}");
    }

    #[test]
    fn the_reason_never_quotes_the_token() {
        let mut c = claims();
        c["exp"] = serde_json::json!("SECRET-PERSONAL-DATA");
        c["kind"] = serde_json::json!("SECRET-KIND");
        let token = signed(&c);
        let why = reason(&token);
        assert!(!why.contains("SECRET"), "{why}");
        let mut c = claims();
        c["kind"] = serde_json::json!("SECRET-KIND");
        let why = reason(&signed(&c));
        assert!(!why.contains("SECRET"), "{why}");
        let why = reason(&format!("{token}x"));
        assert!(!why.contains(&token[..20]), "{why}");
    }

    #[test]
    fn short_secret_is_refused() {
        assert!(AccessTokens::new(b"short", 900).is_err());
    }
}
