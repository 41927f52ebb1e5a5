//! The population database as provinces reach it through their integration platform (LGSP):
//! the query's body, and its SOAP-like XML answer (`Envelope/Body/CongdanCollection/CongDan`)
//! read into the engine's own register fields (docs/INTEGRATIONS.md, "Population register
//! through LGSP").
//!
//! The answer is read with `quick-xml`'s pull reader into a small tree (local names only: the
//! namespace prefixes vary between deployments), bounded in size, depth and element count,
//! then mapped field by field. Nothing in here panics on what the network sends.

use crate::Purpose;
use chrono::NaiveDate;
use quick_xml::events::Event;
use quick_xml::Reader;
use serde_json::{json, Map, Value};
use uuid::Uuid;

/// The largest answer read: one person's record is a few kilobytes; anything far above is a
/// broken or hostile platform, refused before it is parsed.
pub const MAX_ANSWER_BYTES: usize = 256 * 1024;
/// Nesting the answer may have (the record itself is five levels deep).
const MAX_DEPTH: usize = 32;
/// Elements the answer may have.
const MAX_ELEMENTS: usize = 4096;

/// What the LGSP query needs besides the endpoint and the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LgspConfig {
    /// `MaTichHop`: the integration code the province's platform gave this system.
    pub integration_code: String,
}

/// The query's JSON body: the number asked about, and who asks for what.
///
/// `HoVaTen` and `Nam` are sent empty: the engine reads the register by number only (it does
/// not know the person's name before the register tells it).
pub(crate) fn request_body(
    config: &LgspConfig,
    pin: &str,
    purpose: &Purpose,
    request_id: Uuid,
) -> Value {
    json!({
        "MaTichHop": config.integration_code,
        "MaDVC": purpose.procedure_code,
        "MaHoSo": purpose.dossier_id.to_string(),
        "MaCanBo": purpose.requester,
        "MaYeuCau": request_id.to_string(),
        "SoDinhDanh": pin,
        "HoVaTen": "",
        "Nam": "",
    })
}

/// What an LGSP answer says.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// The person's record, as register fields (every field the answer carries).
    Found(Map<String, Value>),
    /// An empty `CongdanCollection`: the register has no such person.
    NotFound,
    /// A SOAP fault (or the platform's `{"error_code", "message"}`): `client` when the
    /// request was refused as wrong, otherwise the far side failed.
    Fault { client: bool, message: String },
}

/// One element: its local name, its text and its children.
#[derive(Debug, Default)]
struct Node {
    name: String,
    text: String,
    children: Vec<Node>,
}

impl Node {
    fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The trimmed text of a child, if it has any.
    fn text_of(&self, name: &str) -> Option<String> {
        let text = self.child(name)?.text.trim();
        (!text.is_empty()).then(|| text.to_owned())
    }

    /// The first descendant (depth first) with this name.
    fn find(&self, name: &str) -> Option<&Node> {
        self.children.iter().find_map(|c| {
            if c.name == name {
                Some(c)
            } else {
                c.find(name)
            }
        })
    }
}

/// Reads an answer's body. `Err` is an answer outside the shape (a protocol error): too
/// large, not UTF-8, another declared encoding, malformed XML, no envelope, several people,
/// or a person other than the one asked about.
pub fn parse_answer(body: &[u8], asked_pin: &str) -> Result<Answer, String> {
    if body.len() > MAX_ANSWER_BYTES {
        return Err(format!(
            "the answer is larger than {MAX_ANSWER_BYTES} bytes"
        ));
    }
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let text = std::str::from_utf8(body)
        .map_err(|_| "the answer is not UTF-8 (a wrong or undeclared encoding)".to_owned())?;
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        return platform_error(trimmed);
    }
    let root = tree(text)?;
    if let Some(fault) = root.find("Fault") {
        let code = fault
            .text_of("faultcode")
            .or_else(|| fault.child("Code").and_then(|c| c.text_of("Value")))
            .unwrap_or_default();
        let message = fault
            .text_of("faultstring")
            .or_else(|| fault.child("Reason").and_then(|r| r.text_of("Text")))
            .unwrap_or_else(|| "no message".into());
        let local = code.rsplit(':').next().unwrap_or_default();
        return Ok(Answer::Fault {
            client: local.eq_ignore_ascii_case("Client") || local.eq_ignore_ascii_case("Sender"),
            message: truncate(&message),
        });
    }
    if root.name != "Envelope" {
        return Err(format!(
            "the answer's root is <{}>, not <Envelope>",
            root.name
        ));
    }
    let collection = root
        .child("Body")
        .and_then(|b| b.child("CongdanCollection"))
        .ok_or("the answer has no Envelope/Body/CongdanCollection")?;
    let people: Vec<&Node> = collection
        .children
        .iter()
        .filter(|c| c.name == "CongDan")
        .collect();
    let person = match people.as_slice() {
        [] => return Ok(Answer::NotFound),
        [one] => *one,
        _ => return Err(format!("the answer holds {} people, not one", people.len())),
    };
    let fields = record(person)?;
    match fields.get("pin").and_then(Value::as_str) {
        Some(pin) if pin == asked_pin => Ok(Answer::Found(fields)),
        Some(_) => Err("the answer is about another person than the one asked about".into()),
        None => Err("the answer's CongDan has no SoDinhDanh".into()),
    }
}

