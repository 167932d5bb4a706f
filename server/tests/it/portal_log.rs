//! Logs of the customer page: captured in full, they hold neither the token nor any
//! personal data. A binary of its own, so the capturing subscriber can be global.

use crate::common;

use common::*;
use sqlx::PgPool;

/// Collects everything the app logs during a test.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn the_token_and_personal_data_never_reach_the_log(pool: PgPool) {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    // Global, not scoped: this binary holds only this test, and a scoped subscriber can
    // miss events whose call sites another thread registered first.
    tracing::subscriber::set_global_default(subscriber).unwrap();
    let (app, path, _) = portal_link(&pool).await;
    let token = path.strip_prefix("/c/").unwrap().to_string();
    let key = form_key(&body_text(get(&app, &path, None).await).await);
    for intent in ["review", "confirm"] {
        post_form(
            &app,
            &path,
            &[
                ("key", &key),
                ("f.email", "geheim@example.nl"),
                ("intent", intent),
            ],
        )
        .await;
    }
    post_form(
        &app,
        &path,
        &[
            ("key", &key),
            ("f.city", "Geheimstad"),
            ("intent", "review"),
        ],
    )
    .await;
    get(&app, &format!("{path}x"), None).await;
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        log.contains("portal answer saved"),
        "the flow was logged: {log}"
    );
    assert!(
        log.contains("/c/<token>"),
        "paths are logged with the token masked: {log}"
    );
    for secret in [
        token.as_str(),
        &token[..20],
        "geheim@example.nl",
        "c1@example.nl",
        "Geheimstad",
        "Nummer 1",
    ] {
        assert!(!log.contains(secret), "{secret} in the log");
    }
}
