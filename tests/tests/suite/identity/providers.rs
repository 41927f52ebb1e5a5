//! Identity providers as configuration (issue 29): the claim mapping of each provider
//! profile, `acr_values` and the way back for a higher level, the TechID kept, several
//! providers side by side, keys trusted only while published, the client secret as RFC 6749
//! encodes it for Basic, and the login cookie `Secure` outside `dev`. The simulator acts as
//! each provider (`/_sim/oidc/switches`).

use motcua_tests::accounts::{HAN, MINH};
use motcua_tests::dossiers::submitted_copy;
use motcua_tests::login::{browser, location, login_from, through_provider};
use motcua_tests::problem::assert_problem;
use motcua_tests::{login, login_answer, Engine, EngineOptions};
use serde_json::{json, Value};

/// The diploma copy (3.000465): it needs a level-2 account.
const COPY: &str = "3.000465";

/// Sets the simulator's switches (`/_sim/oidc/switches`) and returns its state.
async fn sim_switches(issuer: &str, switches: Value) -> Value {
    let answer = reqwest::Client::new()
        .post(format!("{issuer}/_sim/oidc/switches"))
        .json(&switches)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200, "{switches}");
    answer.json().await.unwrap()
}

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// An engine reading its provider as VNeID, and the simulator acting as VNeID.
async fn vneid_engine(more: &[(&str, &str)]) -> Engine {
    let mut extra_env = env(&[("OIDC_PROFILE", "vneid")]);
    extra_env.extend(env(more));
    let engine = Engine::start_with(EngineOptions {
        extra_env,
        ..Default::default()
    })
    .await;
    let state = sim_switches(&engine.issuer, json!({"profile": "vneid"})).await;
    assert_eq!(state["profile"], "vneid");
    engine
}

/// The citizen's login record: `(provider, tech_id, birth_date, level)` per provider.
async fn citizen_logins(
    engine: &Engine,
    pin: &str,
) -> Vec<(String, Option<String>, Option<String>, i16)> {
    use sqlx::Connection;
    let mut db = sqlx::PgConnection::connect(&engine.database_url)
        .await
        .unwrap();
    sqlx::query_as(
        "select provider, tech_id, birth_date, assurance_level from citizen_login
         where pin = $1 order by provider",
    )
    .bind(pin)
    .fetch_all(&mut db)
    .await
    .unwrap()
}

