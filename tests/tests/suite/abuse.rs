//! Abuse limits (issue 8, point 7): rate limits with `Retry-After`, security headers on every
//! answer, header and target size limits, and logs that never carry a secret, a token or a
//! full personal identification number; and (issue 25) request heads sent too slowly and
//! connections past the cap.

use motcua_tests::accounts::{CLERK, MINH, THANG};
use motcua_tests::dossiers::{filled_copy_draft, COPY};
use motcua_tests::problem::problem;
use motcua_tests::requests;
use motcua_tests::{login, Engine, EngineOptions, TEST_TOKEN_SECRET};
use reqwest::header::HeaderMap;
use serde_json::{json, Value};

fn limits(login: u32, drafts: u32, submits: u32) -> EngineOptions {
    EngineOptions {
        extra_env: vec![
            ("MOTCUA_RATE_LIMIT_LOGIN".into(), login.to_string()),
            ("MOTCUA_RATE_LIMIT_DRAFTS".into(), drafts.to_string()),
            ("MOTCUA_RATE_LIMIT_SUBMITS".into(), submits.to_string()),
        ],
        ..Default::default()
    }
}

/// A 429 problem whose `Retry-After` is a whole number of seconds within the minute.
async fn assert_rate_limited(answer: reqwest::Response, what: &str) {
    assert_eq!(answer.status(), 429, "{what}");
    let retry: u64 = answer.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("{what}: Retry-After is not whole seconds"));
    assert!((1..=60).contains(&retry), "{what}: Retry-After {retry}");
    let problem = problem(answer, 429, what).await;
    assert_eq!(problem["code"], "rate_limited", "{what}");
}

async fn create_draft(engine: &Engine, token: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(engine.at("/v1/dossiers"))
        .bearer_auth(token)
        .json(&json!({ "procedure": COPY }))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn logins_are_limited_per_account_and_per_address_with_retry_after() {
    // One login per account per minute; ten requests per address (a login is two).
    let engine = Engine::start_with(limits(1, 1000, 1000)).await;
    login(&engine, "citizen", MINH).await;
    let again = motcua_tests::login_answer(&engine, "citizen", MINH).await;
    assert_rate_limited(again, "Minh's second login within the minute").await;
    login(&engine, "citizen", THANG).await;

    // The address's budget is ten requests a minute, six of them spent: a burst of starts
    // runs it out (a cell comes back every 6 s, far slower than the burst).
    let browser = requests::without_redirects();
    let mut passed = 0;
    loop {
        let answer = browser
            .get(engine.at("/v1/auth/login?kind=citizen"))
            .send()
            .await
            .unwrap();
        if answer.status() == 429 {
            assert_rate_limited(answer, "a burst of login starts from one address").await;
            break;
        }
        assert_eq!(answer.status(), 302);
        passed += 1;
        assert!(
            passed <= 10,
            "{passed} login starts passed the address's budget"
        );
    }
    // HEAD runs the same handler: it is no way around the budget.
    let head = browser
        .head(engine.at("/v1/auth/login?kind=citizen"))
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 429);
}

#[tokio::test]
async fn drafts_and_submissions_are_limited_per_citizen_not_for_everyone() {
    let engine = Engine::start_with(limits(1000, 2, 1)).await;
    let minh = login(&engine, "citizen", MINH).await;
    let thang = login(&engine, "citizen", THANG).await;
    let client = reqwest::Client::new();

    let first = filled_copy_draft(&engine, &client, &minh).await;
    let second = filled_copy_draft(&engine, &client, &minh).await;
    assert_rate_limited(
        create_draft(&engine, &minh.token).await,
        "Minh's third draft",
    )
    .await;
    assert_eq!(
        create_draft(&engine, &thang.token).await.status(),
        201,
        "another citizen is not held up by Minh's budget"
    );
    let (count, _) = motcua_tests::api::get(&engine, &minh, "/v1/dossiers").await;
    assert_eq!(count, 200);

    let submit = |id: String| {
        let client = client.clone();
        let token = minh.token.clone();
        let url = engine.at(&format!("/v1/dossiers/{id}/submit"));
        async move { client.post(url).bearer_auth(token).send().await.unwrap() }
    };
    assert_eq!(submit(first).await.status(), 200);
    let refused = submit(second.clone()).await;
    assert_rate_limited(refused, "Minh's second submission within the minute").await;
    let (_, dossier) =
        motcua_tests::api::get(&engine, &minh, &format!("/v1/dossiers/{second}")).await;
    assert_eq!(
        dossier["state"], "draft",
        "the refused submission changed nothing"
    );
}

