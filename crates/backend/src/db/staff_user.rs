use datacheck_core::wire::StaffRole;
use sqlx::{PgConnection, PgExecutor};
use time::OffsetDateTime;

pub struct SignInRow {
    pub id: i64,
    pub password_hash: String,
    pub disabled: bool,
}

pub async fn find_for_sign_in(
    exec: impl PgExecutor<'_>,
    email: &str,
) -> Result<Option<SignInRow>, sqlx::Error> {
    sqlx::query_as!(
        SignInRow,
        r#"SELECT id, password_hash, disabled_at IS NOT NULL AS "disabled!"
           FROM staff_user WHERE email = $1"#,
        email
    )
    .fetch_optional(exec)
    .await
}

pub async fn password_hash(
    exec: impl PgExecutor<'_>,
    id: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!("SELECT password_hash FROM staff_user WHERE id = $1", id)
        .fetch_optional(exec)
        .await
}

pub async fn company_ids(exec: impl PgExecutor<'_>, id: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT company_id FROM staff_company WHERE staff_user_id = $1 ORDER BY company_id",
        id
    )
    .fetch_all(exec)
    .await
}

pub struct ListRow {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: StaffRole,
    pub disabled: bool,
    pub must_change_password: bool,
    pub last_sign_in_at: Option<OffsetDateTime>,
    pub company_ids: Vec<i64>,
    pub company_names: Vec<String>,
}

pub async fn list(exec: impl PgExecutor<'_>) -> Result<Vec<ListRow>, sqlx::Error> {
    sqlx::query_as!(
        ListRow,
        r#"
        SELECT u.id, u.email, u.display_name, u.role AS "role: StaffRole",
               u.disabled_at IS NOT NULL AS "disabled!",
               u.must_change_password, u.last_sign_in_at,
               coalesce(array_agg(c.id ORDER BY c.name) FILTER (WHERE c.id IS NOT NULL), '{}')
                   AS "company_ids!",
               coalesce(array_agg(c.name ORDER BY c.name) FILTER (WHERE c.id IS NOT NULL), '{}')
                   AS "company_names!"
        FROM staff_user u
        LEFT JOIN staff_company sc ON sc.staff_user_id = u.id
        LEFT JOIN company c ON c.id = sc.company_id
        GROUP BY u.id
        ORDER BY u.disabled_at IS NOT NULL, lower(u.display_name), u.id
        "#
    )
    .fetch_all(exec)
    .await
}

pub struct Basic {
    pub id: i64,
    pub email: String,
    pub role: StaffRole,
    pub disabled: bool,
}

pub async fn get(exec: impl PgExecutor<'_>, id: i64) -> Result<Option<Basic>, sqlx::Error> {
    sqlx::query_as!(
        Basic,
        r#"SELECT id, email, role AS "role: StaffRole", disabled_at IS NOT NULL AS "disabled!"
           FROM staff_user WHERE id = $1"#,
        id
    )
    .fetch_optional(exec)
    .await
}

/// Enabled admins other than `except`: an admin may not remove the last one.
pub async fn other_enabled_admins(
    exec: impl PgExecutor<'_>,
    except: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM staff_user
           WHERE role = 'admin' AND disabled_at IS NULL AND id <> $1"#,
        except
    )
    .fetch_one(exec)
    .await
}

/// Inserts a user; `Ok(None)` when the e-mail address is already taken.
pub async fn insert(
    exec: impl PgExecutor<'_>,
    email: &str,
    display_name: &str,
    password_hash: &str,
    role: &str,
    must_change_password: bool,
) -> Result<Option<i64>, sqlx::Error> {
    let result = sqlx::query_scalar!(
        r#"INSERT INTO staff_user (email, display_name, password_hash, role, must_change_password)
           VALUES ($1, $2, $3, $4, $5) RETURNING id"#,
        email,
        display_name,
        password_hash,
        role,
        must_change_password
    )
    .fetch_one(exec)
    .await;
    match result {
        Ok(id) => Ok(Some(id)),
        Err(sqlx::Error::Database(e)) if e.constraint() == Some("staff_user_email_key") => Ok(None),
        Err(e) => Err(e),
    }
}

pub async fn set_role(exec: impl PgExecutor<'_>, id: i64, role: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE staff_user SET role = $2 WHERE id = $1", id, role)
        .execute(exec)
        .await?;
    Ok(())
}

/// Replaces the user's companies; ids that name no company are ignored by the join.
pub async fn set_companies(
    conn: &mut PgConnection,
    id: i64,
    company_ids: &[i64],
) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM staff_company WHERE staff_user_id = $1", id)
        .execute(&mut *conn)
        .await?;
    sqlx::query!(
        r#"INSERT INTO staff_company (staff_user_id, company_id)
           SELECT $1, c.id FROM company c WHERE c.id = ANY($2)"#,
        id,
        company_ids
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn set_disabled(
    exec: impl PgExecutor<'_>,
    id: i64,
    disabled: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"UPDATE staff_user
           SET disabled_at = CASE WHEN $2 THEN coalesce(disabled_at, now()) ELSE NULL END
           WHERE id = $1"#,
        id,
        disabled
    )
    .execute(exec)
    .await?;
    Ok(())
}

pub async fn set_password(
    exec: impl PgExecutor<'_>,
    id: i64,
    password_hash: &str,
    must_change_password: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE staff_user SET password_hash = $2, must_change_password = $3 WHERE id = $1",
        id,
        password_hash,
        must_change_password
    )
    .execute(exec)
    .await?;
    Ok(())
}

pub async fn record_sign_in(exec: impl PgExecutor<'_>, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE staff_user SET last_sign_in_at = now() WHERE id = $1",
        id
    )
    .execute(exec)
    .await?;
    Ok(())
}

pub async fn count(exec: impl PgExecutor<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM staff_user"#)
        .fetch_one(exec)
        .await
}
