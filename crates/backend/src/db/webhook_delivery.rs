//! `webhook_delivery`: the durable queue of webhook calls to DMSs. Rows are queued in
//! the transaction that creates what they announce, claimed with `FOR UPDATE SKIP
//! LOCKED` (so several servers can deliver at once), and retried with backoff.

use sqlx::PgExecutor;
use time::OffsetDateTime;

/// Queues `body` for every live key with a webhook that may see `company_id`.
pub async fn enqueue(
    exec: impl PgExecutor<'_>,
    company_id: i64,
    event: &str,
    body: &str,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        r#"
        INSERT INTO webhook_delivery (api_key_id, event, body)
        SELECT k.id, $2, $3 FROM api_key k
        WHERE k.revoked_at IS NULL AND k.webhook_url IS NOT NULL
          AND (k.company_ids IS NULL OR $1 = ANY(k.company_ids))
        "#,
        company_id,
        event,
        body
    )
    .execute(exec)
    .await?;
    Ok(done.rows_affected())
}

pub struct Due {
    pub id: i64,
    pub url: String,
    pub secret: String,
    pub event: String,
    pub body: String,
    pub attempts: i32,
}

/// Claims up to `limit` due deliveries for `lease_seconds`, counting the attempt.
pub async fn claim(
    exec: impl PgExecutor<'_>,
    limit: i64,
    lease_seconds: f64,
) -> Result<Vec<Due>, sqlx::Error> {
    sqlx::query_as!(
        Due,
        r#"
        WITH due AS (
            SELECT d.id FROM webhook_delivery d
            WHERE d.status = 'pending' AND d.next_attempt_at <= now()
              AND (d.lease_until IS NULL OR d.lease_until < now())
            ORDER BY d.next_attempt_at, d.id
            LIMIT $1
            FOR UPDATE SKIP LOCKED
        )
        UPDATE webhook_delivery d
        SET lease_until = now() + make_interval(secs => $2), attempts = d.attempts + 1
        FROM due, api_key k
        WHERE d.id = due.id AND k.id = d.api_key_id
        RETURNING d.id, k.webhook_url AS "url!", k.webhook_secret AS "secret!", d.event,
                  d.body, d.attempts
        "#,
        limit,
        lease_seconds
    )
    .fetch_all(exec)
    .await
}

pub async fn delivered(exec: impl PgExecutor<'_>, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE webhook_delivery SET status = 'delivered', delivered_at = now(), lease_until = NULL, last_error = NULL WHERE id = $1",
        id
    )
    .execute(exec)
    .await?;
    Ok(())
}

/// A failed attempt: try again at `retry_at`, or give up (`None`).
pub async fn failed(
    exec: impl PgExecutor<'_>,
    id: i64,
    error: &str,
    retry_at: Option<OffsetDateTime>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"
        UPDATE webhook_delivery
        SET last_error = left($2, 500), lease_until = NULL,
            status = CASE WHEN $3::timestamptz IS NULL THEN 'failed' ELSE 'pending' END,
            next_attempt_at = coalesce($3, next_attempt_at)
        WHERE id = $1
        "#,
        id,
        error,
        retry_at
    )
    .execute(exec)
    .await?;
    Ok(())
}
