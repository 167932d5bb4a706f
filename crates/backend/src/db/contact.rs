use crate::scope::CompanyScope;
use datacheck_core::wire::ContactKind;
use sqlx::PgExecutor;

pub struct CountRow {
    pub company_id: i64,
    pub company_name: String,
    pub contacts: i64,
    pub with_email: i64,
}

pub async fn counts_in_scope(
    exec: impl PgExecutor<'_>,
    scope: &CompanyScope,
) -> Result<Vec<CountRow>, sqlx::Error> {
    sqlx::query_as!(
        CountRow,
        r#"
        SELECT c.id AS company_id, c.name AS company_name,
               count(k.id) AS "contacts!",
               count(k.id) FILTER (WHERE k.email IS NOT NULL AND k.email <> '') AS "with_email!"
        FROM company c LEFT JOIN contact k ON k.company_id = c.id
        WHERE ($1::bigint[] IS NULL OR c.id = ANY($1))
        GROUP BY c.id
        ORDER BY c.name
        "#,
        scope.sql_filter() as Option<Vec<i64>>
    )
    .fetch_all(exec)
    .await
}

/// A contact as the demo seed writes it.
pub struct NewContact<'a> {
    pub company_id: i64,
    pub customer_no: &'a str,
    pub kind: &'a str,
    pub salutation: Option<&'a str>,
    pub first_name: Option<&'a str>,
    pub last_name_prefix: Option<&'a str>,
    pub last_name: Option<&'a str>,
    pub organisation_name: Option<&'a str>,
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub mobile: Option<&'a str>,
    pub street: Option<&'a str>,
    pub house_number: Option<&'a str>,
    pub house_number_addition: Option<&'a str>,
    pub postal_code: Option<&'a str>,
    pub city: Option<&'a str>,
    pub country: &'a str,
    pub language: &'a str,
}

pub async fn insert(exec: impl PgExecutor<'_>, c: &NewContact<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"
        INSERT INTO contact (company_id, customer_no, kind, salutation, first_name,
            last_name_prefix, last_name, organisation_name, email, phone, mobile, street,
            house_number, house_number_addition, postal_code, city, country, language)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
        RETURNING id
        "#,
        c.company_id,
        c.customer_no,
        c.kind,
        c.salutation,
        c.first_name,
        c.last_name_prefix,
        c.last_name,
        c.organisation_name,
        c.email,
        c.phone,
        c.mobile,
        c.street,
        c.house_number,
        c.house_number_addition,
        c.postal_code,
        c.city,
        c.country,
        c.language
    )
    .fetch_one(exec)
    .await
}

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
                .push_bind(super::contains_pattern(word));
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

/// Every column of one contact.
pub struct Full {
    pub id: i64,
    pub company_id: i64,
    pub company_name: String,
    pub customer_no: String,
    pub kind: ContactKind,
    pub salutation: Option<String>,
    pub first_name: Option<String>,
    pub last_name_prefix: Option<String>,
    pub last_name: Option<String>,
    pub organisation_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub mobile: Option<String>,
    pub street: Option<String>,
    pub house_number: Option<String>,
    pub house_number_addition: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub country: String,
    pub language: String,
    pub created_at: time::OffsetDateTime,
    pub updated_at: time::OffsetDateTime,
}

impl Full {
    /// The value of a built-in field by its catalogue key.
    /// The contact's name as pages show it (`model::display_name`), or the customer
    /// number when it has none.
    pub fn display_name(&self) -> String {
        datacheck_core::wire::display_name(
            self.kind,
            self.first_name.as_deref(),
            self.last_name_prefix.as_deref(),
            self.last_name.as_deref(),
            self.organisation_name.as_deref(),
        )
        .unwrap_or_else(|| self.customer_no.clone())
    }

