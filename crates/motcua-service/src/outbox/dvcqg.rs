//! Synchronisation with the national public-service portal (DVCQG) over the outbox: each
//! message becomes the national payload when it is sent, from the dossier as it is then
//! (`DongBoHoSoMC`: the portal keeps the latest) or from the event it reports
//! (`CapNhatTienDoHoSoMC`: an event never changes). The status is the procedure file's
//! national status (1–10) of the state. `docs/INTEGRATIONS.md` maps every field.

use super::delivery::{Deliverer, Outcome};
use super::{DOSSIER_CREATED, DOSSIER_UPDATED, NATIONAL_STATUS, STEP};
use crate::store::documents::{DossierDocument, DossierResult};
use crate::store::events::Event;
use crate::store::outbox::Message;
use crate::store::Session;
use crate::Services;
use async_trait::async_trait;
use motcua_core::dossier::{Channel, Dossier};
use motcua_core::procedure::{Procedure, Role};
use motcua_dvcqg::{
    national_time, Dvcqg, DvcqgError, GiayToKetQua, HoSo, HoSoBoSung, LePhi, TaiLieuNop,
    TaiLieuXuLy, TienDo, TrangThaiHoSo,
};
use serde_json::Value;
use std::sync::Arc;

/// The target's name in the outbox.
pub const TARGET: &str = "dvcqg";

/// The national status of a supplement asked for (DOMAIN.md: 5).
const SUPPLEMENT_STATUS: u8 = 5;
/// The national status of a result returned.
const RETURNED_STATUS: u8 = 10;

/// What the national shape needs that the engine does not hold.
#[derive(Debug, Clone)]
pub struct Mapping {
    /// `LoaiDoiTuong` of a citizen (sources number it differently: configuration).
    pub citizen_subject_kind: String,
    /// The engine's public URL, for the links to documents and results.
    pub public_url: String,
}

pub struct DvcqgDeliverer {
    client: Arc<dyn Dvcqg>,
    mapping: Mapping,
}

impl DvcqgDeliverer {
    pub fn new(client: Arc<dyn Dvcqg>, mapping: Mapping) -> Self {
        DvcqgDeliverer { client, mapping }
    }
}

/// What a message reads before it is sent.
struct Read {
    dossier: Dossier,
    procedure: Arc<Procedure>,
    events: Vec<Event>,
}

#[async_trait]
impl Deliverer for DvcqgDeliverer {
    fn target(&self) -> &'static str {
        TARGET
    }

    async fn deliver(
        &self,
        services: &Services,
        session: &mut dyn Session,
        message: &Message,
    ) -> Outcome {
        let read = match read(services, session, message).await {
            Ok(read) => read,
            Err(outcome) => return outcome,
        };
        let key = message.delivery_key.to_string();
        let sent = match message.kind.as_str() {
            DOSSIER_CREATED | DOSSIER_UPDATED => {
                let documents = session.dossier_documents(read.dossier.id).await;
                let results = session.dossier_results(read.dossier.id).await;
                let (documents, results) = match (documents, results) {
                    (Ok(d), Ok(r)) => (d, r),
                    (Err(e), _) | (_, Err(e)) => return Outcome::Unavailable(e.to_string()),
                };
                let ho_so = match self.ho_so(&read, &documents, &results) {
                    Ok(ho_so) => ho_so,
                    Err(why) => return Outcome::Refused(why),
                };
                self.client
                    .sync_dossier(&ho_so, message.kind == DOSSIER_UPDATED, &key)
                    .await
            }
            STEP => match self.tien_do(&read, message.event_id) {
                Ok(step) => self.client.report_progress(&step, &key).await,
                Err(why) => return Outcome::Refused(why),
            },
            NATIONAL_STATUS => {
                let results = match session.dossier_results(read.dossier.id).await {
                    Ok(results) => results,
                    Err(e) => return Outcome::Unavailable(e.to_string()),
                };
                match self.trang_thai(&read, message.event_id, &results) {
                    Ok(status) => self.client.report_status(&status, &key).await,
                    Err(why) => return Outcome::Refused(why),
                }
            }
            other => return Outcome::Refused(format!("no DVCQG message of kind {other}")),
        };
        match sent {
            Ok(()) => Outcome::Delivered,
            Err(DvcqgError::Refused(why)) => Outcome::Refused(why),
            Err(DvcqgError::Unavailable(why)) => Outcome::Unavailable(why),
        }
    }
}

