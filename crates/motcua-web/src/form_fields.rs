//! The inputs of a procedure's form as HTML (maud escapes every value it writes), from the
//! nodes of [`crate::schema_form`]: groups as fieldsets, choices as lists, several choices
//! as checkboxes, dates typed `dd/mm/yyyy`, lists of objects as rows, and the values the
//! register filled (or a named rule derived) shown locked with where they came from. Each
//! set of pages says its own words through [`FieldWords`]: the labels, the problem beside
//! a field, a locked value's source.

use crate::schema_form::{self, Input, Kind, Node};
use maud::{html, Markup};
use motcua_core::procedure::Procedure;
use serde_json::Value;

/// What the pages say about a field.
pub trait FieldWords {
    /// The field's label (its `title` in the procedure file).
    fn label(&self, pointer: &str) -> String;
    /// The problem told beside the field, if any.
    fn problem(&self, pointer: &str) -> Option<String>;
    /// Where a locked value comes from, given its provenance entry.
    fn source(&self, entry: Option<&Value>) -> Markup;
    /// Said after the label of a field that may be left empty (the portal's "(không bắt
    /// buộc)"); `None` to say nothing.
    fn optional(&self) -> Option<&str> {
        None
    }
    /// The form's own words (buttons' and lists' words, yes and no): Vietnamese unless a
    /// set of pages speaks another language.
    fn ui(&self) -> &'static Ui {
        &UI_VI
    }
}

/// The words the form's inputs say themselves, whatever the procedure.
#[derive(Debug)]
pub struct Ui {
    /// Before a problem beside its field.
    pub error: &'static str,
    /// The empty option of a list of choices.
    pub choose: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    /// How to add and remove a list's items.
    pub list_hint: &'static str,
    pub item: &'static str,
    pub new_item: &'static str,
    /// How a date is typed.
    pub date_hint: &'static str,
    /// "A whole number from" {min} "to" {max}.
    pub whole_number: (&'static str, &'static str),
}

pub const UI_VI: Ui = Ui {
    error: "Lỗi: ",
    choose: "— Chọn —",
    yes: "Có",
    no: "Không",
    list_hint: "Điền vào mục trống để thêm; xoá hết các ô của một mục để bỏ mục đó.",
    item: "mục",
    new_item: "(thêm mới)",
    date_hint: "Dạng dd/mm/yyyy.",
    whole_number: ("Số nguyên từ", "đến"),
};

pub const UI_EN: Ui = Ui {
    error: "Error: ",
    choose: "— Choose —",
    yes: "Yes",
    no: "No",
    list_hint: "Fill in the empty item to add one; clear all of an item's boxes to remove it.",
    item: "item",
    new_item: "(new)",
    date_hint: "As dd/mm/yyyy.",
    whole_number: ("A whole number from", "to"),
};

/// A choice among at most this many options is a set of radio buttons, all in view (the
/// GOV.UK pattern); a longer one a list to open.
pub const RADIOS_UP_TO: usize = 5;

/// The id attribute of the input at `pointer`.
pub fn input_id(pointer: &str) -> String {
    format!("f{}", pointer.replace('/', "-"))
}

/// A field's problem, beside it.
pub fn field_error(message: Option<&str>, id: &str) -> Markup {
    field_error_in(&UI_VI, message, id)
}

/// [`field_error`] in the words of `ui`.
pub fn field_error_in(ui: &Ui, message: Option<&str>, id: &str) -> Markup {
    html! {
        @if let Some(message) = message {
            p class="field-error" id=(id) { (ui.error) (message) }
        }
    }
}

/// The provenance entry that locks the value at `pointer`: its own, or a group's above it
/// (a derived value is recorded at its group, `/priority`).
pub fn locking_entry<'v>(prefill: Option<&'v Value>, pointer: &str) -> Option<&'v Value> {
    let prefill = prefill?;
    let mut at = pointer;
    loop {
        if let Some(entry) = prefill.get(at) {
            if entry.get("locked").and_then(Value::as_bool) == Some(true) {
                return Some(entry);
            }
        }
        at = at.rsplit_once('/')?.0;
        if at.is_empty() {
            return None;
        }
    }
}

/// Whether the value at `pointer` was filled by the register (or derived) and locked.
pub fn is_locked(prefill: Option<&Value>, pointer: &str) -> bool {
    locking_entry(prefill, pointer).is_some()
}

/// A form's inputs, for a dossier's data as it is (or as just posted).
pub struct Fields<'a> {
    pub procedure: &'a Procedure,
    /// The dossier's data.
    pub data: &'a Value,
    /// The dossier's provenance of prefilled values (pointer → entry).
    pub prefill: Option<&'a Value>,
    /// The form's fields as posted, shown again after a refusal.
    pub sent: Option<&'a [(String, String)]>,
    pub words: &'a dyn FieldWords,
}

