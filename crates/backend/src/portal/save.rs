//! Saving an answer: the mutation with its changes, and consent with its proof, in one transaction.

use super::*;

/// Saves an answer: the mutation with its changes, subscriptions and consent with
/// their proof, field confirmations and the recipient's response, all or nothing.
/// A second save with the same form key finds the first and does nothing. `false`
/// when the link died while the form was open.
pub(super) async fn save(
    state: &AppState,
    row: &db::run_recipient::LinkRow,
    view: &PortalView,
    posted: &Posted,
    found: &[Change],
) -> Result<bool, Error> {
    let mut tx = state.pool.begin().await?;
    db::run_recipient::lock(&mut tx, row.id).await?;
    // The link may have been revoked or its run cancelled while the form was open.
    let Some(fresh) = db::run_recipient::for_link(&mut *tx, row.id).await? else {
        return Err(AppError::NotFound.into());
    };
    if fresh.revoked
        || fresh.run_status == RunStatus::Cancelled
        || fresh.expires_at <= OffsetDateTime::now_utc()
    {
        return Ok(false);
    }
    let Some(mutation_id) = db::mutation::insert(
        &mut *tx,
        &db::mutation::NewMutation {
            company_id: row.company_id,
            contact_id: row.contact_id,
            run_id: row.run_id,
            run_recipient_id: row.id,
            changed: !found.is_empty(),
            submission_key: &posted.submission_key,
            language: &view.language,
        },
    )
    .await?
    else {
        tracing::info!(recipient = row.id, "portal answer already saved");
        return Ok(true);
    };
    let rows: Vec<db::mutation::NewChange> = found
        .iter()
        .map(|c| {
            let (section, person_id, new_person) = match &c.target {
                ChangeTarget::Field => (Section::Field, None, None),
                ChangeTarget::Person(id) => (Section::Person, Some(*id), None),
                ChangeTarget::NewPerson(i) => (Section::Person, None, Some(*i as i16)),
                ChangeTarget::Notification(id) => (Section::Notification, Some(*id), None),
                ChangeTarget::NewNotification(i) => (Section::Notification, None, Some(*i as i16)),
                ChangeTarget::Subscription => (Section::Subscription, None, None),
                ChangeTarget::Consent => (Section::Consent, None, None),
            };
            db::mutation::NewChange {
                section,
                field_key: &c.key,
                person_id,
                new_person,
                dms_value: c.old.as_deref(),
                submitted_value: c.new.as_deref(),
            }
        })
        .collect();
    db::mutation::insert_changes(&mut *tx, mutation_id, &rows).await?;
    // DMSs with a webhook hear of it once this commits (never of an answer that did not).
    consent::announce_mutation(&mut *tx, row.company_id, mutation_id, !found.is_empty()).await?;

    // Consent is not DMS data: it takes effect now, with its proof.
    for c in found {
        match c.target {
            ChangeTarget::Subscription => {
                let Some(t) = view
                    .subscriptions
                    .iter()
                    .flat_map(|s| &s.types)
                    .find(|t| t.key == c.key)
                else {
                    continue;
                };
                consent::set_subscription(
                    &mut tx,
                    &Actor::Customer,
                    row.contact_id,
                    &t.key,
                    c.new.as_deref() == Some("yes"),
                    consent::Source::Portal,
                    &format!("{}: {}", t.name, t.description),
                    Some(row.id),
                )
                .await?;
            }
            ChangeTarget::Consent => {
                let shown = state.words.consent_statement(&view.language, &view.company);
                consent::set_purpose(
                    &mut tx,
                    &Actor::Customer,
                    &consent::PurposeChange {
                        contact_id: row.contact_id,
                        purpose: consent::E_MARKETING,
                        state: c
                            .new
                            .as_deref()
                            .and_then(ConsentState::parse)
                            .unwrap_or(ConsentState::None),
                        legal_basis: None,
                        source: consent::Source::Portal,
                        shown_text: &shown,
                        run_recipient_id: Some(row.id),
                    },
                )
                .await?;
            }
            _ => {}
        }
    }
    // Fields the customer saw and left as they were are confirmed as correct.
    let confirmed: Vec<String> = view
        .fields
        .iter()
        .filter(|f| {
            !found
                .iter()
                .any(|c| c.target == ChangeTarget::Field && c.key == f.key)
        })
        .map(|f| f.key.clone())
        .collect();
    db::contact::confirm_fields(
        &mut *tx,
        row.contact_id,
        &confirmed,
        OffsetDateTime::now_utc(),
    )
    .await?;
    db::run_recipient::record_response(&mut *tx, row.id, !found.is_empty()).await?;
    tx.commit().await?;
    tracing::info!(
        recipient = row.id,
        mutation = mutation_id,
        changes = found.len(),
        "portal answer saved"
    );
    Ok(true)
}
