//! The staff review of mutations: the checked form of a `MutationQuery`, the table, one
//! mutation beside the register's current values with the reviewer's flags, and the
//! actions. Nothing here writes to the contact register: the DMS is the source, and
//! staff (or the DMS through the API) only record what became of an answer.

use crate::Error;
use crate::audit::{self, Actor};
use crate::db::mutation::{Keyset, ListFilter, Reviewer, Touched};
use crate::scope::CompanyScope;
use crate::{AppState, db, plausible, timefmt};
use datacheck_core::error::AppError;
use datacheck_core::wire::mutations::{
    Capped, ChangeLine, Flag, MutationId, MutationPage, MutationQuery, MutationRow, MutationStatus,
    MutationView, PersonChanges, ReviewAction, Selection,
};
use datacheck_core::wire::{CompanyId, CompanyRef, ContactId, RunId, display_name};
use time::OffsetDateTime;

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

fn blank(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The start of a day (`YYYY-MM-DD`) in the organisation's time zone.
fn day_start(
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
    Ok(OffsetDateTime::from_unix_timestamp(zoned.timestamp().as_second()).map_err(|_| bad())?)
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

fn capped(n: i64) -> Capped {
    Capped {
        n: n.min(COUNT_CAP),
        more: n > COUNT_CAP,
    }
}

fn row_name(r: &db::mutation::ListRow) -> String {
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
                created: timefmt::date_time(r.created_at, tz),
                processed: r.processed_at.map(|t| timefmt::date_time(t, tz)),
                processed_by: r.processed_by,
            })
            .collect(),
        counts,
        total,
        next,
        prev,
    })
}

/// The label of a contact person's detail, a notification setting or a consent.
fn detail_label(key: &str) -> String {
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
fn detail_value(key: &str, v: &str) -> String {
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
async fn flags_for(
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
        created: timefmt::date_time(h.created_at, tz),
        processed: h.processed_at.map(|t| timefmt::date_time(t, tz)),
        processed_by: h.processed_by,
        fields,
        persons: person_groups.into_iter().map(|(_, _, g)| g).collect(),
        preferences,
        confirmed,
        prev: prev.map(MutationId),
        next: next.map(MutationId),
    })
}

/// How many mutations an action on `selection` would change: the number a bulk
/// confirmation states.
pub async fn count_selection(
    state: &AppState,
    scope: &CompanyScope,
    action: ReviewAction,
    selection: &Selection,
) -> Result<i64, Error> {
    let tz = &state.settings.time_zone;
    let new_only = action != ReviewAction::Delete;
    match selection {
        Selection::Ids(ids) => {
            let f = ListFilter {
                new_only,
                ..ListFilter::default()
            };
            Ok(db::mutation::count_ids(&state.pool, scope, &checked_ids(ids)?, &f).await?)
        }
        Selection::Filter(q) => {
            let f = ListFilter {
                new_only,
                ..check(scope, tz, q)?.filter
            };
            Ok(db::mutation::count_exact(&state.pool, scope, &f).await?)
        }
    }
}

fn checked_ids(ids: &[MutationId]) -> Result<Vec<i64>, Error> {
    if ids.is_empty() {
        return Err(AppError::invalid("selection", "Select one or more mutations.").into());
    }
    if ids.len() > MAX_IDS {
        return Err(AppError::invalid(
            "selection",
            format!("Select at most {MAX_IDS} rows, or choose \"all matching\"."),
        )
        .into());
    }
    Ok(ids.iter().map(|i| i.0).collect())
}

