//! The population register through the province's integration platform (issue 29, part 4):
//! with `REGISTRY_PROTOCOL=lgsp` the engine sends the LGSP population-database query and reads
//! its XML answer, and everything the citizen and the clerk see is what the register API
//! gives: the same prefilled fields with the same provenance, the same access log, the same
//! 503 when the register cannot answer.

use motcua_registry::{HttpRegister, HttpRegisterConfig, LgspConfig, Purpose, Register};
use motcua_sim::register::{named, Population, LGSP_PATH};
use motcua_tests::accounts::MINH;
use motcua_tests::dossiers::THPT;
use motcua_tests::engine::LGSP_INTEGRATION_CODE;
use motcua_tests::problem::problem;
use motcua_tests::requests::create;
use motcua_tests::stoppable_register::StoppableRegister;
use motcua_tests::{login, Engine, EngineOptions, Session};
use serde_json::{json, Map, Value};

/// What the LGSP answer carries of the register API's fields (docs/INTEGRATIONS.md): all but
/// the ID card's dates, the residence history and the date of death.
const CARRIED: &[&str] = &[
    "pin",
    "full_name",
    "birth_date",
    "sex",
    "ethnicity",
    "religion",
    "nationality",
    "birth_place",
    "hometown",
    "household_head_pin",
    "relation_to_head",
    "father",
    "mother",
    "status",
];
const ADDRESSES: &[&str] = &["permanent_address", "current_address"];
const ADDRESS_PARTS: &[&str] = &[
    "province_code",
    "commune_code",
    "detail",
    "text",
    "province_name",
    "commune_name",
];

fn lgsp_engine_options() -> EngineOptions {
    EngineOptions {
        lgsp_register: true,
        clock: Some(motcua_tests::engine::THPT_WINDOW_2025.into()),
        ..Default::default()
    }
}

/// A field, with an absent one read as null (the LGSP answer leaves out what it lacks).
fn at<'a>(fields: &'a Map<String, Value>, name: &str) -> &'a Value {
    fields.get(name).unwrap_or(&Value::Null)
}

#[tokio::test]
async fn every_resident_reads_the_same_through_lgsp_as_through_the_register_api() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let config = motcua_sim::SimConfig::dev_default();
    let token = config.register_token.clone();
    let sim = motcua_sim::serve(listener, config).await.unwrap();
    let base = format!("http://{}", sim.local_addr);
    let api = HttpRegister::new(HttpRegisterConfig::new(&base, &token)).unwrap();
    let lgsp = HttpRegister::new(HttpRegisterConfig::lgsp(
        &format!("{base}{LGSP_PATH}"),
        &token,
        LgspConfig {
            integration_code: LGSP_INTEGRATION_CODE.into(),
        },
    ))
    .unwrap();
    let mut fields: Vec<String> = CARRIED.iter().map(|f| (*f).to_owned()).collect();
    fields.extend(ADDRESSES.iter().map(|f| (*f).to_owned()));

    let population = Population::shared();
    // The named residents (deceased, under review, minorities, …) come first; then a slice of
    // the generated ones, with every name shape and address style among them.
    let mut compared = 0;
    for resident in population.iter().step_by(97).take(400) {
        let pin = motcua_core::pin::Pin::parse(&resident.pin()).unwrap();
        let purpose = Purpose {
            procedure_code: THPT.into(),
            dossier_id: uuid::Uuid::new_v4(),
            requester: "motcua.tiepnhan".into(),
        };
        let by_api = api.resident(&pin, &fields, &purpose).await.unwrap().fields;
        let by_lgsp = lgsp.resident(&pin, &fields, &purpose).await.unwrap().fields;
        for name in CARRIED {
            assert_eq!(
                at(&by_lgsp, name),
                at(&by_api, name),
                "{name} of {}",
                pin.masked()
            );
        }
        for name in ADDRESSES {
            for part in ADDRESS_PARTS {
                assert_eq!(
                    at(&by_lgsp, name).get(part),
                    at(&by_api, name).get(part),
                    "{name}.{part} of {}",
                    pin.masked()
                );
            }
        }
        let extra: Vec<&String> = by_lgsp.keys().filter(|k| !fields.contains(k)).collect();
        assert!(extra.is_empty(), "not asked for: {extra:?}");
        compared += 1;
    }
    assert_eq!(compared, 400);
    let calls = sim.register().calls();
    assert_eq!(
        calls.iter().filter(|c| c.protocol == "lgsp").count(),
        400,
        "every LGSP read reached the LGSP query"
    );

    // A person the register does not know is "not found" either way.
    let unknown = motcua_core::pin::Pin::parse(named::NOT_IN_REGISTER).unwrap();
    let purpose = Purpose {
        procedure_code: THPT.into(),
        dossier_id: uuid::Uuid::new_v4(),
        requester: "motcua.tiepnhan".into(),
    };
    assert!(matches!(
        lgsp.resident(&unknown, &fields, &purpose).await,
        Err(motcua_registry::RegistryError::NotFound)
    ));
}

