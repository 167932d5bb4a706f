//! Field keys and types of the field catalogue, and the one function that turns what a
//! person typed (or a CSV cell, or an API value) into the canonical stored form of a
//! field's type. The portal, the CSV import and the DMS API all go through `FieldType::
//! canonical`, so a value means the same wherever it came from.

use super::{CountryCode, Email, Invalid, PostalCode, Problem, Text};
use serde::{Deserialize, Serialize};

/// A field's key: lower-case ASCII letters, digits and `_`, starting with a letter, at
/// most 48 characters. Keys name CSV columns and API fields, so they stay plain.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FieldKey(String);

impl FieldKey {
    pub const MAX: usize = 48;

    pub fn parse(raw: &str) -> Result<FieldKey, Invalid> {
        let s = raw.trim();
        let mut chars = s.chars();
        let ok = chars.next().is_some_and(|c| c.is_ascii_lowercase())
            && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            && s.len() <= Self::MAX;
        if ok {
            Ok(FieldKey(s.to_string()))
        } else {
            Err(Invalid::from(Problem::FieldKey))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

super::string_newtype_serde!(FieldKey, FieldKey::parse);

/// What kind of value a field holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Text,
    Email,
    Phone,
    Date,
    YesNo,
    Choice,
    /// Built-in fields only: their rules depend on the field, not on a choice by admins.
    PostalCode,
    Country,
    Language,
}

/// One option of a choice field. The Dutch label is what is stored.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ChoiceOption {
    pub nl: String,
    pub en: String,
}

crate::closed_set!(FieldType {
    Text => "text",
    Email => "email",
    Phone => "phone",
    Date => "date",
    YesNo => "yes_no",
    Choice => "choice",
    PostalCode => "postal_code",
    Country => "country",
    Language => "language",
});

impl FieldType {
    /// The types an admin may give a custom attribute.
    pub const CUSTOM: [FieldType; 6] = [
        FieldType::Text,
        FieldType::Email,
        FieldType::Phone,
        FieldType::Date,
        FieldType::YesNo,
        FieldType::Choice,
    ];

    /// The types only built-in fields have.
    pub const BUILTIN_ONLY: [FieldType; 3] = [
        FieldType::PostalCode,
        FieldType::Country,
        FieldType::Language,
    ];

    pub fn parse(s: &str) -> Option<FieldType> {
        crate::closed::ClosedSet::from_stored(s)
    }

    /// In words, for the field editor.
    pub fn label(self) -> &'static str {
        match self {
            FieldType::Text => "Text",
            FieldType::Email => "E-mail address",
            FieldType::Phone => "Phone number",
            FieldType::Date => "Date",
            FieldType::YesNo => "Yes / no",
            FieldType::Choice => "Choice",
            FieldType::PostalCode => "Postal code",
            FieldType::Country => "Country",
            FieldType::Language => "Language",
        }
    }

