//! `POST /staff/contacts/import`: the CSV upload, as a plain multipart form post, so it
//! works before the page is hydrated and a large file streams into the request body
//! instead of a server-function argument. On success it redirects to the new import's
//! page; on a problem, back to the upload page with the message.

use axum::extract::{Multipart, State};
use axum::http::HeaderMap;
use axum::response::Redirect;
use backend::{AppState, auth, import};

/// The biggest upload accepted (the import refuses files over 50 MB with a message;
/// this leaves room for the multipart envelope).
pub const BODY_LIMIT: usize = 52 * 1024 * 1024;

pub async fn upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Redirect {
    let back = |message: &str| {
        let q = form_urlencoded::Serializer::new(String::new())
            .append_pair("error", message)
            .finish();
        Redirect::to(&format!("/staff/contacts/import?{q}"))
    };
    let staff = match auth::staff_for_headers(&state.pool, &state.settings, &headers).await {
        Ok(Some(s)) if !s.must_change_password => s,
        _ => return Redirect::to("/staff/login?next=%2Fstaff%2Fcontacts%2Fimport"),
    };
    let mut company: Option<i64> = None;
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("company") => {
                    company = field.text().await.ok().and_then(|t| t.trim().parse().ok())
                }
                Some("file") => {
                    let name = field.file_name().unwrap_or("upload.csv").to_string();
                    match field.bytes().await {
                        Ok(bytes) => file = Some((name, bytes.to_vec())),
                        Err(_) => {
                            return back(
                                "The file could not be received; it may be larger than 50 MB.",
                            );
                        }
                    }
                }
                _ => {}
            },
            Ok(None) => break,
            Err(_) => return back("The upload could not be read; it may be larger than 50 MB."),
        }
    }
    let Some(company) = company else {
        return back("Choose a company.");
    };
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return back("Choose a CSV file to upload.");
    };
    match import::upload(&state.pool, &staff, company, &name, &bytes).await {
        Ok(id) => Redirect::to(&format!("/staff/contacts/import/{id}")),
        Err(e) => back(&e.to_string()),
    }
}
