//! The rules of a customer's answer, the same in the browser and on the server: the
//! posted form read back into an answer (a name the page never renders refuses the
//! form), every typed value checked by the register's own rules, and what the answer
//! changes against what the page offered. The server runs them again on every post;
//! nothing the browser says about what is editable is believed.

use crate::domain::{
    CountryCode, Email, FieldType, Invalid, PersonName, Problem, Text, builtin_canonical,
};
use crate::wire::*;
use std::collections::{BTreeMap, BTreeSet};

/// The form's name/value pairs as the parts of an answer. A name this page never
/// renders is refused: a form is either ours or crafted.
pub fn parse_posted(pairs: &[(String, String)]) -> Result<Posted, String> {
    let mut p = Posted::default();
    let mut subs_marked = false;
    let mut subs = BTreeSet::new();
    let mut new_persons: BTreeMap<usize, PersonAnswer> = BTreeMap::new();
    for (name, value) in pairs {
        let value = value.clone();
        match name.as_str() {
            "key" => p.submission_key = value,
            "lang" => p.language = Some(value),
            "intent" => p.intent = value,
            "switch_lang" => {
                p.intent = "lang".into();
                p.language = Some(value);
            }
            "subs" => subs_marked = true,
            "consent" => p.answer.consent = Some(value),
            _ => {
                if let Some(key) = name.strip_prefix("f.") {
                    p.answer.fields.insert(key.to_string(), value);
                } else if let Some(key) = name.strip_prefix("sub.") {
                    subs.insert(key.to_string());
                } else if let Some((who, detail)) = name.split_once('.') {
                    let ok = if let Some(id) = who.strip_prefix('p') {
                        let id: i64 = id.parse().map_err(|_| name.clone())?;
                        p.answer.persons.entry(id).or_default().set(detail, value)
                    } else if let Some(i) = who.strip_prefix('n') {
                        let i: usize = i.parse().map_err(|_| name.clone())?;
                        if i >= MAX_NEW_PERSONS {
                            return Err(name.clone());
                        }
                        new_persons.entry(i).or_default().set(detail, value)
                    } else {
                        false
                    };
                    if !ok {
                        return Err(name.clone());
                    }
                } else {
                    return Err(name.clone());
                }
            }
        }
    }
    if subs_marked {
        p.answer.subscriptions = Some(subs);
    } else if !subs.is_empty() {
        return Err("sub.".into());
    }
    p.answer.new_persons = new_persons.into_values().collect();
    // The language switch is a button of its own; its value wins over the hidden one.
    if let Some((_, v)) = pairs.iter().rev().find(|(n, _)| n == "switch_lang") {
        p.language = Some(v.clone());
    }
    Ok(p)
}