fn query_value(url: &str, name: &str) -> Option<String> {
    url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// VNeID puts the PIN only in `SoDinhDanh` (its `sub` is the account's technical id) and
/// the level only in `loAs`: read with the VNeID mapping, the citizen logs in as themself
/// at level 2 and files a dossier that needs level 2; the TechID is kept in the citizen's
/// login record. (With the standard mapping the engine read `sub` and `acr`: the login was
/// refused, `sub` being no PIN.)
#[tokio::test]
async fn a_citizen_logs_in_through_vneid_and_submits() {
    let engine = vneid_engine(&[]).await;
    let session = login(&engine, "citizen", MINH).await;
    assert_eq!(session.principal["subject"], MINH);
    assert_eq!(session.principal["assurance_level"], 2);
    let dossier = submitted_copy(&engine, &reqwest::Client::new(), &session).await;
    let answer: Value = reqwest::Client::new()
        .get(engine.at(&format!("/v1/dossiers/{dossier}")))
        .bearer_auth(&session.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_ne!(answer["state"], "draft", "{answer}");
    let records = citizen_logins(&engine, MINH).await;
    assert_eq!(records.len(), 1, "{records:?}");
    let (provider, tech_id, birth_date, level) = &records[0];
    assert_eq!(provider, "default");
    assert_eq!(tech_id.as_deref(), Some(motcua_sim::tech_id(MINH).as_str()));
    assert_eq!(*level, 2);
    let birth_date = birth_date.as_deref().unwrap();
    assert!(
        chrono::NaiveDate::parse_from_str(birth_date, "%Y-%m-%d").is_ok(),
        "{birth_date}"
    );

    // The same provider read with the standard mapping: `sub` is no PIN.
    let standard = Engine::start().await;
    sim_switches(&standard.issuer, json!({"profile": "vneid"})).await;
    let refused = login_answer(&standard, "citizen", MINH).await;
    let body = assert_problem(refused, 401, "id_token_refused").await;
    assert!(!body.to_string().contains(MINH), "{body}");
}

/// A login for a procedure asks the provider for its level (`acr_values=LoA2`); a level-1
/// account coming back from it is sent to the provider once more, asking for LoA2 and a
/// fresh login. Still level 1 the second time, the citizen is logged in at level 1 (no loop)
/// and the procedure refuses them with its own words.
#[tokio::test]
async fn a_loa1_login_for_a_loa2_procedure_goes_back_for_loa2() {
    let engine = vneid_engine(&[]).await;
    let browser = browser();
    let start = browser
        .get(engine.at(&format!("/v1/auth/login?kind=citizen&procedure={COPY}")))
        .send()
        .await
        .unwrap();
    assert_eq!(start.status(), 302);
    let first = location(&start);
    assert!(first.starts_with(&engine.issuer), "{first}");
    assert_eq!(query_value(&first, "acr_values").as_deref(), Some("LoA2"));

    let back = through_provider(&browser, &engine, &first, HAN).await;
    assert_eq!(
        back.status(),
        302,
        "a level-1 login should go back to the provider"
    );
    let again = location(&back);
    assert!(
        again.starts_with(&format!("{}/authorize", engine.issuer)),
        "{again}"
    );
    assert_eq!(query_value(&again, "acr_values").as_deref(), Some("LoA2"));
    assert_eq!(query_value(&again, "prompt").as_deref(), Some("login"));
    assert_ne!(query_value(&again, "state"), query_value(&first, "state"));
    assert!(back.headers().get("set-cookie").is_some());

    let done = through_provider(&browser, &engine, &again, HAN).await;
    assert_eq!(
        done.status(),
        200,
        "the second time the citizen is logged in"
    );
    let body: Value = done.json().await.unwrap();
    assert_eq!(body["principal"]["assurance_level"], 1);
    let refused = reqwest::Client::new()
        .post(engine.at("/v1/dossiers"))
        .bearer_auth(body["access_token"].as_str().unwrap())
        .json(&json!({"procedure": COPY}))
        .send()
        .await
        .unwrap();
    assert_problem(refused, 403, "assurance_level_too_low").await;

    // A level-2 account is logged in at once, and a standard provider is asked its way.
    let direct = login_from(
        &browser,
        &engine,
        &format!("/v1/auth/login?kind=citizen&procedure={COPY}"),
        MINH,
    )
    .await;
    assert_eq!(direct.status(), 200);
    let standard = Engine::start().await;
    let start = browser
        .get(standard.at("/v1/auth/login?kind=citizen&level=2"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        query_value(&location(&start), "acr_values").as_deref(),
        Some("vneid:2")
    );
    let unknown = browser
        .get(standard.at("/v1/auth/login?kind=citizen&procedure=9.999999"))
        .send()
        .await
        .unwrap();
    assert_problem(unknown, 404, "procedure_not_found").await;
}

/// A key is trusted only while the provider publishes it. After a rotation both keys are
/// published and the engine, logging someone in, holds both; once the old key is dropped
/// from the JWKS, an ID token signed with it (someone kept a copy) is refused at the next
/// refresh, here every login (`OIDC_REFRESH_SECS=0`), although the engine still held the
/// key; tokens of the new key still pass.
#[tokio::test]
async fn a_token_signed_with_a_key_dropped_from_the_jwks_is_refused() {
    let engine = vneid_engine(&[("OIDC_REFRESH_SECS", "0")]).await;
    let rotated = sim_switches(&engine.issuer, json!({"rotate_key": true})).await;
    assert_eq!(rotated["keys"]["published"].as_array().unwrap().len(), 2);
    let first = login(&engine, "citizen", MINH).await;
    assert_eq!(first.principal["subject"], MINH);

    let dropped = sim_switches(
        &engine.issuer,
        json!({"drop_old_keys": true, "sign_with_retired": true}),
    )
    .await;
    assert_eq!(dropped["keys"]["published"].as_array().unwrap().len(), 1);
    let refused = login_answer(&engine, "citizen", MINH).await;
    let body = assert_problem(refused, 401, "id_token_refused").await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("does not publish"),
        "{body}"
    );

    sim_switches(&engine.issuer, json!({"sign_with_retired": false})).await;
    login(&engine, "citizen", MINH).await;
}

/// Several providers side by side: the default one (standard, `OIDC_*`) and a DVCQG single
/// sign-on (`OIDC_PROVIDERS=dvcqg`, `DVCQG_OIDC_*`) whose ID token carries only `sub` and
/// whose person is at `/userinfo`. Each login goes to the provider asked for and is read with
/// its mapping; each keeps its own login record. An unknown provider is a problem.
#[tokio::test]
async fn several_providers_each_with_its_mapping() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dvcqg = motcua_sim::serve(
        listener,
        motcua_sim::SimConfig {
            profile: motcua_sim::OidcProfile::Dvcqg,
            ..motcua_sim::SimConfig::dev_default()
        },
    )
    .await
    .unwrap();
    let engine = Engine::start_with(EngineOptions {
        extra_env: env(&[
            ("OIDC_PROVIDERS", "dvcqg"),
            ("DVCQG_OIDC_ISSUER", &dvcqg.issuer),
            ("DVCQG_OIDC_CLIENT_ID", "motcua"),
            ("DVCQG_OIDC_CLIENT_SECRET", "motcua-dev-secret"),
            ("DVCQG_OIDC_PROFILE", "dvcqg"),
        ]),
        ..Default::default()
    })
    .await;

    let browser = browser();
    let start = browser
        .get(engine.at("/v1/auth/login?kind=citizen&provider=dvcqg"))
        .send()
        .await
        .unwrap();
    let authorize = location(&start);
    assert!(authorize.starts_with(&dvcqg.issuer), "{authorize}");
    let answer = through_provider(&browser, &engine, &authorize, HAN).await;
    assert_eq!(answer.status(), 200);
    let body: Value = answer.json().await.unwrap();
    assert_eq!(body["principal"]["subject"], HAN);
    assert_eq!(body["principal"]["assurance_level"], 1);

    let standard = login(&engine, "citizen", HAN).await;
    assert_eq!(standard.principal["subject"], HAN);

    let records = citizen_logins(&engine, HAN).await;
    let providers: Vec<_> = records.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(providers, ["default", "dvcqg"]);
    assert_eq!(records[0].1.as_deref(), Some(HAN), "standard: sub");
    assert_eq!(
        records[1].1.as_deref(),
        Some(motcua_sim::tech_id(HAN).as_str()),
        "dvcqg: TechID"
    );

    let unknown = browser
        .get(engine.at("/v1/auth/login?kind=citizen&provider=nowhere"))
        .send()
        .await
        .unwrap();
    assert_problem(unknown, 400, "login_failed").await;
    drop(dvcqg);
}

/// RFC 6749 §2.3.1: the client id and secret are form-urlencoded before they are joined and
/// base64-encoded. A provider that reads them so (the simulator does) refuses a client that
/// skips the step as soon as the secret holds `+`, `%` or `:`.
#[tokio::test]
async fn a_client_secret_with_reserved_characters_is_sent_encoded() {
    const SECRET: &str = "s3cr+t%41:x y";
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let mut config = motcua_sim::SimConfig::dev_default();
    config.clients[0].client_secret = SECRET.to_owned();
    let provider = motcua_sim::serve(listener, config).await.unwrap();
    let engine = Engine::start_with(EngineOptions {
        extra_env: env(&[
            ("OIDC_PROVIDERS", "odd"),
            ("ODD_OIDC_ISSUER", &provider.issuer),
            ("ODD_OIDC_CLIENT_ID", "motcua"),
            ("ODD_OIDC_CLIENT_SECRET", SECRET),
        ]),
        ..Default::default()
    })
    .await;
    let answer = login_from(
        &browser(),
        &engine,
        "/v1/auth/login?kind=citizen&provider=odd",
        MINH,
    )
    .await;
    assert_eq!(answer.status(), 200, "{}", answer.text().await.unwrap());
    drop(provider);
}

/// Outside `motcua dev` the login cookie is `Secure` even under an `http` public URL (a TLS
/// proxy in front speaks plain HTTP to the engine): `serve` beside a test engine, on its
/// database, bucket and providers.
#[tokio::test]
async fn outside_dev_the_login_cookie_is_secure() {
    let engine = Engine::start().await;
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}");
    let mut serve = engine
        .command(&["serve"])
        .env("MOTCUA_LISTEN", format!("127.0.0.1:{port}"))
        .env("MOTCUA_PUBLIC_URL", &url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let client = motcua_tests::requests::without_redirects();
    let mut ready = false;
    for _ in 0..600 {
        if let Ok(r) = client.get(format!("{url}/readyz")).send().await {
            if r.status() == 200 {
                ready = true;
                break;
            }
        }
        if serve.try_wait().unwrap().is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let answer = if ready {
        Some(
            client
                .get(format!("{url}/v1/auth/login?kind=citizen"))
                .send()
                .await
                .unwrap(),
        )
    } else {
        None
    };
    let _ = serve.kill();
    let _ = serve.wait();
    let answer = answer.expect("motcua serve did not become ready");
    assert_eq!(answer.status(), 302);
    let cookie = answer.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("motcua_login="), "{cookie}");
    assert!(cookie.split(';').any(|a| a.trim() == "Secure"), "{cookie}");

    // `motcua dev` under the same kind of URL: not Secure, or no browser could log in.
    let dev = browser()
        .get(engine.at("/v1/auth/login?kind=citizen"))
        .send()
        .await
        .unwrap();
    let cookie = dev.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(!cookie.contains("Secure"), "{cookie}");
}
