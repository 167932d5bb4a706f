//! Data check runs end to end on a real PostgreSQL and a real SMTP server on loopback:
//! the wizard's server functions, sending, the outbox worker, links that open, retries,
//! failures, reminders, cancelling, and scope.

use crate::common;

use backend::mail::Transport;
use backend::mail::outbox::{Worker, WorkerConfig};
use common::smtp::TestSmtp;
use common::*;
use http::StatusCode;
use sqlx::PgPool;
use std::sync::Arc;
use std::time::Duration;

fn worker(pool: &PgPool, smtp: &TestSmtp, config: WorkerConfig) -> Worker {
    Worker::new(
        pool.clone(),
        Arc::new(settings()),
        Transport::from_url(Some(&smtp.url())).unwrap(),
        config,
    )
}

fn quick() -> WorkerConfig {
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
async fn drain(pool: &PgPool, w: &Worker) {
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

fn text_part(raw: &[u8]) -> String {
    let m = parsed(raw);
    m.subparts
        .iter()
        .find(|p| p.ctype.mimetype == "text/plain")
        .expect("a text part")
        .get_body()
        .unwrap()
}

fn html_part(raw: &[u8]) -> String {
    let m = parsed(raw);
    m.subparts
        .iter()
        .find(|p| p.ctype.mimetype == "text/html")
        .expect("an html part")
        .get_body()
        .unwrap()
}

fn header(raw: &[u8], name: &str) -> Option<String> {
    use mailparse::MailHeaderMap;
    parsed(raw).headers.get_first_value(name)
}

fn link_path(raw: &[u8]) -> String {
    let text = text_part(raw);
    let start = text
        .find("http://127.0.0.1:3000/c/")
        .expect("a link in the mail");
    let url: String = text[start..].split_whitespace().next().unwrap().to_string();
    url.trim_start_matches("http://127.0.0.1:3000").to_string()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_run_of_200_recipients_delivers_200_mails_each_with_a_link_that_opens(pool: PgPool) {
    let f = fixture(&pool).await;
    seed_contacts(&pool, f.company_a, 200, 2).await;
    sqlx::query(
        "INSERT INTO contact (company_id, customer_no, kind, last_name, email)
         VALUES ($1, 'BAD1', 'person', 'Typo', 'kees.bakkerziggo.nl')",
    )
    .bind(f.company_a)
    .execute(&pool)
    .await
    .unwrap();
    let app = app(pool.clone());
    let cookie = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    let id = ready_run(
        &app,
        &cookie,
        f.company_a,
        "Autumn check",
        &[("mode", "filter")],
    )
    .await;

    let summary = ok(&app, "/api/runs/summary", &cookie, &[("id", &id)]).await;
    assert_eq!(summary["reachable"], 200);
    assert_eq!(summary["unreachable_total"], 3);
    let unreachable = summary["unreachable"].as_array().unwrap();
    assert_eq!(unreachable.len(), 3);
    let bad = unreachable
        .iter()
        .find(|u| u["customer_no"] == "BAD1")
        .unwrap();
    assert_eq!(bad["reason"], "The e-mail address is not valid");
    assert_eq!(
        (summary["dutch"].as_i64(), summary["english"].as_i64()),
        (Some(100), Some(100))
    );

    let sent = ok(
        &app,
        "/api/runs/send",
        &cookie,
        &[("id", &id), ("expected", "200")],
    )
    .await;
    assert_eq!(sent, 200);
    let progress = ok(&app, "/api/runs/progress", &cookie, &[("id", &id)]).await;
    assert_eq!(
        (progress["queued"].as_i64(), progress["status"].as_str()),
        (Some(200), Some("sending"))
    );

    let smtp = TestSmtp::start();
    drain(&pool, &worker(&pool, &smtp, quick())).await;
    let mails = smtp.mails();
    assert_eq!(mails.len(), 200, "exactly one mail per recipient");
    let mut addresses: Vec<String> = mails.iter().flat_map(|m| m.to.clone()).collect();
    addresses.sort();
    addresses.dedup();
    assert_eq!(addresses.len(), 200);

    let progress = ok(&app, "/api/runs/progress", &cookie, &[("id", &id)]).await;
    assert_eq!(
        (progress["sent"].as_i64(), progress["status"].as_str()),
        (Some(200), Some("sent"))
    );

    // Every link opens, as the server-rendered page a phone gets.
    for m in &mails {
        let path = link_path(&m.raw);
        let res = tokio::time::timeout(Duration::from_secs(30), get(&app, &path, None))
            .await
            .expect("the customer page answers");
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert_eq!(res.headers()["referrer-policy"], "no-referrer");
        let page = body_text(res).await;
        assert!(page.contains("data-testid=\"portal-open\""), "{page}");
        assert!(page.contains("Klant Nummer"), "the page greets the contact");
    }
    let opened: i64 =
        sqlx::query_scalar("SELECT count(*) FROM run_recipient WHERE opened_at IS NOT NULL")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(opened, 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn mails_are_multipart_escaped_with_reply_to_and_language_from_the_contact(pool: PgPool) {
    let f = fixture(&pool).await;
    sqlx::query(
        "INSERT INTO contact (company_id, customer_no, kind, organisation_name, email, language)
         VALUES ($1, 'E1', 'organisation', '<b>Evil</b> & Co', 'evil@example.nl', 'en')",
    )
    .bind(f.company_a)
    .execute(&pool)
    .await
    .unwrap();
    let app = app(pool.clone());
    let cookie = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    let id = ready_run(
        &app,
        &cookie,
        f.company_a,
        "Escaping",
        &[("mode", "list"), ("list", "E1")],
    )
    .await;
    ok(
        &app,
        "/api/runs/send",
        &cookie,
        &[("id", &id), ("expected", "1")],
    )
    .await;
    let smtp = TestSmtp::start();
    drain(&pool, &worker(&pool, &smtp, quick())).await;
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
    let (app, cookie, id) = sent_run(&pool, 4, "Retries").await;
    let smtp = TestSmtp::start();
    smtp.fail_temporarily("c1@example.nl", 2);
    smtp.reject("c2@example.nl");
    drain(&pool, &worker(&pool, &smtp, quick())).await;

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

    let view = ok(&app, "/api/runs/view", &cookie, &[("id", &id)]).await;
    assert_eq!(view["funnel"]["sent"], 3);
    assert_eq!(view["funnel"]["failed"], 1);
    assert_eq!(view["status"], "sent");
    let page = ok(
        &app,
        "/api/runs/recipients",
        &cookie,
        &[("id", &id), ("state_filter", "failed")],
    )
    .await;
    let rows = page["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["email"], "c2@example.nl");
    assert_eq!(rows[0]["state"], "failed");
}

#[sqlx::test(migrations = "../migrations")]
async fn aborting_the_worker_mid_run_and_restarting_delivers_the_rest_without_duplicates(
    pool: PgPool,
) {
    let (app, cookie, id) = sent_run(&pool, 60, "Abort").await;
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
    let first = tokio::spawn(worker(&pool, &smtp, config.clone()).run(stop_rx));
    while smtp.mails().len() < 15 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    first.abort();
    let _ = first.await;
    let at_abort = smtp.mails().len();
    assert!(at_abort < 60, "aborted mid-run ({at_abort} delivered)");

    smtp.slow_down(Duration::ZERO);
    drain(&pool, &worker(&pool, &smtp, config)).await;
    let mails = smtp.mails();
    assert_eq!(mails.len(), 60, "no mail lost, none sent twice");
    let mut ids: Vec<String> = mails
        .iter()
        .map(|m| header(&m.raw, "Message-ID").unwrap())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 60);
    let progress = ok(&app, "/api/runs/progress", &cookie, &[("id", &id)]).await;
    assert_eq!(
        (progress["sent"].as_i64(), progress["status"].as_str()),
        (Some(60), Some("sent"))
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_live_worker_keeps_its_mails_while_a_send_outlasts_the_lease(pool: PgPool) {
    let _ = sent_run(&pool, 1, "Slow server").await;
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
    let slow = worker(&pool, &smtp, config.clone());
    let other = worker(&pool, &smtp, config);
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
    let _ = sent_run(&pool, 3, "Crash").await;
    // The "crashed" worker claims everything and never answers.
    let claimed = backend::db::outbox_mail::claim(&pool, "crashed", 10, 0.3)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 3);
    let smtp = TestSmtp::start();
    let w = worker(&pool, &smtp, quick());
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
    let f = fixture(&pool).await;
    seed_contacts(&pool, f.company_a, 80, 0).await;
    let app = app(pool.clone());
    let cookie = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    let id = ready_run(
        &app,
        &cookie,
        f.company_a,
        "Two workers",
        &[("mode", "filter")],
    )
    .await;
    ok(
        &app,
        "/api/runs/send",
        &cookie,
        &[("id", &id), ("expected", "80")],
    )
    .await;
    let smtp = TestSmtp::start();
    let config = WorkerConfig {
        batch: 7,
        ..quick()
    };
    let (a, b) = (
        worker(&pool, &smtp, config.clone()),
        worker(&pool, &smtp, config),
    );
    tokio::join!(drain(&pool, &a), drain(&pool, &b));
    assert_eq!(smtp.mails().len(), 80);
}

#[sqlx::test(migrations = "../migrations")]
async fn cancelling_stops_queued_mails_and_every_link_at_once(pool: PgPool) {
    let f = fixture(&pool).await;
    seed_contacts(&pool, f.company_a, 6, 0).await;
    let app = app(pool.clone());
    let cookie = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    let id = ready_run(
        &app,
        &cookie,
        f.company_a,
        "Cancel me",
        &[("mode", "filter")],
    )
    .await;
    ok(
        &app,
        "/api/runs/send",
        &cookie,
        &[("id", &id), ("expected", "6")],
    )
    .await;
    let smtp = TestSmtp::start();
    let w = worker(
        &pool,
        &smtp,
        WorkerConfig {
            batch: 2,
            ..quick()
        },
    );
    w.run_once().await.unwrap();
    let delivered = smtp.mails();
    assert_eq!(delivered.len(), 2);
    let link = link_path(&delivered[0].raw);
    assert_eq!(get(&app, &link, None).await.status(), StatusCode::OK);

    ok(&app, "/api/runs/cancel", &cookie, &[("id", &id)]).await;
    drain(&pool, &w).await;
    assert_eq!(
        smtp.mails().len(),
        2,
        "queued mails of a cancelled run never go out"
    );
    let res = get(&app, &link, None).await;
    assert_eq!(res.status(), StatusCode::GONE);
    assert!(body_text(res).await.contains("portal-expired"));
    let progress = ok(&app, "/api/runs/progress", &cookie, &[("id", &id)]).await;
    assert_eq!(
        (progress["cancelled"].as_i64(), progress["status"].as_str()),
        (Some(4), Some("cancelled"))
    );
    let (status, _) = json(
        call(
            &app,
            "/api/runs/remind",
            Some(&cookie),
            &[("id", &id), ("expected", "2")],
        )
        .await,
    )
    .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "no reminders for a cancelled run"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn reminders_go_only_to_those_who_have_not_responded(pool: PgPool) {
    let (app, cookie, id) = sent_run(&pool, 5, "Remind").await;
    let smtp = TestSmtp::start();
    let w = worker(&pool, &smtp, quick());
    drain(&pool, &w).await;
    sqlx::query(
        "UPDATE run_recipient SET responded_at = now(), response = 'unchanged'
         WHERE email IN ('c1@example.nl', 'c2@example.nl')",
    )
    .execute(&pool)
    .await
    .unwrap();
    let view = ok(&app, "/api/runs/view", &cookie, &[("id", &id)]).await;
    assert_eq!(view["remindable"], 3);
    let (status, v) = json(
        call(
            &app,
            "/api/runs/remind",
            Some(&cookie),
            &[("id", &id), ("expected", "5")],
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    assert_eq!(
        ok(
            &app,
            "/api/runs/remind",
            &cookie,
            &[("id", &id), ("expected", "3")]
        )
        .await,
        3
    );
    drain(&pool, &w).await;
    let reminders: Vec<_> = smtp
        .mails()
        .into_iter()
        .filter(|m| {
            let s = header(&m.raw, "Subject").unwrap();
            s.starts_with("Herinnering:") || s.starts_with("Reminder:")
        })
        .collect();
    assert_eq!(reminders.len(), 3);
    assert!(
        reminders
            .iter()
            .all(|m| m.to != ["c1@example.nl"] && m.to != ["c2@example.nl"])
    );
    assert_eq!(
        get(&app, &link_path(&reminders[0].raw), None)
            .await
            .status(),
        StatusCode::OK
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn every_step_is_checked_by_the_server(pool: PgPool) {
    let f = fixture(&pool).await;
    seed_contacts(&pool, f.company_a, 2, 0).await;
    let app = app(pool.clone());
    let cookie = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    let company = f.company_a.to_string();
    // Step 1: everything wrong at once, each at its field.
    let (status, v) = json(
        call(
            &app,
            "/api/runs/create",
            Some(&cookie),
            &[
                ("name", " "),
                ("company", "999"),
                ("valid_to", "2020-01-01"),
                ("reply_to", "nope"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = v["Fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["name", "company", "valid_to", "reply_to"]);

    let id = ready_run(&app, &cookie, f.company_a, "Checked", &[("mode", "filter")]).await;
    // A unique name.
    let (status, v) = json(
        call(
            &app,
            "/api/runs/create",
            Some(&cookie),
            &[
                ("name", "checked"),
                ("company", &company),
                ("valid_to", &in_days(3)),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(v.to_string().contains("exists already"), "{v}");
    // Step 3: a body without <link> and a broken placeholder, located.
    let (status, v) = json(
        call(
            &app,
            "/api/runs/save_email",
            Some(&cookie),
            &[
                ("id", &id),
                ("nl_subject", "Hoi"),
                ("nl_body", "Beste <naam>, tot <valid_until>"),
                ("en_subject", "Hi"),
                ("en_body", "<link> <valid_until>"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let problems = v["Fields"].as_array().unwrap();
    assert!(problems.iter().all(|p| p["field"] == "nl_body"), "{v}");
    assert!(
        problems[0]["message"]
            .as_str()
            .unwrap()
            .contains("Line 1, column 7: <naam> is not a placeholder")
    );
    assert!(
        problems[1]["message"]
            .as_str()
            .unwrap()
            .contains("must contain <link>")
    );
    // Step 4: the client cannot make the customer number editable or invent fields.
    for (key, rule) in [
        ("rules[customer_no]", "editable"),
        ("rules[no_such_field]", "read_only"),
        ("rules[email]", "writable"),
    ] {
        let (status, v) = json(
            call(
                &app,
                "/api/runs/save_fields",
                Some(&cookie),
                &[("id", &id), (key, rule)],
            )
            .await,
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{key}: {v}");
    }
    // Step 2: bad customer numbers are reported with their line.
    let (status, v) = json(
        call(
            &app,
            "/api/runs/save_recipients",
            Some(&cookie),
            &[
                ("id", &id),
                ("mode", "list"),
                ("list", "K1\nK 2 ok\n\u{7}bad"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v.to_string().contains("line 3"), "{v}");
    // Sending: the confirmed count must match, and a run is sent once.
    let (status, v) = json(
        call(
            &app,
            "/api/runs/send",
            Some(&cookie),
            &[("id", &id), ("expected", "3")],
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        v.to_string().contains("2 contacts would now receive"),
        "{v}"
    );
    assert_eq!(
        ok(
            &app,
            "/api/runs/send",
            &cookie,
            &[("id", &id), ("expected", "2")]
        )
        .await,
        2
    );
    let (status, _) = json(
        call(
            &app,
            "/api/runs/send",
            Some(&cookie),
            &[("id", &id), ("expected", "2")],
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let recipients: i64 = sqlx::query_scalar("SELECT count(*) FROM run_recipient")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(recipients, 2);
    // A sent run's steps cannot be changed.
    let (status, _) = json(
        call(
            &app,
            "/api/runs/save_config",
            Some(&cookie),
            &[
                ("id", &id),
                ("name", "Other"),
                ("company", &company),
                ("valid_to", &in_days(3)),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_scoped_staff_user_cannot_see_or_touch_another_companys_run(pool: PgPool) {
    let f = fixture(&pool).await;
    seed_contacts(&pool, f.company_b, 2, 0).await;
    let app = app(pool.clone());
    let admin = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    let id = ready_run(
        &app,
        &admin,
        f.company_b,
        "Company B run",
        &[("mode", "filter")],
    )
    .await;
    let staff = sign_in(&app, "staff@test.nl", PASSWORD).await.unwrap();
    for path in [
        "/api/runs/draft",
        "/api/runs/summary",
        "/api/runs/view",
        "/api/runs/cancel",
        "/api/runs/progress",
    ] {
        let res = call(&app, path, Some(&staff), &[("id", &id)]).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let res = call(
        &app,
        "/api/runs/send",
        Some(&staff),
        &[("id", &id), ("expected", "2")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let b = f.company_b.to_string();
    let res = call(
        &app,
        "/api/runs/create",
        Some(&staff),
        &[("name", "Mine"), ("company", &b), ("valid_to", &in_days(2))],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let list = ok(&app, "/api/runs/list", &staff, &[]).await;
    assert_eq!(list["total"], 0);
    let list = ok(&app, "/api/runs/list", &admin, &[]).await;
    assert_eq!(list["total"], 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_tampered_or_unknown_link_shows_the_generic_invalid_page(pool: PgPool) {
    let app = app(pool.clone());
    let res = get(&app, "/c/not-a-token", None).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(body_text(res).await.contains("portal-invalid"));
    let s = settings();
    let token = s.link_keys.seal(
        link_token::Purpose::Portal,
        link_token::Claims {
            subject: 424242,
            expires_at: i64::MAX,
        },
    );
    let res = get(&app, &format!("/c/{token}"), None).await;
    assert_eq!(
        res.status(),
        StatusCode::NOT_FOUND,
        "authentic but unknown recipient"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_test_mail_reaches_the_signed_in_user_from_the_runs_sender_with_a_dead_link(
    pool: PgPool,
) {
    let f = fixture(&pool).await;
    seed_contacts(&pool, f.company_a, 1, 0).await;
    let app = app(pool.clone());
    let cookie = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    let id = ready_run(
        &app,
        &cookie,
        f.company_a,
        "Test mail",
        &[("mode", "filter")],
    )
    .await;
    let contact: i64 = sqlx::query_scalar("SELECT id FROM contact")
        .fetch_one(&pool)
        .await
        .unwrap();
    let to = ok(
        &app,
        "/api/runs/test_mail",
        &cookie,
        &[
            ("id", &id),
            ("contact", &contact.to_string()),
            ("language", "en"),
        ],
    )
    .await;
    assert_eq!(to, "admin@test.nl");
    let smtp = TestSmtp::start();
    drain(&pool, &worker(&pool, &smtp, quick())).await;
    let mails = smtp.mails();
    assert_eq!(mails.len(), 1);
    let raw = &mails[0].raw;
    assert_eq!(mails[0].to, ["admin@test.nl"]);
    let from = header(raw, "From").unwrap();
    assert!(
        from.contains("Company A") && from.contains("<noreply@datacheck.test>"),
        "{from}"
    );
    assert!(
        header(raw, "Subject")
            .unwrap()
            .starts_with("[Test] Is your information at Company A")
    );
    assert!(text_part(raw).contains("Dear Klant Nummer 1,"));
    // It ends like the real mail: the footer with a preferences link, a dead one here.
    let text = text_part(raw);
    let footer = text
        .lines()
        .find_map(|l| l.strip_prefix("Manage your subscriptions: "))
        .unwrap_or_else(|| panic!("no preferences footer in {text}"));
    let footer_path = footer.trim().replace("http://127.0.0.1:3000", "");
    assert!(footer_path.starts_with("/p/"), "{footer}");
    let res = get(&app, &footer_path, None).await;
    assert_eq!(
        res.status(),
        StatusCode::NOT_FOUND,
        "a test preferences link opens nothing"
    );
    let path = link_path(raw);
    assert_eq!(
        get(&app, &path, None).await.status(),
        StatusCode::NOT_FOUND,
        "a test link opens nothing"
    );
    let recipients: i64 = sqlx::query_scalar("SELECT count(*) FROM run_recipient")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(recipients, 0, "a test mail issues no link");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_wizard_preview_ends_with_the_footer_every_run_mail_carries(pool: PgPool) {
    let f = fixture(&pool).await;
    seed_contacts(&pool, f.company_a, 1, 0).await;
    let app = app(pool.clone());
    let cookie = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    let id = ready_run(&app, &cookie, f.company_a, "Preview", &[("mode", "filter")]).await;
    for (language, words, why) in [
        (
            "en",
            "Manage your subscriptions",
            "because you are a customer of Company A",
        ),
        (
            "nl",
            "Uw abonnementen beheren",
            "omdat u klant bent bij Company A",
        ),
    ] {
        let p = ok(
            &app,
            "/api/runs/preview",
            &cookie,
            &[("id", &id), ("language", language)],
        )
        .await;
        let text = p["text"].as_str().unwrap();
        assert!(
            text.ends_with(&format!(
                "{words}: http://127.0.0.1:3000/p/preferences-link-appears-here\n"
            )),
            "{text}"
        );
        let html = p["html"].as_str().unwrap();
        let footer = html
            .split("<p class=\"mail-footer\">")
            .nth(1)
            .unwrap_or_else(|| panic!("no footer in {html}"));
        assert!(footer.contains(why), "{footer}");
        assert!(
            footer.contains("href=\"http://127.0.0.1:3000/p/preferences-link-appears-here\""),
            "{footer}"
        );
        assert!(footer.contains(words), "{footer}");
        // Shown inside a staff page, whose CSP refuses inline styles.
        assert!(!html.contains("style="), "{html}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn without_smtp_mails_land_in_the_dev_mailbox_readable_by_staff_only(pool: PgPool) {
    let f = fixture(&pool).await;
    seed_contacts(&pool, f.company_a, 2, 0).await;
    let app = app(pool.clone());
    let cookie = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    let id = ready_run(
        &app,
        &cookie,
        f.company_a,
        "Dev mailbox",
        &[("mode", "filter")],
    )
    .await;
    ok(
        &app,
        "/api/runs/send",
        &cookie,
        &[("id", &id), ("expected", "2")],
    )
    .await;
    let w = Worker::new(
        pool.clone(),
        Arc::new(settings()),
        Transport::DevMailbox,
        quick(),
    );
    drain(&pool, &w).await;
    let list = ok(&app, "/api/dev/mailbox", &cookie, &[]).await;
    let rows = list.as_array().unwrap();
    assert_eq!(rows.len(), 2);
    let mail_id = rows[0]["id"].to_string();
    let mail = ok(&app, "/api/dev/mail", &cookie, &[("id", &mail_id)]).await;
    let link = mail["links"][0].as_str().unwrap();
    let path = link.trim_start_matches("http://127.0.0.1:3000");
    assert_eq!(
        get(&app, path, None).await.status(),
        StatusCode::OK,
        "its link opens"
    );

    let html_path = format!("/staff/dev/mailbox/{mail_id}/html");
    let res = get(&app, &html_path, Some(&cookie)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("sandbox") && csp.contains("style-src 'unsafe-inline'"),
        "{csp}"
    );
    assert!(!csp.contains("script-src"), "{csp}");
    assert_eq!(res.headers()["x-frame-options"], "SAMEORIGIN");
    assert!(body_text(res).await.contains("<!DOCTYPE html>"));
    assert_ne!(get(&app, &html_path, None).await.status(), StatusCode::OK);
    let staff = sign_in(&app, "staff@test.nl", PASSWORD).await.unwrap();
    assert_eq!(
        call(&app, "/api/dev/mailbox", None, &[]).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        call(&app, "/api/dev/mailbox", Some(&staff), &[])
            .await
            .status(),
        StatusCode::OK
    );
}
