//! Ratings and feedback (QĐ 766 group 6; `motcua_service::satisfaction`,
//! docs/SATISFACTION.md): the citizen rates a finished dossier and sends feedback or a
//! complaint (PAKN); staff classify, assign and answer it; the unit's ratings.

use crate::error::ApiError;
use crate::extract::{Auth, Json, Path, Query};
use crate::routes::reports::ReportParams;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use motcua_service::reports;
use motcua_service::satisfaction::{
    self, FeedbackView, Handling, NewFeedback, RatingView, RatingsReport,
};
use serde::Deserialize;
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

const PROBLEM: &str = "application/problem+json";

#[utoipa::path(get, operation_id = "getRatingQuestions", path = "/v1/ratings/questions", tag = "satisfaction",
    responses((status = 200, description = "the scale and the questions")))]
/// The rating's scale (1 không hài lòng, 2 hài lòng, 3 rất hài lòng) and questions.
pub async fn questions() -> Json<serde_json::Value> {
    Json(satisfaction::questions())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingRequest {
    /// `{"q1": 1..3, …, "q5": 1..3}`: every question of `/v1/ratings/questions`.
    #[schema(value_type = Object)]
    answers: BTreeMap<String, i64>,
}

#[utoipa::path(put, operation_id = "rateDossier", path = "/v1/dossiers/{id}/rating", tag = "satisfaction", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = RatingRequest,
    responses((status = 200, body = RatingView),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 403, body = crate::error::Problem, content_type = PROBLEM),
              (status = 404, body = crate::error::Problem, content_type = PROBLEM),
              (status = 409, description = "`action_not_allowed`: the dossier has not ended with its result; `action_already_taken`: the window to change the rating has passed", body = crate::error::Problem, content_type = PROBLEM),
              (status = 422, body = crate::error::Problem, content_type = PROBLEM)))]
/// The citizen rates how their finished dossier was handled; again within 7 days to change it.
pub async fn rate(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Path(id): Path<Uuid>,
    Json(request): Json<RatingRequest>,
) -> Result<Json<RatingView>, ApiError> {
    Ok(Json(
        satisfaction::rate(&state.services, &principal, id, request.answers).await?,
    ))
}

#[utoipa::path(get, operation_id = "getDossierRating", path = "/v1/dossiers/{id}/rating", tag = "satisfaction", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = RatingView),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 404, description = "no such dossier, or not rated", body = crate::error::Problem, content_type = PROBLEM)))]
/// A dossier's rating, to whoever may see the dossier.
pub async fn rating(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Path(id): Path<Uuid>,
) -> Result<Json<RatingView>, ApiError> {
    satisfaction::rating_of(&state.services, &principal, id)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::new(motcua_service::Code::NotFound, "not rated"))
}

#[utoipa::path(get, operation_id = "getRatingsReport", path = "/v1/reports/ratings", tag = "reports", security(("bearer" = [])),
    params(ReportParams),
    responses((status = 200, body = RatingsReport),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 403, body = crate::error::Problem, content_type = PROBLEM),
              (status = 422, body = crate::error::Problem, content_type = PROBLEM)))]
/// The ratings of the caller's unit (a supervisor's: and the units under it) per question and
/// level, with the monthly `DongBoDanhGia` summaries.
pub async fn ratings(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Query(params): Query<ReportParams>,
) -> Result<Json<RatingsReport>, ApiError> {
    let asked = reports::ask(&state.services, &principal, params.into())?;
    Ok(Json(satisfaction::ratings(&state.services, &asked).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackRequest {
    /// The dossier it is about (the citizen's own) …
    dossier: Option<Uuid>,
    /// … or the procedure.
    procedure: Option<String>,
    /// `phan_anh` (phản ánh) or `kien_nghi` (kiến nghị).
    kind: String,
    content: String,
}

#[utoipa::path(post, operation_id = "sendFeedback", path = "/v1/feedback", tag = "satisfaction", security(("bearer" = [])),
    request_body = FeedbackRequest,
    responses((status = 201, body = FeedbackView),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 403, body = crate::error::Problem, content_type = PROBLEM),
              (status = 404, body = crate::error::Problem, content_type = PROBLEM),
              (status = 422, body = crate::error::Problem, content_type = PROBLEM)))]
