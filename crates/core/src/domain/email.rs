//! E-mail addresses: RFC 5322 syntax by the email_address crate, plus what a deliverable
//! address needs (a dotted domain, no display name, no domain literal), lower-cased so
//! that comparing two addresses is comparing two strings.

use super::{Invalid, Problem, string_newtype_serde};
use email_address::{EmailAddress, Options};

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Email(String);

impl Email {
    pub const MAX: usize = 254;

    pub fn parse(raw: &str) -> Result<Email, Invalid> {
        let s = super::lowercase(&super::normalize(raw));
        if s.is_empty() {
            return Err(Invalid::from(Problem::EmailEmpty));
        }
        if s.chars().count() > Self::MAX || s.contains(' ') {
            return Err(Invalid::from(Problem::EmailOne));
        }
        let options = Options {
            minimum_sub_domains: 2,
            allow_domain_literal: false,
            allow_display_text: false,
        };
        match EmailAddress::parse_with_options(&s, options) {
            Ok(_) if !s.ends_with('.') => Ok(Email(s)),
            _ => Err(Invalid::from(Problem::EmailInvalid)),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map(|(_, d)| d).unwrap_or_default()
    }
}

string_newtype_serde!(Email, Email::parse);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_ordinary_addresses_lowercased() {
        assert_eq!(
            Email::parse(" Jan.Jansen@Ziggo.NL ").unwrap().as_str(),
            "jan.jansen@ziggo.nl"
        );
        assert_eq!(
            Email::parse("a+tag@sub.example.co.uk").unwrap().domain(),
            "sub.example.co.uk"
        );
    }

    #[test]
    fn refuses_what_cannot_be_delivered() {
        for bad in [
            "",
            "jan",
            "jan@",
            "@ziggo.nl",
            "jan@ziggo",
            "jan jansen@ziggo.nl",
            "jan@@ziggo.nl",
            "Jan <jan@ziggo.nl>",
            "jan@[127.0.0.1]",
            "jan@ziggo.nl.",
            "jan@ziggo..nl",
            "jan@ziggo.nl, piet@ziggo.nl",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} must be refused");
        }
    }

    proptest! {
        #[test]
        fn parse_never_panics(s in "\\PC*") {
            let _ = Email::parse(&s);
        }

        #[test]
        fn parse_of_display_is_identity(s in "[a-zA-Z0-9._%+-]{1,30}@[a-z0-9-]{1,20}\\.[a-z]{2,6}") {
            if let Ok(e) = Email::parse(&s) {
                prop_assert_eq!(Email::parse(&e.to_string()).unwrap(), e);
            }
        }
    }
}
