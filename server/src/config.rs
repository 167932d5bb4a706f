//! Configuration from environment variables (or the same names as flags), resolved into
//! `Settings` with checks: production refuses to start without its secrets.

use anyhow::{Context, Result, bail};
use backend::{DeployEnv, Settings};
use clap::{Args, ValueEnum};
use sha2::{Digest, Sha256};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EnvArg {
    Dev,
    Prod,
}

#[derive(Args, Clone, Debug)]
pub struct Config {
    /// PostgreSQL connection URL. `cargo xtask serve` starts a private cluster and sets it.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,

    /// `dev` for development (generated secrets, demo data allowed, cookies without
    /// Secure over http), `prod` for production (all secrets required).
    #[arg(long, env = "DATACHECK_ENV", value_enum, default_value = "dev")]
    pub env: EnvArg,

    /// Secret that keys session and client-address hashes; at least 32 characters.
    /// Required in prod; in dev one is generated once and kept in the database.
    #[arg(long, env = "DATACHECK_SESSION_SECRET", hide_env_values = true)]
    pub session_secret: Option<String>,

    /// Base URL of this deployment, used in links in e-mails (never taken from the
    /// request's Host header). Required in prod, and must be https there.
    #[arg(long, env = "DATACHECK_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// The organisation's IANA time zone: dates are shown in it, and a run's links die at
    /// the end of its valid-to day in it.
    #[arg(long, env = "DATACHECK_TIME_ZONE", default_value = "Europe/Amsterdam")]
    pub time_zone: String,

    /// Take the client address for sign-in throttling from the last X-Forwarded-For hop.
    /// Only behind a proxy that sets it.
    #[arg(long, env = "DATACHECK_TRUST_FORWARDED_FOR", default_value_t = false)]
    pub trust_forwarded_for: bool,

    /// Seed demo data into an empty database at start-up (dev only).
    #[arg(long, env = "DATACHECK_DEMO", default_value_t = false)]
    pub demo: bool,

    /// Keys that seal personal links: comma-separated `id:base64key` (id 1-255, 32 random
    /// bytes each, e.g. `1:$(openssl rand -base64 32)`), the active key first. Older keys
    /// after it keep opening the links they sealed. Required in prod; in dev one key is
    /// generated once and kept in the database.
    #[arg(long, env = "DATACHECK_LINK_KEYS", hide_env_values = true)]
    pub link_keys: Option<String>,

    /// SMTP server for outgoing mail, e.g. `smtps://user:pass@smtp.example.nl` or
    /// `smtp://127.0.0.1:2525` (see lettre's URL forms). Required in prod; without it in
    /// dev, mails land in the staff "dev mailbox" page.
    #[arg(long, env = "DATACHECK_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,

    /// The default sender address of runs (the sender name defaults to the company).
    #[arg(long, env = "DATACHECK_MAIL_FROM")]
    pub mail_from: Option<String>,

    /// Run the mail outbox worker in this process. Several processes may run it at once.
    #[arg(long, env = "DATACHECK_MAIL_WORKER", default_value_t = true, action = clap::ArgAction::Set)]
    pub mail_worker: bool,

    /// Days a processed or ignored mutation is kept (counted from its review) before
    /// the server deletes it; 0 keeps them forever. New mutations are never deleted.
    #[arg(long, env = "DATACHECK_MUTATION_RETENTION_DAYS", default_value_t = 365)]
    pub mutation_retention_days: u32,

    /// Size of the database connection pool of this process.
    #[arg(long, env = "DATACHECK_DB_POOL_SIZE", default_value_t = 10)]
    pub db_pool_size: u32,
}

/// Settings that need no database: everything but a generated dev session key.
pub struct Checked {
    pub env: DeployEnv,
    pub database_url: String,
    pub public_url: String,
    pub time_zone: jiff::tz::TimeZone,
    pub time_zone_name: String,
    /// `None` in dev without a configured secret: generated and kept in the database.
    pub session_key: Option<[u8; 32]>,
    /// `None` in dev without configured keys: one is generated and kept in the database.
    pub link_keys: Option<link_token::Keyring>,
    pub smtp_url: Option<String>,
    pub mail_from: String,
}

