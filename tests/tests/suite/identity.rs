//! Logging in through the simulator, and tokens that must be refused.

#[path = "identity/provider.rs"]
mod provider;
#[path = "identity/providers.rs"]
mod providers;
#[path = "identity/rogue_provider.rs"]
mod rogue_provider;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use motcua_tests::accounts::{APPROVER, CLERK, MINH};
use motcua_tests::problem::problem;
use motcua_tests::requests::without_redirects as browser_without_redirects;
use motcua_tests::{login, login_answer, Engine, EngineOptions, TEST_TOKEN_SECRET};
use rogue_provider::{Flaw, RogueProvider};
use serde_json::{json, Value};

async fn me(engine: &Engine, token: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(engine.at("/v1/me"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

async fn assert_refused(engine: &Engine, token: &str, why: &str) {
    let body = problem(me(engine, token).await, 401, why).await;
    assert_eq!(body["status"], 401, "{why}");
    assert!(body["code"].is_string(), "{why}");
}

fn claims(exp_offset: i64) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({
        "iss": "motcua", "aud": "motcua-api", "sub": MINH,
        "exp": now + exp_offset, "nbf": now - 60, "iat": now - 60,
        "kind": "citizen", "name": "x", "assurance_level": 2
    })
}

#[tokio::test]
async fn citizen_logs_in_with_code_and_pkce_and_sees_pin_and_level() {
    let engine = Engine::start().await;
    let session = login(&engine, "citizen", MINH).await;
    let response = me(&engine, &session.token).await;
    assert_eq!(response.status(), 200);
    let me: Value = response.json().await.unwrap();
    assert_eq!(me["kind"], "citizen");
    assert_eq!(me["subject"], MINH);
    assert_eq!(me["assurance_level"], 2);
}

#[tokio::test]
async fn staff_log_in_with_roles_and_agency() {
    let engine = Engine::start().await;
    let session = login(&engine, "staff", CLERK).await;
    let me: Value = me(&engine, &session.token).await.json().await.unwrap();
    assert_eq!(me["kind"], "staff");
    assert_eq!(me["agency"], "SGDDT-HN");
    assert_eq!(me["roles"], json!(["desk_clerk"]));
}

#[tokio::test]
async fn expired_forged_and_unsigned_tokens_get_401_problems() {
    let engine = Engine::start().await;
    let key = EncodingKey::from_secret(TEST_TOKEN_SECRET.as_bytes());

    // The right key proves the signature is fine and only the expiry refuses it.
    let good = encode(&Header::default(), &claims(600), &key).unwrap();
    assert_eq!(
        me(&engine, &good).await.status(),
        200,
        "control token should pass"
    );

    let expired = encode(&Header::default(), &claims(-600), &key).unwrap();
    assert_refused(&engine, &expired, "expired").await;

    let forged = encode(
        &Header::default(),
        &claims(600),
        &EncodingKey::from_secret(b"some-other-secret-of-at-least-32-bytes!!"),
    )
    .unwrap();
    assert_refused(&engine, &forged, "wrongly signed").await;

    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims(600).to_string());
    assert_refused(&engine, &format!("{header}.{payload}."), "alg none").await;

    assert_refused(&engine, "not-a-token", "garbage").await;
    let missing = reqwest::get(engine.at("/v1/me")).await.unwrap();
    assert_eq!(missing.status(), 401);
}

#[tokio::test]
async fn a_callback_with_a_forged_state_is_refused() {
    let engine = Engine::start().await;
    let response = reqwest::get(engine.at("/v1/auth/callback?code=abc&state=forged"))
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "login_failed");
}

/// Where a bearer token is checked: who am I, and a dossier endpoint.
const GUARDED: [&str; 2] = ["/v1/me", "/v1/dossiers"];

async fn bearer_answer(engine: &Engine, path: &str, token: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(engine.at(path))
        .header("authorization", format!("Bearer {token}"))
        .send()
        .await
        .unwrap()
}

