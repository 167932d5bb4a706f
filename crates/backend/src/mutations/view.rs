//! One mutation for a reviewer: each submitted value beside the register's value today, with the reviewer's flags, and its neighbours in the table.

use super::*;

/// The label of a contact person's detail, a notification setting or a consent.
pub(super) fn detail_label(key: &str) -> String {
    match key {
        "first_name" => "First name",
        "last_name_prefix" => "Last name prefix",
        "last_name" => "Last name",
        "email" => "E-mail address",
        "phone" => "Phone number",
        "role" => "Role",
        "left" => "Has left",
        "notify_scope" => "Notifications about",
        "notify_when" => "Notify when",
        "e_marketing" => "E-marketing consent",
        other => other,
    }
    .to_string()
}

/// A stored detail value as staff read it.
pub(super) fn detail_value(key: &str, v: &str) -> String {
    match (key, v) {
        ("notify_scope", "own") => "Their own matters".into(),
        ("notify_scope", "all") => "Everything of the organisation".into(),
        ("notify_scope", "none") => "Nothing".into(),
        ("notify_when", "every_change") => "Every change".into(),
        ("notify_when", "closing") => "Only at closing".into(),
        (_, "yes") => "Yes".into(),
        (_, "no") => "No".into(),
        ("e_marketing", "given") => "Given".into(),
        ("e_marketing", "withdrawn") => "Withdrawn".into(),
        ("e_marketing", "none") => "Not asked".into(),
        _ => v.to_string(),
    }
}

/// The flags of one submitted value: `now` is the register's value today.
pub(super) async fn flags_for(
    state: &AppState,
    company_id: i64,
    contact_id: i64,
    key: &str,
    now: Option<&str>,
    submitted: Option<&str>,
) -> Result<Vec<Flag>, Error> {
    let mut out = Vec::new();
    let Some(value) = submitted else {
        return Ok(out);
    };
    if now == Some(value) {
        out.push(Flag::AlreadyInDms);
    }
    match key {
        "email" => {
            for (customer_no, name) in
                db::contact::others_with_email(&state.pool, company_id, contact_id, value).await?
            {
                out.push(Flag::EmailOfOther { customer_no, name });
            }
            if let Some(why) = plausible::email(value) {
                out.push(Flag::Implausible(why));
            }
        }
        "phone" | "mobile" => {
            if let Some(why) = plausible::phone(value) {
                out.push(Flag::Implausible(why));
            }
        }
        "house_number" => {
            if let Some(why) = plausible::house_number(value) {
                out.push(Flag::Implausible(why));
            }
        }
        _ => {}
    }
    Ok(out)
}

