//! The simulator's accounts the tests and benchmarks log in as (motcua-sim's `accounts.rs`,
//! docs/ARCHITECTURE.md "The simulator's accounts"): one name for each, here, instead of a
//! constant in every test file. The citizens' numbers are the register's own constants.

pub use motcua_sim::accounts::CLERK_POOL;
use motcua_sim::register::named;

/// Nguyễn Đức Minh, a 12th-grader of Phường Cầu Giấy, Hà Nội (level 2): the usual citizen.
pub const MINH: &str = named::STUDENT_HANOI;
/// Nông Văn Thắng, a Tày 12th-grader of a zone III commune of Cao Bằng: the THPT exam's
/// priority for ethnic minorities; a second citizen where a test needs one.
pub const THANG: &str = named::MINORITY_STUDENT;
/// Vũ Thị Lan Anh, a 12th-grader who moved to Lào Cai in 2023: short of the residence
/// priority's three years.
pub const LAN_ANH: &str = named::RECENT_MOVER_STUDENT;
/// Trần Thị Ngọc Hân, a 12th-grader of Thành phố Hồ Chí Minh (a level-1 account).
pub const HAN: &str = named::STUDENT_HCMC;

/// The one-stop desk clerk (cán bộ tiếp nhận) of the staff agency.
pub const CLERK: &str = "motcua.tiepnhan";
/// The specialist (chuyên viên) of the staff agency.
pub const SPECIALIST: &str = "motcua.chuyenvien";
/// The approver (lãnh đạo) of the staff agency.
pub const APPROVER: &str = "motcua.lanhdao";
/// The supervisor (giám sát) of the staff agency.
pub const SUPERVISOR: &str = "motcua.giamsat";
/// A desk clerk of another agency (Sở GD&ĐT TP.HCM).
pub const OTHER_AGENCY_CLERK: &str = "motcua.hcm.tiepnhan";
/// The exam registration unit of a school (THPT Chu Văn An): desk clerk and specialist.
pub const SCHOOL_CLERK: &str = "motcua.thpt.chuvanan";
/// The supervisor of that school (THPT Chu Văn An, under Sở GD&ĐT Hà Nội).
pub const SCHOOL_SUPERVISOR: &str = "motcua.thpt.chuvanan.giamsat";

/// The `n`th clerk (1 to [`CLERK_POOL`]) of the simulator's pool of desk clerks working one
/// queue: `motcua.tiepnhan.01` to `motcua.tiepnhan.50`.
pub fn pool_clerk(n: usize) -> String {
    assert!(
        (1..=CLERK_POOL).contains(&n),
        "the pool has clerks 1 to {CLERK_POOL}, not {n}"
    );
    format!("{CLERK}.{n:02}")
}
