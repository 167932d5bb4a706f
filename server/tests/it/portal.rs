//! The customer page on a real PostgreSQL, through the real router: what a link shows,
//! what a form may change, and how answers are saved (once). (Links that do not open,
//! fresh links, throttling and headers: `portal_links.rs`.)

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
    assert!(
        html.contains("value=\"06 12345678\"") && !html.contains("value=\"+316"),
        "the phone number as people here write it, never in E.164"
    );
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
        html.contains("06 12345678") && html.contains("06 87654321"),
        "both numbers as people here write them"
    );
    assert!(!html.contains(">+316"), "not in their stored form");
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
            // As the form showed it: the stored +31612345678.
            ("f.phone", "06 12345678"),
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
