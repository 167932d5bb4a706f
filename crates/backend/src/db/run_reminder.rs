//! Reminders planned with a run (`run_reminder`): so many days after sending.

use sqlx::{PgConnection, PgExecutor};
use time::OffsetDateTime;

pub struct Planned {
    pub id: i64,
    pub days_after: i16,
    /// When it is due: the run's sending time plus the days (`None` for a draft).
    pub due_at: Option<OffsetDateTime>,
    pub done_at: Option<OffsetDateTime>,
    pub queued: Option<i32>,
}

/// Plans reminders for a run (as it is sent).
pub async fn insert(
    exec: impl PgExecutor<'_>,
    run_id: i64,
    days: &[i16],
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO run_reminder (run_id, days_after) SELECT $1, unnest($2::smallint[])",
        run_id,
        days
    )
    .execute(exec)
    .await?;
    Ok(())
}

/// A run's planned reminders, in order.
pub async fn of_run(exec: impl PgExecutor<'_>, run_id: i64) -> Result<Vec<Planned>, sqlx::Error> {
    sqlx::query_as!(
        Planned,
        r#"
        SELECT p.id, p.days_after, r.sent_at + make_interval(days => p.days_after) AS due_at,
               p.done_at, p.queued
        FROM run_reminder p JOIN run r ON r.id = p.run_id
        WHERE p.run_id = $1
        ORDER BY p.days_after
        "#,
        run_id
    )
    .fetch_all(exec)
    .await
}

/// Removes a planned reminder of this run that has not gone out; whether one did.
pub async fn remove(exec: impl PgExecutor<'_>, run_id: i64, id: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "DELETE FROM run_reminder WHERE id = $1 AND run_id = $2 AND done_at IS NULL",
        id,
        run_id
    )
    .execute(exec)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub struct Due {
    pub id: i64,
    pub run_id: i64,
    pub company_id: i64,
    pub days_after: i16,
}

/// One planned reminder that is due at `now`, of a run that is sent and whose links
/// still live, locked for this transaction; one another worker holds is skipped.
pub async fn claim_due(
    conn: &mut PgConnection,
    now: OffsetDateTime,
) -> Result<Option<Due>, sqlx::Error> {
    sqlx::query_as!(
        Due,
        r#"
        SELECT p.id, p.run_id, r.company_id, p.days_after
        FROM run_reminder p JOIN run r ON r.id = p.run_id
        WHERE p.done_at IS NULL AND r.status IN ('sending', 'sent')
          AND r.sent_at + make_interval(days => p.days_after) <= $1
          AND r.links_expire_at > $1
        ORDER BY p.id
        LIMIT 1
        FOR UPDATE OF p SKIP LOCKED
        "#,
        now
    )
    .fetch_optional(conn)
    .await
}

pub async fn mark_done(
    exec: impl PgExecutor<'_>,
    id: i64,
    queued: i32,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE run_reminder SET done_at = $2, queued = $3 WHERE id = $1",
        id,
        now,
        queued
    )
    .execute(exec)
    .await?;
    Ok(())
}
