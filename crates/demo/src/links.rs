//! The demo customer links printed at start-up.

use crate::*;

/// Personal links of the active demo run, printed at start-up so a newcomer can open
/// the customer page at once: two organisations (with contact persons) and two persons
/// who have not answered yet, one who has, and one whose link has expired while the run
/// is still open (its page offers a fresh link). Labelled "<customer no>, <what>".
pub async fn demo_links(
    pool: &PgPool,
    settings: &backend::Settings,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"
        WITH r AS (
            SELECT r.id, r.expires_at, k.customer_no, k.kind,
                   CASE WHEN r.expires_at <= now() THEN 'expired'
                        WHEN r.responded_at IS NOT NULL THEN 'answered'
                        ELSE k.kind END AS what,
                   row_number() OVER (
                       PARTITION BY CASE WHEN r.expires_at <= now() THEN 'expired'
                                         WHEN r.responded_at IS NOT NULL THEN 'answered'
                                         ELSE k.kind END
                       ORDER BY r.id) AS n
            FROM run_recipient r
            JOIN run ON run.id = r.run_id
            JOIN contact k ON k.id = r.contact_id
            WHERE run.name = $1 AND r.revoked_at IS NULL
        )
        SELECT id, expires_at, customer_no, what AS "what!" FROM r
        WHERE ((what IN ('person', 'organisation') AND n <= 2) OR n = 1)
        ORDER BY CASE what WHEN 'organisation' THEN 1 WHEN 'person' THEN 2
                              WHEN 'answered' THEN 3 ELSE 4 END, id
        "#,
        ACTIVE_RUN
    )
    .fetch_all(pool)
    .await?;
    let mut links: Vec<(String, String)> = rows
        .into_iter()
        .map(|r| {
            (
                format!("{}, {}", r.customer_no, r.what),
                backend::mail::portal_link(settings, r.id, r.expires_at),
            )
        })
        .collect();
    // Lasting preferences pages, of contacts with some history.
    let prefs = sqlx::query!(
        r#"
        SELECT k.id, k.customer_no FROM contact k
        WHERE k.id % 10 = 4 AND k.email IS NOT NULL ORDER BY k.id LIMIT 2
        "#
    )
    .fetch_all(pool)
    .await?;
    for k in prefs {
        let id = backend::db::preference_link::live_or_new(pool, k.id, "demo").await?;
        links.push((
            format!("{}, preferences", k.customer_no),
            backend::consent::preference_urls(settings, id).page,
        ));
    }
    Ok(links)
}
