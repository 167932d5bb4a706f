//! The DMS API's error answers: a code, a sentence, and for 422 every problem by
//! contact and field.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use backend::import::api::Refused;
use datacheck_core::error::AppError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An error answer: a code, a sentence, and for 422 every problem by contact and field.
#[derive(Serialize, Deserialize, ToSchema, Debug)]
pub struct ApiError {
    /// `unauthorized`, `not_found`, `invalid` or `internal`.
    pub error: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<ApiProblem>,
}

#[derive(Serialize, Deserialize, ToSchema, Debug, PartialEq, Eq)]
pub struct ApiProblem {
    /// Position of the contact in a batch (0 for a single contact).
    pub index: usize,
    pub customer_no: String,
    /// The field key, like `email` or `fuel_type`.
    pub field: String,
    pub message: String,
}

pub(super) fn error(
    status: StatusCode,
    code: &str,
    message: &str,
    problems: Vec<ApiProblem>,
) -> Response {
    (
        status,
        Json(ApiError {
            error: code.into(),
            message: message.into(),
            problems,
        }),
    )
        .into_response()
}

/// Why a request failed, as the API answers it. Handlers return it with `?`: a
/// refusal, a failure (logged once, where it becomes this answer), or problems by
/// contact and field.
pub struct Failure(Response);

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        self.0
    }
}

impl Failure {
    /// Values that are not valid: 422 with every problem.
    pub(super) fn invalid(message: &str, problems: Vec<ApiProblem>) -> Self {
        Failure(error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            message,
            problems,
        ))
    }
}

impl From<AppError> for Failure {
    fn from(e: AppError) -> Self {
        Failure(from_app(e))
    }
}

impl From<backend::Error> for Failure {
    fn from(e: backend::Error) -> Self {
        Failure(from_app(e))
    }
}

impl From<Refused> for Failure {
    fn from(r: Refused) -> Self {
        Failure(refused(r))
    }
}

/// The answer for a refusal or a failure (which `AppError::from` logs, once, here).
pub(super) fn from_app(e: impl Into<AppError>) -> Response {
    match e.into() {
        AppError::Unauthenticated => error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Send a valid, unrevoked API key: Authorization: Bearer dck_….",
            vec![],
        ),
        AppError::NotFound => not_found(),
        AppError::Conflict(message) => error(StatusCode::CONFLICT, "conflict", &message, vec![]),
        AppError::Invalid { field, message } => error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            &message,
            field
                .map(|f| {
                    vec![ApiProblem {
                        index: 0,
                        customer_no: String::new(),
                        field: f,
                        message: message.clone(),
                    }]
                })
                .unwrap_or_default(),
        ),
        _ => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Something went wrong on our side; try again.",
            vec![],
        ),
    }
}

pub(super) fn not_found() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "not_found",
        "No such company or contact for this key.",
        vec![],
    )
}

pub(super) fn refused(r: Refused) -> Response {
    match r {
        Refused::NotFound => not_found(),
        Refused::Failed(e) => from_app(e),
        Refused::Invalid(problems) => error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "Some values are not valid; nothing was changed.",
            problems
                .into_iter()
                .map(|p| ApiProblem {
                    index: p.line,
                    customer_no: p.customer_no,
                    field: p.column,
                    message: p.message,
                })
                .collect(),
        ),
    }
}
