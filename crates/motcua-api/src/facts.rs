//! Keeps a submitted dossier's indicator facts (`dossier_fact`) in step with it: called in
//! the transaction of every change that can move a figure (submission, a workflow step, a
//! document added or removed, a result issued), so that reports never scan dossiers.

use crate::error::ApiError;
use motcua_core::indicators::{Channel, Counts, DossierFacts, Id};
use motcua_core::procedure::Procedure;
use motcua_store::dossiers::Dossier;
use motcua_store::facts::{self, Fact, Flags};
use sqlx::PgConnection;

/// The portal status of a dossier the citizen withdrew: not a handled dossier.
const WITHDRAWN_STATUS: u8 = 7;

fn flags(counts: Counts) -> Flags {
    Flags {
        den: counts.denominator,
        num: counts.numerator,
    }
}

/// Where one dossier counts, indicator by indicator, as `dossier_fact` keeps it.
#[derive(Debug, Clone, Copy)]
pub struct Figures {
    /// 2.1 of a finished dossier; an unfinished one depends on when it is judged, which
    /// the report decides from its return date.
    pub on_time: Flags,
    pub online: Flags,
    pub eresult: Flags,
    pub digitised: Flags,
    pub reuse: Flags,
    pub store: Flags,
    pub register: Flags,
}

pub fn figures(f: &DossierFacts) -> Figures {
    Figures {
        on_time: match f.finished_at {
            Some(done) => flags(f.on_time(done)),
            None => flags(Counts::default()),
        },
        online: flags(f.counts(Id::Online)),
        eresult: flags(f.counts(Id::ElectronicResult)),
        digitised: flags(f.counts(Id::Digitisation)),
        reuse: flags(f.counts(Id::Reuse)),
        store: flags(f.counts(Id::FromStore)),
        register: flags(f.counts(Id::RegisterUsed)),
    }
}

/// Rewrites the facts of `dossier` (as it is now in this transaction). Drafts have none.
pub async fn refresh(
    conn: &mut PgConnection,
    procedure: &Procedure,
    dossier: &Dossier,
) -> Result<(), ApiError> {
    let (Some(submitted_at), Some(agency_id)) = (dossier.submitted_at, &dossier.agency_id) else {
        return Ok(());
    };
    let attached = facts::document_facts(&mut *conn, dossier.id).await?;
    let electronic_result = attached.result_published;
    // A withdrawn dossier is neither handled nor judged on time.
    let withdrawn = procedure.portal_status(&dossier.state) == Some(WITHDRAWN_STATUS);
    let finished_at = dossier.closed_at.filter(|_| !withdrawn);
    let due_at = dossier.clock.due_at.filter(|_| !withdrawn);
    let prefilled = dossier.prefill.as_object().map_or(0, |p| p.len());
    let f = DossierFacts {
        channel: Channel::parse(&dossier.channel),
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
    };
    let figures = figures(&f);
    facts::upsert(
        conn,
        &Fact {
            dossier_id: dossier.id,
            agency_id,
            procedure_code: &dossier.procedure_code,
            submitted_at,
            channel: &dossier.channel,
            received: f.received,
            withdrawn,
            finished_at,
            due_at: f.due_at,
            supplement_requests: f.supplement_requests,
            on_time: figures.on_time,
            online: figures.online,
            eresult: figures.eresult,
            digitised: figures.digitised,
            reuse: figures.reuse,
            store: figures.store,
            register: figures.register,
            prefill_fields: i32::try_from(procedure.prefill_fields().len()).unwrap_or(i32::MAX),
            prefilled: i32::try_from(prefilled).unwrap_or(i32::MAX),
        },
    )
    .await?;
    Ok(())
}

/// Recomputes the facts of every submitted dossier (after a change to how the indicators
/// are read, or for dossiers written by other means). Answers how many were written.
pub async fn rebuild_all(
    pool: &sqlx::PgPool,
    catalog: &crate::catalog::Catalog,
) -> Result<u64, ApiError> {
    let mut after = None;
    let mut written = 0;
    loop {
        let batch = motcua_store::dossiers::submitted_batch(pool, after, 500).await?;
        let Some(last) = batch.last() else {
            return Ok(written);
        };
        after = Some(last.id);
        let mut tx = pool.begin().await.map_err(motcua_store::StoreError::from)?;
        for dossier in &batch {
            // A dossier of a version no longer in the folder is read with the current one.
            let procedure = catalog
                .version(&dossier.procedure_code, dossier.procedure_version)
                .or_else(|| catalog.current(&dossier.procedure_code))
                .ok_or_else(|| {
                    ApiError::internal(format!(
                        "procedure {} is not loaded",
                        dossier.procedure_code
                    ))
                })?;
            refresh(&mut tx, procedure, dossier).await?;
            written += 1;
        }
        tx.commit().await.map_err(motcua_store::StoreError::from)?;
    }
}
