//! The audit log: one helper that every data-changing server function calls, in the same
//! transaction as the change, so a change is never stored without its record.

use crate::db;
use datacheck_core::wire::{CompanyId, StaffUserId};
use sqlx::PgExecutor;

/// Who did it: a signed-in staff user, or the system (CLI, demo seed, background work).
#[derive(Clone, Debug)]
pub enum Actor {
    Staff {
        id: StaffUserId,
        email: String,
    },
    System(&'static str),
    /// The person the data is about, through their own link.
    Customer,
    /// A DMS calling the API with one of the organisation's keys.
    ApiKey {
        id: i64,
        name: String,
    },
}

impl Actor {
    fn id(&self) -> Option<i64> {
        match self {
            Actor::Staff { id, .. } => Some(id.0),
            Actor::System(_) | Actor::ApiKey { .. } | Actor::Customer => None,
        }
    }

    pub fn label(&self) -> String {
        match self {
            Actor::Staff { email, .. } => email.clone(),
            Actor::System(what) => format!("system: {what}"),
            Actor::Customer => "customer".into(),
            Actor::ApiKey { id, name } => format!("API key {name} (#{id})"),
        }
    }
}

/// What changed. `detail` holds the facts a reviewer needs (old and new role, company
/// names); it must not hold passwords, tokens or customers' personal data.
pub struct Event<'a> {
    pub action: &'a str,
    pub subject_type: &'a str,
    pub subject_id: Option<String>,
    pub company_id: Option<CompanyId>,
    pub detail: serde_json::Value,
}

pub async fn record(
    exec: impl PgExecutor<'_>,
    actor: &Actor,
    event: Event<'_>,
) -> Result<(), sqlx::Error> {
    db::audit_event::insert(
        exec,
        actor.id(),
        &actor.label(),
        event.action,
        event.subject_type,
        event.subject_id.as_deref(),
        event.company_id.map(|c| c.0),
        &event.detail,
    )
    .await
}
