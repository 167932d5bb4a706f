//! The field catalogue (`field_def`) and the values of custom attributes
//! (`contact_attribute`). The catalogue is the organisation's, not a company's: every
//! company's contacts share it.

use datacheck_core::domain::{ChoiceOption, FieldType};
use sqlx::PgExecutor;
use sqlx::types::Json;

pub struct Row {
    pub key: String,
    pub builtin: bool,
    pub field_type: FieldType,
    pub label_nl: String,
    pub label_en: String,
    pub choices: Json<Vec<ChoiceOption>>,
    pub required: bool,
    pub customer_visible: bool,
    pub customer_editable: bool,
    pub position: i32,
    pub values: i64,
}

/// The whole catalogue in order, with how many contacts have a value for each custom
/// attribute (built-in fields report 0: their values live in `contact`).
pub async fn list(exec: impl PgExecutor<'_>) -> Result<Vec<Row>, sqlx::Error> {
    sqlx::query_as!(
        Row,
        r#"
        SELECT f.key, f.builtin, f.field_type AS "field_type: FieldType", f.label_nl, f.label_en,
               f.choices AS "choices: Json<Vec<ChoiceOption>>",
               f.required, f.customer_visible, f.customer_editable, f.position,
               (SELECT count(*) FROM contact_attribute a WHERE a.field_key = f.key) AS "values!"
        FROM field_def f
        ORDER BY f.position, f.key
        "#
    )
    .fetch_all(exec)
    .await
}

pub async fn get(exec: impl PgExecutor<'_>, key: &str) -> Result<Option<Row>, sqlx::Error> {
    sqlx::query_as!(
        Row,
        r#"
        SELECT f.key, f.builtin, f.field_type AS "field_type: FieldType", f.label_nl, f.label_en,
               f.choices AS "choices: Json<Vec<ChoiceOption>>",
               f.required, f.customer_visible, f.customer_editable, f.position,
               (SELECT count(*) FROM contact_attribute a WHERE a.field_key = f.key) AS "values!"
        FROM field_def f WHERE f.key = $1
        FOR UPDATE OF f
        "#,
        key
    )
    .fetch_optional(exec)
    .await
}

pub struct Write<'a> {
    pub key: &'a str,
    pub field_type: &'a str,
    pub label_nl: &'a str,
    pub label_en: &'a str,
    pub choices: &'a serde_json::Value,
    pub required: bool,
    pub customer_visible: bool,
    pub customer_editable: bool,
}

/// Adds a custom attribute at the end of the catalogue. `false` when the key exists.
pub async fn insert_custom(exec: impl PgExecutor<'_>, f: &Write<'_>) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        r#"
        INSERT INTO field_def (key, builtin, field_type, label_nl, label_en, choices,
                               required, customer_visible, customer_editable, position)
        SELECT $1, false, $2, $3, $4, $5, $6, $7, $8,
               coalesce((SELECT max(position) FROM field_def), 0) + 10
        ON CONFLICT (key) DO NOTHING
        "#,
        f.key,
        f.field_type,
        f.label_nl,
        f.label_en,
        f.choices,
        f.required,
        f.customer_visible,
        f.customer_editable
    )
    .execute(exec)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn update(exec: impl PgExecutor<'_>, f: &Write<'_>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"
        UPDATE field_def
        SET field_type = $2, label_nl = $3, label_en = $4, choices = $5, required = $6,
            customer_visible = $7, customer_editable = $8, updated_at = now()
        WHERE key = $1
        "#,
        f.key,
        f.field_type,
        f.label_nl,
        f.label_en,
        f.choices,
        f.required,
        f.customer_visible,
        f.customer_editable
    )
    .execute(exec)
    .await?;
    Ok(())
}

/// Deletes a custom attribute and (by cascade) its values. Built-in fields stay.
pub async fn delete_custom(exec: impl PgExecutor<'_>, key: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!("DELETE FROM field_def WHERE key = $1 AND NOT builtin", key)
        .execute(exec)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Swaps the position of `key` with its neighbour above (`up`) or below.
pub async fn move_field(
    exec: impl PgExecutor<'_>,
    key: &str,
    up: bool,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        r#"
        WITH me AS (SELECT key, position FROM field_def WHERE key = $1),
        other AS (
            SELECT f.key, f.position FROM field_def f, me
            WHERE CASE WHEN $2 THEN (f.position, f.key) < (me.position, me.key)
                       ELSE (f.position, f.key) > (me.position, me.key) END
            ORDER BY CASE WHEN $2 THEN f.position END DESC,
                     CASE WHEN $2 THEN f.key END DESC,
                     CASE WHEN NOT $2 THEN f.position END ASC,
                     CASE WHEN NOT $2 THEN f.key END ASC
            LIMIT 1
        )
        UPDATE field_def f
        SET position = CASE WHEN f.key = me.key THEN other.position ELSE me.position END,
            updated_at = now()
        FROM me, other
        WHERE f.key IN (me.key, other.key)
        "#,
        key,
        up
    )
    .execute(exec)
    .await?;
    Ok(done.rows_affected() == 2)
}

/// Every value of one attribute, with the contact it belongs to (for a type change).
pub struct ValueRow {
    pub contact_id: i64,
    pub customer_no: String,
    pub company_name: String,
    pub country: String,
    pub value: String,
}

pub async fn values_of(exec: impl PgExecutor<'_>, key: &str) -> Result<Vec<ValueRow>, sqlx::Error> {
    sqlx::query_as!(
        ValueRow,
        r#"
        SELECT a.contact_id, k.customer_no, c.name AS company_name,
               k.country::text AS "country!", a.value
        FROM contact_attribute a
        JOIN contact k ON k.id = a.contact_id
        JOIN company c ON c.id = k.company_id
        WHERE a.field_key = $1
        ORDER BY c.name, k.customer_no
        "#,
        key
    )
    .fetch_all(exec)
    .await
}

/// Rewrites many values of one attribute at once; a `None` value removes it.
pub async fn rewrite_values(
    exec: impl PgExecutor<'_>,
    key: &str,
    contact_ids: &[i64],
    values: &[Option<String>],
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"
        WITH input AS (
            SELECT * FROM unnest($2::bigint[], $3::text[]) AS t(contact_id, value)
        ),
        gone AS (
            DELETE FROM contact_attribute a USING input i
            WHERE a.field_key = $1 AND a.contact_id = i.contact_id AND i.value IS NULL
        )
        UPDATE contact_attribute a SET value = i.value
        FROM input i
        WHERE a.field_key = $1 AND a.contact_id = i.contact_id AND i.value IS NOT NULL
        "#,
        key,
        contact_ids,
        values as &[Option<String>]
    )
    .execute(exec)
    .await?;
    Ok(())
}
