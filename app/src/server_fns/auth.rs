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
    use backend::auth;
    let state = crate::server_fns::caller::state()?;
    let client_hash = crate::server_fns::caller::request_client_hash(&state.settings).await?;
    let token = auth::sign_in::sign_in(&state, &email, &password, &client_hash).await?;
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
    use backend::auth;
    let state = crate::server_fns::caller::state()?;
    let staff = crate::server_fns::caller::require_staff_even_with_temporary_password().await?;
    let token = auth::sign_in::change_password(
        &state,
        &staff,
        &current_password,
        &new_password,
        &confirm_password,
    )
    .await?;
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
