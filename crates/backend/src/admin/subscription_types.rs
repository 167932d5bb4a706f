//! The subscription types customers may choose from, as admins manage them.

use super::clean_name;
use crate::auth::Staff;
use crate::{AppState, Error};
use datacheck_core::error::AppError;
use datacheck_core::wire::SubscriptionTypeRow;

pub async fn list(state: &AppState) -> Result<Vec<SubscriptionTypeRow>, Error> {
    use crate::db;
    Ok(db::subscription::admin_list(&state.pool).await?)
}

/// The subscription type form as posted: `id` 0 for a new type.
pub struct TypeForm {
    pub id: i64,
    pub key: String,
    pub name_nl: String,
    pub name_en: String,
    pub description_nl: String,
    pub description_en: String,
    pub active: Option<String>,
    pub position: String,
}

/// Creates a type (`id` 0) or updates one. The key names the type in answers, the
/// history and the API, so it is set once.
pub async fn save(state: &AppState, admin: &Staff, form: TypeForm) -> Result<(), Error> {
    use crate::{audit, db};
    let TypeForm {
        id,
        key,
        name_nl,
        name_en,
        description_nl,
        description_en,
        active,
        position,
    } = form;
    let mut problems = Vec::new();
    let mut take = |r: Result<String, AppError>| match r {
        Ok(v) => v,
        Err(AppError::Invalid { field, message }) => {
            problems.push(datacheck_core::error::FieldMessage {
                field: field.unwrap_or_default(),
                message,
            });
            String::new()
        }
        Err(_) => String::new(),
    };
    let name_nl = take(clean_name(&name_nl, "name_nl", "the Dutch name", 80));
    let name_en = take(clean_name(&name_en, "name_en", "the English name", 80));
    let description = |raw: &str, field: &str| {
        let d = raw.trim().to_string();
        if d.chars().count() > 300 {
            Err(AppError::invalid(
                field,
                "Keep the description under 300 characters.",
            ))
        } else {
            Ok(d)
        }
    };
    let description_nl = take(description(&description_nl, "description_nl"));
    let description_en = take(description(&description_en, "description_en"));
    let position = match position.trim().parse::<i32>() {
        Ok(p) if (0..=100_000).contains(&p) => p,
        _ => {
            problems.push(datacheck_core::error::FieldMessage {
                field: "position".into(),
                message: "Enter the order as a whole number, like 10, 20, 30.".into(),
            });
            0
        }
    };
    let key = key.trim().to_lowercase();
    let key_ok = key.len() <= 48
        && key.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if id == 0 && !key_ok {
        problems.push(datacheck_core::error::FieldMessage {
            field: "key".into(),
            message:
                "The key starts with a letter and has only a-z, 0-9 and _, like car_care_tips."
                    .into(),
        });
    }
    if !problems.is_empty() {
        return Err(Error::from(AppError::Fields(problems)));
    }
    let input = db::subscription::TypeInput {
        name_nl: &name_nl,
        name_en: &name_en,
        description_nl: &description_nl,
        description_en: &description_en,
        active: active.is_some(),
        position,
    };
    let mut tx = state.pool.begin().await?;
    let (action, subject) = if id == 0 {
        let new = db::subscription::insert(&mut *tx, &key, &input)
            .await?
            .ok_or_else(|| AppError::invalid("key", "A subscription type with this key exists."))?;
        ("subscription_type.created", new)
    } else {
        if !db::subscription::update(&mut *tx, id, &input).await? {
            return Err(Error::from(AppError::NotFound));
        }
        ("subscription_type.updated", id)
    };
    audit::record(
        &mut *tx,
        &admin.actor(),
        audit::Event {
            action,
            subject_type: "subscription_type",
            subject_id: Some(subject.to_string()),
            company_id: None,
            detail: serde_json::json!({
                "name_en": name_en, "active": input.active, "position": position,
            }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete(state: &AppState, admin: &Staff, id: i64, expected: i64) -> Result<(), Error> {
    use crate::{audit, db};
    let mut tx = state.pool.begin().await?;
    let (key, subscribers) = db::subscription::lock_with_subscribers(&mut *tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if subscribers != expected {
        return Err(Error::from(AppError::Conflict(format!(
            "{subscribers} contact(s) are subscribed to this type now. Confirm again to remove it with their subscriptions."
        ))));
    }
    db::subscription::delete(&mut *tx, id).await?;
    audit::record(
        &mut *tx,
        &admin.actor(),
        audit::Event {
            action: "subscription_type.deleted",
            subject_type: "subscription_type",
            subject_id: Some(id.to_string()),
            company_id: None,
            detail: serde_json::json!({ "key": key, "subscribers": subscribers }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
