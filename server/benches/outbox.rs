//! Benchmark (not a test): the outbox worker's throughput against what the wire allows.
//! The same 4,000 mails go to one SMTP sink on loopback (Postfix's `smtp-sink`), once
//! through the worker (claim, render, send, record, as a run's mails go) and once
//! through a raw client (Postfix's `smtp-source`: 8 parallel sessions, the same message
//! size, nothing to read or record). Both in the same run; the worker's rate is printed
//! as a share of the raw client's.
//!
//! Run with `cargo xtask bench` (BENCH_DATABASE_URL: a fresh database; the xtask installs
//! Postfix's tools).

mod common;

use backend::Settings;
use backend::db;
use backend::mail::Transport;
use backend::mail::outbox::{Worker, WorkerConfig};
use std::collections::BTreeMap;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const MAILS: i32 = 4_000;
const SESSIONS: usize = 8;
const ROUNDS: usize = 3;

/// Postfix's tools live in /usr/sbin, which a user's PATH may lack.
fn postfix_tool(name: &str) -> String {
    let sbin = format!("/usr/sbin/{name}");
    if std::path::Path::new(&sbin).exists() {
        sbin
    } else {
        name.to_string()
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// `smtp-sink` on a free loopback port, stopped when dropped.
struct Sink {
    port: u16,
    child: Child,
}

impl Sink {
    fn start() -> anyhow::Result<Sink> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let mut sink = Command::new(postfix_tool("smtp-sink"));
        // As root it must be told whose privileges to drop to.
        let uid = Command::new("id").arg("-u").output()?.stdout;
        if String::from_utf8_lossy(&uid).trim() == "0" {
            sink.args(["-u", "nobody"]);
        }
        let child = sink
            .arg(format!("127.0.0.1:{port}"))
            .arg("1024")
            .stdout(Stdio::null())
            .spawn()
            .map_err(|e| anyhow::anyhow!("starting smtp-sink (Postfix): {e}"))?;
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            anyhow::ensure!(
                started.elapsed() < Duration::from_secs(10),
                "smtp-sink did not listen"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(Sink { port, child })
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A company of `MAILS` contacts and a run to all of them whose mails are queued.
async fn queue_run(pool: &sqlx::PgPool, round: usize) -> anyhow::Result<()> {
    let company = db::company::insert(pool, &format!("Outbox bench {round}"))
        .await?
        .expect("new name");
    sqlx::query(
        "INSERT INTO contact (company_id, customer_no, kind, first_name, last_name, email, language)
         SELECT $1, 'O' || i, 'person', 'Klant', 'Nummer ' || i, 'o' || i || '@example.nl', 'nl'
         FROM generate_series(1, $2) AS i",
    )
    .bind(company)
    .bind(MAILS)
    .execute(pool)
    .await?;
    let rules = BTreeMap::from([("email".to_string(), "editable".to_string())]);
    let name = format!("Outbox bench round {round}");
    let run = common::draft_to_everyone(pool, company, &name, &rules).await?;
    let staff = common::staff(pool, &format!("outbox-bench-{round}@example.nl")).await?;
    let issued = common::send_to_everyone(pool, run, company, staff).await?;
    anyhow::ensure!(issued == MAILS as u64, "issued {issued}");
    Ok(())
}

/// The size of one queued mail as the worker sends it, headers left out (as
/// `smtp-source -l` counts).
async fn body_size(pool: &sqlx::PgPool, settings: &Settings) -> anyhow::Result<usize> {
    let (recipient, kind, message_id): (i64, backend::mail::MailKind, String) = sqlx::query_as(
        "SELECT run_recipient_id, kind, message_id FROM outbox_mail WHERE status = 'queued' LIMIT 1",
    )
    .fetch_one(pool)
    .await?;
    let ctx = db::run_recipient::mail_contexts(pool, &[recipient])
        .await?
        .pop()
        .expect("a context");
    let mail = backend::mail::run_mail(settings, &ctx, kind, &message_id)
        .map_err(|e| anyhow::anyhow!(e))?;
    let raw = mail.message().map_err(|e| anyhow::anyhow!(e))?.formatted();
    let text = String::from_utf8_lossy(&raw);
    Ok(text
        .split_once("\r\n\r\n")
        .map_or(raw.len(), |(_, body)| body.len()))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("BENCH_DATABASE_URL")
        .map_err(|_| anyhow::anyhow!("set BENCH_DATABASE_URL (cargo xtask bench does)"))?;
    let pool = server::serve::connect(&url, 16).await?;
    server::serve::MIGRATOR.run(&pool).await?;
    // Earlier runs of this bench leave nothing queued that would count twice.
    sqlx::query("UPDATE outbox_mail SET status = 'cancelled' WHERE status = 'queued'")
        .execute(&pool)
        .await?;
    let settings = Arc::new(common::settings()?);
    let sink = Sink::start()?;
    let smtp_url = format!("smtp://127.0.0.1:{}", sink.port);

    let mut worker_times = Vec::new();
    let mut raw_times = Vec::new();
    let mut size = 0;
    for round in 0..ROUNDS {
        queue_run(&pool, round).await?;
        size = body_size(&pool, &settings).await?;

        let worker = Worker::new(
            pool.clone(),
            settings.clone(),
            Transport::from_url(Some(&smtp_url)).map_err(|e| anyhow::anyhow!(e))?,
            WorkerConfig::default(),
        );
        // As the server runs it: until nothing is queued, then told to stop.
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let started = Instant::now();
        let running = tokio::spawn(worker.run(stop_rx));
        loop {
            let queued: i64 =
                sqlx::query_scalar("SELECT count(*) FROM outbox_mail WHERE status = 'queued'")
                    .fetch_one(&pool)
                    .await?;
            if queued == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        worker_times.push(started.elapsed());
        stop_tx.send(true)?;
        running.await?;
        let delivered: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM outbox_mail WHERE status = 'sent' AND run_id IN
               (SELECT id FROM run WHERE name = $1)",
        )
        .bind(format!("Outbox bench round {round}"))
        .fetch_one(&pool)
        .await?;
        anyhow::ensure!(
            delivered == i64::from(MAILS),
            "the worker sent {delivered} of {MAILS}"
        );

        let started = Instant::now();
        let status = Command::new(postfix_tool("smtp-source"))
            .args(["-s", &SESSIONS.to_string()])
            .args(["-m", &MAILS.to_string()])
            .args(["-l", &size.to_string()])
            .args(["-f", "bench@example.nl", "-t", "klant@example.nl"])
            .arg(format!("127.0.0.1:{}", sink.port))
            .status()
            .map_err(|e| anyhow::anyhow!("running smtp-source (Postfix): {e}"))?;
        raw_times.push(started.elapsed());
        anyhow::ensure!(status.success(), "smtp-source failed: {status}");
        println!(
            "round {round}: worker {:.2}s, raw client {:.2}s",
            worker_times[round].as_secs_f64(),
            raw_times[round].as_secs_f64()
        );
    }
    let (worker, raw) = (median(worker_times), median(raw_times));
    let rate = |d: Duration| f64::from(MAILS) / d.as_secs_f64();
    println!(
        "\n{MAILS} mails of {size} B to smtp-sink on loopback (median of {ROUNDS}):\n  \
         raw client (smtp-source -s {SESSIONS})  {:>6.2}s  {:>7.0} mails/s  1.00×\n  \
         outbox worker (defaults)       {:>6.2}s  {:>7.0} mails/s  {:.2}× the raw client's rate",
        raw.as_secs_f64(),
        rate(raw),
        worker.as_secs_f64(),
        rate(worker),
        rate(worker) / rate(raw)
    );
    Ok(())
}
