use datacheck_core::wire::StaffRole;
use sqlx::PgExecutor;
use time::OffsetDateTime;

pub async fn insert(
    exec: impl PgExecutor<'_>,
    id_hash: &[u8],
    staff_user_id: i64,
    expires_at: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO staff_session (id_hash, staff_user_id, expires_at) VALUES ($1, $2, $3)",
        id_hash,
        staff_user_id,
        expires_at
    )
    .execute(exec)
    .await?;
    Ok(())
}

pub struct LiveSession {
    pub staff_user_id: i64,
    pub email: String,
    pub display_name: String,
    pub role: StaffRole,
    pub must_change_password: bool,
    pub last_seen_at: OffsetDateTime,
}

/// The session and its user, when the session has not expired and the user is enabled.
pub async fn find_live(
    exec: impl PgExecutor<'_>,
    id_hash: &[u8],
    now: OffsetDateTime,
) -> Result<Option<LiveSession>, sqlx::Error> {
    sqlx::query_as!(
        LiveSession,
        r#"
        SELECT s.staff_user_id, u.email, u.display_name, u.role AS "role: StaffRole",
               u.must_change_password,
               s.last_seen_at
        FROM staff_session s JOIN staff_user u ON u.id = s.staff_user_id
        WHERE s.id_hash = $1 AND s.expires_at > $2 AND u.disabled_at IS NULL
        "#,
        id_hash,
        now
    )
    .fetch_optional(exec)
    .await
}

pub async fn touch(
    exec: impl PgExecutor<'_>,
    id_hash: &[u8],
    now: OffsetDateTime,
    expires_at: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE staff_session SET last_seen_at = $2, expires_at = $3 WHERE id_hash = $1",
        id_hash,
        now,
        expires_at
    )
    .execute(exec)
    .await?;
    Ok(())
}

pub async fn delete(exec: impl PgExecutor<'_>, id_hash: &[u8]) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM staff_session WHERE id_hash = $1", id_hash)
        .execute(exec)
        .await?;
    Ok(())
}

/// Ends every session of a user: on disabling them or when their password changes.
pub async fn delete_for_user(
    exec: impl PgExecutor<'_>,
    staff_user_id: i64,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query!(
        "DELETE FROM staff_session WHERE staff_user_id = $1",
        staff_user_id
    )
    .execute(exec)
    .await?
    .rows_affected())
}

pub async fn purge_expired(
    exec: impl PgExecutor<'_>,
    now: OffsetDateTime,
) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query!("DELETE FROM staff_session WHERE expires_at <= $1", now)
            .execute(exec)
            .await?
            .rows_affected(),
    )
}
