//! `run_recipient`: who a run reaches, one personal link each. Selecting recipients
//! (for the wizard's counts and for sending) shares one WHERE clause, so what the
//! wizard counts is exactly what sending issues.

use crate::db::contact::{ListFilter, push_filters};
use crate::mail::MailStatus;
use crate::scope::CompanyScope;
use datacheck_core::wire::RunTemplates;
use datacheck_core::wire::mutations::AnswerKind;
use datacheck_core::wire::{ContactKind, RunStatus};
use sqlx::types::Json;
use sqlx::{PgExecutor, Postgres, QueryBuilder};
use time::OffsetDateTime;

/// A run's field rules: catalogue key → `read_only` or `editable`.
pub type RuleMap = std::collections::BTreeMap<String, String>;

/// Which contacts of the run's company a run selects.
pub enum Selection<'a> {
    Filter {
        filter: &'a ListFilter,
        /// Contacts that confirmed nothing at or after this instant.
        confirmed_before: Option<OffsetDateTime>,
    },
    List(&'a [String]),
}

/// An address that can take a mail. Stored addresses passed `Email::parse` on import;
/// this also keeps out anything older or hand-made that is plainly not an address (the
/// mail itself is built with a full parse, so an odd one fails there, visibly).
const REACHABLE: &str =
    "(k.email IS NOT NULL AND k.email ~ '^[^@[:space:]]+@[^@[:space:]]+\\.[^@[:space:]]+$')";

/// The contact withdrew e-marketing consent.
const WITHDRAWN: &str = "EXISTS (SELECT 1 FROM contact_consent cc WHERE cc.contact_id = k.id \
     AND cc.purpose = 'e_marketing' AND cc.state = 'withdrawn')";

/// Who a run's mail goes to: a reachable address, and for a marketing mail no
/// withdrawn consent.
fn mailable(marketing: bool) -> String {
    if marketing {
        format!("({REACHABLE} AND NOT {WITHDRAWN})")
    } else {
        REACHABLE.to_string()
    }
}

fn push_selection<'a>(
    b: &mut QueryBuilder<'a, Postgres>,
    company_id: i64,
    sel: &'a Selection<'a>,
    scope: &'a CompanyScope,
) {
    match sel {
        Selection::Filter {
            filter,
            confirmed_before,
        } => {
            push_filters(b, scope, filter);
            b.push(" AND k.company_id = ").push_bind(company_id);
            if let Some(at) = confirmed_before {
                b.push(
                    " AND NOT EXISTS (SELECT 1 FROM field_confirmation f \
                     WHERE f.contact_id = k.id AND f.confirmed_at >= ",
                )
                .push_bind(*at)
                .push(")");
            }
        }
        Selection::List(numbers) => {
            b.push(" WHERE k.company_id = ")
                .push_bind(company_id)
                .push(" AND k.customer_no = ANY(")
                .push_bind(*numbers)
                .push(")");
        }
    }
}

#[derive(sqlx::FromRow)]
pub struct Counts {
    pub selected: i64,
    pub reachable: i64,
    pub dutch: i64,
    pub english: i64,
    /// Reachable contacts who withdrew e-marketing consent (left out of a marketing
    /// mail, so not in `reachable` then).
    pub withdrawn: i64,
}

pub async fn counts(
    exec: impl PgExecutor<'_>,
    company_id: i64,
    sel: &Selection<'_>,
    marketing: bool,
) -> Result<Counts, sqlx::Error> {
    let scope = CompanyScope::all();
    let ok = mailable(marketing);
    let mut b = QueryBuilder::new(format!(
        "SELECT count(*) AS selected, \
         count(*) FILTER (WHERE {ok}) AS reachable, \
         count(*) FILTER (WHERE {ok} AND k.language = 'nl') AS dutch, \
         count(*) FILTER (WHERE {ok} AND k.language = 'en') AS english, \
         count(*) FILTER (WHERE {REACHABLE} AND {WITHDRAWN}) AS withdrawn \
         FROM contact k"
    ));
    push_selection(&mut b, company_id, sel, &scope);
    b.build_query_as().fetch_one(exec).await
}

