//! What admins manage: staff users, companies, DMS API keys, and the audit log they
//! read. Every function here expects an admin (the caller checked) and audits its
//! change in the same transaction.

pub mod api_key_admin;
pub mod audit_log;
pub mod companies;
pub mod staff_users;
pub mod subscription_types;

use datacheck_core::error::AppError;

/// Trimmed, whitespace-collapsed text between 1 and `max` characters.
pub fn clean_name(raw: &str, field: &str, what: &str, max: usize) -> Result<String, AppError> {
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err(AppError::invalid(field, format!("Enter {what}.")));
    }
    if name.chars().count() > max {
        return Err(AppError::invalid(
            field,
            format!("Use at most {max} characters."),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(AppError::invalid(field, "Remove the control characters."));
    }
    Ok(name)
}

/// A plausible staff e-mail address, lower-cased. The full e-mail rules arrive with the
/// domain types; staff addresses only need to be usable for sign-in.
pub fn clean_staff_email(raw: &str) -> Result<String, AppError> {
    let email = raw.trim().to_lowercase();
    let valid = email.len() <= 254
        && !email.contains(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
        });
    if valid {
        Ok(email)
    } else {
        Err(AppError::invalid(
            "email",
            "Enter a valid e-mail address, like name@example.com.",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            clean_name("  Garage   Dekker ", "name", "a name", 200).unwrap(),
            "Garage Dekker"
        );
        assert!(clean_name("   ", "name", "a name", 200).is_err());
        assert!(clean_name(&"x".repeat(201), "name", "a name", 200).is_err());
        assert!(clean_name("a\u{7}b", "name", "a name", 200).is_err());
    }

    #[test]
    fn staff_emails_are_lowercased_and_checked() {
        assert_eq!(
            clean_staff_email(" Anna@Example.COM ").unwrap(),
            "anna@example.com"
        );
        for bad in [
            "",
            "anna",
            "anna@",
            "@example.com",
            "an na@example.com",
            "a@b",
            "a@.b.c",
            "a@b@c.d",
        ] {
            assert!(clean_staff_email(bad).is_err(), "{bad}");
        }
    }
}
