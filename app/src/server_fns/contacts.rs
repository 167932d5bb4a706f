//! Server functions of the contact register as staff see it: the table, one contact.
//! The register is written only by the DMS (CSV import, API); staff read it here.

use datacheck_core::error::AppError;
use datacheck_core::wire::{
    CompanyContactCount, ContactDetail, ContactId, ContactPage, ContactQuery,
};
use leptos::prelude::*;

/// Contacts per company, for the companies the signed-in user may see.
#[server(endpoint = "contacts/counts")]
pub async fn contact_counts() -> Result<Vec<CompanyContactCount>, AppError> {
    use backend::contacts;
    let state = crate::server_fns::caller::state()?;
    let staff = crate::server_fns::caller::require_staff().await?;
    Ok(contacts::counts(&state, &staff.scope).await?)
}

/// Rows per page of the contacts table.
pub const PAGE_SIZE: i64 = 50;

/// One page of the contacts table, with the counts for the whole filtered set.
#[server(endpoint = "contacts/list")]
pub async fn list_contacts(
    #[server(default)] query: ContactQuery,
) -> Result<ContactPage, AppError> {
    use backend::contacts;
    let state = crate::server_fns::caller::state()?;
    let staff = crate::server_fns::caller::require_staff().await?;
    Ok(contacts::list(&state, &staff.scope, &query, PAGE_SIZE).await?)
}

#[server(endpoint = "contacts/get")]
pub async fn get_contact(id: ContactId) -> Result<ContactDetail, AppError> {
    use backend::contacts;
    let state = crate::server_fns::caller::state()?;
    let staff = crate::server_fns::caller::require_staff().await?;
    Ok(contacts::detail(&state, &staff.scope, id).await?)
}

/// The consent card of a contact: purposes, subscriptions, history.
#[server(endpoint = "contacts/consent")]
pub async fn get_contact_consent(
    id: ContactId,
) -> Result<datacheck_core::wire::ContactConsent, AppError> {
    use backend::consent;
    let state = crate::server_fns::caller::state()?;
    let staff = crate::server_fns::caller::require_staff().await?;
    Ok(consent::contact_card(&state, &staff.scope, id).await?)
}

/// Records how a person stands on a purpose, as staff heard it (a form signed at the
/// desk, a phone call). The note is kept as the proof.
#[server(endpoint = "contacts/consent/record")]
pub async fn record_consent(
    id: ContactId,
    purpose: String,
    legal_basis: String,
    state: String,
    note: String,
) -> Result<bool, AppError> {
    use backend::consent;
    let app = crate::server_fns::caller::state()?;
    let staff = crate::server_fns::caller::require_staff().await?;
    Ok(consent::record_for_contact(
        &app,
        &staff.scope,
        &staff.actor(),
        consent::Source::Staff,
        id,
        &consent::Recorded {
            purpose: &purpose,
            legal_basis: &legal_basis,
            state: &state,
            note: &note,
        },
    )
    .await?)
}

/// The contact's lasting preferences link, to paste into other mailing tools.
#[server(endpoint = "contacts/preferences-link")]
pub async fn preferences_link(id: ContactId) -> Result<String, AppError> {
    use backend::consent;
    let state = crate::server_fns::caller::state()?;
    let staff = crate::server_fns::caller::require_staff().await?;
    Ok(consent::link_for_contact(&state, &staff.scope, &staff.actor(), id).await?)
}

/// Revokes the contact's preferences link; links already sent stop working.
#[server(endpoint = "contacts/preferences-link/revoke")]
pub async fn revoke_preferences_link(id: ContactId) -> Result<u64, AppError> {
    use backend::consent;
    let state = crate::server_fns::caller::state()?;
    let staff = crate::server_fns::caller::require_staff().await?;
    Ok(consent::revoke_link(&state, &staff.scope, &staff.actor(), id).await?)
}

/// Erases a contact on their request. `confirm` is the customer number, typed.
#[server(endpoint = "contacts/erase")]
pub async fn erase_contact(id: ContactId, confirm: String) -> Result<(), AppError> {
    use backend::data_request;
    let state = crate::server_fns::caller::state()?;
    let staff = crate::server_fns::caller::require_staff().await?;
    data_request::erase(&state, &staff.scope, &staff.actor(), id, &confirm).await?;
    leptos_axum::redirect("/staff/contacts?erased=1");
    Ok(())
}
