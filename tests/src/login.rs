//! Logging in through the simulator's HTML form, as a browser does: authorization code with
//! PKCE, the engine's state cookie, and the callback's JSON answer.

use crate::html_form::read_form;
use crate::Engine;
use reqwest::header::LOCATION;
use serde_json::Value;

pub struct Session {
    pub token: String,
    pub principal: Value,
}

/// A browser: a cookie jar, and no redirect followed (each step is looked at).
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .tcp_nodelay(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The `Location` of a redirect (panics on any other answer).
pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get(LOCATION)
        .unwrap_or_else(|| panic!("expected a redirect, got {}", response.status()))
        .to_str()
        .unwrap()
        .to_owned()
}

/// Logs `username` in (`kind` = citizen or staff) and returns the engine's access token.
pub async fn login(engine: &Engine, kind: &str, username: &str) -> Session {
    let answer = login_answer(engine, kind, username).await;
    assert_eq!(
        answer.status(),
        200,
        "callback failed: {}",
        answer.text().await.unwrap()
    );
    let body: Value = answer.json().await.unwrap();
    Session {
        token: body["access_token"].as_str().unwrap().to_owned(),
        principal: body["principal"].clone(),
    }
}

/// Goes through the provider's login and returns the engine's answer at the callback,
/// whatever it is.
pub async fn login_answer(engine: &Engine, kind: &str, username: &str) -> reqwest::Response {
    login_from(
        &browser(),
        engine,
        &format!("/v1/auth/login?kind={kind}"),
        username,
    )
    .await
}

/// A client logged in to the staff console as `username`: its cookie jar holds the
/// console's session, as a browser's would (it follows no redirect).
pub async fn console_browser(engine: &Engine, username: &str) -> reqwest::Client {
    let browser = browser();
    let answer = login_from(
        &browser,
        engine,
        "/v1/auth/login?kind=staff&return_to=/console/",
        username,
    )
    .await;
    assert_eq!(
        answer.status(),
        303,
        "the console's login should end on its queues"
    );
    browser
}

/// A client logged in to the citizen portal as the citizen with this number (`pin`: a
/// named account or a resident of the simulator's register): its cookie jar holds the
/// portal's session, as a browser's would (it follows no redirect).
pub async fn portal_browser(engine: &Engine, pin: &str) -> reqwest::Client {
    let browser = browser();
    let answer = login_from(
        &browser,
        engine,
        "/v1/auth/login?kind=citizen&return_to=/portal/ho-so",
        pin,
    )
    .await;
    assert_eq!(
        answer.status(),
        303,
        "the portal's login should end on the page asked for"
    );
    browser
}

/// The provider's login, started at the engine's `start` path with `browser`.
pub async fn login_from(
    browser: &reqwest::Client,
    engine: &Engine,
    start: &str,
    username: &str,
) -> reqwest::Response {
    let start = browser.get(engine.at(start)).send().await.unwrap();
    assert_eq!(start.status(), 302, "login should redirect to the provider");
    let authorize_url = location(&start);
    through_provider(browser, engine, &authorize_url, username).await
}

/// The provider's login page at `authorize_url` filled in as `username`, and the engine's
/// answer at the callback it sends the browser to.
pub async fn through_provider(
    browser: &reqwest::Client,
    engine: &Engine,
    authorize_url: &str,
    username: &str,
) -> reqwest::Response {
    let authorize_url = authorize_url.to_owned();
    let page = browser.get(&authorize_url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let (action, mut fields) = read_form(&html);
    assert!(
        fields.iter().any(|(n, _)| n == "username"),
        "no username input: {html}"
    );
    assert!(
        fields.iter().any(|(n, _)| n == "password"),
        "no password input: {html}"
    );
    for (name, value) in fields.iter_mut() {
        match name.as_str() {
            "username" => *value = username.to_owned(),
            "password" => *value = "matkhau".to_owned(),
            _ => {}
        }
    }
    let post_to = match action {
        Some(a) if !a.is_empty() => url::Url::parse(&authorize_url)
            .unwrap()
            .join(&a)
            .unwrap()
            .to_string(),
        _ => authorize_url.clone(),
    };
    let submitted = browser.post(&post_to).form(&fields).send().await.unwrap();
    assert_eq!(
        submitted.status(),
        302,
        "the provider should redirect back after a good login"
    );
    let callback = location(&submitted);
    assert!(
        callback.starts_with(&engine.url),
        "redirected to {callback}"
    );
    browser.get(&callback).send().await.unwrap()
}
