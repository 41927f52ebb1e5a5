//! The simulator's accounts (docs/ARCHITECTURE.md, "The simulator's accounts"). Every
//! password is [`PASSWORD`]. Citizens log in with their 12-digit personal identification
//! number (số định danh cá nhân), whose digits agree with the birth data: digits 1–3 the
//! province of birth registration, digit 4 the sex and century (2 male / 3 female, born
//! 2000–2099), digits 5–6 the year of birth. Every citizen account except
//! [`named::NOT_IN_REGISTER`] is also a resident of the population register, with the same
//! data; the register's synthetic population can log in too (level 2, username = number,
//! same password).

use crate::register::named;

/// The one password of every simulated account.
pub const PASSWORD: &str = "matkhau";

/// A person who can log in at the simulated provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Account {
    /// The login name, and the ID token's `sub`.
    pub username: &'static str,
    pub kind: AccountKind,
    /// Full name as on the citizen identity card (`name` claim).
    pub name: &'static str,
    /// `YYYY-MM-DD` (`birthdate` claim).
    pub birthdate: &'static str,
    pub gender: Gender,
    /// Where the person lives, for people reading the account list.
    pub province: &'static str,
    /// Who this account is meant to play in tests and demos.
    pub note: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountKind {
    /// công dân
    Citizen { level: AssuranceLevel },
    /// cán bộ, công chức
    Staff {
        roles: &'static [&'static str],
        /// The agency's code (cơ quan), `agency` claim.
        agency: &'static str,
    },
}

/// The VNeID identification level (mức độ 1 / mức độ 2), sent as the `acr` claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AssuranceLevel {
    /// Registered online, identity not checked face to face (định danh mức 1).
    Level1,
    /// Identity checked against the card and the person's face (định danh mức 2).
    Level2,
}

impl AssuranceLevel {
    pub fn acr(self) -> &'static str {
        match self {
            AssuranceLevel::Level1 => "vneid:1",
            AssuranceLevel::Level2 => "vneid:2",
        }
    }

    pub fn number(self) -> u8 {
        match self {
            AssuranceLevel::Level1 => 1,
            AssuranceLevel::Level2 => 2,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    Male,
    Female,
}

impl Gender {
    /// The OIDC `gender` claim value.
    pub fn claim(self) -> &'static str {
        match self {
            Gender::Male => "male",
            Gender::Female => "female",
        }
    }
}

/// Staff of the Hà Nội Department of Education and Training (Sở Giáo dục và Đào tạo).
const STAFF_AGENCY: &str = "SGDDT-HN";

