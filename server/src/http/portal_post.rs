//! The customer page's form posts (`POST /c/{token}`). The server decides the outcome
//! (`backend::portal::post`); this renders it with the same Leptos page a GET
//! shows, or sends the browser on with 303 after an answer is saved, so a reload
//! cannot post it twice.

use super::customer_page;
use app::pages::portal::root::CustomerPage;
use app::shell::assets::Assets;
use axum::Extension;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use backend::{AppState, portal};
use leptos::config::LeptosOptions;
use std::sync::Arc;

/// A form of this page is a few kilobytes; anything far bigger is not one.
const BODY_LIMIT: usize = 256 * 1024;

pub async fn post(
    State(state): State<AppState>,
    State(site): State<LeptosOptions>,
    Extension(assets): Extension<Arc<Assets>>,
    Path(token): Path<String>,
    req: Request<Body>,
) -> Response {
    let (mut parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let pairs: Vec<(String, String)> = form_urlencoded::parse(&bytes).into_owned().collect();
    let client = customer_page::client(&state, &parts);
    let outcome = match portal::post(&state, &token, &pairs, &client).await {
        Ok(o) => o,
        Err(e) => return customer_page::failed(&state, &site, assets, parts, e, pairs).await,
    };
    let shown = match outcome {
        portal::Posting::SeeOther(to) => return Redirect::to(&to).into_response(),
        portal::Posting::Show(s) => s,
    };
    // The page renders as for a GET of the same address, with the outcome in hand.
    parts.method = Method::GET;
    customer_page::render(
        &state,
        &site,
        assets,
        Request::from_parts(parts, Body::empty()),
        CustomerPage::Portal(shown),
    )
    .await
}