fn assert_security_headers(headers: &HeaderMap, what: &str) {
    for (name, expected) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "no-referrer"),
        ("cache-control", "no-store"),
    ] {
        assert_eq!(
            headers.get(name).and_then(|v| v.to_str().ok()),
            Some(expected),
            "{what}: {name}"
        );
    }
    let policy = headers
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("{what}: no Content-Security-Policy"));
    assert!(
        policy.contains("frame-ancestors 'none'"),
        "{what}: {policy}"
    );
    assert!(
        headers.contains_key("strict-transport-security"),
        "{what}: HSTS"
    );
}

#[tokio::test]
async fn every_answer_carries_the_security_headers_and_sizes_are_limited() {
    let engine = Engine::start().await;
    let minh = login(&engine, "citizen", MINH).await;
    let client = reqwest::Client::new();
    let id = filled_copy_draft(&engine, &client, &minh).await;
    let answers = [
        ("the landing page", client.get(engine.at("/"))),
        ("readiness", client.get(engine.at("/readyz"))),
        (
            "the OpenAPI document",
            client.get(engine.at("/openapi.json")),
        ),
        ("a public list", client.get(engine.at("/v1/procedures"))),
        ("no token", client.get(engine.at("/v1/me"))),
        ("an unknown route", client.get(engine.at("/v1/nope"))),
        (
            "a dossier",
            client
                .get(engine.at(&format!("/v1/dossiers/{id}")))
                .bearer_auth(&minh.token),
        ),
    ];
    for (what, request) in answers {
        let answer = request.send().await.unwrap();
        assert_security_headers(answer.headers(), what);
    }
    // A body announced over the limit is refused before it is sent (a client library would
    // go on writing it into the closed connection, so this one is written by hand).
    let head = motcua_tests::raw_http::head(
        &engine,
        "POST",
        "/v1/dossiers",
        &minh,
        "application/json",
        2 * 1024 * 1024,
    );
    let too_large = motcua_tests::raw_http::send(&engine, &head, b"").await;
    assert_eq!(too_large.status, 413, "{}", too_large.body);
    let headers: HeaderMap = too_large
        .headers
        .iter()
        .map(|(n, v)| (n.parse().unwrap(), v.parse().unwrap()))
        .collect();
    assert_security_headers(&headers, "a body announced over the limit");
    // The landing page runs its own script; the API allows nothing to run.
    let page = client.get(engine.at("/")).send().await.unwrap();
    let policy = page.headers()["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("connect-src 'self'"), "{policy}");
    let api = client
        .get(engine.at("/v1/procedures"))
        .send()
        .await
        .unwrap();
    assert!(api.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .starts_with("default-src 'none'"));

    // Headers and targets of absurd size are refused before any handler, as problems.
    let huge_header = client
        .get(engine.at("/v1/procedures"))
        .header("x-padding", "a".repeat(20 * 1024))
        .send()
        .await
        .unwrap();
    assert_eq!(huge_header.status(), 431);
    assert_security_headers(huge_header.headers(), "431");
    let problem: Value = huge_header.json().await.unwrap();
    assert_eq!(problem["code"], "headers_too_large");
    let long_target = client
        .get(engine.at(&format!("/v1/procedures?q={}", "b".repeat(10 * 1024))))
        .send()
        .await
        .unwrap();
    assert_eq!(long_target.status(), 414);
    let problem: Value = long_target.json().await.unwrap();
    assert_eq!(problem["code"], "uri_too_long");
}

#[tokio::test]
async fn the_logs_carry_no_secret_no_token_and_no_full_pin() {
    let mut engine = Engine::start_with(EngineOptions {
        debug_log: true,
        ..Default::default()
    })
    .await;
    let s3_secret = engine.s3.secret_key.clone();
    let client = reqwest::Client::new();
    let minh = login(&engine, "citizen", MINH).await;
    let staff = login(&engine, "staff", CLERK).await;
    let id = filled_copy_draft(&engine, &client, &minh).await;
    motcua_tests::dossiers::submit(&engine, &client, &minh, &id).await;
    // Refused tokens are logged as refusals, without the token.
    let forged = format!("{}x", minh.token);
    let refused = client
        .get(engine.at("/v1/me"))
        .bearer_auth(&forged)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    // A counter dossier names the citizen's number in its body.
    let counter = client
        .post(engine.at("/v1/counter/dossiers"))
        .bearer_auth(&staff.token)
        .json(&json!({ "procedure": COPY, "citizen": THANG }))
        .send()
        .await
        .unwrap();
    assert!(counter.status().is_success(), "{}", counter.status());
    engine.kill();
    let text = engine.log();
    assert!(
        text.lines().count() > 20,
        "the engine logged at debug level: {} lines",
        text.lines().count()
    );
    let sim = motcua_sim::SimConfig::dev_default();
    let secrets = [
        ("the access-token secret", TEST_TOKEN_SECRET.to_owned()),
        ("a citizen's access token", minh.token.clone()),
        ("a staff access token", staff.token.clone()),
        ("a refused token", forged),
        (
            "the OIDC client secret",
            sim.clients[0].client_secret.clone(),
        ),
        ("the register token", sim.register_token.clone()),
        ("the S3 secret key", s3_secret),
        ("Minh's number", MINH.to_owned()),
        ("Thắng's number", THANG.to_owned()),
    ];
    // A token's signature alone would let no one in, but its payload is personal data.
    let signature_free = |t: &str| t.split('.').take(2).collect::<Vec<_>>().join(".");
    for (what, secret) in secrets {
        assert!(!text.contains(&secret), "the log carries {what}");
        if secret.matches('.').count() == 2 {
            assert!(
                !text.contains(&signature_free(&secret)),
                "the log carries {what}'s claims"
            );
        }
    }
}

/// Slow and too many connections (issue 25, item 3): a request head not sent in time, and
/// connections past `MOTCUA_MAX_CONNECTIONS`.
mod connections {
    use super::{assert_security_headers, Engine, EngineOptions, HeaderMap, Value};
    use std::time::{Duration, Instant};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;

    const HEAD_TIMEOUT: Duration = Duration::from_secs(3);
    const MAX_CONNECTIONS: usize = 20;
    const METRICS_TOKEN: &str = "abuse-test-metrics-token-0123456789";

    fn address(engine: &Engine) -> String {
        engine.url.trim_start_matches("http://").to_owned()
    }

    /// A connection that sends the first half of a request's head and then nothing; when
    /// it stopped.
    async fn stalled(engine: &Engine) -> (TcpStream, Instant) {
        let mut stream = TcpStream::connect(address(engine)).await.unwrap();
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            .await
            .unwrap();
        (stream, Instant::now())
    }

    /// Reads until the engine closes `stream` (or resets it): what it sent first, and when
    /// it closed; `None` if it is still open after `within`.
    async fn until_closed(stream: &mut TcpStream, within: Duration) -> Option<(Vec<u8>, Instant)> {
        let deadline = tokio::time::Instant::now() + within;
        let mut got = Vec::new();
        let mut buffer = [0u8; 4096];
        loop {
            match tokio::time::timeout_at(deadline, stream.read(&mut buffer)).await {
                Err(_) => return None,
                Ok(Ok(0) | Err(_)) => return Some((got, Instant::now())),
                Ok(Ok(n)) => got.extend_from_slice(&buffer[..n]),
            }
        }
    }

    /// An HTTP answer's status, headers (names in lower case) and body; `None` while `bytes`
    /// do not hold a whole answer with its `Content-Length`.
    fn answer(bytes: &[u8]) -> Option<(u16, HeaderMap, String)> {
        let text = String::from_utf8_lossy(bytes);
        let (head, body) = text.split_once("\r\n\r\n")?;
        let mut lines = head.lines();
        let status = lines.next()?.split_whitespace().nth(1)?.parse().ok()?;
        let headers: HeaderMap = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().parse().unwrap(), v.trim().parse().unwrap()))
            .collect();
        let length: usize = headers.get("content-length")?.to_str().ok()?.parse().ok()?;
        (body.len() >= length).then(|| (status, headers, body[..length].to_owned()))
    }

    /// `GET path` on `stream` (with the `/metrics` token), keeping it open: the status, the
    /// body and how long it took.
    async fn ask_on(stream: &mut TcpStream, path: &str) -> (u16, String, Duration) {
        let started = Instant::now();
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {METRICS_TOKEN}\r\n\r\n"
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut got = Vec::new();
        let mut buffer = [0u8; 8192];
        loop {
            if let Some((status, _, body)) = answer(&got) {
                return (status, body, started.elapsed());
            }
            let read = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buffer))
                .await
                .expect("the engine answered within 10 s")
                .unwrap();
            assert!(
                read > 0,
                "the engine closed the connection without answering"
            );
            got.extend_from_slice(&buffer[..read]);
        }
    }

    /// `GET path` on a connection of its own, closed once answered.
    async fn ask_once(engine: &Engine, path: &str) -> (u16, String, Duration) {
        let started = Instant::now();
        let mut stream = TcpStream::connect(address(engine)).await.unwrap();
        let (status, body, _) = ask_on(&mut stream, path).await;
        (status, body, started.elapsed())
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_head_not_sent_in_time_is_cut_off_and_connections_past_the_cap_are_refused() {
        let engine = Engine::start_with(EngineOptions {
            extra_env: vec![
                (
                    "MOTCUA_HEADER_READ_TIMEOUT_SECS".into(),
                    HEAD_TIMEOUT.as_secs().to_string(),
                ),
                ("MOTCUA_MAX_CONNECTIONS".into(), MAX_CONNECTIONS.to_string()),
                ("MOTCUA_METRICS_TOKEN".into(), METRICS_TOKEN.into()),
            ],
            ..Default::default()
        })
        .await;

        // Clients that stop half-way through their head hold up no one else while they
        // are fewer than the cap.
        let mut stalled_clients = Vec::new();
        for _ in 0..MAX_CONNECTIONS / 2 {
            stalled_clients.push(stalled(&engine).await);
        }
        let (status, _, took) = ask_once(&engine, "/healthz").await;
        assert_eq!(status, 200);
        assert!(took < Duration::from_secs(1), "answered in {took:?}");

        // A keep-alive client, answered; then the places fill up with stalled clients.
        let mut regular = TcpStream::connect(address(&engine)).await.unwrap();
        assert_eq!(ask_on(&mut regular, "/healthz").await.0, 200);
        // The one-off client's place is given back as its connection ends.
        tokio::time::sleep(Duration::from_millis(200)).await;
        while stalled_clients.len() < MAX_CONNECTIONS - 1 {
            stalled_clients.push(stalled(&engine).await);
        }

        // One connection more is answered 503 overloaded and closed, at once.
        let started = Instant::now();
        let mut extra = TcpStream::connect(address(&engine)).await.unwrap();
        let (refusal, _) = until_closed(&mut extra, Duration::from_secs(5))
            .await
            .expect("the connection past the cap was closed");
        let took = started.elapsed();
        assert!(took < Duration::from_secs(1), "refused after {took:?}");
        let (status, headers, body) = answer(&refusal)
            .unwrap_or_else(|| panic!("no whole answer: {}", String::from_utf8_lossy(&refusal)));
        assert_eq!(status, 503);
        assert_eq!(headers["retry-after"], "1");
        assert_eq!(headers["connection"], "close");
        assert_eq!(headers["content-type"], "application/problem+json");
        assert_security_headers(&headers, "a connection past the cap");
        let problem: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(problem["code"], "overloaded", "{problem}");
        assert_eq!(problem["status"], 503, "{problem}");

        // Meanwhile the engine goes on serving the clients it holds.
        let (status, _, took) = ask_on(&mut regular, "/healthz").await;
        assert_eq!(status, 200);
        assert!(took < Duration::from_secs(1), "answered in {took:?}");

        // Each stalled client is cut off once its head is the timeout late, not before, and
        // gets nothing but the close.
        for (mut stream, stopped) in stalled_clients {
            let (sent, closed) = until_closed(&mut stream, HEAD_TIMEOUT + Duration::from_secs(5))
                .await
                .expect("a connection whose head stalled was closed");
            let after = closed - stopped;
            assert!(
                after >= HEAD_TIMEOUT - Duration::from_millis(300),
                "closed {after:?} after its head stalled, before the timeout"
            );
            assert!(
                after <= HEAD_TIMEOUT + Duration::from_secs(3),
                "closed only {after:?} after its head stalled"
            );
            let sent = String::from_utf8_lossy(&sent);
            assert!(
                sent.is_empty() || sent.starts_with("HTTP/1.1 408"),
                "a stalled client got {sent:?}"
            );
        }
        // So is the keep-alive client once idle that long: hyper bounds the wait for the
        // next head with the same timer.
        until_closed(&mut regular, HEAD_TIMEOUT + Duration::from_secs(3))
            .await
            .expect("the idle keep-alive connection was closed");

        // Their places are back: a new client is served at once, and the refusal counted.
        let (status, text, took) = ask_once(&engine, "/metrics").await;
        assert_eq!(status, 200, "{text}");
        assert!(took < Duration::from_secs(1), "answered in {took:?}");
        let sample = |series: &str| {
            text.lines()
                .find_map(|line| line.strip_prefix(series)?.trim().parse::<f64>().ok())
        };
        assert_eq!(
            sample(r#"motcua_connections_refused_total{reason="at_capacity"}"#),
            Some(1.0),
            "{text}"
        );
        assert_eq!(
            sample("motcua_connections_open "),
            Some(1.0),
            "only the scrape's own connection is open: {text}"
        );
    }

    /// `serve` names each connection variable with a wrong value, in its one refusal.
    #[test]
    fn serve_refuses_a_head_timeout_or_connection_cap_of_zero_or_not_a_number() {
        let (started, printed) = motcua_tests::command::motcua(
            &["serve"],
            &[
                ("MOTCUA_HEADER_READ_TIMEOUT_SECS", "0"),
                ("MOTCUA_MAX_CONNECTIONS", "lots"),
            ],
        );
        assert!(!started, "serve started:\n{printed}");
        for wrong in [
            "MOTCUA_HEADER_READ_TIMEOUT_SECS=0 must be at least 1",
            "MOTCUA_MAX_CONNECTIONS=\"lots\" is not a whole number",
        ] {
            assert!(printed.contains(wrong), "{wrong:?} not in:\n{printed}");
        }
        let (started, printed) = motcua_tests::command::motcua(
            &["serve"],
            &[("MOTCUA_HEADER_READ_TIMEOUT_SECS", "86400")],
        );
        assert!(!started, "serve started:\n{printed}");
        assert!(
            printed.contains("MOTCUA_HEADER_READ_TIMEOUT_SECS=86400 must be at most 3600"),
            "{printed}"
        );
    }
}
