//! The DMS API: keys (shown once, scoped, revocable), idempotent upserts, all-or-nothing
//! batches, JSON errors by field, and an OpenAPI document that parses and whose
//! references all resolve.

use crate::common;

use backend::db;
use common::dms::*;
use common::*;
use http::StatusCode;
use serde_json::{Value, json};
use sqlx::PgPool;

async fn setup(pool: &PgPool) -> (axum::Router, Fixture, String) {
    let f = fixture(pool).await;
    db::field_def::insert_custom(
        pool,
        &db::field_def::Write {
            key: "apk_due",
            field_type: "date",
            label_nl: "APK",
            label_en: "MOT due",
            choices: &json!([]),
            required: false,
            customer_visible: true,
            customer_editable: false,
        },
    )
    .await
    .unwrap();
    let app = app(pool.clone());
    let admin = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    (app, f, admin)
}

#[sqlx::test(migrations = "../migrations")]
async fn put_creates_then_is_idempotent_then_updates_and_get_reads_it_back(pool: PgPool) {
    let (app, f, admin) = setup(&pool).await;
    let key = new_api_key(&app, &admin, "DMS A", KeyScope::Companies(&[f.company_a])).await;
    let path = format!("/api/v1/contacts/{}/K-100", f.company_a);
    let body = json!({
        "kind": "person", "first_name": "Anna", "last_name_prefix": "van", "last_name": "Dijk",
        "email": "Anna@Example.NL", "mobile": "06 12345678", "postal_code": "3811ab",
        "attributes": { "apk_due": "9-3-2027" }
    });
    let (status, v) = dms_request(&app, "PUT", &path, Some(&key), Some(body.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    assert_eq!(v["result"], "created");
    assert_eq!(v["contact"]["email"], "anna@example.nl");
    assert_eq!(v["contact"]["mobile"], "+31612345678");
    assert_eq!(v["contact"]["postal_code"], "3811 AB");
    assert_eq!(v["contact"]["attributes"]["apk_due"], "2027-03-09");

    let (status, v) = dms_request(&app, "PUT", &path, Some(&key), Some(body)).await;
    assert_eq!(
        (status, v["result"].clone()),
        (StatusCode::OK, json!("unchanged"))
    );

    // A partial body changes only what it names; null clears.
    let (status, v) = dms_request(
        &app,
        "PUT",
        &path,
        Some(&key),
        Some(json!({ "mobile": null, "city": "Amersfoort" })),
    )
    .await;
    assert_eq!(
        (status, v["result"].clone()),
        (StatusCode::OK, json!("updated"))
    );
    let (status, v) = dms_request(&app, "GET", &path, Some(&key), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["mobile"], Value::Null);
    assert_eq!(v["city"], "Amersfoort");
    assert_eq!(v["first_name"], "Anna");
    let audit: Vec<String> = sqlx::query_scalar(
        "SELECT actor_label FROM audit_event WHERE action = 'contacts.upserted'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(audit.len(), 2, "the unchanged PUT is not an event");
    assert!(audit[0].starts_with("API key DMS A"));
}

#[sqlx::test(migrations = "../migrations")]
async fn invalid_values_answer_every_problem_by_field_and_change_nothing(pool: PgPool) {
    let (app, f, admin) = setup(&pool).await;
    let key = new_api_key(&app, &admin, "DMS", KeyScope::All).await;
    let path = format!("/api/v1/contacts/{}/K-1", f.company_a);
    let (status, v) = dms_request(
        &app,
        "PUT",
        &path,
        Some(&key),
        Some(json!({
            "email": "not-an-address", "shoe_size": "44", "attributes": { "apk_due": "31-02-2027" }
        })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"], "invalid");
    let fields: Vec<&str> = v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["field"].as_str().unwrap())
        .collect();
    assert!(fields.contains(&"shoe_size"), "{v}");
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM contact")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 0);
    // Unknown fields go first; then the values are checked field by field.
    let (_, v) = dms_request(
        &app,
        "PUT",
        &path,
        Some(&key),
        Some(json!({ "email": "not-an-address", "attributes": { "apk_due": "31-02-2027" } })),
    )
    .await;
    let fields: Vec<&str> = v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["email", "apk_due"], "{v}");
    let (status, _) = dms_request(
        &app,
        "PUT",
        &path,
        Some(&key),
        Some(json!(["not", "an", "object"])),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_batch_is_all_or_nothing(pool: PgPool) {
    let (app, f, admin) = setup(&pool).await;
    let key = new_api_key(&app, &admin, "DMS", KeyScope::All).await;
    let path = format!("/api/v1/contacts/{}", f.company_b);
    let good = json!({ "contacts": [
        { "customer_no": "B1", "last_name": "Smit", "email": "b1@example.nl" },
        { "customer_no": "B2", "kind": "organisation", "organisation_name": "Smit B.V." },
        { "customer_no": "B3", "first_name": "Els" },
    ]});
    let (status, v) = dms_request(&app, "POST", &path, Some(&key), Some(good.clone())).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v, json!({ "created": 3, "updated": 0, "unchanged": 0 }));
    let (_, v) = dms_request(&app, "POST", &path, Some(&key), Some(good)).await;
    assert_eq!(v, json!({ "created": 0, "updated": 0, "unchanged": 3 }));

    let bad = json!({ "contacts": [
        { "customer_no": "B4", "last_name": "New" },
        { "customer_no": "B1", "email": "broken@" },
        { "customer_no": "B4", "last_name": "Twice" },
    ]});
    let (status, v) = dms_request(&app, "POST", &path, Some(&key), Some(bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let at: Vec<(u64, &str)> = v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["index"].as_u64().unwrap(), p["field"].as_str().unwrap()))
        .collect();
    assert_eq!(
        at,
        [(2, "customer_no")],
        "duplicates are reported before values: {v}"
    );
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM contact")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 3, "nothing of the bad batch was written");
    let bad = json!({ "contacts": [ { "customer_no": "B4", "last_name": "New" }, { "customer_no": "B1", "email": "broken@" } ]});
    let (_, v) = dms_request(&app, "POST", &path, Some(&key), Some(bad)).await;
    assert_eq!(v["problems"][0]["index"], 1);
    assert_eq!(v["problems"][0]["field"], "email");
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM contact")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 3);
}

#[sqlx::test(migrations = "../migrations")]
async fn keys_are_scoped_revocable_and_stored_only_as_a_hash(pool: PgPool) {
    let (app, f, admin) = setup(&pool).await;
    let key = new_api_key(&app, &admin, "DMS A", KeyScope::Companies(&[f.company_a])).await;
    let all = new_api_key(&app, &admin, "DMS all", KeyScope::All).await;
    let in_b = format!("/api/v1/contacts/{}/B-1", f.company_b);
    let (status, _) = dms_request(
        &app,
        "PUT",
        &in_b,
        Some(&all),
        Some(json!({ "last_name": "Bos" })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    // The company-A key cannot read or write company B, nor a company that does not exist.
    for (method, path) in [
        ("GET", in_b.clone()),
        ("PUT", in_b.clone()),
        ("POST", format!("/api/v1/contacts/{}", f.company_b)),
        ("PUT", "/api/v1/contacts/999999/X".into()),
    ] {
        let body = (method != "GET").then(|| {
            if method == "POST" {
                json!({ "contacts": [] })
            } else {
                json!({ "last_name": "Hacked" })
            }
        });
        let (status, v) = dms_request(&app, method, &path, Some(&key), body).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}: {v}");
    }
    let name: String =
        sqlx::query_scalar("SELECT last_name FROM contact WHERE customer_no = 'B-1'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(name, "Bos");
    // No key, a wrong secret, a made-up key: one answer.
    let wrong = format!("{}.{}", key.split_once('.').unwrap().0, "x".repeat(43));
    for k in [
        None,
        Some(wrong.as_str()),
        Some("dck_000000000000.abc"),
        Some("garbage"),
    ] {
        let (status, v) = dms_request(&app, "GET", &in_b, k, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{k:?}");
        assert_eq!(v["error"], "unauthorized");
    }
    // The secret is nowhere in the database.
    let secret = key.split_once('.').unwrap().1;
    let dump: String = sqlx::query_scalar("SELECT string_agg(k::text, ' ') FROM api_key k")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(!dump.contains(secret));
    // Revoked: refused from the next request on.
    let id: i64 = sqlx::query_scalar("SELECT id FROM api_key WHERE name = 'DMS all'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let res = call(
        &app,
        "/api/admin/revoke_api_key",
        Some(&admin),
        &[("id", &id.to_string())],
    )
    .await;
    assert!(res.status().is_success());
    let (status, _) = dms_request(&app, "GET", &in_b, Some(&all), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // Only admins manage keys.
    let staff = sign_in(&app, "staff@test.nl", PASSWORD).await.unwrap();
    let res = call(
        &app,
        "/api/admin/create_api_key",
        Some(&staff),
        &[("name", "mine"), ("all_companies", "on")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_openapi_document_parses_and_every_reference_resolves(pool: PgPool) {
    let app = app(pool);
    let (status, doc) = dms_request(&app, "GET", "/api/v1/openapi.json", None, None).await;
    assert_eq!(status, StatusCode::OK);
    let spec = oas3::from_json(doc.to_string()).expect("a valid OpenAPI document");
    spec.validate_version()
        .expect("a supported OpenAPI version");
    let paths: Vec<&String> = doc["paths"].as_object().unwrap().keys().collect();
    assert_eq!(
        paths,
        [
            "/api/v1/contacts/{company}",
            "/api/v1/contacts/{company}/{customer_no}",
            "/api/v1/contacts/{company}/{customer_no}/consent",
            "/api/v1/contacts/{company}/{customer_no}/preferences-link",
            "/api/v1/mutations",
            "/api/v1/mutations/{id}/ignore",
            "/api/v1/mutations/{id}/process"
        ]
    );
    assert!(doc["components"]["securitySchemes"]["api_key"].is_object());
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("$ref") {
                    out.push(r.clone());
                }
                m.values().for_each(|v| refs(v, out));
            }
            Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(all.len() > 5);
    for r in all {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("unexpected ref {r}"));
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "{r} does not resolve"
        );
    }
}

/// Two answers in company A (one with changes) and one in company B, a minute apart.
async fn answers(pool: &PgPool, f: &Fixture) -> [i64; 3] {
    seed_contacts(pool, f.company_a, 2, 0).await;
    sqlx::query(
        "INSERT INTO contact (company_id, customer_no, kind, first_name, language)
         VALUES ($1, 'B1', 'person', 'Bea', 'nl')",
    )
    .bind(f.company_b)
    .execute(pool)
    .await
    .unwrap();
    let mut ids = [0i64; 3];
    for (i, (no, kind)) in [("K1", "changed"), ("K2", "unchanged"), ("B1", "changed")]
        .into_iter()
        .enumerate()
    {
        ids[i] = sqlx::query_scalar(
            "INSERT INTO mutation (company_id, contact_id, kind, submission_key, language, created_at)
             SELECT company_id, id, $2, md5($1), 'nl', '2026-11-20 10:00:00+00'::timestamptz + make_interval(mins => $3)
             FROM contact WHERE customer_no = $1 RETURNING id",
        )
        .bind(no)
        .bind(kind)
        .bind(i as i32)
        .fetch_one(pool)
        .await
        .unwrap();
    }
    sqlx::query(
        "INSERT INTO mutation_change (mutation_id, section, field_key, dms_value, submitted_value, position)
         VALUES ($1, 'field', 'email', 'c1@example.nl', 'nieuw@example.nl', 1),
                ($1, 'consent', 'e_marketing', 'given', 'withdrawn', 2)",
    )
    .bind(ids[0])
    .execute(pool)
    .await
    .unwrap();
    ids
}

#[sqlx::test(migrations = "../migrations")]
async fn a_dms_pulls_its_mutations_with_a_cursor_and_marks_them_processed(pool: PgPool) {
    let (app, f, admin) = setup(&pool).await;
    let ids = answers(&pool, &f).await;
    let key = new_api_key(&app, &admin, "DMS A", KeyScope::Companies(&[f.company_a])).await;

    let (status, page) = dms_request(
        &app,
        "GET",
        "/api/v1/mutations?status=new&limit=1",
        Some(&key),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["mutations"].as_array().unwrap().len(), 1);
    let m = &page["mutations"][0];
    assert_eq!(m["id"], ids[0]);
    assert_eq!(m["customer_no"], "K1");
    assert_eq!(m["kind"], "changed");
    assert_eq!(m["created_at"], "2026-11-20T10:00:00Z");
    assert_eq!(
        m["changes"],
        json!([
            { "section": "field", "field": "email", "person_id": null, "new_person": null,
              "dms_value": "c1@example.nl", "submitted_value": "nieuw@example.nl" },
            { "section": "consent", "field": "e_marketing", "person_id": null, "new_person": null,
              "dms_value": "given", "submitted_value": "withdrawn" }
        ])
    );
    let cursor = page["next_cursor"].as_str().unwrap().to_string();
    let (_, page) = dms_request(
        &app,
        "GET",
        &format!("/api/v1/mutations?status=new&limit=1&cursor={cursor}"),
        Some(&key),
        None,
    )
    .await;
    assert_eq!(page["mutations"][0]["id"], ids[1]);
    assert_eq!(
        page["next_cursor"],
        Value::Null,
        "company B's answer is not this key's"
    );

    // `since` leaves out what came before it.
    let (_, page) = dms_request(
        &app,
        "GET",
        "/api/v1/mutations?since=2026-11-20T10:01:00Z",
        Some(&key),
        None,
    )
    .await;
    let got: Vec<i64> = page["mutations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_i64().unwrap())
        .collect();
    assert_eq!(got, [ids[1]]);

    let (status, done) = dms_request(
        &app,
        "POST",
        &format!("/api/v1/mutations/{}/process", ids[0]),
        Some(&key),
        None,
    )
    .await;
    assert_eq!(
        (status, done),
        (
            StatusCode::OK,
            json!({ "id": ids[0], "status": "processed" })
        )
    );
    // A retried request gets the same answer; ignoring it now is a conflict.
    let (status, _) = dms_request(
        &app,
        "POST",
        &format!("/api/v1/mutations/{}/process", ids[0]),
        Some(&key),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, e) = dms_request(
        &app,
        "POST",
        &format!("/api/v1/mutations/{}/ignore", ids[0]),
        Some(&key),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"], "conflict");
    let (status, _) = dms_request(
        &app,
        "GET",
        "/api/v1/mutations?status=new",
        Some(&key),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let processed_by_key: Option<i64> =
        sqlx::query_scalar("SELECT processed_by_key FROM mutation WHERE id = $1")
            .bind(ids[0])
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(processed_by_key.is_some());
    assert_eq!(
        count(&pool, "SELECT count(*) FROM audit_event WHERE action = 'mutation.process' AND actor_label LIKE 'API key DMS A%'").await,
        1
    );

    // Another company's mutation does not exist for this key.
    let (status, _) = dms_request(
        &app,
        "POST",
        &format!("/api/v1/mutations/{}/ignore", ids[2]),
        Some(&key),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        count(
            &pool,
            &format!(
                "SELECT count(*) FROM mutation WHERE id = {} AND status = 'new'",
                ids[2]
            )
        )
        .await,
        1
    );
    // Bad parameters get a message by field.
    for q in ["status=done", "since=yesterday", "cursor=xyz", "limit=0"] {
        let (status, e) = dms_request(
            &app,
            "GET",
            &format!("/api/v1/mutations?{q}"),
            Some(&key),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{q}: {e}");
        assert_eq!(e["error"], "invalid");
    }
    let (status, _) = dms_request(&app, "GET", "/api/v1/mutations", None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
