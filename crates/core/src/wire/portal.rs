//! The customer page's data and the rules of an answer, compiled on both sides: the
//! browser checks what is typed with the same code the server runs on the posted form,
//! so the messages match. The server builds the `PortalView` from the database and
//! trusts nothing from the form beyond what this view allows.
//!
//! Form names: `f.<field key>` for a contact field, `p<id>.<detail>` for an existing
//! contact person, `n<i>.<detail>` for a person being added, `sub.<key>` for a ticked
//! subscription (`subs` marks the section as sent, since unticked boxes send nothing),
//! `consent` for e-marketing consent. `key`, `lang` and `intent` steer the form.

use crate::domain::{ChoiceOption, FieldType, Problem};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PortalState {
    Open(Box<PortalView>, PortalStep),
    /// Expired, cancelled or revoked: the same page for all three. `fresh_link` says
    /// whether a new link can still be sent (the run is open), and `sent` whether it
    /// just was.
    Expired {
        language: String,
        /// The company that sent the link, when the link names one.
        company: Option<String>,
        fresh_link: bool,
        sent: Option<FreshLinkOutcome>,
    },
    /// Not a link of ours; says nothing more.
    Invalid,
    /// Too many invalid links from this address.
    Throttled,
    /// A posted form asked for something this link may not change; nothing was saved.
    Refused {
        language: String,
        company: Option<String>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FreshLinkOutcome {
    Sent,
    /// One was sent recently; the mail is on its way.
    TooSoon,
    Unavailable,
}

/// Where the customer is in the page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PortalStep {
    /// The form, prefilled from the register (or with what was typed, and why it was
    /// refused).
    Form {
        answer: Answer,
        problems: Vec<AnswerProblem>,
    },
    /// Old → new for each change, before the customer confirms.
    Review {
        answer: Answer,
        changes: Vec<ChangeLine>,
    },
    /// After an answer: thanks, and what was sent.
    Done,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalView {
    /// The form's address, `/c/<token>`.
    pub action: String,
    pub company: String,
    pub name: String,
    /// The language the page is shown in (the contact's, unless switched).
    pub language: String,
    pub valid_until: String,
    /// The contact's country: it decides the postal code rules.
    pub country: String,
    /// Fields the run shows, in catalogue order; hidden ones are not here at all.
    pub fields: Vec<PortalField>,
    /// Present when the run shows contact persons.
    pub persons: Option<Vec<PortalPerson>>,
    /// Whether each person's notification preferences are shown.
    pub notifications: bool,
    /// Present when the run shows subscriptions and consent.
    pub subscriptions: Option<Subscriptions>,
    /// A fresh key per rendered form: the answer it sends is saved once.
    pub submission_key: String,
    /// The latest answer through this link, if any.
    pub responded: Option<Responded>,
    /// The page's phone numbers as people of the contact's country write them, by
    /// stored (E.164) form. The server fills it: the browser has no numbering plan.
    pub written: BTreeMap<String, String>,
}

impl PortalView {
    /// A stored value as the customer reads and edits it: dates day first, phone
    /// numbers as written in the contact's country, the rest as stored.
    pub fn edit_text(&self, ty: FieldType, stored: &str) -> String {
        match ty {
            FieldType::Date => crate::domain::day_first(stored),
            FieldType::Phone => self.phone_written(stored),
            _ => stored.to_string(),
        }
    }

    /// A stored phone number as written in the contact's country (as stored when the
    /// server did not write it).
    pub fn phone_written(&self, stored: &str) -> String {
        self.written
            .get(stored)
            .cloned()
            .unwrap_or_else(|| stored.to_string())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalField {
    pub key: String,
    pub label: String,
    pub field_type: FieldType,
    pub choices: Vec<ChoiceOption>,
    /// The register's value in its stored form.
    pub value: Option<String>,
    pub editable: bool,
    pub required: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalPerson {
    pub id: i64,
    pub first_name: Option<String>,
    pub last_name_prefix: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub role: Option<String>,
    pub notify_scope: String,
    pub notify_when: String,
    pub left: bool,
}

impl PortalPerson {
    /// "Jan van der Berg", as the page and the review name the person.
    pub fn name(&self) -> String {
        crate::wire::display_name(
            crate::wire::ContactKind::Person,
            self.first_name.as_deref(),
            self.last_name_prefix.as_deref(),
            self.last_name.as_deref(),
            None,
        )
        .unwrap_or_default()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscriptions {
    pub types: Vec<SubscriptionChoice>,
    /// E-marketing consent now: `given`, `withdrawn` or `none`.
    pub consent: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionChoice {
    pub key: String,
    pub name: String,
    pub description: String,
    pub subscribed: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Responded {
    pub at: String,
    pub changed: bool,
    pub changes: Vec<ChangeLine>,
}

/// One line of a review or of a sent answer, ready to show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeLine {
    /// What changed: a field's label, or "Contact person Jan Smit: e-mail".
    pub what: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// A refused value: the form name of the input and the problem.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerProblem {
    pub name: String,
    pub problem: Problem,
}

/// What the form holds: the raw text of every input, as typed.
#[serde_with::serde_as]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub fields: BTreeMap<String, String>,
    /// By person id, sent as a list of pairs: as a JSON object its keys would be strings,
    /// which the browser's reader of the page's data (serde-wasm-bindgen) does not take
    /// for numbers, and the page would not hydrate.
    #[serde_as(as = "Vec<(_, _)>")]
    pub persons: BTreeMap<i64, PersonAnswer>,
    pub new_persons: Vec<PersonAnswer>,
    /// The ticked subscription keys, when the section was sent.
    pub subscriptions: Option<BTreeSet<String>>,
    pub consent: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonAnswer {
    pub first_name: String,
    pub last_name_prefix: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
    pub role: String,
    pub left: bool,
    pub notify_scope: String,
    pub notify_when: String,
}

impl PersonAnswer {
    pub(crate) fn is_blank(&self) -> bool {
        [
            &self.first_name,
            &self.last_name_prefix,
            &self.last_name,
            &self.email,
            &self.phone,
            &self.role,
        ]
        .iter()
        .all(|s| s.trim().is_empty())
    }

    pub(crate) fn set(&mut self, detail: &str, value: String) -> bool {
        match detail {
            "first_name" => self.first_name = value,
            "last_name_prefix" => self.last_name_prefix = value,
            "last_name" => self.last_name = value,
            "email" => self.email = value,
            "phone" => self.phone = value,
            "role" => self.role = value,
            "left" => self.left = !value.is_empty(),
            "notify_scope" => self.notify_scope = value,
            "notify_when" => self.notify_when = value,
            _ => return false,
        }
        true
    }
}

/// The steering inputs of a posted form, beside the answer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Posted {
    pub answer: Answer,
    pub submission_key: String,
    pub language: Option<String>,
    pub intent: String,
}

/// At most this many persons can be added in one answer.
pub const MAX_NEW_PERSONS: usize = 10;
pub const NOTIFY_SCOPES: [&str; 3] = ["none", "own", "all"];
pub const NOTIFY_WHEN: [&str; 2] = ["every_change", "closing"];
pub const PERSON_DETAILS: [&str; 6] = [
    "first_name",
    "last_name_prefix",
    "last_name",
    "email",
    "phone",
    "role",
];

impl Answer {
    /// The form as first shown: the register's values.
    pub fn initial(view: &PortalView) -> Answer {
        Answer {
            fields: view
                .fields
                .iter()
                .filter(|f| f.editable)
                .map(|f| {
                    let shown = f
                        .value
                        .as_deref()
                        .map(|v| view.edit_text(f.field_type, v))
                        .unwrap_or_default();
                    (f.key.clone(), shown)
                })
                .collect(),
            persons: view
                .persons
                .iter()
                .flatten()
                .map(|p| {
                    (
                        p.id,
                        PersonAnswer {
                            first_name: p.first_name.clone().unwrap_or_default(),
                            last_name_prefix: p.last_name_prefix.clone().unwrap_or_default(),
                            last_name: p.last_name.clone().unwrap_or_default(),
                            email: p.email.clone().unwrap_or_default(),
                            phone: p
                                .phone
                                .as_deref()
                                .map(|v| view.phone_written(v))
                                .unwrap_or_default(),
                            role: p.role.clone().unwrap_or_default(),
                            left: p.left,
                            notify_scope: p.notify_scope.clone(),
                            notify_when: p.notify_when.clone(),
                        },
                    )
                })
                .collect(),
            new_persons: Vec::new(),
            subscriptions: view.subscriptions.as_ref().map(|s| {
                s.types
                    .iter()
                    .filter(|t| t.subscribed)
                    .map(|t| t.key.clone())
                    .collect()
            }),
            consent: view.subscriptions.as_ref().map(|s| s.consent.clone()),
        }
    }

    /// The answer as form pairs, for the hidden inputs of the review step.
    pub fn to_pairs(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (k, v) in &self.fields {
            out.push((format!("f.{k}"), v.clone()));
        }
        let person = |out: &mut Vec<(String, String)>, prefix: String, p: &PersonAnswer| {
            for (d, v) in [
                ("first_name", &p.first_name),
                ("last_name_prefix", &p.last_name_prefix),
                ("last_name", &p.last_name),
                ("email", &p.email),
                ("phone", &p.phone),
                ("role", &p.role),
            ] {
                out.push((format!("{prefix}.{d}"), v.clone()));
            }
            if p.left {
                out.push((format!("{prefix}.left"), "on".into()));
            }
            if !p.notify_scope.is_empty() {
                out.push((format!("{prefix}.notify_scope"), p.notify_scope.clone()));
            }
            if !p.notify_when.is_empty() {
                out.push((format!("{prefix}.notify_when"), p.notify_when.clone()));
            }
        };
        for (id, p) in &self.persons {
            person(&mut out, format!("p{id}"), p);
        }
        for (i, p) in self.new_persons.iter().enumerate() {
            person(&mut out, format!("n{i}"), p);
        }
        if let Some(subs) = &self.subscriptions {
            out.push(("subs".into(), "1".into()));
            for k in subs {
                out.push((format!("sub.{k}"), "on".into()));
            }
        }
        if let Some(c) = &self.consent {
            out.push(("consent".into(), c.clone()));
        }
        out
    }
}

/// Where a change applies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChangeTarget {
    Field,
    Person(i64),
    NewPerson(usize),
    Notification(i64),
    NewNotification(usize),
    Subscription,
    Consent,
}

/// One change in stored form: what the mutation records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub target: ChangeTarget,
    pub key: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// Why a posted answer was refused as a whole: it names something the page does not
/// offer (a crafted form). Typing mistakes are `AnswerProblem`s instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotOffered(pub String);

#[cfg(test)]
mod tests {
    use super::{Answer, PersonAnswer};

    #[test]
    fn an_answer_sends_its_persons_as_pairs_and_reads_them_back() {
        let mut answer = Answer::default();
        answer.persons.insert(
            12,
            PersonAnswer {
                first_name: "Anna".into(),
                ..PersonAnswer::default()
            },
        );
        let json = serde_json::to_value(&answer).unwrap();
        assert!(json["persons"].is_array(), "{json}");
        assert_eq!(json["persons"][0][0], 12);
        assert_eq!(serde_json::from_value::<Answer>(json).unwrap(), answer);
    }
}
