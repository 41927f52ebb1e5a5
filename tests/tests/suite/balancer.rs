//! Two engines behind HAProxy (issue 33): HAProxy checks each engine's `/readyz` and takes a
//! dead one out; under a submission load one engine is killed with SIGKILL, and the clients,
//! retrying through the balancer with their `Idempotency-Key`, lose nothing and submit
//! nothing twice. HAProxy is Debian's (`apt-get install haproxy`; scripts/with-test-postgres
//! installs it when missing).

use motcua_tests::engine::tempdir::TempDir;
use motcua_tests::submissions::{self, assert_submitted_once_and_whole, submit, Answer};
use motcua_tests::{Engine, EngineOptions};
use serde_json::Value;
use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const DRAFTS_PER_CITIZEN: usize = 40;
/// One engine is killed once this many submissions were acknowledged.
const KILL_AFTER_ACKS: usize = 20;
const WORKERS: usize = 8;

/// HAProxy in front of `engines`, killed when dropped.
struct Balancer {
    child: Child,
    url: String,
    _dir: TempDir,
}

impl Drop for Balancer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn port_of(url: &str) -> u16 {
    url.rsplit(':')
        .next()
        .and_then(|p| p.trim_end_matches('/').parse().ok())
        .unwrap_or_else(|| panic!("no port in {url}"))
}

