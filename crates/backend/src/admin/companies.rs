//! Companies as admins manage them: list, add, rename (names are unique, read by the
//! constraint's name in the db layer).

use super::clean_name;
use crate::auth::Staff;
use crate::{AppState, Error};
use datacheck_core::error::AppError;
use datacheck_core::wire::{CompanyId, CompanyRow};

pub async fn list(state: &AppState, admin: &Staff) -> Result<Vec<CompanyRow>, Error> {
    use crate::{db, local_time};
    let rows = db::company::list_in_scope(&state.pool, &admin.scope).await?;
    Ok(rows
        .into_iter()
        .map(|r| CompanyRow {
            id: CompanyId(r.id),
            name: r.name,
            contacts: r.contacts,
            staff_users: r.staff_users,
            created_on: local_time::date(r.created_at, &state.settings.time_zone),
        })
        .collect())
}

pub async fn create(state: &AppState, admin: &Staff, name: String) -> Result<(), Error> {
    use crate::{audit, db};
    let name = clean_name(&name, "name", "the company's name", 200)?;
    let mut tx = state.pool.begin().await?;
    let id = db::company::insert(&mut *tx, &name)
        .await?
        .ok_or_else(|| AppError::invalid("name", "A company with this name already exists."))?;
    audit::record(
        &mut *tx,
        &admin.actor(),
        audit::Event {
            action: "company.created",
            subject_type: "company",
            subject_id: Some(id.to_string()),
            company_id: Some(CompanyId(id)),
            detail: serde_json::json!({ "name": name }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn rename(state: &AppState, admin: &Staff, id: i64, name: String) -> Result<(), Error> {
    use crate::db::company::Renamed;
    use crate::{audit, db};
    let company = admin.scope.require(CompanyId(id))?;
    let name = clean_name(&name, "name", "the company's name", 200)?;
    let mut tx = state.pool.begin().await?;
    let old = db::company::name_in_scope(&mut *tx, &admin.scope, company)
        .await?
        .ok_or(AppError::NotFound)?;
    match db::company::rename(&mut *tx, company, &name).await? {
        Renamed::Done => {}
        Renamed::NotFound => return Err(AppError::NotFound.into()),
        Renamed::NameTaken => {
            return Err(
                AppError::invalid("name", "A company with this name already exists.").into(),
            );
        }
    }
    audit::record(
        &mut *tx,
        &admin.actor(),
        audit::Event {
            action: "company.renamed",
            subject_type: "company",
            subject_id: Some(id.to_string()),
            company_id: Some(company),
            detail: serde_json::json!({ "old_name": old, "name": name }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
