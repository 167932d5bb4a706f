//! Staff passwords: argon2id hashes (the argon2 crate's defaults follow OWASP's
//! recommendation), checked off the async runtime because hashing takes real CPU time.

use crate::Error;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use datacheck_core::error::AppError;
use rand::Rng;

pub const MIN_LEN: usize = 10;
/// Bounded so a huge "password" cannot keep a core busy.
pub const MAX_LEN: usize = 256;

/// A hash of a random password nobody knows, verified when the account does not exist
/// so that a wrong e-mail address takes as long as a wrong password.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_blocking(&temporary()).unwrap_or_default())
}

/// Checks the rules a new password must meet; the message sits next to the field.
pub fn check_policy(password: &str, field: &str) -> Result<(), AppError> {
    let len = password.chars().count();
    if len < MIN_LEN {
        return Err(AppError::invalid(
            field,
            format!("Use at least {MIN_LEN} characters."),
        ));
    }
    if len > MAX_LEN {
        return Err(AppError::invalid(
            field,
            format!("Use at most {MAX_LEN} characters."),
        ));
    }
    Ok(())
}

pub fn hash_blocking(password: &str) -> Result<String, Error> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::failed("hashing a password", e))
}

pub async fn hash(password: String) -> Result<String, Error> {
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .map_err(|e| Error::failed("hashing a password", e))?
}

/// True when `password` matches `hash`. A malformed hash never matches.
pub fn verify_blocking(password: &str, hash: &str) -> bool {
    if password.len() > MAX_LEN * 4 {
        return false;
    }
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Verifies against `hash`, or against a dummy hash when there is no account, so both
/// cases cost the same.
pub async fn verify(password: String, hash: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || match hash {
        Some(h) => verify_blocking(&password, &h),
        None => {
            let _ = verify_blocking(&password, dummy_hash());
            false
        }
    })
    .await
    .unwrap_or(false)
}

/// A temporary password for an invited user: 16 characters from an alphabet without
/// look-alikes (no 0/O, 1/l/I), about 93 bits.
pub fn temporary() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    (0..16)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_argon2id_and_verifies_only_the_same_password() {
        let h = hash_blocking("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_blocking("correct horse battery", &h));
        assert!(!verify_blocking("correct horse batterY", &h));
        assert!(!verify_blocking("", &h));
    }

    #[test]
    fn same_password_hashes_differently_each_time() {
        assert_ne!(
            hash_blocking("same password").unwrap(),
            hash_blocking("same password").unwrap()
        );
    }

    #[test]
    fn malformed_hash_never_verifies() {
        assert!(!verify_blocking("anything", "not a hash"));
        assert!(!verify_blocking("anything", ""));
        assert!(dummy_hash().starts_with("$argon2id$"));
        assert!(!verify_blocking("anything", dummy_hash()));
    }

    #[test]
    fn policy_rejects_short_and_huge_passwords() {
        assert!(check_policy("short", "password").is_err());
        assert!(check_policy(&"x".repeat(MAX_LEN + 1), "password").is_err());
        assert!(check_policy("long enough pw", "password").is_ok());
        let err = check_policy("short", "new_password").unwrap_err();
        assert!(err.for_field("new_password").is_some());
    }

    #[test]
    fn temporary_passwords_meet_the_policy_and_differ() {
        let a = temporary();
        let b = temporary();
        assert_eq!(a.len(), 16);
        assert!(check_policy(&a, "p").is_ok());
        assert_ne!(a, b);
    }
}