impl Config {
    /// Checks the configuration; every problem is reported at once, by variable name.
    pub fn check(&self) -> Result<Checked> {
        let env = match self.env {
            EnvArg::Dev => DeployEnv::Dev,
            EnvArg::Prod => DeployEnv::Prod,
        };
        let mut problems = Vec::new();
        let database_url = self.database_url.clone().unwrap_or_default();
        if database_url.is_empty() {
            problems.push(
                "DATABASE_URL is not set (in development, `cargo xtask serve` sets it)".to_string(),
            );
        }
        let session_key = match self.session_secret.as_deref() {
            Some(s) if s.chars().count() >= 32 => Some(Sha256::digest(s.as_bytes()).into()),
            Some(_) => {
                problems.push("DATACHECK_SESSION_SECRET must be at least 32 characters".into());
                None
            }
            None if env == DeployEnv::Prod => {
                problems.push(
                    "DATACHECK_SESSION_SECRET is required in production (32+ random characters, e.g. `openssl rand -base64 48`)"
                        .into(),
                );
                None
            }
            None => None,
        };
        let public_url = match (self.public_url.as_deref(), env) {
            (Some(u), DeployEnv::Prod) if !u.starts_with("https://") => {
                problems.push("DATACHECK_PUBLIC_URL must start with https:// in production".into());
                String::new()
            }
            (Some(u), _)
                if (u.starts_with("http://") || u.starts_with("https://"))
                    && url::Url::parse(u).is_ok_and(|p| p.host().is_some()) =>
            {
                u.trim_end_matches('/').to_string()
            }
            (Some(_), _) => {
                problems.push(
                    "DATACHECK_PUBLIC_URL must be an http:// or https:// URL with a host".into(),
                );
                String::new()
            }
            (None, DeployEnv::Prod) => {
                problems.push("DATACHECK_PUBLIC_URL is required in production".into());
                String::new()
            }
            (None, DeployEnv::Dev) => "http://127.0.0.1:3000".into(),
        };
        let time_zone = match jiff::tz::TimeZone::get(&self.time_zone) {
            Ok(tz) => Some(tz),
            Err(_) => {
                problems.push(format!(
                    "DATACHECK_TIME_ZONE `{}` is not an IANA time zone (e.g. Europe/Amsterdam)",
                    self.time_zone
                ));
                None
            }
        };
        let link_keys = match (self.link_keys.as_deref(), env) {
            (Some(spec), _) => match link_token::Keyring::parse(spec) {
                Ok(k) => Some(k),
                Err(e) => {
                    problems.push(format!("DATACHECK_LINK_KEYS: {e}"));
                    None
                }
            },
            (None, DeployEnv::Prod) => {
                problems.push(
                    "DATACHECK_LINK_KEYS is required in production (e.g. `1:` followed by `openssl rand -base64 32`)"
                        .into(),
                );
                None
            }
            (None, DeployEnv::Dev) => None,
        };
        let smtp_url = match (self.smtp_url.as_deref().map(str::trim), env) {
            (Some(u), _) if !u.is_empty() => {
                if let Err(e) = backend::mail::check_smtp_url(u) {
                    problems.push(format!("DATACHECK_SMTP_URL: {e}"));
                }
                Some(u.to_string())
            }
            (_, DeployEnv::Prod) => {
                problems.push("DATACHECK_SMTP_URL is required in production".into());
                None
            }
            _ => None,
        };
        let mail_from = match (self.mail_from.as_deref().map(str::trim), env) {
            (Some(a), _) if !a.is_empty() => match datacheck_core::domain::Email::parse(a) {
                Ok(e) => e.as_str().to_string(),
                Err(e) => {
                    problems.push(format!("DATACHECK_MAIL_FROM: {e}"));
                    String::new()
                }
            },
            (_, DeployEnv::Prod) => {
                problems.push(
                    "DATACHECK_MAIL_FROM is required in production (the address runs are sent from)"
                        .into(),
                );
                String::new()
            }
            _ => "noreply@datacheck.test".into(),
        };
        if self.demo && env == DeployEnv::Prod {
            problems.push("DATACHECK_DEMO cannot be used in production".into());
        }
        if !problems.is_empty() {
            bail!(
                "cannot start, the configuration has problems:\n  - {}",
                problems.join("\n  - ")
            );
        }
        Ok(Checked {
            env,
            database_url,
            public_url,
            time_zone: time_zone.context("checked above")?,
            time_zone_name: self.time_zone.clone(),
            session_key,
            link_keys,
            smtp_url,
            mail_from,
        })
    }
}