/// The citizen sends feedback or a complaint about their dossier or a procedure; it is due
/// an answer within 15 working days.
pub async fn send(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Json(request): Json<FeedbackRequest>,
) -> Result<(StatusCode, Json<FeedbackView>), ApiError> {
    let view = satisfaction::send(
        &state.services,
        &principal,
        NewFeedback {
            dossier: request.dossier,
            procedure: request.procedure,
            kind: request.kind,
            content: request.content,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct FeedbackListParams {
    /// `true`: only those unanswered past their date.
    overdue: Option<bool>,
}

#[utoipa::path(get, operation_id = "listFeedback", path = "/v1/feedback", tag = "satisfaction", security(("bearer" = [])),
    params(FeedbackListParams),
    responses((status = 200, body = Vec<FeedbackView>),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 403, body = crate::error::Problem, content_type = PROBLEM)))]
/// Staff's queue of feedback: their agency's (a supervisor's: and the units under it),
/// unanswered first by due date.
pub async fn list(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Query(params): Query<FeedbackListParams>,
) -> Result<Json<Vec<FeedbackView>>, ApiError> {
    Ok(Json(
        satisfaction::list(&state.services, &principal, params.overdue.unwrap_or(false)).await?,
    ))
}

#[utoipa::path(get, operation_id = "getFeedback", path = "/v1/feedback/{id}", tag = "satisfaction", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = FeedbackView),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 404, body = crate::error::Problem, content_type = PROBLEM)))]
pub async fn get(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Path(id): Path<Uuid>,
) -> Result<Json<FeedbackView>, ApiError> {
    Ok(Json(
        satisfaction::get(&state.services, &principal, id).await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClassifyRequest {
    /// `thai_do`, `cham_tre`, `thu_tuc`, `ket_qua` or `khac`.
    topic: String,
    /// Who answers it (a supervisor may name another); default the caller.
    assignee: Option<String>,
}

#[utoipa::path(post, operation_id = "classifyFeedback", path = "/v1/feedback/{id}/classify", tag = "satisfaction", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ClassifyRequest,
    responses((status = 200, body = FeedbackView),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 403, body = crate::error::Problem, content_type = PROBLEM),
              (status = 404, body = crate::error::Problem, content_type = PROBLEM),
              (status = 409, body = crate::error::Problem, content_type = PROBLEM),
              (status = 422, body = crate::error::Problem, content_type = PROBLEM)))]
/// Staff classify the feedback and assign it.
pub async fn classify(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Path(id): Path<Uuid>,
    Json(request): Json<ClassifyRequest>,
) -> Result<Json<FeedbackView>, ApiError> {
    Ok(Json(
        satisfaction::handle(
            &state.services,
            &principal,
            id,
            Handling::Classify {
                topic: request.topic,
                assignee: request.assignee,
            },
        )
        .await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerRequest {
    answer: String,
}

#[utoipa::path(post, operation_id = "answerFeedback", path = "/v1/feedback/{id}/answer", tag = "satisfaction", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = AnswerRequest,
    responses((status = 200, body = FeedbackView),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 403, body = crate::error::Problem, content_type = PROBLEM),
              (status = 404, body = crate::error::Problem, content_type = PROBLEM),
              (status = 409, body = crate::error::Problem, content_type = PROBLEM),
              (status = 422, body = crate::error::Problem, content_type = PROBLEM)))]
/// The assigned official (or a supervisor) answers the feedback.
pub async fn answer(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Path(id): Path<Uuid>,
    Json(request): Json<AnswerRequest>,
) -> Result<Json<FeedbackView>, ApiError> {
    Ok(Json(
        satisfaction::handle(
            &state.services,
            &principal,
            id,
            Handling::Answer {
                answer: request.answer,
            },
        )
        .await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerRating {
    satisfied: bool,
}

#[utoipa::path(put, operation_id = "rateFeedbackAnswer", path = "/v1/feedback/{id}/rating", tag = "satisfaction", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = AnswerRating,
    responses((status = 200, body = FeedbackView),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 403, body = crate::error::Problem, content_type = PROBLEM),
              (status = 404, body = crate::error::Problem, content_type = PROBLEM),
              (status = 409, body = crate::error::Problem, content_type = PROBLEM)))]
/// The citizen rates the answer to their feedback.
pub async fn rate_answer(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Path(id): Path<Uuid>,
    Json(request): Json<AnswerRating>,
) -> Result<Json<FeedbackView>, ApiError> {
    Ok(Json(
        satisfaction::rate_answer(&state.services, &principal, id, request.satisfied).await?,
    ))
}
