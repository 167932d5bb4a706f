//! Server functions of the customer page and the development mailbox.

use crate::error::AppError;
use crate::model::{DevMail, DevMailRow, PortalState};
use leptos::prelude::*;

/// What a personal link opens (a GET: records "opened", nothing else). Sets the page's
/// status: 404 for an invalid link, 410 for an expired one, 429 when this client
/// opened too many invalid links.
#[server(endpoint = "portal/open")]
pub async fn open_portal(
    token: String,
    #[server(default)] lang: Option<String>,
    #[server(default)] edit: bool,
) -> Result<PortalState, AppError> {
    use crate::server::{AppState, auth, portal};
    let state = AppState::get()?;
    let client = portal::Client {
        hash: auth::request_client_hash(&state.settings).await?,
    };
    let result = portal::open(&state, &token, lang.as_deref(), edit, &client).await?;
    if let Some(r) = use_context::<leptos_axum::ResponseOptions>() {
        r.set_status(portal::status(&result));
    }
    Ok(result)
}

/// A lasting preferences link (a GET: records "opened", nothing else). `saved` is what
/// the last POST did, to say so once.
#[server(endpoint = "preferences/open")]
pub async fn open_preferences(
    token: String,
    #[server(default)] lang: Option<String>,
    #[server(default)] saved: Option<String>,
) -> Result<crate::model::PreferencesState, AppError> {
    use crate::server::{AppState, auth, portal, preferences};
    let state = AppState::get()?;
    let client = portal::Client {
        hash: auth::request_client_hash(&state.settings).await?,
    };
    let result =
        preferences::open(&state, &token, lang.as_deref(), saved.as_deref(), &client).await?;
    if let Some(r) = use_context::<leptos_axum::ResponseOptions>() {
        r.set_status(preferences::status(&result));
    }
    Ok(result)
}

/// The dev mailbox (development without SMTP only): the newest mails.
#[server(endpoint = "dev/mailbox")]
pub async fn list_dev_mailbox() -> Result<Vec<DevMailRow>, AppError> {
    use crate::server::{AppState, auth, db, timefmt};
    let state = AppState::get()?;
    auth::require_staff().await?;
    if !state.settings.dev_mailbox {
        return Err(AppError::NotFound);
    }
    let rows = db::dev_mail::list(&state.pool, None, 200).await?;
    Ok(rows
        .into_iter()
        .map(|r| DevMailRow {
            id: r.id,
            received: timefmt::date_time(r.received_at, &state.settings.time_zone),
            to: r.to_address,
            subject: r.subject,
        })
        .collect())
}

#[server(endpoint = "dev/mail")]
pub async fn load_dev_mail(id: i64) -> Result<DevMail, AppError> {
    use crate::model::MailPreview;
    use crate::server::{AppState, auth, db, timefmt};
    let state = AppState::get()?;
    auth::require_staff().await?;
    if !state.settings.dev_mailbox {
        return Err(AppError::NotFound);
    }
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
        received: timefmt::date_time(m.received_at, &state.settings.time_zone),
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