/// The platform's own error (`{"error_code": "…", "message": "…"}`), sent instead of XML.
fn platform_error(text: &str) -> Result<Answer, String> {
    let value: Value =
        serde_json::from_str(text).map_err(|_| "the answer is neither XML nor JSON".to_owned())?;
    let code = match value.get("error_code") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return Err("a JSON answer without error_code".into()),
    };
    let message = value
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or("no message");
    Ok(Answer::Fault {
        client: true,
        message: truncate(&format!("error_code {code}: {message}")),
    })
}

fn truncate(message: &str) -> String {
    message.chars().take(300).collect()
}

/// The XML as a tree of local names; bounded in depth and elements. DTDs are refused (no
/// entity expansion of any kind beyond the five predefined and character references).
fn tree(text: &str) -> Result<Node, String> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Node> = Vec::new();
    let mut root: Option<Node> = None;
    let mut elements = 0usize;
    let bad = |e: &dyn std::fmt::Display| format!("malformed XML: {e}");
    loop {
        let event = reader.read_event().map_err(|e| bad(&e))?;
        match event {
            Event::Decl(decl) => {
                if let Some(encoding) = decl.encoding() {
                    let encoding = encoding.map_err(|e| bad(&e))?;
                    if !encoding.eq_ignore_ascii_case(b"utf-8") {
                        return Err(format!(
                            "the answer declares the encoding {:?}; only UTF-8 is read",
                            String::from_utf8_lossy(&encoding)
                        ));
                    }
                }
            }
            Event::DocType(_) => return Err("the answer carries a DTD".into()),
            Event::Start(start) => {
                elements += 1;
                if elements > MAX_ELEMENTS || stack.len() >= MAX_DEPTH {
                    return Err("the answer is too large or too deep".into());
                }
                if root.is_some() {
                    return Err("malformed XML: more than one root element".into());
                }
                stack.push(Node {
                    name: local(start.local_name().as_ref()),
                    ..Node::default()
                });
            }
            Event::Empty(start) => {
                elements += 1;
                if elements > MAX_ELEMENTS || stack.len() >= MAX_DEPTH {
                    return Err("the answer is too large or too deep".into());
                }
                let node = Node {
                    name: local(start.local_name().as_ref()),
                    ..Node::default()
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None if root.is_none() => root = Some(node),
                    None => return Err("malformed XML: more than one root element".into()),
                }
            }
            Event::End(_) => {
                let node = stack.pop().ok_or("malformed XML: an end without a start")?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => root = Some(node),
                }
            }
            Event::Text(t) => {
                let content = t
                    .xml_content(quick_xml::XmlVersion::Implicit1_0)
                    .map_err(|e| bad(&e))?;
                match stack.last_mut() {
                    Some(node) => node.text.push_str(&content),
                    None if content.trim().is_empty() => {}
                    None => return Err("malformed XML: text outside the root element".into()),
                }
            }
            Event::CData(c) => {
                if let Some(node) = stack.last_mut() {
                    node.text.push_str(&c.decode().map_err(|e| bad(&e))?);
                }
            }
            Event::GeneralRef(r) => {
                let ch = match r.resolve_char_ref().map_err(|e| bad(&e))? {
                    Some(ch) => ch,
                    None => match r.decode().map_err(|e| bad(&e))?.as_ref() {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        other => return Err(format!("malformed XML: unknown entity &{other};")),
                    },
                };
                if let Some(node) = stack.last_mut() {
                    node.text.push(ch);
                }
            }
            Event::Eof => break,
            Event::Comment(_) | Event::PI(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err("malformed XML: the answer ends inside an element".into());
    }
    root.ok_or_else(|| "the answer is empty".to_owned())
}

