//! Electronic results: staff attach one to a dossier of their agency, in the step it is
//! issued from. Issuing it (the workflow's `result_to_store`) puts it into the citizen's
//! store, ready to be reused by the next procedure.
//!
//! As with an upload, [`accept`] checks what was declared before any byte is read, and
//! [`store`] streams the checked bytes to the file store, then records them.

use super::{forget_orphan, put, size_of, Change, Declared, Put, UploadError};
use crate::error::ServiceError;
use crate::lookup::find_with_procedure;
use crate::store::documents::{Document, NewDocument, NewVerification};
use crate::view::DocumentView;
use crate::{Code, Services};
use motcua_core::dossier::DocumentKind;
use motcua_core::dossier::Dossier;
use motcua_core::principal::Principal;
use motcua_core::procedure::Procedure;
use motcua_files::ByteStream;
use serde_json::json;
use uuid::Uuid;

/// Electronic results are written documents: these types only.
const RESULT_TYPES: &[&str] = &["application/pdf", "application/xml", "application/json"];
const RESULT_MAX_BYTES: u64 = 50 * 1024 * 1024;

/// A result the dossier takes, as far as can be told before its bytes are read.
#[derive(Debug)]
pub struct Accepted {
    /// The declared media type: the file's leading bytes must be of it.
    pub content_type: String,
    dossier_id: Uuid,
    result_code: String,
    file_name: String,
    agency: String,
}

fn result_may_be_attached(
    principal: &Principal,
    dossier: &Dossier,
    procedure: &Procedure,
) -> Result<(), ServiceError> {
    if motcua_core::access::may_attach_result(principal, dossier, procedure) {
        return Ok(());
    }
    Err(ServiceError::new(
        Code::ResultNotExpected,
        format!(
            "a result is attached by who issues it, in the step it is issued from; the dossier is {:?}",
            dossier.state
        ),
    ))
}

fn checked_result_code(code: &str) -> Result<(), ServiceError> {
    let fine = !code.is_empty()
        && code.len() <= 64
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._/".contains(c));
    if fine {
        Ok(())
    } else {
        Err(ServiceError::new(
            Code::InvalidResultCode,
            "a result code has 1–64 letters, digits, '-', '.', '_' or '/'",
        ))
    }
}

/// Whether dossier `dossier_id` takes, from `principal`, a result `result_code` so
/// declared. Its length is checked as it streams.
pub async fn accept(
    services: &Services,
    principal: &Principal,
    dossier_id: Uuid,
    result_code: &str,
    declared: Declared<'_>,
) -> Result<Accepted, ServiceError> {
    let Principal::Staff { agency, .. } = principal else {
        return Err(ServiceError::new(
            Code::StaffOnly,
            "results are issued by the agency handling the dossier",
        ));
    };
    let (dossier, procedure) = find_with_procedure(services, principal, dossier_id).await?;
    result_may_be_attached(principal, &dossier, procedure)?;
    checked_result_code(result_code)?;
    if procedure.spec().result.must_be_signed {
        return Err(ServiceError::new(
            Code::ResultSignatureRequired,
            "this procedure's result must be signed by the agency, and a result signed \
             elsewhere cannot be verified yet: have the engine issue it signed \
             (POST /v1/dossiers/{id}/results/{result_code}/pdf)",
        ));
    }
    if !RESULT_TYPES.contains(&declared.content_type) {
        return Err(ServiceError::new(
            Code::MediaTypeNotAccepted,
            format!("a result is one of {}", RESULT_TYPES.join(", ")),
        ));
    }
    let file_name = motcua_core::file_name::sanitise(
        declared.file_name.unwrap_or_default(),
        &format!("ket-qua-{}", result_code.replace('/', "-")),
    );
    Ok(Accepted {
        content_type: declared.content_type.to_owned(),
        dossier_id,
        result_code: result_code.to_owned(),
        file_name,
        agency: agency.clone(),
    })
}

/// Stores the bytes of an accepted result and records it as the dossier's.
pub async fn store(
    services: &Services,
    principal: &Principal,
    result: Accepted,
    bytes: ByteStream,
) -> Result<DocumentView, UploadError> {
    let object = put(
        services,
        result.dossier_id,
        &result.content_type,
        bytes,
        RESULT_MAX_BYTES,
        |limit| {
            ServiceError::new(
                Code::FileTooLarge,
                format!("a result takes at most {limit} bytes"),
            )
        },
    )
    .await?;
    let written = record(services, principal, &result, &object, None).await;
    match written {
        Ok(document) => Ok(DocumentView::from(document)),
        Err(e) => {
            forget_orphan(services, &object.key).await;
            Err(e.into())
        }
    }
}