    /// The stored form of `raw`, or why it does not fit this type. `raw` must not be
    /// blank: whether a field may be empty is the caller's rule (required fields, and
    /// "an empty value never silently erases a stored one"). `country` is the contact's
    /// country, which decides the postal code rules and the region of a phone number
    /// written without a country code.
    ///
    /// On the server a phone number is checked against the full numbering plan and
    /// stored in E.164; in the browser only the light check runs.
    pub fn canonical(
        self,
        raw: &str,
        choices: &[ChoiceOption],
        country: &CountryCode,
    ) -> Result<String, Invalid> {
        match self {
            FieldType::Text => Ok(Text::parse(raw, TEXT_MAX)?.as_str().to_string()),
            FieldType::Email => Ok(Email::parse(raw)?.as_str().to_string()),
            FieldType::Phone => phone(raw, country),
            FieldType::Date => parse_date(raw),
            FieldType::YesNo => parse_yes_no(raw).map(|b| if b { "yes" } else { "no" }.to_string()),
            FieldType::Choice => {
                let s = super::lowercase(&super::normalize(raw));
                choices
                    .iter()
                    .find(|o| super::lowercase(&o.nl) == s || super::lowercase(&o.en) == s)
                    .map(|o| o.nl.clone())
                    .ok_or_else(|| {
                        let names: Vec<&str> = choices.iter().map(|o| o.nl.as_str()).collect();
                        Invalid::from(Problem::Choice {
                            options: names.join(", "),
                        })
                    })
            }
            FieldType::PostalCode => Ok(PostalCode::parse(raw, country)?.as_str().to_string()),
            FieldType::Country => Ok(CountryCode::parse(raw)?.as_str().to_string()),
            FieldType::Language => match super::lowercase(&super::normalize(raw)).as_str() {
                "nl" | "nld" | "dut" | "nederlands" | "dutch" => Ok("nl".into()),
                "en" | "eng" | "engels" | "english" => Ok("en".into()),
                _ => Err(Invalid::from(Problem::Language)),
            },
        }
    }
}

/// A stored date (`2024-03-01`) day first (`01-03-2024`), as people here write it;
/// anything else as it is.
pub fn day_first(stored: &str) -> String {
    match stored.split('-').collect::<Vec<_>>().as_slice() {
        [y, m, d] => format!("{d}-{m}-{y}"),
        _ => stored.to_string(),
    }
}

impl FieldType {
    /// A stored value as staff read it: dates day first, yes/no and languages in words,
    /// countries by name.
    pub fn display(self, stored: &str) -> String {
        match self {
            FieldType::Date => day_first(stored),
            FieldType::YesNo => match stored {
                "yes" => "Yes".into(),
                "no" => "No".into(),
                other => other.to_string(),
            },
            FieldType::Language => match stored {
                "nl" => "Dutch".into(),
                "en" => "English".into(),
                other => other.to_string(),
            },
            FieldType::Country => isocountry::CountryCode::for_alpha2(stored)
                .map(|c| format!("{} ({stored})", c.name()))
                .unwrap_or_else(|_| stored.to_string()),
            _ => stored.to_string(),
        }
    }
}

/// The stored form of a built-in contact field, by its catalogue key: the same rules
/// for the CSV import, the DMS API and the portal. `raw` must not be blank.
pub fn builtin_canonical(key: &str, raw: &str, country: &CountryCode) -> Result<String, Invalid> {
    use super::{CustomerNo, NamePart, NamePrefix};
    let text = |max| Text::parse(raw, max).map(|t| t.as_str().to_string());
    match key {
        "customer_no" => CustomerNo::parse(raw).map(|c| c.as_str().to_string()),
        "first_name" | "last_name" => NamePart::parse(raw).map(|n| n.as_str().to_string()),
        "last_name_prefix" => NamePrefix::parse(raw).map(|n| n.as_str().to_string()),
        "salutation" => text(40),
        "organisation_name" => text(TEXT_MAX),
        "street" => text(120),
        "city" => text(80),
        "house_number" => {
            let t = text(10)?;
            if t.starts_with(|c: char| c.is_ascii_digit()) {
                Ok(t)
            } else {
                Err(Invalid::from(Problem::HouseNumber))
            }
        }
        "house_number_addition" => text(10),
        "email" => FieldType::Email.canonical(raw, &[], country),
        "phone" | "mobile" => FieldType::Phone.canonical(raw, &[], country),
        "postal_code" => FieldType::PostalCode.canonical(raw, &[], country),
        "country" => FieldType::Country.canonical(raw, &[], country),
        "language" => FieldType::Language.canonical(raw, &[], country),
        _ => Err(Invalid::from(Problem::NotAField)),
    }
}

