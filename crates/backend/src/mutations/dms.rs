//! Mutations as the DMS pulls them over the API, and its process and ignore.

use super::*;

/// One mutation as the DMS API gives it.
pub struct ApiMutation {
    pub row: db::mutation::ListRow,
    pub changes: Vec<db::mutation::ChangeRow>,
}

/// Rows per API page, unless the caller asks for fewer.
pub const API_PAGE: i64 = 100;
pub const API_PAGE_MAX: i64 = 500;

/// A page of mutations for a DMS, oldest first: `status` (absent: every status),
/// created at or after `since`, after `cursor`. Answers the page and the cursor of the
/// next one, if there is more.
pub async fn api_page(
    state: &AppState,
    scope: &CompanyScope,
    status: Option<MutationStatus>,
    since: Option<OffsetDateTime>,
    cursor: Option<&str>,
    limit: i64,
) -> Result<(Vec<ApiMutation>, Option<String>), Error> {
    let from = match cursor {
        None => None,
        Some(c) => Some((
            decode_cursor(c).ok_or_else(|| {
                AppError::invalid("cursor", "This cursor is damaged: start again without one.")
            })?,
            false,
        )),
    };
    let filter = ListFilter {
        status: status.map(MutationStatus::as_str),
        from: since,
        ..ListFilter::default()
    };
    let limit = limit.clamp(1, API_PAGE_MAX);
    let mut rows = db::mutation::list_page(&state.pool, scope, &filter, false, from, limit).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next = rows.last().filter(|_| more).map(|r| {
        encode_cursor(Keyset {
            created_at: r.created_at,
            id: r.id,
        })
    });
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut changes = db::mutation::changes_of(&state.pool, &ids).await?;
    let out = rows
        .into_iter()
        .map(|row| {
            let mine = changes.iter().take_while(|(id, _)| *id == row.id).count();
            let these = changes.drain(..mine).map(|(_, c)| c).collect();
            ApiMutation {
                row,
                changes: these,
            }
        })
        .collect();
    Ok((out, next))
}

/// Marks one mutation processed or ignored for a DMS. Asking again for the status it
/// already has is answered as done (a retried request); asking to process an ignored
/// one (or the reverse) is a conflict.
pub async fn api_review(
    state: &AppState,
    scope: &CompanyScope,
    actor: &Actor,
    key_id: i64,
    id: MutationId,
    action: ReviewAction,
) -> Result<MutationStatus, Error> {
    let target = match action {
        ReviewAction::Process => MutationStatus::Processed,
        ReviewAction::Ignore => MutationStatus::Ignored,
        ReviewAction::Delete => return Err(AppError::Forbidden.into()),
    };
    let head = db::mutation::head(&state.pool, scope, id.0)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = head.status;
    if now == target {
        return Ok(target);
    }
    if now != MutationStatus::New {
        return Err(
            AppError::Conflict(format!("This mutation is {} already.", now.as_str())).into(),
        );
    }
    match act(
        state,
        scope,
        actor,
        Reviewer::ApiKey(key_id),
        action,
        &Selection::Ids(vec![id]),
        1,
    )
    .await
    {
        Ok(_) => Ok(target),
        // Someone else reviewed it in between.
        Err(Error::Refused(AppError::Conflict(_))) => {
            Err(AppError::Conflict("This mutation was reviewed meanwhile.".into()).into())
        }
        Err(e) => Err(e),
    }
}
