//! The portal's words for the engine's names, as a citizen reads them: states say where the
//! dossier is and who has it, not the office's jargon; the access log says who read what and
//! why in a sentence. A name without a word here is shown as the engine writes it.
//!
//! Tables rather than the console's `match`es: the words differ (a clerk's "Chờ tiếp nhận"
//! is the citizen's "Đã gửi, chờ cơ quan tiếp nhận").

/// The table of the request's language.
fn in_lang<'a>(
    vi: &'a [(&'a str, &'a str)],
    en: &'a [(&'a str, &'a str)],
) -> &'a [(&'a str, &'a str)] {
    match crate::lang::lang() {
        crate::lang::Lang::Vi => vi,
        crate::lang::Lang::En => en,
    }
}

fn look_up<'a>(table: &[(&str, &'a str)], name: &'a str) -> &'a str {
    table
        .iter()
        .find(|(key, _)| *key == name)
        .map_or(name, |(_, word)| word)
}

const STATES: &[(&str, &str)] = &[
    ("draft", "Bản nháp (chưa nộp)"),
    ("submitted", "Đã gửi, chờ cơ quan tiếp nhận"),
    ("checking", "Cơ quan đang kiểm tra"),
    ("correction", "Cần bạn điều chỉnh thông tin"),
    ("confirmed", "Đã được xác nhận"),
    ("processing", "Đang giải quyết"),
    ("approval", "Đang chờ lãnh đạo phê duyệt"),
    ("approved", "Đã được phê duyệt"),
    ("supplement", "Cần bạn bổ sung hồ sơ"),
    ("result_ready", "Đã có kết quả, chờ trả"),
    ("returned", "Đã trả kết quả"),
    ("refused", "Bị từ chối tiếp nhận"),
    ("withdrawn", "Bạn đã rút hồ sơ"),
    ("stopped", "Đã dừng giải quyết"),
];

/// The states in English, for the portal's second language (`crate::lang`).
const STATES_EN: &[(&str, &str)] = &[
    ("draft", "Draft (not submitted)"),
    ("submitted", "Sent, waiting for the agency to receive it"),
    ("checking", "The agency is checking it"),
    ("correction", "You need to correct information"),
    ("confirmed", "Confirmed"),
    ("processing", "Being processed"),
    ("approval", "Waiting for approval"),
    ("approved", "Approved"),
    ("supplement", "You need to add to the dossier"),
    ("result_ready", "Result ready, waiting to be handed over"),
    ("returned", "Result handed over"),
    ("refused", "Refused at reception"),
    ("withdrawn", "You withdrew the dossier"),
    ("stopped", "Processing stopped"),
];

/// Where the dossier is, in the citizen's words and language.
pub fn state(name: &str) -> &str {
    match crate::lang::lang() {
        crate::lang::Lang::Vi => look_up(STATES, name),
        crate::lang::Lang::En => look_up(STATES_EN, name),
    }
}

const ACTIONS: &[(&str, &str)] = &[
    ("create_draft", "Bạn tạo hồ sơ"),
    ("patch", "Bạn cập nhật thông tin"),
    ("add_document", "Đính kèm giấy tờ"),
    ("remove_document", "Bỏ giấy tờ"),
    (
        "refresh_prefill",
        "Đọc lại dữ liệu từ CSDL quốc gia về dân cư",
    ),
    ("submit", "Bạn nộp hồ sơ"),
    ("claim", "Cán bộ nhận xử lý"),
    ("release", "Cán bộ trả hồ sơ về hàng chờ"),
    ("assign", "Hồ sơ được phân công cho cán bộ"),
    ("receive", "Cơ quan tiếp nhận hồ sơ"),
    ("acknowledge", "Cơ quan xác nhận đã nhận"),
    ("confirm", "Cơ quan xác nhận thông tin"),
    ("correct", "Bạn điều chỉnh thông tin"),
    ("request_correction", "Cơ quan yêu cầu điều chỉnh"),
    ("request_supplement", "Cơ quan yêu cầu bổ sung hồ sơ"),
    ("resubmit", "Bạn nộp bổ sung"),
    ("refuse", "Cơ quan từ chối tiếp nhận"),
    ("forward", "Chuyển bộ phận chuyên môn giải quyết"),
    ("extend_for_complex_case", "Gia hạn do hồ sơ phức tạp"),
    ("propose", "Trình lãnh đạo phê duyệt"),
    ("send_back", "Trả lại để xử lý lại"),
    ("approve", "Lãnh đạo phê duyệt"),
    ("attach_result", "Đính kèm kết quả"),
    ("issue_result", "Ban hành kết quả"),
    ("return_result", "Trả kết quả cho bạn"),
    ("stop", "Dừng giải quyết"),
    ("withdraw", "Bạn rút hồ sơ"),
    ("apologise", "Cơ quan xin lỗi và hẹn lại ngày trả"),
];

