//! The customer page behind a personal link (`/c/{token}`), on the server.
//!
//! Opening checks in the order SPEC §4 gives: decrypt, expiry, then the run cancelled
//! or the link revoked. Whatever is wrong with an invalid token stays unsaid, and
//! invalid tokens are counted per client address; authentic ones are never throttled,
//! so a broken scanner behind someone's address locks nobody out of a real link. For an
//! authentic, unexpired token the link and its page are read in one statement, which
//! also records the first "opened" time if the link is open: a GET changes nothing
//! else. Every change is a POST of the page's form; the server rebuilds what the link
//! may change from the database and checks the posted answer against it, so a crafted
//! form changes nothing. An answer is saved in one transaction, once per form key.

use crate::Error;
use crate::audit::Actor;
use crate::{AppState, consent, db, mail, runs};
use datacheck_core::error::AppError;
use datacheck_core::rules::answer::{changes, parse_posted};
use datacheck_core::wire::mutations::AnswerKind;
use datacheck_core::wire::mutations::Section;
use datacheck_core::wire::{
    Answer, Change, ChangeTarget, FreshLinkOutcome, PortalField, PortalState, PortalStep,
    PortalView, Posted, Responded,
};
use datacheck_core::wire::{ConsentState, ContactKind, RunStatus};
use time::{Duration, OffsetDateTime};

/// Invalid links from one client address within a window before it is refused.
mod fresh_link;
mod save;
mod view;

use fresh_link::*;
use save::*;
pub use view::*;

pub const BAD_LINKS_PER_CLIENT: i32 = 30;
pub const BAD_LINK_WINDOW: Duration = Duration::minutes(15);
/// Fresh links per recipient within a day.
pub const FRESH_LINKS_PER_DAY: i64 = 3;

pub enum Link {
    Open(db::run_recipient::LinkRow),
    /// Expired, cancelled or revoked.
    Expired(db::run_recipient::LinkRow),
    Invalid,
}

/// Checks a token at `now` without changing anything.
pub async fn check(state: &AppState, token: &str, now: OffsetDateTime) -> Result<Link, Error> {
    let (id, token_expired) = match decrypt(state, token, now) {
        Sealed::Invalid => return Ok(Link::Invalid),
        Sealed::Expired(id) => (id, true),
        Sealed::Fresh(id) => (id, false),
    };
    let Some(row) = db::run_recipient::for_link(&state.pool, id).await? else {
        return Ok(Link::Invalid);
    };
    Ok(if closed(&row, token_expired, now) {
        Link::Expired(row)
    } else {
        Link::Open(row)
    })
}

/// What a token says by itself: forged or damaged, past its time, or fresh; with the
/// recipient it names.
enum Sealed {
    Invalid,
    Expired(i64),
    Fresh(i64),
}

fn decrypt(state: &AppState, token: &str, now: OffsetDateTime) -> Sealed {
    let (claims, expired) = match state.settings.link_keys.open(
        link_token::Purpose::Portal,
        token,
        now.unix_timestamp(),
    ) {
        Ok(c) => (c, false),
        Err(link_token::OpenError::Invalid) => return Sealed::Invalid,
        Err(link_token::OpenError::Expired(c)) => (c, true),
    };
    match i64::try_from(claims.subject) {
        Ok(id) if expired => Sealed::Expired(id),
        Ok(id) => Sealed::Fresh(id),
        Err(_) => Sealed::Invalid,
    }
}

/// Whether an authentic link no longer opens: past its time (by the token or the row),
/// its run cancelled, or revoked, in the spec's order.
fn closed(row: &db::run_recipient::LinkRow, token_expired: bool, now: OffsetDateTime) -> bool {
    token_expired || row.run_status == RunStatus::Cancelled || row.revoked || row.expires_at <= now
}

/// Who is asking, for throttling: a keyed hash of the client address.
pub struct Client {
    pub hash: Vec<u8>,
}

/// Counts an invalid token against the client; `true` when the client has sent too
/// many lately and is refused outright rather than told the link is not valid. The
/// windows are fixed (they start at multiples of `BAD_LINK_WINDOW` since the epoch), so
/// counting is one upsert of one row per client and window, and a client over the limit
/// costs a read of that row and no write.
pub(crate) async fn note_invalid(
    state: &AppState,
    client: &Client,
    now: OffsetDateTime,
) -> Result<bool, Error> {
    let counted = db::link_attempt::count_one(
        &state.pool,
        &client.hash,
        window_start(now),
        BAD_LINKS_PER_CLIENT,
    )
    .await?;
    Ok(!counted)
}

/// The start of the throttling window that holds `now`.
pub fn window_start(now: OffsetDateTime) -> OffsetDateTime {
    let width = BAD_LINK_WINDOW.whole_seconds();
    let secs = now.unix_timestamp();
    OffsetDateTime::from_unix_timestamp(secs - secs.rem_euclid(width)).unwrap_or(now)
}

/// The page for an invalid token.
async fn invalid(
    state: &AppState,
    client: &Client,
    now: OffsetDateTime,
) -> Result<PortalState, Error> {
    Ok(if note_invalid(state, client, now).await? {
        PortalState::Throttled
    } else {
        PortalState::Invalid
    })
}

