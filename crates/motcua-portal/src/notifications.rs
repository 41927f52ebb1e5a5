//! "Thông báo đã gửi cho bạn": the e-mails and SMS sent to the citizen about one dossier
//! (`motcua_service::notify::of_dossier`), each with whether and when it was delivered.

use crate::lang::t;
use maud::{html, Markup};
use motcua_service::notify::NotificationView;
use motcua_web::dates::date_time;

fn kind(kind: &str) -> &str {
    match kind {
        "receipt" => t(
            "Tiếp nhận hồ sơ, ngày hẹn trả",
            "Dossier received, return date",
        ),
        "supplement" => t("Yêu cầu bổ sung hồ sơ", "Supplement requested"),
        "resubmission" => t("Đã nhận hồ sơ bổ sung", "Supplement received"),
        "apology" => t("Thư xin lỗi, hẹn lại ngày trả", "Apology, new return date"),
        "refusal" => t("Từ chối giải quyết", "Refusal"),
        "result" => t("Đã có kết quả", "Result ready"),
        "payment_requested" => t("Đề nghị nộp phí, lệ phí", "Payment requested"),
        "payment_received" => t("Đã nhận thanh toán", "Payment received"),
        other => other,
    }
}

fn state(n: &NotificationView) -> Markup {
    match (n.state.as_str(), n.delivered_at) {
        ("delivered", Some(at)) => {
            html! { (t("đã gửi lúc ", "delivered at ")) (date_time(motcua_service::time::in_vietnam(at))) }
        }
        ("pending", _) => html! { (t("đang gửi", "being sent")) },
        _ => html! { (t("chưa gửi được", "not delivered")) },
    }
}

pub fn section(sent: &[NotificationView]) -> Markup {
    if sent.is_empty() {
        return html! {};
    }
    html! {
        section aria-labelledby="h-notifications" id="notifications" {
            h2 id="h-notifications" { (t("Thông báo đã gửi cho bạn", "Messages sent to you")) }
            ul class="notifications" {
                @for n in sent {
                    li data-state=(n.state) {
                        (if n.channel == "sms" { "SMS" } else { "E-mail" }) ": " (kind(&n.kind)) " — " (state(n))
                    }
                }
            }
        }
    }
}
