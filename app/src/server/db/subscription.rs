//! `subscription_type` and `contact_subscription`: what the organisation offers and
//! who is subscribed now.

use sqlx::PgExecutor;

pub struct TypeRow {
    pub key: String,
    pub name_nl: String,
    pub name_en: String,
    pub description_nl: String,
    pub description_en: String,
    pub subscribed: bool,
}

/// The active types in order, with whether `contact_id` is subscribed to each.
pub async fn for_contact(
    exec: impl PgExecutor<'_>,
    contact_id: i64,
) -> Result<Vec<TypeRow>, sqlx::Error> {
    sqlx::query_as!(
        TypeRow,
        r#"
        SELECT t.key, t.name_nl, t.name_en, t.description_nl, t.description_en,
               EXISTS (SELECT 1 FROM contact_subscription s
                       WHERE s.contact_id = $1 AND s.subscription_type_id = t.id)
                   AS "subscribed!"
        FROM subscription_type t
        WHERE t.active
        ORDER BY t.position, t.id
        "#,
        contact_id
    )
    .fetch_all(exec)
    .await
}

/// Subscribes or unsubscribes a contact to the type with this key; whether that
/// changed anything.
pub async fn set(
    exec: impl PgExecutor<'_>,
    contact_id: i64,
    type_key: &str,
    subscribed: bool,
) -> Result<bool, sqlx::Error> {
    let done = if subscribed {
        sqlx::query!(
            r#"
            INSERT INTO contact_subscription (contact_id, subscription_type_id)
            SELECT $1, id FROM subscription_type WHERE key = $2
            ON CONFLICT DO NOTHING
            "#,
            contact_id,
            type_key
        )
        .execute(exec)
        .await?
    } else {
        sqlx::query!(
            r#"
            DELETE FROM contact_subscription
            WHERE contact_id = $1
              AND subscription_type_id = (SELECT id FROM subscription_type WHERE key = $2)
            "#,
            contact_id,
            type_key
        )
        .execute(exec)
        .await?
    };
    Ok(done.rows_affected() > 0)
}

/// Every type's key and English name, inactive ones too (old answers name them).
pub async fn names(exec: impl PgExecutor<'_>) -> Result<Vec<(String, String)>, sqlx::Error> {
    let rows = sqlx::query!("SELECT key, name_en FROM subscription_type ORDER BY position, id")
        .fetch_all(exec)
        .await?;
    Ok(rows.into_iter().map(|r| (r.key, r.name_en)).collect())
}
