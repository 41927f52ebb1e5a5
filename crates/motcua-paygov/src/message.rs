//! The platform's messages and their MAC.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// `PhienBan` of the messages the engine sends.
pub const VERSION: &str = "1.0.6";
/// `MaTienTe`: the engine charges in đồng only.
pub const CURRENCY: &str = "VND";
/// `MaLoi` of success.
pub const SUCCESS: &str = "00";

/// `MaXacThuc` of `fields` with `secret`: lowercase hex SHA-256 of `f1|f2|…|fn|secret`.
pub fn mac(fields: &[&str], secret: &str) -> String {
    let mut hasher = Sha256::new();
    for field in fields {
        hasher.update(field.as_bytes());
        hasher.update(b"|");
    }
    hasher.update(secret.as_bytes());
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether `given` is the MAC of `fields` with `secret`, compared in constant time.
pub fn mac_matches(fields: &[&str], secret: &str, given: &str) -> bool {
    same_mac(&mac(fields, secret), given)
}

/// Whether two MACs are the same (hex, either case), in constant time.
pub(crate) fn same_mac(expected: &str, given: &str) -> bool {
    expected
        .as_bytes()
        .ct_eq(given.to_ascii_lowercase().as_bytes())
        .into()
}

/// One fee on the receipt (`PhiLePhi`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptLine {
    #[serde(rename = "LoaiPhiLePhi")]
    pub kind: String,
    #[serde(rename = "MaPhiLePhi")]
    pub code: String,
    #[serde(rename = "TenPhiLePhi")]
    pub name: String,
    #[serde(rename = "SoTien")]
    pub amount: String,
}

/// `LoaiBanTin=INIT`: a payment to start. The receipt data (`ThongTinBienLai`) is not in the
/// MAC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InitRequest {
    pub loai_ban_tin: String,
    pub phien_ban: String,
    pub ma_doi_tac: String,
    pub ma_tham_chieu: String,
    pub so_tien: String,
    pub loai_hinh_thanh_toan: String,
    pub ma_kenh_thanh_toan: String,
    pub ma_thiet_bi: String,
    pub ngon_ngu: String,
    pub ma_tien_te: String,
    pub ma_ngan_hang: String,
    pub thong_tin_giao_dich: String,
    #[serde(rename = "ThoiGianGD")]
    pub thoi_gian_gd: String,
    pub ip: String,
    pub ma_xac_thuc: String,
    pub thong_tin_bien_lai: serde_json::Value,
}

impl InitRequest {
    pub fn mac_fields(&self) -> [&str; 14] {
        [
            &self.loai_ban_tin,
            &self.phien_ban,
            &self.ma_doi_tac,
            &self.ma_tham_chieu,
            &self.so_tien,
            &self.loai_hinh_thanh_toan,
            &self.ma_kenh_thanh_toan,
            &self.ma_thiet_bi,
            &self.ngon_ngu,
            &self.ma_tien_te,
            &self.ma_ngan_hang,
            &self.thong_tin_giao_dich,
            &self.thoi_gian_gd,
            &self.ip,
        ]
    }
}

/// The platform's answer to INIT.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InitReply {
    pub ma_loi: String,
    #[serde(default)]
    pub mo_ta_loi: Option<String>,
    pub ma_tham_chieu: String,
    #[serde(default)]
    pub url_thanh_toan: Option<String>,
    pub ma_xac_thuc: String,
}

impl InitReply {
    pub fn mac_fields(&self) -> [&str; 3] {
        [
            &self.ma_loi,
            &self.ma_tham_chieu,
            self.url_thanh_toan.as_deref().unwrap_or(""),
        ]
    }
}

/// The platform's callback when a payment is settled (paid: `MaLoi` `00`; anything else:
/// not paid).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Callback {
    pub loai_ban_tin: String,
    pub ma_loi: String,
    pub ma_doi_tac: String,
    pub ma_tham_chieu: String,
    pub so_tien: String,
    pub ma_tien_te: String,
    pub ma_giao_dich: String,
    pub ma_ngan_hang: String,
    #[serde(rename = "ThoiGianGD")]
    pub thoi_gian_gd: String,
    pub thong_tin_giao_dich: String,
    pub ma_xac_thuc: String,
}

