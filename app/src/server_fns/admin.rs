//! Admin-only server functions: staff users, companies, the audit log.

use datacheck_core::error::AppError;
use datacheck_core::wire::{AuditRow, CompanyRow, StaffUserRow, TemporaryPassword};
use leptos::prelude::*;

#[server(endpoint = "admin/staff_users")]
pub async fn list_staff_users() -> Result<Vec<StaffUserRow>, AppError> {
    let state = crate::server_fns::caller::state()?;
    crate::server_fns::caller::require_admin().await?;
    Ok(backend::admin::staff_users::list(&state).await?)
}

#[server(endpoint = "admin/invite_staff_user")]
pub async fn invite_staff_user(
    display_name: String,
    email: String,
    role: String,
    #[server(default)] company_ids: Vec<i64>,
) -> Result<TemporaryPassword, AppError> {
    let state = crate::server_fns::caller::state()?;
    let admin = crate::server_fns::caller::require_admin().await?;
    Ok(
        backend::admin::staff_users::invite(&state, &admin, display_name, email, role, company_ids)
            .await?,
    )
}

#[server(endpoint = "admin/update_staff_user")]
pub async fn update_staff_user(
    id: i64,
    role: String,
    #[server(default)] company_ids: Vec<i64>,
) -> Result<(), AppError> {
    let state = crate::server_fns::caller::state()?;
    let admin = crate::server_fns::caller::require_admin().await?;
    Ok(backend::admin::staff_users::update(&state, &admin, id, role, company_ids).await?)
}

#[server(endpoint = "admin/set_staff_user_disabled")]
pub async fn set_staff_user_disabled(id: i64, disabled: bool) -> Result<(), AppError> {
    let state = crate::server_fns::caller::state()?;
    let admin = crate::server_fns::caller::require_admin().await?;
    Ok(backend::admin::staff_users::set_disabled(&state, &admin, id, disabled).await?)
}

#[server(endpoint = "admin/reset_staff_password")]
pub async fn reset_staff_password(id: i64) -> Result<TemporaryPassword, AppError> {
    let state = crate::server_fns::caller::state()?;
    let admin = crate::server_fns::caller::require_admin().await?;
    Ok(backend::admin::staff_users::reset_password(&state, &admin, id).await?)
}

#[server(endpoint = "admin/companies")]
pub async fn list_companies() -> Result<Vec<CompanyRow>, AppError> {
    let state = crate::server_fns::caller::state()?;
    let admin = crate::server_fns::caller::require_admin().await?;
    Ok(backend::admin::companies::list(&state, &admin).await?)
}

#[server(endpoint = "admin/create_company")]
pub async fn create_company(name: String) -> Result<(), AppError> {
    let state = crate::server_fns::caller::state()?;
    let admin = crate::server_fns::caller::require_admin().await?;
    Ok(backend::admin::companies::create(&state, &admin, name).await?)
}

#[server(endpoint = "admin/rename_company")]
pub async fn rename_company(id: i64, name: String) -> Result<(), AppError> {
    let state = crate::server_fns::caller::state()?;
    let admin = crate::server_fns::caller::require_admin().await?;
    Ok(backend::admin::companies::rename(&state, &admin, id, name).await?)
}

#[server(endpoint = "admin/audit")]
pub async fn list_audit(#[server(default)] before: Option<i64>) -> Result<Vec<AuditRow>, AppError> {
    let state = crate::server_fns::caller::state()?;
    let admin = crate::server_fns::caller::require_admin().await?;
    Ok(backend::admin::audit_log::list(&state, &admin, before).await?)
}

#[server(endpoint = "admin/api_keys")]
pub async fn list_api_keys() -> Result<Vec<datacheck_core::wire::ApiKeyRow>, AppError> {
    let state = crate::server_fns::caller::state()?;
    crate::server_fns::caller::require_admin().await?;
    Ok(backend::admin::api_key_admin::list(&state).await?)
}

/// Creates a key for the DMS, for all companies or the chosen ones; the answer holds
/// the key, which is not stored and cannot be shown again.
#[server(endpoint = "admin/create_api_key")]
pub async fn create_api_key(
    name: String,
    #[server(default)] all_companies: Option<String>,
    #[server(default)] company_ids: Vec<i64>,
    #[server(default)] webhook_url: String,
) -> Result<datacheck_core::wire::NewApiKey, AppError> {
    let state = crate::server_fns::caller::state()?;
    let admin = crate::server_fns::caller::require_admin().await?;
    Ok(backend::admin::api_key_admin::create(
        &state,
        &admin,
        name,
        all_companies,
        company_ids,
        webhook_url,
    )
    .await?)
}

#[server(endpoint = "admin/revoke_api_key")]
pub async fn revoke_api_key(id: i64) -> Result<(), AppError> {
    let state = crate::server_fns::caller::state()?;
    let admin = crate::server_fns::caller::require_admin().await?;
    Ok(backend::admin::api_key_admin::revoke(&state, &admin, id).await?)
}
