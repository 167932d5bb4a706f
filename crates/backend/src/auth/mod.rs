//! Staff sessions: a random token in an HttpOnly cookie, its keyed hash in PostgreSQL.
//!
//! Owns the cookie format, session lifetime and the `Staff` value that every server
//! function obtains through `require_staff` / `require_admin`. It does not decide what a
//! staff user may do with a company: that is `CompanyScope`, which it hands out.

use crate::Error;
pub mod sign_in;

use crate::Settings;
use crate::audit::Actor;
use crate::db;
use crate::scope::CompanyScope;
use base64::Engine;
use datacheck_core::wire::{CompanyId, Me, StaffRole, StaffUserId};
use hmac::{Hmac, Mac};
use http::HeaderMap;
use rand::RngCore;
use sha2::Sha256;
use sqlx::PgPool;
use time::{Duration, OffsetDateTime};

pub const COOKIE: &str = "dc_session";
/// A session ends after this long without use.
pub const IDLE_TIMEOUT: Duration = Duration::hours(12);
/// Last-seen is written at most this often, so reads do not turn into writes.
const TOUCH_EVERY: Duration = Duration::minutes(5);

/// The signed-in staff user and what they may see.
#[derive(Clone, Debug)]
pub struct Staff {
    pub id: StaffUserId,
    pub email: String,
    pub display_name: String,
    pub role: StaffRole,
    pub must_change_password: bool,
    pub scope: CompanyScope,
}

impl Staff {
    pub fn actor(&self) -> Actor {
        Actor::Staff {
            id: self.id,
            email: self.email.clone(),
        }
    }

    pub fn is_admin(&self) -> bool {
        self.role == StaffRole::Admin
    }
}

pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// HMAC-SHA256 under the session key: what the database stores instead of the token.
pub fn keyed_hash(key: &[u8; 32], value: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(value);
    mac.finalize().into_bytes().to_vec()
}

pub fn session_cookie(token: &str, settings: &Settings) -> String {
    cookie::Cookie::build((COOKIE, token.to_string()))
        .path("/")
        .http_only(true)
        .secure(settings.secure_cookies())
        .same_site(cookie::SameSite::Lax)
        .max_age(cookie::time::Duration::seconds(
            IDLE_TIMEOUT.whole_seconds(),
        ))
        .build()
        .to_string()
}

pub fn clear_cookie(settings: &Settings) -> String {
    cookie::Cookie::build((COOKIE, ""))
        .path("/")
        .http_only(true)
        .secure(settings.secure_cookies())
        .same_site(cookie::SameSite::Lax)
        .max_age(cookie::time::Duration::ZERO)
        .build()
        .to_string()
}

pub fn token_from_headers(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == COOKIE)
        .map(|c| c.value().to_string())
        .filter(|v| !v.is_empty() && v.len() <= 100)
}

/// Starts a session for a user who just proved who they are; returns the cookie token.
pub async fn create_session(
    pool: &PgPool,
    settings: &Settings,
    user: StaffUserId,
) -> Result<String, Error> {
    let token = new_token();
    let hash = keyed_hash(&settings.session_key, token.as_bytes());
    db::staff_session::insert(
        pool,
        &hash,
        user.0,
        OffsetDateTime::now_utc() + IDLE_TIMEOUT,
    )
    .await?;
    Ok(token)
}

pub async fn end_session(pool: &PgPool, settings: &Settings, token: &str) -> Result<(), Error> {
    let hash = keyed_hash(&settings.session_key, token.as_bytes());
    db::staff_session::delete(pool, &hash).await?;
    Ok(())
}

/// The staff user behind a session token, when the session is live and the user enabled.
pub async fn staff_for_token(
    pool: &PgPool,
    settings: &Settings,
    token: &str,
) -> Result<Option<Staff>, Error> {
    let hash = keyed_hash(&settings.session_key, token.as_bytes());
    let now = OffsetDateTime::now_utc();
    let Some(row) = db::staff_session::find_live(pool, &hash, now).await? else {
        return Ok(None);
    };
    if now - row.last_seen_at > TOUCH_EVERY {
        db::staff_session::touch(pool, &hash, now, now + IDLE_TIMEOUT).await?;
    }
    let role = row.role;
    let scope = match role {
        StaffRole::Admin => CompanyScope::all(),
        StaffRole::Staff => CompanyScope::only(
            db::staff_user::company_ids(pool, row.staff_user_id)
                .await?
                .into_iter()
                .map(CompanyId)
                .collect(),
        ),
    };
    Ok(Some(Staff {
        id: StaffUserId(row.staff_user_id),
        email: row.email,
        display_name: row.display_name,
        role,
        must_change_password: row.must_change_password,
        scope,
    }))
}

