//! Opening a personal link (`/c/{token}`) in the order SPEC §4 gives: decrypt, expiry,
//! then the run cancelled or the link revoked. Whatever is wrong with an invalid token
//! stays unsaid. Opening records only the first "opened" time; it changes nothing else.

use crate::error::AppError;
use crate::model::{PortalField, PortalState, PortalView};
use crate::server::scope::CompanyScope;
use crate::server::{AppState, contacts, db, mail};
use time::OffsetDateTime;

pub enum Link {
    Open(db::run_recipient::LinkRow),
    Expired,
    Invalid,
}

/// Checks a token at `now` without changing anything.
pub async fn check(state: &AppState, token: &str, now: OffsetDateTime) -> Result<Link, AppError> {
    let claims = match state.settings.link_keys.open(
        link_token::Purpose::Portal,
        token,
        now.unix_timestamp(),
    ) {
        Ok(c) => c,
        Err(link_token::OpenError::Invalid) => return Ok(Link::Invalid),
        Err(link_token::OpenError::Expired(_)) => return Ok(Link::Expired),
    };
    let Ok(id) = i64::try_from(claims.subject) else {
        return Ok(Link::Invalid);
    };
    let Some(row) = db::run_recipient::for_link(&state.pool, id).await? else {
        return Ok(Link::Invalid);
    };
    if row.run_status == "cancelled" || row.revoked || row.expires_at <= now {
        return Ok(Link::Expired);
    }
    Ok(Link::Open(row))
}

/// The customer page's state for a token; records "opened" when it opens.
pub async fn open(state: &AppState, token: &str) -> Result<PortalState, AppError> {
    let now = OffsetDateTime::now_utc();
    let row = match check(state, token, now).await? {
        Link::Invalid => return Ok(PortalState::Invalid),
        Link::Expired => return Ok(PortalState::Expired),
        Link::Open(row) => row,
    };
    db::run_recipient::mark_opened(&state.pool, row.id).await?;
    let detail = contacts::detail(
        state,
        &CompanyScope::all(),
        crate::model::ContactId(row.contact_id),
    )
    .await?;
    let dutch = row.language != "en";
    let labels: std::collections::HashMap<String, String> = db::field_def::list(&state.pool)
        .await?
        .into_iter()
        .map(|d| (d.key, if dutch { d.label_nl } else { d.label_en }))
        .collect();
    let fields = detail
        .fields
        .into_iter()
        .filter_map(|f| {
            let rule = row.field_rules.0.get(&f.key)?;
            Some(PortalField {
                label: labels.get(&f.key).cloned().unwrap_or(f.label),
                value: f.value,
                editable: rule == "editable",
                key: f.key,
            })
        })
        .collect();
    Ok(PortalState::Open(PortalView {
        company: row.company_name,
        name: detail.name,
        language: row.language.clone(),
        valid_until: mail::valid_until_text(
            row.expires_at,
            &state.settings.time_zone,
            &row.language,
        ),
        fields,
    }))
}
