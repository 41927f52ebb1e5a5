//! Where a provider puts the person: a claim mapping per provider profile.
//!
//! | | standard OIDC | VNeID | DVCQG single sign-on |
//! |---|---|---|---|
//! | read from | ID token | ID token | `/userinfo` |
//! | PIN | `sub` | `SoDinhDanh` | `SoDinhDanh` |
//! | name | `name` | `HoVaTen` | `HoVaTen` |
//! | birth date | `birthdate` | `NgayThangNamSinh` | `NgayThangNamSinh` |
//! | level | `acr` | `loAs`, else `IAL` | `loAs` |
//! | technical id | `sub` | `TechID` | `TechID` |
//! | `acr_values` for levels 1, 2 | `vneid:1`, `vneid:2` | `LoA1`, `LoA2` | `LoA1`, `LoA2` |
//!
//! Every entry can be overridden by configuration. Staff are read the same way except that
//! their subject is always `sub` and their roles and agency the `roles` and `agency` claims.

use crate::oidc::Login;
use crate::{known_roles, AuthError, LoginKind, Principal};
use serde_json::{Map, Value};

/// The profiles the engine knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderProfile {
    Standard,
    Vneid,
    Dvcqg,
}

impl ProviderProfile {
    pub fn parse(text: &str) -> Option<ProviderProfile> {
        match text.trim().to_ascii_lowercase().as_str() {
            "standard" | "oidc" => Some(ProviderProfile::Standard),
            "vneid" => Some(ProviderProfile::Vneid),
            "dvcqg" => Some(ProviderProfile::Dvcqg),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ProviderProfile::Standard => "standard",
            ProviderProfile::Vneid => "vneid",
            ProviderProfile::Dvcqg => "dvcqg",
        }
    }
}

/// Where the person's claims are read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimsFrom {
    IdToken,
    Userinfo,
}

impl ClaimsFrom {
    pub fn parse(text: &str) -> Option<ClaimsFrom> {
        match text.trim().to_ascii_lowercase().as_str() {
            "id_token" => Some(ClaimsFrom::IdToken),
            "userinfo" => Some(ClaimsFrom::Userinfo),
            _ => None,
        }
    }
}

/// The claim names of one provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimMapping {
    pub profile: ProviderProfile,
    pub claims_from: ClaimsFrom,
    pub pin: String,
    pub name: String,
    pub birth_date: String,
    /// Tried in order; the first present gives the level.
    pub level: Vec<String>,
    pub tech_id: String,
    /// The `acr_values` asking for level 1 and level 2.
    pub acr_values: [String; 2],
}

impl ClaimMapping {
    pub fn of(profile: ProviderProfile) -> ClaimMapping {
        let owned = |s: &str| s.to_owned();
        match profile {
            ProviderProfile::Standard => ClaimMapping {
                profile,
                claims_from: ClaimsFrom::IdToken,
                pin: owned("sub"),
                name: owned("name"),
                birth_date: owned("birthdate"),
                level: vec![owned("acr")],
                tech_id: owned("sub"),
                acr_values: [owned("vneid:1"), owned("vneid:2")],
            },
            ProviderProfile::Vneid | ProviderProfile::Dvcqg => ClaimMapping {
                profile,
                claims_from: if profile == ProviderProfile::Vneid {
                    ClaimsFrom::IdToken
                } else {
                    ClaimsFrom::Userinfo
                },
                pin: owned("SoDinhDanh"),
                name: owned("HoVaTen"),
                birth_date: owned("NgayThangNamSinh"),
                level: if profile == ProviderProfile::Vneid {
                    vec![owned("loAs"), owned("IAL")]
                } else {
                    vec![owned("loAs")]
                },
                tech_id: owned("TechID"),
                acr_values: [owned("LoA1"), owned("LoA2")],
            },
        }
    }

