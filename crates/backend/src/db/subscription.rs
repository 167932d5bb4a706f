//! `subscription_type` and `contact_subscription`: what the organisation offers and
//! who is subscribed now.

use sqlx::PgExecutor;

#[derive(Debug, serde::Deserialize)]
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

/// Every type for the admin page, with how many contacts are subscribed now.
pub async fn admin_list(
    exec: impl PgExecutor<'_>,
) -> Result<Vec<datacheck_core::wire::SubscriptionTypeRow>, sqlx::Error> {
    sqlx::query_as!(
        datacheck_core::wire::SubscriptionTypeRow,
        r#"
        SELECT t.id, t.key, t.name_nl, t.name_en, t.description_nl, t.description_en,
               t.active, t.position,
               (SELECT count(*) FROM contact_subscription s
                WHERE s.subscription_type_id = t.id) AS "subscribers!"
        FROM subscription_type t
        ORDER BY t.position, t.id
        "#
    )
    .fetch_all(exec)
    .await
}

pub struct TypeInput<'a> {
    pub name_nl: &'a str,
    pub name_en: &'a str,
    pub description_nl: &'a str,
    pub description_en: &'a str,
    pub active: bool,
    pub position: i32,
}

/// A new type; `None` when the key is taken.
pub async fn insert(
    exec: impl PgExecutor<'_>,
    key: &str,
    t: &TypeInput<'_>,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"
        INSERT INTO subscription_type (key, name_nl, name_en, description_nl, description_en,
                                       active, position)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        ON CONFLICT (key) DO NOTHING
        RETURNING id
        "#,
        key,
        t.name_nl,
        t.name_en,
        t.description_nl,
        t.description_en,
        t.active,
        t.position
    )
    .fetch_optional(exec)
    .await
}

/// Updates a type (its key stays); whether it existed.
pub async fn update(
    exec: impl PgExecutor<'_>,
    id: i64,
    t: &TypeInput<'_>,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query!(
        r#"
        UPDATE subscription_type
        SET name_nl = $2, name_en = $3, description_nl = $4, description_en = $5,
            active = $6, position = $7
        WHERE id = $1
        "#,
        id,
        t.name_nl,
        t.name_en,
        t.description_nl,
        t.description_en,
        t.active,
        t.position
    )
    .execute(exec)
    .await?
    .rows_affected()
        > 0)
}

/// The type's key and its subscribers now, the row held until the transaction ends.
pub async fn lock_with_subscribers(
    exec: impl PgExecutor<'_>,
    id: i64,
) -> Result<Option<(String, i64)>, sqlx::Error> {
    let row = sqlx::query!(
        r#"
        SELECT t.key,
               (SELECT count(*) FROM contact_subscription s
                WHERE s.subscription_type_id = t.id) AS "subscribers!"
        FROM subscription_type t WHERE t.id = $1
        FOR UPDATE
        "#,
        id
    )
    .fetch_optional(exec)
    .await?;
    Ok(row.map(|r| (r.key, r.subscribers)))
}

/// Removes a type and, with it, every subscription to it.
pub async fn delete(exec: impl PgExecutor<'_>, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM subscription_type WHERE id = $1", id)
        .execute(exec)
        .await?;
    Ok(())
}
