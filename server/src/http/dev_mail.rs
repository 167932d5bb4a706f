//! The dev mailbox's mail view (development only, no SMTP configured).

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use backend::mail::dev_mailbox;
use backend::{AppState, auth};
use datacheck_core::error::AppError;

/// The HTML part of a dev-mailbox mail, for the mail view's frame: mails carry inline
/// styles (mail clients ignore style sheets), which the pages' policy forbids, so the
/// mail gets a policy of its own that allows styles and nothing active.
pub async fn html(
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
    match dev_mailbox::html(&state, id).await {
        Ok(html) => (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (
                    header::CONTENT_SECURITY_POLICY,
                    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox",
                ),
                (header::X_FRAME_OPTIONS, "SAMEORIGIN"),
            ],
            html,
        )
            .into_response(),
        Err(e) => {
            let err: AppError = e.into();
            err.status().into_response()
        }
    }
}
