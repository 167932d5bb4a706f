//! `contact_consent`: each contact's current legal basis and state per purpose. Only
//! `server::consent` writes it, always together with a `consent_event`.

use datacheck_core::wire::{ConsentState, LegalBasis};
use sqlx::PgExecutor;
use time::OffsetDateTime;

pub struct StateRow {
    pub purpose: String,
    pub name_nl: String,
    pub name_en: String,
    pub legal_basis: LegalBasis,
    pub state: ConsentState,
    pub changed_at: Option<OffsetDateTime>,
}

/// Every purpose, with the contact's basis and state (the purpose's default basis and
/// "none" when nothing was ever recorded).
pub async fn for_contact(
    exec: impl PgExecutor<'_>,
    contact_id: i64,
) -> Result<Vec<StateRow>, sqlx::Error> {
    sqlx::query_as!(
        StateRow,
        r#"
        SELECT p.key AS purpose, p.name_nl, p.name_en,
               coalesce(c.legal_basis, p.default_legal_basis) AS "legal_basis!: LegalBasis",
               coalesce(c.state, 'none') AS "state!: ConsentState",
               c.changed_at AS "changed_at?"
        FROM purpose p
        LEFT JOIN contact_consent c ON c.purpose = p.key AND c.contact_id = $1
        ORDER BY p.position, p.key
        "#,
        contact_id
    )
    .fetch_all(exec)
    .await
}

/// One purpose's basis and state for a contact, with defaults. `None` for an unknown
/// purpose.
pub async fn get(
    exec: impl PgExecutor<'_>,
    contact_id: i64,
    purpose: &str,
) -> Result<Option<(LegalBasis, ConsentState)>, sqlx::Error> {
    let row = sqlx::query!(
        r#"
        SELECT coalesce(c.legal_basis, p.default_legal_basis) AS "legal_basis!: LegalBasis",
               coalesce(c.state, 'none') AS "state!: ConsentState"
        FROM purpose p
        LEFT JOIN contact_consent c ON c.purpose = p.key AND c.contact_id = $1
        WHERE p.key = $2
        "#,
        contact_id,
        purpose
    )
    .fetch_optional(exec)
    .await?;
    Ok(row.map(|r| (r.legal_basis, r.state)))
}

pub async fn upsert(
    exec: impl PgExecutor<'_>,
    contact_id: i64,
    purpose: &str,
    legal_basis: &str,
    state: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"
        INSERT INTO contact_consent (contact_id, purpose, legal_basis, state)
        VALUES ($1, $2, $3, $4)
        ON CONFLICT (contact_id, purpose) DO UPDATE
        SET legal_basis = EXCLUDED.legal_basis, state = EXCLUDED.state, changed_at = now()
        "#,
        contact_id,
        purpose,
        legal_basis,
        state
    )
    .execute(exec)
    .await?;
    Ok(())
}

/// Purpose keys and their English names.
pub async fn purposes(exec: impl PgExecutor<'_>) -> Result<Vec<(String, String)>, sqlx::Error> {
    let rows = sqlx::query!("SELECT key, name_en FROM purpose ORDER BY position, key")
        .fetch_all(exec)
        .await?;
    Ok(rows.into_iter().map(|r| (r.key, r.name_en)).collect())
}
