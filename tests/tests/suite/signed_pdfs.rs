//! Official PDFs with legal value (issue 31): a slip rendered as PDF with its Vietnamese
//! text exact and embedded, signed by the agency (PAdES B-B) with a key and certificate
//! from configuration, checked by two verifiers nobody here wrote: poppler's `pdfsig` and
//! pyHanko. The test makes its own certificate authority with the openssl command.

use motcua_tests::accounts::{CLERK, MINH};
use motcua_tests::api::{act, call, get};
use motcua_tests::engine::tempdir::TempDir;
use motcua_tests::{dossiers, login, Engine, EngineOptions, Session};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::Command;

/// pyHanko, from PyPI, in a virtualenv of the target folder.
const PYHANKO: &str = "0.38.0";

fn run(command: &mut Command) -> String {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("{command:?} cannot start: {e}"));
    assert!(
        output.status.success(),
        "{command:?} failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A test CA (ECDSA P-256) and an agency certificate it issued, for digital signatures;
/// returns (agency key, agency chain, CA certificate).
fn test_ca(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let at = |name: &str| dir.join(name);
    run(Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
        ])
        .arg("-keyout")
        .arg(at("ca.key"))
        .arg("-out")
        .arg(at("ca.pem"))
        .args([
            "-days",
            "30",
            "-subj",
            "/CN=motcua test CA/O=motcua tests",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ]));
    run(Command::new("openssl")
        .args([
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
        ])
        .arg(at("agency.key")));
    run(Command::new("openssl")
        .args(["req", "-new", "-utf8", "-key"])
        .arg(at("agency.key"))
        .args([
            "-subj",
            "/CN=Sở Giáo dục và Đào tạo Hà Nội/O=motcua tests/C=VN",
            "-out",
        ])
        .arg(at("agency.csr")));
    std::fs::write(
        at("ext.cnf"),
        "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n",
    )
    .unwrap();
    run(Command::new("openssl")
        .args(["x509", "-req", "-in"])
        .arg(at("agency.csr"))
        .arg("-CA")
        .arg(at("ca.pem"))
        .arg("-CAkey")
        .arg(at("ca.key"))
        .args(["-CAcreateserial", "-days", "30", "-extfile"])
        .arg(at("ext.cnf"))
        .arg("-out")
        .arg(at("agency.pem")));
    let chain = [
        std::fs::read_to_string(at("agency.pem")).unwrap(),
        std::fs::read_to_string(at("ca.pem")).unwrap(),
    ]
    .concat();
    std::fs::write(at("chain.pem"), chain).unwrap();
    (at("agency.key"), at("chain.pem"), at("ca.pem"))
}

