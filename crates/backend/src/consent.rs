//! Consent and subscriptions: the one path by which they change. Every change writes
//! the current state and an append-only `consent_event` with who made it and the words
//! the person saw, in the caller's transaction. Nothing else writes `contact_consent`,
//! `contact_subscription` or `consent_event`.

use crate::Error;
use crate::audit::Actor;
use crate::{AppState, Settings, db, local_time};
use datacheck_core::error::AppError;
use datacheck_core::wire::{
    ConsentHistoryRow, ConsentState, ContactConsent, ContactId, LegalBasis, PurposeState,
    SubscriptionChoice, Subscriptions, may_market,
};
use sqlx::PgConnection;
use time::OffsetDateTime;

pub const E_MARKETING: &str = "e_marketing";
/// How long a preferences token opens (its row can be revoked sooner).
pub const PREFERENCES_LINK_DAYS: i64 = 3 * 365;

/// Where a change came from: core's closed set, under the name this module's callers
/// use.
pub use datacheck_core::wire::ConsentSource as Source;

/// A change to one purpose of one contact.
pub struct PurposeChange<'a> {
    pub contact_id: i64,
    pub purpose: &'a str,
    pub state: ConsentState,
    /// `None` keeps the current basis, except that giving consent makes it "consent".
    pub legal_basis: Option<LegalBasis>,
    pub source: Source,
    pub shown_text: &'a str,
    pub run_recipient_id: Option<i64>,
}

/// Records a purpose's new basis and state. `Ok(false)` when both were already so
/// (nothing is written: a second unsubscribe is not a second event).
pub async fn set_purpose(
    tx: &mut PgConnection,
    actor: &Actor,
    c: &PurposeChange<'_>,
) -> Result<bool, Error> {
    let Some((basis, state)) = db::contact_consent::get(&mut *tx, c.contact_id, c.purpose).await?
    else {
        return Err(
            AppError::invalid("purpose", format!("Unknown purpose \"{}\".", c.purpose)).into(),
        );
    };
    let new_basis = match (c.legal_basis, c.state) {
        (Some(b), _) => b,
        (None, ConsentState::Given) => LegalBasis::Consent,
        (None, _) => basis,
    };
    if new_basis == basis && c.state == state {
        return Ok(false);
    }
    db::contact_consent::upsert(
        &mut *tx,
        c.contact_id,
        c.purpose,
        new_basis.as_str(),
        c.state.as_str(),
    )
    .await?;
    db::consent_event::insert(
        &mut *tx,
        &db::consent_event::NewEvent {
            contact_id: c.contact_id,
            purpose: c.purpose,
            legal_basis: new_basis.as_str(),
            state: c.state.as_str(),
            source: c.source,
            shown_text: c.shown_text,
            run_recipient_id: c.run_recipient_id,
            actor: &actor.label(),
        },
    )
    .await?;
    Ok(true)
}

/// Subscribes or unsubscribes a contact, with its proof. `Ok(false)` when it already
/// was so.
#[allow(clippy::too_many_arguments)]
pub async fn set_subscription(
    tx: &mut PgConnection,
    actor: &Actor,
    contact_id: i64,
    type_key: &str,
    on: bool,
    source: Source,
    shown_text: &str,
    run_recipient_id: Option<i64>,
) -> Result<bool, Error> {
    if !db::subscription::set(&mut *tx, contact_id, type_key, on).await? {
        return Ok(false);
    }
    db::consent_event::insert(
        &mut *tx,
        &db::consent_event::NewEvent {
            contact_id,
            purpose: &format!("subscription:{type_key}"),
            legal_basis: LegalBasis::Consent.as_str(),
            state: if on { "given" } else { "withdrawn" },
            source,
            shown_text,
            run_recipient_id,
            actor: &actor.label(),
        },
    )
    .await?;
    Ok(true)
}

/// Whether marketing mail may go to the contact now.
pub async fn may_market_now(
    exec: impl sqlx::PgExecutor<'_>,
    contact_id: i64,
) -> Result<bool, Error> {
    let (basis, state) = db::contact_consent::get(exec, contact_id, E_MARKETING)
        .await?
        .unwrap_or((LegalBasis::Consent, ConsentState::None));
    Ok(may_market(basis, state))
}

/// The subscription types offered now, in `language`, with whether the contact is
/// subscribed to each, and their e-marketing state: what the customer page, the
/// preferences page and the staff card show.
pub async fn subscriptions(
    pool: &sqlx::PgPool,
    contact_id: i64,
    language: &str,
) -> Result<Subscriptions, Error> {
    let types = db::subscription::for_contact(pool, contact_id).await?;
    let consent = db::contact_consent::get(pool, contact_id, E_MARKETING)
        .await?
        .map_or(ConsentState::None, |(_, s)| s);
    Ok(offered(types, consent, language))
}

