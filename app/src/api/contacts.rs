use crate::error::AppError;
use crate::model::CompanyContactCount;
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
