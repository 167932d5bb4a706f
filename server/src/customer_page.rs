//! Renders the customer pages (`/c/{token}`, `/p/{token}`) in their own document, which
//! loads the customer bundle rather than the staff app's: the GET of either address, and
//! the page a form post shows with its outcome.

use app::server::AppState;
use app::server::assets::Assets;
use axum::Extension;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use leptos::prelude::provide_context;
use std::sync::Arc;

/// `GET /c/{token}` and `GET /p/{token}`.
pub async fn get(
    State(state): State<AppState>,
    Extension(assets): Extension<Arc<Assets>>,
    req: Request<Body>,
) -> Response {
    render(&state, assets, req, || ()).await
}

/// The customer page for `req`'s address; `posted` provides what a form post led to.
pub async fn render(
    state: &AppState,
    assets: Arc<Assets>,
    req: Request<Body>,
    posted: impl Fn() + Clone + Send + Sync + 'static,
) -> Response {
    let options = state.leptos_options.clone();
    let state = state.clone();
    let render = leptos_axum::render_app_async_with_context(
        move || {
            provide_context(state.clone());
            posted();
        },
        move || app::shell::customer_document(options.clone(), &assets),
    );
    render(req).await
}
