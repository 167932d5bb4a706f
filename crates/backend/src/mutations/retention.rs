//! Retention: reviewed mutations are deleted after the configured number of days.

use super::*;

/// Deletes processed and ignored mutations reviewed more than `days` days ago, in
/// batches, and records the purge in the audit log. New mutations are never purged.
pub async fn purge_reviewed(pool: &sqlx::PgPool, days: u32) -> Result<u64, Error> {
    const BATCH: i64 = 5_000;
    let before = OffsetDateTime::now_utc() - time::Duration::days(days.into());
    let mut total = 0u64;
    loop {
        let n = db::mutation::purge_reviewed(pool, before, BATCH).await?;
        total += n;
        if n < BATCH as u64 {
            break;
        }
    }
    if total > 0 {
        audit::record(
            pool,
            &Actor::System("retention"),
            audit::Event {
                action: "mutation.purge",
                subject_type: "mutation",
                subject_id: None,
                company_id: None,
                detail: serde_json::json!({ "count": total, "retention_days": days }),
            },
        )
        .await?;
    }
    Ok(total)
}
