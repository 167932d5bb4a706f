//! The staff review of mutations: the checked form of a `MutationQuery`, the table, one
//! mutation beside the register's current values with the reviewer's flags, and the
//! actions. Nothing here writes to the contact register: the DMS is the source, and
//! staff (or the DMS through the API) only record what became of an answer.

use crate::Error;
use crate::audit::{self, Actor};
use crate::db::mutation::{Keyset, ListFilter, Reviewer, Touched};
use crate::scope::CompanyScope;
use crate::{AppState, db, local_time, plausible};
use datacheck_core::error::AppError;
use datacheck_core::wire::mutations::{
    Capped, ChangeLine, Flag, MutationId, MutationPage, MutationQuery, MutationRow, MutationStatus,
    MutationView, PersonChanges, ReviewAction, Selection,
};
use datacheck_core::wire::{CompanyId, CompanyRef, ContactId, RunId, display_name};
use time::OffsetDateTime;

/// The runs a reviewer can filter by: sent ones in their companies, newest first.
pub async fn run_options(
    state: &AppState,
    scope: &CompanyScope,
) -> Result<Vec<datacheck_core::wire::mutations::RunOption>, Error> {
    Ok(db::run::options(&state.pool, scope).await?)
}

/// Rows per page of the table.
pub const PAGE_SIZE: i64 = 25;
/// Counts stop here: the tabs say "10,000+" rather than read a million rows.
pub const COUNT_CAP: i64 = 10_000;
/// A bulk action by ids names at most this many.
pub const MAX_IDS: usize = 1_000;

pub fn encode_cursor(k: Keyset) -> String {
    format!("{}.{}", k.created_at.unix_timestamp_nanos(), k.id)
}

pub fn decode_cursor(s: &str) -> Option<Keyset> {
    let (at, id) = s.split_once('.')?;
    Some(Keyset {
        created_at: OffsetDateTime::from_unix_timestamp_nanos(at.parse().ok()?).ok()?,
        id: id.parse().ok()?,
    })
}

/// The query with every part checked; blank parts are absent.
pub struct Checked {
    pub filter: ListFilter,
    pub descending: bool,
    pub from: Option<(Keyset, bool)>,
}

