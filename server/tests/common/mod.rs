//! Test harness: the real router on a fresh database per test (`#[sqlx::test]`), driven
//! in-process with `oneshot`, and helpers to sign in and read responses.
#![allow(dead_code)]

pub mod smtp;

use app::server::{AppState, DeployEnv, Settings, password};
use axum::Router;
use axum::body::Body;
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
        leptos_options: LeptosOptions::builder().output_name("datacheck").build(),
        pool,
        settings: Arc::new(settings()),
    }
}

pub fn app(pool: PgPool) -> Router {
    server::startup::router(state(pool))
}

pub struct Fixture {
    pub company_a: i64,
    pub company_b: i64,
    pub admin_id: i64,
    pub staff_id: i64,
}

/// Two companies, an admin, and a staff user limited to company A.
pub async fn fixture(pool: &PgPool) -> Fixture {
    use app::server::db;
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
    let mut req = Request::get(path);
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    app.clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap()
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
