//! The citizen's store of digitised documents and electronic results (NĐ 45/2020 Điều 16),
//! newest first: what they uploaded, and the results issued to them (a result is theirs
//! once issued; before that it is the agency's draft). Any of them can be attached to a
//! new dossier without uploading it again (see [`super::reuse`]).

use crate::checks::citizen_only;
use crate::error::ServiceError;
use crate::pages::{self, PageAfter};
use crate::view::DocumentView;
use crate::Services;
use motcua_core::pin::Pin;
use motcua_core::principal::Principal;

/// A page of the store.
#[derive(Debug)]
pub struct StorePage {
    pub items: Vec<DocumentView>,
    /// When another page follows: the last document of this one, which it starts after.
    pub more_after: Option<PageAfter>,
}

/// The citizen whose store this is; staff have none.
pub fn owner(principal: &Principal) -> Result<&Pin, ServiceError> {
    citizen_only(principal, "the document store belongs to a citizen")
}

/// At most `limit` documents of `citizen`'s store, after `after` if given.
pub async fn list(
    services: &Services,
    citizen: &Pin,
    after: Option<PageAfter>,
    limit: i64,
) -> Result<StorePage, ServiceError> {
    let before = after.map(|a| (a.created_at, a.id));
    let rows = services
        .store
        .session()
        .await?
        .documents_of_owner(citizen.as_str(), before, limit + 1)
        .await?;
    let (rows, more_after) = pages::split(rows, limit, |d| PageAfter {
        created_at: d.created_at,
        id: d.id,
    });
    let items = rows.into_iter().map(Into::into).collect();
    Ok(StorePage { items, more_after })
}
