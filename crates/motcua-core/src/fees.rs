//! Fees: what a dossier owes under its procedure's `fees` (the bill), when each part falls
//! due, which exemptions waive it, and which workflow actions wait until it is paid. Pure
//! rules; the engine keeps bills and payments (`motcua_service::payments`).
//!
//! A bill falls due at one of three moments (`FeeDue`): before submission (the draft is not
//! submitted until it is paid), at reception (asked for when the dossier is received; the
//! dossier is not processed further until it is paid) or at the result (asked for when the
//! result is issued; it is not handed over until it is paid). While a bill is unpaid, the
//! dossier may still be refused, stopped, withdrawn or asked for a supplement: an agency
//! does not keep a citizen's money for a dossier it will not process.

use crate::procedure::documents::Condition;
use crate::procedure::{Action, Effect, Fee, FeeDue, FeeKind, Procedure};
use serde::Serialize;
use serde_json::Value;

/// The national status of a result handed over (returned): waits for the fee like any
/// processing step, although its state is final.
const RETURNED_STATUS: u8 = 10;

/// One fee of the bill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BillLine {
    /// `phi` or `le_phi`.
    pub kind: &'static str,
    pub name: String,
    pub code: Option<String>,
    pub amount_vnd: u64,
    /// Why it is waived (the exemption's reason); the line then counts for nothing.
    pub exempt: Option<String>,
}

/// What a dossier owes at one moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bill {
    pub due: FeeDue,
    pub lines: Vec<BillLine>,
    /// What is to be paid: the lines not waived.
    pub total_vnd: u64,
}

impl Bill {
    /// Nothing to pay (no fee at this moment, or every one waived).
    pub fn is_free(&self) -> bool {
        self.total_vnd == 0
    }
}

fn kind_name(kind: FeeKind) -> &'static str {
    match kind {
        FeeKind::Phi => "phi",
        FeeKind::LePhi => "le_phi",
    }
}

fn default_name(kind: FeeKind) -> &'static str {
    match kind {
        FeeKind::Phi => "Phí",
        FeeKind::LePhi => "Lệ phí",
    }
}

/// An amount of money in đồng as a citizen reads it, grouped by thousands: "50.000 đồng".
pub fn money(vnd: u64) -> String {
    let digits = vnd.to_string();
    let mut grouped = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(digit);
    }
    format!("{grouped} đồng")
}

/// The first exemption of `fee` that holds on `data`: its reason. An unparsable condition
/// (refused when the procedure loads) waives nothing.
pub fn exemption(fee: &Fee, data: &Value) -> Option<String> {
    fee.exemptions
        .iter()
        .find(|e| Condition::parse(&e.when).is_ok_and(|c| c.holds(data)))
        .map(|e| e.reason.clone())
}

/// The bill of `due` for a dossier of `procedure` whose form holds `data`.
pub fn bill(procedure: &Procedure, due: FeeDue, data: &Value) -> Bill {
    let lines: Vec<BillLine> = procedure
        .spec()
        .fees
        .iter()
        .filter(|f| f.due == due)
        .map(|f| BillLine {
            kind: kind_name(f.kind),
            name: f
                .name
                .clone()
                .unwrap_or_else(|| default_name(f.kind).to_owned()),
            code: f.code.clone(),
            amount_vnd: f.amount_vnd,
            exempt: exemption(f, data),
        })
        .collect();
    let total_vnd = lines
        .iter()
        .filter(|l| l.exempt.is_none())
        .map(|l| l.amount_vnd)
        .sum();
    Bill {
        due,
        lines,
        total_vnd,
    }
}

/// Every bill of a dossier, one per moment that has fees, in the order they fall due.
pub fn bills(procedure: &Procedure, data: &Value) -> Vec<Bill> {
    FeeDue::ALL
        .into_iter()
        .map(|due| bill(procedure, due, data))
        .filter(|b| !b.lines.is_empty())
        .collect()
}

