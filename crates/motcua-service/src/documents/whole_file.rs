//! A file a page's form posted whole (a multipart form held in memory, as the console's
//! scans and results and the portal's uploads are), checked as the API checks a streamed
//! upload: what was declared first ([`upload::accept`], [`results::accept`]), then the
//! file's leading bytes against the declared type, then stored.

use super::{results, upload, Declared, UploadError};
use crate::error::ServiceError;
use crate::view::DossierDocumentView;
use crate::{Code, Services};
use bytes::Bytes;
use motcua_core::principal::Principal;
use motcua_files::ByteStream;
use uuid::Uuid;

/// A file as a form posted it.
pub struct WholeFile {
    /// The name the browser gave it.
    pub name: Option<String>,
    /// The media type the browser declared.
    pub declared: Option<String>,
    pub bytes: Bytes,
}

impl WholeFile {
    /// The file, if one was chosen (`what` names it in the refusal, in Vietnamese).
    pub fn chosen(file: Option<WholeFile>, what: &str) -> Result<WholeFile, ServiceError> {
        file.filter(|f| !f.bytes.is_empty())
            .ok_or_else(|| ServiceError::new(Code::EmptyFile, format!("chọn {what}")))
    }

    fn declared(&self) -> Declared<'_> {
        Declared {
            content_type: self.declared.as_deref().unwrap_or_default(),
            length: Some(self.bytes.len() as u64),
            file_name: self.name.as_deref(),
        }
    }
}

/// As the API checks an upload: the file's leading bytes must be of the type declared.
pub fn check_sniffed(bytes: &[u8], content_type: &str) -> Result<(), ServiceError> {
    let found = motcua_core::media::sniff(bytes);
    if found == Some(content_type) {
        return Ok(());
    }
    Err(ServiceError::new(
        Code::ContentMismatch,
        format!(
            "tệp được khai là {content_type} nhưng nội dung là {}",
            found.unwrap_or("một loại không được chấp nhận")
        ),
    ))
}

/// The whole body of a file, as a stream for the file store.
pub fn stream_of(bytes: Bytes) -> ByteStream {
    Box::pin(futures::stream::once(async move { Ok(bytes) }))
}

/// A refused or interrupted upload as the engine's refusal.
pub fn upload_refusal(error: UploadError) -> ServiceError {
    match error {
        UploadError::Refused(e) => e,
        UploadError::Interrupted(e) => ServiceError::new(
            Code::UploadInterrupted,
            format!("tải tệp bị gián đoạn: {e}"),
        ),
    }
}

/// The document of requirement `key` of dossier `id`, uploaded whole.
pub async fn upload(
    services: &Services,
    principal: &Principal,
    id: Uuid,
    key: &str,
    file: WholeFile,
) -> Result<DossierDocumentView, ServiceError> {
    let accepted = upload::accept(services, principal, id, key, file.declared()).await?;
    check_sniffed(&file.bytes, &accepted.content_type)?;
    upload::store(services, principal, accepted, stream_of(file.bytes))
        .await
        .map_err(upload_refusal)
}

/// The electronic result `code` of dossier `id`, attached whole by the agency issuing it.
pub async fn attach_result(
    services: &Services,
    principal: &Principal,
    id: Uuid,
    code: &str,
    file: WholeFile,
) -> Result<(), ServiceError> {
    let content_type = file.declared.clone().unwrap_or_default();
    check_sniffed(&file.bytes, &content_type)?;
    let accepted = results::accept(services, principal, id, code, file.declared()).await?;
    results::store(services, principal, accepted, stream_of(file.bytes))
        .await
        .map_err(upload_refusal)?;
    Ok(())
}