const ACTIONS_EN: &[(&str, &str)] = &[
    ("create_draft", "You created the dossier"),
    ("patch", "You updated the information"),
    ("add_document", "Document attached"),
    ("remove_document", "Document removed"),
    (
        "refresh_prefill",
        "Data read again from the national population register",
    ),
    ("submit", "You submitted the dossier"),
    ("claim", "An officer took the dossier"),
    ("release", "An officer put the dossier back in the queue"),
    ("assign", "The dossier was assigned to an officer"),
    ("receive", "The agency received the dossier"),
    ("acknowledge", "The agency acknowledged receipt"),
    ("confirm", "The agency confirmed the information"),
    ("correct", "You corrected the information"),
    ("request_correction", "The agency asked for a correction"),
    ("request_supplement", "The agency asked for a supplement"),
    ("resubmit", "You submitted the supplement"),
    ("refuse", "The agency refused the dossier"),
    ("forward", "Forwarded to the specialist department"),
    ("extend_for_complex_case", "Time extended: a complex case"),
    ("propose", "Proposed for approval"),
    ("send_back", "Sent back to be processed again"),
    ("approve", "Approved"),
    ("attach_result", "Result attached"),
    ("issue_result", "Result issued"),
    ("return_result", "Result handed over to you"),
    ("stop", "Processing stopped"),
    ("withdraw", "You withdrew the dossier"),
    ("apologise", "The agency apologised and set a new date"),
];

/// A step of the timeline.
pub fn action(name: &str) -> &str {
    look_up(in_lang(ACTIONS, ACTIONS_EN), name)
}

const UNITS: &[(&str, &str)] = &[
    ("working_hours", "giờ làm việc"),
    ("working_days", "ngày làm việc"),
    ("days", "ngày"),
    ("months", "tháng"),
];

const UNITS_EN: &[(&str, &str)] = &[
    ("working_hours", "working hours"),
    ("working_days", "working days"),
    ("days", "days"),
    ("months", "months"),
];

pub fn unit(name: &str) -> &str {
    look_up(in_lang(UNITS, UNITS_EN), name)
}

const CHANNELS: &[(&str, &str)] = &[
    ("online", "Nộp trực tuyến"),
    ("counter", "Nộp trực tiếp tại Bộ phận Một cửa"),
    ("post", "Gửi qua dịch vụ bưu chính"),
];

const CHANNELS_EN: &[(&str, &str)] = &[
    ("online", "Online"),
    ("counter", "In person at the one-stop desk"),
    ("post", "By post"),
];

pub fn channel(name: &str) -> &str {
    look_up(in_lang(CHANNELS, CHANNELS_EN), name)
}

const FEES: &[(&str, &str)] = &[("phi", "Phí"), ("le_phi", "Lệ phí")];
const FEES_EN: &[(&str, &str)] = &[("phi", "Fee"), ("le_phi", "Charge")];

pub fn fee(kind: &str) -> &str {
    look_up(in_lang(FEES, FEES_EN), kind)
}

const FEE_DUE: &[(&str, &str)] = &[
    ("before_submission", "Thanh toán trước khi nộp hồ sơ"),
    (
        "at_reception",
        "Thanh toán khi hồ sơ được tiếp nhận; hồ sơ được giải quyết sau khi thanh toán",
    ),
    ("at_result", "Thanh toán khi nhận kết quả"),
];
const FEE_DUE_EN: &[(&str, &str)] = &[
    ("before_submission", "Paid before the dossier is submitted"),
    (
        "at_reception",
        "Paid when the dossier is received; it is processed once paid",
    ),
    ("at_result", "Paid when the result is collected"),
];

/// When a fee is paid, in a sentence.
pub fn fee_due(due: &str) -> &str {
    look_up(in_lang(FEE_DUE, FEE_DUE_EN), due)
}

const ROLES: &[(&str, &str)] = &[
    ("desk_clerk", "cán bộ tiếp nhận (Bộ phận Một cửa)"),
    ("specialist", "chuyên viên giải quyết"),
    ("approver", "lãnh đạo phê duyệt"),
    ("supervisor", "cán bộ giám sát"),
];

const ROLES_EN: &[(&str, &str)] = &[
    ("desk_clerk", "reception officer (one-stop desk)"),
    ("specialist", "specialist"),
    ("approver", "approving head"),
    ("supervisor", "supervisor"),
];

pub fn role(name: &str) -> &str {
    look_up(in_lang(ROLES, ROLES_EN), name)
}

