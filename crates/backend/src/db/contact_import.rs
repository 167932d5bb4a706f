//! CSV imports in progress and done (`contact_import`), and the bulk upsert that writes
//! their rows into the register.

use crate::scope::CompanyScope;
use datacheck_core::wire::ImportStatus;
use sqlx::PgExecutor;

pub async fn insert(
    exec: impl PgExecutor<'_>,
    company_id: i64,
    staff_user_id: i64,
    file_name: &str,
    bytes: &[u8],
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"
        INSERT INTO contact_import (company_id, staff_user_id, file_name, file_bytes, file_size)
        VALUES ($1, $2, $3, $4, $5)
        RETURNING id
        "#,
        company_id,
        staff_user_id,
        file_name,
        bytes,
        bytes.len() as i64
    )
    .fetch_one(exec)
    .await
}

pub struct Row {
    pub id: i64,
    pub company_id: i64,
    pub company_name: String,
    pub uploaded_by: String,
    pub file_name: String,
    pub file_bytes: Option<Vec<u8>>,
    pub file_size: i64,
    pub status: ImportStatus,
    pub mapping: Option<serde_json::Value>,
    pub rows_total: i32,
    pub rows_done: i32,
    pub summary: Option<serde_json::Value>,
    pub created_at: time::OffsetDateTime,
}

/// One import, when its company is in scope.
pub async fn get(
    exec: impl PgExecutor<'_>,
    scope: &CompanyScope,
    id: i64,
) -> Result<Option<Row>, sqlx::Error> {
    sqlx::query_as!(
        Row,
        r#"
        SELECT i.id, i.company_id, c.name AS company_name, s.display_name AS uploaded_by,
               i.file_name, i.file_bytes, i.file_size, i.status AS "status: ImportStatus",
               i.mapping, i.rows_total,
               i.rows_done, i.summary, i.created_at
        FROM contact_import i
        JOIN company c ON c.id = i.company_id
        JOIN staff_user s ON s.id = i.staff_user_id
        WHERE i.id = $2 AND ($1::bigint[] IS NULL OR i.company_id = ANY($1))
        "#,
        scope.sql_filter() as Option<Vec<i64>>,
        id
    )
    .fetch_optional(exec)
    .await
}

pub struct ListRow {
    pub id: i64,
    pub company_name: String,
    pub uploaded_by: String,
    pub file_name: String,
    pub status: ImportStatus,
    pub summary: Option<serde_json::Value>,
    pub created_at: time::OffsetDateTime,
}

/// The latest imports in scope, newest first.
pub async fn recent(
    exec: impl PgExecutor<'_>,
    scope: &CompanyScope,
    limit: i64,
) -> Result<Vec<ListRow>, sqlx::Error> {
    sqlx::query_as!(
        ListRow,
        r#"
        SELECT i.id, c.name AS company_name, s.display_name AS uploaded_by, i.file_name,
               i.status AS "status: ImportStatus", i.summary, i.created_at
        FROM contact_import i
        JOIN company c ON c.id = i.company_id
        JOIN staff_user s ON s.id = i.staff_user_id
        WHERE ($1::bigint[] IS NULL OR i.company_id = ANY($1))
        ORDER BY i.id DESC
        LIMIT $2
        "#,
        scope.sql_filter() as Option<Vec<i64>>,
        limit
    )
    .fetch_all(exec)
    .await
}

pub async fn set_mapping(
    exec: impl PgExecutor<'_>,
    id: i64,
    mapping: &serde_json::Value,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE contact_import SET mapping = $2 WHERE id = $1 AND status = 'uploaded'",
        id,
        mapping
    )
    .execute(exec)
    .await?;
    Ok(())
}

/// Moves an uploaded import to `importing`; `false` when it was not waiting (already
/// started by a double click or another tab, or cancelled).
pub async fn claim(
    exec: impl PgExecutor<'_>,
    id: i64,
    rows_total: i32,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        r#"
        UPDATE contact_import SET status = 'importing', rows_total = $2, rows_done = 0
        WHERE id = $1 AND status = 'uploaded'
        "#,
        id,
        rows_total
    )
    .execute(exec)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn progress(
    exec: impl PgExecutor<'_>,
    id: i64,
    rows_done: i32,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE contact_import SET rows_done = $2 WHERE id = $1",
        id,
        rows_done
    )
    .execute(exec)
    .await?;
    Ok(())
}

