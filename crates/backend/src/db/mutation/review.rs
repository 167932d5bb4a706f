//! The staff review of mutations: the table, its neighbours and counts, bulk actions,
//! the export and retention.

use super::*;

/// The review table's filters, checked. `status: None` means every status.
#[derive(Clone, Debug, Default)]
pub struct ListFilter {
    pub status: Option<&'static str>,
    pub company: Option<i64>,
    pub run: Option<i64>,
    /// `created_at >= from`
    pub from: Option<OffsetDateTime>,
    /// `created_at < until`
    pub until: Option<OffsetDateTime>,
    /// Words that must all occur in the contact's customer number, name or e-mail.
    pub words: Vec<String>,
    /// Only mutations still new (what process and ignore may touch).
    pub new_only: bool,
}

/// Where a page starts: after (or before) this `(created_at, id)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Keyset {
    pub created_at: OffsetDateTime,
    pub id: i64,
}

/// The WHERE clause shared by the page, the counts, the export and the bulk actions.
/// Only the filters in use are written into the SQL, so PostgreSQL plans each
/// combination for what it is (a `$1 IS NULL OR …` would hide the index to use).
/// Every piece of SQL text is a constant, every value a bind.
pub(super) fn push_filters(
    b: &mut sqlx::QueryBuilder<'_, sqlx::Postgres>,
    scope: &CompanyScope,
    f: &ListFilter,
) {
    b.push(" WHERE true");
    if let Some(ids) = scope.sql_filter() {
        b.push(" AND m.company_id = ANY(").push_bind(ids).push(")");
    }
    if let Some(s) = f.status {
        b.push(" AND m.status = ").push_bind(s);
    }
    if f.new_only {
        b.push(" AND m.status = 'new'");
    }
    if let Some(c) = f.company {
        b.push(" AND m.company_id = ").push_bind(c);
    }
    if let Some(r) = f.run {
        b.push(" AND m.run_id = ").push_bind(r);
    }
    if let Some(t) = f.from {
        b.push(" AND m.created_at >= ").push_bind(t);
    }
    if let Some(t) = f.until {
        b.push(" AND m.created_at < ").push_bind(t);
    }
    if !f.words.is_empty() {
        b.push(" AND m.contact_id IN (SELECT k.id FROM contact k WHERE true");
        for w in &f.words {
            b.push(" AND k.search_text LIKE ")
                .push_bind(crate::db::contains_pattern(w));
        }
        b.push(")");
    }
}

#[derive(sqlx::FromRow, Debug)]
pub struct ListRow {
    pub id: i64,
    pub company_id: i64,
    pub answer: AnswerKind,
    pub language: String,
    pub contact_id: i64,
    pub customer_no: String,
    pub kind: ContactKind,
    pub first_name: Option<String>,
    pub last_name_prefix: Option<String>,
    pub last_name: Option<String>,
    pub organisation_name: Option<String>,
    pub company_name: String,
    pub run_id: Option<i64>,
    pub run_name: Option<String>,
    pub source: AnswerSource,
    pub status: MutationStatus,
    pub created_at: OffsetDateTime,
    pub processed_at: Option<OffsetDateTime>,
    pub processed_by: Option<String>,
    pub changes: i64,
}

pub(super) const LIST_COLUMNS: &str = "SELECT m.id, m.company_id, m.kind AS answer, m.language, m.contact_id, \
     k.customer_no, k.kind, k.first_name, \
     k.last_name_prefix, k.last_name, k.organisation_name, c.name AS company_name, m.run_id, \
     r.name AS run_name, m.source, m.status, m.created_at, m.processed_at, \
     coalesce(u.display_name, a.name) AS processed_by, \
     (SELECT count(*) FROM mutation_change x WHERE x.mutation_id = m.id) AS changes \
     FROM mutation m \
     JOIN contact k ON k.id = m.contact_id \
     JOIN company c ON c.id = m.company_id \
     LEFT JOIN run r ON r.id = m.run_id \
     LEFT JOIN staff_user u ON u.id = m.processed_by \
     LEFT JOIN api_key a ON a.id = m.processed_by_key";

