//! Server functions of the mutation review: the table, one mutation, and the actions.
//! Every function checks the caller first and acts only within their companies
//! (`server::mutations` does the rest).

use datacheck_core::error::AppError;
use datacheck_core::wire::mutations::{MutationPage, MutationQuery, MutationView, RunOption};
use leptos::prelude::*;

#[server(endpoint = "mutations/list")]
pub async fn list_mutations(
    #[server(default)] query: MutationQuery,
) -> Result<MutationPage, AppError> {
    use backend::mutations;
    let state = crate::server_fns::caller::state()?;
    let staff = crate::server_fns::caller::require_staff().await?;
    Ok(mutations::list(&state, &staff.scope, &query).await?)
}

/// One mutation; `query` is the table's, for the neighbours.
#[server(endpoint = "mutations/view")]
pub async fn load_mutation(
    id: i64,
    #[server(default)] query: MutationQuery,
) -> Result<MutationView, AppError> {
    use backend::mutations;
    use datacheck_core::wire::mutations::MutationId;
    let state = crate::server_fns::caller::state()?;
    let staff = crate::server_fns::caller::require_staff().await?;
    Ok(mutations::view(&state, &staff.scope, MutationId(id), &query).await?)
}

/// The runs a reviewer can filter by: sent ones in their companies, newest first.
#[server(endpoint = "mutations/runs")]
pub async fn list_mutation_runs() -> Result<Vec<RunOption>, AppError> {
    use backend::mutations;
    let state = crate::server_fns::caller::state()?;
    let staff = crate::server_fns::caller::require_staff().await?;
    Ok(mutations::run_options(&state, &staff.scope).await?)
}

/// How many mutations `action` would change: the number the confirmation states.
/// `selection` is a `Selection` in JSON (the form carries it in one hidden field).
#[server(endpoint = "mutations/count")]
pub async fn count_mutation_selection(action: String, selection: String) -> Result<i64, AppError> {
    use backend::mutations;
    let state = crate::server_fns::caller::state()?;
    let staff = crate::server_fns::caller::require_staff().await?;
    let (action, selection) = mutations::parse_request(&action, &selection)?;
    Ok(mutations::count_selection(&state, &staff.scope, action, &selection).await?)
}

/// Processes, ignores or deletes the selection when `expected` (the confirmed number)
/// still matches; answers how many changed.
#[server(endpoint = "mutations/review")]
pub async fn review_mutations(
    action: String,
    selection: String,
    expected: i64,
) -> Result<i64, AppError> {
    use backend::db::mutation::Reviewer;
    use backend::mutations;
    let state = crate::server_fns::caller::state()?;
    let staff = crate::server_fns::caller::require_staff().await?;
    let (action, selection) = mutations::parse_request(&action, &selection)?;
    Ok(mutations::act(
        &state,
        &staff.scope,
        &staff.actor(),
        Reviewer::Staff(staff.id.0),
        action,
        &selection,
        expected,
    )
    .await?)
}