/// Writes the result's document and the dossier's reference to it, in one transaction.
async fn record(
    services: &Services,
    principal: &Principal,
    result: &Accepted,
    object: &Put,
    verification: Option<&NewVerification>,
) -> Result<Document, ServiceError> {
    let mut change = Change::begin(
        services,
        principal,
        result.dossier_id,
        result_may_be_attached,
    )
    .await?;
    let document = change
        .tx
        .insert_document(NewDocument {
            id: object.document_id,
            owner_pin: &change.dossier.citizen_pin,
            kind: DocumentKind::Result,
            file_name: &result.file_name,
            content_type: &result.content_type,
            size: size_of(&object.stored),
            sha256: &object.stored.sha256,
            storage_key: &object.key,
            issuer: Some(&result.agency),
            result_code: Some(&result.result_code),
        })
        .await?;
    change
        .tx
        .record_result(result.dossier_id, object.document_id, principal.subject())
        .await?;
    if let Some(verification) = verification {
        change.tx.record_verification(verification).await?;
    }
    change
        .append_event(
            "attach_result",
            json!({
                "document": object.document_id, "result_code": result.result_code,
                "sha256": object.stored.sha256,
                "verification": verification.map(|v| v.id.as_str()),
            }),
        )
        .await?;
    change.tx.commit().await?;
    Ok(document)
}

/// The results issued to the citizen for dossier `id` (those its steps published into
/// their store), oldest first: what a portal offers to download. Found by the dossier's
/// `attach_result` events, each result kept only once it was issued.
pub async fn issued(
    services: &Services,
    principal: &Principal,
    id: Uuid,
) -> Result<Vec<DocumentView>, ServiceError> {
    let mut db = services.store.session().await?;
    crate::lookup::find_visible(&mut *db, principal, id).await?;
    let attached: Vec<Uuid> = db
        .events_of(id)
        .await?
        .iter()
        .filter(|e| e.action == "attach_result")
        .filter_map(|e| e.detail.get("document")?.as_str()?.parse().ok())
        .collect();
    let mut results = Vec::new();
    for document_id in attached {
        if !db.is_published_result(document_id).await? {
            continue;
        }
        if let Some(document) = db.document(document_id).await? {
            results.push(DocumentView::from(document));
        }
    }
    Ok(results)
}

/// What a result the engine lays out says, as its issuer words it.
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct ResultText {
    /// The title ("Bản sao văn bằng"); the procedure's result name when absent.
    pub title: Option<String>,
    /// The body, one paragraph each, after the holder's name.
    #[serde(default)]
    pub lines: Vec<String>,
}

impl ResultText {
    fn checked(&self) -> Result<(), ServiceError> {
        let too_long = self
            .title
            .as_deref()
            .is_some_and(|t| t.chars().count() > 200)
            || self.lines.len() > 30
            || self.lines.iter().any(|l| l.chars().count() > 1000);
        if too_long {
            return Err(ServiceError::new(
                Code::InvalidBody,
                "a result's title has at most 200 characters, and its body at most 30 \
                 paragraphs of 1000 characters",
            ));
        }
        Ok(())
    }
}

