//! SQL, one module per table, and one for the customer page's single read. Functions take an executor (pool, connection or
//! transaction) so callers decide the transaction; queries are checked at compile time.
//! Functions over company-owned rows take a `CompanyScope`.

pub mod api_key;
pub mod audit_event;
pub mod company;
pub mod consent_event;
pub mod contact;
pub mod contact_consent;
pub mod contact_import;
pub mod dev_mail;
pub mod dev_secret;
pub mod field_def;
pub mod link_attempt;
pub mod mutation;
pub mod outbox_mail;
pub mod portal_page;
pub mod preference_link;
pub mod run;
pub mod run_recipient;
pub mod run_reminder;
pub mod sign_in_attempt;
pub mod staff_session;
pub mod staff_user;
pub mod subscription;
pub mod webhook_delivery;

/// A write that met the unique constraint named `constraint` answers `Ok(Err(taken))`:
/// the caller learns which rule the row broke by the constraint's name, never by the
/// database's message.
pub(crate) fn unless_taken<T, E>(
    result: Result<T, sqlx::Error>,
    constraint: &str,
    taken: E,
) -> Result<Result<T, E>, sqlx::Error> {
    match result {
        Ok(v) => Ok(Ok(v)),
        Err(sqlx::Error::Database(d)) if d.constraint() == Some(constraint) => Ok(Err(taken)),
        Err(e) => Err(e),
    }
}

/// A `LIKE` pattern matching `text` anywhere, case-folded, with LIKE's own wildcards
/// in the text taken literally.
pub(crate) fn contains_pattern(text: &str) -> String {
    let escaped = text
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// The database answers a trivial query: what the readiness check asks.
pub async fn answers(exec: impl sqlx::PgExecutor<'_>) -> Result<(), sqlx::Error> {
    sqlx::query_scalar::<_, i32>("SELECT 1")
        .fetch_one(exec)
        .await
        .map(drop)
}
