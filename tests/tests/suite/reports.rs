//! The figures agencies are judged by (issue 6): a hand-built set of dossiers covering every
//! rule, written straight into the database (late dossiers and two supplement requests
//! cannot be made through the API in a test's time), their facts rebuilt by
//! `motcua facts rebuild`, and the reports compared with the values worked out by hand.
//! One more dossier goes through the API to show the facts follow it live.

use motcua_tests::accounts::{
    CLERK, MINH, OTHER_AGENCY_CLERK, SCHOOL_CLERK, SCHOOL_SUPERVISOR, SUPERVISOR,
};
use motcua_tests::dossiers::COPY;
use motcua_tests::{login, Engine, EngineOptions, Session};
use serde_json::{json, Value};
use sqlx::Connection;
use uuid::Uuid;

/// One dossier of the hand-built set.
struct Hand {
    name: &'static str,
    channel: &'static str,
    state: &'static str,
    received: bool,
    /// Closed (a final state), and when, relative to its due date.
    closed: Option<&'static str>,
    due: Option<&'static str>,
    supplements: i32,
    /// Documents: (digitised, reused/from the store).
    documents: &'static [(bool, bool)],
    result_published: bool,
    register: bool,
}

const SET: &[Hand] = &[
    // A: online, on time, digitised, electronic result.
    Hand {
        name: "A",
        channel: "online",
        state: "returned",
        received: true,
        closed: Some("2026-11-05T10:00:00+07:00"),
        due: Some("2026-11-06T17:00:00+07:00"),
        supplements: 0,
        documents: &[(true, false)],
        result_published: true,
        register: true,
    },
    // B: online, finished after its due date.
    Hand {
        name: "B",
        channel: "online",
        state: "returned",
        received: true,
        closed: Some("2026-11-09T10:00:00+07:00"),
        due: Some("2026-11-06T17:00:00+07:00"),
        supplements: 0,
        documents: &[(true, false)],
        result_published: true,
        register: true,
    },
    // C: counter, one supplement, on time, a paper-only document, no register read.
    Hand {
        name: "C",
        channel: "counter",
        state: "returned",
        received: true,
        closed: Some("2026-11-05T10:00:00+07:00"),
        due: Some("2026-11-06T17:00:00+07:00"),
        supplements: 1,
        documents: &[(false, false)],
        result_published: true,
        register: false,
    },
    // D: online, two supplement requests (late whatever the dates), a reused document.
    Hand {
        name: "D",
        channel: "online",
        state: "returned",
        received: true,
        closed: Some("2026-11-05T10:00:00+07:00"),
        due: Some("2026-11-06T17:00:00+07:00"),
        supplements: 2,
        documents: &[(true, true)],
        result_published: true,
        register: true,
    },
    // E: online, on time, but the result is on paper only.
    Hand {
        name: "E",
        channel: "online",
        state: "returned",
        received: true,
        closed: Some("2026-11-05T10:00:00+07:00"),
        due: Some("2026-11-06T17:00:00+07:00"),
        supplements: 0,
        documents: &[(true, false)],
        result_published: false,
        register: true,
    },
    // F: online, received, unfinished and past its due date.
    Hand {
        name: "F",
        channel: "online",
        state: "processing",
        received: true,
        closed: None,
        due: Some("2026-11-10T17:00:00+07:00"),
        supplements: 0,
        documents: &[(true, false)],
        result_published: false,
        register: true,
    },
    // G: online, received, unfinished, due next month.
    Hand {
        name: "G",
        channel: "online",
        state: "processing",
        received: true,
        closed: None,
        due: Some("2026-12-15T17:00:00+07:00"),
        supplements: 0,
        documents: &[(true, false)],
        result_published: false,
        register: true,
    },
    // H: online, waiting for reception, no documents.
    Hand {
        name: "H",
        channel: "online",
        state: "submitted",
        received: false,
        closed: None,
        due: None,
        supplements: 0,
        documents: &[],
        result_published: false,
        register: true,
    },
    // I: online, withdrawn by the citizen after reception: neither handled nor judged.
    Hand {
        name: "I",
        channel: "online",
        state: "withdrawn",
        received: true,
        closed: Some("2026-11-04T10:00:00+07:00"),
        due: Some("2026-11-03T17:00:00+07:00"),
        supplements: 0,
        documents: &[(true, false)],
        result_published: false,
        register: true,
    },
    // J: counter, refused at reception, the register read.
    Hand {
        name: "J",
        channel: "counter",
        state: "refused",
        received: false,
        closed: Some("2026-11-02T10:00:00+07:00"),
        due: None,
        supplements: 0,
        documents: &[],
        result_published: false,
        register: true,
    },
];

async fn insert(db: &mut sqlx::PgConnection, n: usize, h: &Hand) {
    insert_at(db, n, h, "SGDDT-HN", "3.000465").await;
}

/// A dossier of `h` at `agency`, of `procedure`.
async fn insert_at(db: &mut sqlx::PgConnection, n: usize, h: &Hand, agency: &str, procedure: &str) {
    let id = Uuid::now_v7();
    let at = |t: Option<&str>| t.map(|t| chrono::DateTime::parse_from_rfc3339(t).unwrap().to_utc());
    let submitted = at(Some("2026-11-02T09:00:00+07:00"));
    let prefill = if h.register {
        json!({ "/applicant/full_name": { "source": "register" } })
    } else {
        json!({})
    };
    sqlx::query(
        "insert into dossier (id, procedure_code, procedure_version, citizen_pin, agency_id, channel,
            state, data, prefill, code, submitted_at, ack_due_at, closed_at, received_at,
            clock_started_at, due_at, supplement_requests)
         values ($1, $12, (select max(version) from procedure_version where code = $12), $2, $13, $3, $4, '{}', $5, $6, $7, $7, $8, $9, $9, $10, $11)",
    )
    .bind(id)
    .bind(MINH)
    .bind(h.channel)
    .bind(h.state)
    .bind(prefill)
    .bind(format!("{agency}-261102-{:04}", n + 1))
    .bind(submitted)
    .bind(at(h.closed))
    .bind(if h.received { submitted } else { None })
    .bind(at(h.due))
    .bind(h.supplements)
    .bind(procedure)
    .bind(agency)
    .execute(&mut *db)
    .await
    .unwrap();
    for (i, (digitised, reused)) in h.documents.iter().enumerate() {
        let document = digitised.then(Uuid::now_v7);
        if let Some(doc) = document {
            sqlx::query(
                "insert into document (id, owner_pin, kind, file_name, content_type, size, sha256, storage_key)
                 values ($1, $2, 'upload', 'a.pdf', 'application/pdf', 10, 'x', $3)",
            )
            .bind(doc)
            .bind(MINH)
            .bind(format!("dossiers/{id}/{doc}"))
            .execute(&mut *db)
            .await
            .unwrap();
        }
        let source = match (digitised, reused) {
            (false, _) => "paper",
            (true, true) => "reused_document",
            (true, false) => "upload",
        };
        sqlx::query(
            "insert into dossier_document (dossier_id, requirement, document_id, source, digitised,
                reused, from_store, added_by_kind, added_by)
             values ($1, $2, $3, $4, $5, $6, $6, 'citizen', $7)",
        )
        .bind(id)
        .bind(format!("doc-{i}"))
        .bind(document)
        .bind(source)
        .bind(digitised)
        .bind(reused)
        .bind(MINH)
        .execute(&mut *db)
        .await
        .unwrap();
    }
    if h.result_published {
        let doc = Uuid::now_v7();
        sqlx::query(
            "insert into document (id, owner_pin, kind, file_name, content_type, size, sha256, storage_key,
                issuer, result_code)
             values ($1, $2, 'result', 'kq.pdf', 'application/pdf', 10, 'y', $3, $5, $4)",
        )
        .bind(doc)
        .bind(MINH)
        .bind(format!("dossiers/{id}/{doc}"))
        .bind(format!("KQ-{agency}-{n}-{}", h.name))
        .bind(agency)
        .execute(&mut *db)
        .await
        .unwrap();
        sqlx::query(
            "insert into dossier_result (dossier_id, document_id, issued_by, published_at)
             values ($1, $2, 'motcua.chuyenvien', now())",
        )
        .bind(id)
        .bind(doc)
        .execute(&mut *db)
        .await
        .unwrap();
    }
}

