//! The register: custom attributes, a few hundred Dutch and English contacts with their persons, and the extras the pages show.

use crate::*;

/// Custom attributes a car dealer keeps, as an admin would define them.
pub(crate) const DEMO_ATTRIBUTES: [(&str, &str, &str, &str, &str, bool); 4] = [
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
pub(crate) async fn seed_register_extras(
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

pub(crate) async fn seed_persons(
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

pub(crate) struct DemoContact {
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
    pub(crate) fn as_new(&self) -> NewContact<'_> {
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

pub(crate) const NL_FIRST: &[(&str, &str)] = &[
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
pub(crate) const NL_LAST: &[(Option<&str>, &str)] = &[
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
pub(crate) const EN_FIRST: &[(&str, &str)] = &[
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
pub(crate) const EN_LAST: &[&str] = &[
    "Smith", "Johnson", "Williams", "Brown", "Taylor", "Wilson", "Evans", "Clarke", "Walker",
    "Wright",
];
pub(crate) const ORGS: &[&str] = &[
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
pub(crate) const STREETS: &[(&str, &str, &str)] = &[
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

pub(crate) fn demo_contacts(company_ids: &[i64]) -> Vec<DemoContact> {
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
