//! Posts to the lasting preferences page (`POST /p/{token}`) and one-click unsubscribe
//! (`/u/{token}`). The server decides (`backend::preferences`); a saved form sends
//! the browser on with 303, so a reload cannot post it twice.

use super::customer_page;
use app::pages::portal::root::CustomerPage;
use app::shell::assets::Assets;
use axum::Extension;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use backend::{AppState, preferences};
use leptos::config::LeptosOptions;
use std::sync::Arc;

/// A form of this page is small; anything far bigger is not one.
const BODY_LIMIT: usize = 64 * 1024;

async fn read_form(
    req: Request<Body>,
) -> Result<(axum::http::request::Parts, Vec<(String, String)>), Response> {
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        return Err(StatusCode::PAYLOAD_TOO_LARGE.into_response());
    };
    Ok((parts, form_urlencoded::parse(&bytes).into_owned().collect()))
}

pub async fn post(
    State(state): State<AppState>,
    State(site): State<LeptosOptions>,
    Extension(assets): Extension<Arc<Assets>>,
    Path(token): Path<String>,
    req: Request<Body>,
) -> Response {
    let (mut parts, pairs) = match read_form(req).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let client = customer_page::client(&state, &parts);
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
        Err(e) => return customer_page::failed(&state, &site, assets, parts, e, pairs).await,
    };
    // Invalid or throttled: the page as a GET of the same address shows it.
    parts.method = Method::GET;
    customer_page::render(
        &state,
        &site,
        assets,
        Request::from_parts(parts, Body::empty()),
        CustomerPage::Preferences(shown),
    )
    .await
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
    let client = customer_page::client(&state, &parts);
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
        Err(e) => customer_page::failed_plainly(e),
    }
}
