fn main() {
    let slip = serde_json::json!({
        "form": "Mẫu số 01",
        "title": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        "dossier_code": "G01.123-261207-0001",
        "agency": { "name": "Sở Giáo dục và Đào tạo Hà Nội" },
        "applicant": { "full_name": "Nguyễn Đức Minh", "pin": "001099012345" },
        "procedure": {"name": "Cấp bản sao bằng tốt nghiệp trung học phổ thông"},
        "documents": [{"name": "Tờ khai đề nghị cấp bản sao"}],
        "time_limit": { "amount": 1, "unit": "working_days" },
        "received_at": "2026-12-07T09:30:00+07:00",
        "due_at": "2026-12-08T09:30:00+07:00",
        "received_by": "Trần Thị Hồng",
        "legal_basis": "Thông tư 03/2025/TT-VPCP",
        "where_to_receive": "Bộ phận Một cửa / the one-stop desk",
    });
    let fonts = motcua_pdf::sheet::Fonts::from_dir(std::path::Path::new(motcua_pdf::sheet::DEFAULT_FONT_DIR)).unwrap();
    let pdf = motcua_pdf::sheet::render(&motcua_pdf::slips::sheet(&slip, "receipt"), &fonts).unwrap();
    std::fs::write("/tmp/pdf-slip.pdf", &pdf).unwrap();
    let signer = motcua_pdf::sign::KeyFileSigner::from_files("/tmp/pdf-ca/agency.key".as_ref(), "/tmp/pdf-ca/chain.pem".as_ref()).unwrap();
    let signed = motcua_pdf::sign::sign_pdf(&pdf, &signer, &motcua_pdf::sign::SignatureInfo { at: chrono::Utc::now(), name: "Sở GD&ĐT Hà Nội".into(), reason: "Kết quả".into() }).unwrap();
    std::fs::write("/tmp/pdf-signed.pdf", &signed).unwrap();
}

#[allow(dead_code)]
fn signed() {}
