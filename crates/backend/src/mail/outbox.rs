//! The outbox worker: claims due mails in batches, renders and sends each, and records
//! the outcome. Any number of workers (in one process or many) may run against one
//! database: claims skip rows another worker holds, and a lease that runs out (its
//! worker died) makes a mail due again. Leases are short and renewed while a batch is in
//! hand, so a dead worker's mails come back within one lease (30 s), not after the
//! longest a send may take.
//!
//! Each claimed mail is sent by its own spawned task that records the outcome right
//! after the SMTP server answers; stopping or aborting the worker loop never interrupts
//! that pair, so a mail the server accepted is marked sent. Only a process killed
//! between the server's answer and the update can send a mail twice; its Message-ID is
//! the same on every attempt, so receivers can recognise it.

use super::{MailKind, MailStatus, Outgoing, Transport, run_mail};
use crate::Settings;
use crate::db::{self, outbox_mail::Claimed, run_recipient::MailContext};
use sqlx::PgPool;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct WorkerConfig {
    /// Mails claimed at once.
    pub batch: i64,
    /// Mails in flight at once (SMTP connections are pooled).
    pub concurrency: usize,
    /// How long a claim holds a mail without renewal; renewed every third of it while
    /// the mail is in hand, so a dead worker's mails are due again within this time.
    pub lease: Duration,
    /// Pause when nothing is due.
    pub idle: Duration,
    /// First retry delay after a temporary failure; doubles per attempt, with jitter.
    pub retry_base: Duration,
    pub retry_max: Duration,
    /// After this many attempts a temporarily failing mail is marked failed.
    pub max_attempts: i32,
    /// One send may take at most this long (pool wait included); then it counts as a
    /// temporary failure, so one stuck connection never holds up a batch.
    pub send_timeout: Duration,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        WorkerConfig {
            batch: 50,
            concurrency: 8,
            lease: Duration::from_secs(30),
            idle: Duration::from_secs(2),
            retry_base: Duration::from_secs(60),
            retry_max: Duration::from_secs(3600),
            max_attempts: 8,
            send_timeout: Duration::from_secs(120),
        }
    }
}

pub struct Worker {
    pub pool: PgPool,
    pub settings: Arc<Settings>,
    pub transport: Arc<Transport>,
    /// Names this worker in leases (host, process and a random part).
    pub name: String,
    pub config: WorkerConfig,
}

enum Outcome {
    Sent,
    Temporary(String),
    Permanent(String),
    Cancelled,
}

impl Worker {
    pub fn new(
        pool: PgPool,
        settings: Arc<Settings>,
        transport: Transport,
        config: WorkerConfig,
    ) -> Self {
        use rand::Rng;
        let name = format!(
            "{}-{}-{:08x}",
            hostname(),
            std::process::id(),
            rand::thread_rng().r#gen::<u32>()
        );
        Worker {
            pool,
            settings,
            transport: Arc::new(transport),
            name,
            config,
        }
    }

