//! The staff pages' door: no session, no page.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use backend::{AppState, auth};

/// A staff page that could not be served because its session could not be read: the
/// error's own words (for an outage, that the database is unavailable and to try again),
/// with 503 and `Retry-After` when trying again is all it takes.
fn staff_page_failed(e: impl Into<datacheck_core::error::AppError>) -> Response {
    let e = e.into();
    let status = e.status();
    let mut res = (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("{e}\n"),
    )
        .into_response();
    if status == StatusCode::SERVICE_UNAVAILABLE {
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
    }
    res
}

/// Staff pages need a session: without one, a page load goes to the sign-in page (and
/// back afterwards); with a temporary password, to the password page. Server functions
/// check for themselves, so this guard is about pages, not about security of data.
pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let is_page = req.method() == Method::GET || req.method() == Method::HEAD;
    if !is_page || !(path == "/staff" || path.starts_with("/staff/")) {
        return next.run(req).await;
    }
    let staff = match auth::staff_for_headers(&state.pool, &state.settings, req.headers()).await {
        Ok(s) => s,
        Err(e) => return staff_page_failed(e),
    };
    match (staff, path.as_str()) {
        (Some(_), "/staff/login") => Redirect::to("/staff/runs").into_response(),
        (None, "/staff/login") => next.run(req).await,
        (None, _) => {
            let target = match req.uri().query() {
                Some(q) => format!("{path}?{q}"),
                None => path.clone(),
            };
            let next_param: String = form_urlencoded::byte_serialize(target.as_bytes()).collect();
            Redirect::to(&format!("/staff/login?next={next_param}")).into_response()
        }
        (Some(s), p) if s.must_change_password && p != "/staff/password" => {
            Redirect::to("/staff/password").into_response()
        }
        (Some(s), "/staff/password") if !s.must_change_password => {
            Redirect::to("/staff/settings").into_response()
        }
        (Some(_), _) => next.run(req).await,
    }
}