impl Fields<'_> {
    pub fn node(&self, node: &Node<'_>) -> Markup {
        match node {
            Node::Group {
                children, pointer, ..
            } => html! {
                fieldset id=(input_id(pointer)) {
                    legend { (self.words.label(pointer)) }
                    @if let Some(hint) = description(self.procedure, pointer) { p class="hint" { (hint) } }
                    @for child in children { (self.node(child)) }
                }
            },
            Node::List { pointer, .. } => self.list(node, pointer),
            Node::Input(input) if input.kind == Kind::Unsupported => html! {},
            Node::Input(input) if is_locked(self.prefill, &input.pointer) => self.locked(input),
            Node::Input(input) => self.input(input),
        }
    }

    fn locked(&self, input: &Input<'_>) -> Markup {
        let value = self.data.pointer(&input.pointer);
        let entry = locking_entry(self.prefill, &input.pointer);
        html! {
            div class="locked" id=(input_id(&input.pointer)) data-pointer=(input.pointer) {
                span class="locked-label" { (self.words.label(&input.pointer)) ": " }
                span class="value" { (self.shown(input, value)) }
                span class="source" { (self.words.source(entry)) }
            }
        }
    }

    /// A list of objects: a fieldset per item, and an empty one to add another.
    fn list(&self, node: &Node<'_>, pointer: &str) -> Markup {
        let count = match self.sent {
            Some(sent) => {
                let prefix = format!("{pointer}/");
                sent.iter()
                    .filter_map(|(name, _)| name.strip_prefix(&prefix))
                    .filter_map(|rest| rest.split('/').next()?.parse::<usize>().ok())
                    .map(|i| i + 1)
                    .max()
                    .unwrap_or(0)
            }
            None => self
                .data
                .pointer(pointer)
                .and_then(Value::as_array)
                .map_or(0, Vec::len),
        };
        let label = self.words.label(pointer);
        let ui = self.words.ui();
        html! {
            fieldset id=(input_id(pointer)) class="list" {
                legend { (label) }
                @if let Some(hint) = description(self.procedure, pointer) { p class="hint" { (hint) } }
                p class="hint" { (ui.list_hint) }
                (field_error_in(ui, self.words.problem(pointer).as_deref(), &format!("{}-error", input_id(pointer))))
                @for i in 0..=count {
                    fieldset class="row-item" id=(input_id(&format!("{pointer}/{i}"))) {
                        legend { (label) " — " (ui.item) " " (i + 1) @if i == count { " " (ui.new_item) } }
                        @for child in node.row(i) { (self.node(&child)) }
                    }
                }
            }
        }
    }

    /// The values posted for `pointer`, or the data's.
    fn current(&self, input: &Input<'_>) -> Vec<String> {
        match self.sent {
            Some(sent) => sent
                .iter()
                .filter(|(name, _)| *name == input.pointer)
                .map(|(_, v)| v.clone())
                .collect(),
            None => match (input.kind, self.data.pointer(&input.pointer)) {
                (Kind::Choices(_), Some(Value::Array(items))) => {
                    items.iter().map(schema_form::option_value).collect()
                }
                (kind, value) => vec![schema_form::shown(kind, value)],
            },
        }
    }

    /// A value as the page shows it: a choice by its label.
    pub fn shown(&self, input: &Input<'_>, value: Option<&Value>) -> String {
        shown_value_in(self.words.ui(), self.procedure, input, value)
    }

    /// The label of an option of the input's list.
    fn choice(&self, input: &Input<'_>, option: &Value) -> String {
        self.procedure
            .choice_title(&input.pointer, option)
            .map_or_else(|| schema_form::option_value(option), str::to_owned)
    }

    /// The label, and "(không bắt buộc)" where the field may be left empty.
    fn label_of(&self, pointer: &str) -> Markup {
        let optional = self.words.optional().filter(|_| {
            !schema_form::required_now(&self.procedure.spec().form, self.data, pointer)
        });
        html! {
            (self.words.label(pointer))
            @if let Some(optional) = optional { " " span class="optional" { (optional) } }
        }
    }

    fn input(&self, input: &Input<'_>) -> Markup {
        let id = input_id(&input.pointer);
        let error_id = format!("{id}-error");
        let message = self.words.problem(&input.pointer);
        let values = self.current(input);
        let value = values.first().cloned().unwrap_or_default();
        let invalid = message.as_ref().map(|_| "true");
        let hint = hint(input, self.words.ui());
        let hint_id = format!("{id}-hint");
        let described = match (&message, &hint) {
            (Some(_), Some(_)) => Some(format!("{hint_id} {error_id}")),
            (Some(_), None) => Some(error_id.clone()),
            (None, Some(_)) => Some(hint_id.clone()),
            (None, None) => None,
        };
        let name = &input.pointer;
        let ui = self.words.ui();
        // A short choice (or yes and no) as radio buttons: its options with their values.
        let radios: Option<Vec<(String, String)>> = match input.kind {
            Kind::Choice(options) if options.len() <= RADIOS_UP_TO => Some(
                options
                    .iter()
                    .map(|o| (schema_form::option_value(o), self.choice(input, o)))
                    .collect(),
            ),
            Kind::Boolean => Some(vec![
                ("true".to_owned(), ui.yes.to_owned()),
                ("false".to_owned(), ui.no.to_owned()),
            ]),
            _ => None,
        };
        html! {
            div class=(if message.is_some() { "field field-invalid" } else { "field" }) {
                @if let Some(radios) = radios {
                    fieldset id=(id) class="radios" aria-describedby=[described.as_deref()] {
                        legend { (self.label_of(name)) }
                        @if let Some(hint) = &hint { p class="hint" id=(hint_id) { (hint) } }
                        (field_error_in(ui, message.as_deref(), &error_id))
                        @for (i, (v, title)) in radios.iter().enumerate() {
                            @let option_id = format!("{id}-{i}");
                            div class="check" {
                                input type="radio" id=(option_id) name=(name) value=(v) checked[*v == value];
                                label for=(option_id) { (title) }
                            }
                        }
                    }
                } @else {
                @match input.kind {
                    Kind::Choices(options) => {
                        fieldset id=(id) aria-describedby=[described.as_deref()] {
                            legend { (self.label_of(name)) }
                            @if let Some(hint) = &hint { p class="hint" id=(hint_id) { (hint) } }
                            (field_error_in(ui, message.as_deref(), &error_id))
                            @for (i, option) in options.iter().enumerate() {
                                @let v = schema_form::option_value(option);
                                @let option_id = format!("{id}-{i}");
                                div class="check" {
                                    input type="checkbox" id=(option_id) name=(name) value=(v) checked[values.contains(&v)];
                                    label for=(option_id) { (self.choice(input, option)) }
                                }
                            }
                        }
                    },
                    _ => {
                        label for=(id) { (self.label_of(name)) }
                        @if let Some(hint) = &hint { p class="hint" id=(hint_id) { (hint) } }
                        (field_error_in(ui, message.as_deref(), &error_id))
                        @match input.kind {
                            Kind::Choice(options) => {
                                select id=(id) name=(name) aria-invalid=[invalid] aria-describedby=[described.as_deref()] {
                                    option value="" { (ui.choose) }
                                    @for option in options {
                                        @let v = schema_form::option_value(option);
                                        option value=(v) selected[v == value] { (self.choice(input, option)) }
                                    }
                                }
                            },
                            Kind::Lines => {
                                textarea id=(id) name=(name) rows="3" aria-invalid=[invalid] aria-describedby=[described.as_deref()] { (value) }
                            },
                            _ => {
                                input type=(if input.kind == Kind::Email { "email" } else { "text" })
                                    id=(id) name=(name) value=(value)
                                    inputmode=[input_mode(input.kind)]
                                    placeholder=[(input.kind == Kind::Date).then_some("dd/mm/yyyy")]
                                    maxlength=[input.schema.get("maxLength").and_then(Value::as_u64)]
                                    autocomplete="off"
                                    aria-invalid=[invalid] aria-describedby=[described.as_deref()];
                            },
                        }
                    },
                }
                }
            }
        }
    }
}