static ACCOUNTS: &[Account] = &[
    Account {
        username: named::STUDENT_HANOI,
        kind: AccountKind::Citizen {
            level: AssuranceLevel::Level2,
        },
        name: "Nguyễn Đức Minh",
        birthdate: "2007-09-14",
        gender: Gender::Male,
        province: "Hà Nội",
        note: "học sinh lớp 12 năm 2025 / 12th-grade student in 2025",
    },
    Account {
        username: named::STUDENT_HCMC,
        kind: AccountKind::Citizen {
            level: AssuranceLevel::Level1,
        },
        name: "Trần Thị Ngọc Hân",
        birthdate: "2007-03-21",
        gender: Gender::Female,
        province: "Thành phố Hồ Chí Minh",
        note: "định danh mức 1 / only level-1 identification",
    },
    Account {
        username: named::MINORITY_STUDENT,
        kind: AccountKind::Citizen {
            level: AssuranceLevel::Level2,
        },
        name: "Nông Văn Thắng",
        birthdate: "2007-05-02",
        gender: Gender::Male,
        province: "Cao Bằng",
        note:
            "học sinh lớp 12, dân tộc Tày, thường trú từ khi sinh ở xã biên giới đặc biệt khó khăn \
               / 12th-grader, Tày, living since birth in a border commune of zone III",
    },
    Account {
        username: named::RECENT_MOVER_STUDENT,
        kind: AccountKind::Citizen {
            level: AssuranceLevel::Level2,
        },
        name: "Vũ Thị Lan Anh",
        birthdate: "2007-11-08",
        gender: Gender::Female,
        province: "Lào Cai",
        note: "học sinh lớp 12, chuyển đến xã biên giới ngày 15/8/2024 (chưa đủ 3 năm) \
               / 12th-grader, moved to a border commune on 2024-08-15 (under 3 years)",
    },
    Account {
        username: named::DECEASED,
        kind: AccountKind::Citizen {
            level: AssuranceLevel::Level2,
        },
        name: "Lê Văn Tâm",
        birthdate: "1952-02-11",
        gender: Gender::Male,
        province: "Hà Nội",
        note: "đã mất theo CSDL dân cư (03/12/2024), vẫn đăng nhập được để thử \
               / deceased in the register; the login still works, for tests",
    },
    Account {
        username: named::UNDER_REVIEW,
        kind: AccountKind::Citizen {
            level: AssuranceLevel::Level2,
        },
        name: "Phạm Thị Thu Hà",
        birthdate: "1995-06-30",
        gender: Gender::Female,
        province: "Hà Nội",
        note: "thông tin đang được xác minh trong CSDL dân cư / register record under review",
    },
    Account {
        username: named::NOT_IN_REGISTER,
        kind: AccountKind::Citizen {
            level: AssuranceLevel::Level2,
        },
        name: "Đỗ Văn Hậu",
        birthdate: "1999-12-05",
        gender: Gender::Male,
        province: "Nghệ An",
        note: "không có trong CSDL dân cư (404) / not in the population register (404)",
    },
    Account {
        username: named::BAD_CENTURY_DIGIT,
        kind: AccountKind::Citizen {
            level: AssuranceLevel::Level2,
        },
        name: "Trịnh Minh Quân",
        birthdate: "1990-04-12",
        gender: Gender::Male,
        province: "Hà Nội",
        note: "số định danh có chữ số thế kỷ không thể có (8) / number with an impossible \
               century digit (8), refused by the register",
    },
    Account {
        username: "motcua.tiepnhan",
        kind: AccountKind::Staff {
            roles: &["desk_clerk"],
            agency: STAFF_AGENCY,
        },
        name: "Phạm Thu Trang",
        birthdate: "1990-05-12",
        gender: Gender::Female,
        province: "Hà Nội",
        note: "cán bộ tiếp nhận một cửa / one-stop-shop desk clerk",
    },
    Account {
        username: "motcua.chuyenvien",
        kind: AccountKind::Staff {
            roles: &["specialist"],
            agency: STAFF_AGENCY,
        },
        name: "Lê Hoàng Nam",
        birthdate: "1985-11-02",
        gender: Gender::Male,
        province: "Hà Nội",
        note: "chuyên viên / specialist",
    },
    Account {
        username: "motcua.lanhdao",
        kind: AccountKind::Staff {
            roles: &["approver"],
            agency: STAFF_AGENCY,
        },
        name: "Đỗ Thị Minh Hằng",
        birthdate: "1972-08-19",
        gender: Gender::Female,
        province: "Hà Nội",
        note: "lãnh đạo phê duyệt / approver",
    },
    Account {
        username: "motcua.giamsat",
        kind: AccountKind::Staff {
            roles: &["supervisor"],
            agency: STAFF_AGENCY,
        },
        name: "Vũ Quốc Bảo",
        birthdate: "1980-01-25",
        gender: Gender::Male,
        province: "Hà Nội",
        note: "giám sát / supervisor",
    },
    Account {
        username: "motcua.hcm.tiepnhan",
        kind: AccountKind::Staff {
            roles: &["desk_clerk"],
            agency: "SGDDT-HCM",
        },
        name: "Nguyễn Văn Phúc",
        birthdate: "1988-03-09",
        gender: Gender::Male,
        province: "Thành phố Hồ Chí Minh",
        note: "cán bộ một cửa của cơ quan khác (Sở GD&ĐT TP.HCM) / a desk clerk of another agency",
    },
    Account {
        username: "motcua.thpt.chuvanan",
        kind: AccountKind::Staff {
            roles: &["desk_clerk", "specialist"],
            agency: "THPT-HN-CVA",
        },
        name: "Đặng Minh Châu",
        birthdate: "1985-10-20",
        gender: Gender::Female,
        province: "Hà Nội",
        note: "cán bộ đơn vị đăng ký dự thi, Trường THPT Chu Văn An / the exam registration unit of a school",
    },
    Account {
        username: "motcua.thpt.chuvanan.giamsat",
        kind: AccountKind::Staff {
            roles: &["supervisor"],
            agency: "THPT-HN-CVA",
        },
        name: "Hoàng Thị Thu Thủy",
        birthdate: "1978-04-14",
        gender: Gender::Female,
        province: "Hà Nội",
        note: "giám sát của Trường THPT Chu Văn An / a school's supervisor",
    },
];

/// Every named account the simulated provider accepts (the desk-clerk pool of
/// [`pool_clerk`] aside).
pub fn accounts() -> &'static [Account] {
    ACCOUNTS
}

/// The account with this username, if any.
pub fn find(username: &str) -> Option<&'static Account> {
    ACCOUNTS
        .iter()
        .find(|a| a.username == username)
        .or_else(|| pool_clerk(username))
}

/// How many extra desk clerks of `SGDDT-HN` there are, for tests and benchmarks of many
/// clerks working one queue: `motcua.tiepnhan.01` to `motcua.tiepnhan.50`.
pub const CLERK_POOL: usize = 50;

