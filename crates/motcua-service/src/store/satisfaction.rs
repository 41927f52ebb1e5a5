//! Ratings of dossiers and feedback (PAKN), and their sums for the scorecard.

use super::StoreError;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A dossier's rating.
#[derive(Debug, Clone)]
pub struct RatingRecord {
    pub dossier_id: Uuid,
    pub agency_id: String,
    pub procedure_code: String,
    pub answers: serde_json::Value,
    pub overall: i16,
    pub rated_at: DateTime<Utc>,
    pub changed_at: Option<DateTime<Utc>>,
}

/// One feedback.
#[derive(Debug, Clone)]
pub struct FeedbackRecord {
    pub id: Uuid,
    pub citizen_pin: String,
    pub agency_id: String,
    pub dossier_id: Option<Uuid>,
    pub procedure_code: String,
    pub kind: String,
    pub topic: Option<String>,
    pub content: String,
    pub state: String,
    pub assignee: Option<String>,
    pub received_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub answer: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
    pub answered_by: Option<String>,
    pub satisfied: Option<bool>,
    pub rated_at: Option<DateTime<Utc>>,
}

/// Per agency over a period: the ratings by level of each question, as
/// `(agency, question, level, count)`.
pub type RatingCount = (String, String, i16, i64);

/// One agency's feedback and ratings over a period, judged at a moment.
#[derive(Debug, Clone, Default)]
pub struct FeedbackSums {
    pub agency_id: String,
    /// Feedback received in the period; classified; answered or past its date (judged);
    /// answered by its date; rated not satisfied.
    pub received: i64,
    pub classified: i64,
    pub judged: i64,
    pub on_time: i64,
    pub late: i64,
    pub dissatisfied: i64,
    /// Dossiers with feedback about them or a dislike (overall "không hài lòng"), by the
    /// feedback's or rating's date in the period.
    pub flagged_dossiers: i64,
}

#[async_trait]
pub trait SatisfactionRecords {
    async fn rating(&mut self, dossier_id: Uuid) -> Result<Option<RatingRecord>, StoreError>;
    /// Writes a first rating, or changes it (keeping `rated_at`).
    async fn put_rating(&mut self, rating: &RatingRecord) -> Result<(), StoreError>;
    /// Ratings of the agencies (`None`: all) rated in `[from, until)`.
    async fn rating_counts(
        &mut self,
        agencies: Option<&[String]>,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Vec<RatingCount>, StoreError>;
    async fn insert_feedback(&mut self, f: &FeedbackRecord) -> Result<(), StoreError>;
    /// Locks it for the change that follows.
    async fn feedback_for_update(&mut self, id: Uuid)
        -> Result<Option<FeedbackRecord>, StoreError>;
    async fn feedback(&mut self, id: Uuid) -> Result<Option<FeedbackRecord>, StoreError>;
    async fn update_feedback(&mut self, f: &FeedbackRecord) -> Result<(), StoreError>;
    /// The agencies' feedback, unanswered ones first by due date; `overdue` only those past
    /// their date at `now`; at most `limit`.
    async fn agency_feedback(
        &mut self,
        agencies: Option<&[String]>,
        overdue: bool,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<FeedbackRecord>, StoreError>;
    /// Per agency: received in `[from, until)`, judged at `judged_at`.
    async fn feedback_sums(
        &mut self,
        agencies: Option<&[String]>,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
        judged_at: DateTime<Utc>,
    ) -> Result<Vec<FeedbackSums>, StoreError>;
}
