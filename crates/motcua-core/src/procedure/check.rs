//! The checks a procedure must pass before it is loaded (`motcua procedures check`): those
//! the meta-schema cannot express — the workflow is a sound state machine, deadlines fit
//! the legal limit, prefill names real register fields, sensitive data has a purpose.

use super::spec::{ProcedureSpec, TimeUnit};
use super::Problem;
use serde_json::Value;
use std::collections::{BTreeSet, HashSet, VecDeque};

/// Register fields a form may prefill (docs/ARCHITECTURE.md, "The register API").
const REGISTER_FIELDS: &[&str] = &[
    "pin",
    "full_name",
    "birth_date",
    "sex",
    "ethnicity",
    "religion",
    "nationality",
    "birth_place",
    "hometown",
    "permanent_address",
    "permanent_address.province_code",
    "permanent_address.commune_code",
    "permanent_address.detail",
    "permanent_address.text",
    "current_address",
    "current_address.province_code",
    "current_address.commune_code",
    "current_address.detail",
    "current_address.text",
    "household_head_pin",
    "relation_to_head",
    "id_card",
    "id_card.number",
    "id_card.issued_on",
    "id_card.expires_on",
    "father",
    "father.pin",
    "father.full_name",
    "mother",
    "mother.pin",
    "mother.full_name",
    "status",
    "residence_history",
];

/// Sensitive personal data (Luật BVDLCN 2025): read only with a declared purpose.
const SENSITIVE_FIELDS: &[&str] = &["ethnicity", "religion"];