/// The tests' output folder for PDFs and their pictures: `target/pdfs/`.
fn output_dir() -> PathBuf {
    let dir = motcua_tests::python_tool::target_dir().join("pdfs");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn require_poppler() {
    assert!(
        Command::new("pdfsig").arg("-v").output().is_ok(),
        "the PDF tests need poppler's pdfsig, pdftotext and pdftoppm: run \
         'sudo apt-get install poppler-utils' (scripts/test installs it as root)"
    );
}

/// What pdfsig says of the file's signatures (`-nocert`: the test CA is in no NSS
/// database; pyHanko checks the chain against it).
fn pdfsig(file: &Path) -> String {
    let output = Command::new("pdfsig")
        .arg("-nocert")
        .arg(file)
        .output()
        .unwrap();
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

const PYHANKO_CHECK: &str = r#"
import sys, json
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pyhanko.keys import load_cert_from_pemder
vc = ValidationContext(trust_roots=[load_cert_from_pemder(sys.argv[2])])
with open(sys.argv[1], 'rb') as f:
    sigs = PdfFileReader(f, strict=False).embedded_signatures
    if not sigs:
        print(json.dumps({"signatures": 0})); sys.exit(0)
    s = validate_pdf_signature(sigs[0], vc)
    print(json.dumps({"signatures": len(sigs), "intact": s.intact, "valid": s.valid,
        "trusted": s.trusted, "coverage": s.coverage.name, "bottom_line": s.bottom_line,
        "sub_filter": str(sigs[0].sig_object.get('/SubFilter')),
        "signer": s.signing_cert.subject.human_friendly}))
"#;

/// What pyHanko says of the file's first signature, trusting `ca`.
fn pyhanko(file: &Path, ca: &Path) -> serde_json::Value {
    let venv = motcua_tests::python_tool::install_library("pyhanko", PYHANKO);
    let output = Command::new(venv.join("bin").join("python"))
        .args(["-W", "ignore", "-c", PYHANKO_CHECK])
        .arg(file)
        .arg(ca)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    match serde_json::from_str(stdout.trim()) {
        Ok(v) => v,
        // A file too broken to read is an invalid one.
        Err(_) => json!({ "error": String::from_utf8_lossy(&output.stderr) }),
    }
}

async fn pdf_of(engine: &Engine, session: &Session, path: &str) -> (u16, String, Vec<u8>) {
    let response = reqwest::Client::new()
        .get(engine.at(path))
        .bearer_auth(&session.token)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let kind = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, kind, response.bytes().await.unwrap().to_vec())
}

/// A diploma-copy dossier of Minh received at the desk: it has its receipt (Mẫu 01).
async fn received_copy(engine: &Engine) -> (Session, String, String) {
    let minh = login(engine, "citizen", MINH).await;
    let clerk = login(engine, "staff", CLERK).await;
    let id = dossiers::submitted_copy(engine, &reqwest::Client::new(), &minh).await;
    let (status, claimed) = call(
        engine,
        &clerk,
        reqwest::Method::POST,
        "/v1/queues/3.000465:submitted/claim",
        None,
    )
    .await;
    assert_eq!(status, 200, "{claimed}");
    let (status, received) = act(engine, &clerk, &id, "receive", json!({})).await;
    assert_eq!(status, 200, "{received}");
    let name = received["data"]["applicant"]["full_name"]
        .as_str()
        .unwrap()
        .to_owned();
    (minh, id, name)
}

#[tokio::test]
async fn the_receipt_is_a_signed_pdf_that_pdfsig_and_pyhanko_find_valid_until_a_byte_changes() {
    require_poppler();
    let ca_dir = TempDir::new();
    let (key, chain, ca) = test_ca(&ca_dir.0);
    let engine = Engine::start_with(EngineOptions {
        clock: Some("2026-11-23T08:00:00+07:00".into()),
        extra_env: vec![
            ("MOTCUA_SIGNING_KEY_FILE".into(), key.display().to_string()),
            (
                "MOTCUA_SIGNING_CERT_FILE".into(),
                chain.display().to_string(),
            ),
        ],
        ..EngineOptions::default()
    })
    .await;
    let (minh, id, name) = received_copy(&engine).await;
    assert!(!name.is_ascii(), "a name with diacritics: {name}");

    let (status, kind, pdf) = pdf_of(
        &engine,
        &minh,
        &format!("/v1/dossiers/{id}/slips/receipt/pdf"),
    )
    .await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&pdf));
    assert_eq!(kind, "application/pdf");
    assert!(pdf.starts_with(b"%PDF-"));
    let out = output_dir();
    let file = out.join("receipt.pdf");
    std::fs::write(&file, &pdf).unwrap();

    // The text comes back exactly, diacritics and all: the font is embedded with its
    // Unicode map (pdffonts: "emb yes", "uni yes").
    let text = run(Command::new("pdftotext").arg(&file).arg("-"));
    for words in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "Mẫu số 01",
        "Sở Giáo dục và Đào tạo Hà Nội tiếp nhận hồ sơ của:",
        name.as_str(),
    ] {
        assert!(
            text.contains(words),
            "{words:?} is not in the PDF's text:\n{text}"
        );
    }
    // The motto as written in running text, whatever the capitals of the page.
    assert!(text
        .to_lowercase()
        .contains(&"Cộng hòa xã hội chủ nghĩa Việt Nam".to_lowercase()));
    let fonts = run(Command::new("pdffonts").arg(&file));
    assert!(
        fonts.contains("NotoSerif-Regular") && !fonts.contains(" no "),
        "{fonts}"
    );
    // A picture of it, to look at.
    run(Command::new("pdftoppm")
        .args(["-png", "-r", "80", "-singlefile"])
        .arg(&file)
        .arg(out.join("receipt")));
    assert!(out.join("receipt.png").exists());

    // Signed, valid, the whole file covered, for both verifiers.
    let said = pdfsig(&file);
    assert!(
        said.contains("Signature Type: ETSI.CAdES.detached"),
        "{said}"
    );
    assert!(
        said.contains("Signature Validation: Signature is Valid."),
        "{said}"
    );
    assert!(said.contains("Total document signed"), "{said}");
    assert!(said.contains("Sở Giáo dục và Đào tạo Hà Nội"), "{said}");
    let checked = pyhanko(&file, &ca);
    assert_eq!(checked["intact"], true, "{checked}");
    assert_eq!(checked["valid"], true, "{checked}");
    assert_eq!(checked["trusted"], true, "{checked}");
    assert_eq!(checked["coverage"], "ENTIRE_FILE", "{checked}");
    assert_eq!(checked["bottom_line"], true, "{checked}");
    assert_eq!(checked["sub_filter"], "/ETSI.CAdES.detached", "{checked}");

    // One changed byte (in the header's comment: the file still reads) and both say no.
    let mut changed = pdf.clone();
    let at = changed.iter().position(|&b| b == b'\n').unwrap() + 2;
    changed[at] ^= 0x01;
    let changed_file = out.join("receipt-changed.pdf");
    std::fs::write(&changed_file, &changed).unwrap();
    let said = pdfsig(&changed_file);
    assert!(!said.contains("Signature is Valid."), "{said}");
    assert!(
        said.contains("Digest Mismatch") || said.contains("Invalid"),
        "{said}"
    );
    let checked = pyhanko(&changed_file, &ca);
    assert_ne!(checked["intact"], true, "{checked}");
    assert_ne!(checked["bottom_line"], true, "{checked}");
}

