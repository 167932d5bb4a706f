//! The overview of runs and a run's own page: counts, the funnel, responses per day, recipients.

use super::*;
use datacheck_core::closed::ClosedSet;

pub(super) const PAGE_SIZE: i64 = 25;
/// The small chart covers at most this many days from sending.
pub(super) const CHART_DAYS: i64 = 14;

pub(super) fn encode_run_cursor(at: OffsetDateTime, id: i64) -> String {
    format!("{}.{id}", at.unix_timestamp_nanos())
}

pub(super) fn decode_run_cursor(s: &str) -> Result<(OffsetDateTime, i64), Error> {
    let bad = || {
        AppError::invalid(
            "after",
            "This page link is damaged: start again from the first page.",
        )
    };
    let (at, id) = s.split_once('.').ok_or_else(bad)?;
    let at = OffsetDateTime::from_unix_timestamp_nanos(at.parse().map_err(|_| bad())?)
        .map_err(|_| bad())?;
    Ok((at, id.parse().map_err(|_| bad())?))
}

/// Days in the chart: from the sending day to today or the links' end, at most 14.
pub(super) fn chart_days(
    settings: &Settings,
    sent_at: OffsetDateTime,
    until: Option<OffsetDateTime>,
) -> usize {
    let now = OffsetDateTime::now_utc();
    let end = until.map_or(now, |u| u.min(now));
    let tz = &settings.time_zone;
    let day = |t: OffsetDateTime| crate::local_time::zoned(t, tz).map(|z| z.date());
    match (day(sent_at), day(end)) {
        (Some(a), Some(b)) => {
            let span = (b - a).get_days() as i64;
            (span + 1).clamp(1, CHART_DAYS) as usize
        }
        _ => 1,
    }
}

pub async fn list(
    state: &AppState,
    staff: &Staff,
    q: &datacheck_core::wire::RunQuery,
) -> Result<datacheck_core::wire::RunPage, Error> {
    use crate::local_time;
    use datacheck_core::wire::{RunPage, RunRow};
    let blank = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let company = match q.company {
        Some(id) => Some(
            staff
                .scope
                .require(CompanyId(id))
                .map_err(|_| AppError::invalid("company", "There is no such company."))?
                .0,
        ),
        None => None,
    };
    let status = match blank(&q.status) {
        None => None,
        Some(s) => Some(<RunPhase as ClosedSet>::from_stored(&s).ok_or_else(|| {
            AppError::invalid(
                "status",
                "Choose draft, sending, sent, expired or cancelled.",
            )
        })?),
    };
    let text = blank(&q.q).map(|t| normalize(&t));
    let filter = db::run::ListFilter {
        company,
        status,
        text,
    };
    let from = match (blank(&q.after), blank(&q.before)) {
        (Some(a), _) => Some((decode_run_cursor(&a)?, false)),
        (None, Some(b)) => Some((decode_run_cursor(&b)?, true)),
        (None, None) => None,
    };
    let mut rows = db::run::list_page(&state.pool, &staff.scope, &filter, from, PAGE_SIZE).await?;
    let total = db::run::list_count(&state.pool, &staff.scope, &filter).await?;
    let more = rows.len() as i64 > PAGE_SIZE;
    let backward = matches!(from, Some((_, true)));
    if more {
        if backward {
            rows.remove(0);
        } else {
            rows.pop();
        }
    }
    let (has_next, has_prev) = match from {
        None => (more, false),
        Some((_, false)) => (more, true),
        Some((_, true)) => (true, more),
    };
    let next = rows
        .last()
        .filter(|_| has_next)
        .map(|r| encode_run_cursor(r.created_at, r.id));
    let prev = rows
        .first()
        .filter(|_| has_prev)
        .map(|r| encode_run_cursor(r.created_at, r.id));
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let by_day =
        db::run::responses_by_day(&state.pool, &ids, &state.settings.time_zone_name).await?;
    let now = OffsetDateTime::now_utc();
    let tz = &state.settings.time_zone;
    Ok(RunPage {
        rows: rows
            .into_iter()
            .map(|r| {
                let days = r
                    .sent_at
                    .map(|s| chart_days(&state.settings, s, r.links_expire_at))
                    .unwrap_or(0);
                let mut per_day = vec![0i64; days];
                for (run, day, n) in &by_day {
                    if *run == r.id && *day >= 0 && (*day as usize) < days {
                        per_day[*day as usize] = *n;
                    }
                }
                RunRow {
                    id: RunId(r.id),
                    status: RunPhase::of(r.status, r.links_expire_at, now),
                    name: r.name,
                    company: r.company_name,
                    sent_on: r.sent_at.map(|t| local_time::date(t, tz)),
                    valid_to: format_date(r.valid_to),
                    recipients: r.recipients,
                    changed: r.changed,
                    unchanged: r.unchanged,
                    responses_per_day: per_day,
                }
            })
            .collect(),
        total,
        next,
        prev,
    })
}

/// `30-11-2026`, as staff read dates.
pub fn format_date(d: time::Date) -> String {
    format!("{:02}-{:02}-{}", d.day(), d.month() as u8, d.year())
}

