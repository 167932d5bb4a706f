//! Admin-only server functions: staff users, companies, the audit log.

#[cfg(feature = "ssr")]
use backend::Located as _;
use datacheck_core::error::AppError;
use datacheck_core::wire::{AuditRow, CompanyRow, StaffUserRow, TemporaryPassword};
#[cfg(feature = "ssr")]
use datacheck_core::wire::{CompanyId, StaffRole, StaffUserId};
use leptos::prelude::*;

/// Trimmed, whitespace-collapsed text between 1 and `max` characters.
pub fn clean_name(raw: &str, field: &str, what: &str, max: usize) -> Result<String, AppError> {
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err(AppError::invalid(field, format!("Enter {what}.")));
    }
    if name.chars().count() > max {
        return Err(AppError::invalid(
            field,
            format!("Use at most {max} characters."),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(AppError::invalid(field, "Remove the control characters."));
    }
    Ok(name)
}

/// A plausible staff e-mail address, lower-cased. The full e-mail rules arrive with the
/// domain types; staff addresses only need to be usable for sign-in.
pub fn clean_staff_email(raw: &str) -> Result<String, AppError> {
    let email = raw.trim().to_lowercase();
    let valid = email.len() <= 254
        && !email.contains(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
        });
    if valid {
        Ok(email)
    } else {
        Err(AppError::invalid(
            "email",
            "Enter a valid e-mail address, like name@example.com.",
        ))
    }
}

#[server(endpoint = "admin/staff_users")]
pub async fn list_staff_users() -> Result<Vec<StaffUserRow>, AppError> {
    use backend::{db, timefmt};
    use datacheck_core::wire::CompanyRef;
    let state = crate::server_fns::caller::state()?;
    crate::server_fns::caller::require_admin().await?;
    let rows = db::staff_user::list(&state.pool).await.located()?;
    Ok(rows
        .into_iter()
        .map(|r| StaffUserRow {
            id: StaffUserId(r.id),
            email: r.email,
            display_name: r.display_name,
            role: r.role,
            companies: r
                .company_ids
                .into_iter()
                .zip(r.company_names)
                .map(|(id, name)| CompanyRef {
                    id: CompanyId(id),
                    name,
                })
                .collect(),
            disabled: r.disabled,
            must_change_password: r.must_change_password,
            last_sign_in: r
                .last_sign_in_at
                .map(|t| timefmt::date_time(t, &state.settings.time_zone))
                .unwrap_or_else(|| "never".into()),
        })
        .collect())
}

#[server(endpoint = "admin/invite_staff_user")]
pub async fn invite_staff_user(
    display_name: String,
    email: String,
    role: String,
    #[server(default)] company_ids: Vec<i64>,
) -> Result<TemporaryPassword, AppError> {
    use backend::{audit, db, password};
    let state = crate::server_fns::caller::state()?;
    let admin = crate::server_fns::caller::require_admin().await?;
    let display_name = clean_name(&display_name, "display_name", "a name", 200)?;
    let email = clean_staff_email(&email)?;
    let role =
        StaffRole::parse(&role).ok_or_else(|| AppError::invalid("role", "Choose a role."))?;
    let temp = password::temporary();
    let hash = password::hash(temp.clone()).await?;
    let mut tx = state.pool.begin().await.located()?;
    let id = db::staff_user::insert(&mut *tx, &email, &display_name, &hash, role.as_str(), true)
        .await
        .located()?
        .ok_or_else(|| {
            AppError::invalid(
                "email",
                "A staff user with this e-mail address already exists.",
            )
        })?;
    if role == StaffRole::Staff {
        db::staff_user::set_companies(&mut tx, id, &company_ids)
            .await
            .located()?;
    }
    audit::record(
        &mut *tx,
        &admin.actor(),
        audit::Event {
            action: "staff.invited",
            subject_type: "staff_user",
            subject_id: Some(id.to_string()),
            company_id: None,
            detail: serde_json::json!({ "email": email, "role": role.as_str(), "company_ids": company_ids }),
        },
    )
    .await.located()?;
    tx.commit().await.located()?;
    Ok(TemporaryPassword {
        email,
        password: temp,
    })
}

