//! Server functions of the contact register as staff see it: the table, one contact.
//! The register is written only by the DMS (CSV import, API); staff read it here.

use crate::error::AppError;
use crate::model::{CompanyContactCount, ContactDetail, ContactId, ContactPage, ContactQuery};
use leptos::prelude::*;

/// Contacts per company, for the companies the signed-in user may see.
#[server(endpoint = "contacts/counts")]
pub async fn contact_counts() -> Result<Vec<CompanyContactCount>, AppError> {
    use crate::model::{CompanyId, CompanyRef};
    use crate::server::{AppState, auth, db};
    let state = AppState::get()?;
    let staff = auth::require_staff().await?;
    let rows = db::contact::counts_in_scope(&state.pool, &staff.scope).await?;
    Ok(rows
        .into_iter()
        .map(|r| CompanyContactCount {
            company: CompanyRef {
                id: CompanyId(r.company_id),
                name: r.company_name,
            },
            contacts: r.contacts,
            with_email: r.with_email,
        })
        .collect())
}

/// Rows per page of the contacts table.
pub const PAGE_SIZE: i64 = 50;

/// One page of the contacts table, with the counts for the whole filtered set.
#[server(endpoint = "contacts/list")]
pub async fn list_contacts(
    #[server(default)] query: ContactQuery,
) -> Result<ContactPage, AppError> {
    use crate::server::{AppState, auth, contacts};
    let state = AppState::get()?;
    let staff = auth::require_staff().await?;
    contacts::list(&state, &staff.scope, &query, PAGE_SIZE).await
}

#[server(endpoint = "contacts/get")]
pub async fn get_contact(id: ContactId) -> Result<ContactDetail, AppError> {
    use crate::server::{AppState, auth, contacts};
    let state = AppState::get()?;
    let staff = auth::require_staff().await?;
    contacts::detail(&state, &staff.scope, id).await
}
