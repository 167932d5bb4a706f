//! A fleet customer: a transport company whose fleet manager checks the data of its
//! drivers (the data manager relation the DMS sets). Two drivers have no e-mail address
//! of their own: their manager is the only way to reach them.

use crate::*;

/// The fleet manager's customer number; the demo links name them.
pub const FLEET_MANAGER: &str = "A90002";

/// customer no., first name, prefix, last name, e-mail, mobile
type Driver = (
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
    Option<&'static str>,
    &'static str,
);

const DRIVERS: [Driver; 5] = [
    (
        "A90011",
        "Kees",
        None,
        "Brouwer",
        Some("kees.brouwer@jansentransport.nl"),
        "06 21436587",
    ),
    (
        "A90012",
        "Samira",
        None,
        "Haddou",
        Some("samira.haddou@jansentransport.nl"),
        "06 31425364",
    ),
    (
        "A90013",
        "Dirk",
        Some("van"),
        "Leeuwen",
        None,
        "06 41526374",
    ),
    (
        "A90014",
        "Monique",
        None,
        "Verbeek",
        Some("monique.verbeek@jansentransport.nl"),
        "06 51627384",
    ),
    ("A90015", "Tomasz", None, "Nowak", None, "06 61728394"),
];

/// The transport company, its fleet manager and five drivers, in the first company.
/// Written after the runs, so the seeded runs keep their recipients.
pub(crate) async fn seed_fleet(
    tx: &mut sqlx::PgConnection,
    company_id: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let place = |c: NewContact<'static>| NewContact {
        street: Some("Databankweg"),
        house_number: Some("12"),
        postal_code: Some("3821 AL"),
        city: Some("Amersfoort"),
        country: "NL",
        language: "nl",
        ..c
    };
    let blank = NewContact {
        company_id,
        customer_no: "",
        kind: "person",
        salutation: None,
        first_name: None,
        last_name_prefix: None,
        last_name: None,
        organisation_name: None,
        email: None,
        phone: None,
        mobile: None,
        street: None,
        house_number: None,
        house_number_addition: None,
        postal_code: None,
        city: None,
        country: "NL",
        language: "nl",
    };
    let mut ids = Vec::new();
    let organisation = NewContact {
        customer_no: "A90001",
        kind: "organisation",
        organisation_name: Some("Jansen Transport B.V."),
        email: Some("planning@jansentransport.nl"),
        phone: Some("+31334567890"),
        ..blank
    };
    let organisation_id = db::contact::insert(&mut *tx, &place(organisation)).await?;
    ids.push(organisation_id);
    db::contact::insert_person(
        &mut *tx,
        &db::contact::NewPerson {
            contact_id: organisation_id,
            first_name: Some("Ruud"),
            last_name_prefix: None,
            last_name: Some("Jansen"),
            email: Some("ruud@jansentransport.nl"),
            phone: Some("+31612121212"),
            role: Some("Fleet manager"),
            notify_scope: "all",
            notify_when: "every_change",
        },
    )
    .await?;
    let manager = NewContact {
        customer_no: FLEET_MANAGER,
        salutation: Some("Dhr."),
        first_name: Some("Ruud"),
        last_name: Some("Jansen"),
        email: Some("ruud@jansentransport.nl"),
        mobile: Some("+31612121212"),
        ..blank
    };
    ids.push(db::contact::insert(&mut *tx, &place(manager)).await?);
    for (no, first, prefix, last, email, mobile) in DRIVERS {
        let mobile = datacheck_core::domain::Phone::parse(mobile).expect("a valid demo number");
        let driver = NewContact {
            customer_no: no,
            first_name: Some(first),
            last_name_prefix: prefix,
            last_name: Some(last),
            email,
            mobile: Some(mobile.as_str()),
            ..blank
        };
        // The drivers live elsewhere: only the company's address is Databankweg.
        let driver = NewContact {
            street: Some("Stationsstraat"),
            house_number: Some("3"),
            postal_code: Some("3811 MH"),
            city: Some("Amersfoort"),
            ..driver
        };
        ids.push(db::contact::insert(&mut *tx, &driver).await?);
    }
    let managed: Vec<String> = std::iter::once("A90001")
        .chain(DRIVERS.iter().map(|d| d.0))
        .map(String::from)
        .collect();
    let manager = vec![Some(FLEET_MANAGER.to_string()); managed.len()];
    db::contact::managers::set(&mut *tx, company_id, &managed, &manager).await?;
    Ok(ids)
}