fn local(name: &[u8]) -> String {
    String::from_utf8_lossy(name).into_owned()
}

/// One `CongDan` as the engine's register fields (the same names and shapes as the register
/// API of docs/ARCHITECTURE.md). A field the answer leaves out or empty is left out; one that
/// is there but cannot be read (an impossible date) makes the whole answer a protocol error,
/// never a half-read value.
fn record(person: &Node) -> Result<Map<String, Value>, String> {
    let mut fields = Map::new();
    let mut put = |name: &str, value: Option<Value>| {
        if let Some(value) = value {
            fields.insert(name.to_owned(), value);
        }
    };
    let pin = person.text_of("SoDinhDanh");
    put("pin", pin.clone().map(Value::String));
    put(
        "full_name",
        person
            .child("HoVaTen")
            .and_then(full_name)
            .map(Value::String),
    );
    put("birth_date", birth_date(person)?.map(Value::String));
    put(
        "sex",
        person
            .text_of("GioiTinh")
            .and_then(|s| sex(&s))
            .map(json_str),
    );
    put(
        "ethnicity",
        person
            .text_of("DanToc")
            .map(|e| ethnicity(&e).map(str::to_owned).unwrap_or(e))
            .map(Value::String),
    );
    put(
        "religion",
        person
            .text_of("TonGiao")
            .map(|r| {
                if r.trim_start_matches('0').is_empty() {
                    "Không".to_owned()
                } else {
                    r
                }
            })
            .map(Value::String),
    );
    put(
        "nationality",
        person
            .text_of("QuocTich")
            .map(|n| nationality(&n))
            .map(Value::String),
    );
    put(
        "birth_place",
        person
            .child("NoiDangKyKhaiSinh")
            .and_then(place_text)
            .map(Value::String),
    );
    put(
        "hometown",
        person
            .child("QueQuan")
            .and_then(place_text)
            .map(Value::String),
    );
    put(
        "permanent_address",
        person.child("ThuongTru").and_then(address),
    );
    put(
        "current_address",
        person.child("NoiOHienTai").and_then(address),
    );
    if let Some(head) = person.child("ChuHo") {
        put(
            "household_head_pin",
            head.text_of("SoDinhDanh").map(Value::String),
        );
        put(
            "relation_to_head",
            head.text_of("QuanHe").map(Value::String),
        );
    }
    put("father", person.child("Cha").and_then(relative));
    put("mother", person.child("Me").and_then(relative));
    put(
        "status",
        match person.text_of("TrangThai") {
            None => None,
            Some(code) => {
                Some(json_str(status(&code).ok_or_else(|| {
                    format!("unknown TrangThai {:?}", truncate(&code))
                })?))
            }
        },
    );
    Ok(fields)
}

fn json_str(s: &str) -> Value {
    Value::String(s.to_owned())
}

/// `HoVaTen` as `{Ho, ChuDem, Ten}` (some platforms put the whole name in `Ten`) or as text.
fn full_name(node: &Node) -> Option<String> {
    let parts: Vec<String> = ["Ho", "ChuDem", "Ten"]
        .iter()
        .filter_map(|p| node.text_of(p))
        .collect();
    let name = if parts.is_empty() {
        node.text.trim().to_owned()
    } else {
        parts.join(" ")
    };
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    (!name.is_empty()).then_some(name)
}

