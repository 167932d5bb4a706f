//! The HTTP side: router, middleware (security headers, request tracing, the staff
//! guard), health checks, background housekeeping and graceful shutdown.

use anyhow::{Context, Result};
use app::App;
use app::shell::app_document;
use app::shell::assets::Assets;
use axum::Router;
use axum::body::Body;
use axum::extract::FromRef;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use backend::mail::Transport;
use backend::mail::outbox::{Worker, WorkerConfig};
use backend::{AppState, DeployEnv, Settings, auth, db};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::config::Config;

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

/// The site's files as the build named them; a manifest that cannot be read leaves the
/// unhashed names (start-up refuses such a site before this, see `site_assets`).
pub fn router(state: AppState, site: LeptosOptions) -> Router {
    let assets = Arc::new(site_assets(&site).unwrap_or_else(|e| {
        tracing::error!(error = %e, "asset manifest unreadable");
        Assets::unhashed(&site.site_pkg_dir, &site.output_name)
    }));
    let routes = generate_route_list(App);
    let ctx_state = state.clone();
    let fn_state = state.clone();
    let leptos_options = site.clone();
    let web = WebState {
        app: state.clone(),
        site,
    };
    let secure = state.settings.env == DeployEnv::Prod;
    let page_assets = assets.clone();
    let fallback_assets = assets.clone();

    let mut router = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .merge(crate::dms_api::router())
        .route("/staff/dev/mailbox/{id}/html", get(dev_mail_html))
        .route(
            "/staff/contacts/import",
            axum::routing::post(crate::import_upload::upload).layer(
                axum::extract::DefaultBodyLimit::max(crate::import_upload::BODY_LIMIT),
            ),
        )
        .route(
            "/api/{*fn_name}",
            get(move |req: Request<Body>| server_fn(fn_state.clone(), req))
                .post(move |req: Request<Body>| server_fn(ctx_state.clone(), req)),
        )
        .leptos_routes_with_context(
            &web,
            routes,
            {
                let state = state.clone();
                move || provide_context(state.clone())
            },
            move || app_document(leptos_options.clone(), &page_assets),
        )
        // The customer pages: their own root and bundle; a GET shows, a POST is the form.
        .route(
            "/c/{token}",
            get(crate::customer_page::get).post(crate::portal_post::post),
        )
        .route(
            "/p/{token}",
            get(crate::customer_page::get).post(crate::preferences_post::post),
        )
        .route(
            "/u/{token}",
            get(crate::preferences_post::unsubscribe_page).post(crate::preferences_post::one_click),
        )
        .route(
            "/staff/contacts/{id}/export.json",
            get(crate::contact_export::export),
        )
        .route(
            "/staff/mutations/export.csv",
            get(crate::mutation_export::export),
        )
        .nest_service("/pkg", bundle_files(&web.site))
        .fallback(leptos_axum::file_and_error_handler::<WebState, _>(
            move |options| app_document(options, &fallback_assets),
        ))
        .layer(middleware::from_fn_with_state(state.clone(), staff_guard))
        .layer(middleware::from_fn_with_state(
            assets.clone(),
            cache_control,
        ))
        .layer(axum::Extension(assets))
        .layer(middleware::from_fn(server_fn_error_status))
        .layer(middleware::from_fn_with_state(
            Arc::new(crate::same_origin::OwnOrigin::new(
                &state.settings.public_url,
                state.settings.env == DeployEnv::Dev,
            )),
            crate::same_origin::guard,
        ));

    router = security_headers(router, secure, state.settings.env == DeployEnv::Dev);
    router
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request<Body>| {
                    // The path only, with customer tokens masked; never the query string,
                    // which can carry names and e-mail addresses in filters.
                    tracing::info_span!("request", method = %req.method(), path = %redact_path(req.uri().path()))
                })
                .on_response(
                    |res: &Response, latency: Duration, _span: &tracing::Span| {
                        tracing::info!(status = res.status().as_u16(), ms = latency.as_millis() as u64, "response");
                    },
                ),
        )
        .with_state(web)
}

/// What the router's handlers extract: the backend's state, and the site Leptos serves.
#[derive(Clone, FromRef)]
pub struct WebState {
    pub app: AppState,
    pub site: LeptosOptions,
}

/// The names of the site's style sheet and bundles (`asset-manifest.json` of the
/// release build, or cargo-leptos' own names in development).
pub fn site_assets(options: &LeptosOptions) -> Result<Assets, app::shell::assets::AssetsError> {
    Assets::for_site(
        std::path::Path::new(&*options.site_root),
        &options.site_pkg_dir,
        &options.output_name,
    )
}

