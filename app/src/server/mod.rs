//! Server-only code (`ssr` feature): state, database access, sessions, passwords, audit.
//! Server functions in `crate::api` call into this module; components never do.

pub mod api_keys;
pub mod assets;
pub mod audit;
pub mod auth;
pub mod consent;
pub mod contacts;
pub mod data_request;
pub mod db;
pub mod fields;
pub mod import;
pub mod mail;
pub mod mutations;
pub mod password;
pub mod plausible;
pub mod portal;
pub mod preferences;
pub mod runs;
pub mod scope;
pub mod seed;
pub mod state;
pub mod throttle;
pub mod timefmt;

pub use state::{AppState, DeployEnv, Settings};