fn rebuild(engine: &Engine) {
    let out = engine.command(&["facts", "rebuild"]).output().unwrap();
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{printed}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

async fn report(engine: &Engine, session: &Session, path: &str) -> (u16, Value) {
    let answer = reqwest::Client::new()
        .get(engine.at(path))
        .bearer_auth(&session.token)
        .send()
        .await
        .unwrap();
    let status = answer.status().as_u16();
    (status, answer.json().await.unwrap_or(Value::Null))
}

fn indicator<'a>(row: &'a Value, id: &str) -> &'a Value {
    row["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .unwrap()
}

fn close(a: &Value, b: f64) -> bool {
    a.as_f64().is_some_and(|a| (a - b).abs() < 1e-9)
}

#[tokio::test]
async fn every_indicator_equals_the_values_worked_out_by_hand() {
    // Judged on 23 November: F is past its date, G not yet.
    let engine = Engine::start_at("2026-11-23T12:00:00+07:00").await;
    let mut db = sqlx::PgConnection::connect(&engine.database_url)
        .await
        .unwrap();
    for (n, h) in SET.iter().enumerate() {
        insert(&mut db, n, h).await;
    }
    rebuild(&engine);
    let supervisor = login(&engine, "staff", SUPERVISOR).await;
    let (status, body) = report(
        &engine,
        &supervisor,
        "/v1/reports/indicators?from=2026-11-01&to=2026-11-30",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let rows = body["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row["agency"], "SGDDT-HN");
    assert_eq!(row["agency_name"], "Sở Giáo dục và Đào tạo Hà Nội");
    assert_eq!(row["procedure"], COPY);
    assert_eq!(row["dossiers"], 10);
    assert_eq!(
        row["channels"],
        json!({ "online": 8, "counter": 2, "post": 0 })
    );
    // id, numerator, denominator, ratio, score — worked out in the comments of SET:
    // received A–G and I (8); finished A–E and J (6); judged now, so F (due 10/11) is late
    // and G (due 15/12) not yet judged; I (withdrawn) is never judged.
    let expected: [(&str, u64, u64, f64, f64); 7] = [
        ("2.1", 3, 6, 3.0 / 6.0, 0.5), // A, C, E on time; B late, D two supplements, F overdue
        ("3.3", 3, 8, 3.0 / 8.0, 0.375 / 0.5), // A, B, D online with an e-result
        ("4.1", 4, 6, 4.0 / 6.0, 4.0 / 6.0), // A, B, C, D of the six finished
        ("4.2", 3, 10, 0.3, 0.3 / 0.8), // A, B, D: no paper and an e-result
        ("4.3", 1, 8, 0.125, 0.125 / 0.8), // D reused a document
        ("4.4", 4, 8, 0.5, 0.5),       // D from the store; A–D results into it
        ("4.5b", 9, 10, 0.9, 0.9),     // all but C (counter, no register read)
    ];
    for (id, n, d, ratio, score) in expected {
        let i = indicator(row, id);
        assert_eq!(
            (i["numerator"].as_u64(), i["denominator"].as_u64()),
            (Some(n), Some(d)),
            "{id}: {i}"
        );
        assert!(close(&i["ratio"], ratio), "{id} ratio: {i}");
        assert!(close(&i["score"], score), "{id} score: {i}");
    }
    assert_eq!(indicator(row, "4.2")["meets_target"], false);
    assert_eq!(indicator(row, "4.2")["threshold"], 0.8);
    assert_eq!(body["totals"]["dossiers"], 10);

    let (_, timeliness) = report(
        &engine,
        &supervisor,
        "/v1/reports/timeliness?from=2026-11-01&to=2026-11-30",
    )
    .await;
    let t = &timeliness["totals"];
    assert_eq!(
        (
            t["received"].as_i64(),
            t["finished"].as_i64(),
            t["finished_on_time"].as_i64(),
            t["finished_late"].as_i64(),
            t["in_progress"].as_i64(),
            t["in_progress_overdue"].as_i64()
        ),
        (Some(8), Some(6), Some(3), Some(2), Some(1), Some(1))
    );
    assert!(close(&t["on_time_rate"], 0.5));

    // Another month has none of them; an empty denominator is N/A, not 0.
    let (_, october) = report(
        &engine,
        &supervisor,
        "/v1/reports/digitisation?from=2026-10-01&to=2026-10-31",
    )
    .await;
    assert_eq!(
        (october["dossiers"].as_i64(), october["ratio"].clone()),
        (Some(0), Value::Null)
    );
}

#[tokio::test]
async fn meets_target_turns_true_exactly_at_80_percent_and_the_csv_keeps_vietnamese() {
    let engine = Engine::start().await;
    let mut db = sqlx::PgConnection::connect(&engine.database_url)
        .await
        .unwrap();
    // Four digitised dossiers with their e-result (A) and one with a paper document (C).
    let digitised = &SET[0];
    let paper = &SET[2];
    for n in 0..3 {
        insert(&mut db, n, digitised).await;
    }
    insert(&mut db, 3, paper).await;
    rebuild(&engine);
    let supervisor = login(&engine, "staff", SUPERVISOR).await;
    let path = "/v1/reports/digitisation?from=2026-11-01&to=2026-11-30&agency=SGDDT-HN";
    let (_, below) = report(&engine, &supervisor, path).await;
    assert_eq!(
        (below["digitised"].as_i64(), below["dossiers"].as_i64()),
        (Some(3), Some(4))
    );
    assert_eq!(
        (below["meets_target"].as_bool(), below["target"].as_f64()),
        (Some(false), Some(0.8))
    );
    insert(&mut db, 4, digitised).await;
    rebuild(&engine);
    let (_, at_target) = report(&engine, &supervisor, path).await;
    assert_eq!(
        (
            at_target["digitised"].as_i64(),
            at_target["dossiers"].as_i64()
        ),
        (Some(4), Some(5))
    );
    assert_eq!(at_target["meets_target"], true, "exactly 80 %: {at_target}");

    let csv = reqwest::Client::new()
        .get(engine.at("/v1/reports/indicators?from=2026-11-01&to=2026-11-30&format=csv"))
        .bearer_auth(&supervisor.token)
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let bytes = csv.bytes().await.unwrap();
    let text = std::str::from_utf8(&bytes).expect("UTF-8");
    let text = text
        .strip_prefix('\u{feff}')
        .expect("a byte-order mark for spreadsheets");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        &header[..6],
        [
            "Từ ngày",
            "Đến ngày",
            "Mã cơ quan",
            "Tên cơ quan",
            "Mã TTHC",
            "Tên thủ tục hành chính"
        ]
    );
    assert!(header.contains(&"4.2 tỷ lệ".to_owned()), "{header:?}");
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 1);
    assert_eq!(&records[0][3], "Sở Giáo dục và Đào tạo Hà Nội");
    assert_eq!(&records[0][5], "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc");
    let ratio_column = header.iter().position(|h| h == "4.2 tỷ lệ").unwrap();
    assert_eq!(&records[0][ratio_column], "0.8000");
}

