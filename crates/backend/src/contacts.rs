//! Reading the contact register for staff: the checked form of a `ContactQuery`, keyset
//! cursors, and the assembled contact detail. Writing is `server::import`'s job.

use crate::Error;
use crate::db::contact::{Direction, Keyset, ListFilter, SortKey};
use crate::scope::CompanyScope;
use crate::{AppState, db, local_time};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use datacheck_core::error::AppError;
use datacheck_core::wire::ContactKind;
use datacheck_core::wire::{
    CompanyId, CompanyRef, ContactDetail, ContactFieldValue, ContactId, ContactListRow,
    ContactPage, ContactPersonRow, ContactQuery, ContactRef, display_name, notifications_label,
};

/// Contacts per company, for the companies in `scope`.
pub async fn counts(
    state: &AppState,
    scope: &CompanyScope,
) -> Result<Vec<datacheck_core::wire::CompanyContactCount>, Error> {
    let rows = db::contact::counts_in_scope(&state.pool, scope).await?;
    Ok(rows
        .into_iter()
        .map(|r| datacheck_core::wire::CompanyContactCount {
            company: CompanyRef {
                id: CompanyId(r.company_id),
                name: r.company_name,
            },
            contacts: r.contacts,
            with_email: r.with_email,
        })
        .collect())
}

/// One contact of the register as the DMS reads it back: the row, its own fields, and
/// its contact persons.
pub struct Record {
    pub contact: db::contact::Full,
    pub attributes: Vec<db::contact::AttributeRow>,
    pub persons: Vec<db::contact::PersonRow>,
    /// The customer number of the contact's data manager.
    pub managed_by: Option<String>,
}

/// The contact `customer_no` of `company`, if it is in `scope`.
pub async fn id_by_customer_no(
    state: &AppState,
    scope: &CompanyScope,
    company: i64,
    customer_no: &str,
) -> Result<Option<ContactId>, Error> {
    Ok(
        db::contact::id_by_customer_no(&state.pool, scope, company, customer_no)
            .await?
            .map(ContactId),
    )
}

/// The contact `customer_no` of `company` with its fields and persons, if it is in
/// `scope`.
pub async fn record(
    state: &AppState,
    scope: &CompanyScope,
    company: i64,
    customer_no: &str,
) -> Result<Option<Record>, Error> {
    let pool = &state.pool;
    let Some(id) = id_by_customer_no(state, scope, company, customer_no).await? else {
        return Ok(None);
    };
    let Some(contact) = db::contact::get(pool, scope, id.0).await? else {
        return Ok(None);
    };
    Ok(Some(Record {
        contact,
        attributes: db::contact::attributes(pool, id.0).await?,
        persons: db::contact::persons(pool, id.0).await?,
        managed_by: db::contact::managers::manager_of(pool, id.0)
            .await?
            .map(|m| m.customer_no),
    }))
}

/// A cursor names the last (or first) row of a page: its id and its sort value.
pub fn encode_cursor(k: &Keyset) -> String {
    format!("{}.{}", k.id, URL_SAFE_NO_PAD.encode(k.value.as_bytes()))
}

pub fn decode_cursor(s: &str) -> Option<Keyset> {
    let (id, value) = s.split_once('.')?;
    let id = id.parse().ok()?;
    let value = String::from_utf8(URL_SAFE_NO_PAD.decode(value).ok()?).ok()?;
    Some(Keyset { value, id })
}

/// The query with every part checked; blank parts are absent.
pub struct Checked {
    pub filter: ListFilter,
    pub sort: SortKey,
    pub descending: bool,
    pub from: Option<(Keyset, Direction)>,
}

fn blank_to_none(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

pub fn check(scope: &CompanyScope, q: &ContactQuery) -> Result<Checked, Error> {
    let company = match q.company {
        Some(id) => Some(
            scope
                .require(CompanyId(id))
                .map_err(|_| AppError::invalid("company", "There is no such company."))?
                .0,
        ),
        None => None,
    };
    let kind = match blank_to_none(&q.kind) {
        None => None,
        Some("person") => Some("person"),
        Some("organisation") => Some("organisation"),
        Some(_) => return Err(AppError::invalid("kind", "Choose person or organisation.").into()),
    };
    let has_email = match blank_to_none(&q.has_email) {
        None => None,
        Some("yes") => Some(true),
        Some("no") => Some(false),
        Some(_) => return Err(AppError::invalid("has_email", "Choose yes or no.").into()),
    };
    let city = blank_to_none(&q.city).map(datacheck_core::domain::normalize);
    let text = blank_to_none(&q.q).map(datacheck_core::domain::normalize);
    if text.as_ref().is_some_and(|t| t.chars().count() > 100) {
        return Err(AppError::invalid("q", "Search for at most 100 characters.").into());
    }
    let (descending, sort) = match blank_to_none(&q.sort) {
        None => (false, "name"),
        Some(s) => match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        },
    };
    let sort = SortKey::parse(sort).ok_or_else(|| {
        AppError::invalid(
            "sort",
            "Sort by name, customer number, city or last update.",
        )
    })?;
    let cursor = |s: &str| {
        decode_cursor(s).ok_or_else(|| {
            AppError::invalid(
                "after",
                "This page link is damaged: start again from the first page.",
            )
        })
    };
    let from = match (blank_to_none(&q.after), blank_to_none(&q.before)) {
        (Some(a), None) => Some((cursor(a)?, Direction::Forward)),
        (None, Some(b)) => Some((cursor(b)?, Direction::Backward)),
        (None, None) => None,
        (Some(_), Some(_)) => {
            return Err(AppError::invalid(
                "after",
                "Ask for the page after or before a row, not both.",
            )
            .into());
        }
    };
    Ok(Checked {
        filter: ListFilter {
            company,
            kind,
            city,
            has_email,
            text,
        },
        sort,
        descending,
        from,
    })
}

