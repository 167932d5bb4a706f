//! A person's name in the parts a Dutch register keeps: first name, last name prefix
//! (tussenvoegsel: "van", "de", "van der", "'t") and last name. Parts are kept as typed
//! (only normalised), because names are not ours to re-case; the checks catch what is
//! clearly not a name: digits, symbols, a prefix that is a whole name.

use super::{Invalid, Problem, Text};

/// One part of a name: letters (any script), combining marks, spaces, hyphens,
/// apostrophes and full stops, at most `NamePart::MAX` characters.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct NamePart(String);

impl NamePart {
    pub const MAX: usize = 100;

    pub fn parse(raw: &str) -> Result<NamePart, Invalid> {
        let t = Text::parse(raw, Self::MAX)?;
        let s = t.as_str();
        if let Some(c) = s.chars().find(|c| !is_name_char(*c)) {
            return Err(Invalid::from(Problem::NameChar { c }));
        }
        if !s.chars().any(char::is_alphabetic) {
            return Err(Invalid::from(Problem::NameNoLetter));
        }
        Ok(NamePart(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn is_name_char(c: char) -> bool {
    c.is_alphabetic()
        || c == ' '
        || matches!(c, '-' | '\'' | '’' | '.' | '‐')
        // Combining marks left over after NFC (scripts without precomposed forms).
        || ('\u{300}'..='\u{36f}').contains(&c)
}

/// A last name prefix: a few short lower-case words, like "van der" or "'t".
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct NamePrefix(String);

impl NamePrefix {
    pub const MAX: usize = 20;

    pub fn parse(raw: &str) -> Result<NamePrefix, Invalid> {
        let t = Text::parse(raw, Self::MAX)?;
        let s = t.as_str();
        if s.split(' ').count() > 4
            || s.chars()
                .any(|c| !(c.is_alphabetic() || matches!(c, ' ' | '\'' | '’')))
        {
            return Err(Invalid::from(Problem::NamePrefix));
        }
        Ok(NamePrefix(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

super::string_newtype_display!(NamePart);
super::string_newtype_display!(NamePrefix);

/// The parts together. A person needs a first or a last name; a prefix alone is not a
/// name.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PersonName {
    pub first: Option<NamePart>,
    pub prefix: Option<NamePrefix>,
    pub last: Option<NamePart>,
}

impl PersonName {
    /// Parses each part; empty parts are absent. Errors name the part they belong to
    /// (`first_name`, `last_name_prefix`, `last_name`).
    pub fn parse(
        first: &str,
        prefix: &str,
        last: &str,
    ) -> Result<PersonName, (&'static str, Invalid)> {
        fn opt<T>(
            raw: &str,
            field: &'static str,
            parse: fn(&str) -> Result<T, Invalid>,
        ) -> Result<Option<T>, (&'static str, Invalid)> {
            if super::normalize(raw).is_empty() {
                Ok(None)
            } else {
                parse(raw).map(Some).map_err(|e| (field, e))
            }
        }
        let name = PersonName {
            first: opt(first, "first_name", NamePart::parse)?,
            prefix: opt(prefix, "last_name_prefix", NamePrefix::parse)?,
            last: opt(last, "last_name", NamePart::parse)?,
        };
        if name.first.is_none() && name.last.is_none() {
            return Err(("last_name", Invalid::from(Problem::NameMissing)));
        }
        if name.prefix.is_some() && name.last.is_none() {
            return Err(("last_name", Invalid::from(Problem::PrefixWithoutLast)));
        }
        Ok(name)
    }

    /// The name as it is written in a letter: "Jan van der Berg".
    pub fn full(&self) -> String {
        [
            self.first.as_ref().map(NamePart::as_str),
            self.prefix.as_ref().map(NamePrefix::as_str),
            self.last.as_ref().map(NamePart::as_str),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ")
    }
}

impl std::fmt::Display for PersonName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.full())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn part(p: &Option<impl ToString>) -> String {
        p.as_ref().map(ToString::to_string).unwrap_or_default()
    }

    #[test]
    fn dutch_names_with_prefixes() {
        let n = PersonName::parse(" Jan ", "van der", "Berg").unwrap();
        assert_eq!(n.full(), "Jan van der Berg");
        let n = PersonName::parse("", "'t", "Hart").unwrap();
        assert_eq!(n.full(), "'t Hart");
        let n = PersonName::parse("Zoë", "", "O’Brien-Müller").unwrap();
        assert_eq!(n.full(), "Zoë O’Brien-Müller");
        assert_eq!(PersonName::parse("Li", "", "").unwrap().full(), "Li");
    }

    #[test]
    fn refuses_what_is_not_a_name() {
        assert_eq!(PersonName::parse("", "", "").unwrap_err().0, "last_name");
        assert_eq!(
            PersonName::parse("J4n", "", "Berg").unwrap_err().0,
            "first_name"
        );
        assert_eq!(
            PersonName::parse("Jan", "van der Berg en Zonen", "X")
                .unwrap_err()
                .0,
            "last_name_prefix"
        );
        assert_eq!(
            PersonName::parse("Jan", "van", "").unwrap_err().0,
            "last_name"
        );
        assert!(NamePart::parse("---").is_err());
        assert!(NamePart::parse("<script>").is_err());
    }

    proptest! {
        #[test]
        fn parse_never_panics(a in "\\PC*", b in "\\PC*", c in "\\PC*") {
            let _ = PersonName::parse(&a, &b, &c);
        }

        #[test]
        fn parse_of_display_is_identity(
            a in "[\\p{L} '.-]{0,30}", b in "(van|de|van der|'t|)", c in "[\\p{L} '-]{0,30}"
        ) {
            if let Ok(n) = PersonName::parse(&a, &b, &c) {
                let again = PersonName::parse(&part(&n.first), &part(&n.prefix), &part(&n.last)).unwrap();
                prop_assert_eq!(again, n);
            }
        }
    }
}
