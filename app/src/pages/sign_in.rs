//! Staff sign-in and the forced password change after an invitation. Both are plain
//! forms that post, so they work before the WebAssembly has loaded.

use crate::components::{FieldError, FormError, action_error};
use crate::server_fns::auth::{ChangePassword, SignIn};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SignInPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let error = action_error(action);
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let signed_out = move || query.read().get("signed_out").is_some();
    let pending = action.pending();
    view! {
        <Title text="Sign in" />
        <main class="auth-page">
            <div class="auth-card">
                <div class="brand brand-large"><crate::components::BrandMark /></div>
                <h1>"Sign in"</h1>
                <p class="muted">"For staff of your organisation. Customers do not need an account."</p>
                {move || signed_out().then(|| view! {
                    <div class="alert alert-success" role="status">"You are signed out."</div>
                })}
                <FormError error=error />
                <ActionForm action=action attr:class="form" attr:novalidate=true>
                    <input type="hidden" name="next" prop:value=next />
                    <div class="field">
                        <label for="email">"E-mail address"</label>
                        <input id="email" name="email" type="email" autocomplete="username"
                            required=true autofocus=true
                            aria-invalid=move || error.get().and_then(|e| e.for_field("email")).is_some().then_some("true") />
                        <FieldError error=error name="email" />
                    </div>
                    <div class="field">
                        <label for="password">"Password"</label>
                        <input id="password" name="password" type="password"
                            autocomplete="current-password" required=true
                            aria-invalid=move || error.get().and_then(|e| e.for_field("password")).is_some().then_some("true") />
                        <FieldError error=error name="password" />
                    </div>
                    <button type="submit" class="button button-primary button-block"
                        disabled=move || pending.get()>
                        {move || if pending.get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </ActionForm>
            </div>
        </main>
    }
}

/// Where an invited user (or one whose password an admin reset) picks a password.
#[component]
pub fn ChooseOwnPasswordPage() -> impl IntoView {
    let action = ServerAction::<ChangePassword>::new();
    let error = action_error(action);
    view! {
        <Title text="Choose your password" />
        <main class="auth-page">
            <div class="auth-card">
                <div class="brand brand-large"><crate::components::BrandMark /></div>
                <h1>"Choose your own password"</h1>
                <p class="muted">"You signed in with a temporary password. Choose one only you know (at least 10 characters) to continue."</p>
                <FormError error=error />
                <PasswordFields action=action error=error submit_label="Save and continue" />
            </div>
        </main>
    }
}

/// Current, new and confirmation fields: shared by the forced change and the settings page.
#[component]
pub fn PasswordFields(
    action: ServerAction<ChangePassword>,
    error: Signal<Option<datacheck_core::error::AppError>>,
    submit_label: &'static str,
) -> impl IntoView {
    let pending = action.pending();
    let invalid = move |name: &'static str| {
        move || {
            error
                .get()
                .and_then(|e| e.for_field(name))
                .is_some()
                .then_some("true")
        }
    };
    view! {
        <ActionForm action=action attr:class="form" attr:novalidate=true>
            <div class="field">
                <label for="current_password">"Current password"</label>
                <input id="current_password" name="current_password" type="password"
                    autocomplete="current-password" required=true aria-invalid=invalid("current_password") />
                <FieldError error=error name="current_password" />
            </div>
            <div class="field">
                <label for="new_password">"New password"</label>
                <input id="new_password" name="new_password" type="password" minlength="10"
                    autocomplete="new-password" required=true aria-invalid=invalid("new_password")
                    aria-describedby="new_password-hint" />
                <p class="hint" id="new_password-hint">"At least 10 characters. A sentence you can remember works well."</p>
                <FieldError error=error name="new_password" />
            </div>
            <div class="field">
                <label for="confirm_password">"Repeat the new password"</label>
                <input id="confirm_password" name="confirm_password" type="password"
                    autocomplete="new-password" required=true aria-invalid=invalid("confirm_password") />
                <FieldError error=error name="confirm_password" />
            </div>
            <button type="submit" class="button button-primary" disabled=move || pending.get()>
                {submit_label}
            </button>
        </ActionForm>
    }
}