/// Checks an answer against what the view offers and returns its changes, or the
/// problems with what was typed.
pub fn changes(
    view: &PortalView,
    answer: &Answer,
) -> Result<Result<Vec<Change>, Vec<AnswerProblem>>, NotOffered> {
    let country = answer
        .fields
        .get("country")
        .and_then(|c| CountryCode::parse(c).ok())
        .or_else(|| CountryCode::parse(&view.country).ok())
        .unwrap_or_else(CountryCode::netherlands);
    let mut out = Vec::new();
    let mut problems = Vec::new();
    // Contact fields: only the editable ones of this run.
    for (key, raw) in &answer.fields {
        let Some(f) = view.fields.iter().find(|f| &f.key == key && f.editable) else {
            return Err(NotOffered(format!("f.{key}")));
        };
        let name = format!("f.{key}");
        let new = if crate::domain::normalize(raw).is_empty() {
            if f.required {
                problems.push(AnswerProblem {
                    name,
                    problem: Problem::Required,
                });
                continue;
            }
            None
        } else {
            match canonical_field(f, raw, &country) {
                Ok(v) => Some(v),
                Err(e) => {
                    problems.push(AnswerProblem { name, problem: e.1 });
                    continue;
                }
            }
        };
        let old = f.value.clone();
        // The value as shown, sent back untouched, is no change: the browser cannot
        // read a phone number the way the server stores it.
        let same_as_old = match (&old, &new) {
            (Some(o), Some(n)) => {
                o == n
                    || canonical_field(f, o, &country).is_ok_and(|c| &c == n)
                    || crate::domain::normalize(raw)
                        == crate::domain::normalize(&view.edit_text(f.field_type, o))
            }
            (None, None) => true,
            _ => false,
        };
        if !same_as_old {
            out.push(Change {
                target: ChangeTarget::Field,
                key: key.clone(),
                old,
                new,
            });
        }
    }
    // Contact persons.
    let persons = view.persons.as_deref();
    if persons.is_none() && (!answer.persons.is_empty() || !answer.new_persons.is_empty()) {
        return Err(NotOffered("persons".into()));
    }
    for (id, pa) in &answer.persons {
        let Some(current) = persons.into_iter().flatten().find(|p| p.id == *id) else {
            return Err(NotOffered(format!("p{id}")));
        };
        let prefix = format!("p{id}");
        let Some(mut checked) = check_person(view, &prefix, pa, &mut problems)? else {
            continue;
        };
        // The number as shown, sent back untouched, is the stored one.
        if let Some(stored) = &current.phone
            && crate::domain::normalize(&pa.phone) == view.phone_written(stored)
        {
            checked.details[PHONE] = Some(stored.clone());
        }
        let was = [
            ("first_name", &current.first_name),
            ("last_name_prefix", &current.last_name_prefix),
            ("last_name", &current.last_name),
            ("email", &current.email),
            ("phone", &current.phone),
            ("role", &current.role),
        ];
        for ((key, old), new) in was.into_iter().zip(checked.details) {
            if *old != new {
                out.push(Change {
                    target: ChangeTarget::Person(*id),
                    key: key.into(),
                    old: old.clone(),
                    new,
                });
            }
        }
        if pa.left != current.left {
            out.push(Change {
                target: ChangeTarget::Person(*id),
                key: "left".into(),
                old: Some(yes_no(current.left)),
                new: Some(yes_no(pa.left)),
            });
        }
        if let Some((scope, when)) = checked.notify {
            for (key, old, new) in [
                ("notify_scope", &current.notify_scope, scope),
                ("notify_when", &current.notify_when, when),
            ] {
                if *old != new {
                    out.push(Change {
                        target: ChangeTarget::Notification(*id),
                        key: key.into(),
                        old: Some(old.clone()),
                        new: Some(new),
                    });
                }
            }
        }
    }
    for (i, pa) in answer.new_persons.iter().enumerate() {
        if pa.is_blank() {
            continue;
        }
        if pa.left {
            return Err(NotOffered(format!("n{i}.left")));
        }
        let prefix = format!("n{i}");
        let Some(checked) = check_person(view, &prefix, pa, &mut problems)? else {
            continue;
        };
        for (key, new) in PERSON_DETAILS.into_iter().zip(checked.details) {
            if new.is_some() {
                out.push(Change {
                    target: ChangeTarget::NewPerson(i),
                    key: key.into(),
                    old: None,
                    new,
                });
            }
        }
        if let Some((scope, when)) = checked.notify {
            for (key, new) in [("notify_scope", scope), ("notify_when", when)] {
                out.push(Change {
                    target: ChangeTarget::NewNotification(i),
                    key: key.into(),
                    old: None,
                    new: Some(new),
                });
            }
        }
    }
    // Subscriptions and consent.
    match (&view.subscriptions, &answer.subscriptions) {
        (None, Some(_)) => return Err(NotOffered("subs".into())),
        (Some(s), Some(ticked)) => {
            if let Some(k) = ticked
                .iter()
                .find(|k| !s.types.iter().any(|t| &t.key == *k))
            {
                return Err(NotOffered(format!("sub.{k}")));
            }
            for t in &s.types {
                let now = ticked.contains(&t.key);
                if now != t.subscribed {
                    out.push(Change {
                        target: ChangeTarget::Subscription,
                        key: t.key.clone(),
                        old: Some(yes_no(t.subscribed)),
                        new: Some(yes_no(now)),
                    });
                }
            }
        }
        _ => {}
    }
    match (&view.subscriptions, &answer.consent) {
        (None, Some(_)) => return Err(NotOffered("consent".into())),
        (Some(s), Some(c)) => {
            if c != "given" && c != "withdrawn" && c != "none" {
                return Err(NotOffered("consent".into()));
            }
            // "none" can be shown but not chosen: an answer gives or withdraws.
            if c != &s.consent && c != "none" {
                out.push(Change {
                    target: ChangeTarget::Consent,
                    key: "e_marketing".into(),
                    old: Some(s.consent.clone()),
                    new: Some(c.clone()),
                });
            }
        }
        _ => {}
    }
    Ok(if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    })
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.into()
}

