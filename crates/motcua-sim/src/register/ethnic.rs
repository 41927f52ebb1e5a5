//! Ethnicities (dân tộc) and religions (tôn giáo) as the register writes them. Both are
//! sensitive data (Nghị định 13/2023): the register hands them out only when asked by name.

use super::dice::Dice;
use super::places::Part;

/// The ethnic groups of the synthetic population: the Kinh majority and the minorities of the
/// provinces in [`super::places`], each living where it really does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ethnicity {
    Kinh,
    Tay,
    Thai,
    Muong,
    Khmer,
    Mong,
    Nung,
    Hoa,
    Dao,
    EDe,
    Cham,
    CoTu,
    KhoMu,
    Giay,
}

impl Ethnicity {
    pub const ALL: [Ethnicity; 14] = [
        Ethnicity::Kinh,
        Ethnicity::Tay,
        Ethnicity::Thai,
        Ethnicity::Muong,
        Ethnicity::Khmer,
        Ethnicity::Mong,
        Ethnicity::Nung,
        Ethnicity::Hoa,
        Ethnicity::Dao,
        Ethnicity::EDe,
        Ethnicity::Cham,
        Ethnicity::CoTu,
        Ethnicity::KhoMu,
        Ethnicity::Giay,
    ];

    /// The position in [`Ethnicity::ALL`].
    pub fn position(self) -> usize {
        self as usize
    }

    /// The name in the official list of Vietnam's 54 ethnic groups.
    pub fn name(self) -> &'static str {
        match self {
            Ethnicity::Kinh => "Kinh",
            Ethnicity::Tay => "Tày",
            Ethnicity::Thai => "Thái",
            Ethnicity::Muong => "Mường",
            Ethnicity::Khmer => "Khmer",
            Ethnicity::Mong => "Mông",
            Ethnicity::Nung => "Nùng",
            Ethnicity::Hoa => "Hoa",
            Ethnicity::Dao => "Dao",
            Ethnicity::EDe => "Ê Đê",
            Ethnicity::Cham => "Chăm",
            Ethnicity::CoTu => "Cơ Tu",
            Ethnicity::KhoMu => "Khơ Mú",
            Ethnicity::Giay => "Giáy",
        }
    }

    pub fn is_minority(self) -> bool {
        self != Ethnicity::Kinh
    }

    /// Ê Đê families are matrilineal: children take the mother's family name (and, in the
    /// register, usually her ethnicity). Every other group here passes on the father's.
    pub fn matrilineal(self) -> bool {
        self == Ethnicity::EDe
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Religion {
    None,
    Buddhism,
    Catholicism,
    Protestantism,
    CaoDai,
    HoaHao,
    Islam,
}

impl Religion {
    /// As the register writes it; "Không" is no religion.
    pub fn name(self) -> &'static str {
        match self {
            Religion::None => "Không",
            Religion::Buddhism => "Phật giáo",
            Religion::Catholicism => "Công giáo",
            Religion::Protestantism => "Tin lành",
            Religion::CaoDai => "Cao Đài",
            Religion::HoaHao => "Phật giáo Hòa Hảo",
            Religion::Islam => "Hồi giáo",
        }
    }

    /// A religion for a head of household, in per-mille weights that follow the broad picture
    /// of the 2019 census: most people declare none; Khmer are Theravada Buddhists, An Giang's
    /// Chăm are Muslims, many Ê Đê and some Mông are Protestants, Hòa Hảo is a Mekong-delta
    /// faith and Cao Đài a southern one.
    pub fn pick(ethnicity: Ethnicity, part: Part, dice: &mut Dice) -> Religion {
        use Religion::*;
        let table: &[(Religion, u32)] = match (ethnicity, part) {
            (Ethnicity::Khmer, _) => &[(Buddhism, 920), (None, 80)],
            (Ethnicity::Cham, _) => &[(Islam, 950), (None, 50)],
            (Ethnicity::EDe, _) => &[(Protestantism, 450), (Catholicism, 150), (None, 400)],
            (Ethnicity::Mong, _) => &[(None, 800), (Protestantism, 180), (Catholicism, 20)],
            (Ethnicity::Hoa, _) => &[(None, 600), (Buddhism, 350), (Catholicism, 50)],
            (Ethnicity::Kinh, Part::South) => &[
                (None, 780),
                (Buddhism, 100),
                (Catholicism, 60),
                (CaoDai, 25),
                (HoaHao, 30),
                (Protestantism, 5),
            ],
            (Ethnicity::Kinh, _) => &[
                (None, 830),
                (Buddhism, 80),
                (Catholicism, 80),
                (Protestantism, 10),
            ],
            _ => &[(None, 950), (Buddhism, 30), (Catholicism, 20)],
        };
        super::pick_weighted(table, dice)
            .copied()
            .unwrap_or(Religion::None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_follow_the_list() {
        for (i, e) in Ethnicity::ALL.iter().enumerate() {
            assert_eq!(e.position(), i, "{e:?}");
        }
        assert!(Ethnicity::ALL.iter().filter(|e| e.is_minority()).count() == 13);
    }
}
