//! Removing the document of a requirement while the dossier may be edited: the dossier no
//! longer refers to it, and the document itself (with its object) goes once no dossier does.

use super::{adding_as, remove_if_unreferenced, Change};
use crate::error::ServiceError;
use crate::{Code, Services};
use motcua_core::principal::Principal;
use serde_json::json;
use uuid::Uuid;

/// Takes the document of requirement `key` off dossier `dossier_id`.
pub async fn remove(
    services: &Services,
    principal: &Principal,
    dossier_id: Uuid,
    key: &str,
) -> Result<(), ServiceError> {
    let mut change = Change::begin(services, principal, dossier_id, adding_as).await?;
    let Some(previous) = change.tx.detach(dossier_id, key).await? else {
        return Err(ServiceError::new(
            Code::DocumentNotFound,
            format!("the dossier has no document for {key:?}"),
        ));
    };
    let removed_key = remove_if_unreferenced(&mut *change.tx, previous).await?;
    change
        .append_event("remove_document", json!({ "requirement": key }))
        .await?;
    change.commit(removed_key).await
}