#[derive(sqlx::FromRow)]
pub struct ContactBrief {
    pub id: i64,
    pub customer_no: String,
    pub kind: ContactKind,
    pub first_name: Option<String>,
    pub last_name_prefix: Option<String>,
    pub last_name: Option<String>,
    pub organisation_name: Option<String>,
    pub language: String,
    pub email: Option<String>,
}

/// Selected contacts with (`reachable`) or without an e-mail address, by customer number.
pub async fn briefs(
    exec: impl PgExecutor<'_>,
    company_id: i64,
    sel: &Selection<'_>,
    reachable: bool,
    marketing: bool,
    limit: i64,
) -> Result<Vec<ContactBrief>, sqlx::Error> {
    let scope = CompanyScope::all();
    let mut b = QueryBuilder::new(
        "SELECT k.id, k.customer_no, k.kind, k.first_name, k.last_name_prefix, k.last_name, \
         k.organisation_name, k.language, k.email FROM contact k",
    );
    push_selection(&mut b, company_id, sel, &scope);
    b.push(if reachable {
        format!(" AND {}", mailable(marketing))
    } else {
        format!(" AND NOT {REACHABLE}")
    });
    b.push(" ORDER BY k.customer_no, k.id LIMIT ")
        .push_bind(limit);
    b.build_query_as().fetch_all(exec).await
}

/// Listed customer numbers that the company's register does not have.
pub async fn unknown_numbers(
    exec: impl PgExecutor<'_>,
    company_id: i64,
    numbers: &[String],
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"
        SELECT n AS "n!" FROM unnest($2::text[]) WITH ORDINALITY AS u(n, i)
        WHERE NOT EXISTS (SELECT 1 FROM contact k WHERE k.company_id = $1 AND k.customer_no = u.n)
        ORDER BY i
        "#,
        company_id,
        numbers
    )
    .fetch_all(exec)
    .await
}

/// Issues a link to every reachable selected contact and queues its invitation, in
/// two set-based statements: a run of 100,000 recipients is queued in seconds. The
/// caller holds the transaction that also marks the run as sending.
#[allow(clippy::too_many_arguments)] // one set-based statement's parameters, all distinct
pub async fn issue(
    tx: &mut sqlx::PgConnection,
    run_id: i64,
    company_id: i64,
    sel: &Selection<'_>,
    marketing: bool,
    key_id: i16,
    expires_at: OffsetDateTime,
    message_id_domain: &str,
) -> Result<u64, sqlx::Error> {
    let scope = CompanyScope::all();
    let mut b = QueryBuilder::new(
        "INSERT INTO run_recipient (run_id, contact_id, email, language, key_id, expires_at) \
         SELECT ",
    );
    b.push_bind(run_id)
        .push(", k.id, k.email, k.language, ")
        .push_bind(key_id)
        .push(", ")
        .push_bind(expires_at)
        .push(" FROM contact k");
    push_selection(&mut b, company_id, sel, &scope);
    b.push(format!(" AND {}", mailable(marketing)));
    let issued = b.build().execute(&mut *tx).await?.rows_affected();
    sqlx::query!(
        r#"
        INSERT INTO outbox_mail (kind, run_id, run_recipient_id, to_address, message_id)
        SELECT 'invitation', r.run_id, r.id, r.email,
               '<' || gen_random_uuid() || '@' || $2 || '>'
        FROM run_recipient r WHERE r.run_id = $1
        ORDER BY r.id
        "#,
        run_id,
        message_id_domain
    )
    .execute(&mut *tx)
    .await?;
    Ok(issued)
}

