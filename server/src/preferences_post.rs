//! Posts to the lasting preferences page (`POST /p/{token}`) and one-click unsubscribe
//! (`/u/{token}`). The server decides (`app::server::preferences`); a saved form sends
//! the browser on with 303, so a reload cannot post it twice.

use app::pages::portal::preferences::PreferencesPosted;
use app::server::assets::Assets;
use app::server::{AppState, auth, portal, preferences};
use axum::Extension;
use axum::body::Body;
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use std::net::SocketAddr;
use std::sync::Arc;

/// A form of this page is small; anything far bigger is not one.
const BODY_LIMIT: usize = 64 * 1024;

fn client(state: &AppState, headers: &HeaderMap, req_peer: Option<SocketAddr>) -> portal::Client {
    portal::Client {
        hash: auth::client_hash(&state.settings, headers, req_peer),
    }
}

async fn read_form(
    req: Request<Body>,
) -> Result<(axum::http::request::Parts, Vec<(String, String)>), Response> {
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        return Err(StatusCode::PAYLOAD_TOO_LARGE.into_response());
    };
    Ok((parts, form_urlencoded::parse(&bytes).into_owned().collect()))
}

fn peer(parts: &axum::http::request::Parts) -> Option<SocketAddr> {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(a)| *a)
}

fn failed(e: app::error::AppError) -> Response {
    tracing::error!(error = %e, "preferences post failed");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong. Please try again.",
    )
        .into_response()
}

pub async fn post(
    State(state): State<AppState>,
    Extension(assets): Extension<Arc<Assets>>,
    Path(token): Path<String>,
    req: Request<Body>,
) -> Response {
    let (mut parts, pairs) = match read_form(req).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let client = client(&state, &parts.headers, peer(&parts));
    let shown = match preferences::post(&state, &token, &pairs, &client).await {
        Ok(preferences::Posting::SeeOther(to)) => return Redirect::to(&to).into_response(),
        Ok(preferences::Posting::Refused) => {
            return (
                StatusCode::BAD_REQUEST,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                "Dit formulier is buiten de pagina aangepast; er is niets opgeslagen. Open de link opnieuw.\n\
                 This form was changed outside the page; nothing was saved. Open the link again.\n",
            )
                .into_response();
        }
        Ok(preferences::Posting::Show(s)) => s,
        Err(e) => return failed(e),
    };
    // Invalid or throttled: the page as a GET of the same address shows it.
    let status = preferences::status(&shown);
    parts.method = Method::GET;
    let mut res = crate::customer_page::render(
        &state,
        assets,
        axum::http::Request::from_parts(parts, Body::empty()),
        move || leptos::prelude::provide_context(PreferencesPosted(shown.clone())),
    )
    .await;
    *res.status_mut() = status;
    res
}

/// `GET /u/{token}`: mail scanners follow links, so a GET only shows the page.
pub async fn unsubscribe_page(Path(token): Path<String>) -> Redirect {
    Redirect::to(&format!("/p/{token}"))
}

/// `POST /u/{token}` with `List-Unsubscribe=One-Click` (RFC 8058): withdraws e-marketing
/// consent, no page and no confirmation.
pub async fn one_click(
    State(state): State<AppState>,
    Path(token): Path<String>,
    req: Request<Body>,
) -> Response {
    let (parts, pairs) = match read_form(req).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    if !pairs
        .iter()
        .any(|(k, v)| k == "List-Unsubscribe" && v == "One-Click")
    {
        return (
            StatusCode::BAD_REQUEST,
            "Expected the body List-Unsubscribe=One-Click (RFC 8058).\n",
        )
            .into_response();
    }
    let client = client(&state, &parts.headers, peer(&parts));
    match preferences::one_click(&state, &token, &client).await {
        Ok(preferences::OneClick::Done) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "U bent afgemeld. You are unsubscribed.\n",
        )
            .into_response(),
        Ok(preferences::OneClick::Invalid) => {
            (StatusCode::NOT_FOUND, "This link is not valid.\n").into_response()
        }
        Ok(preferences::OneClick::Throttled) => (
            StatusCode::TOO_MANY_REQUESTS,
            "Too many invalid links from this address; try again later.\n",
        )
            .into_response(),
        Err(e) => failed(e),
    }
}
