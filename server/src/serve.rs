//! Start-up and shutdown: the database pool and its migrations, the state resolved from
//! the configuration, the background jobs, and serving until a signal.

use crate::config::Config;
use anyhow::{Context, Result};
use backend::mail::Transport;
use backend::{AppState, Settings, db, jobs};
use leptos::prelude::LeptosOptions;
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

pub async fn connect(database_url: &str, pool_size: u32) -> Result<PgPool> {
    PgPoolOptions::new()
        .max_connections(pool_size)
        .acquire_timeout(Duration::from_secs(5))
        .connect(database_url)
        .await
        .context("connecting to PostgreSQL (DATABASE_URL)")
}

/// Resolves the configuration into the shared state, generating the dev session key on
/// first start. The pool must be migrated already.
pub async fn state(config: &Config, pool: PgPool) -> Result<AppState> {
    let checked = config.check()?;
    let session_key = match checked.session_key {
        Some(k) => k,
        None => dev_session_key(&pool).await?,
    };
    let link_keys = match checked.link_keys.clone() {
        Some(k) => k,
        None => dev_link_keys(&pool).await?,
    };
    let settings = checked.into_settings(session_key, link_keys, config.trust_forwarded_for);
    Ok(AppState {
        pool,
        settings: Arc::new(settings),
        words: &app::pages::portal::text::WORDS,
    })
}

async fn dev_session_key(pool: &PgPool) -> Result<[u8; 32]> {
    use rand::RngCore;
    let mut candidate = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut candidate);
    let stored = db::dev_secret::get_or_insert(pool, "session_key", &candidate).await?;
    stored
        .try_into()
        .map_err(|_| anyhow::anyhow!("stored dev session key has the wrong length"))
}

/// The development link key: generated on first start and kept, so links in the dev
/// mailbox keep working across restarts.
async fn dev_link_keys(pool: &PgPool) -> Result<link_token::Keyring> {
    let stored =
        db::dev_secret::get_or_insert(pool, "link_key_1", &link_token::generate_key()).await?;
    let key: [u8; 32] = stored
        .try_into()
        .map_err(|_| anyhow::anyhow!("stored dev link key has the wrong length"))?;
    link_token::Keyring::new(&[(1, key)]).context("dev link key")
}

/// Serves until SIGINT or SIGTERM, then lets in-flight requests and mails finish.
pub async fn serve(
    state: AppState,
    site: LeptosOptions,
    mail: Option<Transport>,
    mutation_retention_days: u32,
) -> Result<()> {
    let addr = site.site_addr;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("binding {addr}"))?;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    jobs::spawn_housekeeping(state.pool.clone(), mutation_retention_days, stop_rx.clone());
    jobs::spawn_planned_reminders(state.clone(), stop_rx.clone());
    let webhooks = backend::webhooks::Deliverer::new(
        state.pool.clone(),
        backend::webhooks::WebhookConfig::default(),
    )?;
    let webhook_task = tokio::spawn(webhooks.run(stop_rx.clone()));
    let worker = mail.map(|t| jobs::spawn_mail_worker(&state, t, stop_rx));
    let pool = state.pool.clone();
    let settings: Arc<Settings> = state.settings.clone();
    tracing::info!(%addr, public_url = %settings.public_url, "listening");
    axum::serve(
        listener,
        crate::http::router(state, site).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    let _ = stop_tx.send(true);
    if let Some(w) = worker {
        tracing::info!("finishing the mails in hand");
        if tokio::time::timeout(Duration::from_secs(60), w)
            .await
            .is_err()
        {
            tracing::warn!("mail worker did not stop within 60 s; its leases will expire");
        }
    }
    // A call in flight finishes (or times out); its lease covers a crash meanwhile.
    let _ = tokio::time::timeout(Duration::from_secs(15), webhook_task).await;
    pool.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
