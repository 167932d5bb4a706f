//! The sealed token in a personal link (`/c/{token}`, `/p/{token}`).
//!
//! A token is `base64url(key_id ‖ nonce ‖ ciphertext)`: one byte naming the key, a random
//! 24-byte XChaCha20-Poly1305 nonce, and the encrypted claims with their 16-byte tag. The
//! claims are a format version, the id of what the link opens (a run recipient, a
//! contact's preferences) and the expiry in Unix seconds. The purpose of the link is the
//! associated data, so a token made for one purpose never opens another.
//!
//! The token reveals nothing and any change to it fails authentication. Opening never
//! panics, whatever the input: it is fuzzed (`fuzz/`) and property-tested.
//!
//! This crate owns only the byte format and the keyring. It knows nothing of runs,
//! databases or clocks: callers pass the time, so tests can stand on either side of an
//! expiry.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

const VERSION: u8 = 1;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
const CLAIMS_LEN: usize = 1 + 8 + 8;
/// Bytes of a token before base64: key id, nonce, claims, tag.
pub const TOKEN_BYTES: usize = 1 + NONCE_LEN + CLAIMS_LEN + TAG_LEN;
/// Length of a token as it appears in a URL.
pub const TOKEN_CHARS: usize = (TOKEN_BYTES * 4).div_ceil(3);

/// What a link is for. Each purpose is a different associated-data label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// The customer page of one run recipient.
    Portal,
    /// A contact's lasting subscription preferences.
    Preferences,
}

impl Purpose {
    fn label(self) -> &'static [u8] {
        match self {
            Purpose::Portal => b"datacheck/portal/v1",
            Purpose::Preferences => b"datacheck/preferences/v1",
        }
    }
}

/// What a token says once it has been opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Claims {
    /// The id of what the link opens (a run recipient for `Purpose::Portal`).
    pub subject: u64,
    /// The first second at which the link no longer opens (Unix seconds, UTC).
    pub expires_at: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    /// Not a token of ours: malformed, tampered with, another purpose, or made with a
    /// key that is no longer configured. Callers must not say which.
    #[error("the link is not valid")]
    Invalid,
    /// Authentic but past its expiry; the claims say whose link it was, so a fresh one
    /// can be offered.
    #[error("the link has expired")]
    Expired(Claims),
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum KeyringError {
    #[error("no link keys given")]
    Empty,
    #[error("link key `{0}` is not written as `id:key` (id 1-255, key 32 bytes in base64)")]
    Malformed(String),
    #[error("link key id {0} is given twice")]
    DuplicateId(u8),
    #[error("link key {0} must be 32 random bytes in base64 (e.g. `openssl rand -base64 32`)")]
    BadKey(u8),
}

/// The configured keys: the first seals new tokens, all of them open tokens, so a key
/// can be retired by moving it out of first place and dropped once its links expired.
#[derive(Clone)]
pub struct Keyring {
    keys: Vec<(u8, XChaCha20Poly1305)>,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids: Vec<u8> = self.keys.iter().map(|(id, _)| *id).collect();
        f.debug_struct("Keyring").field("key_ids", &ids).finish()
    }
}

impl Keyring {
    /// Keys as `(id, 32 bytes)`, the active one first.
    pub fn new(keys: &[(u8, [u8; 32])]) -> Result<Self, KeyringError> {
        if keys.is_empty() {
            return Err(KeyringError::Empty);
        }
        let mut out: Vec<(u8, XChaCha20Poly1305)> = Vec::with_capacity(keys.len());
        for (id, key) in keys {
            if *id == 0 {
                return Err(KeyringError::Malformed("0".into()));
            }
            if out.iter().any(|(seen, _)| seen == id) {
                return Err(KeyringError::DuplicateId(*id));
            }
            let cipher =
                XChaCha20Poly1305::new_from_slice(key).map_err(|_| KeyringError::BadKey(*id))?;
            out.push((*id, cipher));
        }
        Ok(Keyring { keys: out })
    }

