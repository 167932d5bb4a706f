//! Renders the customer pages (`/c/{token}`, `/p/{token}`) in their own document, which
//! loads the customer bundle rather than the staff app's. The server decides what the
//! page shows first (what the link opens, or what a form post led to) and renders that
//! (`CustomerPage`): the page calls no server function, in the server's render or in
//! the browser, and its HTTP status says what it shows.

use app::pages::portal::root::{CustomerPage, CustomerRoute};
use app::pages::portal::unavailable::Unavailable;
use app::shell::assets::Assets;
use axum::Extension;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use backend::{AppState, auth, portal, preferences};
use datacheck_core::error::AppError;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use std::net::SocketAddr;
use std::sync::Arc;

/// `GET /c/{token}` and `GET /p/{token}`.
pub async fn get(
    State(state): State<AppState>,
    State(site): State<LeptosOptions>,
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
        Ok(page) => {
            render(
                &state,
                &site,
                assets,
                Request::from_parts(parts, body),
                page,
            )
            .await
        }
        Err(e) => failed(&state, &site, assets, parts, e, Vec::new()).await,
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

/// A page the server could not decide. While the database cannot be reached, the
/// customer page says so in the form's language, with 503 and `Retry-After`; after a
/// form post it keeps what was posted (`kept`) in a form that sends it again, so nothing
/// typed is lost. Any other failure is said plainly, in both languages the pages speak.
pub async fn failed(
    state: &AppState,
    site: &LeptosOptions,
    assets: Arc<Assets>,
    mut parts: Parts,
    e: impl Into<AppError>,
    kept: Vec<(String, String)>,
) -> Response {
    let e = e.into();
    if !matches!(e, AppError::Unavailable) {
        return failed_plainly(e);
    }
    let language = kept
        .iter()
        .find(|(k, _)| k == "lang")
        .map(|(_, v)| v.clone())
        .filter(|l| l == "nl" || l == "en");
    let page = CustomerPage::Unavailable(Unavailable { language, kept });
    parts.method = Method::GET;
    render(
        state,
        site,
        assets,
        Request::from_parts(parts, Body::empty()),
        page,
    )
    .await
}

/// A failure where no page can be shown (one-click unsubscribe answers a mail provider):
/// 503 with `Retry-After` while the database is unavailable, so the sender tries again.
pub fn failed_plainly(e: impl Into<AppError>) -> Response {
    let e = e.into();
    if matches!(e, AppError::Unavailable) {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::RETRY_AFTER, RETRY_AFTER_SECS)],
            "Tijdelijk niet beschikbaar. Probeer het over een minuut opnieuw.\n\
             Temporarily unavailable. Please try again in a minute.\n",
        )
            .into_response();
    }
    tracing::error!(error = %e, "customer page failed");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        "Er ging iets mis. Probeer het opnieuw.\nSomething went wrong. Please try again.\n",
    )
        .into_response()
}

/// How long a customer is asked to wait while the database is unavailable.
const RETRY_AFTER_SECS: &str = "30";

/// `page` in the customer document for `req`'s address (a GET's, also after a post),
/// with the status that says what it shows.
pub async fn render(
    state: &AppState,
    site: &LeptosOptions,
    assets: Arc<Assets>,
    req: Request<Body>,
    page: CustomerPage,
) -> Response {
    let status = match &page {
        CustomerPage::Portal(s) => portal::status(s),
        CustomerPage::Preferences(s) => preferences::status(s),
        CustomerPage::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
    };
    let unavailable = matches!(page, CustomerPage::Unavailable(_));
    let options = site.clone();
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
    if unavailable {
        res.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from_static(RETRY_AFTER_SECS),
        );
    }
    res
}
