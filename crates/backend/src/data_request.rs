//! Data subject requests (GDPR art. 15 and 17): everything Datacheck holds on one
//! contact as JSON, and erasing a contact. Both are audited; the erasure's audit entry
//! names the contact's id and counts only, never who it was.

use crate::Error;
use crate::audit::{self, Actor};
use crate::scope::CompanyScope;
use crate::{AppState, db};
use datacheck_core::error::AppError;
use datacheck_core::wire::ContactId;

/// Everything about a contact, in one JSON document: the register's data, persons,
/// subscriptions, consent and its history, links, mails and answers.
pub async fn export(
    state: &AppState,
    scope: &CompanyScope,
    actor: &Actor,
    id: ContactId,
) -> Result<serde_json::Value, Error> {
    let mut tx = state.pool.begin().await?;
    let k = db::contact::get(&mut *tx, scope, id.0)
        .await?
        .ok_or(AppError::NotFound)?;
    let doc = db::contact::export_document(&mut *tx, k.id).await?;
    audit::record(
        &mut *tx,
        actor,
        audit::Event {
            action: "contact.export",
            subject_type: "contact",
            subject_id: Some(k.id.to_string()),
            company_id: Some(datacheck_core::wire::CompanyId(k.company_id)),
            detail: serde_json::json!({}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(doc)
}

/// Erases a contact: the register row with its persons, attributes, consent and
/// subscriptions, the run links with their mails, the answers, and dev-mailbox copies.
/// `confirm` must be the contact's customer number, typed by the person asking.
pub async fn erase(
    state: &AppState,
    scope: &CompanyScope,
    actor: &Actor,
    id: ContactId,
    confirm: &str,
) -> Result<(), Error> {
    let mut tx = state.pool.begin().await?;
    let k = db::contact::get(&mut *tx, scope, id.0)
        .await?
        .ok_or(AppError::NotFound)?;
    if confirm.trim() != k.customer_no {
        return Err(AppError::invalid(
            "confirm",
            format!(
                "Type the customer number {} to confirm the erasure.",
                k.customer_no
            ),
        )
        .into());
    }
    let counts = db::contact::erase(&mut tx, k.id).await?;
    audit::record(
        &mut *tx,
        actor,
        audit::Event {
            action: "contact.erase",
            subject_type: "contact",
            subject_id: Some(k.id.to_string()),
            company_id: Some(datacheck_core::wire::CompanyId(k.company_id)),
            detail: serde_json::json!({
                "mutations": counts.mutations,
                "links": counts.recipients,
                "consent_events": counts.consent_events,
            }),
        },
    )
    .await?;
    tx.commit().await?;
    tracing::info!(contact = k.id, "contact erased on request");
    Ok(())
}