    /// The contact's value for a catalogue field: a column for a built-in field, else
    /// the custom attribute's value among `attributes` (this contact's).
    pub fn value_of<'a>(
        &'a self,
        key: &str,
        builtin: bool,
        attributes: &'a [AttributeRow],
    ) -> Option<&'a str> {
        if builtin {
            self.builtin(key)
        } else {
            attributes
                .iter()
                .find(|a| a.field_key == key)
                .map(|a| a.value.as_str())
        }
    }

    pub fn builtin(&self, key: &str) -> Option<&str> {
        match key {
            "customer_no" => Some(&self.customer_no),
            "salutation" => self.salutation.as_deref(),
            "first_name" => self.first_name.as_deref(),
            "last_name_prefix" => self.last_name_prefix.as_deref(),
            "last_name" => self.last_name.as_deref(),
            "organisation_name" => self.organisation_name.as_deref(),
            "email" => self.email.as_deref(),
            "phone" => self.phone.as_deref(),
            "mobile" => self.mobile.as_deref(),
            "street" => self.street.as_deref(),
            "house_number" => self.house_number.as_deref(),
            "house_number_addition" => self.house_number_addition.as_deref(),
            "postal_code" => self.postal_code.as_deref(),
            "city" => self.city.as_deref(),
            "country" => Some(&self.country),
            "language" => Some(&self.language),
            _ => None,
        }
    }
}

/// One contact, when it is in scope.
pub async fn get(
    exec: impl PgExecutor<'_>,
    scope: &CompanyScope,
    id: i64,
) -> Result<Option<Full>, sqlx::Error> {
    sqlx::query_as!(
        Full,
        r#"
        SELECT k.id, k.company_id, c.name AS company_name, k.customer_no,
               k.kind AS "kind: ContactKind",
               k.salutation, k.first_name, k.last_name_prefix, k.last_name,
               k.organisation_name, k.email, k.phone, k.mobile, k.street, k.house_number,
               k.house_number_addition, k.postal_code, k.city, k.country::text AS "country!",
               k.language, k.created_at, k.updated_at
        FROM contact k JOIN company c ON c.id = k.company_id
        WHERE k.id = $2 AND ($1::bigint[] IS NULL OR k.company_id = ANY($1))
        "#,
        scope.sql_filter() as Option<Vec<i64>>,
        id
    )
    .fetch_optional(exec)
    .await
}

#[derive(Debug, serde::Deserialize)]
pub struct AttributeRow {
    pub field_key: String,
    pub value: String,
}

pub async fn attributes(
    exec: impl PgExecutor<'_>,
    contact_id: i64,
) -> Result<Vec<AttributeRow>, sqlx::Error> {
    sqlx::query_as!(
        AttributeRow,
        "SELECT field_key, value FROM contact_attribute WHERE contact_id = $1",
        contact_id
    )
    .fetch_all(exec)
    .await
}

pub struct ConfirmationRow {
    pub field_key: String,
    pub confirmed_at: time::OffsetDateTime,
}

pub async fn confirmations(
    exec: impl PgExecutor<'_>,
    contact_id: i64,
) -> Result<Vec<ConfirmationRow>, sqlx::Error> {
    sqlx::query_as!(
        ConfirmationRow,
        "SELECT field_key, confirmed_at FROM field_confirmation WHERE contact_id = $1",
        contact_id
    )
    .fetch_all(exec)
    .await
}

pub struct PersonRow {
    pub id: i64,
    pub first_name: Option<String>,
    pub last_name_prefix: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub role: Option<String>,
    pub notify_scope: String,
    pub notify_when: String,
    pub left_at: Option<time::OffsetDateTime>,
}

pub async fn persons(
    exec: impl PgExecutor<'_>,
    contact_id: i64,
) -> Result<Vec<PersonRow>, sqlx::Error> {
    sqlx::query_as!(
        PersonRow,
        r#"
        SELECT id, first_name, last_name_prefix, last_name, email, phone, role,
               notify_scope, notify_when, left_at
        FROM contact_person WHERE contact_id = $1
        ORDER BY left_at NULLS FIRST, id
        "#,
        contact_id
    )
    .fetch_all(exec)
    .await
}