/// Every problem of the (meta-schema-valid) spec, in no particular order.
pub fn check(source: &str, spec: &ProcedureSpec) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut problem = |pointer: String, message: String| {
        problems.push(Problem {
            source: source.to_owned(),
            pointer,
            message,
        })
    };
    let workflow = &spec.workflow;
    let states = &workflow.states;

    if !states.contains_key(&workflow.initial) {
        problem(
            "/workflow/initial".into(),
            format!("initial state {:?} is not a state", workflow.initial),
        );
    }
    if states.get(&workflow.initial).is_some_and(|s| s.is_final) {
        problem(
            "/workflow/initial".into(),
            "the initial state cannot be final".into(),
        );
    }
    for (i, action) in workflow.actions.iter().enumerate() {
        for (j, from) in action.from.iter().enumerate() {
            if !states.contains_key(from) {
                problem(
                    format!("/workflow/actions/{i}/from/{j}"),
                    format!("{from:?} is not a state"),
                );
            } else if states.get(from).is_some_and(|s| s.is_final) {
                problem(
                    format!("/workflow/actions/{i}/from/{j}"),
                    format!("{from:?} is final: nothing leaves it"),
                );
            }
        }
        if !states.contains_key(&action.to) {
            problem(
                format!("/workflow/actions/{i}/to"),
                format!("{:?} is not a state", action.to),
            );
        }
    }
    let mut names = HashSet::new();
    for (i, action) in workflow.actions.iter().enumerate() {
        for from in &action.from {
            if !names.insert((action.name.as_str(), from.as_str())) {
                problem(
                    format!("/workflow/actions/{i}/name"),
                    format!("action {:?} is declared twice from {from:?}", action.name),
                );
            }
        }
    }

    // Reachable from the initial state.
    let reachable = walk(&workflow.initial, |state| {
        workflow
            .actions
            .iter()
            .filter(|a| a.from.iter().any(|f| f == state))
            .map(|a| a.to.clone())
            .collect()
    });
    for name in states.keys() {
        if !reachable.contains(name) {
            problem(
                format!("/workflow/states/{name}"),
                format!(
                    "state {name:?} cannot be reached from {:?}",
                    workflow.initial
                ),
            );
        }
    }
    // Every non-final state can reach a final one: walk backwards from the final states.
    let finals: Vec<&String> = states
        .iter()
        .filter(|(_, s)| s.is_final)
        .map(|(n, _)| n)
        .collect();
    if finals.is_empty() {
        problem(
            "/workflow/states".into(),
            "no final state: a dossier could never finish".into(),
        );
    }
    let mut can_finish: BTreeSet<String> = BTreeSet::new();
    for f in &finals {
        can_finish.extend(walk(f, |state| {
            workflow
                .actions
                .iter()
                .filter(|a| a.to == state)
                .flat_map(|a| a.from.iter().cloned())
                .collect()
        }));
    }
    for (name, state) in states {
        if !state.is_final && !can_finish.contains(name) {
            problem(
                format!("/workflow/states/{name}"),
                format!("from state {name:?} no final state can be reached"),
            );
        }
    }

    // Step shares fit the legal limit.
    let shares: f64 = states.values().filter_map(|s| s.share).sum();
    if shares > 1.0 + 1e-9 {
        problem(
            "/workflow/states".into(),
            format!("the steps' shares add up to {shares:.2}, more than the whole time limit"),
        );
    }
    let limit_hours = match spec.time_limit.unit {
        TimeUnit::WorkingHours => Some(spec.time_limit.amount),
        TimeUnit::WorkingDays => Some(spec.time_limit.amount.saturating_mul(8)),
        TimeUnit::Days | TimeUnit::Months => None,
    };
    for (name, state) in states {
        let Some(step) = &state.limit else { continue };
        let step_hours = step
            .working_hours
            .or(step.working_days.map(|d| d.saturating_mul(8)));
        if let (Some(step_hours), Some(limit_hours)) = (step_hours, limit_hours) {
            if step_hours > limit_hours && state.status != 1 {
                problem(
                    format!("/workflow/states/{name}/limit"),
                    format!(
                        "{step_hours} working hours exceed the procedure's limit of {limit_hours}"
                    ),
                );
            }
        }
    }

    // Prefill names real register fields; sensitive ones need a declared purpose.
    let mut prefills = Vec::new();
    collect_prefills(&spec.form, "/form", &mut prefills);
    for (pointer, field) in &prefills {
        if !REGISTER_FIELDS.contains(&field.as_str()) {
            problem(
                format!("{pointer}/x-prefill"),
                format!("{field:?} is not a register field"),
            );
        }
    }
    let sensitive = prefills
        .iter()
        .any(|(_, f)| SENSITIVE_FIELDS.contains(&f.as_str()));
    if sensitive
        && spec
            .register_purpose
            .as_deref()
            .is_none_or(|p| p.trim().is_empty())
    {
        problem(
            "/register_purpose".into(),
            "the form reads sensitive register data (ethnicity or religion): say why in register_purpose".into(),
        );
    }

    // Once-only: nothing the register holds is asked of the citizen.
    for (pointer, field) in undeclared_register_fields(&spec.form) {
        problem(
            format!("/form{pointer}"),
            format!("asks the citizen for {field:?}, which the population register holds: prefill it with \"x-prefill\""),
        );
    }
    for (i, doc) in spec.documents.iter().enumerate() {
        if let Some(paper) = abolished_paper(&doc.key, &doc.name) {
            let replaced = matches!(
                doc.replaced_by,
                Some(super::spec::ReplacedBy::RegisterField(_))
            );
            if !doc.fallback && !replaced {
                problem(
                    format!("/documents/{i}"),
                    format!(
                        "requires {paper}, which the population register replaces; ask for it only as \"fallback\": true or \"replaced_by\": {{\"register_field\": …}}, when the register cannot answer"
                    ),
                );
            }
        }
    }

    let mut keys = HashSet::new();
    for (i, doc) in spec.documents.iter().enumerate() {
        if !keys.insert(doc.key.as_str()) {
            problem(
                format!("/documents/{i}/key"),
                format!("document key {:?} is used twice", doc.key),
            );
        }
        if let Some(condition) = &doc.required_when {
            match super::documents::Condition::parse(condition) {
                Err(why) => problem(format!("/documents/{i}/required_when"), why),
                Ok(c) if !form_has(&spec.form, &c.pointer) => problem(
                    format!("/documents/{i}/required_when"),
                    format!("the form has no field {}", c.pointer),
                ),
                Ok(_) => {}
            }
        }
        if let Some(super::spec::ReplacedBy::RegisterField(field)) = &doc.replaced_by {
            let top = field.split('.').next().unwrap_or(field);
            if !REGISTER_FIELDS.contains(&top) {
                problem(
                    format!("/documents/{i}/replaced_by/register_field"),
                    format!("{field:?} is not a register field"),
                );
            }
        }
    }
    for (i, fee) in spec.fees.iter().enumerate() {
        for (j, exemption) in fee.exemptions.iter().enumerate() {
            let pointer = format!("/fees/{i}/exemptions/{j}/when");
            match super::documents::Condition::parse(&exemption.when) {
                Err(why) => problem(pointer, why),
                Ok(c) if !form_has(&spec.form, &c.pointer) => {
                    problem(pointer, format!("the form has no field {}", c.pointer))
                }
                Ok(_) => {}
            }
        }
        // A fee due at a moment the workflow never reaches would never be asked for.
        let effect = match fee.due {
            super::spec::FeeDue::BeforeSubmission => None,
            super::spec::FeeDue::AtReception => Some(super::spec::Effect::Receipt),
            super::spec::FeeDue::AtResult => Some(super::spec::Effect::ResultToStore),
        };
        if let Some(effect) = effect {
            if !workflow.actions.iter().any(|a| a.has(effect)) {
                problem(
                    format!("/fees/{i}/due"),
                    format!(
                        "the fee is due {} but no workflow action has the effect that makes it due",
                        fee.due.as_str()
                    ),
                );
            }
        }
        if fee.amount_vnd > 0 && fee.name.is_none() {
            problem(
                format!("/fees/{i}/name"),
                "a fee to pay needs its name (TenPhiLePhi), shown on the bill and the receipt"
                    .into(),
            );
        }
    }
    for (i, action) in workflow.actions.iter().enumerate() {
        if action.has(super::spec::Effect::ExtendDeadline) && spec.time_limit.extension.is_none() {
            problem(
                format!("/workflow/actions/{i}/effects"),
                "extend_deadline needs time_limit.extension: how much the law allows, and when"
                    .into(),
            );
        }
    }
    let mut agencies = HashSet::new();
    for (i, agency) in spec.agencies.iter().enumerate() {
        if !agencies.insert(agency.id.as_str()) {
            problem(
                format!("/agencies/{i}/id"),
                format!("agency {:?} is listed twice", agency.id),
            );
        }
    }
    for (i, rule) in spec.rules.iter().enumerate() {
        if crate::rules::rule(rule).is_none() {
            problem(
                format!("/rules/{i}"),
                format!("no rule named {rule:?} is implemented"),
            );
        }
    }
    for (i, derived) in spec.derived.iter().enumerate() {
        match crate::rules::derivation(&derived.rule) {
            None => problem(
                format!("/derived/{i}/rule"),
                format!("no derivation named {:?} is implemented", derived.rule),
            ),
            Some(derivation) => {
                let sensitive: Vec<&str> = derivation
                    .reads
                    .iter()
                    .copied()
                    .filter(|f| SENSITIVE_FIELDS.contains(f))
                    .collect();
                if !sensitive.is_empty() && spec.register_purpose.is_none() {
                    problem(
                        format!("/derived/{i}/rule"),
                        format!(
                            "{:?} reads sensitive data ({}): declare register_purpose",
                            derived.rule,
                            sensitive.join(", ")
                        ),
                    );
                }
            }
        }
        if !form_has(&spec.form, &derived.pointer) {
            problem(
                format!("/derived/{i}/pointer"),
                format!("the form has no field at {:?}", derived.pointer),
            );
        }
    }
    if let Some(window) = &spec.open {
        if window.from >= window.until {
            problem("/open".into(), "the window closes before it opens".into());
        }
    }
    problems
}

