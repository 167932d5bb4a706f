//! Server-function errors with their own status codes.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Leptos answers every server-function error with 500; this sets the status from the
/// `AppError` in the body (422 for bad input, 404, 403, …), so API clients, logs and
/// monitoring can tell a typing mistake from a failure.
pub async fn set_status(req: Request<Body>, next: Next) -> Response {
    let is_server_fn =
        req.uri().path().starts_with("/api/") && !req.uri().path().starts_with("/api/v1/");
    let res = next.run(req).await;
    if !is_server_fn || res.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    // Error bodies are a few hundred bytes of JSON; anything bigger is not one of ours.
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "").into_response();
    };
    if let Ok(err) = serde_json::from_slice::<datacheck_core::error::AppError>(&bytes) {
        parts.status = err.status();
        if parts.status == StatusCode::SERVICE_UNAVAILABLE {
            parts
                .headers
                .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}
