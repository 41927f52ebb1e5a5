//! Drafts: a citizen opens one online, or a desk clerk takes one at the one-stop desk on a
//! citizen's behalf; either way the population register fills what it knows and locks it
//! (docs/DOMAIN.md, "The population register instead of papers"). Until it is submitted the
//! draft is filled in by merge patches and may be filled from the register again.

use crate::checks::{citizen_pin, current_procedure, field_problems};
use crate::error::{FieldProblem, Said, ServiceError};
use crate::idempotency::{self, Answered};
use crate::lookup::{find_visible, full_view, lock_visible, procedure_of, view};
use crate::register::{self, Reason, Unanswered};
use crate::store::dossiers::{CounterIntake, DraftData, NewDraft};
use crate::store::events::NewEvent;
use crate::time::in_vietnam;
use crate::view::DossierView;
use crate::{Code, Services};
use motcua_core::access;
use motcua_core::dossier::{Dossier, DRAFT};
use motcua_core::pin::Pin;
use motcua_core::principal::Principal;
use motcua_core::procedure::{Procedure, Role};
use serde_json::{json, Map, Value};
use uuid::Uuid;

/// The status a created draft is answered with, and replayed with under the same key.
const CREATED: u16 = 201;

/// A citizen's request for a draft of their own.
pub struct NewOnlineDraft<'a> {
    /// The procedure code, e.g. `1.005142`.
    pub procedure: &'a str,
    /// After a `not_in_register` answer: create the draft anyway, without prefill; the
    /// procedure's fallback documents are then required and the clerk checks them.
    pub register_fallback: bool,
    /// The request's `Idempotency-Key`.
    pub key: Option<String>,
}

/// A desk clerk's request for a counter draft on a citizen's behalf.
pub struct NewCounterDraft<'a> {
    /// The procedure code, e.g. `3.000465`.
    pub procedure: &'a str,
    /// The citizen's personal identification number (số định danh cá nhân), as typed.
    pub citizen: &'a str,
    /// The register does not know the person: take the dossier with the fallback documents.
    pub register_fallback: bool,
    /// The request's `Idempotency-Key`.
    pub key: Option<String>,
}

/// A citizen opens a draft of a procedure for themself, if their account's assurance level
/// is high enough for it. The answer is the draft's view, as JSON (the body a replay gives).
pub async fn create(
    services: &Services,
    principal: &Principal,
    request: NewOnlineDraft<'_>,
) -> Result<Answered<Value>, ServiceError> {
    let pin = citizen_pin(principal)?;
    let procedure = current_procedure(services, request.procedure)?;
    if let Principal::Citizen {
        assurance_level, ..
    } = principal
    {
        if *assurance_level < procedure.assurance_level() {
            return Err(ServiceError::new(
                Code::AssuranceLevelTooLow,
                format!(
                    "procedure {} needs a level-{} VNeID account (yours is level {}); \
                     have your account verified to level 2 at the police (công an) or in the VNeID app",
                    procedure.code(),
                    procedure.assurance_level(),
                    assurance_level
                ),
            )
            .in_vietnamese(format!(
                "Thủ tục “{}” cần tài khoản định danh điện tử mức độ {} (tài khoản của bạn mức \
                 độ {}). Hãy xác thực tài khoản lên mức độ 2 tại cơ quan Công an hoặc trên ứng \
                 dụng VNeID, rồi đăng nhập lại.",
                procedure.spec().name.vi,
                procedure.assurance_level(),
                assurance_level
            )));
        }
    }
    let opening = Opening {
        key: request.key,
        route: "POST /v1/dossiers",
        procedure,
        pin,
        counter: None,
        register_fallback: request.register_fallback,
    };
    open_draft(services, principal, opening).await
}

