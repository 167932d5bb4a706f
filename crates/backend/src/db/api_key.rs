//! Keys of the DMS API (`api_key`): stored as a prefix and a hash of the secret.

use sqlx::PgExecutor;

pub async fn insert(
    exec: impl PgExecutor<'_>,
    name: &str,
    prefix: &str,
    secret_hash: &[u8],
    company_ids: Option<&[i64]>,
    created_by: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"
        INSERT INTO api_key (name, prefix, secret_hash, company_ids, created_by)
        VALUES ($1, $2, $3, $4, $5)
        RETURNING id
        "#,
        name,
        prefix,
        secret_hash,
        company_ids as Option<&[i64]>,
        created_by
    )
    .fetch_one(exec)
    .await
}

pub struct Row {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub company_ids: Option<Vec<i64>>,
    pub company_names: Vec<String>,
    pub created_by: Option<String>,
    pub created_at: time::OffsetDateTime,
    pub last_used_at: Option<time::OffsetDateTime>,
    pub revoked_at: Option<time::OffsetDateTime>,
}

pub async fn list(exec: impl PgExecutor<'_>) -> Result<Vec<Row>, sqlx::Error> {
    sqlx::query_as!(
        Row,
        r#"
        SELECT k.id, k.name, k.prefix, k.company_ids,
               coalesce((SELECT array_agg(c.name ORDER BY c.name) FROM company c
                         WHERE c.id = ANY(k.company_ids)), '{}') AS "company_names!",
               s.display_name AS "created_by?", k.created_at, k.last_used_at, k.revoked_at
        FROM api_key k LEFT JOIN staff_user s ON s.id = k.created_by
        ORDER BY k.revoked_at NULLS FIRST, k.id DESC
        "#
    )
    .fetch_all(exec)
    .await
}

pub struct Active {
    pub id: i64,
    pub name: String,
    pub secret_hash: Vec<u8>,
    pub company_ids: Option<Vec<i64>>,
}

/// The key with this prefix, unless it is revoked; notes that it was used.
pub async fn use_active(
    exec: impl PgExecutor<'_>,
    prefix: &str,
) -> Result<Option<Active>, sqlx::Error> {
    sqlx::query_as!(
        Active,
        r#"
        UPDATE api_key SET last_used_at = now()
        WHERE prefix = $1 AND revoked_at IS NULL
        RETURNING id, name, secret_hash, company_ids
        "#,
        prefix
    )
    .fetch_optional(exec)
    .await
}

/// Revokes a key; `None` when there is no such key, else its name.
pub async fn revoke(exec: impl PgExecutor<'_>, id: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"
        UPDATE api_key SET revoked_at = coalesce(revoked_at, now())
        WHERE id = $1
        RETURNING name
        "#,
        id
    )
    .fetch_optional(exec)
    .await
}

pub async fn set_webhook(
    exec: impl PgExecutor<'_>,
    id: i64,
    url: &str,
    secret: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE api_key SET webhook_url = $2, webhook_secret = $3 WHERE id = $1",
        id,
        url,
        secret
    )
    .execute(exec)
    .await?;
    Ok(())
}
