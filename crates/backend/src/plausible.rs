//! Second looks for reviewers. A submitted value has passed the domain checks; these
//! say when it still looks wrong (a mistyped mail provider, a made-up phone number), so
//! staff can check before copying it into the DMS. They never refuse anything.

/// Mail providers Dutch customers use most; a domain one or two letters away from one
/// of these is almost always a typing mistake.
const PROVIDERS: [&str; 16] = [
    "gmail.com",
    "hotmail.com",
    "hotmail.nl",
    "outlook.com",
    "outlook.nl",
    "live.nl",
    "live.com",
    "icloud.com",
    "yahoo.com",
    "ziggo.nl",
    "kpnmail.nl",
    "planet.nl",
    "home.nl",
    "xs4all.nl",
    "telfort.nl",
    "upcmail.nl",
];

/// Why an e-mail address looks mistyped, if it does.
pub fn email(address: &str) -> Option<String> {
    let (local, domain) = address.rsplit_once('@')?;
    let domain = domain.to_lowercase();
    if PROVIDERS.contains(&domain.as_str()) {
        return None;
    }
    PROVIDERS
        .iter()
        .map(|p| (strsim::damerau_levenshtein(&domain, p), p))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, p)| format!("Looks mistyped: did they mean {local}@{p}?"))
}

/// Why a phone number (E.164) looks made up, if it does: one digit repeated, or a
/// run like 12345678 after the first digits.
pub fn phone(e164: &str) -> Option<String> {
    let digits: Vec<u8> = e164
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .collect();
    // The subscriber number: the last eight digits (a Dutch mobile is 6 + 8 digits).
    let tail = &digits[digits.len().saturating_sub(8)..];
    if tail.len() < 8 {
        return None;
    }
    let repeated = tail.iter().all(|d| *d == tail[0]);
    let rising = tail.windows(2).all(|w| w[1] == (w[0] + 1) % 10);
    let falling = tail.windows(2).all(|w| w[0] == (w[1] + 1) % 10);
    (repeated || rising || falling).then(|| "Looks made up: check this number.".to_string())
}

/// Why a house number looks wrong, if it does: no digit, or zero.
pub fn house_number(value: &str) -> Option<String> {
    let digits: String = value.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() {
        Some("A house number usually starts with a digit.".into())
    } else if digits.parse::<u64>().is_ok_and(|n| n == 0) {
        Some("House number 0 does not exist.".into())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_provider_one_letter_off_is_flagged_with_the_likely_address() {
        assert_eq!(
            email("jan@gmial.com").as_deref(),
            Some("Looks mistyped: did they mean jan@gmail.com?")
        );
        assert!(
            email("jan@hotmail.con")
                .unwrap()
                .contains("jan@hotmail.com")
        );
        assert_eq!(email("jan@gmail.com"), None);
        assert_eq!(email("jan@dekker-autos.nl"), None);
        assert_eq!(email("no-at-sign"), None);
    }

    #[test]
    fn placeholder_numbers_are_flagged_and_real_ones_are_not() {
        assert!(phone("+31612345678").is_some());
        assert!(phone("+31600000000").is_some());
        assert!(phone("+31687654321").is_some());
        assert_eq!(phone("+31612345987"), None);
        assert_eq!(phone("+31334567812"), None);
        assert_eq!(phone("+3161"), None);
    }

    #[test]
    fn house_numbers_need_a_digit_that_is_not_zero() {
        assert!(house_number("abc").is_some());
        assert!(house_number("0").is_some());
        assert_eq!(house_number("12a"), None);
        assert_eq!(house_number("7"), None);
    }
}
