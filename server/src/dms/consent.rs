//! The DMS API's consent part: a contact's purposes, subscriptions and consent history
//! to read, consent the DMS recorded itself (a form signed in the showroom) to report,
//! and the contact's lasting preferences link for the organisation's other mailing
//! tools. Same keys, scope and error shape as the contacts part (`dms_api`).

use super::error::Failure;
use super::{ApiError, Client, rfc3339};
use axum::Json;
use axum::extract::{Path, State};
use backend::api_keys::ApiClient;
use backend::{AppState, consent};
use datacheck_core::error::AppError;
use datacheck_core::wire::ContactId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Serialize, Deserialize, ToSchema, Debug)]
pub struct ApiPurpose {
    /// `sales_service` or `e_marketing`.
    pub purpose: String,
    /// consent, contract, legal_obligation, legitimate_interest, vital_interest or
    /// public_task.
    pub legal_basis: String,
    /// `given`, `none` or `withdrawn`.
    pub state: String,
}

#[derive(Serialize, Deserialize, ToSchema, Debug)]
pub struct ApiConsentEvent {
    pub id: i64,
    /// RFC 3339, UTC.
    pub at: String,
    /// A purpose key, or `subscription:<type key>`.
    pub purpose: String,
    pub legal_basis: String,
    pub state: String,
    /// portal, preferences, staff, api, unsubscribe, import or migration.
    pub source: String,
    /// Who or what made the change: `customer`, a staff user's e-mail, an API key.
    pub actor: String,
    /// The words the person saw or the note of who recorded it.
    pub shown_text: String,
}

#[derive(Serialize, Deserialize, ToSchema, Debug)]
pub struct ApiConsent {
    pub purposes: Vec<ApiPurpose>,
    /// The subscription types the contact is subscribed to, by key.
    pub subscriptions: Vec<String>,
    /// Whether marketing mail may go to the contact now (consent given, or legitimate
    /// interest without an objection).
    pub may_market: bool,
    /// Newest first, at most 500.
    pub history: Vec<ApiConsentEvent>,
}

#[derive(Serialize, Deserialize, ToSchema, Debug)]
pub struct ConsentInput {
    /// `sales_service` or `e_marketing`.
    pub purpose: String,
    pub legal_basis: String,
    /// `given`, `none` or `withdrawn`; only consent can be given.
    pub state: String,
    /// How the person expressed it, kept as proof (5 to 500 characters).
    pub note: String,
}

#[derive(Serialize, Deserialize, ToSchema, Debug)]
pub struct ConsentResult {
    /// False when the contact already stood so (nothing recorded).
    pub changed: bool,
}

#[derive(Serialize, Deserialize, ToSchema, Debug)]
pub struct PreferencesLinkResult {
    /// The contact's preferences page, to put in the organisation's own mailings.
    pub url: String,
}

async fn contact_id(
    state: &AppState,
    client: &ApiClient,
    company: i64,
    customer_no: &str,
) -> Result<ContactId, AppError> {
    backend::contacts::id_by_customer_no(state, &client.scope, company, customer_no)
        .await?
        .ok_or(AppError::NotFound)
}

/// A contact's purposes, subscriptions and consent history.
#[utoipa::path(
    get,
    path = "/api/v1/contacts/{company}/{customer_no}/consent",
    params(super::ContactPath),
    responses(
        (status = 200, description = "Consent now and its history", body = ApiConsent),
        (status = 401, description = "No valid key", body = ApiError),
        (status = 404, description = "No such company or contact for this key", body = ApiError),
    )
)]
pub async fn get_consent(
    State(state): State<AppState>,
    Client(client): Client,
    Path(super::ContactPath {
        company,
        customer_no,
    }): Path<super::ContactPath>,
) -> Result<Json<ApiConsent>, Failure> {
    {
        let id = contact_id(&state, &client, company, &customer_no).await?;
        let card = consent::contact_consent(&state, id).await?;
        let events = consent::events(&state, id, 500).await?;
        Ok(Json(ApiConsent {
            purposes: card
                .purposes
                .iter()
                .map(|p| ApiPurpose {
                    purpose: p.key.clone(),
                    legal_basis: p.legal_basis.as_str().into(),
                    state: p.state.as_str().into(),
                })
                .collect(),
            subscriptions: card
                .subscriptions
                .iter()
                .filter(|s| s.subscribed)
                .map(|s| s.key.clone())
                .collect(),
            may_market: card.may_market,
            history: events
                .into_iter()
                .map(|e| ApiConsentEvent {
                    id: e.id,
                    at: rfc3339(e.at),
                    purpose: e.purpose,
                    legal_basis: e.legal_basis.as_str().into(),
                    state: e.state.as_str().into(),
                    source: e.source.as_str().into(),
                    actor: e.actor,
                    shown_text: e.shown_text,
                })
                .collect(),
        }))
    }
}

/// Records consent the DMS took itself (source `api`, the key as actor). Asking twice
/// records it once.
#[utoipa::path(
    post,
    path = "/api/v1/contacts/{company}/{customer_no}/consent",
    params(super::ContactPath),
    request_body = ConsentInput,
    responses(
        (status = 200, description = "Recorded, or already so", body = ConsentResult),
        (status = 401, description = "No valid key", body = ApiError),
        (status = 404, description = "No such company or contact for this key", body = ApiError),
        (status = 422, description = "An unknown purpose, basis or state, or no note", body = ApiError),
    )
)]
pub async fn post_consent(
    State(state): State<AppState>,
    Client(client): Client,
    Path(super::ContactPath {
        company,
        customer_no,
    }): Path<super::ContactPath>,
    Json(input): Json<ConsentInput>,
) -> Result<Json<ConsentResult>, Failure> {
    let id = contact_id(&state, &client, company, &customer_no).await?;
    let changed = consent::record_for_contact(
        &state,
        &client.scope,
        &client.actor(),
        consent::Source::Api,
        id,
        &consent::Recorded {
            purpose: &input.purpose,
            legal_basis: &input.legal_basis,
            state: &input.state,
            note: &input.note,
        },
    )
    .await?;
    Ok(Json(ConsentResult { changed }))
}

/// The contact's lasting preferences link (made when there is none). Every call gives a
/// new token for the same link; revoking it on the contact page ends them all.
#[utoipa::path(
    post,
    path = "/api/v1/contacts/{company}/{customer_no}/preferences-link",
    params(super::ContactPath),
    responses(
        (status = 200, description = "The link", body = PreferencesLinkResult),
        (status = 401, description = "No valid key", body = ApiError),
        (status = 404, description = "No such company or contact for this key", body = ApiError),
    )
)]
pub async fn preferences_link(
    State(state): State<AppState>,
    Client(client): Client,
    Path(super::ContactPath {
        company,
        customer_no,
    }): Path<super::ContactPath>,
) -> Result<Json<PreferencesLinkResult>, Failure> {
    let id = contact_id(&state, &client, company, &customer_no).await?;
    let url = consent::link_for_contact(&state, &client.scope, &client.actor(), id).await?;
    Ok(Json(PreferencesLinkResult { url }))
}