/// A desk clerk takes a dossier at the counter: the draft is the agency's (channel
/// `counter`), of a procedure it receives there, and the clerk fills it, records the paper
/// received and its scans, and submits it into the same flow.
pub async fn take_at_counter(
    services: &Services,
    principal: &Principal,
    request: NewCounterDraft<'_>,
) -> Result<Answered<Value>, ServiceError> {
    let agency = match principal {
        Principal::Staff { agency, .. } if principal.holds(Role::DeskClerk) => agency,
        _ => {
            return Err(ServiceError::new(
                Code::DeskClerksOnly,
                "dossiers are taken at the counter by a desk clerk",
            ))
        }
    };
    let pin = Pin::parse(request.citizen).map_err(|_| {
        ServiceError::validation(
            "not a personal identification number",
            vec![FieldProblem::new(
                "/citizen",
                "12 digits: province, century and sex, year, serial",
            )
            .said(Said::new(
                "Số định danh cá nhân",
                "Gồm đúng 12 chữ số: mã tỉnh, thế kỷ và giới tính, năm sinh, số ngẫu nhiên.",
            ))],
        )
    })?;
    let procedure = current_procedure(services, request.procedure)?;
    if !procedure.spec().channels.iter().any(|c| c == "counter") {
        return Err(ServiceError::new(
            Code::ChannelNotOffered,
            format!("procedure {} is not taken at the counter", procedure.code()),
        ));
    }
    if !procedure.spec().agencies.iter().any(|a| a.id == *agency) {
        return Err(ServiceError::new(
            Code::AgencyNotReceiving,
            format!(
                "your agency does not receive procedure {}",
                procedure.code()
            ),
        ));
    }
    let opening = Opening {
        key: request.key,
        route: "POST /v1/counter/dossiers",
        procedure,
        pin: &pin,
        counter: Some(CounterIntake {
            agency_id: agency,
            clerk: principal.subject(),
        }),
        register_fallback: request.register_fallback,
    };
    open_draft(services, principal, opening).await
}

/// What a draft is opened with.
struct Opening<'a> {
    key: Option<String>,
    /// The request's method and path, part of the key's fingerprint.
    route: &'a str,
    procedure: &'a Procedure,
    pin: &'a Pin,
    counter: Option<CounterIntake<'a>>,
    register_fallback: bool,
}

/// Opens a draft of `procedure` for the citizen `pin`: reads the register once (recorded
/// with the actor and purpose), fills and locks what it gives, and stores the draft with
/// its `create_draft` event. A citizen opens their own; a desk clerk opens a counter one.
async fn open_draft(
    services: &Services,
    principal: &Principal,
    opening: Opening<'_>,
) -> Result<Answered<Value>, ServiceError> {
    let Opening {
        key,
        route,
        procedure,
        pin,
        counter,
        register_fallback,
    } = opening;
    let request = json!({
        "procedure": procedure.code(), "citizen": pin.as_str(), "register_fallback": register_fallback,
    });
    // A replayed request must not read the register again.
    if let Some(replay) = idempotency::peek(
        &mut *services.store.session().await?,
        principal,
        key.as_deref(),
        route,
        &request,
    )
    .await?
    {
        return Ok(Answered::Replayed(replay));
    }

    // The register is read before the transaction: no connection is held across a call to
    // another system, and the read is recorded even when no draft comes of it.
    let id = Uuid::now_v7();
    let reason = if counter.is_some() {
        Reason::CounterIntake
    } else {
        Reason::DraftCreation
    };
    let read = register::read(services, principal, procedure, pin, id, reason).await?;
    let mut data = json!({});
    let mut provenance = Map::new();
    let (flags, register_outcome) = match read {
        Ok(resident) => {
            resident.fill(
                procedure,
                in_vietnam(services.clock.now()).date_naive(),
                &mut data,
                &mut provenance,
            );
            let flags =
                register::flags_after(Vec::new(), resident.under_review(), &provenance, &data);
            (
                flags,
                json!({ "outcome": if resident.under_review() { "under_review" } else { "ok" },
                            "request_id": resident.request_id() }),
            )
        }
        Err(Unanswered::NotInRegister) if register_fallback => (
            vec![register::FLAG_NOT_IN_REGISTER.to_owned()],
            json!({ "outcome": "not_found" }),
        ),
        Err(unanswered) => return Err(unanswered.into_problem(procedure)),
    };

    let mut tx = services.store.begin().await?;
    let claimed = match idempotency::claim(&mut *tx, principal, key, route, &request).await? {
        Ok(claimed) => claimed,
        Err(replay) => return Ok(Answered::Replayed(replay)),
    };
    let dossier = tx
        .insert_draft(NewDraft {
            id,
            counter,
            procedure_code: procedure.code(),
            procedure_version: procedure.version(),
            citizen_pin: pin.as_str(),
            data: &data,
            prefill: &Value::Object(provenance),
            flags: &flags,
            national_code: None,
        })
        .await?;
    tx.append_event(NewEvent {
        dossier_id: dossier.id,
        at: services.clock.now(),
        actor_kind: principal.kind().as_str(),
        actor: principal.subject(),
        action: "create_draft",
        from_state: None,
        to_state: DRAFT,
        comment: None,
        detail: json!({ "register": register_outcome, "flags": flags, "channel": dossier.channel }),
    })
    .await?;
    let answer =
        serde_json::to_value(view(principal, dossier, procedure).with_documents(Vec::new()))
            .map_err(ServiceError::internal)?;
    idempotency::complete(&mut *tx, claimed, CREATED, &answer).await?;
    tx.commit().await?;
    Ok(Answered::Fresh(answer))
}

