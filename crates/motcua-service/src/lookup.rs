//! Finding the dossier a request is about: only one the principal may see (any other is
//! "not found", the same as one that does not exist), with the procedure version it is
//! bound to, and its view with its documents. A staff member's read is recorded for the
//! citizen to see.

use crate::catalog::Catalog;
use crate::error::ServiceError;
use crate::store::register_access::NewRegisterAccess;
use crate::store::Session;
use crate::view::{DossierDocumentView, DossierView};
use crate::Services;
use motcua_core::access;
use motcua_core::dossier::Dossier;
use motcua_core::principal::Principal;
use motcua_core::procedure::Procedure;
use std::sync::Arc;
use uuid::Uuid;

/// The procedure version a dossier is bound to.
pub fn procedure_of<'a>(
    catalog: &'a Catalog,
    dossier: &Dossier,
) -> Result<&'a Arc<Procedure>, ServiceError> {
    catalog
        .version(&dossier.procedure_code, dossier.procedure_version)
        .ok_or_else(|| {
            ServiceError::internal(format!(
                "procedure {} v{} of dossier {} is not loaded",
                dossier.procedure_code, dossier.procedure_version, dossier.id
            ))
        })
}

/// Names the dossier on the request's span, so that every log line of the request carries
/// it (its id, never the citizen's number).
pub fn trace_dossier(id: Uuid) {
    tracing::Span::current().record("dossier", tracing::field::display(id));
}

/// The dossier, if it exists and the principal may see it; 404 alike otherwise.
pub async fn find_visible(
    db: &mut dyn Session,
    principal: &Principal,
    id: Uuid,
) -> Result<Dossier, ServiceError> {
    trace_dossier(id);
    visible(principal, db.dossier(id).await?)
}

/// Like [`find_visible`], and locked until the unit of work ends.
pub async fn lock_visible(
    tx: &mut dyn Session,
    principal: &Principal,
    id: Uuid,
) -> Result<Dossier, ServiceError> {
    trace_dossier(id);
    visible(principal, tx.dossier_for_update(id).await?)
}

/// The dossier found, if the principal may see it: one they may not is "not found" too.
fn visible(principal: &Principal, found: Option<Dossier>) -> Result<Dossier, ServiceError> {
    found
        .filter(|d| access::may_see(principal, d))
        .ok_or_else(ServiceError::dossier_not_found)
}

/// Like [`find_visible`], with the procedure version the dossier is bound to.
pub async fn find_with_procedure<'s>(
    services: &'s Services,
    principal: &Principal,
    id: Uuid,
) -> Result<(Dossier, &'s Arc<Procedure>), ServiceError> {
    let dossier = find_visible(&mut *services.store.session().await?, principal, id).await?;
    let procedure = procedure_of(&services.catalog, &dossier)?;
    Ok((dossier, procedure))
}

pub fn view(principal: &Principal, dossier: Dossier, procedure: &Procedure) -> DossierView {
    let allowed = access::allowed_actions(principal, &dossier, procedure);
    DossierView::new(dossier, procedure, allowed)
}

/// The view of one dossier, with its documents. A use case in a unit of work passes it: the
/// documents are read as that unit sees them, on its connection. Taking a second session
/// while holding one would let a burst of such requests hold every connection and wait for
/// another (with 20 connections and 21 clerks claiming at once the engine stalled until the
/// pool's timeout).
pub async fn full_view(
    db: &mut dyn Session,
    principal: &Principal,
    dossier: Dossier,
    procedure: &Procedure,
) -> Result<DossierView, ServiceError> {
    let documents = of_dossier(db, dossier.id).await?;
    let mut view = view(principal, dossier, procedure);
    view.documents = Some(documents);
    Ok(view)
}

/// The documents of a dossier, for its view.
pub async fn of_dossier(
    db: &mut dyn Session,
    dossier_id: Uuid,
) -> Result<Vec<DossierDocumentView>, ServiceError> {
    Ok(db
        .dossier_documents(dossier_id)
        .await?
        .into_iter()
        .map(DossierDocumentView::from)
        .collect())
}

/// A staff member opening a dossier reads the citizen's personal data: the citizen sees it
/// in their access log, with who, in which role and agency, and why.
pub async fn record_staff_read(
    db: &mut dyn Session,
    principal: &Principal,
    dossier: &Dossier,
) -> Result<(), ServiceError> {
    let Principal::Staff { .. } = principal else {
        return Ok(());
    };
    // An anonymised dossier holds nobody's personal data any more: nothing is read.
    if dossier.anonymised_at.is_some() {
        return Ok(());
    }
    record_staff_access(
        db,
        principal,
        StaffRead {
            source: "dossier",
            document_id: None,
            subject_pin: &dossier.citizen_pin,
            procedure_code: &dossier.procedure_code,
            dossier_id: dossier.id,
            purpose: "giải quyết hồ sơ / handling the dossier",
            outcome: "opened",
        },
    )
    .await
}

/// What a staff member read of a citizen's data, through which dossier, and why.
pub struct StaffRead<'a> {
    /// `dossier` (opened) or `document` (downloaded).
    pub source: &'a str,
    pub document_id: Option<Uuid>,
    pub subject_pin: &'a str,
    pub procedure_code: &'a str,
    pub dossier_id: Uuid,
    pub purpose: &'a str,
    pub outcome: &'a str,
}

/// Records a staff member's read in the citizen's access log, with who read it, in which
/// role and agency; a citizen's reads of their own dossiers are not recorded here.
pub async fn record_staff_access(
    db: &mut dyn Session,
    principal: &Principal,
    read: StaffRead<'_>,
) -> Result<(), ServiceError> {
    let Principal::Staff {
        subject, agency, ..
    } = principal
    else {
        return Ok(());
    };
    db.record_register_access(NewRegisterAccess {
        source: read.source,
        document_id: read.document_id,
        actor_kind: "staff",
        actor: subject,
        actor_role: Some(&principal.role_names().join(",")),
        actor_agency: Some(agency),
        subject_pin: read.subject_pin,
        fields: &[],
        procedure_code: read.procedure_code,
        dossier_id: read.dossier_id,
        purpose: read.purpose,
        outcome: read.outcome,
        request_id: Uuid::nil(),
    })
    .await?;
    Ok(())
}
