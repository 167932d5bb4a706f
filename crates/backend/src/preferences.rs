//! The lasting preferences page (`/p/{token}`) and one-click unsubscribe (`/u/{token}`),
//! on the server.
//!
//! A preferences token is sealed for `Purpose::Preferences` and names a
//! `preference_link` row: a portal token does not open it, nor this one a portal page,
//! and revoking the row kills every token made for it. The page shows only the
//! subscriptions and e-marketing consent. A GET records "opened" and nothing else;
//! every change is a POST. Changes apply at once (consent is not DMS data) with their
//! proof, and are reported as a mutation so the DMS can follow.

use crate::Error;
use crate::audit::Actor;
use crate::portal::{Client, new_submission_key};
use crate::scope::CompanyScope;
use crate::{AppState, consent, db};
use datacheck_core::error::AppError;
use datacheck_core::wire::mutations::Section;
use datacheck_core::wire::{
    ConsentState, PreferencesSaved, PreferencesState, PreferencesView, Subscriptions,
};
use sqlx::PgConnection;
use time::OffsetDateTime;

/// Why a token opened nothing.
enum Refusal {
    /// Not a live preferences link.
    Invalid,
    /// This client opened too many invalid links lately.
    Throttled,
}

impl From<Refusal> for PreferencesState {
    fn from(r: Refusal) -> Self {
        match r {
            Refusal::Invalid => PreferencesState::Invalid,
            Refusal::Throttled => PreferencesState::Throttled,
        }
    }
}

/// Opens a token for the page, its form and one-click unsubscribe alike. An invalid
/// token is counted against the client like the portal's, and a client that guessed
/// too many lately is refused outright; an authentic one is never throttled.
async fn check(
    state: &AppState,
    token: &str,
    client: &Client,
) -> Result<Result<db::preference_link::LinkRow, Refusal>, Error> {
    let now = OffsetDateTime::now_utc();
    let claims = state.settings.link_keys.open(
        link_token::Purpose::Preferences,
        token,
        now.unix_timestamp(),
    );
    let row = match claims.ok().and_then(|c| i64::try_from(c.subject).ok()) {
        Some(id) => db::preference_link::get(&state.pool, id).await?,
        None => None,
    };
    match row {
        Some(r) if !r.revoked => Ok(Ok(r)),
        _ if crate::portal::note_invalid(state, client, now).await? => Ok(Err(Refusal::Throttled)),
        _ => Ok(Err(Refusal::Invalid)),
    }
}

fn language_of(asked: Option<&str>, row: &db::preference_link::LinkRow) -> String {
    match asked {
        Some("en") => "en".into(),
        Some("nl") => "nl".into(),
        _ => row.language.clone(),
    }
}

async fn view(
    state: &AppState,
    row: &db::preference_link::LinkRow,
    token: &str,
    language: String,
    saved: Option<PreferencesSaved>,
) -> Result<PreferencesView, Error> {
    let pool = &state.pool;
    let k = db::contact::get(pool, &CompanyScope::all(), row.contact_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let Subscriptions { types, consent } =
        consent::subscriptions(pool, row.contact_id, &language).await?;
    Ok(PreferencesView {
        action: format!("/p/{token}"),
        company: row.company_name.clone(),
        name: k.display_name(),
        language,
        types,
        consent,
        submission_key: new_submission_key(),
        saved,
    })
}

/// The page for a GET: records "opened" and nothing else.
pub async fn open(
    state: &AppState,
    token: &str,
    language: Option<&str>,
    saved: Option<&str>,
    client: &Client,
) -> Result<PreferencesState, Error> {
    let row = match check(state, token, client).await? {
        Ok(row) => row,
        Err(refused) => return Ok(refused.into()),
    };
    db::preference_link::mark_opened(&state.pool, row.id).await?;
    let saved = match saved {
        Some("1") => Some(PreferencesSaved::Saved),
        Some("0") => Some(PreferencesSaved::Nothing),
        Some("all") => Some(PreferencesSaved::UnsubscribedAll),
        _ => None,
    };
    let language = language_of(language, &row);
    Ok(PreferencesState::Open(Box::new(
        view(state, &row, token, language, saved).await?,
    )))
}

pub fn status(s: &PreferencesState) -> http::StatusCode {
    match s {
        PreferencesState::Open(_) => http::StatusCode::OK,
        PreferencesState::Invalid => http::StatusCode::NOT_FOUND,
        PreferencesState::Throttled => http::StatusCode::TOO_MANY_REQUESTS,
    }
}

/// What a POST of the page asks for.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct PostedPreferences {
    pub submission_key: String,
    pub language: Option<String>,
    pub unsubscribe_all: bool,
    pub subscribed: Vec<String>,
    pub consent: Option<ConsentState>,
}

