//! The portal's languages: Vietnamese first, English second. The portal's own words
//! (headings, buttons, states, messages) are one table per language ([`VI`], [`EN`]); the
//! procedures' texts (names, questions, documents) stay as the procedure files give them,
//! in Vietnamese, and an English page says so.
//!
//! The choice is a cookie (`motcua_lang`, set by the switch in every page's header, a plain
//! link: no JavaScript), read once per request by [`scope`]; the templates ask [`words`]
//! for the request's table. A task-local rather than a parameter: every template of every
//! page speaks the request's language, and threading it through each render function would
//! change every signature for one value that never varies within a request.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, Request};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

/// The cookie that keeps the choice: a preference, not a secret (readable, no expiry
/// needed beyond a year).
const COOKIE_NAME: &str = "motcua_lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Vi,
    En,
}

impl Lang {
    fn parse(code: &str) -> Option<Lang> {
        match code {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    fn words(self) -> &'static Words {
        match self {
            Lang::Vi => &VI,
            Lang::En => &EN,
        }
    }
}

/// The request's language and the page asked for (where the switch comes back to).
#[derive(Clone)]
struct Current {
    lang: Lang,
    here: String,
}

tokio::task_local! {
    static CURRENT: Current;
}

/// The request's language (Vietnamese outside a request).
pub fn lang() -> Lang {
    CURRENT.try_with(|c| c.lang).unwrap_or(Lang::Vi)
}

/// The portal's words in the request's language.
pub fn words() -> &'static Words {
    lang().words()
}

/// A page's own phrase in the request's language: the Vietnamese first, as the pages are
/// written, the English beside it. The frame's and the lists' words, which several pages
/// share, are in [`Words`]; a phrase said on one page only is given where it is said.
pub fn t(vi: &'static str, en: &'static str) -> &'static str {
    match lang() {
        Lang::Vi => vi,
        Lang::En => en,
    }
}

/// Whether the request's language is English.
pub fn is_english() -> bool {
    lang() == Lang::En
}

/// The link that switches this page to the other language.
pub fn switch_href() -> String {
    let here = CURRENT
        .try_with(|c| c.here.clone())
        .unwrap_or_else(|_| "/portal/".to_owned());
    let other = match lang() {
        Lang::Vi => Lang::En,
        Lang::En => Lang::Vi,
    };
    let back: String = url::form_urlencoded::byte_serialize(here.as_bytes()).collect();
    format!("/portal/ngon-ngu?chon={}&quay_lai={back}", other.code())
}

/// Middleware: runs the request with the language of its cookie (Vietnamese by default).
pub async fn scope(request: Request, next: Next) -> Response {
    let lang = request
        .headers()
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .and_then(|(_, value)| Lang::parse(value))
        .unwrap_or(Lang::Vi);
    let here = request
        .uri()
        .path_and_query()
        .map_or_else(|| "/portal/".to_owned(), |p| p.as_str().to_owned());
    CURRENT
        .scope(Current { lang, here }, next.run(request))
        .await
}

#[derive(Deserialize)]
pub struct Choice {
    chon: String,
    quay_lai: Option<String>,
}

/// `GET /portal/ngon-ngu?chon=en&quay_lai=/portal/...`: keeps the choice and goes back to the
/// page. Only a portal path is gone back to (no open redirect); a language not offered
/// changes nothing.
pub async fn choose(choice: Result<Query<Choice>, QueryRejection>) -> Response {
    let Ok(Query(choice)) = choice else {
        return Redirect::to("/portal/").into_response();
    };
    let back = choice
        .quay_lai
        .filter(|p| p.starts_with("/portal/") && !p.contains("//") && !p.contains('\\'))
        .unwrap_or_else(|| "/portal/".to_owned());
    let mut response = Redirect::to(&back).into_response();
    if let Some(lang) = Lang::parse(&choice.chon) {
        let cookie = format!(
            "{COOKIE_NAME}={}; Path=/portal; Max-Age=31536000; SameSite=Lax",
            lang.code()
        );
        if let Ok(value) = cookie.parse() {
            response.headers_mut().insert(SET_COOKIE, value);
        }
    }
    response
}

/// The portal's own words. Procedure texts are not here: they come from the files.
pub struct Words {
    // The frame of every page.
    pub site: &'static str,
    pub skip: &'static str,
    pub log_in: &'static str,
    pub log_out: &'static str,
    pub sections: &'static str,
    pub procedures: &'static str,
    pub my_dossiers: &'static str,
    /// The switch's label: the other language, in that language.
    pub other_language: &'static str,
    pub other_language_code: &'static str,
    /// On English pages: the procedures' texts are Vietnamese.
    pub procedure_texts_note: Option<&'static str>,
    // The catalogue.
    pub find_procedure: &'static str,
    pub find_hint: &'static str,
    pub agency: &'static str,
    pub all_agencies: &'static str,
    pub search: &'static str,
    pub found: &'static str,
    pub procedures_counted: &'static str,
    pub nothing_found: &'static str,
    pub open_now: &'static str,
    pub not_open: &'static str,
    pub procedure_code: &'static str,
    pub time_limit: &'static str,
    // "My dossiers" and a dossier's facts.
    pub draft_saved: &'static str,
    pub withdrawn: &'static str,
    pub no_dossiers: &'static str,
    pub find_to_apply: &'static str,
    pub filed: &'static str,
    pub drafts: &'static str,
    pub dossier_code: &'static str,
    pub no_code_yet: &'static str,
    pub state: &'static str,
    pub submitted_on: &'static str,
    pub return_date: &'static str,
    pub return_date_unset: &'static str,
    // What the citizen must do next.
    pub to_do: &'static str,
    pub finish_draft: &'static str,
    pub correct: &'static str,
    pub supplement: &'static str,
    pub asked_on: &'static str,
    pub reason: &'static str,
    pub clock_stopped: &'static str,
    pub wait: &'static str,
    pub finished: &'static str,
    // The form.
    pub step: &'static str,
    pub of: &'static str,
    pub save_and_continue: &'static str,
    pub save_and_leave: &'static str,
    pub not_saved: &'static str,
}

