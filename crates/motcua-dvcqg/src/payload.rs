//! The payloads of the national shape. Field names are DVCQG's, as the provincial systems
//! that synchronise today send them (`docs/INTEGRATIONS.md` maps each to the engine's
//! data); optional ones the engine has nothing for are sent empty, as those systems do.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

/// The `service` of a dossier's creation or update.
pub const DONG_BO_HO_SO: &str = "DongBoHoSoMC";
/// The `service` of a processing step.
pub const TIEN_DO_HO_SO: &str = "CapNhatTienDoHoSoMC";
/// The `service` of the status of a dossier filed on the national portal (type 2).
pub const TRANG_THAI_HO_SO: &str = "DongBoTrangThaiHoSo";
/// The `service` of the national catalogue of procedures.
pub const DANH_SACH_TTHC: &str = "LayDanhSachTTHC";

/// `yyyyMMddHHmmss` in Vietnam's time (UTC+7, no daylight saving), as DVCQG writes times;
/// empty for none.
pub fn national_time(at: Option<DateTime<Utc>>) -> String {
    at.and_then(|t| t.naive_utc().checked_add_signed(TimeDelta::hours(7)))
        .map(|t| t.format("%Y%m%d%H%M%S").to_string())
        .unwrap_or_default()
}

/// A dossier (hồ sơ) as `DongBoHoSoMC` carries it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HoSo {
    /// The dossier code.
    #[serde(rename = "MaHoSo")]
    pub ma_ho_so: String,
    /// The national procedure code (mã TTHC).
    #[serde(rename = "MaTTHC")]
    pub ma_tthc: String,
    #[serde(rename = "TenTTHC")]
    pub ten_tthc: String,
    #[serde(rename = "MaLinhVuc")]
    pub ma_linh_vuc: String,
    #[serde(rename = "TenLinhVuc")]
    pub ten_linh_vuc: String,
    /// The receipt's number (số biên nhận): the dossier code here.
    #[serde(rename = "SoBienNhan")]
    pub so_bien_nhan: String,
    /// The applicant's name.
    #[serde(rename = "ChuHoSo")]
    pub chu_ho_so: String,
    /// 1 citizen (numbering configurable: sources disagree).
    #[serde(rename = "LoaiDoiTuong")]
    pub loai_doi_tuong: String,
    /// The applicant's identification number.
    #[serde(rename = "MaDoiTuong")]
    pub ma_doi_tuong: String,
    #[serde(rename = "ThongTinKhac")]
    pub thong_tin_khac: String,
    #[serde(rename = "Email")]
    pub email: String,
    #[serde(rename = "Fax")]
    pub fax: String,
    #[serde(rename = "SoDienThoai")]
    pub so_dien_thoai: String,
    #[serde(rename = "TrichYeuHoSo")]
    pub trich_yeu_ho_so: String,
    /// When the dossier was received (submitted online, or taken at the desk).
    #[serde(rename = "NgayTiepNhan")]
    pub ngay_tiep_nhan: String,
    /// The return date promised (ngày hẹn trả).
    #[serde(rename = "NgayHenTra")]
    pub ngay_hen_tra: String,
    /// The national status, 1–10.
    #[serde(rename = "TrangThaiHoSo")]
    pub trang_thai_ho_so: String,
    /// When the result was returned.
    #[serde(rename = "NgayTra")]
    pub ngay_tra: String,
    #[serde(rename = "ThongTinTra")]
    pub thong_tin_tra: String,
    /// 0 at the desk, 1 online or by post.
    #[serde(rename = "HinhThuc")]
    pub hinh_thuc: String,
    /// When processing ended.
    #[serde(rename = "NgayKetThucXuLy")]
    pub ngay_ket_thuc_xu_ly: String,
    /// The agency processing it.
    #[serde(rename = "DonViXuLy")]
    pub don_vi_xu_ly: String,
    #[serde(rename = "GhiChu")]
    pub ghi_chu: String,
    /// 1 paid on DVCQG, 2 on the province's gateway; empty when nothing is paid online.
    #[serde(rename = "DuocThanhToanTrucTuyen")]
    pub duoc_thanh_toan_truc_tuyen: String,
    /// 1 when the applicant logged in with a VNeID-verified account.
    #[serde(rename = "TaiKhoanDuocXacThucVoiVNeID")]
    pub tai_khoan_duoc_xac_thuc_voi_vneid: String,
    #[serde(rename = "TaiLieuNop")]
    pub tai_lieu_nop: Vec<TaiLieuNop>,
    #[serde(rename = "DanhSachLePhi")]
    pub danh_sach_le_phi: Vec<LePhi>,
    #[serde(rename = "DanhSachHoSoBoSung")]
    pub danh_sach_ho_so_bo_sung: Vec<HoSoBoSung>,
    #[serde(rename = "DanhSachGiayToKetQua")]
    pub danh_sach_giay_to_ket_qua: Vec<GiayToKetQua>,
}

/// A document handed in (thành phần hồ sơ).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaiLieuNop {
    #[serde(rename = "TepDinhKemId")]
    pub tep_dinh_kem_id: String,
    #[serde(rename = "TenTepDinhKem")]
    pub ten_tep_dinh_kem: String,
    /// "0" kept, "1" removed.
    #[serde(rename = "IsDeleted")]
    pub is_deleted: String,
    /// The document requirement's key in the procedure.
    #[serde(rename = "MaThanhPhanHoSo")]
    pub ma_thanh_phan_ho_so: String,
    #[serde(rename = "DuongDanTaiTepTin")]
    pub duong_dan_tai_tep_tin: String,
    /// "1" when the document came from the national document store (Kho DMQG) or the
    /// citizen's store of earlier results.
    #[serde(rename = "DuocLayTuKhoDMQG")]
    pub duoc_lay_tu_kho_dmqg: String,
}