/// Reads the page's form. Only the names the page renders are accepted.
pub fn parse(pairs: &[(String, String)]) -> Result<PostedPreferences, String> {
    let mut p = PostedPreferences::default();
    let mut intent = None;
    for (name, value) in pairs {
        match name.as_str() {
            "key" => p.submission_key = value.clone(),
            "lang" => p.language = Some(value.clone()),
            "intent" => intent = Some(value.clone()),
            "consent" => {
                p.consent = Some(match value.as_str() {
                    "given" => ConsentState::Given,
                    "withdrawn" => ConsentState::Withdrawn,
                    _ => return Err(format!("consent={value}")),
                })
            }
            n => match n.strip_prefix("sub.") {
                Some(key) if !key.is_empty() => p.subscribed.push(key.to_string()),
                _ => return Err(n.to_string()),
            },
        }
    }
    match intent.as_deref() {
        Some("save") => {}
        Some("unsubscribe_all") => p.unsubscribe_all = true,
        other => return Err(format!("intent={}", other.unwrap_or(""))),
    }
    let key_ok = p.submission_key.len() == 32
        && p.submission_key
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !key_ok {
        return Err("key".into());
    }
    Ok(p)
}

/// What a POST leads to.
pub enum Posting {
    Show(PreferencesState),
    SeeOther(String),
    /// A form the page never renders (400).
    Refused,
}

/// Handles the page's form: saves the choices, or unsubscribes from everything.
pub async fn post(
    state: &AppState,
    token: &str,
    pairs: &[(String, String)],
    client: &Client,
) -> Result<Posting, Error> {
    let row = match check(state, token, client).await? {
        Ok(row) => row,
        Err(refused) => return Ok(Posting::Show(refused.into())),
    };
    let Ok(posted) = parse(pairs) else {
        return Ok(Posting::Refused);
    };
    let language = language_of(posted.language.as_deref(), &row);
    let shown = view(state, &row, token, language.clone(), None).await?;
    if posted
        .subscribed
        .iter()
        .any(|k| !shown.types.iter().any(|t| &t.key == k))
    {
        return Ok(Posting::Refused);
    }
    let wanted: Vec<(String, bool)> = shown
        .types
        .iter()
        .map(|t| {
            let on = !posted.unsubscribe_all && posted.subscribed.contains(&t.key);
            (t.key.clone(), on)
        })
        .collect();
    let consent = if posted.unsubscribe_all {
        Some(ConsentState::Withdrawn)
    } else {
        posted.consent
    };
    let consent = consent.map(|c| {
        let shown_text = state
            .words
            .consent_statement(&shown.language, &shown.company);
        (c, shown_text)
    });
    let mut tx = state.pool.begin().await?;
    let changed = apply(
        &mut tx,
        &row,
        &shown,
        &wanted,
        consent,
        consent::Source::Preferences,
        &posted.submission_key,
    )
    .await?;
    tx.commit().await?;
    let saved = match (posted.unsubscribe_all, changed) {
        (true, _) => "all",
        (false, true) => "1",
        (false, false) => "0",
    };
    Ok(Posting::SeeOther(format!(
        "/p/{token}?lang={language}&saved={saved}"
    )))
}

