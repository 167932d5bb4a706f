//! The field catalogue as the field editor and the contact pages see it.

use crate::domain::{ChoiceOption, FieldType};
use serde::{Deserialize, Serialize};

/// One field of the catalogue: built in (a column of the contact) or a custom attribute.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldDef {
    pub key: String,
    pub builtin: bool,
    pub field_type: FieldType,
    pub label_nl: String,
    pub label_en: String,
    pub choices: Vec<ChoiceOption>,
    pub required: bool,
    pub customer_visible: bool,
    pub customer_editable: bool,
    pub position: i32,
    /// Contacts with a value for this field.
    pub values: i64,
}

impl FieldDef {
    /// Built-in fields whose editability is fixed: the DMS key is never the customer's
    /// to change.
    pub fn locked(&self) -> bool {
        self.builtin && self.key == "customer_no"
    }
}

/// What changing a field would do to the values contacts already have, shown before
/// the change is confirmed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChangeReport {
    pub key: String,
    pub from: FieldType,
    pub to: FieldType,
    /// Values that exist now.
    pub values: i64,
    /// Values that do not parse as the new type, and are cleared when confirmed.
    pub unparsable: i64,
    /// The first of them, as `(customer number, value, why)`.
    pub examples: Vec<UnparsableValue>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnparsableValue {
    pub customer_no: String,
    pub company: String,
    pub value: String,
    pub message: String,
}

/// The answer to saving a field: saved, or a report that needs confirmation first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FieldSaved {
    Saved { key: String },
    NeedsConfirmation(FieldChangeReport),
}
