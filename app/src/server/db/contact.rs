use crate::server::scope::CompanyScope;
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