/// `NgayThangNamSinh/NgayThangNam` (`yyyyMMdd`; `yyyy-MM-dd` and `dd/MM/yyyy` are read too)
/// as `YYYY-MM-DD`. A year alone (`Nam`) is no birth date: the field is left out.
fn birth_date(person: &Node) -> Result<Option<String>, String> {
    let Some(text) = person
        .child("NgayThangNamSinh")
        .and_then(|n| n.text_of("NgayThangNam"))
    else {
        return Ok(None);
    };
    let date = ["%Y%m%d", "%Y-%m-%d", "%d/%m/%Y"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(&text, f).ok())
        .ok_or_else(|| format!("NgayThangNam {:?} is not a date", truncate(&text)))?;
    Ok(Some(date.format("%Y-%m-%d").to_string()))
}

/// `GioiTinh`: `1` male, `2` female (the register's codes), or the words.
fn sex(code: &str) -> Option<&'static str> {
    match code.trim().to_lowercase().as_str() {
        "1" | "01" | "nam" => Some("male"),
        "2" | "02" | "nữ" | "nu" => Some("female"),
        _ => None,
    }
}

/// `TrangThai`: `1` living, `2` deceased, `3` under review.
fn status(code: &str) -> Option<&'static str> {
    match code.trim() {
        "1" | "01" => Some("alive"),
        "2" | "02" => Some("deceased"),
        "3" | "03" => Some("under_review"),
        _ => None,
    }
}

fn nationality(code: &str) -> String {
    match code.trim() {
        "VN" | "VNM" | "704" => "Việt Nam".to_owned(),
        other => other.to_owned(),
    }
}

/// The official list of Vietnam's 54 ethnic groups (Quyết định 121-TCTK/PPCĐ), by code, as
/// the register API writes the names.
const ETHNIC_GROUPS: [&str; 54] = [
    "Kinh",
    "Tày",
    "Thái",
    "Hoa",
    "Khmer",
    "Mường",
    "Nùng",
    "Mông",
    "Dao",
    "Gia Rai",
    "Ngái",
    "Ê Đê",
    "Ba Na",
    "Xơ Đăng",
    "Sán Chay",
    "Cơ Ho",
    "Chăm",
    "Sán Dìu",
    "Hrê",
    "Mnông",
    "Ra Glai",
    "Xtiêng",
    "Bru - Vân Kiều",
    "Thổ",
    "Giáy",
    "Cơ Tu",
    "Gié Triêng",
    "Mạ",
    "Khơ Mú",
    "Co",
    "Tà Ôi",
    "Chơ Ro",
    "Kháng",
    "Xinh Mun",
    "Hà Nhì",
    "Chu Ru",
    "Lào",
    "La Chí",
    "La Ha",
    "Phù Lá",
    "La Hủ",
    "Lự",
    "Lô Lô",
    "Chứt",
    "Mảng",
    "Pà Thẻn",
    "Cơ Lao",
    "Cống",
    "Bố Y",
    "Si La",
    "Pu Péo",
    "Brâu",
    "Ơ Đu",
    "Rơ Măm",
];

/// `DanToc` as a code (`01` … `54`) read into the group's name; a name is kept as it is.
pub fn ethnicity(code: &str) -> Option<&'static str> {
    let code = code.trim();
    if code.is_empty() || !code.bytes().all(|b| b.is_ascii_digit()) || code.len() > 2 {
        return None;
    }
    let n: usize = code.parse().ok()?;
    ETHNIC_GROUPS.get(n.checked_sub(1)?).copied()
}

/// The code of an ethnic group's name (the inverse of [`ethnicity`]), for the simulator.
pub fn ethnicity_code(name: &str) -> Option<String> {
    ETHNIC_GROUPS
        .iter()
        .position(|g| *g == name)
        .map(|i| format!("{:02}", i + 1))
}

