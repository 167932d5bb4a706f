//! The review's actions: process, ignore or delete, one or in bulk, only when the number the confirmation stated still holds.

use super::*;

/// How many mutations an action on `selection` would change: the number a bulk
/// confirmation states.
pub async fn count_selection(
    state: &AppState,
    scope: &CompanyScope,
    action: ReviewAction,
    selection: &Selection,
) -> Result<i64, Error> {
    let tz = &state.settings.time_zone;
    let new_only = action != ReviewAction::Delete;
    match selection {
        Selection::Ids(ids) => {
            let f = ListFilter {
                new_only,
                ..ListFilter::default()
            };
            Ok(db::mutation::count_ids(&state.pool, scope, &checked_ids(ids)?, &f).await?)
        }
        Selection::Filter(q) => {
            let f = ListFilter {
                new_only,
                ..check(scope, tz, q)?.filter
            };
            Ok(db::mutation::count_exact(&state.pool, scope, &f).await?)
        }
    }
}

pub(super) fn checked_ids(ids: &[MutationId]) -> Result<Vec<i64>, Error> {
    if ids.is_empty() {
        return Err(AppError::invalid("selection", "Select one or more mutations.").into());
    }
    if ids.len() > MAX_IDS {
        return Err(AppError::invalid(
            "selection",
            format!("Select at most {MAX_IDS} rows, or choose \"all matching\"."),
        )
        .into());
    }
    Ok(ids.iter().map(|i| i.0).collect())
}

/// Applies `action` to `selection` when exactly `expected` mutations would change (what
/// the confirmation stated); otherwise changes nothing and says how many there are now.
/// An id outside the actor's companies makes the whole request fail as not found.
pub async fn act(
    state: &AppState,
    scope: &CompanyScope,
    actor: &Actor,
    by: Reviewer,
    action: ReviewAction,
    selection: &Selection,
    expected: i64,
) -> Result<i64, Error> {
    let tz = &state.settings.time_zone;
    let mut tx = state.pool.begin().await?;
    let touched: Vec<Touched> = match selection {
        Selection::Ids(ids) => {
            let ids = checked_ids(ids)?;
            let mut unique = ids.clone();
            unique.sort_unstable();
            unique.dedup();
            let found =
                db::mutation::count_ids(&mut *tx, scope, &unique, &ListFilter::default()).await?;
            if found != unique.len() as i64 {
                return Err(AppError::NotFound.into());
            }
            match action {
                ReviewAction::Delete => db::mutation::delete_ids(&mut *tx, scope, &unique).await?,
                a => db::mutation::review_ids(&mut *tx, scope, &unique, status_for(a), by).await?,
            }
        }
        Selection::Filter(q) => {
            // Process and ignore touch new mutations only, whatever the status filter.
            let f = ListFilter {
                new_only: action != ReviewAction::Delete,
                ..check(scope, tz, q)?.filter
            };
            match action {
                ReviewAction::Delete => db::mutation::delete_filter(&mut *tx, scope, &f).await?,
                a => db::mutation::review_filter(&mut *tx, scope, &f, status_for(a), by).await?,
            }
        }
    };
    let n: i64 = touched.iter().map(|t| t.ids.len() as i64).sum();
    if n != expected {
        // The set changed since the confirmation (someone else acted, answers came
        // in): roll back rather than act on rows nobody confirmed.
        return Err(AppError::Conflict(format!(
            "{n} mutation(s) match now, not {expected}: nothing was changed. Look again and confirm the new number."
        )).into());
    }
    for t in &touched {
        let mut ids = t.ids.clone();
        ids.sort_unstable();
        let listed = ids.len() <= 200;
        audit::record(
            &mut *tx,
            actor,
            audit::Event {
                action: match action {
                    ReviewAction::Process => "mutation.process",
                    ReviewAction::Ignore => "mutation.ignore",
                    ReviewAction::Delete => "mutation.delete",
                },
                subject_type: "mutation",
                subject_id: (ids.len() == 1).then(|| ids[0].to_string()),
                company_id: Some(CompanyId(t.company_id)),
                detail: serde_json::json!({
                    "count": ids.len(),
                    "ids": if listed { serde_json::json!(ids) } else { serde_json::Value::Null },
                    "filter": match selection {
                        Selection::Filter(q) => serde_json::json!(q.filter_pairs()),
                        Selection::Ids(_) => serde_json::Value::Null,
                    },
                }),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(n)
}

pub(super) fn status_for(action: ReviewAction) -> &'static str {
    match action {
        ReviewAction::Process => "processed",
        _ => "ignored",
    }
}

/// The action and selection of a request, checked.
pub fn parse_request(action: &str, selection: &str) -> Result<(ReviewAction, Selection), Error> {
    let action = ReviewAction::parse(action)
        .ok_or_else(|| AppError::invalid("action", "Choose process, ignore or delete."))?;
    let selection = serde_json::from_str(selection)
        .map_err(|_| AppError::invalid("selection", "Select one or more mutations."))?;
    Ok((action, selection))
}
