//! Postal codes: Dutch ones strictly (`1234 AB`), other countries' permissively.

use super::{CountryCode, Invalid, Problem};

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PostalCode(String);

impl PostalCode {
    /// Dutch: four digits (not starting with 0), two letters (not SA, SD or SS, which
    /// PostNL never issues), written `1234 AB`. Elsewhere: 2 to 10 letters, digits,
    /// spaces or dashes, upper-cased.
    pub fn parse(raw: &str, country: &CountryCode) -> Result<PostalCode, Invalid> {
        let s = super::uppercase(&super::normalize(raw));
        if s.is_empty() {
            return Err(Invalid::from(Problem::PostalEmpty));
        }
        if country.is_netherlands() {
            let compact: String = s.chars().filter(|c| *c != ' ').collect();
            let chars: Vec<char> = compact.chars().collect();
            let ok = chars.len() == 6
                && chars[0].is_ascii_digit()
                && chars[0] != '0'
                && chars[1..4].iter().all(char::is_ascii_digit)
                && chars[4..].iter().all(char::is_ascii_uppercase)
                && !matches!(&compact[4..], "SA" | "SD" | "SS");
            if !ok {
                return Err(Invalid::from(Problem::PostalNl));
            }
            return Ok(PostalCode(format!("{} {}", &compact[..4], &compact[4..])));
        }
        let len = s.chars().count();
        let ok = (2..=10).contains(&len)
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-');
        if ok {
            Ok(PostalCode(s))
        } else {
            Err(Invalid::from(Problem::PostalOther))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

super::string_newtype_display!(PostalCode);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn nl() -> CountryCode {
        CountryCode::netherlands()
    }

    #[test]
    fn dutch_codes_are_normalised() {
        for (raw, want) in [
            ("1234ab", "1234 AB"),
            (" 3811 kl ", "3811 KL"),
            ("3511  AA", "3511 AA"),
        ] {
            assert_eq!(PostalCode::parse(raw, &nl()).unwrap().as_str(), want);
        }
        for bad in ["0123 AB", "123 AB", "1234 A", "1234 SS", "1234 A1", "12345"] {
            assert!(PostalCode::parse(bad, &nl()).is_err(), "{bad}");
        }
    }

    #[test]
    fn other_countries_are_permissive() {
        let be = CountryCode::parse("BE").unwrap();
        let gb = CountryCode::parse("GB").unwrap();
        assert_eq!(PostalCode::parse("1000", &be).unwrap().as_str(), "1000");
        assert_eq!(
            PostalCode::parse("sw1a 1aa", &gb).unwrap().as_str(),
            "SW1A 1AA"
        );
        assert!(PostalCode::parse("1", &be).is_err());
        assert!(PostalCode::parse("12#45", &be).is_err());
    }

    proptest! {
        #[test]
        fn parse_never_panics(s in "\\PC*", nl_country in any::<bool>()) {
            let c = if nl_country { nl() } else { CountryCode::parse("DE").unwrap() };
            let _ = PostalCode::parse(&s, &c);
        }

        #[test]
        fn parse_of_display_is_identity(s in "[1-9][0-9]{3} ?[A-Za-z]{2}") {
            if let Ok(p) = PostalCode::parse(&s, &nl()) {
                prop_assert_eq!(PostalCode::parse(&p.to_string(), &nl()).unwrap(), p);
            }
        }
    }
}
