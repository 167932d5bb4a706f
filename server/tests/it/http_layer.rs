//! Middleware and operations endpoints: security headers, health, readiness, start-up.

use crate::common;

use common::*;
use http::{StatusCode, header};
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;

#[sqlx::test(migrations = "../migrations")]
async fn pages_carry_security_headers_and_a_nonce_csp(pool: PgPool) {
    let app = app(pool);
    let res = get(&app, "/staff/login", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let h = res.headers();
    assert_eq!(h.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(), "nosniff");
    assert_eq!(h.get(header::X_FRAME_OPTIONS).unwrap(), "DENY");
    assert_eq!(h.get(header::REFERRER_POLICY).unwrap(), "same-origin");
    assert_eq!(h.get(header::CACHE_CONTROL).unwrap(), "no-store");
    let csp = h
        .get(header::CONTENT_SECURITY_POLICY)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(csp.contains("'wasm-unsafe-eval'"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|s| s.split('\'').next())
        .expect("a nonce in script-src")
        .to_string();
    let html = body_text(res).await;
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "inline scripts carry the nonce"
    );

    // Another response, another nonce.
    let again = get(&app, "/staff/login", None).await;
    let csp2 = again
        .headers()
        .get(header::CONTENT_SECURITY_POLICY)
        .unwrap()
        .to_str()
        .unwrap();
    assert!(!csp2.contains(&nonce));
}

#[sqlx::test(migrations = "../migrations")]
async fn api_answers_get_a_policy_that_allows_nothing(pool: PgPool) {
    let app = app(pool);
    let res = get(&app, "/healthz", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let csp = res
        .headers()
        .get(header::CONTENT_SECURITY_POLICY)
        .unwrap()
        .to_str()
        .unwrap();
    assert!(csp.starts_with("default-src 'none'"), "{csp}");
    assert_eq!(body_text(res).await, "ok");
}

#[sqlx::test(migrations = "../migrations")]
async fn readyz_is_ready_with_a_database(pool: PgPool) {
    let app = app(pool);
    let res = get(&app, "/readyz", None).await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn readyz_fails_when_the_database_is_unreachable() {
    // A port nothing listens on: bind one, then let it go.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let pool = PgPoolOptions::new()
        .acquire_timeout(std::time::Duration::from_millis(500))
        .connect_lazy(&format!("postgres://nobody@127.0.0.1:{port}/none"))
        .unwrap();
    let app = app(pool);
    let res = get(&app, "/readyz", None).await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    // Liveness does not depend on the database.
    assert_eq!(get(&app, "/healthz", None).await.status(), StatusCode::OK);
}

#[sqlx::test(migrations = "../migrations")]
async fn unknown_pages_are_404(pool: PgPool) {
    let app = app(pool);
    let res = get(&app, "/no/such/page", None).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[test]
fn prod_mode_binary_refuses_to_start_without_secrets() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("serve")
        .env_clear()
        .env("DATACHECK_ENV", "prod")
        .env("DATABASE_URL", "postgres://unused@127.0.0.1:1/none")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("DATACHECK_SESSION_SECRET is required in production"),
        "{err}"
    );
    assert!(
        err.contains("DATACHECK_PUBLIC_URL is required in production"),
        "{err}"
    );
}

#[test]
fn help_documents_every_variable() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for var in [
        "DATABASE_URL",
        "DATACHECK_ENV",
        "DATACHECK_SESSION_SECRET",
        "DATACHECK_PUBLIC_URL",
        "DATACHECK_TIME_ZONE",
    ] {
        assert!(help.contains(var), "--help must mention {var}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn the_bundle_is_served_compressed_and_pages_are_not(pool: PgPool) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let site = std::env::temp_dir().join(format!("datacheck-site-{}", std::process::id()));
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    let wasm: Vec<u8> = (0..200_000u32).map(|i| (i % 7) as u8).collect();
    std::fs::write(site.join("pkg/datacheck.wasm"), &wasm).unwrap();
    let mut state = state(pool);
    state.leptos_options = leptos::config::LeptosOptions::builder()
        .output_name("datacheck")
        .site_root(site.to_string_lossy().to_string())
        .build();
    let app = server::startup::router(state);
    let fetch = |path: &'static str, encoding: &'static str| {
        let app = app.clone();
        async move {
            app.oneshot(
                http::Request::get(path)
                    .header(header::ACCEPT_ENCODING, encoding)
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap()
        }
    };
    let res = fetch("/pkg/datacheck.wasm", "gzip, deflate, br").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::CONTENT_ENCODING], "br");
    let body = res.into_body().collect().await.unwrap().to_bytes();
    assert!(body.len() < wasm.len() / 10, "{} bytes", body.len());
    let mut unpacked = Vec::new();
    brotli::BrotliDecompress(&mut body.as_ref(), &mut unpacked).unwrap();
    assert_eq!(unpacked, wasm);
    let res = fetch("/pkg/datacheck.wasm", "gzip").await;
    assert_eq!(res.headers()[header::CONTENT_ENCODING], "gzip");
    let res = fetch("/pkg/datacheck.wasm", "identity").await;
    assert!(res.headers().get(header::CONTENT_ENCODING).is_none());
    // A page is never compressed: it carries personal data beside typed input.
    let res = fetch("/staff/login", "gzip, br").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers().get(header::CONTENT_ENCODING).is_none());
    let _ = std::fs::remove_dir_all(&site);
}