/// Applies `action` to `selection` when exactly `expected` mutations would change (what
/// the confirmation stated); otherwise changes nothing and says how many there are now.
/// An id outside the actor's companies makes the whole request fail as not found.
pub async fn act(
    state: &AppState,
    scope: &CompanyScope,
    actor: &Actor,
    by: Reviewer,
    action: ReviewAction,
    selection: &Selection,
    expected: i64,
) -> Result<i64, Error> {
    let tz = &state.settings.time_zone;
    let mut tx = state.pool.begin().await?;
    let touched: Vec<Touched> = match selection {
        Selection::Ids(ids) => {
            let ids = checked_ids(ids)?;
            let mut unique = ids.clone();
            unique.sort_unstable();
            unique.dedup();
            let found =
                db::mutation::count_ids(&mut *tx, scope, &unique, &ListFilter::default()).await?;
            if found != unique.len() as i64 {
                return Err(AppError::NotFound.into());
            }
            match action {
                ReviewAction::Delete => db::mutation::delete_ids(&mut *tx, scope, &unique).await?,
                a => db::mutation::review_ids(&mut *tx, scope, &unique, status_for(a), by).await?,
            }
        }
        Selection::Filter(q) => {
            // Process and ignore touch new mutations only, whatever the status filter.
            let f = ListFilter {
                new_only: action != ReviewAction::Delete,
                ..check(scope, tz, q)?.filter
            };
            match action {
                ReviewAction::Delete => db::mutation::delete_filter(&mut *tx, scope, &f).await?,
                a => db::mutation::review_filter(&mut *tx, scope, &f, status_for(a), by).await?,
            }
        }
    };
    let n: i64 = touched.iter().map(|t| t.ids.len() as i64).sum();
    if n != expected {
        // The set changed since the confirmation (someone else acted, answers came
        // in): roll back rather than act on rows nobody confirmed.
        return Err(AppError::Conflict(format!(
            "{n} mutation(s) match now, not {expected}: nothing was changed. Look again and confirm the new number."
        )).into());
    }
    for t in &touched {
        let mut ids = t.ids.clone();
        ids.sort_unstable();
        let listed = ids.len() <= 200;
        audit::record(
            &mut *tx,
            actor,
            audit::Event {
                action: match action {
                    ReviewAction::Process => "mutation.process",
                    ReviewAction::Ignore => "mutation.ignore",
                    ReviewAction::Delete => "mutation.delete",
                },
                subject_type: "mutation",
                subject_id: (ids.len() == 1).then(|| ids[0].to_string()),
                company_id: Some(CompanyId(t.company_id)),
                detail: serde_json::json!({
                    "count": ids.len(),
                    "ids": if listed { serde_json::json!(ids) } else { serde_json::Value::Null },
                    "filter": match selection {
                        Selection::Filter(q) => serde_json::json!(q.filter_pairs()),
                        Selection::Ids(_) => serde_json::Value::Null,
                    },
                }),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(n)
}

fn status_for(action: ReviewAction) -> &'static str {
    match action {
        ReviewAction::Process => "processed",
        _ => "ignored",
    }
}

/// The action and selection of a request, checked.
pub fn parse_request(action: &str, selection: &str) -> Result<(ReviewAction, Selection), Error> {
    let action = ReviewAction::parse(action)
        .ok_or_else(|| AppError::invalid("action", "Choose process, ignore or delete."))?;
    let selection = serde_json::from_str(selection)
        .map_err(|_| AppError::invalid("selection", "Select one or more mutations."))?;
    Ok((action, selection))
}

/// A cell as a spreadsheet may safely read it: a value that starts like a formula
/// (`=`, `@`, or `+`/`-` followed by more than a number) gets a leading apostrophe, so
/// pasting an export never runs what a customer typed. Phone numbers (`+31…`) stay as
/// they are.
fn spreadsheet_safe(v: &str) -> std::borrow::Cow<'_, str> {
    let numeric = |s: &str| {
        s.chars()
            .all(|c| c.is_ascii_digit() || c == ' ' || c == '.')
    };
    let risky = match v.chars().next() {
        Some('=' | '@' | '\t' | '\r') => true,
        Some('+' | '-') => !numeric(&v[1..]),
        _ => false,
    };
    if risky {
        format!("'{v}").into()
    } else {
        v.into()
    }
}

/// The export's name of a changed value: the field key, or the person, notification,
/// subscription or consent it belongs to.
fn export_field(r: &db::mutation::ExportRow) -> String {
    let who = match (r.person_id, r.new_person) {
        (Some(id), _) => format!("{id}"),
        (None, Some(n)) => format!("new{n}"),
        (None, None) => "removed".into(),
    };
    match r.section.as_str() {
        "field" => r.field_key.clone(),
        "person" => format!("person[{who}].{}", r.field_key),
        "notification" => format!("person[{who}].{}", r.field_key),
        "subscription" => format!("subscription.{}", r.field_key),
        _ => format!("consent.{}", r.field_key),
    }
}

/// Rows per chunk of the streamed export.
const EXPORT_CHUNK: usize = 500;

/// Streams the CSV of every change the filter matches, one row per changed value, in
/// the layout staff paste into a DMS: `customer_no, field, dms_value (when the customer
/// answered), submitted_value, submitted_at` (the organisation's time), then the
/// mutation's id. The rows are read as a cursor and sent in chunks with backpressure,
/// so a million rows never sit in memory. The export is audited before it starts.
pub async fn export(
    state: &AppState,
    scope: &CompanyScope,
    actor: &Actor,
    q: &MutationQuery,
) -> Result<tokio::sync::mpsc::Receiver<Result<Vec<u8>, std::io::Error>>, Error> {
    let c = check(scope, &state.settings.time_zone, q)?;
    audit::record(
        &state.pool,
        actor,
        audit::Event {
            action: "mutation.export",
            subject_type: "mutation",
            subject_id: None,
            company_id: c.filter.company.map(CompanyId),
            detail: serde_json::json!({ "filter": q.filter_pairs() }),
        },
    )
    .await?;
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    let pool = state.pool.clone();
    let tz = state.settings.time_zone.clone();
    let scope = scope.clone();
    tokio::spawn(async move {
        use futures_util::TryStreamExt;
        let mut query = db::mutation::export_query(&scope, &c.filter, c.descending);
        let mut rows = query
            .build_query_as::<db::mutation::ExportRow>()
            .fetch(&pool);
        // One writer per chunk: its bytes go out when the chunk is full.
        let writer = || csv::Writer::from_writer(Vec::with_capacity(64 * 1024));
        let mut out = writer();
        let header = [
            "customer_no",
            "field",
            "dms_value",
            "submitted_value",
            "submitted_at",
            "mutation_id",
        ];
        let _ = out.write_record(header);
        let mut n = 0usize;
        // A byte-order mark first: spreadsheet programs then read the file as UTF-8.
        let mut first = Some("\u{feff}".as_bytes().to_vec());
        loop {
            let row = match rows.try_next().await {
                Ok(Some(r)) => r,
                Ok(None) => break,
                Err(e) => {
                    tracing::error!(error = %e, "mutation export failed");
                    let _ = tx.send(Err(std::io::Error::other("export failed"))).await;
                    return;
                }
            };
            let at = jiff::Timestamp::from_second(row.created_at.unix_timestamp())
                .map(|t| {
                    t.to_zoned(tz.clone())
                        .strftime("%Y-%m-%d %H:%M:%S")
                        .to_string()
                })
                .unwrap_or_default();
            let record = [
                spreadsheet_safe(&row.customer_no).into_owned(),
                export_field(&row),
                spreadsheet_safe(row.dms_value.as_deref().unwrap_or("")).into_owned(),
                spreadsheet_safe(row.submitted_value.as_deref().unwrap_or("")).into_owned(),
                at,
                row.mutation_id.to_string(),
            ];
            if out.write_record(&record).is_err() {
                return;
            }
            n += 1;
            if n.is_multiple_of(EXPORT_CHUNK) {
                let full = std::mem::replace(&mut out, writer());
                let mut chunk = first.take().unwrap_or_default();
                chunk.extend(full.into_inner().unwrap_or_default());
                if tx.send(Ok(chunk)).await.is_err() {
                    // The client went away.
                    return;
                }
            }
        }
        let mut chunk = first.take().unwrap_or_default();
        chunk.extend(out.into_inner().unwrap_or_default());
        let _ = tx.send(Ok(chunk)).await;
    });
    Ok(rx)
}

/// Deletes processed and ignored mutations reviewed more than `days` days ago, in
/// batches, and records the purge in the audit log. New mutations are never purged.
pub async fn purge_reviewed(pool: &sqlx::PgPool, days: u32) -> Result<u64, Error> {
    const BATCH: i64 = 5_000;
    let before = OffsetDateTime::now_utc() - time::Duration::days(days.into());
    let mut total = 0u64;
    loop {
        let n = db::mutation::purge_reviewed(pool, before, BATCH).await?;
        total += n;
        if n < BATCH as u64 {
            break;
        }
    }
    if total > 0 {
        audit::record(
            pool,
            &Actor::System("retention"),
            audit::Event {
                action: "mutation.purge",
                subject_type: "mutation",
                subject_id: None,
                company_id: None,
                detail: serde_json::json!({ "count": total, "retention_days": days }),
            },
        )
        .await?;
    }
    Ok(total)
}

/// One mutation as the DMS API gives it.
pub struct ApiMutation {
    pub row: db::mutation::ListRow,
    pub changes: Vec<db::mutation::ChangeRow>,
}

/// Rows per API page, unless the caller asks for fewer.
pub const API_PAGE: i64 = 100;
pub const API_PAGE_MAX: i64 = 500;

/// A page of mutations for a DMS, oldest first: `status` (absent: every status),
/// created at or after `since`, after `cursor`. Answers the page and the cursor of the
/// next one, if there is more.
pub async fn api_page(
    state: &AppState,
    scope: &CompanyScope,
    status: Option<MutationStatus>,
    since: Option<OffsetDateTime>,
    cursor: Option<&str>,
    limit: i64,
) -> Result<(Vec<ApiMutation>, Option<String>), Error> {
    let from = match cursor {
        None => None,
        Some(c) => Some((
            decode_cursor(c).ok_or_else(|| {
                AppError::invalid("cursor", "This cursor is damaged: start again without one.")
            })?,
            false,
        )),
    };
    let filter = ListFilter {
        status: status.map(MutationStatus::as_str),
        from: since,
        ..ListFilter::default()
    };
    let limit = limit.clamp(1, API_PAGE_MAX);
    let mut rows = db::mutation::list_page(&state.pool, scope, &filter, false, from, limit).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next = rows.last().filter(|_| more).map(|r| {
        encode_cursor(Keyset {
            created_at: r.created_at,
            id: r.id,
        })
    });
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut changes = db::mutation::changes_of(&state.pool, &ids).await?;
    let out = rows
        .into_iter()
        .map(|row| {
            let mine = changes.iter().take_while(|(id, _)| *id == row.id).count();
            let these = changes.drain(..mine).map(|(_, c)| c).collect();
            ApiMutation {
                row,
                changes: these,
            }
        })
        .collect();
    Ok((out, next))
}

/// Marks one mutation processed or ignored for a DMS. Asking again for the status it
/// already has is answered as done (a retried request); asking to process an ignored
/// one (or the reverse) is a conflict.
pub async fn api_review(
    state: &AppState,
    scope: &CompanyScope,
    actor: &Actor,
    key_id: i64,
    id: MutationId,
    action: ReviewAction,
) -> Result<MutationStatus, Error> {
    let target = match action {
        ReviewAction::Process => MutationStatus::Processed,
        ReviewAction::Ignore => MutationStatus::Ignored,
        ReviewAction::Delete => return Err(AppError::Forbidden.into()),
    };
    let head = db::mutation::head(&state.pool, scope, id.0)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = head.status;
    if now == target {
        return Ok(target);
    }
    if now != MutationStatus::New {
        return Err(
            AppError::Conflict(format!("This mutation is {} already.", now.as_str())).into(),
        );
    }
    match act(
        state,
        scope,
        actor,
        Reviewer::ApiKey(key_id),
        action,
        &Selection::Ids(vec![id]),
        1,
    )
    .await
    {
        Ok(_) => Ok(target),
        // Someone else reviewed it in between.
        Err(Error::Refused(AppError::Conflict(_))) => {
            Err(AppError::Conflict("This mutation was reviewed meanwhile.".into()).into())
        }
        Err(e) => Err(e),
    }
}
