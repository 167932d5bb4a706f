//! `GET /staff/contacts/{id}/export.json`: everything Datacheck holds on one contact, as
//! a file to hand to the person who asked (GDPR art. 15). A plain link, so the browser
//! downloads it in one click.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use backend::{AppState, auth, data_request};
use datacheck_core::wire::ContactId;

pub async fn export(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Response {
    let staff = match auth::staff_for_headers(&state.pool, &state.settings, &headers).await {
        Ok(Some(s)) if !s.must_change_password => s,
        _ => {
            let next = format!("/staff/login?next=%2Fstaff%2Fcontacts%2F{id}");
            return Redirect::to(&next).into_response();
        }
    };
    let doc = match data_request::export(&state, &staff.scope, &staff.actor(), ContactId(id))
        .await
        .map_err(datacheck_core::error::AppError::from)
    {
        Ok(d) => d,
        Err(datacheck_core::error::AppError::NotFound) => {
            return (StatusCode::NOT_FOUND, "Not found.").into_response();
        }
        Err(e) => return (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    };
    let body = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    let mut response = body.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(v) =
        HeaderValue::from_str(&format!("attachment; filename=\"contact-{id}-data.json\""))
    {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}
