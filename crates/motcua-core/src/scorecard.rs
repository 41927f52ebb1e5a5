//! The whole QĐ 766 scorecard (Quyết định 766/QĐ-TTg, "Bộ chỉ số chỉ đạo, điều hành và
//! đánh giá chất lượng phục vụ người dân, doanh nghiệp"): six groups, 100 points, each
//! indicator scored as the national portal (DVCQG) scores it. docs/INDICATORS.md gives each
//! rule with an example; this module is the rule as the engine reads it.
//!
//! Source of the points and formulas: the DVCQG description of the 766 formulas ("Mô tả
//! công thức tính chỉ số 766") as the portal applies it today; the 2022 annex was not at
//! hand, the group list matches it.
//!
//! Scoring (the generic rule): `R = numerator / denominator`; with a threshold `T`, the
//! indicator earns its full points when `R ≥ T`, else `R × points / T`; without one,
//! `R × points`. Points are rounded to two decimals, and a group's and the total's points
//! are the sums of the rounded points (so that they add up as printed).
//!
//! Choices where the wording leaves one (docs/INDICATORS.md, "Choices"):
//! - An empty denominator shows N/A and earns 0 (the portal "shows 0 or N/A"; giving the
//!   points would reward an agency for handling nothing).
//! - What the engine cannot measure (1.1–1.3 come from the national procedure database;
//!   the online-payment group is built with payments) is listed with its points, earns 0
//!   and says why, so the total is out of 100 as on the portal and `measured_points` says
//!   how much of it the engine measured.
//! - 5.3's "repeated" feedback is not subtracted: the engine cannot tell a repeat from a
//!   new matter without a rule the wording does not give.
//! - Group 3's 12 points are scored on 3.3 (online dossiers with their electronic result,
//!   threshold 50 %); 3.1 is shown with its 80 % threshold but carries no points of its own,
//!   as on the portal (3.1, 3.2, 3.3 are tracked, one figure is scored).
//! - 2.2 and 5.1 are monitored: shown, worth 0 points.

use crate::indicators::{Counts, DossierFacts, Id};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// The six groups, in the portal's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    /// Công khai, minh bạch (18).
    Publicity,
    /// Tiến độ giải quyết (20).
    Progress,
    /// Dịch vụ công trực tuyến (12).
    Online,
    /// Thanh toán trực tuyến (10).
    Payment,
    /// Số hóa hồ sơ (22).
    Digitisation,
    /// Mức độ hài lòng (18).
    Satisfaction,
}

pub const GROUPS: [Group; 6] = [
    Group::Publicity,
    Group::Progress,
    Group::Online,
    Group::Payment,
    Group::Digitisation,
    Group::Satisfaction,
];

impl Group {
    pub fn code(self) -> &'static str {
        match self {
            Group::Publicity => "publicity",
            Group::Progress => "progress",
            Group::Online => "online",
            Group::Payment => "payment",
            Group::Digitisation => "digitisation",
            Group::Satisfaction => "satisfaction",
        }
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            Group::Publicity => "Công khai, minh bạch",
            Group::Progress => "Tiến độ giải quyết",
            Group::Online => "Dịch vụ công trực tuyến",
            Group::Payment => "Thanh toán trực tuyến",
            Group::Digitisation => "Số hóa hồ sơ",
            Group::Satisfaction => "Mức độ hài lòng",
        }
    }

    /// The group's points on the portal.
    pub fn points(self) -> f64 {
        match self {
            Group::Publicity => 18.0,
            Group::Progress => 20.0,
            Group::Online => 12.0,
            Group::Payment => 10.0,
            Group::Digitisation => 22.0,
            Group::Satisfaction => 18.0,
        }
    }
}

/// One indicator of the scorecard: its code, name, group, points and threshold.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub code: &'static str,
    pub name_vi: &'static str,
    pub group: Group,
    pub points: f64,
    pub threshold: Option<f64>,
}

const fn rule(
    code: &'static str,
    name_vi: &'static str,
    group: Group,
    points: f64,
    threshold: Option<f64>,
) -> Rule {
    Rule {
        code,
        name_vi,
        group,
        points,
        threshold,
    }
}

