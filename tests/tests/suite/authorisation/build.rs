//! The principals (the simulator's accounts, logged in) and the dossiers of the matrix, put
//! into each state of each procedure's workflow by the shortest way the procedure allows,
//! each step taken by someone who holds its role.

use super::http::{code, jpeg, pdf, send, Body, Request};
use super::model::{Case, Kind, Who, DRAFT};
use motcua_core::procedure::{Action, Effect, Needs, Procedure, Role};
use motcua_sim::{accounts, AccountKind};
use motcua_tests::{login, Engine};
use serde_json::{json, Value};
use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

pub struct Principal {
    pub who: Who,
    pub token: Option<String>,
}

/// A procedure the matrix makes dossiers of, and what a filled draft of it holds.
pub struct Proc {
    pub procedure: Arc<Procedure>,
    pub data: Value,
    /// The agency the filled draft goes to.
    pub agency: String,
    /// A document requirement taking JPEG scans.
    pub requirement: String,
}

#[derive(Debug, Clone)]
pub enum Setup {
    Draft,
    Counter,
    State(String),
    /// In a state, handed by a supervisor to this staff member.
    Held(String, String),
}

#[derive(Debug, Clone)]
pub struct Recipe {
    pub proc: usize,
    pub owner: String,
    pub setup: Setup,
}

pub struct World<'e> {
    pub engine: &'e Engine,
    pub client: reqwest::Client,
    pub principals: Vec<Principal>,
    pub procs: Vec<Proc>,
}

/// The body every action is sent with: reasons, items and a new date, so that only who may
/// act, and from which state, decides the answer.
pub fn action_body() -> Body {
    Body::Json(json!({
        "comment": "Lý do kiểm tra phân quyền",
        "data": { "items": ["Số hiệu văn bằng"], "new_due_date": "2025-05-13" }
    }))
}

fn load(code: &str) -> Arc<Procedure> {
    let path = motcua_tests::workspace_root().join(format!("procedures/{code}.json"));
    let json = std::fs::read_to_string(&path).expect("the procedure file");
    Arc::new(Procedure::parse(&path.to_string_lossy(), &json).expect("a valid procedure"))
}

/// The shortest sequence of actions from `from` to `to`, in the file's order of actions.
pub fn path(procedure: &Procedure, from: &str, to: &str) -> Vec<Action> {
    let mut came: BTreeMap<String, (String, Action)> = BTreeMap::new();
    let mut queue = VecDeque::from([from.to_owned()]);
    while let Some(state) = queue.pop_front() {
        if state == to {
            break;
        }
        for action in procedure.actions_from(&state) {
            if action.to != from && !came.contains_key(&action.to) {
                came.insert(action.to.clone(), (state.clone(), action.clone()));
                queue.push_back(action.to.clone());
            }
        }
    }
    let mut steps = Vec::new();
    let mut at = to.to_owned();
    while at != from {
        let (previous, action) = came
            .get(&at)
            .unwrap_or_else(|| panic!("{} cannot reach {to}", procedure.code()))
            .clone();
        steps.push(action);
        at = previous;
    }
    steps.reverse();
    steps
}

