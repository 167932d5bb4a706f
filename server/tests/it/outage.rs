//! A database outage loses nobody's typing (SPEC §8). The same router is served over a
//! pool whose database cannot be reached: a real connection to a loopback port nothing
//! listens on, refused by the kernel as a stopped PostgreSQL's would be. Customers get
//! a 503 page in their language with `Retry-After` and what they posted, in a form that
//! sends it again; once the database is back, pressing its button saves the answer.

use crate::common;

use axum::body::Body;
use common::*;
use http::{Request, StatusCode, header};
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use std::time::Duration;
use tower::ServiceExt;

/// The app as it is while its database is down: same settings, keys and site, but every
/// connection attempt is refused.
fn app_without_database() -> axum::Router {
    let closed_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let pool = PgPoolOptions::new()
        .acquire_timeout(Duration::from_secs(2))
        .connect_lazy(&format!(
            "postgres://datacheck@127.0.0.1:{closed_port}/gone"
        ))
        .unwrap();
    server::http::router(state(pool), site())
}

/// The hidden fields of the page's kept form, in order.
fn kept_fields(html: &str) -> Vec<(String, String)> {
    let doc = scraper::Html::parse_document(html);
    let inputs =
        scraper::Selector::parse("form[data-testid=portal-kept] input[type=hidden]").unwrap();
    doc.select(&inputs)
        .map(|i| {
            let attr = |n| i.value().attr(n).unwrap_or_default().to_string();
            (attr("name"), attr("value"))
        })
        .collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_post_during_an_outage_keeps_the_form_and_sends_it_again_later(pool: PgPool) {
    let (app, path, _) = portal_link(&pool).await;
    let key = form_key(&body_text(get(&app, &path, None).await).await);
    let typed = [
        ("key", key.as_str()),
        ("lang", "en"),
        ("f.email", "o'brien+nieuw@example.nl"),
        ("f.phone", "06 87654321"),
        ("intent", "confirm"),
    ];

    let down = app_without_database();
    let res = post_form(&down, &path, &typed).await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(res.headers()[header::RETRY_AFTER], "30");
    assert_eq!(res.headers()[header::CACHE_CONTROL], "no-store");
    let html = body_text(res).await;
    assert!(
        html.contains("data-testid=\"portal-unavailable\""),
        "{html}"
    );
    // In the language the form was in, and only that one.
    assert!(html.contains("Nothing you filled in is lost"), "{html}");
    assert!(!html.contains("Tijdelijk niet beschikbaar"));
    let kept = kept_fields(&html);
    let expected: Vec<(String, String)> = typed
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    assert_eq!(kept, expected, "every field, exactly as posted");
    assert_eq!(count(&pool, "SELECT count(*) FROM mutation").await, 0);

    // The database is back: the kept form's button sends the same answer, saved once.
    let again: Vec<(&str, &str)> = kept.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let res = post_form(&app, &path, &again).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let saved = count(&pool, "SELECT count(*) FROM mutation").await;
    assert!(saved >= 1, "the answer was saved");
    let res = post_form(&app, &path, &again).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        count(&pool, "SELECT count(*) FROM mutation").await,
        saved,
        "a second press saves nothing twice"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn customer_pages_and_one_click_say_unavailable_rather_than_fail(pool: PgPool) {
    let (_app, path, _) = portal_link(&pool).await;
    let down = app_without_database();
    let res = get(&down, &path, None).await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(res.headers()[header::RETRY_AFTER], "30");
    let html = body_text(res).await;
    // A GET knows no language yet: both, and nothing to keep.
    assert!(
        html.contains("Tijdelijk niet beschikbaar") && html.contains("Temporarily unavailable")
    );
    assert!(kept_fields(&html).is_empty());

    let res = down
        .clone()
        .oneshot(
            Request::post("/u/AAAAanything")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from("List-Unsubscribe=One-Click"))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(res.headers()[header::RETRY_AFTER], "30");
}

#[sqlx::test(migrations = "../migrations")]
async fn staff_are_told_the_database_is_unavailable(pool: PgPool) {
    fixture(&pool).await;
    let admin = sign_in(&app(pool.clone()), "admin@test.nl", PASSWORD)
        .await
        .unwrap();
    let down = app_without_database();

    let res = get(&down, "/staff/runs", Some(&admin)).await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(res.headers()[header::RETRY_AFTER], "30");
    assert!(body_text(res).await.contains("database is unavailable"));

    let res = call(
        &down,
        "/api/admin/create_company",
        Some(&admin),
        &[("name", "C")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(res.headers()[header::RETRY_AFTER], "30");
    let err: datacheck_core::error::AppError = serde_json::from_str(&body_text(res).await).unwrap();
    assert_eq!(
        err.to_string(),
        datacheck_core::error::AppError::Unavailable.to_string()
    );

    let res = call(
        &down,
        "/api/auth/sign_in",
        None,
        &[("email", "admin@test.nl"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
}