/// The bundles and the style sheet as the build compressed them, once and at brotli's
/// best (`.br`, `.gz` beside each file): serving one costs a file read, not a
/// compression. Only these static files are compressed; pages, which carry personal data
/// next to what visitors type, never are (BREACH).
fn bundle_files(options: &LeptosOptions) -> tower_http::services::ServeDir {
    let dir = std::path::Path::new(&*options.site_root).join(&*options.site_pkg_dir);
    tower_http::services::ServeDir::new(dir)
        .precompressed_br()
        .precompressed_gzip()
}

async fn server_fn(state: AppState, req: Request<Body>) -> impl IntoResponse {
    leptos_axum::handle_server_fns_with_context(move || provide_context(state.clone()), req).await
}

/// Leptos answers every server-function error with 500; this sets the status from the
/// `AppError` in the body (422 for bad input, 404, 403, …), so API clients, logs and
/// monitoring can tell a typing mistake from a failure.
async fn server_fn_error_status(req: Request<Body>, next: Next) -> Response {
    let is_server_fn =
        req.uri().path().starts_with("/api/") && !req.uri().path().starts_with("/api/v1/");
    let res = next.run(req).await;
    if !is_server_fn || res.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    // Error bodies are a few hundred bytes of JSON; anything bigger is not one of ours.
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "").into_response();
    };
    if let Ok(err) = serde_json::from_slice::<datacheck_core::error::AppError>(&bytes) {
        parts.status = err.status();
        if parts.status == StatusCode::SERVICE_UNAVAILABLE {
            parts
                .headers
                .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Customer links carry their token in the path: logs show its place, not its value.
pub fn redact_path(path: &str) -> String {
    for prefix in ["/c/", "/p/", "/u/"] {
        if let Some(rest) = path.strip_prefix(prefix) {
            let tail = rest
                .split_once('/')
                .map(|(_, t)| format!("/{t}"))
                .unwrap_or_default();
            return format!("{prefix}<token>{tail}");
        }
    }
    path.to_string()
}

fn security_headers(router: Router<WebState>, secure: bool, live_reload: bool) -> Router<WebState> {
    let mut router = router
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        // Only the dev mailbox's mail view sets its own (SAMEORIGIN).
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
        ))
        .layer(middleware::from_fn_with_state(
            Arc::new(crate::page_policy::PagePolicy::new(live_reload)),
            crate::page_policy::apply,
        ));
    if secure {
        router = router.layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        ));
    }
    router
}

/// How long browsers keep what they get. Hashed bundle files never change under their
/// name: a year, without asking again. Other files (unhashed names in development, the
/// icon) are asked about again each time. Pages and server-function answers carry
/// personal data: browsers must not store them. Customer pages also never tell the next
/// site where the visitor came from (the token is in the path).
async fn cache_control(State(assets): State<Arc<Assets>>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let is_file = path.starts_with("/pkg/") || path == "/favicon.svg";
    let immutable = assets.is_immutable(path);
    let is_portal = path.starts_with("/c/") || path.starts_with("/p/");
    let mut res = next.run(req).await;
    if is_portal {
        res.headers_mut().insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
    }
    let policy = match (is_file, immutable) {
        (_, true) if res.status().is_success() || res.status() == StatusCode::NOT_MODIFIED => {
            "public, max-age=31536000, immutable"
        }
        (true, _) => "no-cache",
        (false, _) => "no-store",
    };
    if !res.headers().contains_key(header::CACHE_CONTROL) {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    res
}

/// A staff page that could not be served because its session could not be read: the
/// error's own words (for an outage, that the database is unavailable and to try again),
/// with 503 and `Retry-After` when trying again is all it takes.
fn staff_page_failed(e: datacheck_core::error::AppError) -> Response {
    let status = e.status();
    let mut res = (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("{e}\n"),
    )
        .into_response();
    if status == StatusCode::SERVICE_UNAVAILABLE {
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
    }
    res
}

/// Staff pages need a session: without one, a page load goes to the sign-in page (and
/// back afterwards); with a temporary password, to the password page. Server functions
/// check for themselves, so this guard is about pages, not about security of data.
async fn staff_guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let is_page = req.method() == Method::GET || req.method() == Method::HEAD;
    if !is_page || !(path == "/staff" || path.starts_with("/staff/")) {
        return next.run(req).await;
    }
    let staff = match auth::staff_for_headers(&state.pool, &state.settings, req.headers()).await {
        Ok(s) => s,
        Err(e) => return staff_page_failed(e),
    };
    match (staff, path.as_str()) {
        (Some(_), "/staff/login") => Redirect::to("/staff/runs").into_response(),
        (None, "/staff/login") => next.run(req).await,
        (None, _) => {
            let target = match req.uri().query() {
                Some(q) => format!("{path}?{q}"),
                None => path.clone(),
            };
            let next_param: String = form_urlencoded::byte_serialize(target.as_bytes()).collect();
            Redirect::to(&format!("/staff/login?next={next_param}")).into_response()
        }
        (Some(s), p) if s.must_change_password && p != "/staff/password" => {
            Redirect::to("/staff/password").into_response()
        }
        (Some(s), "/staff/password") if !s.must_change_password => {
            Redirect::to("/staff/settings").into_response()
        }
        (Some(_), _) => next.run(req).await,
    }
}

