//! The backend's error: what went wrong, with its cause, until the edge decides what the
//! person asking is told.
//!
//! A refusal (not found, bad input, a conflict) is already the answer (`AppError`) and
//! carries no cause. A failure keeps its cause (`#[source]`) and where it happened: the
//! place of the `?` that met a database error, or a sentence naming what was being
//! done. The edge (a server function, a form post, a DMS handler, a background job)
//! turns it into the answer with `into_answer`, which logs the failure there, once.
//! Logs carry places, ids and the driver's message, never personal data.

use datacheck_core::error::AppError;
use std::panic::Location;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The answer itself: nothing failed, the request was refused.
    #[error(transparent)]
    Refused(#[from] AppError),
    /// A database statement failed at `at` (the `?` that met it).
    #[error("database error at {at}: {source}")]
    Database {
        at: &'static Location<'static>,
        #[source]
        source: sqlx::Error,
    },
    /// Something that must not fail did, while `doing` what it says.
    #[error("failed while {doing}: {source}")]
    Failed {
        doing: &'static str,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl From<sqlx::Error> for Error {
    #[track_caller]
    fn from(source: sqlx::Error) -> Self {
        Error::Database {
            at: Location::caller(),
            source,
        }
    }
}

impl Error {
    /// A failure with its cause, while `doing` what it says ("encoding the run's rules").
    pub fn failed(
        doing: &'static str,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        Error::Failed {
            doing,
            source: source.into(),
        }
    }

    /// What the person asking is told. A failure is logged here with its cause and
    /// where it happened; the answer says nothing of it.
    pub fn into_answer(self) -> AppError {
        match self {
            Error::Refused(answer) => answer,
            Error::Database { at, source } if database_unavailable(&source) => {
                tracing::warn!(%at, error = %source, "database unavailable");
                AppError::Unavailable
            }
            Error::Database { at, source } => {
                tracing::error!(%at, error = %source, "database error");
                AppError::Internal
            }
            Error::Failed { doing, source } => {
                tracing::error!(error = %source, "failed while {doing}");
                AppError::Internal
            }
        }
    }
}

impl From<Error> for AppError {
    fn from(e: Error) -> Self {
        e.into_answer()
    }
}

/// Whether an error says the database could not be reached, rather than that a
/// statement failed: no connection within the pool's wait, a broken connection, or the
/// server refusing or ending connections (SQLSTATE class 08, and 57P01–57P03 while it
/// shuts down, crashes or starts up).
pub fn database_unavailable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => true,
        sqlx::Error::Tls(_) => true,
        sqlx::Error::Database(d) => d
            .code()
            .is_some_and(|c| c.starts_with("08") || matches!(&*c, "57P01" | "57P02" | "57P03")),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query_failed() -> Result<()> {
        Err(sqlx::Error::RowNotFound)?;
        Ok(())
    }

    #[test]
    fn a_database_error_keeps_its_cause_and_the_place_of_its_question_mark() {
        let e = query_failed().unwrap_err();
        let Error::Database { at, source } = &e else {
            panic!("{e:?}");
        };
        assert!(at.file().ends_with("error.rs"), "{at}");
        assert!(matches!(source, sqlx::Error::RowNotFound));
        assert!(std::error::Error::source(&e).is_some());
        assert_eq!(e.into_answer(), AppError::Internal);
    }

    /// What a test subscriber wrote.
    #[derive(Clone, Default)]
    struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_failure_is_logged_once_with_its_place_and_cause_when_it_becomes_the_answer() {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            // Passed up through the backend: nothing is logged on the way.
            let e = query_failed().unwrap_err();
            assert!(
                captured.0.lock().unwrap().is_empty(),
                "logged before the edge"
            );
            let answer = AppError::from(e);
            assert_eq!(answer, AppError::Internal);
        });
        let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        assert_eq!(log.matches("database error").count(), 1, "{log}");
        assert!(log.contains("error.rs:"), "the place: {log}");
        assert!(log.contains("no rows returned"), "the cause: {log}");
    }

    #[test]
    fn refusals_are_the_answer_and_an_unreachable_database_says_so() {
        assert_eq!(
            Error::from(AppError::NotFound).into_answer(),
            AppError::NotFound
        );
        assert_eq!(
            Error::from(sqlx::Error::PoolTimedOut).into_answer(),
            AppError::Unavailable
        );
    }
}
