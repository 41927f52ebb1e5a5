//! The places the synthetic population lives in: a small reference table of today's
//! two-tier administrative units (since 1 July 2025: province and commune/ward, no district),
//! with the commune flags that the exam's priority categories read, and the 63-province codes
//! of birth registration from before the merger that personal identification numbers carry.
//!
//! Codes are plausible rather than official: new province codes keep the code of the province
//! whose name survived ("01" Hà Nội, "04" Cao Bằng, "79" Thành phố Hồ Chí Minh …), and commune
//! codes are 5 digits in the range of the old province they lie in.
//!
//! Over 600 lines because most of it is data: the table of provinces and communes.

use super::ethnic::Ethnicity::{self, *};

/// The part of the country (miền), which decides the spelling of some family names (Hoàng in
/// the north, Huỳnh in the south; Vũ and Võ) and the words of addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    North,
    Central,
    South,
}

/// A province or centrally-run city, as after 1 July 2025.
#[derive(Debug)]
pub struct Province {
    pub code: &'static str,
    pub name: &'static str,
    pub part: Part,
}

/// The ethnic-minority and mountainous area a commune belongs to (khu vực I, II, III,
/// Quyết định 861/QĐ-TTg): III is the hardest-off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(
    clippy::upper_case_acronyms,
    reason = "khu vực I, II, III: Roman numerals"
)]
pub enum Zone {
    None,
    I,
    II,
    III,
}

impl Zone {
    pub fn label(self) -> Option<&'static str> {
        match self {
            Zone::None => None,
            Zone::I => Some("I"),
            Zone::II => Some("II"),
            Zone::III => Some("III"),
        }
    }
}

/// What the exam's priority categories (Thông tư 24/2024/TT-BGDĐT Điều 42) ask of a commune.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommuneFlags {
    /// xã đặc biệt khó khăn
    pub disadvantaged: bool,
    /// xã biên giới
    pub border: bool,
    /// xã ven biển, hải đảo
    pub coastal: bool,
    pub zone: Zone,
}

/// How house addresses in a commune are written.
#[derive(Debug, Clone, Copy)]
pub enum Addressing {
    /// Urban wards: a house number on one of these streets.
    Streets(&'static [&'static str]),
    /// Villages and residential groups.
    Hamlets(Hamlet),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hamlet {
    /// thôn (Kinh villages, north and centre), numbered
    Thon,
    /// bản (northern mountains)
    Ban,
    /// buôn (Central Highlands)
    Buon,
    /// ấp (Mekong delta)
    Ap,
    /// ấp with Khmer names (sóc)
    Soc,
    /// tổ dân phố / khu phố (small towns), numbered
    Group,
}

#[derive(Debug)]
pub struct Commune {
    pub code: &'static str,
    pub name: &'static str,
    /// Index into [`PROVINCES`].
    pub province: usize,
    /// The pre-2025 province code of birth registration for someone born here (the first
    /// three digits of their personal identification number).
    pub birth_code: &'static str,
    pub flags: CommuneFlags,
    /// Relative number of households.
    pub weight: u16,
    /// Who lives here: relative weights of ethnic groups.
    pub people: &'static [(Ethnicity, u16)],
    pub addressing: Addressing,
}

impl Commune {
    pub fn province(&self) -> &'static Province {
        // Indices in the table are checked by a unit test; `get` keeps this free of panics.
        PROVINCES.get(self.province).unwrap_or(&PROVINCES[0])
    }

    pub fn is_urban(&self) -> bool {
        self.name.starts_with("Phường")
    }

    /// "Xã Trùng Khánh, Tỉnh Cao Bằng"
    pub fn text(&self) -> String {
        format!("{}, {}", self.name, self.province().name)
    }
}

pub static PROVINCES: &[Province] = &[
    province("01", "Thành phố Hà Nội", Part::North),
    province("04", "Tỉnh Cao Bằng", Part::North),
    province("14", "Tỉnh Sơn La", Part::North),
    province("15", "Tỉnh Lào Cai", Part::North),
    province("38", "Tỉnh Thanh Hóa", Part::North),
    province("40", "Tỉnh Nghệ An", Part::Central),
    province("48", "Thành phố Đà Nẵng", Part::Central),
    province("66", "Tỉnh Đắk Lắk", Part::Central),
    province("79", "Thành phố Hồ Chí Minh", Part::South),
    province("91", "Tỉnh An Giang", Part::South),
    province("92", "Thành phố Cần Thơ", Part::South),
];