#[tokio::test]
async fn without_a_signing_key_the_slip_pdf_is_printable_but_unsigned() {
    require_poppler();
    let engine = Engine::start_at("2026-11-23T08:00:00+07:00").await;
    let (minh, id, name) = received_copy(&engine).await;
    let (status, _, pdf) = pdf_of(
        &engine,
        &minh,
        &format!("/v1/dossiers/{id}/slips/receipt/pdf"),
    )
    .await;
    assert_eq!(status, 200);
    let file = output_dir().join(format!("receipt-unsigned-{id}.pdf"));
    std::fs::write(&file, &pdf).unwrap();
    let text = run(Command::new("pdftotext").arg(&file).arg("-"));
    assert!(text.contains(&name), "{text}");
    assert!(pdfsig(&file).contains("does not contain any signatures"));
    // A slip never issued is a precise 404, not a blank page.
    let (status, problem) = get(
        &engine,
        &minh,
        &format!("/v1/dossiers/{id}/slips/refusal/pdf"),
    )
    .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (404, Some("slip_not_issued"))
    );
    let _ = std::fs::remove_file(file);
}

/// The shipped procedures, the diploma copy's result required to be signed.
fn procedures_with_signed_copies() -> TempDir {
    let dir = TempDir::new();
    let shipped = motcua_tests::workspace_root().join("procedures");
    for entry in std::fs::read_dir(&shipped).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_owned();
        let mut text = std::fs::read_to_string(&path).unwrap();
        if name == "3.000465.json" {
            let mut procedure: serde_json::Value = serde_json::from_str(&text).unwrap();
            procedure["result"]["must_be_signed"] = json!(true);
            text = procedure.to_string();
        }
        std::fs::write(dir.0.join(name), text).unwrap();
    }
    dir
}

/// Minh's diploma-copy dossier received, proposed and approved: its result is due.
async fn approved_copy(engine: &Engine) -> (Session, Session, String, String) {
    use motcua_tests::accounts::{APPROVER, SPECIALIST};
    let (minh, id, name) = received_copy(engine).await;
    let specialist = login(engine, "staff", SPECIALIST).await;
    let approver = login(engine, "staff", APPROVER).await;
    let (status, proposed) = act(engine, &specialist, &id, "propose", json!({})).await;
    assert_eq!(status, 200, "{proposed}");
    let (status, approved) = act(engine, &approver, &id, "approve", json!({})).await;
    assert_eq!(status, 200, "{approved}");
    (minh, login(engine, "staff", CLERK).await, id, name)
}

const RESULT_TEXT: &str = "Bản sao được cấp từ sổ gốc cấp văn bằng tốt nghiệp trung học phổ thông.";

