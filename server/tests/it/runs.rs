//! Data check runs end to end on a real PostgreSQL and a real SMTP server on loopback:
//! the wizard's steps as staff take them, sending, links that open, reminders,
//! cancelling, test mails and scope. (The outbox's own guarantees: `outbox.rs`.)

use crate::common;

use app::server_fns::runs::{
    CancelRun, CreateRun, ListRuns, LoadRecipientSummary, LoadRun, LoadRunDraft, LoadRunProgress,
    PreviewMail, SaveRunConfig, SaveRunEmail, SaveRunFields, SaveRunRecipients, SendRun,
    SendTestMail,
};
use backend::mail::outbox::WorkerConfig;
use common::mail::*;
use common::smtp::TestSmtp;
use common::*;
use datacheck_core::error::AppError;
use datacheck_core::wire::{RunId, RunPhase, RunQuery};
use http::StatusCode;
use sqlx::PgPool;
use std::time::Duration;

/// The fields a list of problems names, in order.
fn fields_of(err: &AppError) -> Vec<&str> {
    match err {
        AppError::Fields(list) => list.iter().map(|p| p.field.as_str()).collect(),
        AppError::Invalid { field, .. } => field.iter().map(String::as_str).collect(),
        other => panic!("not a problem with the form: {other:?}"),
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_run_of_200_recipients_delivers_200_mails_each_with_a_link_that_opens(pool: PgPool) {
    let app = TestApp::start(pool.clone()).await;
    app.with_contacts(200, 2).await;
    sqlx::query(
        "INSERT INTO contact (company_id, customer_no, kind, last_name, email)
         VALUES ($1, 'BAD1', 'person', 'Typo', 'kees.bakkerziggo.nl')",
    )
    .bind(app.companies.company_a)
    .execute(&pool)
    .await
    .unwrap();
    let admin = app.admin().await;
    let run = admin
        .prepare_run(app.companies.company_a, "Autumn check", Recipients::All)
        .await;

    let summary = admin.call(LoadRecipientSummary { id: run.0 }).await;
    assert_eq!(summary.reachable, 200);
    assert_eq!(summary.unreachable_total, 3);
    assert_eq!(summary.unreachable.len(), 3);
    let bad = summary
        .unreachable
        .iter()
        .find(|u| u.customer_no == "BAD1")
        .unwrap();
    assert_eq!(bad.reason, "The e-mail address is not valid");
    assert_eq!((summary.dutch, summary.english), (100, 100));

    assert_eq!(admin.send_run(run, 200).await, 200);
    let progress = admin.progress(run).await;
    assert_eq!((progress.queued, progress.status), (200, RunPhase::Sending));

    let smtp = TestSmtp::start();
    drain(&pool, &worker(&pool, Some(&smtp), quick())).await;
    let mails = smtp.mails();
    assert_eq!(mails.len(), 200, "exactly one mail per recipient");
    let mut addresses: Vec<String> = mails.iter().flat_map(|m| m.to.clone()).collect();
    addresses.sort();
    addresses.dedup();
    assert_eq!(addresses.len(), 200);

    let progress = admin.progress(run).await;
    assert_eq!((progress.sent, progress.status), (200, RunPhase::Sent));

    // Every link opens, as the server-rendered page a phone gets.
    for m in &mails {
        let path = link_path(&m.raw);
        let page = tokio::time::timeout(Duration::from_secs(30), app.open_link(&path))
            .await
            .expect("the customer page answers");
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert_eq!(page.headers["referrer-policy"], "no-referrer");
        assert!(
            page.html.contains("data-testid=\"portal-open\""),
            "{}",
            page.html
        );
        assert!(
            page.html.contains("Klant Nummer"),
            "the page greets the contact"
        );
    }
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM run_recipient WHERE opened_at IS NOT NULL"
        )
        .await,
        200
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn cancelling_stops_queued_mails_and_every_link_at_once(pool: PgPool) {
    let (app, admin, run) = TestApp::with_sent_run(pool.clone(), 6, "Cancel me").await;
    let smtp = TestSmtp::start();
    let w = worker(
        &pool,
        Some(&smtp),
        WorkerConfig {
            batch: 2,
            ..quick()
        },
    );
    w.run_once().await.unwrap();
    let delivered = smtp.mails();
    assert_eq!(delivered.len(), 2);
    let link = link_path(&delivered[0].raw);
    assert_eq!(app.open_link(&link).await.status, StatusCode::OK);

    admin.cancel_run(run).await;
    drain(&pool, &w).await;
    assert_eq!(
        smtp.mails().len(),
        2,
        "queued mails of a cancelled run never go out"
    );
    let page = app.open_link(&link).await;
    assert_eq!(page.status, StatusCode::GONE);
    assert!(page.html.contains("portal-expired"));
    let progress = admin.progress(run).await;
    assert_eq!(
        (progress.cancelled, progress.status),
        (4, RunPhase::Cancelled)
    );
    let (status, _) = admin.remind(run, 2).await.unwrap_err();
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "no reminders for a cancelled run"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn reminders_go_only_to_those_who_have_not_responded(pool: PgPool) {
    let (app, admin, run) = TestApp::with_sent_run(pool.clone(), 5, "Remind").await;
    let smtp = TestSmtp::start();
    let w = worker(&pool, Some(&smtp), quick());
    drain(&pool, &w).await;
    sqlx::query(
        "UPDATE run_recipient SET responded_at = now(), response = 'unchanged'
         WHERE email IN ('c1@example.nl', 'c2@example.nl')",
    )
    .execute(&pool)
    .await
    .unwrap();
    assert_eq!(admin.run_page(run).await.remindable, 3);
    let (status, err) = admin.remind(run, 5).await.unwrap_err();
    assert_eq!(status, StatusCode::CONFLICT, "{err:?}");
    assert_eq!(admin.remind(run, 3).await, Ok(3));
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
        app.open_link(&link_path(&reminders[0].raw)).await.status,
        StatusCode::OK
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_reminder_goes_to_the_ticked_recipients_only_and_never_twice(pool: PgPool) {
    let (app, admin, run) = TestApp::with_sent_run(pool.clone(), 5, "Ticked").await;
    let smtp = TestSmtp::start();
    let w = worker(&pool, Some(&smtp), quick());
    drain(&pool, &w).await;
    let ids: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, email FROM run_recipient WHERE run_id = $1 ORDER BY id")
            .bind(run.0)
            .fetch_all(&pool)
            .await
            .unwrap();
    // The first has answered: ticking them reminds nobody.
    sqlx::query(
        "UPDATE run_recipient SET responded_at = now(), response = 'unchanged' WHERE id = $1",
    )
    .bind(ids[0].0)
    .execute(&pool)
    .await
    .unwrap();
    let page = admin
        .call(app::server_fns::runs::ListRunRecipients {
            id: run.0,
            after: None,
            state_filter: None,
        })
        .await;
    let can: Vec<bool> = page.rows.iter().map(|r| r.remindable).collect();
    assert_eq!(
        can,
        [false, true, true, true, true],
        "the page says whom a tick can reach"
    );
    let (status, err) = admin.remind_ticked(run, 1, &[ids[0].0]).await.unwrap_err();
    assert_eq!(status, StatusCode::CONFLICT, "{err:?}");

    // Two ticked (and the one who answered): two reminders, to exactly those two.
    let ticked = [ids[0].0, ids[2].0, ids[4].0];
    let (status, _) = admin.remind_ticked(run, 3, &ticked).await.unwrap_err();
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "only two of the three can be reminded"
    );
    assert_eq!(admin.remind_ticked(run, 2, &ticked).await, Ok(2));
    // The same ticks again (a double click): the reminders are on their way already.
    let (status, _) = admin.remind_ticked(run, 2, &ticked).await.unwrap_err();
    assert_eq!(status, StatusCode::CONFLICT);
    drain(&pool, &w).await;
    let mut reminded: Vec<String> = smtp
        .mails()
        .into_iter()
        .filter(|m| {
            let s = header(&m.raw, "Subject").unwrap();
            s.starts_with("Herinnering:") || s.starts_with("Reminder:")
        })
        .flat_map(|m| m.to)
        .collect();
    reminded.sort();
    assert_eq!(reminded, [ids[2].1.clone(), ids[4].1.clone()]);

    // A forged id, another run's recipient, refuses the whole request.
    let other = admin
        .prepare_run(app.companies.company_a, "Other", Recipients::All)
        .await;
    admin.send_run(other, 5).await;
    let foreign: i64 = sqlx::query_scalar("SELECT min(id) FROM run_recipient WHERE run_id = $1")
        .bind(other.0)
        .fetch_one(&pool)
        .await
        .unwrap();
    let before = count(&pool, "SELECT count(*) FROM outbox_mail").await;
    let (status, err) = admin
        .remind_ticked(run, 1, &[ids[1].0, foreign])
        .await
        .unwrap_err();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err:?}");
    assert_eq!(
        count(&pool, "SELECT count(*) FROM outbox_mail").await,
        before
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn every_step_is_checked_by_the_server(pool: PgPool) {
    let app = TestApp::start(pool.clone()).await;
    app.with_contacts(2, 0).await;
    let admin = app.admin().await;
    let company = app.companies.company_a;
    let config = |name: &str, company: &str, valid_to: String, reply_to: &str| CreateRun {
        name: name.into(),
        company: company.into(),
        valid_to,
        sender_name: String::new(),
        sender_email: String::new(),
        reply_to: reply_to.into(),
    };
    // Step 1: everything wrong at once, each at its field.
    let (status, err) = admin
        .try_call(config(" ", "999", "2020-01-01".into(), "nope"))
        .await
        .unwrap_err();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields_of(&err), ["name", "company", "valid_to", "reply_to"]);

    let run = admin.prepare_run(company, "Checked", Recipients::All).await;
    // A unique name.
    let (status, err) = admin
        .try_call(config("checked", &company.to_string(), in_days(3), ""))
        .await
        .unwrap_err();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(err.to_string().contains("exists already"), "{err:?}");
    // Step 3: a body without <link> and a broken placeholder, located.
    let (status, err) = admin
        .try_call(SaveRunEmail {
            id: run.0,
            nl_subject: "Hoi".into(),
            nl_body: "Beste <naam>, tot <valid_until>".into(),
            en_subject: "Hi".into(),
            en_body: "<link> <valid_until>".into(),
            nl_reminder_subject: String::new(),
            nl_reminder_opening: String::new(),
            en_reminder_subject: String::new(),
            en_reminder_opening: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let AppError::Fields(problems) = &err else {
        panic!("{err:?}")
    };
    assert!(problems.iter().all(|p| p.field == "nl_body"), "{err:?}");
    assert!(
        problems[0]
            .message
            .contains("Line 1, column 7: <naam> is not a placeholder")
    );
    assert!(problems[1].message.contains("must contain <link>"));
    // Step 4: the client cannot make the customer number editable or invent fields.
    for (key, rule) in [
        ("customer_no", "editable"),
        ("no_such_field", "read_only"),
        ("email", "writable"),
    ] {
        let (status, err) = admin
            .try_call(SaveRunFields {
                id: run.0,
                rules: [(key.to_string(), rule.to_string())].into(),
                show_contact_persons: None,
                show_notifications: None,
                show_subscriptions: None,
            })
            .await
            .unwrap_err();
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{key}: {err:?}");
    }
    // Step 2: bad customer numbers are reported with their line.
    let (status, err) = admin
        .try_call(SaveRunRecipients {
            id: run.0,
            mode: "list".into(),
            kind: String::new(),
            city: String::new(),
            q: String::new(),
            confirmed_before: String::new(),
            list: "K1\nK 2 ok\n\u{7}bad".into(),
            marketing: None,
        })
        .await
        .unwrap_err();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err:?}");
    assert!(format!("{err:?}").contains("line 3"), "{err:?}");
    // Sending: the confirmed count must match, and a run is sent once.
    let (status, err) = admin
        .try_call(SendRun {
            id: run.0,
            expected: 3,
            reminders: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        err.to_string().contains("2 contacts would now receive"),
        "{err:?}"
    );
    assert_eq!(admin.send_run(run, 2).await, 2);
    let (status, _) = admin
        .try_call(SendRun {
            id: run.0,
            expected: 2,
            reminders: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(count(&pool, "SELECT count(*) FROM run_recipient").await, 2);
    // A sent run's steps cannot be changed.
    let (status, _) = admin
        .try_call(SaveRunConfig {
            id: run.0,
            name: "Other".into(),
            company: company.to_string(),
            valid_to: in_days(3),
            sender_name: String::new(),
            sender_email: String::new(),
            reply_to: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(status, StatusCode::CONFLICT);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_scoped_staff_user_cannot_see_or_touch_another_companys_run(pool: PgPool) {
    let app = TestApp::start(pool.clone()).await;
    seed_contacts(&pool, app.companies.company_b, 2, 0).await;
    let admin = app.admin().await;
    let run = admin
        .prepare_run(app.companies.company_b, "Company B run", Recipients::All)
        .await;
    let staff = app.scoped_staff().await;
    let not_found = |r: Result<(), (StatusCode, AppError)>| r.unwrap_err().0;
    let id = run.0;
    assert_eq!(
        [
            not_found(staff.try_call(LoadRunDraft { id }).await.map(drop)),
            not_found(staff.try_call(LoadRecipientSummary { id }).await.map(drop)),
            not_found(staff.try_call(LoadRun { id }).await.map(drop)),
            not_found(staff.try_call(CancelRun { id }).await.map(drop)),
            not_found(staff.try_call(LoadRunProgress { id }).await.map(drop)),
            not_found(
                staff
                    .try_call(SendRun {
                        id,
                        expected: 2,
                        reminders: String::new(),
                    })
                    .await
                    .map(drop)
            ),
        ],
        [StatusCode::NOT_FOUND; 6]
    );
    let (status, _) = staff
        .try_call(CreateRun {
            name: "Mine".into(),
            company: app.companies.company_b.to_string(),
            valid_to: in_days(2),
            sender_name: String::new(),
            sender_email: String::new(),
            reply_to: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let everything = || ListRuns {
        query: RunQuery::default(),
    };
    assert_eq!(staff.call(everything()).await.total, 0);
    assert_eq!(admin.call(everything()).await.total, 1);
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
    let app = TestApp::start(pool.clone()).await;
    app.with_contacts(1, 0).await;
    let admin = app.admin().await;
    let run = admin
        .prepare_run(app.companies.company_a, "Test mail", Recipients::All)
        .await;
    let contact: i64 = sqlx::query_scalar("SELECT id FROM contact")
        .fetch_one(&pool)
        .await
        .unwrap();
    let to = admin
        .call(SendTestMail {
            id: run.0,
            contact: Some(contact),
            language: "en".into(),
        })
        .await;
    assert_eq!(to, "admin@test.nl");
    let smtp = TestSmtp::start();
    drain(&pool, &worker(&pool, Some(&smtp), quick())).await;
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
    let footer_path = path_of(footer.trim());
    assert!(footer_path.starts_with("/p/"), "{footer}");
    assert_eq!(
        app.open_link(&footer_path).await.status,
        StatusCode::NOT_FOUND,
        "a test preferences link opens nothing"
    );
    assert_eq!(
        app.open_link(&link_path(raw)).await.status,
        StatusCode::NOT_FOUND,
        "a test link opens nothing"
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM run_recipient").await,
        0,
        "a test mail issues no link"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_wizard_preview_ends_with_the_footer_every_run_mail_carries(pool: PgPool) {
    let app = TestApp::start(pool.clone()).await;
    app.with_contacts(1, 0).await;
    let admin = app.admin().await;
    let run = admin
        .prepare_run(app.companies.company_a, "Preview", Recipients::All)
        .await;
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
        let p = admin
            .call(PreviewMail {
                id: run.0,
                contact: None,
                language: language.into(),
                subject: None,
                body: None,
                reminder_subject: None,
                reminder_opening: None,
            })
            .await;
        assert!(
            p.text.ends_with(&format!(
                "{words}: http://127.0.0.1:3000/p/preferences-link-appears-here\n"
            )),
            "{}",
            p.text
        );
        let footer = p
            .html
            .split("<p class=\"mail-footer\">")
            .nth(1)
            .unwrap_or_else(|| panic!("no footer in {}", p.html));
        assert!(footer.contains(why), "{footer}");
        assert!(
            footer.contains("href=\"http://127.0.0.1:3000/p/preferences-link-appears-here\""),
            "{footer}"
        );
        assert!(footer.contains(words), "{footer}");
        // Shown inside a staff page, whose CSP refuses inline styles.
        assert!(!p.html.contains("style="), "{}", p.html);
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn without_smtp_mails_land_in_the_dev_mailbox_readable_by_staff_only(pool: PgPool) {
    use app::server_fns::dev_mailbox::{ListDevMailbox, LoadDevMail};
    let (app, admin, _run) = TestApp::with_sent_run(pool.clone(), 2, "Dev mailbox").await;
    drain(&pool, &worker(&pool, None, quick())).await;
    let rows = admin.call(ListDevMailbox {}).await;
    assert_eq!(rows.len(), 2);
    let mail = admin.call(LoadDevMail { id: rows[0].id }).await;
    assert_eq!(
        app.open_link(&path_of(&mail.links[0])).await.status,
        StatusCode::OK,
        "its link opens"
    );

    let html_path = format!("/staff/dev/mailbox/{}/html", rows[0].id);
    let page = admin.open(&html_path).await;
    assert_eq!(page.status, StatusCode::OK);
    let csp = page.headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("sandbox") && csp.contains("style-src 'unsafe-inline'"),
        "{csp}"
    );
    assert!(!csp.contains("script-src"), "{csp}");
    assert_eq!(page.headers["x-frame-options"], "SAMEORIGIN");
    assert!(page.html.contains("<!DOCTYPE html>"));
    assert_ne!(
        app.signed_out().open(&html_path).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.signed_out()
            .try_call(ListDevMailbox {})
            .await
            .unwrap_err()
            .0,
        StatusCode::UNAUTHORIZED
    );
    assert!(
        app.scoped_staff()
            .await
            .try_call(ListDevMailbox {})
            .await
            .is_ok()
    );
}

/// The reminders queued for a run so far.
async fn reminders_queued(pool: &PgPool, run: RunId) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM outbox_mail WHERE run_id = $1 AND kind = 'reminder'")
        .bind(run.0)
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn sent_at(pool: &PgPool, run: RunId) -> time::OffsetDateTime {
    sqlx::query_scalar("SELECT sent_at FROM run WHERE id = $1")
        .bind(run.0)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_planned_reminder_goes_out_once_with_two_workers_and_never_after_cancel_or_the_deadline(
    pool: PgPool,
) {
    use backend::runs::tick;
    let app = TestApp::start(pool.clone()).await;
    app.with_contacts(4, 0).await;
    let admin = app.admin().await;
    let company = app.companies.company_a;
    let smtp = TestSmtp::start();
    let w = worker(&pool, Some(&smtp), quick());

    // What cannot be planned is said at the field, and nothing is sent.
    let run = admin.prepare_run(company, "Planned", Recipients::All).await;
    for (typed, says) in [
        ("9", "1 to 7 days"),
        ("3, 3", "twice"),
        ("drie", "not a number"),
        ("2, 7", "after the links stop working"),
    ] {
        let (status, err) = admin
            .try_call(SendRun {
                id: run.0,
                expected: 4,
                reminders: typed.into(),
            })
            .await
            .unwrap_err();
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{typed}");
        assert_eq!(
            err.for_field("reminders").map(|m| m.contains(says)),
            Some(true),
            "{typed}: {err:?}"
        );
    }
    assert_eq!(admin.send_run_planning(run, 4, "2, 1").await, 4);
    drain(&pool, &w).await;
    let planned = admin.run_page(run).await.planned;
    let days: Vec<i16> = planned.iter().map(|p| p.days_after).collect();
    assert_eq!(days, [1, 2]);
    assert!(planned.iter().all(|p| p.due.is_some() && p.done.is_none()));
    sqlx::query("UPDATE run_recipient SET responded_at = now(), response = 'unchanged' WHERE run_id = $1 AND email = 'c1@example.nl'")
        .bind(run.0)
        .execute(&pool)
        .await
        .unwrap();

    // Not due yet: nothing.
    let sent = sent_at(&pool, run).await;
    let s1 = state(pool.clone());
    let s2 = state(pool.clone());
    assert_eq!(
        tick(&s1, sent + time::Duration::hours(23)).await.unwrap(),
        0
    );
    // A day and a minute later, two servers tick at once: the first reminder goes once,
    // to the three who have not answered.
    let at = sent + time::Duration::days(1) + time::Duration::minutes(1);
    let (a, b) = tokio::join!(tick(&s1, at), tick(&s2, at));
    assert_eq!(a.unwrap() + b.unwrap(), 1);
    assert_eq!(reminders_queued(&pool, run).await, 3);
    assert_eq!(tick(&s1, at).await.unwrap(), 0, "never twice");
    let planned = admin.run_page(run).await.planned;
    assert_eq!(planned[0].queued, Some(3));
    assert!(planned[0].done.is_some() && planned[1].done.is_none());

    // Staff remove the second; a removed or sent one cannot be removed again.
    let remove = |reminder: i64| app::server_fns::runs::RemovePlannedReminder {
        id: run.0,
        reminder,
    };
    admin.call(remove(planned[1].id)).await;
    let (status, _) = admin.try_call(remove(planned[1].id)).await.unwrap_err();
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = admin.try_call(remove(planned[0].id)).await.unwrap_err();
    assert_eq!(status, StatusCode::CONFLICT);
    drain(&pool, &w).await;
    assert_eq!(tick(&s1, sent + time::Duration::days(3)).await.unwrap(), 0);
    assert_eq!(reminders_queued(&pool, run).await, 3);

    // A cancelled run has nothing due.
    let cancelled = admin
        .prepare_run(company, "Cancelled", Recipients::All)
        .await;
    admin.send_run_planning(cancelled, 4, "1").await;
    drain(&pool, &w).await;
    admin.cancel_run(cancelled).await;
    let at = sent_at(&pool, cancelled).await + time::Duration::days(1) + time::Duration::minutes(1);
    assert_eq!(tick(&s1, at).await.unwrap(), 0);
    assert_eq!(reminders_queued(&pool, cancelled).await, 0);

    // Nor a run whose links died before the reminder was due.
    let late = admin
        .prepare_run(company, "Deadline", Recipients::All)
        .await;
    admin.send_run_planning(late, 4, "1").await;
    drain(&pool, &w).await;
    let sent = sent_at(&pool, late).await;
    sqlx::query("UPDATE run SET links_expire_at = $2 WHERE id = $1")
        .bind(late.0)
        .bind(sent + time::Duration::hours(12))
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        tick(
            &s1,
            sent + time::Duration::days(1) + time::Duration::minutes(1)
        )
        .await
        .unwrap(),
        0
    );
    assert_eq!(reminders_queued(&pool, late).await, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_reminder_has_its_own_subject_and_opening_line_checked_and_previewed(pool: PgPool) {
    let (_app, admin, run) = {
        let app = TestApp::start(pool.clone()).await;
        app.with_contacts(2, 0).await;
        let admin = app.admin().await;
        let run = admin
            .prepare_run(app.companies.company_a, "Wording", Recipients::All)
            .await;
        (app, admin, run)
    };
    let starter = datacheck_core::wire::RunTemplates::starter();
    let save = |nl_reminder_subject: &str, nl_reminder_opening: &str| SaveRunEmail {
        id: run.0,
        nl_subject: starter.nl.subject.clone(),
        nl_body: starter.nl.body.clone(),
        en_subject: starter.en.subject.clone(),
        en_body: starter.en.body.clone(),
        nl_reminder_subject: nl_reminder_subject.into(),
        nl_reminder_opening: nl_reminder_opening.into(),
        en_reminder_subject: String::new(),
        en_reminder_opening: String::new(),
    };
    // Placeholders are checked as in the first mail, each at its field.
    let (status, err) = admin
        .try_call(save("Nog even: <naam>", "Regel een\nregel twee"))
        .await
        .unwrap_err();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields_of(&err),
        ["nl_reminder_subject", "nl_reminder_opening"]
    );
    admin
        .call(save(
            "Nog even, <name>: uw gegevens bij <company>",
            "U heeft nog niet gereageerd.",
        ))
        .await;
    // The preview shows the reminder as it will go out.
    let p = admin
        .call(PreviewMail {
            id: run.0,
            contact: None,
            language: "nl".into(),
            subject: None,
            body: None,
            reminder_subject: Some("Nog even, <name>".into()),
            reminder_opening: Some("U heeft nog niet gereageerd.".into()),
        })
        .await;
    assert_eq!(p.subject, "Nog even, klant");
    assert!(
        p.text
            .starts_with("U heeft nog niet gereageerd.\n\nBeste klant"),
        "{}",
        p.text
    );

    admin.send_run(run, 2).await;
    let smtp = TestSmtp::start();
    let w = worker(&pool, Some(&smtp), quick());
    drain(&pool, &w).await;
    assert_eq!(admin.remind(run, 2).await, Ok(2));
    drain(&pool, &w).await;
    // The Dutch contact gets the run's own wording; the English one, whose wording was
    // left blank, the first mail's subject marked as a reminder.
    let subjects: Vec<(String, String)> = smtp
        .mails()
        .into_iter()
        .filter_map(|m| Some((header(&m.raw, "Subject")?, text_part(&m.raw))))
        .filter(|(s, _)| s.starts_with("Nog even") || s.starts_with("Reminder:"))
        .collect();
    assert_eq!(subjects.len(), 2, "{subjects:?}");
    let (nl_subject, nl_text) = subjects
        .iter()
        .find(|(s, _)| s.starts_with("Nog even"))
        .expect("the Dutch reminder");
    assert_eq!(
        nl_subject,
        "Nog even, Klant Nummer 1: uw gegevens bij Company A"
    );
    let opening_then_message = nl_text.replace("\r\n", "\n");
    assert!(
        opening_then_message.starts_with("U heeft nog niet gereageerd.\n\nBeste Klant"),
        "{nl_text}"
    );
    let (en_subject, _) = subjects
        .iter()
        .find(|(s, _)| s.starts_with("Reminder:"))
        .expect("the English reminder");
    assert!(
        en_subject.starts_with("Reminder: Is your information"),
        "{en_subject}"
    );
}
