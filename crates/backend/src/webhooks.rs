//! Delivers the webhook queue: each due row is POSTed to its key's URL, signed with the
//! key's secret, and retried with growing pauses until the DMS answers 2xx (or we give
//! up after `max_attempts`). Several servers may run this at once: rows are claimed
//! with a lease (`db::webhook_delivery::claim`).
//!
//! Signature: `X-Datacheck-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>` over
//! `<t>.<body>`, so a receiver can check both who sent it and that it is fresh.

use crate::db;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use sqlx::PgPool;
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct WebhookConfig {
    pub batch: i64,
    pub idle: Duration,
    pub timeout: Duration,
    pub lease: Duration,
    pub retry_base: Duration,
    pub retry_max: Duration,
    pub max_attempts: i32,
}

impl Default for WebhookConfig {
    fn default() -> Self {
        WebhookConfig {
            batch: 20,
            idle: Duration::from_secs(2),
            timeout: Duration::from_secs(10),
            lease: Duration::from_secs(60),
            retry_base: Duration::from_secs(30),
            retry_max: Duration::from_secs(3600),
            // About a day and a half of trying with the defaults.
            max_attempts: 12,
        }
    }
}

/// The signature header's value for `body` at unix time `t`.
pub fn signature(secret: &str, t: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{t}.{body}").as_bytes());
    format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
}

pub struct Deliverer {
    pool: PgPool,
    client: reqwest::Client,
    config: WebhookConfig,
}

impl Deliverer {
    pub fn new(pool: PgPool, config: WebhookConfig) -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent("Datacheck-Webhook/1")
            .build()?;
        Ok(Deliverer {
            pool,
            client,
            config,
        })
    }

    /// Delivers what is due now; answers how many rows it tried.
    pub async fn deliver_due(&self) -> Result<usize, sqlx::Error> {
        let due = db::webhook_delivery::claim(
            &self.pool,
            self.config.batch,
            self.config.lease.as_secs_f64(),
        )
        .await?;
        let n = due.len();
        for d in due {
            let t = time::OffsetDateTime::now_utc().unix_timestamp();
            let sent = self
                .client
                .post(&d.url)
                .header("content-type", "application/json")
                .header("x-datacheck-event", &d.event)
                .header("x-datacheck-delivery", d.id.to_string())
                .header("x-datacheck-signature", signature(&d.secret, t, &d.body))
                .body(d.body.clone())
                .send()
                .await;
            let problem = match sent {
                Ok(r) if r.status().is_success() => None,
                Ok(r) => Some(format!("answered {}", r.status())),
                Err(e) => Some(format!("not reached: {e}")),
            };
            match problem {
                None => db::webhook_delivery::delivered(&self.pool, d.id).await?,
                Some(why) => {
                    let retry_at = (d.attempts < self.config.max_attempts).then(|| {
                        let pause = self
                            .config
                            .retry_base
                            .saturating_mul(1 << (d.attempts - 1).clamp(0, 16))
                            .min(self.config.retry_max);
                        time::OffsetDateTime::now_utc()
                            + time::Duration::try_from(pause).unwrap_or(time::Duration::HOUR)
                    });
                    tracing::warn!(delivery = d.id, attempts = d.attempts, error = %why, "webhook delivery failed");
                    db::webhook_delivery::failed(&self.pool, d.id, &why, retry_at).await?;
                }
            }
        }
        Ok(n)
    }

    /// Delivers until `stop` turns true, pausing when nothing is due.
    pub async fn run(self, mut stop: tokio::sync::watch::Receiver<bool>) {
        loop {
            let busy = match self.deliver_due().await {
                Ok(n) => n > 0,
                Err(e) => {
                    tracing::warn!(error = %e, "webhook queue unavailable");
                    false
                }
            };
            if *stop.borrow() {
                break;
            }
            if !busy {
                tokio::select! {
                    _ = tokio::time::sleep(self.config.idle) => {}
                    _ = stop.changed() => break,
                }
            }
        }
    }
}
