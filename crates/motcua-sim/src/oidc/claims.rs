//! What the provider says about a person: the profile claims shared by the ID token and
//! `/userinfo`, and the signed ID token itself.

use crate::accounts::{mask_username, Account, AccountKind, AssuranceLevel};
use crate::keys::SigningKey;
use crate::register::ResidentView;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{Algorithm, Header};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// How long an ID token is valid: only for the relying party to check it right away.
pub const ID_TOKEN_LIFETIME_SECS: i64 = 300;

/// The claims about the person.
///
/// They go into the ID token whatever the scope: VNeID vouches for the identity of whoever logs
/// in to a public service, and the engine reads them from the ID token (certified providers
/// such as node-oidc-provider may keep them for `/userinfo` instead; that is served too).
#[derive(Debug, Clone, Serialize)]
pub struct Profile {
    pub sub: String,
    pub name: String,
    pub birthdate: String,
    pub gender: String,
    pub acr: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
}

impl Profile {
    pub fn of(account: &Account) -> Profile {
        let (roles, agency) = match account.kind {
            AccountKind::Citizen { .. } => (None, None),
            AccountKind::Staff { roles, agency } => (
                Some(roles.iter().map(|r| (*r).to_owned()).collect()),
                Some(agency.to_owned()),
            ),
        };
        Profile {
            sub: account.username.to_owned(),
            name: account.name.to_owned(),
            birthdate: account.birthdate.to_owned(),
            gender: account.gender.claim().to_owned(),
            acr: account.acr().to_owned(),
            roles,
            agency,
        }
    }

    /// A resident of the synthetic population: a level-2 citizen, with the register's name,
    /// birth date and sex.
    pub fn resident(resident: &ResidentView<'_>) -> Profile {
        Profile {
            sub: resident.pin(),
            name: resident.full_name(),
            birthdate: resident.birth_date().format("%Y-%m-%d").to_string(),
            gender: resident.sex().as_str().to_owned(),
            acr: AssuranceLevel::Level2.acr().to_owned(),
            roles: None,
            agency: None,
        }
    }

    /// The assurance level as a number (1 or 2).
    pub fn level(&self) -> u8 {
        if self.acr == AssuranceLevel::Level2.acr() {
            2
        } else {
            1
        }
    }

    /// The subject as it may appear in logs (a personal identification number is masked).
    pub fn log_label(&self) -> String {
        mask_username(&self.sub)
    }
}

#[derive(Debug, Serialize)]
struct IdTokenClaims<'a> {
    iss: &'a str,
    aud: &'a str,
    exp: i64,
    iat: i64,
    auth_time: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    nonce: Option<&'a str>,
    /// Binds the ID token to the access token issued with it (OIDC Core §3.1.3.6).
    at_hash: String,
    /// The person's claims, as the provider profile names them.
    #[serde(flatten)]
    claims: serde_json::Map<String, serde_json::Value>,
}

/// Everything an ID token needs besides the key.
pub struct IdTokenRequest<'a> {
    pub issuer: &'a str,
    pub client_id: &'a str,
    /// The person's claims, as the provider profile names them (`sub` among them).
    pub claims: serde_json::Map<String, serde_json::Value>,
    pub nonce: Option<&'a str>,
    pub auth_time: i64,
    pub access_token: &'a str,
    pub now: i64,
}

pub fn sign_id_token(key: &SigningKey, request: &IdTokenRequest<'_>) -> anyhow::Result<String> {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(key.kid.clone());
    let claims = IdTokenClaims {
        iss: request.issuer,
        aud: request.client_id,
        exp: request.now + ID_TOKEN_LIFETIME_SECS,
        iat: request.now,
        auth_time: request.auth_time,
        nonce: request.nonce,
        at_hash: at_hash(request.access_token),
        claims: request.claims.clone(),
    };
    Ok(jsonwebtoken::encode(&header, &claims, &key.encoding)?)
}

/// The left half of the SHA-256 of the access token, base64url (the hash matches RS256).
fn at_hash(access_token: &str) -> String {
    let digest = Sha256::digest(access_token.as_bytes());
    URL_SAFE_NO_PAD.encode(&digest[..digest.len() / 2])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::find;

    #[test]
    fn staff_profiles_carry_roles_and_agency() {
        let json = serde_json::to_value(Profile::of(find("motcua.lanhdao").unwrap())).unwrap();
        assert_eq!(json["roles"], serde_json::json!(["approver"]));
        assert_eq!(json["agency"], "SGDDT-HN");
        assert_eq!(json["acr"], "vneid:2");
    }

    #[test]
    fn citizen_profiles_do_not() {
        let json = serde_json::to_value(Profile::of(find("079307004321").unwrap())).unwrap();
        assert_eq!(json["sub"], "079307004321");
        assert_eq!(json["gender"], "female");
        assert_eq!(json["acr"], "vneid:1");
        assert!(json.get("roles").is_none());
        assert!(json.get("agency").is_none());
    }
}