/// A desk clerk of the pool, by username.
pub fn pool_clerk(username: &str) -> Option<&'static Account> {
    static POOL: std::sync::OnceLock<Vec<Account>> = std::sync::OnceLock::new();
    let pool = POOL.get_or_init(|| {
        (1..=CLERK_POOL)
            .map(|n| Account {
                // Built once for the process: fifty short strings, never freed.
                username: Box::leak(format!("motcua.tiepnhan.{n:02}").into_boxed_str()),
                kind: AccountKind::Staff {
                    roles: &["desk_clerk"],
                    agency: STAFF_AGENCY,
                },
                name: Box::leak(format!("Cán bộ một cửa số {n:02}").into_boxed_str()),
                birthdate: "1992-06-15",
                gender: if n % 2 == 0 {
                    Gender::Female
                } else {
                    Gender::Male
                },
                province: "Hà Nội",
                note: "one of a pool of desk clerks / cán bộ một cửa",
            })
            .collect()
    });
    pool.iter().find(|a| a.username == username)
}

impl Account {
    /// The `acr` claim: staff accounts are checked face to face when they are issued.
    pub fn acr(&self) -> &'static str {
        match self.kind {
            AccountKind::Citizen { level } => level.acr(),
            AccountKind::Staff { .. } => AssuranceLevel::Level2.acr(),
        }
    }

    /// One line for a list of test accounts.
    pub fn describe(&self) -> String {
        match self.kind {
            AccountKind::Citizen { level } => format!(
                "citizen, level {} ({}), {}, {}, born {}: {}",
                level.number(),
                level.acr(),
                self.name,
                self.province,
                self.birthdate,
                self.note
            ),
            AccountKind::Staff { roles, agency } => format!(
                "staff of {agency}, roles {}, {}: {}",
                roles.join(", "),
                self.name,
                self.note
            ),
        }
    }

    /// The username as it may appear in logs: a personal identification number keeps only its
    /// last four digits (logs never carry a full one: it identifies a person).
    pub fn log_label(&self) -> String {
        mask_username(self.username)
    }
}

/// Masks a username that looks like a personal identification number, for logs.
pub fn mask_username(username: &str) -> String {
    if username.len() > 4 && username.bytes().all(|b| b.is_ascii_digit()) {
        let (hidden, shown) = username.split_at(username.len() - 4);
        format!("{}{shown}", "*".repeat(hidden.len()))
    } else {
        username.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_unique() {
        for (i, a) in ACCOUNTS.iter().enumerate() {
            assert!(ACCOUNTS[i + 1..].iter().all(|b| b.username != a.username));
        }
    }

    #[test]
    fn citizen_numbers_agree_with_birth_data() {
        for account in ACCOUNTS {
            let AccountKind::Citizen { .. } = account.kind else {
                continue;
            };
            if account.username == named::BAD_CENTURY_DIGIT {
                // Wrong on purpose.
                assert_eq!(account.username.as_bytes()[3], b'8');
                continue;
            }
            let pin = account.username.as_bytes();
            assert_eq!(pin.len(), 12, "{}", account.username);
            assert!(pin.iter().all(u8::is_ascii_digit));
            let born_2000s = account.birthdate.starts_with("20");
            let expected_sex_digit = match (account.gender, born_2000s) {
                (Gender::Male, true) => b'2',
                (Gender::Female, true) => b'3',
                (Gender::Male, false) => b'0',
                (Gender::Female, false) => b'1',
            };
            assert_eq!(pin[3], expected_sex_digit, "{}", account.username);
            assert_eq!(&account.username[4..6], &account.birthdate[2..4]);
        }
    }

    #[test]
    fn birthdates_are_dates() {
        for account in ACCOUNTS {
            assert!(
                chrono::NaiveDate::parse_from_str(account.birthdate, "%Y-%m-%d").is_ok(),
                "{}",
                account.birthdate
            );
        }
    }

    #[test]
    fn contract_accounts_exist() {
        let student = find("001207001234").unwrap();
        assert_eq!(student.acr(), "vneid:2");
        assert_eq!(student.province, "Hà Nội");
        assert_eq!(find("079307004321").unwrap().acr(), "vneid:1");
        for (username, role) in [
            ("motcua.tiepnhan", "desk_clerk"),
            ("motcua.chuyenvien", "specialist"),
            ("motcua.lanhdao", "approver"),
            ("motcua.giamsat", "supervisor"),
        ] {
            let account = find(username).unwrap();
            let AccountKind::Staff { roles, agency } = account.kind else {
                panic!("{username} is not staff");
            };
            assert_eq!(roles, [role]);
            assert_eq!(agency, "SGDDT-HN");
            assert_eq!(account.acr(), "vneid:2");
        }
    }

    #[test]
    fn the_clerk_pool_logs_in_as_desk_clerks_of_the_named_agency() {
        let clerk = find("motcua.tiepnhan.16").unwrap();
        assert_eq!(
            clerk.kind,
            AccountKind::Staff {
                roles: &["desk_clerk"],
                agency: "SGDDT-HN"
            }
        );
        assert!(find("motcua.tiepnhan.51").is_none());
        assert!(find("motcua.tiepnhan.1").is_none());
    }

    #[test]
    fn numbers_are_masked_in_logs() {
        assert_eq!(mask_username("001207001234"), "********1234");
        assert_eq!(mask_username("motcua.tiepnhan"), "motcua.tiepnhan");
    }
}
