//! Phone numbers, stored in E.164 (`+31612345678`). The server parses against the full
//! numbering metadata (the phonenumber crate, with the Netherlands as the region for
//! numbers without a country code); the browser runs only `quick_check`, which catches
//! typing errors without shipping that metadata in the wasm bundle.

use super::{Invalid, Problem};

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Phone(String);

impl Phone {
    /// Obvious mistakes only: letters, too few or too many digits. Both sides run it;
    /// passing it does not make a number valid.
    pub fn quick_check(raw: &str) -> Result<(), Invalid> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(Invalid::from(Problem::PhoneEmpty));
        }
        if let Some(c) = s
            .chars()
            .find(|c| !(c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '.' | '(' | ')')))
        {
            return Err(Invalid::from(Problem::PhoneChar { c }));
        }
        let digits = s.chars().filter(char::is_ascii_digit).count();
        if !(8..=15).contains(&digits) {
            return Err(Invalid::from(Problem::PhoneDigits));
        }
        Ok(())
    }

    /// The full check (server only): a number that exists in its country's plan, with
    /// the Netherlands as the region of a number written without a country code.
    #[cfg(feature = "native")]
    pub fn parse(raw: &str) -> Result<Phone, Invalid> {
        Self::parse_in(raw, &super::CountryCode::netherlands())
    }

    /// As `parse`, with `country` (the contact's) as the region of a number written
    /// without a country code: a Belgian contact's `0470 12 34 56` is Belgian. A country
    /// the numbering plan does not know falls back to the Netherlands.
    #[cfg(feature = "native")]
    pub fn parse_in(raw: &str, country: &super::CountryCode) -> Result<Phone, Invalid> {
        Self::quick_check(raw)?;
        let region = region_of(country);
        let invalid = || Invalid::from(Problem::PhoneInvalid);
        let s = raw.trim();
        let s = s
            .strip_prefix("00")
            .map(|r| format!("+{r}"))
            .unwrap_or_else(|| s.to_string());
        let number = phonenumber::parse(Some(region), &s).map_err(|_| invalid())?;
        if !phonenumber::is_valid(&number) {
            return Err(invalid());
        }
        let e164 = number.format().mode(phonenumber::Mode::E164).to_string();
        // The stored form must pass the same check as what was typed: dropping a trunk
        // `0` after the country code (`+27 081000`) can leave fewer than 8 digits.
        if Self::quick_check(&e164).is_err() {
            return Err(invalid());
        }
        Ok(Phone(e164))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number as people of `country` write it: nationally when it is a number of
    /// that country (`033 650 8591`), internationally otherwise (`+32 470 12 34 56`).
    #[cfg(feature = "native")]
    pub fn written(&self, country: &super::CountryCode) -> String {
        let Ok(number) = phonenumber::parse(None, &self.0) else {
            return self.0.clone();
        };
        let mode = if number.country().id() == Some(region_of(country)) {
            phonenumber::Mode::National
        } else {
            phonenumber::Mode::International
        };
        number.format().mode(mode).to_string()
    }
}

/// The numbering plan's region for a contact's country, the Netherlands when it has none.
#[cfg(feature = "native")]
fn region_of(country: &super::CountryCode) -> phonenumber::country::Id {
    country
        .as_str()
        .parse()
        .unwrap_or(phonenumber::country::Id::NL)
}

super::string_newtype_display!(Phone);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn quick_check_catches_typing_errors() {
        assert!(Phone::quick_check("06 1234 5678").is_ok());
        assert!(Phone::quick_check("06-12x45678").is_err());
        assert!(Phone::quick_check("1234").is_err());
        assert!(Phone::quick_check("").is_err());
    }

    #[cfg(feature = "native")]
    #[test]
    fn dutch_and_foreign_numbers_become_e164() {
        for (raw, want) in [
            ("06 12345678", "+31612345678"),
            ("(033) 123 45 67", "+31331234567"),
            ("+31 6 1234 5678", "+31612345678"),
            ("0032 470 12 34 56", "+32470123456"),
            ("+44 20 7946 0958", "+442079460958"),
        ] {
            assert_eq!(Phone::parse(raw).unwrap().as_str(), want, "{raw}");
        }
        assert!(Phone::parse("06 1234567").is_err(), "one digit short");
        assert!(Phone::parse("+31 0 12345678").is_err());
        // Found by parse_of_display_is_identity: 8 digits typed, 7 left once the trunk
        // `0` after the country code is dropped, a stored number that would not parse.
        assert!(Phone::parse("+27081000").is_err());
    }

    #[cfg(feature = "native")]
    #[test]
    fn numbers_are_written_nationally_in_their_own_country() {
        let nl = crate::domain::CountryCode::netherlands();
        let be = crate::domain::CountryCode::parse("BE").unwrap();
        let fixed = Phone::parse("033 650 8591").unwrap();
        assert_eq!(fixed.written(&nl), "033 650 8591");
        assert_eq!(fixed.written(&be), "+31 33 650 8591");
        let mobile = Phone::parse("+31612345678").unwrap();
        assert_eq!(mobile.written(&nl), "06 12345678");
        let belgian = Phone::parse_in("0470 12 34 56", &be).unwrap();
        assert_eq!(belgian.as_str(), "+32470123456");
        assert_eq!(belgian.written(&be), "0470 12 34 56");
        assert_eq!(belgian.written(&nl), "+32 470 12 34 56");
        // What is shown reads back as the same number.
        for (p, c) in [
            (&fixed, &nl),
            (&mobile, &nl),
            (&belgian, &be),
            (&belgian, &nl),
        ] {
            assert_eq!(&Phone::parse_in(&p.written(c), c).unwrap(), p);
        }
    }

    proptest! {
        #[test]
        fn quick_check_never_panics(s in "\\PC*") {
            let _ = Phone::quick_check(&s);
        }
    }

    #[cfg(feature = "native")]
    proptest! {
        #[test]
        fn parse_never_panics(s in "[+0-9 ()-]{0,24}") {
            let _ = Phone::parse(&s);
        }

        #[test]
        fn parse_of_display_is_identity(raw in "(\\+[1-9][0-9]{7,12}|0[1-9][0-9]{8})") {
            if let Ok(p) = Phone::parse(&raw) {
                prop_assert_eq!(Phone::parse(&p.to_string()).unwrap(), p);
            }
        }

        #[test]
        fn every_dutch_mobile_number_parses(n in 10_000_000u32..59_999_999) {
            let p = Phone::parse(&format!("06{n}")).unwrap();
            prop_assert_eq!(p.as_str(), format!("+316{n}"));
        }
    }
}
