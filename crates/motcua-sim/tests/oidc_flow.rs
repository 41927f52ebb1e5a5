//! Drives the provider over HTTP the way a relying party and a browser would.
//!
//! One file over 600 lines: one test binary for the provider's whole flow, each test a step
//! of it (authorize, login page, token, JWKS, refusals) sharing the same few helpers.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers: a panic is the failure report"
)]

mod sending;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, Validation};
use motcua_sim::{serve, RunningSim, SimConfig};
use reqwest::{header, StatusCode};
use sending::Sent;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use url::Url;

/// Any port: the registered URI is on a loopback host.
const REDIRECT_URI: &str = "http://127.0.0.1:43210/v1/auth/callback";
const CLIENT_ID: &str = "motcua";
const CLIENT_SECRET: &str = "motcua-dev-secret";

async fn start() -> RunningSim {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    serve(listener, SimConfig::dev_default()).await.unwrap()
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

struct Pkce {
    verifier: String,
    challenge: String,
}

fn pkce() -> Pkce {
    let verifier = URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>());
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    Pkce {
        verifier,
        challenge,
    }
}

fn authorize_url(sim: &RunningSim, params: &[(&str, &str)]) -> Url {
    let mut url = Url::parse(&format!("{}/authorize", sim.issuer)).unwrap();
    url.query_pairs_mut().extend_pairs(params);
    url
}

fn standard_params<'a>(
    challenge: &'a str,
    state: &'a str,
    nonce: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("response_type", "code"),
        ("client_id", CLIENT_ID),
        ("redirect_uri", REDIRECT_URI),
        ("scope", "openid profile"),
        ("state", state),
        ("nonce", nonce),
        ("code_challenge", challenge),
        ("code_challenge_method", "S256"),
    ]
}

/// The `<input>` elements of a page, as (type, name, value).
fn inputs(html: &str) -> Vec<(String, String, String)> {
    fn attribute(tag: &str, name: &str) -> String {
        let marker = format!(" {name}=\"");
        tag.find(&marker)
            .map(|start| {
                let rest = &tag[start + marker.len()..];
                let value = &rest[..rest.find('"').unwrap()];
                value
                    .replace("&quot;", "\"")
                    .replace("&#39;", "'")
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&amp;", "&")
            })
            .unwrap_or_default()
    }
    html.split("<input")
        .skip(1)
        .map(|rest| {
            let tag = &rest[..rest.find('>').unwrap()];
            (
                attribute(tag, "type"),
                attribute(tag, "name"),
                attribute(tag, "value"),
            )
        })
        .collect()
}

/// Opens the login page, checks its form, and submits it with these credentials to the bare
/// endpoint, so only the hidden fields carry the request.
async fn submit_login(
    sim: &RunningSim,
    params: &[(&str, &str)],
    username: &str,
    password: &str,
) -> reqwest::Response {
    let http = http();
    let page = http.get(authorize_url(sim, params)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    let fields = inputs(&html);
    assert!(fields.iter().any(|(_, name, _)| name == "username"));
    assert!(fields
        .iter()
        .any(|(t, name, _)| t == "password" && name == "password"));
    let mut form: Vec<(String, String)> = fields
        .into_iter()
        .filter(|(t, _, _)| t == "hidden")
        .map(|(_, name, value)| (name, value))
        .collect();
    form.push(("username".into(), username.into()));
    form.push(("password".into(), password.into()));
    http.post(format!("{}/authorize", sim.issuer))
        .form(&form)
        .sent()
        .await
}

fn location(response: &reqwest::Response) -> Url {
    Url::parse(response.headers()[header::LOCATION].to_str().unwrap()).unwrap()
}

fn query(url: &Url) -> HashMap<String, String> {
    url.query_pairs().into_owned().collect()
}

/// Logs in and returns the code, checking the redirect on the way.
async fn log_in(sim: &RunningSim, username: &str, pkce: &Pkce, nonce: &str) -> String {
    let params = standard_params(&pkce.challenge, "state-123", nonce);
    let response = submit_login(sim, &params, username, "matkhau").await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let target = location(&response);
    assert!(target.as_str().starts_with(REDIRECT_URI));
    let q = query(&target);
    assert_eq!(q["state"], "state-123");
    let code = q["code"].clone();
    // At least 128 bits of randomness, base64url.
    assert!(URL_SAFE_NO_PAD.decode(&code).unwrap().len() >= 16);
    code
}

async fn exchange(sim: &RunningSim, code: &str, verifier: &str) -> reqwest::Response {
    http()
        .post(format!("{}/token", sim.issuer))
        .basic_auth(CLIENT_ID, Some(CLIENT_SECRET))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT_URI),
            ("code_verifier", verifier),
        ])
        .sent()
        .await
}

