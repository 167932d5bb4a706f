//! Server functions of the CSV import. The upload itself is a plain multipart POST to
//! `/staff/contacts/import` (server crate), so it works without WebAssembly and streams
//! large files; everything after it is here. Every function checks the import's
//! company against the caller's scope.

use datacheck_core::error::AppError;
use datacheck_core::wire::{ImportListRow, ImportProgress, ImportReport, ImportView};
use leptos::prelude::*;

#[server(endpoint = "import/recent")]
pub async fn recent_imports() -> Result<Vec<ImportListRow>, AppError> {
    use backend::import;
    let state = crate::server_fns::caller::state()?;
    let staff = crate::server_fns::caller::require_staff().await?;
    Ok(import::recent(&state, &staff.scope).await?)
}

#[server(endpoint = "import/view")]
pub async fn load_import(id: i64) -> Result<ImportView, AppError> {
    use backend::import;
    let state = crate::server_fns::caller::state()?;
    let staff = crate::server_fns::caller::require_staff().await?;
    Ok(import::view(&state, &staff.scope, id).await?)
}

/// Checks every row with this mapping (one target key per column, `""` to skip it).
#[server(endpoint = "import/check")]
pub async fn check_import(
    id: i64,
    #[server(default)] mapping: Vec<String>,
) -> Result<ImportReport, AppError> {
    use backend::import;
    let state = crate::server_fns::caller::state()?;
    let staff = crate::server_fns::caller::require_staff().await?;
    Ok(import::check(&state, &staff.scope, id, mapping).await?)
}

/// Imports with the mapping of the last check, so the import does what the report
/// said.
#[server(endpoint = "import/start")]
pub async fn start_import(id: i64) -> Result<(), AppError> {
    use backend::import;
    let state = crate::server_fns::caller::state()?;
    let staff = crate::server_fns::caller::require_staff().await?;
    Ok(import::start(&state, &staff, id).await?)
}

#[server(endpoint = "import/cancel")]
pub async fn cancel_import(id: i64) -> Result<(), AppError> {
    use backend::import;
    let state = crate::server_fns::caller::state()?;
    let staff = crate::server_fns::caller::require_staff().await?;
    Ok(import::cancel(&state.pool, &staff, id).await?)
}

#[server(endpoint = "import/progress")]
pub async fn import_status(id: i64) -> Result<ImportProgress, AppError> {
    use backend::import;
    let state = crate::server_fns::caller::state()?;
    let staff = crate::server_fns::caller::require_staff().await?;
    Ok(import::progress(&state.pool, &staff.scope, id).await?)
}
