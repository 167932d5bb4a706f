//! The demo seed: rich enough to show every admin state, idempotent.

use crate::common;

use common::*;
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn demo_seed_fills_an_empty_database_once(pool: PgPool) {
    let first = demo::seed_demo(&pool)
        .await
        .unwrap()
        .expect("seeds an empty database");
    assert!(first.contacts >= 300, "a few hundred contacts");
    assert!(
        demo::seed_demo(&pool).await.unwrap().is_none(),
        "second run does nothing"
    );

    let app = app(pool.clone());
    sign_in(&app, demo::ADMIN_EMAIL, demo::ADMIN_PASSWORD)
        .await
        .expect("demo admin signs in");
    sign_in(&app, demo::STAFF_EMAIL, demo::STAFF_PASSWORD)
        .await
        .expect("demo staff signs in");
    let english: i64 = sqlx::query_scalar("SELECT count(*) FROM contact WHERE language = 'en'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let orgs: i64 = sqlx::query_scalar("SELECT count(*) FROM contact WHERE kind = 'organisation'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let no_email: i64 = sqlx::query_scalar("SELECT count(*) FROM contact WHERE email IS NULL")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(
        english > 20 && orgs > 20 && no_email > 0,
        "{english} {orgs} {no_email}"
    );

    // The register around the contacts: attributes, persons (one has left), earlier
    // confirmations, an import in the history, and the demo DMS key that works.
    let counts: (i64, i64, i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM field_def WHERE NOT builtin), \
                (SELECT count(*) FROM contact_attribute), \
                (SELECT count(*) FROM contact_person WHERE left_at IS NOT NULL), \
                (SELECT count(*) FROM field_confirmation), \
                (SELECT count(*) FROM contact_import WHERE status = 'done')",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(counts.0, 4);
    assert!(
        counts.1 > 300 && counts.2 > 0 && counts.3 > 100 && counts.4 == 1,
        "{counts:?}"
    );
    let req = http::Request::get("/api/v1/contacts/1/A10000")
        .header(
            http::header::AUTHORIZATION,
            format!("Bearer {}", demo::DEMO_API_KEY),
        )
        .body(axum::body::Body::empty())
        .unwrap();
    let res = tower::ServiceExt::oneshot(app.clone(), req).await.unwrap();
    assert_eq!(
        res.status(),
        http::StatusCode::OK,
        "{}",
        body_text(res).await
    );
}
