use crate::scope::CompanyScope;
use datacheck_core::wire::ContactKind;
use sqlx::PgExecutor;

mod data_request;
mod list;
pub mod managers;

pub use data_request::*;
pub use list::*;

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
