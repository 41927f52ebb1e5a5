//! Why a JWT was refused, in words that are safe to log and to show.
//!
//! `jsonwebtoken`'s own messages can quote the token: a claim of the wrong type comes back as
//! serde's `invalid type: string "…"` with the whole value in it. A forged token is the
//! attacker's text, and a real one is personal data, so neither may reach the logs; only the
//! kind of failure does.

use jsonwebtoken::errors::{Error, ErrorKind};

/// The reason for refusing a token, without any of its content.
pub fn reason(error: &Error) -> String {
    let fixed = match error.kind() {
        ErrorKind::InvalidToken => "not a JWT (three base64url parts)",
        ErrorKind::InvalidSignature => "bad signature",
        ErrorKind::ExpiredSignature => "expired",
        ErrorKind::ImmatureSignature => "not yet valid (nbf)",
        ErrorKind::InvalidIssuer => "wrong issuer",
        ErrorKind::InvalidAudience => "wrong audience",
        ErrorKind::InvalidSubject => "wrong subject",
        ErrorKind::InvalidAlgorithm | ErrorKind::MissingAlgorithm => "algorithm not allowed",
        ErrorKind::InvalidAlgorithmName => "unknown algorithm",
        // The claim names come from our own list of required claims, never from the token.
        ErrorKind::MissingRequiredClaim(claim) => return format!("missing claim {claim}"),
        ErrorKind::Base64(_) => "not base64url",
        ErrorKind::Utf8(_) => "not UTF-8",
        ErrorKind::Json(_) => "malformed header or claims",
        ErrorKind::InvalidEcdsaKey
        | ErrorKind::InvalidRsaKey(_)
        | ErrorKind::InvalidKeyFormat
        | ErrorKind::RsaFailedSigning
        | ErrorKind::InvalidEddsaKey
        | ErrorKind::Signing(_)
        | ErrorKind::Provider(_) => "unusable key",
        ErrorKind::InvalidClaimFormat(_) => "malformed header or claims",
        _ => "invalid",
    };
    fixed.to_owned()
}

/// At most `max` characters of a value taken from a token (a key id), for a log line.
pub fn clipped(value: &str, max: usize) -> String {
    if value.chars().count() <= max {
        value.to_owned()
    } else {
        format!("{}…", value.chars().take(max).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Claims {
        exp: i64,
    }

    #[test]
    fn a_claim_of_the_wrong_type_is_not_quoted() {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        use base64::Engine as _;
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256"}"#);
        let payload = URL_SAFE_NO_PAD.encode(br#"{"exp":"SECRET-PERSONAL-DATA"}"#);
        let token = format!("{header}.{payload}.c2ln");
        let error = jsonwebtoken::dangerous::insecure_decode::<Claims>(&token)
            .expect_err("a string exp is refused");
        assert!(error.to_string().contains("SECRET-PERSONAL-DATA"));
        assert_eq!(reason(&error), "malformed header or claims");
    }

    #[test]
    fn long_values_are_clipped() {
        assert_eq!(clipped("abc", 5), "abc");
        assert_eq!(clipped(&"x".repeat(100), 3), "xxx…");
    }
}
