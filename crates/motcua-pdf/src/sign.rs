//! PAdES baseline B-B signatures: an incremental update appends a signature field whose
//! `/Contents` is a detached CMS SignedData (`/SubFilter /ETSI.CAdES.detached`) over the
//! `/ByteRange` (the whole file but the signature itself), with the signed attributes
//! content-type, message-digest and signing-certificate-v2; the claimed signing time is the
//! dictionary's `/M`, as ETSI EN 319 142-1 wants (not a CMS signing-time attribute).
//!
//! Who signs is a [`Signer`]: [`KeyFileSigner`] holds the agency's ECDSA P-256 key and
//! certificate from files (a mounted secret); a hardware module or a remote signing
//! service is another implementation of the same trait.

use crate::PdfError;
use aws_lc_rs::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_ASN1_SIGNING};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use der::asn1::{ObjectIdentifier, OctetString, SetOfVec};
use der::{Any, Decode, Encode};
use lopdf::Object;
use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::path::Path;
use x509_cert::attr::Attribute;
use x509_cert::spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;

const ID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const ID_CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const ID_MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const ID_SIGNING_CERTIFICATE_V2: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");
const ID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const ECDSA_WITH_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");

/// Room kept for the CMS in the file, in bytes (written as twice as many hex digits).
const CONTENTS_BYTES: usize = 8192;

/// Who signs: the certificate chain it signs under and the signature itself. Signing a
/// document is milliseconds of CPU with a key in memory; an implementation that calls out
/// (a hardware module, a remote service) does so from a blocking thread.
pub trait Signer: Send + Sync {
    /// The signer's certificate first, then the chain up to (not necessarily including) the
    /// root, each DER.
    fn chain(&self) -> &[Certificate];
    /// The signature algorithm [`Signer::sign`] makes.
    fn algorithm(&self) -> AlgorithmIdentifierOwned;
    /// The signature of `message` (the DER of the signed attributes), as CMS carries it
    /// (for ECDSA, the DER `Ecdsa-Sig-Value`).
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, PdfError>;
}

/// The agency's key (PKCS#8 PEM, ECDSA P-256) and certificate chain (PEM, the agency's
/// certificate first) read from files.
pub struct KeyFileSigner {
    key: EcdsaKeyPair,
    chain: Vec<Certificate>,
}

impl std::fmt::Debug for KeyFileSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyFileSigner")
            .field(
                "subject",
                &self
                    .chain
                    .first()
                    .map(|c| c.tbs_certificate.subject.to_string()),
            )
            .finish_non_exhaustive()
    }
}

fn sig_error(what: impl Into<String>) -> PdfError {
    PdfError::Signature(what.into())
}

impl KeyFileSigner {
    /// From the PEM texts of the key and of the certificate chain.
    pub fn from_pem(key_pem: &str, chain_pem: &str) -> Result<Self, PdfError> {
        let (label, der) = der::pem::decode_vec(key_pem.trim().as_bytes())
            .map_err(|e| sig_error(format!("the signing key is not PEM: {e}")))?;
        if label != "PRIVATE KEY" {
            return Err(sig_error(format!(
                "the signing key is a {label:?}: a PKCS#8 \"PRIVATE KEY\" (ECDSA P-256) is expected \
                 (openssl pkcs8 -topk8 -nocrypt converts one)"
            )));
        }
        let key = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &der)
            .map_err(|e| sig_error(format!("the signing key is not an ECDSA P-256 key: {e}")))?;
        let chain = Certificate::load_pem_chain(chain_pem.as_bytes())
            .map_err(|e| sig_error(format!("the signing certificate is not PEM: {e}")))?;
        let Some(first) = chain.first() else {
            return Err(sig_error(
                "the signing certificate file holds no certificate",
            ));
        };
        let public = first
            .tbs_certificate
            .subject_public_key_info
            .subject_public_key
            .raw_bytes();
        if public != key.public_key().as_ref() {
            return Err(sig_error(
                "the signing certificate's public key is not the signing key's: the first certificate must be the agency's own",
            ));
        }
        Ok(KeyFileSigner { key, chain })
    }

    /// From files (mounted secrets).
    pub fn from_files(key: &Path, chain: &Path) -> Result<Self, PdfError> {
        let read = |p: &Path| {
            std::fs::read_to_string(p)
                .map_err(|e| sig_error(format!("{} cannot be read: {e}", p.display())))
        };
        Self::from_pem(&read(key)?, &read(chain)?)
    }
}

