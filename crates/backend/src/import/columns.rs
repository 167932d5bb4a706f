//! Which column holds which field. Headers are recognised in Dutch and English, in the
//! forms DMS exports use ("Klantnr.", "E-mailadres", "Postcode", "Customer No"), by
//! their catalogue key, or by a custom attribute's label. Staff can change every choice
//! on the import page; this is only the first guess.

use datacheck_core::wire::FieldDef;

/// The pseudo-field for a contact's kind (person or organisation).
pub const KIND: &str = "kind";
/// Pseudo-fields for e-marketing consent: its state (given, none, withdrawn) and its
/// legal basis. Not contact fields: an import records them in the consent history.
pub const E_MARKETING: &str = "e_marketing";
pub const E_MARKETING_BASIS: &str = "e_marketing_basis";

/// The pseudo-field for a contact's data manager: the customer number of another
/// contact of the same company, who checks this one's data.
pub const MANAGED_BY: &str = "managed_by";

/// Targets that are not in the field catalogue.
pub const PSEUDO: [&str; 4] = [KIND, E_MARKETING, E_MARKETING_BASIS, MANAGED_BY];

/// Header spellings per field, compared after `squash` (lower case, letters and
/// digits only).
const SYNONYMS: &[(&str, &[&str])] = &[
    (
        "customer_no",
        &[
            "klantnummer",
            "klantnr",
            "klant",
            "debiteurnummer",
            "debiteurnr",
            "debiteur",
            "relatienummer",
            "relatienr",
            "customernumber",
            "customerno",
            "customerid",
            "accountnumber",
            "accountno",
            "nummer",
            "nr",
        ],
    ),
    (
        KIND,
        &[
            "soort",
            "relatiesoort",
            "type",
            "kind",
            "klantsoort",
            "contacttype",
        ],
    ),
    ("salutation", &["aanhef", "salutation", "title", "titel"]),
    (
        MANAGED_BY,
        &[
            "beheerder",
            "databeheerder",
            "gegevensbeheerder",
            "beheerdoor",
            "wagenparkbeheerder",
            "managedby",
            "datamanager",
            "fleetmanager",
        ],
    ),
    (
        E_MARKETING,
        &[
            "emarketing",
            "toestemming",
            "emailtoestemming",
            "marketingtoestemming",
            "optin",
            "consent",
            "marketingconsent",
        ],
    ),
    (
        E_MARKETING_BASIS,
        &[
            "emarketingbasis",
            "grondslag",
            "rechtsgrond",
            "legalbasis",
            "marketinggrondslag",
        ],
    ),
    (
        "first_name",
        &["voornaam", "roepnaam", "firstname", "givenname", "forename"],
    ),
    (
        "last_name_prefix",
        &[
            "tussenvoegsel",
            "tussenvoegsels",
            "voorvoegsel",
            "prefix",
            "lastnameprefix",
            "nameprefix",
        ],
    ),
    (
        "last_name",
        &[
            "achternaam",
            "familienaam",
            "lastname",
            "surname",
            "familyname",
        ],
    ),
    (
        "organisation_name",
        &[
            "bedrijfsnaam",
            "bedrijf",
            "organisatie",
            "organisatienaam",
            "firma",
            "firmanaam",
            "company",
            "companyname",
            "organisation",
            "organization",
            "organisationname",
            "organizationname",
        ],
    ),
    (
        "email",
        &["email", "emailadres", "mail", "emailaddress", "mailadres"],
    ),
    (
        "phone",
        &[
            "telefoon",
            "telefoonnummer",
            "tel",
            "telnr",
            "phone",
            "phonenumber",
            "telephone",
        ],
    ),
    (
        "mobile",
        &[
            "mobiel",
            "mobielnummer",
            "mobieletelefoon",
            "gsm",
            "mobile",
            "mobilenumber",
            "cell",
            "cellphone",
        ],
    ),
    (
        "street",
        &[
            "straat",
            "straatnaam",
            "adres",
            "street",
            "address",
            "streetname",
        ],
    ),
    (
        "house_number",
        &["huisnummer", "huisnr", "housenumber", "houseno", "number"],
    ),
    (
        "house_number_addition",
        &[
            "toevoeging",
            "huisnummertoevoeging",
            "huisnrtoevoeging",
            "addition",
            "housenumberaddition",
            "suffix",
        ],
    ),
    (
        "postal_code",
        &["postcode", "postalcode", "zip", "zipcode", "postcode4"],
    ),
    (
        "city",
        &[
            "plaats",
            "woonplaats",
            "stad",
            "plaatsnaam",
            "city",
            "town",
            "place",
        ],
    ),
    ("country", &["land", "landcode", "country", "countrycode"]),
    (
        "language",
        &[
            "taal",
            "voorkeurstaal",
            "language",
            "preferredlanguage",
            "lang",
        ],
    ),
];

/// Lower case, letters and digits only: "E-mail adres" and "emailadres" are one.
pub fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The first guess for each column: a target key or `None`. Each target is taken by
/// the first column that matches it.
pub fn detect(headers: &[String], catalogue: &[FieldDef]) -> Vec<Option<String>> {
    let mut taken: Vec<String> = Vec::new();
    headers
        .iter()
        .map(|h| {
            let s = squash(h);
            if s.is_empty() {
                return None;
            }
            let by_key = catalogue
                .iter()
                .find(|f| squash(&f.key) == s)
                .map(|f| f.key.clone());
            let by_synonym = || {
                SYNONYMS
                    .iter()
                    .find(|(_, names)| names.contains(&s.as_str()))
                    .map(|(k, _)| k.to_string())
            };
            let by_label = || {
                catalogue
                    .iter()
                    .find(|f| squash(&f.label_nl) == s || squash(&f.label_en) == s)
                    .map(|f| f.key.clone())
            };
            let found = by_key.or_else(by_synonym).or_else(by_label)?;
            if taken.contains(&found) {
                return None;
            }
            taken.push(found.clone());
            Some(found)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use datacheck_core::domain::FieldType;

    fn attribute(key: &str, nl: &str, en: &str) -> FieldDef {
        FieldDef {
            key: key.into(),
            builtin: false,
            field_type: FieldType::Text,
            label_nl: nl.into(),
            label_en: en.into(),
            choices: vec![],
            required: false,
            customer_visible: true,
            customer_editable: false,
            position: 200,
            values: 0,
        }
    }

    #[test]
    fn dutch_and_english_headers_are_recognised() {
        let catalogue = vec![attribute("fuel_type", "Brandstof", "Fuel type")];
        let headers: Vec<String> = [
            "Klantnr.",
            "Voornaam",
            "Tussenvoegsel",
            "Achternaam",
            "E-mailadres",
            "Mobiel",
            "Postcode",
            "Woonplaats",
            "Brandstof",
            "Opmerking",
            "Customer No",
            "fuel_type",
        ]
        .map(String::from)
        .to_vec();
        let got = detect(&headers, &catalogue);
        let want = [
            Some("customer_no"),
            Some("first_name"),
            Some("last_name_prefix"),
            Some("last_name"),
            Some("email"),
            Some("mobile"),
            Some("postal_code"),
            Some("city"),
            Some("fuel_type"),
            None,
            None,
            None,
        ];
        assert_eq!(got, want.map(|w| w.map(String::from)).to_vec());
    }
}