#[tokio::test]
async fn the_facts_follow_a_dossier_through_the_api_and_only_staff_read_the_figures() {
    // An operator aiming past the 80 % rule (the 2030 goal is 100 %).
    let engine = Engine::start_with(EngineOptions {
        extra_env: vec![("MOTCUA_DIGITISATION_TARGET".into(), "0.95".into())],
        ..Default::default()
    })
    .await;
    let minh = login(&engine, "citizen", MINH).await;
    let clerk = login(&engine, "staff", CLERK).await;
    let outsider = login(&engine, "staff", OTHER_AGENCY_CLERK).await;
    let supervisor = login(&engine, "staff", SUPERVISOR).await;
    let client = reqwest::Client::new();
    let id = motcua_tests::dossiers::submitted_copy(&engine, &client, &minh).await;
    let id = id.as_str();

    // The clerk reads their own agency's figures; submitted, not yet received.
    let (status, body) = report(&engine, &clerk, "/v1/reports/indicators").await;
    assert_eq!(status, 200, "{body}");
    let row = &body["rows"][0];
    assert_eq!(row["dossiers"], 1);
    assert_eq!(indicator(row, "3.3")["denominator"], 0);
    assert!(close(&row["prefill_coverage"], 1.0), "{row}");
    let received = client
        .post(engine.at(&format!("/v1/dossiers/{id}/actions/receive")))
        .bearer_auth(&clerk.token)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(received.status(), 200);
    let (_, body) = report(&engine, &clerk, "/v1/reports/indicators").await;
    assert_eq!(
        indicator(&body["rows"][0], "3.3")["denominator"],
        1,
        "received now"
    );

    // Staff of another agency see only theirs; a citizen none; a supervisor any.
    let (status, _) = report(&engine, &outsider, "/v1/reports/indicators?agency=SGDDT-HN").await;
    assert_eq!(status, 403);
    let (status, body) = report(&engine, &outsider, "/v1/reports/indicators").await;
    assert_eq!(
        (status, body["rows"].as_array().map(Vec::len)),
        (200, Some(0))
    );
    let (status, _) = report(&engine, &minh, "/v1/reports/digitisation").await;
    assert_eq!(status, 403);
    let (_, digitisation) = report(&engine, &clerk, "/v1/reports/digitisation").await;
    assert_eq!(digitisation["target"], 0.95);
    assert_eq!(digitisation["digitised"], 0, "no electronic result yet");
    let (status, body) = report(
        &engine,
        &supervisor,
        "/v1/reports/timeliness?agency=SGDDT-HN",
    )
    .await;
    assert_eq!(
        (status, body["totals"]["received"].as_i64()),
        (200, Some(1))
    );
    let (status, problem) = report(
        &engine,
        &supervisor,
        "/v1/reports/indicators?from=2026-13-01",
    )
    .await;
    assert_eq!(
        (status, problem["errors"][0]["pointer"].as_str()),
        (422, Some("/from"))
    );
    // Dates chrono accepts but a day after overflows, or PostgreSQL cannot hold.
    for (path, pointer) in [
        (
            "/v1/reports/indicators?from=%2B262142-12-01&to=%2B262142-12-31",
            "/from",
        ),
        (
            "/v1/reports/timeliness?from=2026-01-01&to=%2B262142-12-31",
            "/to",
        ),
        (
            "/v1/reports/digitisation?from=-4000-01-01&to=2026-01-01",
            "/from",
        ),
    ] {
        let (status, problem) = report(&engine, &supervisor, path).await;
        assert_eq!(
            (status, problem["errors"][0]["pointer"].as_str()),
            (422, Some(pointer)),
            "{path}: {problem}"
        );
    }
}