/// The holder's initials ("N. Đ. M."): what a public check may show of a name.
pub fn initials(full_name: &str) -> String {
    full_name
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .map(|c| format!("{}.", c.to_uppercase()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// An id nobody can guess: 128 random bits, as 26 base-32 letters and digits.
fn verification_id() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTVWXYZ0123456789";
    let mut bits = u128::from_le_bytes(*Uuid::new_v4().as_bytes())
        ^ (u128::from_le_bytes(*Uuid::new_v4().as_bytes()) << 6);
    (0..26)
        .map(|_| {
            let c = ALPHABET[(bits & 31) as usize] as char;
            bits >>= 5;
            c
        })
        .collect()
}

/// The engine issues dossier `dossier_id`'s result `result_code` itself: laid out as an
/// A4 PDF (the agency, the national motto, the holder, `text`), signed by the agency, with a
/// QR code to its public verification page under a new unguessable id, then attached as the
/// dossier's result like an uploaded one. A procedure whose result must be signed refuses
/// (409 `result_signature_required`) when the engine has no signing key.
pub async fn issue_pdf(
    services: &Services,
    principal: &Principal,
    dossier_id: Uuid,
    result_code: &str,
    text: ResultText,
) -> Result<DocumentView, ServiceError> {
    let Principal::Staff { agency, .. } = principal else {
        return Err(ServiceError::new(
            Code::StaffOnly,
            "results are issued by the agency handling the dossier",
        ));
    };
    let (dossier, procedure) = find_with_procedure(services, principal, dossier_id).await?;
    result_may_be_attached(principal, &dossier, procedure)?;
    checked_result_code(result_code)?;
    text.checked()?;
    let spec = procedure.spec();
    if spec.result.must_be_signed && !services.pdfs.signs() {
        return Err(ServiceError::new(
            Code::ResultSignatureRequired,
            "this procedure's result must be signed by the agency, and no signing key is \
             configured (MOTCUA_SIGNING_KEY_FILE and MOTCUA_SIGNING_CERT_FILE)",
        ));
    }
    let now = services.clock.now();
    let field = |key: &str| {
        crate::slips::find_field(&dossier.data, key)
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned)
    };
    let full_name = field("full_name").unwrap_or_default();
    let birth_date = field("birth_date");
    let agency_name = spec
        .agencies
        .iter()
        .find(|a| Some(a.id.as_str()) == dossier.agency_id.as_deref())
        .map_or_else(|| agency.clone(), |a| a.name.clone());
    let title = text
        .title
        .clone()
        .unwrap_or_else(|| spec.result.name.clone());
    let id = verification_id();
    let url = services.pdfs.verification_url(&id);
    let code = dossier.code.clone().unwrap_or_default();
    let mut body = vec![
        motcua_pdf::sheet::Para::text(format!("{agency_name} cấp cho:")),
        motcua_pdf::sheet::Para::bold(format!("Ông/Bà: {full_name}")),
    ];
    if let Some(born) = birth_date
        .as_deref()
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    {
        body.push(motcua_pdf::sheet::Para::text(format!(
            "Ngày sinh: {}",
            born.format("%d/%m/%Y")
        )));
    }
    body.push(motcua_pdf::sheet::Para::text(format!(
        "Số định danh cá nhân: {}",
        dossier.citizen_pin
    )));
    body.extend(text.lines.iter().map(motcua_pdf::sheet::Para::text));
    body.push(motcua_pdf::sheet::Para::text(format!(
        "Mã xác minh: {id}. Kiểm tra văn bản này tại {url}"
    )));
    let today = now
        .with_timezone(&motcua_core::calendar::vietnam_offset())
        .format("ngày %d tháng %m năm %Y");
    let sheet = motcua_pdf::sheet::Sheet {
        agency: agency_name.clone(),
        unit: String::new(),
        number: format!("Số: {result_code}"),
        date_line: format!("……………, {today}"),
        form: String::new(),
        title: title.clone(),
        subtitle: format!("Mã hồ sơ: {code}"),
        body,
        left_signature: None,
        right_signature: Some((
            "Thủ trưởng cơ quan".to_owned(),
            "(Chữ ký số của cơ quan)".to_owned(),
            String::new(),
        )),
        basis: if spec.legal_basis.is_empty() {
            String::new()
        } else {
            format!("Căn cứ: {}", spec.legal_basis.join("; "))
        },
        qr: Some((url.clone(), format!("Xác minh: {url}"))),
        meta_title: format!("{title} – {result_code}"),
        created: Some(now),
    };
    let signed_as = motcua_pdf::sign::SignatureInfo {
        at: now,
        name: agency_name.clone(),
        reason: format!("{title} {result_code}"),
    };
    let pdf = services.pdfs.make(sheet, signed_as).await?;
    let accepted = Accepted {
        content_type: "application/pdf".to_owned(),
        dossier_id,
        result_code: result_code.to_owned(),
        file_name: format!("ket-qua-{}.pdf", result_code.replace('/', "-")),
        agency: agency.clone(),
    };
    let stream: ByteStream = Box::pin(futures::stream::once(
        async move { Ok(bytes::Bytes::from(pdf)) },
    ));
    let object = match put(
        services,
        dossier_id,
        "application/pdf",
        stream,
        RESULT_MAX_BYTES,
        |limit| {
            ServiceError::new(
                Code::FileTooLarge,
                format!("a result takes at most {limit} bytes"),
            )
        },
    )
    .await
    {
        Ok(object) => object,
        Err(super::UploadError::Refused(e)) => return Err(e),
        Err(super::UploadError::Interrupted(e)) => return Err(ServiceError::internal(e)),
    };
    let verification = NewVerification {
        id,
        document_id: object.document_id,
        dossier_id,
        kind: spec.result.name.clone(),
        issuer: agency_name,
        issued_at: now,
        sha256: object.stored.sha256.clone(),
        holder_initials: initials(&full_name),
        holder_birth_year: birth_date
            .as_deref()
            .and_then(|d| d.get(..4))
            .and_then(|y| y.parse().ok()),
    };
    match record(services, principal, &accepted, &object, Some(&verification)).await {
        Ok(document) => Ok(DocumentView::from(document)),
        Err(e) => {
            forget_orphan(services, &object.key).await;
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_keep_only_the_first_letter_of_each_word() {
        assert_eq!(initials("Nguyễn Đức Minh"), "N. Đ. M.");
        assert_eq!(initials("  lê   thị "), "L. T.");
    }

    #[test]
    fn verification_ids_are_long_and_differ() {
        let (a, b) = (verification_id(), verification_id());
        assert_eq!(a.len(), 26);
        assert_ne!(a, b);
    }
}
