//! `consent_event`: the append-only proof of every consent choice. There is no update
//! or delete here, on purpose.

use sqlx::PgExecutor;

pub struct NewEvent<'a> {
    pub contact_id: i64,
    pub purpose: &'a str,
    pub legal_basis: &'a str,
    pub state: &'a str,
    pub source: &'a str,
    pub shown_text: &'a str,
    pub run_recipient_id: Option<i64>,
}

pub async fn insert(exec: impl PgExecutor<'_>, e: &NewEvent<'_>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"
        INSERT INTO consent_event (contact_id, purpose, legal_basis, state, source,
                                   shown_text, run_recipient_id)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        "#,
        e.contact_id,
        e.purpose,
        e.legal_basis,
        e.state,
        e.source,
        e.shown_text,
        e.run_recipient_id
    )
    .execute(exec)
    .await?;
    Ok(())
}

/// The contact's current state for a purpose: the newest event's, or `none`.
pub async fn current(
    exec: impl PgExecutor<'_>,
    contact_id: i64,
    purpose: &str,
) -> Result<String, sqlx::Error> {
    Ok(sqlx::query_scalar!(
        r#"
        SELECT state FROM consent_event WHERE contact_id = $1 AND purpose = $2
        ORDER BY at DESC, id DESC LIMIT 1
        "#,
        contact_id,
        purpose
    )
    .fetch_optional(exec)
    .await?
    .unwrap_or_else(|| "none".into()))
}
