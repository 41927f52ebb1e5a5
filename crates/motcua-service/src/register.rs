//! Reading the population register for a dossier (docs/DOMAIN.md, "The population register
//! instead of papers"): once, for the procedure's fields only, with the purpose sent and
//! recorded, and what the answer means for the dossier.

use crate::error::{DocumentRef, ServiceError};
use crate::store::register_access::NewRegisterAccess;
use crate::time::in_vietnam;
use crate::Code;
use crate::Services;
use chrono::Utc;
use motcua_core::pin::Pin;
use motcua_core::principal::Principal;
use motcua_core::procedure::prefill::{self, Stamp};
use motcua_core::procedure::Procedure;
use motcua_registry::{Purpose, RegistryError};
use serde_json::{Map, Value};
use std::time::Duration;
use uuid::Uuid;

/// Flags a clerk must look at.
pub const FLAG_UNDER_REVIEW: &str = "register_under_review";
pub const FLAG_NOT_IN_REGISTER: &str = "not_in_register";
pub const FLAG_CORRECTION: &str = "register_correction";

/// The register field the engine always asks for beside the procedure's own: whether the
/// person is alive and their record settled decides whether a dossier can start at all.
const STATUS_FIELD: &str = "status";

/// Why a read is made, as the access log tells the citizen.
#[derive(Debug, Clone, Copy)]
pub enum Reason {
    DraftCreation,
    Refresh,
    /// A desk clerk takes a dossier at the counter on the citizen's behalf.
    CounterIntake,
}

impl Reason {
    fn describe(self) -> &'static str {
        match self {
            Reason::DraftCreation => "điền sẵn hồ sơ khi tạo / prefill of a new draft",
            Reason::Refresh => {
                "đọc lại theo yêu cầu của công dân / fresh read asked by the citizen"
            }
            Reason::CounterIntake => {
                "tiếp nhận hồ sơ trực tiếp tại Bộ phận Một cửa / dossier taken at the one-stop desk"
            }
        }
    }
}

/// What the register said about a person it knows and who may start a dossier.
pub struct Resident {
    fields: Map<String, Value>,
    stamp: Stamp,
    under_review: bool,
}

impl Resident {
    /// Fills the procedure's prefilled fields into `data` and `provenance`, and the fields
    /// it derives from the register as they stand on `on` (the day in Vietnam).
    pub fn fill(
        &self,
        procedure: &Procedure,
        on: chrono::NaiveDate,
        data: &mut Value,
        provenance: &mut Map<String, Value>,
    ) {
        prefill::fill(
            procedure.prefill_fields(),
            &self.fields,
            &self.stamp,
            data,
            provenance,
        );
        procedure.derive(&self.fields, on, &self.stamp, data, provenance);
    }

    pub fn under_review(&self) -> bool {
        self.under_review
    }

    pub fn request_id(&self) -> &str {
        &self.stamp.request_id
    }
}

/// Why the register gave no usable answer.
pub enum Unanswered {
    /// The register does not know the person: the procedure's fallback documents apply.
    NotInRegister,
    Deceased,
    Unavailable {
        retry_after: Duration,
    },
}

impl Unanswered {
    pub fn into_problem(self, procedure: &Procedure) -> ServiceError {
        match self {
            Unanswered::NotInRegister => ServiceError::new(
                Code::NotInRegister,
                "the national population database has no record for your personal \
                     identification number, so your data cannot be filled in. Ask the commune \
                     police (công an cấp xã) to update it; meanwhile you may create the dossier \
                     with \"register_fallback\": true and attach the documents listed here, \
                     which the clerk will check",
            )
            .with_fallback_documents(fallback_documents(procedure)),
            Unanswered::Deceased => ServiceError::new(
                Code::PersonDeceased,
                "the national population database records this person as deceased; a dossier \
                 cannot be started in their name. If this is wrong, the commune police \
                 (công an cấp xã) can correct the record",
            ),
            Unanswered::Unavailable { retry_after } => ServiceError::new(
                Code::RegisterUnavailable,
                "the national population database cannot be reached right now; nothing \
                     was created. Try again in a moment",
            )
            .with_retry_after(retry_after),
        }
    }
}

/// The documents a procedure accepts when the register cannot answer.
pub fn fallback_documents(procedure: &Procedure) -> Vec<DocumentRef> {
    procedure
        .spec()
        .documents
        .iter()
        .filter(|d| d.fallback)
        .map(|d| DocumentRef {
            key: d.key.clone(),
            name: d.name.clone(),
        })
        .collect()
}