#[tokio::test]
async fn a_result_that_must_be_signed_is_issued_as_a_signed_pdf_with_a_qr_to_its_check() {
    require_poppler();
    let ca_dir = TempDir::new();
    let (key, chain, ca) = test_ca(&ca_dir.0);
    let procedures = procedures_with_signed_copies();
    let engine = Engine::start_with(EngineOptions {
        clock: Some("2026-11-23T08:00:00+07:00".into()),
        procedures_dir: Some(procedures.0.clone()),
        extra_env: vec![
            ("MOTCUA_SIGNING_KEY_FILE".into(), key.display().to_string()),
            (
                "MOTCUA_SIGNING_CERT_FILE".into(),
                chain.display().to_string(),
            ),
        ],
        ..EngineOptions::default()
    })
    .await;
    let (minh, clerk, id, name) = approved_copy(&engine).await;

    // A result signed elsewhere cannot be verified yet: where a signature is required, an
    // upload is refused, naming why.
    let (status, problem) = motcua_tests::api::put_file(
        &engine,
        &clerk,
        &format!("/v1/dossiers/{id}/results/BS-2026-000042"),
        "application/pdf",
        b"%PDF-1.7 ket qua".to_vec(),
    )
    .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (409, Some("result_signature_required")),
        "{problem}"
    );

    let (status, issued) = motcua_tests::api::post(
        &engine,
        &clerk,
        &format!("/v1/dossiers/{id}/results/BS-2026-000042/pdf"),
        json!({ "title": "Bản sao văn bằng", "lines": [RESULT_TEXT] }),
    )
    .await;
    assert_eq!(status, 201, "{issued}");
    let (status, done) = act(&engine, &clerk, &id, "issue_result", json!({})).await;
    assert_eq!(status, 200, "{done}");

    let document = issued["id"].as_str().unwrap();
    let (status, kind, pdf) = pdf_of(
        &engine,
        &minh,
        &format!("/v1/attachments/{document}/content"),
    )
    .await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&pdf));
    assert_eq!(kind, "application/pdf");
    let out = output_dir();
    let file = out.join("result.pdf");
    std::fs::write(&file, &pdf).unwrap();

    let text = run(Command::new("pdftotext").arg(&file).arg("-"));
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for words in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BẢN SAO VĂN BẰNG",
        "Sở Giáo dục và Đào tạo Hà Nội cấp cho:",
        name.as_str(),
        RESULT_TEXT,
        "Mã xác minh:",
    ] {
        assert!(
            joined.contains(words),
            "{words:?} is not in the result's text:\n{text}"
        );
    }
    // Its QR code and caption lead to the public check of this result, under an id of 26
    // letters and digits nobody can guess.
    let check = format!("{}/xac-minh/", engine.url.trim_end_matches('/'));
    let at = joined
        .find(&check)
        .unwrap_or_else(|| panic!("no {check} in:\n{text}"));
    let verification: String = joined[at + check.len()..]
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect();
    assert_eq!(verification.len(), 26, "{verification}");
    run(Command::new("pdftoppm")
        .args(["-png", "-r", "80", "-singlefile"])
        .arg(&file)
        .arg(out.join("result")));
    assert!(out.join("result.png").exists());

    let said = pdfsig(&file);
    assert!(
        said.contains("Signature Validation: Signature is Valid."),
        "{said}"
    );
    assert!(said.contains("Total document signed"), "{said}");
    let checked = pyhanko(&file, &ca);
    assert_eq!(checked["bottom_line"], true, "{checked}");
    assert_eq!(checked["coverage"], "ENTIRE_FILE", "{checked}");
}

#[tokio::test]
async fn a_result_that_must_be_signed_is_refused_without_a_signing_key() {
    let procedures = procedures_with_signed_copies();
    let engine = Engine::start_with(EngineOptions {
        clock: Some("2026-11-23T08:00:00+07:00".into()),
        procedures_dir: Some(procedures.0.clone()),
        ..EngineOptions::default()
    })
    .await;
    let (_, clerk, id, _) = approved_copy(&engine).await;
    let (status, problem) = motcua_tests::api::post(
        &engine,
        &clerk,
        &format!("/v1/dossiers/{id}/results/BS-2026-000042/pdf"),
        json!({}),
    )
    .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (409, Some("result_signature_required")),
        "{problem}"
    );
    assert!(
        problem["detail"]
            .as_str()
            .is_some_and(|d| d.contains("no signing key is configured")),
        "{problem}"
    );
    // Nothing was issued: the step still wants its result.
    let (status, refused) = act(&engine, &clerk, &id, "issue_result", json!({})).await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (422, Some("result_document_missing")),
        "{refused}"
    );
}

/// The verification id a result's page prints under its QR code.
fn verification_id_of(file: &Path, engine: &Engine) -> String {
    let text = run(Command::new("pdftotext").arg(file).arg("-"));
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let check = format!("{}/xac-minh/", engine.url.trim_end_matches('/'));
    let at = joined
        .find(&check)
        .unwrap_or_else(|| panic!("no {check} in:\n{text}"));
    joined[at + check.len()..]
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect()
}

