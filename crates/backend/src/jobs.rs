//! What runs in the background, and when: the hourly housekeeping, the outbox worker
//! and the webhook deliverer. The server starts them and stops them at shutdown; each
//! is safe with several servers running it at once.

use crate::mail::Transport;
use crate::mail::outbox::{Worker, WorkerConfig};
use crate::{AppState, db};
use sqlx::PgPool;
use std::time::Duration;

/// Hourly clean-up of expired sessions, old sign-in and link attempts, and reviewed
/// mutations past their retention (`retention_days`, 0 = keep). Safe with several
/// servers: each delete is idempotent.
pub fn spawn_housekeeping(
    pool: PgPool,
    retention_days: u32,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tokio::select! {
                _ = tick.tick() => {
                    let now = time::OffsetDateTime::now_utc();
                    if let Err(e) = db::staff_session::purge_expired(&pool, now).await {
                        tracing::warn!(error = %e, "purging sessions failed");
                    }
                    if let Err(e) = db::sign_in_attempt::purge_before(&pool, now - time::Duration::days(1)).await {
                        tracing::warn!(error = %e, "purging sign-in attempts failed");
                    }
                    if let Err(e) = db::link_attempt::purge(&pool, now - time::Duration::days(1)).await {
                        tracing::warn!(error = %e, "purging link attempts failed");
                    }
                    if let Err(e) = db::contact_import::expire(&pool).await {
                        tracing::warn!(error = %e, "expiring contact imports failed");
                    }
                    if retention_days > 0 {
                        match crate::mutations::purge_reviewed(&pool, retention_days).await {
                            Ok(0) => {}
                            Ok(n) => tracing::info!(purged = n, "reviewed mutations past retention deleted"),
                            Err(e) => tracing::warn!(error = %e, "purging reviewed mutations failed"),
                        }
                    }
                }
                _ = stop.changed() => break,
            }
        }
    });
}

/// Every minute, queues the planned reminders that are due (`runs::tick`). Safe with
/// several servers: each planned reminder is claimed once.
pub fn spawn_planned_reminders(state: AppState, mut stop: tokio::sync::watch::Receiver<bool>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tokio::select! {
                _ = tick.tick() => {
                    match crate::runs::tick(&state, time::OffsetDateTime::now_utc()).await {
                        Ok(0) => {}
                        Ok(n) => tracing::info!(planned = n, "planned reminders queued"),
                        Err(e) => tracing::warn!(error = %e, "queueing planned reminders failed"),
                    }
                }
                _ = stop.changed() => break,
            }
        }
    });
}

/// Starts the outbox worker; it stops (after finishing the mails in hand) when `stop`
/// turns true.
pub fn spawn_mail_worker(
    state: &AppState,
    transport: Transport,
    stop: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    let worker = Worker::new(
        state.pool.clone(),
        state.settings.clone(),
        transport,
        WorkerConfig::default(),
    );
    tokio::spawn(worker.run(stop))
}