/// Reads `subject`'s data for `dossier_id` of `procedure`, on behalf of `actor`, and records
/// the read (whatever came of it) before anything uses the answer.
pub async fn read(
    services: &Services,
    actor: &Principal,
    procedure: &Procedure,
    subject: &Pin,
    dossier_id: Uuid,
    reason: Reason,
) -> Result<Result<Resident, Unanswered>, ServiceError> {
    let mut fields = procedure.register_fields();
    if !fields.iter().any(|f| f == STATUS_FIELD) {
        fields.push(STATUS_FIELD.to_owned());
    }
    let purpose = Purpose {
        procedure_code: procedure.code().to_owned(),
        dossier_id,
        requester: actor.subject().to_owned(),
    };
    let answer = services.register.resident(subject, &fields, &purpose).await;
    let fetched_at = Utc::now();

    let (outcome, request_id, result) = match answer {
        Ok(record) => {
            let status = record
                .fields
                .get(STATUS_FIELD)
                .and_then(Value::as_str)
                .unwrap_or("alive")
                .to_owned();
            let request_id = record.request_id;
            let stamp = Stamp {
                fetched_at: in_vietnam(fetched_at).to_rfc3339(),
                request_id: request_id.to_string(),
            };
            let mut fields = record.fields;
            // The status decides; it is not part of the form.
            fields.remove(STATUS_FIELD);
            match status.as_str() {
                "deceased" => ("deceased", request_id, Err(Unanswered::Deceased)),
                "under_review" => (
                    "under_review",
                    request_id,
                    Ok(Resident {
                        fields,
                        stamp,
                        under_review: true,
                    }),
                ),
                _ => (
                    "ok",
                    request_id,
                    Ok(Resident {
                        fields,
                        stamp,
                        under_review: false,
                    }),
                ),
            }
        }
        Err(error) => {
            let (outcome, unanswered) = match &error {
                RegistryError::NotFound => ("not_found", Unanswered::NotInRegister),
                RegistryError::Unavailable { retry_after, .. } => (
                    "unavailable",
                    Unanswered::Unavailable {
                        retry_after: *retry_after,
                    },
                ),
                // Our side or the contract is broken: an operator must look, the citizen
                // can only come back later.
                RegistryError::Refused(_)
                | RegistryError::Unauthorized
                | RegistryError::Protocol(_) => {
                    tracing::error!(error.message = %error, "the population register refused or broke the contract");
                    (
                        "refused",
                        Unanswered::Unavailable {
                            retry_after: Duration::from_secs(60),
                        },
                    )
                }
            };
            tracing::info!(subject = %subject.masked(), outcome, error.message = %error, "register read failed");
            (outcome, Uuid::nil(), Err(unanswered))
        }
    };

    let (actor_role, actor_agency) = match actor {
        Principal::Citizen { .. } => (None, None),
        Principal::Staff { agency, .. } => {
            (Some(actor.role_names().join(",")), Some(agency.clone()))
        }
    };
    let mut db = services.store.session().await?;
    db.record_register_access(NewRegisterAccess {
        source: "register",
        document_id: None,
        actor_kind: actor.kind().as_str(),
        actor: actor.subject(),
        actor_role: actor_role.as_deref(),
        actor_agency: actor_agency.as_deref(),
        subject_pin: subject.as_str(),
        fields: &fields,
        procedure_code: procedure.code(),
        dossier_id,
        purpose: reason.describe(),
        outcome,
        request_id,
    })
    .await?;
    Ok(result)
}

/// The flags a draft carries after a read and the citizen's edits.
pub fn flags_after(
    mut flags: Vec<String>,
    under_review: bool,
    provenance: &Map<String, Value>,
    data: &Value,
) -> Vec<String> {
    set_flag(&mut flags, FLAG_UNDER_REVIEW, under_review);
    set_flag(
        &mut flags,
        FLAG_CORRECTION,
        !prefill::corrections(provenance, data).is_empty(),
    );
    flags
}

pub fn set_flag(flags: &mut Vec<String>, flag: &str, on: bool) {
    let present = flags.iter().any(|f| f == flag);
    if on && !present {
        flags.push(flag.to_owned());
    } else if !on && present {
        flags.retain(|f| f != flag);
    }
}