const HA_NOI: usize = 0;
const CAO_BANG: usize = 1;
const SON_LA: usize = 2;
const LAO_CAI: usize = 3;
const THANH_HOA: usize = 4;
const NGHE_AN: usize = 5;
const DA_NANG: usize = 6;
const DAK_LAK: usize = 7;
const HCMC: usize = 8;
const AN_GIANG: usize = 9;
const CAN_THO: usize = 10;

const fn province(code: &'static str, name: &'static str, part: Part) -> Province {
    Province { code, name, part }
}

const fn flags(disadvantaged: bool, border: bool, coastal: bool, zone: Zone) -> CommuneFlags {
    CommuneFlags {
        disadvantaged,
        border,
        coastal,
        zone,
    }
}

const PLAIN: CommuneFlags = flags(false, false, false, Zone::None);
const COASTAL: CommuneFlags = flags(false, false, true, Zone::None);
const BORDER: CommuneFlags = flags(false, true, false, Zone::None);
/// A border commune of zone III: the hardest-off, and đặc biệt khó khăn.
const FAR_BORDER: CommuneFlags = flags(true, true, false, Zone::III);
const FAR_INLAND: CommuneFlags = flags(true, false, false, Zone::III);

const fn ward(
    code: &'static str,
    name: &'static str,
    province: usize,
    birth_code: &'static str,
    weight: u16,
    people: &'static [(Ethnicity, u16)],
    streets: &'static [&'static str],
) -> Commune {
    Commune {
        code,
        name,
        province,
        birth_code,
        flags: PLAIN,
        weight,
        people,
        addressing: Addressing::Streets(streets),
    }
}

/// A rural commune (xã): `(code, name)` first, then as [`ward`] has them, its flags and
/// the hamlets its addresses name.
const fn commune(
    (code, name): (&'static str, &'static str),
    province: usize,
    birth_code: &'static str,
    flags: CommuneFlags,
    weight: u16,
    people: &'static [(Ethnicity, u16)],
    hamlet: Hamlet,
) -> Commune {
    Commune {
        code,
        name,
        province,
        birth_code,
        flags,
        weight,
        people,
        addressing: Addressing::Hamlets(hamlet),
    }
}

/// A ward with special flags (a coastal or border town).
const fn with_flags(mut commune: Commune, flags: CommuneFlags) -> Commune {
    commune.flags = flags;
    commune
}

const KINH: &[(Ethnicity, u16)] = &[(Kinh, 996), (Muong, 2), (Tay, 2)];
const CITY_NORTH: &[(Ethnicity, u16)] = &[(Kinh, 980), (Tay, 6), (Muong, 5), (Nung, 4), (Hoa, 5)];
const CITY_SOUTH: &[(Ethnicity, u16)] = &[(Kinh, 930), (Hoa, 55), (Khmer, 10), (Cham, 5)];
const CAO_BANG_HILLS: &[(Ethnicity, u16)] =
    &[(Tay, 420), (Nung, 330), (Mong, 90), (Dao, 100), (Kinh, 60)];
const THAI_HILLS: &[(Ethnicity, u16)] = &[
    (Thai, 550),
    (Mong, 170),
    (Kinh, 160),
    (Muong, 70),
    (Dao, 30),
    (KhoMu, 20),
];

