//! The THPT graduation exam's rules (Thông tư 24/2024/TT-BGDĐT): subjects (Điều 20),
//! the language exemption (Điều 39) and the priority categories (Điều 42).

use super::{date_at, finding, str_at, vietnamese_date, Finding};
use chrono::{Months, NaiveDate};
use serde_json::{json, Map, Value};

const ELECTIVES_2018: usize = 2;
const FOREIGN_LANGUAGE: &str = "ngoai_ngu";
/// Level 3 of the 6-level framework for foreign languages, the lowest that exempts.
const LOWEST_EXEMPTING_LEVEL: u64 = 3;
/// Residence long enough for the residence-based categories.
const PRIORITY_RESIDENCE: Months = Months::new(36);
/// The shorter residence the registration form also flags.
const FLAGGED_RESIDENCE: Months = Months::new(18);

fn electives(data: &Value) -> Vec<&str> {
    data.pointer("/subjects/electives")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn registers_foreign_language(data: &Value) -> bool {
    match str_at(data, "/programme") {
        Some("2006") => true,
        _ => electives(data).contains(&FOREIGN_LANGUAGE),
    }
}

/// Ngữ văn and Toán plus exactly two electives; the language code when Ngoại ngữ is
/// chosen. Free candidates of the 2006 programme: Văn, Toán, Ngoại ngữ and KHTN or KHXH.
pub(super) fn subjects(data: &Value, _on: NaiveDate) -> Vec<Finding> {
    let mut found = Vec::new();
    let chosen = electives(data);
    let language = str_at(data, "/subjects/foreign_language");
    if str_at(data, "/programme") == Some("2006") {
        if str_at(data, "/candidate_kind") != Some("free") {
            found.push(finding(
                "programme_2006_free_candidates_only",
                "/programme",
                "only free candidates who studied the 2006 programme may sit its exam".into(),
                "Chỉ thí sinh tự do đã học chương trình 2006 mới dự thi theo chương trình đó."
                    .into(),
            ));
        }
        if !chosen.is_empty() {
            found.push(finding(
                "electives_not_in_2006_programme",
                "/subjects/electives",
                "the 2006 programme has no electives: choose KHTN or KHXH in combined_exam".into(),
                "Chương trình 2006 không có môn lựa chọn: chọn bài thi tổ hợp Khoa học tự nhiên \
                 hoặc Khoa học xã hội."
                    .into(),
            ));
        }
        if str_at(data, "/subjects/combined_exam").is_none() {
            found.push(finding(
                "combined_exam_missing",
                "/subjects/combined_exam",
                "the 2006 programme's candidates choose KHTN (khtn) or KHXH (khxh)".into(),
                "Thí sinh theo chương trình 2006 chọn bài thi Khoa học tự nhiên hoặc Khoa học xã \
                 hội."
                    .into(),
            ));
        }
        if language.is_none() {
            found.push(finding(
                "foreign_language_missing",
                "/subjects/foreign_language",
                "Ngoại ngữ is compulsory in the 2006 programme: name the language (N1–N7)".into(),
                "Ngoại ngữ là môn bắt buộc của chương trình 2006: chọn ngoại ngữ dự thi.".into(),
            ));
        }
        return found;
    }
    if chosen.len() > ELECTIVES_2018 {
        found.push(finding(
            "too_many_electives",
            "/subjects/electives",
            format!(
                "{} electives chosen: the exam takes exactly {ELECTIVES_2018} besides Ngữ văn and Toán",
                chosen.len()
            ),
            format!(
                "Bạn đã chọn {} môn: ngoài Ngữ văn và Toán, chỉ chọn đúng {ELECTIVES_2018} môn \
                 (Thông tư 24/2024/TT-BGDĐT, Điều 20).",
                chosen.len()
            ),
        ));
    } else if chosen.len() < ELECTIVES_2018 && data.pointer("/subjects/electives").is_some() {
        found.push(finding(
            "too_few_electives",
            "/subjects/electives",
            format!(
                "{} elective chosen: choose exactly {ELECTIVES_2018} besides Ngữ văn and Toán",
                chosen.len()
            ),
            format!(
                "Bạn mới chọn {} môn: ngoài Ngữ văn và Toán, chọn đúng {ELECTIVES_2018} môn \
                 (Thông tư 24/2024/TT-BGDĐT, Điều 20).",
                chosen.len()
            ),
        ));
    }
    if chosen.contains(&FOREIGN_LANGUAGE) && language.is_none() {
        found.push(finding(
            "foreign_language_missing",
            "/subjects/foreign_language",
            "Ngoại ngữ is chosen: name the language (N1 English … N7 Korean)".into(),
            "Bạn chọn môn Ngoại ngữ: chọn ngoại ngữ dự thi (tiếng Anh, Nga, Pháp, Trung Quốc, \
             Đức, Nhật hoặc Hàn)."
                .into(),
        ));
    }
    if !chosen.contains(&FOREIGN_LANGUAGE) && language.is_some() {
        found.push(finding(
            "foreign_language_without_subject",
            "/subjects/foreign_language",
            "a language is named but Ngoại ngữ is not among the electives".into(),
            "Bạn chọn ngoại ngữ dự thi nhưng chưa chọn môn Ngoại ngữ.".into(),
        ));
    }
    if data.pointer("/subjects/combined_exam").is_some() {
        found.push(finding(
            "combined_exam_only_in_2006",
            "/subjects/combined_exam",
            "KHTN / KHXH are the 2006 programme's: the 2018 programme chooses electives".into(),
            "Bài thi tổ hợp chỉ dành cho chương trình 2006; chương trình 2018 chọn môn lựa chọn."
                .into(),
        ));
    }
    found
}

/// An exemption from the language exam: a national olympiad team, or a certificate of level
/// 3 of 6 or higher, for the language registered, still valid on the registration day.
pub(super) fn language_exemption(data: &Value, on: NaiveDate) -> Vec<Finding> {
    let mut found = Vec::new();
    if data.pointer("/language_exemption/exempt") != Some(&Value::Bool(true)) {
        return found;
    }
    if !registers_foreign_language(data) {
        found.push(finding(
            "exemption_without_language",
            "/language_exemption/exempt",
            "an exemption from Ngoại ngữ needs Ngoại ngữ among the subjects".into(),
            "Chỉ được đề nghị miễn thi ngoại ngữ khi đăng ký môn Ngoại ngữ.".into(),
        ));
    }
    if str_at(data, "/language_exemption/basis") != Some("certificate") {
        return found;
    }
    const CERTIFICATE: &str = "/language_exemption/certificate";
    if data.pointer(CERTIFICATE).is_none() {
        found.push(finding(
            "certificate_missing",
            CERTIFICATE,
            "an exemption by certificate describes the certificate".into(),
            "Miễn thi bằng chứng chỉ: nhập thông tin chứng chỉ ngoại ngữ.".into(),
        ));
        return found;
    }
    match date_at(data, &format!("{CERTIFICATE}/valid_until")) {
        None => found.push(finding(
            "certificate_validity_missing",
            "/language_exemption/certificate/valid_until",
            "give the day the certificate is valid until (YYYY-MM-DD)".into(),
            "Nhập ngày chứng chỉ hết hạn.".into(),
        )),
        Some(until) if until < on => found.push(finding(
            "certificate_expired",
            "/language_exemption/certificate/valid_until",
            format!(
                "the certificate was valid until {}, before the registration day {}: it must be \
                 valid on the day of registration",
                vietnamese_date(until),
                vietnamese_date(on)
            ),
            format!(
                "Chứng chỉ chỉ có giá trị đến {}, trước ngày đăng ký {}: chứng chỉ phải còn hạn \
                 vào ngày đăng ký dự thi (Thông tư 24/2024/TT-BGDĐT, Điều 39).",
                vietnamese_date(until),
                vietnamese_date(on)
            ),
        )),
        Some(_) => {}
    }
    let level = data
        .pointer(&format!("{CERTIFICATE}/level"))
        .and_then(Value::as_u64);
    if level.is_some_and(|l| l < LOWEST_EXEMPTING_LEVEL) {
        found.push(finding(
            "certificate_level_too_low",
            "/language_exemption/certificate/level",
            format!(
                "level {} of 6: only level {LOWEST_EXEMPTING_LEVEL} or higher exempts",
                level.unwrap_or_default()
            ),
            format!(
                "Chứng chỉ bậc {} của khung 6 bậc: chỉ từ bậc {LOWEST_EXEMPTING_LEVEL} trở lên \
                 mới được miễn thi.",
                level.unwrap_or_default()
            ),
        ));
    }
    let certified = str_at(data, &format!("{CERTIFICATE}/language"));
    let registered = str_at(data, "/subjects/foreign_language");
    if let (Some(certified), Some(registered)) = (certified, registered) {
        if certified != registered {
            found.push(finding(
                "certificate_language_mismatch",
                "/language_exemption/certificate/language",
                format!(
                    "the certificate is for {certified}, the language registered is {registered}"
                ),
                format!(
                    "Chứng chỉ là của ngoại ngữ {certified}, khác ngoại ngữ đăng ký dự thi \
                     ({registered})."
                ),
            ));
        }
    }
    found
}

/// One permanent residence of the register's history.
struct Stay<'a> {
    text: &'a str,
    from: NaiveDate,
    to: Option<NaiveDate>,
    flags: Vec<&'static str>,
}

