use crate::scope::CompanyScope;
use sqlx::PgExecutor;
use time::OffsetDateTime;

#[allow(clippy::too_many_arguments)]
pub async fn insert(
    exec: impl PgExecutor<'_>,
    actor_id: Option<i64>,
    actor_label: &str,
    action: &str,
    subject_type: &str,
    subject_id: Option<&str>,
    company_id: Option<i64>,
    detail: &serde_json::Value,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"INSERT INTO audit_event
             (actor_id, actor_label, action, subject_type, subject_id, company_id, detail)
           VALUES ($1, $2, $3, $4, $5, $6, $7)"#,
        actor_id,
        actor_label,
        action,
        subject_type,
        subject_id,
        company_id,
        detail
    )
    .execute(exec)
    .await?;
    Ok(())
}

pub struct Row {
    pub id: i64,
    pub at: OffsetDateTime,
    pub actor_label: String,
    pub action: String,
    pub subject_type: String,
    pub subject_id: Option<String>,
    pub detail: serde_json::Value,
}

/// The newest events, keyset-paged by id: events without a company are visible only to
/// a scope that sees every company (admins).
pub async fn list(
    exec: impl PgExecutor<'_>,
    scope: &CompanyScope,
    before_id: Option<i64>,
    limit: i64,
) -> Result<Vec<Row>, sqlx::Error> {
    let filter = scope.sql_filter();
    sqlx::query_as!(
        Row,
        r#"
        SELECT id, at, actor_label, action, subject_type, subject_id, detail
        FROM audit_event
        WHERE ($1::bigint IS NULL OR id < $1)
          AND ($2::bigint[] IS NULL OR company_id = ANY($2))
        ORDER BY id DESC
        LIMIT $3
        "#,
        before_id,
        filter as Option<Vec<i64>>,
        limit
    )
    .fetch_all(exec)
    .await
}
