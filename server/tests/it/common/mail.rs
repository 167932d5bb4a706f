//! The outbox as tests drive it, and the mails it sends as a person reads them.

use backend::mail::Transport;
use backend::mail::outbox::{Worker, WorkerConfig};
use sqlx::PgPool;
use std::sync::Arc;
use std::time::Duration;

use super::smtp::TestSmtp;

/// An outbox worker on the test's database that delivers to `smtp`, or to the dev
/// mailbox when there is none.
pub fn worker(pool: &PgPool, smtp: Option<&TestSmtp>, config: WorkerConfig) -> Worker {
    let url = smtp.map(TestSmtp::url);
    Worker::new(
        pool.clone(),
        Arc::new(super::settings()),
        Transport::from_url(url.as_deref()).unwrap(),
        config,
    )
}

/// Retries within milliseconds, so a test sees a mail's whole life.
pub fn quick() -> WorkerConfig {
    WorkerConfig {
        batch: 50,
        concurrency: 8,
        lease: Duration::from_secs(60),
        idle: Duration::from_millis(20),
        retry_base: Duration::from_millis(50),
        retry_max: Duration::from_millis(200),
        max_attempts: 5,
        send_timeout: Duration::from_secs(10),
    }
}

/// Runs the worker until nothing is queued (retries included), at most 30 s.
pub async fn drain(pool: &PgPool, w: &Worker) {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        let n = tokio::time::timeout(left, w.run_once())
            .await
            .expect("a worker batch hung")
            .unwrap();
        let queued: i64 =
            sqlx::query_scalar("SELECT count(*) FROM outbox_mail WHERE status = 'queued'")
                .fetch_one(pool)
                .await
                .unwrap();
        if n == 0 && queued == 0 {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "outbox did not drain");
        if n == 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

fn parsed(raw: &[u8]) -> mailparse::ParsedMail<'_> {
    mailparse::parse_mail(raw).unwrap()
}

fn part(raw: &[u8], mimetype: &str) -> String {
    parsed(raw)
        .subparts
        .iter()
        .find(|p| p.ctype.mimetype == mimetype)
        .unwrap_or_else(|| panic!("a {mimetype} part"))
        .get_body()
        .unwrap()
}

pub fn text_part(raw: &[u8]) -> String {
    part(raw, "text/plain")
}

pub fn html_part(raw: &[u8]) -> String {
    part(raw, "text/html")
}

/// A header's value, unfolded and decoded.
pub fn header(raw: &[u8], name: &str) -> Option<String> {
    use mailparse::MailHeaderMap;
    parsed(raw).headers.get_first_value(name)
}

/// The path of the customer link in a mail's text.
pub fn link_path(raw: &[u8]) -> String {
    let text = text_part(raw);
    let start = text
        .find("http://127.0.0.1:3000/c/")
        .expect("a link in the mail");
    path_of(text[start..].split_whitespace().next().unwrap())
}

/// The path of one of the app's own URLs (`<…>` as in List-Unsubscribe, or bare).
pub fn path_of(url: &str) -> String {
    url.trim_matches(['<', '>'])
        .strip_prefix("http://127.0.0.1:3000")
        .unwrap_or_else(|| panic!("{url} is not one of the app's URLs"))
        .to_string()
}
