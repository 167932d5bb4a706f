//! The staff review of mutations: the table's filters and rows, one mutation's
//! changes beside the register's values, and the bulk actions.

use super::{CompanyRef, ContactId, RunId, id_type};
use serde::{Deserialize, Serialize};

/// What an answer says: something changed, or all was correct.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerKind {
    Changed,
    Unchanged,
}

crate::closed_set!(AnswerKind {
    Changed => "changed",
    Unchanged => "unchanged",
});

/// Which page an answer came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerSource {
    /// The data check's page (`/c`).
    Portal,
    /// The preferences page (`/p`).
    Preferences,
    /// A one-click unsubscribe (`/u`).
    Unsubscribe,
}

crate::closed_set!(AnswerSource {
    Portal => "portal",
    Preferences => "preferences",
    Unsubscribe => "unsubscribe",
});

/// What part of a contact one change of an answer is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    Field,
    Person,
    Notification,
    Subscription,
    Consent,
}

crate::closed_set!(Section {
    Field => "field",
    Person => "person",
    Notification => "notification",
    Subscription => "subscription",
    Consent => "consent",
});

id_type!(
    /// One customer answer through a personal link.
    MutationId
);

/// Where a mutation stands in the review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MutationStatus {
    New,
    Processed,
    Ignored,
}

crate::closed_set!(MutationStatus {
    New => "new",
    Processed => "processed",
    Ignored => "ignored",
});

impl MutationStatus {
    pub fn parse(s: &str) -> Option<Self> {
        crate::closed::ClosedSet::from_stored(s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::New => "New",
            Self::Processed => "Processed",
            Self::Ignored => "Ignored",
        }
    }
}

/// The table's filters, as they sit in the URL. `status` absent means "new": the
/// review queue; `all` shows every status.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MutationQuery {
    pub status: Option<String>,
    pub company: Option<i64>,
    pub run: Option<i64>,
    /// Created on or after this day (`YYYY-MM-DD`, the organisation's time zone).
    pub from: Option<String>,
    /// Created on or before this day.
    pub until: Option<String>,
    /// Words in the customer number, name or e-mail address.
    pub q: Option<String>,
    /// `created` (oldest first, the default: a queue is worked from its front) or
    /// `-created`.
    pub sort: Option<String>,
    pub after: Option<String>,
    pub before: Option<String>,
}

impl MutationQuery {
    /// The query from URL parameters; blank values are absent. A company or run that
    /// is not a number is refused here; the server checks the rest.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<MutationQuery, crate::error::AppError> {
        let mut q = MutationQuery::default();
        for (k, v) in pairs {
            let v = v.trim();
            if v.is_empty() {
                continue;
            }
            let id = |field: &str, what: &str| {
                v.parse::<i64>().map_err(|_| {
                    crate::error::AppError::invalid(field, format!("There is no such {what}."))
                })
            };
            match k {
                "status" => q.status = Some(v.into()),
                "company" => q.company = Some(id("company", "company")?),
                "run" => q.run = Some(id("run", "data check")?),
                "from" => q.from = Some(v.into()),
                "until" => q.until = Some(v.into()),
                "q" => q.q = Some(v.into()),
                "sort" => q.sort = Some(v.into()),
                "after" => q.after = Some(v.into()),
                "before" => q.before = Some(v.into()),
                _ => {}
            }
        }
        Ok(q)
    }

    /// The query string of these filters (no cursor), to carry from the table to a
    /// mutation's page and back.
    pub fn filter_pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let mut push = |k: &'static str, v: Option<String>| {
            if let Some(v) = v.filter(|v| !v.trim().is_empty()) {
                out.push((k, v));
            }
        };
        push("status", self.status.clone());
        push("company", self.company.map(|c| c.to_string()));
        push("run", self.run.map(|r| r.to_string()));
        push("from", self.from.clone());
        push("until", self.until.clone());
        push("q", self.q.clone());
        push("sort", self.sort.clone());
        out
    }
}

/// A count that stops at a ceiling, so counting never reads a million rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capped {
    pub n: i64,
    /// There are more than `n`.
    pub more: bool,
}

