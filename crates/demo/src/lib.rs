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
    audit::record(
        &mut *tx,
        &actor,
        Event {
            action: "demo.seeded",
            subject_type: "database",
            subject_id: None,
            company_id: None,
            detail: serde_json::json!({ "companies": COMPANIES, "contacts": contacts.len() }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Some(Seeded {
        contacts: contacts.len(),
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

/// Custom attributes a car dealer keeps, as an admin would define them.
const DEMO_ATTRIBUTES: [(&str, &str, &str, &str, &str, bool); 4] = [
    // key, type, nl, en, choices (nl|en per line), customers may edit
    (
        "lease_contract",
        "text",
        "Leasecontract",
        "Lease contract",
        "",
        false,
    ),
    (
        "fuel_type",
        "choice",
        "Brandstof",
        "Fuel type",
        "Benzine|Petrol\nDiesel|Diesel\nElektrisch|Electric\nHybride|Hybrid",
        true,
    ),
    (
        "apk_due",
        "date",
        "APK-vervaldatum",
        "MOT due date",
        "",
        false,
    ),
    (
        "paper_invoice",
        "yes_no",
        "Factuur op papier",
        "Paper invoice",
        "",
        true,
    ),
];

/// The parts of the register around the contacts: custom attributes with values,
/// contact persons at organisations (one of whom has left), and fields customers
/// confirmed in an earlier data check.
async fn seed_register_extras(
    tx: &mut sqlx::PgConnection,
    contacts: &[DemoContact],
    ids: &[i64],
) -> Result<(), sqlx::Error> {
    let mut rng = StdRng::seed_from_u64(7);
    for (key, ty, nl, en, choices, editable) in DEMO_ATTRIBUTES {
        let options: Vec<serde_json::Value> = choices
            .lines()
            .filter_map(|l| l.split_once('|'))
            .map(|(nl, en)| serde_json::json!({ "nl": nl, "en": en }))
            .collect();
        db::field_def::insert_custom(
            &mut *tx,
            &db::field_def::Write {
                key,
                field_type: ty,
                label_nl: nl,
                label_en: en,
                choices: &serde_json::Value::Array(options),
                required: false,
                customer_visible: true,
                customer_editable: editable,
            },
        )
        .await?;
    }
    let fuels = ["Benzine", "Diesel", "Elektrisch", "Hybride"];
    for (c, &id) in contacts.iter().zip(ids) {
        if rng.gen_ratio(2, 3) {
            let fuel = fuels.choose(&mut rng).expect("non-empty");
            db::contact::set_attribute(&mut *tx, id, "fuel_type", fuel).await?;
        }
        if rng.gen_ratio(1, 2) {
            let due = format!(
                "2027-{:02}-{:02}",
                rng.gen_range(1..=12),
                rng.gen_range(1..=28)
            );
            db::contact::set_attribute(&mut *tx, id, "apk_due", &due).await?;
        }
        if c.kind == "organisation" || rng.gen_ratio(1, 10) {
            let no = format!("LC-{}", rng.gen_range(100_000..999_999));
            db::contact::set_attribute(&mut *tx, id, "lease_contract", &no).await?;
        }
        if rng.gen_ratio(1, 5) {
            db::contact::set_attribute(&mut *tx, id, "paper_invoice", "yes").await?;
        }
        if c.kind == "organisation" {
            seed_persons(&mut *tx, &mut rng, c, id).await?;
        }
        // A quarter confirmed their e-mail address and phone in an earlier check.
        if rng.gen_ratio(1, 4) {
            let at = time::OffsetDateTime::now_utc() - time::Duration::days(rng.gen_range(20..400));
            let keys = ["email", "mobile", "street", "postal_code", "city"].map(String::from);
            db::contact::confirm_fields(&mut *tx, id, &keys, at).await?;
        }
    }
    Ok(())
}

async fn seed_persons(
    tx: &mut sqlx::PgConnection,
    rng: &mut StdRng,
    c: &DemoContact,
    contact_id: i64,
) -> Result<(), sqlx::Error> {
    let domain = c
        .email
        .as_deref()
        .and_then(|e| e.split_once('@'))
        .map(|(_, d)| d.to_string())
        .unwrap_or_else(|| "example.nl".into());
    let roles = ["Fleet manager", "Finance", "Director", "Office manager"];
    let n = rng.gen_range(1..=3);
    for i in 0..n {
        let (first, _) = *NL_FIRST.choose(rng).expect("non-empty");
        let (prefix, last) = *NL_LAST.choose(rng).expect("non-empty");
        let email = format!("{}@{domain}", first.to_lowercase());
        let (scope, when) = match i {
            0 => ("all", "every_change"),
            1 => ("own", "closing"),
            _ => ("none", "every_change"),
        };
        let id = db::contact::insert_person(
            &mut *tx,
            &db::contact::NewPerson {
                contact_id,
                first_name: Some(first),
                last_name_prefix: prefix,
                last_name: Some(last),
                email: Some(&email),
                phone: Some(&format!("+3133{:07}", rng.gen_range(1_000_000..9_999_999))),
                role: Some(roles.choose(rng).expect("non-empty")),
                notify_scope: scope,
                notify_when: when,
            },
        )
        .await?;
        // The third person left the organisation a while ago.
        if i == 2 {
            let left = time::OffsetDateTime::now_utc() - time::Duration::days(90);
            db::contact::mark_person_left(&mut *tx, id, left).await?;
        }
    }
    Ok(())
}

struct DemoContact {
    company_id: i64,
    customer_no: String,
    kind: &'static str,
    salutation: Option<&'static str>,
    first_name: Option<&'static str>,
    last_name_prefix: Option<&'static str>,
    last_name: Option<&'static str>,
    organisation_name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    mobile: Option<String>,
    street: &'static str,
    house_number: String,
    house_number_addition: Option<&'static str>,
    postal_code: String,
    city: &'static str,
    country: &'static str,
    language: &'static str,
}

impl DemoContact {
    fn as_new(&self) -> NewContact<'_> {
        NewContact {
            company_id: self.company_id,
            customer_no: &self.customer_no,
            kind: self.kind,
            salutation: self.salutation,
            first_name: self.first_name,
            last_name_prefix: self.last_name_prefix,
            last_name: self.last_name,
            organisation_name: self.organisation_name.as_deref(),
            email: self.email.as_deref(),
            phone: self.phone.as_deref(),
            mobile: self.mobile.as_deref(),
            street: Some(self.street),
            house_number: Some(&self.house_number),
            house_number_addition: self.house_number_addition,
            postal_code: Some(&self.postal_code),
            city: Some(self.city),
            country: self.country,
            language: self.language,
        }
    }
}

const NL_FIRST: &[(&str, &str)] = &[
    ("Daan", "m"),
    ("Sem", "m"),
    ("Lucas", "m"),
    ("Bram", "m"),
    ("Jeroen", "m"),
    ("Willem", "m"),
    ("Henk", "m"),
    ("Ruud", "m"),
    ("Thijs", "m"),
    ("Kees", "m"),
    ("Emma", "f"),
    ("Julia", "f"),
    ("Sanne", "f"),
    ("Fleur", "f"),
    ("Ingrid", "f"),
    ("Marieke", "f"),
    ("Anouk", "f"),
    ("Lotte", "f"),
    ("Noor", "f"),
    ("Yvonne", "f"),
];
const NL_LAST: &[(Option<&str>, &str)] = &[
    (None, "Jansen"),
    (Some("de"), "Vries"),
    (Some("van den"), "Berg"),
    (Some("van"), "Dijk"),
    (None, "Bakker"),
    (None, "Visser"),
    (None, "Smit"),
    (Some("de"), "Jong"),
    (None, "Mulder"),
    (Some("van der"), "Meer"),
    (None, "Bos"),
    (None, "Vos"),
    (Some("van"), "Leeuwen"),
    (None, "Dekker"),
    (None, "Brouwer"),
    (Some("de"), "Graaf"),
    (Some("van der"), "Linden"),
    (None, "Kok"),
    (None, "Hendriks"),
    (Some("van"), "Beek"),
];
const EN_FIRST: &[(&str, &str)] = &[
    ("Oliver", "m"),
    ("James", "m"),
    ("Harry", "m"),
    ("George", "m"),
    ("Thomas", "m"),
    ("Amelia", "f"),
    ("Olivia", "f"),
    ("Emily", "f"),
    ("Grace", "f"),
    ("Charlotte", "f"),
];
const EN_LAST: &[&str] = &[
    "Smith", "Johnson", "Williams", "Brown", "Taylor", "Wilson", "Evans", "Clarke", "Walker",
    "Wright",
];
const ORGS: &[&str] = &[
    "Bouwbedrijf",
    "Installatietechniek",
    "Hoveniersbedrijf",
    "Transport",
    "Schilderwerken",
    "Loodgietersbedrijf",
    "Elektro",
    "Koeriersdienst",
    "Groothandel",
    "Catering",
];
const STREETS: &[(&str, &str, &str)] = &[
    ("Stationsplein", "3811", "Amersfoort"),
    ("Utrechtseweg", "3818", "Amersfoort"),
    ("Leusderweg", "3817", "Amersfoort"),
    ("Kamp", "3811", "Amersfoort"),
    ("Oudegracht", "3511", "Utrecht"),
    ("Biltstraat", "3572", "Utrecht"),
    ("Amsterdamsestraatweg", "3551", "Utrecht"),
    ("Nachtegaalstraat", "3581", "Utrecht"),
    ("Dorpsstraat", "3732", "De Bilt"),
    ("Hoofdstraat", "3971", "Driebergen"),
    ("Torenstraat", "3811", "Amersfoort"),
    ("Zeisterweg", "3705", "Zeist"),
];

fn demo_contacts(company_ids: &[i64]) -> Vec<DemoContact> {
    let mut rng = StdRng::seed_from_u64(20_261_123);
    let mut out = Vec::new();
    for (ci, &company_id) in company_ids.iter().enumerate() {
        let count = if ci == 0 { 180 } else { 140 };
        for n in 0..count {
            let customer_no = format!("{}{:05}", if ci == 0 { "A" } else { "U" }, 10_000 + n * 7);
            let (street, pc4, city) = *STREETS.choose(&mut rng).expect("non-empty");
            let letters: String = (0..2)
                .map(|_| (b'A' + rng.gen_range(0..26u8)) as char)
                .collect();
            let postal_code = format!("{pc4} {letters}");
            let house_number = rng.gen_range(1..240).to_string();
            let addition = if rng.gen_ratio(1, 8) {
                Some(*["A", "B", "bis", "2"].choose(&mut rng).expect("non-empty"))
            } else {
                None
            };
            let mobile = Some(format!("+316{:08}", rng.gen_range(10_000_000..99_999_999)));
            let phone = rng
                .gen_ratio(1, 3)
                .then(|| format!("+3133{:07}", rng.gen_range(1_000_000..9_999_999)));
            let english = rng.gen_ratio(1, 6);
            let organisation = rng.gen_ratio(1, 7);
            let mut c = if organisation {
                let (_, last) = *NL_LAST.choose(&mut rng).expect("non-empty");
                let kind = *ORGS.choose(&mut rng).expect("non-empty");
                let org = format!("{kind} {last} B.V.");
                let domain = format!("{}{}.nl", kind.to_lowercase(), last.to_lowercase());
                DemoContact {
                    company_id,
                    customer_no,
                    kind: "organisation",
                    salutation: None,
                    first_name: None,
                    last_name_prefix: None,
                    last_name: None,
                    organisation_name: Some(org),
                    email: Some(format!("info@{domain}")),
                    phone,
                    mobile: None,
                    street,
                    house_number,
                    house_number_addition: addition,
                    postal_code,
                    city,
                    country: "NL",
                    language: "nl",
                }
            } else if english {
                let (first, sex) = *EN_FIRST.choose(&mut rng).expect("non-empty");
                let last = *EN_LAST.choose(&mut rng).expect("non-empty");
                DemoContact {
                    company_id,
                    customer_no,
                    kind: "person",
                    salutation: Some(if sex == "m" { "Mr" } else { "Ms" }),
                    first_name: Some(first),
                    last_name_prefix: None,
                    last_name: Some(last),
                    organisation_name: None,
                    email: Some(format!(
                        "{}.{}@example.co.uk",
                        first.to_lowercase(),
                        last.to_lowercase()
                    )),
                    phone,
                    mobile,
                    street,
                    house_number,
                    house_number_addition: addition,
                    postal_code,
                    city,
                    country: "NL",
                    language: "en",
                }
            } else {
                let (first, sex) = *NL_FIRST.choose(&mut rng).expect("non-empty");
                let (prefix, last) = *NL_LAST.choose(&mut rng).expect("non-empty");
                let local = match prefix {
                    Some(p) => format!("{}.{}{}", first, p.replace(' ', ""), last),
                    None => format!("{first}.{last}"),
                }
                .to_lowercase();
                let domain = *[
                    "gmail.com",
                    "hotmail.nl",
                    "ziggo.nl",
                    "kpnmail.nl",
                    "outlook.com",
                ]
                .choose(&mut rng)
                .expect("non-empty");
                DemoContact {
                    company_id,
                    customer_no,
                    kind: "person",
                    salutation: Some(if sex == "m" { "Dhr." } else { "Mevr." }),
                    first_name: Some(first),
                    last_name_prefix: prefix,
                    last_name: Some(last),
                    organisation_name: None,
                    email: Some(format!("{local}@{domain}")),
                    phone,
                    mobile,
                    street,
                    house_number,
                    house_number_addition: addition,
                    postal_code,
                    city,
                    country: "NL",
                    language: "nl",
                }
            };
            // Some contacts the runs cannot reach: no address, or a broken one.
            match rng.gen_range(0..20) {
                0 => c.email = None,
                1 => c.email = c.email.map(|e| e.replace('@', "")),
                _ => {}
            }
            out.push(c);
        }
    }
    out
}

/// The names of the demo runs, for the start-up report and the tests.
pub const ACTIVE_RUN: &str = "Najaarscontrole 2026";

/// Data checks in every state: one sent three days ago with links still open (opened,
/// responded changed and unchanged, two bounces), one from the spring whose links have
/// expired, a cancelled one, and a draft halfway through the wizard.
async fn seed_runs(
    tx: &mut sqlx::PgConnection,
    company_ids: &[i64],
    admin_id: i64,
    staff_id: i64,
) -> Result<(), sqlx::Error> {
    use backend::db::contact::ListFilter;
    use backend::db::run_recipient::Selection;
    use datacheck_core::wire::{RecipientFilter, RunTemplates};
    use std::collections::BTreeMap;
    let templates = RunTemplates::starter();
    let rules: BTreeMap<String, String> = [
        ("salutation", "read_only"),
        ("first_name", "read_only"),
        ("last_name_prefix", "read_only"),
        ("last_name", "read_only"),
        ("organisation_name", "read_only"),
        ("email", "editable"),
        ("phone", "editable"),
        ("mobile", "editable"),
        ("street", "editable"),
        ("house_number", "editable"),
        ("house_number_addition", "editable"),
        ("postal_code", "editable"),
        ("city", "editable"),
        ("fuel_type", "editable"),
        ("paper_invoice", "editable"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let today = time::OffsetDateTime::now_utc().date();
    // (name, company, created by, kind filter, days ago sent, valid days after sending, end state)
    type DemoRun<'a> = (&'a str, usize, i64, &'a str, Option<i64>, i64, &'a str);
    let runs: [DemoRun; 5] = [
        (
            "Voorjaarscontrole 2026",
            0,
            admin_id,
            "organisation",
            Some(45),
            7,
            "sent",
        ),
        (
            "Servicecontracten Utrecht (ingetrokken)",
            1,
            admin_id,
            "person",
            Some(10),
            7,
            "cancelled",
        ),
        (ACTIVE_RUN, 0, staff_id, "", Some(3), 10, "sent"),
        (
            "Leaseklanten Utrecht 2027",
            1,
            admin_id,
            "organisation",
            None,
            7,
            "draft",
        ),
        // Marketing: the recipient step leaves out who withdrew e-marketing consent.
        (
            "Winterbandenactie 2026 (aanbieding)",
            0,
            staff_id,
            "person",
            None,
            14,
            "draft",
        ),
    ];
    for (name, company, by, kind, sent_days_ago, valid_days, state) in runs {
        let company_id = company_ids[company];
        let sent_on = sent_days_ago.map(|d| today - time::Duration::days(d));
        let valid_to = sent_on.unwrap_or(today) + time::Duration::days(valid_days);
        let id = db::run::insert_draft(
            &mut *tx,
            &db::run::NewDraft {
                company_id,
                name,
                valid_to,
                sender_name: COMPANIES[company],
                sender_email: "noreply@datacheck.test",
                reply_to: ADMIN_EMAIL,
                templates: &templates,
                field_rules: &rules,
                created_by: Some(by),
            },
        )
        .await?
        .map_err(|db::run::NameTaken| {
            sqlx::Error::Protocol(format!("the demo seed names two runs {name:?}"))
        })?;
        // An empty kind is everyone: persons and organisations.
        let kind = (!kind.is_empty()).then_some(kind);
        let filter = RecipientFilter {
            kind: kind.map(str::to_string),
            ..RecipientFilter::default()
        };
        let marketing = name.contains("aanbieding");
        db::run::update_recipients(&mut *tx, id, "filter", &filter, &[], marketing).await?;
        db::run::update_templates(&mut *tx, id, &templates).await?;
        let Some(days_ago) = sent_days_ago else {
            continue;
        };
        db::run::update_fields(
            &mut *tx,
            id,
            &db::run::Fields {
                rules: &rules,
                show_contact_persons: true,
                show_notifications: true,
                show_subscriptions: true,
            },
        )
        .await?;
        let list_filter = ListFilter {
            company: Some(company_id),
            kind,
            city: None,
            has_email: None,
            text: None,
        };
        let sent_at = time::OffsetDateTime::now_utc() - time::Duration::days(days_ago);
        // The end of the valid-to day in the default zone (the demo's organisation).
        let deadline = jiff::civil::date(
            valid_to.year() as i16,
            valid_to.month() as i8,
            valid_to.day() as i8,
        )
        .tomorrow()
        .and_then(|d| d.in_tz("Europe/Amsterdam"))
        .ok()
        .and_then(|z| time::OffsetDateTime::from_unix_timestamp(z.timestamp().as_second()).ok())
        .unwrap_or_else(|| {
            valid_to
                .next_day()
                .unwrap_or(valid_to)
                .midnight()
                .assume_utc()
        });
        let expires = deadline.min(sent_at + time::Duration::days(8));
        let selection = Selection::Filter {
            filter: &list_filter,
            confirmed_before: None,
        };
        db::run_recipient::issue(
            &mut *tx,
            id,
            company_id,
            &selection,
            false,
            1,
            expires,
            "datacheck.test",
        )
        .await?;
        db::run::mark_sending(&mut *tx, id, by, expires).await?;
        sqlx::query!(
            r#"
            WITH r AS (
                UPDATE run SET status = 'sent', sent_at = $2::timestamptz, created_at = $2::timestamptz - interval '1 day'
                WHERE id = $1 RETURNING id
            ), rr AS (
                UPDATE run_recipient SET issued_at = $2::timestamptz WHERE run_id = $1 RETURNING id
            )
            UPDATE outbox_mail o
            SET status = CASE WHEN o.run_recipient_id % 17 = 3 THEN 'failed' ELSE 'sent' END,
                last_error = CASE WHEN o.run_recipient_id % 17 = 3
                             THEN '550 5.1.1 <mailbox unavailable>' END,
                attempts = 1,
                sent_at = CASE WHEN o.run_recipient_id % 17 = 3 THEN NULL
                          ELSE $2::timestamptz + (o.id % 600) * interval '1 second' END,
                created_at = $2::timestamptz
            WHERE o.run_id = $1
            "#,
            id,
            sent_at
        )
        .execute(&mut *tx)
        .await?;
        if state == "cancelled" {
            sqlx::query!(
                r#"
                WITH r AS (
                    UPDATE run SET status = 'cancelled', cancelled_at = $2::timestamptz + interval '2 hours',
                                   cancelled_by = created_by
                    WHERE id = $1 RETURNING id
                )
                UPDATE run_recipient SET revoked_at = $2::timestamptz + interval '2 hours'
                WHERE run_id = $1
                "#,
                id,
                sent_at
            )
            .execute(&mut *tx)
            .await?;
            continue;
        }
        // Opened by four in five who got the mail; half of those responded, spread over
        // the days since sending, a third of them with changes.
        let days = days_ago.min(7) as i32;
        sqlx::query!(
            r#"
            UPDATE run_recipient r
            SET opened_at = least(now() - interval '1 hour',
                                  r.issued_at + ((r.id / 2) % ($2::int + 1)) * interval '1 day'
                                  + interval '3 hours'),
                responded_at = CASE WHEN r.id % 2 = 0
                    THEN least(now() - interval '54 minutes',
                               r.issued_at + ((r.id / 2) % ($2::int + 1)) * interval '1 day'
                               + interval '3 hours 6 minutes') END,
                response = CASE WHEN r.id % 2 = 0
                    THEN CASE WHEN r.id % 3 = 0 THEN 'changed' ELSE 'unchanged' END END
            WHERE r.run_id = $1 AND r.id % 5 <> 0 AND r.id % 17 <> 3
            "#,
            id,
            days
        )
        .execute(&mut *tx)
        .await?;
        seed_answers(&mut *tx, id, staff_id).await?;
        if name == ACTIVE_RUN {
            seed_review_examples(&mut *tx, id).await?;
            // Its link lived its eight days before the run's deadline: it can be renewed.
            sqlx::query!(
                r#"
                UPDATE run_recipient SET expires_at = now() - interval '2 hours'
                WHERE id = (SELECT min(id) FROM run_recipient
                            WHERE run_id = $1 AND responded_at IS NULL AND id % 5 <> 0)
                "#,
                id
            )
            .execute(&mut *tx)
            .await?;
        }
    }
    seed_consent(&mut *tx).await?;
    Ok(())
}

/// The answers behind the demo responses: a mutation per responder, in every review
/// state (the older run's mostly processed or ignored), with a new phone number, an
/// e-mail address or a withdrawn consent for those who changed something.
async fn seed_answers(
    tx: &mut sqlx::PgConnection,
    run_id: i64,
    staff_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"
        WITH m AS (
            INSERT INTO mutation (company_id, contact_id, run_id, run_recipient_id, kind, status,
                                  submission_key, language, created_at, processed_at, processed_by)
            SELECT run.company_id, r.contact_id, r.run_id, r.id, r.response,
                   s.status, md5(r.id::text || 'demo'), r.language, r.responded_at,
                   CASE WHEN s.status <> 'new' THEN r.responded_at + interval '20 hours' END,
                   CASE WHEN s.status <> 'new' THEN $2::bigint END
            FROM run_recipient r
            JOIN run ON run.id = r.run_id
            CROSS JOIN LATERAL (SELECT CASE
                WHEN run.links_expire_at < now() THEN
                    CASE WHEN r.id % 4 = 0 THEN 'ignored' ELSE 'processed' END
                ELSE CASE WHEN r.id % 7 = 0 THEN 'processed'
                          WHEN r.id % 11 = 0 THEN 'ignored' ELSE 'new' END
                END AS status) s
            WHERE r.run_id = $1 AND r.responded_at IS NOT NULL
            RETURNING id, contact_id, kind, run_recipient_id
        )
        INSERT INTO mutation_change (mutation_id, section, field_key, dms_value, submitted_value, position)
        SELECT m.id, c.section, c.field_key, c.dms_value, c.submitted_value, c.position
        FROM m
        JOIN contact k ON k.id = m.contact_id
        CROSS JOIN LATERAL (VALUES
            ('field', 'phone', k.phone, '+316' || lpad(((m.id * 7919) % 100000000)::text, 8, '0'), 1),
            ('field', 'email', k.email,
             CASE WHEN m.run_recipient_id % 4 = 0 THEN 'nieuw.' || k.email END, 2),
            ('consent', 'e_marketing', 'given',
             CASE WHEN m.run_recipient_id % 5 = 1 THEN 'withdrawn' END, 3)
        ) AS c(section, field_key, dms_value, submitted_value, position)
        WHERE m.kind = 'changed' AND (c.position = 1 OR c.submitted_value IS NOT NULL)
        "#,
        run_id,
        staff_id
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Answers a reviewer should look at twice, among the active run's new ones: an e-mail
/// address that is another contact's, a value the DMS already has, a mistyped mail
/// provider, contact-person changes with a person added, and a subscription dropped.
/// Unchanged answers confirm the fields they were shown, at the moment of answering.
async fn seed_review_examples(tx: &mut sqlx::PgConnection, run_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"
        INSERT INTO field_confirmation (contact_id, field_key, confirmed_at)
        SELECT m.contact_id, f.key, m.created_at
        FROM mutation m
        JOIN contact k ON k.id = m.contact_id
        CROSS JOIN (VALUES ('first_name', 'person'), ('last_name', 'person'),
                           ('mobile', 'person'), ('organisation_name', 'organisation'),
                           ('email', NULL), ('street', NULL), ('house_number', NULL),
                           ('postal_code', NULL), ('city', NULL)) AS f(key, kind)
        WHERE m.run_id = $1 AND m.kind = 'unchanged' AND coalesce(f.kind, k.kind) = k.kind
        ON CONFLICT (contact_id, field_key) DO UPDATE SET confirmed_at = excluded.confirmed_at
        "#,
        run_id
    )
    .execute(&mut *tx)
    .await?;
    // The first five new, changed answers of persons, and the first of an organisation
    // with contact persons, each get one kind of example.
    sqlx::query!(
        r#"
        WITH picked AS (
            SELECT m.id, m.contact_id, m.company_id,
                   row_number() OVER (ORDER BY m.created_at, m.id) AS n
            FROM mutation m JOIN contact k ON k.id = m.contact_id
            WHERE m.run_id = $1 AND m.kind = 'changed' AND m.status = 'new'
              AND k.kind = 'person'
              AND NOT EXISTS (SELECT 1 FROM mutation_change x
                              WHERE x.mutation_id = m.id AND x.field_key = 'email')
        )
        INSERT INTO mutation_change (mutation_id, section, field_key, dms_value,
                                     submitted_value, position)
        SELECT p.id, 'field', e.key, e.dms, e.submitted, 10
        FROM picked p JOIN contact k ON k.id = p.contact_id
        CROSS JOIN LATERAL (
            SELECT 'email' AS key, k.email AS dms,
                   (SELECT o.email FROM contact o
                    WHERE o.company_id = p.company_id AND o.id <> k.id AND o.email LIKE '%_@_%.__%'
                    ORDER BY o.id LIMIT 1) AS submitted
            WHERE p.n = 1
            UNION ALL SELECT 'city', 'Amersfoort', k.city WHERE p.n = 2
            UNION ALL SELECT 'email', k.email,
                             split_part(coalesce(k.email, 'klant@x.nl'), '@', 1) || '@gmial.com'
                      WHERE p.n = 3
            UNION ALL SELECT 'house_number', k.house_number, '0' WHERE p.n = 4
        ) e
        WHERE e.submitted IS NOT NULL
        "#,
        run_id
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        r#"
        WITH org AS (
            SELECT m.id, m.contact_id, p.id AS person_id, p.role, p.notify_scope
            FROM mutation m
            JOIN contact_person p ON p.contact_id = m.contact_id AND p.left_at IS NULL
            WHERE m.run_id = $1 AND m.kind = 'changed' AND m.status = 'new'
            ORDER BY m.created_at, m.id, p.id LIMIT 1
        )
        INSERT INTO mutation_change (mutation_id, section, field_key, person_id, new_person,
                                     dms_value, submitted_value, position)
        SELECT org.id, c.section, c.key, c.person_id, c.new_person, c.dms, c.submitted, c.position
        FROM org CROSS JOIN LATERAL (VALUES
            ('person', 'role', org.person_id, NULL::smallint, org.role, 'Wagenparkbeheerder', 20),
            ('notification', 'notify_scope', org.person_id, NULL, org.notify_scope, 'all', 21),
            ('person', 'first_name', NULL, 1::smallint, NULL, 'Sanne', 30),
            ('person', 'last_name', NULL, 1::smallint, NULL, 'Kuipers', 31),
            ('person', 'email', NULL, 1::smallint, NULL, 'sanne.kuipers@example.nl', 32),
            ('subscription', 'newsletter', NULL, NULL, 'yes', 'no', 40)
        ) AS c(section, key, person_id, new_person, dms, submitted, position)
        "#,
        run_id
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Subscriptions and a consent history from every source: consent taken over from the
/// DMS at import, legitimate interest for customers mailed before, withdrawals on the
/// customer page and by one-click unsubscribe, choices on the preferences page, forms
/// recorded by staff and consent the DMS reported over the API. The current state of
/// each contact follows its newest event, as `server::consent` keeps it.
async fn seed_consent(tx: &mut sqlx::PgConnection) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"
        INSERT INTO contact_subscription (contact_id, subscription_type_id, since)
        SELECT k.id, t.id, k.created_at
        FROM contact k
        JOIN subscription_type t ON (t.key = 'service_reminders' AND k.id % 3 <> 0)
                                 OR (t.key = 'newsletter' AND k.id % 4 = 1)
        "#
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        r#"
        INSERT INTO consent_event (contact_id, purpose, legal_basis, state, source, shown_text,
                                   actor, run_recipient_id, at)
        SELECT k.id, 'e_marketing', e.basis, e.state, e.source, e.shown, e.actor, NULL,
               now() - e.ago - (k.id % 7) * interval '1 hour'
        FROM contact k
        CROSS JOIN LATERAL (VALUES
            (k.id % 2 = 1, 'consent', 'given', 'import',
             'Toestemming overgenomen uit het DMS bij de eerste import.', 'system: demo import',
             interval '400 days'),
            (k.id % 2 = 0 AND EXISTS (SELECT 1 FROM run_recipient r WHERE r.contact_id = k.id),
             'legitimate_interest', 'none', 'migration',
             'Default when purposes were introduced: mailed before, so legitimate interest.',
             'system: migration', interval '90 days'),
            (k.id % 10 = 4, 'consent', 'given', 'staff', 'Signed form at the service desk.',
             'staff@datacheck.test', interval '30 days'),
            (k.id % 19 = 9, 'consent', 'given', 'api', 'Consent recorded at the showroom (DMS).',
             'API key Demo DMS (#1)', interval '20 days'),
            (k.id % 13 = 6, 'consent', 'withdrawn', 'unsubscribe',
             'U bent afgemeld voor e-mail met aanbiedingen en nieuws.', 'customer',
             interval '6 days')
        ) AS e(applies, basis, state, source, shown, actor, ago)
        WHERE e.applies
        "#
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        r#"
        INSERT INTO consent_event (contact_id, purpose, legal_basis, state, source, shown_text,
                                   actor, run_recipient_id, at)
        SELECT m.contact_id, 'e_marketing', 'consent', 'withdrawn', 'portal',
               'Mogen wij u e-mail sturen met aanbiedingen en nieuws? Nee, liever niet',
               'customer', m.run_recipient_id, m.created_at
        FROM mutation m JOIN mutation_change c ON c.mutation_id = m.id
        WHERE c.section = 'consent' AND c.submitted_value = 'withdrawn'
        "#
    )
    .execute(&mut *tx)
    .await?;
    // Newsletter choices made on the preferences page.
    sqlx::query!(
        r#"
        INSERT INTO consent_event (contact_id, purpose, legal_basis, state, source, shown_text,
                                   actor, at)
        SELECT k.id, 'subscription:newsletter', 'consent',
               CASE WHEN k.id % 4 = 1 THEN 'given' ELSE 'withdrawn' END, 'preferences',
               'Nieuwsbrief: Nieuws en tips, ongeveer eens per maand.', 'customer',
               now() - interval '3 days'
        FROM contact k WHERE k.id % 17 = 8 OR k.id % 17 = 9
        "#
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        r#"
        INSERT INTO contact_consent (contact_id, purpose, legal_basis, state, changed_at)
        SELECT DISTINCT ON (e.contact_id) e.contact_id, 'e_marketing', e.legal_basis, e.state, e.at
        FROM consent_event e WHERE e.purpose = 'e_marketing'
        ORDER BY e.contact_id, e.at DESC, e.id DESC
        "#
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        r#"
        INSERT INTO contact_consent (contact_id, purpose, legal_basis, state)
        SELECT id, 'sales_service', 'contract', 'none' FROM contact
        "#
    )
    .execute(&mut *tx)
    .await?;
    // One-click unsubscribes reach the DMS as answers too.
    sqlx::query!(
        r#"
        WITH l AS (
            INSERT INTO preference_link (contact_id, created_by, created_at, opened_at)
            SELECT e.contact_id, 'mail', e.at - interval '2 days', e.at
            FROM consent_event e WHERE e.source = 'unsubscribe'
            RETURNING id, contact_id
        ), m AS (
            INSERT INTO mutation (company_id, contact_id, preference_link_id, source, kind,
                                  submission_key, language, created_at)
            SELECT k.company_id, k.id, l.id, 'unsubscribe', 'changed', md5(l.id::text || 'unsub'),
                   k.language, now() - interval '6 days'
            FROM l JOIN contact k ON k.id = l.contact_id
            RETURNING id
        )
        INSERT INTO mutation_change (mutation_id, section, field_key, dms_value, submitted_value, position)
        SELECT id, 'consent', 'e_marketing', 'given', 'withdrawn', 1 FROM m
        "#
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

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
