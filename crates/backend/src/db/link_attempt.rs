//! `link_attempt`: invalid personal links per client address and window, one counter
//! row each, for throttling guesses at a flat cost.

use sqlx::PgExecutor;
use time::OffsetDateTime;

/// Counts one more invalid link for the client in the window that starts at
/// `window_start`, unless that window already holds `limit`: then nothing is written and
/// the answer is `false` (the client is over the limit).
pub async fn count_one(
    exec: impl PgExecutor<'_>,
    client_hash: &[u8],
    window_start: OffsetDateTime,
    limit: i32,
) -> Result<bool, sqlx::Error> {
    let counted = sqlx::query_scalar!(
        "INSERT INTO link_attempt (client_hash, window_start, failures) VALUES ($1, $2, 1)
         ON CONFLICT (client_hash, window_start)
         DO UPDATE SET failures = link_attempt.failures + 1 WHERE link_attempt.failures < $3
         RETURNING failures",
        client_hash,
        window_start,
        limit
    )
    .fetch_optional(exec)
    .await?;
    Ok(counted.is_some())
}

/// Housekeeping: windows that started before `before` no longer count.
pub async fn purge(exec: impl PgExecutor<'_>, before: OffsetDateTime) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query!("DELETE FROM link_attempt WHERE window_start < $1", before)
            .execute(exec)
            .await?
            .rows_affected(),
    )
}
