//! Official documents as PDF (`motcua_pdf`): the fonts they are set in and the agency's
//! signer, configured once by the binary; [`Pdfs::make`] lays a page out and signs it when
//! a signer is configured (PAdES B-B, the claimed time the engine's clock).

use crate::error::ServiceError;
use motcua_pdf::sheet::{Fonts, Sheet};
use motcua_pdf::sign::{SignatureInfo, Signer};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// What the engine needs to write official PDFs.
pub struct Pdfs {
    font_dir: PathBuf,
    fonts: OnceLock<Fonts>,
    signer: Option<Arc<dyn Signer>>,
    /// The engine's public address: a result's QR code leads to `{it}/xac-minh/{id}`.
    public_url: Option<String>,
}

impl std::fmt::Debug for Pdfs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pdfs")
            .field("font_dir", &self.font_dir)
            .field("signs", &self.signer.is_some())
            .finish()
    }
}

impl Pdfs {
    /// Fonts from `font_dir` (read on first use: a machine without them still serves
    /// everything else), signed by `signer` when there is one.
    pub fn new(font_dir: PathBuf, signer: Option<Arc<dyn Signer>>) -> Self {
        Pdfs {
            font_dir,
            fonts: OnceLock::new(),
            signer,
            public_url: None,
        }
    }

    /// Results' QR codes lead to the verification page under `public_url`.
    pub fn with_public_url(self, public_url: Option<String>) -> Self {
        Pdfs { public_url, ..self }
    }

    /// The public verification page of the result `id` (the address its QR code holds).
    pub fn verification_url(&self, id: &str) -> String {
        format!(
            "{}/xac-minh/{id}",
            self.public_url.as_deref().unwrap_or_default()
        )
    }

    /// Whether what [`Pdfs::make`] writes is signed.
    pub fn signs(&self) -> bool {
        self.signer.is_some()
    }

    fn fonts(&self) -> Result<Fonts, ServiceError> {
        if let Some(fonts) = self.fonts.get() {
            return Ok(fonts.clone());
        }
        let fonts = Fonts::from_dir(&self.font_dir)
            .map_err(|e| ServiceError::unavailable("the PDF fonts", e))?;
        let _ = self.fonts.set(fonts.clone());
        Ok(fonts)
    }

    /// `sheet` as PDF, signed by the agency's signer if one is configured (`signed_as`
    /// names the signer and why). Runs on a blocking thread: laying out and signing are
    /// CPU work.
    pub async fn make(
        &self,
        sheet: Sheet,
        signed_as: SignatureInfo,
    ) -> Result<Vec<u8>, ServiceError> {
        let fonts = self.fonts()?;
        let signer = self.signer.clone();
        tokio::task::spawn_blocking(move || {
            let pdf = motcua_pdf::sheet::render(&sheet, &fonts)?;
            match signer {
                Some(signer) => motcua_pdf::sign::sign_pdf(&pdf, signer.as_ref(), &signed_as),
                None => Ok(pdf),
            }
        })
        .await
        .map_err(ServiceError::internal)?
        .map_err(ServiceError::internal)
    }
}