/// An address block's text: `ChiTiet`, then the commune, district and province names, those
/// present (a platform that writes the whole address in `ChiTiet` gives just that).
fn place_text(node: &Node) -> Option<String> {
    let parts: Vec<String> = ["ChiTiet", "TenPhuongXa", "TenQuanHuyen", "TenTinhThanh"]
        .iter()
        .filter_map(|p| node.text_of(p))
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// An address block as `{province_code, commune_code, detail, text, province_name,
/// commune_name}`.
fn address(node: &Node) -> Option<Value> {
    let text = place_text(node)?;
    let mut address = Map::new();
    for (key, element) in [
        ("province_code", "MaTinhThanh"),
        ("commune_code", "MaPhuongXa"),
        ("detail", "ChiTiet"),
        ("province_name", "TenTinhThanh"),
        ("commune_name", "TenPhuongXa"),
    ] {
        if let Some(value) = node.text_of(element) {
            address.insert(key.to_owned(), Value::String(value));
        }
    }
    address.insert("text".to_owned(), Value::String(text));
    Some(Value::Object(address))
}

/// `Cha`/`Me` as `{pin, full_name}` (`pin` null when the register has no number).
fn relative(node: &Node) -> Option<Value> {
    let name = node.child("HoVaTen").and_then(full_name);
    let pin = node.text_of("SoDinhDanh");
    if name.is_none() && pin.is_none() {
        return None;
    }
    Some(json!({ "pin": pin, "full_name": name }))
}

/// Only the asked fields (the platform answers the whole record; the engine keeps what the
/// procedure needs). A dotted name (`permanent_address.text`) keeps its top-level field.
pub(crate) fn select(mut all: Map<String, Value>, fields: &[String]) -> Map<String, Value> {
    let mut kept = Map::new();
    for field in fields {
        let top = field.split('.').next().unwrap_or(field);
        if let Some(value) = all.remove(top) {
            kept.insert(top.to_owned(), value);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    const PIN: &str = "001207001234";

    fn envelope(people: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">
  <soapenv:Header xmlns:dan="http://dancuquocgia.bca"/>
  <soapenv:Body xmlns:dan="http://dancuquocgia.bca">
    <ns1:CongdanCollection xmlns:ns1="http://www.mic.gov.vn/dancu/1.0">{people}</ns1:CongdanCollection>
  </soapenv:Body>
</soapenv:Envelope>"#
        )
    }

    fn full_person() -> String {
        format!(
            r#"<ns1:CongDan>
  <ns1:SoDinhDanh>{PIN}</ns1:SoDinhDanh>
  <ns1:SoCMND/>
  <ns1:HoVaTen><ns1:Ho>Nguyễn</ns1:Ho><ns1:ChuDem>Đức</ns1:ChuDem><ns1:Ten>Minh</ns1:Ten></ns1:HoVaTen>
  <ns1:GioiTinh>1</ns1:GioiTinh>
  <ns1:DanToc>01</ns1:DanToc>
  <ns1:TonGiao>00</ns1:TonGiao>
  <ns1:NgayThangNamSinh><ns1:Nam>2007</ns1:Nam><ns1:NgayThangNam>20070914</ns1:NgayThangNam></ns1:NgayThangNamSinh>
  <ns1:NoiDangKyKhaiSinh><ns1:MaTinhThanh>01</ns1:MaTinhThanh><ns1:MaPhuongXa>00004</ns1:MaPhuongXa><ns1:TenPhuongXa>Phường Ba Đình</ns1:TenPhuongXa><ns1:TenTinhThanh>Thành phố Hà Nội</ns1:TenTinhThanh><ns1:QuocGia>VN</ns1:QuocGia></ns1:NoiDangKyKhaiSinh>
  <ns1:QueQuan><ns1:ChiTiet>XÃ LŨNG HÒA, TỈNH PHÚ THỌ</ns1:ChiTiet></ns1:QueQuan>
  <ns1:ThuongTru><ns1:MaTinhThanh>01</ns1:MaTinhThanh><ns1:MaPhuongXa>00004</ns1:MaPhuongXa><ns1:TenPhuongXa>Phường Ba Đình</ns1:TenPhuongXa><ns1:TenTinhThanh>Thành phố Hà Nội</ns1:TenTinhThanh><ns1:ChiTiet>Số 5 &amp; 7, ngõ 10 &#x110;ội Cấn</ns1:ChiTiet><ns1:QuocGia>VN</ns1:QuocGia></ns1:ThuongTru>
  <ns1:QuocTich>VN</ns1:QuocTich>
  <ns1:Cha><ns1:HoVaTen>Nguyễn Văn Hùng</ns1:HoVaTen><ns1:SoDinhDanh>001075001111</ns1:SoDinhDanh></ns1:Cha>
  <ns1:Me><ns1:HoVaTen>Trần Thị Lan</ns1:HoVaTen></ns1:Me>
  <ns1:ChuHo><ns1:QuanHe>Con</ns1:QuanHe><ns1:SoDinhDanh>001075001111</ns1:SoDinhDanh><ns1:HoVaTen>Nguyễn Văn Hùng</ns1:HoVaTen></ns1:ChuHo>
  <ns1:TrangThai>1</ns1:TrangThai>
</ns1:CongDan>"#
        )
    }

    fn found(xml: &str) -> Map<String, Value> {
        match parse_answer(xml.as_bytes(), PIN) {
            Ok(Answer::Found(fields)) => fields,
            other => panic!("not found: {other:?}"),
        }
    }

    #[test]
    fn a_whole_record_reads_into_the_register_fields() {
        let fields = found(&envelope(&full_person()));
        assert_eq!(fields["pin"], PIN);
        assert_eq!(fields["full_name"], "Nguyễn Đức Minh");
        assert_eq!(fields["birth_date"], "2007-09-14");
        assert_eq!(fields["sex"], "male");
        assert_eq!(fields["ethnicity"], "Kinh");
        assert_eq!(fields["religion"], "Không");
        assert_eq!(fields["nationality"], "Việt Nam");
        assert_eq!(fields["birth_place"], "Phường Ba Đình, Thành phố Hà Nội");
        assert_eq!(fields["hometown"], "XÃ LŨNG HÒA, TỈNH PHÚ THỌ");
        let address = &fields["permanent_address"];
        assert_eq!(address["province_code"], "01");
        assert_eq!(address["commune_code"], "00004");
        assert_eq!(address["detail"], "Số 5 & 7, ngõ 10 Đội Cấn");
        assert_eq!(
            address["text"],
            "Số 5 & 7, ngõ 10 Đội Cấn, Phường Ba Đình, Thành phố Hà Nội"
        );
        assert!(fields.get("current_address").is_none(), "not in the answer");
        assert_eq!(
            fields["father"],
            json!({ "pin": "001075001111", "full_name": "Nguyễn Văn Hùng" })
        );
        assert_eq!(
            fields["mother"],
            json!({ "pin": null, "full_name": "Trần Thị Lan" })
        );
        assert_eq!(fields["household_head_pin"], "001075001111");
        assert_eq!(fields["relation_to_head"], "Con");
        assert_eq!(fields["status"], "alive");
    }

    #[test]
    fn only_the_asked_fields_are_kept() {
        let fields = found(&envelope(&full_person()));
        let kept = select(
            fields,
            &["full_name".into(), "permanent_address.text".into()],
        );
        let names: Vec<&str> = kept.keys().map(String::as_str).collect();
        assert_eq!(names, ["full_name", "permanent_address"]);
    }

    #[test]
    fn missing_fields_are_left_out_not_invented() {
        let xml = envelope(&format!(
            "<CongDan><SoDinhDanh>{PIN}</SoDinhDanh><HoVaTen><Ho/><ChuDem/><Ten>ĐÀO VĂN TÀI</Ten></HoVaTen>\
             <NgayThangNamSinh><Nam>1992</Nam></NgayThangNamSinh><GioiTinh>0</GioiTinh><QuocTich/></CongDan>"
        ));
        let fields = found(&xml);
        assert_eq!(fields["full_name"], "ĐÀO VĂN TÀI");
        for absent in [
            "birth_date",
            "sex",
            "nationality",
            "ethnicity",
            "status",
            "father",
        ] {
            assert!(fields.get(absent).is_none(), "{absent}: {fields:?}");
        }
    }

    #[test]
    fn an_empty_collection_is_not_found() {
        assert_eq!(
            parse_answer(envelope("").as_bytes(), PIN),
            Ok(Answer::NotFound)
        );
    }

    #[test]
    fn soap_faults_and_platform_errors_are_faults() {
        let fault = |code: &str| {
            format!(
                r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault>
                <faultcode>s:{code}</faultcode><faultstring>Số định danh không hợp lệ</faultstring>
                </s:Fault></s:Body></s:Envelope>"#
            )
        };
        assert_eq!(
            parse_answer(fault("Client").as_bytes(), PIN),
            Ok(Answer::Fault {
                client: true,
                message: "Số định danh không hợp lệ".into()
            })
        );
        assert!(matches!(
            parse_answer(fault("Server").as_bytes(), PIN),
            Ok(Answer::Fault { client: false, .. })
        ));
        let json = br#"{"error_code": "401", "message": "MaTichHop sai"}"#;
        assert!(matches!(
            parse_answer(json, PIN),
            Ok(Answer::Fault { client: true, message }) if message.contains("MaTichHop sai")
        ));
    }

    fn refused(body: &[u8]) -> String {
        match parse_answer(body, PIN) {
            Err(why) => why,
            other => panic!("accepted: {other:?}"),
        }
    }

    #[test]
    fn wrong_encodings_are_refused() {
        // Latin-1 bytes under a UTF-8 reading.
        let mut latin1 = envelope(&full_person()).into_bytes();
        latin1.extend_from_slice(b"<!-- \xe9 -->");
        assert!(refused(&latin1).contains("UTF-8"));
        let declared =
            envelope(&full_person()).replace("encoding=\"UTF-8\"", "encoding=\"windows-1258\"");
        assert!(refused(declared.as_bytes()).contains("windows-1258"));
        let utf16: Vec<u8> = envelope("")
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert!(refused(&[&[0xFF, 0xFE][..], &utf16].concat()).contains("UTF-8"));
        // A UTF-8 byte-order mark is fine.
        let bom = [&b"\xEF\xBB\xBF"[..], envelope("").as_bytes()].concat();
        assert_eq!(parse_answer(&bom, PIN), Ok(Answer::NotFound));
    }

    #[test]
    fn huge_or_deep_answers_are_refused() {
        let padding = "<ns1:SoCMND>0</ns1:SoCMND>".repeat(MAX_ANSWER_BYTES / 20);
        let huge = envelope(&format!("<ns1:CongDan>{padding}</ns1:CongDan>"));
        assert!(refused(huge.as_bytes()).contains("larger than"));
        let many = envelope(&"<a/>".repeat(MAX_ELEMENTS + 1));
        assert!(refused(many.as_bytes()).contains("too large"));
        let deep = format!("{}{}", "<a>".repeat(100), "</a>".repeat(100));
        assert!(refused(deep.as_bytes()).contains("too deep"));
    }

    #[test]
    fn malformed_or_surprising_answers_are_refused() {
        for (body, says) in [
            ("", "empty"),
            (
                "<html><body>502 Bad Gateway</body></html>",
                "not <Envelope>",
            ),
            ("<Envelope><Body></Body></Envelope>", "CongdanCollection"),
            (
                "<Envelope><Body><CongdanCollection><CongDan>",
                "ends inside",
            ),
            ("<Envelope></Body></Envelope>", "malformed"),
            ("<!DOCTYPE x [<!ENTITY e \"boom\">]><Envelope/>", "DTD"),
            ("<Envelope>&e;</Envelope>", "unknown entity"),
            ("not xml at all {", "outside the root"),
        ] {
            let why = refused(body.as_bytes());
            assert!(why.contains(says), "{body:?}: {why}");
        }
        let two = envelope(&format!("{0}{0}", full_person()));
        assert!(refused(two.as_bytes()).contains("2 people"));
        let other = envelope(&full_person().replace(PIN, "079307004321"));
        assert!(refused(other.as_bytes()).contains("another person"));
        let bad_date = envelope(&full_person().replace("20070914", "20070231"));
        assert!(refused(bad_date.as_bytes()).contains("not a date"));
        let bad_status = envelope(&full_person().replace(
            "<ns1:TrangThai>1</ns1:TrangThai>",
            "<ns1:TrangThai>9</ns1:TrangThai>",
        ));
        assert!(refused(bad_status.as_bytes()).contains("TrangThai"));
        // No message carries the number asked about.
        assert!(!refused(other.as_bytes()).contains(PIN));
    }

    #[test]
    fn ethnic_codes_read_both_ways() {
        assert_eq!(ethnicity("01"), Some("Kinh"));
        assert_eq!(ethnicity("54"), Some("Rơ Măm"));
        assert_eq!(ethnicity("00"), None);
        assert_eq!(ethnicity("55"), None);
        assert_eq!(ethnicity("Tày"), None);
        assert_eq!(ethnicity_code("Ê Đê").as_deref(), Some("12"));
        assert_eq!(ethnicity_code("Klingon"), None);
    }
}