/// One page in `created_at, id` order (`descending` reverses it), `limit + 1` rows so
/// the caller knows whether there is more. `from` is a keyset and whether to walk
/// backwards from it; a backward page comes back in display order too.
pub async fn list_page(
    exec: impl PgExecutor<'_>,
    scope: &CompanyScope,
    f: &ListFilter,
    descending: bool,
    from: Option<(Keyset, bool)>,
    limit: i64,
) -> Result<Vec<ListRow>, sqlx::Error> {
    let mut b = sqlx::QueryBuilder::new(LIST_COLUMNS);
    push_filters(&mut b, scope, f);
    let backward = matches!(from, Some((_, true)));
    // Walking forwards in descending order is walking backwards in ascending order.
    let down = descending != backward;
    if let Some((k, _)) = from {
        b.push(if down {
            " AND (m.created_at, m.id) < ("
        } else {
            " AND (m.created_at, m.id) > ("
        })
        .push_bind(k.created_at)
        .push(", ")
        .push_bind(k.id)
        .push(")");
    }
    b.push(if down {
        " ORDER BY m.created_at DESC, m.id DESC LIMIT "
    } else {
        " ORDER BY m.created_at, m.id LIMIT "
    })
    .push_bind(limit + 1);
    let mut rows: Vec<ListRow> = b.build_query_as().fetch_all(exec).await?;
    if backward {
        rows.reverse();
    }
    Ok(rows)
}

/// How many rows match, counting at most `cap + 1` of them.
pub async fn count_capped(
    exec: impl PgExecutor<'_>,
    scope: &CompanyScope,
    f: &ListFilter,
    cap: i64,
) -> Result<i64, sqlx::Error> {
    let mut b = sqlx::QueryBuilder::new("SELECT count(*) FROM (SELECT 1 FROM mutation m");
    push_filters(&mut b, scope, f);
    b.push(" LIMIT ").push_bind(cap + 1).push(") x");
    b.build_query_scalar().fetch_one(exec).await
}

/// How many rows match, exactly: for a bulk action's confirmation.
pub async fn count_exact(
    exec: impl PgExecutor<'_>,
    scope: &CompanyScope,
    f: &ListFilter,
) -> Result<i64, sqlx::Error> {
    let mut b = sqlx::QueryBuilder::new("SELECT count(*) FROM mutation m");
    push_filters(&mut b, scope, f);
    b.build_query_scalar().fetch_one(exec).await
}

/// The ids of the rows just before and after `at` in the table's order and filter
/// (`at` itself need not match the filter any more: it may have been processed).
pub async fn neighbours(
    exec: &mut sqlx::PgConnection,
    scope: &CompanyScope,
    f: &ListFilter,
    descending: bool,
    at: Keyset,
) -> Result<(Option<i64>, Option<i64>), sqlx::Error> {
    let mut side = async |forward: bool| -> Result<Option<i64>, sqlx::Error> {
        let mut b = sqlx::QueryBuilder::new("SELECT m.id FROM mutation m");
        push_filters(&mut b, scope, f);
        let down = descending == forward;
        b.push(if down {
            " AND (m.created_at, m.id) < ("
        } else {
            " AND (m.created_at, m.id) > ("
        })
        .push_bind(at.created_at)
        .push(", ")
        .push_bind(at.id)
        .push(if down {
            ") ORDER BY m.created_at DESC, m.id DESC LIMIT 1"
        } else {
            ") ORDER BY m.created_at, m.id LIMIT 1"
        });
        b.build_query_scalar().fetch_optional(&mut *exec).await
    };
    let prev = side(false).await?;
    let next = side(true).await?;
    Ok((prev, next))
}

/// One mutation's own row, when it is in scope.
pub struct Head {
    pub id: i64,
    pub company_id: i64,
    pub company_name: String,
    pub contact_id: i64,
    pub run_id: Option<i64>,
    pub run_name: Option<String>,
    pub source: AnswerSource,
    pub status: MutationStatus,
    pub language: String,
    pub created_at: OffsetDateTime,
    pub processed_at: Option<OffsetDateTime>,
    pub processed_by: Option<String>,
}

