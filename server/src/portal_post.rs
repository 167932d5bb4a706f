//! The customer page's form posts (`POST /c/{token}`). The server decides the outcome
//! (`app::server::portal::post`); this renders it with the same Leptos page a GET
//! shows, or sends the browser on with 303 after an answer is saved, so a reload
//! cannot post it twice.

use app::pages::portal::PortalPosted;
use app::server::assets::Assets;
use app::server::{AppState, auth, portal};
use axum::Extension;
use axum::body::Body;
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::provide_context;
use std::net::SocketAddr;
use std::sync::Arc;

/// A form of this page is a few kilobytes; anything far bigger is not one.
const BODY_LIMIT: usize = 256 * 1024;

pub async fn post(
    State(state): State<AppState>,
    Extension(assets): Extension<Arc<Assets>>,
    Path(token): Path<String>,
    req: Request<Body>,
) -> Response {
    let (mut parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let pairs: Vec<(String, String)> = form_urlencoded::parse(&bytes).into_owned().collect();
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(a)| *a);
    let client = portal::Client {
        hash: auth::client_hash(&state.settings, &parts.headers, peer),
    };
    let outcome = match portal::post(&state, &token, &pairs, &client).await {
        Ok(o) => o,
        Err(e) => {
            tracing::error!(error = %e, "portal post failed");
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong. Please try again.",
            )
                .into_response();
        }
    };
    let shown = match outcome {
        portal::Posting::SeeOther(to) => return Redirect::to(&to).into_response(),
        portal::Posting::Show(s) => s,
    };
    let status = portal::status(&shown);
    // The page renders as for a GET of the same address, with the outcome in hand.
    parts.method = Method::GET;
    let mut res = crate::customer_page::render(
        &state,
        assets,
        Request::from_parts(parts, Body::empty()),
        move || provide_context(PortalPosted(shown.clone())),
    )
    .await;
    *res.status_mut() = status;
    res
}