/// Every indicator, in the portal's order; the points add up to 100.
pub const RULES: [Rule; 22] = [
    rule("1.1", "TTHC công bố đúng hạn", Group::Publicity, 6.0, None),
    rule(
        "1.2",
        "TTHC cập nhật, công khai đúng hạn",
        Group::Publicity,
        4.0,
        None,
    ),
    rule(
        "1.3",
        "TTHC công khai đầy đủ nội dung",
        Group::Publicity,
        2.0,
        None,
    ),
    rule(
        "1.4",
        "Hồ sơ đồng bộ lên Cổng DVCQG",
        Group::Publicity,
        6.0,
        None,
    ),
    rule(
        "2.1",
        "Hồ sơ xử lý trước hạn, đúng hạn",
        Group::Progress,
        20.0,
        None,
    ),
    rule(
        "2.2",
        "Thời gian giải quyết trung bình (giờ)",
        Group::Progress,
        0.0,
        None,
    ),
    rule(
        "3.1",
        "TTHC cung cấp dịch vụ công trực tuyến",
        Group::Online,
        0.0,
        Some(0.8),
    ),
    rule("3.3", "Hồ sơ trực tuyến", Group::Online, 12.0, Some(0.5)),
    rule(
        "3.5",
        "TTHC có nghĩa vụ tài chính tích hợp thanh toán trực tuyến",
        Group::Payment,
        2.0,
        Some(0.8),
    ),
    rule(
        "3.5b",
        "TTHC phát sinh giao dịch thanh toán trực tuyến",
        Group::Payment,
        2.0,
        None,
    ),
    rule(
        "3.6",
        "Hồ sơ thanh toán trực tuyến",
        Group::Payment,
        6.0,
        None,
    ),
    rule(
        "4.1",
        "Hồ sơ có kết quả điện tử",
        Group::Digitisation,
        6.0,
        None,
    ),
    rule(
        "4.2",
        "Hồ sơ thực hiện số hóa",
        Group::Digitisation,
        4.0,
        Some(0.8),
    ),
    rule(
        "CT",
        "Chứng thực bản sao điện tử từ bản chính",
        Group::Digitisation,
        2.0,
        None,
    ),
    rule(
        "4.3",
        "Khai thác, sử dụng lại dữ liệu số hóa",
        Group::Digitisation,
        2.0,
        Some(0.8),
    ),
    rule(
        "4.4",
        "Hồ sơ số hóa kết nối, chia sẻ để tái sử dụng",
        Group::Digitisation,
        4.0,
        None,
    ),
    rule(
        "4.5b",
        "Hồ sơ sử dụng CSDL quốc gia về dân cư",
        Group::Digitisation,
        2.0,
        None,
    ),
    rule(
        "4.5a",
        "TTHC kết nối CSDL quốc gia về dân cư",
        Group::Digitisation,
        2.0,
        None,
    ),
    rule(
        "5.1",
        "Phân loại phản ánh, kiến nghị",
        Group::Satisfaction,
        0.0,
        None,
    ),
    rule(
        "5.2",
        "Phản ánh, kiến nghị xử lý đúng hạn",
        Group::Satisfaction,
        6.0,
        None,
    ),
    rule(
        "5.3",
        "Hài lòng trong xử lý phản ánh, kiến nghị",
        Group::Satisfaction,
        6.0,
        None,
    ),
    rule(
        "5.4",
        "Hài lòng trong tiếp nhận, giải quyết TTHC",
        Group::Satisfaction,
        6.0,
        Some(0.9),
    ),
];

/// A numerator over a denominator.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Ratio {
    pub numerator: u64,
    pub denominator: u64,
}

impl Ratio {
    pub fn new(numerator: u64, denominator: u64) -> Ratio {
        Ratio {
            numerator,
            denominator,
        }
    }
}