/// Queues a reminder for every recipient (of `only`, when given) who may get one now
/// (`run_recipient_remindable` in the schema says who). Returns how many.
pub async fn queue_reminders(
    exec: impl PgExecutor<'_>,
    run_id: i64,
    only: Option<&[i64]>,
    message_id_domain: &str,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        r#"
        INSERT INTO outbox_mail (kind, run_id, run_recipient_id, to_address, message_id)
        SELECT 'reminder', r.run_id, r.id, r.email,
               '<' || gen_random_uuid() || '@' || $3 || '>'
        FROM run_recipient r
        WHERE r.run_id = $1 AND ($2::bigint[] IS NULL OR r.id = ANY($2))
          AND run_recipient_remindable(r)
        ORDER BY r.id
        "#,
        run_id,
        only as Option<&[i64]>,
        message_id_domain
    )
    .execute(exec)
    .await?;
    Ok(done.rows_affected())
}

/// How many recipients (of `only`, when given) a reminder would reach now.
pub async fn remindable(
    exec: impl PgExecutor<'_>,
    run_id: i64,
    only: Option<&[i64]>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"
        SELECT count(*) AS "n!" FROM run_recipient r
        WHERE r.run_id = $1 AND ($2::bigint[] IS NULL OR r.id = ANY($2))
          AND run_recipient_remindable(r)
        "#,
        run_id,
        only as Option<&[i64]>
    )
    .fetch_one(exec)
    .await
}

/// How many of `ids` are recipients of this run.
pub async fn count_in_run(
    exec: impl PgExecutor<'_>,
    run_id: i64,
    ids: &[i64],
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM run_recipient WHERE run_id = $1 AND id = ANY($2)"#,
        run_id,
        ids
    )
    .fetch_one(exec)
    .await
}

#[derive(Debug)]
pub struct Funnel {
    pub recipients: i64,
    pub opened: i64,
    pub changed: i64,
    pub unchanged: i64,
}

pub async fn funnel(exec: impl PgExecutor<'_>, run_id: i64) -> Result<Funnel, sqlx::Error> {
    sqlx::query_as!(
        Funnel,
        r#"
        SELECT count(*) AS "recipients!",
               count(*) FILTER (WHERE opened_at IS NOT NULL) AS "opened!",
               count(*) FILTER (WHERE response = 'changed') AS "changed!",
               count(*) FILTER (WHERE response = 'unchanged') AS "unchanged!"
        FROM run_recipient WHERE run_id = $1
        "#,
        run_id
    )
    .fetch_one(exec)
    .await
}

/// Responses per day (in the given zone) from `from` for `days` days.
pub async fn responses_per_day(
    exec: impl PgExecutor<'_>,
    run_id: i64,
    from: time::Date,
    days: i32,
    zone: &str,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"
        SELECT count(r.id) AS "n!"
        FROM generate_series(0, $3::int - 1) AS d(i)
        LEFT JOIN run_recipient r
          ON r.run_id = $1 AND r.responded_at IS NOT NULL
         AND (r.responded_at AT TIME ZONE $4::text)::date = $2::date + d.i
        GROUP BY d.i ORDER BY d.i
        "#,
        run_id,
        from,
        days,
        zone
    )
    .fetch_all(exec)
    .await
}

/// Every link of a run stops working at once.
pub async fn revoke_all(exec: impl PgExecutor<'_>, run_id: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE run_recipient SET revoked_at = now() WHERE run_id = $1 AND revoked_at IS NULL",
        run_id
    )
    .execute(exec)
    .await?;
    Ok(done.rows_affected())
}

/// Everything a run mail is rendered from.
#[derive(Debug)]
pub struct MailContext {
    pub recipient_id: i64,
    pub run_id: i64,
    pub run_status: RunStatus,
    pub revoked: bool,
    pub email: String,
    pub language: String,
    pub expires_at: OffsetDateTime,
    pub templates: sqlx::types::Json<RunTemplates>,
    pub sender_name: String,
    pub sender_email: String,
    pub reply_to: String,
    pub company_name: String,
    pub kind: ContactKind,
    pub salutation: Option<String>,
    pub first_name: Option<String>,
    pub last_name_prefix: Option<String>,
    pub last_name: Option<String>,
    pub organisation_name: Option<String>,
    /// The contact's live preferences link (made here when missing).
    pub preference_link_id: Option<i64>,
    pub marketing: bool,
    /// The contact withdrew e-marketing consent (since the mail was queued, perhaps).
    pub withdrawn: bool,
}