pub async fn head(
    exec: impl PgExecutor<'_>,
    scope: &CompanyScope,
    id: i64,
) -> Result<Option<Head>, sqlx::Error> {
    sqlx::query_as!(
        Head,
        r#"
        SELECT m.id, m.company_id, c.name AS company_name, m.contact_id, m.run_id,
               r.name AS "run_name?", m.source AS "source: AnswerSource",
               m.status AS "status: MutationStatus", m.language, m.created_at, m.processed_at,
               coalesce(u.display_name, a.name) AS processed_by
        FROM mutation m
        JOIN company c ON c.id = m.company_id
        LEFT JOIN run r ON r.id = m.run_id
        LEFT JOIN staff_user u ON u.id = m.processed_by
        LEFT JOIN api_key a ON a.id = m.processed_by_key
        WHERE m.id = $2 AND ($1::bigint[] IS NULL OR m.company_id = ANY($1))
        "#,
        scope.sql_filter() as Option<Vec<i64>>,
        id
    )
    .fetch_optional(exec)
    .await
}

/// Who acts on a mutation: a staff user or an API key.
#[derive(Clone, Copy, Debug)]
pub enum Reviewer {
    Staff(i64),
    ApiKey(i64),
}

/// The rows an action touched, per company (for the audit log).
pub struct Touched {
    pub company_id: i64,
    pub ids: Vec<i64>,
}

pub(super) fn group_by_company(rows: Vec<(i64, i64)>) -> Vec<Touched> {
    let mut out: Vec<Touched> = Vec::new();
    for (id, company_id) in rows {
        match out.iter_mut().find(|t| t.company_id == company_id) {
            Some(t) => t.ids.push(id),
            None => out.push(Touched {
                company_id,
                ids: vec![id],
            }),
        }
    }
    out
}

/// Sets new mutations among `ids` (in scope) to processed or ignored. Others are left
/// as they are.
pub async fn review_ids(
    exec: impl PgExecutor<'_>,
    scope: &CompanyScope,
    ids: &[i64],
    status: &'static str,
    by: Reviewer,
) -> Result<Vec<Touched>, sqlx::Error> {
    let (staff, key) = match by {
        Reviewer::Staff(id) => (Some(id), None),
        Reviewer::ApiKey(id) => (None, Some(id)),
    };
    let rows = sqlx::query!(
        r#"
        UPDATE mutation m
        SET status = $3, processed_at = now(), processed_by = $4, processed_by_key = $5
        WHERE m.id = ANY($2) AND m.status = 'new'
          AND ($1::bigint[] IS NULL OR m.company_id = ANY($1))
        RETURNING m.id, m.company_id
        "#,
        scope.sql_filter() as Option<Vec<i64>>,
        ids,
        status,
        staff,
        key
    )
    .fetch_all(exec)
    .await?;
    Ok(group_by_company(
        rows.into_iter().map(|r| (r.id, r.company_id)).collect(),
    ))
}

/// The same for every new mutation the filter matches.
pub async fn review_filter(
    exec: impl PgExecutor<'_>,
    scope: &CompanyScope,
    f: &ListFilter,
    status: &'static str,
    by: Reviewer,
) -> Result<Vec<Touched>, sqlx::Error> {
    let (staff, key) = match by {
        Reviewer::Staff(id) => (Some(id), None),
        Reviewer::ApiKey(id) => (None, Some(id)),
    };
    let mut b = sqlx::QueryBuilder::new("UPDATE mutation m SET status = ");
    b.push_bind(status)
        .push(", processed_at = now(), processed_by = ")
        .push_bind(staff)
        .push(", processed_by_key = ")
        .push_bind(key);
    push_filters(&mut b, scope, f);
    b.push(" AND m.status = 'new' RETURNING m.id, m.company_id");
    let rows: Vec<(i64, i64)> = b.build_query_as().fetch_all(exec).await?;
    Ok(group_by_company(rows))
}

pub async fn delete_ids(
    exec: impl PgExecutor<'_>,
    scope: &CompanyScope,
    ids: &[i64],
) -> Result<Vec<Touched>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"
        DELETE FROM mutation m
        WHERE m.id = ANY($2) AND ($1::bigint[] IS NULL OR m.company_id = ANY($1))
        RETURNING m.id, m.company_id
        "#,
        scope.sql_filter() as Option<Vec<i64>>,
        ids
    )
    .fetch_all(exec)
    .await?;
    Ok(group_by_company(
        rows.into_iter().map(|r| (r.id, r.company_id)).collect(),
    ))
}