/// A value of the form as a person reads it: a choice by its label, a date `dd/mm/yyyy`,
/// yes or no in the words of `ui`.
pub fn shown_value_in(
    ui: &Ui,
    procedure: &Procedure,
    input: &Input<'_>,
    value: Option<&Value>,
) -> String {
    if let Some(Value::Array(items)) = value {
        if matches!(input.kind, Kind::Choices(_)) {
            return items
                .iter()
                .map(|v| {
                    procedure
                        .choice_title(&input.pointer, v)
                        .map_or_else(|| schema_form::option_value(v), str::to_owned)
                })
                .collect::<Vec<_>>()
                .join(", ");
        }
    }
    match value {
        Some(Value::Bool(true)) => ui.yes.to_owned(),
        Some(Value::Bool(false)) => ui.no.to_owned(),
        _ => value
            .and_then(|v| procedure.choice_title(&input.pointer, v))
            .map_or_else(|| schema_form::shown(input.kind, value), str::to_owned),
    }
}

fn description<'p>(procedure: &'p Procedure, pointer: &str) -> Option<&'p str> {
    motcua_core::procedure::form::schema_at(&procedure.spec().form, pointer)
        .and_then(|s| s.get("description"))
        .and_then(Value::as_str)
}

fn input_mode(kind: Kind<'_>) -> Option<&'static str> {
    match kind {
        Kind::Integer => Some("numeric"),
        Kind::Number => Some("decimal"),
        _ => None,
    }
}

/// What to type: the field's description in the procedure file, then what its type takes.
fn hint(input: &Input<'_>, ui: &Ui) -> Option<String> {
    let number = |name: &str| input.schema.get(name).and_then(Value::as_f64);
    let typed = match input.kind {
        Kind::Date => Some(ui.date_hint.to_owned()),
        Kind::Integer => match (number("minimum"), number("maximum")) {
            (Some(min), Some(max)) => Some(format!(
                "{} {min} {} {max}.",
                ui.whole_number.0, ui.whole_number.1
            )),
            _ => None,
        },
        _ => None,
    };
    let described = input.schema.get("description").and_then(Value::as_str);
    match (described, typed) {
        (Some(d), Some(t)) => Some(format!("{d} {t}")),
        (Some(d), None) => Some(d.to_owned()),
        (None, t) => t,
    }
}