impl Capped {
    pub fn label(self) -> String {
        let n = crate::display::count(self.n);
        if self.more { format!("{n}+") } else { n }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MutationRow {
    pub id: MutationId,
    pub contact: ContactId,
    pub customer_no: String,
    pub name: String,
    pub company: String,
    pub run: Option<(RunId, String)>,
    /// Where the answer came from: `portal` (a data check), `preferences` (the
    /// preferences page) or `unsubscribe` (one-click from a mail).
    pub source: AnswerSource,
    pub status: MutationStatus,
    /// Changed fields and details; 0 for "confirmed unchanged".
    pub changes: i64,
    pub created: String,
    pub processed: Option<String>,
    pub processed_by: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MutationPage {
    pub rows: Vec<MutationRow>,
    /// Per status, for the other filters.
    pub counts: Vec<(MutationStatus, Capped)>,
    /// The rows the current filter matches (capped).
    pub total: Capped,
    pub next: Option<String>,
    pub prev: Option<String>,
}

/// A run to filter by.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunOption {
    pub id: RunId,
    pub name: String,
    pub company: String,
}

/// Something a reviewer should look at twice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Flag {
    /// The submitted e-mail address is another contact's (customer number, name).
    EmailOfOther { customer_no: String, name: String },
    /// The register already holds the submitted value: probably processed already.
    AlreadyInDms,
    /// The value passed the checks but looks wrong (a sentence saying why).
    Implausible(String),
}

impl Flag {
    pub fn text(&self) -> String {
        match self {
            Flag::EmailOfOther { customer_no, name } => {
                format!("Also the e-mail address of {customer_no} ({name})")
            }
            Flag::AlreadyInDms => "The DMS already has this value: processed already?".into(),
            Flag::Implausible(why) => why.clone(),
        }
    }
}

/// One changed value: the register's value now, its value when the customer answered
/// (shown when it has changed since), and what the customer submitted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeLine {
    pub label: String,
    pub now: Option<String>,
    pub at_submission: Option<String>,
    pub submitted: Option<String>,
    pub flags: Vec<Flag>,
}

/// The changes that belong to one contact person (or to one the customer added).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonChanges {
    /// The person's name, or "Added person 1".
    pub who: String,
    pub added: bool,
    pub lines: Vec<ChangeLine>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MutationView {
    pub id: MutationId,
    pub status: MutationStatus,
    pub contact: ContactId,
    pub customer_no: String,
    pub name: String,
    pub company: CompanyRef,
    pub run: Option<(RunId, String)>,
    /// Where the answer came from: `portal` (a data check), `preferences` (the
    /// preferences page) or `unsubscribe` (one-click from a mail).
    pub source: AnswerSource,
    /// The language the customer answered in.
    pub language: String,
    pub created: String,
    pub processed: Option<String>,
    pub processed_by: Option<String>,
    pub fields: Vec<ChangeLine>,
    pub persons: Vec<PersonChanges>,
    /// Subscriptions and e-marketing consent (already in effect: the customer's own
    /// choice needs no processing in the DMS, only copying).
    pub preferences: Vec<ChangeLine>,
    /// "Confirmed unchanged": the fields the customer confirmed, with their values.
    pub confirmed: Vec<(String, Option<String>)>,
    /// Neighbours in the table's order and filter.
    pub prev: Option<MutationId>,
    pub next: Option<MutationId>,
}

/// What a bulk action applies to: the ticked rows, or everything the filter matches.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Selection {
    Ids(Vec<MutationId>),
    Filter(MutationQuery),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReviewAction {
    Process,
    Ignore,
    Delete,
}

impl ReviewAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Process => "process",
            Self::Ignore => "ignore",
            Self::Delete => "delete",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Process, Self::Ignore, Self::Delete]
            .into_iter()
            .find(|a| a.as_str() == s)
    }

    /// The verb on buttons and in confirmations.
    pub fn verb(self) -> &'static str {
        match self {
            Self::Process => "Process",
            Self::Ignore => "Ignore",
            Self::Delete => "Delete",
        }
    }

    /// Process and ignore apply to new mutations only; delete to any.
    pub fn applies_to(self, status: MutationStatus) -> bool {
        self == Self::Delete || status == MutationStatus::New
    }
}

/// Where an answer came from, in words: its data check, or the preferences page or a
/// one-click unsubscribe.
pub fn answer_origin(source: AnswerSource, run: Option<&(RunId, String)>) -> String {
    match (source, run) {
        (AnswerSource::Preferences, _) => "the preferences page".into(),
        (AnswerSource::Unsubscribe, _) => "one-click unsubscribe".into(),
        (_, Some((_, name))) => name.clone(),
        (_, None) => "a data check since deleted".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_actions_round_trip_their_names() {
        for &s in MutationStatus::ALL {
            assert_eq!(MutationStatus::parse(s.as_str()), Some(s));
        }
        for a in [
            ReviewAction::Process,
            ReviewAction::Ignore,
            ReviewAction::Delete,
        ] {
            assert_eq!(ReviewAction::parse(a.as_str()), Some(a));
        }
        assert_eq!(MutationStatus::parse("all"), None);
    }

    #[test]
    fn capped_counts_say_when_there_are_more() {
        assert_eq!(
            Capped {
                n: 10_000,
                more: true
            }
            .label(),
            "10,000+"
        );
        assert_eq!(Capped { n: 12, more: false }.label(), "12");
    }

    #[test]
    fn filter_pairs_leave_out_blanks_and_cursors() {
        let q = MutationQuery {
            status: Some("all".into()),
            run: Some(5),
            q: Some("  ".into()),
            after: Some("x".into()),
            ..Default::default()
        };
        assert_eq!(
            q.filter_pairs(),
            vec![("status", "all".to_string()), ("run", "5".to_string())]
        );
    }
}