pub struct NewPerson<'a> {
    pub contact_id: i64,
    pub first_name: Option<&'a str>,
    pub last_name_prefix: Option<&'a str>,
    pub last_name: Option<&'a str>,
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub role: Option<&'a str>,
    pub notify_scope: &'a str,
    pub notify_when: &'a str,
}

pub async fn insert_person(
    exec: impl PgExecutor<'_>,
    p: &NewPerson<'_>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"
        INSERT INTO contact_person (contact_id, first_name, last_name_prefix, last_name,
                                    email, phone, role, notify_scope, notify_when)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
        RETURNING id
        "#,
        p.contact_id,
        p.first_name,
        p.last_name_prefix,
        p.last_name,
        p.email,
        p.phone,
        p.role,
        p.notify_scope,
        p.notify_when
    )
    .fetch_one(exec)
    .await
}

pub async fn set_attribute(
    exec: impl PgExecutor<'_>,
    contact_id: i64,
    key: &str,
    value: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"
        INSERT INTO contact_attribute (contact_id, field_key, value) VALUES ($1, $2, $3)
        ON CONFLICT (contact_id, field_key) DO UPDATE SET value = excluded.value
        "#,
        contact_id,
        key,
        value
    )
    .execute(exec)
    .await?;
    Ok(())
}

/// Records that the customer confirmed these fields as correct at `at`.
pub async fn confirm_fields(
    exec: impl PgExecutor<'_>,
    contact_id: i64,
    keys: &[String],
    at: time::OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"
        INSERT INTO field_confirmation (contact_id, field_key, confirmed_at)
        SELECT $1, k, $3 FROM unnest($2::text[]) AS k
        ON CONFLICT (contact_id, field_key) DO UPDATE SET confirmed_at = excluded.confirmed_at
        "#,
        contact_id,
        keys,
        at
    )
    .execute(exec)
    .await?;
    Ok(())
}

pub async fn mark_person_left(
    exec: impl PgExecutor<'_>,
    person_id: i64,
    at: time::OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE contact_person SET left_at = $2, updated_at = now() WHERE id = $1",
        person_id,
        at
    )
    .execute(exec)
    .await?;
    Ok(())
}

/// The id of a company's contact by its customer number, when the company is in scope.
pub async fn id_by_customer_no(
    exec: impl PgExecutor<'_>,
    scope: &CompanyScope,
    company_id: i64,
    customer_no: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"
        SELECT id FROM contact
        WHERE company_id = $2 AND customer_no = $3
          AND ($1::bigint[] IS NULL OR company_id = ANY($1))
        "#,
        scope.sql_filter() as Option<Vec<i64>>,
        company_id,
        customer_no
    )
    .fetch_optional(exec)
    .await
}

/// Other contacts of the company with this e-mail address (case-insensitive), at most
/// three: customer number and name.
pub async fn others_with_email(
    exec: impl PgExecutor<'_>,
    company_id: i64,
    contact_id: i64,
    email: &str,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"
        SELECT customer_no, kind AS "kind: ContactKind", first_name, last_name_prefix, last_name,
               organisation_name
        FROM contact
        WHERE company_id = $1 AND lower(email) = lower($3) AND id <> $2
        ORDER BY customer_no LIMIT 3
        "#,
        company_id,
        contact_id,
        email
    )
    .fetch_all(exec)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let name = datacheck_core::wire::display_name(
                r.kind,
                r.first_name.as_deref(),
                r.last_name_prefix.as_deref(),
                r.last_name.as_deref(),
                r.organisation_name.as_deref(),
            )
            .unwrap_or_default();
            (r.customer_no, name)
        })
        .collect())
}

/// The fields a contact confirmed at exactly `at` (one answer's transaction time).
pub async fn confirmed_at(
    exec: impl PgExecutor<'_>,
    contact_id: i64,
    at: time::OffsetDateTime,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT field_key FROM field_confirmation WHERE contact_id = $1 AND confirmed_at = $2",
        contact_id,
        at
    )
    .fetch_all(exec)
    .await
}

