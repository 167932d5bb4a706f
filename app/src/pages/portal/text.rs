//! The customer page's words that depend on data: problem messages, values in the
//! reader's language, and the lines of a review. Shared, so the server's review and
//! the browser's messages say the same.

use crate::i18n::{Locale, td_string};
use datacheck_core::domain::{FieldType, Problem};
use datacheck_core::wire::{Change, ChangeLine, ChangeTarget, PortalView, display_name};

/// The page's locale for a language code; Dutch unless English is asked for.
pub fn locale(language: &str) -> Locale {
    if language == "en" {
        Locale::en
    } else {
        Locale::nl
    }
}

pub fn code(l: Locale) -> &'static str {
    match l {
        Locale::en => "en",
        Locale::nl => "nl",
    }
}

pub fn problem_text(l: Locale, p: &Problem) -> String {
    match p {
        Problem::Empty => td_string!(l, problem_empty).to_string(),
        Problem::Required => td_string!(l, problem_required).to_string(),
        Problem::ControlChars => td_string!(l, problem_control_chars).to_string(),
        Problem::TooLong { max, len } => td_string!(l, problem_too_long, max = *max, len = *len),
        Problem::CountryCode => td_string!(l, problem_country_code).to_string(),
        Problem::CustomerNoEmpty
        | Problem::CustomerNoTooLong { .. }
        | Problem::CustomerNoChar { .. }
        | Problem::FieldKey => td_string!(l, problem_customer_no).to_string(),
        Problem::EmailEmpty => td_string!(l, problem_email_empty).to_string(),
        Problem::EmailOne => td_string!(l, problem_email_one).to_string(),
        Problem::EmailInvalid => td_string!(l, problem_email_invalid).to_string(),
        Problem::Choice { options } => td_string!(l, problem_choice, options = options),
        Problem::Language => td_string!(l, problem_language).to_string(),
        Problem::HouseNumber => td_string!(l, problem_house_number).to_string(),
        Problem::NotAField => td_string!(l, problem_not_a_field).to_string(),
        Problem::Date => td_string!(l, problem_date).to_string(),
        Problem::YearRange => td_string!(l, problem_year_range).to_string(),
        Problem::DateNotExist => td_string!(l, problem_date_not_exist).to_string(),
        Problem::YesNo => td_string!(l, problem_yes_no).to_string(),
        Problem::NameChar { c } => td_string!(l, problem_name_char, c = *c),
        Problem::NameNoLetter => td_string!(l, problem_name_no_letter).to_string(),
        Problem::NamePrefix => td_string!(l, problem_name_prefix).to_string(),
        Problem::NameMissing => td_string!(l, problem_name_missing).to_string(),
        Problem::PrefixWithoutLast => td_string!(l, problem_prefix_without_last).to_string(),
        Problem::PhoneEmpty => td_string!(l, problem_phone_empty).to_string(),
        Problem::PhoneChar { c } => td_string!(l, problem_phone_char, c = *c),
        Problem::PhoneDigits => td_string!(l, problem_phone_digits).to_string(),
        Problem::PhoneInvalid => td_string!(l, problem_phone_invalid).to_string(),
        Problem::PostalEmpty => td_string!(l, problem_postal_empty).to_string(),
        Problem::PostalNl => td_string!(l, problem_postal_nl).to_string(),
        Problem::PostalOther => td_string!(l, problem_postal_other).to_string(),
    }
}

pub fn yes_no(l: Locale, yes: bool) -> String {
    if yes {
        td_string!(l, yes).to_string()
    } else {
        td_string!(l, no).to_string()
    }
}

/// A stored field value as the customer reads it.
pub fn field_value(l: Locale, view: &PortalView, ty: FieldType, stored: &str) -> String {
    match ty {
        FieldType::Phone => view.phone_written(stored),
        FieldType::YesNo => yes_no(l, stored == "yes"),
        FieldType::Language => match stored {
            "nl" => td_string!(l, value_lang_nl).to_string(),
            "en" => td_string!(l, value_lang_en).to_string(),
            other => other.to_string(),
        },
        // Dates day first; country codes as typed, since the names would be English
        // only (and the staff list's names stay out of this bundle).
        FieldType::Date => datacheck_core::domain::day_first(stored),
        _ => stored.to_string(),
    }
}

pub fn notify_scope(l: Locale, v: &str) -> String {
    match v {
        "none" => td_string!(l, notify_scope_none).to_string(),
        "all" => td_string!(l, notify_scope_all).to_string(),
        _ => td_string!(l, notify_scope_own).to_string(),
    }
}

pub fn notify_when(l: Locale, v: &str) -> String {
    match v {
        "closing" => td_string!(l, notify_when_closing).to_string(),
        _ => td_string!(l, notify_when_every_change).to_string(),
    }
}

pub fn consent_state(l: Locale, v: &str) -> String {
    match v {
        "given" => td_string!(l, consent_state_given).to_string(),
        "withdrawn" => td_string!(l, consent_state_withdrawn).to_string(),
        _ => td_string!(l, consent_state_none).to_string(),
    }
}

