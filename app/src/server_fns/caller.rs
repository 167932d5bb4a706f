//! Who is asking: what a server function reads from the request it answers before it
//! calls the backend. The backend knows nothing of Leptos; this is where the request's
//! context (its headers, its peer, its response) meets it.

use backend::auth::{self, Staff};
use backend::{AppState, Settings};
use datacheck_core::error::AppError;

/// The server's state, inside a server function or a page rendered on the server.
pub fn state() -> Result<AppState, AppError> {
    leptos::prelude::use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the Leptos context");
        AppError::Internal
    })
}

/// Adds a `Set-Cookie` header to the current server function's or page's response.
pub fn set_cookie_on_response(cookie: &str) -> Result<(), AppError> {
    let response = leptos::prelude::expect_context::<leptos_axum::ResponseOptions>();
    let value = http::HeaderValue::from_str(cookie).map_err(|e| {
        tracing::error!(error = %e, "a session cookie that is no header value");
        AppError::Internal
    })?;
    response.append_header(http::header::SET_COOKIE, value);
    Ok(())
}

/// The signed-in staff user of the current request, if any (server functions and SSR).
pub async fn current_staff() -> Result<Option<Staff>, AppError> {
    let state = state()?;
    let Some(parts) = leptos::prelude::use_context::<http::request::Parts>() else {
        return Ok(None);
    };
    Ok(auth::staff_for_headers(&state.pool, &state.settings, &parts.headers).await?)
}

/// A signed-in staff user who has chosen their own password: what nearly every server
/// function starts with.
pub async fn require_staff() -> Result<Staff, AppError> {
    let staff = current_staff().await?.ok_or(AppError::Unauthenticated)?;
    if staff.must_change_password {
        return Err(AppError::Invalid {
            field: None,
            message: "Choose your own password first.".into(),
        });
    }
    Ok(staff)
}

/// Like `require_staff`, but also for users who still have a temporary password.
pub async fn require_staff_even_with_temporary_password() -> Result<Staff, AppError> {
    current_staff().await?.ok_or(AppError::Unauthenticated)
}

pub async fn require_admin() -> Result<Staff, AppError> {
    let staff = require_staff().await?;
    if !staff.is_admin() {
        return Err(AppError::Forbidden);
    }
    Ok(staff)
}

/// `client_hash` for the request a server function is answering.
pub async fn request_client_hash(settings: &Settings) -> Result<Vec<u8>, AppError> {
    use axum::extract::ConnectInfo;
    let parts = leptos::prelude::use_context::<http::request::Parts>().ok_or_else(|| {
        tracing::error!("the request's parts missing from the Leptos context");
        AppError::Internal
    })?;
    let peer = leptos_axum::extract::<ConnectInfo<std::net::SocketAddr>>()
        .await
        .ok()
        .map(|ConnectInfo(a)| a);
    Ok(auth::client_hash(settings, &parts.headers, peer))
}

/// Gives a server function's error response the error's own status (422 for bad input,
/// 404, 403, 503 with `Retry-After`, …) instead of the 500 server functions answer every
/// error with, so API clients, logs and monitoring can tell a typing mistake from a
/// failure. A plain form post keeps the redirect back to its page that Leptos gives it.
pub fn answer_errors_with_their_status() {
    datacheck_core::error::when_answering(|err| {
        let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() else {
            return;
        };
        let plain_form_post =
            leptos::prelude::use_context::<http::request::Parts>().is_some_and(|parts| {
                parts.headers.contains_key(http::header::REFERER)
                    && parts
                        .headers
                        .get(http::header::ACCEPT)
                        .and_then(|v| v.to_str().ok())
                        .is_some_and(|v| v.contains("text/html"))
            });
        if plain_form_post {
            return;
        }
        let status = err.status();
        response.set_status(status);
        if status == http::StatusCode::SERVICE_UNAVAILABLE {
            response.insert_header(
                http::header::RETRY_AFTER,
                http::HeaderValue::from_static("30"),
            );
        }
    });
}
