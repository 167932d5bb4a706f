//! Who is calling: the DMS behind an API key.

use super::error::from_app;
use axum::extract::{FromRef, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::Response;
use backend::AppState;
use backend::api_keys::{self, ApiClient};

/// The calling DMS, from its key.
pub struct Client(pub ApiClient);

impl<S> FromRequestParts<S> for Client
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let header = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        api_keys::authenticate(&state.pool, header)
            .await
            .map(Client)
            .map_err(from_app)
    }
}