/// A fee (phí, lệ phí).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LePhi {
    #[serde(rename = "TenPhiLePhi")]
    pub ten_phi_le_phi: String,
    #[serde(rename = "MaPhiLePhi")]
    pub ma_phi_le_phi: String,
    /// 1 at receipt, 2 at a supplement, 4 at the result.
    #[serde(rename = "HinhThucThu")]
    pub hinh_thuc_thu: String,
    /// The amount in đồng.
    #[serde(rename = "Gia")]
    pub gia: String,
    /// 1 fee (phí), 2 charge (lệ phí).
    #[serde(rename = "LoaiPhiLePhi")]
    pub loai_phi_le_phi: String,
}

/// A supplement asked for (yêu cầu bổ sung).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HoSoBoSung {
    #[serde(rename = "HoSoBoSungId")]
    pub ho_so_bo_sung_id: String,
    #[serde(rename = "NguoiYeuCauBoSung")]
    pub nguoi_yeu_cau_bo_sung: String,
    #[serde(rename = "NoiDungBoSung")]
    pub noi_dung_bo_sung: String,
    #[serde(rename = "NgayBoSung")]
    pub ngay_bo_sung: String,
    #[serde(rename = "NguoiTiepNhanBoSung")]
    pub nguoi_tiep_nhan_bo_sung: String,
    #[serde(rename = "NgayTiepNhanBoSung")]
    pub ngay_tiep_nhan_bo_sung: String,
    /// "0" still owed, "1" received.
    #[serde(rename = "TrangThaiBoSung")]
    pub trang_thai_bo_sung: String,
    #[serde(rename = "DanhSachGiayToBoSung")]
    pub danh_sach_giay_to_bo_sung: String,
    #[serde(rename = "NgayHenTraTruoc")]
    pub ngay_hen_tra_truoc: String,
    #[serde(rename = "NgayHenTraMoi")]
    pub ngay_hen_tra_moi: String,
}

/// A result issued (giấy tờ kết quả).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GiayToKetQua {
    #[serde(rename = "TenGiayTo")]
    pub ten_giay_to: String,
    #[serde(rename = "MaThanhPhanHoSo")]
    pub ma_thanh_phan_ho_so: String,
    #[serde(rename = "GiayToId")]
    pub giay_to_id: String,
    #[serde(rename = "DuongDanTepTinKetQua")]
    pub duong_dan_tep_tin_ket_qua: String,
}

/// One processing step (tiến độ xử lý) as `CapNhatTienDoHoSoMC` carries it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TienDo {
    #[serde(rename = "MaHoSo")]
    pub ma_ho_so: String,
    /// Who acted.
    #[serde(rename = "NguoiXuLy")]
    pub nguoi_xu_ly: String,
    /// Their title (chức danh): their role in the engine.
    #[serde(rename = "ChucDanh")]
    pub chuc_danh: String,
    #[serde(rename = "ThoiDiemXuLy")]
    pub thoi_diem_xu_ly: String,
    /// Their unit (phòng ban): their agency.
    #[serde(rename = "PhongBanXuLy")]
    pub phong_ban_xu_ly: String,
    /// What was done, with the comment given.
    #[serde(rename = "NoiDungXuLy")]
    pub noi_dung_xu_ly: String,
    /// The national status after the step, 1–10.
    #[serde(rename = "TrangThai")]
    pub trang_thai: String,
    /// When the step's work began (the dossier entered the state the step left).
    #[serde(rename = "NgayBatDau")]
    pub ngay_bat_dau: String,
    /// By when the next step must be done.
    #[serde(rename = "NgayKetThucTheoQuyDinh")]
    pub ngay_ket_thuc_theo_quy_dinh: String,
}

/// The status of a dossier filed on the national portal, as `DongBoTrangThaiHoSo` carries
/// it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrangThaiHoSo {
    /// The national portal's dossier code.
    #[serde(rename = "MaHoSo")]
    pub ma_ho_so: String,
    /// The engine's (the province's) dossier code.
    #[serde(rename = "MaHoSoDonVi")]
    pub ma_ho_so_don_vi: String,
    /// When the step that led to the status was taken.
    #[serde(rename = "NgayXuLy")]
    pub ngay_xu_ly: String,
    /// The national status, 1–10.
    #[serde(rename = "TrangThai")]
    pub trang_thai: String,
    /// What was done, with the comment given.
    #[serde(rename = "NoiDungXuLy")]
    pub noi_dung_xu_ly: String,
    /// The documents of the processing (the results issued, with their links).
    #[serde(rename = "TaiLieuXuLy")]
    pub tai_lieu_xu_ly: Vec<TaiLieuXuLy>,
}

/// A document of the processing: a result issued.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaiLieuXuLy {
    #[serde(rename = "TenTepDinhKem")]
    pub ten_tep_dinh_kem: String,
    #[serde(rename = "DuongDanTaiTepTin")]
    pub duong_dan_tai_tep_tin: String,
}

/// A procedure of the national catalogue (`LayDanhSachTTHC`), as far as the engine reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThuTuc {
    /// The national procedure code (mã TTHC).
    #[serde(rename = "MaTTHC")]
    pub ma_tthc: String,
    #[serde(rename = "TenTTHC", default)]
    pub ten_tthc: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_written_in_vietnam_without_separators() {
        let at = DateTime::parse_from_rfc3339("2025-04-22T02:05:09Z")
            .unwrap()
            .to_utc();
        assert_eq!(national_time(Some(at)), "20250422090509");
        assert_eq!(national_time(None), "");
    }
}