/// The HTML part of a dev-mailbox mail, for the mail view's frame: mails carry inline
/// styles (mail clients ignore style sheets), which the pages' policy forbids, so the
/// mail gets a policy of its own that allows styles and nothing active.
async fn dev_mail_html(
    State(state): State<AppState>,
    axum::extract::Path(id): axum::extract::Path<i64>,
    headers: axum::http::HeaderMap,
) -> Response {
    if !state.settings.dev_mailbox {
        return StatusCode::NOT_FOUND.into_response();
    }
    match auth::staff_for_headers(&state.pool, &state.settings, &headers).await {
        Ok(Some(_)) => {}
        Ok(None) => return StatusCode::UNAUTHORIZED.into_response(),
        Err(_) => return StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
    match db::dev_mail::get(&state.pool, id).await {
        Ok(Some(m)) => (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (
                    header::CONTENT_SECURITY_POLICY,
                    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox",
                ),
                (header::X_FRAME_OPTIONS, "SAMEORIGIN"),
            ],
            m.html_body,
        )
            .into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(_) => StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}

async fn healthz() -> &'static str {
    "ok"
}

/// Ready when the database answers within two seconds.
async fn readyz(State(state): State<AppState>) -> Response {
    let check = tokio::time::timeout(
        Duration::from_secs(2),
        sqlx::query_scalar::<_, i32>("SELECT 1").fetch_one(&state.pool),
    )
    .await;
    match check {
        Ok(Ok(_)) => (StatusCode::OK, "ready").into_response(),
        _ => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response(),
    }
}

/// Hourly clean-up of expired sessions, old sign-in and link attempts, and reviewed
/// mutations past their retention (`retention_days`, 0 = keep). Safe with several
/// servers: each delete is idempotent.
pub fn spawn_housekeeping(
    pool: PgPool,
    retention_days: u32,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tokio::select! {
                _ = tick.tick() => {
                    let now = time::OffsetDateTime::now_utc();
                    if let Err(e) = db::staff_session::purge_expired(&pool, now).await {
                        tracing::warn!(error = %e, "purging sessions failed");
                    }
                    if let Err(e) = db::sign_in_attempt::purge_before(&pool, now - time::Duration::days(1)).await {
                        tracing::warn!(error = %e, "purging sign-in attempts failed");
                    }
                    if let Err(e) = db::link_attempt::purge(&pool, now - time::Duration::days(1)).await {
                        tracing::warn!(error = %e, "purging link attempts failed");
                    }
                    if let Err(e) = db::contact_import::expire(&pool).await {
                        tracing::warn!(error = %e, "expiring contact imports failed");
                    }
                    if retention_days > 0 {
                        match backend::mutations::purge_reviewed(&pool, retention_days).await {
                            Ok(0) => {}
                            Ok(n) => tracing::info!(purged = n, "reviewed mutations past retention deleted"),
                            Err(e) => tracing::warn!(error = %e, "purging reviewed mutations failed"),
                        }
                    }
                }
                _ = stop.changed() => break,
            }
        }
    });
}

/// Starts the outbox worker; it stops (after finishing the mails in hand) when `stop`
/// turns true.
pub fn spawn_mail_worker(
    state: &AppState,
    transport: Transport,
    stop: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    let worker = Worker::new(
        state.pool.clone(),
        state.settings.clone(),
        transport,
        WorkerConfig::default(),
    );
    tokio::spawn(worker.run(stop))
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
    spawn_housekeeping(state.pool.clone(), mutation_retention_days, stop_rx.clone());
    let webhooks = crate::webhook::Deliverer::new(
        state.pool.clone(),
        crate::webhook::WebhookConfig::default(),
    )?;
    let webhook_task = tokio::spawn(webhooks.run(stop_rx.clone()));
    let worker = mail.map(|t| spawn_mail_worker(&state, t, stop_rx));
    let pool = state.pool.clone();
    let settings: Arc<Settings> = state.settings.clone();
    tracing::info!(%addr, public_url = %settings.public_url, "listening");
    axum::serve(
        listener,
        router(state, site).into_make_service_with_connect_info::<SocketAddr>(),
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

#[cfg(test)]
mod tests {
    use super::redact_path;

    #[test]
    fn customer_tokens_never_reach_the_log() {
        assert_eq!(redact_path("/c/abcDEF123"), "/c/<token>");
        assert_eq!(redact_path("/c/abcDEF123/review"), "/c/<token>/review");
        assert_eq!(redact_path("/p/xyz"), "/p/<token>");
        assert_eq!(redact_path("/staff/runs"), "/staff/runs");
    }
}