    /// Runs until `stop` turns true; the batches in hand are finished first.
    ///
    /// Sending never waits for a claim: the next batch is claimed while the current
    /// one's last mails are being sent, so the senders go from one batch to the next.
    pub async fn run(self, mut stop: tokio::sync::watch::Receiver<bool>) {
        tracing::info!(worker = %self.name, "mail worker started");
        let permits = Arc::new(tokio::sync::Semaphore::new(self.config.concurrency));
        let mut sending = tokio::task::JoinSet::new();
        loop {
            if *stop.borrow() {
                break;
            }
            while let Some(done) = sending.try_join_next() {
                log_batch(done);
            }
            let pause = match self.claim().await {
                Ok(Some(batch)) => {
                    let ahead = batch.mails.len().saturating_sub(self.config.concurrency);
                    let (started_tx, mut started) = tokio::sync::mpsc::unbounded_channel();
                    sending.spawn(self.send(batch, permits.clone(), Some(started_tx)));
                    for _ in 0..ahead {
                        if started.recv().await.is_none() {
                            break;
                        }
                    }
                    continue;
                }
                Ok(None) => self.config.idle,
                Err(e) => {
                    tracing::warn!(error = %e, "mail worker: database error");
                    self.config.idle
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(pause) => {}
                _ = stop.changed() => {}
            }
        }
        while let Some(done) = sending.join_next().await {
            log_batch(done);
        }
        tracing::info!(worker = %self.name, "mail worker stopped");
    }

    /// Claims one batch and sends it; returns how many mails were claimed.
    pub async fn run_once(&self) -> Result<usize, sqlx::Error> {
        let Some(batch) = self.claim().await? else {
            return Ok(0);
        };
        let n = batch.mails.len();
        let permits = Arc::new(tokio::sync::Semaphore::new(self.config.concurrency));
        self.send(batch, permits, None).await?;
        Ok(n)
    }

    /// Claims up to a batch of due mails, with what rendering them needs.
    async fn claim(&self) -> Result<Option<Batch>, sqlx::Error> {
        let claimed = db::outbox_mail::claim(
            &self.pool,
            &self.name,
            self.config.batch,
            self.config.lease.as_secs_f64(),
        )
        .await?;
        if claimed.is_empty() {
            return Ok(None);
        }
        let recipient_ids: Vec<i64> = claimed.iter().filter_map(|c| c.run_recipient_id).collect();
        let contexts: HashMap<i64, Arc<MailContext>> =
            db::run_recipient::mail_contexts(&self.pool, &recipient_ids)
                .await?
                .into_iter()
                .map(|c| (c.recipient_id, Arc::new(c)))
                .collect();
        let mut run_ids: Vec<i64> = claimed.iter().filter_map(|c| c.run_id).collect();
        run_ids.sort_unstable();
        run_ids.dedup();
        let mails = claimed
            .into_iter()
            .map(|mail| {
                let ctx = mail
                    .run_recipient_id
                    .and_then(|id| contexts.get(&id).cloned());
                (mail, ctx)
            })
            .collect();
        Ok(Some(Batch { mails, run_ids }))
    }

    /// Starts one task per mail of `batch`, at most `permits` sending at once; each tells
    /// `started` when its turn comes. The future ends when every mail's outcome is
    /// recorded, renewing the batch's leases until then, and marks finished runs sent.
    fn send(
        &self,
        batch: Batch,
        permits: Arc<tokio::sync::Semaphore>,
        started: Option<tokio::sync::mpsc::UnboundedSender<()>>,
    ) -> impl Future<Output = Result<(), sqlx::Error>> + Send + 'static {
        let ids: Vec<i64> = batch.mails.iter().map(|(m, _)| m.id).collect();
        let mut handles = Vec::with_capacity(ids.len());
        for (mail, ctx) in batch.mails {
            let job = Job {
                pool: self.pool.clone(),
                settings: self.settings.clone(),
                transport: self.transport.clone(),
                worker: self.name.clone(),
                config: self.config.clone(),
            };
            let permits = permits.clone();
            let started = started.clone();
            // Detached on purpose: see the module docs.
            handles.push(tokio::spawn(async move {
                let _permit = permits.acquire_owned().await;
                if let Some(started) = started {
                    let _ = started.send(());
                }
                job.handle(mail, ctx).await;
            }));
        }
        let (pool, name, lease) = (self.pool.clone(), self.name.clone(), self.config.lease);
        let run_ids = batch.run_ids;
        async move {
            let sent = async {
                for h in handles {
                    let _ = h.await;
                }
            };
            // Renewal belongs to this batch's future: if it is dropped (the worker
            // aborted), renewal stops, and the leases run out as after a crash.
            tokio::select! {
                () = sent => {}
                () = renew_leases(&pool, &name, &ids, lease) => {}
            }
            db::run::finish_sending(&pool, &run_ids).await
        }
    }
}

/// Mails claimed together, each with its recipient's context (none for a test mail).
struct Batch {
    mails: Vec<(Claimed, Option<Arc<MailContext>>)>,
    run_ids: Vec<i64>,
}

fn log_batch(done: Result<Result<(), sqlx::Error>, tokio::task::JoinError>) {
    match done {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::warn!(error = %e, "mail worker: finishing a batch failed"),
        Err(e) => tracing::error!(error = %e, "mail worker: a batch's task failed"),
    }
}

/// Renews the leases on `ids` every third of a lease, until dropped.
async fn renew_leases(pool: &PgPool, worker: &str, ids: &[i64], lease: Duration) {
    loop {
        tokio::time::sleep(lease / 3).await;
        if let Err(e) = db::outbox_mail::renew_leases(pool, worker, ids, lease.as_secs_f64()).await
        {
            tracing::warn!(error = %e, "mail worker: renewing leases failed");
        }
    }
}

struct Job {
    pool: PgPool,
    settings: Arc<Settings>,
    transport: Arc<Transport>,
    worker: String,
    config: WorkerConfig,
}

impl Job {
    async fn handle(self, mail: Claimed, ctx: Option<Arc<MailContext>>) {
        let outcome = match self.build(&mail, ctx.as_deref()) {
            Err(o) => o,
            Ok(out) => self.deliver(&mail, &out).await,
        };
        let recorded = match &outcome {
            Outcome::Sent => db::outbox_mail::mark_sent(&self.pool, mail.id, &self.worker)
                .await
                .map(|_| ()),
            Outcome::Cancelled => {
                db::outbox_mail::mark_final(
                    &self.pool,
                    mail.id,
                    &self.worker,
                    MailStatus::Cancelled,
                    None,
                )
                .await
            }
            Outcome::Permanent(e) => {
                db::outbox_mail::mark_final(
                    &self.pool,
                    mail.id,
                    &self.worker,
                    MailStatus::Failed,
                    Some(e),
                )
                .await
            }
            Outcome::Temporary(e) if mail.attempts >= self.config.max_attempts => {
                let e = format!("gave up after {} attempts: {e}", mail.attempts);
                db::outbox_mail::mark_final(
                    &self.pool,
                    mail.id,
                    &self.worker,
                    MailStatus::Failed,
                    Some(&e),
                )
                .await
            }
            Outcome::Temporary(e) => {
                let next =
                    time::OffsetDateTime::now_utc() + retry_delay(&self.config, mail.attempts);
                db::outbox_mail::mark_retry(&self.pool, mail.id, &self.worker, next, e).await
            }
        };
        let result = match outcome {
            Outcome::Sent => "sent",
            Outcome::Temporary(_) => "retry",
            Outcome::Permanent(_) => "failed",
            Outcome::Cancelled => "cancelled",
        };
        // Ids and outcomes only: addresses and error texts (which quote them) stay in
        // the database.
        tracing::info!(mail = mail.id, kind = %mail.kind, attempt = mail.attempts, result, "outbox mail");
        if let Err(e) = recorded {
            tracing::error!(mail = mail.id, error = %e, "recording a mail's outcome failed");
        }
    }