async fn get_json(engine: &Engine, session: &Session, path: &str) -> Value {
    let r = reqwest::Client::new()
        .get(engine.at(path))
        .bearer_auth(&session.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "GET {path}");
    r.json().await.unwrap()
}

async fn draft(engine: &Engine, session: &Session, procedure: &str) -> Value {
    let created = create(engine, session, &json!({ "procedure": procedure })).await;
    assert_eq!(created.status(), 201, "a {procedure} draft");
    created.json().await.unwrap()
}

/// The prefill of a draft with the read's own stamp (time and request id) taken out: what
/// must be the same whichever way the register was read.
fn without_stamps(prefill: &Value) -> Value {
    let mut prefill = prefill.clone();
    for entry in prefill.as_object_mut().unwrap().values_mut() {
        let entry = entry.as_object_mut().unwrap();
        assert!(entry.remove("fetched_at").is_some_and(|t| t.is_string()));
        assert!(entry.remove("request_id").is_some_and(|t| t.is_string()));
    }
    prefill
}

#[tokio::test]
async fn a_draft_through_lgsp_is_filled_like_one_through_the_register_api_and_logged() {
    let (api_engine, lgsp_engine) = tokio::join!(
        Engine::start_in_thpt_window(),
        Engine::start_with(lgsp_engine_options())
    );
    let (api_minh, lgsp_minh) = tokio::join!(
        login(&api_engine, "citizen", MINH),
        login(&lgsp_engine, "citizen", MINH)
    );
    for procedure in [THPT, "3.000465"] {
        let by_api = draft(&api_engine, &api_minh, procedure).await;
        let by_lgsp = draft(&lgsp_engine, &lgsp_minh, procedure).await;
        assert!(
            by_api["prefill"].as_object().unwrap().len() >= 4,
            "{procedure}: {}",
            by_api["prefill"]
        );
        assert_eq!(
            without_stamps(&by_lgsp["prefill"]),
            without_stamps(&by_api["prefill"]),
            "{procedure}: the same pointers, sources and locks"
        );
        for pointer in by_api["prefill"].as_object().unwrap().keys() {
            let (mut lgsp_value, mut api_value) = (
                by_lgsp["data"].pointer(pointer).cloned(),
                by_api["data"].pointer(pointer).cloned(),
            );
            if pointer == "/priority" {
                // The exam's priority category is derived from the residence history, which
                // the LGSP answer does not carry (docs/INTEGRATIONS.md): the same category,
                // bonus and flags for Minh, told with other reasons.
                for value in [&mut lgsp_value, &mut api_value] {
                    let reasons = value.as_mut().and_then(|v| v.as_object_mut()).unwrap();
                    assert!(reasons.remove("reasons").is_some());
                }
            }
            assert_eq!(lgsp_value, api_value, "{procedure}: {pointer}");
        }
        assert_eq!(by_lgsp["flags"], by_api["flags"], "{procedure}");

        // The provenance names the LGSP call: its MaYeuCau is the request id.
        let call = lgsp_engine.register.calls().into_iter().last().unwrap();
        assert_eq!(call.protocol, "lgsp");
        let id = by_lgsp["id"].as_str().unwrap();
        assert_eq!(
            call.purpose.as_deref(),
            Some(format!("{procedure}/{id}").as_str())
        );
        assert_eq!(call.requester.as_deref(), Some(MINH));
        for entry in by_lgsp["prefill"].as_object().unwrap().values() {
            assert_eq!(
                entry["request_id"],
                call.request_id.clone().unwrap_or_default()
            );
        }
    }
    assert_eq!(
        lgsp_engine.register.calls().len(),
        2,
        "one read per draft, all through LGSP"
    );

    // The engine's own access log holds both reads with purpose and requester.
    let log = get_json(&lgsp_engine, &lgsp_minh, "/v1/me/access-log").await;
    let items = log["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{log}");
    let mut procedures: Vec<&str> = items
        .iter()
        .map(|i| i["procedure"].as_str().unwrap())
        .collect();
    procedures.sort();
    assert_eq!(procedures, ["1.005142", "3.000465"]);
    for item in items {
        assert_eq!(item["outcome"], "ok", "{item}");
        assert_eq!(item["source"], "register");
        assert!(item["purpose"].as_str().unwrap().contains("prefill"));
        assert!(item["dossier_id"].is_string());
        assert!(item["fields"]
            .as_array()
            .unwrap()
            .contains(&json!("full_name")));
    }
    let requesters: Vec<String> =
        sqlx::query_scalar("SELECT actor FROM register_access WHERE subject_pin = $1 ORDER BY 1")
            .bind(MINH)
            .fetch_all(
                &sqlx::PgPool::connect(&lgsp_engine.database_url)
                    .await
                    .unwrap(),
            )
            .await
            .unwrap();
    assert_eq!(requesters, [MINH, MINH], "the requester of every read");
}

