//! Finding a procedure in the catalogue: the words a person types, with or without
//! Vietnamese diacritics ("cap ban sao bang" finds "Cấp bản sao văn bằng"), matched against
//! each procedure's code, name, field and summary; optionally only an agency's procedures.
//! Both sides are folded to plain lower-case ASCII (`deunicode`: "Đ" → "d", "ằ" → "a"), so
//! "đăng ký", "dang ky" and "DANG KY" are the same words.

use crate::procedure_info::ProcedureInfo;
use crate::Services;

/// What a search asks.
#[derive(Debug, Default)]
pub struct Search<'a> {
    /// The words typed; empty lists every procedure.
    pub words: &'a str,
    /// Only the procedures this agency (its identifier) takes.
    pub agency: Option<&'a str>,
}

/// The current procedures the search finds, by code, as a person reads them now.
pub fn search(services: &Services, search: &Search<'_>) -> Vec<ProcedureInfo> {
    let now = services.clock.now();
    let wanted: Vec<String> = fold(search.words)
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    services
        .catalog
        .current_all()
        .into_iter()
        .map(|procedure| ProcedureInfo::of(procedure, now))
        .filter(|info| {
            search
                .agency
                .is_none_or(|agency| info.agencies.iter().any(|(id, _)| id == agency))
        })
        .filter(|info| {
            let haystack = fold(&searchable(info));
            let found: Vec<&str> = haystack.split_whitespace().collect();
            wanted
                .iter()
                .all(|word| found.iter().any(|f| f.starts_with(word.as_str())))
        })
        .collect()
}

/// Every agency that takes a current procedure, by name: (identifier, name).
pub fn agencies(services: &Services) -> Vec<(String, String)> {
    let mut all: Vec<(String, String)> = services
        .catalog
        .current_all()
        .into_iter()
        .flat_map(|p| p.spec().agencies.clone())
        .map(|a| (a.id, a.name))
        .collect();
    all.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    all.dedup_by(|a, b| a.0 == b.0);
    all
}

/// The text a procedure is found by.
fn searchable(info: &ProcedureInfo) -> String {
    [
        info.code.as_str(),
        info.name.as_str(),
        info.field.as_deref().unwrap_or_default(),
        info.summary.as_deref().unwrap_or_default(),
    ]
    .join(" ")
}

/// Lower-case ASCII words: diacritics dropped, anything but letters and digits a space
/// (a code's dots too: "3.000465" is found by "3.000465" and by "000465").
pub fn fold(text: &str) -> String {
    deunicode::deunicode(text)
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_folds_to_plain_words() {
        assert_eq!(
            fold("Cấp bản sao văn bằng, chứng chỉ"),
            "cap ban sao van bang  chung chi"
        );
        assert_eq!(fold("Đăng ký dự thi ĐỖ"), "dang ky du thi do");
        assert_eq!(fold("3.000465"), "3 000465");
    }
}