/// The end of an import: its outcome, and the file's bytes gone (they hold personal
/// data that now lives in the register, or was refused).
pub async fn finish(
    exec: impl PgExecutor<'_>,
    id: i64,
    status: &str,
    summary: Option<&serde_json::Value>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"
        UPDATE contact_import
        SET status = $2, summary = $3, file_bytes = NULL, finished_at = now(),
            rows_done = CASE WHEN $2 = 'done' THEN rows_total ELSE rows_done END
        WHERE id = $1
        "#,
        id,
        status,
        summary
    )
    .execute(exec)
    .await?;
    Ok(())
}

/// Cancels an import that has not started. `false` when it had.
pub async fn cancel(exec: impl PgExecutor<'_>, id: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        r#"
        UPDATE contact_import SET status = 'cancelled', file_bytes = NULL, finished_at = now()
        WHERE id = $1 AND status = 'uploaded'
        "#,
        id
    )
    .execute(exec)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Housekeeping: files nobody imported within a day are dropped, and imports whose
/// server stopped halfway (their transaction rolled back) are marked failed.
pub async fn expire(exec: impl PgExecutor<'_>) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        r#"
        UPDATE contact_import
        SET status = CASE WHEN status = 'uploaded' THEN 'cancelled' ELSE 'failed' END,
            file_bytes = NULL, finished_at = now()
        WHERE (status = 'uploaded' AND created_at < now() - interval '1 day')
           OR (status = 'importing' AND created_at < now() - interval '1 hour')
        "#
    )
    .execute(exec)
    .await?;
    Ok(done.rows_affected())
}

/// Contact columns of one chunk of rows, column by column (`None`: no value).
#[derive(Default)]
pub struct Columns {
    pub customer_no: Vec<String>,
    pub kind: Vec<String>,
    /// Per built-in key (catalogue order, without `customer_no`), one value per row.
    pub values: [Vec<Option<String>>; 15],
}

pub struct Upserted {
    pub id: i64,
    pub inserted: bool,
}

