//! Which provider the simulator acts as: a standard OpenID provider, VNeID, or the national
//! public-service portal's single sign-on (DVCQG). The person is the same; the claims'
//! names, where they travel (ID token or `/userinfo`) and the level's values differ.
//!
//! - `standard`: `sub` is the PIN, `acr` the level (`vneid:1`, `vneid:2`), `name`,
//!   `birthdate` (YYYY-MM-DD), in the ID token and at `/userinfo`.
//! - `vneid`: `sub` is the account's technical id; the PIN only in `SoDinhDanh`, the level in
//!   `loAs` (`LoA1`, `LoA2`) and `IAL` (`IAL1`, `IAL2`), `HoVaTen`, `NgayThangNamSinh`
//!   (DD/MM/YYYY), `TechID`, `LoaiTaiKhoan`; in the ID token and at `/userinfo`.
//! - `dvcqg`: the same names (level in `loAs` only); the ID token carries only `sub`, the
//!   person's claims come from `/userinfo`.
//!
//! Staff accounts keep `sub` = username, `roles` and `agency` in every profile.

use super::claims::Profile;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OidcProfile {
    #[default]
    Standard,
    Vneid,
    Dvcqg,
}

impl OidcProfile {
    pub fn parse(text: &str) -> Option<OidcProfile> {
        match text.trim().to_ascii_lowercase().as_str() {
            "standard" | "oidc" => Some(OidcProfile::Standard),
            "vneid" => Some(OidcProfile::Vneid),
            "dvcqg" => Some(OidcProfile::Dvcqg),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            OidcProfile::Standard => "standard",
            OidcProfile::Vneid => "vneid",
            OidcProfile::Dvcqg => "dvcqg",
        }
    }

    /// The `acr_values` this profile understands, lowest level first.
    pub fn acr_values(self) -> [&'static str; 2] {
        match self {
            OidcProfile::Standard => ["vneid:1", "vneid:2"],
            OidcProfile::Vneid | OidcProfile::Dvcqg => ["LoA1", "LoA2"],
        }
    }

    /// The claims the ID token carries about the person.
    pub fn id_token_claims(self, profile: &Profile) -> Map<String, Value> {
        match self {
            OidcProfile::Dvcqg if profile.roles.is_none() => {
                let mut claims = Map::new();
                claims.insert("sub".into(), json!(tech_id(&profile.sub)));
                claims
            }
            _ => self.userinfo_claims(profile),
        }
    }

    /// What `/userinfo` answers.
    pub fn userinfo_claims(self, profile: &Profile) -> Map<String, Value> {
        let standard = || match serde_json::to_value(profile) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        };
        if self == OidcProfile::Standard {
            return standard();
        }
        let level = profile.level();
        let mut claims = Map::new();
        if let (Some(roles), Some(agency)) = (&profile.roles, &profile.agency) {
            claims.insert("sub".into(), json!(profile.sub));
            claims.insert("HoVaTen".into(), json!(profile.name));
            claims.insert("roles".into(), json!(roles));
            claims.insert("agency".into(), json!(agency));
            claims.insert("loAs".into(), json!(format!("LoA{level}")));
            return claims;
        }
        let tech = tech_id(&profile.sub);
        claims.insert("sub".into(), json!(tech));
        claims.insert("LoaiTaiKhoan".into(), json!(1));
        claims.insert("SoDinhDanh".into(), json!(profile.sub));
        claims.insert("HoVaTen".into(), json!(profile.name));
        claims.insert(
            "NgayThangNamSinh".into(),
            json!(day_month_year(&profile.birthdate)),
        );
        claims.insert(
            "GioiTinh".into(),
            json!(if profile.gender == "female" {
                "Nữ"
            } else {
                "Nam"
            }),
        );
        claims.insert("TechID".into(), json!(tech));
        claims.insert("loAs".into(), json!(format!("LoA{level}")));
        if self == OidcProfile::Vneid {
            claims.insert("IAL".into(), json!(format!("IAL{level}")));
        }
        claims
    }
}

/// The account's technical id at the provider: stable per person, not the PIN.
pub fn tech_id(pin: &str) -> String {
    let digest = Sha256::digest(format!("motcua-sim techid {pin}").as_bytes());
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// `YYYY-MM-DD` as `DD/MM/YYYY`; anything else as it is.
fn day_month_year(iso: &str) -> String {
    let parts: Vec<&str> = iso.split('-').collect();
    match parts.as_slice() {
        [y, m, d] => format!("{d}/{m}/{y}"),
        _ => iso.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::find;

    #[test]
    fn vneid_puts_the_pin_only_in_so_dinh_danh() {
        let person = Profile::of(find("001207001234").unwrap());
        let claims = OidcProfile::Vneid.id_token_claims(&person);
        assert_eq!(claims["SoDinhDanh"], "001207001234");
        assert_eq!(claims["loAs"], "LoA2");
        assert!(claims.get("acr").is_none());
        assert!(claims.get("name").is_none());
        assert_ne!(claims["sub"], "001207001234");
        assert_eq!(claims["TechID"], claims["sub"]);
        let dob = claims["NgayThangNamSinh"].as_str().unwrap();
        assert_eq!(dob.len(), 10);
        assert_eq!(&dob[2..3], "/");
    }

    #[test]
    fn dvcqg_keeps_the_person_for_userinfo() {
        let person = Profile::of(find("079307004321").unwrap());
        let token = OidcProfile::Dvcqg.id_token_claims(&person);
        assert_eq!(token.len(), 1, "{token:?}");
        let info = OidcProfile::Dvcqg.userinfo_claims(&person);
        assert_eq!(info["SoDinhDanh"], "079307004321");
        assert_eq!(info["loAs"], "LoA1");
        assert_eq!(info["sub"], token["sub"]);
    }

    #[test]
    fn standard_is_unchanged() {
        let person = Profile::of(find("001207001234").unwrap());
        let claims = OidcProfile::Standard.id_token_claims(&person);
        assert_eq!(claims["sub"], "001207001234");
        assert_eq!(claims["acr"], "vneid:2");
    }
}
