//! The authorisation matrix (issue 8): every principal — no token, a forged token, citizens,
//! each staff account of the simulator (each role of the dossiers' agencies, and staff of
//! other agencies) — against every endpoint of a dossier and every action of its procedure,
//! for dossiers in every state of the procedures' workflows. The expectations come from the
//! procedure files' roles and actions and the access rules of docs/ARCHITECTURE.md ("HTTP
//! conventions"; tests/tests/suite/authorisation/model.rs), not from the engine's access layer.
//! Lists, queue counts, reports and the citizen's own pages must never include what the
//! principal may not see.

#[path = "authorisation/build.rs"]
mod build;
#[path = "authorisation/http.rs"]
mod http;
#[path = "authorisation/model.rs"]
mod model;

// THANG: a second level-2 citizen with dossiers of his own; HAN: a level-1 citizen with no
// dossier at all.
use build::{action_body, answer_code, Principal, Recipe, Setup, World};
use futures::stream::{self, StreamExt};
use http::{jpeg, pdf, Body, Request};
use model::{Case, Endpoint, Expect, Kind, Who};
use motcua_core::procedure::{Effect, Role};
use motcua_tests::accounts::{CLERK, HAN, MINH, THANG};
use motcua_tests::Engine;
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::time::Instant;

/// Requests in flight at once.
const PARALLEL: usize = 12;

/// One cell of the matrix.
struct Check {
    who: usize,
    case: usize,
    what: String,
    expect: Expect,
    request: Request,
    /// The state a successful workflow action moves the dossier to.
    to_state: Option<String>,
}

#[derive(Default)]
struct Tally {
    checks: usize,
    wrong: Vec<String>,
}

impl Tally {
    fn see(&mut self, ok: bool, message: impl FnOnce() -> String) {
        self.checks += 1;
        if !ok {
            self.wrong.push(message());
        }
    }
}

fn recipes(world: &World<'_>) -> Vec<Recipe> {
    let mut recipes = Vec::new();
    for (proc, p) in world.procs.iter().enumerate() {
        let recipe = |setup| Recipe {
            proc,
            owner: MINH.into(),
            setup,
        };
        recipes.push(recipe(Setup::Draft));
        recipes.push(recipe(Setup::Counter));
        for state in p.procedure.spec().workflow.states.keys() {
            recipes.push(recipe(Setup::State(state.clone())));
        }
    }
    // Claimed by a desk clerk of the matrix, and held by a desk clerk outside it (in a state
    // the desk works: a dossier is handed only to who works its state, issue 25).
    let copy = |setup| Recipe {
        proc: 0,
        owner: MINH.into(),
        setup,
    };
    recipes.push(copy(Setup::Held("submitted".into(), CLERK.into())));
    recipes.push(copy(Setup::Held(
        "result_ready".into(),
        model::OUTSIDE_CLERKS[0].into(),
    )));
    recipes.push(Recipe {
        proc: 0,
        owner: THANG.into(),
        setup: Setup::Draft,
    });
    recipes.push(Recipe {
        proc: 0,
        owner: THANG.into(),
        setup: Setup::State("submitted".into()),
    });
    recipes
}

/// A document of the citizen's own store, to reuse.
fn store_document(cases: &[Case], who: &Who) -> String {
    let Kind::Citizen { pin } = &who.kind else {
        return String::new();
    };
    cases
        .iter()
        .find(|c| c.owner == *pin && !c.counter)
        .and_then(|c| c.document.clone())
        .unwrap_or_else(|| "0190f4a0-0000-7000-8000-000000000000".into())
}

