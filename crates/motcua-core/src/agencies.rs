//! Agencies in a tree (from configuration, `MOTCUA_AGENCY_TREE`): a school under the
//! provincial education department under the province; a commune under a district under a
//! province. Each level reads its own figures and those of the units under it
//! (docs/INDICATORS.md, "Agencies in a tree").
//!
//! The file is JSON: `{"agencies": [{"id": "SGDDT-HN", "name": "Sở Giáo dục và Đào tạo Hà
//! Nội", "parent": "UBND-HN"}, …]}`; `parent` left out for a root. Ids are the agencies'
//! electronic identifiers, as in the procedure files. Without a file every agency stands
//! alone (`AgencyTree::flat`).

use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Agency {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub parent: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    agencies: Vec<Agency>,
}

/// The configured tree; empty when none was configured.
#[derive(Debug, Clone, Default)]
pub struct AgencyTree {
    agencies: BTreeMap<String, Agency>,
    children: BTreeMap<String, Vec<String>>,
}

impl AgencyTree {
    /// No tree: every agency stands alone.
    pub fn flat() -> AgencyTree {
        AgencyTree::default()
    }

    /// Reads the configuration file's text; refuses duplicate ids, unknown parents and
    /// cycles, saying which.
    pub fn from_json(text: &str) -> Result<AgencyTree, String> {
        let file: File = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let mut agencies = BTreeMap::new();
        for a in file.agencies {
            if a.id.trim().is_empty() {
                return Err("an agency has an empty id".into());
            }
            if let Some(dup) = agencies.insert(a.id.clone(), a) {
                return Err(format!("agency {} is listed twice", dup.id));
            }
        }
        let mut children: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for a in agencies.values() {
            if let Some(parent) = &a.parent {
                if !agencies.contains_key(parent) {
                    return Err(format!("agency {}: parent {parent} is not listed", a.id));
                }
                children
                    .entry(parent.clone())
                    .or_default()
                    .push(a.id.clone());
            }
        }
        // Every chain of parents must end at a root within as many steps as there are
        // agencies.
        for a in agencies.values() {
            let mut at = a;
            for _ in 0..=agencies.len() {
                match at.parent.as_ref().and_then(|p| agencies.get(p)) {
                    Some(p) => at = p,
                    None => break,
                }
            }
            if at.parent.is_some() {
                return Err(format!("agency {} is its own ancestor", a.id));
            }
        }
        Ok(AgencyTree { agencies, children })
    }

    /// A tree was configured.
    pub fn configured(&self) -> bool {
        !self.agencies.is_empty()
    }

    pub fn get(&self, id: &str) -> Option<&Agency> {
        self.agencies.get(id)
    }

    /// `id` and every agency under it, `id` first then in tree order (an agency not in the
    /// tree is its own subtree).
    pub fn subtree(&self, id: &str) -> Vec<String> {
        let mut out = vec![id.to_owned()];
        let mut i = 0;
        while i < out.len() {
            if let Some(kids) = self.children.get(&out[i]) {
                out.extend(kids.iter().cloned());
            }
            i += 1;
        }
        out
    }

    /// `id` is `ancestor` or under it.
    pub fn within(&self, ancestor: &str, id: &str) -> bool {
        let mut at = Some(id);
        for _ in 0..=self.agencies.len() {
            match at {
                Some(a) if a == ancestor => return true,
                Some(a) => at = self.agencies.get(a).and_then(|x| x.parent.as_deref()),
                None => return false,
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HANOI: &str = r#"{"agencies": [
        {"id": "UBND-HN", "name": "Ủy ban nhân dân TP Hà Nội"},
        {"id": "SGDDT-HN", "name": "Sở GD&ĐT Hà Nội", "parent": "UBND-HN"},
        {"id": "THPT-HN-CVA", "name": "THPT Chu Văn An", "parent": "SGDDT-HN"},
        {"id": "THPT-HN-YENHOA", "name": "THPT Yên Hòa", "parent": "SGDDT-HN"},
        {"id": "SGDDT-HCM", "name": "Sở GD&ĐT TP.HCM"}
    ]}"#;

    #[test]
    fn a_subtree_holds_the_unit_and_everything_under_it() {
        let t = AgencyTree::from_json(HANOI).unwrap();
        assert_eq!(
            t.subtree("SGDDT-HN"),
            ["SGDDT-HN", "THPT-HN-CVA", "THPT-HN-YENHOA"]
        );
        assert_eq!(t.subtree("UBND-HN").len(), 4);
        assert_eq!(t.subtree("THPT-HN-CVA"), ["THPT-HN-CVA"]);
        assert!(t.within("UBND-HN", "THPT-HN-YENHOA"));
        assert!(t.within("THPT-HN-CVA", "THPT-HN-CVA"));
        assert!(!t.within("THPT-HN-CVA", "SGDDT-HN"));
        assert!(!t.within("SGDDT-HN", "SGDDT-HCM"));
    }

    #[test]
    fn unknown_parents_duplicates_and_cycles_are_refused() {
        let unknown = r#"{"agencies": [{"id": "A", "name": "a", "parent": "B"}]}"#;
        assert!(AgencyTree::from_json(unknown).unwrap_err().contains("B"));
        let dup = r#"{"agencies": [{"id": "A", "name": "a"}, {"id": "A", "name": "b"}]}"#;
        assert!(AgencyTree::from_json(dup).unwrap_err().contains("twice"));
        let cycle = r#"{"agencies": [{"id": "A", "name": "a", "parent": "B"},
                                      {"id": "B", "name": "b", "parent": "A"}]}"#;
        assert!(AgencyTree::from_json(cycle)
            .unwrap_err()
            .contains("own ancestor"));
        assert!(!AgencyTree::flat().configured());
    }
}