/// 75 communes and wards of 11 provinces. A `const`, so that [`commune_index`] can read it.
#[rustfmt::skip]
pub const COMMUNES: &[Commune] = &[
    // Thành phố Hà Nội
    ward("00004", "Phường Ba Đình", HA_NOI, "001", 40, CITY_NORTH,
        &["phố Đội Cấn", "phố Kim Mã", "phố Phan Đình Phùng", "phố Quán Thánh"]),
    ward("00070", "Phường Hoàn Kiếm", HA_NOI, "001", 30, CITY_NORTH,
        &["phố Hàng Bạc", "phố Hàng Gai", "phố Tràng Tiền", "phố Hàng Bông"]),
    ward("00167", "Phường Cầu Giấy", HA_NOI, "001", 50, CITY_NORTH,
        &["phố Trần Duy Hưng", "đường Cầu Giấy", "phố Nguyễn Khánh Toàn", "đường Xuân Thủy"]),
    ward("00226", "Phường Đống Đa", HA_NOI, "001", 50, CITY_NORTH,
        &["phố Tây Sơn", "phố Xã Đàn", "phố Nguyễn Lương Bằng", "phố Thái Hà"]),
    ward("09556", "Phường Hà Đông", HA_NOI, "001", 45, CITY_NORTH,
        &["phố Quang Trung", "đường Trần Phú", "phố Tô Hiệu", "đường Nguyễn Trãi"]),
    commune(("08980", "Xã Sóc Sơn"), HA_NOI, "001", PLAIN, 30, KINH, Hamlet::Thon),
    commune(("09169", "Xã Ba Vì"), HA_NOI, "001", flags(false, false, false, Zone::I), 15,
        &[(Kinh, 600), (Muong, 330), (Dao, 70)], Hamlet::Thon),
    // Tỉnh Cao Bằng
    ward("01273", "Phường Thục Phán", CAO_BANG, "004", 25,
        &[(Tay, 400), (Kinh, 350), (Nung, 200), (Hoa, 50)],
        &["phố Vườn Cam", "phố Hoàng Văn Thụ", "phố Kim Đồng"]),
    commune(("01324", "Xã Hòa An"), CAO_BANG, "004", flags(false, false, false, Zone::II), 12,
        CAO_BANG_HILLS, Hamlet::Ban),
    commune(("01393", "Xã Hà Quảng"), CAO_BANG, "004", FAR_BORDER, 8, CAO_BANG_HILLS, Hamlet::Ban),
    commune(("01480", "Xã Trà Lĩnh"), CAO_BANG, "004", FAR_BORDER, 7, CAO_BANG_HILLS, Hamlet::Ban),
    commune(("01558", "Xã Trùng Khánh"), CAO_BANG, "004", FAR_BORDER, 9, CAO_BANG_HILLS,
        Hamlet::Ban),
    commune(("01621", "Xã Đàm Thủy"), CAO_BANG, "004", FAR_BORDER, 5, CAO_BANG_HILLS, Hamlet::Ban),
    commune(("01726", "Xã Bảo Lạc"), CAO_BANG, "004", FAR_BORDER, 6,
        &[(Mong, 450), (Dao, 200), (Tay, 200), (Nung, 100), (Kinh, 50)], Hamlet::Ban),
    commune(("01810", "Xã Nguyên Bình"), CAO_BANG, "004", FAR_INLAND, 6,
        &[(Dao, 400), (Tay, 300), (Mong, 150), (Nung, 100), (Kinh, 50)], Hamlet::Ban),
    // Tỉnh Sơn La
    ward("03646", "Phường Tô Hiệu", SON_LA, "014", 20, &[(Kinh, 550), (Thai, 400), (Muong, 50)],
        &["đường Tô Hiệu", "đường Chu Văn Thịnh", "đường Trường Chinh"]),
    commune(("03796", "Phường Mộc Châu"), SON_LA, "014", flags(false, false, false, Zone::I), 12,
        &[(Kinh, 500), (Thai, 250), (Mong, 150), (Muong, 100)], Hamlet::Group),
    commune(("03721", "Xã Thuận Châu"), SON_LA, "014", flags(false, false, false, Zone::II), 12,
        THAI_HILLS, Hamlet::Ban),
    commune(("03673", "Xã Mường La"), SON_LA, "014", FAR_INLAND, 8, THAI_HILLS, Hamlet::Ban),
    commune(("03880", "Xã Sông Mã"), SON_LA, "014", FAR_BORDER, 10, THAI_HILLS, Hamlet::Ban),
    commune(("03964", "Xã Sốp Cộp"), SON_LA, "014", FAR_BORDER, 6, THAI_HILLS, Hamlet::Ban),
    // Tỉnh Lào Cai (with the former Yên Bái, code 015)
    with_flags(
        ward("02608", "Phường Lào Cai", LAO_CAI, "010", 18,
            &[(Kinh, 800), (Tay, 80), (Mong, 50), (Dao, 40), (Giay, 30)],
            &["đường Hoàng Liên", "đường Nguyễn Huệ", "phố Cốc Lếu"]),
        BORDER,
    ),
    commune(("02674", "Phường Sa Pa"), LAO_CAI, "010", flags(false, false, false, Zone::I), 8,
        &[(Mong, 450), (Dao, 250), (Kinh, 250), (Giay, 50)], Hamlet::Group),
    commune(("02725", "Xã Bát Xát"), LAO_CAI, "010", FAR_BORDER, 8,
        &[(Dao, 350), (Mong, 300), (Kinh, 150), (Giay, 100), (Tay, 100)], Hamlet::Ban),
    commune(("02839", "Xã Bắc Hà"), LAO_CAI, "010", FAR_INLAND, 7,
        &[(Mong, 550), (Tay, 150), (Dao, 150), (Kinh, 150)], Hamlet::Ban),
    ward("04249", "Phường Yên Bái", LAO_CAI, "015", 15,
        &[(Kinh, 850), (Tay, 80), (Dao, 40), (Muong, 30)],
        &["đường Điện Biên", "đường Yên Ninh", "đường Nguyễn Thái Học"]),
    commune(("04456", "Xã Mù Cang Chải"), LAO_CAI, "015", FAR_INLAND, 6,
        &[(Mong, 900), (Thai, 60), (Kinh, 40)], Hamlet::Ban),
    commune(("04531", "Xã Văn Chấn"), LAO_CAI, "015", flags(false, false, false, Zone::II), 8,
        &[(Thai, 400), (Kinh, 350), (Tay, 150), (Muong, 50), (Dao, 50)], Hamlet::Ban),
    // Tỉnh Thanh Hóa
    ward("14758", "Phường Hạc Thành", THANH_HOA, "038", 30, KINH,
        &["đại lộ Lê Lợi", "đường Lê Hoàn", "đường Bà Triệu", "đường Trần Phú"]),
    commune(("14845", "Phường Sầm Sơn"), THANH_HOA, "038", COASTAL, 15, KINH, Hamlet::Group),
    commune(("16009", "Xã Nga Sơn"), THANH_HOA, "038", COASTAL, 15, KINH, Hamlet::Thon),
    commune(("15622", "Xã Hoằng Hóa"), THANH_HOA, "038", COASTAL, 18, KINH, Hamlet::Thon),
    commune(("15034", "Xã Ngọc Lặc"), THANH_HOA, "038", flags(false, false, false, Zone::II), 12,
        &[(Muong, 600), (Kinh, 300), (Thai, 100)], Hamlet::Thon),
    commune(("14902", "Xã Mường Lát"), THANH_HOA, "038", FAR_BORDER, 5,
        &[(Thai, 420), (Mong, 400), (Kinh, 80), (Muong, 60), (KhoMu, 40)], Hamlet::Ban),
    // Tỉnh Nghệ An
    ward("16681", "Phường Thành Vinh", NGHE_AN, "040", 30, KINH,
        &["đường Lê Lợi", "đường Quang Trung", "đường Nguyễn Du", "đường Lê Hồng Phong"]),
    commune(("16732", "Phường Cửa Lò"), NGHE_AN, "040", COASTAL, 12, KINH, Hamlet::Group),
    commune(("17098", "Xã Diễn Châu"), NGHE_AN, "040", COASTAL, 20, KINH, Hamlet::Thon),
    commune(("17539", "Xã Nam Đàn"), NGHE_AN, "040", PLAIN, 16, KINH, Hamlet::Thon),
    commune(("16774", "Xã Mường Xén"), NGHE_AN, "040", FAR_BORDER, 6,
        &[(Mong, 450), (KhoMu, 300), (Thai, 200), (Kinh, 50)], Hamlet::Ban),
    commune(("16858", "Xã Con Cuông"), NGHE_AN, "040", flags(false, false, false, Zone::II), 8,
        &[(Thai, 650), (Kinh, 300), (KhoMu, 50)], Hamlet::Ban),
    // Thành phố Đà Nẵng (with the former Quảng Nam, code 049)
    ward("20194", "Phường Hải Châu", DA_NANG, "048", 35, CITY_NORTH,
        &["đường Bạch Đằng", "đường Lê Duẩn", "đường Trần Phú", "đường Hùng Vương"]),
    with_flags(
        ward("20258", "Phường Sơn Trà", DA_NANG, "048", 25, KINH,
            &["đường Võ Nguyên Giáp", "đường Ngô Quyền", "đường Lê Văn Duyệt"]),
        COASTAL,
    ),
    commune(("20305", "Xã Hòa Vang"), DA_NANG, "048", PLAIN, 12, KINH, Hamlet::Thon),
    with_flags(
        ward("20551", "Phường Hội An", DA_NANG, "049", 12, KINH,
            &["đường Trần Phú", "đường Nguyễn Thái Học", "đường Cửa Đại"]),
        COASTAL,
    ),
    commune(("21010", "Xã Thăng Bình"), DA_NANG, "049", COASTAL, 14, KINH, Hamlet::Thon),
    commune(("20410", "Xã Tây Giang"), DA_NANG, "049", FAR_BORDER, 4,
        &[(CoTu, 900), (Kinh, 100)], Hamlet::Thon),
    // Tỉnh Đắk Lắk (with the former Phú Yên, code 054)
    ward("24133", "Phường Buôn Ma Thuột", DAK_LAK, "066", 30,
        &[(Kinh, 850), (EDe, 110), (Tay, 20), (Nung, 20)],
        &["đường Lê Duẩn", "đường Phan Bội Châu", "đường Y Jút", "đường Ngô Quyền"]),
    commune(("24340", "Xã Krông Pắc"), DAK_LAK, "066", flags(false, false, false, Zone::II), 14,
        &[(Kinh, 600), (EDe, 350), (Tay, 25), (Nung, 25)], Hamlet::Buon),
    commune(("24175", "Xã Ea Súp"), DAK_LAK, "066", FAR_BORDER, 6,
        &[(Kinh, 400), (EDe, 200), (Tay, 120), (Nung, 120), (Mong, 60)], Hamlet::Buon),
    commune(("24610", "Xã Lắk"), DAK_LAK, "066", FAR_INLAND, 6,
        &[(EDe, 500), (Kinh, 400), (Tay, 50), (Nung, 50)], Hamlet::Buon),
    with_flags(
        ward("22015", "Phường Tuy Hòa", DAK_LAK, "054", 18, KINH,
            &["đường Trần Hưng Đạo", "đường Hùng Vương", "đường Lê Duẩn"]),
        COASTAL,
    ),
    commune(("22240", "Xã Sông Hinh"), DAK_LAK, "054", FAR_INLAND, 5,
        &[(EDe, 500), (Kinh, 450), (Tay, 50)], Hamlet::Buon),
    // Thành phố Hồ Chí Minh (with the former Bình Dương, 074, and Bà Rịa - Vũng Tàu, 077)
    ward("26734", "Phường Sài Gòn", HCMC, "079", 30, CITY_SOUTH,
        &["đường Đồng Khởi", "đường Lê Lợi", "đường Nguyễn Huệ", "đường Hai Bà Trưng"]),
    ward("26743", "Phường Bến Thành", HCMC, "079", 35, CITY_SOUTH,
        &["đường Lê Thánh Tôn", "đường Phạm Ngũ Lão", "đường Bùi Viện", "đường Cống Quỳnh"]),
    ward("27343", "Phường Chợ Lớn", HCMC, "079", 40, &[(Kinh, 600), (Hoa, 400)],
        &["đường Hải Thượng Lãn Ông", "đường Trần Hưng Đạo", "đường Châu Văn Liêm",
          "đường Nguyễn Trãi"]),
    ward("26800", "Phường Thủ Đức", HCMC, "079", 60, CITY_SOUTH,
        &["đường Võ Văn Ngân", "đường Kha Vạn Cân", "đường Đặng Văn Bi"]),
    ward("27139", "Phường Gia Định", HCMC, "079", 45, CITY_SOUTH,
        &["đường Nơ Trang Long", "đường Phan Đăng Lưu", "đường Bùi Đình Túy"]),
    ward("25747", "Phường Thủ Dầu Một", HCMC, "074", 35, CITY_SOUTH,
        &["đường Bạch Đằng", "đường Yersin", "đại lộ Bình Dương"]),
    with_flags(
        ward("26506", "Phường Vũng Tàu", HCMC, "077", 25, CITY_SOUTH,
            &["đường Thùy Vân", "đường Trần Phú", "đường Lê Lợi"]),
        COASTAL,
    ),
    commune(("27664", "Xã Cần Giờ"), HCMC, "079", COASTAL, 8, KINH, Hamlet::Ap),
    commune(("26566", "Đặc khu Côn Đảo"), HCMC, "077", COASTAL, 3, KINH, Hamlet::Group),
    // Tỉnh An Giang (with the former Kiên Giang, code 091)
    ward("30280", "Phường Long Xuyên", AN_GIANG, "089", 25,
        &[(Kinh, 950), (Hoa, 30), (Khmer, 20)],
        &["đường Trần Hưng Đạo", "đường Hà Hoàng Hổ", "đường Lý Thái Tổ"]),
    with_flags(
        ward("30307", "Phường Châu Đốc", AN_GIANG, "089", 15,
            &[(Kinh, 850), (Cham, 60), (Khmer, 50), (Hoa, 40)],
            &["đường Thủ Khoa Huân", "đường Lê Lợi", "đường Trưng Nữ Vương"]),
        BORDER,
    ),
    commune(("30376", "Phường Tịnh Biên"), AN_GIANG, "089", BORDER, 8,
        &[(Kinh, 600), (Khmer, 400)], Hamlet::Group),
    commune(("30568", "Xã Tri Tôn"), AN_GIANG, "089", FAR_INLAND, 8,
        &[(Khmer, 600), (Kinh, 380), (Hoa, 20)], Hamlet::Soc),
    commune(("30337", "Xã Châu Phong"), AN_GIANG, "089", BORDER, 5,
        &[(Kinh, 550), (Cham, 450)], Hamlet::Ap),
    with_flags(
        ward("30739", "Phường Rạch Giá", AN_GIANG, "091", 22,
            &[(Kinh, 870), (Khmer, 90), (Hoa, 40)],
            &["đường Nguyễn Trung Trực", "đường Lạc Hồng", "đường Trần Phú"]),
        COASTAL,
    ),
    commune(("31078", "Đặc khu Phú Quốc"), AN_GIANG, "091", COASTAL, 8, KINH, Hamlet::Ap),
    with_flags(
        ward("30886", "Phường Hà Tiên", AN_GIANG, "091", 6,
            &[(Kinh, 850), (Khmer, 100), (Hoa, 50)],
            &["đường Tô Châu", "đường Mạc Thiên Tích", "đường Phương Thành"]),
        flags(false, true, true, Zone::None),
    ),
    // Thành phố Cần Thơ (with the former Hậu Giang, 093, and Sóc Trăng, 094)
    ward("31117", "Phường Ninh Kiều", CAN_THO, "092", 35, &[(Kinh, 960), (Hoa, 25), (Khmer, 15)],
        &["đường Hòa Bình", "đường Nguyễn Trãi", "đường 30 Tháng 4", "đường Mậu Thân"]),
    ward("31186", "Phường Cái Răng", CAN_THO, "092", 20, KINH,
        &["đường Trần Hưng Đạo", "đường Lê Bình", "đường Võ Tánh"]),
    ward("31340", "Phường Vị Thanh", CAN_THO, "093", 12, KINH,
        &["đường Trần Hưng Đạo", "đường 3 Tháng 2", "đường Nguyễn Công Trứ"]),
    ward("31507", "Phường Sóc Trăng", CAN_THO, "094", 18, &[(Kinh, 650), (Khmer, 280), (Hoa, 70)],
        &["đường Hùng Vương", "đường Lê Lợi", "đường Tôn Đức Thắng"]),
    commune(("31825", "Phường Vĩnh Châu"), CAN_THO, "094", COASTAL, 8,
        &[(Khmer, 530), (Kinh, 300), (Hoa, 170)], Hamlet::Group),
    commune(("31942", "Xã Trần Đề"), CAN_THO, "094", flags(true, false, true, Zone::None), 8,
        &[(Khmer, 450), (Kinh, 500), (Hoa, 50)], Hamlet::Soc),
];

