//! `GET /staff/mutations/export.csv`: the review table's filtered set as CSV, streamed.
//! A plain link rather than a server function, so the browser downloads it as a file
//! and a large export flows out in chunks while the database cursor reads on.

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use backend::{AppState, auth, mutations};
use datacheck_core::wire::mutations::MutationQuery;

pub async fn export(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let staff = match auth::staff_for_headers(&state.pool, &state.settings, &headers).await {
        Ok(Some(s)) if !s.must_change_password => s,
        _ => return Redirect::to("/staff/login?next=%2Fstaff%2Fmutations").into_response(),
    };
    let pairs: Vec<(String, String)> =
        form_urlencoded::parse(raw.as_deref().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    let query = match MutationQuery::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    {
        Ok(q) => q,
        Err(e) => return (StatusCode::BAD_REQUEST, e.to_string()).into_response(),
    };
    let chunks = match mutations::export(&state, &staff.scope, &staff.actor(), &query)
        .await
        .map_err(datacheck_core::error::AppError::from)
    {
        Ok(rx) => rx,
        Err(e @ datacheck_core::error::AppError::Invalid { .. }) => {
            return (StatusCode::BAD_REQUEST, e.to_string()).into_response();
        }
        Err(e) => return (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    };
    let body =
        axum::body::Body::from_stream(futures_util::stream::unfold(chunks, |mut rx| async move {
            rx.recv().await.map(|chunk| (chunk, rx))
        }));
    let name = format!(
        "attachment; filename=\"mutations-{}.csv\"",
        jiff::Zoned::now()
            .with_time_zone(state.settings.time_zone.clone())
            .strftime("%Y-%m-%d")
    );
    let mut response = body.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(v) = HeaderValue::from_str(&name) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}