/// The citizen has the register read again for their draft (logged like the first read):
/// the register's current values replace the prefilled ones.
pub async fn refresh_prefill(
    services: &Services,
    principal: &Principal,
    id: Uuid,
) -> Result<DossierView, ServiceError> {
    let dossier = find_visible(&mut *services.store.session().await?, principal, id).await?;
    let pin = citizen_pin(principal)?;
    let procedure = procedure_of(&services.catalog, &dossier)?;
    let refuse_unless_draft = |d: &Dossier| {
        if d.state == DRAFT {
            Ok(())
        } else {
            Err(ServiceError::new(
                Code::DossierNotEditable,
                format!(
                    "only a draft is filled from the register; this dossier is {:?}",
                    d.state
                ),
            ))
        }
    };
    refuse_unless_draft(&dossier)?;
    let resident = register::read(services, principal, procedure, pin, id, Reason::Refresh)
        .await?
        .map_err(|unanswered| unanswered.into_problem(procedure))?;

    let mut tx = services.store.begin().await?;
    // The draft may have changed or been submitted during the read.
    let dossier = lock_visible(&mut *tx, principal, id).await?;
    refuse_unless_draft(&dossier)?;
    let mut data = dossier.data.clone();
    let mut provenance = dossier.prefill.as_object().cloned().unwrap_or_default();
    resident.fill(
        procedure,
        in_vietnam(services.clock.now()).date_naive(),
        &mut data,
        &mut provenance,
    );
    let mut flags = dossier.flags.clone();
    register::set_flag(&mut flags, register::FLAG_NOT_IN_REGISTER, false);
    let flags = register::flags_after(flags, resident.under_review(), &provenance, &data);
    let updated = tx
        .update_data(
            id,
            DraftData {
                data: &data,
                prefill: &Value::Object(provenance),
                flags: &flags,
            },
        )
        .await?;
    tx.append_event(NewEvent {
        dossier_id: id,
        at: services.clock.now(),
        actor_kind: "citizen",
        actor: pin.as_str(),
        action: "refresh_prefill",
        from_state: Some(DRAFT),
        to_state: DRAFT,
        comment: None,
        detail: json!({ "register": { "request_id": resident.request_id() }, "flags": flags }),
    })
    .await?;
    // Read on the unit's connection before it commits: the same dossier, one connection.
    let view = full_view(&mut *tx, principal, updated, procedure).await?;
    tx.commit().await?;
    Ok(view)
}