/// Whether the form schema has a property at `pointer` (through `properties`).
fn form_has(form: &Value, pointer: &str) -> bool {
    pointer
        .split('/')
        .skip(1)
        .try_fold(form, |schema, name| schema.get("properties")?.get(name))
        .is_some()
}

/// Form property names that mean a datum the register holds, and that datum.
const REGISTER_HELD_NAMES: &[(&str, &str)] = &[
    ("full_name", "full_name"),
    ("ho_ten", "full_name"),
    ("birth_date", "birth_date"),
    ("date_of_birth", "birth_date"),
    ("ngay_sinh", "birth_date"),
    ("sex", "sex"),
    ("gender", "sex"),
    ("gioi_tinh", "sex"),
    ("ethnicity", "ethnicity"),
    ("dan_toc", "ethnicity"),
    ("religion", "religion"),
    ("ton_giao", "religion"),
    ("nationality", "nationality"),
    ("quoc_tich", "nationality"),
    ("birth_place", "birth_place"),
    ("place_of_birth", "birth_place"),
    ("noi_sinh", "birth_place"),
    ("hometown", "hometown"),
    ("que_quan", "hometown"),
    ("pin", "pin"),
    ("so_dinh_danh", "pin"),
    ("permanent_address", "permanent_address"),
    ("thuong_tru", "permanent_address"),
    ("household_head_pin", "household_head_pin"),
    ("relation_to_head", "relation_to_head"),
];

