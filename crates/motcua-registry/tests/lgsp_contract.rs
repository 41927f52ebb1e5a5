//! The LGSP adapter against a scripted platform: which answers are final, which are retried,
//! and that an answer too large is refused (here by its announced length; a chunked one is
//! counted as it arrives, which this file does not exercise).

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use axum::body::Bytes;
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use motcua_core::pin::Pin;
use motcua_registry::{
    HttpRegister, HttpRegisterConfig, LgspConfig, Purpose, Register, RegistryError,
};
use serde_json::Value;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const PIN: &str = "001207001234";

/// A platform answering `answers` in turn (the last one for ever), recording each query.
struct Platform {
    answers: Mutex<Vec<(StatusCode, String)>>,
    queries: Mutex<Vec<Value>>,
}

async fn platform(answers: Vec<(StatusCode, String)>) -> (String, Arc<Platform>) {
    let state = Arc::new(Platform {
        answers: Mutex::new(answers),
        queries: Mutex::new(Vec::new()),
    });
    let app = Router::new().route(
        "/dancu",
        post({
            let state = state.clone();
            move |body: Bytes| {
                let state = state.clone();
                async move {
                    let query = serde_json::from_slice(&body).unwrap_or(Value::Null);
                    state.queries.lock().unwrap().push(query);
                    let mut answers = state.answers.lock().unwrap();
                    if answers.len() > 1 {
                        answers.remove(0)
                    } else {
                        answers[0].clone()
                    }
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/dancu", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, state)
}

fn client(url: &str) -> HttpRegister {
    let mut config = HttpRegisterConfig::lgsp(
        url,
        "secret",
        LgspConfig {
            integration_code: "TICH-HOP-1".into(),
        },
    );
    config.breaker_threshold = 100;
    config.deadline = Duration::from_secs(10);
    HttpRegister::new(config).unwrap()
}

fn purpose() -> Purpose {
    Purpose {
        procedure_code: "1.005142".into(),
        dossier_id: uuid::Uuid::nil(),
        requester: "motcua.tiepnhan".into(),
    }
}

fn envelope(inner: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>{inner}</s:Body></s:Envelope>"
    )
}

fn person() -> String {
    envelope(&format!(
        "<CongdanCollection><CongDan><SoDinhDanh>{PIN}</SoDinhDanh><HoVaTen><Ho>Nguyễn</Ho><ChuDem>Văn</ChuDem><Ten>A</Ten></HoVaTen><DanToc>02</DanToc></CongDan></CongdanCollection>"
    ))
}

fn fault(code: &str) -> String {
    envelope(&format!(
        "<s:Fault><faultcode>s:{code}</faultcode><faultstring>why</faultstring></s:Fault>"
    ))
}

async fn read(register: &HttpRegister) -> Result<serde_json::Map<String, Value>, RegistryError> {
    let fields = vec!["full_name".to_owned(), "ethnicity".to_owned()];
    register
        .resident(&Pin::parse(PIN).unwrap(), &fields, &purpose())
        .await
        .map(|r| r.fields)
}

#[tokio::test]
async fn the_query_carries_the_purpose_and_the_answer_only_the_asked_fields() {
    let (url, seen) = platform(vec![(StatusCode::OK, person())]).await;
    let fields = read(&client(&url)).await.unwrap();
    assert_eq!(fields["full_name"], "Nguyễn Văn A");
    assert_eq!(fields["ethnicity"], "Tày");
    assert_eq!(fields.len(), 2);
    let queries = seen.queries.lock().unwrap();
    let query = &queries[0];
    assert_eq!(query["MaTichHop"], "TICH-HOP-1");
    assert_eq!(query["MaDVC"], "1.005142");
    assert_eq!(query["MaHoSo"], uuid::Uuid::nil().to_string());
    assert_eq!(query["MaCanBo"], "motcua.tiepnhan");
    assert_eq!(query["SoDinhDanh"], PIN);
    assert!(query["MaYeuCau"].as_str().is_some_and(|id| id.len() == 36));
}

#[tokio::test]
async fn server_faults_and_5xx_are_retried_client_faults_are_final() {
    let (url, seen) = platform(vec![
        (StatusCode::INTERNAL_SERVER_ERROR, fault("Server")),
        (StatusCode::OK, fault("Server")),
        (StatusCode::OK, person()),
    ])
    .await;
    assert!(
        read(&client(&url)).await.is_ok(),
        "the third attempt answers"
    );
    assert_eq!(seen.queries.lock().unwrap().len(), 3);

    let (url, seen) = platform(vec![(StatusCode::INTERNAL_SERVER_ERROR, fault("Client"))]).await;
    assert!(matches!(
        read(&client(&url)).await,
        Err(RegistryError::Refused(_))
    ));
    assert_eq!(seen.queries.lock().unwrap().len(), 1, "not retried");

    let (url, _) = platform(vec![(
        StatusCode::SERVICE_UNAVAILABLE,
        "<html>down</html>".into(),
    )])
    .await;
    assert!(matches!(
        read(&client(&url)).await,
        Err(RegistryError::Unavailable { .. })
    ));

    let (url, _) = platform(vec![(StatusCode::UNAUTHORIZED, String::new())]).await;
    assert!(matches!(
        read(&client(&url)).await,
        Err(RegistryError::Unauthorized)
    ));

    let (url, _) = platform(vec![(StatusCode::OK, envelope("<CongdanCollection/>"))]).await;
    assert!(matches!(
        read(&client(&url)).await,
        Err(RegistryError::NotFound)
    ));
}

#[tokio::test]
async fn a_huge_answer_is_refused_as_outside_the_contract() {
    let huge = person() + &" ".repeat(2 * 1024 * 1024);
    let (url, seen) = platform(vec![(StatusCode::OK, huge)]).await;
    match read(&client(&url)).await {
        Err(RegistryError::Protocol(why)) => assert!(why.contains("larger than"), "{why}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(seen.queries.lock().unwrap().len(), 1, "not retried");
}
