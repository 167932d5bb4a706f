//! Sign-in throttling, per account and per client address, counted in PostgreSQL so that
//! it holds across several server processes.

use crate::Error;
use crate::db;
use datacheck_core::error::AppError;
use sqlx::PgPool;
use time::{Duration, OffsetDateTime};

pub const WINDOW: Duration = Duration::minutes(15);
/// Failed sign-ins for one e-mail address within the window before it is locked.
pub const PER_ACCOUNT: i64 = 5;
/// Failed sign-ins from one client address within the window (an office behind one
/// NAT address shares it, so it is higher).
pub const PER_CLIENT: i64 = 20;

/// Refuses with `Throttled` when either counter is full; otherwise lets the attempt in.
pub async fn check(
    pool: &PgPool,
    email: &str,
    client_hash: &[u8],
    now: OffsetDateTime,
) -> Result<(), Error> {
    let since = now - WINDOW;
    let counts = db::sign_in_attempt::failures_since(pool, email, client_hash, since).await?;
    let full = [
        (counts.by_email, PER_ACCOUNT, counts.oldest_email),
        (counts.by_client, PER_CLIENT, counts.oldest_client),
    ];
    for (count, limit, oldest) in full {
        if count >= limit {
            // The lock lifts when the oldest counted failure leaves the window.
            let free_at = oldest.unwrap_or(now) + WINDOW;
            let minutes = ((free_at - now).whole_seconds() + 59) / 60;
            return Err(AppError::Throttled {
                minutes: minutes.max(1),
            }
            .into());
        }
    }
    Ok(())
}

pub async fn record(
    pool: &PgPool,
    email: &str,
    client_hash: &[u8],
    succeeded: bool,
) -> Result<(), Error> {
    db::sign_in_attempt::insert(pool, email, client_hash, succeeded).await?;
    Ok(())
}