pub async fn delete_filter(
    exec: impl PgExecutor<'_>,
    scope: &CompanyScope,
    f: &ListFilter,
) -> Result<Vec<Touched>, sqlx::Error> {
    let mut b = sqlx::QueryBuilder::new("DELETE FROM mutation m");
    push_filters(&mut b, scope, f);
    b.push(" RETURNING m.id, m.company_id");
    let rows: Vec<(i64, i64)> = b.build_query_as().fetch_all(exec).await?;
    Ok(group_by_company(rows))
}

/// How many of `ids` are in scope and match `f`.
pub async fn count_ids(
    exec: impl PgExecutor<'_>,
    scope: &CompanyScope,
    ids: &[i64],
    f: &ListFilter,
) -> Result<i64, sqlx::Error> {
    let mut b = sqlx::QueryBuilder::new("SELECT count(*) FROM mutation m");
    push_filters(&mut b, scope, f);
    b.push(" AND m.id = ANY(").push_bind(ids).push(")");
    b.build_query_scalar().fetch_one(exec).await
}

/// One changed value of the export, in the order of the table.
#[derive(sqlx::FromRow, Debug)]
pub struct ExportRow {
    pub mutation_id: i64,
    pub customer_no: String,
    pub section: Section,
    pub field_key: String,
    pub person_id: Option<i64>,
    pub new_person: Option<i16>,
    pub dms_value: Option<String>,
    pub submitted_value: Option<String>,
    pub created_at: OffsetDateTime,
}

/// The export's query: every change of every mutation the filter matches, streamed by
/// the caller. Owns its filter, so the stream can outlive the request's borrow.
pub fn export_query(
    scope: &CompanyScope,
    f: &ListFilter,
    descending: bool,
) -> sqlx::QueryBuilder<'static, sqlx::Postgres> {
    let mut b = sqlx::QueryBuilder::new(
        "SELECT m.id AS mutation_id, k.customer_no, x.section, x.field_key, x.person_id, \
         x.new_person, x.dms_value, x.submitted_value, m.created_at \
         FROM mutation m \
         JOIN contact k ON k.id = m.contact_id \
         JOIN mutation_change x ON x.mutation_id = m.id",
    );
    push_filters(&mut b, scope, f);
    b.push(if descending {
        " ORDER BY m.created_at DESC, m.id DESC, x.position"
    } else {
        " ORDER BY m.created_at, m.id, x.position"
    });
    b
}

/// The changes of several mutations, by mutation, in their order.
pub async fn changes_of(
    exec: impl PgExecutor<'_>,
    mutation_ids: &[i64],
) -> Result<Vec<(i64, ChangeRow)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"
        SELECT mutation_id, section AS "section: Section", field_key, person_id, new_person,
               dms_value, submitted_value
        FROM mutation_change WHERE mutation_id = ANY($1) ORDER BY mutation_id, position
        "#,
        mutation_ids
    )
    .fetch_all(exec)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                r.mutation_id,
                ChangeRow {
                    section: r.section,
                    field_key: r.field_key,
                    person_id: r.person_id,
                    new_person: r.new_person,
                    dms_value: r.dms_value,
                    submitted_value: r.submitted_value,
                },
            )
        })
        .collect())
}

/// Deletes reviewed (processed or ignored) mutations reviewed before `before`, at most
/// `batch` at a time so the purge never holds long locks; answers how many went.
pub async fn purge_reviewed(
    exec: impl PgExecutor<'_>,
    before: OffsetDateTime,
    batch: i64,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        r#"
        DELETE FROM mutation WHERE id IN (
            SELECT id FROM mutation
            WHERE status <> 'new' AND processed_at < $1
            LIMIT $2
            FOR UPDATE SKIP LOCKED)
        "#,
        before,
        batch
    )
    .execute(exec)
    .await?;
    Ok(done.rows_affected())
}
