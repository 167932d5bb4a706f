use crate::scope::CompanyScope;
use datacheck_core::wire::{CompanyId, CompanyRef};
use sqlx::PgExecutor;
use time::OffsetDateTime;

pub async fn refs_in_scope(
    exec: impl PgExecutor<'_>,
    scope: &CompanyScope,
) -> Result<Vec<CompanyRef>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT id, name FROM company WHERE ($1::bigint[] IS NULL OR id = ANY($1)) ORDER BY name",
        scope.sql_filter() as Option<Vec<i64>>
    )
    .fetch_all(exec)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| CompanyRef {
            id: CompanyId(r.id),
            name: r.name,
        })
        .collect())
}

pub struct ListRow {
    pub id: i64,
    pub name: String,
    pub created_at: OffsetDateTime,
    pub contacts: i64,
    pub staff_users: i64,
}

pub async fn list_in_scope(
    exec: impl PgExecutor<'_>,
    scope: &CompanyScope,
) -> Result<Vec<ListRow>, sqlx::Error> {
    sqlx::query_as!(
        ListRow,
        r#"
        SELECT c.id, c.name, c.created_at,
               (SELECT count(*) FROM contact k WHERE k.company_id = c.id) AS "contacts!",
               (SELECT count(*) FROM staff_company s WHERE s.company_id = c.id) AS "staff_users!"
        FROM company c
        WHERE ($1::bigint[] IS NULL OR c.id = ANY($1))
        ORDER BY c.name
        "#,
        scope.sql_filter() as Option<Vec<i64>>
    )
    .fetch_all(exec)
    .await
}

pub async fn name_in_scope(
    exec: impl PgExecutor<'_>,
    scope: &CompanyScope,
    id: CompanyId,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT name FROM company WHERE id = $1 AND ($2::bigint[] IS NULL OR id = ANY($2))",
        id.0,
        scope.sql_filter() as Option<Vec<i64>>
    )
    .fetch_optional(exec)
    .await
}

/// `Ok(None)` when the name is taken.
pub async fn insert(exec: impl PgExecutor<'_>, name: &str) -> Result<Option<i64>, sqlx::Error> {
    match sqlx::query_scalar!("INSERT INTO company (name) VALUES ($1) RETURNING id", name)
        .fetch_one(exec)
        .await
    {
        Ok(id) => Ok(Some(id)),
        Err(sqlx::Error::Database(e)) if e.constraint() == Some("company_name_key") => Ok(None),
        Err(e) => Err(e),
    }
}

pub enum Renamed {
    Done,
    NotFound,
    NameTaken,
}

pub async fn rename(
    exec: impl PgExecutor<'_>,
    id: CompanyId,
    name: &str,
) -> Result<Renamed, sqlx::Error> {
    match sqlx::query!("UPDATE company SET name = $2 WHERE id = $1", id.0, name)
        .execute(exec)
        .await
    {
        Ok(r) if r.rows_affected() == 1 => Ok(Renamed::Done),
        Ok(_) => Ok(Renamed::NotFound),
        Err(sqlx::Error::Database(e)) if e.constraint() == Some("company_name_key") => {
            Ok(Renamed::NameTaken)
        }
        Err(e) => Err(e),
    }
}