#[server(endpoint = "admin/update_staff_user")]
pub async fn update_staff_user(
    id: i64,
    role: String,
    #[server(default)] company_ids: Vec<i64>,
) -> Result<(), AppError> {
    use backend::{audit, db};
    let state = crate::server_fns::caller::state()?;
    let admin = crate::server_fns::caller::require_admin().await?;
    let role =
        StaffRole::parse(&role).ok_or_else(|| AppError::invalid("role", "Choose a role."))?;
    let mut tx = state.pool.begin().await.located()?;
    let user = db::staff_user::get(&mut *tx, id)
        .await
        .located()?
        .ok_or(AppError::NotFound)?;
    if user.role == StaffRole::Admin
        && role != StaffRole::Admin
        && !user.disabled
        && db::staff_user::other_enabled_admins(&mut *tx, id)
            .await
            .located()?
            == 0
    {
        return Err(AppError::invalid(
            "role",
            "This is the last active admin: make someone else admin first.",
        ));
    }
    db::staff_user::set_role(&mut *tx, id, role.as_str())
        .await
        .located()?;
    let companies: &[i64] = if role == StaffRole::Staff {
        &company_ids
    } else {
        &[]
    };
    db::staff_user::set_companies(&mut tx, id, companies)
        .await
        .located()?;
    audit::record(
        &mut *tx,
        &admin.actor(),
        audit::Event {
            action: "staff.updated",
            subject_type: "staff_user",
            subject_id: Some(id.to_string()),
            company_id: None,
            detail: serde_json::json!({
                "email": user.email, "old_role": user.role.as_str(), "role": role.as_str(), "company_ids": companies
            }),
        },
    )
    .await.located()?;
    tx.commit().await.located()?;
    Ok(())
}

#[server(endpoint = "admin/set_staff_user_disabled")]
pub async fn set_staff_user_disabled(id: i64, disabled: bool) -> Result<(), AppError> {
    use backend::{audit, db};
    let state = crate::server_fns::caller::state()?;
    let admin = crate::server_fns::caller::require_admin().await?;
    if disabled && id == admin.id.0 {
        return Err(AppError::Invalid {
            field: None,
            message: "You cannot disable your own account.".into(),
        });
    }
    let mut tx = state.pool.begin().await.located()?;
    let user = db::staff_user::get(&mut *tx, id)
        .await
        .located()?
        .ok_or(AppError::NotFound)?;
    if disabled
        && user.role == StaffRole::Admin
        && db::staff_user::other_enabled_admins(&mut *tx, id)
            .await
            .located()?
            == 0
    {
        return Err(AppError::Invalid {
            field: None,
            message: "This is the last active admin.".into(),
        });
    }
    db::staff_user::set_disabled(&mut *tx, id, disabled)
        .await
        .located()?;
    if disabled {
        db::staff_session::delete_for_user(&mut *tx, id)
            .await
            .located()?;
    }
    audit::record(
        &mut *tx,
        &admin.actor(),
        audit::Event {
            action: if disabled {
                "staff.disabled"
            } else {
                "staff.enabled"
            },
            subject_type: "staff_user",
            subject_id: Some(id.to_string()),
            company_id: None,
            detail: serde_json::json!({ "email": user.email }),
        },
    )
    .await
    .located()?;
    tx.commit().await.located()?;
    Ok(())
}

#[server(endpoint = "admin/reset_staff_password")]
pub async fn reset_staff_password(id: i64) -> Result<TemporaryPassword, AppError> {
    use backend::{audit, db, password};
    let state = crate::server_fns::caller::state()?;
    let admin = crate::server_fns::caller::require_admin().await?;
    let temp = password::temporary();
    let hash = password::hash(temp.clone()).await?;
    let mut tx = state.pool.begin().await.located()?;
    let user = db::staff_user::get(&mut *tx, id)
        .await
        .located()?
        .ok_or(AppError::NotFound)?;
    db::staff_user::set_password(&mut *tx, id, &hash, true)
        .await
        .located()?;
    db::staff_session::delete_for_user(&mut *tx, id)
        .await
        .located()?;
    audit::record(
        &mut *tx,
        &admin.actor(),
        audit::Event {
            action: "staff.password_reset",
            subject_type: "staff_user",
            subject_id: Some(id.to_string()),
            company_id: None,
            detail: serde_json::json!({ "email": user.email }),
        },
    )
    .await
    .located()?;
    tx.commit().await.located()?;
    Ok(TemporaryPassword {
        email: user.email,
        password: temp,
    })
}