/// Inserts new contacts and updates existing ones by `(company, customer_no)`. Only
/// the `mapped` columns of existing contacts change; a contact whose mapped columns
/// already hold these values is left alone (not returned). Returns the contacts written.
pub async fn upsert_contacts(
    exec: impl PgExecutor<'_>,
    company_id: i64,
    c: &Columns,
    mapped: &[String],
) -> Result<Vec<Upserted>, sqlx::Error> {
    let v = &c.values;
    sqlx::query_as!(
        Upserted,
        r#"
        WITH input AS (
            SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[],
                $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[])
            AS t(customer_no, kind, salutation, first_name, last_name_prefix, last_name,
                 organisation_name, email, phone, mobile, street, house_number,
                 house_number_addition, postal_code, city, country, language)
        ),
        merged AS (
            -- New contacts take every value; existing ones only the mapped columns.
            SELECT i.customer_no,
                CASE WHEN k.id IS NULL OR 'kind' = ANY($19) THEN i.kind ELSE k.kind END AS kind,
                CASE WHEN k.id IS NULL OR 'salutation' = ANY($19) THEN i.salutation ELSE k.salutation END AS salutation,
                CASE WHEN k.id IS NULL OR 'first_name' = ANY($19) THEN i.first_name ELSE k.first_name END AS first_name,
                CASE WHEN k.id IS NULL OR 'last_name_prefix' = ANY($19) THEN i.last_name_prefix ELSE k.last_name_prefix END AS last_name_prefix,
                CASE WHEN k.id IS NULL OR 'last_name' = ANY($19) THEN i.last_name ELSE k.last_name END AS last_name,
                CASE WHEN k.id IS NULL OR 'organisation_name' = ANY($19) THEN i.organisation_name ELSE k.organisation_name END AS organisation_name,
                CASE WHEN k.id IS NULL OR 'email' = ANY($19) THEN i.email ELSE k.email END AS email,
                CASE WHEN k.id IS NULL OR 'phone' = ANY($19) THEN i.phone ELSE k.phone END AS phone,
                CASE WHEN k.id IS NULL OR 'mobile' = ANY($19) THEN i.mobile ELSE k.mobile END AS mobile,
                CASE WHEN k.id IS NULL OR 'street' = ANY($19) THEN i.street ELSE k.street END AS street,
                CASE WHEN k.id IS NULL OR 'house_number' = ANY($19) THEN i.house_number ELSE k.house_number END AS house_number,
                CASE WHEN k.id IS NULL OR 'house_number_addition' = ANY($19) THEN i.house_number_addition ELSE k.house_number_addition END AS house_number_addition,
                CASE WHEN k.id IS NULL OR 'postal_code' = ANY($19) THEN i.postal_code ELSE k.postal_code END AS postal_code,
                CASE WHEN k.id IS NULL OR 'city' = ANY($19) THEN i.city ELSE k.city END AS city,
                CASE WHEN k.id IS NULL OR 'country' = ANY($19) THEN coalesce(i.country, 'NL') ELSE k.country END AS country,
                CASE WHEN k.id IS NULL OR 'language' = ANY($19) THEN coalesce(i.language, 'nl') ELSE k.language END AS language
            FROM input i
            LEFT JOIN contact k ON k.company_id = $1 AND k.customer_no = i.customer_no
        )
        INSERT INTO contact AS c (company_id, customer_no, kind, salutation, first_name,
            last_name_prefix, last_name, organisation_name, email, phone, mobile, street,
            house_number, house_number_addition, postal_code, city, country, language)
        SELECT $1, m.customer_no, m.kind, m.salutation, m.first_name, m.last_name_prefix,
               m.last_name, m.organisation_name, m.email, m.phone, m.mobile, m.street,
               m.house_number, m.house_number_addition, m.postal_code, m.city, m.country,
               m.language
        FROM merged m
        ON CONFLICT (company_id, customer_no) DO UPDATE SET
            kind = excluded.kind, salutation = excluded.salutation,
            first_name = excluded.first_name, last_name_prefix = excluded.last_name_prefix,
            last_name = excluded.last_name, organisation_name = excluded.organisation_name,
            email = excluded.email, phone = excluded.phone, mobile = excluded.mobile,
            street = excluded.street, house_number = excluded.house_number,
            house_number_addition = excluded.house_number_addition,
            postal_code = excluded.postal_code, city = excluded.city,
            country = excluded.country, language = excluded.language, updated_at = now()
        WHERE (c.kind, c.salutation, c.first_name, c.last_name_prefix, c.last_name,
               c.organisation_name, c.email, c.phone, c.mobile, c.street, c.house_number,
               c.house_number_addition, c.postal_code, c.city, c.country, c.language)
          IS DISTINCT FROM
              (excluded.kind, excluded.salutation, excluded.first_name,
               excluded.last_name_prefix, excluded.last_name, excluded.organisation_name,
               excluded.email, excluded.phone, excluded.mobile, excluded.street,
               excluded.house_number, excluded.house_number_addition, excluded.postal_code,
               excluded.city, excluded.country, excluded.language)
        RETURNING c.id, (xmax = 0) AS "inserted!"
        "#,
        company_id,
        &c.customer_no,
        &c.kind,
        &v[0] as &[Option<String>],
        &v[1] as &[Option<String>],
        &v[2] as &[Option<String>],
        &v[3] as &[Option<String>],
        &v[4] as &[Option<String>],
        &v[5] as &[Option<String>],
        &v[6] as &[Option<String>],
        &v[7] as &[Option<String>],
        &v[8] as &[Option<String>],
        &v[9] as &[Option<String>],
        &v[10] as &[Option<String>],
        &v[11] as &[Option<String>],
        &v[12] as &[Option<String>],
        &v[13] as &[Option<String>],
        &v[14] as &[Option<String>],
        mapped
    )
    .fetch_all(exec)
    .await
}

/// Sets one custom attribute for many contacts of a company (by customer number); a
/// `None` value removes it. Returns the contacts whose value changed.
pub async fn upsert_attribute(
    exec: impl PgExecutor<'_>,
    company_id: i64,
    key: &str,
    customer_nos: &[String],
    values: &[Option<String>],
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"
        WITH input AS (
            SELECT * FROM unnest($3::text[], $4::text[]) AS t(customer_no, value)
        ),
        target AS (
            SELECT k.id, i.value FROM input i
            JOIN contact k ON k.company_id = $1 AND k.customer_no = i.customer_no
        ),
        removed AS (
            DELETE FROM contact_attribute a USING target t
            WHERE a.contact_id = t.id AND a.field_key = $2 AND t.value IS NULL
            RETURNING a.contact_id
        ),
        written AS (
            INSERT INTO contact_attribute (contact_id, field_key, value)
            SELECT id, $2, value FROM target WHERE value IS NOT NULL
            ON CONFLICT (contact_id, field_key) DO UPDATE SET value = excluded.value
            WHERE contact_attribute.value IS DISTINCT FROM excluded.value
            RETURNING contact_id
        )
        SELECT contact_id AS "id!" FROM removed
        UNION
        SELECT contact_id FROM written
        "#,
        company_id,
        key,
        customer_nos,
        values as &[Option<String>]
    )
    .fetch_all(exec)
    .await
}

/// Marks contacts as updated whose only change was an attribute.
pub async fn touch(exec: impl PgExecutor<'_>, ids: &[i64]) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE contact SET updated_at = now() WHERE id = ANY($1)",
        ids
    )
    .execute(exec)
    .await?;
    Ok(())
}
