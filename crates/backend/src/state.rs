//! Shared server state, handed to every handler and server function.

use datacheck_core::words::CustomerWords;
use sqlx::PgPool;
use std::sync::Arc;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeployEnv {
    Dev,
    Prod,
}

/// Settings resolved at start-up (the server's config module builds them from the
/// environment). Not `Serialize`: it holds the session key.
#[derive(Clone)]
pub struct Settings {
    pub env: DeployEnv,
    /// No SMTP server configured (development): mails are kept for the dev mailbox page.
    pub dev_mailbox: bool,
    /// Base URL for links in mails; never derived from a request's Host header.
    pub public_url: String,
    pub time_zone: jiff::tz::TimeZone,
    pub time_zone_name: String,
    /// Keys the session-token hash and the client-address hash.
    pub session_key: [u8; 32],
    /// Seal and open personal links.
    pub link_keys: link_token::Keyring,
    /// The default sender address of runs.
    pub mail_from: String,
    /// Use the last X-Forwarded-For hop as the client address (behind a proxy).
    pub trust_forwarded_for: bool,
}

impl Settings {
    /// Development settings with fixed keys, for unit tests.
    #[cfg(test)]
    pub fn for_unit_tests() -> Self {
        Settings {
            env: DeployEnv::Dev,
            dev_mailbox: true,
            public_url: "http://127.0.0.1:3000".into(),
            time_zone: jiff::tz::TimeZone::get("Europe/Amsterdam").expect("bundled zone"),
            time_zone_name: "Europe/Amsterdam".into(),
            session_key: [0; 32],
            link_keys: link_token::Keyring::new(&[(1, [1; 32])]).expect("valid key"),
            mail_from: "noreply@datacheck.test".into(),
            trust_forwarded_for: false,
        }
    }

    /// Cookies are `Secure` everywhere but in development over plain http.
    pub fn secure_cookies(&self) -> bool {
        self.env == DeployEnv::Prod || self.public_url.starts_with("https://")
    }
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("env", &self.env)
            .field("public_url", &self.public_url)
            .field("time_zone", &self.time_zone_name)
            .field("session_key", &"<redacted>")
            .field("link_keys", &self.link_keys)
            .field("dev_mailbox", &self.dev_mailbox)
            .field("trust_forwarded_for", &self.trust_forwarded_for)
            .finish()
    }
}

/// What every backend call may need: the database, the settings, and the customer's
/// words that answers keep as proof (supplied by the UI, which owns the translations).
#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub settings: Arc<Settings>,
    pub words: &'static dyn CustomerWords,
}