/// 401, problem+json, `WWW-Authenticate: Bearer`, on every guarded path.
async fn assert_bearer_refused(engine: &Engine, token: &str, case: &str) {
    for path in GUARDED {
        let answer = bearer_answer(engine, path, token).await;
        assert_eq!(answer.status(), 401, "{case}: {path}");
        let header = |name: &str| {
            answer
                .headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
        };
        assert_eq!(
            header("content-type").as_deref(),
            Some("application/problem+json"),
            "{case}: {path}"
        );
        assert_eq!(
            header("www-authenticate").as_deref(),
            Some("Bearer"),
            "{case}: {path}"
        );
        let body: Value = answer.json().await.unwrap();
        assert_eq!(body["code"], "unauthorized", "{case}: {path}");
    }
}

/// The control: without it a test that expects refusals would pass against an engine that
/// refuses everything.
async fn assert_bearer_accepted(engine: &Engine, token: &str, case: &str) {
    for path in GUARDED {
        let answer = bearer_answer(engine, path, token).await;
        assert_eq!(answer.status(), 200, "{case}: {path}");
    }
}

fn engine_key() -> EncodingKey {
    EncodingKey::from_secret(TEST_TOKEN_SECRET.as_bytes())
}

fn signed(header: &Header, claims: &Value) -> String {
    encode(header, claims, &engine_key()).unwrap()
}