impl Callback {
    pub fn mac_fields(&self) -> [&str; 10] {
        [
            &self.loai_ban_tin,
            &self.ma_loi,
            &self.ma_doi_tac,
            &self.ma_tham_chieu,
            &self.so_tien,
            &self.ma_tien_te,
            &self.ma_giao_dich,
            &self.ma_ngan_hang,
            &self.thoi_gian_gd,
            &self.thong_tin_giao_dich,
        ]
    }
}

/// `LoaiBanTin=QUERY`: a payment's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct QueryRequest {
    pub loai_ban_tin: String,
    pub phien_ban: String,
    pub ma_doi_tac: String,
    pub ma_tham_chieu: String,
    #[serde(rename = "ThoiGianGD")]
    pub thoi_gian_gd: String,
    pub ma_xac_thuc: String,
}

impl QueryRequest {
    pub fn mac_fields(&self) -> [&str; 5] {
        [
            &self.loai_ban_tin,
            &self.phien_ban,
            &self.ma_doi_tac,
            &self.ma_tham_chieu,
            &self.thoi_gian_gd,
        ]
    }
}

/// The answer to QUERY: `TrangThaiGD` `1` paid, `4` failed, anything else still open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct QueryReply {
    pub ma_loi: String,
    pub ma_tham_chieu: String,
    #[serde(rename = "TrangThaiGD")]
    pub trang_thai_gd: String,
    pub so_tien: String,
    #[serde(default)]
    pub ma_giao_dich: String,
    #[serde(default)]
    pub ma_ngan_hang: String,
    pub ma_xac_thuc: String,
}

impl QueryReply {
    pub const PAID: &'static str = "1";
    pub const FAILED: &'static str = "4";

    pub fn mac_fields(&self) -> [&str; 6] {
        [
            &self.ma_loi,
            &self.ma_tham_chieu,
            &self.trang_thai_gd,
            &self.so_tien,
            &self.ma_giao_dich,
            &self.ma_ngan_hang,
        ]
    }
}

/// `LoaiBanTin=RECEIPT`: the electronic receipt of a paid payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReceiptRequest {
    pub loai_ban_tin: String,
    pub phien_ban: String,
    pub ma_doi_tac: String,
    pub ma_tham_chieu: String,
    pub ma_xac_thuc: String,
}

impl ReceiptRequest {
    pub fn mac_fields(&self) -> [&str; 4] {
        [
            &self.loai_ban_tin,
            &self.phien_ban,
            &self.ma_doi_tac,
            &self.ma_tham_chieu,
        ]
    }
}

/// The receipt: the PDF in base64 (`BienLai`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReceiptReply {
    pub ma_loi: String,
    pub ma_tham_chieu: String,
    #[serde(default)]
    pub bien_lai: String,
    pub ma_xac_thuc: String,
}

impl ReceiptReply {
    pub fn mac_fields(&self) -> [&str; 3] {
        [&self.ma_loi, &self.ma_tham_chieu, &self.bien_lai]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mac_is_the_hash_of_the_fields_and_the_secret() {
        // printf 'INIT|1.0.6|secret' | sha256sum
        assert_eq!(
            mac(&["INIT", "1.0.6"], "secret"),
            "e7e9d46bb9ecb5d6ed3fb50c1fc550d8de2d02e4a0386d104e93308da3fa96ac"
        );
        let m = mac(&["a", "b"], "k");
        assert!(mac_matches(&["a", "b"], "k", &m));
        assert!(mac_matches(&["a", "b"], "k", &m.to_uppercase()));
        assert!(!mac_matches(&["a", "b"], "other", &m));
        assert!(!mac_matches(&["a", "c"], "k", &m));
        assert!(!mac_matches(&["a|b"], "k", &m[..10]));
    }
}