#[tokio::test]
async fn through_lgsp_the_deceased_the_unreviewed_and_the_unknown_are_told_apart() {
    let engine = Engine::start_with(lgsp_engine_options()).await;
    let deceased = login(&engine, "citizen", named::DECEASED).await;
    let refused = create(&engine, &deceased, &json!({ "procedure": "3.000465" })).await;
    assert_eq!(
        problem(refused, 422, "deceased").await["code"],
        "person_deceased"
    );

    let reviewed = login(&engine, "citizen", named::UNDER_REVIEW).await;
    let flagged = draft(&engine, &reviewed, "3.000465").await;
    assert_eq!(flagged["flags"], json!(["register_under_review"]));
    assert!(flagged["data"]["applicant"]["full_name"].is_string());

    let unknown = login(&engine, "citizen", named::NOT_IN_REGISTER).await;
    let refused = create(&engine, &unknown, &json!({ "procedure": THPT })).await;
    assert_eq!(
        problem(refused, 422, "unknown").await["code"],
        "not_in_register"
    );
    assert!(engine.register.calls().iter().all(|c| c.protocol == "lgsp"));
}

async fn refused_as_unavailable(engine: &Engine, session: &Session) {
    let refused = create(engine, session, &json!({ "procedure": THPT })).await;
    assert_eq!(refused.status(), 503);
    let retry_after: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after >= 1);
    let problem = problem(refused, 503, "a draft while the register is out").await;
    assert_eq!(problem["code"], "register_unavailable");
}

#[tokio::test]
async fn lgsp_outages_give_the_same_503_with_retry_after_and_recover() {
    // Down: nothing listens.
    let mut register = StoppableRegister::start().await;
    let engine = Engine::start_with(EngineOptions {
        registry: Some(register.lgsp_registry()),
        ..lgsp_engine_options()
    })
    .await;
    let minh = login(&engine, "citizen", MINH).await;
    let before = draft(&engine, &minh, THPT).await;
    assert_eq!(before["data"]["candidate"]["full_name"], "Nguyễn Đức Minh");
    register.stop().await;
    refused_as_unavailable(&engine, &minh).await;
    register.restart().await;
    let after = draft(&engine, &minh, THPT).await;
    assert_eq!(after["data"]["candidate"]["full_name"], "Nguyễn Đức Minh");
    let log = get_json(&engine, &minh, "/v1/me/access-log").await;
    let outcomes: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["ok", "unavailable", "ok"]);
    drop(engine);

    // Answering 503 with a SOAP fault, hanging, failing with 500s: the same 503.
    let engine = Engine::start_with(lgsp_engine_options()).await;
    let minh = login(&engine, "citizen", MINH).await;
    engine.register.set_outage(true);
    refused_as_unavailable(&engine, &minh).await;
    engine.register.set_outage(false);
    engine.register.set_hang(true);
    refused_as_unavailable(&engine, &minh).await;
    engine.register.set_hang(false);
    engine.register.fail_next(10, 500);
    refused_as_unavailable(&engine, &minh).await;
    engine.register.reset();
    draft(&engine, &minh, THPT).await;
    let lgsp_calls = engine.register.calls();
    assert!(lgsp_calls.iter().all(|c| c.protocol == "lgsp"));
    assert_eq!(
        lgsp_calls.last().and_then(|c| c.status),
        Some(200),
        "the register answers again"
    );
}

#[tokio::test]
async fn through_lgsp_the_engines_logs_never_carry_a_full_pin() {
    let mut engine = Engine::start_with(EngineOptions {
        debug_log: true,
        ..lgsp_engine_options()
    })
    .await;
    let minh = login(&engine, "citizen", MINH).await;
    draft(&engine, &minh, THPT).await;
    engine.register.fail_next(1, 400);
    create(&engine, &minh, &json!({ "procedure": THPT })).await;
    engine.register.set_outage(true);
    refused_as_unavailable(&engine, &minh).await;
    engine.register.set_outage(false);
    let unknown = login(&engine, "citizen", named::NOT_IN_REGISTER).await;
    create(&engine, &unknown, &json!({ "procedure": THPT })).await;
    engine.kill();
    let logs = engine.log();
    assert!(
        logs.contains("register read failed"),
        "the failed reads are logged:\n{logs}"
    );
    for pin in [MINH, named::NOT_IN_REGISTER] {
        assert!(
            !logs.contains(pin),
            "a full PIN is in the logs:\n{}",
            logs.lines()
                .filter(|l| l.contains(pin))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}
