//! What several benchmarks set up the same way: a draft run to every contact of a
//! company, and sending it (links issued and mails queued in one transaction, as the
//! wizard's "Send" does).
//!
//! Each benchmark is a crate of its own and uses part of this module.
#![allow(dead_code)]

use backend::db::contact::ListFilter;
use backend::db::run_recipient::Selection;
use backend::{DeployEnv, Settings, db};
use datacheck_core::wire::{RecipientFilter, RunTemplates};
use std::collections::BTreeMap;

/// Every contact of `company`, as the wizard's filter step selects them.
pub fn everyone(company: i64) -> ListFilter {
    ListFilter {
        company: Some(company),
        kind: None,
        city: None,
        has_email: None,
        text: None,
    }
}

/// A draft run of `company` named `name`, to all its contacts, showing the fields in
/// `rules`, valid for five more days.
pub async fn draft_to_everyone(
    pool: &sqlx::PgPool,
    company: i64,
    name: &str,
    rules: &BTreeMap<String, String>,
) -> anyhow::Result<i64> {
    let valid_to = time::OffsetDateTime::now_utc().date() + time::Duration::days(5);
    let run = db::run::insert_draft(
        pool,
        &db::run::NewDraft {
            company_id: company,
            name,
            valid_to,
            sender_name: "Bench",
            sender_email: "bench@example.nl",
            reply_to: "bench@example.nl",
            templates: &RunTemplates::starter(),
            field_rules: rules,
            created_by: None,
        },
    )
    .await?
    .map_err(|db::run::NameTaken| anyhow::anyhow!("a run named {name:?} exists already"))?;
    db::run::update_recipients(pool, run, "filter", &RecipientFilter::default(), &[], false)
        .await?;
    Ok(run)
}

/// Sends the draft `run` to every contact of `company` for `staff`: one link each,
/// expiring in five days, and one queued mail each. Returns how many were issued.
pub async fn send_to_everyone(
    pool: &sqlx::PgPool,
    run: i64,
    company: i64,
    staff: i64,
) -> anyhow::Result<u64> {
    let expires = time::OffsetDateTime::now_utc() + time::Duration::days(5);
    let filter = everyone(company);
    let sel = Selection::Filter {
        filter: &filter,
        confirmed_before: None,
    };
    let mut tx = pool.begin().await?;
    let issued =
        db::run_recipient::issue(&mut tx, run, company, &sel, false, 1, expires, "example.nl")
            .await?;
    db::run::mark_sending(&mut *tx, run, staff, expires).await?;
    tx.commit().await?;
    Ok(issued)
}

/// A staff user for runs to be sent by.
pub async fn staff(pool: &sqlx::PgPool, email: &str) -> anyhow::Result<i64> {
    db::staff_user::insert(pool, email, "Bench", "not-a-password-hash", "admin", false)
        .await?
        .ok_or_else(|| anyhow::anyhow!("{email} exists already"))
}

/// Settings with fixed keys, as a development server has them.
pub fn settings() -> anyhow::Result<Settings> {
    Ok(Settings {
        env: DeployEnv::Dev,
        dev_mailbox: false,
        public_url: "http://127.0.0.1".into(),
        time_zone: jiff::tz::TimeZone::get("Europe/Amsterdam")?,
        time_zone_name: "Europe/Amsterdam".into(),
        session_key: [7; 32],
        link_keys: link_token::Keyring::new(&[(1, [9; 32])]).map_err(anyhow::Error::msg)?,
        mail_from: "bench@example.nl".into(),
        trust_forwarded_for: false,
    })
}
