//! Test harness: the real router on a fresh database per test (`#[sqlx::test]`), driven
//! in-process with `oneshot`, and helpers to sign in and read responses.
#![allow(dead_code)]

pub mod consent;
pub mod dms;
pub mod mail;
pub mod mutations;
pub mod smtp;
mod test_app;

pub use test_app::*;

use axum::Router;
use axum::body::Body;
use backend::{AppState, DeployEnv, Settings, password};
use http::{Request, Response, header};
use http_body_util::BodyExt;
use leptos::config::LeptosOptions;
use sqlx::PgPool;
use std::sync::Arc;
use tower::ServiceExt;

pub const PASSWORD: &str = "correct horse battery";

pub fn settings() -> Settings {
    Settings {
        env: DeployEnv::Dev,
        dev_mailbox: true,
        public_url: "http://127.0.0.1:3000".into(),
        time_zone: jiff::tz::TimeZone::get("Europe/Amsterdam").unwrap(),
        time_zone_name: "Europe/Amsterdam".into(),
        session_key: [7; 32],
        link_keys: link_token::Keyring::new(&[(1, [9; 32])]).unwrap(),
        mail_from: "noreply@datacheck.test".into(),
        trust_forwarded_for: false,
    }
}

pub fn state(pool: PgPool) -> AppState {
    AppState {
        pool,
        settings: Arc::new(settings()),
        words: &app::pages::portal::text::WORDS,
    }
}

/// The site as the tests serve it: no built bundle, leptos' default names.
pub fn site() -> LeptosOptions {
    LeptosOptions::builder().output_name("datacheck").build()
}

pub fn app(pool: PgPool) -> Router {
    server::http::router(state(pool), site())
}

pub struct Fixture {
    pub company_a: i64,
    pub company_b: i64,
    pub admin_id: i64,
    pub staff_id: i64,
}

/// Two companies, an admin, and a staff user limited to company A.
pub async fn fixture(pool: &PgPool) -> Fixture {
    use backend::db;
    let company_a = db::company::insert(pool, "Company A")
        .await
        .unwrap()
        .unwrap();
    let company_b = db::company::insert(pool, "Company B")
        .await
        .unwrap()
        .unwrap();
    let hash = password::hash_blocking(PASSWORD).unwrap();
    let admin_id =
        db::staff_user::insert(pool, "admin@test.nl", "Ada Admin", &hash, "admin", false)
            .await
            .unwrap()
            .unwrap();
    let staff_id =
        db::staff_user::insert(pool, "staff@test.nl", "Sam Staff", &hash, "staff", false)
            .await
            .unwrap()
            .unwrap();
    let mut conn = pool.acquire().await.unwrap();
    db::staff_user::set_companies(&mut conn, staff_id, &[company_a])
        .await
        .unwrap();
    Fixture {
        company_a,
        company_b,
        admin_id,
        staff_id,
    }
}

pub fn form(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// Calls a server function the way the hydrated app does (fetch, form-encoded body).
pub async fn call(
    app: &Router,
    path: &str,
    cookie: Option<&str>,
    pairs: &[(&str, &str)],
) -> Response<Body> {
    let mut req = Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json");
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    app.clone()
        .oneshot(req.body(Body::from(form(pairs))).unwrap())
        .await
        .unwrap()
}

pub async fn get(app: &Router, path: &str, cookie: Option<&str>) -> Response<Body> {
    rendered(app, || {
        let mut req = Request::get(path);
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        req.body(Body::empty()).unwrap()
    })
    .await
}

/// Sends a request whose answer is a server-rendered page. Under the single-threaded
/// runtime of `#[sqlx::test]`, about one Leptos render in a thousand never finishes
/// (no database activity; leptos-rs/leptos#4578 and kin); the multi-threaded server
/// has not shown it in the benchmark's tens of thousands of renders or in Playwright.
/// Such a render is abandoned after 20 s and the request sent once more, loudly; a
/// second stall fails the test.
pub async fn rendered(app: &Router, make: impl Fn() -> Request<Body>) -> Response<Body> {
    for attempt in 1..=2 {
        match tokio::time::timeout(
            std::time::Duration::from_secs(20),
            app.clone().oneshot(make()),
        )
        .await
        {
            Ok(res) => return res.unwrap(),
            Err(_) => eprintln!("a page render stalled (attempt {attempt}); sending it again"),
        }
    }
    panic!("a page render stalled twice")
}

pub async fn body_text(res: Response<Body>) -> String {
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Signs in through the real server function; returns the `name=value` cookie pair.
pub async fn sign_in(app: &Router, email: &str, password: &str) -> Result<String, String> {
    let res = call(
        app,
        "/api/auth/sign_in",
        None,
        &[("email", email), ("password", password)],
    )
    .await;
    let cookie = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("dc_session="))
        .map(|v| v.split(';').next().unwrap().to_string());
    match cookie {
        Some(c) => Ok(c),
        None => Err(body_text(res).await),
    }
}

/// `n` contacts with an address in `company` (`c1@example.nl`, …, alternating nl/en),
/// plus `without` contacts without one.
pub async fn seed_contacts(pool: &PgPool, company: i64, n: i32, without: i32) {
    sqlx::query(
        "INSERT INTO contact (company_id, customer_no, kind, first_name, last_name, email, language)
         SELECT $1, 'K' || i, 'person', 'Klant', 'Nummer ' || i, 'c' || i || '@example.nl',
                CASE WHEN i % 2 = 0 THEN 'en' ELSE 'nl' END
         FROM generate_series(1, $2) AS i",
    )
    .bind(company)
    .bind(n)
    .execute(pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO contact (company_id, customer_no, kind, first_name, last_name)
         SELECT $1, 'X' || i, 'person', 'Zonder', 'Adres ' || i FROM generate_series(1, $2) AS i",
    )
    .bind(company)
    .bind(without)
    .execute(pool)
    .await
    .unwrap();
}

pub fn in_days(days: i64) -> String {
    (time::OffsetDateTime::now_utc() + time::Duration::days(days))
        .date()
        .to_string()
}

pub async fn json(res: http::Response<axum::body::Body>) -> (http::StatusCode, serde_json::Value) {
    let status = res.status();
    let text = body_text(res).await;
    let value = serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text));
    (status, value)
}

