//! The payloads DVCQG takes, checked field by field as the national portal's adapter would:
//! every field named, none unknown, each of its kind (text, a `yyyyMMddHHmmss` time, a
//! status 1–10, a flag). Written from the national shape, not from the engine's code.

use serde_json::{Map, Value};

/// How a field must look.
#[derive(Clone, Copy)]
enum Kind {
    /// Text, possibly empty.
    Text,
    /// Text, not empty.
    Required,
    /// `yyyyMMddHHmmss`, or empty.
    Time,
    /// `yyyyMMddHHmmss`.
    RequiredTime,
    /// "1" to "10".
    Status,
    /// One of the listed texts (or empty when `""` is listed).
    OneOf(&'static [&'static str]),
    /// A list whose items have the given fields.
    List(&'static [(&'static str, Kind)]),
    /// Text of digits, or empty.
    Digits,
}

const TAI_LIEU_NOP: &[(&str, Kind)] = &[
    ("TepDinhKemId", Kind::Required),
    ("TenTepDinhKem", Kind::Text),
    ("IsDeleted", Kind::OneOf(&["0", "1"])),
    ("MaThanhPhanHoSo", Kind::Required),
    ("DuongDanTaiTepTin", Kind::Required),
    ("DuocLayTuKhoDMQG", Kind::OneOf(&["", "0", "1"])),
];

const LE_PHI: &[(&str, Kind)] = &[
    ("TenPhiLePhi", Kind::Required),
    ("MaPhiLePhi", Kind::Text),
    ("HinhThucThu", Kind::OneOf(&["1", "2", "4"])),
    ("Gia", Kind::Digits),
    ("LoaiPhiLePhi", Kind::OneOf(&["1", "2"])),
];

const HO_SO_BO_SUNG: &[(&str, Kind)] = &[
    ("HoSoBoSungId", Kind::Required),
    ("NguoiYeuCauBoSung", Kind::Text),
    ("NoiDungBoSung", Kind::Text),
    ("NgayBoSung", Kind::RequiredTime),
    ("NguoiTiepNhanBoSung", Kind::Text),
    ("NgayTiepNhanBoSung", Kind::Time),
    ("TrangThaiBoSung", Kind::OneOf(&["0", "1"])),
    ("DanhSachGiayToBoSung", Kind::Text),
    ("NgayHenTraTruoc", Kind::Time),
    ("NgayHenTraMoi", Kind::Time),
];

const GIAY_TO_KET_QUA: &[(&str, Kind)] = &[
    ("TenGiayTo", Kind::Required),
    ("MaThanhPhanHoSo", Kind::Text),
    ("GiayToId", Kind::Required),
    ("DuongDanTepTinKetQua", Kind::Required),
];

/// `DongBoHoSoMC`'s dossier.
const HO_SO: &[(&str, Kind)] = &[
    ("MaHoSo", Kind::Required),
    ("MaTTHC", Kind::Required),
    ("TenTTHC", Kind::Required),
    ("MaLinhVuc", Kind::Text),
    ("TenLinhVuc", Kind::Text),
    ("SoBienNhan", Kind::Text),
    ("ChuHoSo", Kind::Required),
    ("LoaiDoiTuong", Kind::OneOf(&["0", "1", "2", "3", "4"])),
    ("MaDoiTuong", Kind::Text),
    ("ThongTinKhac", Kind::Text),
    ("Email", Kind::Text),
    ("Fax", Kind::Text),
    ("SoDienThoai", Kind::Text),
    ("TrichYeuHoSo", Kind::Text),
    ("NgayTiepNhan", Kind::RequiredTime),
    ("NgayHenTra", Kind::Time),
    ("TrangThaiHoSo", Kind::Status),
    ("NgayTra", Kind::Time),
    ("ThongTinTra", Kind::Text),
    ("HinhThuc", Kind::OneOf(&["0", "1"])),
    ("NgayKetThucXuLy", Kind::Time),
    ("DonViXuLy", Kind::Required),
    ("GhiChu", Kind::Text),
    ("DuocThanhToanTrucTuyen", Kind::OneOf(&["", "1", "2"])),
    ("TaiKhoanDuocXacThucVoiVNeID", Kind::OneOf(&["", "0", "1"])),
    ("TaiLieuNop", Kind::List(TAI_LIEU_NOP)),
    ("DanhSachLePhi", Kind::List(LE_PHI)),
    ("DanhSachHoSoBoSung", Kind::List(HO_SO_BO_SUNG)),
    ("DanhSachGiayToKetQua", Kind::List(GIAY_TO_KET_QUA)),
];

/// `CapNhatTienDoHoSoMC`'s step.
const TIEN_DO: &[(&str, Kind)] = &[
    ("MaHoSo", Kind::Required),
    ("NguoiXuLy", Kind::Required),
    ("ChucDanh", Kind::Text),
    ("ThoiDiemXuLy", Kind::RequiredTime),
    ("PhongBanXuLy", Kind::Text),
    ("NoiDungXuLy", Kind::Required),
    ("TrangThai", Kind::Status),
    ("NgayBatDau", Kind::Time),
    ("NgayKetThucTheoQuyDinh", Kind::Time),
];