    /// The `acr_values` that asks for `level` (levels above 2 ask for 2).
    pub fn acr_value(&self, level: u8) -> Option<&str> {
        match level {
            0 => None,
            1 => Some(&self.acr_values[0]),
            _ => Some(&self.acr_values[1]),
        }
    }

    /// The assurance level the claims give: the first level claim present, read as a level
    /// value of this mapping (`LoA2`), a number, or any text ending in the level's digit
    /// (`vneid:2`, `IAL2`); several values (an array) give the highest. Absent or unreadable
    /// counts as level 1, the lowest (certified providers set it only when the login step
    /// does).
    pub fn level_of(&self, claims: &Map<String, Value>) -> u8 {
        self.level
            .iter()
            .find_map(|name| claims.get(name).and_then(|v| self.read_level(v)))
            .unwrap_or(1)
    }

    fn read_level(&self, value: &Value) -> Option<u8> {
        match value {
            Value::Array(values) => values.iter().filter_map(|v| self.read_level(v)).max(),
            Value::Number(n) => n.as_u64().map(|n| n.clamp(1, 2) as u8),
            Value::String(text) => {
                let text = text.trim();
                if let Some(i) = self.acr_values.iter().position(|a| a == text) {
                    return Some(i as u8 + 1);
                }
                let digit = text.chars().last()?.to_digit(10)?;
                (digit >= 1).then(|| digit.min(2) as u8)
            }
            _ => None,
        }
    }

