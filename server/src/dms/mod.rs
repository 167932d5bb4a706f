//! The DMS API, version 1, under `/api/v1`: how a dealer management system keeps
//! Datacheck's contact register in step. Every request carries an API key
//! (`Authorization: Bearer dck_…`) limited to some companies; a company outside the
//! key's scope answers 404, as if it did not exist. Errors are JSON with field-level
//! problems. The OpenAPI document at `/api/v1/openapi.json` is generated from these
//! handlers and types (utoipa), so it cannot drift from the code.

//!
//! One file per resource (contacts, mutations, consent); the key's check (`client`) and
//! the error answers (`error`) are shared.

mod client;
pub mod consent;
pub mod contacts;
mod error;
pub mod mutations;

pub use client::Client;
pub use error::{ApiError, ApiProblem};

/// The path of one contact: its company and the DMS's customer number.
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ContactPath {
    /// Company id
    pub company: i64,
    /// The DMS's customer number
    pub customer_no: String,
}

use axum::extract::FromRef;
use axum::routing::{get, post};
use axum::{Json, Router};
use backend::AppState;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Datacheck DMS API",
        version = "1",
        description = "Keeps Datacheck's contact register in step with your DMS. Contacts are \
            identified by company id and customer number. Fields a request leaves out keep \
            their value; `null` or an empty string clears one. Values are checked with the \
            same rules as the CSV import: a request with any invalid contact changes nothing \
            and answers 422 with every problem. Mutations are the customers' answers: pull \
            them oldest first with a cursor, and mark each processed or ignored once your DMS \
            has dealt with it. Consent (purposes, legal bases, history) can be read and \
            reported per contact."
    ),
    paths(contacts::get_contact, contacts::put_contact, contacts::batch_contacts, mutations::list_mutations, mutations::process_mutation, mutations::ignore_mutation, consent::get_consent, consent::post_consent, consent::preferences_link),
    components(schemas(contacts::ContactInput, contacts::ContactOutput, contacts::ContactPersonOutput, contacts::PutResult, contacts::BatchInput, contacts::BatchInputContact, contacts::BatchResult, ApiError, ApiProblem, mutations::MutationList, mutations::ApiMutation, mutations::ApiChange, mutations::ReviewResult, consent::ApiConsent, consent::ApiPurpose, consent::ApiConsentEvent, consent::ConsentInput, consent::ConsentResult, consent::PreferencesLinkResult)),
    modifiers(&BearerKey),
    security(("api_key" = []))
)]
pub struct ApiDoc;

struct BearerKey;

impl Modify for BearerKey {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("dck_<prefix>.<secret>")
                    .description(Some("A key an admin created under Settings → API keys."))
                    .build(),
            ),
        );
    }
}

pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    AppState: FromRef<S>,
{
    Router::new()
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/contacts/{company}", post(contacts::batch_contacts))
        .route("/api/v1/mutations", get(mutations::list_mutations))
        .route(
            "/api/v1/mutations/{id}/process",
            post(mutations::process_mutation),
        )
        .route(
            "/api/v1/mutations/{id}/ignore",
            post(mutations::ignore_mutation),
        )
        .route(
            "/api/v1/contacts/{company}/{customer_no}",
            get(contacts::get_contact).put(contacts::put_contact),
        )
        .route(
            "/api/v1/contacts/{company}/{customer_no}/consent",
            get(consent::get_consent).post(consent::post_consent),
        )
        .route(
            "/api/v1/contacts/{company}/{customer_no}/preferences-link",
            post(consent::preferences_link),
        )
        .layer(axum::extract::DefaultBodyLimit::max(10 * 1024 * 1024))
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// A moment as the API writes it (RFC 3339, UTC).
fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