/// One mutation for a reviewer, with its neighbours in the table's order when `q` is
/// the table's query.
pub async fn view(
    state: &AppState,
    scope: &CompanyScope,
    id: MutationId,
    q: &MutationQuery,
) -> Result<MutationView, Error> {
    let tz = &state.settings.time_zone;
    let pool = &state.pool;
    let h = db::mutation::head(pool, scope, id.0)
        .await?
        .ok_or(AppError::NotFound)?;
    let k = db::contact::get(pool, scope, h.contact_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let catalogue = db::field_def::list(pool).await?;
    let attributes = db::contact::attributes(pool, k.id).await?;
    let persons = db::contact::persons(pool, k.id).await?;
    let subscriptions = db::subscription::names(pool).await?;
    let changes = db::mutation::changes(pool, h.id).await?;

    let mut fields = Vec::new();
    let mut person_groups: Vec<(Option<i64>, Option<i16>, PersonChanges)> = Vec::new();
    let mut preferences = Vec::new();
    for c in changes {
        match c.section.as_str() {
            "field" => {
                let def = catalogue.iter().find(|f| f.key == c.field_key);
                let label = def
                    .map(|f| f.label_en.clone())
                    .unwrap_or_else(|| c.field_key.clone());
                // An answer may name a field the catalogue has since removed: its
                // values are shown as text.
                let ty = def
                    .map(|f| f.field_type)
                    .unwrap_or(datacheck_core::domain::FieldType::Text);
                let now = def
                    .and_then(|f| k.value_of(&f.key, f.builtin, &attributes))
                    .map(str::to_string);
                let flags = flags_for(
                    state,
                    h.company_id,
                    k.id,
                    &c.field_key,
                    now.as_deref(),
                    c.submitted_value.as_deref(),
                )
                .await?;
                let shown = |v: Option<String>| v.map(|v| ty.display(&v));
                fields.push(ChangeLine {
                    label,
                    at_submission: shown(c.dms_value.clone().filter(|v| Some(v) != now.as_ref())),
                    now: shown(now),
                    submitted: shown(c.submitted_value),
                    flags,
                });
            }
            "person" | "notification" => {
                let current = c
                    .person_id
                    .and_then(|pid| persons.iter().find(|p| p.id == pid));
                let now = current.and_then(|p| match c.field_key.as_str() {
                    "first_name" => p.first_name.clone(),
                    "last_name_prefix" => p.last_name_prefix.clone(),
                    "last_name" => p.last_name.clone(),
                    "email" => p.email.clone(),
                    "phone" => p.phone.clone(),
                    "role" => p.role.clone(),
                    "left" => Some(if p.left_at.is_some() { "yes" } else { "no" }.into()),
                    "notify_scope" => Some(p.notify_scope.clone()),
                    "notify_when" => Some(p.notify_when.clone()),
                    _ => None,
                });
                let flags = flags_for(
                    state,
                    h.company_id,
                    k.id,
                    &c.field_key,
                    now.as_deref(),
                    c.submitted_value.as_deref(),
                )
                .await?;
                let key = c.field_key.clone();
                let shown = |v: Option<String>| v.map(|v| detail_value(&key, &v));
                let line = ChangeLine {
                    label: detail_label(&c.field_key),
                    at_submission: shown(c.dms_value.clone().filter(|v| Some(v) != now.as_ref())),
                    now: shown(now),
                    submitted: shown(c.submitted_value),
                    flags,
                };
                let group = person_groups
                    .iter_mut()
                    .find(|(p, n, _)| *p == c.person_id && *n == c.new_person);
                match group {
                    Some((_, _, g)) => g.lines.push(line),
                    None => {
                        let who = match (current, c.new_person) {
                            (Some(p), _) => display_name(
                                datacheck_core::wire::ContactKind::Person,
                                p.first_name.as_deref(),
                                p.last_name_prefix.as_deref(),
                                p.last_name.as_deref(),
                                None,
                            )
                            .unwrap_or_else(|| format!("Contact person #{}", p.id)),
                            (None, Some(n)) => format!("Added person {n}"),
                            (None, None) => "A contact person since removed".into(),
                        };
                        person_groups.push((
                            c.person_id,
                            c.new_person,
                            PersonChanges {
                                who,
                                added: c.new_person.is_some(),
                                lines: vec![line],
                            },
                        ));
                    }
                }
            }
            "subscription" => {
                let label = subscriptions
                    .iter()
                    .find(|(key, _)| *key == c.field_key)
                    .map(|(_, name)| format!("Subscription: {name}"))
                    .unwrap_or_else(|| format!("Subscription: {}", c.field_key));
                preferences.push(ChangeLine {
                    label,
                    now: None,
                    at_submission: c.dms_value.map(|v| detail_value("", &v)),
                    submitted: c.submitted_value.map(|v| detail_value("", &v)),
                    flags: vec![],
                });
            }
            _ => preferences.push(ChangeLine {
                label: detail_label(&c.field_key),
                now: None,
                at_submission: c.dms_value.map(|v| detail_value(&c.field_key, &v)),
                submitted: c.submitted_value.map(|v| detail_value(&c.field_key, &v)),
                flags: vec![],
            }),
        }
    }
    // An unchanged answer: the fields it confirmed carry its moment (one transaction).
    let confirmed = if fields.is_empty() && person_groups.is_empty() && preferences.is_empty() {
        let at = db::contact::confirmed_at(pool, k.id, h.created_at).await?;
        catalogue
            .iter()
            .filter(|f| at.contains(&f.key))
            .map(|f| {
                let ty = f.field_type;
                (
                    f.label_en.clone(),
                    k.value_of(&f.key, f.builtin, &attributes)
                        .map(|v| ty.display(v)),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    let (prev, next) = match check(scope, tz, q) {
        Ok(c) => {
            let mut conn = pool.acquire().await?;
            db::mutation::neighbours(
                &mut conn,
                scope,
                &c.filter,
                c.descending,
                Keyset {
                    created_at: h.created_at,
                    id: h.id,
                },
            )
            .await?
        }
        // A damaged table query only loses the neighbours, not the page.
        Err(_) => (None, None),
    };
    Ok(MutationView {
        id: MutationId(h.id),
        status: h.status,
        contact: ContactId(k.id),
        customer_no: k.customer_no.clone(),
        name: k.display_name(),
        company: CompanyRef {
            id: CompanyId(h.company_id),
            name: h.company_name,
        },
        run: h.run_id.zip(h.run_name).map(|(id, n)| (RunId(id), n)),
        source: h.source,
        language: h.language,
        created: local_time::date_time(h.created_at, tz),
        processed: h.processed_at.map(|t| local_time::date_time(t, tz)),
        processed_by: h.processed_by,
        fields,
        persons: person_groups.into_iter().map(|(_, _, g)| g).collect(),
        preferences,
        confirmed,
        prev: prev.map(MutationId),
        next: next.map(MutationId),
    })
}