#[server(endpoint = "admin/companies")]
pub async fn list_companies() -> Result<Vec<CompanyRow>, AppError> {
    use backend::{db, timefmt};
    let state = crate::server_fns::caller::state()?;
    let admin = crate::server_fns::caller::require_admin().await?;
    let rows = db::company::list_in_scope(&state.pool, &admin.scope)
        .await
        .located()?;
    Ok(rows
        .into_iter()
        .map(|r| CompanyRow {
            id: CompanyId(r.id),
            name: r.name,
            contacts: r.contacts,
            staff_users: r.staff_users,
            created_on: timefmt::date(r.created_at, &state.settings.time_zone),
        })
        .collect())
}

#[server(endpoint = "admin/create_company")]
pub async fn create_company(name: String) -> Result<(), AppError> {
    use backend::{audit, db};
    let state = crate::server_fns::caller::state()?;
    let admin = crate::server_fns::caller::require_admin().await?;
    let name = clean_name(&name, "name", "the company's name", 200)?;
    let mut tx = state.pool.begin().await.located()?;
    let id = db::company::insert(&mut *tx, &name)
        .await
        .located()?
        .ok_or_else(|| AppError::invalid("name", "A company with this name already exists."))?;
    audit::record(
        &mut *tx,
        &admin.actor(),
        audit::Event {
            action: "company.created",
            subject_type: "company",
            subject_id: Some(id.to_string()),
            company_id: Some(CompanyId(id)),
            detail: serde_json::json!({ "name": name }),
        },
    )
    .await
    .located()?;
    tx.commit().await.located()?;
    Ok(())
}

#[server(endpoint = "admin/rename_company")]
pub async fn rename_company(id: i64, name: String) -> Result<(), AppError> {
    use backend::db::company::Renamed;
    use backend::{audit, db};
    let state = crate::server_fns::caller::state()?;
    let admin = crate::server_fns::caller::require_admin().await?;
    let company = admin.scope.require(CompanyId(id))?;
    let name = clean_name(&name, "name", "the company's name", 200)?;
    let mut tx = state.pool.begin().await.located()?;
    let old = db::company::name_in_scope(&mut *tx, &admin.scope, company)
        .await
        .located()?
        .ok_or(AppError::NotFound)?;
    match db::company::rename(&mut *tx, company, &name)
        .await
        .located()?
    {
        Renamed::Done => {}
        Renamed::NotFound => return Err(AppError::NotFound),
        Renamed::NameTaken => {
            return Err(AppError::invalid(
                "name",
                "A company with this name already exists.",
            ));
        }
    }
    audit::record(
        &mut *tx,
        &admin.actor(),
        audit::Event {
            action: "company.renamed",
            subject_type: "company",
            subject_id: Some(id.to_string()),
            company_id: Some(company),
            detail: serde_json::json!({ "old_name": old, "name": name }),
        },
    )
    .await
    .located()?;
    tx.commit().await.located()?;
    Ok(())
}

