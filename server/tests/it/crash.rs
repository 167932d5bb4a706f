//! A real crash: the server binary sends a run through the loopback SMTP server, is
//! killed with SIGKILL in the middle, and is started again. Every recipient gets their
//! mail; only the mails in flight at the moment of the kill (accepted by the SMTP
//! server, not yet recorded) may arrive twice, with the same Message-ID; and the run is
//! done within a minute of the restart, since a dead worker's claims come back within
//! one short lease.

use crate::common;

use common::smtp::TestSmtp;
use common::*;
use sqlx::PgPool;
use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const RECIPIENTS: i32 = 1_200;

/// The URL of the test's own database, on the server the tests were pointed at.
fn database_url(pool: &PgPool) -> String {
    let mut url = url::Url::parse(&std::env::var("DATABASE_URL").expect("DATABASE_URL")).unwrap();
    url.set_path(
        pool.connect_options()
            .get_database()
            .expect("a database name"),
    );
    url.to_string()
}

/// A server process, killed with SIGKILL when dropped: a failing test leaves none behind.
struct Server(Child);

impl Server {
    fn kill(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// `target/debug/server serve` with the mail worker on, against `database`, sending
/// to `smtp`; its output goes to a log file named after `name`.
fn start_server(database: &str, smtp: &str, name: &str) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let site = std::env::temp_dir().join(format!("datacheck-crash-site-{}", std::process::id()));
    std::fs::create_dir_all(&site).unwrap();
    let log = std::fs::File::create(std::env::temp_dir().join(format!("{name}.log"))).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("serve")
        .env("DATABASE_URL", database)
        .env("DATACHECK_ENV", "dev")
        .env("DATACHECK_SMTP_URL", smtp)
        .env("DATACHECK_PUBLIC_URL", format!("http://127.0.0.1:{port}"))
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("LEPTOS_SITE_ROOT", &site)
        .env("LEPTOS_OUTPUT_NAME", "datacheck")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .expect("starting the server binary");
    Server(child)
}

/// Polls `done` every 20 ms until it holds or `limit` passes; how long it took.
async fn wait_for(limit: Duration, what: &str, mut done: impl AsyncFnMut() -> bool) -> Duration {
    let started = Instant::now();
    while !done().await {
        assert!(started.elapsed() < limit, "{what}: not within {limit:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    started.elapsed()
}

fn header<'a>(raw: &'a str, name: &str) -> Option<&'a str> {
    raw.lines()
        .take_while(|l| !l.is_empty())
        .find_map(|l| {
            l.split_once(':')
                .filter(|(k, _)| k.eq_ignore_ascii_case(name))
        })
        .map(|(_, v)| v.trim())
}

#[sqlx::test(migrations = "../migrations")]
async fn a_server_killed_mid_run_sends_every_mail_once_soon_after_its_restart(pool: PgPool) {
    let _ = sent_run(&pool, RECIPIENTS, "Crash run").await;
    let smtp = TestSmtp::start();
    let database = database_url(&pool);

    let mut first = start_server(&database, &smtp.url(), "crash-first");
    wait_for(Duration::from_secs(120), "the first mails", async || {
        smtp.count() >= 300
    })
    .await;
    first.kill(); // SIGKILL: no shutdown, no lease given back
    let at_kill = smtp.count();
    assert!(
        at_kill < RECIPIENTS as usize,
        "the run finished before the kill ({at_kill} mails): the test proves nothing"
    );

    let mut second = start_server(&database, &smtp.url(), "crash-second");
    let queued = "SELECT count(*) FROM outbox_mail WHERE status = 'queued'";
    let took = wait_for(
        Duration::from_secs(60),
        "every mail sent after the restart",
        async || count(&pool, queued).await == 0,
    )
    .await;
    second.kill();

    let mut by_recipient: HashMap<String, Vec<String>> = HashMap::new();
    for mail in smtp.mails() {
        let raw = String::from_utf8_lossy(&mail.raw).into_owned();
        let id = header(&raw, "Message-ID")
            .expect("a Message-ID")
            .to_string();
        for to in mail.to {
            by_recipient.entry(to).or_default().push(id.clone());
        }
    }
    assert_eq!(
        by_recipient.len(),
        RECIPIENTS as usize,
        "every recipient got a mail"
    );
    let twice: Vec<_> = by_recipient.values().filter(|ids| ids.len() > 1).collect();
    let in_flight = backend::mail::outbox::WorkerConfig::default().concurrency;
    assert!(
        twice.len() <= in_flight,
        "{} mails went out twice; at most the {in_flight} in flight may",
        twice.len()
    );
    for ids in &twice {
        assert_eq!(ids.len(), 2, "{ids:?}");
        assert_eq!(ids[0], ids[1], "a repeated mail keeps its Message-ID");
    }
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM outbox_mail WHERE status = 'sent'"
        )
        .await,
        i64::from(RECIPIENTS)
    );
    eprintln!(
        "crash test: killed after {at_kill} mails, {} sent twice, the rest done {took:?} after the restart",
        twice.len()
    );
}
