#[cfg(feature = "ssr")]
use backend::Located as _;
use datacheck_core::error::AppError;
use datacheck_core::wire::Me;
use leptos::prelude::*;

/// Where to go after signing in: only paths inside the staff app, so the `next`
/// parameter cannot send anyone to another site.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with("/staff/")
                && !n.starts_with("/staff/login")
                && !n.contains("//")
                && !n.contains('\\')
                && n.len() < 500 =>
        {
            n.to_string()
        }
        _ => "/staff/runs".to_string(),
    }
}

#[server(endpoint = "auth/sign_in")]
pub async fn sign_in(
    email: String,
    password: String,
    #[server(default)] next: Option<String>,
) -> Result<(), AppError> {
    use backend::{audit, auth, db, password as pw, throttle};
    let state = crate::server_fns::caller::state()?;
    let email = email.trim().to_lowercase();
    if email.is_empty() {
        return Err(AppError::invalid("email", "Enter your e-mail address."));
    }
    if password.is_empty() {
        return Err(AppError::invalid("password", "Enter your password."));
    }
    let client_hash = crate::server_fns::caller::request_client_hash(&state.settings).await?;
    let now = time::OffsetDateTime::now_utc();

    throttle::check(&state.pool, &email, &client_hash, now).await?;

    let row = db::staff_user::find_for_sign_in(&state.pool, &email)
        .await
        .located()?;
    let ok = pw::verify(password, row.as_ref().map(|r| r.password_hash.clone())).await;
    let user = match row {
        Some(r) if ok && !r.disabled => r,
        _ => {
            throttle::record(&state.pool, &email, &client_hash, false).await?;
            tracing::info!("sign-in failed");
            return Err(AppError::Invalid {
                field: None,
                message: "That e-mail address and password do not match an active account.".into(),
            });
        }
    };
    throttle::record(&state.pool, &email, &client_hash, true).await?;
    let token = auth::create_session(
        &state.pool,
        &state.settings,
        datacheck_core::wire::StaffUserId(user.id),
    )
    .await?;
    let mut tx = state.pool.begin().await.located()?;
    db::staff_user::record_sign_in(&mut *tx, user.id)
        .await
        .located()?;
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
    .await
    .located()?;
    tx.commit().await.located()?;

    crate::server_fns::caller::set_cookie_on_response(&auth::session_cookie(
        &token,
        &state.settings,
    ))?;
    leptos_axum::redirect(&safe_next(next.as_deref()));
    Ok(())
}

#[server(endpoint = "auth/sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use backend::auth;
    let state = crate::server_fns::caller::state()?;
    if let Some(parts) = use_context::<http::request::Parts>()
        && let Some(token) = auth::token_from_headers(&parts.headers)
    {
        auth::end_session(&state.pool, &state.settings, &token).await?;
    }
    crate::server_fns::caller::set_cookie_on_response(&auth::clear_cookie(&state.settings))?;
    leptos_axum::redirect("/staff/login?signed_out=1");
    Ok(())
}

/// The signed-in user, or `None` when nobody is signed in.
#[server(endpoint = "auth/current_user")]
pub async fn current_user() -> Result<Option<Me>, AppError> {
    use backend::auth;
    let state = crate::server_fns::caller::state()?;
    match crate::server_fns::caller::current_staff().await? {
        Some(staff) => Ok(Some(
            auth::me_for(&state.pool, &staff, state.settings.dev_mailbox).await?,
        )),
        None => Ok(None),
    }
}

#[server(endpoint = "auth/change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    use backend::{audit, auth, db, password as pw};
    let state = crate::server_fns::caller::state()?;
    let staff = crate::server_fns::caller::require_staff_even_with_temporary_password().await?;
    if new_password != confirm_password {
        return Err(AppError::invalid(
            "confirm_password",
            "The two new passwords are not the same.",
        ));
    }
    pw::check_policy(&new_password, "new_password")?;
    if new_password == current_password {
        return Err(AppError::invalid(
            "new_password",
            "Choose a password that differs from the current one.",
        ));
    }
    let hash = db::staff_user::password_hash(&state.pool, staff.id.0)
        .await
        .located()?
        .ok_or(AppError::Unauthenticated)?;
    if !pw::verify(current_password, Some(hash)).await {
        return Err(AppError::invalid(
            "current_password",
            "This is not your current password.",
        ));
    }
    let new_hash = pw::hash(new_password).await?;
    let mut tx = state.pool.begin().await.located()?;
    db::staff_user::set_password(&mut *tx, staff.id.0, &new_hash, false)
        .await
        .located()?;
    // Other sessions (a stolen cookie, another browser) end with the old password.
    db::staff_session::delete_for_user(&mut *tx, staff.id.0)
        .await
        .located()?;
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
    .await
    .located()?;
    tx.commit().await.located()?;
    // Keep this browser signed in with a fresh session.
    let token = auth::create_session(&state.pool, &state.settings, staff.id).await?;
    crate::server_fns::caller::set_cookie_on_response(&auth::session_cookie(
        &token,
        &state.settings,
    ))?;
    if staff.must_change_password {
        leptos_axum::redirect("/staff/runs");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_inside_the_staff_app() {
        assert_eq!(safe_next(Some("/staff/admin/users")), "/staff/admin/users");
        assert_eq!(safe_next(Some("https://evil.example")), "/staff/runs");
        assert_eq!(safe_next(Some("//evil.example/staff/")), "/staff/runs");
        assert_eq!(safe_next(Some("/staff//evil")), "/staff/runs");
        assert_eq!(safe_next(Some("/staff/login")), "/staff/runs");
        assert_eq!(safe_next(None), "/staff/runs");
    }
}