/// Papers the register replaces (Luật Cư trú 2020, NĐ 104/2022; the ID card since 2026):
/// the household book, the temporary-residence book, a copy of the ID card.
const ABOLISHED_PAPERS: &[(&str, &str)] = &[
    ("ho-khau", "a household book (sổ hộ khẩu)"),
    ("hộ khẩu", "a household book (sổ hộ khẩu)"),
    ("household", "a household book (sổ hộ khẩu)"),
    ("tam-tru", "a residence book (sổ tạm trú)"),
    ("tạm trú", "a residence book (sổ tạm trú)"),
    ("residence book", "a residence book (sổ tạm trú)"),
    ("residence-book", "a residence book (sổ tạm trú)"),
    ("cccd", "a copy of the ID card"),
    ("cmnd", "a copy of the ID card"),
    ("căn cước", "a copy of the ID card"),
    ("chứng minh nhân dân", "a copy of the ID card"),
    ("id-card", "a copy of the ID card"),
    ("id card", "a copy of the ID card"),
];

fn abolished_paper(key: &str, name: &str) -> Option<&'static str> {
    let text = format!("{} {}", key.to_lowercase(), name.to_lowercase());
    ABOLISHED_PAPERS
        .iter()
        .find(|(needle, _)| text.contains(needle))
        .map(|(_, paper)| *paper)
}

/// (data pointer, register datum) of every form field that asks the citizen for something
/// the register holds without prefilling it.
pub fn undeclared_register_fields(form: &Value) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    undeclared(form, "", &mut out);
    out
}

fn undeclared(schema: &Value, pointer: &str, out: &mut Vec<(String, &'static str)>) {
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    for (name, child) in properties {
        let child_pointer = format!("{pointer}/{name}");
        let mut prefilled_below = Vec::new();
        collect_prefills(child, "", &mut prefilled_below);
        if prefilled_below.is_empty() {
            if let Some((_, datum)) = REGISTER_HELD_NAMES.iter().find(|(n, _)| n == name) {
                out.push((child_pointer.clone(), *datum));
                continue;
            }
        }
        undeclared(child, &child_pointer, out);
    }
}

fn walk(start: &str, next: impl Fn(&str) -> Vec<String>) -> BTreeSet<String> {
    let mut seen = BTreeSet::from([start.to_owned()]);
    let mut queue = VecDeque::from([start.to_owned()]);
    while let Some(state) = queue.pop_front() {
        for n in next(&state) {
            if seen.insert(n.clone()) {
                queue.push_back(n);
            }
        }
    }
    seen
}

/// (pointer of the schema node, register field) for every `x-prefill` in the form.
pub fn collect_prefills(schema: &Value, pointer: &str, out: &mut Vec<(String, String)>) {
    match schema {
        Value::Object(members) => {
            if let Some(field) = members.get("x-prefill") {
                out.push((
                    pointer.to_owned(),
                    field.as_str().unwrap_or_default().to_owned(),
                ));
            }
            for (name, value) in members {
                let token = name.replace('~', "~0").replace('/', "~1");
                collect_prefills(value, &format!("{pointer}/{token}"), out);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect_prefills(item, &format!("{pointer}/{i}"), out);
            }
        }
        _ => {}
    }
}
