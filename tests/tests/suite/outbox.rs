//! The transactional outbox and the synchronisation with the national public-service portal
//! (DVCQG) over it: the engine against motcua-sim's DVCQG stand-in, which checks every payload
//! against the national shape, refuses what the portal would refuse (a step of a dossier it
//! was never sent, a creation twice), counts what it took and recognises a re-sent message
//! by its `Idempotency-Key`.

use futures::StreamExt;
use motcua_sim::DvcqgCall;
use motcua_tests::accounts::{APPROVER, CLERK, MINH, SPECIALIST, SUPERVISOR};
use motcua_tests::api::{act, call, get, put_file};
use motcua_tests::{dossiers, login, Engine, EngineOptions, Session, TEST_DVCQG_INBOUND_TOKEN};
use serde_json::{json, Value};
use sqlx::Connection;
use std::time::{Duration, Instant};

const DONG_BO: &str = "DongBoHoSoMC";
const TIEN_DO: &str = "CapNhatTienDoHoSoMC";

/// A working Monday morning: the copy's same-day clock runs.
pub(crate) const MONDAY: &str = "2026-11-23T08:00:00+07:00";

struct Staff {
    clerk: Session,
    specialist: Session,
    approver: Session,
}

async fn staff(engine: &Engine) -> Staff {
    Staff {
        clerk: login(engine, "staff", CLERK).await,
        specialist: login(engine, "staff", SPECIALIST).await,
        approver: login(engine, "staff", APPROVER).await,
    }
}

/// A submitted diploma copy of `citizen`: its id and code.
async fn submitted(engine: &Engine, citizen: &Session) -> (String, String) {
    let client = reqwest::Client::new();
    let id = dossiers::submitted_copy(engine, &client, citizen).await;
    let (_, dossier) = get(engine, citizen, &format!("/v1/dossiers/{id}")).await;
    let code = dossier["code"].as_str().expect("a code").to_owned();
    (id, code)
}

/// Takes `action` on dossier `id`, expecting 200.
async fn step(engine: &Engine, who: &Session, id: &str, action: &str) {
    let (status, body) = act(engine, who, id, action, json!({})).await;
    assert_eq!(status, 200, "{action}: {body}");
}

/// From received to returned: five steps, and the result attached before it is issued.
async fn process_to_the_end(engine: &Engine, staff: &Staff, id: &str) {
    step(engine, &staff.clerk, id, "receive").await;
    step(engine, &staff.specialist, id, "propose").await;
    step(engine, &staff.approver, id, "approve").await;
    let path = format!("/v1/dossiers/{id}/results/BS-2026-000042");
    let (status, _) = put_file(
        engine,
        &staff.specialist,
        &path,
        "application/pdf",
        b"%PDF-1.7 Ban sao van bang".to_vec(),
    )
    .await;
    assert_eq!(status, 201);
    step(engine, &staff.specialist, id, "issue_result").await;
    step(engine, &staff.clerk, id, "return_result").await;
}

/// What the whole life sends, in order: the creation, then for each step the dossier
/// updated and the step; the result's attachment updates the dossier alone.
fn whole_life() -> Vec<(&'static str, Option<bool>)> {
    let update = (DONG_BO, Some(true));
    let progress = (TIEN_DO, None);
    let mut expected = vec![(DONG_BO, Some(false))];
    for _ in ["receive", "propose", "approve"] {
        expected.extend([update, progress]);
    }
    expected.push(update); // attach_result
    for _ in ["issue_result", "return_result"] {
        expected.extend([update, progress]);
    }
    expected
}

/// The national statuses the five steps report.
const STEP_STATUSES: [&str; 5] = ["4", "4", "4", "9", "10"];

/// The calls the stand-in took (not refused, not replayed) for dossier `code`, in order.
fn applied(engine: &Engine, code: &str) -> Vec<DvcqgCall> {
    engine
        .dvcqg
        .calls()
        .into_iter()
        .filter(|c| c.dossier_code.as_deref() == Some(code) && c.applied())
        .collect()
}