impl Checked {
    pub fn into_settings(
        self,
        session_key: [u8; 32],
        link_keys: link_token::Keyring,
        trust_forwarded_for: bool,
    ) -> Settings {
        Settings {
            env: self.env,
            dev_mailbox: self.smtp_url.is_none(),
            public_url: self.public_url,
            time_zone: self.time_zone,
            time_zone_name: self.time_zone_name,
            session_key,
            link_keys,
            mail_from: self.mail_from,
            trust_forwarded_for,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct T {
        #[command(flatten)]
        c: Config,
    }

    fn parse(args: &[&str]) -> Config {
        let mut all = vec!["test"];
        all.extend_from_slice(args);
        T::parse_from(all).c
    }

    #[test]
    fn prod_mode_refuses_to_start_without_secrets() {
        let c = parse(&["--env", "prod", "--database-url", "postgres://x/y"]);
        let err = format!("{:#}", c.check().err().expect("must refuse"));
        assert!(
            err.contains("DATACHECK_SESSION_SECRET is required"),
            "{err}"
        );
        assert!(err.contains("DATACHECK_PUBLIC_URL is required"), "{err}");
        assert!(err.contains("DATACHECK_LINK_KEYS is required"), "{err}");
        assert!(err.contains("DATACHECK_SMTP_URL is required"), "{err}");
        assert!(err.contains("DATACHECK_MAIL_FROM is required"), "{err}");
    }

    #[test]
    fn prod_mode_starts_with_secrets_and_https() {
        let secret = "s".repeat(40);
        let c = parse(&[
            "--env",
            "prod",
            "--database-url",
            "postgres://x/y",
            "--session-secret",
            &secret,
            "--public-url",
            "https://check.example.nl/",
            "--link-keys",
            "1:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=",
            "--smtp-url",
            "smtps://user:pass@smtp.example.nl",
            "--mail-from",
            "noreply@example.nl",
        ]);
        let checked = c.check().expect("valid");
        assert_eq!(checked.public_url, "https://check.example.nl");
        assert!(checked.session_key.is_some());
        assert_eq!(checked.link_keys.expect("parsed").active_id(), 1);
    }

    #[test]
    fn bad_link_keys_and_smtp_url_are_reported_without_echoing_secrets() {
        let c = parse(&[
            "--database-url",
            "postgres://x/y",
            "--link-keys",
            "1:c2VjcmV0LXRvby1zaG9ydA==",
            "--smtp-url",
            "ftp://user:hunter2@mail.example.nl",
        ]);
        let err = format!("{:#}", c.check().err().expect("must refuse"));
        assert!(
            err.contains("DATACHECK_LINK_KEYS: link key 1 must be 32"),
            "{err}"
        );
        assert!(err.contains("DATACHECK_SMTP_URL"), "{err}");
        assert!(!err.contains("c2VjcmV0"), "{err}");
        assert!(!err.contains("hunter2"), "{err}");
    }

    #[test]
    fn short_secret_plain_http_and_bad_zone_are_reported_together() {
        let c = parse(&[
            "--env",
            "prod",
            "--database-url",
            "postgres://x/y",
            "--session-secret",
            "short",
            "--public-url",
            "http://check.example.nl",
            "--time-zone",
            "Mars/Olympus",
        ]);
        let err = format!("{:#}", c.check().err().expect("must refuse"));
        assert!(err.contains("at least 32"), "{err}");
        assert!(err.contains("https://"), "{err}");
        assert!(err.contains("Mars/Olympus"), "{err}");
    }

    #[test]
    fn dev_mode_has_safe_defaults() {
        let c = parse(&["--database-url", "postgres://x/y"]);
        let checked = c.check().expect("dev defaults");
        assert_eq!(checked.public_url, "http://127.0.0.1:3000");
        assert!(
            checked.session_key.is_none(),
            "generated later, kept in the database"
        );
    }

    #[test]
    fn demo_data_is_refused_in_production() {
        let secret = "s".repeat(40);
        let c = parse(&[
            "--env",
            "prod",
            "--database-url",
            "postgres://x/y",
            "--session-secret",
            &secret,
            "--public-url",
            "https://x.nl",
            "--link-keys",
            "1:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=",
            "--smtp-url",
            "smtp://127.0.0.1:25",
            "--mail-from",
            "noreply@x.nl",
            "--demo",
        ]);
        assert!(c.check().is_err());
    }
}