impl Signer for KeyFileSigner {
    fn chain(&self) -> &[Certificate] {
        &self.chain
    }
    fn algorithm(&self) -> AlgorithmIdentifierOwned {
        AlgorithmIdentifierOwned {
            oid: ECDSA_WITH_SHA256,
            parameters: None,
        }
    }
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, PdfError> {
        let rng = aws_lc_rs::rand::SystemRandom::new();
        self.key
            .sign(&rng, message)
            .map(|s| s.as_ref().to_vec())
            .map_err(|_| sig_error("the signing key refused to sign"))
    }
}

#[derive(der::Sequence)]
struct EssCertIdV2 {
    // hashAlgorithm DEFAULT sha256 (left out); issuerSerial left out as CAdES baseline asks.
    cert_hash: OctetString,
}

#[derive(der::Sequence)]
struct SigningCertificateV2 {
    certs: Vec<EssCertIdV2>,
}

fn attribute(oid: ObjectIdentifier, value: Any) -> Result<Attribute, PdfError> {
    Ok(Attribute {
        oid,
        values: SetOfVec::try_from(vec![value]).map_err(der_error)?,
    })
}

fn der_error(e: der::Error) -> PdfError {
    sig_error(format!("DER: {e}"))
}

fn sha256_alg() -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid: ID_SHA256,
        parameters: None,
    }
}

/// The detached CMS SignedData of `digest` (SHA-256 of the signed bytes) by `signer`.
pub fn cms_signature(signer: &dyn Signer, digest: &[u8]) -> Result<Vec<u8>, PdfError> {
    let chain = signer.chain();
    let Some(cert) = chain.first() else {
        return Err(sig_error("the signer has no certificate"));
    };
    let cert_der = cert.to_der().map_err(der_error)?;
    let signing_certificate = SigningCertificateV2 {
        certs: vec![EssCertIdV2 {
            cert_hash: OctetString::new(Sha256::digest(&cert_der).to_vec()).map_err(der_error)?,
        }],
    };
    let attrs = vec![
        attribute(
            ID_CONTENT_TYPE,
            Any::encode_from(&ID_DATA).map_err(der_error)?,
        )?,
        attribute(
            ID_MESSAGE_DIGEST,
            Any::encode_from(&OctetString::new(digest.to_vec()).map_err(der_error)?)
                .map_err(der_error)?,
        )?,
        attribute(
            ID_SIGNING_CERTIFICATE_V2,
            Any::encode_from(&signing_certificate).map_err(der_error)?,
        )?,
    ];
    let signed_attrs = SetOfVec::try_from(attrs).map_err(der_error)?;
    let signature = signer.sign(&signed_attrs.to_der().map_err(der_error)?)?;
    let signer_info = SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: cert.tbs_certificate.issuer.clone(),
            serial_number: cert.tbs_certificate.serial_number.clone(),
        }),
        digest_alg: sha256_alg(),
        signed_attrs: Some(signed_attrs),
        signature_algorithm: signer.algorithm(),
        signature: OctetString::new(signature).map_err(der_error)?,
        unsigned_attrs: None,
    };
    let certificates = chain
        .iter()
        .cloned()
        .map(CertificateChoices::Certificate)
        .collect::<Vec<_>>();
    let signed_data = SignedData {
        version: CmsVersion::V1,
        digest_algorithms: SetOfVec::try_from(vec![sha256_alg()]).map_err(der_error)?,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: ID_DATA,
            econtent: None,
        },
        certificates: Some(CertificateSet(
            SetOfVec::try_from(certificates).map_err(der_error)?,
        )),
        crls: None,
        signer_infos: SignerInfos(SetOfVec::try_from(vec![signer_info]).map_err(der_error)?),
    };
    ContentInfo {
        content_type: ID_SIGNED_DATA,
        content: Any::encode_from(&signed_data).map_err(der_error)?,
    }
    .to_der()
    .map_err(der_error)
}

