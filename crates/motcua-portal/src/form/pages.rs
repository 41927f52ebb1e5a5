//! A long form in pages, one question group a page (GOV.UK's "one thing per page"), from the
//! top of the procedure's form: first the groups the register filled in, then the form's own
//! questions (its top-level fields), then each other group. A short form is one page.

use crate::lang::t;
use motcua_core::procedure::Procedure;
use motcua_service::words::form as form_words;
use motcua_web::form_fields::is_locked;
use motcua_web::schema_form::Node;
use serde_json::Value;

/// A form with at most this many inputs to fill is one page.
const ONE_PAGE_INPUTS: usize = 6;

/// One page of the form: its heading and the top-level nodes it asks.
pub struct FormPage<'n, 's> {
    pub title: String,
    pub nodes: Vec<&'n Node<'s>>,
}

impl FormPage<'_, '_> {
    /// Whether the field at `pointer` is asked on this page.
    pub fn asks(&self, pointer: &str) -> bool {
        self.nodes.iter().any(|n| {
            let top = n.pointer();
            pointer == top || pointer.starts_with(&format!("{top}/"))
        })
    }
}

/// The pointers of the inputs below `node` a person types (a list counts once).
fn typed(node: &Node<'_>, prefill: Option<&Value>) -> usize {
    match node {
        Node::Group { children, .. } => children.iter().map(|c| typed(c, prefill)).sum(),
        Node::List { .. } => 1,
        Node::Input(input) => usize::from(!is_locked(prefill, &input.pointer)),
    }
}

/// Whether the register filled (or a rule derived) anything below `node`.
fn filled_in(node: &Node<'_>, prefill: Option<&Value>) -> bool {
    match node {
        Node::Group { children, .. } => children.iter().any(|c| filled_in(c, prefill)),
        Node::List { .. } => false,
        Node::Input(input) => is_locked(prefill, &input.pointer),
    }
}

/// The form's pages for a dossier whose register values are `prefill`.
pub fn split<'n, 's>(
    procedure: &Procedure,
    nodes: &'n [Node<'s>],
    prefill: Option<&Value>,
) -> Vec<FormPage<'n, 's>> {
    let total: usize = nodes.iter().map(|n| typed(n, prefill)).sum();
    if total <= ONE_PAGE_INPUTS {
        return vec![FormPage {
            title: t("Tờ khai", "The form").to_owned(),
            nodes: nodes.iter().collect(),
        }];
    }
    let is_group = |n: &Node<'_>| matches!(n, Node::Group { .. });
    let mut pages = Vec::new();
    // What the register gave and nothing to type: one page to read.
    let given: Vec<&Node<'s>> = nodes
        .iter()
        .filter(|n| is_group(n) && typed(n, prefill) == 0)
        .collect();
    if !given.is_empty() {
        pages.push(FormPage {
            title: t(
                "Thông tin của bạn từ Cơ sở dữ liệu quốc gia về dân cư",
                "Your data from the national population register",
            )
            .to_owned(),
            nodes: given,
        });
    }
    let titled = |node: &'n Node<'s>| FormPage {
        title: form_words::label(procedure, node.pointer()),
        nodes: vec![node],
    };
    let partly_given = nodes
        .iter()
        .filter(|n| is_group(n) && typed(n, prefill) > 0 && filled_in(n, prefill));
    pages.extend(partly_given.map(titled));
    let questions: Vec<&Node<'s>> = nodes.iter().filter(|n| !is_group(n)).collect();
    if !questions.is_empty() {
        pages.push(FormPage {
            title: t("Nội dung đề nghị", "What you ask for").to_owned(),
            nodes: questions,
        });
    }
    let others = nodes
        .iter()
        .filter(|n| is_group(n) && typed(n, prefill) > 0 && !filled_in(n, prefill));
    pages.extend(others.map(titled));
    pages
}

#[cfg(test)]
mod tests {
    use super::*;
    use motcua_web::schema_form::fields;
    use serde_json::json;

    fn procedure(file: &str) -> Procedure {
        let path = format!("{}/../../procedures/{file}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(path).expect("the procedure file");
        Procedure::parse(file, &text).unwrap_or_else(|p| panic!("{p:?}"))
    }

    #[test]
    fn the_diploma_copy_is_asked_in_three_pages_the_registers_first() {
        let copy = procedure("3.000465.json");
        let nodes = fields(&copy.spec().form);
        let locked = json!({ "/applicant/pin": { "locked": true, "source": "pin" },
                             "/applicant/full_name": { "locked": true, "source": "full_name" } });
        let pages = split(&copy, &nodes, Some(&locked));
        let titles: Vec<&str> = pages.iter().map(|p| p.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Người đề nghị",
                "Nội dung đề nghị",
                "Văn bằng, chứng chỉ cần cấp bản sao"
            ]
        );
        assert!(pages[1].asks("/relationship"));
        assert!(pages[2].asks("/diploma/holder_name"));
        assert!(!pages[2].asks("/diplomas"));
    }

    #[test]
    fn what_the_register_gave_alone_is_a_page_to_read() {
        let thpt = procedure("1.005142.json");
        let nodes = fields(&thpt.spec().form);
        let locked = json!({ "/candidate": { "locked": true }, "/priority": { "locked": true } });
        let pages = split(&thpt, &nodes, Some(&locked));
        assert!(pages[0].asks("/candidate/pin") && pages[0].asks("/priority/category"));
        assert_eq!(pages[1].title, "Nội dung đề nghị");
        assert!(pages[1].asks("/kept_scores/0/year"));
        assert!(pages.iter().any(|p| p.asks("/subjects/electives")));
    }
}