/// The subscription card in `language`, from the types as read and the e-marketing
/// state.
pub fn offered(
    types: Vec<db::subscription::TypeRow>,
    consent: ConsentState,
    language: &str,
) -> Subscriptions {
    let dutch = language != "en";
    let types = types
        .into_iter()
        .map(|t| SubscriptionChoice {
            key: t.key,
            name: if dutch { t.name_nl } else { t.name_en },
            description: if dutch {
                t.description_nl
            } else {
                t.description_en
            },
            subscribed: t.subscribed,
        })
        .collect();
    Subscriptions {
        types,
        consent: consent.as_str().into(),
    }
}

/// A contact's consent events, newest first, at most `limit` (the caller has checked
/// the contact is theirs).
pub async fn events(
    state: &AppState,
    contact_id: ContactId,
    limit: i64,
) -> Result<Vec<db::consent_event::EventRow>, Error> {
    Ok(db::consent_event::history(&state.pool, contact_id.0, limit).await?)
}

/// The consent card of a contact in `scope`; a contact outside it is not found.
pub async fn contact_card(
    state: &AppState,
    scope: &crate::scope::CompanyScope,
    contact_id: ContactId,
) -> Result<ContactConsent, Error> {
    db::contact::get(&state.pool, scope, contact_id.0)
        .await?
        .ok_or(AppError::NotFound)?;
    contact_consent(state, contact_id).await
}

/// The consent card of a contact the caller may see (checked by the caller).
pub async fn contact_consent(
    state: &AppState,
    contact_id: ContactId,
) -> Result<ContactConsent, Error> {
    let pool = &state.pool;
    let tz = &state.settings.time_zone;
    let purposes: Vec<PurposeState> = db::contact_consent::for_contact(pool, contact_id.0)
        .await?
        .into_iter()
        .map(|r| PurposeState {
            key: r.purpose,
            name: r.name_en,
            legal_basis: r.legal_basis,
            state: r.state,
            changed: r.changed_at.map(|at| local_time::date_time(at, tz)),
        })
        .collect();
    let may = purposes
        .iter()
        .find(|p| p.key == E_MARKETING)
        .is_some_and(|p| may_market(p.legal_basis, p.state));
    let subscriptions = subscriptions(pool, contact_id.0, "en").await?.types;
    let history = history(state, contact_id, 200).await?;
    Ok(ContactConsent {
        contact: contact_id,
        purposes,
        subscriptions,
        may_market: may,
        history,
        live_link: db::preference_link::has_live(pool, contact_id.0).await?,
    })
}

/// A contact's consent history, newest first, with purposes in words.
pub async fn history(
    state: &AppState,
    contact_id: ContactId,
    limit: i64,
) -> Result<Vec<ConsentHistoryRow>, Error> {
    let pool = &state.pool;
    let purposes = db::contact_consent::purposes(pool).await?;
    let types = db::subscription::names(pool).await?;
    let name_of = |purpose: &str| -> String {
        if let Some(key) = purpose.strip_prefix("subscription:") {
            let name = types
                .iter()
                .find(|(k, _)| k == key)
                .map_or(key, |(_, n)| n.as_str());
            return format!("Subscription: {name}");
        }
        purposes
            .iter()
            .find(|(k, _)| k == purpose)
            .map_or_else(|| purpose.to_string(), |(_, n)| n.clone())
    };
    Ok(db::consent_event::history(pool, contact_id.0, limit)
        .await?
        .into_iter()
        .map(|e| ConsentHistoryRow {
            id: e.id,
            at: local_time::date_time(e.at, &state.settings.time_zone),
            purpose_name: name_of(&e.purpose),
            purpose: e.purpose,
            legal_basis: e.legal_basis,
            state: e.state,
            source: e.source,
            actor: e.actor,
            shown_text: e.shown_text,
        })
        .collect())
}

/// The address of a contact's lasting preferences page, made for `created_by` when the
/// contact has no live link. Every call seals a new token for the same link row.
pub async fn preferences_url(
    state: &AppState,
    exec: impl sqlx::PgExecutor<'_>,
    contact_id: i64,
    created_by: &str,
) -> Result<String, Error> {
    let link_id = db::preference_link::live_or_new(exec, contact_id, created_by).await?;
    Ok(preference_urls(&state.settings, link_id).page)
}

/// The addresses of a preference link row, from one freshly sealed token: its page
/// (`/p/`) and its one-click unsubscribe (`/u/`).
pub struct PreferenceUrls {
    pub page: String,
    pub unsubscribe: String,
}

pub fn preference_urls(settings: &Settings, link_id: i64) -> PreferenceUrls {
    let token = seal_preferences(settings, link_id);
    let base = settings.public_url.trim_end_matches('/');
    PreferenceUrls {
        page: format!("{base}/p/{token}"),
        unsubscribe: format!("{base}/u/{token}"),
    }
}