async fn public(
    engine: &Engine,
    method: reqwest::Method,
    path: &str,
    body: Option<Vec<u8>>,
) -> (u16, String) {
    let mut request = reqwest::Client::new().request(method, engine.at(path));
    if let Some(body) = body {
        request = request.header("content-type", "application/pdf").body(body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

async fn checked(engine: &Engine, path: &str, body: Option<Vec<u8>>) -> serde_json::Value {
    let method = if body.is_some() {
        reqwest::Method::POST
    } else {
        reqwest::Method::GET
    };
    let (status, text) = public(engine, method, path, body).await;
    assert_eq!(status, 200, "{text}");
    serde_json::from_str(&text).unwrap()
}

#[tokio::test]
async fn anyone_checks_an_issued_result_by_its_qr_code_and_guessing_is_slowed_down() {
    use sha2::Digest;
    require_poppler();
    let ca_dir = TempDir::new();
    let (key, chain, _) = test_ca(&ca_dir.0);
    let procedures = procedures_with_signed_copies();
    let engine = Engine::start_with(EngineOptions {
        clock: Some("2026-11-23T08:00:00+07:00".into()),
        procedures_dir: Some(procedures.0.clone()),
        extra_env: vec![
            ("MOTCUA_SIGNING_KEY_FILE".into(), key.display().to_string()),
            (
                "MOTCUA_SIGNING_CERT_FILE".into(),
                chain.display().to_string(),
            ),
        ],
        ..EngineOptions::default()
    })
    .await;
    let (minh, clerk, id, name) = approved_copy(&engine).await;
    let (status, issued) = motcua_tests::api::post(
        &engine,
        &clerk,
        &format!("/v1/dossiers/{id}/results/BS-2026-000043/pdf"),
        json!({ "lines": [RESULT_TEXT] }),
    )
    .await;
    assert_eq!(status, 201, "{issued}");
    let (status, done) = act(&engine, &clerk, &id, "issue_result", json!({})).await;
    assert_eq!(status, 200, "{done}");
    let document = issued["id"].as_str().unwrap();
    let (status, _, pdf) = pdf_of(
        &engine,
        &minh,
        &format!("/v1/attachments/{document}/content"),
    )
    .await;
    assert_eq!(status, 200);
    let file = output_dir().join(format!("result-{id}.pdf"));
    std::fs::write(&file, &pdf).unwrap();
    let vid = verification_id_of(&file, &engine);
    let _ = std::fs::remove_file(&file);
    let pin = minh_pin(&engine, &minh, &id).await;

    // Genuine: what it is, who issued it when, the file's hash; of the holder only the
    // initials and the birth year, on the API and on the page the QR code opens.
    let genuine = checked(&engine, &format!("/v1/verifications/{vid}"), None).await;
    assert_eq!(genuine["status"], "genuine", "{genuine}");
    assert_eq!(genuine["issuer"], "Sở Giáo dục và Đào tạo Hà Nội");
    assert_eq!(genuine["holder_initials"], "N. Đ. M.");
    assert_eq!(genuine["holder_birth_year"], 2007);
    let sha256: String = sha2::Sha256::digest(&pdf)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(genuine["sha256"], sha256.as_str());
    assert!(genuine["kind"].as_str().is_some_and(|k| !k.is_empty()));
    let (status, page) = public(
        &engine,
        reqwest::Method::GET,
        &format!("/xac-minh/{vid}"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("data-status=\"genuine\""), "{page}");
    assert!(
        page.contains("Văn bản hợp lệ") && page.contains(&sha256),
        "{page}"
    );
    assert!(page.contains("N. Đ. M.") && page.contains("2007"), "{page}");
    // Never the full name nor the PIN, whole or in part of its digits, nor its last name.
    for whole in [name.as_str(), pin.as_str(), &pin[3..]] {
        assert!(!page.contains(whole), "{whole} on the page:\n{page}");
        assert!(!genuine.to_string().contains(whole), "{genuine}");
    }
    for word in name.split_whitespace() {
        assert!(!page.contains(word), "{word} on the page:\n{page}");
    }

    // The file issued is; a copy with one byte changed is not.
    let same = checked(
        &engine,
        &format!("/v1/verifications/{vid}"),
        Some(pdf.clone()),
    )
    .await;
    assert_eq!(
        (same["status"].as_str(), same["file"].as_str()),
        (Some("genuine"), Some("issued"))
    );
    let mut changed = pdf.clone();
    let at = changed.iter().position(|&b| b == b'\n').unwrap() + 2;
    changed[at] ^= 0x01;
    let other = checked(&engine, &format!("/v1/verifications/{vid}"), Some(changed)).await;
    assert_eq!(other["file"], "not_issued", "{other}");

    // A made-up id is unknown, on the API and on the page.
    let made_up = "8S82M5FG0MTKQBK891DYQDM19G";
    let unknown = checked(&engine, &format!("/v1/verifications/{made_up}"), None).await;
    assert_eq!(unknown["status"], "unknown", "{unknown}");
    assert!(unknown["issuer"].is_null());
    let (_, page) = public(
        &engine,
        reqwest::Method::GET,
        &format!("/xac-minh/{made_up}"),
        None,
    )
    .await;
    assert!(page.contains("data-status=\"unknown\""), "{page}");

    // Revoked by staff, with a reason (nobody else may).
    let path = format!("/v1/verifications/{vid}/revocation");
    let (status, _) = public(&engine, reqwest::Method::POST, &path, None).await;
    assert_eq!(status, 401);
    let (status, problem) =
        motcua_tests::api::post(&engine, &minh, &path, json!({ "reason": "x" })).await;
    assert_eq!(status, 403, "{problem}");
    let reason = "Cấp nhầm: sai năm tốt nghiệp";
    let (status, revoked) =
        motcua_tests::api::post(&engine, &clerk, &path, json!({ "reason": reason })).await;
    assert_eq!(status, 200, "{revoked}");
    assert_eq!(revoked["status"], "revoked");
    let (_, page) = public(
        &engine,
        reqwest::Method::GET,
        &format!("/xac-minh/{vid}"),
        None,
    )
    .await;
    assert!(
        page.contains("data-status=\"revoked\"") && page.contains(reason),
        "{page}"
    );
    let again = checked(
        &engine,
        &format!("/v1/verifications/{vid}"),
        Some(pdf.clone()),
    )
    .await;
    assert_eq!(
        (again["status"].as_str(), again["file"].as_str()),
        (Some("revoked"), Some("issued"))
    );

    // Every check was recorded, with what it answered.
    use sqlx::Connection;
    let mut db = sqlx::PgConnection::connect(&engine.database_url)
        .await
        .unwrap();
    let outcomes: Vec<String> =
        sqlx::query_scalar("select outcome from verification_check order by id")
            .fetch_all(&mut db)
            .await
            .unwrap();
    assert_eq!(
        outcomes,
        [
            "genuine",
            "genuine",
            "genuine/issued",
            "genuine/not_issued",
            "unknown",
            "unknown",
            "revoked",
            "revoked/issued"
        ],
    );

    // 1,000 guesses in a row from one address: after the address's budget (60 a minute),
    // each is refused with 429 and Retry-After, before any database work.
    let client = reqwest::Client::new();
    let mut refused = 0;
    for guess in 0..1000u32 {
        let response = client
            .get(engine.at(&format!("/v1/verifications/{guess:026}")))
            .send()
            .await
            .unwrap();
        if response.status().as_u16() == 429 {
            assert!(response.headers().contains_key("retry-after"));
            refused += 1;
        }
    }
    // (The budget refills one a second while the loop runs: a few more get through.)
    assert!(
        refused >= 900,
        "only {refused} of 1,000 guesses were refused"
    );
    let (status, _) = public(
        &engine,
        reqwest::Method::GET,
        &format!("/xac-minh/{vid}"),
        None,
    )
    .await;
    assert_eq!(status, 429);
    let recorded: i64 = sqlx::query_scalar("select count(*) from verification_check")
        .fetch_one(&mut db)
        .await
        .unwrap();
    assert!(recorded <= 60 + 60, "{recorded} checks recorded");
}

/// Minh's PIN as the dossier holds it.
async fn minh_pin(engine: &Engine, minh: &Session, id: &str) -> String {
    let (status, dossier) = get(engine, minh, &format!("/v1/dossiers/{id}")).await;
    assert_eq!(status, 200, "{dossier}");
    let pin = dossier["citizen_pin"]
        .as_str()
        .or_else(|| dossier["pin"].as_str())
        .map(str::to_owned)
        .unwrap_or_else(|| MINH.to_owned());
    assert_eq!(pin.len(), 12, "{pin}");
    pin
}
