//! Server functions of the development mailbox (development without SMTP only).

#[cfg(feature = "ssr")]
use backend::Located as _;
use datacheck_core::error::AppError;
use datacheck_core::wire::{DevMail, DevMailRow};
use leptos::prelude::*;

/// The dev mailbox (development without SMTP only): the newest mails.
#[server(endpoint = "dev/mailbox")]
pub async fn list_dev_mailbox() -> Result<Vec<DevMailRow>, AppError> {
    use backend::{db, local_time};
    let state = crate::server_fns::caller::state()?;
    crate::server_fns::caller::require_staff().await?;
    if !state.settings.dev_mailbox {
        return Err(AppError::NotFound);
    }
    let rows = db::dev_mail::list(&state.pool, None, 200).await.located()?;
    Ok(rows
        .into_iter()
        .map(|r| DevMailRow {
            id: r.id,
            received: local_time::date_time(r.received_at, &state.settings.time_zone),
            to: r.to_address,
            subject: r.subject,
        })
        .collect())
}

#[server(endpoint = "dev/mail")]
pub async fn load_dev_mail(id: i64) -> Result<DevMail, AppError> {
    use backend::{db, local_time};
    use datacheck_core::wire::MailPreview;
    let state = crate::server_fns::caller::state()?;
    crate::server_fns::caller::require_staff().await?;
    if !state.settings.dev_mailbox {
        return Err(AppError::NotFound);
    }
    let m = db::dev_mail::get(&state.pool, id)
        .await
        .located()?
        .ok_or(AppError::NotFound)?;
    let links = m
        .text_body
        .split_whitespace()
        .filter(|w| w.starts_with("http://") || w.starts_with("https://"))
        .map(|w| w.trim_end_matches(['.', ',', ')']).to_string())
        .collect();
    Ok(DevMail {
        id: m.id,
        received: local_time::date_time(m.received_at, &state.settings.time_zone),
        message_id: m.message_id,
        mail: MailPreview {
            from: m.from_address,
            reply_to: m.reply_to.unwrap_or_default(),
            to: m.to_address,
            subject: m.subject,
            text: m.text_body,
            html: m.html_body,
        },
        links,
    })
}
