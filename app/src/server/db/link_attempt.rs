//! `link_attempt`: invalid personal links per client address, for throttling guesses.

use sqlx::PgExecutor;
use time::OffsetDateTime;

pub async fn record(exec: impl PgExecutor<'_>, client_hash: &[u8]) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO link_attempt (client_hash) VALUES ($1)",
        client_hash
    )
    .execute(exec)
    .await?;
    Ok(())
}

pub async fn count_since(
    exec: impl PgExecutor<'_>,
    client_hash: &[u8],
    since: OffsetDateTime,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM link_attempt WHERE client_hash = $1 AND at > $2"#,
        client_hash,
        since
    )
    .fetch_one(exec)
    .await
}

/// Housekeeping: attempts older than `before` no longer count.
pub async fn purge(exec: impl PgExecutor<'_>, before: OffsetDateTime) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query!("DELETE FROM link_attempt WHERE at < $1", before)
            .execute(exec)
            .await?
            .rows_affected(),
    )
}