fn request(case: &Case, who: &Who, endpoint: Endpoint, cases: &[Case]) -> Request {
    let id = &case.id;
    let dossier = format!("/v1/dossiers/{id}");
    let document = format!("{dossier}/documents/{}", case.requirement);
    match endpoint {
        Endpoint::Get => Request::get(dossier),
        Endpoint::Events => Request::get(format!("{dossier}/events")),
        Endpoint::Slips => Request::get(format!("{dossier}/slips")),
        Endpoint::Receipt => Request::get(format!("{dossier}/slips/receipt")),
        Endpoint::Patch => Request {
            method: Method::PATCH,
            path: dossier,
            body: Body::MergePatch(json!({})),
        },
        Endpoint::Submit => Request::post(format!("{dossier}/submit"), Body::None),
        Endpoint::Upload => Request {
            method: Method::PUT,
            path: document,
            body: Body::Bytes("image/jpeg", jpeg()),
        },
        Endpoint::Reuse => {
            let body = if who.is_staff() {
                json!({ "paper": true })
            } else {
                json!({ "reuse": store_document(cases, who) })
            };
            Request::post(document, Body::Json(body))
        }
        Endpoint::Delete => Request {
            method: Method::DELETE,
            path: document,
            body: Body::None,
        },
        Endpoint::AttachResult => Request {
            method: Method::PUT,
            path: format!("{dossier}/results/MX-{}", &id[..8]),
            body: Body::Bytes("application/pdf", pdf()),
        },
        Endpoint::Download => Request::get(format!(
            "/v1/attachments/{}/content",
            case.document.clone().unwrap_or_default()
        )),
        Endpoint::DownloadResult => Request::get(format!(
            "/v1/attachments/{}/content",
            case.result.clone().unwrap_or_default()
        )),
        Endpoint::Prefill => Request::post(format!("{dossier}/prefill"), Body::None),
        Endpoint::Release => Request::post(format!("{dossier}/release"), Body::None),
        Endpoint::Assign => Request::post(
            format!("{dossier}/assign"),
            Body::Json(json!({ "to": model::ASSIGNEE })),
        ),
    }
}

/// Every cell for one dossier: the endpoints, then each action of its procedure.
fn checks_for(world: &World<'_>, cases: &[Case], case_index: usize) -> Vec<Check> {
    let case = &cases[case_index];
    let mut names: Vec<String> = case
        .procedure
        .spec()
        .workflow
        .actions
        .iter()
        .map(|a| a.name.clone())
        .collect();
    names.push("apologise".into());
    let mut checks = Vec::new();
    for (who_index, principal) in world.principals.iter().enumerate() {
        let who = &principal.who;
        for endpoint in Endpoint::ALL {
            if let Some(expect) = model::expect(who, case, endpoint) {
                checks.push(Check {
                    who: who_index,
                    case: case_index,
                    what: format!("{endpoint:?}"),
                    expect,
                    request: request(case, who, endpoint, cases),
                    to_state: None,
                });
            }
        }
        for name in &names {
            let to_state = match case.procedure.action_from(&case.state, name) {
                // A supplement asked before reception brings the dossier back to the desk.
                Some(a) if a.has(Effect::ResumeClock) && !case.clock_started => {
                    Some(case.procedure.initial_state().to_owned())
                }
                Some(a) => Some(a.to.clone()),
                None => case.is_draft().then(|| "withdrawn".to_owned()),
            };
            checks.push(Check {
                who: who_index,
                case: case_index,
                what: format!("action {name}"),
                expect: model::action(who, case, name),
                request: Request::post(
                    format!("/v1/dossiers/{}/actions/{name}", case.id),
                    action_body(),
                ),
                to_state: to_state.filter(|_| name != "apologise"),
            });
        }
    }
    checks
}

async fn run(world: &World<'_>, check: &Check) -> (u16, Value) {
    world
        .call(&world.principals[check.who], check.request.clone())
        .await
}

fn judge(tally: &mut Tally, world: &World<'_>, case: &Case, check: &Check, got: &(u16, Value)) {
    let (status, body) = got;
    let mut ok = check.expect.accepts(*status, http::code(body));
    if ok && *status == 200 {
        if let Some(to) = &check.to_state {
            ok = body["state"] == to.as_str();
        }
    }
    tally.see(ok, || {
        format!(
            "{} × {} × {}: expected {:?}, got {status} {} {}",
            world.principals[check.who].who.name,
            check.what,
            case.label,
            check.expect,
            answer_code(body),
            body.get("detail").and_then(Value::as_str).unwrap_or("")
        )
    });
}