/// Everything stored about a contact, as one JSON document (a data subject's copy).
pub async fn export_document(
    exec: impl PgExecutor<'_>,
    contact_id: i64,
) -> Result<serde_json::Value, sqlx::Error> {
    sqlx::query_scalar!(
        r#"
        SELECT jsonb_build_object(
            'exported_at', now(),
            'contact', to_jsonb(k) - 'search_text' - 'sort_name',
            'company', (SELECT name FROM company WHERE id = k.company_id),
            'attributes', coalesce((SELECT jsonb_object_agg(a.field_key, a.value)
                                    FROM contact_attribute a WHERE a.contact_id = k.id), '{}'),
            'confirmed_fields', coalesce((SELECT jsonb_object_agg(f.field_key, f.confirmed_at)
                                          FROM field_confirmation f WHERE f.contact_id = k.id), '{}'),
            'contact_persons', coalesce((SELECT jsonb_agg(to_jsonb(p) - 'contact_id' ORDER BY p.id)
                                         FROM contact_person p WHERE p.contact_id = k.id), '[]'),
            'subscriptions', coalesce((SELECT jsonb_agg(jsonb_build_object('type', t.key, 'since', s.since)
                                                        ORDER BY t.position)
                                       FROM contact_subscription s
                                       JOIN subscription_type t ON t.id = s.subscription_type_id
                                       WHERE s.contact_id = k.id), '[]'),
            'purposes', coalesce((SELECT jsonb_agg(to_jsonb(c) - 'contact_id' ORDER BY c.purpose)
                                  FROM contact_consent c WHERE c.contact_id = k.id), '[]'),
            'consent_history', coalesce((SELECT jsonb_agg(to_jsonb(e) - 'contact_id' ORDER BY e.at, e.id)
                                         FROM consent_event e WHERE e.contact_id = k.id), '[]'),
            'data_check_links', coalesce((SELECT jsonb_agg(jsonb_build_object(
                                              'run', run.name, 'email', r.email,
                                              'language', r.language, 'issued_at', r.issued_at,
                                              'expires_at', r.expires_at, 'opened_at', r.opened_at,
                                              'responded_at', r.responded_at, 'response', r.response,
                                              'revoked_at', r.revoked_at) ORDER BY r.id)
                                          FROM run_recipient r JOIN run ON run.id = r.run_id
                                          WHERE r.contact_id = k.id), '[]'),
            'mails', coalesce((SELECT jsonb_agg(jsonb_build_object(
                                   'kind', o.kind, 'to', o.to_address, 'status', o.status,
                                   'created_at', o.created_at, 'sent_at', o.sent_at) ORDER BY o.id)
                               FROM outbox_mail o JOIN run_recipient r ON r.id = o.run_recipient_id
                               WHERE r.contact_id = k.id), '[]'),
            'answers', coalesce((SELECT jsonb_agg(jsonb_build_object(
                                     'id', m.id, 'kind', m.kind, 'source', m.source,
                                     'status', m.status, 'language', m.language,
                                     'created_at', m.created_at, 'processed_at', m.processed_at,
                                     'changes', coalesce((SELECT jsonb_agg(jsonb_build_object(
                                                 'section', c.section, 'field', c.field_key,
                                                 'person_id', c.person_id, 'new_person', c.new_person,
                                                 'value_before', c.dms_value,
                                                 'value_submitted', c.submitted_value) ORDER BY c.position)
                                             FROM mutation_change c WHERE c.mutation_id = m.id), '[]'))
                                     ORDER BY m.id)
                                 FROM mutation m WHERE m.contact_id = k.id), '[]'),
            'preference_links', coalesce((SELECT jsonb_agg(jsonb_build_object(
                                              'created_at', l.created_at, 'opened_at', l.opened_at,
                                              'revoked_at', l.revoked_at) ORDER BY l.id)
                                          FROM preference_link l WHERE l.contact_id = k.id), '[]')
        ) AS "doc!"
        FROM contact k WHERE k.id = $1
        "#,
        contact_id
    )
    .fetch_one(exec)
    .await
}

pub struct Erased {
    pub mutations: i64,
    pub recipients: i64,
    pub consent_events: i64,
}