pub async fn view(
    state: &AppState,
    staff: &Staff,
    id: RunId,
) -> Result<datacheck_core::wire::RunView, Error> {
    use crate::local_time;
    use datacheck_core::wire::{Funnel, RunView};
    let run = db::run::get(&state.pool, &staff.scope, id.0)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = OffsetDateTime::now_utc();
    let tz = &state.settings.time_zone;
    let p = db::outbox_mail::progress(&state.pool, id.0, MailKind::Invitation).await?;
    let reminders = db::outbox_mail::progress(&state.pool, id.0, MailKind::Reminder).await?;
    let f = db::run_recipient::funnel(&state.pool, id.0).await?;
    let status = RunPhase::of(run.status, run.links_expire_at, now);
    let remindable = if status.is_live() {
        db::run_recipient::remindable(&state.pool, id.0, None).await?
    } else {
        0
    };
    let per_day = match run.sent_at {
        Some(sent) => {
            let days = chart_days(&state.settings, sent, run.links_expire_at);
            let mut v = vec![0i64; days];
            for (_, day, n) in
                db::run::responses_by_day(&state.pool, &[id.0], &state.settings.time_zone_name)
                    .await?
            {
                if day >= 0 && (day as usize) < days {
                    v[day as usize] = n;
                }
            }
            v
        }
        None => Vec::new(),
    };
    Ok(RunView {
        id,
        name: run.name,
        company: CompanyRef {
            id: CompanyId(run.company_id),
            name: run.company_name,
        },
        progress: RunProgress {
            status,
            queued: p.queued,
            sent: p.sent,
            failed: p.failed,
            cancelled: p.cancelled,
        },
        status,
        valid_to: format_date(run.valid_to),
        sent_on: run.sent_at.map(|t| local_time::date_time(t, tz)),
        sent_by: run.sent_by_name,
        links_expire: run.links_expire_at.map(|t| local_time::date_time(t, tz)),
        cancelled_on: run.cancelled_at.map(|t| local_time::date_time(t, tz)),
        funnel: Funnel {
            recipients: f.recipients,
            sent: p.sent,
            failed: p.failed,
            opened: f.opened,
            responded: f.changed + f.unchanged,
            changed: f.changed,
            unchanged: f.unchanged,
        },
        remindable,
        reminders_sent: reminders.sent + reminders.queued,
        planned: shown(state, run.id).await?,
        responses_per_day: per_day,
    })
}

pub async fn recipients(
    state: &AppState,
    staff: &Staff,
    id: RunId,
    after: Option<&str>,
    state_filter: Option<&str>,
) -> Result<datacheck_core::wire::RunRecipientPage, Error> {
    use datacheck_core::wire::{RecipientState, RunRecipientPage, RunRecipientRow};
    db::run::get(&state.pool, &staff.scope, id.0)
        .await?
        .ok_or(AppError::NotFound)?;
    let after_id = match after.map(str::trim).filter(|s| !s.is_empty()) {
        Some(a) => a.parse::<i64>().map_err(|_| {
            AppError::invalid(
                "after",
                "This page link is damaged: start again from the first page.",
            )
        })?,
        None => 0,
    };
    let filter = match state_filter.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s @ ("failed" | "waiting" | "opened" | "responded")) => Some(s),
        Some(_) => {
            return Err(
                AppError::invalid("state", "Choose failed, waiting, opened or responded.").into(),
            );
        }
    };
    let limit = 50;
    let mut rows = db::run_recipient::page(&state.pool, id.0, after_id, filter, limit + 1).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next = rows.last().filter(|_| more).map(|r| r.id.to_string());
    let tz = &state.settings.time_zone;
    Ok(RunRecipientPage {
        rows: rows
            .into_iter()
            .map(|r| {
                let (state, detail) = if r.revoked_at.is_some() {
                    (RecipientState::Revoked, None)
                } else if let Some(resp) = &r.response {
                    (
                        if *resp == AnswerKind::Changed {
                            RecipientState::Changed
                        } else {
                            RecipientState::Unchanged
                        },
                        r.responded_at.map(|t| crate::local_time::date_time(t, tz)),
                    )
                } else if let Some(o) = r.opened_at {
                    (
                        RecipientState::Opened,
                        Some(crate::local_time::date_time(o, tz)),
                    )
                } else {
                    // No invitation row yet counts as queued: sending writes them
                    // in the same transaction as the links, so this is a moment.
                    match r.mail_status {
                        Some(MailStatus::Failed) => (RecipientState::Failed, r.last_error.clone()),
                        Some(MailStatus::Sent) => (RecipientState::Sent, None),
                        Some(MailStatus::Cancelled) => (RecipientState::Cancelled, None),
                        Some(MailStatus::Queued) | None => (RecipientState::Queued, None),
                    }
                };
                RunRecipientRow {
                    id: r.id,
                    contact_id: r.contact_id,
                    name: display_name(
                        r.kind,
                        r.first_name.as_deref(),
                        r.last_name_prefix.as_deref(),
                        r.last_name.as_deref(),
                        r.organisation_name.as_deref(),
                    )
                    .unwrap_or_default(),
                    customer_no: r.customer_no,
                    email: r.email,
                    language: r.language,
                    state,
                    detail,
                    remindable: r.remindable,
                }
            })
            .collect(),
        next,
        prev: None,
    })
}