pub static VI: Words = Words {
    site: "Cổng dịch vụ công",
    skip: "Chuyển đến nội dung chính",
    log_in: "Đăng nhập",
    log_out: "Đăng xuất",
    sections: "Mục chính",
    procedures: "Thủ tục hành chính",
    my_dossiers: "Hồ sơ của tôi",
    other_language: "English",
    other_language_code: "en",
    procedure_texts_note: None,
    find_procedure: "Tìm thủ tục",
    find_hint: "Gõ tên thủ tục, có dấu hoặc không dấu, ví dụ: cap ban sao bang",
    agency: "Cơ quan giải quyết",
    all_agencies: "Tất cả cơ quan",
    search: "Tìm",
    found: "Tìm thấy",
    procedures_counted: "thủ tục.",
    nothing_found:
        "Không tìm thấy thủ tục nào. Hãy thử bớt từ, kiểm tra chính tả hoặc chọn “Tất cả cơ quan”.",
    open_now: "Đang nhận hồ sơ",
    not_open: "Chưa đến thời gian nhận hồ sơ",
    procedure_code: "Mã thủ tục",
    time_limit: "Thời hạn giải quyết",
    draft_saved: "Đã lưu bản nháp. Bạn có thể quay lại hoàn thành và nộp hồ sơ bất cứ lúc nào.",
    withdrawn: "Đã rút hồ sơ.",
    no_dossiers: "Bạn chưa có hồ sơ nào.",
    find_to_apply: "Tìm thủ tục để nộp hồ sơ",
    filed: "Hồ sơ đã nộp",
    drafts: "Hồ sơ chưa nộp (bản nháp)",
    dossier_code: "Mã hồ sơ",
    no_code_yet: "Chưa có (cấp khi nộp)",
    state: "Trạng thái",
    submitted_on: "Ngày nộp",
    return_date: "Ngày hẹn trả",
    return_date_unset: "Có khi cơ quan tiếp nhận hồ sơ",
    to_do: "Việc cần làm: ",
    finish_draft: "hoàn thành tờ khai, đính kèm giấy tờ và nộp hồ sơ.",
    correct: "điều chỉnh thông tin theo yêu cầu của cơ quan",
    supplement: "bổ sung hồ sơ theo yêu cầu của cơ quan",
    asked_on: "yêu cầu ngày",
    reason: "Lý do: ",
    clock_stopped:
        "Thời gian giải quyết tạm dừng cho đến khi bạn nộp bổ sung; ngày hẹn trả sẽ lùi tương ứng.",
    wait: "Bạn chưa cần làm gì: cơ quan đang giải quyết hồ sơ.",
    finished: "Hồ sơ đã kết thúc.",
    step: "Bước",
    of: "trên",
    save_and_continue: "Lưu và tiếp tục",
    save_and_leave: "Lưu và quay lại sau",
    not_saved: "Chưa lưu được",
};

pub static EN: Words = Words {
    site: "Public services portal",
    skip: "Skip to main content",
    log_in: "Log in",
    log_out: "Log out",
    sections: "Main sections",
    procedures: "Administrative procedures",
    my_dossiers: "My dossiers",
    other_language: "Tiếng Việt",
    other_language_code: "vi",
    procedure_texts_note: Some(
        "The portal's own words are in English. Procedure names, forms, questions and \
         documents are shown in Vietnamese, as the procedure files give them.",
    ),
    find_procedure: "Find a procedure",
    find_hint:
        "Type the procedure's name, with or without diacritics, for example: cap ban sao bang",
    agency: "Agency",
    all_agencies: "All agencies",
    search: "Search",
    found: "Found",
    procedures_counted: "procedures.",
    nothing_found:
        "No procedure found. Try fewer words, check the spelling or choose “All agencies”.",
    open_now: "Taking applications now",
    not_open: "Not taking applications yet",
    procedure_code: "Procedure code",
    time_limit: "Time limit",
    draft_saved: "Draft saved. You can come back to finish and submit it at any time.",
    withdrawn: "Dossier withdrawn.",
    no_dossiers: "You have no dossiers yet.",
    find_to_apply: "Find a procedure to apply",
    filed: "Submitted dossiers",
    drafts: "Dossiers not submitted (drafts)",
    dossier_code: "Dossier code",
    no_code_yet: "None yet (given on submission)",
    state: "Status",
    submitted_on: "Submitted",
    return_date: "Result due",
    return_date_unset: "Set when the agency receives the dossier",
    to_do: "To do: ",
    finish_draft: "finish the form, attach the documents and submit.",
    correct: "correct the information as the agency asks",
    supplement: "add to the dossier what the agency asks for",
    asked_on: "asked on",
    reason: "Reason: ",
    clock_stopped:
        "The processing time stands still until you answer; the result date moves on accordingly.",
    wait: "Nothing to do for now: the agency is working on your dossier.",
    finished: "The dossier is closed.",
    step: "Step",
    of: "of",
    save_and_continue: "Save and continue",
    save_and_leave: "Save and come back later",
    not_saved: "Not saved",
};
