//! The real identity provider (the in-process motcua-sim) seen from outside: its published
//! keys, and an ID token obtained from it the way any registered client would.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use motcua_tests::html_form::read_form;
use rsa::pkcs1::{EncodeRsaPublicKey, LineEnding};
use rsa::pkcs8::EncodePublicKey;
use rsa::{BigUint, RsaPublicKey};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The provider's first published key (a JWK), read through its discovery document.
pub async fn published_key(issuer: &str) -> Value {
    let discovery: Value = reqwest::get(format!("{issuer}/.well-known/openid-configuration"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let jwks: Value = reqwest::get(discovery["jwks_uri"].as_str().unwrap())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    jwks["keys"][0].clone()
}

fn b64(value: &Value) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(value.as_str().unwrap()).unwrap()
}

/// The RSA public key of `jwk` in every form a confused verifier might take as an HMAC
/// secret: PEM and DER, PKCS#1 and SPKI, with and without the final newline, the bare
/// modulus, and the JWK text itself.
pub fn public_key_forms(jwk: &Value) -> Vec<(&'static str, Vec<u8>)> {
    let key = RsaPublicKey::new(
        BigUint::from_bytes_be(&b64(&jwk["n"])),
        BigUint::from_bytes_be(&b64(&jwk["e"])),
    )
    .unwrap();
    let pkcs1_pem = key.to_pkcs1_pem(LineEnding::LF).unwrap();
    let spki_pem = key.to_public_key_pem(LineEnding::LF).unwrap();
    vec![
        ("PKCS#1 PEM", pkcs1_pem.as_bytes().to_vec()),
        (
            "PKCS#1 PEM, no final newline",
            pkcs1_pem.trim_end().as_bytes().to_vec(),
        ),
        ("SPKI PEM", spki_pem.as_bytes().to_vec()),
        (
            "SPKI PEM, no final newline",
            spki_pem.trim_end().as_bytes().to_vec(),
        ),
        (
            "SPKI PEM, CRLF",
            spki_pem.replace('\n', "\r\n").into_bytes(),
        ),
        (
            "PKCS#1 DER",
            key.to_pkcs1_der().unwrap().as_bytes().to_vec(),
        ),
        (
            "SPKI DER",
            key.to_public_key_der().unwrap().as_bytes().to_vec(),
        ),
        ("modulus", b64(&jwk["n"])),
        ("JWK JSON", jwk.to_string().into_bytes()),
    ]
}

/// An ID token the provider really issues to the engine's client for `username`: the code
/// flow with PKCE, done by the test as the client (any loopback port is a registered
/// redirect URI), without the engine.
pub async fn real_id_token(issuer: &str, username: &str) -> String {
    let client = motcua_sim::SimConfig::dev_default().clients[0].clone();
    let redirect_uri = "http://127.0.0.1:9/v1/auth/callback";
    let verifier = "a-test-code-verifier-that-is-long-enough-0123456789";
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let mut authorize = url::Url::parse(&format!("{issuer}/authorize")).unwrap();
    authorize
        .query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", &client.client_id)
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("scope", "openid profile")
        .append_pair("state", "s-1")
        .append_pair("nonce", "n-1")
        .append_pair("code_challenge", &challenge)
        .append_pair("code_challenge_method", "S256");
    let browser = motcua_tests::requests::without_redirects();
    let page = browser.get(authorize.as_str()).send().await.unwrap();
    assert_eq!(page.status(), 200, "the provider shows its login form");
    let (action, mut fields) = read_form(&page.text().await.unwrap());
    for (name, value) in fields.iter_mut() {
        match name.as_str() {
            "username" => *value = username.to_owned(),
            "password" => *value = "matkhau".to_owned(),
            _ => {}
        }
    }
    let post_to = authorize.join(&action.unwrap_or_default()).unwrap();
    let back = browser.post(post_to).form(&fields).send().await.unwrap();
    assert_eq!(back.status(), 302, "the provider sends the code back");
    let location = url::Url::parse(back.headers()["location"].to_str().unwrap()).unwrap();
    let code = location
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .expect("a code in the redirect");
    let tokens: Value = browser
        .post(format!("{issuer}/token"))
        .basic_auth(&client.client_id, Some(&client.client_secret))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", redirect_uri),
            ("code_verifier", verifier),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    tokens["id_token"]
        .as_str()
        .unwrap_or_else(|| panic!("no id_token in {tokens}"))
        .to_owned()
}