/// What the mails of these recipients are rendered from. Contacts without a live
/// preferences link get one: every mail carries it.
pub async fn mail_contexts(
    exec: impl PgExecutor<'_>,
    recipient_ids: &[i64],
) -> Result<Vec<MailContext>, sqlx::Error> {
    sqlx::query_as!(
        MailContext,
        r#"
        WITH made AS (
            INSERT INTO preference_link (contact_id, created_by)
            SELECT DISTINCT contact_id, 'mail' FROM run_recipient WHERE id = ANY($1)
            ON CONFLICT (contact_id) WHERE revoked_at IS NULL DO NOTHING
            RETURNING id, contact_id
        )
        SELECT r.id AS recipient_id, r.run_id, run.status AS "run_status: RunStatus",
               (r.revoked_at IS NOT NULL) AS "revoked!", r.email, r.language, r.expires_at,
               run.templates AS "templates: sqlx::types::Json<RunTemplates>",
               run.sender_name, run.sender_email, run.reply_to, c.name AS company_name,
               k.kind AS "kind: ContactKind", k.salutation, k.first_name, k.last_name_prefix,
               k.last_name,
               k.organisation_name,
               coalesce(made.id, live.id) AS "preference_link_id?", run.marketing,
               EXISTS (SELECT 1 FROM contact_consent cc WHERE cc.contact_id = k.id
                         AND cc.purpose = 'e_marketing' AND cc.state = 'withdrawn')
                   AS "withdrawn!"
        FROM run_recipient r
        JOIN run ON run.id = r.run_id
        JOIN company c ON c.id = run.company_id
        JOIN contact k ON k.id = r.contact_id
        LEFT JOIN made ON made.contact_id = r.contact_id
        LEFT JOIN preference_link live ON live.contact_id = r.contact_id
                                      AND live.revoked_at IS NULL
        WHERE r.id = ANY($1)
        "#,
        recipient_ids
    )
    .fetch_all(exec)
    .await
}

/// What opening a link needs to know about its recipient.
pub struct LinkRow {
    pub id: i64,
    pub run_id: i64,
    pub company_id: i64,
    pub contact_id: i64,
    pub language: String,
    pub email: String,
    pub expires_at: OffsetDateTime,
    pub revoked: bool,
    pub responded: bool,
    pub run_status: RunStatus,
    pub valid_to: time::Date,
    pub company_name: String,
    pub field_rules: Json<RuleMap>,
    pub show_contact_persons: bool,
    pub show_notifications: bool,
    pub show_subscriptions: bool,
}

/// A link's recipient and run. With `lock`, the recipient row is locked for the rest of
/// the transaction, so two answers through one link are saved one after the other.
pub async fn for_link(exec: impl PgExecutor<'_>, id: i64) -> Result<Option<LinkRow>, sqlx::Error> {
    sqlx::query_as!(
        LinkRow,
        r#"
        SELECT r.id, r.run_id, run.company_id, r.contact_id, r.language, r.email, r.expires_at,
               (r.revoked_at IS NOT NULL) AS "revoked!",
               (r.responded_at IS NOT NULL) AS "responded!",
               run.status AS "run_status: RunStatus", run.valid_to,
               c.name AS company_name,
               run.field_rules AS "field_rules: Json<RuleMap>",
               run.show_contact_persons, run.show_notifications, run.show_subscriptions
        FROM run_recipient r
        JOIN run ON run.id = r.run_id
        JOIN company c ON c.id = run.company_id
        WHERE r.id = $1
        "#,
        id
    )
    .fetch_optional(exec)
    .await
}

/// Locks one recipient row until the transaction ends.
pub async fn lock(tx: &mut sqlx::PgConnection, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query!("SELECT id FROM run_recipient WHERE id = $1 FOR UPDATE", id)
        .fetch_optional(&mut *tx)
        .await?;
    Ok(())
}