/// The dossier, its procedure and its timeline. A message without them cannot be sent:
/// refused (dead, for an operator to see), except when the database fails (tried again).
async fn read(
    services: &Services,
    session: &mut dyn Session,
    message: &Message,
) -> Result<Read, Outcome> {
    let id = message
        .dossier_id
        .ok_or_else(|| Outcome::Refused("a DVCQG message names no dossier".into()))?;
    let dossier = session
        .dossier(id)
        .await
        .map_err(|e| Outcome::Unavailable(e.to_string()))?
        .ok_or_else(|| Outcome::Refused(format!("dossier {id} does not exist")))?;
    let procedure = services
        .catalog
        .version(&dossier.procedure_code, dossier.procedure_version)
        .cloned()
        .ok_or_else(|| {
            Outcome::Refused(format!(
                "procedure {} v{} is not loaded",
                dossier.procedure_code, dossier.procedure_version
            ))
        })?;
    let events = session
        .events_of(id)
        .await
        .map_err(|e| Outcome::Unavailable(e.to_string()))?;
    Ok(Read {
        dossier,
        procedure,
        events,
    })
}

/// The national procedure code: the procedure's code without a province's suffix
/// (`3.000465.H26` → `3.000465`).
pub fn national_code(code: &str) -> String {
    code.splitn(3, '.').take(2).collect::<Vec<_>>().join(".")
}

/// The first text value named `key` anywhere in the form's data (forms name their applicant
/// section differently).
fn find_text(data: &Value, key: &str) -> Option<String> {
    match data {
        Value::Object(map) => match map.get(key) {
            Some(Value::String(s)) => Some(s.clone()),
            _ => map.values().find_map(|v| find_text(v, key)),
        },
        _ => None,
    }
}

fn status_of(procedure: &Procedure, state: &str) -> Option<u8> {
    procedure.portal_status(state)
}

/// A role as a title (chức danh).
fn title(role: Option<Role>) -> &'static str {
    match role {
        Some(Role::Citizen) => "Công dân",
        Some(Role::DeskClerk) => "Cán bộ một cửa",
        Some(Role::Specialist) => "Chuyên viên",
        Some(Role::Approver) => "Lãnh đạo",
        Some(Role::Supervisor) => "Giám sát",
        None => "",
    }
}

impl DvcqgDeliverer {
    fn link(&self, document_id: impl std::fmt::Display) -> String {
        format!(
            "{}/v1/attachments/{document_id}/content",
            self.mapping.public_url
        )
    }

    fn agency_name(read: &Read) -> String {
        let id = read.dossier.agency_id.clone().unwrap_or_default();
        read.procedure
            .spec()
            .agencies
            .iter()
            .find(|a| a.id == id)
            .map(|a| a.name.clone())
            .unwrap_or(id)
    }

