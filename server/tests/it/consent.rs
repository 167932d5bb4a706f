//! Consent and subscriptions end to end on a real PostgreSQL (and a real SMTP server on
//! loopback for the mails): the migration's defaults, the append-only history, purpose
//! binding of tokens, the preferences page, one-click unsubscribe, staff recording, and
//! data subject requests.

use crate::common;

use backend::mail::Transport;
use backend::mail::outbox::{Worker, WorkerConfig};
use common::smtp::TestSmtp;
use common::*;
use http::{StatusCode, header};
use sqlx::PgPool;
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceExt;

const CONSENT_MIGRATION: i64 = 20261123000008;

async fn migrator() -> sqlx::migrate::Migrator {
    sqlx::migrate::Migrator::new(std::path::Path::new("../migrations"))
        .await
        .unwrap()
}

#[sqlx::test(migrations = false)]
async fn migration_gives_mailed_never_mailed_and_no_mailings_contacts_their_defaults(pool: PgPool) {
    // The register as it was before purposes existed.
    let mut before = migrator().await;
    before.migrations = before
        .migrations
        .iter()
        .filter(|m| m.version < CONSENT_MIGRATION)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    before.run(&pool).await.unwrap();
    sqlx::raw_sql(
        "INSERT INTO company (name) VALUES ('Garage');
         INSERT INTO field_def (key, field_type, label_nl, label_en, position)
             VALUES ('no_mailings', 'yes_no', 'Geen mailings', 'No mailings', 500);
         INSERT INTO contact (company_id, customer_no, kind, last_name, email) VALUES
             (1, 'MAILED', 'person', 'Gemaild', 'mailed@example.nl'),
             (1, 'NEVER', 'person', 'Nooit', 'never@example.nl'),
             (1, 'NOMAIL', 'person', 'Geen', 'nomail@example.nl'),
             (1, 'QUEUED', 'person', 'Wachtrij', 'queued@example.nl'),
             (1, 'GAVE', 'person', 'Gegeven', 'gave@example.nl');
         INSERT INTO contact_attribute (contact_id, field_key, value) VALUES (3, 'no_mailings', 'yes');
         INSERT INTO run (company_id, name, status, valid_to, sender_name, sender_email, reply_to,
                          templates, sent_at)
             VALUES (1, 'Earlier check', 'sent', current_date, 'Garage', 'g@example.nl',
                     'g@example.nl', '{}', now());
         INSERT INTO run_recipient (run_id, contact_id, email, language, key_id, expires_at) VALUES
             (1, 1, 'mailed@example.nl', 'nl', 1, now()),
             (1, 3, 'nomail@example.nl', 'nl', 1, now()),
             (1, 4, 'queued@example.nl', 'nl', 1, now());
         INSERT INTO outbox_mail (kind, run_id, run_recipient_id, to_address, message_id, status) VALUES
             ('invitation', 1, 1, 'mailed@example.nl', 'm1', 'sent'),
             ('invitation', 1, 2, 'nomail@example.nl', 'm2', 'sent'),
             ('invitation', 1, 3, 'queued@example.nl', 'm3', 'queued');
         INSERT INTO consent_event (contact_id, purpose, legal_basis, state, source, shown_text)
             VALUES (5, 'e_marketing', 'consent', 'given', 'portal', 'Mogen wij u e-mail sturen?');",
    )
    .execute(&pool)
    .await
    .unwrap();

    migrator().await.run(&pool).await.unwrap();

    let states: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT k.customer_no, c.legal_basis, c.state FROM contact_consent c
         JOIN contact k ON k.id = c.contact_id WHERE c.purpose = 'e_marketing' ORDER BY k.id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let expect =
        |no: &str, basis: &str, state: &str| (no.to_string(), basis.to_string(), state.to_string());
    assert_eq!(
        states,
        vec![
            expect("MAILED", "legitimate_interest", "none"),
            expect("NEVER", "consent", "none"),
            // "No mailings" wins over having been mailed.
            expect("NOMAIL", "consent", "withdrawn"),
            // A mail that never left is not "mailed before".
            expect("QUEUED", "consent", "none"),
            expect("GAVE", "consent", "given"),
        ]
    );
    // Every default is in the history, by the migration.
    let recorded: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT k.customer_no, e.state, e.actor FROM consent_event e JOIN contact k ON k.id = e.contact_id
         WHERE e.source = 'migration' ORDER BY k.id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(recorded.len(), 5);
    assert!(
        recorded
            .iter()
            .all(|(_, _, actor)| actor == "system: migration")
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM contact_consent WHERE purpose = 'sales_service' AND legal_basis = 'contract'").await,
        5
    );
    // Marketing may go to the mailed contact (legitimate interest) and the one who gave
    // consent, to no one else.
    let st = state(pool.clone());
    let mut may = Vec::new();
    for id in 1..=5 {
        may.push(
            backend::consent::may_market_now(&st.pool, id)
                .await
                .unwrap(),
        );
    }
    assert_eq!(may, vec![true, false, false, false, true]);
}

