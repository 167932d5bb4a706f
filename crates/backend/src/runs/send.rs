//! Step 5, sending: every step checked again, links issued and mails queued in one transaction; reminders and cancelling.

use super::*;

/// A run in scope, locked for the rest of `tx` and read under the lock, so two clicks
/// act once and every field is current.
pub(super) async fn locked(
    tx: &mut sqlx::PgConnection,
    staff: &Staff,
    id: RunId,
) -> Result<db::run::Full, Error> {
    if !db::run::lock(&mut *tx, &staff.scope, id.0).await? {
        return Err(AppError::NotFound.into());
    }
    db::run::get(&mut *tx, &staff.scope, id.0)
        .await?
        .ok_or(Error::from(AppError::NotFound))
}

/// Sends a run: checks every step again, issues a link to each reachable recipient and
/// queues their mails, and plans the `reminders` (days after sending, as typed), all in
/// one transaction. `expected` is the number of recipients the person confirmed; if the
/// register changed meanwhile, nothing is sent and the new number is reported.
pub async fn send(
    state: &AppState,
    staff: &Staff,
    id: RunId,
    expected: i64,
    reminders: &str,
) -> Result<i64, Error> {
    let days = parse_days(reminders)?;
    let mut tx = state.pool.begin().await?;
    let run = locked(&mut tx, staff, id).await?;
    if run.status != RunStatus::Draft {
        return Err(AppError::Conflict("This run has been sent already.".into()).into());
    }
    if run.steps_done < 4 {
        return Err(AppError::Conflict(format!(
            "Complete step {} first: every step must be saved before sending.",
            run.steps_done + 1
        ))
        .into());
    }
    let now = OffsetDateTime::now_utc();
    if end_of_day(&state.settings, run.valid_to)? <= now {
        return Err(AppError::invalid(
            "valid_to",
            "The deadline has passed: choose a new valid-to date in step 1.",
        )
        .into());
    }
    check_templates(&run.templates.0)?;
    let catalogue = crate::fields::catalogue(&state.pool).await?;
    check_rules(&catalogue, &run.field_rules.0).map_err(|_| {
        AppError::Conflict(
            "The field catalogue changed since step 4: check the data fields and save them again."
                .into(),
        )
    })?;
    for (field, addr) in [
        ("sender_email", &run.sender_email),
        ("reply_to", &run.reply_to),
    ] {
        mail::mailbox(None, addr).map_err(|e| AppError::invalid(field, e))?;
    }
    let owned = OwnedSelection::of(&state.settings, &run)?;
    let sel = owned.selection();
    let counts = db::run_recipient::counts(&mut *tx, run.company_id, &sel, run.marketing).await?;
    if counts.reachable == 0 {
        return Err(AppError::invalid(
            "recipients",
            "No selected contact has an e-mail address: choose other recipients in step 2.",
        )
        .into());
    }
    if counts.reachable != expected {
        return Err(AppError::Conflict(format!(
            "The register changed since you checked: {} contacts would now receive the mail, not {expected}. Check the summary and send again.",
            counts.reachable
        )).into());
    }
    let expires_at = link_expiry(&state.settings, run.valid_to, now)?;
    check_within(&days, now, expires_at)?;
    let issued = db::run_recipient::issue(
        &mut tx,
        run.id,
        run.company_id,
        &sel,
        run.marketing,
        state.settings.link_keys.active_id() as i16,
        expires_at,
        &message_id_domain(&state.settings),
    )
    .await?;
    db::run::mark_sending(&mut *tx, run.id, staff.id.0, expires_at).await?;
    db::run_reminder::insert(&mut *tx, run.id, &days).await?;
    audit::record(
        &mut *tx,
        &staff.actor(),
        audit::Event {
            action: "run.sent",
            subject_type: "run",
            subject_id: Some(run.id.to_string()),
            company_id: Some(CompanyId(run.company_id)),
            detail: serde_json::json!({ "recipients": issued, "name": run.name, "reminders_planned": days }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(issued as i64)
}

pub async fn progress(state: &AppState, staff: &Staff, id: RunId) -> Result<RunProgress, Error> {
    let run = db::run::get(&state.pool, &staff.scope, id.0)
        .await?
        .ok_or(AppError::NotFound)?;
    let p = db::outbox_mail::progress(&state.pool, id.0, MailKind::Invitation).await?;
    Ok(RunProgress {
        status: RunPhase::of(run.status, run.links_expire_at, OffsetDateTime::now_utc()),
        queued: p.queued,
        sent: p.sent,
        failed: p.failed,
        cancelled: p.cancelled,
    })
}

/// Cancels a run: queued mails never go out and every link stops working at once.
pub async fn cancel(state: &AppState, staff: &Staff, id: RunId) -> Result<(), Error> {
    let mut tx = state.pool.begin().await?;
    let run = locked(&mut tx, staff, id).await?;
    if run.status == RunStatus::Cancelled {
        return Err(AppError::Conflict("This run is cancelled already.".into()).into());
    }
    let mails = db::outbox_mail::cancel_for_run(&mut *tx, id.0).await?;
    let links = db::run_recipient::revoke_all(&mut *tx, id.0).await?;
    db::run::mark_cancelled(&mut *tx, id.0, staff.id.0).await?;
    audit::record(
        &mut *tx,
        &staff.actor(),
        audit::Event {
            action: "run.cancelled",
            subject_type: "run",
            subject_id: Some(run.id.to_string()),
            company_id: Some(CompanyId(run.company_id)),
            detail: serde_json::json!({ "mails_not_sent": mails, "links_revoked": links, "was": run.status }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Queues reminders while the run's links live: to `chosen` recipients when staff
/// ticked some, else to everyone who has not answered. Only those who may get one now
/// are counted and reminded; `expected` is the number the person confirmed.
pub async fn remind(
    state: &AppState,
    staff: &Staff,
    id: RunId,
    expected: i64,
    chosen: &[i64],
) -> Result<i64, Error> {
    let mut tx = state.pool.begin().await?;
    let run = locked(&mut tx, staff, id).await?;
    if !matches!(run.status.as_str(), "sending" | "sent")
        || run
            .links_expire_at
            .is_some_and(|at| at <= OffsetDateTime::now_utc())
    {
        return Err(AppError::Conflict(
            "Reminders can only be sent while the run's links are valid.".into(),
        )
        .into());
    }
    let only = (!chosen.is_empty()).then_some(chosen);
    if let Some(ids) = only {
        let mut unique = ids.to_vec();
        unique.sort_unstable();
        unique.dedup();
        if db::run_recipient::count_in_run(&mut *tx, id.0, &unique).await? != unique.len() as i64 {
            return Err(AppError::invalid(
                "recipients",
                "Some ticked recipients are not in this data check: reload the page and tick again.",
            )
            .into());
        }
    }
    let now_remindable = db::run_recipient::remindable(&mut *tx, id.0, only).await?;
    if now_remindable == 0 {
        let why = if only.is_some() {
            "None of the ticked recipients can get a reminder: they have answered, withdrew, or have one on its way."
        } else {
            "Everyone has responded or has a reminder on its way: there is nobody to remind."
        };
        return Err(AppError::Conflict(why.into()).into());
    }
    if now_remindable != expected {
        return Err(AppError::Conflict(format!(
            "The numbers changed since you looked: {now_remindable} recipients would get a reminder now, not {expected}. Confirm again."
        )).into());
    }
    let queued = db::run_recipient::queue_reminders(
        &mut *tx,
        id.0,
        only,
        &message_id_domain(&state.settings),
    )
    .await?;
    audit::record(
        &mut *tx,
        &staff.actor(),
        audit::Event {
            action: "run.reminded",
            subject_type: "run",
            subject_id: Some(run.id.to_string()),
            company_id: Some(CompanyId(run.company_id)),
            detail: serde_json::json!({ "reminders": queued, "ticked": chosen.len() }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(queued as i64)
}