fn person_detail(l: Locale, key: &str) -> String {
    match key {
        "first_name" => td_string!(l, person_first_name).to_string(),
        "last_name_prefix" => td_string!(l, person_last_name_prefix).to_string(),
        "last_name" => td_string!(l, person_last_name).to_string(),
        "email" => td_string!(l, person_email).to_string(),
        "phone" => td_string!(l, person_phone).to_string(),
        "role" => td_string!(l, person_role).to_string(),
        "left" => td_string!(l, person_left).to_string(),
        "notify_scope" => td_string!(l, notify_about).to_string(),
        "notify_when" => td_string!(l, notify_when).to_string(),
        other => other.to_string(),
    }
}

fn detail_value(l: Locale, view: &PortalView, key: &str, v: &str) -> String {
    match key {
        "phone" => view.phone_written(v),
        "left" => yes_no(l, v == "yes"),
        "notify_scope" => notify_scope(l, v),
        "notify_when" => notify_when(l, v),
        _ => v.to_string(),
    }
}

/// How one change's values read.
type Shown<'v> = Box<dyn Fn(&str) -> String + 'v>;

/// The review's lines for a set of changes, in the reader's language.
pub fn change_lines(view: &PortalView, changes: &[Change], l: Locale) -> Vec<ChangeLine> {
    let is_added = |c: &Change, i: usize| matches!(c.target, ChangeTarget::NewPerson(j) | ChangeTarget::NewNotification(j) if j == i);
    // A person being added is one line: who, and the details given.
    let added_line = |i: usize| {
        let part = |k: &str| {
            changes
                .iter()
                .find(|c| is_added(c, i) && c.key == k)
                .and_then(|c| c.new.as_deref())
        };
        let mut new = display_name(
            datacheck_core::wire::ContactKind::Person,
            part("first_name"),
            part("last_name_prefix"),
            part("last_name"),
            None,
        )
        .unwrap_or_default();
        let details: Vec<String> = changes
            .iter()
            .filter(|c| {
                is_added(c, i)
                    && !matches!(
                        c.key.as_str(),
                        "first_name" | "last_name_prefix" | "last_name"
                    )
            })
            .filter_map(|c| c.new.as_deref().map(|v| detail_value(l, view, &c.key, v)))
            .collect();
        if !details.is_empty() {
            new = format!("{new} ({})", details.join(", "));
        }
        ChangeLine {
            what: td_string!(l, person_new).to_string(),
            old: None,
            new: Some(new),
        }
    };
    let person_name = |id: i64| {
        view.persons
            .iter()
            .flatten()
            .find(|p| p.id == id)
            .map(|p| p.name())
            .unwrap_or_default()
    };
    // Changes come in the order of the form (fields, persons, added persons,
    // subscriptions, consent); the lines keep it.
    let mut lines = Vec::new();
    let mut added: Vec<usize> = Vec::new();
    for c in changes {
        let (what, shown): (String, Shown) = match &c.target {
            ChangeTarget::NewPerson(i) | ChangeTarget::NewNotification(i) => {
                if !added.contains(i) {
                    added.push(*i);
                    lines.push(added_line(*i));
                }
                continue;
            }
            ChangeTarget::Field => {
                let f = view.fields.iter().find(|f| f.key == c.key);
                let label = f.map(|f| f.label.clone()).unwrap_or_else(|| c.key.clone());
                let ty = f.map(|f| f.field_type).unwrap_or(FieldType::Text);
                (label, Box::new(move |v: &str| field_value(l, view, ty, v)))
            }
            ChangeTarget::Person(id) | ChangeTarget::Notification(id) => {
                let key = c.key.clone();
                (
                    td_string!(
                        l,
                        change_person,
                        name = person_name(*id),
                        detail = person_detail(l, &c.key)
                    ),
                    Box::new(move |v: &str| detail_value(l, view, &key, v)),
                )
            }
            ChangeTarget::Subscription => {
                let name = view
                    .subscriptions
                    .iter()
                    .flat_map(|s| &s.types)
                    .find(|t| t.key == c.key)
                    .map(|t| t.name.clone())
                    .unwrap_or_else(|| c.key.clone());
                (
                    td_string!(l, change_subscription, name = name),
                    Box::new(move |v: &str| {
                        if v == "yes" {
                            td_string!(l, subscribed).to_string()
                        } else {
                            td_string!(l, not_subscribed).to_string()
                        }
                    }),
                )
            }
            ChangeTarget::Consent => (
                td_string!(l, change_consent).to_string(),
                Box::new(move |v: &str| consent_state(l, v)),
            ),
        };
        lines.push(ChangeLine {
            what,
            old: c.old.as_deref().map(&shown),
            new: c.new.as_deref().map(&shown),
        });
    }
    lines
}

/// The customer's words as the backend keeps them: the same translations as the page.
pub struct PortalWords;

/// The one instance the server hands to the backend's state.
pub static WORDS: PortalWords = PortalWords;

impl datacheck_core::words::CustomerWords for PortalWords {
    fn change_lines(&self, view: &PortalView, changes: &[Change]) -> Vec<ChangeLine> {
        change_lines(view, changes, locale(&view.language))
    }

    fn consent_statement(&self, language: &str, company: &str) -> String {
        let l = locale(language);
        format!(
            "{} {}",
            td_string!(l, consent_legend),
            td_string!(l, consent_text, company = company.to_string())
        )
    }

    fn unsubscribed_statement(&self, language: &str) -> String {
        td_string!(locale(language), prefs_unsubscribed_text).to_string()
    }
}
