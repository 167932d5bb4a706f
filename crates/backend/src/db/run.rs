//! The `run` table: drafts the wizard edits, and sent runs' state. Drafts change only
//! while `status = 'draft'`; every update below says so in its WHERE clause, so a run
//! that was sent meanwhile is never edited.

use crate::scope::CompanyScope;
use datacheck_core::wire::{RunPhase, RunStatus};
use sqlx::PgExecutor;
use sqlx::types::Json;
use time::{Date, OffsetDateTime};

use datacheck_core::wire::{RecipientFilter, RunTemplates};

pub struct Full {
    pub id: i64,
    pub company_id: i64,
    pub company_name: String,
    pub name: String,
    pub status: RunStatus,
    pub valid_to: Date,
    pub sender_name: String,
    pub sender_email: String,
    pub reply_to: String,
    pub recipient_mode: String,
    pub recipient_filter: Json<RecipientFilter>,
    pub recipient_list: Vec<String>,
    pub templates: Json<RunTemplates>,
    pub field_rules: Json<std::collections::BTreeMap<String, String>>,
    pub show_contact_persons: bool,
    pub show_notifications: bool,
    pub show_subscriptions: bool,
    pub marketing: bool,
    pub steps_done: i16,
    pub sent_at: Option<OffsetDateTime>,
    pub sent_by_name: Option<String>,
    pub links_expire_at: Option<OffsetDateTime>,
    pub cancelled_at: Option<OffsetDateTime>,
}

pub struct NewDraft<'a> {
    pub company_id: i64,
    pub name: &'a str,
    pub valid_to: Date,
    pub sender_name: &'a str,
    pub sender_email: &'a str,
    pub reply_to: &'a str,
    pub templates: &'a RunTemplates,
    pub field_rules: &'a std::collections::BTreeMap<String, String>,
    pub created_by: Option<i64>,
}

/// Another run has the name (`run_name_key`).
#[derive(Debug)]
pub struct NameTaken;

pub async fn insert_draft(
    exec: impl PgExecutor<'_>,
    d: &NewDraft<'_>,
) -> Result<Result<i64, NameTaken>, sqlx::Error> {
    let inserted = sqlx::query_scalar!(
        r#"
        INSERT INTO run (company_id, name, valid_to, sender_name, sender_email, reply_to,
                         templates, field_rules, created_by)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
        RETURNING id
        "#,
        d.company_id,
        d.name,
        d.valid_to,
        d.sender_name,
        d.sender_email,
        d.reply_to,
        Json(d.templates) as _,
        Json(d.field_rules) as _,
        d.created_by
    )
    .fetch_one(exec)
    .await;
    super::unless_taken(inserted, "run_name_key", NameTaken)
}

/// One run in scope, whatever its status.
pub async fn get(
    exec: impl PgExecutor<'_>,
    scope: &CompanyScope,
    id: i64,
) -> Result<Option<Full>, sqlx::Error> {
    sqlx::query_as!(
        Full,
        r#"
        SELECT r.id, r.company_id, c.name AS company_name, r.name,
               r.status AS "status: RunStatus", r.valid_to,
               r.sender_name, r.sender_email, r.reply_to, r.recipient_mode,
               r.recipient_filter AS "recipient_filter: Json<RecipientFilter>",
               r.recipient_list,
               r.templates AS "templates: Json<RunTemplates>",
               r.field_rules AS "field_rules: Json<std::collections::BTreeMap<String, String>>",
               r.show_contact_persons, r.show_notifications, r.show_subscriptions,
               r.marketing, r.steps_done, r.sent_at, s.display_name AS "sent_by_name?", r.links_expire_at,
               r.cancelled_at
        FROM run r
        JOIN company c ON c.id = r.company_id
        LEFT JOIN staff_user s ON s.id = r.sent_by
        WHERE r.id = $1 AND ($2::bigint[] IS NULL OR r.company_id = ANY($2))
        "#,
        id,
        scope.sql_filter() as Option<Vec<i64>>
    )
    .fetch_optional(exec)
    .await
}

/// Locks a run in scope for the rest of the caller's transaction; false when there is
/// no such run in scope.
pub async fn lock(
    exec: impl PgExecutor<'_>,
    scope: &CompanyScope,
    id: i64,
) -> Result<bool, sqlx::Error> {
    let found = sqlx::query_scalar!(
        "SELECT id FROM run WHERE id = $1 AND ($2::bigint[] IS NULL OR company_id = ANY($2)) FOR UPDATE",
        id,
        scope.sql_filter() as Option<Vec<i64>>
    )
    .fetch_optional(exec)
    .await?;
    Ok(found.is_some())
}

pub struct Config<'a> {
    pub company_id: i64,
    pub name: &'a str,
    pub valid_to: Date,
    pub sender_name: &'a str,
    pub sender_email: &'a str,
    pub reply_to: &'a str,
}

