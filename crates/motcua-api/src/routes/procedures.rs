//! The loaded procedures, readable without login.

use crate::error::ApiError;
use crate::extract::{Json, Path};
use crate::state::AppState;
use axum::extract::State;
use motcua_service::Code;
use serde::Serialize;
use serde_json::{json, Value};
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct ProcedureSummary {
    code: String,
    version: i32,
    #[schema(value_type = Object)]
    name: Value,
    #[schema(value_type = Option<String>)]
    agency_kind: Value,
    #[schema(value_type = Option<String>)]
    online_level: Value,
    assurance_level: u8,
    #[schema(value_type = Option<String>)]
    open_from: Value,
    #[schema(value_type = Option<String>)]
    open_until: Value,
}

#[utoipa::path(get, operation_id = "listProcedures", path = "/v1/procedures", tag = "procedures",
    responses((status = 200, body = Vec<ProcedureSummary>)))]
pub async fn list(State(state): State<AppState>) -> Json<Vec<ProcedureSummary>> {
    let field = |raw: &Value, name: &str| raw.get(name).cloned().unwrap_or(Value::Null);
    Json(
        state
            .services
            .catalog
            .current_all()
            .into_iter()
            .map(|p| {
                let raw = p.raw();
                let open = raw.get("open").cloned().unwrap_or(Value::Null);
                ProcedureSummary {
                    code: p.code().to_owned(),
                    version: p.version(),
                    name: field(raw, "name"),
                    agency_kind: field(raw, "agency_kind"),
                    online_level: field(raw, "online_level"),
                    assurance_level: p.assurance_level(),
                    open_from: field(&open, "from"),
                    open_until: field(&open, "until"),
                }
            })
            .collect(),
    )
}

#[utoipa::path(get, operation_id = "getProcedure", path = "/v1/procedures/{code}", tag = "procedures",
    params(("code" = String, Path, description = "procedure code, e.g. 1.005142")),
    responses((status = 200, description = "the whole loaded specification, with `prefill_coverage` (the share of citizen-data fields filled from the register)", body = Object),
              (status = 404, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn get(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let procedure = state.services.catalog.current(&code).ok_or_else(|| {
        ApiError::new(
            Code::ProcedureNotFound,
            format!("no procedure with code {code:?}"),
        )
    })?;
    let mut spec = procedure.raw().clone();
    if let Value::Object(members) = &mut spec {
        // Once-only (Đề án 06): how much of the citizen's data comes from the register.
        members.insert(
            "prefill_coverage".into(),
            json!({
                "ratio": procedure.prefill_coverage(),
                "prefilled": procedure.prefill_fields().iter().map(|f| &f.pointer).collect::<Vec<_>>(),
                "register_fields": procedure.register_fields(),
            }),
        );
    }
    Ok(Json(spec))
}
