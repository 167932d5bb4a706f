//! Webhooks end to end: a customer answers through the portal, the answer is queued for
//! each key with a webhook in the same transaction, and the deliverer POSTs it, signed,
//! to a real HTTP receiver on loopback, retrying after the receiver fails once.

use crate::common;

use app::server_fns::admin::CreateApiKey;
use backend::webhooks::{Deliverer, WebhookConfig, signature};
use common::*;
use http::StatusCode;
use sqlx::PgPool;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the receiver saw: signature, delivery id and body of each call.
type Seen = Arc<Mutex<Vec<(String, String, String)>>>;

/// An HTTP server on a free loopback port that answers 500 to its first call and 204
/// after that.
async fn receiver() -> (String, Seen) {
    use axum::routing::post;
    let seen: Seen = Arc::default();
    let log = seen.clone();
    let app = axum::Router::new().route(
        "/hook",
        post(move |headers: http::HeaderMap, body: String| {
            let log = log.clone();
            async move {
                let h = |n: &str| {
                    headers
                        .get(n)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_string()
                };
                let mut seen = log.lock().unwrap();
                seen.push((h("x-datacheck-signature"), h("x-datacheck-delivery"), body));
                if seen.len() == 1 {
                    StatusCode::INTERNAL_SERVER_ERROR
                } else {
                    StatusCode::NO_CONTENT
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/hook"), seen)
}

fn quick() -> WebhookConfig {
    WebhookConfig {
        batch: 10,
        idle: Duration::from_millis(20),
        timeout: Duration::from_secs(5),
        lease: Duration::from_secs(30),
        retry_base: Duration::from_millis(200),
        retry_max: Duration::from_secs(1),
        max_attempts: 3,
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn an_answer_is_announced_once_signed_and_retried_after_the_receiver_fails(pool: PgPool) {
    let (url, seen) = receiver().await;
    let (app, path, contact) = portal_link(&pool).await;
    let admin = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    // A key with a webhook, and one without (it hears nothing).
    let admin_page = StaffSession::with_cookie(&app, &admin);
    let key_for_all = |name: &str, webhook_url: &str| CreateApiKey {
        name: name.into(),
        all_companies: Some("on".into()),
        company_ids: vec![],
        webhook_url: webhook_url.into(),
    };
    let made = admin_page.call(key_for_all("DMS", &url)).await;
    let secret = made.webhook_secret.expect("a webhook secret");
    assert!(secret.starts_with("whsec_"));
    let quiet = admin_page.call(key_for_all("Quiet", "")).await;
    assert_eq!(quiet.webhook_secret, None);

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
    // The same form posted again saves nothing new and announces nothing new.
    post_form(
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
    assert_eq!(
        count(&pool, "SELECT count(*) FROM webhook_delivery").await,
        1
    );

    let deliverer = Deliverer::new(pool.clone(), quick()).unwrap();
    assert_eq!(deliverer.deliver_due().await.unwrap(), 1);
    let (status, error): (String, Option<String>) =
        sqlx::query_as("SELECT status, last_error FROM webhook_delivery")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(status, "pending");
    assert_eq!(error.as_deref(), Some("answered 500 Internal Server Error"));
    // Not due again until the pause is over.
    assert_eq!(deliverer.deliver_due().await.unwrap(), 0);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(deliverer.deliver_due().await.unwrap(), 1);
    let (status, attempts): (String, i32) =
        sqlx::query_as("SELECT status, attempts FROM webhook_delivery")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((status.as_str(), attempts), ("delivered", 2));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(deliverer.deliver_due().await.unwrap(), 0, "delivered once");

    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].2, seen[1].2, "a retry sends the same body");
    let (sig, delivery, body) = &seen[1];
    let t: i64 = sig
        .strip_prefix("t=")
        .and_then(|s| s.split(',').next())
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        sig,
        &signature(&secret, t, body),
        "signed with the key's secret"
    );
    assert_ne!(sig, &signature("whsec_other", t, body));
    assert!((time::OffsetDateTime::now_utc().unix_timestamp() - t).abs() < 60);
    assert!(delivery.parse::<i64>().is_ok());
    let notice: serde_json::Value = serde_json::from_str(body).unwrap();
    let mutation: i64 = sqlx::query_scalar("SELECT id FROM mutation WHERE contact_id = $1")
        .bind(contact)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(notice["event"], "mutation.created");
    assert_eq!(notice["mutation_id"], mutation);
    assert_eq!(notice["kind"], "unchanged");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_receiver_that_never_answers_is_given_up_on_after_the_last_attempt(pool: PgPool) {
    let f = fixture(&pool).await;
    sqlx::query(
        "INSERT INTO api_key (name, prefix, secret_hash, webhook_url, webhook_secret)
         VALUES ('Gone', 'dck_000000000001', '\\x00', 'http://127.0.0.1:9/nothing', 'whsec_x')",
    )
    .execute(&pool)
    .await
    .unwrap();
    backend::db::webhook_delivery::enqueue(&pool, f.company_a, "mutation.created", "{}")
        .await
        .unwrap();
    let deliverer = Deliverer::new(pool.clone(), quick()).unwrap();
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(1_100)).await;
        assert_eq!(deliverer.deliver_due().await.unwrap(), 1);
    }
    let (status, attempts, error): (String, i32, String) =
        sqlx::query_as("SELECT status, attempts, last_error FROM webhook_delivery")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((status.as_str(), attempts), ("failed", 3));
    assert!(error.starts_with("not reached"), "{error}");
    assert_eq!(deliverer.deliver_due().await.unwrap(), 0);
}

#[test]
fn a_webhook_url_must_be_an_address_and_https_in_production() {
    use backend::DeployEnv;
    use backend::api_keys::check_webhook_url;
    assert_eq!(check_webhook_url("  ", DeployEnv::Prod).unwrap(), None);
    assert!(check_webhook_url("http://dms.example.nl/hook", DeployEnv::Prod).is_err());
    assert!(check_webhook_url("https://dms.example.nl/hook", DeployEnv::Prod).is_ok());
    assert!(check_webhook_url("http://127.0.0.1:8080/hook", DeployEnv::Dev).is_ok());
    assert!(check_webhook_url("https:///hook", DeployEnv::Dev).is_err());
    assert!(check_webhook_url("ftp://x", DeployEnv::Dev).is_err());
    assert!(check_webhook_url("https://a b", DeployEnv::Dev).is_err());
}
