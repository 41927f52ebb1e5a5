//! The development banner (`motcua dev` only): a newcomer finds the THPT exam registration
//! closed, its 2025 window having passed by the engine's clock; the banner says how to try
//! it, with the engine's clock started inside the window (`MOTCUA_DEV_CLOCK`).

use crate::lang::t;
use maud::{html, Markup};
use motcua_service::procedure_info::{ProcedureInfo, Window};

/// The banner for the procedures `shown`: what `motcua dev` is, and for each one outside its
/// window the line that starts the engine inside it.
pub fn banner(shown: &[ProcedureInfo]) -> Markup {
    let closed: Vec<(&ProcedureInfo, String)> = shown
        .iter()
        .filter_map(|p| match p.window {
            Window::Opens { from, .. } | Window::Ended { from, .. } => {
                // 09:00 on the window's second day: well inside it.
                let inside = from + chrono::Duration::hours(33);
                Some((p, inside.to_rfc3339()))
            }
            Window::Always | Window::OpenUntil(_) => None,
        })
        .collect();
    html! {
        aside class="dev-banner" id="dev-banner" aria-label=(t("Chế độ phát triển", "Development mode")) {
            p { strong { (t("Chế độ phát triển (motcua dev).", "Development mode (motcua dev).")) } (t(" Dữ liệu và tài khoản là giả lập (mật khẩu: matkhau).", " The data and accounts are simulated (password: matkhau).")) }
            @for (p, inside) in &closed {
                p data-code=(p.code) {
                    "“" (p.name) (t("” đang ngoài thời gian nhận hồ sơ theo đồng hồ của máy chủ. Để thử, khởi động lại với đồng hồ trong đợt nhận hồ sơ: ", "” is not taking applications by the server's clock. To try it, restart with the clock inside its window: "))
                    code { "MOTCUA_DEV_CLOCK=" (inside) " cargo run -p motcua -- dev" }
                }
            }
        }
    }
}