fn shape(calls: &[DvcqgCall]) -> Vec<(&str, Option<bool>)> {
    calls
        .iter()
        .map(|c| (c.service.as_str(), c.updating))
        .collect()
}

/// Waits until `done` holds, or fails after `within` saying what was awaited.
pub(crate) async fn wait_until(within: Duration, what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + within;
    while !done() {
        assert!(Instant::now() < deadline, "waited {within:?} for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The outbox's rows of a dossier: (kind, state, attempts).
async fn outbox_rows(engine: &Engine, dossier: &str) -> Vec<(String, String, i32)> {
    let mut db = sqlx::PgConnection::connect(&engine.database_url)
        .await
        .unwrap();
    sqlx::query_as(
        "select kind, state, attempts from outbox_message where dossier_id = $1::uuid order by id",
    )
    .bind(dossier)
    .fetch_all(&mut db)
    .await
    .unwrap()
}

/// The value of a metric line of `/metrics` with this name and labels.
async fn metric(engine: &Engine, line_start: &str) -> Option<f64> {
    let text = engine.scrape_metrics().await.text().await.unwrap();
    text.lines()
        .find(|l| l.starts_with(line_start))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

#[tokio::test]
async fn a_dossiers_life_reaches_dvcqg_as_one_create_its_updates_and_a_step_per_action_in_order() {
    let engine = Engine::start_at(MONDAY).await;
    let minh = login(&engine, "citizen", MINH).await;
    let staff = staff(&engine).await;
    let (id, code) = submitted(&engine, &minh).await;
    process_to_the_end(&engine, &staff, &id).await;

    let expected = whole_life();
    wait_until(Duration::from_secs(30), "the whole life at DVCQG", || {
        applied(&engine, &code).len() >= expected.len()
    })
    .await;
    // Let a late duplicate show itself, if there were one.
    tokio::time::sleep(Duration::from_millis(600)).await;
    let calls = applied(&engine, &code);
    assert_eq!(shape(&calls), expected);
    // Each payload passed the stand-in's check of the national shape: nothing was refused.
    let refused: Vec<_> = engine
        .dvcqg
        .calls()
        .into_iter()
        .filter(|c| c.error_code != "0")
        .collect();
    assert!(refused.is_empty(), "refused: {refused:#?}");

    let steps: Vec<&Value> = calls
        .iter()
        .filter(|c| c.service == TIEN_DO)
        .map(|c| &c.data)
        .collect();
    let statuses: Vec<&str> = steps
        .iter()
        .map(|s| s["TrangThai"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, STEP_STATUSES);
    assert_eq!(steps[0]["NguoiXuLy"], CLERK);
    assert_eq!(steps[0]["ChucDanh"], "Cán bộ một cửa");
    assert_eq!(steps[2]["NguoiXuLy"], APPROVER);
    // Times in order, as DVCQG writes them.
    let times: Vec<&str> = steps
        .iter()
        .map(|s| s["ThoiDiemXuLy"].as_str().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
    assert!(times[0].starts_with("20261123"), "{times:?}");

    let created = &calls[0].data;
    assert_eq!(created["MaHoSo"], code.as_str());
    assert_eq!(created["MaTTHC"], "3.000465");
    assert_eq!(created["MaDoiTuong"], MINH);
    assert_eq!(created["DonViXuLy"], "Sở Giáo dục và Đào tạo Hà Nội");
    let last = &calls[calls.len() - 2].data;
    assert_eq!(last["TrangThaiHoSo"], "10");
    assert_eq!(last["DanhSachGiayToKetQua"].as_array().unwrap().len(), 1);
    assert!(!last["NgayTra"].as_str().unwrap().is_empty());
    // One session served the whole life.
    assert_eq!(engine.dvcqg.logins(), 1);

    let rows = outbox_rows(&engine, &id).await;
    assert_eq!(rows.len(), expected.len());
    assert!(rows
        .iter()
        .all(|(_, state, attempts)| state == "delivered" && *attempts == 1));
    assert_eq!(
        metric(&engine, "motcua_outbox_pending_messages{target=\"dvcqg\"}").await,
        Some(0.0)
    );
}

#[tokio::test]
async fn with_dvcqg_down_for_the_lives_of_100_dossiers_nothing_is_lost_and_all_arrives_in_order() {
    let engine = Engine::start_with(EngineOptions {
        clock: Some(MONDAY.into()),
        // The outage lasts as long as the test takes to make the dossiers: no message may
        // run out of attempts meanwhile.
        extra_env: vec![("MOTCUA_OUTBOX_MAX_ATTEMPTS".into(), "10000".into())],
        ..Default::default()
    })
    .await;
    let minh = login(&engine, "citizen", MINH).await;
    let staff = staff(&engine).await;
    engine.dvcqg.set_outage(true);

    const DOSSIERS: usize = 100;
    let started = Instant::now();
    let lives: Vec<(String, String)> = futures::stream::iter(0..DOSSIERS)
        .map(|_| async {
            let (id, code) = submitted(&engine, &minh).await;
            process_to_the_end(&engine, &staff, &id).await;
            (id, code)
        })
        .buffer_unordered(8)
        .collect()
        .await;
    let expected = whole_life();
    let messages = DOSSIERS * expected.len();
    println!(
        "{DOSSIERS} dossiers, {messages} messages written in {:.1} s with DVCQG down",
        started.elapsed().as_secs_f64()
    );

    // Down: nothing taken, everything pending, the failures shown.
    assert!(engine.dvcqg.calls().is_empty());
    let pending = metric(&engine, "motcua_outbox_pending_messages{target=\"dvcqg\"}").await;
    assert_eq!(pending, Some(messages as f64));
    let retrying = metric(&engine, "motcua_outbox_retrying_messages{target=\"dvcqg\"}")
        .await
        .unwrap_or(0.0);
    assert!(retrying >= 1.0, "retrying {retrying}");
    let age = metric(
        &engine,
        "motcua_outbox_oldest_pending_age_seconds{target=\"dvcqg\"}",
    )
    .await
    .unwrap_or(0.0);
    assert!(age >= 1.0, "oldest pending age {age}");

    engine.dvcqg.set_outage(false);
    let back = Instant::now();
    wait_until(Duration::from_secs(120), "every message delivered", || {
        engine.dvcqg.calls().iter().filter(|c| c.applied()).count() >= messages
    })
    .await;
    println!(
        "{messages} messages delivered {:.1} s after DVCQG came back",
        back.elapsed().as_secs_f64()
    );
    tokio::time::sleep(Duration::from_millis(600)).await;
    let calls = engine.dvcqg.calls();
    assert!(
        calls.iter().all(|c| c.error_code == "0"),
        "a refusal: {:#?}",
        calls.iter().find(|c| c.error_code != "0")
    );
    assert_eq!(calls.iter().filter(|c| c.applied()).count(), messages);
    for (id, code) in &lives {
        let calls = applied(&engine, code);
        assert_eq!(shape(&calls), expected, "dossier {code}");
        let statuses: Vec<&str> = calls
            .iter()
            .filter(|c| c.service == TIEN_DO)
            .map(|c| c.data["TrangThai"].as_str().unwrap())
            .collect();
        assert_eq!(statuses, STEP_STATUSES, "dossier {code}");
        // The last update carries the result returned.
        let last = &calls[calls.len() - 2].data;
        assert_eq!(last["TrangThaiHoSo"], "10", "dossier {code}");
        let rows = outbox_rows(&engine, id).await;
        assert!(
            rows.iter().all(|(_, state, _)| state == "delivered"),
            "{rows:?}"
        );
    }
    assert_eq!(
        metric(&engine, "motcua_outbox_pending_messages{target=\"dvcqg\"}").await,
        Some(0.0)
    );
}

/// The dead messages once there is one (failing after 20 s).
async fn first_dead(engine: &Engine, supervisor: &Session) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let dead = dead_messages(engine, supervisor).await;
        if !dead.is_empty() {
            return dead;
        }
        assert!(Instant::now() < deadline, "no dead message");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A supervisor's view of the outbox's dead messages.
async fn dead_messages(engine: &Engine, supervisor: &Session) -> Vec<Value> {
    let (status, page) = get(engine, supervisor, "/v1/outbox?state=dead").await;
    assert_eq!(status, 200, "{page}");
    page["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_refused_payload_is_dead_with_its_reason_and_an_operator_retries_it() {
    let engine = Engine::start_at(MONDAY).await;
    let minh = login(&engine, "citizen", MINH).await;
    let staff = staff(&engine).await;
    let supervisor = login(&engine, "staff", SUPERVISOR).await;
    let refusal = "Mã TTHC 3.000465 chưa được công bố";

    // Refused at creation: dead at once, with the portal's reason; the dossier's next
    // messages wait behind it.
    engine.dvcqg.refuse_next(1, refusal);
    let (id, code) = submitted(&engine, &minh).await;
    step(&engine, &staff.clerk, &id, "receive").await;
    let dead = first_dead(&engine, &supervisor).await;
    assert_eq!(dead.len(), 1, "{dead:?}");
    let message = &dead[0];
    assert_eq!(message["kind"], "dossier_created");
    assert_eq!(message["dossier_code"], code.as_str());
    assert_eq!(message["attempts"], 1);
    let reason = message["last_error"].as_str().unwrap();
    assert!(reason.contains(refusal), "{reason}");
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(applied(&engine, &code).is_empty());
    let rows = outbox_rows(&engine, &id).await;
    assert_eq!(
        rows.iter().map(|(_, s, _)| s.as_str()).collect::<Vec<_>>(),
        ["dead", "pending", "pending"]
    );
    assert_eq!(
        metric(&engine, "motcua_outbox_dead_messages{target=\"dvcqg\"}").await,
        Some(1.0)
    );

    // Only supervisors operate the outbox.
    for who in [&minh, &staff.clerk] {
        let (status, problem) = get(&engine, who, "/v1/outbox").await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (403, Some("supervisors_only"))
        );
        let path = format!("/v1/outbox/{}/retry", message["id"]);
        let (status, _) = call(&engine, who, reqwest::Method::POST, &path, None).await;
        assert_eq!(status, 403);
    }

    // The operator, from the command line: the dead message is listed, retried, delivered,
    // and the dossier's waiting messages follow it in order.
    let listed = engine
        .command(&["outbox", "list", "--state", "dead"])
        .output()
        .unwrap();
    assert!(listed.status.success(), "{listed:?}");
    let listed = String::from_utf8(listed.stdout).unwrap();
    let first: Value = serde_json::from_str(listed.lines().next().unwrap()).unwrap();
    assert_eq!(first["id"], message["id"]);
    assert!(first["last_error"].as_str().unwrap().contains(refusal));
    let id_text = message["id"].to_string();
    let retried = engine
        .command(&["outbox", "retry", &id_text])
        .output()
        .unwrap();
    assert!(retried.status.success(), "{retried:?}");
    wait_until(
        Duration::from_secs(20),
        "the retried creation and what followed",
        || applied(&engine, &code).len() >= 3,
    )
    .await;
    assert_eq!(
        shape(&applied(&engine, &code)),
        [
            (DONG_BO, Some(false)),
            (DONG_BO, Some(true)),
            (TIEN_DO, None)
        ]
    );
    // A delivered message cannot be retried again.
    let again = engine
        .command(&["outbox", "retry", &id_text])
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("outbox_message_settled"));

    // The operator, over the API: the same for a second dossier.
    engine.dvcqg.refuse_next(1, refusal);
    let (_, second) = submitted(&engine, &minh).await;
    let dead = first_dead(&engine, &supervisor).await;
    let path = format!("/v1/outbox/{}/retry", dead[0]["id"]);
    let (status, retried) = call(&engine, &supervisor, reqwest::Method::POST, &path, None).await;
    assert_eq!(status, 200, "{retried}");
    assert_eq!(
        (retried["state"].as_str(), retried["attempts"].as_i64()),
        (Some("pending"), Some(0))
    );
    wait_until(
        Duration::from_secs(20),
        "the creation retried by API",
        || applied(&engine, &second).len() == 1,
    )
    .await;
    let (status, problem) = call(
        &engine,
        &supervisor,
        reqwest::Method::POST,
        "/v1/outbox/999999/retry",
        None,
    )
    .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (404, Some("outbox_message_not_found"))
    );

    // Dropped: never sent.
    engine.dvcqg.refuse_next(1, refusal);
    let (third_id, _) = submitted(&engine, &minh).await;
    let dead = first_dead(&engine, &supervisor).await;
    assert_eq!(outbox_rows(&engine, &third_id).await[0].1, "dead");
    let path = format!("/v1/outbox/{}/drop", dead[0]["id"]);
    let (status, dropped) = call(&engine, &supervisor, reqwest::Method::POST, &path, None).await;
    assert_eq!((status, dropped["state"].as_str()), (200, Some("dropped")));
    assert!(dead_messages(&engine, &supervisor).await.is_empty());
}

#[tokio::test]
async fn a_sigkill_between_a_committed_action_and_its_delivery_delivers_it_once_after_restart() {
    let mut engine = Engine::start_at(MONDAY).await;
    let minh = login(&engine, "citizen", MINH).await;
    let staff = staff(&engine).await;
    let (id, code) = submitted(&engine, &minh).await;
    wait_until(Duration::from_secs(20), "the creation", || {
        applied(&engine, &code).len() == 1
    })
    .await;

    // DVCQG takes the update of the step but its answer never comes back before the engine
    // dies: the message is still pending in the database.
    engine.dvcqg.set_latency(Duration::from_secs(60));
    step(&engine, &staff.clerk, &id, "receive").await;
    wait_until(Duration::from_secs(20), "the update to reach DVCQG", || {
        applied(&engine, &code).len() == 2
    })
    .await;
    engine.kill();
    engine.dvcqg.set_latency(Duration::ZERO);
    // And a step committed while DVCQG is down, the engine killed before it comes back.
    engine.dvcqg.set_outage(true);
    engine.restart().await;
    let specialist = login(&engine, "staff", SPECIALIST).await;
    step(&engine, &specialist, &id, "propose").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    engine.kill();
    engine.dvcqg.set_outage(false);
    engine.restart().await;

    let expected = whole_life()[..5].to_vec();
    wait_until(
        Duration::from_secs(30),
        "everything after the restarts",
        || applied(&engine, &code).len() >= expected.len(),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    let calls = applied(&engine, &code);
    assert_eq!(shape(&calls), expected, "each message taken once, in order");
    // The update was sent twice with one key; the second was recognised, not applied.
    let update_key = calls[1].key.clone().expect("a key");
    let with_key: Vec<_> = engine
        .dvcqg
        .calls()
        .into_iter()
        .filter(|c| c.key.as_deref() == Some(update_key.as_str()))
        .collect();
    assert_eq!(with_key.len(), 2, "{with_key:#?}");
    assert!(with_key[1].replayed);
    let rows = outbox_rows(&engine, &id).await;
    assert!(
        rows.iter().all(|(_, state, _)| state == "delivered"),
        "{rows:?}"
    );
}

#[tokio::test]
async fn a_change_rolled_back_sends_nothing() {
    let engine = Engine::start_at(MONDAY).await;
    let minh = login(&engine, "citizen", MINH).await;
    let clerk = login(&engine, "staff", CLERK).await;
    let mut db = sqlx::PgConnection::connect(&engine.database_url)
        .await
        .unwrap();
    // The last write of a submission (its key inserted with the answer, in its one
    // statement) and of an action (the key's answer, written after its outbox messages)
    // fail for these keys.
    sqlx::raw_sql(
        "create function refuse_key() returns trigger language plpgsql as $$
         begin
             if (tg_op = 'INSERT' and new.key = 'roll-back-submit')
                or (tg_op = 'UPDATE' and new.key = 'roll-back-receive') then
                 raise exception 'refused by the test';
             end if;
             return new;
         end $$;
         create trigger refuse_key before insert or update on idempotency_key
             for each row execute function refuse_key();",
    )
    .execute(&mut db)
    .await
    .unwrap();

    // A submission rolled back: still a draft, no message, nothing sent.
    let client = reqwest::Client::new();
    let draft = dossiers::filled_copy_draft(&engine, &client, &minh).await;
    let failed = client
        .post(engine.at(&format!("/v1/dossiers/{draft}/submit")))
        .bearer_auth(&minh.token)
        .header("Idempotency-Key", "roll-back-submit")
        .send()
        .await
        .unwrap();
    assert_eq!(failed.status(), 500);
    let (_, still) = get(&engine, &minh, &format!("/v1/dossiers/{draft}")).await;
    assert_eq!(still["state"], "draft");
    assert!(outbox_rows(&engine, &draft).await.is_empty());

    // An action rolled back after its messages were written: the dossier as it was, only
    // its creation in the outbox, and DVCQG told of nothing else.
    let (id, code) = submitted(&engine, &minh).await;
    wait_until(Duration::from_secs(20), "the creation", || {
        applied(&engine, &code).len() == 1
    })
    .await;
    let failed = client
        .post(engine.at(&format!("/v1/dossiers/{id}/actions/receive")))
        .bearer_auth(&clerk.token)
        .header("Idempotency-Key", "roll-back-receive")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(failed.status(), 500);
    let (_, dossier) = get(&engine, &minh, &format!("/v1/dossiers/{id}")).await;
    assert_eq!(dossier["state"], "submitted");
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(
        outbox_rows(&engine, &id).await,
        [("dossier_created".to_owned(), "delivered".to_owned(), 1)]
    );
    assert_eq!(shape(&applied(&engine, &code)), [(DONG_BO, Some(false))]);
    assert!(engine
        .dvcqg
        .calls()
        .iter()
        .all(|c| c.dossier_code.as_deref() != Some(&draft)));

    // The same action without the failing key goes through, and is told.
    step(&engine, &clerk, &id, "receive").await;
    wait_until(Duration::from_secs(20), "the step", || {
        applied(&engine, &code).len() == 3
    })
    .await;
}

#[tokio::test]
async fn an_expired_dvcqg_session_is_renewed_and_the_message_goes_through_on_its_attempt() {
    let engine = Engine::start_at(MONDAY).await;
    let minh = login(&engine, "citizen", MINH).await;
    let clerk = login(&engine, "staff", CLERK).await;
    let (id, code) = submitted(&engine, &minh).await;
    wait_until(Duration::from_secs(20), "the creation", || {
        applied(&engine, &code).len() == 1
    })
    .await;
    assert_eq!(engine.dvcqg.logins(), 1);

    // The adapter forgets every session (it expired, or the adapter restarted): the next
    // call is answered 401, and the client logs in again and sends it once more.
    engine.dvcqg.expire_sessions();
    step(&engine, &clerk, &id, "receive").await;
    wait_until(
        Duration::from_secs(20),
        "the step after the renewal",
        || applied(&engine, &code).len() == 3,
    )
    .await;
    assert_eq!(engine.dvcqg.logins(), 2);
    assert_eq!(
        shape(&applied(&engine, &code)),
        [
            (DONG_BO, Some(false)),
            (DONG_BO, Some(true)),
            (TIEN_DO, None)
        ]
    );
    // Renewed within the attempt: nothing failed, nothing waits.
    let rows = outbox_rows(&engine, &id).await;
    assert!(
        rows.iter()
            .all(|(_, state, attempts)| state == "delivered" && *attempts == 1),
        "{rows:?}"
    );
}

/// What DVCQG's adapter pushes for a dossier filed on the national portal.
pub(crate) fn pushed(national_code: &str) -> Value {
    json!({
        "MaHoSo": national_code,
        "MaTTHC": "3.000465",
        "TenTTHC": "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc",
        "ChuHoSo": "Nguyễn Đức Minh",
        "MaDoiTuong": MINH,
        "LoaiDoiTuong": "1",
        "NgayTiepNhan": "20261123080000",
        "TaiLieuNop": [{
            "TepDinhKemId": "9f1c", "TenTepDinhKem": "don-de-nghi.pdf", "IsDeleted": "0",
            "MaThanhPhanHoSo": "request_form",
            "DuongDanTaiTepTin": "https://dichvucong.gov.vn/files/9f1c"
        }],
        "DuLieuBieuMau": dossiers::copy_data(),
    })
}

/// Pushes `body` as DVCQG's adapter (with `token`): the status and the answer.
pub(crate) async fn push(engine: &Engine, token: Option<&str>, body: &Value) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .post(engine.at("/v1/dvcqg/dossiers"))
        .json(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let answer = request.send().await.unwrap();
    let status = answer.status().as_u16();
    (status, answer.json().await.unwrap_or(Value::Null))
}

/// The calls of `service` the stand-in took for the dossier coded `code` there.
pub(crate) fn applied_of(engine: &Engine, service: &str, code: &str) -> Vec<DvcqgCall> {
    applied(engine, code)
        .into_iter()
        .filter(|c| c.service == service)
        .collect()
}

#[tokio::test]
async fn a_dossier_pushed_from_dvcqg_twice_is_one_dossier_worked_like_any_other_with_its_statuses_sent_back(
) {
    const STATUS: &str = "DongBoTrangThaiHoSo";
    let engine = Engine::start_at(MONDAY).await;
    let minh = login(&engine, "citizen", MINH).await;
    let staff = staff(&engine).await;
    let national = "G22.99.9-261123-0042";
    engine.dvcqg.file_national_dossier(national);

    // Only DVCQG's adapter pushes, and what it pushes is checked.
    for token in [None, Some("not-the-inbound-token-0123456789abcdef")] {
        let (status, problem) = push(&engine, token, &pushed(national)).await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (401, Some("unauthorized"))
        );
    }
    let mut bad = pushed(national);
    bad["MaDoiTuong"] = json!("12345");
    bad["MaTTHC"] = json!("9.999999");
    let (status, problem) = push(&engine, Some(TEST_DVCQG_INBOUND_TOKEN), &bad).await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["code"], "validation_failed");
    let pointers: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["pointer"].as_str().unwrap())
        .collect();
    assert_eq!(pointers, ["/MaTTHC", "/MaDoiTuong"]);

    // Pushed twice (the first answer lost, say): one dossier.
    let (status, first) = push(&engine, Some(TEST_DVCQG_INBOUND_TOKEN), &pushed(national)).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["created"], true);
    assert_eq!(first["state"], "submitted");
    assert_eq!(first["national_code"], national);
    let (status, second) = push(&engine, Some(TEST_DVCQG_INBOUND_TOKEN), &pushed(national)).await;
    assert_eq!(status, 200, "{second}");
    assert_eq!(second["created"], false);
    assert_eq!(
        (&second["id"], &second["code"]),
        (&first["id"], &first["code"])
    );
    let id = first["id"].as_str().unwrap().to_owned();
    let local = first["code"].as_str().unwrap().to_owned();
    let mut db = sqlx::PgConnection::connect(&engine.database_url)
        .await
        .unwrap();
    let (count,): (i64,) = sqlx::query_as("select count(*) from dossier where national_code = $1")
        .bind(national)
        .fetch_one(&mut db)
        .await
        .unwrap();
    assert_eq!(count, 1);

    // The same flow: in the desk's queue, claimed, received and worked to the end; the
    // citizen sees it among theirs.
    let (status, queues) = get(&engine, &staff.clerk, "/v1/queues").await;
    assert_eq!(status, 200);
    let desk = queues["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["queue"] == "3.000465:submitted")
        .cloned()
        .expect("the desk's queue");
    assert_eq!(desk["unclaimed"], 1, "{desk}");
    let (status, claimed) = call(
        &engine,
        &staff.clerk,
        reqwest::Method::POST,
        "/v1/queues/3.000465:submitted/claim",
        None,
    )
    .await;
    assert_eq!(status, 200, "{claimed}");
    assert_eq!(claimed["id"], id.as_str());
    assert_eq!(claimed["assigned_to"], CLERK);
    let (status, seen) = get(&engine, &minh, &format!("/v1/dossiers/{id}")).await;
    assert_eq!((status, seen["code"].as_str()), (200, Some(local.as_str())));
    process_to_the_end(&engine, &staff, &id).await;

    // Its statuses went back in order, by the national code with the local one; DVCQG,
    // which holds the dossier already, was sent no dossier or progress of its own.
    wait_until(Duration::from_secs(30), "the statuses at DVCQG", || {
        applied_of(&engine, STATUS, national).len() >= 6
    })
    .await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    let statuses = applied_of(&engine, STATUS, national);
    let codes: Vec<&str> = statuses
        .iter()
        .map(|c| c.data["TrangThai"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["1", "4", "4", "4", "9", "10"]);
    assert!(statuses
        .iter()
        .all(|c| c.data["MaHoSoDonVi"] == local.as_str()));
    let times: Vec<&str> = statuses
        .iter()
        .map(|c| c.data["NgayXuLy"].as_str().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
    let last = &statuses[5].data;
    assert_eq!(last["TaiLieuXuLy"].as_array().map(Vec::len), Some(1));
    assert!(engine
        .dvcqg
        .calls()
        .iter()
        .all(|c| c.error_code == "0" && c.service == STATUS));
    assert!(applied(&engine, &local).is_empty());
    let rows = outbox_rows(&engine, &id).await;
    assert_eq!(rows.len(), 6);
    assert!(
        rows.iter()
            .all(|(kind, state, _)| kind == "national_status" && state == "delivered"),
        "{rows:?}"
    );
}

/// Runs `procedures check --national` off the test's thread: the stand-in it asks is served
/// by this test's runtime.
async fn national_check(mut command: std::process::Command) -> std::process::Output {
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

#[tokio::test]
async fn procedures_check_national_names_each_procedure_the_national_catalogue_lacks() {
    let engine = Engine::start_at(MONDAY).await;
    engine.dvcqg.set_catalogue(&[
        ("3.000465", "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc"),
        ("1.005142", "Đăng ký dự thi tốt nghiệp trung học phổ thông"),
    ]);
    let checked = engine.command(&["procedures", "check", "--national"]);
    let checked = national_check(checked).await;
    assert!(!checked.status.success(), "{checked:?}");
    let out = String::from_utf8(checked.stdout).unwrap();
    let missing: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("missing"))
        .filter_map(|l| l.split_whitespace().nth(1))
        .collect();
    assert_eq!(
        missing,
        ["1.004889", "3.000466"],
        "{out}{}",
        String::from_utf8_lossy(&checked.stderr)
    );
    assert!(
        out.lines().any(|l| l.starts_with("national  3.000465 v")
            && l.ends_with(": 3.000465 Cấp bản sao văn bằng, chứng chỉ từ sổ gốc")),
        "{out}"
    );
    assert!(String::from_utf8_lossy(&checked.stderr).contains("2 procedure(s) without"));

    // Once the catalogue lists them all, the check passes.
    engine.dvcqg.set_catalogue(&[
        ("1.004889", "Công nhận văn bằng"),
        ("1.005142", "Đăng ký dự thi"),
        ("3.000465", "Cấp bản sao"),
        ("3.000466", "Chỉnh sửa nội dung văn bằng, chứng chỉ"),
    ]);
    let checked = engine.command(&["procedures", "check", "--national"]);
    let checked = national_check(checked).await;
    assert!(checked.status.success(), "{checked:?}");

    // DVCQG down: the check cannot say, and fails saying why.
    engine.dvcqg.set_outage(true);
    let checked = engine.command(&["procedures", "check", "--national"]);
    let checked = national_check(checked).await;
    assert!(!checked.status.success());
    assert!(String::from_utf8_lossy(&checked.stderr).contains("cannot be read from DVCQG"));
}