pub async fn staff_for_headers(
    pool: &PgPool,
    settings: &Settings,
    headers: &HeaderMap,
) -> Result<Option<Staff>, Error> {
    match token_from_headers(headers) {
        Some(token) => staff_for_token(pool, settings, &token).await,
        None => Ok(None),
    }
}

/// The client's address for throttling: the TCP peer, or the last X-Forwarded-For hop
/// when the deployment says a proxy sets it.
pub fn client_address(
    settings: &Settings,
    headers: &HeaderMap,
    peer: Option<std::net::SocketAddr>,
) -> String {
    if settings.trust_forwarded_for
        && let Some(last) = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .rfind(|s| !s.is_empty())
    {
        return last.to_string();
    }
    peer.map(|p| p.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// The client address as throttling counts it: a keyed hash, enough to count, not to
/// identify.
pub fn client_hash(
    settings: &Settings,
    headers: &HeaderMap,
    peer: Option<std::net::SocketAddr>,
) -> Vec<u8> {
    keyed_hash(
        &settings.session_key,
        client_address(settings, headers, peer).as_bytes(),
    )
}

/// The `Me` the UI shows, with the names of the companies in scope.
pub async fn me_for(pool: &PgPool, staff: &Staff, dev_mailbox: bool) -> Result<Me, Error> {
    let companies = db::company::refs_in_scope(pool, &staff.scope).await?;
    Ok(Me {
        id: staff.id,
        email: staff.email.clone(),
        display_name: staff.display_name.clone(),
        role: staff.role,
        must_change_password: staff.must_change_password,
        companies,
        dev_mailbox,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashes_depend_on_the_key() {
        let a = new_token();
        assert_ne!(a, new_token());
        assert_eq!(a.len(), 43);
        let k1 = [1u8; 32];
        let k2 = [2u8; 32];
        assert_eq!(keyed_hash(&k1, a.as_bytes()), keyed_hash(&k1, a.as_bytes()));
        assert_ne!(keyed_hash(&k1, a.as_bytes()), keyed_hash(&k2, a.as_bytes()));
    }

    #[test]
    fn cookie_is_http_only_lax_and_read_back_from_headers() {
        let settings = Settings {
            env: crate::DeployEnv::Prod,
            public_url: "https://datacheck.example".into(),
            time_zone: jiff::tz::TimeZone::UTC,
            time_zone_name: "UTC".into(),
            session_key: [0; 32],
            trust_forwarded_for: false,
            ..Settings::for_unit_tests()
        };
        let c = session_cookie("tok", &settings);
        assert!(c.contains("HttpOnly"), "{c}");
        assert!(c.contains("SameSite=Lax"), "{c}");
        assert!(c.contains("Secure"), "{c}");
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::COOKIE,
            "a=b; dc_session=tok; c=d".parse().unwrap(),
        );
        assert_eq!(token_from_headers(&headers).as_deref(), Some("tok"));
        let dev = Settings {
            env: crate::DeployEnv::Dev,
            public_url: "http://127.0.0.1:3000".into(),
            ..settings
        };
        assert!(!session_cookie("tok", &dev).contains("Secure"));
    }

    #[test]
    fn forwarded_for_is_used_only_when_trusted() {
        let mut settings = Settings {
            env: crate::DeployEnv::Dev,
            public_url: "http://x".into(),
            time_zone: jiff::tz::TimeZone::UTC,
            time_zone_name: "UTC".into(),
            session_key: [0; 32],
            trust_forwarded_for: false,
            ..Settings::for_unit_tests()
        };
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", "1.1.1.1, 2.2.2.2".parse().unwrap());
        let peer = Some("10.0.0.9:5000".parse().unwrap());
        assert_eq!(client_address(&settings, &headers, peer), "10.0.0.9");
        settings.trust_forwarded_for = true;
        assert_eq!(client_address(&settings, &headers, peer), "2.2.2.2");
    }
}
