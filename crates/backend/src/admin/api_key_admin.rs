//! DMS API keys as admins manage them: list, create (the key is shown once), revoke.

use super::clean_name;
use crate::auth::Staff;
use crate::{AppState, Error};
use datacheck_core::error::AppError;

pub async fn list(state: &AppState) -> Result<Vec<datacheck_core::wire::ApiKeyRow>, Error> {
    use crate::{db, local_time};
    use datacheck_core::wire::ApiKeyRow;
    let tz = &state.settings.time_zone;
    Ok(db::api_key::list(&state.pool)
        .await?
        .into_iter()
        .map(|k| ApiKeyRow {
            id: k.id,
            name: k.name,
            prefix: k.prefix,
            companies: match k.company_ids {
                None => "All companies".into(),
                Some(_) => k.company_names.join(", "),
            },
            created: format!(
                "{} by {}",
                local_time::date_time(k.created_at, tz),
                k.created_by.unwrap_or_else(|| "—".into())
            ),
            last_used: k
                .last_used_at
                .map(|t| local_time::date_time(t, tz))
                .unwrap_or_else(|| "never".into()),
            revoked: k.revoked_at.map(|t| local_time::date_time(t, tz)),
        })
        .collect())
}

pub async fn create(
    state: &AppState,
    admin: &Staff,
    name: String,
    all_companies: Option<String>,
    company_ids: Vec<i64>,
    webhook_url: String,
) -> Result<datacheck_core::wire::NewApiKey, Error> {
    use crate::{api_keys, audit, db};
    use datacheck_core::wire::NewApiKey;
    let name = clean_name(&name, "name", "a name for the key", 100)?;
    let companies: Option<Vec<i64>> = if all_companies.is_some() {
        None
    } else {
        if company_ids.is_empty() {
            return Err(AppError::invalid(
                "company_ids",
                "Choose the companies this key may use, or all companies.",
            )
            .into());
        }
        let known = db::company::refs_in_scope(&state.pool, &admin.scope).await?;
        if company_ids
            .iter()
            .any(|id| !known.iter().any(|c| c.id.0 == *id))
        {
            return Err(AppError::invalid("company_ids", "Choose existing companies.").into());
        }
        Some(company_ids)
    };
    let webhook_url = api_keys::check_webhook_url(&webhook_url, state.settings.env)?;
    let key = api_keys::generate();
    let webhook_secret = webhook_url.as_ref().map(|_| api_keys::webhook_secret());
    let mut tx = state.pool.begin().await?;
    let id = db::api_key::insert(
        &mut *tx,
        &name,
        &key.prefix,
        &key.secret_hash,
        companies.as_deref(),
        admin.id.0,
    )
    .await?;
    if let (Some(url), Some(secret)) = (&webhook_url, &webhook_secret) {
        db::api_key::set_webhook(&mut *tx, id, url, secret).await?;
    }
    audit::record(
        &mut *tx,
        &admin.actor(),
        audit::Event {
            action: "api_key.created",
            subject_type: "api_key",
            subject_id: Some(id.to_string()),
            company_id: None,
            detail: serde_json::json!({ "name": name, "prefix": key.prefix, "company_ids": companies, "webhook_url": webhook_url }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(NewApiKey {
        name,
        key: key.text,
        webhook_secret,
    })
}

pub async fn revoke(state: &AppState, admin: &Staff, id: i64) -> Result<(), Error> {
    use crate::{audit, db};
    let mut tx = state.pool.begin().await?;
    let name = db::api_key::revoke(&mut *tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    audit::record(
        &mut *tx,
        &admin.actor(),
        audit::Event {
            action: "api_key.revoked",
            subject_type: "api_key",
            subject_id: Some(id.to_string()),
            company_id: None,
            detail: serde_json::json!({ "name": name }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
