//! The indicators agencies are scored on (Quyết định 766/QĐ-TTg; docs/DOMAIN.md, "The scored
//! indicators"), as pure functions over one dossier's facts: each dossier says, for each
//! indicator, whether it counts in the denominator and in the numerator. A report sums
//! those over the dossiers of a period, agency and procedure into [`Indicator`]s.
//!
//! How the rules are read here (the decisions the wording leaves open):
//! - A dossier belongs to the period in which it was submitted (online) or taken at the
//!   counter (its submission time).
//! - "Received" means accepted by the desk (the receipt was issued); refused at reception
//!   and still-waiting dossiers are submitted but not received.
//! - 2.1 judges finished dossiers (a final state other than withdrawn) by their return date,
//!   with supplement time already excluded from it; more than one supplement request makes
//!   a dossier late whatever the dates; an unfinished dossier counts, as late, once its
//!   return date has passed at the moment of judging (the period's end, or now).
//! - 4.2 "digitised" follows the national formula (the DVCQG description of the 766
//!   formulas): the dossier's components carry an attached file ("có file đính kèm trong
//!   thành phần hồ sơ"), read as at least one document held as a stored file (a counter or
//!   postal dossier counts once scanned), **and**, where the procedure's result is a written
//!   document, the result carries one too. A dossier with no document at all, or only
//!   paper, is not digitised. The stricter "no document left on paper" is not what the
//!   portal scores; docs/INDICATORS.md says why the engine follows the portal.
//! - Scores are the share of the indicator's points earned: 1 when `R ≥ T`, else `R / T`;
//!   without a threshold, `R`.

use chrono::{DateTime, Utc};
use serde::Serialize;

pub use crate::dossier::Channel;

/// What the indicators need to know of one submitted dossier.
#[derive(Debug, Clone, PartialEq)]
pub struct DossierFacts {
    pub channel: Channel,
    /// Accepted by the desk (receipt issued).
    pub received: bool,
    /// Reached a final state other than withdrawn, and when.
    pub finished_at: Option<DateTime<Utc>>,
    /// The return date (supplement time and an apology's new date included).
    pub due_at: Option<DateTime<Utc>>,
    pub supplement_requests: i32,
    /// The procedure issues a written result (then an electronic one is due).
    pub written_result_due: bool,
    /// The procedure's result is a document (4.1's denominator).
    pub result_is_document: bool,
    /// An electronic result with its result code and stored file was issued.
    pub electronic_result: bool,
    /// Documents attached, and how many of them exist only on paper.
    pub documents: u32,
    pub paper_only_documents: u32,
    /// At least one document reused from digitised data (another dossier's document or a
    /// result).
    pub reused: bool,
    /// A document taken from the citizen's store.
    pub from_store: bool,
    /// The electronic result went into the citizen's store.
    pub result_to_store: bool,
    /// The population register answered for this dossier.
    pub register_used: bool,
    /// When the desk received it (2.2 counts from here).
    pub received_at: Option<DateTime<Utc>>,
}

/// The indicators, by their number in the 766 set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Id {
    #[serde(rename = "2.1")]
    OnTime,
    #[serde(rename = "3.3")]
    Online,
    #[serde(rename = "4.1")]
    ElectronicResult,
    #[serde(rename = "4.2")]
    Digitisation,
    #[serde(rename = "4.3")]
    Reuse,
    #[serde(rename = "4.4")]
    FromStore,
    #[serde(rename = "4.5b")]
    RegisterUsed,
}

pub const ALL: [Id; 7] = [
    Id::OnTime,
    Id::Online,
    Id::ElectronicResult,
    Id::Digitisation,
    Id::Reuse,
    Id::FromStore,
    Id::RegisterUsed,
];

impl Id {
    pub fn code(self) -> &'static str {
        match self {
            Id::OnTime => "2.1",
            Id::Online => "3.3",
            Id::ElectronicResult => "4.1",
            Id::Digitisation => "4.2",
            Id::Reuse => "4.3",
            Id::FromStore => "4.4",
            Id::RegisterUsed => "4.5b",
        }
    }

    /// The scoring threshold, where the rule has one.
    pub fn threshold(self) -> Option<f64> {
        match self {
            Id::Online => Some(0.5),
            Id::Digitisation | Id::Reuse => Some(0.8),
            _ => None,
        }
    }
}

/// Whether a dossier counts in an indicator's denominator, and in its numerator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub denominator: bool,
    pub numerator: bool,
}

