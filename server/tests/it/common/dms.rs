//! The DMS as tests play it: an admin makes it a key, and it calls `/api/v1` with that
//! key as a bearer token.

use axum::Router;
use axum::body::Body;
use http::{Request, StatusCode, header};
use serde_json::Value;
use tower::ServiceExt;

/// Which companies a new API key may read and write.
pub enum KeyScope<'a> {
    All,
    Companies(&'a [i64]),
}

/// A new API key, made by the admin behind `admin_cookie` on the API keys page; the
/// key's secret, shown once.
pub async fn new_api_key(
    app: &Router,
    admin_cookie: &str,
    name: &str,
    scope: KeyScope<'_>,
) -> String {
    let admin = super::StaffSession::with_cookie(app, admin_cookie);
    let (all_companies, company_ids) = match scope {
        KeyScope::All => (Some("on".to_string()), Vec::new()),
        KeyScope::Companies(ids) => (None, ids.to_vec()),
    };
    admin
        .call(app::server_fns::admin::CreateApiKey {
            name: name.into(),
            all_companies,
            company_ids,
            webhook_url: String::new(),
        })
        .await
        .key
}

/// A request to the DMS API, with `key` as its bearer token and `body` as JSON; the
/// answer's status and JSON (or its text as a JSON string).
pub async fn dms_request(
    app: &Router,
    method: &str,
    path: &str,
    key: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = Request::builder().method(method).uri(path);
    if let Some(k) = key {
        req = req.header(header::AUTHORIZATION, format!("Bearer {k}"));
    }
    let req = match body {
        Some(b) => req
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(b.to_string())),
        None => req.body(Body::empty()),
    }
    .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let text = super::body_text(res).await;
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}