/// What a refused call must leave alone: state, holder, data, documents, timeline.
async fn snapshot(world: &World<'_>, case: &Case) -> Value {
    let owner = world.principal(&case.owner);
    let path = format!("/v1/dossiers/{}", case.id);
    let (_, dossier) = world.call(owner, Request::get(path.clone())).await;
    let (_, events) = world
        .call(owner, Request::get(format!("{path}/events")))
        .await;
    let documents: Vec<Value> = dossier["documents"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|d| json!([d["requirement"], d["id"], d["source"]]))
        .collect();
    json!({
        "state": dossier["state"], "assigned_to": dossier["assigned_to"],
        "data": dossier["data"], "documents": documents, "due_at": dossier["due_at"],
        "events": events.as_array().map(|e| e.iter().map(|e| e["action"].clone()).collect::<Vec<_>>()),
    })
}

fn ids(page: &Value) -> BTreeSet<String> {
    page["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// `GET /v1/dossiers` (and by state), `GET /v1/queues`, for every principal.
async fn lists_and_counts(world: &World<'_>, cases: &[Case], tally: &mut Tally) {
    let states: BTreeSet<&str> = cases.iter().map(|c| c.state.as_str()).collect();
    for principal in &world.principals {
        let who = &principal.who;
        let seen: BTreeSet<String> = cases
            .iter()
            .filter(|c| model::visible(who, c))
            .map(|c| c.id.clone())
            .collect();
        let (status, page) = world
            .call(principal, Request::get("/v1/dossiers?limit=200".into()))
            .await;
        if matches!(who.kind, Kind::Anonymous) {
            tally.see(status == 401, || {
                format!("{} lists dossiers: {status}", who.name)
            });
            continue;
        }
        let listed = ids(&page);
        tally.see(status == 200 && listed == seen, || {
            format!(
                "{} lists {status} {listed:?}, may see exactly {seen:?}",
                who.name
            )
        });
        if who.is_staff() {
            for state in &states {
                let path = format!("/v1/dossiers?limit=200&state={state}");
                let (_, page) = world.call(principal, Request::get(path)).await;
                let want: BTreeSet<String> = cases
                    .iter()
                    .filter(|c| model::visible(who, c) && c.state == *state)
                    .map(|c| c.id.clone())
                    .collect();
                let listed = ids(&page);
                tally.see(listed == want, || {
                    format!(
                        "{} lists state {state}: {listed:?}, expected {want:?}",
                        who.name
                    )
                });
            }
        }
        queues(world, principal, cases, tally).await;
    }
}

async fn queues(world: &World<'_>, principal: &Principal, cases: &[Case], tally: &mut Tally) {
    let who = &principal.who;
    let (status, answer) = world
        .call(principal, Request::get("/v1/queues".into()))
        .await;
    let Some(agency) = who.agency() else {
        tally.see(status == 403, || {
            format!("{} reads queues: {status}", who.name)
        });
        return;
    };
    // The queues the principal works, from the procedure files.
    let mut want = BTreeSet::new();
    for proc in &world.procs {
        for (state, spec) in &proc.procedure.spec().workflow.states {
            let worked = spec.worked_by.filter(|r| *r != Role::Citizen);
            if !spec.is_final && worked.is_some_and(|r| who.holds(r)) {
                want.insert(format!("{}:{state}", proc.procedure.code()));
            }
        }
    }
    let items = answer["items"].as_array().cloned().unwrap_or_default();
    let mut got = BTreeSet::new();
    for item in &items {
        let queue = item["queue"].as_str().unwrap_or_default().to_owned();
        let (code, state) = queue.rsplit_once(':').unwrap_or_default();
        // Only what the matrix made exists in this engine.
        let open: Vec<&Case> = cases
            .iter()
            .filter(|c| c.agency.as_deref() == Some(agency) && !c.is_draft() && !c.closed())
            .filter(|c| c.procedure.code() == code && c.state == state)
            .collect();
        let unclaimed = open.iter().filter(|c| c.assigned_to.is_none()).count();
        let counted = (item["count"].as_u64(), item["unclaimed"].as_u64());
        tally.see(
            counted == (Some(open.len() as u64), Some(unclaimed as u64)),
            || {
                format!(
                    "{} queue {queue}: count/unclaimed {counted:?}, expected ({}, {unclaimed})",
                    who.name,
                    open.len()
                )
            },
        );
        got.insert(queue);
    }
    let known: BTreeSet<String> = got
        .iter()
        .filter(|q| {
            world
                .procs
                .iter()
                .any(|p| q.starts_with(&format!("{}:", p.procedure.code())))
        })
        .cloned()
        .collect();
    tally.see(status == 200 && known == want, || {
        format!("{} works queues {known:?}, expected {want:?}", who.name)
    });
}

/// `/v1/reports/*`: staff read their own agency's figures; supervisors any agency's
/// (the rule reports.rs states); citizens none.
async fn reports(world: &World<'_>, tally: &mut Tally) {
    for principal in &world.principals {
        let who = &principal.who;
        for report in ["digitisation", "timeliness", "indicators"] {
            for asked in [None, Some("SGDDT-HN"), Some("THPT-HN-CVA")] {
                let mut path = format!("/v1/reports/{report}?from=2025-01-01&to=2025-12-31");
                if let Some(agency) = asked {
                    path.push_str(&format!("&agency={agency}"));
                }
                let (status, body) = world.call(principal, Request::get(path.clone())).await;
                let expected = match &who.kind {
                    Kind::Anonymous => Expect::Status(401, None),
                    Kind::Citizen { .. } => Expect::Status(403, Some("staff_only")),
                    Kind::Staff { agency, .. } => match asked {
                        Some(a) if a != agency && !who.holds(Role::Supervisor) => {
                            Expect::Status(403, Some("other_agency"))
                        }
                        _ => Expect::Ok,
                    },
                };
                let mut ok = expected.accepts(status, http::code(&body));
                // What a non-supervisor reads is their own agency's, whatever it names.
                if ok && status == 200 && !who.holds(Role::Supervisor) {
                    let own = who.agency().unwrap_or_default();
                    ok = agencies_named(&body).iter().all(|a| a == own);
                }
                tally.see(ok, || {
                    format!(
                        "{} × {path}: expected {expected:?}, got {status} {body}",
                        who.name
                    )
                });
            }
        }
    }
}

/// Every `agency` value anywhere in a report.
fn agencies_named(body: &Value) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![body];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(map) => {
                for (k, v) in map {
                    if k == "agency" {
                        if let Some(a) = v.as_str() {
                            found.push(a.to_owned());
                        }
                    }
                    stack.push(v);
                }
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    found
}

/// `/v1/me/access-log` and `/v1/me/documents`: the caller's own, citizens only.
async fn own_pages(world: &World<'_>, cases: &[Case], tally: &mut Tally) {
    for principal in &world.principals {
        let who = &principal.who;
        for page in ["access-log", "documents"] {
            let (status, body) = world
                .call(principal, Request::get(format!("/v1/me/{page}?limit=200")))
                .await;
            let Kind::Citizen { pin } = &who.kind else {
                let want = if who.is_staff() { 403 } else { 401 };
                tally.see(status == want, || {
                    format!("{} × /v1/me/{page}: {status}", who.name)
                });
                continue;
            };
            let items = body["items"].as_array().cloned().unwrap_or_default();
            let not_theirs: Vec<&Value> = items
                .iter()
                .filter(|item| {
                    if page == "access-log" {
                        let dossier = item["dossier_id"].as_str().unwrap_or_default();
                        !cases.iter().any(|c| c.id == dossier && c.owner == *pin)
                    } else {
                        let id = item["id"].as_str().unwrap_or_default();
                        cases.iter().any(|c| {
                            let held = c.document.as_deref() == Some(id)
                                || c.result.as_deref() == Some(id);
                            let unissued = c.result.as_deref() == Some(id) && !c.result_issued;
                            held && (c.owner != *pin || unissued)
                        })
                    }
                })
                .collect();
            tally.see(status == 200 && not_theirs.is_empty(), || {
                format!(
                    "{} × /v1/me/{page}: {status}, not theirs: {not_theirs:?}",
                    who.name
                )
            });
        }
    }
}

/// `POST /v1/queues/{queue}/claim` for every principal and every queue of the procedures:
/// only who works the queue claims, and only their agency's dossiers.
async fn claims(world: &World<'_>, cases: &[Case], tally: &mut Tally) {
    for proc in &world.procs {
        for (state, spec) in &proc.procedure.spec().workflow.states {
            let Some(role) = spec.worked_by.filter(|_| !spec.is_final) else {
                continue;
            };
            let queue = format!("{}:{state}", proc.procedure.code());
            for principal in &world.principals {
                let who = &principal.who;
                let path = format!("/v1/queues/{queue}/claim");
                let (status, body) = world.call(principal, Request::post(path, Body::None)).await;
                let expected = match &who.kind {
                    Kind::Anonymous => Expect::Status(401, None),
                    Kind::Citizen { .. } => Expect::Status(403, Some("staff_only")),
                    Kind::Staff { .. } if role == Role::Citizen || !who.holds(role) => {
                        Expect::Status(404, Some("queue_not_found"))
                    }
                    Kind::Staff { .. } => Expect::Ok,
                };
                let mut ok = expected.accepts(status, http::code(&body));
                if ok && status == 200 {
                    let id = body["id"].as_str().unwrap_or_default();
                    ok = body["state"] == state.as_str()
                        && cases
                            .iter()
                            .any(|c| c.id == id && c.agency.as_deref() == who.agency());
                }
                tally.see(ok, || {
                    format!(
                        "{} claims {queue}: expected {expected:?}, got {status} {}",
                        who.name,
                        answer_code(&body)
                    )
                });
            }
        }
    }
}

#[tokio::test]
async fn every_principal_gets_exactly_what_the_rules_allow_on_every_dossier() {
    let engine = Engine::start_in_thpt_window().await;
    let started = Instant::now();
    let world = World::new(&engine, &[MINH, THANG, HAN]).await;
    let recipes = recipes(&world);
    let mut cases: Vec<Case> = stream::iter(recipes.iter())
        .map(|r| world.build(r))
        .buffered(4)
        .collect()
        .await;
    let built = started.elapsed();
    let mut tally = Tally::default();

    // Lists and counts, before anything else moves.
    lists_and_counts(&world, &cases, &mut tally).await;
    reports(&world, &mut tally).await;

    let mut checks: Vec<Check> = (0..cases.len())
        .flat_map(|i| checks_for(&world, &cases, i))
        .collect();
    let endpoints = Endpoint::ALL.len();
    let actions: BTreeSet<&str> = world
        .procs
        .iter()
        .flat_map(|p| p.procedure.spec().workflow.actions.iter())
        .map(|a| a.name.as_str())
        .collect();

    // Reads, all at once.
    let (reads, writes): (Vec<Check>, Vec<Check>) = checks
        .drain(..)
        .partition(|c| !c.what.starts_with("action") && is_read(&c.what));
    let answers: Vec<(u16, Value)> = stream::iter(reads.iter())
        .map(|c| run(&world, c))
        .buffered(PARALLEL)
        .collect()
        .await;
    for (check, got) in reads.iter().zip(&answers) {
        let case = &cases[check.case];
        judge(&mut tally, &world, case, check, got);
        // The view's allowed actions are the procedure's, for this principal.
        if check.what == "Get" && got.0 == 200 {
            let who = &world.principals[check.who].who;
            let mut listed: Vec<String> = got.1["allowed_actions"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            listed.sort();
            let want = model::allowed_actions(who, case);
            tally.see(listed == want, || {
                format!(
                    "{} × allowed_actions × {}: {listed:?}, expected {want:?}",
                    who.name, case.label
                )
            });
        }
    }

    // Refusals, on the shared dossiers: each refused call must change nothing.
    let (may_succeed, refused): (Vec<Check>, Vec<Check>) =
        writes.into_iter().partition(|c| c.expect.may_succeed());
    let before: Vec<Value> = stream::iter(cases.iter())
        .map(|c| snapshot(&world, c))
        .buffered(PARALLEL)
        .collect()
        .await;
    let answers: Vec<(u16, Value)> = stream::iter(refused.iter())
        .map(|c| run(&world, c))
        .buffered(PARALLEL)
        .collect()
        .await;
    for (check, got) in refused.iter().zip(&answers) {
        judge(&mut tally, &world, &cases[check.case], check, got);
    }
    let after: Vec<Value> = stream::iter(cases.iter())
        .map(|c| snapshot(&world, c))
        .buffered(PARALLEL)
        .collect()
        .await;
    for ((case, b), a) in cases.iter().zip(&before).zip(&after) {
        tally.see(b == a, || {
            format!(
                "refused calls changed {}: before {b}, after {a}",
                case.label
            )
        });
    }

    // What may succeed, each on a fresh dossier made the same way.
    let fresh: Vec<(Case, (u16, Value))> = stream::iter(may_succeed.iter())
        .map(|check| {
            let world = &world;
            let recipe = &recipes[check.case];
            let cases = &cases;
            async move {
                let mut case = world.build(recipe).await;
                case.label = format!("fresh {}", case.label);
                let who = &world.principals[check.who].who;
                let request = if let Some(name) = check.what.strip_prefix("action ") {
                    Request::post(
                        format!("/v1/dossiers/{}/actions/{name}", case.id),
                        action_body(),
                    )
                } else {
                    let endpoint = Endpoint::ALL
                        .into_iter()
                        .find(|e| format!("{e:?}") == check.what)
                        .expect("an endpoint");
                    request(&case, who, endpoint, cases)
                };
                let got = world.call(&world.principals[check.who], request).await;
                (case, got)
            }
        })
        .buffered(PARALLEL / 2)
        .collect()
        .await;
    let succeeded = may_succeed.len();
    for (check, (mut case, got)) in may_succeed.iter().zip(fresh) {
        judge(&mut tally, &world, &case, check, &got);
        // What the lists and stores below must now show of it.
        let name = check.what.strip_prefix("action ").unwrap_or_default();
        if let Some(action) = case.procedure.action_from(&case.state, name).cloned() {
            if got.0 == 200 {
                build::take(&mut case, &action);
            }
        }
        cases.push(case);
    }

    own_pages(&world, &cases, &mut tally).await;
    claims(&world, &cases, &mut tally).await;

    let principals = world.principals.len();
    let dossiers = recipes.len();
    eprintln!(
        "authorisation matrix: {principals} principals × ({endpoints} endpoints + {} actions) × \
         {dossiers} dossiers; {} checks ({} on fresh dossiers) in {:.1} s (setup {:.1} s)",
        actions.len() + 1,
        tally.checks,
        succeeded,
        started.elapsed().as_secs_f64(),
        built.as_secs_f64()
    );
    // Every principal was checked against every dossier on every endpoint: a model that
    // skipped cells would pass with nothing checked.
    assert!(
        tally.checks >= principals * dossiers * endpoints,
        "only {} checks for {principals} principals × {dossiers} dossiers × {endpoints} endpoints",
        tally.checks
    );
    assert!(
        tally.wrong.is_empty(),
        "{} of {} checks wrong:\n{}",
        tally.wrong.len(),
        tally.checks,
        tally.wrong.join("\n")
    );
}

fn is_read(what: &str) -> bool {
    Endpoint::ALL
        .into_iter()
        .any(|e| e.reads() && format!("{e:?}") == what)
}
