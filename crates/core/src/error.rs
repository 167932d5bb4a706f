//! The one error type that crosses the wire from server functions to components.
//!
//! Its messages are written for the person reading them. Database and other internal
//! failures become `Internal`, whose text says nothing about the cause: the detail goes
//! to the server log (without personal data), never to a browser.

use serde::{Deserialize, Serialize};
use server_fn::Bytes;
use server_fn::Encodes;
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};
use std::sync::OnceLock;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Please sign in to continue.")]
    Unauthenticated,
    #[error("You do not have access to this.")]
    Forbidden,
    #[error("Not found.")]
    NotFound,
    /// Bad input: `field` names the form field the message belongs next to.
    #[error("{message}")]
    Invalid {
        field: Option<String>,
        message: String,
    },
    /// Bad input in several fields at once (a template in two languages).
    #[error("{}", .0.first().map(|p| p.message.as_str()).unwrap_or("Check the form."))]
    Fields(Vec<FieldMessage>),
    #[error("Too many failed sign-in attempts. Try again in {minutes} minute(s).")]
    Throttled { minutes: i64 },
    #[error("{0}")]
    Conflict(String),
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
    /// The database cannot be reached (down, restarting, or every connection busy):
    /// nothing was changed, and the same request may simply be sent again.
    #[error(
        "The database is unavailable just now; nothing was changed. Please try again in a minute."
    )]
    Unavailable,
    /// Transport problems (offline, timeouts) reported by the server-function layer.
    #[error("The server could not be reached: {0}")]
    Transport(String),
}

impl AppError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid {
            field: Some(field.to_string()),
            message: message.into(),
        }
    }

    /// The HTTP status a server function answers with this error.
    pub fn status(&self) -> http::StatusCode {
        use http::StatusCode as S;
        match self {
            AppError::Unauthenticated => S::UNAUTHORIZED,
            AppError::Forbidden => S::FORBIDDEN,
            AppError::NotFound => S::NOT_FOUND,
            AppError::Invalid { .. } | AppError::Fields(_) => S::UNPROCESSABLE_ENTITY,
            AppError::Throttled { .. } => S::TOO_MANY_REQUESTS,
            AppError::Conflict(_) => S::CONFLICT,
            AppError::Internal => S::INTERNAL_SERVER_ERROR,
            AppError::Unavailable => S::SERVICE_UNAVAILABLE,
            AppError::Transport(_) => S::BAD_GATEWAY,
        }
    }

    /// The message for a form field, when this error belongs to that field.
    pub fn for_field(&self, name: &str) -> Option<String> {
        match self {
            AppError::Invalid {
                field: Some(f),
                message,
            } if f == name => Some(message.clone()),
            AppError::Fields(list) => {
                let found: Vec<&str> = list
                    .iter()
                    .filter(|p| p.field == name)
                    .map(|p| p.message.as_str())
                    .collect();
                (!found.is_empty()).then(|| found.join("\n"))
            }
            _ => None,
        }
    }
}

/// One message for one form field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldMessage {
    pub field: String,
    pub message: String,
}

/// What the server does, besides encoding it, when it answers a server function with an
/// error. Server functions answer every error with 500; the server sets this once, at
/// start-up, so the response carries the error's own status (see `AppError::status`).
/// The browser never answers, so it has none.
static ANSWERING: OnceLock<fn(&AppError)> = OnceLock::new();

/// Sets what answering with an error does; the first call wins.
pub fn when_answering(hook: fn(&AppError)) {
    let _ = ANSWERING.set(hook);
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn ser(&self) -> Bytes {
        if let Some(hook) = ANSWERING.get() {
            hook(self);
        }
        // The enum holds strings and numbers only, so encoding does not fail; if it ever
        // did, the browser would still read an error it knows.
        JsonEncoding::encode(self).unwrap_or_else(|_| Bytes::from_static(br#""Internal""#))
    }

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(msg) | ServerFnErrorErr::Deserialization(msg) => {
                AppError::Invalid {
                    field: None,
                    message: format!("The form could not be read: {msg}"),
                }
            }
            ServerFnErrorErr::Request(msg) | ServerFnErrorErr::Response(msg) => {
                AppError::Transport(msg)
            }
            _ => AppError::Internal,
        }
    }
}