pub async fn list(
    state: &AppState,
    scope: &CompanyScope,
    q: &ContactQuery,
    page_size: i64,
) -> Result<ContactPage, Error> {
    let c = check(scope, q)?;
    let from = c.from.as_ref().map(|(k, d)| (k, *d));
    let mut rows = db::contact::list_page(
        &state.pool,
        scope,
        &c.filter,
        c.sort,
        c.descending,
        from,
        page_size,
    )
    .await?;
    let counts = db::contact::list_counts(&state.pool, scope, &c.filter).await?;
    let more = rows.len() as i64 > page_size;
    if more {
        // The extra row lies beyond the page in the direction we walked.
        match c.from {
            Some((_, Direction::Backward)) => {
                rows.remove(0);
            }
            _ => {
                rows.pop();
            }
        }
    }
    let key = |r: &db::contact::ListRow| {
        encode_cursor(&Keyset {
            value: r.sort_value.clone(),
            id: r.id,
        })
    };
    let (has_next, has_prev) = match c.from {
        None => (more, false),
        Some((_, Direction::Forward)) => (more, true),
        Some((_, Direction::Backward)) => (true, more),
    };
    let next = rows.last().filter(|_| has_next).map(key);
    let prev = rows.first().filter(|_| has_prev).map(key);
    let tz = &state.settings.time_zone;
    Ok(ContactPage {
        rows: rows
            .into_iter()
            .map(|r| ContactListRow {
                id: ContactId(r.id),
                name: display_name(
                    r.kind,
                    r.first_name.as_deref(),
                    r.last_name_prefix.as_deref(),
                    r.last_name.as_deref(),
                    r.organisation_name.as_deref(),
                )
                .unwrap_or_default(),
                company: r.company_name,
                customer_no: r.customer_no,
                kind: r.kind,
                email: r.email,
                city: r.city,
                updated: local_time::date_time(r.updated_at, tz),
            })
            .collect(),
        total: counts.total,
        with_email: counts.with_email,
        next,
        prev,
    })
}

pub async fn detail(
    state: &AppState,
    scope: &CompanyScope,
    id: ContactId,
) -> Result<ContactDetail, Error> {
    let pool = &state.pool;
    let tz = &state.settings.time_zone;
    let k = db::contact::get(pool, scope, id.0)
        .await?
        .ok_or(AppError::NotFound)?;
    let catalogue = db::field_def::list(pool).await?;
    let attributes = db::contact::attributes(pool, k.id).await?;
    let confirmations = db::contact::confirmations(pool, k.id).await?;
    let persons = db::contact::persons(pool, k.id).await?;
    let related = |r: db::contact::managers::Related| ContactRef {
        id: ContactId(r.id),
        name: r.name(),
        customer_no: r.customer_no,
    };
    let managed_by = db::contact::managers::manager_of(pool, k.id)
        .await?
        .map(related);
    let manages = db::contact::managers::managed_by(pool, k.id, MANAGES_SHOWN)
        .await?
        .into_iter()
        .map(related)
        .collect();
    let manages_total = db::contact::managers::managed_count(pool, k.id).await?;
    let fields = catalogue
        .into_iter()
        .map(|f| {
            let value = k.value_of(&f.key, f.builtin, &attributes);
            let ty = f.field_type;
            let value = value.map(|v| ty.display(v));
            ContactFieldValue {
                confirmed: confirmations
                    .iter()
                    .find(|c| c.field_key == f.key)
                    .map(|c| local_time::date_time(c.confirmed_at, tz)),
                key: f.key,
                label: f.label_en,
                builtin: f.builtin,
                value,
            }
        })
        .collect();
    Ok(ContactDetail {
        id: ContactId(k.id),
        company: CompanyRef {
            id: CompanyId(k.company_id),
            name: k.company_name.clone(),
        },
        name: k.display_name(),
        customer_no: k.customer_no.clone(),
        kind: k.kind,
        fields,
        persons: persons
            .into_iter()
            .map(|p| ContactPersonRow {
                id: p.id,
                name: display_name(
                    ContactKind::Person,
                    p.first_name.as_deref(),
                    p.last_name_prefix.as_deref(),
                    p.last_name.as_deref(),
                    None,
                )
                .unwrap_or_default(),
                email: p.email,
                phone: p.phone,
                role: p.role,
                notifications: notifications_label(&p.notify_scope, &p.notify_when),
                left: p.left_at.map(|t| local_time::date(t, tz)),
            })
            .collect(),
        managed_by,
        manages,
        manages_total,
        created: local_time::date_time(k.created_at, tz),
        updated: local_time::date_time(k.updated_at, tz),
    })
}

/// Contacts a data manager manages, listed by name on their page; the rest are counted.
const MANAGES_SHOWN: i64 = 50;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn cursors_round_trip(id in any::<i64>(), value in "\\PC{0,60}") {
            let k = Keyset { value, id };
            prop_assert_eq!(decode_cursor(&encode_cursor(&k)), Some(k));
        }

        #[test]
        fn decoding_garbage_never_panics(s in "\\PC{0,80}") {
            let _ = decode_cursor(&s);
        }
    }
}