/// A fresh token for a preference link row.
fn seal_preferences(settings: &Settings, link_id: i64) -> String {
    let expires = OffsetDateTime::now_utc() + time::Duration::days(PREFERENCES_LINK_DAYS);
    settings.link_keys.seal(
        link_token::Purpose::Preferences,
        link_token::Claims {
            subject: link_id as u64,
            expires_at: expires.unix_timestamp(),
        },
    )
}

/// Queues the webhook notice of a new mutation, in the mutation's transaction.
pub async fn announce_mutation(
    exec: impl sqlx::PgExecutor<'_>,
    company_id: i64,
    mutation_id: i64,
    changed: bool,
) -> Result<(), Error> {
    let notice = serde_json::json!({
        "event": "mutation.created",
        "mutation_id": mutation_id,
        "company_id": company_id,
        "kind": if changed { "changed" } else { "unchanged" },
        "created_at": OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
    });
    db::webhook_delivery::enqueue(exec, company_id, "mutation.created", &notice.to_string())
        .await?;
    Ok(())
}

/// What staff or the API record for one purpose: the new basis and state, and how the
/// person expressed it (kept as the proof text).
pub struct Recorded<'a> {
    pub purpose: &'a str,
    pub legal_basis: &'a str,
    pub state: &'a str,
    pub note: &'a str,
}

/// Checks a recorded change; the message names the field it belongs to.
pub fn check_recorded(r: &Recorded<'_>) -> Result<(LegalBasis, ConsentState), Error> {
    let basis = LegalBasis::parse(r.legal_basis).ok_or_else(|| {
        AppError::invalid(
            "legal_basis",
            "Choose a legal basis: consent, contract, legal obligation, legitimate interest, vital interest or public task.",
        )
    })?;
    let state = ConsentState::parse(r.state)
        .ok_or_else(|| AppError::invalid("state", "Choose given, none or withdrawn."))?;
    let note = r.note.trim();
    if note.chars().count() < 5 {
        return Err(AppError::invalid(
            "note",
            "Say how the person made this choice (at least 5 characters), for example \"signed form at the service desk\".",
        ).into());
    }
    if note.chars().count() > 500 {
        return Err(AppError::invalid("note", "Keep the note under 500 characters.").into());
    }
    if state == ConsentState::Given && basis != LegalBasis::Consent {
        return Err(AppError::invalid(
            "state",
            "Only consent can be given; with another legal basis the state is none, or withdrawn after an objection.",
        ).into());
    }
    Ok((basis, state))
}

/// Records a purpose's basis and state for a contact in the caller's scope, from staff
/// (`Source::Staff`) or a DMS (`Source::Api`). Whether it changed anything.
pub async fn record_for_contact(
    state: &AppState,
    scope: &crate::scope::CompanyScope,
    actor: &Actor,
    source: Source,
    contact_id: ContactId,
    r: &Recorded<'_>,
) -> Result<bool, Error> {
    let (basis, new_state) = check_recorded(r)?;
    let mut tx = state.pool.begin().await?;
    let k = db::contact::get(&mut *tx, scope, contact_id.0)
        .await?
        .ok_or(AppError::NotFound)?;
    let changed = set_purpose(
        &mut tx,
        actor,
        &PurposeChange {
            contact_id: k.id,
            purpose: r.purpose,
            state: new_state,
            legal_basis: Some(basis),
            source,
            shown_text: r.note.trim(),
            run_recipient_id: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(changed)
}

/// The contact's preferences link for staff or the API (made when missing), audited.
pub async fn link_for_contact(
    state: &AppState,
    scope: &crate::scope::CompanyScope,
    actor: &Actor,
    contact_id: ContactId,
) -> Result<String, Error> {
    let mut tx = state.pool.begin().await?;
    let k = db::contact::get(&mut *tx, scope, contact_id.0)
        .await?
        .ok_or(AppError::NotFound)?;
    let url = preferences_url(state, &mut *tx, k.id, &actor.label()).await?;
    crate::audit::record(
        &mut *tx,
        actor,
        crate::audit::Event {
            action: "preferences_link.produce",
            subject_type: "contact",
            subject_id: Some(k.id.to_string()),
            company_id: Some(datacheck_core::wire::CompanyId(k.company_id)),
            detail: serde_json::json!({}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(url)
}

/// Revokes the contact's preferences link: every token made for it stops working.
pub async fn revoke_link(
    state: &AppState,
    scope: &crate::scope::CompanyScope,
    actor: &Actor,
    contact_id: ContactId,
) -> Result<u64, Error> {
    let mut tx = state.pool.begin().await?;
    let k = db::contact::get(&mut *tx, scope, contact_id.0)
        .await?
        .ok_or(AppError::NotFound)?;
    let n = db::preference_link::revoke(&mut *tx, k.id).await?;
    crate::audit::record(
        &mut *tx,
        actor,
        crate::audit::Event {
            action: "preferences_link.revoke",
            subject_type: "contact",
            subject_id: Some(k.id.to_string()),
            company_id: Some(datacheck_core::wire::CompanyId(k.company_id)),
            detail: serde_json::json!({ "revoked": n }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(n)
}
