//! The same register as a province reaches it through its integration platform (LGSP):
//! `POST /lgsp/dancu/congdan` with the query as JSON (`MaTichHop`, `MaDVC`, `MaHoSo`,
//! `MaCanBo`, `MaYeuCau`, `SoDinhDanh`, `HoVaTen`, `Nam`) and `Authorization: Bearer
//! {token}`, answered with the SOAP-like XML of the population database
//! (`Envelope/Body/CongdanCollection/CongDan`), written from the same synthetic population
//! and under the same switches (latency, hang, outage, planned failures) as the register API.
//!
//! - 200 with one `CongDan`; 200 with an empty `CongdanCollection` for a person the register
//!   does not know;
//! - 400 with a SOAP fault (`soapenv:Client`) for a malformed body or number, or a missing
//!   `MaTichHop`, `MaDVC`, `MaHoSo`, `MaCanBo` or `MaYeuCau` (the purpose and the requester,
//!   as `X-Purpose` and `X-Requester` are for the register API);
//! - 401 for a bad token; 503 (`Retry-After: 1`) with a `soapenv:Server` fault when down;
//!   a planned failure answers its status with a fault (`Client` for 4xx, `Server` for 5xx).
//!
//! What the register API has and the LGSP answer does not carry is left out: the ID card's
//! dates, the residence history, the date of death, the communes' flags and `since`.
//! `HoVaTen` and `Nam`, when sent, are not checked.

use super::control::RegisterCall;
use super::pin::{check_shape, mask, mask_subject};
use super::record::FIELDS;
use super::routes::{constant_time_eq, misbehave, Refusal, RegisterState};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, Utc};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::sync::Arc;

/// Where the simulator serves the LGSP query (`REGISTRY_URL` = the simulator's address and
/// this path, with `REGISTRY_PROTOCOL=lgsp`).
pub const PATH: &str = "/lgsp/dancu/congdan";

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Query {
    ma_tich_hop: Option<String>,
    #[serde(rename = "MaDVC")]
    ma_dvc: Option<String>,
    ma_ho_so: Option<String>,
    ma_can_bo: Option<String>,
    ma_yeu_cau: Option<String>,
    so_dinh_danh: Option<String>,
}

fn given(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// `POST /lgsp/dancu/congdan`
pub(super) async fn query(
    State(state): State<Arc<RegisterState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let parsed: Result<Query, _> = serde_json::from_slice(&body);
    let query = parsed.as_ref().ok();
    let field = |pick: fn(&Query) -> &Option<String>| query.and_then(|q| given(pick(q)));
    let pin = field(|q| &q.so_dinh_danh).unwrap_or_default();
    let (code, dossier) = (field(|q| &q.ma_dvc), field(|q| &q.ma_ho_so));
    let purpose = match (&code, &dossier) {
        (Some(code), Some(dossier)) => Some(format!("{code}/{dossier}")),
        _ => None,
    };
    let requester = field(|q| &q.ma_can_bo);
    let request_id = field(|q| &q.ma_yeu_cau);
    let control = &state.control;
    let seq = control.record(RegisterCall {
        seq: 0,
        protocol: "lgsp",
        pin: pin.clone(),
        fields: Vec::new(),
        purpose: purpose.clone(),
        requester: requester.clone(),
        request_id: request_id.clone(),
        status: None,
        error: None,
        at: Utc::now(),
    });
    let released = control.released();
    let outcome = async {
        misbehave(&state, released).await?;
        let token = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim());
        if !token.is_some_and(|t| constant_time_eq(t.as_bytes(), state.token.as_bytes())) {
            return Err(Refusal::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "send the platform token as Authorization: Bearer <token>",
            ));
        }
        if let Err(e) = &parsed {
            return Err(Refusal::bad_request(
                "malformed_query",
                format!("the query is not the expected JSON: {e}"),
            ));
        }
        for (name, value) in [
            ("MaTichHop", field(|q| &q.ma_tich_hop)),
            ("MaDVC", code.clone()),
            ("MaHoSo", dossier.clone()),
            ("MaCanBo", requester.clone()),
            ("MaYeuCau", request_id.clone()),
        ] {
            if value.is_none() {
                return Err(Refusal::bad_request(
                    "missing_metadata",
                    format!("{name} is missing: every query says who asks and why"),
                ));
            }
        }
        let this_year = (Utc::now() + chrono::Duration::hours(7)).year();
        check_shape(&pin, this_year).map_err(|why| Refusal::bad_request("malformed_pin", why))?;
        Ok(state.population.get(&pin).map(|r| r.fields(FIELDS)))
    }
    .await;
    let (status, error) = match &outcome {
        Ok(_) => (StatusCode::OK, None),
        Err(refusal) => (refusal.status, Some(refusal.error)),
    };
    control.answered(seq, status, error);
    tracing::info!(
        pin = %mask(&pin),
        purpose = purpose.as_deref().unwrap_or("-"),
        requester = %requester.as_deref().map(mask_subject).unwrap_or_else(|| "-".into()),
        request_id = request_id.as_deref().unwrap_or("-"),
        status = status.as_u16(),
        error = error.unwrap_or("-"),
        "register read through LGSP"
    );
    let (status, xml) = match outcome {
        Ok(person) => (
            StatusCode::OK,
            envelope(&person.as_ref().map(congdan).unwrap_or_default()),
        ),
        Err(refusal) => (refusal.status, fault(&refusal)),
    };
    let mut response = (status, xml).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/xml; charset=utf-8"),
    );
    if status == StatusCode::SERVICE_UNAVAILABLE {
        headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    response
}