/// A token with `header` and `claims` as written and any signature text.
fn hand_made(header: &str, claims: &Value, signature: &str) -> String {
    format!(
        "{}.{}.{signature}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    )
}

fn with_claim(name: &str, value: Value) -> Value {
    let mut c = claims(600);
    c[name] = value;
    c
}

fn without_claim(name: &str) -> Value {
    let mut c = claims(600);
    c.as_object_mut().unwrap().remove(name);
    c
}

#[tokio::test]
async fn unsigned_and_algorithm_confused_tokens_get_401() {
    let engine = Engine::start().await;
    assert_bearer_accepted(
        &engine,
        &signed(&Header::default(), &claims(600)),
        "control",
    )
    .await;

    for alg in ["none", "None", "NONE", "nOnE"] {
        for signature in ["", "garbage", "c2lnbmF0dXJl"] {
            let header = format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#);
            let token = hand_made(&header, &claims(600), signature);
            assert_bearer_refused(
                &engine,
                &token,
                &format!("alg {alg}, signature {signature:?}"),
            )
            .await;
        }
    }
    let no_alg = hand_made(r#"{"typ":"JWT"}"#, &claims(600), "");
    assert_bearer_refused(&engine, &no_alg, "no alg at all").await;

    // The classic confusion: HMAC keyed with the identity provider's public key, which
    // anyone can fetch.
    let jwk = provider::published_key(&engine.issuer).await;
    for (form, bytes) in provider::public_key_forms(&jwk) {
        for kid in [None, jwk["kid"].as_str()] {
            let mut header = Header::new(Algorithm::HS256);
            header.kid = kid.map(str::to_owned);
            let token = encode(&header, &claims(600), &EncodingKey::from_secret(&bytes)).unwrap();
            let case = format!("HS256 keyed with the provider's public key as {form}, kid {kid:?}");
            assert_bearer_refused(&engine, &token, &case).await;
        }
    }

    let stranger = tokio::task::spawn_blocking(|| {
        rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048).unwrap()
    })
    .await
    .unwrap();
    let stranger_key = {
        use rsa::pkcs1::{EncodeRsaPrivateKey, LineEnding};
        let pem = stranger.to_pkcs1_pem(LineEnding::LF).unwrap();
        EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap()
    };
    for (case, kid) in [
        ("RS256, unknown kid", "a-key-nobody-published"),
        (
            "RS256, the provider's kid, another key",
            jwk["kid"].as_str().unwrap(),
        ),
    ] {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(kid.to_owned());
        let token = encode(&header, &claims(600), &stranger_key).unwrap();
        assert_bearer_refused(&engine, &token, case).await;
    }

    // Headers that point a naive verifier at the attacker's key.
    let attacker_secret = b"the-attackers-own-secret-of-32-bytes-or-more";
    let attacker = EncodingKey::from_secret(attacker_secret);
    let oct_jwk = json!({"kty": "oct", "k": URL_SAFE_NO_PAD.encode(attacker_secret)});
    let mut with_jku = Header::new(Algorithm::HS256);
    with_jku.jku = Some("https://attacker.example/jwks.json".into());
    let mut with_x5u = Header::new(Algorithm::HS256);
    with_x5u.x5u = Some("https://attacker.example/cert.pem".into());
    let mut with_jwk = Header::new(Algorithm::HS256);
    with_jwk.jwk = Some(serde_json::from_value(oct_jwk).unwrap());
    for (case, header) in [("jku", with_jku), ("x5u", with_x5u), ("jwk", with_jwk)] {
        let token = encode(&header, &claims(600), &attacker).unwrap();
        assert_bearer_refused(&engine, &token, &format!("{case} header, attacker's key")).await;
    }
}

#[tokio::test]
async fn tokens_with_forged_claims_get_401_even_with_the_right_secret() {
    let engine = Engine::start_with(EngineOptions {
        debug_log: true,
        ..Default::default()
    })
    .await;
    let header = Header::default();
    assert_bearer_accepted(&engine, &signed(&header, &claims(600)), "control").await;
    let now = chrono::Utc::now().timestamp();

    let mut staff_claims = claims(600);
    staff_claims["roles"] = json!(["approver", "desk_clerk"]);
    staff_claims["agency"] = json!("SGDDT-HN");
    let cases = [
        ("wrong iss", with_claim("iss", json!("motcua-sim"))),
        (
            "iss of the identity provider",
            with_claim("iss", json!(engine.issuer)),
        ),
        ("wrong aud", with_claim("aud", json!("motcua"))),
        (
            "aud as a list",
            with_claim("aud", json!(["motcua-api", "x"])),
        ),
        ("missing aud", without_claim("aud")),
        ("expired", claims(-600)),
        ("expired just past the leeway", claims(-10)),
        ("nbf 60 s ahead", with_claim("nbf", json!(now + 60))),
        ("missing exp", without_claim("exp")),
        (
            "exp as a string",
            with_claim("exp", json!((now + 600).to_string())),
        ),
        ("missing nbf", without_claim("nbf")),
        ("missing sub", without_claim("sub")),
        ("citizen with staff roles and agency", staff_claims),
        (
            "citizen with an agency",
            with_claim("agency", json!("SGDDT-HN")),
        ),
        (
            "kind staff without agency",
            with_claim("kind", json!("staff")),
        ),
        ("unknown kind", with_claim("kind", json!("admin"))),
        // Over the engine's token size limit, under the request header limit.
        (
            "a 6 KB name",
            with_claim("name", json!("x".repeat(6 * 1024))),
        ),
    ];
    for (case, forged) in cases {
        assert_bearer_refused(&engine, &signed(&header, &forged), case).await;
    }

    // Claims the decoder quotes when it refuses them (a string where a number belongs, an
    // unknown kind): the log must say why, without the caller's text.
    let leaky = [
        with_claim("exp", json!("LEAK-MARKER-exp")),
        with_claim("kind", json!("LEAK-MARKER-kind")),
    ];
    let mut signatures = Vec::new();
    for forged in leaky {
        let token = signed(&header, &forged);
        signatures.push(token.rsplit('.').next().unwrap().to_owned());
        assert_bearer_refused(&engine, &token, "claims that must not be logged").await;
    }
    let logged = engine.log();
    assert!(
        logged.contains("access token refused"),
        "the refusals are logged"
    );
    assert!(
        !logged.contains("LEAK-MARKER"),
        "a refused token's claims were logged"
    );
    for signature in signatures {
        assert!(!logged.contains(&signature), "a refused token was logged");
    }

    // A header or payload far beyond any real token: refused as a token, or earlier by the
    // header size limit; never decoded into a 200 or a 500.
    let junk = "A".repeat(64 * 1024);
    for (case, token) in [
        ("a 64 KB header", format!("{junk}.e30.c2ln")),
        (
            "a 64 KB payload",
            format!("eyJhbGciOiJIUzI1NiJ9.{junk}.c2ln"),
        ),
    ] {
        let answer = bearer_answer(&engine, "/v1/me", &token).await;
        let status = answer.status().as_u16();
        assert!(status == 401 || status == 431, "{case}: {status}");
        assert_eq!(
            answer.headers()["content-type"],
            "application/problem+json",
            "{case}"
        );
    }
}

#[tokio::test]
async fn an_id_token_of_the_identity_provider_is_not_an_access_token() {
    let engine = Engine::start().await;
    let citizen = provider::real_id_token(&engine.issuer, MINH).await;
    let staff = provider::real_id_token(&engine.issuer, APPROVER).await;
    // The ID token is genuine: the provider's signature checks out with its published key.
    let jwk = provider::published_key(&engine.issuer).await;
    let key = jsonwebtoken::DecodingKey::from_jwk(&serde_json::from_value(jwk).unwrap()).unwrap();
    let mut validation = jsonwebtoken::Validation::new(Algorithm::RS256);
    validation.set_audience(&["motcua"]);
    assert!(jsonwebtoken::decode::<Value>(&citizen, &key, &validation).is_ok());

    let session = login(&engine, "citizen", MINH).await;
    assert_bearer_accepted(&engine, &session.token, "control: the engine's own token").await;
    assert_bearer_refused(&engine, &citizen, "the provider's ID token of a citizen").await;
    assert_bearer_refused(&engine, &staff, "the provider's ID token of staff").await;
}

/// The engine's answer at the callback to one login through the rogue provider.
async fn callback_answer(engine: &Engine, rogue: &RogueProvider, flaw: Flaw) -> (u16, Value) {
    rogue.set_flaw(flaw);
    let answer = login_answer(engine, "citizen", MINH).await;
    let status = answer.status().as_u16();
    let content_type = answer
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned());
    let body: Value = answer.json().await.unwrap_or(Value::Null);
    if status != 200 {
        assert_eq!(
            content_type.as_deref(),
            Some("application/problem+json"),
            "{flaw:?}"
        );
    }
    (status, body)
}

