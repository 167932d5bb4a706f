//! The DMS API's mutations: the customers' answers for a DMS to pull, oldest first with
//! a cursor, and marking them processed or ignored once applied. Same keys, scope and
//! error shape as the contacts part (`dms_api`).

use super::error::Failure;
use super::{ApiError, Client, rfc3339};
use axum::Json;
use axum::extract::{Path, Query, State};
use backend::{AppState, mutations};
use datacheck_core::wire::mutations::{MutationId, MutationStatus, ReviewAction};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// `new`, `processed` or `ignored`; every status when left out.
    status: Option<String>,
    /// Only mutations created at or after this moment (RFC 3339).
    since: Option<String>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Rows per page, 1 to 500 (default 100).
    limit: Option<i64>,
}

/// One changed value. `section` says what it belongs to: `field` (a contact field by
/// key), `person` (a contact person's detail), `notification` (a person's notification
/// setting), `subscription` (a subscription type by key, `yes`/`no`) or `consent`
/// (`e_marketing`: `given`/`withdrawn`).
#[derive(Serialize, Deserialize, ToSchema, Debug)]
pub struct ApiChange {
    pub section: String,
    pub field: String,
    /// The existing contact person this change is about.
    pub person_id: Option<i64>,
    /// The number of a person the customer added (1, 2, …), for `person` and
    /// `notification` changes of a new person.
    pub new_person: Option<i16>,
    /// The DMS's value when the customer answered; null is "no value".
    pub dms_value: Option<String>,
    pub submitted_value: Option<String>,
}

#[derive(Serialize, Deserialize, ToSchema, Debug)]
pub struct ApiMutation {
    pub id: i64,
    pub company_id: i64,
    pub customer_no: String,
    /// `changed`, or `unchanged` when the customer confirmed everything as correct.
    pub kind: String,
    /// `new`, `processed` or `ignored`.
    pub status: String,
    /// The run (data check) the answer came through, if it still exists.
    pub run_id: Option<i64>,
    /// `portal` (a data check), `preferences` (the contact's preferences page) or
    /// `unsubscribe` (one-click unsubscribe from a mail).
    pub source: String,
    /// The language the customer answered in, `nl` or `en`.
    pub language: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub processed_at: Option<String>,
    pub changes: Vec<ApiChange>,
}

#[derive(Serialize, Deserialize, ToSchema, Debug)]
pub struct MutationList {
    pub mutations: Vec<ApiMutation>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Serialize, Deserialize, ToSchema, Debug)]
pub struct ReviewResult {
    pub id: i64,
    /// `processed` or `ignored`.
    pub status: String,
}

/// Mutations for the key's companies, oldest first.
#[utoipa::path(
    get,
    path = "/api/v1/mutations",
    params(ListParams),
    responses(
        (status = 200, body = MutationList),
        (status = 401, body = ApiError),
        (status = 422, body = ApiError, description = "A status, since or cursor that does not parse"),
    ),
    tag = "mutations"
)]
pub async fn list_mutations(
    State(state): State<AppState>,
    Client(client): Client,
    Query(p): Query<ListParams>,
) -> Result<Json<MutationList>, Failure> {
    let invalid = |field: &str, message: &str| {
        Failure::from(datacheck_core::error::AppError::invalid(field, message))
    };
    let status = match p.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => match MutationStatus::parse(s) {
            Some(s) => Some(s),
            None => return Err(invalid("status", "Use new, processed or ignored.")),
        },
    };
    let since = match p.since.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => {
            match time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339) {
                Ok(t) => Some(t),
                Err(_) => {
                    return Err(invalid(
                        "since",
                        "Give a moment in RFC 3339, like 2026-11-23T08:00:00Z.",
                    ));
                }
            }
        }
    };
    let limit = p.limit.unwrap_or(mutations::API_PAGE);
    if !(1..=mutations::API_PAGE_MAX).contains(&limit) {
        return Err(invalid("limit", "Ask for 1 to 500 mutations per page."));
    }
    let (rows, next) = mutations::api_page(
        &state,
        &client.scope,
        status,
        since,
        p.cursor.as_deref(),
        limit,
    )
    .await?;
    Ok(Json(MutationList {
        mutations: rows
            .into_iter()
            .map(|m| ApiMutation {
                id: m.row.id,
                company_id: m.row.company_id,
                customer_no: m.row.customer_no,
                kind: m.row.answer.as_str().into(),
                source: m.row.source.as_str().into(),
                status: m.row.status.as_str().into(),
                run_id: m.row.run_id,
                language: m.row.language,
                created_at: rfc3339(m.row.created_at),
                processed_at: m.row.processed_at.map(rfc3339),
                changes: m
                    .changes
                    .into_iter()
                    .map(|c| ApiChange {
                        section: c.section.as_str().into(),
                        field: c.field_key,
                        person_id: c.person_id,
                        new_person: c.new_person,
                        dms_value: c.dms_value,
                        submitted_value: c.submitted_value,
                    })
                    .collect(),
            })
            .collect(),
        next_cursor: next,
    }))
}

async fn review(
    state: AppState,
    client: backend::api_keys::ApiClient,
    id: i64,
    action: ReviewAction,
) -> Result<Json<ReviewResult>, Failure> {
    let s = mutations::api_review(
        &state,
        &client.scope,
        &client.actor(),
        client.key_id,
        MutationId(id),
        action,
    )
    .await?;
    Ok(Json(ReviewResult {
        id,
        status: s.as_str().into(),
    }))
}

/// Marks a mutation processed: its changes are in the DMS. Asking again answers the
/// same.
#[utoipa::path(
    post,
    path = "/api/v1/mutations/{id}/process",
    params(("id" = i64, Path, description = "The mutation's id")),
    responses(
        (status = 200, body = ReviewResult),
        (status = 401, body = ApiError),
        (status = 404, body = ApiError, description = "No such mutation for this key"),
        (status = 409, body = ApiError, description = "The mutation was ignored already"),
    ),
    tag = "mutations"
)]
pub async fn process_mutation(
    State(state): State<AppState>,
    Client(client): Client,
    Path(id): Path<i64>,
) -> Result<Json<ReviewResult>, Failure> {
    review(state, client, id, ReviewAction::Process).await
}

/// Marks a mutation ignored: the DMS will not apply it. Asking again answers the same.
#[utoipa::path(
    post,
    path = "/api/v1/mutations/{id}/ignore",
    params(("id" = i64, Path, description = "The mutation's id")),
    responses(
        (status = 200, body = ReviewResult),
        (status = 401, body = ApiError),
        (status = 404, body = ApiError, description = "No such mutation for this key"),
        (status = 409, body = ApiError, description = "The mutation was processed already"),
    ),
    tag = "mutations"
)]
pub async fn ignore_mutation(
    State(state): State<AppState>,
    Client(client): Client,
    Path(id): Path<i64>,
) -> Result<Json<ReviewResult>, Failure> {
    review(state, client, id, ReviewAction::Ignore).await
}