/// Whether the procedure charges anything at all (before exemptions): a procedure "with
/// fees" of the QĐ 766 payment indicators.
pub fn has_fees(procedure: &Procedure) -> bool {
    procedure.spec().fees.iter().any(|f| f.amount_vnd > 0)
}

/// The moment at which taking `action` makes a bill fall due: reception (`receipt`) or the
/// result (`result_to_store`). Before submission is the submission itself, not an action.
pub fn falls_due_with(action: &Action) -> Option<FeeDue> {
    if action.has(Effect::Receipt) {
        Some(FeeDue::AtReception)
    } else if action.has(Effect::ResultToStore) {
        Some(FeeDue::AtResult)
    } else {
        None
    }
}

/// Whether `action` waits while a bill of the dossier is unpaid: every step that carries
/// the dossier on, and the handing over of the result; not a refusal, a stop, a withdrawal
/// or a supplement request, which end the dossier or send it back to the citizen.
pub fn waits_for_payment(procedure: &Procedure, action: &Action) -> bool {
    if action.has(Effect::PauseClock) {
        return false;
    }
    match procedure.state(&action.to) {
        Some(to) => !to.is_final || to.status == RETURNED_STATUS,
        None => true,
    }
}

/// Whether `action` ends the dossier without its result (refused, stopped, withdrawn): what
/// was paid is then owed back.
pub fn ends_without_result(procedure: &Procedure, action: &Action) -> bool {
    procedure
        .state(&action.to)
        .is_some_and(|to| to.is_final && to.status != RETURNED_STATUS)
}

/// What the online-payment indicators know of one procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcedureFees {
    /// It charges a fee ([`has_fees`]).
    pub has_fees: bool,
    /// It is offered online (its `channels` has `online`).
    pub online: bool,
}

/// What the online-payment indicators know of one dossier that owed fees online (a bill
/// was opened for it: due, and not waived).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DossierFees {
    /// Every bill of it was paid through the platform.
    pub paid_online: bool,
}

/// One online-payment indicator of QĐ 766 (the group "online payment").
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PaymentIndicator {
    pub id: &'static str,
    pub name: &'static str,
    pub numerator: u64,
    pub denominator: u64,
    /// `None` (N/A) for an empty denominator.
    pub ratio: Option<f64>,
}

impl PaymentIndicator {
    fn new(id: &'static str, name: &'static str, numerator: u64, denominator: u64) -> Self {
        PaymentIndicator {
            id,
            name,
            numerator,
            denominator,
            ratio: (denominator > 0).then(|| numerator as f64 / denominator as f64),
        }
    }
}

