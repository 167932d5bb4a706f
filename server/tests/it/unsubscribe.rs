//! A customer's own choices, end to end with a real SMTP server on loopback: one-click
//! unsubscribe from the mail, tokens that open only the page of their purpose, the
//! preferences page, and runs and reminders that respect a withdrawal.

use crate::common;

use app::server_fns::runs::{LoadRecipientSummary, SaveRunRecipients};
use common::consent::*;
use common::mail::*;
use common::smtp::TestSmtp;
use common::*;
use http::{StatusCode, header};
use sqlx::PgPool;
use std::sync::Arc;
use tower::ServiceExt;

async fn post_raw(app: &axum::Router, path: &str, body: &str) -> http::Response<axum::body::Body> {
    app.clone()
        .oneshot(
            http::Request::post(path)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                // A mail provider posts from its own servers, under its own name: one-click
                // unsubscribe is exempt from the same-origin rule (SPEC §8).
                .header(header::ORIGIN, "https://mail.provider.example")
                .header("sec-fetch-site", "cross-site")
                .body(axum::body::Body::from(body.to_string()))
                .unwrap(),
        )
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn mails_carry_one_click_unsubscribe_and_its_post_withdraws_without_a_page(pool: PgPool) {
    let (app, _cookie, _run) = sent_run(&pool, 2, "Consent mail").await;
    let smtp = TestSmtp::start();
    let w = worker(&pool, Some(&smtp), quick());
    drain(&pool, &w).await;
    let mails = smtp.mails();
    assert_eq!(mails.len(), 2);
    let raw = &mails[0].raw;
    let unsubscribe = header(raw, "List-Unsubscribe").expect("a List-Unsubscribe header");
    assert!(
        unsubscribe.starts_with("<http://127.0.0.1:3000/u/"),
        "{unsubscribe}"
    );
    assert_eq!(
        header(raw, "List-Unsubscribe-Post").as_deref(),
        Some("List-Unsubscribe=One-Click")
    );
    let body = String::from_utf8_lossy(raw).replace("=\r\n", "");
    let token = path_of(&unsubscribe).trim_start_matches("/u/").to_string();
    assert!(
        body.contains(&format!("/p/{token}")),
        "the text carries the preferences link"
    );
    let contact: i64 =
        sqlx::query_scalar("SELECT k.id FROM contact k WHERE lower(k.email) = lower($1)")
            .bind(&mails[0].to[0])
            .fetch_one(&pool)
            .await
            .unwrap();
    let events = |pool: PgPool| async move {
        count(
            &pool,
            "SELECT count(*) FROM consent_event WHERE source = 'unsubscribe'",
        )
        .await
    };

    // Scanners follow links: GET shows the page and changes nothing.
    let res = get(&app, &format!("/u/{token}"), None).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[header::LOCATION], format!("/p/{token}"));
    let page = get(&app, &format!("/p/{token}"), None).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");
    let html = body_text(page).await;
    assert!(html.contains("data-testid=\"prefs-open\""), "{html}");
    assert_eq!(events(pool.clone()).await, 0);
    assert_eq!(count(&pool, "SELECT count(*) FROM mutation").await, 0);
    assert!(
        backend::consent::may_market_now(&pool, contact)
            .await
            .is_ok()
    );
    let opened = count(
        &pool,
        "SELECT count(*) FROM preference_link WHERE opened_at IS NOT NULL",
    )
    .await;
    assert_eq!(opened, 1, "a GET records only that the page was opened");

    // A POST without the RFC 8058 body is not a one-click unsubscribe.
    let res = post_raw(&app, &format!("/u/{token}"), "").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(events(pool.clone()).await, 0);

    let res = post_raw(&app, &format!("/u/{token}"), "List-Unsubscribe=One-Click").await;
    assert_eq!(res.status(), StatusCode::OK);
    let (state_now, source, actor): (String, String, String) = sqlx::query_as(
        "SELECT c.state, e.source, e.actor FROM contact_consent c
         JOIN consent_event e ON e.contact_id = c.contact_id AND e.purpose = c.purpose
         WHERE c.contact_id = $1 AND c.purpose = 'e_marketing' ORDER BY e.id DESC LIMIT 1",
    )
    .bind(contact)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        (state_now.as_str(), source.as_str(), actor.as_str()),
        ("withdrawn", "unsubscribe", "customer")
    );
    // The DMS hears of it as a mutation.
    let (msource, change): (String, String) = sqlx::query_as(
        "SELECT m.source, c.section || ':' || c.field_key || '=' || c.submitted_value
         FROM mutation m JOIN mutation_change c ON c.mutation_id = m.id WHERE m.contact_id = $1",
    )
    .bind(contact)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        (msource.as_str(), change.as_str()),
        ("unsubscribe", "consent:e_marketing=withdrawn")
    );
    // A second click changes nothing more.
    let res = post_raw(&app, &format!("/u/{token}"), "List-Unsubscribe=One-Click").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(events(pool.clone()).await, 1);
    assert_eq!(count(&pool, "SELECT count(*) FROM mutation").await, 1);
    // A made-up token is refused; guessing many gets this client's guesses refused
    // altogether, while its authentic link keeps working (a mail provider's shared
    // address must not lose one-click unsubscribe to someone else's junk).
    let res = post_raw(&app, "/u/AAAAbogus", "List-Unsubscribe=One-Click").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    for i in 0..backend::portal::BAD_LINKS_PER_CLIENT {
        post_raw(
            &app,
            &format!("/u/AAAAguess{i}"),
            "List-Unsubscribe=One-Click",
        )
        .await;
    }
    let res = post_raw(&app, "/u/AAAAonemore", "List-Unsubscribe=One-Click").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let res = post_raw(&app, &format!("/u/{token}"), "List-Unsubscribe=One-Click").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(events(pool.clone()).await, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn tokens_open_only_the_page_of_their_purpose(pool: PgPool) {
    let (app, portal_path, contact) = portal_link(&pool).await;
    let portal_token = portal_path.trim_start_matches("/c/").to_string();
    let st = state(pool.clone());
    let url = backend::consent::preferences_url(&st, &pool, contact, "test")
        .await
        .unwrap();
    let prefs_path = path_of(&url);
    let prefs_token = prefs_path.trim_start_matches("/p/").to_string();

    // Each opens its own page …
    assert_eq!(get(&app, &portal_path, None).await.status(), StatusCode::OK);
    assert_eq!(get(&app, &prefs_path, None).await.status(), StatusCode::OK);
    // … and not the other's.
    let res = get(&app, &format!("/p/{portal_token}"), None).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(body_text(res).await.contains("portal-invalid"));
    let res = get(&app, &format!("/c/{prefs_token}"), None).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = post_raw(
        &app,
        &format!("/u/{portal_token}"),
        "List-Unsubscribe=One-Click",
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // A key rotation keeps old links working: a keyring whose active key is new still
    // opens the token sealed with the old one.
    let mut rotated = settings();
    rotated.link_keys = link_token::Keyring::new(&[(2, [5; 32]), (1, [9; 32])]).unwrap();
    let rotated_app = server::http::router(
        backend::AppState {
            pool: pool.clone(),
            settings: Arc::new(rotated),
            words: &app::pages::portal::text::WORDS,
        },
        site(),
    );
    assert_eq!(
        get(&rotated_app, &prefs_path, None).await.status(),
        StatusCode::OK
    );

    // Revoking the link kills every token made for it.
    let second = backend::consent::preferences_url(&st, &pool, contact, "test")
        .await
        .unwrap();
    backend::db::preference_link::revoke(&pool, contact)
        .await
        .unwrap();
    assert_eq!(
        get(&app, &prefs_path, None).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&app, &path_of(&second), None).await.status(),
        StatusCode::NOT_FOUND
    );
    // A new link is a new row; the old tokens stay dead.
    let third = backend::consent::preferences_url(&st, &pool, contact, "test")
        .await
        .unwrap();
    assert_eq!(
        get(&app, &path_of(&third), None).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        get(&app, &prefs_path, None).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn preferences_page_applies_choices_at_once_and_reports_them(pool: PgPool) {
    let f = fixture(&pool).await;
    seed_contacts(&pool, f.company_a, 1, 0).await;
    let contact: i64 = count(&pool, "SELECT id FROM contact").await;
    let app = app(pool.clone());
    let st = state(pool.clone());
    let url = backend::consent::preferences_url(&st, &pool, contact, "test")
        .await
        .unwrap();
    let path = path_of(&url);
    let html = body_text(get(&app, &path, None).await).await;
    let key = form_key(&html);
    assert!(html.contains("name=\"sub.newsletter\""));

    // Newsletter and surveys on, consent given.
    let res = post_form(
        &app,
        &path,
        &[
            ("key", &key),
            ("lang", "nl"),
            ("sub.newsletter", "on"),
            ("sub.surveys", "on"),
            ("consent", "given"),
            ("intent", "save"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        res.headers()[header::LOCATION]
            .to_str()
            .unwrap()
            .ends_with("saved=1")
    );
    let subscribed: Vec<String> = sqlx::query_scalar(
        "SELECT t.key FROM contact_subscription s JOIN subscription_type t ON t.id = s.subscription_type_id
         ORDER BY t.position",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(subscribed, vec!["newsletter", "surveys"]);
    assert!(
        backend::consent::may_market_now(&pool, contact)
            .await
            .unwrap()
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM consent_event WHERE source = 'preferences' AND actor = 'customer'"
        )
        .await,
        3
    );
    let changes: Vec<String> = sqlx::query_scalar(
        "SELECT c.section || ':' || c.field_key || ':' || c.dms_value || '>' || c.submitted_value
         FROM mutation m JOIN mutation_change c ON c.mutation_id = m.id
         WHERE m.source = 'preferences' ORDER BY c.position, c.id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        changes,
        vec![
            "subscription:newsletter:no>yes",
            "subscription:surveys:no>yes",
            "consent:e_marketing:none>given"
        ]
    );
    // The same form sent again changes nothing and reports nothing more.
    let again = post_form(
        &app,
        &path,
        &[
            ("key", &key),
            ("sub.newsletter", "on"),
            ("sub.surveys", "on"),
            ("consent", "given"),
            ("intent", "save"),
        ],
    )
    .await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    assert_eq!(count(&pool, "SELECT count(*) FROM mutation").await, 1);
    assert_eq!(count(&pool, "SELECT count(*) FROM consent_event").await, 3);

    // A form with a name the page never renders is refused and changes nothing.
    let html = body_text(get(&app, &path, None).await).await;
    let key2 = form_key(&html);
    for crafted in [
        vec![
            ("key", key2.as_str()),
            ("intent", "save"),
            ("email", "x@example.nl"),
        ],
        vec![
            ("key", key2.as_str()),
            ("intent", "save"),
            ("sub.not_a_type", "on"),
        ],
    ] {
        let res = post_form(&app, &path, &crafted).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    }
    assert_eq!(
        count(&pool, "SELECT count(*) FROM contact_subscription").await,
        2
    );

    // Unsubscribe from everything.
    let res = post_form(
        &app,
        &path,
        &[("key", &key2), ("intent", "unsubscribe_all")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        res.headers()[header::LOCATION]
            .to_str()
            .unwrap()
            .ends_with("saved=all")
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM contact_subscription").await,
        0
    );
    assert!(
        !backend::consent::may_market_now(&pool, contact)
            .await
            .unwrap()
    );
    let page = body_text(get(&app, &format!("{path}?saved=all&lang=en"), None).await).await;
    assert!(
        page.contains("You are unsubscribed from everything"),
        "{page}"
    );
    assert_eq!(count(&pool, "SELECT count(*) FROM mutation").await, 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_marketing_run_leaves_out_who_withdrew_and_a_data_check_does_not(pool: PgPool) {
    let app = TestApp::start(pool.clone()).await;
    app.with_contacts(4, 0).await;
    withdraw(&pool, "c1@example.nl").await;
    let admin = app.admin().await;
    let company = app.companies.company_a;

    let check = admin
        .prepare_run(company, "Data check", Recipients::All)
        .await;
    let summary = admin.call(LoadRecipientSummary { id: check.0 }).await;
    assert_eq!((summary.reachable, summary.withdrawn), (4, 1));

    let offer = admin
        .prepare_run(company, "Winter offer", Recipients::All)
        .await;
    admin
        .call(SaveRunRecipients {
            id: offer.0,
            mode: "filter".into(),
            kind: String::new(),
            city: String::new(),
            q: String::new(),
            confirmed_before: String::new(),
            list: String::new(),
            marketing: Some("on".into()),
        })
        .await;
    let summary = admin.call(LoadRecipientSummary { id: offer.0 }).await;
    assert!(summary.marketing);
    assert_eq!(
        (
            summary.reachable,
            summary.withdrawn,
            summary.unreachable_total
        ),
        (3, 1, 0)
    );
    admin.send_run(offer, 3).await;
    let reached: Vec<String> = sqlx::query_scalar(
        "SELECT email FROM run_recipient WHERE run_id = $1::bigint ORDER BY email",
    )
    .bind(offer.0.to_string())
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        reached,
        vec!["c2@example.nl", "c3@example.nl", "c4@example.nl"]
    );

    // Someone who withdraws after the marketing mail was queued does not get it.
    withdraw(&pool, "c2@example.nl").await;
    let smtp = TestSmtp::start();
    let w = worker(&pool, Some(&smtp), quick());
    drain(&pool, &w).await;
    let mut to: Vec<String> = smtp.mails().into_iter().flat_map(|m| m.to).collect();
    to.sort();
    assert_eq!(to, vec!["c3@example.nl", "c4@example.nl"]);
}

#[sqlx::test(migrations = "../migrations")]
async fn reminders_never_go_to_someone_who_withdrew(pool: PgPool) {
    let (app, admin, run) = TestApp::with_sent_run(pool.clone(), 3, "Remind consent").await;
    let app = app.router;
    let smtp = TestSmtp::start();
    let w = worker(&pool, Some(&smtp), quick());
    drain(&pool, &w).await;
    // c1 used the one-click unsubscribe of the first mail.
    let unsubscribe = smtp
        .mails()
        .into_iter()
        .find(|m| m.to == ["c1@example.nl"])
        .and_then(|m| header(&m.raw, "List-Unsubscribe"))
        .unwrap();
    let res = post_raw(&app, &path_of(&unsubscribe), "List-Unsubscribe=One-Click").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(admin.run_page(run).await.remindable, 2);
    assert_eq!(admin.remind(run, 2).await, Ok(2));
    // c2 withdraws while the reminders wait in the outbox: theirs is not sent.
    withdraw(&pool, "c2@example.nl").await;
    drain(&pool, &w).await;
    let reminders: Vec<Vec<String>> = smtp
        .mails()
        .into_iter()
        .filter(|m| {
            let s = header(&m.raw, "Subject").unwrap_or_default();
            s.starts_with("Herinnering:") || s.starts_with("Reminder:")
        })
        .map(|m| m.to)
        .collect();
    assert_eq!(reminders, vec![vec!["c3@example.nl".to_string()]]);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM outbox_mail WHERE kind = 'reminder' AND status = 'cancelled'"
        )
        .await,
        1
    );
}
