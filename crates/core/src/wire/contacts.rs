//! Contacts as the staff pages list and show them.

use super::{CompanyRef, ContactId};
use serde::{Deserialize, Serialize};

/// A contact of the register: a person, or an organisation with contact persons.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactKind {
    Person,
    Organisation,
}

crate::closed_set!(ContactKind {
    Person => "person",
    Organisation => "organisation",
});

/// The filters, sort and page of the contacts table, exactly as they sit in the URL
/// query (`?company=2&q=jansen&sort=-updated&after=…`), so a view can be bookmarked.
/// Every field is optional and checked by the server, which ignores nothing silently:
/// an unknown sort or a malformed cursor is an error.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactQuery {
    pub company: Option<i64>,
    /// `person` or `organisation`.
    pub kind: Option<String>,
    pub city: Option<String>,
    /// `yes` or `no`.
    pub has_email: Option<String>,
    /// Free text over name, customer number and e-mail address.
    pub q: Option<String>,
    /// `name`, `customer_no`, `city` or `updated`; a leading `-` sorts descending.
    pub sort: Option<String>,
    /// Keyset cursors: the page after / before this row.
    pub after: Option<String>,
    pub before: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactListRow {
    pub id: ContactId,
    pub company: String,
    pub customer_no: String,
    pub kind: ContactKind,
    pub name: String,
    pub email: Option<String>,
    pub city: Option<String>,
    pub updated: String,
}

/// One page of the contacts table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactPage {
    pub rows: Vec<ContactListRow>,
    /// All contacts matching the filters (not only this page).
    pub total: i64,
    pub with_email: i64,
    /// Cursors for the neighbouring pages, when there are any.
    pub next: Option<String>,
    pub prev: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactDetail {
    pub id: ContactId,
    pub company: CompanyRef,
    pub customer_no: String,
    pub kind: ContactKind,
    pub name: String,
    /// Every catalogue field in catalogue order, with this contact's value.
    pub fields: Vec<ContactFieldValue>,
    pub persons: Vec<ContactPersonRow>,
    /// The contact who checks this one's data, if any.
    pub managed_by: Option<ContactRef>,
    /// The contacts whose data this one checks (the first of them, by name), and how
    /// many there are in all.
    pub manages: Vec<ContactRef>,
    pub manages_total: i64,
    pub created: String,
    pub updated: String,
}

/// Another contact, as a link on a contact's page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactRef {
    pub id: ContactId,
    pub name: String,
    pub customer_no: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactFieldValue {
    pub key: String,
    pub label: String,
    pub builtin: bool,
    pub value: Option<String>,
    /// When the customer last confirmed this field, if ever.
    pub confirmed: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactPersonRow {
    pub id: i64,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub role: Option<String>,
    /// In words: "Own tickets, every status change".
    pub notifications: String,
    pub left: Option<String>,
}

/// How staff pages name a contact: the organisation's name, or the person's name parts
/// in letter order ("Jan van der Berg"); the customer number when there is neither.
pub fn display_name(
    kind: ContactKind,
    first: Option<&str>,
    prefix: Option<&str>,
    last: Option<&str>,
    organisation: Option<&str>,
) -> Option<String> {
    let person = [first, prefix, last]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let organisation = organisation.filter(|s| !s.is_empty());
    match (kind, organisation) {
        (ContactKind::Organisation, Some(o)) => Some(o.to_string()),
        _ if !person.is_empty() => Some(person),
        (_, o) => o.map(str::to_string),
    }
}

/// Notification preferences of a contact person, in words.
pub fn notifications_label(scope: &str, when: &str) -> String {
    let scope = match scope {
        "none" => return "No notifications".into(),
        "all" => "All of the organisation's tickets",
        _ => "Own tickets",
    };
    let when = match when {
        "closing" => "only when closed",
        _ => "every status change",
    };
    format!("{scope}, {when}")
}
