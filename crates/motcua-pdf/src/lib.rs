//! Official documents as PDF: the slips of TT 03/2025 and the results the engine issues,
//! laid out in [`sheet`], and their PAdES signatures ([`sign`]).

pub mod sheet;
pub mod sign;
pub mod slips;

/// Why a PDF could not be made or signed.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("font: {0}")]
    Font(String),
    #[error("layout: {0}")]
    Layout(String),
    #[error("signature: {0}")]
    Signature(String),
}
