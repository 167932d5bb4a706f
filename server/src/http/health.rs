//! Liveness and readiness for load balancers and orchestrators.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use backend::AppState;
use std::time::Duration;

pub async fn healthz() -> &'static str {
    "ok"
}

/// Ready when the database answers within two seconds.
pub async fn readyz(State(state): State<AppState>) -> Response {
    let check =
        tokio::time::timeout(Duration::from_secs(2), backend::db::answers(&state.pool)).await;
    match check {
        Ok(Ok(_)) => (StatusCode::OK, "ready").into_response(),
        _ => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response(),
    }
}
