//! A problem of a dossier's form in Vietnamese. Core's validation names a field by its
//! pointer and says what failed in the schema's words (English); a person is told instead
//! the field's title and what it expects, read from the field's own schema (its type,
//! range, format, pattern and the description that says what to type), and a named rule's
//! finding in the rule's own Vietnamese words.

use super::lower_first;
use crate::error::{FieldProblem, Said};
use motcua_core::procedure::form::schema_at;
use motcua_core::procedure::Procedure;
use serde_json::Value;

/// The label of the form's field at `pointer`: its title, else (a version published before
/// procedures carried titles) its key as the form writes it.
pub fn label(procedure: &Procedure, pointer: &str) -> String {
    procedure.field_title(pointer).map_or_else(
        || {
            pointer
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .replace("~1", "/")
                .replace("~0", "~")
        },
        str::to_owned,
    )
}

/// Says in Vietnamese each of `problems` (of the procedure's form) that is not said yet; a
/// rule's finding, said by its rule, gets its field's label.
pub fn say(procedure: &Procedure, problems: &mut [FieldProblem]) {
    for problem in problems {
        let label = label(procedure, &problem.pointer);
        let said = match problem.vietnamese.take() {
            Some(said) if !said.label.is_empty() => said,
            Some(said) => Said::new(label, said.message),
            None if problem.message == "required" => {
                let message = format!("Cần nhập {}.", lower_first(&label));
                Said {
                    label,
                    sentence: message.clone(),
                    message,
                }
            }
            None => {
                let form = &procedure.spec().form;
                let message = match schema_at(form, &problem.pointer) {
                    Some(schema) => expected(schema),
                    None => "Giá trị không hợp lệ.".to_owned(),
                };
                Said::new(label, message)
            }
        };
        problem.vietnamese = Some(said);
    }
}

/// [`say`], for a list the use case hands on.
pub fn said(procedure: &Procedure, mut problems: Vec<FieldProblem>) -> Vec<FieldProblem> {
    say(procedure, &mut problems);
    problems
}

/// What a field expects, from its schema.
fn expected(schema: &Value) -> String {
    let number = |name: &str| schema.get(name).and_then(Value::as_f64);
    if schema.get("enum").is_some() {
        return "Chọn một giá trị trong danh sách.".to_owned();
    }
    let kind = match schema.get("type") {
        Some(Value::String(t)) => t.as_str(),
        // `["string", "null"]`: the first that is not null.
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("string"),
        _ => "string",
    };
    match kind {
        "integer" | "number" => {
            let what = if kind == "integer" {
                "một số nguyên"
            } else {
                "một số"
            };
            match (number("minimum"), number("maximum")) {
                (Some(min), Some(max)) => format!("Nhập {what} từ {min} đến {max}."),
                (Some(min), None) => format!("Nhập {what} không nhỏ hơn {min}."),
                (None, Some(max)) => format!("Nhập {what} không lớn hơn {max}."),
                (None, None) => format!("Nhập {what}."),
            }
        }
        "boolean" => "Chọn Có hoặc Không.".to_owned(),
        "array" => "Chọn hoặc nhập các mục hợp lệ.".to_owned(),
        // Core reports a missing member at the member; what is left here is a member the
        // form does not have, or a value that is no group of members at all.
        "object" => "Mục này có thông tin không đúng với tờ khai.".to_owned(),
        _ => match schema.get("format").and_then(Value::as_str) {
            Some("date") => "Nhập ngày theo dạng dd/mm/yyyy, ví dụ 15/03/2008.".to_owned(),
            Some("email") => "Địa chỉ thư điện tử không hợp lệ (ví dụ: ten@example.vn).".to_owned(),
            _ if schema.get("pattern").is_some() => pattern_message(schema),
            _ => length_message(number("minLength"), number("maxLength")),
        },
    }
}

/// A value of the wrong shape: the field's description says what to type (the procedure's
/// authors write it so, for fields with a pattern).
fn pattern_message(schema: &Value) -> String {
    match schema.get("description").and_then(Value::as_str) {
        Some(what) => format!("Không đúng định dạng: {}", lower_first(what)),
        None => "Không đúng định dạng yêu cầu.".to_owned(),
    }
}