/// The configuration docs/OPERATIONS.md gives operators ("Several engines behind HAProxy"),
/// with the test's ports: health checks on /readyz every 200 ms, a server out after two
/// failures; a request whose connection failed or got no answer is sent to the other
/// server (safe for submissions: they carry an Idempotency-Key).
async fn start_balancer(engines: &[&Engine]) -> Balancer {
    let haproxy = ["/usr/sbin/haproxy", "/usr/bin/haproxy"]
        .into_iter()
        .find(|p| std::path::Path::new(p).is_file())
        .expect("haproxy is installed (apt-get install haproxy; scripts/with-test-postgres does)");
    let dir = TempDir::new();
    let port = std::net::TcpListener::bind(("127.0.0.1", 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let servers: String = engines
        .iter()
        .enumerate()
        .map(|(n, e)| format!("    server engine{n} 127.0.0.1:{} check\n", port_of(&e.url)))
        .collect();
    let config = format!(
        "global\n    maxconn 512\n\
         defaults\n    mode http\n    timeout connect 1s\n    timeout client 30s\n    \
         timeout server 30s\n    retries 3\n    option redispatch 1\n    \
         retry-on conn-failure empty-response response-timeout\n\
         frontend motcua\n    bind 127.0.0.1:{port}\n    default_backend engines\n\
         backend engines\n    balance roundrobin\n    option httpchk GET /readyz\n    \
         http-check expect status 200\n    default-server inter 200ms fall 2 rise 2\n{servers}"
    );
    let path = dir.0.join("haproxy.cfg");
    std::fs::write(&path, config).unwrap();
    let check = Command::new(haproxy)
        .arg("-c")
        .arg("-f")
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "haproxy -c: {}",
        motcua_tests::command::printed(&check)
    );
    let child = Command::new(haproxy)
        .arg("-db")
        .arg("-f")
        .arg(&path)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let balancer = Balancer {
        child,
        url: format!("http://127.0.0.1:{port}"),
        _dir: dir,
    };
    // Ready once both servers passed their first checks: a few answers in a row.
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut in_a_row = 0;
    while in_a_row < 4 {
        assert!(Instant::now() < deadline, "HAProxy did not come up");
        match client.get(format!("{}/readyz", balancer.url)).send().await {
            Ok(r) if r.status() == 200 => in_a_row += 1,
            _ => in_a_row = 0,
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    balancer
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_sigkilled_engine_behind_haproxy_loses_no_submission_of_a_retrying_client() {
    let first = Engine::start().await;
    let mut second = Engine::start_with(EngineOptions {
        database_url: Some(first.database_url.clone()),
        s3: Some(first.s3.clone()),
        ..Default::default()
    })
    .await;
    let client = reqwest::Client::new();
    let (submissions, _) = submissions::filled_copies(&first, &client, DRAFTS_PER_CITIZEN).await;
    let total = submissions.len();
    let balancer = start_balancer(&[&first, &second]).await;

    // Clients retry what got no answer, or a 502/503/504 from the balancer, with the same
    // key, as a client told to retry idempotently does; anything else is a failure.
    let queue = Arc::new(Mutex::new(submissions.clone()));
    let acknowledged: Arc<Mutex<HashMap<String, Value>>> = Arc::default();
    let failures: Arc<Mutex<Vec<String>>> = Arc::default();
    let acks = Arc::new(AtomicUsize::new(0));
    let retries = Arc::new(AtomicUsize::new(0));
    let mut workers = Vec::new();
    for _ in 0..WORKERS {
        let (queue, acknowledged, failures, acks, retries, client, url) = (
            queue.clone(),
            acknowledged.clone(),
            failures.clone(),
            acks.clone(),
            retries.clone(),
            client.clone(),
            balancer.url.clone(),
        );
        workers.push(tokio::spawn(async move {
            loop {
                let Some(next) = queue.lock().unwrap().pop() else {
                    return;
                };
                let give_up = Instant::now() + Duration::from_secs(60);
                loop {
                    match submit(&client, &url, &next).await {
                        Ok(Answer {
                            status: 200, body, ..
                        }) => {
                            acknowledged
                                .lock()
                                .unwrap()
                                .insert(next.dossier.clone(), body);
                            acks.fetch_add(1, Ordering::SeqCst);
                            break;
                        }
                        Err(_)
                        | Ok(Answer {
                            status: 502..=504, ..
                        }) if Instant::now() < give_up => {
                            retries.fetch_add(1, Ordering::SeqCst);
                            tokio::time::sleep(Duration::from_millis(50)).await;
                        }
                        other => {
                            let what = match other {
                                Ok(Answer { status, body, .. }) => format!("{status} {body}"),
                                Err(e) => format!("no answer: {e}"),
                            };
                            failures
                                .lock()
                                .unwrap()
                                .push(format!("{}: {what}", next.dossier));
                            break;
                        }
                    }
                }
            }
        }));
    }
    let deadline = Instant::now() + Duration::from_secs(120);
    while acks.load(Ordering::SeqCst) < KILL_AFTER_ACKS {
        assert!(
            Instant::now() < deadline && !workers.iter().all(|w| w.is_finished()),
            "the load stopped before {KILL_AFTER_ACKS} acknowledgements"
        );
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let acked_at_kill = acks.load(Ordering::SeqCst);
    second.kill();
    for worker in workers {
        worker.await.unwrap();
    }
    let failures = failures.lock().unwrap().clone();
    assert!(failures.is_empty(), "{failures:?}");
    let acknowledged = acknowledged.lock().unwrap().clone();
    eprintln!(
        "second engine killed after {acked_at_kill} of {total} acknowledgements; \
         {} client retries",
        retries.load(Ordering::SeqCst)
    );
    assert!(
        acked_at_kill < total,
        "the kill landed before the load ended"
    );
    // Every submission acknowledged through the balancer, each once, with its code.
    assert_eq!(acknowledged.len(), total);
    for s in &submissions {
        let dossier: Value = client
            .get(first.at(&format!("/v1/dossiers/{}", s.dossier)))
            .bearer_auth(&s.token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(dossier["code"], acknowledged[&s.dossier]["code"]);
    }
    assert_submitted_once_and_whole(&first.database_url, total).await;

    // The dead engine is out: the balancer answers from the living one only.
    for _ in 0..10 {
        let ready = client
            .get(format!("{}/readyz", balancer.url))
            .send()
            .await
            .unwrap();
        assert_eq!(ready.status(), 200);
    }
}

/// Rate limits hold for the service, not per process: with `MOTCUA_PROCESSES=2` each of two
/// engines enforces half of 10 drafts a minute, and a citizen drafting through the balancer
/// gets 10 accepted, not 20; the rest are refused with 429.
#[tokio::test]
async fn a_citizen_through_the_balancer_is_limited_at_the_configured_rate() {
    const DRAFTS_PER_MINUTE: usize = 10;
    let options = || EngineOptions {
        extra_env: vec![
            (
                "MOTCUA_RATE_LIMIT_DRAFTS".into(),
                DRAFTS_PER_MINUTE.to_string(),
            ),
            ("MOTCUA_PROCESSES".into(), "2".into()),
        ],
        ..Default::default()
    };
    let first = Engine::start_with(options()).await;
    let second = Engine::start_with(EngineOptions {
        database_url: Some(first.database_url.clone()),
        s3: Some(first.s3.clone()),
        ..options()
    })
    .await;
    let balancer = start_balancer(&[&first, &second]).await;
    let citizen = motcua_tests::login(&first, "citizen", submissions::CITIZENS[0]).await;
    let client = reqwest::Client::new();
    let mut accepted = 0;
    let mut refused = 0;
    let started = Instant::now();
    for _ in 0..3 * DRAFTS_PER_MINUTE {
        let answer = client
            .post(format!("{}/v1/dossiers", balancer.url))
            .bearer_auth(&citizen.token)
            .json(&serde_json::json!({ "procedure": motcua_tests::dossiers::COPY }))
            .send()
            .await
            .unwrap();
        match answer.status().as_u16() {
            201 => accepted += 1,
            429 => {
                assert!(answer.headers().contains_key("retry-after"));
                refused += 1;
            }
            other => panic!("a draft answered {other}: {}", answer.text().await.unwrap()),
        }
    }
    // The budgets refill continuously (10 a minute for the service): a slow machine may see
    // a draft or two come back during the burst, never the second engine's whole budget.
    let refilled = (started.elapsed().as_secs_f64() * DRAFTS_PER_MINUTE as f64 / 60.0).ceil();
    assert!(
        accepted >= DRAFTS_PER_MINUTE
            && accepted as f64 <= DRAFTS_PER_MINUTE as f64 + refilled
            && accepted < 2 * DRAFTS_PER_MINUTE,
        "{accepted} drafts accepted and {refused} refused through two engines in {:?}",
        started.elapsed()
    );
}

/// The console's and portal's sessions belong to no process: a clerk and a citizen logged in
/// through one engine keep working through the balancer, whichever engine answers (their
/// cookies are sealed with keys derived from the secret all engines share).
#[tokio::test]
async fn console_and_portal_sessions_work_on_any_engine() {
    let first = Engine::start().await;
    let second = Engine::start_with(EngineOptions {
        database_url: Some(first.database_url.clone()),
        s3: Some(first.s3.clone()),
        ..Default::default()
    })
    .await;
    let balancer = start_balancer(&[&first, &second]).await;
    let clerk = motcua_tests::console_browser(&first, &motcua_tests::accounts::pool_clerk(1)).await;
    let citizen = motcua_tests::portal_browser(&first, submissions::CITIZENS[0]).await;

    // Round robin: four requests in a row reach both engines twice; the cookie jar sends
    // the session to the balancer's address as to the engine's (cookies ignore the port).
    for (browser, page) in [(&clerk, "/console/"), (&citizen, "/portal/ho-so")] {
        for n in 0..4 {
            let answer = browser
                .get(format!("{}{page}", balancer.url))
                .send()
                .await
                .unwrap();
            assert_eq!(
                answer.status(),
                200,
                "{page}, request {n} through the balancer: {:?}",
                answer.headers().get("location")
            );
        }
        // Without the session the same page is not served (the 200s above are the session's).
        let anonymous = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let answer = anonymous
            .get(format!("{}{page}", balancer.url))
            .send()
            .await
            .unwrap();
        assert_ne!(answer.status(), 200, "{page} without a session");
        // And on the other engine directly.
        let answer = browser.get(second.at(page)).send().await.unwrap();
        assert_eq!(answer.status(), 200, "{page} on the second engine");
    }
}