async fn verify_id_token(sim: &RunningSim, id_token: &str) -> Value {
    let discovery: Value = http()
        .get(format!("{}/.well-known/openid-configuration", sim.issuer))
        .sent()
        .await
        .json()
        .await
        .unwrap();
    let jwks: JwkSet = http()
        .get(discovery["jwks_uri"].as_str().unwrap())
        .sent()
        .await
        .json()
        .await
        .unwrap();
    let header = decode_header(id_token).unwrap();
    assert_eq!(header.alg, Algorithm::RS256);
    let jwk = jwks.find(&header.kid.unwrap()).unwrap();
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_issuer(&[&sim.issuer]);
    validation.set_audience(&[CLIENT_ID]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    decode::<Value>(id_token, &DecodingKey::from_jwk(jwk).unwrap(), &validation)
        .unwrap()
        .claims
}

async fn error_of(response: reqwest::Response) -> String {
    let body: Value = response.json().await.unwrap();
    body["error"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn discovery_names_the_endpoints_under_the_issuer() {
    let sim = start().await;
    assert_eq!(sim.issuer, format!("http://{}", sim.local_addr));
    let d: Value = http()
        .get(format!("{}/.well-known/openid-configuration", sim.issuer))
        .sent()
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(d["issuer"], sim.issuer);
    assert_eq!(
        d["authorization_endpoint"],
        format!("{}/authorize", sim.issuer)
    );
    assert_eq!(d["token_endpoint"], format!("{}/token", sim.issuer));
    assert_eq!(d["jwks_uri"], format!("{}/jwks", sim.issuer));
    assert_eq!(d["userinfo_endpoint"], format!("{}/userinfo", sim.issuer));
    assert_eq!(d["response_types_supported"], serde_json::json!(["code"]));
    assert_eq!(
        d["code_challenge_methods_supported"],
        serde_json::json!(["S256"])
    );
    assert_eq!(
        d["id_token_signing_alg_values_supported"],
        serde_json::json!(["RS256"])
    );
    assert_eq!(
        d["token_endpoint_auth_methods_supported"],
        serde_json::json!(["client_secret_basic"])
    );
    assert_eq!(
        d["acr_values_supported"],
        serde_json::json!(["vneid:1", "vneid:2"])
    );

    let jwks: Value = http()
        .get(format!("{}/jwks", sim.issuer))
        .sent()
        .await
        .json()
        .await
        .unwrap();
    let key = &jwks["keys"][0];
    assert_eq!(key["kty"], "RSA");
    assert_eq!(key["use"], "sig");
    assert_eq!(key["alg"], "RS256");
    assert_eq!(key["e"], "AQAB");
    // 2048-bit modulus.
    assert_eq!(
        URL_SAFE_NO_PAD
            .decode(key["n"].as_str().unwrap())
            .unwrap()
            .len(),
        256
    );
}

#[tokio::test]
async fn public_url_becomes_the_issuer() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let config = SimConfig {
        public_url: Some("https://vneid.example/".into()),
        ..SimConfig::dev_default()
    };
    let sim = serve(listener, config).await.unwrap();
    assert_eq!(sim.issuer, "https://vneid.example");
    let d: Value = http()
        .get(format!(
            "http://{}/.well-known/openid-configuration",
            sim.local_addr
        ))
        .sent()
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(d["token_endpoint"], "https://vneid.example/token");
    sim.shutdown().await.unwrap();
}

#[tokio::test]
async fn citizen_logs_in_and_gets_a_verifiable_id_token() {
    let sim = start().await;
    let pkce = pkce();
    let code = log_in(&sim, "001207001234", &pkce, "nonce-abc").await;

    let response = exchange(&sim, &code, &pkce.verifier).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
    let tokens: Value = response.json().await.unwrap();
    assert_eq!(tokens["token_type"], "Bearer");
    assert!(tokens["expires_in"].as_u64().unwrap() > 0);
    assert_eq!(tokens["scope"], "openid profile");

    let claims = verify_id_token(&sim, tokens["id_token"].as_str().unwrap()).await;
    assert_eq!(claims["sub"], "001207001234");
    assert_eq!(claims["aud"], CLIENT_ID);
    assert_eq!(claims["nonce"], "nonce-abc");
    assert_eq!(claims["acr"], "vneid:2");
    assert_eq!(claims["gender"], "male");
    assert!(claims["birthdate"].as_str().unwrap().starts_with("2007-"));
    assert!(!claims["name"].as_str().unwrap().is_empty());
    let iat = claims["iat"].as_i64().unwrap();
    assert_eq!(claims["exp"].as_i64().unwrap(), iat + 300);
    assert!(claims["auth_time"].as_i64().unwrap() <= iat);
    assert!(claims.get("roles").is_none());
    assert!(claims.get("agency").is_none());

    let userinfo: Value = http()
        .get(format!("{}/userinfo", sim.issuer))
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .sent()
        .await
        .json()
        .await
        .unwrap();
    for claim in ["sub", "name", "birthdate", "gender", "acr"] {
        assert_eq!(userinfo[claim], claims[claim], "{claim}");
    }
}

#[tokio::test]
async fn level_one_citizen_gets_vneid_1() {
    let sim = start().await;
    let pkce = pkce();
    let code = log_in(&sim, "079307004321", &pkce, "n").await;
    let tokens: Value = exchange(&sim, &code, &pkce.verifier)
        .await
        .json()
        .await
        .unwrap();
    let claims = verify_id_token(&sim, tokens["id_token"].as_str().unwrap()).await;
    assert_eq!(claims["acr"], "vneid:1");
    assert_eq!(claims["gender"], "female");
}

#[tokio::test]
async fn staff_token_carries_roles_and_agency() {
    let sim = start().await;
    let pkce = pkce();
    let code = log_in(&sim, "motcua.chuyenvien", &pkce, "n").await;
    let tokens: Value = exchange(&sim, &code, &pkce.verifier)
        .await
        .json()
        .await
        .unwrap();
    let claims = verify_id_token(&sim, tokens["id_token"].as_str().unwrap()).await;
    assert_eq!(claims["sub"], "motcua.chuyenvien");
    assert_eq!(claims["roles"], serde_json::json!(["specialist"]));
    assert_eq!(claims["agency"], "SGDDT-HN");
    assert_eq!(claims["acr"], "vneid:2");
}

#[tokio::test]
async fn wrong_verifier_is_invalid_grant() {
    let sim = start().await;
    let pkce = pkce();
    let code = log_in(&sim, "001207001234", &pkce, "n").await;
    let other = self::pkce();
    let response = exchange(&sim, &code, &other.verifier).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_of(response).await, "invalid_grant");
    // The failed attempt spent the code.
    let response = exchange(&sim, &code, &pkce.verifier).await;
    assert_eq!(error_of(response).await, "invalid_grant");
}

#[tokio::test]
async fn reusing_a_code_is_invalid_grant_and_revokes_the_first_token() {
    let sim = start().await;
    let pkce = pkce();
    let code = log_in(&sim, "001207001234", &pkce, "n").await;
    let first: Value = exchange(&sim, &code, &pkce.verifier)
        .await
        .json()
        .await
        .unwrap();
    let access_token = first["access_token"].as_str().unwrap();

    let again = exchange(&sim, &code, &pkce.verifier).await;
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_of(again).await, "invalid_grant");

    let userinfo = http()
        .get(format!("{}/userinfo", sim.issuer))
        .bearer_auth(access_token)
        .sent()
        .await;
    assert_eq!(userinfo.status(), StatusCode::UNAUTHORIZED);
    assert!(userinfo.headers()[header::WWW_AUTHENTICATE]
        .to_str()
        .unwrap()
        .starts_with("Bearer"));
}

