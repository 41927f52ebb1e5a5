//! `GET /.well-known/openid-configuration` (OpenID Connect Discovery 1.0 §3).

use super::Provider;
use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};
use std::sync::Arc;

pub async fn configuration(State(provider): State<Arc<Provider>>) -> Json<Value> {
    let profile = provider.profile();
    let claims: &[&str] = match profile {
        super::profile::OidcProfile::Standard => &[
            "iss",
            "sub",
            "aud",
            "exp",
            "iat",
            "auth_time",
            "nonce",
            "acr",
            "at_hash",
            "name",
            "birthdate",
            "gender",
            "roles",
            "agency",
        ],
        _ => &[
            "iss",
            "sub",
            "aud",
            "exp",
            "iat",
            "auth_time",
            "nonce",
            "at_hash",
            "LoaiTaiKhoan",
            "SoDinhDanh",
            "HoVaTen",
            "NgayThangNamSinh",
            "GioiTinh",
            "TechID",
            "loAs",
            "IAL",
            "roles",
            "agency",
        ],
    };
    Json(json!({
        "issuer": provider.issuer,
        "authorization_endpoint": provider.endpoint("/authorize"),
        "token_endpoint": provider.endpoint("/token"),
        "jwks_uri": provider.endpoint("/jwks"),
        "userinfo_endpoint": provider.endpoint("/userinfo"),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic"],
        "scopes_supported": ["openid", "profile"],
        "claims_supported": claims,
        "acr_values_supported": profile.acr_values(),
        "request_parameter_supported": false,
        "request_uri_parameter_supported": false,
    }))
}
