//! The console's Vietnamese words for the engine's names: roles, states, actions and
//! sources. A name without a word here is shown as the engine writes it. The form's fields
//! and their choices are labelled by the procedure file itself (their `title` and
//! `x-enum-titles`, through `motcua_service::words`).

pub fn role(name: &str) -> &str {
    match name {
        "desk_clerk" => "Cán bộ tiếp nhận (một cửa)",
        "specialist" => "Chuyên viên xử lý",
        "approver" => "Lãnh đạo phê duyệt",
        "supervisor" => "Giám sát",
        "citizen" => "Công dân",
        other => other,
    }
}

pub fn state(name: &str) -> &str {
    match name {
        "draft" => "Nháp",
        "submitted" => "Chờ tiếp nhận",
        "checking" => "Đang kiểm tra",
        "correction" => "Chờ điều chỉnh",
        "confirmed" => "Đã xác nhận",
        "processing" => "Đang xử lý",
        "approval" => "Chờ phê duyệt",
        "approved" => "Đã phê duyệt",
        "supplement" => "Chờ công dân bổ sung",
        "result_ready" => "Có kết quả, chờ trả",
        "returned" => "Đã trả kết quả",
        "refused" => "Từ chối tiếp nhận",
        "withdrawn" => "Công dân đã rút hồ sơ",
        "stopped" => "Dừng xử lý",
        other => other,
    }
}

pub fn action(name: &str) -> &str {
    match name {
        "create_draft" => "Tạo hồ sơ",
        "patch" => "Cập nhật thông tin",
        "refresh_prefill" => "Đọc lại dữ liệu dân cư",
        "submit" => "Nộp hồ sơ",
        "claim" => "Nhận xử lý",
        "release" => "Trả về hàng đợi",
        "assign" => "Phân công",
        "receive" => "Tiếp nhận hồ sơ",
        "acknowledge" => "Xác nhận đã nhận",
        "confirm" => "Xác nhận",
        "correct" => "Điều chỉnh",
        "request_correction" => "Yêu cầu điều chỉnh",
        "request_supplement" => "Yêu cầu bổ sung hồ sơ",
        "resubmit" => "Nộp bổ sung",
        "refuse" => "Từ chối tiếp nhận",
        "forward" => "Chuyển xử lý",
        "extend_for_complex_case" => "Gia hạn (hồ sơ phức tạp)",
        "propose" => "Trình phê duyệt",
        "send_back" => "Trả lại để xử lý lại",
        "approve" => "Phê duyệt",
        "attach_result" => "Đính kèm kết quả",
        "issue_result" => "Ban hành kết quả",
        "return_result" => "Trả kết quả cho công dân",
        "stop" => "Dừng xử lý",
        "withdraw" => "Rút hồ sơ",
        "apologise" => "Xin lỗi và hẹn lại ngày trả",
        other => other,
    }
}

pub fn actor_kind(kind: &str) -> &str {
    match kind {
        "citizen" => "Công dân",
        "staff" => "Cán bộ",
        "system" => "Hệ thống",
        other => other,
    }
}

pub fn clock_state(state: &str) -> &str {
    match state {
        "not_started" => "Chưa bắt đầu (chưa tiếp nhận)",
        "running" => "Đang tính",
        "paused" => "Tạm dừng (chờ bổ sung)",
        "stopped" => "Đã dừng",
        other => other,
    }
}

pub fn channel(name: &str) -> &str {
    match name {
        "online" => "Trực tuyến",
        "counter" => "Trực tiếp tại bộ phận một cửa",
        "post" => "Bưu chính",
        other => other,
    }
}

/// Where a document of the dossier came from.
pub fn document_source(source: &str) -> &str {
    match source {
        "upload" => "Công dân tải lên",
        "clerk_scan" => "Cán bộ số hoá",
        "reused_document" => "Tái sử dụng từ kho dữ liệu",
        "reused_result" => "Tái sử dụng kết quả đã cấp",
        "store" => "Kho dữ liệu của công dân",
        "paper" => "Bản giấy đã nhận",
        other => other,
    }
}

/// Where a prefilled value came from: the population register's field, or a rule.
pub fn prefill_source(source: &str) -> String {
    match source.strip_prefix("rule:") {
        Some(rule) => format!("Suy ra theo quy tắc {rule}"),
        None if source.starts_with("vneid") => "Tài khoản VNeID".to_owned(),
        None => format!("CSDL quốc gia về dân cư ({source})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_names_have_words_and_others_stay_as_written() {
        assert_eq!(action("request_supplement"), "Yêu cầu bổ sung hồ sơ");
        assert_eq!(state("processing"), "Đang xử lý");
        assert_eq!(role("approver"), "Lãnh đạo phê duyệt");
        assert_eq!(action("something_new"), "something_new");
        assert_eq!(prefill_source("rule:age"), "Suy ra theo quy tắc age");
        assert!(prefill_source("full_name").starts_with("CSDL quốc gia về dân cư"));
    }
}
