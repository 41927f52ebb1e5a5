//! Satisfaction and feedback (QĐ 766 group 6; docs/SATISFACTION.md): the citizen rates how
//! a finished dossier was handled (once, changeable for a while); sends feedback or a
//! complaint (PAKN) about a dossier or a procedure, which staff classify, assign and answer
//! within its legal time, and whose answer the citizen rates. Staff read their unit's
//! ratings (and a supervisor those of the units under it), with monthly summaries in the
//! shape the national portal's `DongBoDanhGia` takes.

use crate::lookup::{find_visible, procedure_of};
use crate::reports::{Asked, Names};
use crate::store::satisfaction::{FeedbackRecord, RatingRecord};
use crate::{Code, FieldProblem, Said, ServiceError, Services};
use chrono::{DateTime, Datelike, Duration, NaiveDate, SubsecRound, Utc};
use motcua_core::calendar::vietnam_midnight;
use motcua_core::principal::Principal;
use motcua_core::procedure::Role;
use motcua_core::satisfaction::{
    self as rules, check_rating, may_change, ANSWER_WORKING_DAYS, KINDS, QUESTIONS, TOPICS,
};
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use utoipa::ToSchema;
use uuid::Uuid;

/// The portal status of a dossier the citizen withdrew.
const WITHDRAWN_STATUS: u8 = 7;
/// Feedback's text, at most.
const MAX_TEXT: usize = 5000;

/// Now, to the microsecond the database keeps, so that an answer says what a read says.
fn now_micros(services: &Services) -> DateTime<Utc> {
    services.clock.now().trunc_subsecs(6)
}

fn citizen(principal: &Principal) -> Result<&str, ServiceError> {
    match principal {
        Principal::Citizen { pin, .. } => Ok(pin.as_str()),
        Principal::Staff { .. } => Err(ServiceError::new(
            Code::CitizensOnly,
            "the citizen rates and sends feedback",
        )),
    }
}

fn staff_agency(principal: &Principal) -> Result<&str, ServiceError> {
    match principal {
        Principal::Staff { agency, .. } => Ok(agency.as_str()),
        Principal::Citizen { .. } => Err(ServiceError::new(
            Code::StaffOnly,
            "feedback is handled by staff",
        )),
    }
}