#[tokio::test]
async fn the_callback_refuses_id_tokens_that_fail_a_check() {
    let rogue = RogueProvider::start().await;
    let engine = Engine::start_with(EngineOptions {
        extra_env: vec![("OIDC_ISSUER".into(), rogue.issuer.clone())],
        ..Default::default()
    })
    .await;
    let (status, body) = callback_answer(&engine, &rogue, Flaw::Nothing).await;
    assert_eq!(status, 200, "control: a sound ID token logs in: {body}");
    assert_eq!(body["principal"]["subject"], MINH);

    for flaw in [
        Flaw::WrongNonce,
        Flaw::WrongAudience,
        Flaw::SeveralAudiencesNoAzp,
        Flaw::WrongIssuer,
        Flaw::Expired,
        Flaw::NotYetValid,
        Flaw::SignedByAnotherKey,
        Flaw::EmbeddedJwk,
        Flaw::UnknownKid,
        Flaw::AlgNone,
        Flaw::Hs256WithPublicKey,
    ] {
        let (status, body) = callback_answer(&engine, &rogue, flaw).await;
        assert_eq!(status, 401, "{flaw:?}: {body}");
        assert_eq!(body["code"], "id_token_refused", "{flaw:?}: {body}");
        assert!(body.get("access_token").is_none(), "{flaw:?}");
    }
}

/// How many logins are in flight (begun, neither completed nor expired).
async fn logins_in_flight(engine: &Engine) -> i64 {
    use sqlx::Connection;
    let mut db = sqlx::PgConnection::connect(&engine.database_url)
        .await
        .unwrap();
    sqlx::query_scalar("select count(*) from login_attempt")
        .fetch_one(&mut db)
        .await
        .unwrap()
}