impl<'a> Stay<'a> {
    fn read(value: &'a Value) -> Option<Stay<'a>> {
        let day = |key: &str| {
            value
                .get(key)
                .and_then(Value::as_str)
                .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        };
        let flags = value.get("commune_flags");
        let flag = |key: &str| {
            flags
                .and_then(|f| f.get(key))
                .and_then(Value::as_bool)
                .unwrap_or(false)
        };
        let mut named_flags = Vec::new();
        if flag("disadvantaged") {
            named_flags.push("đặc biệt khó khăn");
        }
        if flag("border") {
            named_flags.push("biên giới");
        }
        if flag("coastal") {
            named_flags.push("bãi ngang ven biển, hải đảo");
        }
        match flags.and_then(|f| f.get("region")).and_then(Value::as_str) {
            Some("I") => named_flags.push("khu vực I"),
            Some("II") => named_flags.push("khu vực II"),
            Some("III") => named_flags.push("khu vực III"),
            _ => {}
        }
        Some(Stay {
            text: value.get("text").and_then(Value::as_str).unwrap_or(""),
            from: day("from")?,
            to: day("to"),
            flags: named_flags,
        })
    }

    fn flagged(&self) -> bool {
        !self.flags.is_empty()
    }
}

/// Since when the person has lived without a break in flagged communes, up to `on`; `None`
/// when their residence on `on` is not in one.
fn flagged_since(history: &[Stay<'_>], on: NaiveDate) -> Option<NaiveDate> {
    let mut stays: Vec<&Stay<'_>> = history.iter().filter(|s| s.from <= on).collect();
    stays.sort_by_key(|s| s.from);
    let current = stays.pop()?;
    if current.to.is_some_and(|to| to < on) || !current.flagged() {
        return None;
    }
    let mut since = current.from;
    while let Some(previous) = stays.pop() {
        if !previous.flagged() || previous.to.is_some_and(|to| to < since) {
            break;
        }
        since = previous.from;
    }
    Some(since)
}

/// The priority category ethnicity and residence in the register support, on `on` (the
/// registration day): Diện 3 (+0.5) for an ethnic-minority candidate with ≥ 3 years'
/// permanent residence in a flagged commune; Diện 2 (+0.25) for an ethnic-minority
/// candidate, or for ≥ 3 years' such residence; else Diện 1. The schooling conditions that
/// go with residence (a school outside urban districts for ≥ 2/3 of upper secondary) are
/// the registration unit's to confirm, and are named in the reasons.
pub(super) fn priority(register: &Map<String, Value>, on: NaiveDate) -> Value {
    let ethnicity = register.get("ethnicity").and_then(Value::as_str);
    let minority = ethnicity.is_some_and(|e| e != "Kinh");
    let history: Vec<Stay<'_>> = register
        .get("residence_history")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Stay::read).collect())
        .unwrap_or_default();
    let since = flagged_since(&history, on);
    let lived_at_least = |months: Months| {
        since
            .and_then(|s| s.checked_add_months(months))
            .is_some_and(|enough| enough <= on)
    };
    let three_years = lived_at_least(PRIORITY_RESIDENCE);
    let current = history
        .iter()
        .filter(|s| s.from <= on && s.to.is_none_or(|to| to >= on))
        .max_by_key(|s| s.from);