fn field(pointer: &str, message: &str, label: &str, vietnamese: &str) -> ServiceError {
    ServiceError::validation(
        "the request is not valid",
        vec![FieldProblem::new(pointer, message).said(Said::new(label, vietnamese))],
    )
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RatingView {
    pub dossier_id: Uuid,
    /// `{"q1": 1..3, …}`: 1 không hài lòng, 2 hài lòng, 3 rất hài lòng.
    #[schema(value_type = Object)]
    pub answers: Value,
    pub overall: i16,
    pub rated_at: DateTime<Utc>,
    pub changed_at: Option<DateTime<Utc>>,
    /// Until when the citizen may change it.
    pub changeable_until: DateTime<Utc>,
}

fn rating_view(r: RatingRecord) -> RatingView {
    RatingView {
        changeable_until: r.rated_at + Duration::days(rules::CHANGE_WINDOW_DAYS),
        dossier_id: r.dossier_id,
        answers: r.answers,
        overall: r.overall,
        rated_at: r.rated_at,
        changed_at: r.changed_at,
    }
}

/// The questions and the scale, for a form.
pub fn questions() -> Value {
    json!({
        "levels": rules::LEVELS.iter().map(|(v, t)| json!({"value": v, "title": t})).collect::<Vec<_>>(),
        "questions": QUESTIONS.iter().map(|(c, t)| json!({"code": c, "title": t})).collect::<Vec<_>>(),
        "change_window_days": rules::CHANGE_WINDOW_DAYS,
    })
}

/// The citizen rates their finished dossier, or changes the rating within the window.
pub async fn rate(
    services: &Services,
    principal: &Principal,
    dossier_id: Uuid,
    answers: BTreeMap<String, i64>,
) -> Result<RatingView, ServiceError> {
    citizen(principal)?;
    let rating = check_rating(&answers).map_err(|problems| {
        ServiceError::validation(
            "every question is answered with 1, 2 or 3",
            problems
                .into_iter()
                .map(|p| {
                    FieldProblem::new(&p.pointer, p.message).said(Said::new(
                        "Đánh giá",
                        "Trả lời mọi câu hỏi: 1 (không hài lòng), 2 (hài lòng) hoặc 3 (rất hài lòng).",
                    ))
                })
                .collect(),
        )
    })?;
    let mut tx = services.store.begin().await?;
    let dossier = find_visible(&mut *tx, principal, dossier_id).await?;
    let procedure = procedure_of(&services.catalog, &dossier)?;
    let withdrawn = procedure.portal_status(&dossier.state) == Some(WITHDRAWN_STATUS);
    let (Some(_), Some(agency)) = (dossier.closed_at.filter(|_| !withdrawn), &dossier.agency_id)
    else {
        return Err(ServiceError::new(
            Code::ActionNotAllowed,
            "a dossier is rated once it has ended with its result",
        )
        .in_vietnamese("Hồ sơ được đánh giá sau khi đã có kết quả giải quyết."));
    };
    let now = now_micros(services);
    let earlier = tx.rating(dossier_id).await?;
    if let Some(first) = &earlier {
        if !may_change(first.rated_at, now) {
            return Err(ServiceError::new(
                Code::ActionAlreadyTaken,
                "the rating can no longer be changed",
            )
            .in_vietnamese(format!(
                "Đánh giá chỉ được sửa trong {} ngày kể từ khi đánh giá lần đầu.",
                rules::CHANGE_WINDOW_DAYS
            )));
        }
    }
    let record = RatingRecord {
        dossier_id,
        agency_id: agency.clone(),
        procedure_code: dossier.procedure_code.clone(),
        answers: serde_json::to_value(&rating.answers).map_err(ServiceError::internal)?,
        overall: i16::from(rating.overall),
        rated_at: earlier.as_ref().map_or(now, |e| e.rated_at),
        changed_at: earlier.as_ref().map(|_| now),
    };
    tx.put_rating(&record).await?;
    tx.commit().await?;
    Ok(rating_view(record))
}

/// The citizen's rating of their dossier, if any.
pub async fn rating_of(
    services: &Services,
    principal: &Principal,
    dossier_id: Uuid,
) -> Result<Option<RatingView>, ServiceError> {
    let mut db = services.store.session().await?;
    find_visible(&mut *db, principal, dossier_id).await?;
    Ok(db.rating(dossier_id).await?.map(rating_view))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionSummary {
    pub question: String,
    pub title: String,
    /// Ratings at each level: `"1"`, `"2"`, `"3"`.
    #[schema(value_type = Object)]
    pub levels: BTreeMap<String, i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyRatings {
    pub agency: String,
    pub agency_name: Option<String>,
    /// Dossiers rated in the period.
    pub ratings: i64,
    pub questions: Vec<QuestionSummary>,
    /// The month's summary in the shape `DongBoDanhGia` sends to the national portal (one
    /// per month of the period).
    #[schema(value_type = Vec<Object>)]
    pub dong_bo_danh_gia: Vec<Value>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RatingsReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub agencies: Vec<AgencyRatings>,
}

/// The ratings of the agencies the caller reads ([`crate::reports::ask`]), per question and
/// level, with a `DongBoDanhGia` summary per month.
pub async fn ratings(services: &Services, asked: &Asked) -> Result<RatingsReport, ServiceError> {
    let names = Names::of(services);
    let mut db = services.store.session().await?;
    let mut months = Vec::new();
    let mut start = asked.from().with_day(1).unwrap_or(asked.from());
    while start <= asked.to() {
        let next = start
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(asked.to() + Duration::days(1));
        let from = start.max(asked.from());
        let until = next.min(asked.to() + Duration::days(1));
        let counts = db
            .rating_counts(
                asked.agencies(),
                vietnam_midnight(from),
                vietnam_midnight(until),
            )
            .await?;
        months.push((start, counts));
        start = next;
    }
    let mut by_agency: BTreeMap<String, BTreeMap<String, BTreeMap<String, i64>>> = BTreeMap::new();
    let mut monthly: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for (month, counts) in &months {
        let mut per: BTreeMap<&str, BTreeMap<&str, BTreeMap<i16, i64>>> = BTreeMap::new();
        for (agency, question, level, n) in counts {
            *by_agency
                .entry(agency.clone())
                .or_default()
                .entry(question.clone())
                .or_default()
                .entry(level.to_string())
                .or_default() += n;
            *per.entry(agency)
                .or_default()
                .entry(question)
                .or_default()
                .entry(*level)
                .or_default() += n;
        }
        for (agency, questions) in per {
            let level = |q: &str, l: i16| {
                questions
                    .get(q)
                    .and_then(|m| m.get(&l))
                    .copied()
                    .unwrap_or(0)
            };
            monthly.entry(agency.to_owned()).or_default().push(json!({
                "MaDonVi": agency,
                "Thang": month.month(),
                "Nam": month.year(),
                "TongSoDanhGia": (1..=3).map(|l| level(rules::OVERALL, l)).sum::<i64>(),
                "RatHaiLong": level(rules::OVERALL, 3),
                "HaiLong": level(rules::OVERALL, 2),
                "KhongHaiLong": level(rules::OVERALL, 1),
                "ChiTiet": QUESTIONS.iter().map(|(code, title)| json!({
                    "MaCauHoi": code,
                    "NoiDung": title,
                    "RatHaiLong": level(code, 3),
                    "HaiLong": level(code, 2),
                    "KhongHaiLong": level(code, 1),
                })).collect::<Vec<_>>(),
            }));
        }
    }
    Ok(RatingsReport {
        from: asked.from(),
        to: asked.to(),
        agencies: by_agency
            .into_iter()
            .map(|(agency, questions)| AgencyRatings {
                agency_name: names.agencies.get(&agency).cloned(),
                ratings: questions
                    .get(rules::OVERALL)
                    .map_or(0, |levels| levels.values().sum()),
                questions: QUESTIONS
                    .iter()
                    .map(|(code, title)| QuestionSummary {
                        question: (*code).to_owned(),
                        title: (*title).to_owned(),
                        levels: questions.get(*code).cloned().unwrap_or_default(),
                    })
                    .collect(),
                dong_bo_danh_gia: monthly.remove(&agency).unwrap_or_default(),
                agency,
            })
            .collect(),
    })
}

/// What the citizen sends.
#[derive(Debug, Clone)]
pub struct NewFeedback {
    pub dossier: Option<Uuid>,
    pub procedure: Option<String>,
    pub kind: String,
    pub content: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackView {
    pub id: Uuid,
    pub agency: String,
    pub dossier_id: Option<Uuid>,
    pub procedure: String,
    /// `phan_anh` or `kien_nghi`.
    pub kind: String,
    /// Set when staff classify it.
    pub topic: Option<String>,
    pub content: String,
    /// `received`, `assigned`, `answered`.
    pub state: String,
    pub assignee: Option<String>,
    pub received_at: DateTime<Utc>,
    /// Its legal time: 15 working days from receipt.
    pub due_at: DateTime<Utc>,
    /// Unanswered past its date.
    pub overdue: bool,
    pub answer: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
    /// The citizen's rating of the answer.
    pub satisfied: Option<bool>,
}

fn feedback_view(f: FeedbackRecord, now: DateTime<Utc>) -> FeedbackView {
    FeedbackView {
        overdue: f.answered_at.is_none() && f.due_at < now,
        id: f.id,
        agency: f.agency_id,
        dossier_id: f.dossier_id,
        procedure: f.procedure_code,
        kind: f.kind,
        topic: f.topic,
        content: f.content,
        state: f.state,
        assignee: f.assignee,
        received_at: f.received_at,
        due_at: f.due_at,
        answer: f.answer,
        answered_at: f.answered_at,
        satisfied: f.satisfied,
    }
}

fn text(value: &str, pointer: &str, label: &str) -> Result<String, ServiceError> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > MAX_TEXT {
        return Err(field(
            pointer,
            "between 1 and 5000 characters",
            label,
            "Nhập từ 1 đến 5000 ký tự.",
        ));
    }
    Ok(value.to_owned())
}

/// The citizen sends feedback about their dossier or about a procedure; the agency that
/// handles the dossier (or the procedure's first agency) receives it, due in 15 working days.
pub async fn send(
    services: &Services,
    principal: &Principal,
    new: NewFeedback,
) -> Result<FeedbackView, ServiceError> {
    let pin = citizen(principal)?.to_owned();
    if !KINDS.contains(&new.kind.as_str()) {
        return Err(field(
            "/kind",
            "phan_anh or kien_nghi",
            "Loại",
            "Chọn phản ánh hoặc kiến nghị.",
        ));
    }
    let content = text(&new.content, "/content", "Nội dung")?;
    let mut tx = services.store.begin().await?;
    let (agency, procedure, dossier_id) = match (new.dossier, &new.procedure) {
        (Some(id), _) => {
            let dossier = find_visible(&mut *tx, principal, id).await?;
            let Some(agency) = dossier.agency_id.clone() else {
                return Err(field(
                    "/dossier",
                    "a submitted dossier",
                    "Hồ sơ",
                    "Chỉ phản ánh về hồ sơ đã nộp.",
                ));
            };
            (agency, dossier.procedure_code.clone(), Some(id))
        }
        (None, Some(code)) => {
            let procedure = services.catalog.current(code).ok_or_else(|| {
                ServiceError::new(Code::ProcedureNotFound, "no procedure with this code")
            })?;
            let agency = procedure
                .spec()
                .agencies
                .first()
                .map(|a| a.id.clone())
                .ok_or_else(|| ServiceError::internal("a procedure without agencies"))?;
            (agency, code.clone(), None)
        }
        (None, None) => {
            return Err(field(
                "/dossier",
                "a dossier or a procedure",
                "Hồ sơ",
                "Chọn hồ sơ hoặc thủ tục được phản ánh.",
            ))
        }
    };
    let now = now_micros(services);
    let record = FeedbackRecord {
        id: Uuid::now_v7(),
        citizen_pin: pin,
        agency_id: agency,
        dossier_id,
        procedure_code: procedure,
        kind: new.kind,
        topic: None,
        content,
        state: "received".into(),
        assignee: None,
        received_at: now,
        due_at: services
            .calendar
            .add_working_days(now, ANSWER_WORKING_DAYS)?,
        answer: None,
        answered_at: None,
        answered_by: None,
        satisfied: None,
        rated_at: None,
    };
    tx.insert_feedback(&record).await?;
    tx.commit().await?;
    Ok(feedback_view(record, now))
}

/// Staff may handle feedback of their agency; a supervisor that of the units under theirs.
fn handles(services: &Services, principal: &Principal, agency: &str) -> bool {
    match principal {
        Principal::Staff { agency: own, .. } => {
            own == agency
                || (principal.holds(Role::Supervisor)
                    && (!services.agencies.configured() || services.agencies.within(own, agency)))
        }
        Principal::Citizen { .. } => false,
    }
}

fn not_found() -> ServiceError {
    ServiceError::new(Code::NotFound, "no such feedback")
}

/// One feedback: its citizen's, or staff's who handle it.
pub async fn get(
    services: &Services,
    principal: &Principal,
    id: Uuid,
) -> Result<FeedbackView, ServiceError> {
    let f = services
        .store
        .session()
        .await?
        .feedback(id)
        .await?
        .ok_or_else(not_found)?;
    let mine = matches!(principal, Principal::Citizen { pin, .. } if pin.as_str() == f.citizen_pin);
    if !mine && !handles(services, principal, &f.agency_id) {
        return Err(not_found());
    }
    Ok(feedback_view(f, now_micros(services)))
}

/// What staff do with feedback.
#[derive(Debug, Clone)]
pub enum Handling {
    /// Classify it under a topic and assign it (to the caller when no one is named).
    Classify {
        topic: String,
        assignee: Option<String>,
    },
    /// Answer it.
    Answer { answer: String },
}

pub async fn handle(
    services: &Services,
    principal: &Principal,
    id: Uuid,
    handling: Handling,
) -> Result<FeedbackView, ServiceError> {
    staff_agency(principal)?;
    let mut tx = services.store.begin().await?;
    let mut f = tx.feedback_for_update(id).await?.ok_or_else(not_found)?;
    if !handles(services, principal, &f.agency_id) {
        return Err(not_found());
    }
    if f.state == "answered" {
        return Err(
            ServiceError::new(Code::ActionNotAllowed, "the feedback has been answered")
                .in_vietnamese("Phản ánh, kiến nghị đã được trả lời."),
        );
    }
    let now = now_micros(services);
    let me = principal.subject().to_owned();
    match handling {
        Handling::Classify { topic, assignee } => {
            if !TOPICS.iter().any(|(t, _)| *t == topic) {
                return Err(field(
                    "/topic",
                    "one of the topics",
                    "Phân loại",
                    "Chọn một nhóm phân loại trong danh sách.",
                ));
            }
            if assignee.as_deref().is_some_and(|a| a != me) && !principal.holds(Role::Supervisor) {
                return Err(ServiceError::new(
                    Code::SupervisorsOnly,
                    "a supervisor assigns feedback to someone else",
                ));
            }
            f.topic = Some(topic);
            f.assignee = Some(assignee.unwrap_or(me));
            f.state = "assigned".into();
        }
        Handling::Answer { answer } => {
            let assigned_to_other = f.assignee.as_deref().is_some_and(|a| a != me);
            if assigned_to_other && !principal.holds(Role::Supervisor) {
                return Err(ServiceError::new(
                    Code::AssignedToAnother,
                    "the feedback is assigned to another official",
                ));
            }
            f.answer = Some(text(&answer, "/answer", "Trả lời")?);
            f.answered_at = Some(now);
            f.answered_by = Some(me);
            f.state = "answered".into();
        }
    }
    tx.update_feedback(&f).await?;
    tx.commit().await?;
    Ok(feedback_view(f, now))
}

/// The citizen rates the answer: satisfied or not; changeable within the window.
pub async fn rate_answer(
    services: &Services,
    principal: &Principal,
    id: Uuid,
    satisfied: bool,
) -> Result<FeedbackView, ServiceError> {
    let pin = citizen(principal)?;
    let mut tx = services.store.begin().await?;
    let mut f = tx.feedback_for_update(id).await?.ok_or_else(not_found)?;
    if f.citizen_pin != pin {
        return Err(not_found());
    }
    let now = now_micros(services);
    let Some(answered_at) = f.answered_at else {
        return Err(ServiceError::new(
            Code::ActionNotAllowed,
            "the answer is rated once it is given",
        )
        .in_vietnamese("Chỉ đánh giá sau khi đã có trả lời."));
    };
    // Rated once; changeable for the window after the first rating, which is given once
    // an answer exists.
    let _ = answered_at;
    if f.rated_at.is_some_and(|first| !may_change(first, now)) {
        return Err(ServiceError::new(
            Code::ActionAlreadyTaken,
            "the rating can no longer be changed",
        ));
    }
    f.satisfied = Some(satisfied);
    f.rated_at = Some(f.rated_at.unwrap_or(now));
    tx.update_feedback(&f).await?;
    tx.commit().await?;
    Ok(feedback_view(f, now))
}

/// The citizen's own feedback, or the feedback of the agencies a member of staff handles
/// (unanswered first, by due date); `overdue` keeps those past their date.
pub async fn list(
    services: &Services,
    principal: &Principal,
    overdue: bool,
) -> Result<Vec<FeedbackView>, ServiceError> {
    let now = now_micros(services);
    let agency = staff_agency(principal)?;
    let agencies = if principal.holds(Role::Supervisor) {
        if services.agencies.configured() {
            Some(services.agencies.subtree(agency))
        } else {
            None
        }
    } else {
        Some(vec![agency.to_owned()])
    };
    let rows = services
        .store
        .session()
        .await?
        .agency_feedback(agencies.as_deref(), overdue, now, 200)
        .await?;
    Ok(rows.into_iter().map(|f| feedback_view(f, now)).collect())
}