const REGISTER_FIELDS: &[(&str, &str)] = &[
    ("pin", "số định danh cá nhân"),
    ("full_name", "họ và tên"),
    ("birth_date", "ngày sinh"),
    ("birth_place", "nơi sinh"),
    ("sex", "giới tính"),
    ("ethnicity", "dân tộc"),
    ("nationality", "quốc tịch"),
    ("permanent_address", "nơi thường trú"),
    ("id_card", "giấy tờ tùy thân"),
    ("status", "tình trạng trong CSDL dân cư"),
];

const REGISTER_FIELDS_EN: &[(&str, &str)] = &[
    ("pin", "personal identification number"),
    ("full_name", "full name"),
    ("birth_date", "date of birth"),
    ("birth_place", "place of birth"),
    ("sex", "sex"),
    ("ethnicity", "ethnicity"),
    ("nationality", "nationality"),
    ("permanent_address", "permanent address"),
    ("id_card", "identity document"),
    ("status", "status in the population register"),
];

/// The population register's fields read, in words, each once ("permanent_address.text"
/// and "permanent_address.commune_code" are both "nơi thường trú").
pub fn register_fields(fields: &[String]) -> Vec<&str> {
    let mut said: Vec<&str> = Vec::new();
    for field in fields {
        let top = field.split('.').next().unwrap_or(field);
        let word = look_up(in_lang(REGISTER_FIELDS, REGISTER_FIELDS_EN), top);
        if !said.contains(&word) {
            said.push(word);
        }
    }
    said
}

/// The half of the engine's bilingual texts in the request's language.
pub fn in_language(text: &str) -> &str {
    match text.split_once(" / ") {
        Some((_, en)) if crate::lang::is_english() => en,
        Some((vi, _)) => vi,
        None => text,
    }
}

/// What was read, in the access log.
pub fn read_what(source: &str) -> &str {
    if crate::lang::is_english() {
        return match source {
            "register" => "your data in the national population register",
            "document" => "a document of your dossier",
            "dossier" => "your dossier (the information you gave)",
            other => other,
        };
    }
    match source {
        "register" => "thông tin của bạn trong Cơ sở dữ liệu quốc gia về dân cư",
        "document" => "một giấy tờ trong hồ sơ của bạn",
        "dossier" => "hồ sơ của bạn (các thông tin bạn khai)",
        other => other,
    }
}

/// How a read of the register ended, when it did not simply succeed.
pub fn outcome(outcome: &str) -> Option<&str> {
    if crate::lang::is_english() {
        return match outcome {
            "ok" | "opened" => None,
            "not_found" => Some("you were not found in the population register"),
            "deceased" => Some("the population register records a death"),
            "under_review" => Some("the population register is reviewing the data"),
            "unavailable" => Some("the population register did not answer"),
            "refused" => Some("the population register refused"),
            other => Some(other),
        };
    }
    match outcome {
        "ok" | "opened" => None,
        "not_found" => Some("không tìm thấy bạn trong CSDL dân cư"),
        "deceased" => Some("CSDL dân cư ghi nhận đã mất"),
        "under_review" => Some("thông tin đang được cơ quan dân cư rà soát"),
        "unavailable" => Some("CSDL dân cư không trả lời"),
        "refused" => Some("CSDL dân cư từ chối cung cấp"),
        other => Some(other),
    }
}

/// A file's size: "2 MB", "500 KB".
pub fn size(bytes: u64) -> String {
    const MB: u64 = 1024 * 1024;
    if bytes >= MB {
        format!("{} MB", bytes.div_ceil(MB))
    } else {
        format!("{} KB", bytes.div_ceil(1024).max(1))
    }
}

/// A file type by its media type: "PDF", "JPEG".
pub fn file_type(media: &str) -> &str {
    match media {
        "application/pdf" => "PDF",
        "image/jpeg" => "JPEG",
        "image/png" => "PNG",
        other => other,
    }
}

pub use motcua_core::fees::money;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_words_and_unknown_ones_stay() {
        assert_eq!(state("supplement"), "Cần bạn bổ sung hồ sơ");
        assert_eq!(state("new_state"), "new_state");
        assert_eq!(money(50_000), "50.000 đồng");
        assert_eq!(money(1_200_000), "1.200.000 đồng");
        assert_eq!(money(0), "0 đồng");
        assert_eq!(size(10 * 1024 * 1024), "10 MB");
        assert_eq!(size(1), "1 KB");
        assert_eq!(
            in_language("giải quyết hồ sơ / processing"),
            "giải quyết hồ sơ"
        );
        assert_eq!(in_language("chỉ tiếng Việt"), "chỉ tiếng Việt");
    }
}