/// The page for a GET: records "opened" and nothing else. A fresh token's link and page
/// are read in one statement.
pub async fn open(
    state: &AppState,
    token: &str,
    language: Option<&str>,
    edit: bool,
    client: &Client,
) -> Result<PortalState, Error> {
    let now = OffsetDateTime::now_utc();
    let id = match decrypt(state, token, now) {
        Sealed::Invalid => return invalid(state, client, now).await,
        Sealed::Expired(id) => {
            return match db::run_recipient::for_link(&state.pool, id).await? {
                Some(row) => expired(state, &row, language, None, now),
                None => invalid(state, client, now).await,
            };
        }
        Sealed::Fresh(id) => id,
    };
    let Some((row, page)) =
        db::portal_page::read(&state.pool, id, true, consent::E_MARKETING).await?
    else {
        return invalid(state, client, now).await;
    };
    if closed(&row, false, now) {
        return expired(state, &row, language, None, now);
    }
    let view = view_of(state, &row, page, token, language);
    let step = if view.responded.is_some() && !edit {
        PortalStep::Done
    } else {
        PortalStep::Form {
            answer: Answer::initial(&view),
            problems: Vec::new(),
        }
    };
    Ok(PortalState::Open(Box::new(view), step))
}

/// What a POST leads to: a page to show, or (after saving) the page to go to.
pub enum Posting {
    Show(PortalState),
    SeeOther(String),
}

/// Handles the page's form. Only the intents the page offers exist.
pub async fn post(
    state: &AppState,
    token: &str,
    pairs: &[(String, String)],
    client: &Client,
) -> Result<Posting, Error> {
    let now = OffsetDateTime::now_utc();
    let posted = parse_posted(pairs);
    let language = posted.as_ref().ok().and_then(|p| p.language.clone());
    let row = match check(state, token, now).await? {
        Link::Invalid => return Ok(Posting::Show(invalid(state, client, now).await?)),
        Link::Expired(row) => {
            let fresh = match &posted {
                Ok(p) if p.intent == "fresh_link" => Some(fresh_link(state, &row, now).await?),
                _ => None,
            };
            return Ok(Posting::Show(expired(
                state,
                &row,
                language.as_deref(),
                fresh,
                now,
            )?));
        }
        Link::Open(row) => row,
    };
    let refused = |row: &db::run_recipient::LinkRow| {
        Ok(Posting::Show(PortalState::Refused {
            language: language.clone().unwrap_or_else(|| row.language.clone()),
            company: Some(row.company_name.clone()),
        }))
    };
    let Ok(posted) = posted else {
        tracing::info!("portal form refused: a field the page does not offer");
        return refused(&row);
    };
    let view = build_view(state, &row, token, posted.language.as_deref()).await?;
    let show = |view: PortalView, step: PortalStep| {
        Ok(Posting::Show(PortalState::Open(Box::new(view), step)))
    };
    match posted.intent.as_str() {
        // Switching the language or adding a person keeps what was typed, unchecked.
        "lang" | "edit" => show(
            view,
            PortalStep::Form {
                answer: posted.answer,
                problems: Vec::new(),
            },
        ),
        "add_person" if view.persons.is_some() => {
            let mut answer = posted.answer;
            if answer.new_persons.len() < datacheck_core::wire::MAX_NEW_PERSONS {
                answer.new_persons.push(Default::default());
            }
            show(
                view,
                PortalStep::Form {
                    answer,
                    problems: Vec::new(),
                },
            )
        }
        "review" | "all_correct" | "confirm" => {
            let found = match changes(&view, &posted.answer) {
                Err(not_offered) => {
                    tracing::info!(input = %not_offered.0, "portal form refused: not offered");
                    return refused(&row);
                }
                Ok(found) => found,
            };
            let found = match found {
                Err(problems) => {
                    return show(
                        view,
                        PortalStep::Form {
                            answer: posted.answer,
                            problems,
                        },
                    );
                }
                Ok(found) => found,
            };
            // "Everything is correct" with edits in the form shows them first.
            let save_now =
                posted.intent == "confirm" || (posted.intent == "all_correct" && found.is_empty());
            if !save_now {
                let mut view = view;
                write_phones(&mut view, &found);
                let lines = state.words.change_lines(&view, &found);
                return show(
                    view,
                    PortalStep::Review {
                        answer: posted.answer,
                        changes: lines,
                    },
                );
            }
            if !valid_key(&posted.submission_key) {
                return refused(&row);
            }
            if save(state, &row, &view, &posted, &found).await? {
                Ok(Posting::SeeOther(view.action))
            } else {
                Ok(Posting::Show(expired(
                    state,
                    &row,
                    Some(&view.language),
                    None,
                    now,
                )?))
            }
        }
        _ => refused(&row),
    }
}

/// The HTTP status a page state is served with.
pub fn status(s: &PortalState) -> http::StatusCode {
    match s {
        PortalState::Open(..) => http::StatusCode::OK,
        PortalState::Expired { .. } => http::StatusCode::GONE,
        PortalState::Invalid => http::StatusCode::NOT_FOUND,
        PortalState::Throttled => http::StatusCode::TOO_MANY_REQUESTS,
        PortalState::Refused { .. } => http::StatusCode::BAD_REQUEST,
    }
}

fn valid_key(k: &str) -> bool {
    k.len() == 32
        && k.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A fresh random key for a rendered form.
pub fn new_submission_key() -> String {
    use rand::RngCore;
    let mut b = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut b);
    hex::encode(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn throttling_windows_are_fixed_quarter_hours() {
        let start = datetime!(2026-12-03 12:00:00 UTC);
        assert_eq!(window_start(datetime!(2026-12-03 12:00:00 UTC)), start);
        assert_eq!(window_start(datetime!(2026-12-03 12:14:59.9 UTC)), start);
        assert_eq!(
            window_start(datetime!(2026-12-03 12:15:00 UTC)),
            start + BAD_LINK_WINDOW
        );
    }
}
