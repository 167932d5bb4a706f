//! Mutations as tests need them: many, spread over companies, runs, statuses and days,
//! and the review page's actions on them.

use super::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// A fixture with mutations spread over both companies, two runs (and none), three
/// statuses and thirty days, many of them sharing a timestamp so the id must break
/// ties. Returns the fixture, the app, the admin's and the scoped staff's cookies, and
/// the two run ids.
pub async fn spread(pool: &PgPool, n: i64) -> (Fixture, axum::Router, String, String, [i64; 2]) {
    let f = fixture(pool).await;
    seed_contacts(pool, f.company_a, 40, 0).await;
    sqlx::query(
        "INSERT INTO contact (company_id, customer_no, kind, organisation_name, email, language)
         SELECT $1, 'B' || i, 'organisation', 'Bedrijf ' || i, 'b' || i || '@example.nl', 'nl'
         FROM generate_series(1, 20) AS i",
    )
    .bind(f.company_b)
    .execute(pool)
    .await
    .unwrap();
    let mut runs = [0i64; 2];
    for (i, company) in [f.company_a, f.company_b].into_iter().enumerate() {
        runs[i] = sqlx::query_scalar(
            "INSERT INTO run (company_id, name, status, valid_to, sender_name, sender_email,
                              reply_to, templates, sent_at, links_expire_at)
             VALUES ($1, $2, 'sent', current_date + 5, 'Test', 'test@example.nl',
                     'test@example.nl', '{}'::jsonb, now(), now() + interval '5 days')
             RETURNING id",
        )
        .bind(company)
        .bind(format!("Run {i}"))
        .fetch_one(pool)
        .await
        .unwrap();
    }
    let mut rng = StdRng::seed_from_u64(6);
    let contacts: Vec<(i64, i64)> =
        sqlx::query_as("SELECT id, company_id FROM contact ORDER BY id")
            .fetch_all(pool)
            .await
            .unwrap();
    for i in 0..n {
        let (contact, company) = contacts[rng.gen_range(0..contacts.len())];
        let run = if rng.gen_ratio(1, 4) {
            None
        } else if company == f.company_a {
            Some(runs[0])
        } else {
            Some(runs[1])
        };
        let status = ["new", "new", "processed", "ignored"][rng.gen_range(0..4)];
        // Whole hours, so that many rows share a moment.
        let hours_ago: i32 = rng.gen_range(0..30 * 24 / 6) * 6;
        sqlx::query(
            "WITH m AS (
                 INSERT INTO mutation (company_id, contact_id, run_id, kind, status,
                                       submission_key, language, created_at, processed_at,
                                       processed_by)
                 VALUES ($1, $2, $3, 'changed', $4, md5($5::text), 'nl',
                         date_trunc('hour', now()) - make_interval(hours => $6),
                         CASE WHEN $4 <> 'new' THEN now() END,
                         CASE WHEN $4 <> 'new' THEN $7::bigint END)
                 RETURNING id)
             INSERT INTO mutation_change (mutation_id, section, field_key, dms_value,
                                          submitted_value, position)
             SELECT id, 'field', 'city', 'Oud', 'Nieuw ' || $5, 1 FROM m",
        )
        .bind(company)
        .bind(contact)
        .bind(run)
        .bind(status)
        .bind(i)
        .bind(hours_ago)
        .bind(f.admin_id)
        .execute(pool)
        .await
        .unwrap();
    }
    let app = app(pool.clone());
    let admin = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    let staff = sign_in(&app, "staff@test.nl", PASSWORD).await.unwrap();
    (f, app, admin, staff, runs)
}

/// Processes, ignores or deletes the mutations `selection` names, as the review page
/// does: the answer's status and JSON.
pub async fn review(
    app: &axum::Router,
    cookie: &str,
    action: &str,
    selection: serde_json::Value,
    expected: i64,
) -> (http::StatusCode, serde_json::Value) {
    let staff = super::StaffSession::with_cookie(app, cookie);
    match staff.review(action, &selection.to_string(), expected).await {
        Ok(n) => (http::StatusCode::OK, serde_json::json!(n)),
        Err((status, err)) => (status, serde_json::to_value(err).unwrap()),
    }
}

/// The ids a query answers.
pub async fn ids_with(pool: &PgPool, sql: &str) -> Vec<i64> {
    sqlx::query_scalar(sql).fetch_all(pool).await.unwrap()
}