    /// The login the claims describe, for a citizen or a member of staff.
    pub fn login(&self, claims: &Map<String, Value>, kind: LoginKind) -> Result<Login, AuthError> {
        let text = |name: &str| {
            claims
                .get(name)
                .and_then(|v| match v {
                    Value::String(s) => Some(s.trim().to_owned()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
                .filter(|s| !s.is_empty())
        };
        let name = text(&self.name)
            .or_else(|| text("name"))
            .unwrap_or_default();
        let roles: Option<Vec<String>> = claims
            .get("roles")
            .and_then(|v| serde_json::from_value(v.clone()).ok());
        match kind {
            LoginKind::Citizen => {
                if roles.as_ref().is_some_and(|r| !r.is_empty()) {
                    return Err(AuthError::LoginRefused(
                        "a staff account cannot log in as a citizen".into(),
                    ));
                }
                let raw = text(&self.pin).ok_or_else(|| {
                    AuthError::IdTokenRefused(format!(
                        "the provider gave no {} (the personal identification number)",
                        self.pin
                    ))
                })?;
                // The value is personal data or the caller's text: only the reason is kept.
                let pin = motcua_core::pin::Pin::parse(&raw).map_err(|e| {
                    AuthError::IdTokenRefused(format!(
                        "{} is not a personal identification number: {e}",
                        self.pin
                    ))
                })?;
                Ok(Login {
                    principal: Principal::Citizen {
                        pin,
                        name,
                        assurance_level: self.level_of(claims),
                    },
                    tech_id: text(&self.tech_id),
                    birth_date: text(&self.birth_date).map(|d| iso_date(&d)),
                })
            }
            LoginKind::Staff => {
                let subject =
                    text("sub").ok_or_else(|| AuthError::IdTokenRefused("no sub".into()))?;
                let roles = roles.filter(|r| !r.is_empty()).ok_or_else(|| {
                    AuthError::LoginRefused("this account has no staff roles".into())
                })?;
                let agency = text("agency")
                    .ok_or_else(|| AuthError::LoginRefused("this account has no agency".into()))?;
                Ok(Login {
                    principal: Principal::Staff {
                        subject,
                        name,
                        roles: known_roles(&roles),
                        agency,
                    },
                    tech_id: text(&self.tech_id),
                    birth_date: None,
                })
            }
        }
    }
}

/// A birth date as `YYYY-MM-DD` when it reads as one (`YYYY-MM-DD`, `DD/MM/YYYY`,
/// `YYYYMMDD`); otherwise as given.
fn iso_date(text: &str) -> String {
    for format in ["%Y-%m-%d", "%d/%m/%Y", "%Y%m%d", "%d-%m-%Y"] {
        if let Ok(date) = chrono::NaiveDate::parse_from_str(text, format) {
            return date.format("%Y-%m-%d").to_string();
        }
    }
    text.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => unreachable!(),
        }
    }

    #[test]
    fn levels_read_in_every_spelling() {
        let standard = ClaimMapping::of(ProviderProfile::Standard);
        assert_eq!(standard.level_of(&map(json!({"acr": "vneid:2"}))), 2);
        assert_eq!(standard.level_of(&map(json!({"acr": "vneid:1"}))), 1);
        assert_eq!(standard.level_of(&map(json!({}))), 1);
        assert_eq!(standard.level_of(&map(json!({"acr": "something"}))), 1);
        let vneid = ClaimMapping::of(ProviderProfile::Vneid);
        assert_eq!(vneid.level_of(&map(json!({"loAs": "LoA2"}))), 2);
        assert_eq!(vneid.level_of(&map(json!({"loAs": ["LoA1", "LoA2"]}))), 2);
        assert_eq!(vneid.level_of(&map(json!({"IAL": "IAL2"}))), 2);
        assert_eq!(vneid.level_of(&map(json!({"IAL": 2}))), 2);
        assert_eq!(
            vneid.level_of(&map(json!({"loAs": "LoA1", "acr": "vneid:2"}))),
            1
        );
        assert_eq!(vneid.acr_value(2), Some("LoA2"));
        assert_eq!(standard.acr_value(1), Some("vneid:1"));
    }

    #[test]
    fn vneid_reads_the_pin_from_so_dinh_danh_not_sub() {
        let vneid = ClaimMapping::of(ProviderProfile::Vneid);
        let claims = map(json!({
            "sub": "3f1c-opaque", "SoDinhDanh": "001207001234", "HoVaTen": "Nguyễn Văn An",
            "NgayThangNamSinh": "15/03/2007", "TechID": "3f1c-opaque", "loAs": "LoA2"
        }));
        let login = vneid.login(&claims, LoginKind::Citizen).unwrap();
        assert_eq!(login.principal.subject(), "001207001234");
        assert_eq!(login.principal.name(), "Nguyễn Văn An");
        assert_eq!(login.tech_id.as_deref(), Some("3f1c-opaque"));
        assert_eq!(login.birth_date.as_deref(), Some("2007-03-15"));
        assert!(matches!(
            login.principal,
            Principal::Citizen {
                assurance_level: 2,
                ..
            }
        ));
        // The standard mapping would read `sub`, which is no PIN here.
        let standard = ClaimMapping::of(ProviderProfile::Standard);
        assert!(standard.login(&claims, LoginKind::Citizen).is_err());
    }

    #[test]
    fn a_refusal_never_quotes_the_value() {
        let vneid = ClaimMapping::of(ProviderProfile::Vneid);
        let claims = map(json!({"sub": "x", "SoDinhDanh": "SECRET-99"}));
        let Err(AuthError::IdTokenRefused(why)) = vneid.login(&claims, LoginKind::Citizen) else {
            panic!("refused expected");
        };
        assert!(!why.contains("SECRET"), "{why}");
    }

    #[test]
    fn staff_need_roles_and_agency() {
        let vneid = ClaimMapping::of(ProviderProfile::Vneid);
        let claims = map(
            json!({"sub": "motcua.lanhdao", "HoVaTen": "X", "roles": ["approver"], "agency": "SGDDT-HN"}),
        );
        let login = vneid.login(&claims, LoginKind::Staff).unwrap();
        assert_eq!(login.principal.subject(), "motcua.lanhdao");
        assert!(vneid.login(&claims, LoginKind::Citizen).is_err());
        let no_roles = map(json!({"sub": "a", "agency": "X"}));
        assert!(vneid.login(&no_roles, LoginKind::Staff).is_err());
    }
}