/// The callback sends the browser to `return_to` in a `Location` header, which cannot carry
/// a control character: such a `return_to` used to be taken, and the callback then answered
/// a plain-text 500 after the citizen had logged in, the one-time code spent. It is refused
/// at `/v1/auth/login` with a problem naming the parameter, and the browser is never sent to
/// the provider.
#[tokio::test]
async fn a_return_to_with_control_characters_is_refused_before_the_provider() {
    let engine = Engine::start().await;
    let browser = browser_without_redirects();
    let start = |return_to: String| {
        browser
            .get(engine.at("/v1/auth/login"))
            .query(&[("kind", "citizen"), ("return_to", &return_to)])
            .send()
    };
    // Control: a sound return_to goes to the provider.
    let sound = start("/done".into()).await.unwrap();
    assert_eq!(sound.status(), 302);
    assert!(sound.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with(&engine.issuer));
    assert_eq!(logins_in_flight(&engine).await, 1);

    for return_to in [
        "/x\r\nSet-Cookie: motcua_login=chosen".to_owned(),
        "/x\n".to_owned(),
        "/x\r".to_owned(),
        "/x\u{1}".to_owned(),
        "/x\u{7f}".to_owned(),
        "/x\ty".to_owned(),
        format!("{}/x\r\n", engine.url),
        format!("{}/x\u{1}", engine.url),
    ] {
        let answer = start(return_to.clone()).await.unwrap();
        assert_eq!(answer.status(), 400, "{return_to:?}");
        assert!(
            answer.headers().get("location").is_none(),
            "{return_to:?}: sent to {:?}",
            answer.headers().get("location")
        );
        assert!(
            answer.headers().get("set-cookie").is_none(),
            "{return_to:?}"
        );
        assert_eq!(
            answer.headers()["content-type"],
            "application/problem+json",
            "{return_to:?}"
        );
        let body: Value = answer.json().await.unwrap();
        assert_eq!(body["code"], "invalid_return_to", "{return_to:?}: {body}");
        assert!(
            body["detail"].as_str().unwrap().contains("return_to"),
            "{body}"
        );
    }
    assert_eq!(
        logins_in_flight(&engine).await,
        1,
        "a refused login was kept"
    );
}

/// The `Set-Cookie` of a login's start.
async fn login_cookie(engine: &Engine) -> String {
    let answer = browser_without_redirects()
        .get(engine.at("/v1/auth/login?kind=citizen"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 302);
    answer.headers()["set-cookie"].to_str().unwrap().to_owned()
}

fn has_attribute(cookie: &str, attribute: &str) -> bool {
    cookie
        .split(';')
        .skip(1)
        .any(|a| a.trim().eq_ignore_ascii_case(attribute))
}

/// Behind a TLS proxy (an https `MOTCUA_PUBLIC_URL`, the engine itself on http), the login
/// cookie is `Secure`: a browser never sends it over plain HTTP. Under an http public URL
/// (`motcua dev`) it is not, or the browser would drop it and no login could complete.
#[tokio::test]
async fn the_login_cookie_is_secure_when_the_public_url_is_https() {
    let plain = Engine::start().await;
    let cookie = login_cookie(&plain).await;
    assert!(cookie.starts_with("motcua_login="), "{cookie}");
    assert!(!has_attribute(&cookie, "Secure"), "{cookie}");
    assert!(has_attribute(&cookie, "HttpOnly"), "{cookie}");

    let behind_tls = Engine::start_with(EngineOptions {
        extra_env: vec![(
            "MOTCUA_PUBLIC_URL".into(),
            "https://dichvucong.example.vn".into(),
        )],
        ..Default::default()
    })
    .await;
    let cookie = login_cookie(&behind_tls).await;
    assert!(cookie.starts_with("motcua_login="), "{cookie}");
    assert!(has_attribute(&cookie, "Secure"), "{cookie}");
    assert!(has_attribute(&cookie, "HttpOnly"), "{cookie}");
    assert!(has_attribute(&cookie, "SameSite=Lax"), "{cookie}");
}
