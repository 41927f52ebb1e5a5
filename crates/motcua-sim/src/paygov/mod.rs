//! A stand-in for the national payment platform (Nền tảng thanh toán): `POST /paygov/api`
//! takes the partner's `INIT` (answers `UrlThanhToan`), `QUERY` (answers `TrangThaiGD`: `1`
//! paid, `4` failed, `0` not settled) and `RECEIPT` (the receipt PDF in base64), each
//! checked against its `MaXacThuc` (SHA-256 of the fields joined by `|`, then `|` and the
//! partner's secret); `GET /paygov/pay/{reference}` is the page the citizen pays on, and
//! `POST` to it settles the payment (`outcome=paid|failed`) and sends the platform's
//! callback to the partner's callback URL.
//!
//! Its switches ([`PaygovControl`], or `POST /_sim/paygov/switches`) make it lose the
//! callback, send it twice, or send a forged one (a wrong MAC) instead of the genuine one;
//! a payment can be settled failed, then paid later (as a bank capturing late), with or
//! without a callback.

mod control;
mod routes;

pub use control::{CallbackMode, PaygovControl, SentCallback, SimPayment};
pub(crate) use routes::routes;

/// The partner code of the development setup (`PAYGOV_PARTNER_CODE`).
pub const DEV_PARTNER_CODE: &str = "000.00.00.H26";
/// The partner's secret of the development setup (`PAYGOV_SECRET`).
pub const DEV_SECRET: &str = "motcua-dev-paygov-secret";

/// `MaXacThuc` of `fields`: lowercase hex SHA-256 of `f1|…|fn|secret`.
pub fn mac(fields: &[&str], secret: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut text = String::new();
    for field in fields {
        text.push_str(field);
        text.push('|');
    }
    text.push_str(secret);
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