    fn build(&self, mail: &Claimed, ctx: Option<&MailContext>) -> Result<Outgoing, Outcome> {
        if let Some(content) = &mail.content {
            let c = &content.0;
            return Ok(Outgoing {
                from: c.from.parse().map_err(|_| {
                    Outcome::Permanent(format!("`{}` is not a valid sender", c.from))
                })?,
                reply_to: Some(super::mailbox(None, &c.reply_to).map_err(Outcome::Permanent)?),
                to: super::mailbox(None, &mail.to_address).map_err(Outcome::Permanent)?,
                subject: c.subject.clone(),
                text: c.text.clone(),
                html: c.html.clone(),
                message_id: mail.message_id.clone(),
                list_unsubscribe: None,
            });
        }
        let Some(ctx) = ctx else {
            return Err(Outcome::Cancelled);
        };
        if ctx.run_status == datacheck_core::wire::RunStatus::Cancelled || ctx.revoked {
            return Err(Outcome::Cancelled);
        }
        // Consent withdrawn after the mail was queued: no reminder, no marketing.
        if ctx.withdrawn && (mail.kind == MailKind::Reminder || ctx.marketing) {
            return Err(Outcome::Cancelled);
        }
        if ctx.expires_at <= time::OffsetDateTime::now_utc() {
            return Err(Outcome::Permanent(
                "the link expired before the mail could be sent".into(),
            ));
        }
        run_mail(&self.settings, ctx, mail.kind, &mail.message_id).map_err(Outcome::Permanent)
    }

    async fn deliver(&self, mail: &Claimed, out: &Outgoing) -> Outcome {
        let message = match out.message() {
            Ok(m) => m,
            Err(e) => return Outcome::Permanent(e),
        };
        match &*self.transport {
            Transport::Smtp(smtp) => {
                match tokio::time::timeout(self.config.send_timeout, smtp.send(&message)).await {
                    Ok(Ok(_)) => Outcome::Sent,
                    Ok(Err(e)) if e.is_permanent() => Outcome::Permanent(e.to_string()),
                    Ok(Err(e)) => Outcome::Temporary(e.to_string()),
                    Err(_) => Outcome::Temporary(format!(
                        "no answer from the SMTP server within {} s",
                        self.config.send_timeout.as_secs()
                    )),
                }
            }
            Transport::DevMailbox => {
                let raw = message.formatted();
                let stored = db::dev_mail::insert(
                    &self.pool,
                    &db::dev_mail::NewDevMail {
                        outbox_mail_id: Some(mail.id),
                        message_id: &out.message_id,
                        from: &out.from.to_string(),
                        to: &out.to.to_string(),
                        reply_to: out.reply_to.as_ref().map(ToString::to_string).as_deref(),
                        subject: &out.subject,
                        text: &out.text,
                        html: &out.html,
                        raw: &raw,
                    },
                )
                .await;
                match stored {
                    Ok(_) => Outcome::Sent,
                    Err(e) => Outcome::Temporary(format!("dev mailbox: {e}")),
                }
            }
        }
    }
}

/// `base · 2^(attempt-1)`, capped, with ±20 % jitter so retries of a failed batch
/// spread out instead of hitting the server together.
pub fn retry_delay(config: &WorkerConfig, attempt: i32) -> time::Duration {
    use rand::Rng;
    let exp = attempt.clamp(1, 20) - 1;
    let base = config
        .retry_base
        .saturating_mul(1u32 << exp)
        .min(config.retry_max);
    let jitter = rand::thread_rng().gen_range(0.8..1.2);
    time::Duration::seconds_f64(base.as_secs_f64() * jitter)
}

fn hostname() -> String {
    std::env::var("HOSTNAME").unwrap_or_else(|_| "datacheck".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially_with_jitter_and_a_cap() {
        let c = WorkerConfig::default();
        for _ in 0..50 {
            let first = retry_delay(&c, 1).as_seconds_f64();
            assert!((48.0..=72.0).contains(&first), "{first}");
            let third = retry_delay(&c, 3).as_seconds_f64();
            assert!((192.0..=288.0).contains(&third), "{third}");
            let late = retry_delay(&c, 30).as_seconds_f64();
            assert!(late <= 3600.0 * 1.2, "{late}");
        }
    }
}