/// Step 1. Returns false when the run is no longer a draft.
pub async fn update_config(
    exec: impl PgExecutor<'_>,
    id: i64,
    c: &Config<'_>,
) -> Result<Result<bool, NameTaken>, sqlx::Error> {
    let done = sqlx::query!(
        r#"
        UPDATE run SET company_id = $2, name = $3, valid_to = $4, sender_name = $5,
               sender_email = $6, reply_to = $7, updated_at = now()
        WHERE id = $1 AND status = 'draft'
        "#,
        id,
        c.company_id,
        c.name,
        c.valid_to,
        c.sender_name,
        c.sender_email,
        c.reply_to
    )
    .execute(exec)
    .await;
    super::unless_taken(done, "run_name_key", NameTaken).map(|r| r.map(|d| d.rows_affected() == 1))
}

/// Step 2.
pub async fn update_recipients(
    exec: impl PgExecutor<'_>,
    id: i64,
    mode: &str,
    filter: &RecipientFilter,
    list: &[String],
    marketing: bool,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        r#"
        UPDATE run SET recipient_mode = $2, recipient_filter = $3, recipient_list = $4,
               marketing = $5, steps_done = greatest(steps_done, 2), updated_at = now()
        WHERE id = $1 AND status = 'draft'
        "#,
        id,
        mode,
        Json(filter) as _,
        list,
        marketing
    )
    .execute(exec)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Step 3.
pub async fn update_templates(
    exec: impl PgExecutor<'_>,
    id: i64,
    templates: &RunTemplates,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        r#"
        UPDATE run SET templates = $2, steps_done = greatest(steps_done, 3), updated_at = now()
        WHERE id = $1 AND status = 'draft'
        "#,
        id,
        Json(templates) as _
    )
    .execute(exec)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub struct Fields<'a> {
    pub rules: &'a std::collections::BTreeMap<String, String>,
    pub show_contact_persons: bool,
    pub show_notifications: bool,
    pub show_subscriptions: bool,
}

/// Step 4.
pub async fn update_fields(
    exec: impl PgExecutor<'_>,
    id: i64,
    f: &Fields<'_>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        r#"
        UPDATE run SET field_rules = $2, show_contact_persons = $3, show_notifications = $4,
               show_subscriptions = $5, steps_done = 4, updated_at = now()
        WHERE id = $1 AND status = 'draft'
        "#,
        id,
        Json(f.rules) as _,
        f.show_contact_persons,
        f.show_notifications,
        f.show_subscriptions
    )
    .execute(exec)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn mark_sending(
    exec: impl PgExecutor<'_>,
    id: i64,
    sent_by: i64,
    links_expire_at: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"
        UPDATE run SET status = 'sending', sent_at = now(), sent_by = $2,
               links_expire_at = $3, updated_at = now()
        WHERE id = $1
        "#,
        id,
        sent_by,
        links_expire_at
    )
    .execute(exec)
    .await?;
    Ok(())
}

/// A sending run whose invitations have all been handled becomes sent.
pub async fn finish_sending(exec: impl PgExecutor<'_>, ids: &[i64]) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"
        UPDATE run SET status = 'sent', updated_at = now()
        WHERE id = ANY($1) AND status = 'sending'
          AND NOT EXISTS (SELECT 1 FROM outbox_mail o
                          WHERE o.run_id = run.id AND o.kind = 'invitation'
                            AND o.status = 'queued')
        "#,
        ids
    )
    .execute(exec)
    .await?;
    Ok(())
}

pub async fn mark_cancelled(
    exec: impl PgExecutor<'_>,
    id: i64,
    by: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"
        UPDATE run SET status = 'cancelled', cancelled_at = now(), cancelled_by = $2,
               updated_at = now()
        WHERE id = $1
        "#,
        id,
        by
    )
    .execute(exec)
    .await?;
    Ok(())
}

pub async fn delete_draft(exec: impl PgExecutor<'_>, id: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!("DELETE FROM run WHERE id = $1 AND status = 'draft'", id)
        .execute(exec)
        .await?;
    Ok(done.rows_affected() == 1)
}

#[derive(sqlx::FromRow)]
pub struct ListRow {
    pub id: i64,
    pub name: String,
    pub company_name: String,
    pub status: RunStatus,
    pub valid_to: Date,
    pub sent_at: Option<OffsetDateTime>,
    pub links_expire_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
    pub recipients: i64,
    pub changed: i64,
    pub unchanged: i64,
}

pub struct ListFilter {
    pub company: Option<i64>,
    pub status: Option<RunPhase>,
    pub text: Option<String>,
}

