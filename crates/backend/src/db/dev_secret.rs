use sqlx::PgExecutor;

/// The stored secret of this name, or `candidate` stored now. Safe when two servers
/// start at once: the first insert wins and both read it back.
pub async fn get_or_insert(
    exec: impl PgExecutor<'_>,
    name: &str,
    candidate: &[u8],
) -> Result<Vec<u8>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"
        WITH ins AS (
            INSERT INTO dev_secret (name, value) VALUES ($1, $2)
            ON CONFLICT (name) DO NOTHING RETURNING value
        )
        SELECT value AS "value!" FROM ins
        UNION ALL
        SELECT value FROM dev_secret WHERE name = $1
        LIMIT 1
        "#,
        name,
        candidate
    )
    .fetch_one(exec)
    .await
}
