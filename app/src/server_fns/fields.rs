//! Server functions of the field catalogue. Everyone on staff may read it (contact
//! pages and the run wizard show it); only admins change it.

// A server function's arguments are its form's fields, one each; the macro repeats
// them on the browser side, where an item-level allow does not reach.
#![allow(clippy::too_many_arguments)]

use datacheck_core::error::AppError;
use datacheck_core::wire::{FieldDef, FieldSaved};
use leptos::prelude::*;

#[server(endpoint = "fields/list")]
pub async fn list_fields() -> Result<Vec<FieldDef>, AppError> {
    use backend::fields;
    let state = crate::server_fns::caller::state()?;
    crate::server_fns::caller::require_staff().await?;
    Ok(fields::catalogue(&state.pool).await?)
}

/// Adds (`is_new`) or changes a field. Check boxes arrive only when ticked.
#[server(endpoint = "fields/save")]
pub async fn save_field(
    key: String,
    #[server(default)] is_new: bool,
    #[server(default)] field_type: String,
    label_nl: String,
    label_en: String,
    #[server(default)] choices: String,
    #[server(default)] required: Option<String>,
    #[server(default)] customer_visible: Option<String>,
    #[server(default)] customer_editable: Option<String>,
    #[server(default)] confirm: Option<String>,
) -> Result<FieldSaved, AppError> {
    use backend::fields;
    let state = crate::server_fns::caller::state()?;
    let admin = crate::server_fns::caller::require_admin().await?;
    let form = fields::FieldForm {
        key,
        is_new,
        field_type,
        label_nl,
        label_en,
        choices,
        required: required.is_some(),
        customer_visible: customer_visible.is_some(),
        customer_editable: customer_editable.is_some(),
    };
    Ok(fields::save(&state.pool, &admin.actor(), &form, confirm.is_some()).await?)
}

/// Deletes a custom attribute. Answers the number of values that would go when there
/// are any and `confirm` is absent.
#[server(endpoint = "fields/delete")]
pub async fn delete_field(
    key: String,
    #[server(default)] confirm: Option<String>,
) -> Result<Option<i64>, AppError> {
    use backend::fields;
    let state = crate::server_fns::caller::state()?;
    let admin = crate::server_fns::caller::require_admin().await?;
    Ok(fields::delete(&state.pool, &admin.actor(), &key, confirm.is_some()).await?)
}

#[server(endpoint = "fields/move")]
pub async fn move_field(key: String, up: bool) -> Result<(), AppError> {
    use backend::fields;
    let state = crate::server_fns::caller::state()?;
    let admin = crate::server_fns::caller::require_admin().await?;
    Ok(fields::reorder(&state.pool, &admin.actor(), &key, up).await?)
}
