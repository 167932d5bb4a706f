//! Signing in and changing one's password: the checks, the throttle, the session and
//! the audit. The caller sets the cookie with the token these return.

use super::Staff;
use crate::{AppState, Error, audit, db, password as pw, throttle};
use datacheck_core::error::AppError;

/// Checks an e-mail address and password (throttled per account and per client) and
/// starts a session; the session's token.
pub async fn sign_in(
    state: &AppState,
    email: &str,
    password: &str,
    client_hash: &[u8],
) -> Result<String, Error> {
    let password = password.to_string();
    let email = email.trim().to_lowercase();
    if email.is_empty() {
        return Err(AppError::invalid("email", "Enter your e-mail address.").into());
    }
    if password.is_empty() {
        return Err(AppError::invalid("password", "Enter your password.").into());
    }
    let now = time::OffsetDateTime::now_utc();

    throttle::check(&state.pool, &email, client_hash, now).await?;

    let row = db::staff_user::find_for_sign_in(&state.pool, &email).await?;
    let ok = pw::verify(password, row.as_ref().map(|r| r.password_hash.clone())).await;
    let user = match row {
        Some(r) if ok && !r.disabled => r,
        _ => {
            throttle::record(&state.pool, &email, client_hash, false).await?;
            tracing::info!("sign-in failed");
            return Err(AppError::Invalid {
                field: None,
                message: "That e-mail address and password do not match an active account.".into(),
            }
            .into());
        }
    };
    throttle::record(&state.pool, &email, client_hash, true).await?;
    let token = super::create_session(
        &state.pool,
        &state.settings,
        datacheck_core::wire::StaffUserId(user.id),
    )
    .await?;
    let mut tx = state.pool.begin().await?;
    db::staff_user::record_sign_in(&mut *tx, user.id).await?;
    audit::record(
        &mut *tx,
        &audit::Actor::Staff {
            id: datacheck_core::wire::StaffUserId(user.id),
            email: email.clone(),
        },
        audit::Event {
            action: "staff.signed_in",
            subject_type: "staff_user",
            subject_id: Some(user.id.to_string()),
            company_id: None,
            detail: serde_json::json!({}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// Changes a signed-in user's own password, ends their other sessions and starts a
/// fresh one for this browser; its token.
pub async fn change_password(
    state: &AppState,
    staff: &Staff,
    current_password: &str,
    new_password: &str,
    confirm_password: &str,
) -> Result<String, Error> {
    let (current_password, new_password) = (current_password.to_string(), new_password.to_string());
    if new_password != confirm_password {
        return Err(AppError::invalid(
            "confirm_password",
            "The two new passwords are not the same.",
        )
        .into());
    }
    pw::check_policy(&new_password, "new_password")?;
    if new_password == current_password {
        return Err(AppError::invalid(
            "new_password",
            "Choose a password that differs from the current one.",
        )
        .into());
    }
    let hash = db::staff_user::password_hash(&state.pool, staff.id.0)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    if !pw::verify(current_password, Some(hash)).await {
        return Err(
            AppError::invalid("current_password", "This is not your current password.").into(),
        );
    }
    let new_hash = pw::hash(new_password).await?;
    let mut tx = state.pool.begin().await?;
    db::staff_user::set_password(&mut *tx, staff.id.0, &new_hash, false).await?;
    // Other sessions (a stolen cookie, another browser) end with the old password.
    db::staff_session::delete_for_user(&mut *tx, staff.id.0).await?;
    audit::record(
        &mut *tx,
        &staff.actor(),
        audit::Event {
            action: "staff.password_changed",
            subject_type: "staff_user",
            subject_id: Some(staff.id.to_string()),
            company_id: None,
            detail: serde_json::json!({}),
        },
    )
    .await?;
    tx.commit().await?;
    // Keep this browser signed in with a fresh session.
    let token = super::create_session(&state.pool, &state.settings, staff.id).await?;
    Ok(token)
}
