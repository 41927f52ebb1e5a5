//! The queues page (hàng đợi): the queues the member of staff works in their agency, with
//! count, unclaimed, overdue and the oldest deadline, a "take the next dossier" button on
//! each (the API's claim), and the dossiers they hold now with their deadlines.

use crate::csrf::{self, checked_token};
use crate::dates::{self, time_left};
use crate::error::PageError;
use crate::page::{self, Who};
use crate::staff::Staff;
use crate::{numbers, words, Engine};
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, FixedOffset, Utc};
use maud::{html, Markup};
use motcua_service::dossier_reads::{self, ListQuery};
use motcua_service::idempotency::Answered;
use motcua_service::queues::{self, Counting, QueueView};
use motcua_service::view::DossierView;
use motcua_service::ServiceError;
use serde::Deserialize;

/// How many of the dossiers the caller holds are listed (the newest): a desk works a few
/// at a time.
const HELD_LISTED: i64 = 200;

/// A queue's figures are counted up to this many and shown as "more than" above it: the
/// page is read at every click, and its time must not grow with the backlog (the exact
/// figures are the API's `GET /v1/queues` and the supervisor's reports). Measured on a
/// queue of a million (EXPLAIN ANALYZE of the prepared statement, three queues): 1.5 ms
/// counting to 1,000, 7.5 ms to 10,000; a desk has no use for the figure past a thousand.
const COUNTED_UP_TO: i64 = 1_000;

#[derive(Deserialize)]
pub struct Notice {
    empty: Option<String>,
}

pub async fn page<E: Engine>(
    State(engine): State<E>,
    staff: Staff,
    Query(notice): Query<Notice>,
) -> Response {
    let notice = notice
        .empty
        .map(|queue| format!("Hàng đợi {queue} không còn hồ sơ nào chưa có người nhận."));
    render(&engine, &staff, notice.as_deref(), None).await
}

/// The page, with a notice or an error at the top.
async fn render<E: Engine>(
    engine: &E,
    staff: &Staff,
    notice: Option<&str>,
    error: Option<&PageError>,
) -> Response {
    let services = engine.services();
    let mut list =
        match queues::list(services, &staff.principal, Counting::UpTo(COUNTED_UP_TO)).await {
            Ok(list) => list,
            Err(e) => return PageError::service(&e, staff).into_response(),
        };
    // Queues with work in them first, each group in the engine's order.
    list.items.sort_by_key(|q| q.count == 0);
    let held = match held_by(engine, staff).await {
        Ok(held) => held,
        Err(e) => return PageError::service(&e, staff).into_response(),
    };
    let now = services.clock.now();
    let body = html! {
        @if let Some(error) = error {
            div class="error-summary" role="alert" { p { (error.message) } }
        }
        @if let Some(notice) = notice {
            p class="notice" role="status" { (notice) }
        }
        h2 { "Hàng đợi của tôi" }
        (queue_table(&list.items, staff))
        h2 { "Hồ sơ tôi đang xử lý" }
        (held_table(engine, &held, now))
    };
    let status = error.map_or(axum::http::StatusCode::OK, |e| e.status);
    (
        status,
        page::layout("Hàng đợi", Some(&Who::of(staff)), body),
    )
        .into_response()
}