    fn ho_so(
        &self,
        read: &Read,
        documents: &[DossierDocument],
        results: &[DossierResult],
    ) -> Result<HoSo, String> {
        let (dossier, procedure) = (&read.dossier, &read.procedure);
        let code = dossier
            .code
            .clone()
            .ok_or_else(|| "the dossier has no code: it was never submitted".to_owned())?;
        let status = status_of(procedure, &dossier.state)
            .ok_or_else(|| format!("state {} has no national status", dossier.state))?;
        let raw = procedure.raw();
        let text = |key: &str| find_text(&dossier.data, key).unwrap_or_default();
        let returned = status == RETURNED_STATUS;
        Ok(HoSo {
            ma_ho_so: code.clone(),
            ma_tthc: national_code(procedure.code()),
            ten_tthc: procedure.spec().name.vi.clone(),
            ma_linh_vuc: String::new(),
            ten_linh_vuc: raw["field"].as_str().unwrap_or_default().to_owned(),
            so_bien_nhan: code,
            chu_ho_so: text("full_name"),
            loai_doi_tuong: self.mapping.citizen_subject_kind.clone(),
            ma_doi_tuong: dossier.citizen_pin.clone(),
            thong_tin_khac: String::new(),
            email: text("email"),
            fax: String::new(),
            so_dien_thoai: text("phone"),
            trich_yeu_ho_so: procedure.spec().name.vi.clone(),
            ngay_tiep_nhan: national_time(dossier.clock.received_at.or(dossier.submitted_at)),
            ngay_hen_tra: national_time(dossier.clock.due_at),
            trang_thai_ho_so: status.to_string(),
            ngay_tra: national_time(dossier.closed_at.filter(|_| returned)),
            thong_tin_tra: String::new(),
            hinh_thuc: if dossier.channel == Channel::Counter {
                "0"
            } else {
                "1"
            }
            .into(),
            ngay_ket_thuc_xu_ly: national_time(dossier.closed_at),
            don_vi_xu_ly: Self::agency_name(read),
            ghi_chu: String::new(),
            duoc_thanh_toan_truc_tuyen: String::new(),
            tai_khoan_duoc_xac_thuc_voi_vneid: if dossier.channel == Channel::Online {
                "1"
            } else {
                "0"
            }
            .into(),
            tai_lieu_nop: documents
                .iter()
                .filter_map(|d| {
                    let id = d.document_id?;
                    Some(TaiLieuNop {
                        tep_dinh_kem_id: id.to_string(),
                        ten_tep_dinh_kem: d.file_name.clone().unwrap_or_default(),
                        is_deleted: "0".into(),
                        ma_thanh_phan_ho_so: d.requirement.clone(),
                        duong_dan_tai_tep_tin: self.link(id),
                        duoc_lay_tu_kho_dmqg: if d.from_store || d.reused { "1" } else { "0" }
                            .into(),
                    })
                })
                .collect(),
            danh_sach_le_phi: fees(raw),
            danh_sach_ho_so_bo_sung: supplements(procedure, &read.events),
            danh_sach_giay_to_ket_qua: results
                .iter()
                .filter(|r| r.published_at.is_some())
                .map(|r| GiayToKetQua {
                    ten_giay_to: r.file_name.clone(),
                    ma_thanh_phan_ho_so: r.result_code.clone().unwrap_or_default(),
                    giay_to_id: r.document_id.to_string(),
                    duong_dan_tep_tin_ket_qua: self.link(r.document_id),
                })
                .collect(),
        })
    }

    fn tien_do(&self, read: &Read, event_id: Option<i64>) -> Result<TienDo, String> {
        let (dossier, procedure) = (&read.dossier, &read.procedure);
        let position = read
            .events
            .iter()
            .position(|e| Some(e.id) == event_id)
            .ok_or_else(|| format!("event {event_id:?} is not in the dossier's timeline"))?;
        let event = &read.events[position];
        let status = status_of(procedure, &event.to_state)
            .ok_or_else(|| format!("state {} has no national status", event.to_state))?;
        let role = event
            .from_state
            .as_deref()
            .and_then(|s| procedure.state(s))
            .and_then(|s| s.worked_by);
        // A citizen's own step is named by their role, never their number.
        let who = if event.actor_kind == "citizen" {
            title(Some(Role::Citizen)).to_owned()
        } else {
            event.actor.clone()
        };
        let began = position
            .checked_sub(1)
            .map(|before| read.events[before].at)
            .or(dossier.submitted_at);
        let due = event
            .detail
            .get("due_at")
            .and_then(Value::as_str)
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.to_utc())
            .or(dossier.clock.due_at);
        let what = match &event.comment {
            Some(comment) if !comment.is_empty() => format!("{}: {comment}", event.action),
            _ => event.action.clone(),
        };
        Ok(TienDo {
            ma_ho_so: dossier
                .code
                .clone()
                .ok_or_else(|| "the dossier has no code: it was never submitted".to_owned())?,
            nguoi_xu_ly: who,
            chuc_danh: title(role).into(),
            thoi_diem_xu_ly: national_time(Some(event.at)),
            phong_ban_xu_ly: Self::agency_name(read),
            noi_dung_xu_ly: what,
            trang_thai: status.to_string(),
            ngay_bat_dau: national_time(began),
            ngay_ket_thuc_theo_quy_dinh: national_time(due),
        })
    }
}

