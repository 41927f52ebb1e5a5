//! The payment platform over the outbox: `payment_init` sends INIT and keeps the URL the
//! citizen pays at; `payment_query` asks a payment's state and settles it as the platform
//! says (the reconciliation); `payment_receipt` fetches the electronic receipt into the
//! citizen's store. Each message refers to the payment's `payment_started` event; the
//! payment is locked in the batch's transaction while the platform is called, so that a
//! callback arriving meanwhile waits for the outcome and then finds it.

use super::delivery::{Deliverer, Outcome};
use crate::payments::{self, Payments, EVENT_RECEIPT, INIT, QUERY, RECEIPT};
use crate::store::documents::NewDocument;
use crate::store::events::NewEvent;
use crate::store::outbox::Message;
use crate::store::payments::{PaymentRecord, FAILED, INITIATING, PAID};
use crate::store::Session;
use crate::Services;
use async_trait::async_trait;
use bytes::Bytes;
use motcua_core::dossier::{DocumentKind, Dossier};
use motcua_paygov::{
    InitRequest, PaygovError, QueryReply, QueryRequest, ReceiptRequest, CURRENCY, VERSION,
};
use serde_json::{json, Value};
use uuid::Uuid;

/// The largest receipt taken.
const RECEIPT_MAX_BYTES: u64 = 10 * 1024 * 1024;

pub struct PaygovDeliverer;

fn outcome(e: PaygovError) -> Outcome {
    match e {
        PaygovError::Refused(why) => Outcome::Refused(why),
        PaygovError::Unavailable(why) => Outcome::Unavailable(why),
    }
}

#[async_trait]
impl Deliverer for PaygovDeliverer {
    fn target(&self) -> &'static str {
        payments::TARGET
    }

    async fn deliver(
        &self,
        services: &Services,
        session: &mut dyn Session,
        message: &Message,
    ) -> Outcome {
        let Some(settings) = services.payments.as_deref() else {
            return Outcome::Unavailable("online payment is not configured".into());
        };
        let Some(event_id) = message.event_id else {
            return Outcome::Refused("a payment message without its payment".into());
        };
        let payment = match session.lock_payment_of_event(event_id).await {
            Ok(Some(payment)) => payment,
            Ok(None) => return Outcome::Refused(format!("no payment started by event {event_id}")),
            Err(e) => return Outcome::Unavailable(e.to_string()),
        };
        let dossier = match session.dossier(payment.dossier_id).await {
            Ok(Some(dossier)) => dossier,
            Ok(None) => return Outcome::Refused("the payment's dossier is gone".into()),
            Err(e) => return Outcome::Unavailable(e.to_string()),
        };
        let done = match message.kind.as_str() {
            INIT => init(services, settings, session, &payment, &dossier).await,
            QUERY => query(services, settings, session, &payment).await,
            RECEIPT => receipt(services, settings, session, &payment, &dossier).await,
            other => return Outcome::Refused(format!("no payment message of kind {other}")),
        };
        match done {
            Ok(()) => Outcome::Delivered,
            Err(outcome) => outcome,
        }
    }
}

fn platform_time(services: &Services) -> String {
    crate::time::in_vietnam(services.clock.now())
        .format("%Y%m%d%H%M%S")
        .to_string()
}

fn text_at<'a>(data: &'a Value, pointer: &str) -> &'a str {
    data.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