/// Notes an answer: the first answer's time stays; "changed" wins over "unchanged".
pub async fn record_response(
    exec: impl PgExecutor<'_>,
    id: i64,
    changed: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"
        UPDATE run_recipient
        SET responded_at = coalesce(responded_at, now()),
            response = CASE WHEN $2 OR response = 'changed' THEN 'changed' ELSE 'unchanged' END
        WHERE id = $1
        "#,
        id,
        changed
    )
    .execute(exec)
    .await?;
    Ok(())
}

/// Gives a link a new life: a fresh token is sealed with the new expiry when its mail
/// is rendered; the old token keeps its own (past) expiry and stays dead.
pub async fn renew(
    exec: impl PgExecutor<'_>,
    id: i64,
    expires_at: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE run_recipient SET expires_at = $2, issued_at = now() WHERE id = $1",
        id,
        expires_at
    )
    .execute(exec)
    .await?;
    Ok(())
}

/// Fresh-link mails queued for a recipient since `since`.
pub async fn fresh_links_since(
    exec: impl PgExecutor<'_>,
    id: i64,
    since: OffsetDateTime,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"
        SELECT count(*) AS "n!" FROM outbox_mail
        WHERE run_recipient_id = $1 AND kind = 'fresh_link' AND created_at > $2
        "#,
        id,
        since
    )
    .fetch_one(exec)
    .await
}

/// Queues the mail that carries a renewed link.
pub async fn queue_fresh_link(
    exec: impl PgExecutor<'_>,
    id: i64,
    message_id_domain: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"
        INSERT INTO outbox_mail (kind, run_id, run_recipient_id, to_address, message_id)
        SELECT 'fresh_link', r.run_id, r.id, r.email,
               '<' || gen_random_uuid() || '@' || $2 || '>'
        FROM run_recipient r WHERE r.id = $1
        "#,
        id,
        message_id_domain
    )
    .execute(exec)
    .await?;
    Ok(())
}

pub struct PageRow {
    pub id: i64,
    pub contact_id: i64,
    pub customer_no: String,
    pub kind: ContactKind,
    pub first_name: Option<String>,
    pub last_name_prefix: Option<String>,
    pub last_name: Option<String>,
    pub organisation_name: Option<String>,
    pub email: String,
    pub language: String,
    pub opened_at: Option<OffsetDateTime>,
    pub responded_at: Option<OffsetDateTime>,
    pub response: Option<AnswerKind>,
    pub revoked_at: Option<OffsetDateTime>,
    pub mail_status: Option<MailStatus>,
    pub last_error: Option<String>,
    pub remindable: bool,
}

/// A page of a run's recipients by id, optionally only those in one state.
pub async fn page(
    exec: impl PgExecutor<'_>,
    run_id: i64,
    after: i64,
    state: Option<&str>,
    limit: i64,
) -> Result<Vec<PageRow>, sqlx::Error> {
    sqlx::query_as!(
        PageRow,
        r#"
        SELECT r.id, r.contact_id, k.customer_no, k.kind AS "kind: ContactKind", k.first_name,
               k.last_name_prefix,
               k.last_name, k.organisation_name, r.email, r.language, r.opened_at,
               r.responded_at, r.response AS "response: AnswerKind", r.revoked_at,
               o.status AS "mail_status?: MailStatus", o.last_error AS "last_error?",
               run_recipient_remindable(r) AS "remindable!"
        FROM run_recipient r
        JOIN contact k ON k.id = r.contact_id
        LEFT JOIN LATERAL (
            SELECT status, last_error FROM outbox_mail m
            WHERE m.run_recipient_id = r.id AND m.kind = 'invitation'
            ORDER BY m.id DESC LIMIT 1
        ) o ON true
        WHERE r.run_id = $1 AND r.id > $2
          AND ($3::text IS NULL
               OR ($3 = 'failed' AND o.status = 'failed')
               OR ($3 = 'waiting' AND r.responded_at IS NULL AND r.revoked_at IS NULL)
               OR ($3 = 'opened' AND r.opened_at IS NOT NULL)
               OR ($3 = 'responded' AND r.responded_at IS NOT NULL))
        ORDER BY r.id
        LIMIT $4
        "#,
        run_id,
        after,
        state,
        limit
    )
    .fetch_all(exec)
    .await
}