fn length_message(min: Option<f64>, max: Option<f64>) -> String {
    match (min, max) {
        (Some(_), Some(max)) => format!("Không được để trống, tối đa {max} ký tự."),
        (Some(_), None) => "Không được để trống.".to_owned(),
        (None, Some(max)) => format!("Tối đa {max} ký tự."),
        (None, None) => "Giá trị không hợp lệ.".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use serde_json::json;

    const DIPLOMA_COPY: &str = include_str!("../../../../procedures/3.000465.json");

    fn copy() -> Procedure {
        Procedure::parse("3.000465.json", DIPLOMA_COPY).unwrap()
    }

    fn said_at<'p>(problems: &'p [FieldProblem], pointer: &str) -> &'p Said {
        problems
            .iter()
            .find(|p| p.pointer == pointer)
            .and_then(|p| p.vietnamese.as_ref())
            .unwrap_or_else(|| panic!("nothing said at {pointer}: {problems:?}"))
    }

    #[test]
    fn each_problem_is_labelled_by_its_title_and_says_what_the_field_expects() {
        let copy = copy();
        let data = json!({ "applicant": { "phone": "12" }, "copies": "hai",
                           "delivery": "pigeon", "diploma": { "year_awarded": 2020 } });
        let problems = said(
            &copy,
            crate::checks::field_problems(copy.validate_submission(&data)),
        );
        let phone = said_at(&problems, "/applicant/phone");
        assert_eq!(phone.label, "Số điện thoại");
        assert_eq!(
            phone.message,
            "Không đúng định dạng: gồm 10 chữ số, bắt đầu bằng số 0 (ví dụ 0912345678)."
        );
        assert_eq!(
            said_at(&problems, "/copies").sentence,
            "Số bản sao: nhập một số nguyên từ 1 đến 10."
        );
        assert_eq!(
            said_at(&problems, "/relationship").sentence,
            "Cần nhập quan hệ với người được cấp văn bằng."
        );
        assert_eq!(
            said_at(&problems, "/delivery").message,
            "Chọn một giá trị trong danh sách."
        );
        assert_eq!(
            said_at(&problems, "/diploma/issued_by").message,
            "Cần nhập trường hoặc cơ quan cấp."
        );
    }

    #[test]
    fn a_rules_finding_keeps_its_words_and_gets_its_fields_label() {
        let copy = copy();
        let data = json!({ "relationship": "parent", "diploma": { "year_awarded": 2031 } });
        let on = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let problems = said(
            &copy,
            copy.check_rules(&data, on)
                .into_iter()
                .map(FieldProblem::from)
                .collect(),
        );
        let year = said_at(&problems, "/diploma/year_awarded");
        assert_eq!(year.label, "Năm cấp");
        assert_eq!(
            year.sentence,
            "Năm cấp: năm 2031 là sau năm nay (2026): nhập năm văn bằng được cấp."
        );
        let holder = said_at(&problems, "/diploma/holder_name");
        assert!(
            holder.message.contains("họ và tên người được cấp"),
            "{holder:?}"
        );
    }

    #[test]
    fn a_member_the_form_does_not_have_is_said_at_its_group() {
        let copy = copy();
        let data = json!({ "applicant": { "shoe_size": 42 } });
        let problems = said(
            &copy,
            crate::checks::field_problems(copy.validate_draft(&data)),
        );
        let group = said_at(&problems, "/applicant");
        assert_eq!(
            group.sentence,
            "Người đề nghị: mục này có thông tin không đúng với tờ khai."
        );
        let whole = Said::new("", "Giá trị không hợp lệ.");
        assert_eq!(whole.sentence, "Giá trị không hợp lệ.");
    }

    #[test]
    fn a_field_without_a_title_is_labelled_by_its_key() {
        let mut spec: Value = serde_json::from_str(DIPLOMA_COPY).unwrap();
        spec["form"]["properties"]["copies"]
            .as_object_mut()
            .unwrap()
            .remove("title");
        let recorded = Procedure::parse_recorded("recorded", &spec.to_string()).unwrap();
        assert_eq!(label(&recorded, "/copies"), "copies");
    }
}