fn envelope(people: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\">\
         <soapenv:Header/><soapenv:Body>\
         <ns1:CongdanCollection xmlns:ns1=\"http://www.mic.gov.vn/dancu/1.0\">{people}\
         </ns1:CongdanCollection></soapenv:Body></soapenv:Envelope>\n"
    )
}

fn fault(refusal: &Refusal) -> String {
    let side = if refusal.status.is_client_error() {
        "Client"
    } else {
        "Server"
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\">\
         <soapenv:Body><soapenv:Fault><faultcode>soapenv:{side}</faultcode>\
         <faultstring>{}: {}</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>\n",
        escape(refusal.error),
        escape(&refusal.message)
    )
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// `<ns1:name>text</ns1:name>`, or nothing for no text.
fn element(name: &str, text: Option<&str>) -> String {
    match text {
        Some(text) if !text.is_empty() => format!("<ns1:{name}>{}</ns1:{name}>", escape(text)),
        _ => String::new(),
    }
}

fn block(name: &str, inner: String) -> String {
    if inner.is_empty() {
        String::new()
    } else {
        format!("<ns1:{name}>{inner}</ns1:{name}>")
    }
}

/// The official code (Quyết định 121-TCTK/PPCĐ) of the population's ethnic groups.
fn ethnic_code(name: &str) -> Option<&'static str> {
    Some(match name {
        "Kinh" => "01",
        "Tày" => "02",
        "Thái" => "03",
        "Hoa" => "04",
        "Khmer" => "05",
        "Mường" => "06",
        "Nùng" => "07",
        "Mông" => "08",
        "Dao" => "09",
        "Ê Đê" => "12",
        "Chăm" => "17",
        "Giáy" => "25",
        "Cơ Tu" => "26",
        "Khơ Mú" => "29",
        _ => return None,
    })
}

/// A place written as one text (`commune, province`): its commune and province names.
fn place(name: &str, text: Option<&str>) -> String {
    let Some(text) = text else {
        return String::new();
    };
    let inner = match text.split_once(", ") {
        Some((commune, province)) => {
            element("TenPhuongXa", Some(commune)) + &element("TenTinhThanh", Some(province))
        }
        None => element("ChiTiet", Some(text)),
    };
    block(name, inner + &element("QuocGia", Some("VN")))
}

fn address(name: &str, value: Option<&Value>) -> String {
    let Some(value) = value else {
        return String::new();
    };
    let s = |key: &str| value.get(key).and_then(Value::as_str);
    block(
        name,
        [
            element("MaTinhThanh", s("province_code")),
            element("MaPhuongXa", s("commune_code")),
            element("TenTinhThanh", s("province_name")),
            element("TenPhuongXa", s("commune_name")),
            element("ChiTiet", s("detail")),
            element("QuocGia", Some("VN")),
        ]
        .concat(),
    )
}

fn relative(name: &str, value: Option<&Value>) -> String {
    let Some(value) = value.filter(|v| v.is_object()) else {
        return String::new();
    };
    block(
        name,
        element("HoVaTen", value.get("full_name").and_then(Value::as_str))
            + &element("QuocTich", Some("VN"))
            + &element("SoDinhDanh", value.get("pin").and_then(Value::as_str)),
    )
}

/// One resident's `CongDan`, written from the register API's fields.
fn congdan(fields: &Map<String, Value>) -> String {
    let s = |key: &str| fields.get(key).and_then(Value::as_str);
    let name = s("full_name").unwrap_or_default();
    let words: Vec<&str> = name.split_whitespace().collect();
    let (family, middle, given) = match words.as_slice() {
        [] => ("", String::new(), ""),
        [only] => ("", String::new(), *only),
        [family, middle @ .., given] => (*family, middle.join(" "), *given),
    };
    let birth = s("birth_date").unwrap_or_default();
    let religion = s("religion").map(|r| if r == "Không" { "00" } else { r });
    let status = s("status").map(|status| match status {
        "deceased" => "2",
        "under_review" => "3",
        _ => "1",
    });
    let sex = s("sex").map(|sex| if sex == "female" { "2" } else { "1" });
    let inner = [
        element("SoDinhDanh", s("pin")),
        format!(
            "<ns1:HoVaTen>{}{}{}</ns1:HoVaTen>",
            element("Ho", Some(family)),
            element("ChuDem", Some(&middle)),
            element("Ten", Some(given))
        ),
        element("GioiTinh", sex),
        element(
            "DanToc",
            s("ethnicity").map(|e| ethnic_code(e).unwrap_or(e)),
        ),
        element("TonGiao", religion),
        block(
            "NgayThangNamSinh",
            element("Nam", birth.get(..4))
                + &element("NgayThangNam", Some(&birth.replace('-', ""))),
        ),
        place("NoiDangKyKhaiSinh", s("birth_place")),
        place("QueQuan", s("hometown")),
        address("ThuongTru", fields.get("permanent_address")),
        address("NoiOHienTai", fields.get("current_address")),
        element("QuocTich", s("nationality").map(|_| "VN")),
        relative("Cha", fields.get("father")),
        relative("Me", fields.get("mother")),
        block(
            "ChuHo",
            element("QuanHe", s("relation_to_head"))
                + &element("SoDinhDanh", s("household_head_pin")),
        ),
        element("TrangThai", status),
    ]
    .concat();
    format!("<ns1:CongDan>{inner}</ns1:CongDan>")
}