/// The built-in fields in catalogue order; the register has a column for each.
pub const BUILTIN_KEYS: [&str; 16] = [
    "customer_no",
    "salutation",
    "first_name",
    "last_name_prefix",
    "last_name",
    "organisation_name",
    "email",
    "phone",
    "mobile",
    "street",
    "house_number",
    "house_number_addition",
    "postal_code",
    "city",
    "country",
    "language",
];

/// The longest free text a field holds (a street, a note).
pub const TEXT_MAX: usize = 200;

#[cfg(feature = "native")]
fn phone(raw: &str, country: &CountryCode) -> Result<String, Invalid> {
    Ok(super::Phone::parse_in(raw, country)?.as_str().to_string())
}

#[cfg(not(feature = "native"))]
fn phone(raw: &str, _country: &CountryCode) -> Result<String, Invalid> {
    super::Phone::quick_check(raw)?;
    Ok(raw.trim().to_string())
}

/// ISO dates (`2026-11-23`) and the Dutch way of writing them (`23-11-2026`,
/// `23/11/2026`, `23.11.2026`, day and month with or without a leading zero), stored as
/// ISO.
fn parse_date(raw: &str) -> Result<String, Invalid> {
    let bad = || Invalid::from(Problem::Date);
    let s = raw.trim();
    let parts: Vec<&str> = s.split(['-', '/', '.']).collect();
    let [a, b, c] = parts.as_slice() else {
        return Err(bad());
    };
    let num = |p: &str| -> Result<i32, Invalid> {
        if p.is_empty() || p.len() > 4 || !p.chars().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        p.parse().map_err(|_| bad())
    };
    let (year, month, day) = if a.len() == 4 {
        (num(a)?, num(b)?, num(c)?)
    } else if c.len() == 4 {
        (num(c)?, num(b)?, num(a)?)
    } else {
        return Err(bad());
    };
    let month = u8::try_from(month)
        .ok()
        .and_then(|m| time::Month::try_from(m).ok())
        .ok_or_else(bad)?;
    let day = u8::try_from(day).map_err(|_| bad())?;
    if !(1800..=2200).contains(&year) {
        return Err(Invalid::from(Problem::YearRange));
    }
    let date = time::Date::from_calendar_date(year, month, day)
        .map_err(|_| Invalid::from(Problem::DateNotExist))?;
    Ok(format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    ))
}

