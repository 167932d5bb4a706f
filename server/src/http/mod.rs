//! The HTTP face of the server: the router, its middleware, and the handlers that are
//! not server functions or the DMS API (the customer pages' form posts, the file
//! up- and downloads, health checks). Handlers say who is asking and call the backend.

pub mod contact_export;
pub mod customer_page;
mod dev_mail;
mod headers;
mod health;
pub mod import_upload;
pub mod mutation_export;
pub mod page_policy;
pub mod portal_post;
pub mod preferences_post;
pub mod same_origin;
mod staff_guard;

use app::App;
use app::shell::app_document;
use app::shell::assets::Assets;
use axum::Router;
use axum::body::Body;
use axum::extract::{FromRef, Request};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use backend::{AppState, DeployEnv};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use std::sync::Arc;
use std::time::Duration;
use tower_http::trace::TraceLayer;

/// The site's files as the build named them; a manifest that cannot be read leaves the
/// unhashed names (start-up refuses such a site before this, see `site_assets`).
pub fn router(state: AppState, site: LeptosOptions) -> Router {
    let assets = Arc::new(site_assets(&site).unwrap_or_else(|e| {
        tracing::error!(error = %e, "asset manifest unreadable");
        Assets::unhashed(&site.site_pkg_dir, &site.output_name)
    }));
    app::server_fns::caller::answer_errors_with_their_status();
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
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .merge(crate::dms::router())
        .route("/staff/dev/mailbox/{id}/html", get(dev_mail::html))
        .route(
            "/staff/contacts/import",
            axum::routing::post(import_upload::upload).layer(axum::extract::DefaultBodyLimit::max(
                import_upload::BODY_LIMIT,
            )),
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
            get(customer_page::get).post(portal_post::post),
        )
        .route(
            "/p/{token}",
            get(customer_page::get).post(preferences_post::post),
        )
        .route(
            "/u/{token}",
            get(preferences_post::unsubscribe_page).post(preferences_post::one_click),
        )
        .route(
            "/staff/contacts/{id}/export.json",
            get(contact_export::export),
        )
        .route("/staff/mutations/export.csv", get(mutation_export::export))
        .nest_service("/pkg", bundle_files(&web.site))
        .fallback(leptos_axum::file_and_error_handler::<WebState, _>(
            move |options| app_document(options, &fallback_assets),
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            staff_guard::guard,
        ))
        .layer(middleware::from_fn_with_state(
            assets.clone(),
            headers::cache_control,
        ))
        .layer(axum::Extension(assets))
        .layer(middleware::from_fn_with_state(
            Arc::new(same_origin::OwnOrigin::new(
                &state.settings.public_url,
                state.settings.env == DeployEnv::Dev,
            )),
            same_origin::guard,
        ));

    router = headers::security_headers(router, secure, state.settings.env == DeployEnv::Dev);
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
