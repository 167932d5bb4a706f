//! `consent_event`: the append-only proof of every consent choice. There is no update
//! or delete here, on purpose, and the database refuses both (a trigger) except while a
//! contact is erased on request.

use datacheck_core::wire::{ConsentSource, ConsentState, LegalBasis};
use sqlx::PgExecutor;
use time::OffsetDateTime;

pub struct NewEvent<'a> {
    pub contact_id: i64,
    pub purpose: &'a str,
    pub legal_basis: &'a str,
    pub state: &'a str,
    pub source: ConsentSource,
    pub shown_text: &'a str,
    pub run_recipient_id: Option<i64>,
    pub actor: &'a str,
}

pub async fn insert(exec: impl PgExecutor<'_>, e: &NewEvent<'_>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"
        INSERT INTO consent_event (contact_id, purpose, legal_basis, state, source,
                                   shown_text, run_recipient_id, actor)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        "#,
        e.contact_id,
        e.purpose,
        e.legal_basis,
        e.state,
        e.source.as_str(),
        e.shown_text,
        e.run_recipient_id,
        e.actor
    )
    .execute(exec)
    .await?;
    Ok(())
}

pub struct EventRow {
    pub id: i64,
    pub purpose: String,
    pub legal_basis: LegalBasis,
    pub state: ConsentState,
    pub source: ConsentSource,
    pub shown_text: String,
    pub actor: String,
    pub at: OffsetDateTime,
}

/// A contact's history, newest first.
pub async fn history(
    exec: impl PgExecutor<'_>,
    contact_id: i64,
    limit: i64,
) -> Result<Vec<EventRow>, sqlx::Error> {
    sqlx::query_as!(
        EventRow,
        r#"
        SELECT id, purpose, legal_basis AS "legal_basis: LegalBasis", state AS "state: ConsentState",
               source AS "source: ConsentSource", shown_text, actor, at
        FROM consent_event WHERE contact_id = $1
        ORDER BY at DESC, id DESC
        LIMIT $2
        "#,
        contact_id,
        limit
    )
    .fetch_all(exec)
    .await
}
