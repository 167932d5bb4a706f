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

fn expired(
    state: &AppState,
    row: &db::run_recipient::LinkRow,
    language: Option<&str>,
    sent: Option<FreshLinkOutcome>,
    now: OffsetDateTime,
) -> Result<PortalState, Error> {
    let language = language
        .filter(|l| *l == "nl" || *l == "en")
        .map(str::to_string)
        .unwrap_or_else(|| row.language.clone());
    let fresh_link = renewable(state, row, now)?.is_some();
    Ok(PortalState::Expired {
        language,
        company: Some(row.company_name.clone()),
        fresh_link,
        sent,
    })
}

/// The new expiry a link could get now: only while its run is open (sent, not
/// cancelled, before the end of its valid-to day) and the link not revoked.
fn renewable(
    state: &AppState,
    row: &db::run_recipient::LinkRow,
    now: OffsetDateTime,
) -> Result<Option<OffsetDateTime>, Error> {
    if row.revoked || !matches!(row.run_status.as_str(), "sending" | "sent") {
        return Ok(None);
    }
    let expiry = runs::link_expiry(&state.settings, row.valid_to, now)?;
    Ok((expiry > now + Duration::minutes(5)).then_some(expiry))
}

/// Renews an expired link and mails it to the address on file, never elsewhere, at
/// most a few times a day.
async fn fresh_link(
    state: &AppState,
    row: &db::run_recipient::LinkRow,
    now: OffsetDateTime,
) -> Result<FreshLinkOutcome, Error> {
    let Some(expiry) = renewable(state, row, now)? else {
        return Ok(FreshLinkOutcome::Unavailable);
    };
    let mut tx = state.pool.begin().await?;
    db::run_recipient::lock(&mut tx, row.id).await?;
    let recent =
        db::run_recipient::fresh_links_since(&mut *tx, row.id, now - Duration::days(1)).await?;
    if recent >= FRESH_LINKS_PER_DAY {
        return Ok(FreshLinkOutcome::TooSoon);
    }
    db::run_recipient::renew(&mut *tx, row.id, expiry).await?;
    db::run_recipient::queue_fresh_link(
        &mut *tx,
        row.id,
        &runs::message_id_domain(&state.settings),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(recipient = row.id, "fresh link queued");
    Ok(FreshLinkOutcome::Sent)
}

/// What this link shows and may change, from the database, in one read (a form post's;
/// the page was opened before).
async fn build_view(
    state: &AppState,
    row: &db::run_recipient::LinkRow,
    token: &str,
    language: Option<&str>,
) -> Result<PortalView, Error> {
    let (_, page) = db::portal_page::read(&state.pool, row.id, false, consent::E_MARKETING)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(view_of(state, row, page, token, language))
}

/// The page's view of what was read, in the language asked for (else the link's).
fn view_of(
    state: &AppState,
    row: &db::run_recipient::LinkRow,
    page: db::portal_page::PageData,
    token: &str,
    language: Option<&str>,
) -> PortalView {
    let tz = &state.settings.time_zone;
    let language = match language {
        Some("en") => "en",
        Some("nl") => "nl",
        _ => row.language.as_str(),
    }
    .to_string();
    let dutch = language == "nl";
    let k = &page.contact;
    let rules = &row.field_rules.0;
    let fields = page
        .catalogue
        .into_iter()
        .filter_map(|d| {
            let rule = rules.get(&d.key)?;
            // The catalogue may have tightened since the run was sent: the stricter wins.
            if !d.customer_visible {
                return None;
            }
            let editable = rule == "editable" && d.customer_editable && d.key != "customer_no";
            let value = k
                .value_of(&d.key, d.builtin, &page.attributes)
                .map(str::to_string);
            let field_type = d.field_type;
            let choices = d.choices;
            Some(PortalField {
                label: if dutch { d.label_nl } else { d.label_en },
                key: d.key,
                field_type,
                choices,
                value,
                editable,
                required: d.required,
            })
        })
        .collect();
    let persons =
        (row.show_contact_persons && k.kind == ContactKind::Organisation).then_some(page.persons);
    let subscriptions = row
        .show_subscriptions
        .then(|| consent::offered(page.subscription_types, page.consent_state, &language));
    let mut view = PortalView {
        action: format!("/c/{token}"),
        company: row.company_name.clone(),
        name: k.display_name(),
        valid_until: mail::valid_until_text(row.expires_at, tz, &language),
        language,
        country: k.country.clone(),
        fields,
        persons,
        notifications: row.show_notifications,
        subscriptions,
        submission_key: new_submission_key(),
        responded: None,
    };
    if let Some(latest) = page.latest {
        let changes: Vec<Change> = latest
            .changes
            .into_iter()
            .map(|c| Change {
                target: match (c.section, c.person_id, c.new_person) {
                    (Section::Person, Some(id), _) => ChangeTarget::Person(id),
                    (Section::Person, None, Some(i)) => ChangeTarget::NewPerson(i as usize),
                    (Section::Notification, Some(id), _) => ChangeTarget::Notification(id),
                    (Section::Notification, None, Some(i)) => {
                        ChangeTarget::NewNotification(i as usize)
                    }
                    (Section::Subscription, ..) => ChangeTarget::Subscription,
                    (Section::Consent, ..) => ChangeTarget::Consent,
                    // A person's change names the person or the one added (a table
                    // check); anything else is a field of the contact.
                    (Section::Field | Section::Person | Section::Notification, ..) => {
                        ChangeTarget::Field
                    }
                },
                key: c.field_key,
                old: c.dms_value,
                new: c.submitted_value,
            })
            .collect();
        view.responded = Some(Responded {
            at: moment(latest.created_at, tz, &view.language),
            changed: latest.kind == AnswerKind::Changed,
            changes: state.words.change_lines(&view, &changes),
        });
    }
    view
}

/// A moment in the organisation's time zone, the way the language writes it.
pub fn moment(at: OffsetDateTime, tz: &jiff::tz::TimeZone, language: &str) -> String {
    let Ok(ts) = jiff::Timestamp::new(at.unix_timestamp(), 0) else {
        return at.to_string();
    };
    let z = ts.to_zoned(tz.clone());
    if language == "en" {
        z.strftime("%-d %B %Y, %H:%M").to_string()
    } else {
        z.strftime("%-d-%-m-%Y om %H:%M").to_string()
    }
}

/// Saves an answer: the mutation with its changes, subscriptions and consent with
/// their proof, field confirmations and the recipient's response, all or nothing.
/// A second save with the same form key finds the first and does nothing. `false`
/// when the link died while the form was open.
async fn save(
    state: &AppState,
    row: &db::run_recipient::LinkRow,
    view: &PortalView,
    posted: &Posted,
    found: &[Change],
) -> Result<bool, Error> {
    let mut tx = state.pool.begin().await?;
    db::run_recipient::lock(&mut tx, row.id).await?;
    // The link may have been revoked or its run cancelled while the form was open.
    let Some(fresh) = db::run_recipient::for_link(&mut *tx, row.id).await? else {
        return Err(AppError::NotFound.into());
    };
    if fresh.revoked
        || fresh.run_status == RunStatus::Cancelled
        || fresh.expires_at <= OffsetDateTime::now_utc()
    {
        return Ok(false);
    }
    let Some(mutation_id) = db::mutation::insert(
        &mut *tx,
        &db::mutation::NewMutation {
            company_id: row.company_id,
            contact_id: row.contact_id,
            run_id: row.run_id,
            run_recipient_id: row.id,
            changed: !found.is_empty(),
            submission_key: &posted.submission_key,
            language: &view.language,
        },
    )
    .await?
    else {
        tracing::info!(recipient = row.id, "portal answer already saved");
        return Ok(true);
    };
    let rows: Vec<db::mutation::NewChange> = found
        .iter()
        .map(|c| {
            let (section, person_id, new_person) = match &c.target {
                ChangeTarget::Field => (Section::Field, None, None),
                ChangeTarget::Person(id) => (Section::Person, Some(*id), None),
                ChangeTarget::NewPerson(i) => (Section::Person, None, Some(*i as i16)),
                ChangeTarget::Notification(id) => (Section::Notification, Some(*id), None),
                ChangeTarget::NewNotification(i) => (Section::Notification, None, Some(*i as i16)),
                ChangeTarget::Subscription => (Section::Subscription, None, None),
                ChangeTarget::Consent => (Section::Consent, None, None),
            };
            db::mutation::NewChange {
                section,
                field_key: &c.key,
                person_id,
                new_person,
                dms_value: c.old.as_deref(),
                submitted_value: c.new.as_deref(),
            }
        })
        .collect();
    db::mutation::insert_changes(&mut *tx, mutation_id, &rows).await?;
    // DMSs with a webhook hear of it once this commits (never of an answer that did not).
    consent::announce_mutation(&mut *tx, row.company_id, mutation_id, !found.is_empty()).await?;

    // Consent is not DMS data: it takes effect now, with its proof.
    for c in found {
        match c.target {
            ChangeTarget::Subscription => {
                let Some(t) = view
                    .subscriptions
                    .iter()
                    .flat_map(|s| &s.types)
                    .find(|t| t.key == c.key)
                else {
                    continue;
                };
                consent::set_subscription(
                    &mut tx,
                    &Actor::Customer,
                    row.contact_id,
                    &t.key,
                    c.new.as_deref() == Some("yes"),
                    consent::Source::Portal,
                    &format!("{}: {}", t.name, t.description),
                    Some(row.id),
                )
                .await?;
            }
            ChangeTarget::Consent => {
                let shown = state.words.consent_statement(&view.language, &view.company);
                consent::set_purpose(
                    &mut tx,
                    &Actor::Customer,
                    &consent::PurposeChange {
                        contact_id: row.contact_id,
                        purpose: consent::E_MARKETING,
                        state: c
                            .new
                            .as_deref()
                            .and_then(ConsentState::parse)
                            .unwrap_or(ConsentState::None),
                        legal_basis: None,
                        source: consent::Source::Portal,
                        shown_text: &shown,
                        run_recipient_id: Some(row.id),
                    },
                )
                .await?;
            }
            _ => {}
        }
    }
    // Fields the customer saw and left as they were are confirmed as correct.
    let confirmed: Vec<String> = view
        .fields
        .iter()
        .filter(|f| {
            !found
                .iter()
                .any(|c| c.target == ChangeTarget::Field && c.key == f.key)
        })
        .map(|f| f.key.clone())
        .collect();
    db::contact::confirm_fields(
        &mut *tx,
        row.contact_id,
        &confirmed,
        OffsetDateTime::now_utc(),
    )
    .await?;
    db::run_recipient::record_response(&mut *tx, row.id, !found.is_empty()).await?;
    tx.commit().await?;
    tracing::info!(
        recipient = row.id,
        mutation = mutation_id,
        changes = found.len(),
        "portal answer saved"
    );
    Ok(true)
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