fn queue_table(items: &[QueueView], staff: &Staff) -> Markup {
    html! {
        @if items.is_empty() {
            p { "Bạn không có hàng đợi nào: vai trò của bạn không xử lý bước nào của các thủ tục." }
        } @else {
            table class="queues" id="queues" {
                thead { tr {
                    th scope="col" { "Thủ tục" }
                    th scope="col" { "Bước" }
                    th scope="col" class="num" { "Số hồ sơ" }
                    th scope="col" class="num" { "Chưa có người nhận" }
                    th scope="col" class="num" { "Quá hạn" }
                    th scope="col" { "Hạn sớm nhất" }
                    th scope="col" { span class="visually-hidden" { "Thao tác" } }
                } }
                tbody {
                    @for q in items {
                        tr data-queue=(q.queue) class=[(q.overdue > 0).then_some("overdue")] {
                            td { (q.procedure_name) br; span class="muted" { (q.procedure) } }
                            td { (words::state(&q.state)) }
                            td class="num count" { (figure(q.count)) }
                            td class="num unclaimed" { (figure(q.unclaimed)) }
                            td class="num overdue-count" {
                                @if q.overdue > 0 { strong class="late" { (figure(q.overdue)) } } @else { "0" }
                            }
                            td { @if let Some(due) = q.oldest_due_at { (dates::date_time(due)) } @else { "—" } }
                            td {
                                form method="post" action=(format!("/console/queues/{}/claim", q.queue)) {
                                    input type="hidden" name=(csrf::FIELD) value=(staff.csrf.as_str());
                                    button type="submit" disabled[q.unclaimed == 0] {
                                        "Nhận hồ sơ tiếp theo"
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A queue's figure as counted: "hơn 1.000" (more than) above [`COUNTED_UP_TO`].
fn figure(count: i64) -> String {
    if count > COUNTED_UP_TO {
        format!("hơn {}", numbers::whole(COUNTED_UP_TO))
    } else {
        numbers::whole(count)
    }
}

fn held_table<E: Engine>(engine: &E, held: &[DossierView], now: DateTime<Utc>) -> Markup {
    html! {
        @if held.is_empty() {
            p id="held-none" { "Bạn chưa giữ hồ sơ nào. Nhận hồ sơ tiếp theo từ một hàng đợi ở trên." }
        } @else {
            table class="held" id="held" {
                thead { tr {
                    th scope="col" { "Mã hồ sơ" }
                    th scope="col" { "Thủ tục" }
                    th scope="col" { "Trạng thái" }
                    th scope="col" { "Hạn bước này" }
                    th scope="col" { "Hạn trả kết quả" }
                    th scope="col" { "Thời gian còn lại" }
                } }
                tbody {
                    @for d in held {
                        @let deadline = step_deadline(d);
                        @let left = deadline.map(|due| time_left(&engine.services().calendar, now, due.with_timezone(&Utc)));
                        tr class=[left.as_ref().filter(|l| l.overdue).map(|_| "overdue")] {
                            td { a href=(format!("/console/dossiers/{}", d.id)) { (d.code.as_deref().unwrap_or("(chưa có mã)")) } }
                            td { (d.procedure.code) }
                            td { (words::state(&d.state)) }
                            td { @if let Some(due) = deadline { (dates::date_time(due)) } @else { "—" } }
                            td { @if let Some(due) = d.due_at { (dates::date_time(due)) } @else { "—" } }
                            td {
                                @match &left {
                                    Some(left) if left.overdue => strong class="late" { "⚠ " (left.text) },
                                    Some(left) => (left.text),
                                    None => "—",
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The deadline of the step the dossier is in (the acknowledgement's before reception),
/// else its return date.
fn step_deadline(d: &DossierView) -> Option<DateTime<FixedOffset>> {
    d.clock
        .get("step_due_at")
        .and_then(|v| v.as_str())
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .or(d.ack_due_at.filter(|_| d.due_at.is_none()))
        .or(d.due_at)
}

/// The dossiers the caller holds, due first.
async fn held_by<E: Engine>(engine: &E, staff: &Staff) -> Result<Vec<DossierView>, ServiceError> {
    let page = dossier_reads::list(
        engine.services(),
        &staff.principal,
        ListQuery {
            limit: HELD_LISTED,
            after: None,
            state: None,
            procedure: None,
            overdue: false,
            held_by_me: true,
        },
    )
    .await?;
    let mut held = page.items;
    held.sort_by_key(step_deadline);
    Ok(held)
}

#[derive(Deserialize)]
pub struct ClaimForm {
    #[serde(rename = "_csrf")]
    token: Option<String>,
}

/// "Take the next dossier": the API's claim; to the dossier taken, or back to the queues
/// saying there was none.
pub async fn claim<E: Engine>(
    State(engine): State<E>,
    staff: Staff,
    Path(queue): Path<String>,
    Form(form): Form<ClaimForm>,
) -> Response {
    if let Err(refused) = checked_token(&staff, form.token.as_deref()) {
        return refused.into_response();
    }
    match queues::claim(engine.services(), &staff.principal, None, &queue).await {
        Ok(Answered::Fresh(Some(dossier))) => match dossier.get("id").and_then(|v| v.as_str()) {
            Some(id) => Redirect::to(&format!("/console/dossiers/{id}")).into_response(),
            None => Redirect::to("/console/").into_response(),
        },
        Ok(Answered::Fresh(None)) | Ok(Answered::Replayed(_)) => {
            let query = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("empty", &queue)
                .finish();
            Redirect::to(&format!("/console/?{query}")).into_response()
        }
        Err(e) => {
            let error = PageError::service(&e, &staff);
            render(&engine, &staff, None, Some(&error)).await
        }
    }
}
