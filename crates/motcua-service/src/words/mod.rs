//! The engine's refusals in Vietnamese, in one place for every interface: the console's
//! pages, the REST API when a client asks for Vietnamese (`Accept-Language: vi`) and the
//! citizen portal say the same thing in the same words.
//!
//! - A problem of a dossier's form (`form.rs`) is said from the procedure file: the field's
//!   `title` labels it, its schema says what it expects, a named rule's finding brings its
//!   own Vietnamese message (`motcua_core::rules`). The use case that finds the problems
//!   knows the procedure, and says them there ([`form::say`]).
//! - A problem of the request itself (a comment, a date of the body) is said where it is
//!   found, with [`crate::FieldProblem::said`].
//! - A refusal's detail is its code's sentence ([`crate::Code::vietnamese`]), or what the
//!   use case said more precisely ([`crate::ServiceError::in_vietnamese`]); its title is
//!   the status's, as the English title is ([`status_title`]).

pub mod form;

/// The Vietnamese title of a problem answered with `status`, as the English one is the
/// status's reason phrase.
pub fn status_title(status: u16) -> &'static str {
    match status {
        400 => "Yêu cầu không hợp lệ",
        401 => "Chưa đăng nhập",
        403 => "Không được phép",
        404 => "Không tìm thấy",
        405 => "Phương thức không được hỗ trợ",
        406 => "Không trả lời được theo định dạng yêu cầu",
        408 => "Hết thời gian chờ yêu cầu",
        409 => "Xung đột trạng thái",
        410 => "Không còn nữa",
        411 => "Thiếu độ dài nội dung",
        413 => "Nội dung quá lớn",
        414 => "Địa chỉ quá dài",
        415 => "Loại nội dung không được hỗ trợ",
        422 => "Dữ liệu không hợp lệ",
        429 => "Quá nhiều yêu cầu",
        431 => "Phần đầu yêu cầu quá lớn",
        500 => "Lỗi hệ thống",
        501 => "Chưa hỗ trợ",
        502 => "Lỗi cổng kết nối",
        503 => "Dịch vụ tạm thời không dùng được",
        504 => "Hết thời gian chờ cổng kết nối",
        s if s >= 500 => "Lỗi hệ thống",
        _ => "Yêu cầu bị từ chối",
    }
}

/// `text` to follow a colon or to sit inside a sentence: its first letter in lower case,
/// unless the first word is an abbreviation (`THPT`, `VNeID`).
pub fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    let rest = chars.as_str();
    if rest.chars().next().is_some_and(char::is_uppercase) {
        return text.to_owned();
    }
    first.to_lowercase().chain(rest.chars()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Code;

    #[test]
    fn a_title_for_every_status_a_code_is_answered_with() {
        for &code in Code::ALL {
            let title = status_title(code.status());
            assert!(
                title != "Yêu cầu bị từ chối" || code.status() == 400,
                "{code:?} has no title of its own status"
            );
        }
    }

    #[test]
    fn only_the_first_letter_is_lowered_and_abbreviations_are_kept() {
        assert_eq!(lower_first("Số điện thoại"), "số điện thoại");
        assert_eq!(lower_first("THPT Chu Văn An"), "THPT Chu Văn An");
        assert_eq!(lower_first("Ảnh thẻ"), "ảnh thẻ");
        assert_eq!(lower_first(""), "");
    }
}