#[server(endpoint = "admin/audit")]
pub async fn list_audit(#[server(default)] before: Option<i64>) -> Result<Vec<AuditRow>, AppError> {
    use backend::{db, timefmt};
    let state = crate::server_fns::caller::state()?;
    let admin = crate::server_fns::caller::require_admin().await?;
    let rows = db::audit_event::list(&state.pool, &admin.scope, before, 100)
        .await
        .located()?;
    Ok(rows
        .into_iter()
        .map(|r| AuditRow {
            id: r.id,
            at: timefmt::date_time(r.at, &state.settings.time_zone),
            actor: r.actor_label,
            action: r.action,
            subject: match r.subject_id {
                Some(id) => format!("{} #{id}", r.subject_type),
                None => r.subject_type,
            },
            detail: if r.detail.as_object().is_some_and(|o| o.is_empty()) {
                String::new()
            } else {
                r.detail.to_string()
            },
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            clean_name("  Garage   Dekker ", "name", "a name", 200).unwrap(),
            "Garage Dekker"
        );
        assert!(clean_name("   ", "name", "a name", 200).is_err());
        assert!(clean_name(&"x".repeat(201), "name", "a name", 200).is_err());
        assert!(clean_name("a\u{7}b", "name", "a name", 200).is_err());
    }

    #[test]
    fn staff_emails_are_lowercased_and_checked() {
        assert_eq!(
            clean_staff_email(" Anna@Example.COM ").unwrap(),
            "anna@example.com"
        );
        for bad in [
            "",
            "anna",
            "anna@",
            "@example.com",
            "an na@example.com",
            "a@b",
            "a@.b.c",
            "a@b@c.d",
        ] {
            assert!(clean_staff_email(bad).is_err(), "{bad}");
        }
    }
}

#[server(endpoint = "admin/api_keys")]
pub async fn list_api_keys() -> Result<Vec<datacheck_core::wire::ApiKeyRow>, AppError> {
    use backend::{db, timefmt};
    use datacheck_core::wire::ApiKeyRow;
    let state = crate::server_fns::caller::state()?;
    crate::server_fns::caller::require_admin().await?;
    let tz = &state.settings.time_zone;
    Ok(db::api_key::list(&state.pool)
        .await
        .located()?
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
                timefmt::date_time(k.created_at, tz),
                k.created_by.unwrap_or_else(|| "—".into())
            ),
            last_used: k
                .last_used_at
                .map(|t| timefmt::date_time(t, tz))
                .unwrap_or_else(|| "never".into()),
            revoked: k.revoked_at.map(|t| timefmt::date_time(t, tz)),
        })
        .collect())
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
    use backend::{api_keys, audit, db};
    use datacheck_core::wire::NewApiKey;
    let state = crate::server_fns::caller::state()?;
    let admin = crate::server_fns::caller::require_admin().await?;
    let name = clean_name(&name, "name", "a name for the key", 100)?;
    let companies: Option<Vec<i64>> = if all_companies.is_some() {
        None
    } else {
        if company_ids.is_empty() {
            return Err(AppError::invalid(
                "company_ids",
                "Choose the companies this key may use, or all companies.",
            ));
        }
        let known = db::company::refs_in_scope(&state.pool, &admin.scope)
            .await
            .located()?;
        if company_ids
            .iter()
            .any(|id| !known.iter().any(|c| c.id.0 == *id))
        {
            return Err(AppError::invalid(
                "company_ids",
                "Choose existing companies.",
            ));
        }
        Some(company_ids)
    };
    let webhook_url = api_keys::check_webhook_url(&webhook_url, state.settings.env)?;
    let key = api_keys::generate();
    let webhook_secret = webhook_url.as_ref().map(|_| api_keys::webhook_secret());
    let mut tx = state.pool.begin().await.located()?;
    let id = db::api_key::insert(
        &mut *tx,
        &name,
        &key.prefix,
        &key.secret_hash,
        companies.as_deref(),
        admin.id.0,
    )
    .await
    .located()?;
    if let (Some(url), Some(secret)) = (&webhook_url, &webhook_secret) {
        db::api_key::set_webhook(&mut *tx, id, url, secret)
            .await
            .located()?;
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
    .await.located()?;
    tx.commit().await.located()?;
    Ok(NewApiKey {
        name,
        key: key.text,
        webhook_secret,
    })
}

#[server(endpoint = "admin/revoke_api_key")]
pub async fn revoke_api_key(id: i64) -> Result<(), AppError> {
    use backend::{audit, db};
    let state = crate::server_fns::caller::state()?;
    let admin = crate::server_fns::caller::require_admin().await?;
    let mut tx = state.pool.begin().await.located()?;
    let name = db::api_key::revoke(&mut *tx, id)
        .await
        .located()?
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
    .await
    .located()?;
    tx.commit().await.located()?;
    Ok(())
}
