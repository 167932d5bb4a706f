//! The dev mailbox as staff read it (development without SMTP only): the newest mails,
//! one mail with the links in its text, and its HTML part. Where there is no dev
//! mailbox, there is nothing to find.

use crate::{AppState, Error, db, local_time};
use datacheck_core::error::AppError;
use datacheck_core::wire::{DevMail, DevMailRow, MailPreview};

fn open(state: &AppState) -> Result<(), Error> {
    if state.settings.dev_mailbox {
        Ok(())
    } else {
        Err(AppError::NotFound.into())
    }
}

/// The newest 200 mails.
pub async fn list(state: &AppState) -> Result<Vec<DevMailRow>, Error> {
    open(state)?;
    let rows = db::dev_mail::list(&state.pool, None, 200).await?;
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

/// One mail, with the links in its text to click.
pub async fn get(state: &AppState, id: i64) -> Result<DevMail, Error> {
    open(state)?;
    let m = db::dev_mail::get(&state.pool, id)
        .await?
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

/// A mail's HTML part, as it was sent.
pub async fn html(state: &AppState, id: i64) -> Result<String, Error> {
    open(state)?;
    Ok(db::dev_mail::get(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?
        .html_body)
}
