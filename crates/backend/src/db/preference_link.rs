//! `preference_link`: the row a lasting preferences token names. Revoking it kills
//! every token ever made for it.

use sqlx::PgExecutor;

pub struct LinkRow {
    pub id: i64,
    pub contact_id: i64,
    pub company_id: i64,
    pub company_name: String,
    pub language: String,
    pub revoked: bool,
}

/// The contact's live link, made now when there is none.
pub async fn live_or_new(
    exec: impl PgExecutor<'_>,
    contact_id: i64,
    created_by: &str,
) -> Result<i64, sqlx::Error> {
    // The partial unique index allows one live link per contact; a concurrent maker
    // loses the insert and reads the winner's row.
    sqlx::query_scalar!(
        r#"
        WITH made AS (
            INSERT INTO preference_link (contact_id, created_by)
            VALUES ($1, $2)
            ON CONFLICT (contact_id) WHERE revoked_at IS NULL DO NOTHING
            RETURNING id
        )
        SELECT id AS "id!" FROM made
        UNION ALL
        SELECT id FROM preference_link WHERE contact_id = $1 AND revoked_at IS NULL
        LIMIT 1
        "#,
        contact_id,
        created_by
    )
    .fetch_one(exec)
    .await
}

pub async fn get(exec: impl PgExecutor<'_>, id: i64) -> Result<Option<LinkRow>, sqlx::Error> {
    sqlx::query_as!(
        LinkRow,
        r#"
        SELECT l.id, l.contact_id, k.company_id, c.name AS company_name, k.language,
               l.revoked_at IS NOT NULL AS "revoked!"
        FROM preference_link l
        JOIN contact k ON k.id = l.contact_id
        JOIN company c ON c.id = k.company_id
        WHERE l.id = $1
        "#,
        id
    )
    .fetch_optional(exec)
    .await
}

pub async fn mark_opened(exec: impl PgExecutor<'_>, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE preference_link SET opened_at = now() WHERE id = $1 AND opened_at IS NULL",
        id
    )
    .execute(exec)
    .await?;
    Ok(())
}

/// Revokes the contact's live link; the number of links revoked (0 or 1).
pub async fn revoke(exec: impl PgExecutor<'_>, contact_id: i64) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query!(
        "UPDATE preference_link SET revoked_at = now() WHERE contact_id = $1 AND revoked_at IS NULL",
        contact_id
    )
    .execute(exec)
    .await?
    .rows_affected())
}

pub async fn has_live(exec: impl PgExecutor<'_>, contact_id: i64) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM preference_link
                          WHERE contact_id = $1 AND revoked_at IS NULL) AS "e!""#,
        contact_id
    )
    .fetch_one(exec)
    .await
}

/// Holds the link's row until the transaction ends: one answer at a time.
pub async fn lock(exec: impl PgExecutor<'_>, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "SELECT id FROM preference_link WHERE id = $1 FOR UPDATE",
        id
    )
    .fetch_optional(exec)
    .await?;
    Ok(())
}