/// An engine on a database `motcua generate` filled with `dossiers` of seed `seed`.
async fn generated(dossiers: u32, seed: u32) -> (Engine, sqlx::PgPool) {
    let engine = Engine::start().await;
    let out = engine
        .command(&[
            "generate",
            "--dossiers",
            &dossiers.to_string(),
            "--seed",
            &seed.to_string(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pool = sqlx::PgPool::connect(&engine.database_url).await.unwrap();
    (engine, pool)
}

async fn scalar(pool: &sqlx::PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

#[tokio::test]
async fn the_generator_fills_every_state_channel_agency_and_month_with_their_facts() {
    let (engine, pool) = generated(3000, 7).await;
    let count = |sql: &'static str| scalar(&pool, sql);
    assert_eq!(count("select count(*) from dossier").await, 3000);
    assert_eq!(count("select count(*) from dossier_fact").await, 3000);
    assert_eq!(
        count("select count(distinct state) from dossier").await,
        10,
        "every state"
    );
    assert_eq!(
        count("select count(distinct channel) from dossier").await,
        3
    );
    assert_eq!(
        count("select count(distinct agency_id) from dossier").await,
        34
    );
    assert_eq!(
        count("select count(distinct date_trunc('month', submitted_at at time zone interval '7 hours')) from dossier").await,
        12
    );
    assert!(count("select count(*) from dossier where supplement_requests = 2").await > 0);
    assert!(
        count("select count(*) from dossier_fact where finished_at > due_at").await > 0,
        "some late"
    );
    // The facts agree with what the engine would compute from the dossier's own columns.
    assert_eq!(
        count(
            "select count(*) from dossier d join dossier_fact f on f.dossier_id = d.id
               where f.received <> (d.received_at is not null) or f.agency_id <> d.agency_id"
        )
        .await,
        0
    );
    let supervisor = login(&engine, "staff", SUPERVISOR).await;
    let (status, body) = report(
        &engine,
        &supervisor,
        "/v1/reports/indicators?from=2026-01-01&to=2026-12-31",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["totals"]["dossiers"], 3000);
    let procedures = std::fs::read_dir(motcua_tests::workspace_root().join("procedures"))
        .unwrap()
        .filter(|e| {
            let name = e.as_ref().unwrap().file_name();
            let name = name.to_string_lossy();
            name.ends_with(".json") && name != "procedure.schema.json"
        })
        .count();
    assert_eq!(
        body["rows"].as_array().unwrap().len(),
        34 * procedures,
        "agencies x procedures"
    );
}

/// The first half of 2026 as the facts themselves add up, judged at its end (the old
/// report's statement: every dossier's row, no day sums): the figures the reports show.
async fn first_half_from_the_facts(pool: &sqlx::PgPool) -> Vec<(String, i64)> {
    let row: Vec<i64> = sqlx::query_scalar(
        "select unnest(array[
             count(*),
             count(*) filter (where channel = 'online'),
             count(*) filter (where channel = 'counter'),
             count(*) filter (where channel = 'post'),
             count(*) filter (where received),
             count(*) filter (where finished_at is not null),
             count(*) filter (where received and finished_at is null and due_at < $1),
             count(*) filter (where received and not withdrawn and finished_at is null
                                and (due_at is null or due_at >= $1)),
             count(*) filter (where on_time_num),
             count(*) filter (where on_time_den
                                or (received and finished_at is null and due_at < $1)),
             count(*) filter (where online_num), count(*) filter (where online_den),
             count(*) filter (where eresult_num), count(*) filter (where eresult_den),
             count(*) filter (where digitised_num), count(*) filter (where digitised_den),
             count(*) filter (where reuse_num), count(*) filter (where reuse_den),
             count(*) filter (where store_num), count(*) filter (where store_den),
             count(*) filter (where register_num), count(*) filter (where register_den)])
         from dossier_fact where submitted_at >= '2026-01-01T00:00:00+07' and submitted_at < $1",
    )
    .bind(chrono::DateTime::parse_from_rfc3339("2026-07-01T00:00:00+07:00").unwrap())
    .fetch_all(pool)
    .await
    .unwrap();
    let names = [
        "dossiers",
        "online",
        "counter",
        "post",
        "received",
        "finished",
        "overdue",
        "in_progress",
        "2.1 num",
        "2.1 den",
        "3.3 num",
        "3.3 den",
        "4.1 num",
        "4.1 den",
        "4.2 num",
        "4.2 den",
        "4.3 num",
        "4.3 den",
        "4.4 num",
        "4.4 den",
        "4.5b num",
        "4.5b den",
    ];
    names.iter().map(|n| n.to_string()).zip(row).collect()
}

/// The same figures as the engine's indicator and timeliness reports give them.
async fn first_half_from_the_reports(engine: &Engine, supervisor: &Session) -> Vec<(String, i64)> {
    let period = "from=2026-01-01&to=2026-06-30";
    let (status, indicators) = report(
        engine,
        supervisor,
        &format!("/v1/reports/indicators?{period}"),
    )
    .await;
    assert_eq!(status, 200, "{indicators}");
    let (status, timeliness) = report(
        engine,
        supervisor,
        &format!("/v1/reports/timeliness?{period}"),
    )
    .await;
    assert_eq!(status, 200, "{timeliness}");
    let (totals, times) = (&indicators["totals"], &timeliness["totals"]);
    let mut figures = vec![
        ("dossiers", &totals["dossiers"]),
        ("online", &totals["channels"]["online"]),
        ("counter", &totals["channels"]["counter"]),
        ("post", &totals["channels"]["post"]),
        ("received", &times["received"]),
        ("finished", &times["finished"]),
        ("overdue", &times["in_progress_overdue"]),
        ("in_progress", &times["in_progress"]),
    ]
    .into_iter()
    .map(|(n, v)| (n.to_owned(), v.as_i64().unwrap()))
    .collect::<Vec<_>>();
    for id in ["2.1", "3.3", "4.1", "4.2", "4.3", "4.4", "4.5b"] {
        let i = indicator(totals, id);
        figures.push((format!("{id} num"), i["numerator"].as_i64().unwrap()));
        figures.push((format!("{id} den"), i["denominator"].as_i64().unwrap()));
    }
    figures
}

#[tokio::test]
async fn reports_add_up_the_day_sums_and_the_changes_not_yet_moved_into_them_exactly_once() {
    let (engine, pool) = generated(3000, 11).await;
    let count = |sql: &'static str| scalar(&pool, sql);
    // The generator leaves its facts summed per day: at most a row per agency, procedure and day.
    assert_eq!(count("select count(*) from dossier_fact_change").await, 0);
    let day_rows = count(
        "select count(*) from dossier_fact_day where day >= '2026-01-01' and day < '2026-07-01'",
    )
    .await;
    assert!(
        (1..=34 * 2 * 181).contains(&day_rows),
        "{day_rows} day rows"
    );
    let supervisor = login(&engine, "staff", SUPERVISOR).await;
    let expected = first_half_from_the_facts(&pool).await;
    assert!(expected[0].1 > 1000, "{expected:?}");
    assert!(
        expected.iter().find(|(n, _)| n == "overdue").unwrap().1 > 0,
        "{expected:?}"
    );
    assert_eq!(
        first_half_from_the_reports(&engine, &supervisor).await,
        expected
    );

    // Dossiers finish, others are withdrawn, one is moved to July: the changes wait to be
    // moved (the engine moves them every five seconds; the figures must not depend on when).
    sqlx::query(
        "update dossier_fact set finished_at = submitted_at + interval '1 day',
                on_time_den = true, on_time_num = true
         where dossier_id in (select dossier_id from dossier_fact
                              where received and finished_at is null
                                and submitted_at < '2026-07-01T00:00:00+07' limit 40)",
    )
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query(
        "update dossier_fact set submitted_at = '2026-07-02T08:00:00+07'
         where dossier_id = (select dossier_id from dossier_fact
                             where submitted_at < '2026-07-01T00:00:00+07' limit 1)",
    )
    .execute(&pool)
    .await
    .unwrap();
    // Vietnam's dates, not UTC's: 00:30 on 1 July in Vietnam is still 30 June in UTC (out of
    // the half-year), 00:30 on 1 January is 31 December in UTC (in it).
    for at in ["2026-07-01T00:30:00+07", "2026-01-01T00:30:00+07"] {
        sqlx::query(
            "update dossier_fact set submitted_at = $1::timestamptz
             where dossier_id = (select dossier_id from dossier_fact
                                 where submitted_at >= '2026-02-01T00:00:00+07'
                                   and submitted_at < '2026-06-01T00:00:00+07' limit 1)",
        )
        .bind(at)
        .execute(&pool)
        .await
        .unwrap();
    }
    let changed = first_half_from_the_facts(&pool).await;
    assert_ne!(changed, expected, "the changes move the figures");
    assert_eq!(
        first_half_from_the_reports(&engine, &supervisor).await,
        changed
    );
    count("select compact_dossier_fact_changes()").await;
    assert_eq!(count("select count(*) from dossier_fact_change").await, 0);
    assert_eq!(
        first_half_from_the_reports(&engine, &supervisor).await,
        changed
    );
}

/// Every `dossier_fact` row, without when it was written, in one order.
/// Every facts row but `synchronised`, which the outbox's delivery to DVCQG sets when it
/// happens (not computed from the dossier; a rebuild keeps it).
async fn facts_rows(pool: &sqlx::PgPool) -> Vec<Value> {
    sqlx::query_scalar(
        "select to_jsonb(f) - 'updated_at' - 'synchronised' from dossier_fact f order by dossier_id",
    )
        .fetch_all(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_facts_a_submission_writes_are_those_a_rebuild_computes_from_what_is_stored() {
    // The submission computes its row from the draft as it will stand and the documents it
    // read for completeness, in the statement that submits it; a rebuild reads everything
    // back from the tables. Documents of every kind are attached, though at submission they
    // do not count yet (reuse counts from reception, digitisation with the result), so that
    // the two stay equal when that changes.
    use motcua_tests::api::post;
    use motcua_tests::dossiers::{correction_data, filled_draft, submit, CORRECTION};
    let engine = Engine::start().await;
    let minh = login(&engine, "citizen", MINH).await;
    let desk = login(&engine, "staff", CLERK).await;
    let client = reqwest::Client::new();

    // No document; a document uploaded; the same document reused from the store.
    motcua_tests::dossiers::submitted_copy(&engine, &client, &minh).await;
    motcua_tests::dossiers::submitted_correction(&engine, &client, &minh).await;
    let (_, store) = motcua_tests::api::get(&engine, &minh, "/v1/me/documents").await;
    let diploma = store["items"][0]["id"].clone();
    let again = filled_draft(&engine, &client, &minh, CORRECTION, &correction_data()).await;
    let (status, reused) = post(
        &engine,
        &minh,
        &format!("/v1/dossiers/{again}/documents/diploma"),
        json!({ "reuse": diploma }),
    )
    .await;
    assert_eq!(
        (status, &reused["from_store"]),
        (201, &json!(true)),
        "{reused}"
    );
    submit(&engine, &client, &minh, &again).await;
    // Taken at the counter with the diploma on paper only.
    let (status, draft) = post(
        &engine,
        &desk,
        "/v1/counter/dossiers",
        json!({ "procedure": CORRECTION, "citizen": MINH }),
    )
    .await;
    assert_eq!(status, 201, "{draft}");
    let counter = draft["id"].as_str().unwrap();
    let (status, body) =
        motcua_tests::api::patch(&engine, &desk, counter, &correction_data()).await;
    assert_eq!(status, 200, "{body}");
    let (status, paper) = post(
        &engine,
        &desk,
        &format!("/v1/dossiers/{counter}/documents/diploma"),
        json!({ "paper": true }),
    )
    .await;
    assert_eq!(
        (status, &paper["digitised"]),
        (201, &json!(false)),
        "{paper}"
    );
    let (status, body) = post(
        &engine,
        &desk,
        &format!("/v1/dossiers/{counter}/submit"),
        json!({}),
    )
    .await;
    assert_eq!(status, 200, "{body}");

    let pool = sqlx::PgPool::connect(&engine.database_url).await.unwrap();
    let written = facts_rows(&pool).await;
    assert_eq!(written.len(), 4);
    let channels: std::collections::BTreeSet<_> = written
        .iter()
        .map(|row| row["channel"].to_string())
        .collect();
    assert_eq!(channels.len(), 2, "online and counter: {written:#?}");
    rebuild(&engine);
    assert_eq!(facts_rows(&pool).await, written);
}

/// A scorecard line by its code.
fn line<'a>(card: &'a Value, code: &str) -> &'a Value {
    card["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["code"] == code)
        .unwrap_or_else(|| panic!("no line {code} in {card}"))
}

#[tokio::test]
async fn the_whole_scorecard_of_the_built_set_equals_the_points_worked_out_by_hand() {
    // The set of `every_indicator_equals_the_values_worked_out_by_hand`, judged on 23/11;
    // A and B were filed on the national portal (synchronised), the others never reached it.
    let engine = Engine::start_at("2026-11-23T12:00:00+07:00").await;
    let mut db = sqlx::PgConnection::connect(&engine.database_url)
        .await
        .unwrap();
    for (n, h) in SET.iter().enumerate() {
        insert(&mut db, n, h).await;
    }
    sqlx::query(
        "update dossier set national_code = 'G22.' || code
          where code in ('SGDDT-HN-261102-0001', 'SGDDT-HN-261102-0002')",
    )
    .execute(&mut db)
    .await
    .unwrap();
    rebuild(&engine);
    let supervisor = login(&engine, "staff", SUPERVISOR).await;
    let (status, body) = report(
        &engine,
        &supervisor,
        "/v1/reports/scorecard?from=2026-11-01&to=2026-11-30&agency=SGDDT-HN",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let card = &body["total"];
    // SGDDT-HN serves four procedures (procedures/), all offered online; only 3.000465 has
    // dossiers, and it used the register. Received A–G and I (8); finished A–E and J (6).
    // code, numerator, denominator, points earned — by hand:
    let expected: [(&str, u64, u64, f64); 11] = [
        // 1.4: A, B of 10 → 0.2 × 6 = 1.2
        ("1.4", 2, 10, 1.2),
        // 2.1: A, C, E of 6 (B late, D two supplement requests, F overdue) → 0.5 × 20 = 10
        ("2.1", 3, 6, 10.0),
        // 3.1: 4 of 4 procedures online ≥ 80 %; worth no points of its own
        ("3.1", 4, 4, 0.0),
        // 3.3: A, B, D of 8 → 37.5 % < 50 %: 0.375 × 12 / 0.5 = 9
        ("3.3", 3, 8, 9.0),
        // 4.1: A–D of 6 → 4/6 × 6 = 4
        ("4.1", 4, 6, 4.0),
        // 4.2: A, B, D; C's only document has no file, E–G and I no e-result, H and J no
        //      document → 3/10 = 30 %: 0.3 × 4 / 0.8 = 1.5
        ("4.2", 3, 10, 1.5),
        // certified copies: no certification procedure → N/A, 0
        ("CT", 0, 0, 0.0),
        // 4.3: D of 8 → 12.5 %: 0.125 × 2 / 0.8 = 0.3125 → 0.31
        ("4.3", 1, 8, 0.31),
        // 4.4: D from the store, A–D results into it → 4/8 × 4 = 2
        ("4.4", 4, 8, 2.0),
        // 4.5b: all but C → 9/10 × 2 = 1.8
        ("4.5b", 9, 10, 1.8),
        // 4.5a: 1 of the 4 procedures used the register → 1/4 × 2 = 0.5
        ("4.5a", 1, 4, 0.5),
    ];
    for (code, n, d, earned) in expected {
        let l = line(card, code);
        assert_eq!(
            (
                l["numerator"].as_u64(),
                l["denominator"].as_u64(),
                l["earned"].as_f64()
            ),
            (Some(n), Some(d), Some(earned)),
            "{code}: {l}"
        );
    }
    // 2.2: A, C, D, E 73 h each (02/11 09:00 → 05/11 10:00), B 169 h → 461 / 5 = 92.2 h.
    assert_eq!(line(card, "2.2")["average_hours"], 92.2);
    assert_eq!(line(card, "2.2")["denominator"], 5);
    // No feedback: 5.2 and 5.3 are N/A and earn 0. 5.4: 100 % − (3 of the 6 judged
    // dossiers late + 0 flagged of 8 received) = 50 % < 90 %: 0.5 × 6 / 0.9 = 3.33.
    assert_eq!(line(card, "5.2")["denominator"], 0);
    assert_eq!(line(card, "5.3")["earned"], 0.0);
    assert_eq!(line(card, "5.4")["ratio"], 0.5);
    assert_eq!(line(card, "5.4")["earned"], 3.33);
    // What the engine does not measure earns 0 and says so.
    for (code, why) in [
        ("1.1", "national_catalogue"),
        ("3.5", "payments_not_yet"),
        ("3.5b", "payments_not_yet"),
        ("3.6", "payments_not_yet"),
    ] {
        assert_eq!(line(card, code)["unmeasured"], why, "{code}");
        assert_eq!(line(card, code)["earned"], 0.0, "{code}");
    }
    let groups: Vec<(String, f64)> = card["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["group"].as_str().unwrap().to_owned(),
                g["earned"].as_f64().unwrap(),
            )
        })
        .collect();
    let expected_groups = [
        ("publicity", 1.2),      // 1.4
        ("progress", 10.0),      // 2.1
        ("online", 9.0),         // 3.3
        ("payment", 0.0),        // not measured yet
        ("digitisation", 10.11), // 4 + 1.5 + 0 + 0.31 + 2 + 1.8 + 0.5
        ("satisfaction", 3.33),  // 5.4
    ]
    .map(|(g, e)| (g.to_owned(), e));
    assert_eq!(groups, expected_groups);
    // 1.2 + 10 + 9 + 0 + 10.11 + 3.33 = 33.64 of 100; measured 6 + 20 + 12 + 22 + 18 = 78.
    assert_eq!(
        (card["total"].as_f64(), card["measured_points"].as_f64()),
        (Some(33.64), Some(78.0))
    );
    // The agency's own card is the same as the scope's.
    assert_eq!(body["agencies"][0]["agency"], "SGDDT-HN");
    assert_eq!(body["agencies"][0]["scorecard"], *card);
}

#[tokio::test]
async fn a_dossier_is_synchronised_once_delivered_to_dvcqg_and_counts_for_its_official() {
    let engine = Engine::start().await;
    let minh = login(&engine, "citizen", MINH).await;
    let clerk = login(&engine, "staff", CLERK).await;
    let supervisor = login(&engine, "staff", SUPERVISOR).await;
    let client = reqwest::Client::new();
    let id = motcua_tests::dossiers::submitted_copy(&engine, &client, &minh).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let (status, body) = report(&engine, &clerk, "/v1/reports/scorecard").await;
        assert_eq!(status, 200, "{body}");
        let synced = line(&body["total"], "1.4").clone();
        assert_eq!(synced["denominator"], 1, "{synced}");
        if synced["numerator"] == 1 {
            assert_eq!(synced["earned"], 6.0);
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "never synchronised: {synced}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let (status, problem) = report(&engine, &clerk, "/v1/reports/scorecard?format=csv").await;
    assert_eq!(
        (status, problem["errors"][0]["pointer"].as_str()),
        (422, Some("/format"))
    );

    // The clerk receives it: one action, one dossier, on their line of the figures per
    // official; the supervisor reads every official's line, the clerk only their own.
    let received = client
        .post(engine.at(&format!("/v1/dossiers/{id}/actions/receive")))
        .bearer_auth(&clerk.token)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(received.status(), 200);
    let (status, body) = report(&engine, &supervisor, "/v1/reports/officials").await;
    assert_eq!(status, 200, "{body}");
    let rows = body["rows"].as_array().unwrap();
    let line = rows
        .iter()
        .find(|r| r["official"] == CLERK)
        .expect("the clerk's line");
    assert_eq!(
        (
            line["agency"].as_str(),
            line["actions"].as_i64(),
            line["dossiers"].as_i64(),
            line["finished"].as_i64()
        ),
        (Some("SGDDT-HN"), Some(1), Some(1), Some(0))
    );
    let (_, own) = report(&engine, &clerk, "/v1/reports/officials").await;
    assert!(
        own["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["official"] == CLERK),
        "{own}"
    );
    let (status, _) = report(&engine, &minh, "/v1/reports/officials").await;
    assert_eq!(status, 403);
}

/// An engine with the agency tree of `deploy/agencies.example.json` (Hà Nội: the city, its
/// education department, two schools under it; Hồ Chí Minh City apart), judged on 23/11,
/// and dossiers of the hand-built set at the department (A–J, 10) and the schools: Chu Văn
/// An A, B, D (3), Yên Hòa C, E (2), of the exam registration procedure they serve.
async fn tree_engine() -> Engine {
    let tree = motcua_tests::workspace_root().join("deploy/agencies.example.json");
    let engine = Engine::start_with(EngineOptions {
        clock: Some("2026-11-23T12:00:00+07:00".into()),
        extra_env: vec![(
            "MOTCUA_AGENCY_TREE".into(),
            tree.to_string_lossy().into_owned(),
        )],
        ..Default::default()
    })
    .await;
    let mut db = sqlx::PgConnection::connect(&engine.database_url)
        .await
        .unwrap();
    for (n, h) in SET.iter().enumerate() {
        insert(&mut db, n, h).await;
    }
    for (n, i) in [0, 1, 3].into_iter().enumerate() {
        insert_at(&mut db, n, &SET[i], "THPT-HN-CVA", "1.005142").await;
    }
    for (n, i) in [2, 4].into_iter().enumerate() {
        insert_at(&mut db, n, &SET[i], "THPT-HN-YENHOA", "1.005142").await;
    }
    rebuild(&engine);
    engine
}

fn agencies_of(body: &Value) -> Vec<String> {
    let mut all: Vec<String> = body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["agency"].as_str().unwrap().to_owned())
        .collect();
    all.dedup();
    all
}

#[tokio::test]
async fn a_school_supervisor_sees_the_school_and_the_departments_supervisor_every_school_summed() {
    let engine = tree_engine().await;
    let school = login(&engine, "staff", SCHOOL_SUPERVISOR).await;
    let department = login(&engine, "staff", SUPERVISOR).await;
    let month = "from=2026-11-01&to=2026-11-30";

    // The school's supervisor: the school's figures by default, and no other agency's.
    let (status, body) = report(&engine, &school, &format!("/v1/reports/indicators?{month}")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(agencies_of(&body), ["THPT-HN-CVA"]);
    assert_eq!(body["totals"]["dossiers"], 3);
    for other in ["THPT-HN-YENHOA", "SGDDT-HN", "UBND-HN", "SGDDT-HCM"] {
        for path in ["indicators", "scorecard", "timeliness"] {
            let (status, _) = report(
                &engine,
                &school,
                &format!("/v1/reports/{path}?{month}&agency={other}"),
            )
            .await;
            assert_eq!(status, 403, "{path} of {other}");
        }
    }
    let (status, _) = report(
        &engine,
        &school,
        &format!("/v1/reports/indicators?{month}&agency=SGDDT-HN&subtree=true"),
    )
    .await;
    assert_eq!(status, 403);
    // The school's other staff read the school, not the department.
    let clerk = login(&engine, "staff", SCHOOL_CLERK).await;
    let (status, _) = report(
        &engine,
        &clerk,
        &format!("/v1/reports/indicators?{month}&agency=SGDDT-HN"),
    )
    .await;
    assert_eq!(status, 403);

    // The department's supervisor: itself and every school under it, by default.
    let (status, whole) = report(
        &engine,
        &department,
        &format!("/v1/reports/indicators?{month}"),
    )
    .await;
    assert_eq!(status, 200, "{whole}");
    assert_eq!(
        agencies_of(&whole),
        ["SGDDT-HN", "THPT-HN-CVA", "THPT-HN-YENHOA"]
    );
    assert_eq!(whole["totals"]["dossiers"], 15);
    // Not Hồ Chí Minh City's department, outside its subtree.
    let (status, _) = report(
        &engine,
        &department,
        &format!("/v1/reports/indicators?{month}&agency=SGDDT-HCM"),
    )
    .await;
    assert_eq!(status, 403);
    // Each school alone, and the schools' subtree totals equal the sum of the schools.
    let mut schools = Vec::new();
    for s in ["THPT-HN-CVA", "THPT-HN-YENHOA"] {
        let (status, body) = report(
            &engine,
            &department,
            &format!("/v1/reports/indicators?{month}&agency={s}"),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(agencies_of(&body), [s]);
        schools.push(body["totals"].clone());
    }
    assert_eq!(
        (
            schools[0]["dossiers"].as_i64(),
            schools[1]["dossiers"].as_i64()
        ),
        (Some(3), Some(2))
    );
    let (_, department_alone) = report(
        &engine,
        &department,
        &format!("/v1/reports/indicators?{month}&agency=SGDDT-HN"),
    )
    .await;
    assert_eq!(department_alone["totals"]["dossiers"], 10);
    for id in ["2.1", "3.3", "4.1", "4.2", "4.3", "4.4", "4.5b"] {
        let part = |t: &Value, which: &str| indicator(t, id)[which].as_u64().unwrap();
        for which in ["numerator", "denominator"] {
            let sum = part(&schools[0], which)
                + part(&schools[1], which)
                + part(&department_alone["totals"], which);
            assert_eq!(part(&whole["totals"], which), sum, "{id} {which}");
        }
    }
    // The same through `subtree=true`, and the scorecard's total card is the subtree's.
    let (_, subtree) = report(
        &engine,
        &department,
        &format!("/v1/reports/indicators?{month}&agency=SGDDT-HN&subtree=true"),
    )
    .await;
    assert_eq!(subtree["totals"], whole["totals"]);
    let (status, card) = report(
        &engine,
        &department,
        &format!("/v1/reports/scorecard?{month}"),
    )
    .await;
    assert_eq!(status, 200, "{card}");
    let cards: Vec<&str> = card["agencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["agency"].as_str().unwrap())
        .collect();
    assert_eq!(cards, ["SGDDT-HN", "THPT-HN-CVA", "THPT-HN-YENHOA"]);
    assert_eq!(line(&card["total"], "4.2")["denominator"], 15);
}

#[tokio::test]
async fn the_public_statistics_need_no_login_roll_up_a_province_and_carry_no_personal_data() {
    let engine = tree_engine().await;
    let client = reqwest::Client::new();
    let get = |path: &str| client.get(engine.at(path)).send();
    let answer = get("/v1/public/statistics?from=2026-11-01&to=2026-11-30&unit=UBND-HN")
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let text = answer.text().await.unwrap();
    let body: Value = serde_json::from_str(&text).unwrap();
    // The province's unit: the department and its schools, 15 dossiers.
    let cards: Vec<&str> = body["agencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["agency"].as_str().unwrap())
        .collect();
    assert_eq!(cards, ["SGDDT-HN", "THPT-HN-CVA", "THPT-HN-YENHOA"]);
    assert_eq!(line(&body["total"], "4.2")["denominator"], 15);
    // Counts and shares only: no citizen's number, no official's name.
    assert!(!text.contains(MINH), "a PIN in the public figures");
    assert!(
        !text.contains("motcua."),
        "a staff login in the public figures"
    );
    // One school alone; a bad date is a 422, not a 500.
    let school: Value =
        get("/v1/public/statistics?from=2026-11-01&to=2026-11-30&agency=THPT-HN-CVA")
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(line(&school["total"], "4.2")["denominator"], 3);
    let bad = get("/v1/public/statistics?from=2026-02-30").await.unwrap();
    assert_eq!(bad.status(), 422);
}

/// An owed report as the supervisor downloads it: status, content type, bytes.
async fn download(engine: &Engine, session: &Session, path: &str) -> (u16, String, Vec<u8>) {
    let answer = reqwest::Client::new()
        .get(engine.at(path))
        .bearer_auth(&session.token)
        .send()
        .await
        .unwrap();
    let status = answer.status().as_u16();
    let kind = answer
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap_or("").to_owned())
        .unwrap_or_default();
    (status, kind, answer.bytes().await.unwrap().to_vec())
}

/// The CSV's records by header, BOM removed.
fn csv_records(bytes: &[u8]) -> Vec<std::collections::BTreeMap<String, String>> {
    let text = std::str::from_utf8(bytes).expect("UTF-8");
    let text = text.strip_prefix('\u{feff}').expect("a byte-order mark");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    reader
        .records()
        .map(|r| {
            let r = r.expect("a CSV record");
            headers
                .iter()
                .cloned()
                .zip(r.iter().map(str::to_owned))
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn the_owed_reports_equal_the_reports_api_for_their_period_and_open_as_csv_and_pdf() {
    // Judged on 23 November, with the hand-built set of November.
    let engine = Engine::start_at("2026-11-23T12:00:00+07:00").await;
    let mut db = sqlx::PgConnection::connect(&engine.database_url)
        .await
        .unwrap();
    for (n, h) in SET.iter().enumerate() {
        insert(&mut db, n, h).await;
    }
    rebuild(&engine);
    let supervisor = login(&engine, "staff", SUPERVISOR).await;
    let minh = login(&engine, "citizen", MINH).await;

    // What is owed, soonest first, with the due dates ahead of time.
    let (status, owed) = report(&engine, &supervisor, "/v1/reports/owed").await;
    assert_eq!(status, 200, "{owed}");
    let due: Vec<(&str, &str, &str, i64)> = owed
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["kind"].as_str().unwrap(),
                o["period"].as_str().unwrap(),
                o["due_on"].as_str().unwrap(),
                o["days_left"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        due,
        [
            ("de-an-06", "2026-10", "2026-11-22", -1),
            ("nd-45", "2026-12", "2026-12-05", 12),
            ("de-an-06", "2026-11", "2026-12-22", 29),
            ("nd-45", "2027-06", "2027-06-05", 194),
        ]
    );

    // Đề án 06 of November: the indicator report's figures for 1–30 November.
    let (_, api) = report(
        &engine,
        &supervisor,
        "/v1/reports/indicators?from=2026-11-01&to=2026-11-30",
    )
    .await;
    let (status, kind, bytes) = download(
        &engine,
        &supervisor,
        "/v1/reports/owed/de-an-06?period=2026-11",
    )
    .await;
    assert_eq!((status, kind.as_str()), (200, "text/csv; charset=utf-8"));
    let records = csv_records(&bytes);
    assert_eq!(records.len(), 2, "a row and the totals");
    let (row, total) = (&records[0], &records[1]);
    let api_row = &api["rows"][0];
    assert_eq!(row["Mã cơ quan"], "SGDDT-HN");
    assert_eq!(row["Tên cơ quan"], "Sở Giáo dục và Đào tạo Hà Nội");
    assert_eq!(row["Từ ngày"], "01/11/2026");
    assert_eq!(row["Tổng số hồ sơ"], api_row["dossiers"].to_string());
    assert_eq!(
        row["Hồ sơ trực tuyến"],
        api_row["channels"]["online"].to_string()
    );
    for (header, id) in [
        ("Hồ sơ sử dụng CSDL dân cư, VNeID", "4.5b"),
        ("Hồ sơ tái sử dụng dữ liệu số hóa", "4.3"),
        ("Hồ sơ có kết quả điện tử", "4.1"),
    ] {
        assert_eq!(
            row[header],
            indicator(api_row, id)["numerator"].to_string(),
            "{header}"
        );
    }
    let ratio = indicator(api_row, "4.5b")["ratio"].as_f64().unwrap();
    assert_eq!(
        row["Tỷ lệ sử dụng CSDL dân cư, VNeID"],
        format!("{ratio:.4}")
    );
    assert_eq!(total["Tên cơ quan"], "Tổng cộng");
    assert_eq!(
        total["Tổng số hồ sơ"],
        api["totals"]["dossiers"].to_string()
    );

    // NĐ 45 due in December: June to November, the same figures.
    let (_, half) = report(
        &engine,
        &supervisor,
        "/v1/reports/indicators?from=2026-06-01&to=2026-11-30",
    )
    .await;
    let (status, _, bytes) = download(
        &engine,
        &supervisor,
        "/v1/reports/owed/nd-45?period=2026-12",
    )
    .await;
    assert_eq!(status, 200);
    let records = csv_records(&bytes);
    let row = &records[0];
    assert_eq!(row["Từ ngày"], "01/06/2026");
    assert_eq!(row["Đến ngày"], "30/11/2026");
    for (header, id, which) in [
        ("Hồ sơ tiếp nhận", "3.3", "denominator"),
        ("Hồ sơ trực tuyến (có kết quả điện tử)", "3.3", "numerator"),
        ("Hồ sơ số hóa", "4.2", "numerator"),
        ("Hồ sơ kết nối Kho dữ liệu cá nhân", "4.4", "numerator"),
    ] {
        assert_eq!(
            row[header],
            indicator(&half["rows"][0], id)[which].to_string(),
            "{header}"
        );
    }

    // The PDF: a document whose text has the Vietnamese title and headers.
    let (status, kind, pdf) = download(
        &engine,
        &supervisor,
        "/v1/reports/owed/de-an-06?period=2026-11&format=pdf",
    )
    .await;
    assert_eq!((status, kind.as_str()), (200, "application/pdf"));
    assert!(pdf.starts_with(b"%PDF"));
    let folder = motcua_tests::engine::tempdir::TempDir::new();
    let file = folder.0.join("bao-cao.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (Debian's poppler-utils; scripts/with-test-postgres installs it)");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for words in [
        "Báo cáo tháng kết quả thực hiện Đề án 06",
        "Kỳ báo cáo: từ ngày 01/11/2026 đến ngày 30/11/2026",
        "Hạn nộp: 22/12/2026",
        "Tổng số hồ sơ",
        "Mã cơ quan",
        "Tổng cộng",
    ] {
        assert!(
            text.contains(words),
            "{words:?} not in the PDF's text:\n{text}"
        );
    }

    // Refusals: a period that is not one, a report that does not exist, a citizen.
    let (status, problem) = report(
        &engine,
        &supervisor,
        "/v1/reports/owed/nd-45?period=2026-07",
    )
    .await;
    assert_eq!(
        (status, problem["errors"][0]["pointer"].as_str()),
        (422, Some("/period"))
    );
    let (status, _) = report(
        &engine,
        &supervisor,
        "/v1/reports/owed/bogus?period=2026-11",
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = report(&engine, &minh, "/v1/reports/owed").await;
    assert_eq!(status, 403);
}