fn parse_yes_no(raw: &str) -> Result<bool, Invalid> {
    match super::lowercase(&super::normalize(raw)).as_str() {
        "yes" | "y" | "ja" | "j" | "true" | "1" | "waar" => Ok(true),
        "no" | "n" | "nee" | "false" | "0" | "onwaar" => Ok(false),
        _ => Err(Invalid::from(Problem::YesNo)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn nl() -> CountryCode {
        CountryCode::netherlands()
    }

    fn every_type() -> Vec<FieldType> {
        FieldType::CUSTOM
            .into_iter()
            .chain(FieldType::BUILTIN_ONLY)
            .collect()
    }

    fn canon(t: FieldType, raw: &str) -> Result<String, Invalid> {
        let choices = vec![
            ChoiceOption {
                nl: "Benzine".into(),
                en: "Petrol".into(),
            },
            ChoiceOption {
                nl: "Elektrisch".into(),
                en: "Electric".into(),
            },
        ];
        t.canonical(raw, &choices, &nl())
    }

    #[test]
    fn keys_are_plain() {
        assert!(FieldKey::parse("lease_contract").is_ok());
        for bad in [
            "",
            "1abc",
            "Lease",
            "lease-contract",
            "lëase",
            &"a".repeat(49),
        ] {
            assert!(FieldKey::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn dates_in_dutch_and_iso_notation() {
        for (raw, want) in [
            ("2026-11-23", "2026-11-23"),
            ("23-11-2026", "2026-11-23"),
            ("3/1/2027", "2027-01-03"),
            ("29.02.2028", "2028-02-29"),
        ] {
            assert_eq!(canon(FieldType::Date, raw).unwrap(), want, "{raw}");
        }
        for bad in [
            "2026-02-30",
            "23-11-26",
            "tomorrow",
            "2026-13-01",
            "1-1-0099",
        ] {
            assert!(canon(FieldType::Date, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn yes_no_and_choices_in_both_languages() {
        assert_eq!(canon(FieldType::YesNo, "Ja").unwrap(), "yes");
        assert_eq!(canon(FieldType::YesNo, "false").unwrap(), "no");
        assert!(canon(FieldType::YesNo, "maybe").is_err());
        assert_eq!(canon(FieldType::Choice, "electric").unwrap(), "Elektrisch");
        assert_eq!(canon(FieldType::Choice, " benzine ").unwrap(), "Benzine");
        assert_eq!(
            canon(FieldType::Choice, "diesel").unwrap_err().0,
            "Choose one of: Benzine, Elektrisch."
        );
        assert_eq!(canon(FieldType::Language, "English").unwrap(), "en");
    }

    #[test]
    fn built_in_fields_have_their_own_rules() {
        let nl = nl();
        assert_eq!(
            builtin_canonical("house_number", " 12a ", &nl).unwrap(),
            "12a"
        );
        assert!(builtin_canonical("house_number", "a12", &nl).is_err());
        assert_eq!(
            builtin_canonical("postal_code", "3811kl", &nl).unwrap(),
            "3811 KL"
        );
        assert!(builtin_canonical("mobile", "06 12345678", &nl).is_ok());
        assert!(builtin_canonical("first_name", "J4n", &nl).is_err());
        assert!(builtin_canonical("nonsense", "x", &nl).is_err());
    }

    proptest! {
        #[test]
        fn builtin_canonical_is_a_fixed_point(s in "\\PC{0,30}", i in 0usize..16) {
            let nl = CountryCode::netherlands();
            if let Ok(v) = builtin_canonical(BUILTIN_KEYS[i], &s, &nl) {
                prop_assert_eq!(builtin_canonical(BUILTIN_KEYS[i], &v, &nl).unwrap(), v);
            }
        }
    }

    #[test]
    fn stored_values_read_well() {
        assert_eq!(FieldType::Date.display("2027-01-03"), "03-01-2027");
        assert_eq!(FieldType::YesNo.display("yes"), "Yes");
        assert_eq!(FieldType::Country.display("NL"), "Netherlands (NL)");
        assert_eq!(FieldType::Language.display("en"), "English");
        assert_eq!(FieldType::Text.display("Oudegracht"), "Oudegracht");
    }

    #[test]
    fn type_names_round_trip() {
        for t in every_type() {
            assert_eq!(FieldType::parse(t.as_str()), Some(t));
        }
    }

    proptest! {
        #[test]
        fn canonical_never_panics(s in "\\PC*", i in 0usize..9) {
            let all = every_type();
            let _ = canon(all[i], &s);
        }

        /// The stored form is a fixed point: parsing it again gives it back.
        #[test]
        fn canonical_of_canonical_is_identity(s in "\\PC{0,40}", i in 0usize..9) {
            let all = every_type();
            if let Ok(v) = canon(all[i], &s) {
                prop_assert_eq!(canon(all[i], &v).unwrap(), v);
            }
        }

        #[test]
        fn every_real_date_survives(y in 1800i32..2200, d in 1u16..366) {
            let date = time::Date::from_ordinal_date(y, d).unwrap();
            let dutch = format!("{}-{}-{}", date.day(), u8::from(date.month()), date.year());
            let iso = canon(FieldType::Date, &dutch).unwrap();
            prop_assert_eq!(iso, date.to_string());
        }

        #[test]
        fn key_parse_of_display_is_identity(s in "[a-z][a-z0-9_]{0,47}") {
            let k = FieldKey::parse(&s).unwrap();
            prop_assert_eq!(FieldKey::parse(&k.to_string()).unwrap(), k);
        }
    }
}