/// Records a customer's e-marketing choice the way every consent change is made.
async fn record(
    pool: &PgPool,
    contact_id: i64,
    state: datacheck_core::wire::ConsentState,
    source: backend::consent::Source,
    shown_text: &str,
) {
    let mut tx = pool.begin().await.unwrap();
    backend::consent::set_purpose(
        &mut tx,
        &backend::audit::Actor::Customer,
        &backend::consent::PurposeChange {
            contact_id,
            purpose: "e_marketing",
            state,
            legal_basis: None,
            source,
            shown_text,
            run_recipient_id: None,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn consent_history_is_append_only(pool: PgPool) {
    let f = fixture(&pool).await;
    seed_contacts(&pool, f.company_a, 1, 0).await;
    let id: i64 = count(&pool, "SELECT id FROM contact").await;
    let st = state(pool.clone());
    record(
        &pool,
        id,
        datacheck_core::wire::ConsentState::Given,
        backend::consent::Source::Portal,
        "Mogen wij u e-mail sturen?",
    )
    .await;
    let before = count(&pool, "SELECT count(*) FROM consent_event").await;
    assert_eq!(before, 1);

    for sql in [
        "UPDATE consent_event SET state = 'withdrawn'",
        "UPDATE consent_event SET shown_text = 'something else'",
        "DELETE FROM consent_event",
        // Not even by deleting the contact around it.
        "DELETE FROM contact",
    ] {
        let err = sqlx::query(sql).execute(&pool).await.unwrap_err();
        let code = err
            .as_database_error()
            .and_then(|e| e.code())
            .unwrap_or_default();
        assert_eq!(code, "23001", "{sql} must be refused: {err}");
    }
    let (state_now, text): (String, String) =
        sqlx::query_as("SELECT state, shown_text FROM consent_event")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        (state_now.as_str(), text.as_str()),
        ("given", "Mogen wij u e-mail sturen?")
    );
    // A change is a new row; the current state follows the newest.
    record(
        &pool,
        id,
        datacheck_core::wire::ConsentState::Withdrawn,
        backend::consent::Source::Preferences,
        "Nee, liever niet",
    )
    .await;
    assert_eq!(count(&pool, "SELECT count(*) FROM consent_event").await, 2);
    assert!(
        !backend::consent::may_market_now(&st.pool, id)
            .await
            .unwrap()
    );
}

fn quick() -> WorkerConfig {
    WorkerConfig {
        batch: 50,
        concurrency: 4,
        lease: Duration::from_secs(60),
        idle: Duration::from_millis(20),
        retry_base: Duration::from_millis(50),
        retry_max: Duration::from_millis(200),
        max_attempts: 5,
        send_timeout: Duration::from_secs(10),
    }
}

async fn drain(w: &Worker) {
    for _ in 0..50 {
        if w.run_once().await.unwrap() == 0 {
            return;
        }
    }
    panic!("the outbox did not drain");
}

/// The address of the mail's `header` (unfolded), e.g. List-Unsubscribe.
fn header_value(raw: &[u8], name: &str) -> Option<String> {
    let text = String::from_utf8_lossy(raw)
        .replace("\r\n ", " ")
        .replace("\r\n\t", " ");
    let head = text
        .split("\r\n\r\n")
        .next()
        .unwrap_or_default()
        .to_string();
    head.lines().find_map(|l| {
        l.strip_prefix(&format!("{name}: "))
            .map(|v| v.trim().to_string())
    })
}

fn path_of(url: &str) -> String {
    url.trim_matches(['<', '>'])
        .strip_prefix("http://127.0.0.1:3000")
        .unwrap()
        .to_string()
}

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
    let w = Worker::new(
        pool.clone(),
        Arc::new(settings()),
        Transport::from_url(Some(&smtp.url())).unwrap(),
        quick(),
    );
    drain(&w).await;
    let mails = smtp.mails();
    assert_eq!(mails.len(), 2);
    let raw = &mails[0].raw;
    let unsubscribe = header_value(raw, "List-Unsubscribe").expect("a List-Unsubscribe header");
    assert!(
        unsubscribe.starts_with("<http://127.0.0.1:3000/u/"),
        "{unsubscribe}"
    );
    assert_eq!(
        header_value(raw, "List-Unsubscribe-Post").as_deref(),
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
async fn staff_record_consent_with_proof_and_read_the_history(pool: PgPool) {
    let f = fixture(&pool).await;
    seed_contacts(&pool, f.company_a, 1, 0).await;
    seed_contacts(&pool, f.company_b, 1, 0).await;
    let (mine, theirs): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT id FROM contact WHERE company_id = $1), (SELECT id FROM contact WHERE company_id = $2)",
    )
    .bind(f.company_a)
    .bind(f.company_b)
    .fetch_one(&pool)
    .await
    .unwrap();
    let app = app(pool.clone());
    let cookie = sign_in(&app, "staff@test.nl", PASSWORD).await.unwrap();
    let mine_s = mine.to_string();
    let record = |note: &'static str, basis: &'static str, state: &'static str, id: String| {
        let app = app.clone();
        let cookie = cookie.clone();
        async move {
            json(
                call(
                    &app,
                    "/api/contacts/consent/record",
                    Some(&cookie),
                    &[
                        ("id", &id),
                        ("purpose", "e_marketing"),
                        ("legal_basis", basis),
                        ("state", state),
                        ("note", note),
                    ],
                )
                .await,
            )
            .await
        }
    };
    let (status, err) = record("ok", "consent", "given", mine_s.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(err.to_string().contains("note"), "{err}");
    let (status, err) = record("Told us at the desk", "contract", "given", mine_s.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(count(&pool, "SELECT count(*) FROM consent_event").await, 0);

    let (status, changed) = record(
        "Signed form at the service desk",
        "consent",
        "given",
        mine_s.clone(),
    )
    .await;
    assert_eq!((status, changed), (StatusCode::OK, serde_json::json!(true)));
    let (_, changed) = record(
        "Signed form at the service desk",
        "consent",
        "given",
        mine_s.clone(),
    )
    .await;
    assert_eq!(
        changed,
        serde_json::json!(false),
        "the same choice twice is one event"
    );
    // Another company's contact is out of reach.
    let (status, _) = record(
        "Signed form at the service desk",
        "consent",
        "given",
        theirs.to_string(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let card = ok(&app, "/api/contacts/consent", &cookie, &[("id", &mine_s)]).await;
    assert_eq!(card["may_market"], serde_json::json!(true));
    let h = &card["history"][0];
    assert_eq!(h["source"], "staff");
    assert_eq!(h["actor"], "staff@test.nl");
    assert_eq!(h["state"], "given");
    assert_eq!(h["shown_text"], "Signed form at the service desk");
    assert_eq!(card["history"].as_array().unwrap().len(), 1);

    // The preferences link for other mailing tools: made once, audited, revocable.
    let url = ok(
        &app,
        "/api/contacts/preferences-link",
        &cookie,
        &[("id", &mine_s)],
    )
    .await;
    let url = url.as_str().unwrap().to_string();
    assert!(url.starts_with("http://127.0.0.1:3000/p/"));
    assert_eq!(
        get(&app, &path_of(&url), None).await.status(),
        StatusCode::OK
    );
    let revoked = ok(
        &app,
        "/api/contacts/preferences-link/revoke",
        &cookie,
        &[("id", &mine_s)],
    )
    .await;
    assert_eq!(revoked, serde_json::json!(1));
    assert_eq!(
        get(&app, &path_of(&url), None).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM audit_event WHERE action LIKE 'preferences_link.%'"
        )
        .await,
        2
    );
}

/// Every text-like column of every table holding `needle` (case-insensitive).
async fn columns_holding(pool: &PgPool, needle: &str) -> Vec<String> {
    let columns: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, data_type::text FROM information_schema.columns
         WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'character', 'jsonb', 'json', 'bytea')
           AND table_name NOT LIKE '\\_sqlx%'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    assert!(columns.len() > 40, "the search covers the schema");
    let mut found = Vec::new();
    for (table, column, data_type) in columns {
        // Bytes (uploaded files, raw mails) are searched as the text they encode.
        let as_text = if data_type == "bytea" {
            format!("encode(\"{column}\", 'escape')")
        } else {
            format!("\"{column}\"::text")
        };
        let sql = format!(
            "SELECT count(*) FROM \"{table}\" WHERE strpos(lower({as_text}), lower($1)) > 0"
        );
        let n: i64 = sqlx::query_scalar(&sql)
            .bind(needle)
            .fetch_one(pool)
            .await
            .unwrap();
        if n > 0 {
            found.push(format!("{table}.{column}"));
        }
    }
    found
}

#[sqlx::test(migrations = "../migrations")]
async fn erasing_a_contact_leaves_no_personal_data_anywhere(pool: PgPool) {
    // A contact with a life: mailed (dev mailbox), answered on the portal with consent
    // withdrawn, changed preferences, recorded by staff, exported.
    let (app, portal_path, contact) = portal_link(&pool).await;
    sqlx::query(
        "UPDATE contact SET first_name = 'Wilhelmina', last_name = 'Vergeetmij',
                            email = 'wilhelmina.vergeet@example.nl' WHERE id = $1",
    )
    .bind(contact)
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query(
        "UPDATE run_recipient SET email = 'wilhelmina.vergeet@example.nl' WHERE contact_id = $1",
    )
    .bind(contact)
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO contact_person (contact_id, first_name, last_name, email)
         VALUES ($1, 'Wim', 'Vergeetmij', 'wim.vergeet@example.nl')",
    )
    .bind(contact)
    .execute(&pool)
    .await
    .unwrap();
    let w = Worker::new(
        pool.clone(),
        Arc::new(settings()),
        Transport::from_url(None).unwrap(),
        quick(),
    );
    drain(&w).await;
    assert!(
        !columns_holding(&pool, "wilhelmina.vergeet")
            .await
            .is_empty()
    );
    assert!(
        count(
            &pool,
            "SELECT count(*) FROM dev_mail WHERE to_address = 'wilhelmina.vergeet@example.nl'"
        )
        .await
            > 0
    );

    let html = body_text(get(&app, &portal_path, None).await).await;
    let key = form_key(&html);
    let res = post_form(
        &app,
        &portal_path,
        &[
            ("key", &key),
            ("lang", "nl"),
            ("f.email", "wilhelmina.nieuw@example.nl"),
            ("f.phone", "+31612345678"),
            ("intent", "confirm"),
        ],
    )
    .await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        body_text(res).await
    );
    assert!(count(&pool, "SELECT count(*) FROM mutation_change WHERE submitted_value = 'wilhelmina.nieuw@example.nl'").await > 0);
    let st = state(pool.clone());
    let url = backend::consent::preferences_url(&st, &pool, contact, "test")
        .await
        .unwrap();
    let path = path_of(&url);
    let key = form_key(&body_text(get(&app, &path, None).await).await);
    let res = post_form(
        &app,
        &path,
        &[
            ("key", &key),
            ("sub.newsletter", "on"),
            ("consent", "withdrawn"),
            ("intent", "save"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    let admin = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    // A staff search typed into an export filter is audited with the words typed.
    let res = app
        .clone()
        .oneshot(
            http::Request::get("/staff/mutations/export.csv?q=Vergeetmij")
                .header(header::COOKIE, &admin)
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = app
        .clone()
        .oneshot(
            http::Request::get(format!("/staff/contacts/{contact}/export.json"))
                .header(header::COOKIE, &admin)
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    let doc: serde_json::Value = serde_json::from_str(&body_text(res).await).unwrap();
    assert_eq!(doc["contact"]["email"], "wilhelmina.vergeet@example.nl");
    assert_eq!(doc["contact_persons"][0]["first_name"], "Wim");
    assert!(doc["consent_history"].as_array().unwrap().len() >= 2);
    assert!(!doc["answers"].as_array().unwrap().is_empty());
    assert!(!doc["mails"].as_array().unwrap().is_empty());
    assert_eq!(doc["subscriptions"][0]["type"], "newsletter");

    // A wrong confirmation erases nothing.
    let id = contact.to_string();
    let (status, err) = json(
        call(
            &app,
            "/api/contacts/erase",
            Some(&admin),
            &[("id", &id), ("confirm", "K999")],
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(
        count(
            &pool,
            &format!("SELECT count(*) FROM contact WHERE id = {contact}")
        )
        .await,
        1
    );
    let customer_no: String = sqlx::query_scalar("SELECT customer_no FROM contact WHERE id = $1")
        .bind(contact)
        .fetch_one(&pool)
        .await
        .unwrap();
    let res = call(
        &app,
        "/api/contacts/erase",
        Some(&admin),
        &[("id", &id), ("confirm", &customer_no)],
    )
    .await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );

    for needle in [
        "wilhelmina.vergeet@example.nl",
        "wilhelmina.nieuw@example.nl",
        "wim.vergeet@example.nl",
        "Wilhelmina",
        "Vergeetmij",
    ] {
        assert_eq!(
            columns_holding(&pool, needle).await,
            Vec::<String>::new(),
            "{needle} is still stored"
        );
    }
    // What stays: an anonymous record that an erasure happened.
    let (actor, detail): (String, serde_json::Value) = sqlx::query_as(
        "SELECT actor_label, detail FROM audit_event WHERE action = 'contact.erase'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(actor, "admin@test.nl");
    assert!(detail["mutations"].as_i64().unwrap() >= 2, "{detail}");
    // Other contacts are untouched.
    assert_eq!(count(&pool, "SELECT count(*) FROM contact").await, 2);
}

async fn withdraw(pool: &PgPool, email: &str) {
    let id: i64 = sqlx::query_scalar("SELECT id FROM contact WHERE email = $1")
        .bind(email)
        .fetch_one(pool)
        .await
        .unwrap();
    record(
        pool,
        id,
        datacheck_core::wire::ConsentState::Withdrawn,
        backend::consent::Source::Unsubscribe,
        "U bent afgemeld.",
    )
    .await;
}

#[sqlx::test(migrations = "../migrations")]
async fn a_marketing_run_leaves_out_who_withdrew_and_a_data_check_does_not(pool: PgPool) {
    let f = fixture(&pool).await;
    seed_contacts(&pool, f.company_a, 4, 0).await;
    withdraw(&pool, "c1@example.nl").await;
    let app = app(pool.clone());
    let cookie = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();

    let check = ready_run(
        &app,
        &cookie,
        f.company_a,
        "Data check",
        &[("mode", "filter")],
    )
    .await;
    let summary = ok(&app, "/api/runs/summary", &cookie, &[("id", &check)]).await;
    assert_eq!(
        (summary["reachable"].as_i64(), summary["withdrawn"].as_i64()),
        (Some(4), Some(1))
    );

    let offer = ready_run(
        &app,
        &cookie,
        f.company_a,
        "Winter offer",
        &[("mode", "filter")],
    )
    .await;
    ok(
        &app,
        "/api/runs/save_recipients",
        &cookie,
        &[("id", &offer), ("mode", "filter"), ("marketing", "on")],
    )
    .await;
    let summary = ok(&app, "/api/runs/summary", &cookie, &[("id", &offer)]).await;
    assert_eq!(summary["marketing"], serde_json::json!(true));
    assert_eq!(
        (
            summary["reachable"].as_i64(),
            summary["withdrawn"].as_i64(),
            summary["unreachable_total"].as_i64()
        ),
        (Some(3), Some(1), Some(0))
    );
    ok(
        &app,
        "/api/runs/send",
        &cookie,
        &[("id", &offer), ("expected", "3")],
    )
    .await;
    let reached: Vec<String> = sqlx::query_scalar(
        "SELECT email FROM run_recipient WHERE run_id = $1::bigint ORDER BY email",
    )
    .bind(&offer)
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
    let w = Worker::new(
        pool.clone(),
        Arc::new(settings()),
        Transport::from_url(Some(&smtp.url())).unwrap(),
        quick(),
    );
    drain(&w).await;
    let mut to: Vec<String> = smtp.mails().into_iter().flat_map(|m| m.to).collect();
    to.sort();
    assert_eq!(to, vec!["c3@example.nl", "c4@example.nl"]);
}

#[sqlx::test(migrations = "../migrations")]
async fn reminders_never_go_to_someone_who_withdrew(pool: PgPool) {
    let (app, cookie, id) = sent_run(&pool, 3, "Remind consent").await;
    let smtp = TestSmtp::start();
    let w = Worker::new(
        pool.clone(),
        Arc::new(settings()),
        Transport::from_url(Some(&smtp.url())).unwrap(),
        quick(),
    );
    drain(&w).await;
    // c1 used the one-click unsubscribe of the first mail.
    let unsubscribe = smtp
        .mails()
        .into_iter()
        .find(|m| m.to == ["c1@example.nl"])
        .and_then(|m| header_value(&m.raw, "List-Unsubscribe"))
        .unwrap();
    let res = post_raw(&app, &path_of(&unsubscribe), "List-Unsubscribe=One-Click").await;
    assert_eq!(res.status(), StatusCode::OK);
    let view = ok(&app, "/api/runs/view", &cookie, &[("id", &id)]).await;
    assert_eq!(view["remindable"], 2);
    assert_eq!(
        ok(
            &app,
            "/api/runs/remind",
            &cookie,
            &[("id", &id), ("expected", "2")]
        )
        .await,
        2
    );
    // c2 withdraws while the reminders wait in the outbox: theirs is not sent.
    withdraw(&pool, "c2@example.nl").await;
    drain(&w).await;
    let reminders: Vec<Vec<String>> = smtp
        .mails()
        .into_iter()
        .filter(|m| {
            let s = header_value(&m.raw, "Subject").unwrap_or_default();
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

async fn api_key(app: &axum::Router, cookie: &str, company: i64) -> String {
    let company = company.to_string();
    let created = ok(
        app,
        "/api/admin/create_api_key",
        cookie,
        &[("name", "DMS"), ("company_ids[0]", &company)],
    )
    .await;
    created["key"].as_str().unwrap().to_string()
}

async fn api(
    app: &axum::Router,
    method: &str,
    path: &str,
    key: &str,
    body: Option<serde_json::Value>,
) -> (StatusCode, serde_json::Value) {
    let mut req = http::Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {key}"));
    let body = match body {
        Some(b) => {
            req = req.header(header::CONTENT_TYPE, "application/json");
            axum::body::Body::from(b.to_string())
        }
        None => axum::body::Body::empty(),
    };
    json(app.clone().oneshot(req.body(body).unwrap()).await.unwrap()).await
}

#[sqlx::test(migrations = "../migrations")]
async fn the_dms_reads_and_reports_consent_and_gets_the_preferences_link(pool: PgPool) {
    let f = fixture(&pool).await;
    seed_contacts(&pool, f.company_a, 1, 0).await;
    seed_contacts(&pool, f.company_b, 1, 0).await;
    let app = app(pool.clone());
    let admin = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    let key = api_key(&app, &admin, f.company_a).await;
    let base = format!("/api/v1/contacts/{}/K1", f.company_a);

    let (status, v) = api(
        &app,
        "POST",
        &format!("{base}/consent"),
        &key,
        Some(serde_json::json!({"purpose": "e_marketing", "legal_basis": "consent", "state": "given", "note": "Form signed in the showroom"})),
    )
    .await;
    assert_eq!(
        (status, v["changed"].clone()),
        (StatusCode::OK, serde_json::json!(true)),
        "{v}"
    );
    let (status, v) = api(
        &app,
        "POST",
        &format!("{base}/consent"),
        &key,
        Some(serde_json::json!({"purpose": "e_marketing", "legal_basis": "hearsay", "state": "given", "note": "Form signed"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["problems"][0]["field"], "legal_basis");

    let (status, v) = api(&app, "GET", &format!("{base}/consent"), &key, None).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["may_market"], serde_json::json!(true));
    let e = &v["history"][0];
    assert_eq!(
        (e["source"].as_str(), e["state"].as_str()),
        (Some("api"), Some("given"))
    );
    assert_eq!(e["actor"], "API key DMS (#1)");
    assert_eq!(e["shown_text"], "Form signed in the showroom");
    assert!(
        v["purposes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["purpose"] == "sales_service")
    );

    let (status, v) = api(
        &app,
        "POST",
        &format!("{base}/preferences-link"),
        &key,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let url = v["url"].as_str().unwrap();
    assert_eq!(
        get(&app, &path_of(url), None).await.status(),
        StatusCode::OK
    );

    // Another company's contact does not exist for this key.
    let other = format!("/api/v1/contacts/{}/K1/consent", f.company_b);
    assert_eq!(
        api(&app, "GET", &other, &key, None).await.0,
        StatusCode::NOT_FOUND
    );
    let (_, doc) = api(&app, "GET", "/api/v1/openapi.json", &key, None).await;
    assert!(doc["paths"]["/api/v1/contacts/{company}/{customer_no}/consent"]["get"].is_object());
    assert!(
        doc["paths"]["/api/v1/contacts/{company}/{customer_no}/preferences-link"]["post"]
            .is_object()
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn admins_manage_subscription_types_and_removing_one_in_use_needs_its_count(pool: PgPool) {
    let f = fixture(&pool).await;
    seed_contacts(&pool, f.company_a, 2, 0).await;
    let app = app(pool.clone());
    let admin = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    let staff = sign_in(&app, "staff@test.nl", PASSWORD).await.unwrap();
    let (status, _) =
        json(call(&app, "/api/admin/subscription_types", Some(&staff), &[]).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let save = |pairs: Vec<(&'static str, &'static str)>| {
        let app = app.clone();
        let admin = admin.clone();
        async move {
            json(
                call(
                    &app,
                    "/api/admin/save_subscription_type",
                    Some(&admin),
                    &pairs,
                )
                .await,
            )
            .await
        }
    };
    let (status, err) = save(vec![
        ("id", "0"),
        ("key", "Bad Key"),
        ("name_nl", ""),
        ("name_en", "Tips"),
        ("position", "x"),
    ])
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = err["Fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["name_nl", "position", "key"]);
    let (status, _) = save(vec![
        ("id", "0"),
        ("key", "car_care"),
        ("name_nl", "Onderhoudstips"),
        ("name_en", "Car care tips"),
        ("description_nl", "Tips voor uw auto."),
        ("description_en", "Tips for your car."),
        ("active", "on"),
        ("position", "50"),
    ])
    .await;
    assert_eq!(status, StatusCode::OK);
    let list = ok(&app, "/api/admin/subscription_types", &admin, &[]).await;
    let rows = list.as_array().unwrap();
    assert_eq!(rows.len(), 5);
    let car = rows
        .iter()
        .find(|r| r["key"] == "car_care")
        .unwrap()
        .clone();
    assert_eq!(car["position"], 50);

    // Offered on the preferences page; someone subscribes.
    let contact: i64 = count(&pool, "SELECT min(id) FROM contact").await;
    let st = state(pool.clone());
    let url = backend::consent::preferences_url(&st, &pool, contact, "test")
        .await
        .unwrap();
    let html = body_text(get(&app, &path_of(&url), None).await).await;
    assert!(html.contains("Onderhoudstips") || html.contains("Car care tips"));
    let key = form_key(&html);
    post_form(
        &app,
        &path_of(&url),
        &[("key", &key), ("sub.car_care", "on"), ("intent", "save")],
    )
    .await;

    // Made inactive, it is no longer offered.
    let id = car["id"].to_string();
    let id_s: &'static str = Box::leak(id.clone().into_boxed_str());
    let (status, _) = save(vec![
        ("id", id_s),
        ("name_nl", "Onderhoudstips"),
        ("name_en", "Car care tips"),
        ("position", "50"),
    ])
    .await;
    assert_eq!(status, StatusCode::OK);
    let html = body_text(get(&app, &path_of(&url), None).await).await;
    assert!(!html.contains("sub.car_care"));

    // Removing it while one contact is subscribed asks for that number.
    let (status, v) = json(
        call(
            &app,
            "/api/admin/delete_subscription_type",
            Some(&admin),
            &[("id", &id), ("expected", "0")],
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM subscription_type WHERE key = 'car_care'"
        )
        .await,
        1
    );
    ok(
        &app,
        "/api/admin/delete_subscription_type",
        &admin,
        &[("id", &id), ("expected", "1")],
    )
    .await;
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM subscription_type WHERE key = 'car_care'"
        )
        .await,
        0
    );
    // The history of the choice stays.
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM consent_event WHERE purpose = 'subscription:car_care'"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM audit_event WHERE action LIKE 'subscription_type.%'"
        )
        .await,
        3
    );
}
