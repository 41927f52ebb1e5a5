//! motcua-dvcqg: the national public-service portal (Cổng Dịch vụ công quốc gia, DVCQG).
//!
//! QĐ 31/2021/QĐ-TTg (Điều 30) obliges a provincial one-stop system to synchronise each
//! dossier, its progress and its results to DVCQG, and every QĐ 766 score shown there is
//! computed from that data. The engine reaches it through the [`Dvcqg`] trait; [`HttpDvcqg`]
//! speaks the adapter the provinces' integration platform (LGSP) exposes: a login for a
//! session token, then a POST of `{"session", "madonvi", "service", …}` per call, answered
//! with `error_code` (`"0"` or `"00"` for success) and `message`.
//!
//! The payloads ([`HoSo`], [`TienDo`]) carry the field names of the national shape, and
//! their times are `yyyyMMddHHmmss` in Vietnam's time ([`national_time`]). Calls are made by
//! the engine's outbox workers, never inside a citizen's or a clerk's request.

mod client;
mod error;
mod payload;

pub use client::{HttpDvcqg, HttpDvcqgConfig};
pub use error::DvcqgError;
pub use payload::{
    national_time, GiayToKetQua, HoSo, HoSoBoSung, LePhi, TaiLieuNop, TaiLieuXuLy, ThuTuc, TienDo,
    TrangThaiHoSo, DANH_SACH_TTHC, DONG_BO_HO_SO, TIEN_DO_HO_SO, TRANG_THAI_HO_SO,
};

/// The national portal, as the engine's synchronisation sees it.
#[async_trait::async_trait]
pub trait Dvcqg: Send + Sync {
    /// `DongBoHoSoMC`: creates (`updating` false) or updates a dossier. `delivery_key` is
    /// the same for every attempt of one message (sent as `Idempotency-Key`).
    async fn sync_dossier(
        &self,
        dossier: &HoSo,
        updating: bool,
        delivery_key: &str,
    ) -> Result<(), DvcqgError>;

    /// `CapNhatTienDoHoSoMC`: appends one processing step to a dossier's progress.
    async fn report_progress(&self, step: &TienDo, delivery_key: &str) -> Result<(), DvcqgError>;

    /// `DongBoTrangThaiHoSo` (type 2): the status of a dossier filed on the national portal.
    async fn report_status(
        &self,
        status: &TrangThaiHoSo,
        delivery_key: &str,
    ) -> Result<(), DvcqgError>;

    /// `LayDanhSachTTHC`: the national catalogue of procedures.
    async fn catalogue(&self) -> Result<Vec<ThuTuc>, DvcqgError>;
}
