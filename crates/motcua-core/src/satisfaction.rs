//! Satisfaction and feedback (QĐ 766 group 6; docs/SATISFACTION.md): the rating of how a
//! dossier was handled, and feedback or complaints (phản ánh, kiến nghị — PAKN) with their
//! legal time. Pure rules; the use cases are in `motcua_service::satisfaction`.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

/// The three levels the national portal rates with.
pub const LEVELS: [(u8, &str); 3] = [(1, "Không hài lòng"), (2, "Hài lòng"), (3, "Rất hài lòng")];

/// The questions, after the criteria of Nghị định 61/2018/NĐ-CP (Điều 31) as the portal's
/// form asks them; `q5` is the overall one, whose "không hài lòng" is a dislike (5.4).
pub const QUESTIONS: [(&str, &str); 5] = [
    ("q1", "Tổng thời gian giải quyết so với thời gian quy định"),
    ("q2", "Số lần phải liên hệ với cơ quan để hoàn thiện hồ sơ"),
    ("q3", "Thái độ, sự hướng dẫn của cán bộ, công chức"),
    ("q4", "Kết quả giải quyết đúng quy định"),
    ("q5", "Mức độ hài lòng chung"),
];

/// The overall question.
pub const OVERALL: &str = "q5";

/// How long after the first rating the citizen may change it.
pub const CHANGE_WINDOW_DAYS: i64 = 7;

/// Working days to answer feedback (the 766 rule for 5.2: handled within 15 working days).
pub const ANSWER_WORKING_DAYS: u32 = 15;

/// A checked rating: every question answered with a level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rating {
    pub answers: BTreeMap<String, u8>,
    pub overall: u8,
}

/// A refused answer: the question's pointer and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub pointer: String,
    pub message: &'static str,
}

/// Checks a rating: each of [`QUESTIONS`] answered 1, 2 or 3, nothing else.
pub fn check_rating(answers: &BTreeMap<String, i64>) -> Result<Rating, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut checked = BTreeMap::new();
    for (code, _) in QUESTIONS {
        match answers.get(code) {
            Some(v @ 1..=3) => {
                checked.insert(code.to_owned(), u8::try_from(*v).unwrap_or(1));
            }
            Some(_) => problems.push(Problem {
                pointer: format!("/answers/{code}"),
                message: "1 (không hài lòng), 2 (hài lòng) or 3 (rất hài lòng)",
            }),
            None => problems.push(Problem {
                pointer: format!("/answers/{code}"),
                message: "every question is answered",
            }),
        }
    }
    for code in answers.keys() {
        if !QUESTIONS.iter().any(|(q, _)| q == code) {
            problems.push(Problem {
                pointer: format!("/answers/{code}"),
                message: "not a question of the rating",
            });
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let overall = checked.get(OVERALL).copied().unwrap_or(1);
    Ok(Rating {
        answers: checked,
        overall,
    })
}

/// A rating first given at `first` may still be changed at `now`.
pub fn may_change(first: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now <= first + Duration::days(CHANGE_WINDOW_DAYS)
}

/// Feedback's kinds: phản ánh (about how something was done), kiến nghị (a proposal).
pub const KINDS: [&str; 2] = ["phan_anh", "kien_nghi"];

/// Topics staff classify feedback under (5.1 counts the classified ones).
pub const TOPICS: [(&str, &str); 5] = [
    ("thai_do", "Thái độ, tác phong của cán bộ"),
    ("cham_tre", "Chậm trễ, quá hạn giải quyết"),
    ("thu_tuc", "Quy định, thủ tục hành chính"),
    ("ket_qua", "Kết quả giải quyết"),
    ("khac", "Khác"),
];

/// Feedback answered by its date counts for 5.2; one still unanswered counts (as late) once
/// its date has passed at `judged_at`, as an unfinished dossier does for 2.1.
pub fn feedback_on_time(
    due_at: DateTime<Utc>,
    answered_at: Option<DateTime<Utc>>,
    judged_at: DateTime<Utc>,
) -> (bool, bool) {
    match answered_at {
        Some(at) => (true, at <= due_at),
        None => (due_at < judged_at, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    #[test]
    fn every_question_answered_on_the_three_levels() {
        let all: BTreeMap<String, i64> =
            QUESTIONS.iter().map(|(q, _)| (q.to_string(), 3)).collect();
        assert_eq!(check_rating(&all).unwrap().overall, 3);
        let mut missing = all.clone();
        missing.remove("q2");
        assert_eq!(
            check_rating(&missing).unwrap_err()[0].pointer,
            "/answers/q2"
        );
        let mut five = all.clone();
        five.insert("q1".into(), 5);
        assert_eq!(check_rating(&five).unwrap_err()[0].pointer, "/answers/q1");
        let mut extra = all;
        extra.insert("q9".into(), 2);
        assert_eq!(check_rating(&extra).unwrap_err()[0].pointer, "/answers/q9");
    }

    #[test]
    fn a_rating_changes_for_seven_days_and_feedback_is_late_after_its_date() {
        let first = at("2026-11-02T09:00:00+07:00");
        assert!(may_change(first, at("2026-11-09T09:00:00+07:00")));
        assert!(!may_change(first, at("2026-11-09T09:00:01+07:00")));
        let due = at("2026-11-20T17:00:00+07:00");
        let judged = at("2026-11-30T00:00:00+07:00");
        assert_eq!(
            feedback_on_time(due, Some(at("2026-11-20T16:00:00+07:00")), judged),
            (true, true)
        );
        assert_eq!(
            feedback_on_time(due, Some(at("2026-11-21T08:00:00+07:00")), judged),
            (true, false)
        );
        assert_eq!(feedback_on_time(due, None, judged), (true, false));
        assert_eq!(
            feedback_on_time(due, None, at("2026-11-19T00:00:00+07:00")),
            (false, false)
        );
    }
}