#[tokio::test]
async fn token_request_must_repeat_the_redirect_uri() {
    let sim = start().await;
    let pkce = pkce();
    let code = log_in(&sim, "001207001234", &pkce, "n").await;
    let response = http()
        .post(format!("{}/token", sim.issuer))
        .basic_auth(CLIENT_ID, Some(CLIENT_SECRET))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", "http://127.0.0.1:1/v1/auth/callback"),
            ("code_verifier", pkce.verifier.as_str()),
        ])
        .sent()
        .await;
    assert_eq!(error_of(response).await, "invalid_grant");
}

#[tokio::test]
async fn bad_client_credentials_are_401_with_a_challenge() {
    let sim = start().await;
    let pkce = pkce();
    let code = log_in(&sim, "001207001234", &pkce, "n").await;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT_URI),
        ("code_verifier", pkce.verifier.as_str()),
    ];
    for request in [
        http()
            .post(format!("{}/token", sim.issuer))
            .basic_auth(CLIENT_ID, Some("wrong-secret")),
        // client_secret_post is not offered.
        http().post(format!("{}/token", sim.issuer)),
    ] {
        let response = request.form(&form).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert!(response.headers()[header::WWW_AUTHENTICATE]
            .to_str()
            .unwrap()
            .starts_with("Basic"));
        assert_eq!(error_of(response).await, "invalid_client");
    }
    // Refused client authentication does not spend the code.
    assert_eq!(
        exchange(&sim, &code, &pkce.verifier).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn wrong_password_shows_the_form_again_without_redirect() {
    let sim = start().await;
    let pkce = pkce();
    let params = standard_params(&pkce.challenge, "s", "n");
    for (username, password) in [("001207001234", "sai"), ("999999999999", "matkhau")] {
        let response = submit_login(&sim, &params, username, password).await;
        assert!(response.headers().get(header::LOCATION).is_none());
        assert!(!response.status().is_redirection());
        let html = response.text().await.unwrap();
        assert!(inputs(&html).iter().any(|(_, name, _)| name == "password"));
        assert!(html.contains("Wrong username or password"));
    }
}

#[tokio::test]
async fn unregistered_redirect_uri_or_client_is_400_without_redirect() {
    let sim = start().await;
    let pkce = pkce();
    for (client_id, redirect_uri) in [
        (CLIENT_ID, "https://evil.example/v1/auth/callback"),
        (CLIENT_ID, "http://127.0.0.1:43210/other"),
        ("unknown-client", REDIRECT_URI),
    ] {
        let mut params = standard_params(&pkce.challenge, "s", "n");
        params[1] = ("client_id", client_id);
        params[2] = ("redirect_uri", redirect_uri);
        let response = http().get(authorize_url(&sim, &params)).sent().await;
        assert_eq!(
            response.status(),
            StatusCode::BAD_REQUEST,
            "{client_id} {redirect_uri}"
        );
        assert!(response.headers().get(header::LOCATION).is_none());
        let html = response.text().await.unwrap();
        assert!(!html.contains("<script"));

        // Nor does the form post redirect there.
        let mut form = params.clone();
        form.push(("username", "001207001234"));
        form.push(("password", "matkhau"));
        let response = http()
            .post(format!("{}/authorize", sim.issuer))
            .form(&form)
            .sent()
            .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert!(response.headers().get(header::LOCATION).is_none());
    }
}

#[tokio::test]
async fn plain_or_missing_pkce_is_refused_through_the_redirect() {
    let sim = start().await;
    let pkce = pkce();
    let mut plain = standard_params(&pkce.verifier, "s-plain", "n");
    plain[7] = ("code_challenge_method", "plain");
    let mut missing = standard_params(&pkce.challenge, "s-missing", "n");
    missing.truncate(6);
    for (params, state) in [(plain, "s-plain"), (missing, "s-missing")] {
        let response = http().get(authorize_url(&sim, &params)).sent().await;
        assert_eq!(response.status(), StatusCode::FOUND);
        let target = location(&response);
        assert!(target.as_str().starts_with(REDIRECT_URI));
        let q = query(&target);
        assert_eq!(q["error"], "invalid_request");
        assert_eq!(q["state"], state);
        assert!(!q.contains_key("code"));
    }
}

#[tokio::test]
async fn openid_scope_is_required() {
    let sim = start().await;
    let pkce = pkce();
    let mut params = standard_params(&pkce.challenge, "s", "n");
    params[3] = ("scope", "profile");
    let response = http().get(authorize_url(&sim, &params)).sent().await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(query(&location(&response))["error"], "invalid_scope");
}

#[tokio::test]
async fn userinfo_needs_a_token() {
    let sim = start().await;
    let response = http().get(format!("{}/userinfo", sim.issuer)).sent().await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(error_of(response).await, "invalid_token");
}

#[tokio::test]
async fn a_resident_of_the_population_logs_in_as_a_level_2_citizen() {
    use motcua_sim::register::{Population, Status};
    let sim = start().await;
    let population = Population::shared();
    let generated = || {
        population
            .iter()
            .filter(|r| motcua_sim::accounts::find(&r.pin()).is_none())
    };
    let resident = generated()
        .find(|r| r.status() == Status::Alive && r.is_minority())
        .unwrap();
    let pkce = pkce();
    let code = log_in(&sim, &resident.pin(), &pkce, "n").await;
    let tokens: Value = exchange(&sim, &code, &pkce.verifier)
        .await
        .json()
        .await
        .unwrap();
    let claims = verify_id_token(&sim, tokens["id_token"].as_str().unwrap()).await;
    assert_eq!(claims["sub"], resident.pin());
    assert_eq!(claims["name"], resident.full_name());
    assert_eq!(claims["birthdate"], resident.birth_date().to_string());
    assert_eq!(claims["gender"], resident.sex().as_str());
    assert_eq!(claims["acr"], "vneid:2");

    // VNeID closes the accounts of the dead.
    let dead = generated()
        .find(|r| r.status() == Status::Deceased)
        .unwrap();
    let params = standard_params(&pkce.challenge, "s", "n");
    let response = submit_login(&sim, &params, &dead.pin(), "matkhau").await;
    assert!(response.headers().get(header::LOCATION).is_none());
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("Wrong username or password"));
}