/// The index of the commune with this code; a code missing from the table stops the build
/// (it is only called in constants).
pub const fn commune_index(code: &str) -> usize {
    let mut i = 0;
    while i < COMMUNES.len() {
        if same(COMMUNES[i].code, code) {
            return i;
        }
        i += 1;
    }
    panic!("no commune has this code");
}

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The 63 province codes of birth registration from before the 2025 merger, which personal
/// identification numbers keep, with the province's name of that time.
pub static BIRTH_PROVINCES: &[(&str, &str)] = &[
    ("001", "Thành phố Hà Nội"),
    ("002", "Tỉnh Hà Giang"),
    ("004", "Tỉnh Cao Bằng"),
    ("006", "Tỉnh Bắc Kạn"),
    ("008", "Tỉnh Tuyên Quang"),
    ("010", "Tỉnh Lào Cai"),
    ("011", "Tỉnh Điện Biên"),
    ("012", "Tỉnh Lai Châu"),
    ("014", "Tỉnh Sơn La"),
    ("015", "Tỉnh Yên Bái"),
    ("017", "Tỉnh Hòa Bình"),
    ("019", "Tỉnh Thái Nguyên"),
    ("020", "Tỉnh Lạng Sơn"),
    ("022", "Tỉnh Quảng Ninh"),
    ("024", "Tỉnh Bắc Giang"),
    ("025", "Tỉnh Phú Thọ"),
    ("026", "Tỉnh Vĩnh Phúc"),
    ("027", "Tỉnh Bắc Ninh"),
    ("030", "Tỉnh Hải Dương"),
    ("031", "Thành phố Hải Phòng"),
    ("033", "Tỉnh Hưng Yên"),
    ("034", "Tỉnh Thái Bình"),
    ("035", "Tỉnh Hà Nam"),
    ("036", "Tỉnh Nam Định"),
    ("037", "Tỉnh Ninh Bình"),
    ("038", "Tỉnh Thanh Hóa"),
    ("040", "Tỉnh Nghệ An"),
    ("042", "Tỉnh Hà Tĩnh"),
    ("044", "Tỉnh Quảng Bình"),
    ("045", "Tỉnh Quảng Trị"),
    ("046", "Tỉnh Thừa Thiên Huế"),
    ("048", "Thành phố Đà Nẵng"),
    ("049", "Tỉnh Quảng Nam"),
    ("051", "Tỉnh Quảng Ngãi"),
    ("052", "Tỉnh Bình Định"),
    ("054", "Tỉnh Phú Yên"),
    ("056", "Tỉnh Khánh Hòa"),
    ("058", "Tỉnh Ninh Thuận"),
    ("060", "Tỉnh Bình Thuận"),
    ("062", "Tỉnh Kon Tum"),
    ("064", "Tỉnh Gia Lai"),
    ("066", "Tỉnh Đắk Lắk"),
    ("067", "Tỉnh Đắk Nông"),
    ("068", "Tỉnh Lâm Đồng"),
    ("070", "Tỉnh Bình Phước"),
    ("072", "Tỉnh Tây Ninh"),
    ("074", "Tỉnh Bình Dương"),
    ("075", "Tỉnh Đồng Nai"),
    ("077", "Tỉnh Bà Rịa - Vũng Tàu"),
    ("079", "Thành phố Hồ Chí Minh"),
    ("080", "Tỉnh Long An"),
    ("082", "Tỉnh Tiền Giang"),
    ("083", "Tỉnh Bến Tre"),
    ("084", "Tỉnh Trà Vinh"),
    ("086", "Tỉnh Vĩnh Long"),
    ("087", "Tỉnh Đồng Tháp"),
    ("089", "Tỉnh An Giang"),
    ("091", "Tỉnh Kiên Giang"),
    ("092", "Thành phố Cần Thơ"),
    ("093", "Tỉnh Hậu Giang"),
    ("094", "Tỉnh Sóc Trăng"),
    ("095", "Tỉnh Bạc Liêu"),
    ("096", "Tỉnh Cà Mau"),
];