pub async fn ok(
    app: &axum::Router,
    path: &str,
    cookie: &str,
    pairs: &[(&str, &str)],
) -> serde_json::Value {
    let (status, v) = json(call(app, path, Some(cookie), pairs).await).await;
    assert_eq!(status, http::StatusCode::OK, "{path}: {v}");
    v
}

/// A draft with every step saved, recipients chosen by `recipients`.
pub async fn ready_run(
    app: &axum::Router,
    cookie: &str,
    company: i64,
    name: &str,
    recipients: &[(&str, &str)],
) -> String {
    let company = company.to_string();
    let valid_to = in_days(5);
    let id = ok(
        app,
        "/api/runs/create",
        cookie,
        &[
            ("name", name),
            ("company", &company),
            ("valid_to", &valid_to),
        ],
    )
    .await
    .to_string();
    let mut pairs = vec![("id", id.as_str())];
    pairs.extend_from_slice(recipients);
    ok(app, "/api/runs/save_recipients", cookie, &pairs).await;
    let starter = datacheck_core::wire::RunTemplates::starter();
    ok(
        app,
        "/api/runs/save_email",
        cookie,
        &[
            ("id", &id),
            ("nl_subject", &starter.nl.subject),
            ("nl_body", &starter.nl.body),
            ("en_subject", &starter.en.subject),
            ("en_body", &starter.en.body),
        ],
    )
    .await;
    ok(
        app,
        "/api/runs/save_fields",
        cookie,
        &[
            ("id", &id),
            ("rules[email]", "editable"),
            ("rules[phone]", "editable"),
            ("rules[city]", "read_only"),
            ("show_contact_persons", "on"),
        ],
    )
    .await;
    id
}

/// A run sent to `n` fresh contacts of company A by the admin: the app, the admin's
/// cookie and the run's id. Its mails are queued, not sent.
pub async fn sent_run(pool: &PgPool, n: i32, name: &str) -> (axum::Router, String, String) {
    let (app, admin, run) = TestApp::with_sent_run(pool.clone(), n, name).await;
    (app.router, admin.cookie, run.0.to_string())
}

/// A sent run to three contacts of company A (email and phone editable, city read-only,
/// the rest hidden, contact persons shown): the app, and the first recipient's link
/// path with their contact id.
pub async fn portal_link(pool: &PgPool) -> (axum::Router, String, i64) {
    let (app, _cookie, run) = sent_run(pool, 3, "Portal test").await;
    sqlx::query(
        "UPDATE contact SET city = 'Zwolle', street = 'Geheimstraat', phone = '+31612345678'",
    )
    .execute(pool)
    .await
    .unwrap();
    let (rid, contact, expires): (i64, i64, time::OffsetDateTime) = sqlx::query_as(
        "SELECT id, contact_id, expires_at FROM run_recipient WHERE run_id = $1::bigint
         ORDER BY id LIMIT 1",
    )
    .bind(run.parse::<i64>().unwrap())
    .fetch_one(pool)
    .await
    .unwrap();
    (app, path_for(rid, expires), contact)
}

pub fn path_for(recipient: i64, expires: time::OffsetDateTime) -> String {
    let url = backend::mail::portal_link(&settings(), recipient, expires);
    url.strip_prefix("http://127.0.0.1:3000")
        .unwrap()
        .to_string()
}

pub async fn post_form(
    app: &axum::Router,
    path: &str,
    pairs: &[(&str, &str)],
) -> http::Response<axum::body::Body> {
    rendered(app, || {
        http::Request::post(path)
            .header(
                http::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(axum::body::Body::from(form(pairs)))
            .unwrap()
    })
    .await
}

/// The hidden submission key of the form on a page.
pub fn form_key(html: &str) -> String {
    let at = html.find("name=\"key\" value=\"").expect("a form key") + 18;
    html[at..at + 32].to_string()
}

pub async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}
