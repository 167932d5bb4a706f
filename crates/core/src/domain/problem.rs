//! Why a value was refused, as a code the customer page translates and as the English
//! sentence staff screens and the API show. Each parser names its problem once; the
//! words live here, so a message cannot drift between the two sides.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Problem {
    Empty,
    /// A required field was cleared.
    Required,
    ControlChars,
    TooLong {
        max: usize,
        len: usize,
    },
    CountryCode,
    CustomerNoEmpty,
    CustomerNoTooLong {
        max: usize,
    },
    CustomerNoChar {
        c: char,
    },
    EmailEmpty,
    EmailOne,
    EmailInvalid,
    FieldKey,
    Choice {
        options: String,
    },
    Language,
    HouseNumber,
    NotAField,
    Date,
    YearRange,
    DateNotExist,
    YesNo,
    NameChar {
        c: char,
    },
    NameNoLetter,
    NamePrefix,
    NameMissing,
    PrefixWithoutLast,
    PhoneEmpty,
    PhoneChar {
        c: char,
    },
    PhoneDigits,
    PhoneInvalid,
    PostalEmpty,
    PostalNl,
    PostalOther,
}

impl Problem {
    /// The message in English, as staff screens and the DMS API show it.
    pub fn english(&self) -> String {
        match self {
            Problem::Empty => "This field cannot be empty.".into(),
            Problem::Required => "This field is required.".into(),
            Problem::ControlChars => "Remove the invisible control characters.".into(),
            Problem::TooLong { max, len } => format!("Use at most {max} characters (now {len})."),
            Problem::CountryCode => "Use a two-letter country code, like NL, BE or DE.".into(),
            Problem::CustomerNoEmpty => "Enter the customer number.".into(),
            Problem::CustomerNoTooLong { max } => {
                format!("A customer number has at most {max} characters.")
            }
            Problem::CustomerNoChar { c } => format!("A customer number cannot contain “{c}”."),
            Problem::EmailEmpty => "Enter an e-mail address.".into(),
            Problem::EmailOne => "Enter one e-mail address, like name@example.com.".into(),
            Problem::EmailInvalid => "This is not a valid e-mail address. Check it for typing errors, like name@example.com.".into(),
            Problem::FieldKey => "A key has lower-case letters, digits and _ only, starts with a letter and has at most 48 characters, like lease_contract.".into(),
            Problem::Choice { options } => format!("Choose one of: {options}."),
            Problem::Language => "Choose Dutch (nl) or English (en).".into(),
            Problem::HouseNumber => "A house number starts with a digit, like 12 or 12a.".into(),
            Problem::NotAField => "This is not a contact field.".into(),
            Problem::Date => "Enter a date like 23-11-2026.".into(),
            Problem::YearRange => "Enter a year between 1800 and 2200.".into(),
            Problem::DateNotExist => "This date does not exist.".into(),
            Problem::YesNo => "Answer yes or no.".into(),
            Problem::NameChar { c } => format!("A name cannot contain “{c}”."),
            Problem::NameNoLetter => "A name needs at least one letter.".into(),
            Problem::NamePrefix => {
                "A prefix is a few short words like “van”, “de” or “van der”.".into()
            }
            Problem::NameMissing => "Enter a first or a last name.".into(),
            Problem::PrefixWithoutLast => {
                "A prefix goes with a last name: enter the last name too.".into()
            }
            Problem::PhoneEmpty => "Enter a phone number.".into(),
            Problem::PhoneChar { c } => format!("A phone number cannot contain “{c}”."),
            Problem::PhoneDigits => {
                "A phone number has 8 to 15 digits, like 06 12345678 or +32 470 12 34 56.".into()
            }
            Problem::PhoneInvalid => "This is not a valid phone number. Add the country code for numbers outside the Netherlands, like +32.".into(),
            Problem::PostalEmpty => "Enter the postal code.".into(),
            Problem::PostalNl => {
                "A Dutch postal code has four digits and two letters, like 1234 AB.".into()
            }
            Problem::PostalOther => {
                "A postal code has 2 to 10 letters, digits, spaces or dashes.".into()
            }
        }
    }
}
