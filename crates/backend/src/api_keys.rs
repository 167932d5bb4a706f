//! Keys of the DMS API: made by admins, shown once, stored as a prefix and a SHA-256 of
//! the secret, limited to companies, revocable. A key reads `dck_<prefix>.<secret>`.
//!
//! Must not: store or log a secret, or accept a revoked key.

use crate::Error;
use crate::audit::Actor;
use crate::db;
use crate::scope::CompanyScope;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use datacheck_core::error::AppError;
use datacheck_core::wire::CompanyId;
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::PgPool;

/// A DMS authenticated by its key.
#[derive(Clone, Debug)]
pub struct ApiClient {
    pub key_id: i64,
    pub name: String,
    pub scope: CompanyScope,
}

impl ApiClient {
    pub fn actor(&self) -> Actor {
        Actor::ApiKey {
            id: self.key_id,
            name: self.name.clone(),
        }
    }
}

/// What is stored of a key: the SHA-256 of its secret part.
pub fn hash(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

/// A new key: the full text (to show once) and the parts to store.
pub struct NewKey {
    pub text: String,
    pub prefix: String,
    pub secret_hash: Vec<u8>,
}

pub fn generate() -> NewKey {
    let mut rng = rand::rngs::OsRng;
    let mut p = [0u8; 6];
    rng.fill_bytes(&mut p);
    let mut s = [0u8; 32];
    rng.fill_bytes(&mut s);
    let prefix = format!("dck_{}", hex::encode(p));
    let secret = URL_SAFE_NO_PAD.encode(s);
    NewKey {
        text: format!("{prefix}.{secret}"),
        secret_hash: hash(&secret),
        prefix,
    }
}

/// A fresh webhook signing secret (`whsec_` and 32 random bytes).
pub fn webhook_secret() -> String {
    let mut s = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut s);
    format!("whsec_{}", URL_SAFE_NO_PAD.encode(s))
}

/// A webhook URL as given, checked: blank means none. Production needs https (the
/// notice is signed, but its existence should not travel in the clear); development
/// also takes http, for a DMS on the same machine.
pub fn check_webhook_url(raw: &str, env: crate::DeployEnv) -> Result<Option<String>, Error> {
    let url = raw.trim();
    if url.is_empty() {
        return Ok(None);
    }
    let bad = |m: &str| Err(AppError::invalid("webhook_url", m).into());
    let host = url.strip_prefix("https://").or_else(|| {
        url.strip_prefix("http://")
            .filter(|_| env == crate::DeployEnv::Dev)
    });
    match host {
        None if env == crate::DeployEnv::Prod => bad("Give an address that starts with https://."),
        None => bad("Give an address that starts with https:// (or http:// while developing)."),
        Some(rest) if rest.is_empty() || rest.starts_with('/') => {
            bad("The address needs a host name.")
        }
        Some(_) if url.len() > 500 || url.chars().any(char::is_whitespace) => {
            bad("Give one address of at most 500 characters, without spaces.")
        }
        Some(_) => Ok(Some(url.to_string())),
    }
}

/// Equal without an early exit, so timing tells nothing about how much matched.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The client for an `Authorization: Bearer dck_…` header value; `Unauthenticated`
/// for a missing, malformed, unknown, wrong or revoked key (one answer for all).
pub async fn authenticate(pool: &PgPool, authorization: Option<&str>) -> Result<ApiClient, Error> {
    let token = authorization
        .and_then(|h| h.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or(AppError::Unauthenticated)?;
    let (prefix, secret) = token.split_once('.').ok_or(AppError::Unauthenticated)?;
    if !prefix.starts_with("dck_") || prefix.len() > 40 {
        return Err(AppError::Unauthenticated.into());
    }
    let key = db::api_key::use_active(pool, prefix)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    if !same(&hash(secret), &key.secret_hash) {
        return Err(AppError::Unauthenticated.into());
    }
    let scope = match key.company_ids {
        None => CompanyScope::all(),
        Some(ids) => CompanyScope::only(ids.into_iter().map(CompanyId).collect()),
    };
    Ok(ApiClient {
        key_id: key.id,
        name: key.name,
        scope,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_only_their_hash_is_kept() {
        let a = generate();
        let b = generate();
        assert_ne!(a.text, b.text);
        assert!(a.text.starts_with(&format!("{}.", a.prefix)));
        let secret = a.text.split_once('.').unwrap().1;
        assert!(same(&hash(secret), &a.secret_hash));
        assert!(!same(&hash("other"), &a.secret_hash));
        assert!(
            !a.secret_hash
                .windows(secret.len())
                .any(|w| w == secret.as_bytes())
        );
    }
}