/// The figures of a scope (an agency, a subtree, a province) over a period that the
/// scorecard is computed from: sums of the per-dossier facts, and counts of procedures.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    /// 1.4: dossiers delivered to (or filed on) DVCQG / dossiers submitted.
    pub synchronised: Ratio,
    /// 2.1 as `indicators::DossierFacts::on_time` counts it.
    pub on_time: Ratio,
    /// 2.2: received and finished dossiers, and their processing time in seconds.
    pub processed: u64,
    pub processing_seconds: i64,
    /// 3.1: procedures offered online (partly or fully) / procedures of the scope.
    pub procedures_online: Ratio,
    /// 3.3, 4.1, 4.2, 4.3, 4.4, 4.5b as `indicators` counts them.
    pub online: Ratio,
    pub electronic_result: Ratio,
    pub digitised: Ratio,
    pub reuse: Ratio,
    pub from_store: Ratio,
    pub register_used: Ratio,
    /// Certified electronic copies: dossiers of certification procedures finished with an
    /// electronic copy / finished dossiers of certification procedures.
    pub certified_copies: Ratio,
    /// 4.5a: procedures with at least one dossier that used the population register /
    /// procedures of the scope serving citizens.
    pub procedures_register: Ratio,
    /// Dossiers received (5.4's second share is over them).
    pub received: u64,
    /// 5.1: feedback classified / feedback received.
    pub feedback_classified: Ratio,
    /// 5.2: feedback answered by its date / feedback answered or past its date.
    pub feedback_on_time: Ratio,
    /// 5.3: feedback received, less those whose answer the citizen rated not satisfied and
    /// those answered late or overdue / feedback received.
    pub feedback_satisfied: Ratio,
    /// 5.4: dossiers with feedback about them or a dislike.
    pub flagged_dossiers: u64,
}

impl Ratio {
    fn add(&mut self, c: Counts) {
        self.denominator += u64::from(c.denominator);
        self.numerator += u64::from(c.numerator);
    }
}

impl Figures {
    /// Adds one dossier's facts, as the engine's per-dossier rows do (`dossier_fact`),
    /// judging an unfinished one at `judged_at`; `synchronised`: delivered to DVCQG.
    /// Procedure counts (3.1, 4.5a) and certified copies are set by the caller.
    pub fn add(&mut self, f: &DossierFacts, synchronised: bool, judged_at: DateTime<Utc>) {
        self.synchronised.add(Counts {
            denominator: true,
            numerator: synchronised,
        });
        self.on_time.add(f.on_time(judged_at));
        if let Some(s) = f.processing_seconds() {
            self.processed += 1;
            self.processing_seconds += s;
        }
        self.received += u64::from(f.received);
        self.online.add(f.counts(Id::Online));
        self.electronic_result.add(f.counts(Id::ElectronicResult));
        self.digitised.add(f.counts(Id::Digitisation));
        self.reuse.add(f.counts(Id::Reuse));
        self.from_store.add(f.counts(Id::FromStore));
        self.register_used.add(f.counts(Id::RegisterUsed));
    }
}

/// Why an indicator has no figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unmeasured {
    /// Computed by the national portal from the national procedure database.
    NationalCatalogue,
    /// Online payments are not recorded yet.
    PaymentsNotYet,
}

impl Unmeasured {
    pub fn note(self) -> &'static str {
        match self {
            Unmeasured::NationalCatalogue => {
                "not measured by the engine: the national portal computes it from the \
                 national procedure database (publication decisions and dates)"
            }
            Unmeasured::PaymentsNotYet => {
                "not measured yet: online payments are not recorded by the engine yet; \
                 counted as 0"
            }
        }
    }
}

