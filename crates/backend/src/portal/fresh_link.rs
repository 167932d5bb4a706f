//! An expired link's page, and the fresh link it may ask for.

use super::*;

pub(super) fn expired(
    state: &AppState,
    row: &db::run_recipient::LinkRow,
    language: Option<&str>,
    sent: Option<FreshLinkOutcome>,
    now: OffsetDateTime,
) -> Result<PortalState, Error> {
    let language = language
        .filter(|l| *l == "nl" || *l == "en")
        .map(str::to_string)
        .unwrap_or_else(|| row.language.clone());
    let fresh_link = renewable(state, row, now)?.is_some();
    Ok(PortalState::Expired {
        language,
        company: Some(row.company_name.clone()),
        fresh_link,
        sent,
    })
}

/// The new expiry a link could get now: only while its run is open (sent, not
/// cancelled, before the end of its valid-to day) and the link not revoked.
pub(super) fn renewable(
    state: &AppState,
    row: &db::run_recipient::LinkRow,
    now: OffsetDateTime,
) -> Result<Option<OffsetDateTime>, Error> {
    if row.revoked || !matches!(row.run_status.as_str(), "sending" | "sent") {
        return Ok(None);
    }
    let expiry = runs::link_expiry(&state.settings, row.valid_to, now)?;
    Ok((expiry > now + Duration::minutes(5)).then_some(expiry))
}

/// Renews an expired link and mails it to the address on file, never elsewhere, at
/// most a few times a day.
pub(super) async fn fresh_link(
    state: &AppState,
    row: &db::run_recipient::LinkRow,
    now: OffsetDateTime,
) -> Result<FreshLinkOutcome, Error> {
    let Some(expiry) = renewable(state, row, now)? else {
        return Ok(FreshLinkOutcome::Unavailable);
    };
    let mut tx = state.pool.begin().await?;
    db::run_recipient::lock(&mut tx, row.id).await?;
    let recent =
        db::run_recipient::fresh_links_since(&mut *tx, row.id, now - Duration::days(1)).await?;
    if recent >= FRESH_LINKS_PER_DAY {
        return Ok(FreshLinkOutcome::TooSoon);
    }
    db::run_recipient::renew(&mut *tx, row.id, expiry).await?;
    db::run_recipient::queue_fresh_link(
        &mut *tx,
        row.id,
        &runs::message_id_domain(&state.settings),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(recipient = row.id, "fresh link queued");
    Ok(FreshLinkOutcome::Sent)
}
