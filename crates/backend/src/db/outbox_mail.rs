//! `outbox_mail`: the durable mail queue. Workers in any number of server processes
//! claim due mails with `FOR UPDATE SKIP LOCKED` and hold them by a lease; a mail whose
//! worker died becomes due again when its lease runs out.

use crate::mail::{MailKind, MailStatus};
use sqlx::PgExecutor;
use sqlx::types::Json;
use time::OffsetDateTime;

/// The content of a mail that is not rendered from a run (a test mail).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Content {
    pub from: String,
    pub reply_to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[derive(Debug)]
pub struct Claimed {
    pub id: i64,
    pub kind: MailKind,
    pub run_id: Option<i64>,
    pub run_recipient_id: Option<i64>,
    pub to_address: String,
    pub content: Option<Json<Content>>,
    pub message_id: String,
    pub attempts: i32,
}

/// Claims up to `limit` due mails for `worker` until `lease_secs` from now.
pub async fn claim(
    exec: impl PgExecutor<'_>,
    worker: &str,
    limit: i64,
    lease_secs: f64,
) -> Result<Vec<Claimed>, sqlx::Error> {
    sqlx::query_as!(
        Claimed,
        r#"
        UPDATE outbox_mail o
        SET lease_until = now() + make_interval(secs => $3), leased_by = $1,
            attempts = o.attempts + 1
        WHERE o.id IN (
            SELECT id FROM outbox_mail
            WHERE status = 'queued' AND next_attempt_at <= now()
              AND (lease_until IS NULL OR lease_until < now())
            ORDER BY next_attempt_at, id
            LIMIT $2
            FOR UPDATE SKIP LOCKED)
        RETURNING o.id, o.kind AS "kind: MailKind", o.run_id, o.run_recipient_id, o.to_address,
                  o.content AS "content: Json<Content>", o.message_id, o.attempts
        "#,
        worker,
        limit,
        lease_secs
    )
    .fetch_all(exec)
    .await
}

/// Extends this worker's leases on the given mails that it still holds (queued, leased
/// by it, not yet answered): a lease stays short, so a dead worker's mails come back
/// soon, and is renewed while its worker is alive and the mails are in hand.
pub async fn renew_leases(
    exec: impl PgExecutor<'_>,
    worker: &str,
    ids: &[i64],
    lease_secs: f64,
) -> Result<u64, sqlx::Error> {
    let renewed = sqlx::query!(
        r#"
        UPDATE outbox_mail SET lease_until = now() + make_interval(secs => $3)
        WHERE id = ANY($2) AND leased_by = $1 AND status = 'queued'
          AND lease_until IS NOT NULL
        "#,
        worker,
        ids,
        lease_secs
    )
    .execute(exec)
    .await?;
    Ok(renewed.rows_affected())
}

/// Marks a mail sent, if this worker still holds it.
pub async fn mark_sent(
    exec: impl PgExecutor<'_>,
    id: i64,
    worker: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        r#"
        UPDATE outbox_mail SET status = 'sent', sent_at = now(), lease_until = NULL,
               last_error = NULL
        WHERE id = $1 AND leased_by = $2 AND status = 'queued'
        "#,
        id,
        worker
    )
    .execute(exec)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A temporary failure: try again at `next`.
pub async fn mark_retry(
    exec: impl PgExecutor<'_>,
    id: i64,
    worker: &str,
    next: OffsetDateTime,
    error: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"
        UPDATE outbox_mail SET next_attempt_at = $3, lease_until = NULL, last_error = $4
        WHERE id = $1 AND leased_by = $2 AND status = 'queued'
        "#,
        id,
        worker,
        next,
        error
    )
    .execute(exec)
    .await?;
    Ok(())
}

/// A permanent failure, or a mail that must not go out any more (`cancelled`).
pub async fn mark_final(
    exec: impl PgExecutor<'_>,
    id: i64,
    worker: &str,
    status: MailStatus,
    error: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"
        UPDATE outbox_mail SET status = $3, lease_until = NULL, last_error = $4
        WHERE id = $1 AND leased_by = $2 AND status = 'queued'
        "#,
        id,
        worker,
        status.as_str(),
        error
    )
    .execute(exec)
    .await?;
    Ok(())
}

/// A run is cancelled: its queued mails never go out.
pub async fn cancel_for_run(exec: impl PgExecutor<'_>, run_id: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE outbox_mail SET status = 'cancelled', lease_until = NULL \
         WHERE run_id = $1 AND status = 'queued'",
        run_id
    )
    .execute(exec)
    .await?;
    Ok(done.rows_affected())
}

pub async fn insert_content(
    exec: impl PgExecutor<'_>,
    kind: MailKind,
    run_id: Option<i64>,
    to: &str,
    content: &Content,
    message_id_domain: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"
        INSERT INTO outbox_mail (kind, run_id, to_address, content, message_id)
        VALUES ($1, $2, $3, $4, '<' || gen_random_uuid() || '@' || $5 || '>')
        RETURNING id
        "#,
        kind.as_str(),
        run_id,
        to,
        Json(content) as _,
        message_id_domain
    )
    .fetch_one(exec)
    .await
}

#[derive(Debug, Default)]
pub struct Progress {
    pub queued: i64,
    pub sent: i64,
    pub failed: i64,
    pub cancelled: i64,
}

/// The invitations of a run by status.
pub async fn progress(
    exec: impl PgExecutor<'_>,
    run_id: i64,
    kind: MailKind,
) -> Result<Progress, sqlx::Error> {
    sqlx::query_as!(
        Progress,
        r#"
        SELECT count(*) FILTER (WHERE status = 'queued') AS "queued!",
               count(*) FILTER (WHERE status = 'sent') AS "sent!",
               count(*) FILTER (WHERE status = 'failed') AS "failed!",
               count(*) FILTER (WHERE status = 'cancelled') AS "cancelled!"
        FROM outbox_mail WHERE run_id = $1 AND kind = $2
        "#,
        run_id,
        kind.as_str()
    )
    .fetch_one(exec)
    .await
}