impl Counts {
    fn of(denominator: bool, numerator: bool) -> Counts {
        Counts {
            denominator,
            numerator: denominator && numerator,
        }
    }
}

impl DossierFacts {
    fn finished(&self) -> bool {
        self.finished_at.is_some()
    }

    /// 4.2 (1): at least one component carries an attached file.
    fn digitised(&self) -> bool {
        self.documents > self.paper_only_documents
    }

    /// 2.2: the time from receipt to the end of processing, in seconds, of a received and
    /// finished dossier (none otherwise). Calendar time, as the portal's `ThoiGianGiaiQuyet`
    /// is taken from the two synchronised dates; a dossier finished before it was received
    /// (a clock set back) reads 0.
    pub fn processing_seconds(&self) -> Option<i64> {
        match (self.received, self.received_at, self.finished_at) {
            (true, Some(from), Some(to)) => Some((to - from).num_seconds().max(0)),
            _ => None,
        }
    }

    fn result_done(&self) -> bool {
        !self.written_result_due || self.electronic_result
    }

    /// 2.1, judged at `judged_at` (the end of the period, or now if earlier).
    pub fn on_time(&self, judged_at: DateTime<Utc>) -> Counts {
        match (self.finished_at, self.due_at) {
            (Some(done), due) => {
                let in_time = due.is_none_or(|due| done <= due) && self.supplement_requests <= 1;
                Counts::of(self.received, in_time)
            }
            // Not finished: judged only once its return date has passed, and then late.
            (None, Some(due)) => Counts::of(self.received && due < judged_at, false),
            (None, None) => Counts::default(),
        }
    }

    /// The indicators that do not depend on when they are judged.
    pub fn counts(&self, id: Id) -> Counts {
        match id {
            Id::OnTime => Counts::default(),
            Id::Online => Counts::of(
                self.received,
                self.channel == Channel::Online && self.result_done(),
            ),
            Id::ElectronicResult => Counts::of(
                self.result_is_document && self.finished(),
                self.electronic_result,
            ),
            Id::Digitisation => Counts::of(true, self.digitised() && self.result_done()),
            Id::Reuse => Counts::of(self.received, self.reused),
            Id::FromStore => Counts::of(self.received, self.from_store || self.result_to_store),
            Id::RegisterUsed => {
                Counts::of(true, self.register_used || self.channel == Channel::Online)
            }
        }
    }
}

/// An indicator over a set of dossiers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Indicator {
    pub id: Id,
    pub numerator: u64,
    pub denominator: u64,
    /// `None` (N/A) for an empty denominator.
    pub ratio: Option<f64>,
    pub threshold: Option<f64>,
    /// The share of the indicator's points earned (0 to 1); `None` when N/A.
    pub score: Option<f64>,
    /// `ratio ≥ threshold` (indicators with a threshold only).
    pub meets_target: Option<bool>,
}

impl Indicator {
    pub fn new(id: Id, numerator: u64, denominator: u64) -> Indicator {
        Indicator::with_threshold(id, numerator, denominator, id.threshold())
    }