/// Applies wanted subscriptions and consent with their proof (the consent statement the
/// customer answered), and reports what changed as one mutation. Whether anything changed.
async fn apply(
    tx: &mut PgConnection,
    row: &db::preference_link::LinkRow,
    shown: &PreferencesView,
    wanted: &[(String, bool)],
    consent_state: Option<(ConsentState, String)>,
    source: consent::Source,
    submission_key: &str,
) -> Result<bool, Error> {
    // One answer at a time per link: a double click waits, then finds nothing to change.
    db::preference_link::lock(&mut *tx, row.id).await?;
    let mut changes: Vec<(Section, String, String, String)> = Vec::new();
    for (key, on) in wanted {
        let Some(t) = shown.types.iter().find(|t| &t.key == key) else {
            continue;
        };
        let proof = format!("{}: {}", t.name, t.description);
        if consent::set_subscription(
            tx,
            &Actor::Customer,
            row.contact_id,
            key,
            *on,
            source,
            &proof,
            None,
        )
        .await?
        {
            let yes_no = |b: bool| if b { "yes" } else { "no" }.to_string();
            changes.push((Section::Subscription, key.clone(), yes_no(!on), yes_no(*on)));
        }
    }
    if let Some((new, proof)) = consent_state
        && consent::set_purpose(
            tx,
            &Actor::Customer,
            &consent::PurposeChange {
                contact_id: row.contact_id,
                purpose: consent::E_MARKETING,
                state: new,
                legal_basis: None,
                source,
                shown_text: &proof,
                run_recipient_id: None,
            },
        )
        .await?
    {
        changes.push((
            Section::Consent,
            consent::E_MARKETING.into(),
            shown.consent.clone(),
            new.as_str().into(),
        ));
    }
    if changes.is_empty() {
        return Ok(false);
    }
    let Some(mutation_id) = db::mutation::insert_from_preferences(
        &mut *tx,
        row.company_id,
        row.contact_id,
        row.id,
        source.as_str(),
        submission_key,
        &shown.language,
    )
    .await?
    else {
        return Ok(true);
    };
    let rows: Vec<db::mutation::NewChange> = changes
        .iter()
        .map(|(section, key, old, new)| db::mutation::NewChange {
            section: *section,
            field_key: key,
            person_id: None,
            new_person: None,
            dms_value: Some(old),
            submitted_value: Some(new),
        })
        .collect();
    db::mutation::insert_changes(&mut *tx, mutation_id, &rows).await?;
    consent::announce_mutation(&mut *tx, row.company_id, mutation_id, true).await?;
    tracing::info!(
        link = row.id,
        mutation = mutation_id,
        changes = rows.len(),
        "preferences saved"
    );
    Ok(true)
}

/// What a one-click unsubscribe came to.
#[derive(Debug, PartialEq, Eq)]
pub enum OneClick {
    Done,
    /// Not a live preferences link.
    Invalid,
    /// This client opened too many invalid links lately.
    Throttled,
}

/// One-click unsubscribe (RFC 8058): withdraws e-marketing consent, no page.
pub async fn one_click(state: &AppState, token: &str, client: &Client) -> Result<OneClick, Error> {
    let row = match check(state, token, client).await? {
        Ok(row) => row,
        Err(Refusal::Invalid) => return Ok(OneClick::Invalid),
        Err(Refusal::Throttled) => return Ok(OneClick::Throttled),
    };
    let shown = view(state, &row, token, row.language.clone(), None).await?;
    let mut tx = state.pool.begin().await?;
    let statement = state.words.unsubscribed_statement(&shown.language);
    apply(
        &mut tx,
        &row,
        &shown,
        &[],
        Some((ConsentState::Withdrawn, statement)),
        consent::Source::Unsubscribe,
        &new_submission_key(),
    )
    .await?;
    tx.commit().await?;
    Ok(OneClick::Done)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    const KEY: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn the_form_reads_only_what_the_page_renders() {
        let p = parse(&pairs(&[
            ("key", KEY),
            ("lang", "en"),
            ("sub.newsletter", "on"),
            ("consent", "withdrawn"),
            ("intent", "save"),
        ]))
        .unwrap();
        assert_eq!(p.subscribed, vec!["newsletter".to_string()]);
        assert_eq!(p.consent, Some(ConsentState::Withdrawn));
        assert!(!p.unsubscribe_all);
        assert!(parse(&pairs(&[("key", KEY), ("intent", "save"), ("email", "x")])).is_err());
        assert!(parse(&pairs(&[("key", KEY), ("intent", "delete")])).is_err());
        assert!(parse(&pairs(&[("key", "short"), ("intent", "save")])).is_err());
        assert!(
            parse(&pairs(&[
                ("key", KEY),
                ("intent", "save"),
                ("consent", "maybe")
            ]))
            .is_err()
        );
        let all = parse(&pairs(&[("key", KEY), ("intent", "unsubscribe_all")])).unwrap();
        assert!(all.unsubscribe_all);
    }
}
