//! The audit log as admins read it, newest first, within their scope.

use crate::auth::Staff;
use crate::{AppState, Error};
use datacheck_core::wire::AuditRow;

pub async fn list(
    state: &AppState,
    admin: &Staff,
    before: Option<i64>,
) -> Result<Vec<AuditRow>, Error> {
    use crate::{db, local_time};
    let rows = db::audit_event::list(&state.pool, &admin.scope, before, 100).await?;
    Ok(rows
        .into_iter()
        .map(|r| AuditRow {
            id: r.id,
            at: local_time::date_time(r.at, &state.settings.time_zone),
            actor: r.actor_label,
            action: r.action,
            subject: match r.subject_id {
                Some(id) => format!("{} #{id}", r.subject_type),
                None => r.subject_type,
            },
            detail: if r.detail.as_object().is_some_and(|o| o.is_empty()) {
                String::new()
            } else {
                r.detail.to_string()
            },
        })
        .collect())
}
