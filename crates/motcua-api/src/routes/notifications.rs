//! Citizens' notifications (`motcua_service::notify`): the citizen's contact and chosen
//! channels, and the messages sent about a dossier with their delivery state.

use crate::error::ApiError;
use crate::extract::{Auth, Json, Path};
use crate::state::AppState;
use axum::extract::State;
use motcua_service::notify::{self, NotificationList};
use motcua_service::store::contacts::Contact;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

const PROBLEM: &str = "application/problem+json";

/// The contact a citizen sets.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactRequest {
    /// An e-mail address; null or empty: none.
    #[serde(default)]
    email: Option<String>,
    /// A Vietnamese mobile number (`0912345678` or `+84912345678`); null or empty: none.
    #[serde(default)]
    phone: Option<String>,
    /// The channels to be told by: `email`, `sms` (each needs its address); empty: none.
    #[serde(default)]
    channels: Vec<String>,
}

#[utoipa::path(get, operation_id = "getMyContact", path = "/v1/me/contact", tag = "notifications", security(("bearer" = [])),
    responses((status = 200, body = Contact),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 403, body = crate::error::Problem, content_type = PROBLEM)))]
/// How the logged-in citizen is told of their dossiers.
pub async fn get_contact(
    State(state): State<AppState>,
    Auth(principal): Auth,
) -> Result<Json<Contact>, ApiError> {
    Ok(Json(notify::contact(&state.services, &principal).await?))
}

#[utoipa::path(put, operation_id = "setMyContact", path = "/v1/me/contact", tag = "notifications", security(("bearer" = [])),
    request_body = ContactRequest,
    responses((status = 200, body = Contact),
              (status = 400, body = crate::error::Problem, content_type = PROBLEM),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 403, body = crate::error::Problem, content_type = PROBLEM),
              (status = 422, body = crate::error::Problem, content_type = PROBLEM)))]
/// Sets the citizen's e-mail address, mobile number and the channels they are told by.
pub async fn set_contact(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Json(asked): Json<ContactRequest>,
) -> Result<Json<Contact>, ApiError> {
    let asked = Contact {
        email: asked.email,
        phone: asked.phone,
        channels: asked.channels,
    };
    Ok(Json(
        notify::set_contact(&state.services, &principal, asked).await?,
    ))
}

#[utoipa::path(get, operation_id = "listDossierNotifications", path = "/v1/dossiers/{id}/notifications", tag = "notifications", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = NotificationList),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 404, body = crate::error::Problem, content_type = PROBLEM)))]
/// The messages sent to the citizen about a dossier, and whether and when each was
/// delivered.
pub async fn of_dossier(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Path(id): Path<Uuid>,
) -> Result<Json<NotificationList>, ApiError> {
    Ok(Json(
        notify::of_dossier(&state.services, &principal, id).await?,
    ))
}
