//! Removing the document of a requirement while the dossier may be edited: the dossier no
//! longer refers to it, and the document itself (with its object) goes once no dossier does.

use super::{adding_as, append_event, delete_object, remove_if_unreferenced};
use crate::error::ServiceError;
use crate::lookup::{lock_visible, procedure_of};
use crate::{Code, Services};
use motcua_core::principal::Principal;
use motcua_store::documents;
use serde_json::json;
use uuid::Uuid;

/// Takes the document of requirement `key` off dossier `dossier_id`.
pub async fn remove(
    services: &Services,
    principal: &Principal,
    dossier_id: Uuid,
    key: &str,
) -> Result<(), ServiceError> {
    let mut tx = services.pool.begin().await?;
    let dossier = lock_visible(&mut tx, principal, dossier_id).await?;
    adding_as(
        principal,
        &dossier,
        procedure_of(&services.catalog, &dossier)?,
    )?;
    let Some(previous) = documents::detach(&mut tx, dossier_id, key).await? else {
        return Err(ServiceError::new(
            Code::DocumentNotFound,
            format!("the dossier has no document for {key:?}"),
        ));
    };
    let removed_key = remove_if_unreferenced(&mut tx, previous).await?;
    append_event(
        &mut tx,
        services.clock.now(),
        principal,
        &dossier,
        "remove_document",
        json!({ "requirement": key }),
    )
    .await?;
    crate::facts::refresh(
        &mut tx,
        procedure_of(&services.catalog, &dossier)?,
        &dossier,
    )
    .await?;
    tx.commit().await?;
    delete_object(services, removed_key).await;
    Ok(())
}