    /// With a threshold other than the rule's (an operator's own target).
    pub fn with_threshold(
        id: Id,
        numerator: u64,
        denominator: u64,
        threshold: Option<f64>,
    ) -> Indicator {
        let ratio = (denominator > 0).then(|| numerator as f64 / denominator as f64);
        let score = ratio.map(|r| match threshold {
            Some(t) if t > 0.0 => (r / t).min(1.0),
            _ => r,
        });
        // Compared as integers, so that exactly 80 % is 80 % (no float rounding).
        let meets_target = match (threshold, denominator) {
            (Some(t), d) if d > 0 => {
                Some(numerator as f64 * 1000.0 >= (t * 1000.0).round() * d as f64)
            }
            _ => None,
        };
        Indicator {
            id,
            numerator,
            denominator,
            ratio,
            threshold,
            score,
            meets_target,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    /// An online dossier received, finished on time, fully digitised, with its e-result.
    fn good() -> DossierFacts {
        DossierFacts {
            channel: Channel::Online,
            received: true,
            finished_at: Some(at("2026-11-24T10:00:00+07:00")),
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
            received_at: Some(at("2026-11-20T08:00:00+07:00")),
        }
    }

    const JUDGED: &str = "2026-11-30T23:59:59+07:00";

    #[test]
    fn two_supplement_requests_make_a_dossier_late() {
        let once = DossierFacts {
            supplement_requests: 1,
            ..good()
        };
        assert_eq!(once.on_time(at(JUDGED)), Counts::of(true, true));
        let twice = DossierFacts {
            supplement_requests: 2,
            ..good()
        };
        assert_eq!(twice.on_time(at(JUDGED)), Counts::of(true, false));
    }

    #[test]
    fn finished_after_the_due_date_is_late_and_unfinished_counts_once_overdue() {
        let late = DossierFacts {
            finished_at: Some(at("2026-11-26T08:00:00+07:00")),
            ..good()
        };
        assert_eq!(late.on_time(at(JUDGED)), Counts::of(true, false));
        let open = DossierFacts {
            finished_at: None,
            ..good()
        };
        // Judged before its return date: not yet counted; after: late.
        assert_eq!(
            open.on_time(at("2026-11-25T12:00:00+07:00")),
            Counts::default()
        );
        assert_eq!(open.on_time(at(JUDGED)), Counts::of(true, false));
    }

    #[test]
    fn a_paper_document_or_a_missing_electronic_result_fails_digitisation() {
        assert!(good().counts(Id::Digitisation).numerator);
        let paper = DossierFacts {
            paper_only_documents: 1,
            ..good()
        };
        assert_eq!(paper.counts(Id::Digitisation), Counts::of(true, false));
        let paper_result = DossierFacts {
            electronic_result: false,
            ..good()
        };
        assert_eq!(
            paper_result.counts(Id::Digitisation),
            Counts::of(true, false)
        );
        // No written result due: the documents alone decide.
        let no_result_due = DossierFacts {
            written_result_due: false,
            electronic_result: false,
            ..good()
        };
        assert!(no_result_due.counts(Id::Digitisation).numerator);
    }

    #[test]
    fn a_dossier_with_no_attached_component_file_is_not_digitised() {
        let nothing = DossierFacts {
            documents: 0,
            paper_only_documents: 0,
            ..good()
        };
        assert_eq!(nothing.counts(Id::Digitisation), Counts::of(true, false));
        // One scanned document among paper ones: its components carry a file.
        let one_scanned = DossierFacts {
            documents: 3,
            paper_only_documents: 2,
            ..good()
        };
        assert!(one_scanned.counts(Id::Digitisation).numerator);
    }

    #[test]
    fn processing_time_runs_from_receipt_to_the_end() {
        assert_eq!(good().processing_seconds(), Some(4 * 86_400 + 2 * 3_600));
        let open = DossierFacts {
            finished_at: None,
            ..good()
        };
        assert_eq!(open.processing_seconds(), None);
    }

    #[test]
    fn counter_dossiers_are_not_online_and_need_the_register_for_4_5b() {
        let counter = DossierFacts {
            channel: Channel::Counter,
            register_used: false,
            ..good()
        };
        assert_eq!(counter.counts(Id::Online), Counts::of(true, false));
        assert_eq!(counter.counts(Id::RegisterUsed), Counts::of(true, false));
        let not_received = DossierFacts {
            received: false,
            finished_at: None,
            ..good()
        };
        assert_eq!(not_received.counts(Id::Online), Counts::default());
        assert_eq!(
            not_received.counts(Id::Digitisation),
            Counts::of(true, true)
        );
    }

    #[test]
    fn scores_follow_the_threshold_rule() {
        let i = Indicator::new(Id::Digitisation, 8, 10);
        assert_eq!(
            (i.ratio, i.score, i.meets_target),
            (Some(0.8), Some(1.0), Some(true))
        );
        let i = Indicator::new(Id::Digitisation, 79, 100);
        assert_eq!(i.meets_target, Some(false));
        assert!((i.score.unwrap() - 0.79 / 0.8).abs() < 1e-12);
        let i = Indicator::new(Id::Online, 1, 4);
        assert_eq!(i.score, Some(0.5));
        let i = Indicator::new(Id::OnTime, 3, 4);
        assert_eq!((i.score, i.meets_target), (Some(0.75), None));
        let empty = Indicator::new(Id::Reuse, 0, 0);
        assert_eq!(
            (empty.ratio, empty.score, empty.meets_target),
            (None, None, None)
        );
    }

    #[test]
    fn meets_target_turns_true_exactly_at_80_percent() {
        for (n, d, meets) in [
            (4, 5, true),
            (799, 1000, false),
            (800, 1000, true),
            (7999, 10000, false),
        ] {
            assert_eq!(
                Indicator::new(Id::Digitisation, n, d).meets_target,
                Some(meets),
                "{n}/{d}"
            );
        }
    }
}