/// The stored form of a typed field value. `raw` is not blank.
pub fn canonical_field(
    f: &PortalField,
    raw: &str,
    country: &CountryCode,
) -> Result<String, Invalid> {
    if crate::domain::BUILTIN_KEYS.contains(&f.key.as_str()) {
        builtin_canonical(&f.key, raw, country)
    } else {
        f.field_type.canonical(raw, &f.choices, country)
    }
}

/// Where the phone number is among a person's details (`PERSON_DETAILS`).
const PHONE: usize = 4;

struct CheckedPerson {
    /// In the order of `PERSON_DETAILS`.
    details: [Option<String>; 6],
    notify: Option<(String, String)>,
}

/// A person's details in stored form, or `None` with the problems noted.
fn check_person(
    view: &PortalView,
    prefix: &str,
    pa: &PersonAnswer,
    problems: &mut Vec<AnswerProblem>,
) -> Result<Option<CheckedPerson>, NotOffered> {
    let before = problems.len();
    let mut note = |detail: &str, e: Invalid| {
        problems.push(AnswerProblem {
            name: format!("{prefix}.{detail}"),
            problem: e.1,
        })
    };
    let opt = |raw: &str| {
        let t = crate::domain::normalize(raw);
        (!t.is_empty()).then_some(t)
    };
    let name = match PersonName::parse(&pa.first_name, &pa.last_name_prefix, &pa.last_name) {
        Ok(n) => Some(n),
        Err((detail, e)) => {
            note(detail, e);
            None
        }
    };
    // A person's number without a country code is one of the organisation's country.
    let country = CountryCode::parse(&view.country).unwrap_or_else(|_| CountryCode::netherlands());
    let email = match opt(&pa.email).map(|s| Email::parse(&s)).transpose() {
        Ok(v) => v.map(|e| e.as_str().to_string()),
        Err(e) => {
            note("email", e);
            None
        }
    };
    let phone = match opt(&pa.phone)
        .map(|s| FieldType::Phone.canonical(&s, &[], &country))
        .transpose()
    {
        Ok(v) => v,
        Err(e) => {
            note("phone", e);
            None
        }
    };
    let role = match opt(&pa.role).map(|s| Text::parse(&s, 80)).transpose() {
        Ok(v) => v.map(|t| t.as_str().to_string()),
        Err(e) => {
            note("role", e);
            None
        }
    };
    let notify = if view.notifications {
        if !NOTIFY_SCOPES.contains(&pa.notify_scope.as_str())
            || !NOTIFY_WHEN.contains(&pa.notify_when.as_str())
        {
            return Err(NotOffered(format!("{prefix}.notify")));
        }
        Some((pa.notify_scope.clone(), pa.notify_when.clone()))
    } else {
        if !pa.notify_scope.is_empty() || !pa.notify_when.is_empty() {
            return Err(NotOffered(format!("{prefix}.notify")));
        }
        None
    };
    if problems.len() > before {
        return Ok(None);
    }
    Ok(Some(CheckedPerson {
        details: [
            name.as_ref()
                .and_then(|n| n.first.as_ref())
                .map(|n| n.as_str().to_string()),
            name.as_ref()
                .and_then(|n| n.prefix.as_ref())
                .map(|n| n.as_str().to_string()),
            name.as_ref()
                .and_then(|n| n.last.as_ref())
                .map(|n| n.as_str().to_string()),
            email,
            phone,
            role,
        ],
        notify,
    }))
}

/// The problem for one input, if any.
pub fn problem_for<'a>(problems: &'a [AnswerProblem], name: &str) -> Option<&'a Problem> {
    problems.iter().find(|p| p.name == name).map(|p| &p.problem)
}

