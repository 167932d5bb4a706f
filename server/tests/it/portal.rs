//! The customer page on a real PostgreSQL, through the real router: what a link shows,
//! what a form may change, how answers are saved (once), the expired and invalid
//! pages, fresh links, throttling, headers and logs.

use crate::common;

use common::*;
use http::{Request, StatusCode, header};
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn the_form_shows_editable_fields_as_inputs_read_only_as_text_and_hidden_ones_not_at_all(
    pool: PgPool,
) {
    let (app, path, _) = portal_link(&pool).await;
    let res = get(&app, &path, None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = body_text(res).await;
    assert!(html.contains("name=\"f.email\""), "e-mail is an input");
    assert!(
        html.contains("value=\"c1@example.nl\""),
        "prefilled with the current value"
    );
    assert!(html.contains("name=\"f.phone\""));
    assert!(html.contains("Zwolle"), "the read-only city is shown");
    assert!(!html.contains("name=\"f.city\""), "but not as an input");
    assert!(
        !html.contains("Geheimstraat"),
        "a hidden field is not in the HTML"
    );
    assert!(
        html.contains("Company A"),
        "the company's name is on the page"
    );
    assert!(html.contains("lang=\"nl\""), "in the contact's language");
}

#[sqlx::test(migrations = "../migrations")]
async fn get_and_head_change_nothing_but_opened(pool: PgPool) {
    let (app, path, contact) = portal_link(&pool).await;
    let snapshot = |pool: PgPool| async move {
        sqlx::query_as::<
            _,
            (
                i64,
                i64,
                i64,
                time::OffsetDateTime,
                Option<time::OffsetDateTime>,
            ),
        >(
            "SELECT (SELECT count(*) FROM mutation), (SELECT count(*) FROM consent_event),
                    (SELECT count(*) FROM field_confirmation),
                    (SELECT max(updated_at) FROM contact),
                    (SELECT max(responded_at) FROM run_recipient)",
        )
        .fetch_one(&pool)
        .await
        .unwrap()
    };
    let before = snapshot(pool.clone()).await;
    assert_eq!(res_status(&app, &path, "GET").await, StatusCode::OK);
    assert_eq!(res_status(&app, &path, "HEAD").await, StatusCode::OK);
    assert_eq!(res_status(&app, &path, "GET").await, StatusCode::OK);
    assert_eq!(snapshot(pool.clone()).await, before);
    let opened = |pool: PgPool| async move {
        sqlx::query_scalar::<_, Option<time::OffsetDateTime>>(
            "SELECT opened_at FROM run_recipient WHERE contact_id = $1",
        )
        .bind(contact)
        .fetch_one(&pool)
        .await
        .unwrap()
    };
    let first = opened(pool.clone()).await;
    assert!(first.is_some(), "opening is recorded");
    assert_eq!(res_status(&app, &path, "GET").await, StatusCode::OK);
    assert_eq!(opened(pool.clone()).await, first, "only the first opening");
}

/// The fields a contact has confirmed, by key.
async fn confirmed_fields(pool: &PgPool, contact: i64) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT field_key FROM field_confirmation WHERE contact_id = $1 ORDER BY field_key",
    )
    .bind(contact)
    .fetch_all(pool)
    .await
    .unwrap()
}

async fn res_status(app: &axum::Router, path: &str, method: &str) -> StatusCode {
    rendered(app, || {
        Request::builder()
            .method(method)
            .uri(path)
            .body(axum::body::Body::empty())
            .unwrap()
    })
    .await
    .status()
}

