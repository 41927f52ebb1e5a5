//! On a dossier's page, what the citizen can do now: finish a draft (the form, the
//! documents, the check before submitting) or abandon it; answer the agency's request
//! (change the answers or documents, then resubmit); withdraw a filed dossier; download
//! the results issued. Each a link, or a form with its CSRF token and idempotency key.

use crate::citizen::Citizen;
use crate::form::page_href;
use crate::lang::t;
use maud::{html, Markup};
use motcua_service::citizen_tasks::Task;
use motcua_service::view::{DocumentView, DossierView};
use motcua_web::csrf;
use motcua_web::dates::date_time;
use uuid::Uuid;

pub fn section(d: &DossierView, task: &Task, citizen: &Citizen) -> Markup {
    let id = d.id;
    let may_withdraw = d.allowed_actions.iter().any(|a| a == "withdraw") || d.state == "draft";
    html! {
        @match task {
            Task::FinishDraft => section aria-labelledby="h-todo" id="todo" {
                h2 id="h-todo" { (t("Hoàn thành hồ sơ", "Finish the dossier")) }
                ul class="links" {
                    li { a href=(page_href(id, 1)) id="continue-form" { (t("Điền tờ khai", "Fill in the form")) } }
                    li { a href=(format!("/portal/ho-so/{id}/giay-to")) { (t("Giấy tờ kèm theo", "Documents")) } }
                    li { a href=(format!("/portal/ho-so/{id}/kiem-tra")) id="to-check" { (t("Kiểm tra và nộp hồ sơ", "Check and submit")) } }
                }
            },
            Task::Answer(asked) => section aria-labelledby="h-answer" id="answer" {
                h2 id="h-answer" { (t("Trả lời yêu cầu của cơ quan", "Answer the agency's request")) }
                p { (t("Sửa tờ khai hoặc đính kèm giấy tờ theo yêu cầu ở trên, rồi bấm nộp.", "Change the form or attach the documents asked for above, then submit.")) }
                ul class="links" {
                    li { a href=(format!("/portal/ho-so/{id}/giay-to")) id="answer-documents" { (t("Đính kèm giấy tờ", "Attach documents")) } }
                    li { a href=(page_href(id, 1)) { (t("Sửa tờ khai", "Change the form")) } }
                }
                form method="post" action=(format!("/portal/ho-so/{id}/thao-tac")) id="form-answer" {
                    input type="hidden" name=(csrf::FIELD) value=(citizen.csrf.as_str());
                    input type="hidden" name="key" value=(Uuid::now_v7());
                    input type="hidden" name="action" value=(asked.answer);
                    button type="submit" id="resubmit" {
                        @if asked.answer == "correct" { (t("Gửi thông tin điều chỉnh", "Send the correction")) } @else { (t("Nộp bổ sung", "Submit the supplement")) }
                    }
                }
            },
            Task::Wait | Task::Finished => {},
        }
        @if may_withdraw {
            details class="withdraw" id="withdraw" {
                summary { @if d.state == "draft" { (t("Xoá bản nháp", "Delete the draft")) } @else { (t("Rút hồ sơ", "Withdraw the dossier")) } }
                form method="post" action=(format!("/portal/ho-so/{id}/thao-tac")) id="form-withdraw" {
                    input type="hidden" name=(csrf::FIELD) value=(citizen.csrf.as_str());
                    input type="hidden" name="key" value=(Uuid::now_v7());
                    input type="hidden" name="action" value="withdraw";
                    @if d.state != "draft" {
                        label for="withdraw-reason" { (t("Lý do rút hồ sơ (không bắt buộc)", "Why you withdraw (optional)")) }
                        textarea id="withdraw-reason" name="comment" rows="2" maxlength="1000" {}
                    }
                    p { @if d.state == "draft" { (t("Bản nháp sẽ bị xoá.", "The draft will be deleted.")) } @else { (t("Cơ quan dừng giải quyết hồ sơ; bạn không thể hoàn tác.", "The agency stops processing the dossier; this cannot be undone.")) } }
                    button type="submit" class="warning-button" id="withdraw-confirm" {
                        @if d.state == "draft" { (t("Xoá bản nháp", "Delete the draft")) } @else { (t("Rút hồ sơ", "Withdraw the dossier")) }
                    }
                }
            }
        }
    }
}

/// The results issued, to download.
pub fn results(results: &[DocumentView]) -> Markup {
    html! {
        @if !results.is_empty() {
            section aria-labelledby="h-results" id="results" {
                h2 id="h-results" { (t("Kết quả giải quyết", "Results")) }
                ul { @for r in results {
                    li {
                        a href=(format!("/portal/tai-lieu/{}", r.id)) data-result=(r.id) download { (t("Tải về: ", "Download: ")) (r.file_name) }
                        span class="muted" { (t(" — ban hành ", " — issued ")) (date_time(r.created_at)) }
                    }
                } }
                p class="hint" { (t("Kết quả điện tử đã được lưu vào kho dữ liệu của bạn và dùng lại được cho thủ tục khác.", "The electronic result is kept in your store of documents and can be reused for other procedures.")) }
            }
        }
    }
}
