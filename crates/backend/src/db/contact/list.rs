//! The register's table: filters, sort keys, keyset pages and counts.

use super::*;

/// A validated contacts query, built by `api::contacts` from the URL's `ContactQuery`.
#[derive(Clone, Debug, Default)]
pub struct ListFilter {
    pub company: Option<i64>,
    pub kind: Option<&'static str>,
    pub city: Option<String>,
    pub has_email: Option<bool>,
    pub text: Option<String>,
}

/// The columns the table sorts by. Each sort expression never yields NULL, so a keyset
/// comparison `(expr, id) > (value, id)` is exact, and each has an index on
/// `(expr, id)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortKey {
    Name,
    CustomerNo,
    City,
    Updated,
}

impl SortKey {
    pub fn parse(s: &str) -> Option<SortKey> {
        match s {
            "name" => Some(SortKey::Name),
            "customer_no" => Some(SortKey::CustomerNo),
            "city" => Some(SortKey::City),
            "updated" => Some(SortKey::Updated),
            _ => None,
        }
    }

    /// What rows are ordered and compared by.
    fn expr(self) -> &'static str {
        match self {
            SortKey::Name => "k.sort_name",
            SortKey::CustomerNo => "k.customer_no",
            SortKey::City => "coalesce(lower(k.city), '')",
            SortKey::Updated => "k.updated_at",
        }
    }

    /// The sort value as the text a cursor carries, and the cast that turns it back.
    /// Timestamps travel in a fixed UTC form with microseconds, as PostgreSQL stores
    /// them, so a cursor is exact.
    fn cursor_value(self) -> (&'static str, &'static str) {
        match self {
            SortKey::Updated => (
                "to_char(k.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')",
                "::timestamptz",
            ),
            other => (other.expr(), ""),
        }
    }
}

/// Where a page starts: strictly after (or, for a previous page, before) this row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Keyset {
    pub value: String,
    pub id: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Forward,
    Backward,
}

#[derive(sqlx::FromRow)]
pub struct ListRow {
    pub id: i64,
    pub company_name: String,
    pub customer_no: String,
    pub kind: ContactKind,
    pub first_name: Option<String>,
    pub last_name_prefix: Option<String>,
    pub last_name: Option<String>,
    pub organisation_name: Option<String>,
    pub email: Option<String>,
    pub city: Option<String>,
    pub updated_at: time::OffsetDateTime,
    pub sort_value: String,
}

/// The WHERE clause shared by the page and the counts: scope first, then each filter.
pub(crate) fn push_filters<'a>(
    b: &mut sqlx::QueryBuilder<'a, sqlx::Postgres>,
    scope: &CompanyScope,
    f: &'a ListFilter,
) {
    let ids = scope.sql_filter();
    b.push(" WHERE (")
        .push_bind(ids.clone())
        .push("::bigint[] IS NULL OR k.company_id = ANY(")
        .push_bind(ids)
        .push("))");
    if let Some(c) = f.company {
        b.push(" AND k.company_id = ").push_bind(c);
    }
    if let Some(kind) = f.kind {
        b.push(" AND k.kind = ").push_bind(kind);
    }
    if let Some(city) = &f.city {
        b.push(" AND coalesce(lower(k.city), '') = lower(")
            .push_bind(city)
            .push(")");
    }
    match f.has_email {
        Some(true) => b.push(" AND k.email IS NOT NULL"),
        Some(false) => b.push(" AND k.email IS NULL"),
        None => b,
    };
    if let Some(text) = &f.text {
        // Every word must occur somewhere; LIKE's wildcards in the input are literal.
        for word in text.split_whitespace() {
            b.push(" AND k.search_text LIKE ")
                .push_bind(crate::db::contains_pattern(word));
        }
    }
}

/// One page of contacts in scope, `limit + 1` rows so the caller knows whether there
/// is more in that direction. A backward page comes back in display order too.
///
/// Built with `QueryBuilder` rather than `query!` because the sort column and the set
/// of filters vary; every piece of SQL text here is a constant, and every value a bind.
pub async fn list_page(
    exec: impl PgExecutor<'_>,
    scope: &CompanyScope,
    filter: &ListFilter,
    sort: SortKey,
    descending: bool,
    from: Option<(&Keyset, Direction)>,
    limit: i64,
) -> Result<Vec<ListRow>, sqlx::Error> {
    let expr = sort.expr();
    let (value_expr, cast) = sort.cursor_value();
    let mut q = sqlx::QueryBuilder::new(format!(
        "SELECT k.id, c.name AS company_name, k.customer_no, k.kind, k.first_name, \
         k.last_name_prefix, k.last_name, k.organisation_name, k.email, k.city, \
         k.updated_at, {value_expr} AS sort_value \
         FROM contact k JOIN company c ON c.id = k.company_id"
    ));
    push_filters(&mut q, scope, filter);
    let backward = matches!(from, Some((_, Direction::Backward)));
    // Walking backwards flips both the comparison and the order; rows are reversed
    // below.
    let ascending = descending == backward;
    if let Some((k, _)) = from {
        q.push(format!(
            " AND ({expr}, k.id) {} (",
            if ascending { ">" } else { "<" }
        ))
        .push_bind(k.value.clone())
        .push(cast)
        .push(", ")
        .push_bind(k.id)
        .push(")");
    }
    let dir = if ascending { "ASC" } else { "DESC" };
    q.push(format!(" ORDER BY {expr} {dir}, k.id {dir} LIMIT "))
        .push_bind(limit + 1);
    let mut rows: Vec<ListRow> = q.build_query_as().fetch_all(exec).await?;
    if backward {
        rows.reverse();
    }
    Ok(rows)
}

#[derive(sqlx::FromRow)]
pub struct ListCounts {
    pub total: i64,
    pub with_email: i64,
}

pub async fn list_counts(
    exec: impl PgExecutor<'_>,
    scope: &CompanyScope,
    filter: &ListFilter,
) -> Result<ListCounts, sqlx::Error> {
    let mut q = sqlx::QueryBuilder::new(
        "SELECT count(*) AS total, count(*) FILTER (WHERE k.email IS NOT NULL) AS with_email \
         FROM contact k",
    );
    push_filters(&mut q, scope, filter);
    q.build_query_as().fetch_one(exec).await
}
