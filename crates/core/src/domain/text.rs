//! Free text as people type it: trimmed, Unicode NFC, runs of white space folded to one
//! space, no control characters, bounded length.

use super::{Invalid, Problem};

/// NFC, trimmed, every run of white space (tabs and line breaks included) one space.
pub fn normalize(raw: &str) -> String {
    nfc(raw).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Unicode NFC on the server, where every value is checked again before it is kept.
#[cfg(feature = "native")]
fn nfc(raw: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    raw.nfc().collect()
}

/// Unicode NFC in the browser, by the browser's own `String.prototype.normalize`: the
/// normalisation tables would otherwise weigh on every phone's download.
#[cfg(not(feature = "native"))]
fn nfc(raw: &str) -> String {
    String::from(js_sys::JsString::from(raw).normalize("NFC"))
}

/// Unicode lower case: Rust's on the server, the browser's `String.prototype.toLowerCase`
/// in the browser, whose case tables the bundle then need not carry. Both follow the
/// Unicode default case mapping; the server checks every value again anyway.
pub fn lowercase(s: &str) -> String {
    #[cfg(feature = "native")]
    {
        s.to_lowercase()
    }
    #[cfg(not(feature = "native"))]
    {
        String::from(js_sys::JsString::from(s).to_lower_case())
    }
}

/// Unicode upper case, on each side as `lowercase`.
pub fn uppercase(s: &str) -> String {
    #[cfg(feature = "native")]
    {
        s.to_uppercase()
    }
    #[cfg(not(feature = "native"))]
    {
        String::from(js_sys::JsString::from(s).to_upper_case())
    }
}

/// Non-empty normalised text of at most `max` characters.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Text(String);

impl Text {
    pub fn parse(raw: &str, max: usize) -> Result<Text, Invalid> {
        let s = normalize(raw);
        if s.is_empty() {
            return Err(Invalid::from(Problem::Empty));
        }
        if s.chars().any(char::is_control) {
            return Err(Invalid::from(Problem::ControlChars));
        }
        let len = s.chars().count();
        if len > max {
            return Err(Invalid::from(Problem::TooLong { max, len }));
        }
        Ok(Text(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

super::string_newtype_display!(Text);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn folds_space_and_composes_accents() {
        // "e" + combining acute becomes the single code point "é".
        let t = Text::parse("  Ren\u{65}\u{301}e \t van\n Dijk ", 100).unwrap();
        assert_eq!(t.as_str(), "Ren\u{e9}e van Dijk");
        assert!(Text::parse(" \n\t ", 10).is_err());
        assert!(Text::parse("a\u{0}b", 10).is_err());
        assert!(Text::parse("abcdef", 5).is_err());
    }

    proptest! {
        #[test]
        fn parse_never_panics(s in "\\PC*", max in 0usize..300) {
            let _ = Text::parse(&s, max);
        }

        #[test]
        fn parse_of_display_is_identity(s in "\\PC{0,200}") {
            if let Ok(t) = Text::parse(&s, 200) {
                prop_assert_eq!(Text::parse(&t.to_string(), 200).unwrap(), t);
            }
        }
    }
}