impl DvcqgDeliverer {
    /// The status after event `event_id` of a dossier filed on the national portal, with the
    /// results issued so far.
    fn trang_thai(
        &self,
        read: &Read,
        event_id: Option<i64>,
        results: &[DossierResult],
    ) -> Result<TrangThaiHoSo, String> {
        let dossier = &read.dossier;
        let national = dossier
            .national_code
            .clone()
            .ok_or_else(|| "the dossier was not filed on the national portal".to_owned())?;
        let event = read
            .events
            .iter()
            .find(|e| Some(e.id) == event_id)
            .ok_or_else(|| format!("event {event_id:?} is not in the dossier's timeline"))?;
        let status = status_of(&read.procedure, &event.to_state)
            .ok_or_else(|| format!("state {} has no national status", event.to_state))?;
        let what = match &event.comment {
            Some(comment) if !comment.is_empty() => format!("{}: {comment}", event.action),
            _ => event.action.clone(),
        };
        Ok(TrangThaiHoSo {
            ma_ho_so: national,
            ma_ho_so_don_vi: dossier
                .code
                .clone()
                .ok_or_else(|| "the dossier has no code".to_owned())?,
            ngay_xu_ly: national_time(Some(event.at)),
            trang_thai: status.to_string(),
            noi_dung_xu_ly: what,
            tai_lieu_xu_ly: results
                .iter()
                .filter(|r| r.published_at.is_some())
                .map(|r| TaiLieuXuLy {
                    ten_tep_dinh_kem: r.file_name.clone(),
                    duong_dan_tai_tep_tin: self.link(r.document_id),
                })
                .collect(),
        })
    }
}

/// The procedure file's `fees` (`[{"name", "code", "amount", "kind", "collected"}]`).
fn fees(raw: &Value) -> Vec<LePhi> {
    let text = |fee: &Value, key: &str| match &fee[key] {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    };
    raw["fees"]
        .as_array()
        .map(|fees| {
            fees.iter()
                .map(|fee| LePhi {
                    ten_phi_le_phi: text(fee, "name"),
                    ma_phi_le_phi: text(fee, "code"),
                    hinh_thuc_thu: match text(fee, "collected").as_str() {
                        "supplement" => "2",
                        "result" => "4",
                        _ => "1",
                    }
                    .into(),
                    gia: text(fee, "amount"),
                    loai_phi_le_phi: if text(fee, "kind") == "fee" { "1" } else { "2" }.into(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Each supplement asked for: a step into a state of national status 5, and the step out
/// of it when the citizen brought it.
fn supplements(procedure: &Procedure, events: &[Event]) -> Vec<HoSoBoSung> {
    let asked = |e: &Event| status_of(procedure, &e.to_state) == Some(SUPPLEMENT_STATUS);
    let mut list = Vec::new();
    for (i, event) in events.iter().enumerate() {
        let entered = asked(event)
            && event
                .from_state
                .as_deref()
                .is_some_and(|s| status_of(procedure, s) != Some(SUPPLEMENT_STATUS));
        if !entered {
            continue;
        }
        let answered = events[i + 1..].iter().find(|e| !asked(e));
        let items = event
            .detail
            .get("items")
            .map(|items| items.to_string())
            .unwrap_or_default();
        list.push(HoSoBoSung {
            ho_so_bo_sung_id: event.id.to_string(),
            nguoi_yeu_cau_bo_sung: event.actor.clone(),
            noi_dung_bo_sung: event.comment.clone().unwrap_or_default(),
            ngay_bo_sung: national_time(Some(event.at)),
            nguoi_tiep_nhan_bo_sung: answered
                .filter(|e| e.actor_kind == "staff")
                .map(|e| e.actor.clone())
                .unwrap_or_default(),
            ngay_tiep_nhan_bo_sung: national_time(answered.map(|e| e.at)),
            trang_thai_bo_sung: if answered.is_some() { "1" } else { "0" }.into(),
            danh_sach_giay_to_bo_sung: items,
            ngay_hen_tra_truoc: String::new(),
            ngay_hen_tra_moi: String::new(),
        });
    }
    list
}

#[cfg(test)]
mod tests {
    use super::national_code;

    #[test]
    fn a_local_suffix_is_not_part_of_the_national_code() {
        assert_eq!(national_code("3.000465"), "3.000465");
        assert_eq!(national_code("3.000465.H26"), "3.000465");
        assert_eq!(national_code("1.005142"), "1.005142");
    }
}
