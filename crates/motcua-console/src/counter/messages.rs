//! What is wrong with a field, in Vietnamese, for the clerk who typed it. The engine's
//! problems name a field by its pointer and say what failed in the schema's words
//! (English); the page says instead what the field expects, read from the field's own
//! schema (its type, range, format, pattern, length), and the named rules' findings by
//! their codes.

use super::schema_form::schema_at;
use crate::words;
use motcua_service::FieldProblem;
use serde_json::Value;

/// The field's label, from the last token of its pointer.
pub fn label(pointer: &str) -> String {
    let key = pointer.rsplit('/').next().unwrap_or_default();
    words::field(key).to_owned()
}

/// A problem of the form (the dossier's data) at its pointer, in Vietnamese.
pub fn field_message(form: &Value, problem: &FieldProblem) -> String {
    if let Some(code) = problem.code.as_deref() {
        return rule_message(code, problem);
    }
    if problem.message == "required" {
        return format!("Cần nhập {}.", label(&problem.pointer).to_lowercase());
    }
    let key = problem.pointer.rsplit('/').next().unwrap_or_default();
    match schema_at(form, &problem.pointer) {
        Some(schema) => expected(key, schema),
        None => "Giá trị không hợp lệ.".to_owned(),
    }
}

/// What a field expects, from its schema.
fn expected(key: &str, schema: &Value) -> String {
    let number = |name: &str| schema.get(name).and_then(Value::as_f64);
    if schema.get("enum").is_some() {
        return "Chọn một giá trị trong danh sách.".to_owned();
    }
    let kind = schema
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("string");
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
        _ => match schema.get("format").and_then(Value::as_str) {
            Some("date") => "Nhập ngày theo dạng dd/mm/yyyy, ví dụ 15/03/2008.".to_owned(),
            Some("email") => "Địa chỉ thư điện tử không hợp lệ (ví dụ: ten@example.vn).".to_owned(),
            _ if schema.get("pattern").is_some() => pattern_message(key),
            _ => length_message(number("minLength"), number("maxLength")),
        },
    }
}

fn pattern_message(key: &str) -> String {
    match key {
        "phone" => "Số điện thoại gồm 10 chữ số, bắt đầu bằng số 0 (ví dụ 0912345678).",
        "pin" => "Số định danh cá nhân gồm đúng 12 chữ số.",
        "country" => "Mã quốc gia gồm 2 chữ cái in hoa (ví dụ US, JP).",
        _ => "Không đúng định dạng yêu cầu.",
    }
    .to_owned()
}

fn length_message(min: Option<f64>, max: Option<f64>) -> String {
    match (min, max) {
        (Some(_), Some(max)) => format!("Không được để trống, tối đa {max} ký tự."),
        (Some(_), None) => "Không được để trống.".to_owned(),
        (None, Some(max)) => format!("Tối đa {max} ký tự."),
        (None, None) => "Giá trị không hợp lệ.".to_owned(),
    }
}

/// A named rule's finding (`motcua_core::rules`), by its code.
fn rule_message(code: &str, problem: &FieldProblem) -> String {
    match code {
        "year_in_future" => "Năm cấp không được sau năm hiện tại.".to_owned(),
        "holder_name_missing" => {
            "Cần nhập tên người được cấp văn bằng khi người yêu cầu không phải là người đó."
                .to_owned()
        }
        "holder_birth_date_missing" => {
            "Cần nhập ngày sinh người được cấp văn bằng khi người yêu cầu không phải là người đó."
                .to_owned()
        }
        _ => format!(
            "Không đúng quy định của thủ tục ({}): {}",
            problem.rule.as_deref().unwrap_or(code),
            problem.message
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn form() -> Value {
        json!({ "type": "object", "properties": {
            "applicant": { "type": "object", "properties": {
                "phone": { "type": "string", "pattern": "^0[0-9]{9}$" },
                "email": { "type": "string", "format": "email" } } },
            "copies": { "type": "integer", "minimum": 1, "maximum": 10 },
            "relationship": { "enum": ["holder", "parent"] }
        } })
    }

    #[test]
    fn each_problem_says_what_the_field_expects_in_vietnamese() {
        let form = form();
        let say = |pointer: &str, message: &str| {
            field_message(&form, &FieldProblem::new(pointer, message))
        };
        assert_eq!(
            say("/applicant/phone", "\"12\" does not match"),
            "Số điện thoại gồm 10 chữ số, bắt đầu bằng số 0 (ví dụ 0912345678)."
        );
        assert_eq!(
            say("/copies", "is not of type"),
            "Nhập một số nguyên từ 1 đến 10."
        );
        assert_eq!(
            say("/relationship", "required"),
            "Cần nhập quan hệ với người được cấp."
        );
        assert!(say("/applicant/email", "x").contains("thư điện tử"));
        assert_eq!(
            say("/relationship", "x"),
            "Chọn một giá trị trong danh sách."
        );
    }
}
