//! ISO 3166-1 alpha-2 country codes, checked against the isocountry list.

use super::{Invalid, Problem, string_newtype_serde};

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CountryCode(String);

impl CountryCode {
    pub fn parse(raw: &str) -> Result<CountryCode, Invalid> {
        let s = raw.trim().to_uppercase();
        match isocountry::CountryCode::for_alpha2(&s) {
            Ok(_) => Ok(CountryCode(s)),
            Err(_) => Err(Invalid::from(Problem::CountryCode)),
        }
    }

    pub fn netherlands() -> CountryCode {
        CountryCode("NL".into())
    }

    pub fn is_netherlands(&self) -> bool {
        self.0 == "NL"
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_newtype_serde!(CountryCode, CountryCode::parse);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn knows_real_codes_only() {
        assert_eq!(CountryCode::parse(" nl ").unwrap().as_str(), "NL");
        assert_eq!(CountryCode::parse("BE").unwrap().as_str(), "BE");
        assert!(CountryCode::parse("XX").is_err());
        assert!(CountryCode::parse("NLD").is_err());
        assert!(CountryCode::parse("").is_err());
    }

    proptest! {
        #[test]
        fn parse_never_panics(s in "\\PC*") {
            let _ = CountryCode::parse(&s);
        }

        #[test]
        fn parse_of_display_is_identity(s in "[A-Za-z]{2}") {
            if let Ok(c) = CountryCode::parse(&s) {
                prop_assert_eq!(CountryCode::parse(&c.to_string()).unwrap(), c);
            }
        }
    }
}
