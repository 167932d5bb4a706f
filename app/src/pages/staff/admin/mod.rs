//! Admin pages: staff users, companies, subscription types, the audit log. The server functions check the
//! role again; these pages only decide what to show.

use crate::components::{
    BodyOwner, FieldError, FormError, Loading, NoAccess, PageHeader, action_error,
};
use crate::server_fns::admin::{
    CreateApiKey, CreateCompany, InviteStaffUser, RenameCompany, ResetStaffPassword, RevokeApiKey,
    SetStaffUserDisabled, UpdateStaffUser, list_api_keys, list_audit, list_companies,
    list_staff_users,
};
use crate::server_fns::subscriptions::{
    DeleteSubscriptionType, SaveSubscriptionType, list_subscription_types,
};
use datacheck_core::error::AppError;
use datacheck_core::wire::{
    CompanyRow, StaffRole, StaffUserRow, SubscriptionTypeRow, TemporaryPassword,
};
use leptos::prelude::*;
use leptos_meta::Title;

mod api_keys;
mod audit;
mod companies;
mod subscription_types;
mod users;

pub use api_keys::*;
pub use audit::*;
pub use companies::*;
pub use subscription_types::*;
pub use users::*;

/// The page body for admins, the no-access panel for a refused (`Forbidden`) load, or
/// the error. Resources are created by the caller, outside any async block, so their
/// ids match between the server render and hydration.
pub(super) fn admin_view<T: 'static>(
    owner: BodyOwner,
    loaded: Result<T, AppError>,
    body: impl FnOnce(T) -> AnyView + 'static,
) -> AnyView {
    match loaded {
        Ok(v) => owner.build(move || body(v)).into_any(),
        Err(AppError::Forbidden) => view! { <NoAccess /> }.into_any(),
        Err(e) => {
            view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any()
        }
    }
}

/// Shows a password that exists only in this response.
#[component]
pub(super) fn TemporaryPasswordNotice(temp: TemporaryPassword) -> impl IntoView {
    view! {
        <div class="alert alert-success temp-password" role="status" data-testid="temporary-password">
            <p>"Temporary password for " <strong>{temp.email}</strong> ":"</p>
            <p><code class="secret">{temp.password}</code></p>
            <p class="muted">"It is shown only now. Pass it on in person or by phone; they choose their own password when they first sign in."</p>
        </div>
    }
}

/// Checkboxes named `company_ids[i]`, which the server reads as a list.
#[component]
pub(super) fn CompanyChoices(
    companies: Vec<CompanyRow>,
    #[prop(optional)] checked: Vec<i64>,
    id_prefix: String,
) -> impl IntoView {
    view! {
        <fieldset class="choices">
            <legend>"Companies (for the staff role)"</legend>
            {companies.into_iter().enumerate().map(|(i, c)| {
                let id = format!("{id_prefix}-company-{}", c.id);
                let is_checked = checked.contains(&c.id.0);
                view! {
                    <label class="choice" for=id.clone()>
                        <input type="checkbox" id=id.clone() name=format!("company_ids[{i}]") value=c.id.0.to_string() checked=is_checked />
                        {c.name}
                    </label>
                }
            }).collect_view()}
        </fieldset>
    }
}