pub(super) fn blank(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The start of a day (`YYYY-MM-DD`) in the organisation's time zone.
pub(super) fn day_start(
    tz: &jiff::tz::TimeZone,
    field: &str,
    raw: &str,
    days_later: i64,
) -> Result<OffsetDateTime, Error> {
    let bad = || AppError::invalid(field, "Give a date as YYYY-MM-DD.");
    let date: jiff::civil::Date = raw.parse().map_err(|_| bad())?;
    let date = date
        .checked_add(jiff::Span::new().days(days_later))
        .map_err(|_| bad())?;
    let zoned = date.to_zoned(tz.clone()).map_err(|_| bad())?;
    crate::local_time::instant(zoned.timestamp())
}

pub fn check(
    scope: &CompanyScope,
    tz: &jiff::tz::TimeZone,
    q: &MutationQuery,
) -> Result<Checked, Error> {
    let status = match blank(&q.status) {
        None => Some(MutationStatus::New.as_str()),
        Some("all") => None,
        Some(s) => Some(
            MutationStatus::parse(s)
                .ok_or_else(|| {
                    AppError::invalid("status", "Choose new, processed, ignored or all.")
                })?
                .as_str(),
        ),
    };
    let company = match q.company {
        Some(id) => Some(
            scope
                .require(CompanyId(id))
                .map_err(|_| AppError::invalid("company", "There is no such company."))?
                .0,
        ),
        None => None,
    };
    let from = blank(&q.from)
        .map(|d| day_start(tz, "from", d, 0))
        .transpose()?;
    let until = blank(&q.until)
        .map(|d| day_start(tz, "until", d, 1))
        .transpose()?;
    if let (Some(a), Some(b)) = (from, until)
        && a >= b
    {
        return Err(AppError::invalid("until", "The end date comes before the start date.").into());
    }
    let words = blank(&q.q)
        .map(|t| {
            datacheck_core::domain::normalize(t)
                .split_whitespace()
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let descending = match blank(&q.sort) {
        None | Some("created") => false,
        Some("-created") => true,
        Some(_) => return Err(AppError::invalid("sort", "Sort by the date created.").into()),
    };
    let cursor = |field: &str, s: &str| {
        decode_cursor(s).ok_or_else(|| {
            AppError::invalid(
                field,
                "This page link is damaged: start again from the first page.",
            )
        })
    };
    let from_cursor = match (blank(&q.after), blank(&q.before)) {
        (Some(a), _) => Some((cursor("after", a)?, false)),
        (None, Some(b)) => Some((cursor("before", b)?, true)),
        (None, None) => None,
    };
    Ok(Checked {
        filter: ListFilter {
            status,
            company,
            run: q.run,
            from,
            until,
            words,
            new_only: false,
        },
        descending,
        from: from_cursor,
    })
}

pub(super) fn capped(n: i64) -> Capped {
    Capped {
        n: n.min(COUNT_CAP),
        more: n > COUNT_CAP,
    }
}

pub(super) fn row_name(r: &db::mutation::ListRow) -> String {
    display_name(
        r.kind,
        r.first_name.as_deref(),
        r.last_name_prefix.as_deref(),
        r.last_name.as_deref(),
        r.organisation_name.as_deref(),
    )
    .unwrap_or_else(|| r.customer_no.clone())
}

pub async fn list(
    state: &AppState,
    scope: &CompanyScope,
    q: &MutationQuery,
) -> Result<MutationPage, Error> {
    let tz = &state.settings.time_zone;
    let c = check(scope, tz, q)?;
    let pool = &state.pool;
    let mut rows =
        db::mutation::list_page(pool, scope, &c.filter, c.descending, c.from, PAGE_SIZE).await?;
    let more = rows.len() as i64 > PAGE_SIZE;
    let backward = matches!(c.from, Some((_, true)));
    if more {
        if backward {
            rows.remove(0);
        } else {
            rows.pop();
        }
    }
    let (has_next, has_prev) = match c.from {
        None => (more, false),
        Some((_, false)) => (more, true),
        Some((_, true)) => (true, more),
    };
    let key = |r: &db::mutation::ListRow| {
        encode_cursor(Keyset {
            created_at: r.created_at,
            id: r.id,
        })
    };
    let next = rows.last().filter(|_| has_next).map(key);
    let prev = rows.first().filter(|_| has_prev).map(key);
    let mut counts = Vec::new();
    for &s in MutationStatus::ALL {
        let f = ListFilter {
            status: Some(s.as_str()),
            ..c.filter.clone()
        };
        let n = db::mutation::count_capped(pool, scope, &f, COUNT_CAP).await?;
        counts.push((s, capped(n)));
    }
    let total = match c.filter.status {
        Some(s) => counts
            .iter()
            .find(|(st, _)| st.as_str() == s)
            .map(|(_, n)| *n)
            .unwrap_or(Capped { n: 0, more: false }),
        None => capped(db::mutation::count_capped(pool, scope, &c.filter, COUNT_CAP).await?),
    };
    Ok(MutationPage {
        rows: rows
            .into_iter()
            .map(|r| MutationRow {
                id: MutationId(r.id),
                contact: ContactId(r.contact_id),
                name: row_name(&r),
                customer_no: r.customer_no,
                company: r.company_name,
                run: r.run_id.zip(r.run_name).map(|(id, n)| (RunId(id), n)),
                source: r.source,
                status: r.status,
                changes: r.changes,
                created: local_time::date_time(r.created_at, tz),
                processed: r.processed_at.map(|t| local_time::date_time(t, tz)),
                processed_by: r.processed_by,
            })
            .collect(),
        counts,
        total,
        next,
        prev,
    })
}

mod act;
mod dms;
mod export;
mod retention;
mod view;

pub use act::*;
pub use dms::*;
pub use export::*;
pub use retention::*;
pub use view::*;
