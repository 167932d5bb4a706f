//! Renders the customer pages (`/c/{token}`, `/p/{token}`) in their own document, which
//! loads the customer bundle rather than the staff app's. The server decides what the
//! page shows first (what the link opens, or what a form post led to) and renders that
//! (`CustomerPage`): the page calls no server function, in the server's render or in
//! the browser, and its HTTP status says what it shows.

use app::pages::portal::root::{CustomerPage, CustomerRoute};
use app::server::assets::Assets;
use app::server::{AppState, auth, portal, preferences};
use axum::Extension;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use leptos::prelude::provide_context;
use std::net::SocketAddr;
use std::sync::Arc;

/// `GET /c/{token}` and `GET /p/{token}`.
pub async fn get(
    State(state): State<AppState>,
    Extension(assets): Extension<Arc<Assets>>,
    req: Request<Body>,
) -> Response {
    let uri = req.uri();
    let Some(route) = CustomerRoute::parse(uri.path(), uri.query().unwrap_or_default()) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let (parts, body) = req.into_parts();
    let client = client(&state, &parts);
    let page = match route {
        CustomerRoute::Portal { token, lang, edit } => {
            portal::open(&state, &token, lang.as_deref(), edit, &client)
                .await
                .map(CustomerPage::Portal)
        }
        CustomerRoute::Preferences { token, lang, saved } => {
            preferences::open(&state, &token, lang.as_deref(), saved.as_deref(), &client)
                .await
                .map(CustomerPage::Preferences)
        }
    };
    match page {
        Ok(page) => render(&state, assets, Request::from_parts(parts, body), page).await,
        Err(e) => failed(e),
    }
}

/// Who is asking, as the invalid-link throttle counts them.
pub fn client(state: &AppState, parts: &Parts) -> portal::Client {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(a)| *a);
    portal::Client {
        hash: auth::client_hash(&state.settings, &parts.headers, peer),
    }
}

/// A page the server could not decide (the database failed): said plainly, in both
/// languages the pages speak.
pub fn failed(e: app::error::AppError) -> Response {
    tracing::error!(error = %e, "customer page failed");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        "Er ging iets mis. Probeer het opnieuw.\nSomething went wrong. Please try again.\n",
    )
        .into_response()
}

/// `page` in the customer document for `req`'s address (a GET's, also after a post),
/// with the status that says what it shows.
pub async fn render(
    state: &AppState,
    assets: Arc<Assets>,
    req: Request<Body>,
    page: CustomerPage,
) -> Response {
    let status = match &page {
        CustomerPage::Portal(s) => portal::status(s),
        CustomerPage::Preferences(s) => preferences::status(s),
    };
    let options = state.leptos_options.clone();
    let state = state.clone();
    let render = leptos_axum::render_app_async_with_context(
        move || {
            provide_context(state.clone());
            provide_context(page.clone());
        },
        move || app::shell::customer_document(options.clone(), &assets),
    );
    let mut res = render(req).await;
    *res.status_mut() = status;
    res
}