    let mut reasons = Vec::new();
    match ethnicity {
        Some(e) if minority => reasons.push(format!("Người dân tộc thiểu số (dân tộc {e})")),
        Some(e) => reasons.push(format!("Dân tộc {e}: không thuộc diện dân tộc thiểu số")),
        None => reasons.push("Sổ dân cư không có thông tin dân tộc".to_owned()),
    }
    match (current, since) {
        (Some(stay), Some(since)) => {
            let length = if three_years {
                "từ 3 năm trở lên"
            } else {
                "chưa đủ 3 năm"
            };
            reasons.push(format!(
                "Thường trú tại {} ({}) từ {}: {length}",
                stay.text,
                stay.flags.join(", "),
                vietnamese_date(since)
            ));
        }
        (Some(stay), None) => reasons.push(format!(
            "Thường trú tại {}: không thuộc xã đặc biệt khó khăn, biên giới, ven biển hay khu vực I–III",
            stay.text
        )),
        (None, _) => reasons.push("Sổ dân cư không có nơi thường trú hiện tại".to_owned()),
    }
    let (category, bonus) = match (minority, three_years) {
        (true, true) => {
            reasons.push(
                "Điều kiện kèm theo: học tại trường PTDTNT hoặc trường không thuộc quận nội \
                 thành (đơn vị đăng ký dự thi xác nhận)"
                    .to_owned(),
            );
            ("dien_3", 0.5)
        }
        (true, false) => ("dien_2", 0.25),
        (false, true) => {
            reasons.push(
                "Điều kiện kèm theo: học ít nhất 2/3 thời gian THPT tại trường không thuộc quận \
                 nội thành (đơn vị đăng ký dự thi xác nhận)"
                    .to_owned(),
            );
            ("dien_2", 0.25)
        }
        (false, false) => ("dien_1", 0.0),
    };
    json!({
        "category": category,
        "bonus": bonus,
        "reasons": reasons,
        "residence_flags": {
            "three_years_in_flagged_commune": three_years,
            "eighteen_months_in_flagged_commune": lived_at_least(FLAGGED_RESIDENCE),
        },
        "basis": "Thông tư 24/2024/TT-BGDĐT, Điều 42",
        "as_of": on,
    })
}

#[cfg(test)]
mod tests;