/// A PDF object written out (what the update rewrites: a page, the catalogue).
fn write_object(out: &mut String, object: &Object) -> Result<(), PdfError> {
    match object {
        Object::Null => out.push_str("null"),
        Object::Boolean(b) => out.push_str(if *b { "true" } else { "false" }),
        Object::Integer(i) => {
            let _ = write!(out, "{i}");
        }
        Object::Real(r) => {
            let _ = write!(out, "{r}");
        }
        Object::Name(name) => {
            out.push('/');
            for &b in name {
                if b.is_ascii_alphanumeric() || b"-_.+".contains(&b) {
                    out.push(char::from(b));
                } else {
                    let _ = write!(out, "#{b:02X}");
                }
            }
        }
        Object::String(bytes, _) => {
            out.push('<');
            for b in bytes {
                let _ = write!(out, "{b:02X}");
            }
            out.push('>');
        }
        Object::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_object(out, item)?;
            }
            out.push(']');
        }
        Object::Dictionary(dict) => {
            out.push_str("<<");
            for (key, value) in dict.iter() {
                write_object(out, &Object::Name(key.clone()))?;
                out.push(' ');
                write_object(out, value)?;
                out.push(' ');
            }
            out.push_str(">>");
        }
        Object::Reference((id, generation)) => {
            let _ = write!(out, "{id} {generation} R");
        }
        Object::Stream(_) => return Err(sig_error("a stream cannot be rewritten here")),
    }
    Ok(())
}

fn last_startxref(pdf: &[u8]) -> Result<usize, PdfError> {
    let at = pdf
        .windows(9)
        .rposition(|w| w == b"startxref")
        .ok_or_else(|| sig_error("the PDF has no startxref"))?;
    let tail = String::from_utf8_lossy(&pdf[at + 9..]);
    tail.split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| sig_error("the PDF's startxref is not a number"))
}

fn pdf_time(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("D:%Y%m%d%H%M%SZ").to_string()
}

fn pdf_text(text: &str) -> String {
    // UTF-16BE with its mark, as a hex string: any Vietnamese name fits.
    let mut out = String::from("<FEFF");
    for unit in text.encode_utf16() {
        let _ = write!(out, "{unit:04X}");
    }
    out.push('>');
    out
}

/// What the signature dictionary says about itself.
#[derive(Debug, Clone)]
pub struct SignatureInfo {
    /// The claimed signing time (`/M`).
    pub at: chrono::DateTime<chrono::Utc>,
    /// The signer's name (`/Name`), e.g. the agency.
    pub name: String,
    /// Why (`/Reason`).
    pub reason: String,
}

