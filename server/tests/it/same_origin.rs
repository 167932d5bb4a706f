//! Cross-site requests, sent as another site's page would make a visitor's browser send
//! them: with the visitor's session cookie and the other site's `Origin` (or only
//! `Sec-Fetch-Site`). They are refused with 403 and write nothing; the same requests
//! from our own origin work, and the DMS API and one-click unsubscribe take any origin.

use crate::common;

use axum::body::Body;
use common::*;
use http::{Request, StatusCode, header};
use sqlx::PgPool;
use tower::ServiceExt;

const OURS: &str = "http://127.0.0.1:3000";

/// Where a request says it comes from.
#[derive(Clone, Copy)]
enum From {
    Origin(&'static str),
    FetchSite(&'static str),
    /// A form on one of our own `no-referrer` pages (the customer pages), as browsers
    /// send it: `Origin: null` and `Sec-Fetch-Site: same-origin`.
    OwnNoReferrerPage,
}

const FOREIGN: [From; 4] = [
    From::Origin("https://evil.example"),
    From::Origin("null"),
    From::FetchSite("cross-site"),
    From::FetchSite("same-site"),
];

async fn send(
    app: &axum::Router,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    from: From,
    body: String,
) -> http::Response<Body> {
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json");
    req = match from {
        From::Origin(o) => req.header(header::ORIGIN, o),
        From::FetchSite(s) => req.header("sec-fetch-site", s),
        From::OwnNoReferrerPage => req
            .header(header::ORIGIN, "null")
            .header("sec-fetch-site", "same-origin"),
    };
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    app.clone()
        .oneshot(req.body(Body::from(body)).unwrap())
        .await
        .unwrap()
}

async fn assert_refused(res: http::Response<Body>) {
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.headers().get(header::SET_COOKIE).is_none());
    assert!(body_text(res).await.contains("came from another site"));
}

#[sqlx::test(migrations = "../migrations")]
async fn staff_server_functions_refuse_requests_from_other_sites(pool: PgPool) {
    fixture(&pool).await;
    let app = app(pool.clone());
    let admin = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    let companies = "SELECT count(*) FROM company";
    let before = count(&pool, companies).await;
    for from in FOREIGN {
        let body = form(&[("name", "Made elsewhere")]);
        let res = send(
            &app,
            "POST",
            "/api/admin/create_company",
            Some(&admin),
            from,
            body,
        )
        .await;
        assert_refused(res).await;
        // Signing in from another site is refused too (login CSRF), and signing out
        // from there does not end the session.
        let body = form(&[("email", "admin@test.nl"), ("password", PASSWORD)]);
        assert_refused(send(&app, "POST", "/api/auth/sign_in", None, from, body).await).await;
        let res = send(
            &app,
            "POST",
            "/api/auth/sign_out",
            Some(&admin),
            from,
            String::new(),
        )
        .await;
        assert_refused(res).await;
    }
    assert_eq!(count(&pool, companies).await, before, "nothing was created");

    // From our own pages the same requests work, and the session outlived the attempts.
    let body = form(&[("name", "Made here")]);
    let res = send(
        &app,
        "POST",
        "/api/admin/create_company",
        Some(&admin),
        From::Origin(OURS),
        body,
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK, "{}", body_text(res).await);
    let res = send(
        &app,
        "POST",
        "/api/admin/create_company",
        Some(&admin),
        From::FetchSite("same-origin"),
        form(&[("name", "Made here too")]),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(count(&pool, companies).await, before + 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn customer_forms_refuse_posts_from_other_sites(pool: PgPool) {
    let (app, path, _) = portal_link(&pool).await;
    let key = form_key(&body_text(get(&app, &path, None).await).await);
    let answer = form(&[("key", &key), ("intent", "all_correct")]);
    for from in FOREIGN {
        assert_refused(send(&app, "POST", &path, None, from, answer.clone()).await).await;
    }
    assert_eq!(count(&pool, "SELECT count(*) FROM mutation").await, 0);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM run_recipient WHERE responded_at IS NOT NULL"
        )
        .await,
        0
    );
    // The customer page says `Referrer-Policy: no-referrer`, so a browser posts its
    // form with an opaque origin; its fetch metadata says it is ours.
    let res = send(
        &app,
        "POST",
        &path,
        None,
        From::OwnNoReferrerPage,
        answer.clone(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = send(&app, "POST", &path, None, From::Origin(OURS), answer).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[sqlx::test(migrations = "../migrations")]
async fn exports_and_uploads_refuse_requests_from_other_sites(pool: PgPool) {
    fixture(&pool).await;
    let app = app(pool.clone());
    let admin = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    let audit = "SELECT count(*) FROM audit_event";
    let before = count(&pool, audit).await;
    let export = "/staff/mutations/export.csv";
    let res = send(
        &app,
        "GET",
        export,
        Some(&admin),
        From::FetchSite("cross-site"),
        String::new(),
    )
    .await;
    assert_refused(res).await;
    let res = send(
        &app,
        "POST",
        "/staff/contacts/import",
        Some(&admin),
        From::Origin("https://evil.example"),
        String::new(),
    )
    .await;
    assert_refused(res).await;
    assert_eq!(count(&pool, audit).await, before, "no export was logged");
    // A link in our own app, or the address typed in (`none`), downloads the file.
    for from in [From::FetchSite("same-origin"), From::FetchSite("none")] {
        let res = send(&app, "GET", export, Some(&admin), from, String::new()).await;
        assert_eq!(res.status(), StatusCode::OK);
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn the_dms_api_takes_requests_from_anywhere(pool: PgPool) {
    let f = fixture(&pool).await;
    let app = app(pool.clone());
    let admin = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    let res = call(
        &app,
        "/api/admin/create_api_key",
        Some(&admin),
        &[("name", "DMS"), ("all_companies", "on")],
    )
    .await;
    let key: datacheck_core::wire::NewApiKey = serde_json::from_str(&body_text(res).await).unwrap();
    // A bearer key, no cookie: another origin cannot ride on anybody's session here.
    let req = Request::put(format!("/api/v1/contacts/{}/K-1", f.company_a))
        .header(header::AUTHORIZATION, format!("Bearer {}", key.key))
        .header(header::ORIGIN, "https://dms.vendor.example")
        .header("sec-fetch-site", "cross-site")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            r#"{"kind":"person","last_name":"Dijk","email":"anna@example.nl"}"#,
        ))
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "{}",
        body_text(res).await
    );
}
