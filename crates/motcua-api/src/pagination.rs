//! Keyset pagination (docs/ARCHITECTURE.md, "HTTP conventions"): `?limit=` (default 50,
//! max 200) and an opaque `?cursor=`.

use crate::error::ApiError;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::DateTime;
use motcua_core::dossier::Dossier;
use motcua_service::pages::PageAfter;
use motcua_service::Code;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

const DEFAULT_LIMIT: i64 = 50;
const MAX_LIMIT: i64 = 200;

/// The paging part of a list's query (`?limit=&cursor=`).
#[derive(Debug, Default)]
pub struct PageParams {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

impl PageParams {
    pub fn limit(&self) -> Result<i64, ApiError> {
        match self.limit {
            None => Ok(DEFAULT_LIMIT),
            Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
            Some(_) => Err(ApiError::new(
                Code::InvalidLimit,
                format!("limit must be between 1 and {MAX_LIMIT}"),
            )),
        }
    }

    pub fn after(&self) -> Result<Option<PageAfter>, ApiError> {
        self.cursor.as_deref().map(Cursor::parse).transpose()
    }
}

/// A cursor is the (created_at, id) of the last item of a page, base64url-encoded.
pub struct Cursor;

impl Cursor {
    pub fn after(dossier: &Dossier) -> String {
        URL_SAFE_NO_PAD.encode(format!(
            "{}|{}",
            dossier.created_at.timestamp_micros(),
            dossier.id
        ))
    }

    fn parse(cursor: &str) -> Result<PageAfter, ApiError> {
        let bad = || ApiError::new(Code::InvalidCursor, "this cursor is not one we gave");
        let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad())?;
        let text = String::from_utf8(bytes).map_err(|_| bad())?;
        let (micros, id) = text.split_once('|').ok_or_else(bad)?;
        let micros: i64 = micros.parse().map_err(|_| bad())?;
        Ok(PageAfter {
            created_at: DateTime::from_timestamp_micros(micros).ok_or_else(bad)?,
            id: Uuid::parse_str(id).map_err(|_| bad())?,
        })
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}