#[sqlx::test(migrations = "../migrations")]
async fn review_then_confirm_saves_one_mutation_with_the_dms_and_the_submitted_values(
    pool: PgPool,
) {
    let (app, path, contact) = portal_link(&pool).await;
    let html = body_text(get(&app, &path, None).await).await;
    let key = form_key(&html);
    let answer = [
        ("key", key.as_str()),
        ("lang", "nl"),
        ("f.email", "nieuw@example.nl"),
        ("f.phone", "06 87654321"),
    ];
    let mut review = answer.to_vec();
    review.push(("intent", "review"));
    let res = post_form(&app, &path, &review).await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = body_text(res).await;
    assert!(html.contains("portal-review-step"), "{html}");
    assert!(html.contains("c1@example.nl") && html.contains("nieuw@example.nl"));
    assert!(
        html.contains("+31687654321"),
        "the phone number in its stored form"
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM mutation").await,
        0,
        "review saves nothing"
    );

    let mut confirm = answer.to_vec();
    confirm.push(("intent", "confirm"));
    let res = post_form(&app, &path, &confirm).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[header::LOCATION], path.as_str());

    let rows: Vec<(String, String, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT m.kind, c.field_key, c.dms_value, c.submitted_value
         FROM mutation m JOIN mutation_change c ON c.mutation_id = m.id
         WHERE m.contact_id = $1 ORDER BY c.position",
    )
    .bind(contact)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        rows,
        vec![
            (
                "changed".into(),
                "email".into(),
                Some("c1@example.nl".into()),
                Some("nieuw@example.nl".into())
            ),
            (
                "changed".into(),
                "phone".into(),
                Some("+31612345678".into()),
                Some("+31687654321".into())
            ),
        ]
    );
    let (status, response): (String, Option<String>) = sqlx::query_as(
        "SELECT m.status, r.response FROM mutation m JOIN run_recipient r ON r.id = m.run_recipient_id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        (status.as_str(), response.as_deref()),
        ("new", Some("changed"))
    );
    let email: String = sqlx::query_scalar("SELECT email FROM contact WHERE id = $1")
        .bind(contact)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(email, "c1@example.nl", "the register is never written");
    let confirmed = confirmed_fields(&pool, contact).await;
    assert_eq!(
        confirmed,
        vec!["city"],
        "the unchanged shown field is confirmed"
    );

    // Opening the link again shows what was sent, and allows another answer.
    let html = body_text(get(&app, &path, None).await).await;
    assert!(html.contains("portal-done"));
    assert!(html.contains("nieuw@example.nl"));
    let html = body_text(get(&app, &format!("{path}?edit=1"), None).await).await;
    assert!(html.contains("portal-form"));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_double_click_or_a_resent_confirm_makes_one_mutation(pool: PgPool) {
    let (app, path, _) = portal_link(&pool).await;
    let key = form_key(&body_text(get(&app, &path, None).await).await);
    let pairs = [
        ("key", key.as_str()),
        ("lang", "nl"),
        ("f.email", "twee@example.nl"),
        ("intent", "confirm"),
    ];
    let (a, b) = tokio::join!(
        post_form(&app, &path, &pairs),
        post_form(&app, &path, &pairs)
    );
    assert_eq!(a.status(), StatusCode::SEE_OTHER);
    assert_eq!(b.status(), StatusCode::SEE_OTHER);
    let again = post_form(&app, &path, &pairs).await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    assert_eq!(count(&pool, "SELECT count(*) FROM mutation").await, 1);
    assert_eq!(
        count(&pool, "SELECT count(*) FROM mutation_change").await,
        1
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn everything_is_correct_records_a_confirmation_and_confirms_the_shown_fields(pool: PgPool) {
    let (app, path, contact) = portal_link(&pool).await;
    let html = body_text(get(&app, &path, None).await).await;
    let key = form_key(&html);
    let res = post_form(
        &app,
        &path,
        &[
            ("key", &key),
            ("lang", "nl"),
            ("f.email", "c1@example.nl"),
            ("f.phone", "+31612345678"),
            ("intent", "all_correct"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let kind: String = sqlx::query_scalar("SELECT kind FROM mutation WHERE contact_id = $1")
        .bind(contact)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(kind, "unchanged");
    assert_eq!(
        count(&pool, "SELECT count(*) FROM mutation_change").await,
        0
    );
    let confirmed = confirmed_fields(&pool, contact).await;
    assert_eq!(confirmed, vec!["city", "email", "phone"]);
    let html = body_text(get(&app, &path, None).await).await;
    assert!(html.contains("bevestigd dat uw gegevens kloppen"), "{html}");
}

#[sqlx::test(migrations = "../migrations")]
async fn crafted_posts_to_fields_the_link_does_not_offer_are_refused_and_change_nothing(
    pool: PgPool,
) {
    let (app, path, contact) = portal_link(&pool).await;
    let key = form_key(&body_text(get(&app, &path, None).await).await);
    // A contact person of another contact.
    let other: i64 = sqlx::query_scalar(
        "INSERT INTO contact_person (contact_id, first_name, last_name)
         SELECT id, 'Ander', 'Persoon' FROM contact WHERE id <> $1 LIMIT 1 RETURNING id",
    )
    .bind(contact)
    .fetch_one(&pool)
    .await
    .unwrap();
    let other_person = format!("p{other}.first_name");
    let crafted: Vec<(&str, &str)> = vec![
        ("f.city", "Amsterdam"),                // read-only in this run
        ("f.street", "Nieuwe straat 1"),        // hidden in this run
        ("f.customer_no", "X1"),                // never editable
        ("f.no_such_field", "x"),               // not a field
        (other_person.as_str(), "Overgenomen"), // someone else's contact person
        ("sub.no_such_type", "on"),             // without the section marker
        ("email", "aanvaller@example.nl"),
    ];
    for (name, value) in crafted {
        for intent in ["review", "confirm", "all_correct"] {
            let res = post_form(
                &app,
                &path,
                &[
                    ("key", &key),
                    ("lang", "nl"),
                    (name, value),
                    ("intent", intent),
                ],
            )
            .await;
            assert_eq!(
                res.status(),
                StatusCode::BAD_REQUEST,
                "{name} with {intent}"
            );
            assert!(body_text(res).await.contains("portal-refused"));
        }
    }
    assert_eq!(count(&pool, "SELECT count(*) FROM mutation").await, 0);
    assert_eq!(
        count(&pool, "SELECT count(*) FROM field_confirmation").await,
        0
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM run_recipient WHERE responded_at IS NOT NULL"
        )
        .await,
        0
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn typing_mistakes_come_back_in_the_form_with_messages_in_the_customers_language(
    pool: PgPool,
) {
    let (app, path, _) = portal_link(&pool).await;
    let key = form_key(&body_text(get(&app, &path, None).await).await);
    let res = post_form(
        &app,
        &path,
        &[
            ("key", &key),
            ("lang", "nl"),
            ("f.email", "naam@@voorbeeld"),
            ("f.phone", "06 12"),
            ("intent", "confirm"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = body_text(res).await;
    assert!(html.contains("portal-problems"));
    assert!(html.contains("Dit is geen geldig e-mailadres"), "{html}");
    assert!(html.contains("Een telefoonnummer heeft 8 tot 15 cijfers"));
    assert!(
        html.contains("value=\"naam@@voorbeeld\""),
        "what was typed is kept"
    );
    assert!(html.contains("aria-invalid=\"true\""));
    assert_eq!(count(&pool, "SELECT count(*) FROM mutation").await, 0);

    // The same in English after switching the language, with the typed value kept.
    let res = post_form(
        &app,
        &path,
        &[
            ("key", &key),
            ("lang", "nl"),
            ("f.email", "naam@@voorbeeld"),
            ("switch_lang", "en"),
        ],
    )
    .await;
    let html = body_text(res).await;
    assert!(html.contains("lang=\"en\""));
    assert!(html.contains("Review changes"));
    assert!(html.contains("value=\"naam@@voorbeeld\""));
}

/// section, key, person, new person, submitted value
type ChangeRow = (String, String, Option<i64>, Option<i16>, Option<String>);

#[sqlx::test(migrations = "../migrations")]
async fn contact_persons_notifications_subscriptions_and_consent_are_answered_with_proof(
    pool: PgPool,
) {
    let (app, path, contact) = portal_link(&pool).await;
    sqlx::query("UPDATE contact SET kind = 'organisation', organisation_name = 'Bakkerij Test' WHERE id = $1")
        .bind(contact)
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE run SET show_notifications = true, show_subscriptions = true")
        .execute(&pool)
        .await
        .unwrap();
    let person: i64 = sqlx::query_scalar(
        "INSERT INTO contact_person (contact_id, first_name, last_name, email)
         VALUES ($1, 'Piet', 'Bakker', 'piet@bakkerij.nl') RETURNING id",
    )
    .bind(contact)
    .fetch_one(&pool)
    .await
    .unwrap();
    let html = body_text(get(&app, &path, None).await).await;
    assert!(html.contains(&format!("name=\"p{person}.first_name\"")));
    assert!(html.contains("name=\"sub.newsletter\""));
    let key = form_key(&html);
    let p = |d: &str| format!("p{person}.{d}");
    let (pf, pl, pe, pleft, pscope, pwhen) = (
        p("first_name"),
        p("last_name"),
        p("email"),
        p("left"),
        p("notify_scope"),
        p("notify_when"),
    );
    let pairs = vec![
        ("key", key.as_str()),
        ("lang", "nl"),
        ("f.email", "c1@example.nl"),
        ("f.phone", "+31612345678"),
        (pf.as_str(), "Piet"),
        (pl.as_str(), "Bakker"),
        (pe.as_str(), "piet@bakkerij.nl"),
        (pleft.as_str(), "on"),
        (pscope.as_str(), "own"),
        (pwhen.as_str(), "every_change"),
        ("n0.first_name", "Anna"),
        ("n0.last_name", "de Vries"),
        ("n0.email", "anna@bakkerij.nl"),
        ("n0.notify_scope", "all"),
        ("n0.notify_when", "closing"),
        ("subs", "1"),
        ("sub.newsletter", "on"),
        ("consent", "withdrawn"),
        ("intent", "confirm"),
    ];
    let res = post_form(&app, &path, &pairs).await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        body_text(res).await
    );
    let changes: Vec<ChangeRow> = sqlx::query_as(
        "SELECT section, field_key, person_id, new_person, submitted_value
         FROM mutation_change ORDER BY position",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let has = |section: &str, key: &str, value: &str| {
        changes
            .iter()
            .any(|c| c.0 == section && c.1 == key && c.4.as_deref() == Some(value))
    };
    assert!(has("person", "left", "yes"), "{changes:?}");
    assert!(has("person", "first_name", "Anna"));
    assert!(has("person", "email", "anna@bakkerij.nl"));
    assert!(has("notification", "notify_scope", "all"));
    assert!(has("notification", "notify_when", "closing"));
    assert!(has("subscription", "newsletter", "yes"));
    assert!(has("consent", "e_marketing", "withdrawn"));
    // Consent takes effect at once, with its proof.
    let events: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "SELECT purpose, legal_basis, state, source, shown_text FROM consent_event
         WHERE contact_id = $1 ORDER BY purpose",
    )
    .bind(contact)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].0, "e_marketing");
    assert_eq!(
        (
            events[0].1.as_str(),
            events[0].2.as_str(),
            events[0].3.as_str()
        ),
        ("consent", "withdrawn", "portal")
    );
    assert!(
        events[0].4.contains("aanbiedingen"),
        "the words shown are kept"
    );
    assert_eq!(events[1].0, "subscription:newsletter");
    let subscribed = count(
        &pool,
        "SELECT count(*) FROM contact_subscription s JOIN subscription_type t ON t.id = s.subscription_type_id WHERE t.key = 'newsletter'",
    )
    .await;
    assert_eq!(subscribed, 1);
    // The person is not changed in the register: that is the DMS's job.
    let left: Option<time::OffsetDateTime> =
        sqlx::query_scalar("SELECT left_at FROM contact_person WHERE id = $1")
            .bind(person)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(left.is_none());
}

#[sqlx::test(migrations = "../migrations")]
async fn expired_cancelled_and_tampered_links_show_their_page_without_personal_data(pool: PgPool) {
    let (app, path, contact) = portal_link(&pool).await;
    let token = path.strip_prefix("/c/").unwrap().to_string();
    // One bit flipped in the middle of the token.
    let mut bytes = token.clone().into_bytes();
    let i = bytes.len() / 2;
    bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
    let flipped = format!("/c/{}", String::from_utf8(bytes).unwrap());
    let personal = ["c1@example.nl", "Nummer 1", "Zwolle", "+31612345678"];
    let res = get(&app, &flipped, None).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let html = body_text(res).await;
    assert!(html.contains("portal-invalid"));
    for p in personal {
        assert!(!html.contains(p), "{p} on the invalid page");
    }
    // A token whose own expiry has passed.
    let rid: i64 = sqlx::query_scalar("SELECT id FROM run_recipient WHERE contact_id = $1")
        .bind(contact)
        .fetch_one(&pool)
        .await
        .unwrap();
    let old = path_for(
        rid,
        time::OffsetDateTime::now_utc() - time::Duration::hours(1),
    );
    let res = get(&app, &old, None).await;
    assert_eq!(res.status(), StatusCode::GONE);
    let html = body_text(res).await;
    assert!(html.contains("portal-expired"));
    assert!(
        html.contains("portal-fresh"),
        "the run is open: a fresh link is offered"
    );
    for p in personal {
        assert!(!html.contains(p), "{p} on the expired page");
    }
    // The run cancelled: the live token gets the expired page, without a fresh link.
    sqlx::query("UPDATE run SET status = 'cancelled', cancelled_at = now()")
        .execute(&pool)
        .await
        .unwrap();
    let res = get(&app, &path, None).await;
    assert_eq!(res.status(), StatusCode::GONE);
    let html = body_text(res).await;
    assert!(html.contains("portal-expired"));
    assert!(!html.contains("portal-fresh"));
    for p in personal {
        assert!(!html.contains(p), "{p} on the cancelled page");
    }
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM run_recipient WHERE opened_at IS NOT NULL"
        )
        .await,
        0,
        "a link that does not open is not recorded as opened"
    );
    // And a POST to it saves nothing.
    let res = post_form(
        &app,
        &path,
        &[("intent", "all_correct"), ("key", &"a".repeat(32))],
    )
    .await;
    assert_eq!(res.status(), StatusCode::GONE);
    assert_eq!(count(&pool, "SELECT count(*) FROM mutation").await, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_fresh_link_goes_only_to_the_address_on_file_and_is_rate_limited(pool: PgPool) {
    let (app, _path, contact) = portal_link(&pool).await;
    let (rid, email): (i64, String) =
        sqlx::query_as("SELECT id, email FROM run_recipient WHERE contact_id = $1")
            .bind(contact)
            .fetch_one(&pool)
            .await
            .unwrap();
    let past = time::OffsetDateTime::now_utc() - time::Duration::hours(1);
    sqlx::query("UPDATE run_recipient SET expires_at = $2 WHERE id = $1")
        .bind(rid)
        .bind(past)
        .execute(&pool)
        .await
        .unwrap();
    let old = path_for(rid, past);
    // A typed address is not something this page takes.
    let res = post_form(
        &app,
        &old,
        &[("intent", "fresh_link"), ("email", "other@example.nl")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::GONE);
    let fresh = "SELECT count(*) FROM outbox_mail WHERE kind = 'fresh_link'";
    assert_eq!(count(&pool, fresh).await, 0);

    let res = post_form(&app, &old, &[("intent", "fresh_link"), ("lang", "nl")]).await;
    assert_eq!(res.status(), StatusCode::GONE);
    assert!(body_text(res).await.contains("portal-fresh-sent"));
    let to: String = sqlx::query_scalar(
        "SELECT to_address FROM outbox_mail WHERE kind = 'fresh_link' AND run_recipient_id = $1",
    )
    .bind(rid)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(to, email);
    let renewed: time::OffsetDateTime =
        sqlx::query_scalar("SELECT expires_at FROM run_recipient WHERE id = $1")
            .bind(rid)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(renewed > time::OffsetDateTime::now_utc() + time::Duration::days(3));
    // The old token stays dead; the new one (sealed when the mail is made) opens.
    assert_eq!(get(&app, &old, None).await.status(), StatusCode::GONE);
    assert_eq!(
        get(&app, &path_for(rid, renewed), None).await.status(),
        StatusCode::OK
    );

    for _ in 0..2 {
        post_form(&app, &old, &[("intent", "fresh_link")]).await;
    }
    assert_eq!(count(&pool, fresh).await, 3);
    let res = post_form(&app, &old, &[("intent", "fresh_link")]).await;
    assert!(body_text(res).await.contains("portal-fresh-too-soon"));
    assert_eq!(count(&pool, fresh).await, 3, "at most three a day");
}

#[sqlx::test(migrations = "../migrations")]
async fn invalid_links_from_one_address_are_throttled(pool: PgPool) {
    let (app, path, _) = portal_link(&pool).await;
    for i in 0..backend::portal::BAD_LINKS_PER_CLIENT {
        let res = get(&app, &format!("/c/guess{i}"), None).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    }
    let res = get(&app, "/c/one-more", None).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(body_text(res).await.contains("portal-throttled"));
    // A flood costs one bounded counter per address and window, not a row per request.
    for i in 0..200 {
        let res = get(&app, &format!("/c/flood{i}"), None).await;
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    }
    assert_eq!(count(&pool, "SELECT count(*) FROM link_attempt").await, 1);
    assert_eq!(
        count(&pool, "SELECT sum(failures)::bigint FROM link_attempt").await,
        i64::from(backend::portal::BAD_LINKS_PER_CLIENT)
    );
    let res = post_form(&app, "/c/guess", &[("intent", "review")]).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    // An authentic link still opens from that address (SPEC §8): a sealed token cannot
    // be guessed, and a broken mail scanner behind a shared address must not lock out
    // every customer behind it.
    let res = get(&app, &path, None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let key = form_key(&body_text(res).await);
    let res = post_form(&app, &path, &[("key", &key), ("intent", "all_correct")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[sqlx::test(migrations = "../migrations")]
async fn every_portal_response_carries_the_safety_headers(pool: PgPool) {
    let (app, path, _) = portal_link(&pool).await;
    let key = form_key(&body_text(get(&app, &path, None).await).await);
    let responses = vec![
        get(&app, &path, None).await,
        get(&app, "/c/nonsense", None).await,
        post_form(
            &app,
            &path,
            &[
                ("key", &key),
                ("f.email", "x@example.nl"),
                ("intent", "review"),
            ],
        )
        .await,
        post_form(
            &app,
            &path,
            &[("key", &key), ("f.city", "x"), ("intent", "review")],
        )
        .await,
    ];
    for res in responses {
        let h = res.headers();
        let status = res.status();
        assert_eq!(h[header::REFERRER_POLICY], "no-referrer", "{status}");
        assert_eq!(h[header::CACHE_CONTROL], "no-store", "{status}");
        assert_eq!(h[header::X_FRAME_OPTIONS], "DENY");
        let csp = h[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.contains("'nonce-"), "{csp}");
        assert!(csp.contains("'wasm-unsafe-eval'"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"));
        let html = body_text(res).await;
        // No request leaves for another site: every script, style and image is ours.
        for attr in ["src=\"http", "href=\"http", "src=\"//", "href=\"//"] {
            assert!(!html.contains(attr), "{attr} in {status}");
        }
    }
}