/// `ThongTinBienLai`: what the receipt says (outside the MAC).
fn receipt_data(services: &Services, payment: &PaymentRecord, dossier: &Dossier) -> Value {
    let procedure = crate::lookup::procedure_of(&services.catalog, dossier).ok();
    let agency = procedure.and_then(|p| {
        p.spec()
            .agencies
            .iter()
            .find(|a| Some(a.id.as_str()) == dossier.agency_id.as_deref())
            .or_else(|| p.spec().agencies.first())
    });
    let lines: Vec<Value> = procedure
        .map(|p| {
            motcua_core::fees::bills(p, &dossier.data)
                .into_iter()
                .flat_map(|b| b.lines)
                .filter(|l| l.exempt.is_none())
                .map(|l| {
                    json!({
                        "LoaiPhiLePhi": if l.kind == "phi" { "1" } else { "2" },
                        "MaPhiLePhi": l.code.unwrap_or_default(),
                        "TenPhiLePhi": l.name,
                        "SoTien": l.amount_vnd.to_string(),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    json!({
        "MaThuTucHanhChinh": dossier.procedure_code,
        "TenThuTucHanhChinh": procedure.map(|p| p.spec().name.vi.clone()).unwrap_or_default(),
        "MaCoQuan": agency.map(|a| a.id.clone()).unwrap_or_default(),
        "TenCoQuan": agency.map(|a| a.name.clone()).unwrap_or_default(),
        "MaHoSo": dossier.code.clone().unwrap_or_default(),
        "HoTenNguoiNop": text_at(&dossier.data, "/applicant/full_name"),
        "DiaChiNguoiNop": text_at(&dossier.data, "/applicant/address"),
        "SoTien": payment.amount_vnd.to_string(),
        "PhiLePhi": lines,
    })
}

async fn init(
    services: &Services,
    settings: &Payments,
    session: &mut dyn Session,
    payment: &PaymentRecord,
    dossier: &Dossier,
) -> Result<(), Outcome> {
    if payment.state != INITIATING {
        return Ok(());
    }
    let mut request = InitRequest {
        loai_ban_tin: "INIT".into(),
        phien_ban: VERSION.into(),
        ma_doi_tac: settings.platform.partner_code().to_owned(),
        ma_tham_chieu: payment.reference.clone(),
        so_tien: payment.amount_vnd.to_string(),
        loai_hinh_thanh_toan: "PAY".into(),
        ma_kenh_thanh_toan: "1".into(),
        ma_thiet_bi: "1".into(),
        ngon_ngu: "vi-VN".into(),
        ma_tien_te: CURRENCY.into(),
        ma_ngan_hang: String::new(),
        thong_tin_giao_dich: format!(
            "Thanh toan phi, le phi ho so {}",
            dossier.code.as_deref().unwrap_or("")
        ),
        thoi_gian_gd: platform_time(services),
        ip: "127.0.0.1".into(),
        ma_xac_thuc: String::new(),
        thong_tin_bien_lai: receipt_data(services, payment, dossier),
    };
    request.ma_xac_thuc = settings.platform.sign(&request.mac_fields());
    let reply = settings.platform.init(&request).await.map_err(outcome)?;
    let url = reply
        .url_thanh_toan
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
        .ok_or_else(|| Outcome::Unavailable("INIT answered without a payment URL".into()))?;
    session
        .payment_initiated(payment.id, &url)
        .await
        .map_err(|e| Outcome::Unavailable(e.to_string()))?;
    Ok(())
}

async fn query(
    services: &Services,
    settings: &Payments,
    session: &mut dyn Session,
    payment: &PaymentRecord,
) -> Result<(), Outcome> {
    if payment.state == PAID {
        return Ok(());
    }
    let mut request = QueryRequest {
        loai_ban_tin: "QUERY".into(),
        phien_ban: VERSION.into(),
        ma_doi_tac: settings.platform.partner_code().to_owned(),
        ma_tham_chieu: payment.reference.clone(),
        thoi_gian_gd: platform_time(services),
        ma_xac_thuc: String::new(),
    };
    request.ma_xac_thuc = settings.platform.sign(&request.mac_fields());
    let reply = settings.platform.query(&request).await.map_err(outcome)?;
    let now = services.clock.now();
    let unavailable = |e: crate::ServiceError| Outcome::Unavailable(e.detail);
    match reply.trang_thai_gd.as_str() {
        QueryReply::PAID => {
            if reply.so_tien.trim() != payment.amount_vnd.to_string() {
                return Err(Outcome::Refused(format!(
                    "the platform says {} paid {} đồng, not {}",
                    payment.reference, reply.so_tien, payment.amount_vnd
                )));
            }
            let code = (!reply.ma_giao_dich.is_empty()).then_some(reply.ma_giao_dich.as_str());
            let bank = (!reply.ma_ngan_hang.is_empty()).then_some(reply.ma_ngan_hang.as_str());
            payments::mark_paid(
                services,
                session,
                payment,
                code,
                bank,
                now,
                "reconciliation",
            )
            .await
            .map_err(unavailable)?;
        }
        QueryReply::FAILED if payment.state != FAILED => {
            payments::mark_failed(
                services,
                session,
                payment,
                &format!("TrangThaiGD {}", reply.trang_thai_gd),
                now,
            )
            .await
            .map_err(unavailable)?;
        }
        // Still open (or failed again): asked again after the next interval.
        _ => {}
    }
    Ok(())
}

async fn receipt(
    services: &Services,
    settings: &Payments,
    session: &mut dyn Session,
    payment: &PaymentRecord,
    dossier: &Dossier,
) -> Result<(), Outcome> {
    if payment.state != PAID || payment.receipt_document_id.is_some() {
        return Ok(());
    }
    let mut request = ReceiptRequest {
        loai_ban_tin: "RECEIPT".into(),
        phien_ban: VERSION.into(),
        ma_doi_tac: settings.platform.partner_code().to_owned(),
        ma_tham_chieu: payment.reference.clone(),
        ma_xac_thuc: String::new(),
    };
    request.ma_xac_thuc = settings.platform.sign(&request.mac_fields());
    let pdf = settings.platform.receipt(&request).await.map_err(outcome)?;
    if !pdf.starts_with(b"%PDF-") {
        return Err(Outcome::Refused("the receipt is not a PDF".into()));
    }
    let document_id = Uuid::now_v7();
    let key = format!("dossiers/{}/{document_id}", dossier.id);
    let body: motcua_files::ByteStream = Box::pin(futures::stream::once(async move {
        Ok::<_, std::io::Error>(Bytes::from(pdf))
    }));
    let stored = services
        .files
        .put(&key, "application/pdf", body, RECEIPT_MAX_BYTES)
        .await
        .map_err(|e| Outcome::Unavailable(format!("the receipt cannot be stored: {e}")))?;
    let now = services.clock.now();
    let file_name = format!(
        "bien-lai-{}.pdf",
        payment.reference.replace(['/', '.'], "-")
    );
    let written = async {
        session
            .insert_document(NewDocument {
                id: document_id,
                owner_pin: &dossier.citizen_pin,
                kind: DocumentKind::Receipt,
                file_name: &file_name,
                content_type: "application/pdf",
                size: i64::try_from(stored.size).unwrap_or(i64::MAX),
                sha256: &stored.sha256,
                storage_key: &key,
                issuer: Some(payments::TARGET),
                result_code: None,
            })
            .await?;
        session
            .payment_receipt_stored(payment.id, document_id, now)
            .await?;
        session
            .append_event(NewEvent {
                dossier_id: dossier.id,
                at: now,
                actor_kind: "system",
                actor: payments::TARGET,
                action: EVENT_RECEIPT,
                from_state: Some(&dossier.state),
                to_state: &dossier.state,
                comment: None,
                detail: json!({
                    "reference": payment.reference, "document": document_id,
                    "sha256": stored.sha256,
                }),
            })
            .await?;
        Ok::<_, crate::store::StoreError>(())
    }
    .await;
    if let Err(e) = written {
        if let Err(cleanup) = services.files.delete(&key).await {
            tracing::warn!(error.message = %cleanup, storage_key = %key, "orphan receipt left for the sweep");
        }
        return Err(Outcome::Unavailable(e.to_string()));
    }
    Ok(())
}