/// Checks one typed value as the server will, for messages while typing.
pub fn check_field_input(view: &PortalView, key: &str, raw: &str) -> Option<Problem> {
    let f = view.fields.iter().find(|f| f.key == key)?;
    if crate::domain::normalize(raw).is_empty() {
        return f.required.then_some(Problem::Required);
    }
    let country = CountryCode::parse(&view.country).unwrap_or_else(|_| CountryCode::netherlands());
    canonical_field(f, raw, &country).err().map(|e| e.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(key: &str, ty: FieldType, value: Option<&str>, editable: bool) -> PortalField {
        PortalField {
            key: key.into(),
            label: key.into(),
            field_type: ty,
            choices: Vec::new(),
            value: value.map(str::to_string),
            editable,
            required: false,
        }
    }

    /// A page offering the e-mail and phone for editing, the city read-only, no persons.
    fn view() -> PortalView {
        PortalView {
            action: "/c/x".into(),
            company: "Garage".into(),
            name: "Anna".into(),
            language: "nl".into(),
            valid_until: String::new(),
            country: "NL".into(),
            fields: vec![
                field("email", FieldType::Email, Some("anna@example.nl"), true),
                field("phone", FieldType::Phone, Some("+31612345678"), true),
                field("city", FieldType::Text, Some("Utrecht"), false),
            ],
            persons: None,
            notifications: false,
            subscriptions: None,
            submission_key: "k".into(),
            responded: None,
            written: [("+31612345678".to_string(), "06 12345678".to_string())].into(),
        }
    }

    fn answer(fields: &[(&str, &str)]) -> Answer {
        Answer {
            fields: fields
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..Answer::default()
        }
    }

    #[test]
    fn a_changed_editable_field_is_one_change_with_the_old_and_new_value() {
        let found = changes(&view(), &answer(&[("email", " Anna@Example.NL ")]));
        // The same address as stored, differently typed, is no change at all.
        assert_eq!(found, Ok(Ok(Vec::new())));
        let found = changes(&view(), &answer(&[("email", "anna@dekker.nl")]));
        assert_eq!(
            found,
            Ok(Ok(vec![Change {
                target: ChangeTarget::Field,
                key: "email".into(),
                old: Some("anna@example.nl".into()),
                new: Some("anna@dekker.nl".into()),
            }]))
        );
    }

    #[test]
    fn a_value_is_compared_in_its_stored_form() {
        // A Dutch mobile number typed the local way is the stored +31 number.
        let found = changes(&view(), &answer(&[("phone", "06 12 34 56 78")]));
        assert_eq!(found, Ok(Ok(Vec::new())));
    }

    #[test]
    fn a_phone_number_sent_back_as_shown_is_no_change() {
        let v = view();
        let shown = Answer::initial(&v);
        assert_eq!(shown.fields["phone"], "06 12345678");
        assert_eq!(changes(&v, &shown), Ok(Ok(Vec::new())));
        // A person's number, shown the same way, likewise.
        let mut v = view();
        v.persons = Some(vec![PortalPerson {
            id: 7,
            first_name: Some("Piet".into()),
            last_name: Some("Smit".into()),
            phone: Some("+31612345678".into()),
            ..PortalPerson::default()
        }]);
        let shown = Answer::initial(&v);
        assert_eq!(shown.persons[&7].phone, "06 12345678");
        let mut a = Answer {
            persons: shown.persons,
            ..Answer::default()
        };
        assert_eq!(changes(&v, &a), Ok(Ok(Vec::new())));
        a.persons.get_mut(&7).unwrap().phone = "06 87654321".into();
        let found = changes(&v, &a).unwrap().unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].new.as_deref(), Some("+31687654321"));
    }

    #[test]
    fn clearing_an_optional_field_is_a_change_to_nothing() {
        let found = changes(&view(), &answer(&[("phone", "  ")]))
            .unwrap()
            .unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].new, None);
        assert_eq!(found[0].old.as_deref(), Some("+31612345678"));
    }

    #[test]
    fn typing_mistakes_are_problems_by_field_and_change_nothing() {
        let found = changes(
            &view(),
            &answer(&[("email", "anna@"), ("phone", "+31612345678")]),
        );
        let problems = found.unwrap().unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].name, "f.email");
    }

    #[test]
    fn a_field_the_page_does_not_offer_for_editing_refuses_the_whole_answer() {
        // Read-only on this page: a form that sends it was not the page's.
        assert_eq!(
            changes(&view(), &answer(&[("city", "Amersfoort")])),
            Err(NotOffered("f.city".into()))
        );
        assert_eq!(
            changes(&view(), &answer(&[("salary", "1")])),
            Err(NotOffered("f.salary".into()))
        );
        // Persons on a page that shows none.
        let mut a = Answer::default();
        a.new_persons.push(PersonAnswer {
            first_name: "Piet".into(),
            ..PersonAnswer::default()
        });
        assert_eq!(changes(&view(), &a), Err(NotOffered("persons".into())));
    }
}