/// The two indicators of the online-payment group: the share of procedures with fees that
/// can be paid online (offered online, with the payment platform connected), and the share
/// of dossiers owing fees online that were paid online. Counter payments are collected by
/// the desk and kept outside the engine: a dossier owing fees is one with a bill.
pub fn payment_indicators(
    platform_connected: bool,
    procedures: &[ProcedureFees],
    dossiers: &[DossierFees],
) -> [PaymentIndicator; 2] {
    let with_fees = procedures.iter().filter(|p| p.has_fees).count() as u64;
    let payable = procedures
        .iter()
        .filter(|p| p.has_fees && p.online && platform_connected)
        .count() as u64;
    let owing = dossiers.len() as u64;
    let paid = dossiers.iter().filter(|d| d.paid_online).count() as u64;
    [
        PaymentIndicator::new(
            "payable_online",
            "Tỷ lệ thủ tục hành chính có phí, lệ phí được thanh toán trực tuyến",
            payable,
            with_fees,
        ),
        PaymentIndicator::new(
            "paid_online",
            "Tỷ lệ hồ sơ có phí, lệ phí được thanh toán trực tuyến",
            paid,
            owing,
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn amounts_are_grouped_by_thousands() {
        assert_eq!(money(20_000), "20.000 đồng");
        assert_eq!(money(1_250_000), "1.250.000 đồng");
        assert_eq!(money(500), "500 đồng");
    }

    #[test]
    fn payment_indicators_count_procedures_with_fees_and_dossiers_owing() {
        let p = |has_fees, online| ProcedureFees { has_fees, online };
        let d = |paid_online| DossierFees { paid_online };
        // Five procedures: three with fees, of which two online → 2 / 3.
        // Four dossiers owing: three paid online → 3 / 4.
        let procedures = [
            p(true, true),
            p(true, true),
            p(true, false),
            p(false, true),
            p(false, false),
        ];
        let dossiers = [d(true), d(true), d(false), d(true)];
        let [procs, paid] = payment_indicators(true, &procedures, &dossiers);
        assert_eq!((procs.numerator, procs.denominator), (2, 3));
        assert_eq!((paid.numerator, paid.denominator), (3, 4));
        assert_eq!(paid.ratio, Some(0.75));
        // Without the platform nothing is payable online; nothing owed is N/A.
        let [procs, paid] = payment_indicators(false, &procedures, &[]);
        assert_eq!((procs.numerator, procs.denominator), (0, 3));
        assert_eq!(paid.ratio, None);
    }

    fn copy_with_fees(fees: Value) -> Procedure {
        let text = include_str!("../../../procedures/3.000465.json");
        let mut raw: Value = serde_json::from_str(text).unwrap();
        raw["fees"] = fees;
        Procedure::parse("3.000465.json", &raw.to_string())
            .expect("the copy procedure loads with fees")
    }

    #[test]
    fn a_bill_counts_what_is_not_waived() {
        let p = copy_with_fees(json!([
            {"kind": "phi", "amount_vnd": 20000, "name": "Phí cấp bản sao", "due": "at_reception",
             "exemptions": [{"when": "relationship == heir", "reason": "Người thừa kế"}]},
            {"kind": "le_phi", "amount_vnd": 5000, "name": "Lệ phí", "due": "at_result"}
        ]));
        let holder = json!({"relationship": "holder"});
        let heir = json!({"relationship": "heir"});
        let at_reception = bill(&p, FeeDue::AtReception, &holder);
        assert_eq!(at_reception.total_vnd, 20000);
        assert_eq!(at_reception.lines[0].name, "Phí cấp bản sao");
        let waived = bill(&p, FeeDue::AtReception, &heir);
        assert!(waived.is_free());
        assert_eq!(waived.lines[0].exempt.as_deref(), Some("Người thừa kế"));
        assert_eq!(bill(&p, FeeDue::AtResult, &heir).total_vnd, 5000);
        assert!(bill(&p, FeeDue::BeforeSubmission, &heir).lines.is_empty());
        assert_eq!(bills(&p, &holder).len(), 2);
        assert!(has_fees(&p));
    }

    #[test]
    fn processing_waits_but_refusals_do_not() {
        let p = copy_with_fees(json!([]));
        let waits =
            |name: &str, from: &str| waits_for_payment(&p, p.action_from(from, name).expect(name));
        assert!(waits("propose", "processing"));
        assert!(waits("return_result", "result_ready"));
        assert!(waits("receive", "submitted"));
        assert!(!waits("refuse", "submitted"));
        assert!(!waits("request_supplement", "processing"));
        assert!(!waits("withdraw", "processing"));
        assert!(!waits("stop", "processing"));
        let receive = p.action_from("submitted", "receive").unwrap();
        assert_eq!(falls_due_with(receive), Some(FeeDue::AtReception));
        let issue = p.action_from("approved", "issue_result").unwrap();
        assert_eq!(falls_due_with(issue), Some(FeeDue::AtResult));
        assert!(ends_without_result(
            &p,
            p.action_from("submitted", "refuse").unwrap()
        ));
        assert!(!has_fees(&p));
    }
}