fn push_list_filters<'a>(
    b: &mut sqlx::QueryBuilder<'a, sqlx::Postgres>,
    scope: &CompanyScope,
    f: &'a ListFilter,
) {
    b.push(" WHERE (")
        .push_bind(scope.sql_filter())
        .push("::bigint[] IS NULL OR r.company_id = ANY(")
        .push_bind(scope.sql_filter())
        .push("))");
    if let Some(c) = f.company {
        b.push(" AND r.company_id = ").push_bind(c);
    }
    match f.status {
        Some(RunPhase::Draft) => b.push(" AND r.status = 'draft'"),
        Some(RunPhase::Cancelled) => b.push(" AND r.status = 'cancelled'"),
        Some(RunPhase::Expired) => {
            b.push(" AND r.status IN ('sending', 'sent') AND r.links_expire_at <= now()")
        }
        Some(RunPhase::Sending) => {
            b.push(" AND r.status = 'sending' AND r.links_expire_at > now()")
        }
        Some(RunPhase::Sent) => b.push(" AND r.status = 'sent' AND r.links_expire_at > now()"),
        None => b,
    };
    if let Some(t) = &f.text {
        b.push(" AND lower(r.name) LIKE ")
            .push_bind(super::contains_pattern(t));
    }
}

/// A page of runs, newest first; `limit + 1` rows so the caller knows if there is
/// more. `from` is a keyset `(created_at, id)` and whether to walk backwards.
pub async fn list_page(
    exec: impl PgExecutor<'_>,
    scope: &CompanyScope,
    f: &ListFilter,
    from: Option<((OffsetDateTime, i64), bool)>,
    limit: i64,
) -> Result<Vec<ListRow>, sqlx::Error> {
    let mut b = sqlx::QueryBuilder::new(
        "SELECT r.id, r.name, c.name AS company_name, r.status, r.valid_to, r.sent_at, \
         r.links_expire_at, r.created_at, \
         (SELECT count(*) FROM run_recipient x WHERE x.run_id = r.id) AS recipients, \
         (SELECT count(*) FROM run_recipient x WHERE x.run_id = r.id AND x.response = 'changed') AS changed, \
         (SELECT count(*) FROM run_recipient x WHERE x.run_id = r.id AND x.response = 'unchanged') AS unchanged \
         FROM run r JOIN company c ON c.id = r.company_id",
    );
    push_list_filters(&mut b, scope, f);
    let backward = matches!(from, Some((_, true)));
    if let Some(((at, id), back)) = from {
        b.push(if back {
            " AND (r.created_at, r.id) > ("
        } else {
            " AND (r.created_at, r.id) < ("
        })
        .push_bind(at)
        .push(", ")
        .push_bind(id)
        .push(")");
    }
    b.push(if backward {
        " ORDER BY r.created_at, r.id LIMIT "
    } else {
        " ORDER BY r.created_at DESC, r.id DESC LIMIT "
    })
    .push_bind(limit + 1);
    let mut rows: Vec<ListRow> = b.build_query_as().fetch_all(exec).await?;
    if backward {
        rows.reverse();
    }
    Ok(rows)
}

pub async fn list_count(
    exec: impl PgExecutor<'_>,
    scope: &CompanyScope,
    f: &ListFilter,
) -> Result<i64, sqlx::Error> {
    let mut b = sqlx::QueryBuilder::new("SELECT count(*) FROM run r");
    push_list_filters(&mut b, scope, f);
    b.build_query_scalar().fetch_one(exec).await
}

/// Responses per run and day since sending (day 0 is the sending day), in `zone`.
pub async fn responses_by_day(
    exec: impl PgExecutor<'_>,
    run_ids: &[i64],
    zone: &str,
) -> Result<Vec<(i64, i32, i64)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"
        SELECT x.run_id,
               ((x.responded_at AT TIME ZONE $2::text)::date
                 - (r.sent_at AT TIME ZONE $2::text)::date) AS "day!",
               count(*) AS "n!"
        FROM run_recipient x JOIN run r ON r.id = x.run_id
        WHERE x.run_id = ANY($1) AND x.responded_at IS NOT NULL AND r.sent_at IS NOT NULL
        GROUP BY 1, 2
        "#,
        run_ids,
        zone
    )
    .fetch_all(exec)
    .await?;
    Ok(rows.into_iter().map(|r| (r.run_id, r.day, r.n)).collect())
}

/// Runs staff can filter mutations by: every run that was sent, newest first.
pub async fn options(
    exec: impl PgExecutor<'_>,
    scope: &CompanyScope,
) -> Result<Vec<datacheck_core::wire::mutations::RunOption>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"
        SELECT r.id, r.name, c.name AS company_name
        FROM run r JOIN company c ON c.id = r.company_id
        WHERE r.status <> 'draft' AND ($1::bigint[] IS NULL OR r.company_id = ANY($1))
        ORDER BY r.sent_at DESC NULLS LAST, r.id DESC
        LIMIT 500
        "#,
        scope.sql_filter() as Option<Vec<i64>>
    )
    .fetch_all(exec)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| datacheck_core::wire::mutations::RunOption {
            id: datacheck_core::wire::RunId(r.id),
            name: r.name,
            company: r.company_name,
        })
        .collect())
}