    /// Parses `DATACHECK_LINK_KEYS`: comma-separated `id:base64key`, the active key
    /// first, e.g. `2:q83v…=,1:Zm9v…=`.
    pub fn parse(spec: &str) -> Result<Self, KeyringError> {
        let mut keys = Vec::new();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (id, key) = part
                .split_once(':')
                .ok_or_else(|| KeyringError::Malformed(redact(part)))?;
            let id: u8 = id
                .trim()
                .parse()
                .map_err(|_| KeyringError::Malformed(redact(part)))?;
            let key = key.trim();
            let bytes = STANDARD
                .decode(key)
                .or_else(|_| URL_SAFE_NO_PAD.decode(key.trim_end_matches('=')))
                .map_err(|_| KeyringError::BadKey(id))?;
            let bytes: [u8; 32] = bytes.try_into().map_err(|_| KeyringError::BadKey(id))?;
            keys.push((id, bytes));
        }
        Keyring::new(&keys)
    }

    /// The id of the key that seals new tokens.
    pub fn active_id(&self) -> u8 {
        self.keys[0].0
    }

    pub fn key_ids(&self) -> impl Iterator<Item = u8> + '_ {
        self.keys.iter().map(|(id, _)| *id)
    }

    /// Seals claims with the active key and a fresh random nonce.
    pub fn seal(&self, purpose: Purpose, claims: Claims) -> String {
        let (id, cipher) = &self.keys[0];
        seal_with(*id, cipher, purpose, claims)
    }

    /// Opens a token at `now` (Unix seconds). Never panics; says nothing about why a
    /// token is invalid.
    pub fn open(&self, purpose: Purpose, token: &str, now: i64) -> Result<Claims, OpenError> {
        let claims = self.authenticate(purpose, token)?;
        if now >= claims.expires_at {
            return Err(OpenError::Expired(claims));
        }
        Ok(claims)
    }

    fn authenticate(&self, purpose: Purpose, token: &str) -> Result<Claims, OpenError> {
        if token.len() != TOKEN_CHARS {
            return Err(OpenError::Invalid);
        }
        let bytes = URL_SAFE_NO_PAD
            .decode(token)
            .map_err(|_| OpenError::Invalid)?;
        if bytes.len() != TOKEN_BYTES {
            return Err(OpenError::Invalid);
        }
        let (key_id, rest) = bytes.split_first().ok_or(OpenError::Invalid)?;
        let (_, cipher) = self
            .keys
            .iter()
            .find(|(id, _)| id == key_id)
            .ok_or(OpenError::Invalid)?;
        let (nonce, sealed) = rest.split_at(NONCE_LEN);
        let nonce = XNonce::try_from(nonce).map_err(|_| OpenError::Invalid)?;
        let plain = cipher
            .decrypt(
                &nonce,
                Payload {
                    msg: sealed,
                    aad: &aad(*key_id, purpose),
                },
            )
            .map_err(|_| OpenError::Invalid)?;
        decode_claims(&plain).ok_or(OpenError::Invalid)
    }
}

/// The key id is bound too, so a token cannot be re-labelled to another key.
fn aad(key_id: u8, purpose: Purpose) -> Vec<u8> {
    let mut aad = purpose.label().to_vec();
    aad.push(key_id);
    aad
}

fn seal_with(id: u8, cipher: &XChaCha20Poly1305, purpose: Purpose, claims: Claims) -> String {
    use chacha20poly1305::aead::Generate;
    let nonce = XNonce::generate();
    let mut plain = [0u8; CLAIMS_LEN];
    plain[0] = VERSION;
    plain[1..9].copy_from_slice(&claims.subject.to_be_bytes());
    plain[9..17].copy_from_slice(&claims.expires_at.to_be_bytes());
    let sealed = cipher
        .encrypt(
            &nonce,
            Payload {
                msg: &plain,
                aad: &aad(id, purpose),
            },
        )
        .expect("encrypting 17 bytes in memory cannot fail");
    let mut bytes = Vec::with_capacity(TOKEN_BYTES);
    bytes.push(id);
    bytes.extend_from_slice(nonce.as_slice());
    bytes.extend_from_slice(&sealed);
    URL_SAFE_NO_PAD.encode(bytes)
}

fn decode_claims(plain: &[u8]) -> Option<Claims> {
    if plain.len() != CLAIMS_LEN || plain[0] != VERSION {
        return None;
    }
    Some(Claims {
        subject: u64::from_be_bytes(plain[1..9].try_into().ok()?),
        expires_at: i64::from_be_bytes(plain[9..17].try_into().ok()?),
    })
}

/// Error messages name the key id, never the key.
fn redact(part: &str) -> String {
    part.split(':')
        .next()
        .unwrap_or("")
        .chars()
        .take(8)
        .collect()
}

/// A fresh random key for `DATACHECK_LINK_KEYS` or the development key.
pub fn generate_key() -> [u8; 32] {
    use chacha20poly1305::aead::{Generate, Key};
    let key = Key::<XChaCha20Poly1305>::generate();
    let mut out = [0u8; 32];
    out.copy_from_slice(key.as_slice());
    out
}

#[cfg(test)]
mod tests;
