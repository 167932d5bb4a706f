//! Reminders planned when a run is sent ("3 and 6 days after sending"), queued by a
//! background tick to whoever has not answered by then. Several servers may tick at
//! once: each planned reminder is claimed with SKIP LOCKED and marked done in the same
//! transaction as its mails, so it goes out once. A cancelled run, or one whose links
//! died, has nothing due.

use super::*;
use datacheck_core::wire::PlannedReminder;

/// At most this many reminders per run.
pub const PLANNED_MAX: usize = 3;

/// The days after sending as staff type them ("3, 6"): each 1–7 (links live at most
/// 8 days), at most three, each once; empty for none.
pub fn parse_days(raw: &str) -> Result<Vec<i16>, AppError> {
    let bad = |m: String| AppError::invalid("reminders", m);
    let mut days = Vec::new();
    for part in raw
        .split([',', ';', ' '])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let d: i16 = part.parse().map_err(|_| {
            bad(format!(
                "“{part}” is not a number of days: write them like 3, 6."
            ))
        })?;
        if !(1..=7).contains(&d) {
            return Err(bad(format!(
                "{d} days: a reminder goes 1 to 7 days after sending, while the links live."
            )));
        }
        if days.contains(&d) {
            return Err(bad(format!("{d} days is there twice.")));
        }
        days.push(d);
    }
    if days.len() > PLANNED_MAX {
        return Err(bad(format!("Plan at most {PLANNED_MAX} reminders.")));
    }
    days.sort_unstable();
    Ok(days)
}

/// Refuses a plan whose last reminder would come after the links die.
pub(super) fn check_within(
    days: &[i16],
    sent: OffsetDateTime,
    links_expire: OffsetDateTime,
) -> Result<(), AppError> {
    match days.last() {
        Some(&d) if sent + time::Duration::days(d.into()) >= links_expire => {
            Err(AppError::invalid(
                "reminders",
                format!(
                    "A reminder {d} days after sending would come after the links stop working: plan it earlier, or choose a later valid-to date in step 1."
                ),
            ))
        }
        _ => Ok(()),
    }
}

/// Queues every planned reminder due at `now`; how many plans went out.
pub async fn tick(state: &AppState, now: OffsetDateTime) -> Result<usize, Error> {
    let mut done = 0;
    loop {
        let mut tx = state.pool.begin().await?;
        let Some(due) = db::run_reminder::claim_due(&mut tx, now).await? else {
            return Ok(done);
        };
        let queued = db::run_recipient::queue_reminders(
            &mut *tx,
            due.run_id,
            None,
            &message_id_domain(&state.settings),
        )
        .await?;
        db::run_reminder::mark_done(&mut *tx, due.id, queued as i32, now).await?;
        audit::record(
            &mut *tx,
            &Actor::System("planned reminder"),
            audit::Event {
                action: "run.reminded",
                subject_type: "run",
                subject_id: Some(due.run_id.to_string()),
                company_id: Some(CompanyId(due.company_id)),
                detail: serde_json::json!({ "reminders": queued, "planned_days_after": due.days_after }),
            },
        )
        .await?;
        tx.commit().await?;
        done += 1;
    }
}

/// A run's planned reminders as its page shows them.
pub(super) async fn shown(state: &AppState, run_id: i64) -> Result<Vec<PlannedReminder>, Error> {
    let tz = &state.settings.time_zone;
    Ok(db::run_reminder::of_run(&state.pool, run_id)
        .await?
        .into_iter()
        .map(|p| PlannedReminder {
            id: p.id,
            days_after: p.days_after,
            due: p.due_at.map(|t| local_time::date_time(t, tz)),
            done: p.done_at.map(|t| local_time::date_time(t, tz)),
            queued: p.queued.map(i64::from),
        })
        .collect())
}

/// Removes a planned reminder that has not gone out.
pub async fn remove_planned(
    state: &AppState,
    staff: &Staff,
    id: RunId,
    reminder: i64,
) -> Result<(), Error> {
    let mut tx = state.pool.begin().await?;
    let run = locked(&mut tx, staff, id).await?;
    if !db::run_reminder::remove(&mut *tx, id.0, reminder).await? {
        return Err(AppError::Conflict(
            "This reminder has gone out already or was removed: reload the page.".into(),
        )
        .into());
    }
    audit::record(
        &mut *tx,
        &staff.actor(),
        audit::Event {
            action: "run.reminder_removed",
            subject_type: "run",
            subject_id: Some(run.id.to_string()),
            company_id: Some(CompanyId(run.company_id)),
            detail: serde_json::json!({ "reminder": reminder }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_read_as_staff_type_them() {
        assert_eq!(parse_days("").unwrap(), Vec::<i16>::new());
        assert_eq!(parse_days(" 6, 3 ").unwrap(), [3, 6]);
        assert_eq!(parse_days("2;5 7").unwrap(), [2, 5, 7]);
        for bad in ["0", "8", "3, 3", "1,2,3,4", "drie", "-1"] {
            assert!(parse_days(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_reminder_after_the_links_die_is_refused() {
        let sent = time::macros::datetime!(2026-12-01 10:00 UTC);
        let expire = time::macros::datetime!(2026-12-05 23:00 UTC);
        assert!(check_within(&[3, 4], sent, expire).is_ok());
        assert!(check_within(&[3, 5], sent, expire).is_err());
        assert!(check_within(&[], sent, expire).is_ok());
    }
}
