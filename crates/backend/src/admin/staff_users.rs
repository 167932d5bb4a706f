//! Staff users as admins manage them: invite with a temporary password, change role and
//! companies, disable and enable, reset a password. The last active admin is protected;
//! every change is audited in its own transaction.

use super::{clean_name, clean_staff_email};
use crate::auth::Staff;
use crate::{AppState, Error};
use datacheck_core::error::AppError;
use datacheck_core::wire::{CompanyId, StaffRole, StaffUserId, StaffUserRow, TemporaryPassword};

pub async fn list(state: &AppState) -> Result<Vec<StaffUserRow>, Error> {
    use crate::{db, local_time};
    use datacheck_core::wire::CompanyRef;
    let rows = db::staff_user::list(&state.pool).await?;
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
                .map(|t| local_time::date_time(t, &state.settings.time_zone))
                .unwrap_or_else(|| "never".into()),
        })
        .collect())
}

pub async fn invite(
    state: &AppState,
    admin: &Staff,
    display_name: String,
    email: String,
    role: String,
    company_ids: Vec<i64>,
) -> Result<TemporaryPassword, Error> {
    use crate::{audit, db, password};
    let display_name = clean_name(&display_name, "display_name", "a name", 200)?;
    let email = clean_staff_email(&email)?;
    let role =
        StaffRole::parse(&role).ok_or_else(|| AppError::invalid("role", "Choose a role."))?;
    let temp = password::temporary();
    let hash = password::hash(temp.clone()).await?;
    let mut tx = state.pool.begin().await?;
    let id = db::staff_user::insert(&mut *tx, &email, &display_name, &hash, role.as_str(), true)
        .await?
        .ok_or_else(|| {
            AppError::invalid(
                "email",
                "A staff user with this e-mail address already exists.",
            )
        })?;
    if role == StaffRole::Staff {
        db::staff_user::set_companies(&mut tx, id, &company_ids).await?;
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
    .await?;
    tx.commit().await?;
    Ok(TemporaryPassword {
        email,
        password: temp,
    })
}

pub async fn update(
    state: &AppState,
    admin: &Staff,
    id: i64,
    role: String,
    company_ids: Vec<i64>,
) -> Result<(), Error> {
    use crate::{audit, db};
    let role =
        StaffRole::parse(&role).ok_or_else(|| AppError::invalid("role", "Choose a role."))?;
    let mut tx = state.pool.begin().await?;
    let user = db::staff_user::get(&mut *tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if user.role == StaffRole::Admin
        && role != StaffRole::Admin
        && !user.disabled
        && db::staff_user::other_enabled_admins(&mut *tx, id).await? == 0
    {
        return Err(AppError::invalid(
            "role",
            "This is the last active admin: make someone else admin first.",
        )
        .into());
    }
    db::staff_user::set_role(&mut *tx, id, role.as_str()).await?;
    let companies: &[i64] = if role == StaffRole::Staff {
        &company_ids
    } else {
        &[]
    };
    db::staff_user::set_companies(&mut tx, id, companies).await?;
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
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn set_disabled(
    state: &AppState,
    admin: &Staff,
    id: i64,
    disabled: bool,
) -> Result<(), Error> {
    use crate::{audit, db};
    if disabled && id == admin.id.0 {
        return Err(AppError::Invalid {
            field: None,
            message: "You cannot disable your own account.".into(),
        }
        .into());
    }
    let mut tx = state.pool.begin().await?;
    let user = db::staff_user::get(&mut *tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if disabled
        && user.role == StaffRole::Admin
        && db::staff_user::other_enabled_admins(&mut *tx, id).await? == 0
    {
        return Err(AppError::Invalid {
            field: None,
            message: "This is the last active admin.".into(),
        }
        .into());
    }
    db::staff_user::set_disabled(&mut *tx, id, disabled).await?;
    if disabled {
        db::staff_session::delete_for_user(&mut *tx, id).await?;
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
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn reset_password(
    state: &AppState,
    admin: &Staff,
    id: i64,
) -> Result<TemporaryPassword, Error> {
    use crate::{audit, db, password};
    let temp = password::temporary();
    let hash = password::hash(temp.clone()).await?;
    let mut tx = state.pool.begin().await?;
    let user = db::staff_user::get(&mut *tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    db::staff_user::set_password(&mut *tx, id, &hash, true).await?;
    db::staff_session::delete_for_user(&mut *tx, id).await?;
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
    .await?;
    tx.commit().await?;
    Ok(TemporaryPassword {
        email: user.email,
        password: temp,
    })
}
