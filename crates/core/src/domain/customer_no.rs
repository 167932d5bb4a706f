//! The DMS's key for a contact, unique per company.

use super::{Invalid, Problem, normalize, string_newtype_serde};

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CustomerNo(String);

impl CustomerNo {
    pub const MAX: usize = 64;

    /// Trimmed; inside, letters, digits and `-_./` only: DMS keys are codes, and a
    /// stray space or quote from a spreadsheet must not make a second customer.
    pub fn parse(raw: &str) -> Result<CustomerNo, Invalid> {
        let s = normalize(raw);
        if s.is_empty() {
            return Err(Invalid::from(Problem::CustomerNoEmpty));
        }
        if s.chars().count() > Self::MAX {
            return Err(Invalid::from(Problem::CustomerNoTooLong { max: Self::MAX }));
        }
        if let Some(c) = s
            .chars()
            .find(|c| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '/')))
        {
            return Err(Invalid::from(Problem::CustomerNoChar { c }));
        }
        Ok(CustomerNo(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_newtype_serde!(CustomerNo, CustomerNo::parse);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_codes_and_refuses_spaces_and_quotes() {
        assert_eq!(CustomerNo::parse(" A10007 ").unwrap().as_str(), "A10007");
        assert_eq!(
            CustomerNo::parse("2024/001-b").unwrap().as_str(),
            "2024/001-b"
        );
        assert!(CustomerNo::parse("A 1").is_err());
        assert!(CustomerNo::parse("'123").is_err());
        assert!(CustomerNo::parse("").is_err());
        assert!(CustomerNo::parse(&"9".repeat(65)).is_err());
    }

    proptest! {
        #[test]
        fn parse_never_panics(s in "\\PC*") {
            let _ = CustomerNo::parse(&s);
        }

        #[test]
        fn parse_of_display_is_identity(s in "[A-Za-z0-9./_-]{1,64}") {
            let c = CustomerNo::parse(&s).unwrap();
            prop_assert_eq!(CustomerNo::parse(&c.to_string()).unwrap(), c);
        }
    }
}