/// One indicator as scored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Line {
    pub code: &'static str,
    pub name: &'static str,
    pub group: Group,
    /// Its points on the portal (0: monitored only).
    pub points: f64,
    pub threshold: Option<f64>,
    /// `None` when not measured (see `unmeasured`).
    pub numerator: Option<u64>,
    pub denominator: Option<u64>,
    /// `None` when not measured or the denominator is 0 (N/A).
    pub ratio: Option<f64>,
    /// 2.2 only: the average processing time in hours.
    pub average_hours: Option<f64>,
    /// The points earned, to two decimals (0 when N/A or not measured).
    pub earned: f64,
    pub meets_threshold: Option<bool>,
    pub unmeasured: Option<Unmeasured>,
    pub note: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupScore {
    pub group: Group,
    pub name: &'static str,
    pub points: f64,
    pub earned: f64,
    /// Of `points`, how many the engine measured.
    pub measured_points: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scorecard {
    pub lines: Vec<Line>,
    pub groups: Vec<GroupScore>,
    /// Out of 100.
    pub total: f64,
    /// Of the 100 points, how many the engine measured (the rest earn 0, see each line).
    pub measured_points: f64,
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// `R ≥ T`, compared as integers so that exactly 80 % is 80 %.
fn meets(r: Ratio, t: f64) -> bool {
    r.numerator as f64 * 1000.0 >= (t * 1000.0).round() * r.denominator as f64
}

fn measured(rule: &Rule, r: Ratio) -> Line {
    let ratio = (r.denominator > 0).then(|| r.numerator as f64 / r.denominator as f64);
    let earned = match (ratio, rule.threshold) {
        (None, _) => 0.0,
        (Some(_), Some(t)) if meets(r, t) => rule.points,
        (Some(x), Some(t)) => x * rule.points / t,
        (Some(x), None) => x * rule.points,
    };
    Line {
        code: rule.code,
        name: rule.name_vi,
        group: rule.group,
        points: rule.points,
        threshold: rule.threshold,
        numerator: Some(r.numerator),
        denominator: Some(r.denominator),
        ratio,
        average_hours: None,
        earned: round2(earned),
        meets_threshold: match (rule.threshold, r.denominator) {
            (Some(t), d) if d > 0 => Some(meets(r, t)),
            _ => None,
        },
        unmeasured: None,
        note: ratio
            .is_none()
            .then_some("N/A: nothing to count in the period; earns 0"),
    }
}

fn unmeasured(rule: &Rule, why: Unmeasured) -> Line {
    Line {
        code: rule.code,
        name: rule.name_vi,
        group: rule.group,
        points: rule.points,
        threshold: rule.threshold,
        numerator: None,
        denominator: None,
        ratio: None,
        average_hours: None,
        earned: 0.0,
        meets_threshold: None,
        unmeasured: Some(why),
        note: Some(why.note()),
    }
}

/// 5.4: `100 % − (share of dossiers overdue + share of dossiers with feedback or a
/// dislike)`, the first share over the dossiers 2.1 judged, the second over those received;
/// never below 0. N/A when neither share has a denominator.
fn procedure_satisfaction(rule: &Rule, f: &Figures) -> Line {
    let share = |n: u64, d: u64| if d == 0 { 0.0 } else { n as f64 / d as f64 };
    let overdue = share(
        f.on_time.denominator.saturating_sub(f.on_time.numerator),
        f.on_time.denominator,
    );
    let flagged = share(f.flagged_dossiers, f.received);
    let value =
        (f.on_time.denominator > 0 || f.received > 0).then(|| (1.0 - overdue - flagged).max(0.0));
    let t = rule.threshold.unwrap_or(1.0);
    // Compared in thousandths, so that exactly 90 % meets 90 %.
    let meets = value.map(|v| (v * 1000.0).round() >= (t * 1000.0).round());
    let earned = match (value, meets) {
        (None, _) => 0.0,
        (Some(_), Some(true)) => rule.points,
        (Some(v), _) => v * rule.points / t,
    };
    Line {
        code: rule.code,
        name: rule.name_vi,
        group: rule.group,
        points: rule.points,
        threshold: rule.threshold,
        numerator: Some(f.flagged_dossiers),
        denominator: Some(f.received),
        ratio: value,
        average_hours: None,
        earned: round2(earned),
        meets_threshold: meets,
        unmeasured: None,
        note: Some(
            "100 % − (overdue dossiers / dossiers judged for 2.1 + dossiers with feedback or \
             a dislike / dossiers received); numerator and denominator are the second share's",
        ),
    }
}

/// The scorecard of `f`.
pub fn score(f: &Figures) -> Scorecard {
    let lines: Vec<Line> = RULES
        .iter()
        .map(|rule| match rule.code {
            "1.1" | "1.2" | "1.3" => unmeasured(rule, Unmeasured::NationalCatalogue),
            "1.4" => measured(rule, f.synchronised),
            "2.1" => measured(rule, f.on_time),
            "2.2" => {
                let mut line = measured(rule, Ratio::new(0, f.processed));
                line.numerator = None;
                line.ratio = None;
                line.average_hours = (f.processed > 0)
                    .then(|| round2(f.processing_seconds as f64 / 3600.0 / f.processed as f64));
                line.note = Some("monitored, 0 points: Σ processing time / finished dossiers");
                line
            }
            "3.1" => measured(rule, f.procedures_online),
            "3.3" => measured(rule, f.online),
            "3.5" | "3.5b" | "3.6" => unmeasured(rule, Unmeasured::PaymentsNotYet),
            "4.1" => measured(rule, f.electronic_result),
            "4.2" => measured(rule, f.digitised),
            "CT" => measured(rule, f.certified_copies),
            "4.3" => measured(rule, f.reuse),
            "4.4" => measured(rule, f.from_store),
            "4.5b" => measured(rule, f.register_used),
            "4.5a" => measured(rule, f.procedures_register),
            "5.1" => measured(rule, f.feedback_classified),
            "5.2" => measured(rule, f.feedback_on_time),
            "5.3" => measured(rule, f.feedback_satisfied),
            _ => procedure_satisfaction(rule, f),
        })
        .collect();
    let groups: Vec<GroupScore> = GROUPS
        .iter()
        .map(|&group| {
            let of = || lines.iter().filter(move |l| l.group == group);
            GroupScore {
                group,
                name: group.name_vi(),
                points: group.points(),
                earned: round2(of().map(|l| l.earned).sum()),
                measured_points: of()
                    .filter(|l| l.unmeasured.is_none())
                    .map(|l| l.points)
                    .sum(),
            }
        })
        .collect();
    Scorecard {
        total: round2(groups.iter().map(|g| g.earned).sum()),
        measured_points: groups.iter().map(|g| g.measured_points).sum(),
        lines,
        groups,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    /// An online dossier of a procedure with a written result: received 20/11 08:00,
    /// finished 21/11 08:00 (24 h) before its return date 25/11, one scanned document,
    /// its electronic result issued (and so put in the citizen's store), the register
    /// used, no reuse, nothing from the store.
    fn online() -> DossierFacts {
        DossierFacts {
            channel: crate::dossier::Channel::Online,
            received: true,
            received_at: Some(at("2026-11-20T08:00:00+07:00")),
            finished_at: Some(at("2026-11-21T08:00:00+07:00")),
            due_at: Some(at("2026-11-25T17:00:00+07:00")),
            supplement_requests: 0,
            written_result_due: true,
            result_is_document: true,
            electronic_result: true,
            documents: 1,
            paper_only_documents: 0,
            reused: false,
            from_store: false,
            result_to_store: true,
            register_used: true,
        }
    }

    /// The acceptance set: five dossiers of one agency in November 2026, judged at the
    /// month's end, two procedures of which one is offered online and one has used the
    /// register, one certification procedure with one of its two dossiers given an
    /// electronic copy. Every figure below is worked out by hand.
    #[test]
    fn a_built_set_scores_as_worked_out_by_hand() {
        use crate::dossier::Channel::Counter;
        // D1: online, on time, 1 scanned document, e-result, reused. Synchronised.
        let d1 = DossierFacts {
            reused: true,
            ..online()
        };
        // D2: at the counter, on time (48 h), its one document only on paper (no attached
        // component file → NOT digitised), no e-result, no register. Synchronised.
        let d2 = DossierFacts {
            channel: Counter,
            finished_at: Some(at("2026-11-22T08:00:00+07:00")),
            documents: 1,
            paper_only_documents: 1,
            electronic_result: false,
            result_to_store: false,
            register_used: false,
            ..online()
        };
        // D3: online, finished before its date (72 h) but after TWO supplement requests →
        // late; two scanned documents, e-result, one taken from the store. NOT synchronised.
        let d3 = DossierFacts {
            finished_at: Some(at("2026-11-23T08:00:00+07:00")),
            supplement_requests: 2,
            documents: 2,
            from_store: true,
            ..online()
        };
        // D4: counter, on time (24 h), its document scanned, but the procedure's written
        // result was given on paper only (no e-result) → NOT digitised. Synchronised.
        let d4 = DossierFacts {
            channel: Counter,
            electronic_result: false,
            result_to_store: false,
            register_used: false,
            ..online()
        };
        // D5: online, unfinished, its return date 25/11 passed when judged → late; no
        // document at all → NOT digitised; no result yet. Synchronised.
        let d5 = DossierFacts {
            finished_at: None,
            electronic_result: false,
            result_to_store: false,
            documents: 0,
            ..online()
        };
        let judged = at("2026-12-01T00:00:00+07:00");
        let mut f = Figures::default();
        for (d, synced) in [
            (&d1, true),
            (&d2, true),
            (&d3, false),
            (&d4, true),
            (&d5, true),
        ] {
            f.add(d, synced, judged);
        }
        f.procedures_online = Ratio::new(1, 2);
        f.procedures_register = Ratio::new(1, 2);
        f.certified_copies = Ratio::new(1, 2);
        // Feedback received in the month (the store counts it so): F1 answered in time,
        // the citizen satisfied; F2 answered after its date; F3 unanswered, past its date;
        // F4 answered in time, the citizen NOT satisfied. F1, F2, F4 classified. F3 is about
        // D2, and the citizen of D4 rated it "không hài lòng": two dossiers flagged.
        f.feedback_classified = Ratio::new(3, 4);
        f.feedback_on_time = Ratio::new(2, 4);
        // 4 − 1 not satisfied (F4) − 2 late or overdue (F2, F3) = 1
        f.feedback_satisfied = Ratio::new(1, 4);
        f.flagged_dossiers = 2;
        let card = score(&f);
        let line = |code: &str| card.lines.iter().find(|l| l.code == code).unwrap().clone();
        let ratio = |code: &str| {
            let l = line(code);
            (l.numerator.unwrap_or(0), l.denominator.unwrap_or(0))
        };
        // code, numerator/denominator, points earned (worked out by hand):
        let expected: [(&str, (u64, u64), f64); 16] = [
            // 1.4: D1, D2, D4, D5 of 5 synchronised → 4/5 × 6 = 4.8
            ("1.4", (4, 5), 4.8),
            // 2.1: all 5 judged (4 finished, D5 overdue); on time D1, D2, D4 → 3/5 × 20 = 12
            ("2.1", (3, 5), 12.0),
            // 2.2: monitored, 0 points; (24 + 48 + 72 + 24) h / 4 finished = 42 h (below)
            ("2.2", (0, 4), 0.0),
            // 3.1: 1 of 2 procedures online = 50 % < 80 %; 0 points of its own
            ("3.1", (1, 2), 0.0),
            // 3.3: online with their e-result D1, D3 of 5 received → 40 % < 50 %:
            //      0.4 × 12 / 0.5 = 9.6
            ("3.3", (2, 5), 9.6),
            // 4.1: e-results D1, D3 of the 4 finished dossiers with a written result →
            //      2/4 × 6 = 3
            ("4.1", (2, 4), 3.0),
            // 4.2: digitised D1, D3 (D2 no file, D4 paper result, D5 no file) of 5 →
            //      40 % < 80 %: 0.4 × 4 / 0.8 = 2
            ("4.2", (2, 5), 2.0),
            // certified e-copies 1/2 × 2 = 1
            ("CT", (1, 2), 1.0),
            // 4.3: reused D1 of 5 received → 20 %: 0.2 × 2 / 0.8 = 0.5
            ("4.3", (1, 5), 0.5),
            // 4.4: from the store D3, result into the store D1, D3 → 2/5 × 4 = 1.6
            ("4.4", (2, 5), 1.6),
            // 4.5b: register D1, D3; D5 online (VNeID login) → 3/5 × 2 = 1.2
            ("4.5b", (3, 5), 1.2),
            // 4.5a: 1 of 2 procedures connected → 1/2 × 2 = 1
            ("4.5a", (1, 2), 1.0),
            // 5.1: 3 of 4 classified; monitored, 0 points
            ("5.1", (3, 4), 0.0),
            // 5.2: F1, F4 in time of the 4 judged → 2/4 × 6 = 3
            ("5.2", (2, 4), 3.0),
            // 5.3: 1/4 × 6 = 1.5
            ("5.3", (1, 4), 1.5),
            // 5.4: 100 % − (2 of 5 judged dossiers late + 2 of 5 received flagged) = 20 %
            //      < 90 %: 0.2 × 6 / 0.9 = 1.333… → 1.33 (numerator/denominator: the flags)
            ("5.4", (2, 5), 1.33),
        ];
        for (code, r, earned) in expected {
            assert_eq!((ratio(code), line(code).earned), (r, earned), "{code}");
        }
        assert_eq!(line("2.2").average_hours, Some(42.0));
        assert_eq!(line("4.2").meets_threshold, Some(false));
        for code in ["1.1", "1.2", "1.3", "3.5", "3.5b", "3.6"] {
            assert!(line(code).unmeasured.is_some(), "{code}");
            assert_eq!(line(code).earned, 0.0, "{code}");
        }
        let groups: Vec<(Group, f64, f64)> = card
            .groups
            .iter()
            .map(|g| (g.group, g.earned, g.measured_points))
            .collect();
        assert_eq!(
            groups,
            vec![
                // 1.4 only (1.1–1.3 from the national database): 4.8 of 18, 6 measured
                (Group::Publicity, 4.8, 6.0),
                // 2.1: 12 of 20
                (Group::Progress, 12.0, 20.0),
                // 3.3: 9.6 of 12
                (Group::Online, 9.6, 12.0),
                // payments not recorded yet: 0 of 10, none measured
                (Group::Payment, 0.0, 0.0),
                // 3 + 2 + 1 + 0.5 + 1.6 + 1.2 + 1 = 10.3 of 22
                (Group::Digitisation, 10.3, 22.0),
                // 0 + 3 + 1.5 + 1.33 = 5.83 of 18
                (Group::Satisfaction, 5.83, 18.0),
            ]
        );
        // 4.8 + 12 + 9.6 + 0 + 10.3 + 5.83 = 42.53 of 100; 78 points measured.
        assert_eq!((card.total, card.measured_points), (42.53, 78.0));
    }

    #[test]
    fn the_points_add_up_to_each_group_and_to_100() {
        for group in GROUPS {
            let sum: f64 = RULES
                .iter()
                .filter(|r| r.group == group)
                .map(|r| r.points)
                .sum();
            assert_eq!(sum, group.points(), "{group:?}");
        }
        assert_eq!(GROUPS.iter().map(|g| g.points()).sum::<f64>(), 100.0);
    }

    #[test]
    fn thresholds_are_the_portals() {
        let t = |code: &str| {
            RULES
                .iter()
                .find(|r| r.code == code)
                .and_then(|r| r.threshold)
        };
        assert_eq!(t("3.1"), Some(0.8));
        assert_eq!(t("3.5"), Some(0.8));
        assert_eq!(t("4.2"), Some(0.8));
        assert_eq!(t("4.3"), Some(0.8));
        assert_eq!(t("3.3"), Some(0.5));
        assert_eq!(t("5.4"), Some(0.9));
        assert_eq!(t("2.1"), None);
    }

    #[test]
    fn full_points_at_the_threshold_proportional_below_and_zero_when_empty() {
        let r = |code: &str| RULES.iter().find(|r| r.code == code).copied().unwrap();
        // 4.2: 80 % of 4 points → 4; 60 % → 0.6 × 4 / 0.8 = 3.
        assert_eq!(measured(&r("4.2"), Ratio::new(8, 10)).earned, 4.0);
        assert_eq!(measured(&r("4.2"), Ratio::new(6, 10)).earned, 3.0);
        // 2.1 has no threshold: 3/4 of 20 = 15.
        assert_eq!(measured(&r("2.1"), Ratio::new(3, 4)).earned, 15.0);
        let empty = measured(&r("4.1"), Ratio::new(0, 0));
        assert_eq!((empty.ratio, empty.earned), (None, 0.0));
    }
}
