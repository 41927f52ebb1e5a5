//! An OpenID Connect provider that issues ID tokens with one chosen flaw, to see the engine's
//! callback refuse each. It publishes its own RSA key, so a token it signs is genuinely the
//! provider's: only the flaw may make the engine refuse it.

use axum::extract::{Form, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use motcua_tests::accounts::MINH;
use rsa::pkcs1::{EncodeRsaPrivateKey, EncodeRsaPublicKey, LineEnding};
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The one thing wrong with the next ID token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flaw {
    /// None: the control, which the engine must accept.
    Nothing,
    WrongNonce,
    WrongAudience,
    SeveralAudiencesNoAzp,
    WrongIssuer,
    Expired,
    NotYetValid,
    SignedByAnotherKey,
    /// Signed by another key that the token's own `jwk` header offers.
    EmbeddedJwk,
    UnknownKid,
    AlgNone,
    /// HS256 keyed with the provider's public key (PKCS#1 PEM): algorithm confusion.
    Hs256WithPublicKey,
}

const KID: &str = "rogue-key-1";

struct Keys {
    signing: EncodingKey,
    stranger: EncodingKey,
    stranger_jwk: Value,
    public_pem: String,
    jwk: Value,
}

struct Shared {
    issuer: String,
    keys: Keys,
    flaw: Mutex<Flaw>,
    /// The nonce of each authorization request, by the code given for it.
    nonces: Mutex<HashMap<String, String>>,
}

pub struct RogueProvider {
    pub issuer: String,
    shared: Arc<Shared>,
}

impl RogueProvider {
    pub async fn start() -> RogueProvider {
        let keys = tokio::task::spawn_blocking(make_keys).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let issuer = format!("http://{}", listener.local_addr().unwrap());
        let shared = Arc::new(Shared {
            issuer: issuer.clone(),
            keys,
            flaw: Mutex::new(Flaw::Nothing),
            nonces: Mutex::new(HashMap::new()),
        });
        let app = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/jwks", get(jwks))
            .route("/authorize", get(login_form).post(log_in))
            .route("/token", axum::routing::post(token))
            .with_state(shared.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        RogueProvider { issuer, shared }
    }

    pub fn set_flaw(&self, flaw: Flaw) {
        *self.shared.flaw.lock().unwrap() = flaw;
    }
}

fn rsa_key() -> RsaPrivateKey {
    RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048).unwrap()
}

fn public_jwk(key: &RsaPrivateKey, kid: &str) -> Value {
    json!({
        "kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
        "n": URL_SAFE_NO_PAD.encode(key.n().to_bytes_be()),
        "e": URL_SAFE_NO_PAD.encode(key.e().to_bytes_be()),
    })
}

fn encoding(key: &RsaPrivateKey) -> EncodingKey {
    EncodingKey::from_rsa_pem(key.to_pkcs1_pem(LineEnding::LF).unwrap().as_bytes()).unwrap()
}

fn make_keys() -> Keys {
    let own = rsa_key();
    let stranger = rsa_key();
    Keys {
        signing: encoding(&own),
        stranger: encoding(&stranger),
        stranger_jwk: public_jwk(&stranger, KID),
        public_pem: own.to_public_key().to_pkcs1_pem(LineEnding::LF).unwrap(),
        jwk: public_jwk(&own, KID),
    }
}

async fn discovery(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let issuer = &shared.issuer;
    Json(json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/authorize"),
        "token_endpoint": format!("{issuer}/token"),
        "jwks_uri": format!("{issuer}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
    }))
}

async fn jwks(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!({ "keys": [shared.keys.jwk] }))
}

/// A form that sends the request's parameters back, as the real provider's does.
async fn login_form(Query(params): Query<HashMap<String, String>>) -> Html<String> {
    let hidden: String = ["redirect_uri", "state", "nonce"]
        .iter()
        .map(|name| {
            let value = params.get(*name).cloned().unwrap_or_default();
            format!(r#"<input type="hidden" name="{name}" value="{value}">"#)
        })
        .collect();
    Html(format!(
        r#"<form method="post" action="/authorize"><input name="username" value=""><input name="password" value="">{hidden}</form>"#
    ))
}

async fn log_in(
    State(shared): State<Arc<Shared>>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let code = format!("code-{}", uuid::Uuid::new_v4().simple());
    let nonce = form.get("nonce").cloned().unwrap_or_default();
    shared.nonces.lock().unwrap().insert(code.clone(), nonce);
    let mut back = url::Url::parse(&form["redirect_uri"]).unwrap();
    back.query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", &form["state"]);
    // 302, as the real provider answers and the login helper expects.
    (StatusCode::FOUND, [(header::LOCATION, back.to_string())]).into_response()
}

async fn token(
    State(shared): State<Arc<Shared>>,
    Form(form): Form<HashMap<String, String>>,
) -> Json<Value> {
    let nonce = shared
        .nonces
        .lock()
        .unwrap()
        .remove(&form["code"])
        .unwrap_or_default();
    let flaw = *shared.flaw.lock().unwrap();
    Json(json!({
        "access_token": "rogue-access-token",
        "token_type": "Bearer",
        "expires_in": 300,
        "id_token": id_token(&shared, flaw, &nonce),
    }))
}

fn id_token(shared: &Shared, flaw: Flaw, nonce: &str) -> String {
    let now = chrono::Utc::now().timestamp();
    let mut claims = json!({
        "iss": shared.issuer, "aud": "motcua", "sub": MINH,
        "exp": now + 300, "iat": now, "auth_time": now, "nonce": nonce,
        "name": "Nguyễn Văn An", "acr": "vneid:2",
    });
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(KID.into());
    let mut key = &shared.keys.signing;
    let hmac_key;
    match flaw {
        Flaw::Nothing => {}
        Flaw::WrongNonce => claims["nonce"] = json!("another-login's-nonce"),
        Flaw::WrongAudience => claims["aud"] = json!("another-client"),
        Flaw::SeveralAudiencesNoAzp => claims["aud"] = json!(["motcua", "another-client"]),
        Flaw::WrongIssuer => claims["iss"] = json!("https://vneid.example"),
        Flaw::Expired => claims["exp"] = json!(now - 600),
        Flaw::NotYetValid => claims["nbf"] = json!(now + 600),
        Flaw::SignedByAnotherKey => key = &shared.keys.stranger,
        Flaw::EmbeddedJwk => {
            key = &shared.keys.stranger;
            header.jwk = Some(serde_json::from_value(shared.keys.stranger_jwk.clone()).unwrap());
        }
        Flaw::UnknownKid => {
            key = &shared.keys.stranger;
            header.kid = Some("a-key-nobody-published".into());
        }
        Flaw::AlgNone => {
            let header = URL_SAFE_NO_PAD.encode(format!(r#"{{"alg":"none","kid":"{KID}"}}"#));
            let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
            return format!("{header}.{payload}.");
        }
        Flaw::Hs256WithPublicKey => {
            header.alg = Algorithm::HS256;
            hmac_key = EncodingKey::from_secret(shared.keys.public_pem.as_bytes());
            key = &hmac_key;
        }
    }
    encode(&header, &claims, key).unwrap()
}
