use sqlx::PgExecutor;
use time::OffsetDateTime;

pub struct FailureCounts {
    pub by_email: i64,
    pub oldest_email: Option<OffsetDateTime>,
    pub by_client: i64,
    pub oldest_client: Option<OffsetDateTime>,
}

/// Failures since `since`; for the account, only those after its last successful sign-in.
pub async fn failures_since(
    exec: impl PgExecutor<'_>,
    email: &str,
    client_hash: &[u8],
    since: OffsetDateTime,
) -> Result<FailureCounts, sqlx::Error> {
    let row = sqlx::query!(
        r#"
        WITH last_ok AS (
            SELECT max(at) AS at FROM sign_in_attempt WHERE email = $1 AND succeeded
        )
        SELECT
            count(*) FILTER (WHERE a.email = $1 AND a.at > coalesce(greatest(l.at, $3), $3))
                AS "by_email!",
            min(a.at) FILTER (WHERE a.email = $1 AND a.at > coalesce(greatest(l.at, $3), $3))
                AS oldest_email,
            count(*) FILTER (WHERE a.client_hash = $2) AS "by_client!",
            min(a.at) FILTER (WHERE a.client_hash = $2) AS oldest_client
        FROM sign_in_attempt a CROSS JOIN last_ok l
        WHERE NOT a.succeeded AND a.at > $3 AND (a.email = $1 OR a.client_hash = $2)
        "#,
        email,
        client_hash,
        since
    )
    .fetch_one(exec)
    .await?;
    Ok(FailureCounts {
        by_email: row.by_email,
        oldest_email: row.oldest_email,
        by_client: row.by_client,
        oldest_client: row.oldest_client,
    })
}

pub async fn insert(
    exec: impl PgExecutor<'_>,
    email: &str,
    client_hash: &[u8],
    succeeded: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO sign_in_attempt (email, client_hash, succeeded) VALUES ($1, $2, $3)",
        email,
        client_hash,
        succeeded
    )
    .execute(exec)
    .await?;
    Ok(())
}

/// Attempts older than a day are no use to throttling.
pub async fn purge_before(
    exec: impl PgExecutor<'_>,
    before: OffsetDateTime,
) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query!("DELETE FROM sign_in_attempt WHERE at < $1", before)
            .execute(exec)
            .await?
            .rows_affected(),
    )
}