/// The name of a birth-registration province by its 3-digit code.
pub fn birth_province_name(code: &str) -> Option<&'static str> {
    BIRTH_PROVINCES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, name)| *name)
}

/// Village names for [`Hamlet::Ban`], [`Hamlet::Buon`], [`Hamlet::Ap`] and [`Hamlet::Soc`];
/// [`Hamlet::Thon`] and [`Hamlet::Group`] are numbered.
#[rustfmt::skip]
pub fn hamlet_names(hamlet: Hamlet) -> &'static [&'static str] {
    match hamlet {
        Hamlet::Ban => &[
            "Bản Nà Rị", "Bản Pác Bó", "Bản Nặm Tẩu", "Bản Cốc Phát", "Bản Khuổi Kép",
            "Bản Nà Giàng", "Bản Phiêng Pằn", "Bản Nà Lừa", "Bản Pò Tấu", "Bản Tà Phìn",
            "Bản Hụm", "Bản Lướt",
        ],
        Hamlet::Buon => &[
            "Buôn Ako Dhông", "Buôn Kô Sir", "Buôn Tring", "Buôn Jun", "Buôn Trí A",
            "Buôn Ea Kmar", "Buôn Cuôr", "Buôn Dhăm",
        ],
        Hamlet::Ap => &[
            "Ấp Phước Hòa", "Ấp Mỹ Thạnh", "Ấp Tân Lập", "Ấp Bình Phú", "Ấp An Thạnh",
            "Ấp Hòa Lợi", "Ấp Thạnh Mỹ", "Ấp Long Hòa",
        ],
        Hamlet::Soc => &[
            "Ấp Sóc Xoài", "Ấp Tà Lọt", "Ấp Prây Chóp", "Ấp Tô Thủy", "Ấp Sa Lôn",
            "Ấp Ba Xuyên", "Ấp Khơ Lơng", "Ấp Trà Sết",
        ],
        Hamlet::Thon | Hamlet::Group => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_table_is_the_promised_size() {
        assert!((8..=12).contains(&PROVINCES.len()));
        assert!((40..=80).contains(&COMMUNES.len()), "{}", COMMUNES.len());
    }

    #[test]
    fn codes_are_unique_and_shaped() {
        let mut seen = HashSet::new();
        for commune in COMMUNES {
            assert_eq!(commune.code.len(), 5, "{}", commune.code);
            assert!(commune.code.bytes().all(|b| b.is_ascii_digit()));
            assert!(seen.insert(commune.code), "duplicate {}", commune.code);
            assert!(commune.province < PROVINCES.len());
            assert!(
                birth_province_name(commune.birth_code).is_some(),
                "{}",
                commune.code
            );
            assert!(!commune.people.is_empty() && commune.weight > 0);
        }
        let provinces: HashSet<_> = PROVINCES.iter().map(|p| p.code).collect();
        assert_eq!(provinces.len(), PROVINCES.len());
        assert!(PROVINCES.iter().all(|p| p.code.len() == 2));
        assert_eq!(BIRTH_PROVINCES.len(), 63);
    }

    #[test]
    fn the_constant_index_finds_the_commune() {
        assert_eq!(COMMUNES[commune_index("01558")].name, "Xã Trùng Khánh");
    }

    #[test]
    fn every_province_has_communes_and_the_flags_occur() {
        for (i, province) in PROVINCES.iter().enumerate() {
            assert!(
                COMMUNES.iter().filter(|c| c.province == i).count() >= 5,
                "{}",
                province.name
            );
        }
        assert!(COMMUNES.iter().any(|c| c.flags.disadvantaged));
        assert!(COMMUNES.iter().any(|c| c.flags.border));
        assert!(COMMUNES.iter().any(|c| c.flags.coastal));
        for zone in [Zone::I, Zone::II, Zone::III] {
            assert!(COMMUNES.iter().any(|c| c.flags.zone == zone));
        }
    }

    #[test]
    fn streets_exist_where_they_are_used() {
        for commune in COMMUNES {
            match commune.addressing {
                Addressing::Streets(streets) => assert!(!streets.is_empty(), "{}", commune.code),
                Addressing::Hamlets(Hamlet::Thon | Hamlet::Group) => {}
                Addressing::Hamlets(h) => assert!(!hamlet_names(h).is_empty()),
            }
        }
    }
}