/// Changes a dossier's data by a JSON Merge Patch (RFC 7396): a citizen their own dossier
/// (a draft, or one sent back to them), a desk clerk the counter draft they fill in. What
/// the register filled and locked stays as it is; an editable register value changed is a
/// correction request for the clerk.
pub async fn patch(
    services: &Services,
    principal: &Principal,
    id: Uuid,
    patch: &Value,
) -> Result<DossierView, ServiceError> {
    if !patch.is_object() {
        return Err(ServiceError::validation(
            "the body must be a JSON object (a merge patch of the dossier's data)",
            vec![
                FieldProblem::new(String::new(), "expected an object").said(Said::new(
                    "Tờ khai",
                    "Nội dung gửi lên phải là một đối tượng JSON.",
                )),
            ],
        ));
    }
    let mut tx = services.store.begin().await?;
    let dossier = lock_visible(&mut *tx, principal, id).await?;
    let procedure = procedure_of(&services.catalog, &dossier)?;
    // Staff change data only in the counter drafts they fill in for the citizen.
    let editable = access::may_edit(principal, &dossier, procedure)
        && (dossier.state == DRAFT || matches!(principal, Principal::Citizen { .. }));
    if !editable {
        return Err(ServiceError::new(
            Code::DossierNotEditable,
            format!(
                "a dossier in state {:?} cannot be changed by you",
                dossier.state
            ),
        ));
    }
    let mut data = dossier.data.clone();
    motcua_core::merge_patch::apply(&mut data, patch);
    let locked = locked_fields_changed(procedure, &dossier.prefill, &dossier.data, &data);
    if !locked.is_empty() {
        return Err(ServiceError::new(
            Code::PrefilledFieldLocked,
            "these fields come from the population register and cannot be changed here",
        )
        .with_errors(locked));
    }
    let errors = procedure.validate_draft(&data);
    if !errors.is_empty() {
        return Err(ServiceError::validation(
            "the patch does not fit the form",
            crate::words::form::said(procedure, field_problems(errors)),
        ));
    }
    // A changed editable register value is a correction request for the clerk.
    let provenance = dossier.prefill.as_object().cloned().unwrap_or_default();
    let under_review = dossier
        .flags
        .iter()
        .any(|f| f == register::FLAG_UNDER_REVIEW);
    let flags = register::flags_after(dossier.flags.clone(), under_review, &provenance, &data);
    let held = DraftData {
        data: &data,
        prefill: &dossier.prefill,
        flags: &flags,
    };
    let updated = tx.update_data(id, held).await?;
    tx.append_event(NewEvent {
        dossier_id: id,
        at: services.clock.now(),
        actor_kind: principal.kind().as_str(),
        actor: principal.subject(),
        action: "patch",
        from_state: Some(&dossier.state),
        to_state: &dossier.state,
        comment: None,
        detail: json!({ "fields": changed_top_level(patch) }),
    })
    .await?;
    // Read on the unit's connection before it commits: the same dossier, one connection.
    let view = full_view(&mut *tx, principal, updated, procedure).await?;
    tx.commit().await?;
    Ok(view)
}

/// The prefilled, locked pointers whose value the patch would change.
fn locked_fields_changed(
    procedure: &Procedure,
    prefill: &Value,
    before: &Value,
    after: &Value,
) -> Vec<FieldProblem> {
    let Some(entries) = prefill.as_object() else {
        return Vec::new();
    };
    entries
        .iter()
        .filter(|(_, p)| p.get("locked").and_then(Value::as_bool).unwrap_or(false))
        .filter(|(pointer, _)| before.pointer(pointer) != after.pointer(pointer))
        .map(|(pointer, p)| {
            FieldProblem::new(
                pointer.clone(),
                format!(
                    "filled from {} and locked",
                    p.get("source")
                        .and_then(Value::as_str)
                        .unwrap_or("the register")
                ),
            )
            .said(Said::new(
                crate::words::form::label(procedure, pointer),
                "Lấy từ Cơ sở dữ liệu quốc gia về dân cư, không sửa được ở đây.",
            ))
        })
        .collect()
}

/// Names of the top-level members a patch touches, for the timeline (not their values:
/// the timeline must not copy personal data around).
fn changed_top_level(patch: &Value) -> Vec<String> {
    patch
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}
