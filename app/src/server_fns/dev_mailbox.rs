//! Server functions of the development mailbox (development without SMTP only).

use datacheck_core::error::AppError;
use datacheck_core::wire::{DevMail, DevMailRow};
use leptos::prelude::*;

/// The dev mailbox: the newest mails.
#[server(endpoint = "dev/mailbox")]
pub async fn list_dev_mailbox() -> Result<Vec<DevMailRow>, AppError> {
    use backend::mail::dev_mailbox;
    let state = crate::server_fns::caller::state()?;
    crate::server_fns::caller::require_staff().await?;
    Ok(dev_mailbox::list(&state).await?)
}

#[server(endpoint = "dev/mail")]
pub async fn load_dev_mail(id: i64) -> Result<DevMail, AppError> {
    use backend::mail::dev_mailbox;
    let state = crate::server_fns::caller::state()?;
    crate::server_fns::caller::require_staff().await?;
    Ok(dev_mailbox::get(&state, id).await?)
}
