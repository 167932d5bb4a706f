//! The data manager relation (`contact.managed_by`): who checks whose data.

use datacheck_core::wire::ContactKind;
use sqlx::{PgConnection, PgExecutor};
use std::collections::HashMap;

/// Holds the company's row until the transaction ends, so two imports or API calls
/// for one company change its relation one after the other, each checking it as the
/// other left it.
pub async fn lock(conn: &mut PgConnection, company_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT id FROM company WHERE id = $1 FOR NO KEY UPDATE",
        company_id
    )
    .fetch_optional(conn)
    .await?;
    Ok(())
}

/// Every contact of the company by customer number, with its manager's number.
pub async fn of_company(
    exec: impl PgExecutor<'_>,
    company_id: i64,
) -> Result<HashMap<String, Option<String>>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"
        SELECT k.customer_no, m.customer_no AS "manager?"
        FROM contact k LEFT JOIN contact m ON m.id = k.managed_by
        WHERE k.company_id = $1
        "#,
        company_id
    )
    .fetch_all(exec)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.customer_no, r.manager))
        .collect())
}

/// Sets the managers of contacts by customer number (`None` clears). Returns the
/// contacts whose manager changed.
pub async fn set(
    exec: impl PgExecutor<'_>,
    company_id: i64,
    customer_nos: &[String],
    managers: &[Option<String>],
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"
        WITH wanted AS (
            SELECT i.no, m.id AS manager_id
            FROM unnest($2::text[], $3::text[]) AS i(no, manager_no)
            LEFT JOIN contact m ON m.company_id = $1 AND m.customer_no = i.manager_no
        )
        UPDATE contact k SET managed_by = w.manager_id, updated_at = now()
        FROM wanted w
        WHERE k.company_id = $1 AND k.customer_no = w.no
          AND k.managed_by IS DISTINCT FROM w.manager_id
        RETURNING k.id
        "#,
        company_id,
        customer_nos,
        managers as &[Option<String>]
    )
    .fetch_all(exec)
    .await
}

/// A contact on the other side of the relation, as the contact page links it.
pub struct Related {
    pub id: i64,
    pub customer_no: String,
    pub kind: ContactKind,
    pub first_name: Option<String>,
    pub last_name_prefix: Option<String>,
    pub last_name: Option<String>,
    pub organisation_name: Option<String>,
}

impl Related {
    pub fn name(&self) -> String {
        datacheck_core::wire::display_name(
            self.kind,
            self.first_name.as_deref(),
            self.last_name_prefix.as_deref(),
            self.last_name.as_deref(),
            self.organisation_name.as_deref(),
        )
        .unwrap_or_else(|| self.customer_no.clone())
    }
}

/// The contact's own data manager.
pub async fn manager_of(
    exec: impl PgExecutor<'_>,
    contact_id: i64,
) -> Result<Option<Related>, sqlx::Error> {
    sqlx::query_as!(
        Related,
        r#"
        SELECT m.id, m.customer_no, m.kind AS "kind: ContactKind", m.first_name, m.last_name_prefix,
               m.last_name, m.organisation_name
        FROM contact k JOIN contact m ON m.id = k.managed_by
        WHERE k.id = $1
        "#,
        contact_id
    )
    .fetch_optional(exec)
    .await
}

/// The first `limit` contacts this one manages, by name.
pub async fn managed_by(
    exec: impl PgExecutor<'_>,
    contact_id: i64,
    limit: i64,
) -> Result<Vec<Related>, sqlx::Error> {
    sqlx::query_as!(
        Related,
        r#"
        SELECT k.id, k.customer_no, k.kind AS "kind: ContactKind", k.first_name, k.last_name_prefix,
               k.last_name, k.organisation_name
        FROM contact k
        WHERE k.managed_by = $1
        ORDER BY k.sort_name, k.id
        LIMIT $2
        "#,
        contact_id,
        limit
    )
    .fetch_all(exec)
    .await
}

/// How many contacts this one manages.
pub async fn managed_count(exec: impl PgExecutor<'_>, contact_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM contact WHERE managed_by = $1"#,
        contact_id
    )
    .fetch_one(exec)
    .await
}
