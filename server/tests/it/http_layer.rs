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
    let nonce = policy_nonce(&res);
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

/// The nonce named in a response's policy.
fn policy_nonce(res: &http::Response<axum::body::Body>) -> String {
    let csp = res
        .headers()
        .get(header::CONTENT_SECURITY_POLICY)
        .expect("a policy")
        .to_str()
        .unwrap();
    csp.split("'nonce-")
        .nth(1)
        .and_then(|s| s.split('\'').next())
        .unwrap_or_else(|| panic!("no nonce in {csp}"))
        .to_string()
}

/// Pages rendered at the same time, on one thread, their bodies read interleaved: each
/// response's scripts carry the nonce its own policy names, and no two share one.
#[sqlx::test(migrations = "../migrations")]
async fn concurrent_pages_each_name_their_own_nonce(pool: PgPool) {
    fixture(&pool).await;
    let app = app(pool);
    let cookie = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    let paths = [
        "/staff/mutations",
        "/staff/runs",
        "/staff/settings",
        "/staff/contacts",
        "/",
    ];
    let requests = (0..30).map(|i| {
        let app = app.clone();
        let cookie = cookie.clone();
        async move {
            let path = paths[i % paths.len()];
            let res = get(&app, path, Some(&cookie)).await;
            assert_eq!(res.status(), StatusCode::OK, "{path}");
            let nonce = policy_nonce(&res);
            let html = body_text(res).await;
            let scripts = html.matches("<script").count();
            let nonced = html.matches(&format!("nonce=\"{nonce}\"")).count();
            assert!(scripts > 0, "{path} has scripts");
            assert_eq!(
                nonced, scripts,
                "every script of {path} carries its policy's nonce"
            );
            nonce
        }
    });
    let nonces = futures_util::future::join_all(requests).await;
    let distinct: std::collections::HashSet<_> = nonces.iter().collect();
    assert_eq!(distinct.len(), nonces.len());
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

/// A site as `cargo xtask build` leaves it: hashed bundle files, each with its brotli
/// and gzip copy, and the manifest that names them.
fn built_site(name: &str) -> (std::path::PathBuf, Vec<u8>) {
    use app::shell::assets::{Assets, Bundle, MANIFEST, Split};
    let site = std::env::temp_dir().join(format!("datacheck-site-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&site);
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    let wasm: Vec<u8> = (0..200_000u32).map(|i| (i % 7) as u8).collect();
    let file =
        |name: &str, content: &[u8]| std::fs::write(site.join("pkg").join(name), content).unwrap();
    file("datacheck-customer.CCCCCCCCCCCCCCCC.wasm", &wasm);
    // Stand-ins for the build's copies: the server must send these bytes as they are.
    file(
        "datacheck-customer.CCCCCCCCCCCCCCCC.wasm.br",
        b"brotli made at build time",
    );
    file(
        "datacheck-customer.CCCCCCCCCCCCCCCC.wasm.gz",
        b"gzip made at build time",
    );
    file("datacheck.unhashed.js", b"export {}");
    // A part of the split staff bundle, in the directory named by the bundle's hash.
    std::fs::create_dir_all(site.join("pkg/staff.BBBBBBBBBBBBBBBB")).unwrap();
    file("staff.BBBBBBBBBBBBBBBB/run_pages_1.wasm", &wasm);
    let manifest = Assets {
        style: "/pkg/datacheck.SSSSSSSSSSSSSSSS.css".into(),
        staff: Bundle {
            js: "/pkg/staff.BBBBBBBBBBBBBBBB/datacheck.js".into(),
            wasm: "/pkg/staff.BBBBBBBBBBBBBBBB/datacheck.wasm".into(),
            split: Some(Split {
                dir: "/pkg/staff.BBBBBBBBBBBBBBBB".into(),
                loader: "__wasm_split.js".into(),
                parts: Default::default(),
            }),
        },
        customer: Some(Bundle {
            js: "/pkg/datacheck-customer.DDDDDDDDDDDDDDDD.js".into(),
            wasm: "/pkg/datacheck-customer.CCCCCCCCCCCCCCCC.wasm".into(),
            split: None,
        }),
        hashed: true,
    };
    std::fs::write(site.join(MANIFEST), serde_json::to_vec(&manifest).unwrap()).unwrap();
    (site, wasm)
}

#[sqlx::test(migrations = "../migrations")]
async fn bundles_go_out_as_compressed_at_build_time_and_pages_never_compressed(pool: PgPool) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let (site, wasm) = built_site("compressed");
    let options = leptos::config::LeptosOptions::builder()
        .output_name("datacheck")
        .site_root(site.to_string_lossy().to_string())
        .build();
    let app = server::http::router(state(pool), options);
    let fetch = |path: &'static str, encoding: &'static str| {
        let app = app.clone();
        async move {
            let res = app
                .oneshot(
                    http::Request::get(path)
                        .header(header::ACCEPT_ENCODING, encoding)
                        .body(axum::body::Body::empty())
                        .unwrap(),
                )
                .await
                .unwrap();
            let (parts, body) = res.into_parts();
            (parts, body.collect().await.unwrap().to_bytes())
        }
    };
    let wasm_path = "/pkg/datacheck-customer.CCCCCCCCCCCCCCCC.wasm";
    let (res, body) = fetch(wasm_path, "gzip, deflate, br").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.headers[header::CONTENT_ENCODING], "br");
    assert_eq!(res.headers[header::CONTENT_TYPE], "application/wasm");
    assert_eq!(
        &body[..],
        b"brotli made at build time",
        "the build's copy, not a new compression"
    );
    assert_eq!(
        res.headers[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    let (res, body) = fetch(wasm_path, "gzip").await;
    assert_eq!(res.headers[header::CONTENT_ENCODING], "gzip");
    assert_eq!(&body[..], b"gzip made at build time");
    let (res, body) = fetch(wasm_path, "identity").await;
    assert!(res.headers.get(header::CONTENT_ENCODING).is_none());
    assert_eq!(&body[..], &wasm[..]);
    let (res, _) = fetch("/pkg/staff.BBBBBBBBBBBBBBBB/run_pages_1.wasm", "br").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(
        res.headers[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable",
        "a part of the split bundle is named by the bundle's hash"
    );
    // A name without a hash may change its content: asked about again each time.
    let (res, _) = fetch("/pkg/datacheck.unhashed.js", "br").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.headers[header::CACHE_CONTROL], "no-cache");
    // A page is never compressed: it carries personal data beside typed input.
    let (res, html) = fetch("/staff/login", "gzip, br").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.headers.get(header::CONTENT_ENCODING).is_none());
    assert_eq!(res.headers[header::CACHE_CONTROL], "no-store");
    let html = String::from_utf8_lossy(&html);
    assert!(
        html.contains("/pkg/datacheck.SSSSSSSSSSSSSSSS.css"),
        "{html}"
    );
    assert!(
        html.contains("/pkg/staff.BBBBBBBBBBBBBBBB/datacheck.wasm"),
        "{html}"
    );
    assert!(
        !html.contains("datacheck-customer"),
        "the staff pages load the staff bundle"
    );
    let _ = std::fs::remove_dir_all(&site);
}

#[sqlx::test(migrations = "../migrations")]
async fn customer_pages_load_their_own_bundle_and_never_the_staff_app(pool: PgPool) {
    let (site, _) = built_site("customer");
    let options = leptos::config::LeptosOptions::builder()
        .output_name("datacheck")
        .site_root(site.to_string_lossy().to_string())
        .build();
    let app = server::http::router(state(pool), options);
    for path in ["/c/not-a-link", "/p/not-a-link"] {
        let res = get(&app, path, None).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(res.headers()[header::CACHE_CONTROL], "no-store");
        assert_eq!(res.headers()[header::REFERRER_POLICY], "no-referrer");
        let html = body_text(res).await;
        assert!(
            html.contains("/pkg/datacheck-customer.DDDDDDDDDDDDDDDD.js"),
            "{html}"
        );
        assert!(
            html.contains("/pkg/datacheck-customer.CCCCCCCCCCCCCCCC.wasm"),
            "{html}"
        );
        assert!(
            html.contains("/pkg/datacheck.SSSSSSSSSSSSSSSS.css"),
            "{html}"
        );
        assert!(
            !html.contains("datacheck.AAAA") && !html.contains("datacheck.BBBB"),
            "{html}"
        );
    }
    let _ = std::fs::remove_dir_all(&site);
}
