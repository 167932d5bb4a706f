//! Demo data for development and the browser tests: two companies, staff users in every
//! state the admin pages show, and a few hundred Dutch and English contacts. Written
//! once, into an empty database only; the server refuses to seed in production.

use backend::audit::{self, Actor, Event};
use backend::db;
use backend::db::contact::NewContact;
use backend::password;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use sqlx::PgPool;

pub const ADMIN_EMAIL: &str = "admin@datacheck.test";
pub const ADMIN_PASSWORD: &str = "demo-admin-pass";
pub const STAFF_EMAIL: &str = "staff@datacheck.test";
pub const STAFF_PASSWORD: &str = "demo-staff-pass";

pub const COMPANIES: [&str; 2] = [
    "Autobedrijf Dekker Amersfoort",
    "Dekker Lease & Service Utrecht",
];

type DemoUser<'a> = (&'a str, &'a str, &'a str, &'a str, bool, &'a [i64]);

pub struct Seeded {
    pub contacts: usize,
}

/// Seeds when the database has no staff user yet; `Ok(None)` when it already had data.
pub async fn seed_demo(pool: &PgPool) -> Result<Option<Seeded>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    // One seeder at a time, even with two servers starting together.
    sqlx::query!("SELECT pg_advisory_xact_lock(20261123)")
        .execute(&mut *tx)
        .await?;
    if db::staff_user::count(&mut *tx).await? > 0 {
        return Ok(None);
    }
    let actor = Actor::System("demo seed");
    let mut company_ids = Vec::new();
    for name in COMPANIES {
        let id = db::company::insert(&mut *tx, name)
            .await?
            .expect("empty database has no companies");
        company_ids.push(id);
    }

    let hash = |p: &str| password::hash_blocking(p).expect("hashing a constant");
    // name, e-mail, password, role, must choose a password, companies
    let users: [DemoUser; 4] = [
        (
            "Anna de Vries",
            ADMIN_EMAIL,
            ADMIN_PASSWORD,
            "admin",
            false,
            &[],
        ),
        (
            "Sven Jansen",
            STAFF_EMAIL,
            STAFF_PASSWORD,
            "staff",
            false,
            &company_ids[..1],
        ),
        (
            "Fatima el Amrani",
            "fatima@datacheck.test",
            "invited-temp-pass",
            "staff",
            true,
            &company_ids[..],
        ),
        (
            "Pieter Bakker",
            "pieter@datacheck.test",
            "left-the-company",
            "staff",
            false,
            &company_ids[1..],
        ),
    ];
    let mut user_ids = Vec::new();
    for (name, email, pw, role, must_change, companies) in users {
        let id = db::staff_user::insert(&mut *tx, email, name, &hash(pw), role, must_change)
            .await?
            .expect("empty database has no users");
        user_ids.push(id);
        db::staff_user::set_companies(&mut tx, id, companies).await?;
        if email.starts_with("pieter") {
            db::staff_user::set_disabled(&mut *tx, id, true).await?;
        }
    }

    let contacts = demo_contacts(&company_ids);
    let mut ids = Vec::with_capacity(contacts.len());
    for c in &contacts {
        ids.push(db::contact::insert(&mut *tx, &c.as_new()).await?);
    }
    seed_register_extras(&mut tx, &contacts, &ids).await?;
    seed_integration(&mut tx, &company_ids, user_ids[0], user_ids[1]).await?;
    seed_runs(&mut tx, &company_ids, user_ids[0], user_ids[1]).await?;
    let fleet = seed_fleet(&mut tx, company_ids[0]).await?;
    audit::record(
        &mut *tx,
        &actor,
        Event {
            action: "demo.seeded",
            subject_type: "database",
            subject_id: None,
            company_id: None,
            detail: serde_json::json!({ "companies": COMPANIES, "contacts": contacts.len() + fleet.len() }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Some(Seeded {
        contacts: contacts.len() + fleet.len(),
    }))
}

/// The demo's DMS key, so the README's curl examples work against a demo server. Only
/// the demo seed creates it, and the server refuses demo data in production.
pub const DEMO_API_KEY: &str = "dck_demo00000000.demo-key-for-local-use-only";

/// What an integrated DMS leaves behind: the demo API key, and an earlier CSV import
/// with its outcome in the import history.
async fn seed_integration(
    tx: &mut sqlx::PgConnection,
    company_ids: &[i64],
    admin_id: i64,
    staff_id: i64,
) -> Result<(), sqlx::Error> {
    let (prefix, secret) = DEMO_API_KEY.split_once('.').expect("demo key has a prefix");
    let hash = backend::api_keys::hash(secret);
    db::api_key::insert(&mut *tx, "Demo DMS", prefix, &hash, None, admin_id).await?;
    let file = b"Klantnummer;Achternaam\nA10000;Jansen\n";
    let id = db::contact_import::insert(
        &mut *tx,
        company_ids[0],
        staff_id,
        "dms-export-november.csv",
        file,
    )
    .await?;
    let summary = serde_json::json!({
        "created": 0, "updated": 12, "unchanged": 166, "rejected": 2, "seconds": 0.4
    });
    db::contact_import::finish(&mut *tx, id, "done", Some(&summary)).await?;
    Ok(())
}

mod consent;
mod fleet;
mod links;
mod register;
mod runs;

use consent::*;
pub use fleet::*;
pub use links::*;
use register::*;
pub use runs::*;