const TAI_LIEU_XU_LY: &[(&str, Kind)] = &[
    ("TenTepDinhKem", Kind::Text),
    ("DuongDanTaiTepTin", Kind::Required),
];

/// `DongBoTrangThaiHoSo`'s status of a dossier filed on the national portal.
const TRANG_THAI: &[(&str, Kind)] = &[
    ("MaHoSo", Kind::Required),
    ("MaHoSoDonVi", Kind::Required),
    ("NgayXuLy", Kind::RequiredTime),
    ("TrangThai", Kind::Status),
    ("NoiDungXuLy", Kind::Text),
    ("TaiLieuXuLy", Kind::List(TAI_LIEU_XU_LY)),
];

/// What is wrong with a status of `DongBoTrangThaiHoSo`.
pub fn check_trang_thai(item: &Value) -> Vec<String> {
    check(item, TRANG_THAI, "")
}

/// What is wrong with a dossier of `DongBoHoSoMC`, every finding.
pub fn check_ho_so(item: &Value) -> Vec<String> {
    check(item, HO_SO, "")
}

/// What is wrong with a step of `CapNhatTienDoHoSoMC`.
pub fn check_tien_do(item: &Value) -> Vec<String> {
    check(item, TIEN_DO, "")
}

fn check(item: &Value, fields: &[(&str, Kind)], at: &str) -> Vec<String> {
    let Some(object) = item.as_object() else {
        return vec![format!("{at}: không phải đối tượng JSON (not an object)")];
    };
    let mut problems = Vec::new();
    for name in object.keys() {
        if !fields.iter().any(|(known, _)| known == name) {
            problems.push(format!(
                "{at}/{name}: trường không xác định (unknown field)"
            ));
        }
    }
    for (name, kind) in fields {
        problems.extend(check_field(object, name, *kind, &format!("{at}/{name}")));
    }
    problems
}

fn check_field(object: &Map<String, Value>, name: &str, kind: Kind, at: &str) -> Vec<String> {
    let Some(value) = object.get(name) else {
        return vec![format!("{at}: thiếu trường (missing)")];
    };
    if let Kind::List(fields) = kind {
        return match value.as_array() {
            Some(items) => items
                .iter()
                .enumerate()
                .flat_map(|(i, item)| check(item, fields, &format!("{at}/{i}")))
                .collect(),
            None => vec![format!("{at}: không phải danh sách (not a list)")],
        };
    }
    let Some(text) = value.as_str() else {
        return vec![format!("{at}: không phải chuỗi (not a string)")];
    };
    let fine = match kind {
        Kind::Text => true,
        Kind::Required => !text.trim().is_empty(),
        Kind::Time => text.is_empty() || is_time(text),
        Kind::RequiredTime => is_time(text),
        Kind::Status => text.parse::<u8>().is_ok_and(|n| (1..=10).contains(&n)),
        Kind::OneOf(allowed) => allowed.contains(&text),
        Kind::Digits => text.chars().all(|c| c.is_ascii_digit()),
        Kind::List(_) => true,
    };
    if fine {
        Vec::new()
    } else {
        vec![format!(
            "{at}: giá trị không hợp lệ {text:?} (invalid value)"
        )]
    }
}

/// `yyyyMMddHHmmss`, a real instant.
pub fn is_time(text: &str) -> bool {
    text.len() == 14
        && text.chars().all(|c| c.is_ascii_digit())
        && chrono::NaiveDateTime::parse_from_str(text, "%Y%m%d%H%M%S").is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn step() -> Value {
        json!({
            "MaHoSo": "SGDDT-HN-250422-0001", "NguoiXuLy": "motcua.tiepnhan",
            "ChucDanh": "Cán bộ một cửa", "ThoiDiemXuLy": "20250422090000",
            "PhongBanXuLy": "Sở GDĐT", "NoiDungXuLy": "receive", "TrangThai": "4",
            "NgayBatDau": "", "NgayKetThucTheoQuyDinh": "20250423170000"
        })
    }

    #[test]
    fn a_well_formed_step_passes_and_each_fault_is_named() {
        assert_eq!(check_tien_do(&step()), Vec::<String>::new());
        let mut bad = step();
        bad["TrangThai"] = json!("11");
        bad["ThoiDiemXuLy"] = json!("2025-04-22");
        bad["Extra"] = json!("x");
        bad.as_object_mut().unwrap().remove("NguoiXuLy");
        let problems = check_tien_do(&bad);
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert!(problems.iter().any(|p| p.starts_with("/Extra")));
        assert!(problems.iter().any(|p| p.starts_with("/NguoiXuLy")));
    }

    #[test]
    fn times_are_fourteen_digits_of_a_real_instant() {
        assert!(is_time("20250422090000"));
        assert!(!is_time("20250230090000"));
        assert!(!is_time("2025042209000"));
    }
}
