//! Server functions of the subscription types page (admins): what the customer page
//! and the preferences page offer, in Dutch and English, active or not, in order.
// A form's fields are a server function's arguments, one each.
#![allow(clippy::too_many_arguments)]

use datacheck_core::error::AppError;
use datacheck_core::wire::SubscriptionTypeRow;
use leptos::prelude::*;

#[server(endpoint = "admin/subscription_types")]
pub async fn list_subscription_types() -> Result<Vec<SubscriptionTypeRow>, AppError> {
    let state = crate::server_fns::caller::state()?;
    crate::server_fns::caller::require_admin().await?;
    Ok(backend::admin::subscription_types::list(&state).await?)
}

/// Creates a type (`id` 0) or updates one. The key names the type in answers, the
/// history and the API, so it is set once.
#[server(endpoint = "admin/save_subscription_type")]
pub async fn save_subscription_type(
    id: i64,
    #[server(default)] key: String,
    name_nl: String,
    name_en: String,
    #[server(default)] description_nl: String,
    #[server(default)] description_en: String,
    #[server(default)] active: Option<String>,
    position: String,
) -> Result<(), AppError> {
    let state = crate::server_fns::caller::state()?;
    let admin = crate::server_fns::caller::require_admin().await?;
    let form = backend::admin::subscription_types::TypeForm {
        id,
        key,
        name_nl,
        name_en,
        description_nl,
        description_en,
        active,
        position,
    };
    Ok(backend::admin::subscription_types::save(&state, &admin, form).await?)
}

/// Removes a type. When contacts are subscribed, `expected` must be their number as
/// the confirmation showed it: their subscriptions go with the type.
#[server(endpoint = "admin/delete_subscription_type")]
pub async fn delete_subscription_type(id: i64, expected: i64) -> Result<(), AppError> {
    let state = crate::server_fns::caller::state()?;
    let admin = crate::server_fns::caller::require_admin().await?;
    Ok(backend::admin::subscription_types::delete(&state, &admin, id, expected).await?)
}
