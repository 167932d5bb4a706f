//! A data subject's erasure request: afterwards no column of any table holds their
//! personal data.

use crate::common;

use common::mail::*;
use common::*;
use http::{StatusCode, header};
use sqlx::PgPool;
use tower::ServiceExt;

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
    let w = worker(&pool, None, quick());
    drain(&pool, &w).await;
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
    let (status, err) = StaffSession::with_cookie(&app, &admin)
        .try_call(app::server_fns::contacts::EraseContact {
            id: datacheck_core::wire::ContactId(contact),
            confirm: "K999".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err:?}");
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
    // Erasing answers with a redirect to the contacts list, as the form follows it.
    let id = contact.to_string();
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
