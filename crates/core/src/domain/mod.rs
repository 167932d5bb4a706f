//! Parsed values of the contact register: parse, don't validate. Each type has a private
//! field and one way in, `parse`, so an unchecked string cannot reach the database. The
//! module compiles on both sides, so forms show the server's messages before the round
//! trip; the one heavy rule (phone numbers against full metadata) runs on the server
//! only, behind a light check that both sides share.

mod country;
mod customer_no;
mod email;
mod field;
mod person_name;
mod phone;
mod postal_code;
mod problem;
mod template;
mod text;

pub use country::CountryCode;
pub use customer_no::CustomerNo;
pub use email::Email;
pub use field::{
    BUILTIN_KEYS, ChoiceOption, FieldKey, FieldType, TEXT_MAX, builtin_canonical, day_first,
};
pub use person_name::{NamePart, NamePrefix, PersonName};
pub use phone::Phone;
pub use postal_code::PostalCode;
pub use problem::Problem;
pub use template::{MailValues, Placeholder, Template, TemplateProblem, escape};
pub use text::{Text, lowercase, normalize, uppercase};

/// Why a value was refused: the English sentence for staff and the API, and the
/// problem's code, which the customer page shows in the customer's language.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[error("{0}")]
pub struct Invalid(pub String, pub Problem);

impl From<Problem> for Invalid {
    fn from(p: Problem) -> Self {
        Invalid(p.english(), p)
    }
}

/// Shows a string newtype as its normalised string (`as_str`).
macro_rules! string_newtype_display {
    ($ty:ty) => {
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use string_newtype_display;

/// Serialises as the plain string, and deserialises through `parse`, so a value that
/// crosses the wire is checked again on arrival.
macro_rules! string_newtype_serde {
    ($ty:ty, $parse:expr) => {
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(d)?;
                let parse: fn(&str) -> Result<$ty, Invalid> = $parse;
                parse(&raw).map_err(serde::de::Error::custom)
            }
        }
        $crate::domain::string_newtype_display!($ty);
    };
}
pub(crate) use string_newtype_serde;