impl<'e> World<'e> {
    pub async fn new(engine: &'e Engine, citizens: &[&str]) -> World<'e> {
        let mut principals = vec![
            Principal {
                who: Who {
                    name: "(no token)".into(),
                    kind: Kind::Anonymous,
                },
                token: None,
            },
            Principal {
                who: Who {
                    name: "(forged token)".into(),
                    kind: Kind::Anonymous,
                },
                token: Some("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.bm90LWEtc2lnbmF0dXJl".into()),
            },
        ];
        for pin in citizens {
            let session = login(engine, "citizen", pin).await;
            principals.push(Principal {
                who: Who {
                    name: (*pin).to_owned(),
                    kind: Kind::Citizen {
                        pin: (*pin).to_owned(),
                    },
                },
                token: Some(session.token),
            });
        }
        // Every named staff account: each role of the dossiers' agencies, and other agencies.
        for account in accounts() {
            let AccountKind::Staff { roles, agency } = account.kind else {
                continue;
            };
            let session = login(engine, "staff", account.username).await;
            principals.push(Principal {
                who: Who {
                    name: account.username.to_owned(),
                    kind: Kind::Staff {
                        agency: agency.to_owned(),
                        roles: roles.iter().map(|r| (*r).to_owned()).collect(),
                    },
                },
                token: Some(session.token),
            });
        }
        // The desk clerks outside the matrix that dossiers are handed to: a dossier goes only
        // to staff the engine knows, and it learns them from their logins (issue 25).
        for clerk in super::model::OUTSIDE_CLERKS {
            login(engine, "staff", clerk).await;
        }
        let mut thpt_data = motcua_tests::dossiers::thpt_data();
        thpt_data["receiving_agency"] = json!("THPT-HN-CVA");
        let procs = vec![
            Proc {
                procedure: load(motcua_tests::dossiers::COPY),
                data: motcua_tests::dossiers::copy_data(),
                agency: "SGDDT-HN".into(),
                requirement: "id-card-copy".into(),
            },
            Proc {
                procedure: load("1.005142"),
                data: thpt_data,
                agency: "THPT-HN-CVA".into(),
                requirement: "photo".into(),
            },
        ];
        World {
            engine,
            client: reqwest::Client::new(),
            principals,
            procs,
        }
    }

    pub fn principal(&self, name: &str) -> &Principal {
        self.principals
            .iter()
            .find(|p| p.who.name == name)
            .unwrap_or_else(|| panic!("no principal {name}"))
    }

    /// Staff of `agency` holding `role`.
    fn staff_with(&self, agency: &str, role: Role) -> Option<&Principal> {
        self.principals
            .iter()
            .find(|p| p.who.agency() == Some(agency) && p.who.holds(role))
    }

    /// Who takes `action` on the way: the citizen for a citizen's action, otherwise staff of
    /// the agency holding one of its roles.
    fn actor(&self, action: &Action, owner: &str, agency: &str) -> &Principal {
        if action.roles.contains(&Role::Citizen) {
            return self.principal(owner);
        }
        action
            .roles
            .iter()
            .find_map(|r| self.staff_with(agency, *r))
            .unwrap_or_else(|| panic!("nobody of {agency} may {}", action.name))
    }

    pub async fn call(&self, who: &Principal, request: Request) -> (u16, Value) {
        send(self.engine, &self.client, who.token.as_deref(), &request).await
    }

    /// Like [`World::call`], for a step of the setup: anything but `status` stops the test.
    async fn step(&self, who: &Principal, request: Request, status: u16) -> Value {
        let what = format!("{} {}", request.method, request.path);
        let (got, body) = self.call(who, request).await;
        assert_eq!(got, status, "setup: {} {what}: {body}", who.who.name);
        body
    }

    async fn upload(&self, who: &Principal, id: &str, requirement: &str) -> String {
        let request = Request {
            method: reqwest::Method::PUT,
            path: format!("/v1/dossiers/{id}/documents/{requirement}"),
            body: Body::Bytes("image/jpeg", jpeg()),
        };
        let body = self.step(who, request, 201).await;
        body["id"].as_str().expect("a document id").to_owned()
    }

    /// A dossier made as `recipe` says.
    pub async fn build(&self, recipe: &Recipe) -> Case {
        let proc = &self.procs[recipe.proc];
        let code = proc.procedure.code().to_owned();
        let owner = self.principal(&recipe.owner);
        let counter = matches!(recipe.setup, Setup::Counter);
        let (maker, created) = if counter {
            let clerk = self
                .staff_with(&proc.agency, Role::DeskClerk)
                .expect("a desk clerk");
            let body = json!({ "procedure": code, "citizen": recipe.owner });
            let request = Request::post("/v1/counter/dossiers".into(), Body::Json(body));
            (clerk, self.step(clerk, request, 201).await)
        } else {
            let body = json!({ "procedure": code });
            let request = Request::post("/v1/dossiers".into(), Body::Json(body));
            (owner, self.step(owner, request, 201).await)
        };
        let id = created["id"].as_str().expect("an id").to_owned();
        let filled = Request {
            method: reqwest::Method::PATCH,
            path: format!("/v1/dossiers/{id}"),
            body: Body::MergePatch(proc.data.clone()),
        };
        self.step(maker, filled, 200).await;
        let document = self.upload(maker, &id, &proc.requirement).await;
        let mut case = Case {
            label: String::new(),
            id: id.clone(),
            procedure: proc.procedure.clone(),
            owner: recipe.owner.clone(),
            agency: counter.then(|| proc.agency.clone()),
            state: DRAFT.into(),
            counter,
            assigned_to: None,
            clock_started: false,
            clock_paused: false,
            taken: Vec::new(),
            requirement: proc.requirement.clone(),
            document: Some(document),
            result: None,
            result_issued: false,
            receipt: false,
        };
        let (target, holder) = match &recipe.setup {
            Setup::Draft | Setup::Counter => {
                case.label = format!("{code} {:?} of {}", recipe.setup, recipe.owner);
                return case;
            }
            Setup::State(s) => (s.clone(), None),
            Setup::Held(s, by) => (s.clone(), Some(by.clone())),
        };
        let submit = Request::post(format!("/v1/dossiers/{id}/submit"), Body::None);
        self.step(owner, submit, 200).await;
        case.agency = Some(proc.agency.clone());
        case.state = proc.procedure.initial_state().to_owned();
        for action in path(&proc.procedure, &case.state.clone(), &target) {
            let actor = self.actor(&action, &recipe.owner, &proc.agency);
            if action.needs(Needs::ResultDocument) && case.result.is_none() {
                self.attach_result(&mut case, actor).await;
            }
            let request = Request::post(
                format!("/v1/dossiers/{id}/actions/{}", action.name),
                action_body(),
            );
            let answer = self.step(actor, request, 200).await;
            assert_eq!(answer["state"], action.to.as_str());
            take(&mut case, &action);
        }
        // A dossier waiting for its result to be issued has it attached.
        let issued_here = case
            .procedure
            .actions_from(&case.state)
            .find(|a| a.needs(Needs::ResultDocument))
            .cloned();
        if let Some(issue) = issued_here {
            let actor = self.actor(&issue, &recipe.owner, &proc.agency);
            self.attach_result(&mut case, actor).await;
        }
        if let Some(by) = holder {
            let supervisor = self
                .staff_with(&proc.agency, Role::Supervisor)
                .expect("a supervisor");
            let request = Request::post(
                format!("/v1/dossiers/{id}/assign"),
                Body::Json(json!({ "to": by })),
            );
            self.step(supervisor, request, 200).await;
            case.assigned_to = Some(by.clone());
            case.label = format!("{code} {target} held by {by}");
        } else {
            case.label = format!("{code} {target} of {}", recipe.owner);
        }
        case
    }

    async fn attach_result(&self, case: &mut Case, actor: &Principal) {
        let request = Request {
            method: reqwest::Method::PUT,
            path: format!("/v1/dossiers/{}/results/KQ-{}", case.id, &case.id[..8]),
            body: Body::Bytes("application/pdf", pdf()),
        };
        let body = self.step(actor, request, 201).await;
        case.result = Some(body["id"].as_str().expect("a result id").to_owned());
    }
}

/// What an action taken on the way does to what the test knows.
pub fn take(case: &mut Case, action: &Action) {
    case.taken.push(action.name.clone());
    case.state = action.to.clone();
    case.assigned_to = None;
    case.clock_started |= action.has(Effect::StartClock);
    case.receipt |= action.has(Effect::Receipt);
    case.result_issued |= action.has(Effect::ResultToStore) && case.result.is_some();
    if action.has(Effect::PauseClock) {
        case.clock_paused = true;
    }
    if action.has(Effect::ResumeClock) {
        case.clock_paused = false;
    }
}

/// The problem code of an answer, for messages.
pub fn answer_code(body: &Value) -> String {
    code(body).unwrap_or("-").to_owned()
}
