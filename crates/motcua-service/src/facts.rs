//! Keeps a submitted dossier's indicator facts (`dossier_fact`) in step with it: called in
//! the transaction of every change that can move a figure (submission, a workflow step, a
//! document added or removed, a result issued), so that reports never scan dossiers.

use crate::store::facts::{DocumentFacts, Fact, Flags};
use crate::store::{Session, Store};
use crate::ServiceError;
use chrono::{DateTime, Utc};
use motcua_core::dossier::Dossier;
use motcua_core::indicators::{Counts, DossierFacts, Id};
use motcua_core::procedure::Procedure;
use uuid::Uuid;

/// The portal status of a dossier the citizen withdrew: not a handled dossier.
const WITHDRAWN_STATUS: u8 = 7;

fn flags(counts: Counts) -> Flags {
    Flags {
        den: counts.denominator,
        num: counts.numerator,
    }
}

/// Which dossier a row of facts is about, and what the indicators do not decide.
pub struct Subject<'a> {
    pub dossier_id: Uuid,
    pub agency_id: &'a str,
    pub procedure_code: &'a str,
    pub submitted_at: DateTime<Utc>,
    pub channel: &'a str,
    pub withdrawn: bool,
    /// The form's citizen-data fields, and how many the register filled.
    pub prefill_fields: usize,
    pub prefilled: usize,
    /// Reached the national portal already (a dossier filed there).
    pub synchronised: bool,
}

/// The `dossier_fact` row of a dossier: where it counts, indicator by indicator, as
/// `motcua_core::indicators` decides. 2.1 of an unfinished dossier depends on when it is
/// judged, which the report decides from its return date.
pub fn row<'a>(subject: Subject<'a>, f: &DossierFacts) -> Fact<'a> {
    let on_time = match f.finished_at {
        Some(done) => f.on_time(done),
        None => Counts::default(),
    };
    Fact {
        dossier_id: subject.dossier_id,
        agency_id: subject.agency_id,
        procedure_code: subject.procedure_code,
        submitted_at: subject.submitted_at,
        channel: subject.channel,
        received: f.received,
        withdrawn: subject.withdrawn,
        finished_at: f.finished_at,
        due_at: f.due_at,
        supplement_requests: f.supplement_requests,
        on_time: flags(on_time),
        online: flags(f.counts(Id::Online)),
        eresult: flags(f.counts(Id::ElectronicResult)),
        digitised: flags(f.counts(Id::Digitisation)),
        reuse: flags(f.counts(Id::Reuse)),
        store: flags(f.counts(Id::FromStore)),
        register: flags(f.counts(Id::RegisterUsed)),
        prefill_fields: i32::try_from(subject.prefill_fields).unwrap_or(i32::MAX),
        prefilled: i32::try_from(subject.prefilled).unwrap_or(i32::MAX),
        synchronised: subject.synchronised,
        processing_secs: f.processing_seconds(),
    }
}

/// Rewrites the facts of `dossier` (as it is now in this transaction). Drafts have none.
pub async fn refresh(
    tx: &mut dyn Session,
    procedure: &Procedure,
    dossier: &Dossier,
) -> Result<(), ServiceError> {
    // A draft has no facts (`of` answers none): spare it the documents' read.
    if dossier.submitted_at.is_none() || dossier.agency_id.is_none() {
        return Ok(());
    }
    let attached = tx.document_facts(dossier.id).await?;
    if let Some(fact) = of(procedure, dossier, &attached) {
        tx.upsert_fact(&fact).await?;
    }
    Ok(())
}

/// The facts row of `dossier` with its documents and results `attached`; none for a draft.
pub fn of<'a>(
    procedure: &Procedure,
    dossier: &'a Dossier,
    attached: &DocumentFacts,
) -> Option<Fact<'a>> {
    let (Some(submitted_at), Some(agency_id)) = (dossier.submitted_at, &dossier.agency_id) else {
        return None;
    };
    let electronic_result = attached.result_published;
    // A withdrawn dossier is neither handled nor judged on time.
    let withdrawn = procedure.portal_status(&dossier.state) == Some(WITHDRAWN_STATUS);
    let finished_at = dossier.closed_at.filter(|_| !withdrawn);
    let due_at = dossier.clock.due_at.filter(|_| !withdrawn);
    let prefilled = dossier.prefill.as_object().map_or(0, |p| p.len());
    let f = DossierFacts {
        channel: dossier.channel,
        received: dossier.clock.received_at.is_some(),
        finished_at,
        due_at,
        supplement_requests: dossier.clock.supplement_requests,
        written_result_due: procedure.spec().result.written,
        result_is_document: procedure.spec().result.written,
        electronic_result,
        documents: u32::try_from(attached.documents).unwrap_or(u32::MAX),
        paper_only_documents: u32::try_from(attached.paper_only).unwrap_or(u32::MAX),
        reused: attached.reused,
        from_store: attached.from_store,
        result_to_store: electronic_result,
        register_used: prefilled > 0,
        received_at: dossier.clock.received_at,
    };
    let subject = Subject {
        dossier_id: dossier.id,
        agency_id,
        procedure_code: &dossier.procedure_code,
        submitted_at,
        channel: dossier.channel.as_str(),
        withdrawn,
        prefill_fields: procedure.prefill_fields().len(),
        prefilled,
        // Filed on DVCQG and pushed here; one filed here is set when its delivery succeeds.
        synchronised: dossier.national_code.is_some(),
    };
    Some(row(subject, &f))
}

/// Recomputes the facts of every submitted dossier (after a change to how the indicators
/// are read, or for dossiers written by other means). Answers how many were written.
pub async fn rebuild_all(
    store: &dyn Store,
    catalog: &crate::catalog::Catalog,
) -> Result<u64, ServiceError> {
    let mut after = None;
    let mut written = 0;
    loop {
        let batch = store.session().await?.submitted_batch(after, 500).await?;
        let Some(last) = batch.last() else {
            return Ok(written);
        };
        after = Some(last.id);
        let mut tx = store.begin().await?;
        for dossier in &batch {
            // A dossier of a version no longer in the folder is read with the current one.
            let procedure = catalog
                .version(&dossier.procedure_code, dossier.procedure_version)
                .or_else(|| catalog.current(&dossier.procedure_code))
                .ok_or_else(|| {
                    ServiceError::internal(format!(
                        "procedure {} is not loaded",
                        dossier.procedure_code
                    ))
                })?;
            refresh(&mut *tx, procedure, dossier).await?;
            written += 1;
        }
        tx.commit().await?;
        // Into the day sums as it goes, so the changes table stays small.
        store.session().await?.compact_facts().await?;
    }
}
