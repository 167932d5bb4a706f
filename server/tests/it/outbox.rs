//! The outbox on a real PostgreSQL and a real SMTP server on loopback: what a mail
//! looks like, retries and permanent failures, and workers that are aborted, crash,
//! outlast their lease or share the database, none of which loses or doubles a mail.

use crate::common;

use backend::mail::outbox::WorkerConfig;
use common::mail::*;
use common::smtp::TestSmtp;
use common::*;
use datacheck_core::wire::{RecipientState, RunPhase};
use sqlx::PgPool;
use std::time::Duration;

#[sqlx::test(migrations = "../migrations")]
async fn mails_are_multipart_escaped_with_reply_to_and_language_from_the_contact(pool: PgPool) {
    let app = TestApp::start(pool.clone()).await;
    sqlx::query(
        "INSERT INTO contact (company_id, customer_no, kind, organisation_name, email, language)
         VALUES ($1, 'E1', 'organisation', '<b>Evil</b> & Co', 'evil@example.nl', 'en')",
    )
    .bind(app.companies.company_a)
    .execute(&pool)
    .await
    .unwrap();
    let admin = app.admin().await;
    let run = admin
        .prepare_run(app.companies.company_a, "Escaping", Recipients::List("E1"))
        .await;
    admin.send_run(run, 1).await;
    let smtp = TestSmtp::start();
    drain(&pool, &worker(&pool, Some(&smtp), quick())).await;
    let mails = smtp.mails();
    assert_eq!(mails.len(), 1);
    let raw = &mails[0].raw;
    assert!(
        header(raw, "Content-Type")
            .unwrap()
            .starts_with("multipart/alternative")
    );
    assert_eq!(header(raw, "Reply-To").as_deref(), Some("admin@test.nl"));
    assert!(
        header(raw, "Subject")
            .unwrap()
            .starts_with("Is your information at Company A")
    );
    let stored: String = sqlx::query_scalar("SELECT message_id FROM outbox_mail")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(header(raw, "Message-ID").as_deref(), Some(stored.as_str()));
    assert!(text_part(raw).contains("Dear <b>Evil</b> & Co,"));
    let html = html_part(raw);
    assert!(
        html.contains("Dear &lt;b&gt;Evil&lt;/b&gt; &amp; Co,"),
        "{html}"
    );
    assert!(!html.contains("<b>Evil"), "{html}");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_temporary_failure_is_retried_with_the_same_message_id_and_a_permanent_one_fails(
    pool: PgPool,
) {
    let (_app, admin, run) = TestApp::with_sent_run(pool.clone(), 4, "Retries").await;
    let smtp = TestSmtp::start();
    smtp.fail_temporarily("c1@example.nl", 2);
    smtp.reject("c2@example.nl");
    drain(&pool, &worker(&pool, Some(&smtp), quick())).await;

    let mails = smtp.mails();
    let to_c1: Vec<_> = mails.iter().filter(|m| m.to == ["c1@example.nl"]).collect();
    assert_eq!(to_c1.len(), 1, "delivered once after two 451s");
    assert!(mails.iter().all(|m| m.to != ["c2@example.nl"]));
    let (attempts, status, mid): (i32, String, String) = sqlx::query_as(
        "SELECT attempts, status, message_id FROM outbox_mail WHERE to_address = 'c1@example.nl'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((attempts, status.as_str()), (3, "sent"));
    assert_eq!(
        header(&to_c1[0].raw, "Message-ID").as_deref(),
        Some(mid.as_str())
    );
    let (status, error): (String, Option<String>) = sqlx::query_as(
        "SELECT status, last_error FROM outbox_mail WHERE to_address = 'c2@example.nl'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(status, "failed");
    assert!(error.unwrap().contains("550"));

    let view = admin.run_page(run).await;
    assert_eq!(view.funnel.sent, 3);
    assert_eq!(view.funnel.failed, 1);
    assert_eq!(view.status, RunPhase::Sent);
    let page = admin
        .call(app::server_fns::runs::ListRunRecipients {
            id: run.0,
            after: None,
            state_filter: Some("failed".into()),
        })
        .await;
    assert_eq!(page.rows.len(), 1);
    assert_eq!(page.rows[0].email, "c2@example.nl");
    assert_eq!(page.rows[0].state, RecipientState::Failed);
}

#[sqlx::test(migrations = "../migrations")]
async fn aborting_the_worker_mid_run_and_restarting_delivers_the_rest_without_duplicates(
    pool: PgPool,
) {
    let (_app, admin, run) = TestApp::with_sent_run(pool.clone(), 60, "Abort").await;
    let smtp = TestSmtp::start();
    smtp.slow_down(Duration::from_millis(25));
    // A short lease: an abort can land after a claim committed but before its mails
    // were handed to their tasks; those wait for their lease to run out, as after a crash.
    let config = WorkerConfig {
        batch: 5,
        concurrency: 2,
        lease: Duration::from_secs(1),
        ..quick()
    };
    let (_stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let first = tokio::spawn(worker(&pool, Some(&smtp), config.clone()).run(stop_rx));
    while smtp.mails().len() < 15 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    first.abort();
    let _ = first.await;
    let at_abort = smtp.mails().len();
    assert!(at_abort < 60, "aborted mid-run ({at_abort} delivered)");

    smtp.slow_down(Duration::ZERO);
    drain(&pool, &worker(&pool, Some(&smtp), config)).await;
    let mails = smtp.mails();
    assert_eq!(mails.len(), 60, "no mail lost, none sent twice");
    let mut ids: Vec<String> = mails
        .iter()
        .map(|m| header(&m.raw, "Message-ID").unwrap())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 60);
    let progress = admin.progress(run).await;
    assert_eq!((progress.sent, progress.status), (60, RunPhase::Sent));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_live_worker_keeps_its_mails_while_a_send_outlasts_the_lease(pool: PgPool) {
    let _ = TestApp::with_sent_run(pool.clone(), 1, "Slow server").await;
    let smtp = TestSmtp::start();
    // One send takes three leases: the worker renews its claim while it waits, so a
    // second worker finds nothing to take, and the mail goes out once.
    smtp.slow_down(Duration::from_millis(2400));
    let config = WorkerConfig {
        batch: 1,
        concurrency: 1,
        lease: Duration::from_millis(800),
        ..quick()
    };
    let slow = worker(&pool, Some(&smtp), config.clone());
    let other = worker(&pool, Some(&smtp), config);
    let (claimed, taken) = tokio::join!(slow.run_once(), async {
        let mut taken = 0;
        for _ in 0..10 {
            tokio::time::sleep(Duration::from_millis(200)).await;
            taken += other.run_once().await.unwrap();
        }
        taken
    });
    assert_eq!(claimed.unwrap(), 1);
    assert_eq!(taken, 0, "a renewed lease is not taken over");
    assert_eq!(smtp.mails().len(), 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_mail_claimed_by_a_crashed_worker_is_sent_by_another_once_its_lease_runs_out(
    pool: PgPool,
) {
    let _ = TestApp::with_sent_run(pool.clone(), 3, "Crash").await;
    // The "crashed" worker claims everything and never answers.
    let claimed = backend::db::outbox_mail::claim(&pool, "crashed", 10, 0.3)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 3);
    let smtp = TestSmtp::start();
    let w = worker(&pool, Some(&smtp), quick());
    assert_eq!(w.run_once().await.unwrap(), 0, "leased mails are not taken");
    tokio::time::sleep(Duration::from_millis(400)).await;
    drain(&pool, &w).await;
    assert_eq!(smtp.mails().len(), 3);
    // A late answer from the crashed worker changes nothing.
    assert!(
        !backend::db::outbox_mail::mark_sent(&pool, claimed[0].id, "crashed")
            .await
            .unwrap()
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn two_workers_on_one_database_send_each_mail_once(pool: PgPool) {
    let _ = TestApp::with_sent_run(pool.clone(), 80, "Two workers").await;
    let smtp = TestSmtp::start();
    let config = WorkerConfig {
        batch: 7,
        ..quick()
    };
    let (a, b) = (
        worker(&pool, Some(&smtp), config.clone()),
        worker(&pool, Some(&smtp), config),
    );
    tokio::join!(drain(&pool, &a), drain(&pool, &b));
    assert_eq!(smtp.mails().len(), 80);
}