/// Removes a contact and everything that holds their personal data. The consent
/// history is append-only except here: this transaction alone may delete it.
pub async fn erase(tx: &mut sqlx::PgConnection, contact_id: i64) -> Result<Erased, sqlx::Error> {
    sqlx::query_scalar!("SELECT set_config('datacheck.erasure', 'on', true)")
        .fetch_one(&mut *tx)
        .await?;
    let counts = sqlx::query_as!(
        Erased,
        r#"
        SELECT (SELECT count(*) FROM mutation WHERE contact_id = $1) AS "mutations!",
               (SELECT count(*) FROM run_recipient WHERE contact_id = $1) AS "recipients!",
               (SELECT count(*) FROM consent_event WHERE contact_id = $1) AS "consent_events!"
        "#,
        contact_id
    )
    .fetch_one(&mut *tx)
    .await?;
    // Addresses the contact was written to, for copies outside the contact's own rows.
    let addresses: Vec<String> = sqlx::query_scalar!(
        r#"
        SELECT lower(a) AS "a!" FROM (
            SELECT email AS a FROM contact WHERE id = $1
            UNION SELECT email FROM contact_person WHERE contact_id = $1
            UNION SELECT email FROM run_recipient WHERE contact_id = $1
        ) x WHERE a IS NOT NULL
        "#,
        contact_id
    )
    .fetch_all(&mut *tx)
    .await?;
    sqlx::query!(
        r#"
        DELETE FROM dev_mail
        WHERE outbox_mail_id IN (SELECT o.id FROM outbox_mail o
                                 JOIN run_recipient r ON r.id = o.run_recipient_id
                                 WHERE r.contact_id = $1)
           OR lower(to_address) = ANY($2)
        "#,
        contact_id,
        &addresses
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "DELETE FROM outbox_mail WHERE run_recipient_id IS NULL AND lower(to_address) = ANY($1)",
        &addresses
    )
    .execute(&mut *tx)
    .await?;
    // Audit details and import summaries that quote the contact (a search typed into
    // an export filter, a rejected row) lose their detail.
    let words: Vec<String> = sqlx::query_scalar!(
        r#"
        SELECT lower(w) AS "w!" FROM contact k,
            LATERAL unnest(ARRAY[k.email, k.phone, k.mobile,
                                 nullif(concat_ws(' ', k.first_name, k.last_name_prefix, k.last_name), ''),
                                 k.last_name, k.organisation_name]) AS w
        WHERE k.id = $1 AND length(w) >= 4
        "#,
        contact_id
    )
    .fetch_all(&mut *tx)
    .await?;
    sqlx::query!(
        r#"
        UPDATE audit_event SET detail = '{"redacted": "erasure"}'
        WHERE EXISTS (SELECT 1 FROM unnest($1::text[]) w
                      WHERE strpos(lower(detail::text), w) > 0)
        "#,
        &words
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        r#"
        UPDATE contact_import SET summary = '{"redacted": "erasure"}'
        WHERE EXISTS (SELECT 1 FROM unnest($1::text[]) w
                      WHERE strpos(lower(summary::text), w) > 0)
        "#,
        &words
    )
    .execute(&mut *tx)
    .await?;
    // The rest goes with the contact: persons, attributes, confirmations, consent and
    // subscriptions, preference links, run links with their mails, answers.
    sqlx::query!("DELETE FROM contact WHERE id = $1", contact_id)
        .execute(&mut *tx)
        .await?;
    Ok(counts)
}

/// Contact ids of a company by customer number.
pub async fn ids_by_customer_nos(
    exec: impl PgExecutor<'_>,
    company_id: i64,
    numbers: &[String],
) -> Result<std::collections::HashMap<String, i64>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT customer_no, id FROM contact WHERE company_id = $1 AND customer_no = ANY($2)",
        company_id,
        numbers
    )
    .fetch_all(exec)
    .await?;
    Ok(rows.into_iter().map(|r| (r.customer_no, r.id)).collect())
}