/// `pdf` with a PAdES B-B signature by `signer` appended as an incremental update.
pub fn sign_pdf(
    pdf: &[u8],
    signer: &dyn Signer,
    info: &SignatureInfo,
) -> Result<Vec<u8>, PdfError> {
    let document = lopdf::Document::load_mem(pdf)
        .map_err(|e| sig_error(format!("the PDF cannot be read: {e}")))?;
    let root_id = document
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(|_| sig_error("the PDF has no catalogue"))?;
    let mut catalog = document
        .get_dictionary(root_id)
        .map_err(|_| sig_error("the PDF's catalogue is not a dictionary"))?
        .clone();
    if catalog.has(b"AcroForm") {
        return Err(sig_error(
            "the PDF already has a form (or a signature): it is not re-signed",
        ));
    }
    let page_id = *document
        .get_pages()
        .values()
        .next()
        .ok_or_else(|| sig_error("the PDF has no page"))?;
    let mut page = document
        .get_dictionary(page_id)
        .map_err(|_| sig_error("the PDF's page is not a dictionary"))?
        .clone();
    let sig_id = document.max_id + 1;
    let widget_id = document.max_id + 2;
    let mut annots = match page.get(b"Annots") {
        Ok(Object::Array(items)) => items.clone(),
        Ok(Object::Reference(r)) => document
            .get_object(*r)
            .and_then(Object::as_array)
            .cloned()
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    annots.push(Object::Reference((widget_id, 0)));
    page.set("Annots", Object::Array(annots));
    let mut acroform = lopdf::Dictionary::new();
    acroform.set(
        "Fields",
        Object::Array(vec![Object::Reference((widget_id, 0))]),
    );
    acroform.set("SigFlags", Object::Integer(3));
    catalog.set("AcroForm", Object::Dictionary(acroform));
    let prev = last_startxref(pdf)?;

    let mut out = pdf.to_vec();
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    let mut offsets: Vec<(u32, usize)> = Vec::new();
    let mut object = |out: &mut Vec<u8>, id: u32, body: &str| {
        offsets.push((id, out.len()));
        out.extend_from_slice(format!("{id} 0 obj\n{body}\nendobj\n").as_bytes());
    };
    let byte_range_placeholder = format!("/ByteRange [0 {:>10} {:>10} {:>10}]", "*", "*", "*");
    let contents_placeholder = format!("/Contents <{}>", "0".repeat(CONTENTS_BYTES * 2));
    let sig = format!(
        "<</Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached {byte_range_placeholder} {contents_placeholder} /M ({}) /Name {} /Reason {}>>",
        pdf_time(info.at),
        pdf_text(&info.name),
        pdf_text(&info.reason),
    );
    let sig_at = out.len();
    object(&mut out, sig_id, &sig);
    object(
        &mut out,
        widget_id,
        &format!(
            "<</Type /Annot /Subtype /Widget /FT /Sig /T {} /V {sig_id} 0 R /F 132 /Rect [0 0 0 0] /P {} {} R>>",
            pdf_text("Chữ ký số"),
            page_id.0,
            page_id.1
        ),
    );
    let mut text = String::new();
    write_object(&mut text, &Object::Dictionary(page))?;
    object(&mut out, page_id.0, &text);
    let mut text = String::new();
    write_object(&mut text, &Object::Dictionary(catalog))?;
    object(&mut out, root_id.0, &text);

    let xref_at = out.len();
    let mut xref = String::from("xref\n");
    offsets.sort();
    for (id, offset) in &offsets {
        let _ = write!(xref, "{id} 1\n{offset:010} 00000 n \n");
    }
    let mut trailer = lopdf::Dictionary::new();
    trailer.set("Size", Object::Integer(i64::from(widget_id) + 1));
    trailer.set("Root", Object::Reference(root_id));
    trailer.set("Prev", Object::Integer(i64::try_from(prev).unwrap_or(0)));
    for key in [b"Info".as_slice(), b"ID".as_slice()] {
        if let Ok(value) = document.trailer.get(key) {
            trailer.set(key.to_vec(), value.clone());
        }
    }
    let mut text = String::new();
    write_object(&mut text, &Object::Dictionary(trailer))?;
    let _ = write!(xref, "trailer\n{text}\nstartxref\n{xref_at}\n%%EOF\n");
    out.extend_from_slice(xref.as_bytes());

    // Where the placeholders landed: the byte range is everything but `<…>` of /Contents.
    let find = |needle: &[u8]| {
        out[sig_at..]
            .windows(needle.len())
            .position(|w| w == needle)
            .map(|p| p + sig_at)
    };
    let contents_at = find(contents_placeholder.as_bytes())
        .ok_or_else(|| sig_error("the signature's placeholder went missing"))?
        + "/Contents ".len();
    let contents_end = contents_at + CONTENTS_BYTES * 2 + 2;
    let range_at = find(byte_range_placeholder.as_bytes())
        .ok_or_else(|| sig_error("the byte range's placeholder went missing"))?;
    let range = format!(
        "/ByteRange [0 {:>10} {:>10} {:>10}]",
        contents_at,
        contents_end,
        out.len() - contents_end
    );
    if range.len() != byte_range_placeholder.len() {
        return Err(sig_error("the PDF is too big to sign"));
    }
    out[range_at..range_at + range.len()].copy_from_slice(range.as_bytes());
    let mut hasher = Sha256::new();
    hasher.update(&out[..contents_at]);
    hasher.update(&out[contents_end..]);
    let cms = cms_signature(signer, &hasher.finalize())?;
    if cms.len() > CONTENTS_BYTES {
        return Err(sig_error("the signature does not fit the room kept for it"));
    }
    let mut hex = String::with_capacity(CONTENTS_BYTES * 2);
    for b in &cms {
        let _ = write!(hex, "{b:02X}");
    }
    out[contents_at + 1..contents_at + 1 + hex.len()].copy_from_slice(hex.as_bytes());
    Ok(out)
}

/// The certificate of a DER blob (for tests and verification).
pub fn certificate(der: &[u8]) -> Result<Certificate, PdfError> {
    Certificate::from_der(der).map_err(der_error)
}
